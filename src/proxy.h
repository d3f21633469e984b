/*-------------------------------------------------------------------------
 * proxy.h
 *	  What every relation proxy call starts from.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_PROXY_H
#define ORMAR_PROXY_H

#include "postgres.h"
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

extern void ormar_proxy_begin(FunctionCallInfo fcinfo, ProxyCall *call);
extern void ormar_proxy_begin_mode(FunctionCallInfo fcinfo, ProxyCall *call,
								   LOCKMODE mode);
extern Datum ormar_other_key(FunctionCallInfo fcinfo, ProxyCall *call, int argno);
extern char *ormar_through_object(OrmarRel *rel, const char *alias);

#endif
