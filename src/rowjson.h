/*-------------------------------------------------------------------------
 * rowjson.h
 *	  A table row as to_jsonb writes it, built in C from the columns of a
 *	  statement's result, with what each column needs looked up once per
 *	  kept plan instead of once per row.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_ROWJSON_H
#define ORMAR_ROWJSON_H

#include "postgres.h"
#include "executor/tuptable.h"
#include "nodes/pg_list.h"
#include "tcop/dest.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

typedef struct OrmarRowJson OrmarRowJson;

extern OrmarRowJson *ormar_rowjson_new(Oid relid, const char *alias, int first,
									   Oid through, List *through_cols,
									   const char *th_alias);
extern const char *ormar_rowjson_select(const OrmarRowJson *rj);
extern int	ormar_rowjson_width(const OrmarRowJson *rj);
extern Jsonb *ormar_rowjson_build(const OrmarRowJson *rj, TupleTableSlot *slot);
extern DestReceiver *ormar_rowjson_dest(const OrmarRowJson *rj, Tuplestorestate *store,
										TupleDesc desc);

#endif
