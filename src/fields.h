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
#include "utils/jsonb.h"

#include "catalog.h"

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

/* Fields of MODEL (a json object, keys in order) in SCHEMA. */
extern List *ormar_parse_fields(const char *model, const char *schema,
								text *fields_json);
extern OrmarField *ormar_primary_key_field(const char *model, List *fields);
extern char *ormar_column_sql(OrmarField *field, const char *pk_sqltype);
extern void ormar_check_expression(const char *expr, const char *what);
extern void ormar_parse_target(const char *target, const char *default_schema,
							   char **schema, char **name);
extern char *ormar_upper_action(const char *action, const char *what);
extern bool ormar_valid_action(const char *action);


#endif
