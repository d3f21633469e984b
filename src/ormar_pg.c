/*-------------------------------------------------------------------------
 * ormar_pg.c
 *	  Module entry: PG_MODULE_MAGIC, and the wrapper every DDL-running API
 *	  function goes through.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"

#include "utils/resowner.h"
#include "utils/syscache.h"

#include "cache.h"
#include "spi_util.h"
#include "ormar_pg.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(ormar_statements);

int			ormar_ddl_depth = 0;

void		_PG_init(void);

/* Module load: the caches and their invalidation callbacks (cache.c). */
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

/*
 * Run API function FN that declares or drops: in SPI, the event triggers
 * standing aside, the catalog locked against concurrent declarations (see
 * run_api).
 */
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

/*
 * Run FN(ARG) inside a subtransaction, the way a PL/pgSQL exception block
 * does.  Returns NULL when FN completed; otherwise the subtransaction (and
 * every change FN made) is rolled back and its error is returned.  A cancel
 * or a shutdown request is never swallowed.
 */
ErrorData *
ormar_try_subxact(OrmarActFn fn, void *arg)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile result = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			ReThrowError(edata);
		result = edata;
	}
	PG_END_TRY();
	return result;
}

typedef struct ActAs
{
	Oid			role;
	OrmarActFn	fn;
	void	   *arg;
} ActAs;

/* ormar_try_subxact callback: FN(ARG) as ROLE (the subtransaction's abort restores the user). */
static void
act_as_cb(void *arg)
{
	ActAs	   *as = arg;
	Oid			save_user;
	int			save_sec;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(as->role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	as->fn(as->arg);
	SetUserIdAndSecContext(save_user, save_sec);
}

/*
 * Run FN(ARG) as role ROLE inside a subtransaction (ormar_try_subxact).
 * Returns true when FN completed; otherwise its error's message goes to
 * *ERRMSG.
 *
 * This is how ormar_pg acts for another role: a pending relation is built
 * as the role that declared it, and the event triggers regenerate a
 * relation's objects as their owner, each failure turned into a WARNING
 * by the caller instead of failing somebody else's statement.
 */
bool
ormar_try_as(Oid role, OrmarActFn fn, void *arg, char **errmsg_out)
{
	return ormar_try_as_hint(role, fn, arg, errmsg_out, NULL);
}

/*
 * ormar_try_as that also gives, in *ERRHINT_OUT unless that is NULL, the
 * HINT of a failure that is a name clash (42710, which says what to rename;
 * NULL otherwise): a WARNING about the failure can pass that advice on.
 */
bool
ormar_try_as_hint(Oid role, OrmarActFn fn, void *arg, char **errmsg_out,
				  char **errhint_out)
{
	ActAs		as = {role, fn, arg};
	ErrorData  *edata;

	*errmsg_out = NULL;
	if (errhint_out)
		*errhint_out = NULL;
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(role)))
	{
		*errmsg_out = psprintf("role with OID %u does not exist", role);
		return false;
	}
	edata = ormar_try_subxact(act_as_cb, &as);
	if (edata)
	{
		*errmsg_out = edata->message;
		if (errhint_out && edata->sqlerrcode == ERRCODE_DUPLICATE_OBJECT)
			*errhint_out = edata->hint;
	}
	return edata == NULL;
}
