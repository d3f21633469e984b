/*-------------------------------------------------------------------------
 * spi_util.h
 *	  The one small layer over SPI used by every part of ormar_pg.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_SPI_UTIL_H
#define ORMAR_SPI_UTIL_H

#include "postgres.h"
#include "executor/spi.h"
#include "tcop/dest.h"
#include "nodes/execnodes.h"

/* Run a statement through a plan cached per backend, keyed by its text. */
extern int	ormar_exec(const char *sql, int nargs, Oid *argtypes,
					   Datum *values, const char *nulls, bool read_only,
					   long count);

extern int	ormar_exec_plan(SPIPlanPtr plan, Datum *values, const char *nulls,
							bool read_only, long count);

/* The same for a read whose rows go to DEST (no SPI_tuptable). */
extern void ormar_exec_dest(const char *sql, int nargs, Oid *argtypes,
							Datum *values, DestReceiver *dest);
extern void ormar_exec_plan_dest(SPIPlanPtr plan, int nargs, Oid *argtypes,
								 Datum *values, DestReceiver *dest);

/* The same, the rows into the tuplestore of a materialized SRF. */
extern void ormar_exec_to_result(const char *sql, int nargs, Oid *argtypes,
								 Datum *values, ReturnSetInfo *rsinfo);

/* Run one generated DDL statement (refused unless it parses as exactly one). */
extern void ormar_ddl(const char *sql);

/* Value of column COL of row ROW of SPI_tuptable, or NULL-flagged. */
extern Datum ormar_getdatum(uint64 row, int col, bool *isnull);
extern char *ormar_getstring(uint64 row, int col);
extern Oid	ormar_getoid(uint64 row, int col);
extern bool ormar_getbool(uint64 row, int col);

/* Switch to the catalog owner for a catalog write, and back. */
extern void ormar_as_catalog_owner(Oid *save_userid, int *save_sec);
extern void ormar_restore_user(Oid save_userid, int save_sec);

extern uint64 ormar_statements_run;
extern int	ormar_read_depth;
extern void ormar_read_snapshot_renew(void);
extern Datum ormar_run_read(Datum (*fn) (FunctionCallInfo), FunctionCallInfo fcinfo);

extern void ormar_reset_plans(void);

#endif
