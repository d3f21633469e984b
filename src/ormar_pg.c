/*-------------------------------------------------------------------------
 * ormar_pg.c
 *	  Module entry: PG_MODULE_MAGIC, and the wrapper every DDL-running API
 *	  function goes through.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"

#include "cache.h"
#include "ormar_pg.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(ormar_statements);

int			ormar_ddl_depth = 0;

void		_PG_init(void);

void
_PG_init(void)
{
	ormar_cache_init();
}

/*
 * ormar._statements(): how many statements ormar_pg's functions have run in
 * this backend, so tests can check that a call is one statement.
 */
Datum
ormar_statements(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) ormar_statements_run);
}

/*
 * Run API function FN inside an SPI connection, marked as ormar_pg's own
 * DDL so that the event triggers do not react to the statements it runs.
 * The marker is restored however FN exits.
 *
 * With LOCK_CATALOG, first take a self-conflicting lock on ormar.relation
 * (readers still pass): declarations check the catalog for clashes and then
 * write it, and two sessions doing that at once must not both pass the
 * check.  Under READ COMMITTED every later statement sees the winner.
 */
static Datum
run_api(OrmarApiFn fn, FunctionCallInfo fcinfo, bool lock_catalog)
{
	Datum		result;
	int			save_depth = ormar_ddl_depth;

	if (lock_catalog)
	{
		Oid			nsp = get_namespace_oid("ormar", false);

		LockRelationOid(get_relname_relid("relation", nsp), ShareRowExclusiveLock);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ormar_ddl_depth++;
	PG_TRY();
	{
		result = fn(fcinfo);
	}
	PG_FINALLY();
	{
		ormar_ddl_depth = save_depth;
	}
	PG_END_TRY();
	SPI_finish();
	return result;
}

Datum
ormar_run_ddl_api(OrmarApiFn fn, FunctionCallInfo fcinfo)
{
	return run_api(fn, fcinfo, true);
}

/* As ormar_run_ddl_api without the catalog lock: for the event triggers. */
Datum
ormar_run_event(OrmarApiFn fn, FunctionCallInfo fcinfo)
{
	return run_api(fn, fcinfo, false);
}
