/*-------------------------------------------------------------------------
 * ormar_pg.h
 *	  The module entry's API wrappers (ormar_pg.c), shared by the modules
 *	  that implement SQL-callable functions.
 *
 * Layering of src/, lower first.  A module calls only modules of lower
 * layers, so there is no cycle (../shared/tools/structure.py checks it):
 *
 *	 1. spi_util  the SPI layer: cached plans, generated DDL, the snapshot
 *				  of a read call, the switch to the catalog owner
 *		naming	  how SQL is spelled: generated names (63-byte rule),
 *				  qualified names, types, operators
 *		keys	  key arguments ("any") coerced to a model's key type
 *		jsontree  json read with the JSON parser, object keys in written order
 *	 2. catalog	  rows of ormar.model / ormar.relation, model and relation
 *				  lookup, the extra columns of a through table, owner check
 *		tables	  facts of existing tables from PostgreSQL's catalogs: NOT
 *				  NULL, primary key, foreign keys, pair keys, indexes
 *		fields	  field specs (json) into columns
 *	 3. adopt	  existing constraints, indexes and left-overs taken over
 *		citus	  Citus's rules, when the citus extension is there
 *		cache	  proxy metadata cache, invalidation, OID-ordered locking
 *		options	  refinements of related rows (options jsonb): parsed, bound
 *				  as parameters, turned into the SQL of the related rows;
 *				  the bounds of eager-loading inputs
 *	 4. ddl		  builds and runs the DDL of one validated relation; no
 *				  validation or catalog writes of its own
 *		ormar_pg  module entry (_PG_init), the wrappers every API function
 *				  runs in, acting as another role (ormar_try_as)
 *	 5. relation  declare (validate, then ddl, then catalog), pending
 *				  relations built as their declarer, drop
 *		proxy	  what every proxy call shares, and ormar.related
 *	 6. the rest of the SQL API: model, describe, mutate, eager, traverse,
 *		events, distribute, schema, diagram
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_PG_H
#define ORMAR_PG_H

#include "postgres.h"
#include "fmgr.h"

/* Nonzero while ormar_pg itself runs DDL: event triggers stand aside. */
extern int	ormar_ddl_depth;

typedef Datum (*OrmarApiFn) (FunctionCallInfo fcinfo);
extern Datum ormar_run_ddl_api(OrmarApiFn fn, FunctionCallInfo fcinfo);
extern Datum ormar_run_event(OrmarApiFn fn, FunctionCallInfo fcinfo);

typedef void (*OrmarActFn) (void *arg);
extern ErrorData *ormar_try_subxact(OrmarActFn fn, void *arg);
extern bool ormar_try_as(Oid role, OrmarActFn fn, void *arg, char **errmsg_out);
extern bool ormar_try_as_hint(Oid role, OrmarActFn fn, void *arg, char **errmsg_out,
							  char **errhint_out);

#endif
