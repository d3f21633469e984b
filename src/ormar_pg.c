/*-------------------------------------------------------------------------
 * ormar_pg.c
 *	  Module entry: PG_MODULE_MAGIC, and the wrapper every DDL-running API
 *	  function goes through.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"

#include "ormar_pg.h"

PG_MODULE_MAGIC;

int			ormar_ddl_depth = 0;

/*
 * Run API function FN inside an SPI connection, marked as ormar_pg's own
 * DDL so that the event triggers do not react to the statements it runs.
 * The marker is restored however FN exits.
 */
Datum
ormar_run_ddl_api(OrmarApiFn fn, FunctionCallInfo fcinfo)
{
	Datum		result;
	int			save_depth = ormar_ddl_depth;

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
