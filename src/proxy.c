/*-------------------------------------------------------------------------
 * proxy.c
 *	  The read side of relation proxies: ormar.related, and the setup that
 *	  every proxy call shares (argument checks, relation lookup, key types,
 *	  the quoted pieces of its SQL).
 *
 * Arguments are checked in a fixed order: NULLs (22004), the model
 * (42704), the relation (42704 / 55000 when pending), then the key (42804).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "cache.h"

#include "keys.h"
#include "naming.h"
#include "options.h"
#include "proxy.h"
#include "rowjson.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_related);

/*
 * Resolve arguments 0 (model), 1 (pk) and 2 (relation) of a proxy call and
 * lock the relation's tables with MODE (AccessShareLock to read,
 * RowExclusiveLock to write), in OID order; see ormar_lock_tables.  If a
 * concurrent declaration or drop changed the relation meanwhile, look it up
 * again: the call sees the relation as it was or as it is, never half.
 * The caller has connected to SPI.
 */
void
ormar_proxy_begin_mode(FunctionCallInfo fcinfo, ProxyCall *call, LOCKMODE mode)
{
	OrmarEnd   *end = &call->end;
	Oid			model;
	char	   *relation;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "pk");
	ormar_require_arg(fcinfo, 2, "relation");
	model = PG_GETARG_OID(0);
	relation = text_to_cstring(PG_GETARG_TEXT_PP(2));

	for (int attempt = 0;; attempt++)
	{
		uint64		gen = ormar_begin_attempt(attempt, model, relation);
		bool		hit = ormar_cache_get_call(model, relation, call);

		if (!hit)
			ormar_lookup_end(model, relation, end);
		if (!ormar_lock_tables(list_make3_oid(end->self, end->other, end->rel->through),
							   mode, gen))
			continue;
		if (hit)
			break;
		ormar_model_info(end->self, &call->self);
		ormar_model_info(end->other, &call->other);
		call->self_pk = quote_identifier(call->self.pk_name);
		call->other_pk = quote_identifier(call->other.pk_name);
		call->eq_self = ormar_operator(call->self.pk_type, BTEqualStrategyNumber);
		call->eq_other = ormar_operator(call->other.pk_type, BTEqualStrategyNumber);
		call->lt_other = ormar_operator(call->other.pk_type, BTLessStrategyNumber);
		call->fk = call->through = call->th_self = call->th_other = NULL;
		if (end->rel->kind == ORMAR_FOREIGN_KEY)
			call->fk = quote_identifier(end->fk_column);
		else
		{
			call->through = ormar_qualified_rel(end->rel->through);
			call->th_self = quote_identifier(end->through_self);
			call->th_other = quote_identifier(end->through_other);
		}
		ormar_cache_put_call(model, relation, call, gen);
		break;
	}
	call->pk = ormar_key_arg(fcinfo, 1, &call->self, "pk");
}

/* ormar_proxy_begin_mode for a call that only reads. */
void
ormar_proxy_begin(FunctionCallInfo fcinfo, ProxyCall *call)
{
	ormar_proxy_begin_mode(fcinfo, call, AccessShareLock);
}

/* Argument ARGNO as a key of the model the relation reaches. */
Datum
ormar_other_key(FunctionCallInfo fcinfo, ProxyCall *call, int argno)
{
	return ormar_key_arg(fcinfo, argno, &call->other, "target_pk");
}

/*
 * ormar.related with its options argument (options.c): the statement is
 * built for each call from the cached relation metadata, without catalog
 * queries, and its plan is kept by its text.
 */
static void
related_with_options(ProxyCall *call, Jsonb *options, ReturnSetInfo *rsinfo)
{
	OrmarOptions *o;
	OrmarParams params;
	OrmarEndSql es;
	char	   *sql;

	if (JB_ROOT_IS_SCALAR(options) || !JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a JSON object")));
	o = ormar_options_parse(&options->root, NULL);
	ormar_options_check(o, &call->end);
	ormar_params_init(&params, call->self.pk_type, call->pk);
	ormar_options_bind(o, &params);
	es.end = &call->end;
	es.self = call->self;
	es.other = call->other;
	sql = ormar_rows_sql(&es, o, psprintf("%s $1", call->eq_self), NULL, false, false);
	if (o->count)
		sql = psprintf("SELECT pg_catalog.to_jsonb(pg_catalog.count(*)) FROM (%s) x", sql);
	ormar_exec_to_result(sql, params.n, params.types, params.values, rsinfo);
}

/*
 * The plan of operation OP of CALL's relation: kept with the relation's
 * cached metadata, so a warm call builds no SQL text and prepares nothing;
 * on a miss (or when the plancache says the plan went invalid) BUILD
 * writes the statement and it is prepared and kept.
 */
SPIPlanPtr
ormar_call_plan(ProxyCall *call, ProxyOp op, ProxySqlFn build, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = ormar_cache_get_plan(call->end.self, call->end.name, op);
	char	   *sql;

	if (plan && SPI_plan_is_valid(plan))
		return plan;
	sql = build(call, op);
	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	ormar_cache_put_plan(call->end.self, call->end.name, op, plan);
	return plan;
}

/*
 * The statement of ormar.related: the rows of the other side of $1, ordered
 * by key, each as the columns SELECT_LIST names (see rowjson.c).
 */
static char *
related_sql(ProxyCall *call, const char *select_list)
{
	OrmarEnd   *end = &call->end;

	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		return psprintf("SELECT %s FROM %s th JOIN %s o ON o.%s %s th.%s"
						" WHERE th.%s %s $1 ORDER BY o.%s USING %s",
						select_list, call->through, call->other.qualified,
						call->other_pk, call->eq_other, call->th_other,
						call->th_self, call->eq_self, call->other_pk, call->lt_other);
	if (end->key_on_self)
		return psprintf("SELECT %s FROM %s o WHERE o.%s %s"
						" (SELECT s.%s FROM %s s WHERE s.%s %s $1)",
						select_list, call->other.qualified, call->other_pk, call->eq_other,
						call->fk, call->self.qualified, call->self_pk, call->eq_self);
	return psprintf("SELECT %s FROM %s o WHERE o.%s %s $1 ORDER BY o.%s USING %s",
					select_list, call->other.qualified, call->fk, call->eq_self,
					call->other_pk, call->lt_other);
}

/*
 * The kept plan of ormar.related on CALL's relation, and in *RJ how its
 * rows become to_jsonb's objects; both made once per relation (until the
 * cache or the plancache invalidates them), so that a warm call looks
 * nothing up.
 */
static SPIPlanPtr
related_plan(ProxyCall *call, OrmarRowJson **rj)
{
	OrmarEnd   *end = &call->end;
	void	   *aux;
	SPIPlanPtr	plan = ormar_cache_get_plan_aux(end->self, end->name, PROXY_RELATED, &aux);
	MemoryContext cxt;
	MemoryContext old;
	char	   *sql;

	if (plan && aux && SPI_plan_is_valid(plan))
	{
		*rj = aux;
		return plan;
	}
	/* under the call's context until kept, so that an error frees it */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg related rows",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	*rj = ormar_rowjson_new(call->other.relid, "o", 0, end->rel->through,
							end->rel->kind == ORMAR_MANY_TO_MANY ?
							ormar_through_extra_columns(end->rel) : NIL, "th");
	MemoryContextSwitchTo(old);
	sql = related_sql(call, ormar_rowjson_select(*rj));
	plan = SPI_prepare(sql, 1, &call->self.pk_type);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	ormar_cache_put_plan_aux(end->self, end->name, PROXY_RELATED, plan, *rj, cxt);
	return plan;
}

/*
 * ormar.related(model, pk, relation): the rows on the other side, ordered
 * by their primary key, as jsonb.  The rows go from the executor straight
 * into the result, each built into jsonb on the way (rowjson.c).
 */
static Datum
related_impl(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyCall	call;
	SPIPlanPtr	plan;
	OrmarRowJson *rj;
	DestReceiver *dest;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	ormar_proxy_begin(fcinfo, &call);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		related_with_options(&call, PG_GETARG_JSONB_P(3), rsinfo);
		return (Datum) 0;
	}
	plan = related_plan(&call, &rj);
	dest = ormar_rowjson_dest(rj, rsinfo->setResult, rsinfo->setDesc);
	ormar_exec_plan_dest(plan, 1, &call.self.pk_type, &call.pk, dest);
	dest->rDestroy(dest);
	return (Datum) 0;
}

/*
 * ormar.related, run as a read (ormar_run_read: read-only, one snapshot).
 */
Datum
ormar_related(PG_FUNCTION_ARGS)
{
	return ormar_run_read(related_impl, fcinfo);
}
