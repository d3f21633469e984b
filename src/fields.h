/*-------------------------------------------------------------------------
 * fields.h
 *	  Field specifications of define_model: parsing json into columns and
 *	  relation declarations.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_FIELDS_H
#define ORMAR_FIELDS_H

#include "postgres.h"
#include "nodes/pg_list.h"

#include "catalog.h"
#include "jsontree.h"

typedef struct OrmarField
{
	char	   *name;
	char	   *type;			/* ormar type name as written */
	Oid			typid;			/* column type, InvalidOid for a relation */
	int32		typmod;
	char	   *sqltype;		/* the type as schema-qualified SQL */
	bool		primary_key;
	bool		autoincrement;
	bool		nullable;
	bool		unique;
	bool		index;
	char	   *default_text;	/* default value as text for the type's input */
	char	   *server_default; /* checked SQL expression */
	OrmarRel   *rel;			/* ForeignKey / ManyToMany: the declaration */
} OrmarField;

/* A column type as a field, for describe: type NULL if none matches. */
typedef struct OrmarFieldType
{
	const char *type;
	bool		timezone;
	bool		integer;		/* an identity by default as the primary key */
	int			max_length;		/* size options, -1 when the type has none */
	int			max_digits;
	int			decimal_places;
} OrmarFieldType;

/* Fields of MODEL (a json object, keys in order) in SCHEMA. */
extern List *ormar_fields_from_json(const char *model, const char *schema,
									OrmarJson *fields);
extern List *ormar_through_fields(OrmarRel *rel);
extern void ormar_field_of_type(Oid typid, int32 typmod, OrmarFieldType *ft);
extern OrmarField *ormar_primary_key_field(const char *model, List *fields);
extern char *ormar_column_sql(OrmarField *field);
extern void ormar_parse_target(const char *target, const char *default_schema,
							   char **schema, char **name);
extern char *ormar_upper_action(const char *action, const char *what);


#endif
