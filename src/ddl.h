/*-------------------------------------------------------------------------
 * ddl.h
 *	  Building and running the DDL of relations.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_DDL_H
#define ORMAR_DDL_H

#include "postgres.h"

#include "catalog.h"

extern char *ormar_ddl_fk_actions(OrmarRel *rel);
extern void ormar_ddl_add_fk(Oid relid, const char *name, const char *column,
							 OrmarModel *ref, const char *actions);
extern void ormar_ddl_fk_objects(OrmarRel *rel, OrmarModel *m, OrmarModel *t);
extern void ormar_ddl_through(OrmarRel *rel, OrmarModel *m, OrmarModel *t);
extern void ormar_ddl_generate(OrmarRel *rel);
extern void ormar_ddl_drop_generated(OrmarRel *rel);
extern void ormar_ddl_drop_views(OrmarRel *rel);
extern void ormar_ddl_drop_fk(OrmarRel *rel);
extern void ormar_ddl_drop_relation_objects(OrmarRel *rel, bool drop_data);

#endif
