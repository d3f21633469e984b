/*-------------------------------------------------------------------------
 * traverse.c
 *	  ormar.traverse: the rows reached along a self-referencing relation.
 *
 * traverse walks the relation breadth first, one level at a time: each
 * level is one set-based query for the rows next to the whole frontier
 * (key = ANY ($1)), whose rows go straight from the executor to a receiver
 * that drops rows met before (a hash set of keys) and stores the others.
 * Every row is read and reported once, at its smallest depth; a cycle
 * simply finds nothing new.  The cost is linear in the rows reached,
 * whatever the shape of the graph (following every path instead would be
 * exponential on a many-to-many graph with many paths).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_traverse);

/*
 * The rows of one level of traverse go straight from the executor to this
 * receiver (ormar_exec_dest): a row whose key was seen before is dropped,
 * a new one is stored in the result and its key joins the next frontier.
 * Nothing is copied in between.
 *
 * Keys are remembered by value for a key type passed by value (integers:
 * the hash table holds the Datum itself), else by their text form (longer
 * ones, rare, in a list).
 */
typedef struct TraverseDest
{
	DestReceiver pub;
	HTAB	   *seen;
	List	   *long_keys;
	bool		byval;
	int16		typlen;
	Oid			outfunc;
	int32		depth;
	Tuplestorestate *result;
	TupleDesc	resdesc;
	MemoryContext keycxt;		/* the next frontier's keys */
	Datum	   *next;
	int			nnext;
	int			cap;
} TraverseDest;

typedef struct Seen
{
	char		key[NAMEDATALEN * 2];	/* text form of the key (hash key) */
} Seen;

/* Mark KEY as seen; false if it was already. */
static bool
mark_seen(TraverseDest *d, Datum key)
{
	bool		found;
	char	   *text;
	ListCell   *lc;

	if (d->byval)
	{
		Datum		k = key;

		hash_search(d->seen, &k, HASH_ENTER, &found);
		return !found;
	}
	text = OidOutputFunctionCall(d->outfunc, key);
	if (strlen(text) < sizeof(((Seen *) 0)->key))
	{
		Seen		probe;

		memset(&probe, 0, sizeof(probe));
		strcpy(probe.key, text);
		hash_search(d->seen, &probe, HASH_ENTER, &found);
		return !found;
	}
	foreach(lc, d->long_keys)
		if (strcmp(lfirst(lc), text) == 0)
			return false;
	d->long_keys = lappend(d->long_keys, text);
	return true;
}

static bool
traverse_receive(TupleTableSlot *slot, DestReceiver *self)
{
	TraverseDest *d = (TraverseDest *) self;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	MemoryContext old;

	slot_getallattrs(slot);
	if (slot->tts_isnull[0] || !mark_seen(d, slot->tts_values[0]))
		return true;
	values[0] = Int32GetDatum(d->depth);
	values[1] = slot->tts_values[1];
	nulls[1] = slot->tts_isnull[1];
	tuplestore_putvalues(d->result, d->resdesc, values, nulls);
	old = MemoryContextSwitchTo(d->keycxt);
	if (d->nnext == d->cap)
	{
		d->cap *= 2;
		d->next = repalloc(d->next, sizeof(Datum) * d->cap);
	}
	d->next[d->nnext++] = datumCopy(slot->tts_values[0], d->byval, d->typlen);
	MemoryContextSwitchTo(old);
	return true;
}

static void
traverse_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
traverse_shutdown(DestReceiver *self)
{
}

static void
traverse_destroy(DestReceiver *self)
{
}

Datum
ormar_traverse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyCall	call;
	OrmarEnd   *end = &call.end;
	Oid			keytype;
	Oid			arraytype;
	bool		typbyval;
	char		typalign;
	bool		isvarlena;
	char	   *start_sql;
	char	   *level_sql;
	const char *T;
	int32		max_depth = -1;
	HASHCTL		ctl;
	TraverseDest d;
	MemoryContext levelcxt[2];

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
	if (!PG_ARGISNULL(3))
	{
		max_depth = PG_GETARG_INT32(3);
		if (max_depth < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_depth must not be negative")));
	}

	T = call.self.qualified;
	keytype = call.self.pk_type;
	arraytype = get_array_type(keytype);
	if (!OidIsValid(arraytype))
		elog(ERROR, "type %s has no array type", format_type_be(keytype));

	start_sql = psprintf("SELECT n.%s, pg_catalog.to_jsonb(n.*) FROM %s n WHERE n.%s %s $1",
						 call.self_pk, T, call.self_pk, call.eq_self);
	/* the rows one step away from any row of the frontier $1, in key order */
	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		level_sql = psprintf("SELECT n.%s, pg_catalog.to_jsonb(n.*) FROM %s n WHERE n.%s %s ANY"
							 " (ARRAY(SELECT th.%s FROM %s th WHERE th.%s %s ANY ($1)))"
							 " ORDER BY n.%s USING %s",
							 call.self_pk, T, call.self_pk, call.eq_self,
							 call.th_other, call.through, call.th_self, call.eq_self,
							 call.self_pk, call.lt_other);
	else if (end->key_on_self)
		level_sql = psprintf("SELECT n.%s, pg_catalog.to_jsonb(n.*) FROM %s n WHERE n.%s %s ANY"
							 " (ARRAY(SELECT s.%s FROM %s s WHERE s.%s %s ANY ($1)))"
							 " ORDER BY n.%s USING %s",
							 call.self_pk, T, call.self_pk, call.eq_self,
							 call.fk, T, call.self_pk, call.eq_self,
							 call.self_pk, call.lt_other);
	else
		level_sql = psprintf("SELECT n.%s, pg_catalog.to_jsonb(n.*) FROM %s n"
							 " WHERE n.%s %s ANY ($1) ORDER BY n.%s USING %s",
							 call.self_pk, T, call.fk, call.eq_self,
							 call.self_pk, call.lt_other);

	memset(&d, 0, sizeof(d));
	d.pub.receiveSlot = traverse_receive;
	d.pub.rStartup = traverse_startup;
	d.pub.rShutdown = traverse_shutdown;
	d.pub.rDestroy = traverse_destroy;
	d.pub.mydest = DestNone;
	d.result = rsinfo->setResult;
	d.resdesc = rsinfo->setDesc;
	get_typlenbyvalalign(keytype, &d.typlen, &typbyval, &typalign);
	d.byval = typbyval;
	getTypeOutputInfo(keytype, &d.outfunc, &isvarlena);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = d.byval ? sizeof(Datum) : sizeof(((Seen *) 0)->key);
	ctl.entrysize = ctl.keysize;
	ctl.hcxt = CurrentMemoryContext;
	d.seen = hash_create("ormar_pg traverse", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	/* the keys of two levels live at once: the frontier and the next one */
	for (int i = 0; i < 2; i++)
		levelcxt[i] = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg traverse level",
											ALLOCSET_DEFAULT_SIZES);

	for (int depth = 0; max_depth < 0 || depth <= max_depth; depth++)
	{
		Datum	   *frontier = d.next;
		int			nfrontier = d.nnext;

		/* keys of this level go here; those of two levels up are freed */
		MemoryContextReset(levelcxt[depth % 2]);
		d.keycxt = levelcxt[depth % 2];
		d.cap = 64;
		d.nnext = 0;
		d.next = MemoryContextAlloc(d.keycxt, sizeof(Datum) * d.cap);
		d.depth = depth;
		if (depth == 0)
			ormar_exec_dest(start_sql, 1, &keytype, &call.pk, (DestReceiver *) &d);
		else
		{
			Datum		arr = PointerGetDatum(construct_array(frontier, nfrontier, keytype,
															  d.typlen, typbyval, typalign));

			ormar_exec_dest(level_sql, 1, &arraytype, &arr, (DestReceiver *) &d);
		}
		if (d.nnext == 0)
			break;
	}
	SPI_finish();
	return (Datum) 0;
}
