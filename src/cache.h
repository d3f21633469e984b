/*-------------------------------------------------------------------------
 * cache.h
 *	  Backend-local cache of resolved relation metadata for the proxies.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_CACHE_H
#define ORMAR_CACHE_H

#include "postgres.h"

#include "executor/spi.h"
#include "proxy.h"
#include "storage/lockdefs.h"

extern void ormar_cache_init(void);
extern uint64 ormar_cache_generation(void);
extern bool ormar_cache_get_call(Oid model, const char *relation, ProxyCall *call);
extern void ormar_cache_put_call(Oid model, const char *relation,
								 const ProxyCall *call, uint64 gen);
/* kept plans per proxy call, by operation (ProxyOp in proxy.h) */
#define ORMAR_CALL_PLANS 10
extern SPIPlanPtr ormar_cache_get_plan(Oid model, const char *relation, int op);
extern void ormar_cache_put_plan(Oid model, const char *relation, int op,
								 SPIPlanPtr plan);
extern SPIPlanPtr ormar_cache_get_plan_aux(Oid model, const char *relation, int op,
										   void **aux);
extern void ormar_cache_put_plan_aux(Oid model, const char *relation, int op,
									 SPIPlanPtr plan, void *aux, MemoryContext auxcxt);
extern bool ormar_cache_get_sql(Oid model, const char *text, char **sql, OrmarModel *m);
extern void ormar_cache_put_sql(Oid model, const char *text, const char *sql,
								const OrmarModel *m, List *relids, uint64 gen);
extern bool ormar_lock_tables(List *relids, LOCKMODE mode, uint64 gen);
extern void ormar_snapshot_outdated(void);
extern uint64 ormar_begin_attempt(int attempt, Oid model, const char *relation);

#endif
