/*-------------------------------------------------------------------------
 * eager.c
 *	  Walking relations in one statement: ormar.traverse.
 *
 * traverse walks a self-referencing relation breadth first with a single
 * recursive query.  The CYCLE clause marks a row met again on its own path,
 * so a cycle ends the walk; for a many-to-many, where a row can be reached
 * along several paths, each row is reported once, at its smallest depth.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "keys.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_traverse);

Datum
ormar_traverse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyCall	call;
	OrmarEnd   *end = &call.end;
	Oid			argtypes[2];
	Datum		values[2];
	char		nulls[3] = "  ";
	char	   *step;
	char	   *sql;
	const char *T;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ormar_proxy_begin(fcinfo, &call);
	if (end->self != end->other)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation \"%s\" of model \"%s\" is not self-referencing",
						end->name, call.self.name),
				 errdetail("It leads to model \"%s\"; traverse walks a relation from a model to itself.",
						   call.other.name)));
	if (!PG_ARGISNULL(3) && PG_GETARG_INT32(3) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_depth must not be negative")));

	T = call.self.qualified;
	/* one step of the walk: the keys reached from w.k, one level deeper */
	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		step = psprintf("SELECT th.%s, w.depth OPERATOR(pg_catalog.+) 1 FROM w JOIN %s th ON th.%s %s w.k"
						" WHERE true",
						call.th_other, call.through, call.th_self, call.eq_self);
	else if (end->key_on_self)
		step = psprintf("SELECT s.%s, w.depth OPERATOR(pg_catalog.+) 1 FROM w JOIN %s s ON s.%s %s w.k"
						" WHERE s.%s IS NOT NULL",
						call.fk, T, call.self_pk, call.eq_self, call.fk);
	else
		step = psprintf("SELECT o.%s, w.depth OPERATOR(pg_catalog.+) 1 FROM w JOIN %s o ON o.%s %s w.k"
						" WHERE true",
						call.self_pk, T, call.fk, call.eq_self);

	sql = psprintf("WITH RECURSIVE w(k, depth) AS ("
				   " SELECT s.%s, 0 FROM %s s WHERE s.%s %s $1"
				   " UNION ALL"
				   " %s AND ($2 IS NULL OR w.depth OPERATOR(pg_catalog.<) $2)"
				   ") CYCLE k SET is_cycle USING path "
				   "SELECT x.depth, x.node FROM ("
				   " SELECT DISTINCT ON (w.k) w.k, w.depth, pg_catalog.to_jsonb(n.*) AS node"
				   " FROM w JOIN %s n ON n.%s %s w.k WHERE NOT w.is_cycle"
				   " ORDER BY w.k USING %s, w.depth USING OPERATOR(pg_catalog.<)) x"
				   " ORDER BY x.depth USING OPERATOR(pg_catalog.<), x.k USING %s",
				   call.self_pk, T, call.self_pk, call.eq_self, step,
				   T, call.self_pk, call.eq_self, call.lt_other, call.lt_other);
	argtypes[0] = call.self.pk_type;
	argtypes[1] = INT4OID;
	values[0] = call.pk;
	values[1] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	nulls[1] = PG_ARGISNULL(3) ? 'n' : ' ';
	ormar_exec(sql, 2, argtypes, values, nulls, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		row[2];
		bool		isnull[2];

		row[0] = ormar_getdatum(i, 1, &isnull[0]);
		row[1] = ormar_getdatum(i, 2, &isnull[1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, isnull);
	}
	SPI_finish();
	return (Datum) 0;
}
