/*-------------------------------------------------------------------------
 * spi_util.c
 *	  The one small layer over SPI: statements run through plans kept for
 *	  the life of the backend (as ri_triggers.c does), generated DDL checked
 *	  to be a single statement before it runs, and the user switch that lets
 *	  SECURITY INVOKER functions write the extension's own catalog.
 *
 * Plans are keyed by the statement text and argument types.  Generated
 * statements name tables and columns by their current names, so a rename
 * yields a different text and therefore a fresh plan; the plancache itself
 * revalidates a kept plan when the objects it uses change.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "executor/tstoreReceiver.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
#include "catalog/pg_class.h"

#include "spi_util.h"

#define ORMAR_MAX_PLANS 2048

/* statements ormar_exec ran in this backend (ormar._statements(), for tests) */
uint64		ormar_statements_run = 0;

typedef struct PlanKey
{
	uint64		hash;			/* of text and argument types */
} PlanKey;

typedef struct PlanEntry
{
	PlanKey		key;
	char	   *sql;			/* in PlanMemory, to rule out collisions */
	int			nargs;
	Oid			argtypes[FUNC_MAX_ARGS];
	SPIPlanPtr	plan;
} PlanEntry;

static HTAB *plan_cache = NULL;
static MemoryContext PlanMemory = NULL;

/*
 * Create the plan cache and its memory context under CacheMemoryContext.
 */
static void
init_plan_cache(void)
{
	HASHCTL		ctl;

	PlanMemory = AllocSetContextCreate(CacheMemoryContext,
									   "ormar_pg plan texts",
									   ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(PlanKey);
	ctl.entrysize = sizeof(PlanEntry);
	ctl.hcxt = PlanMemory;
	plan_cache = hash_create("ormar_pg plans", 256, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Forget every kept plan.  Called when the cache grows past its bound: the
 * texts of renamed objects accumulate.
 */
void
ormar_reset_plans(void)
{
	HASH_SEQ_STATUS status;
	PlanEntry  *entry;

	if (plan_cache == NULL)
		return;
	hash_seq_init(&status, plan_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (entry->plan)
			SPI_freeplan(entry->plan);
	}
	hash_destroy(plan_cache);
	MemoryContextDelete(PlanMemory);
	plan_cache = NULL;
	PlanMemory = NULL;
}

/*
 * The kept plan of statement SQL, prepared on a miss or when the plancache
 * says it went invalid (see ormar_exec).
 */
static SPIPlanPtr
cached_plan(const char *sql, int nargs, Oid *argtypes)
{
	PlanKey		key;
	PlanEntry  *entry;
	bool		found;
	size_t		len = strlen(sql);
	SPIPlanPtr	plan;

	Assert(nargs <= FUNC_MAX_ARGS);
	if (plan_cache == NULL)
		init_plan_cache();
	else if (hash_get_num_entries(plan_cache) >= ORMAR_MAX_PLANS)
	{
		ormar_reset_plans();
		init_plan_cache();
	}

	key.hash = hash_bytes_extended((const unsigned char *) sql, len, 0);
	if (nargs > 0)
		key.hash = hash_combine64(key.hash,
								  hash_bytes_extended((const unsigned char *) argtypes,
													  nargs * sizeof(Oid), 0));

	entry = hash_search(plan_cache, &key, HASH_ENTER, &found);
	if (found && entry->plan != NULL &&
		entry->nargs == nargs &&
		memcmp(entry->argtypes, argtypes, nargs * sizeof(Oid)) == 0 &&
		strcmp(entry->sql, sql) == 0 &&
		SPI_plan_is_valid(entry->plan))
		return entry->plan;

	if (found)
	{
		/* stale, invalid or a hash collision: start this entry afresh */
		if (entry->plan)
			SPI_freeplan(entry->plan);
		if (entry->sql)
			pfree(entry->sql);
	}
	entry->plan = NULL;
	entry->sql = NULL;

	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
	{
		hash_search(plan_cache, &key, HASH_REMOVE, NULL);
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	}
	SPI_keepplan(plan);
	entry->plan = plan;
	entry->sql = MemoryContextStrdup(PlanMemory, sql);
	entry->nargs = nargs;
	if (nargs > 0)
		memcpy(entry->argtypes, argtypes, nargs * sizeof(Oid));
	return plan;
}

/*
 * Execute SQL with parameters through a kept plan.  Returns the SPI result
 * code after checking it is not an error; rows are in SPI_tuptable.
 */
int
ormar_exec(const char *sql, int nargs, Oid *argtypes, Datum *values,
		   const char *nulls, bool read_only, long count)
{
	SPIPlanPtr	plan = cached_plan(sql, nargs, argtypes);
	int			rc;

	ormar_statements_run++;
	/* inside a read call every statement reads the call's one snapshot */
	rc = SPI_execute_plan(plan, values, nulls, read_only || ormar_read_depth > 0, count);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed for \"%s\": %s",
			 sql, SPI_result_code_string(rc));
	return rc;
}

/*
 * Run kept plan PLAN (see ormar_call_plan), as ormar_exec runs its plans.
 */
int
ormar_exec_plan(SPIPlanPtr plan, Datum *values, const char *nulls,
				bool read_only, long count)
{
	int			rc;

	ormar_statements_run++;
	rc = SPI_execute_plan(plan, values, nulls, read_only || ormar_read_depth > 0, count);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return rc;
}

/*
 * ormar_exec for a read whose rows go straight to DEST instead of
 * SPI_tuptable: no copy of the result is kept (traverse filters and stores
 * each row as it comes).
 */
void
ormar_exec_dest(const char *sql, int nargs, Oid *argtypes, Datum *values,
				DestReceiver *dest)
{
	ormar_exec_plan_dest(cached_plan(sql, nargs, argtypes), nargs, argtypes, values, dest);
}

/*
 * Run kept plan PLAN (see ormar_call_plan) read-only, its rows going
 * straight to DEST.
 */
void
ormar_exec_plan_dest(SPIPlanPtr plan, int nargs, Oid *argtypes, Datum *values,
					 DestReceiver *dest)
{
	ParamListInfo params = makeParamList(nargs);
	SPIExecuteOptions options;
	int			rc;

	for (int i = 0; i < nargs; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = false;
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = argtypes[i];
	}
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;
	ormar_statements_run++;
	rc = SPI_execute_plan_extended(plan, &options);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan_extended failed: %s", SPI_result_code_string(rc));
}

/*
 * ormar_exec for a read whose rows are the result of a materialized
 * set-returning function: they go straight into its tuplestore, with no
 * SPI_tuptable copy in between.
 */
void
ormar_exec_to_result(const char *sql, int nargs, Oid *argtypes, Datum *values,
					 ReturnSetInfo *rsinfo)
{
	DestReceiver *dest = CreateDestReceiver(DestTuplestore);

	SetTuplestoreDestReceiverParams(dest, rsinfo->setResult,
									rsinfo->econtext->ecxt_per_query_memory,
									false, NULL, NULL);
	ormar_exec_dest(sql, nargs, argtypes, values, dest);
	dest->rDestroy(dest);
}

/*
 * Snapshot of a read-only API call (related, fetch, fetch_many, traverse,
 * describe, diagram).  Such a call reads the catalog and the data with one snapshot, taken when
 * the call starts and taken again (ormar_read_snapshot_renew) when it had
 * to wait for a concurrent declaration, so that it sees the relation as it
 * was or as it is.  While ormar_read_depth > 0, ormar_exec runs every
 * statement read-only on that snapshot.  Write calls run each statement
 * with a fresh snapshot (read_only = false), as PL/pgSQL does under READ
 * COMMITTED, so each sees the effects of the ones before it.
 */
int			ormar_read_depth = 0;

/*
 * A read call that must look again (a concurrent change it waited for
 * committed) takes a new snapshot.
 */
void
ormar_read_snapshot_renew(void)
{
	PopActiveSnapshot();
	PushActiveSnapshot(GetTransactionSnapshot());
}

/*
 * Run read-only API function FN in SPI with its own snapshot (see above).
 * On error the transaction's abort pops the snapshot; the depth is restored
 * here however FN exits.
 */
Datum
ormar_run_read(Datum (*fn) (FunctionCallInfo), FunctionCallInfo fcinfo)
{
	int			save_depth = ormar_read_depth;
	Datum		result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	ormar_read_depth++;
	PG_TRY();
	{
		result = fn(fcinfo);
	}
	PG_FINALLY();
	{
		ormar_read_depth = save_depth;
	}
	PG_END_TRY();
	PopActiveSnapshot();
	SPI_finish();
	return result;
}

/*
 * Run a piece of generated DDL.  Every identifier in it was quoted and every
 * user-supplied expression checked, but as a last line of defence the text
 * must parse as exactly one statement: nothing smuggled in can run.
 */
void
ormar_ddl(const char *sql)
{
	List	   *parsed = raw_parser(sql, RAW_PARSE_DEFAULT);
	int			rc;

	if (list_length(parsed) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("generated statement is not a single SQL command"),
				 errdetail_internal("%s", sql)));

	rc = SPI_execute(sql, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute failed for \"%s\": %s",
			 sql, SPI_result_code_string(rc));
}

/*
 * Value of column COL (1-based) of row ROW of SPI_tuptable, *ISNULL set.
 */
Datum
ormar_getdatum(uint64 row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
						 col, isnull);
}

/* Text form of a column, palloc'd in the caller's context (NULL if null). */
char *
ormar_getstring(uint64 row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/* OID column COL of row ROW of SPI_tuptable (InvalidOid for NULL). */
Oid
ormar_getoid(uint64 row, int col)
{
	bool		isnull;
	Datum		d = ormar_getdatum(row, col, &isnull);

	return isnull ? InvalidOid : DatumGetObjectId(d);
}

/* Boolean column COL of row ROW of SPI_tuptable (false for NULL). */
bool
ormar_getbool(uint64 row, int col)
{
	bool		isnull;
	Datum		d = ormar_getdatum(row, col, &isnull);

	return isnull ? false : DatumGetBool(d);
}

/*
 * The catalog tables belong to the extension's owner and are read-only for
 * everybody else; the API functions run as the caller.  For the duration of
 * a catalog write we act as the catalog's owner, exactly as ri_triggers.c
 * acts as a table's owner for its checks.  Transaction abort restores the
 * user if an error intervenes.
 */
void
ormar_as_catalog_owner(Oid *save_userid, int *save_sec)
{
	Oid			nsp = get_namespace_oid("ormar", false);
	Oid			relid = get_relname_relid("relation", nsp);
	HeapTuple	tup;
	Oid			owner;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	GetUserIdAndSecContext(save_userid, save_sec);
	SetUserIdAndSecContext(owner, *save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/*
 * Undo ormar_as_catalog_owner: back to the caller's user and security
 * context.
 */
void
ormar_restore_user(Oid save_userid, int save_sec)
{
	SetUserIdAndSecContext(save_userid, save_sec);
}
