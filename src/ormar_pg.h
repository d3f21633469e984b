/*-------------------------------------------------------------------------
 * ormar_pg.h
 *	  Declarations shared across ormar_pg's source files.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_PG_H
#define ORMAR_PG_H

#include "postgres.h"
#include "fmgr.h"

#include "catalog.h"

/* Nonzero while ormar_pg itself runs DDL: event triggers stand aside. */
extern int	ormar_ddl_depth;

typedef Datum (*OrmarApiFn) (FunctionCallInfo fcinfo);
extern Datum ormar_run_ddl_api(OrmarApiFn fn, FunctionCallInfo fcinfo);
extern Datum ormar_run_event(OrmarApiFn fn, FunctionCallInfo fcinfo);

typedef void (*OrmarActFn) (void *arg);
extern bool ormar_try_as(Oid role, OrmarActFn fn, void *arg, char **errmsg_out);

/* relation.c */
extern void ormar_check_owner(Oid relid);
extern Oid	ormar_relation_role(OrmarRel *rel);
extern void ormar_declare(OrmarRel *rel);
extern int	ormar_resolve_pending(Oid model);
extern void ormar_drop_relations_of_model(Oid model, bool cascade);
extern void ormar_check_not_through(Oid model);
extern void ormar_refresh_relation(OrmarRel *rel);
extern Oid	ormar_target_model(const char *schema, const char *name);

#endif
