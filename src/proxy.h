/*-------------------------------------------------------------------------
 * proxy.h
 *	  What every relation proxy call starts from.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_PROXY_H
#define ORMAR_PROXY_H

#include "postgres.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/lockdefs.h"

#include "catalog.h"

typedef struct ProxyCall
{
	OrmarEnd	end;
	OrmarModel	self;			/* model the relation starts from */
	OrmarModel	other;			/* model it reaches */
	Datum		pk;				/* key of the row of self, typed */
	/* quoted pieces for SQL text */
	const char *self_pk;
	const char *other_pk;
	const char *eq_self;		/* OPERATOR(...) = for self's key type */
	const char *eq_other;
	const char *lt_other;
	const char *fk;				/* foreign key column */
	const char *through;		/* qualified through table */
	const char *th_self;
	const char *th_other;
} ProxyCall;

/*
 * The fixed-shape statements of proxy calls, kept as plans per relation
 * (see ormar_call_plan).  Statements whose shape depends on the call's
 * arguments (through values, data columns) go through ormar_exec instead.
 */
typedef enum ProxyOp
{
	PROXY_RELATED,				/* rows of the other side, ordered by key */
	PROXY_ADD,					/* link $1 and $2 (no through values) */
	PROXY_REMOVE_KEEP,			/* unlink $2 from $1, keeping the row */
	PROXY_REMOVE_DELETE,		/* unlink $2 from $1, deleting the child */
	PROXY_CLEAR_KEEP,			/* unlink everything from $1 */
	PROXY_CLEAR_DELETE,			/* delete every child of $1 */
	PROXY_REQUIRE_SELF,			/* does row $1 of self exist */
	PROXY_REQUIRE_OTHER,		/* does row $1 of other exist */
	PROXY_TRAVERSE_START,		/* traverse: the row $1 */
	PROXY_TRAVERSE_LEVEL		/* traverse: the rows next to the keys $1 */
} ProxyOp;

typedef char *(*ProxySqlFn) (ProxyCall *call, ProxyOp op);

extern void ormar_proxy_begin(FunctionCallInfo fcinfo, ProxyCall *call);
extern SPIPlanPtr ormar_call_plan(ProxyCall *call, ProxyOp op, ProxySqlFn build,
								  int nargs, Oid *argtypes);
extern void ormar_proxy_begin_mode(FunctionCallInfo fcinfo, ProxyCall *call,
								   LOCKMODE mode);
extern Datum ormar_other_key(FunctionCallInfo fcinfo, ProxyCall *call, int argno);

#endif
