/*-------------------------------------------------------------------------
 * catalog.h
 *	  Reading and writing the ormar.* catalog tables; models and relations.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_CATALOG_H
#define ORMAR_CATALOG_H

#include "postgres.h"
#include "nodes/pg_list.h"

typedef enum OrmarKind
{
	ORMAR_FOREIGN_KEY,
	ORMAR_MANY_TO_MANY
} OrmarKind;

/* A registered model: the table and its single-column primary key. */
typedef struct OrmarModel
{
	Oid			relid;
	char	   *schema;
	char	   *name;
	char	   *qualified;		/* quoted schema.table */
	AttrNumber	pk_attnum;
	char	   *pk_name;
	Oid			pk_type;
	int32		pk_typmod;
	Oid			pk_collation;
} OrmarModel;

/*
 * Existing objects a relation took over instead of generating them (column
 * ormar.relation.adopted, a text[] of the lower-case names); drop_relation
 * leaves them in place unless drop_data.
 */
#define ORMAR_ADOPTED_CONSTRAINT	0x01	/* foreign key: constraint_name */
#define ORMAR_ADOPTED_INDEX			0x02	/* index_name (fk column / reversed through pair) */
#define ORMAR_ADOPTED_THROUGH_KEY	0x04	/* the through pair's primary key or unique */
#define ORMAR_ADOPTED_THROUGH_CONSTRAINT 0x08	/* through_column's foreign key */
#define ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT 0x10	/* through_reverse_column's */

/* One row of ormar.relation: a relation as declared on its source model. */
typedef struct OrmarRel
{
	Oid			model;
	char	   *name;
	OrmarKind	kind;
	Oid			target;			/* InvalidOid while pending */
	char	   *target_schema;
	char	   *target_name;
	char	   *related_name;
	bool		skip_reverse;
	bool		nullable;
	bool		one_to_one;
	char	   *ondelete;		/* upper case, NULL for the default */
	char	   *onupdate;
	char	   *column_name;	/* foreign key: referencing column of model */
	char	   *constraint_name;
	char	   *index_name;
	Oid			through;		/* many-to-many */
	char	   *through_schema;
	char	   *through_name;
	char	   *through_column; /* points at model */
	char	   *through_reverse_column; /* points at target */
	char	   *through_fields; /* json text, or NULL */
	bool		through_created;
	Oid			accessor;
	Oid			reverse_accessor;
	Oid			lookup_view;
	Oid			reverse_lookup_view;
	int			adopted;		/* ORMAR_ADOPTED_* of existing objects taken over */
	Oid			declared_by;	/* role that declared it: builds and owns its objects */
} OrmarRel;

/*
 * One direction of a relation, seen from the model it starts at: what the
 * proxies work with.
 */
typedef struct OrmarEnd
{
	OrmarRel   *rel;
	bool		reverse;
	Oid			self;
	Oid			other;
	const char *name;
	bool		to_many;
	/* foreign key */
	bool		key_on_self;	/* the referencing column belongs to self */
	const char *fk_column;
	/* many-to-many */
	const char *through_self;	/* through column pointing at self */
	const char *through_other;	/* through column pointing at other */
} OrmarEnd;

extern uint64 ormar_catalog_writes;

extern void ormar_model_info(Oid relid, OrmarModel *model);
extern bool ormar_is_model(Oid relid);
extern void ormar_require_model(Oid relid);
extern void ormar_insert_model(Oid relid);
extern void ormar_delete_model(Oid relid);

extern OrmarRel *ormar_get_relation(Oid model, const char *name);
extern List *ormar_relations_from(Oid model);
extern List *ormar_relations_to(Oid target);
extern List *ormar_relations_touching(Oid relid);
extern List *ormar_relations_in_schemas(List *nsps);
extern List *ormar_pending_relations(const char *schema, const char *name);
extern List *ormar_all_relations(void);
extern void ormar_store_relation(OrmarRel *rel);
extern void ormar_delete_relation(OrmarRel *rel);
extern void ormar_rename_column(Oid relid, const char *oldname,
								const char *newname);

extern bool ormar_find_end(Oid model, const char *name, OrmarEnd *end);
extern void ormar_lookup_end(Oid model, const char *name, OrmarEnd *end);
extern void ormar_end_of(OrmarRel *rel, bool reverse, OrmarEnd *end);
extern char *ormar_relation_names(Oid model);
extern char *ormar_name_in_message(const char *name);
extern void ormar_check_name_free(Oid model, const char *name,
								  const char *own_column, OrmarRel *newrel,
								  bool reverse);

extern const char *ormar_kind_name(OrmarKind kind);
extern Datum ormar_adopted_to_array(int adopted);
extern int	ormar_adopted_from_array(Datum array);



extern List *ormar_relations_touching_any(Datum oids);
extern bool ormar_through_of(Oid relid, char **model, char **name);
extern void ormar_forget_dropped(Datum oids);
extern List *ormar_through_extra_columns(OrmarRel *rel);
extern void ormar_check_owner(Oid relid);
#endif
