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
#include "utils/sortsupport.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "catalog.h"
#include "cache.h"
#include "proxy.h"
#include "rowjson.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_traverse);

/*
 * The rows of one level of traverse go straight from the executor to this
 * receiver (ormar_exec_plan_dest): a row whose key was seen before is
 * dropped, a new one has its node built in C from its columns (rowjson.c)
 * and its key joins the next frontier.  When the level is read, its nodes
 * are put in key order in C (the statement has no ORDER BY: an executor
 * sort would also carry every column, and spill to disk beyond work_mem
 * for a wide level) and stored in the result.
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
	char		typalign;
	Oid			outfunc;
	int32		depth;
	const OrmarRowJson *rj;		/* how a row becomes its node */
	MemoryContext rowcxt;		/* reset after each row */
	Tuplestorestate *result;
	TupleDesc	resdesc;
	MemoryContext keycxt;		/* the next frontier's keys */
	MemoryContext nodecxt;		/* the level's nodes, until stored */
	SortSupportData sort;		/* the key's ordering */
	Datum	   *next;
	Jsonb	  **nodes;			/* node of each key of next */
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

/*
 * A row of the level being read: dropped if its key was met before, else
 * its node built (rowjson.c) and stored, and its key kept for the next
 * level.
 */
static bool
traverse_receive(TupleTableSlot *slot, DestReceiver *self)
{
	TraverseDest *d = (TraverseDest *) self;
	MemoryContext old;
	Jsonb	   *node;

	slot_getallattrs(slot);
	if (slot->tts_isnull[0] || !mark_seen(d, slot->tts_values[0]))
		return true;
	old = MemoryContextSwitchTo(d->rowcxt);
	node = ormar_rowjson_build(d->rj, slot);
	MemoryContextSwitchTo(d->keycxt);
	if (d->nnext == d->cap)
	{
		d->cap *= 2;
		d->next = repalloc(d->next, sizeof(Datum) * d->cap);
		d->nodes = repalloc(d->nodes, sizeof(Jsonb *) * d->cap);
	}
	d->next[d->nnext] = datumCopy(slot->tts_values[0], d->byval, d->typlen);
	d->nodes[d->nnext] = MemoryContextAlloc(d->nodecxt, VARSIZE(node));
	memcpy(d->nodes[d->nnext], node, VARSIZE(node));
	d->nnext++;
	MemoryContextSwitchTo(old);
	MemoryContextReset(d->rowcxt);
	return true;
}

typedef struct LevelRow
{
	Datum		key;
	Jsonb	   *node;
} LevelRow;

/* qsort_arg comparator: a level's rows by key, with the key type's sort support. */
static int
level_row_cmp(const void *a, const void *b, void *arg)
{
	return ApplySortComparator(((const LevelRow *) a)->key, false,
							   ((const LevelRow *) b)->key, false, (SortSupport) arg);
}

/* Store the nodes of the level just read in the result, in key order. */
static void
store_level(TraverseDest *d)
{
	LevelRow   *rows = palloc(sizeof(LevelRow) * Max(d->nnext, 1));
	Datum		values[2];
	bool		nulls[2] = {false, false};

	for (int i = 0; i < d->nnext; i++)
	{
		rows[i].key = d->next[i];
		rows[i].node = d->nodes[i];
	}
	qsort_arg(rows, d->nnext, sizeof(LevelRow), level_row_cmp, &d->sort);
	values[0] = Int32GetDatum(d->depth);
	for (int i = 0; i < d->nnext; i++)
	{
		values[1] = JsonbPGetDatum(rows[i].node);
		tuplestore_putvalues(d->result, d->resdesc, values, nulls);
	}
	pfree(rows);
	MemoryContextReset(d->nodecxt);
}

/*
 * DestReceiver callbacks of a level's statement: the start checks the
 * statement's shape (the key, then the row's columns as the kept
 * conversion expects them); there is nothing to end or free.
 */
static void
traverse_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	TraverseDest *d = (TraverseDest *) self;

	if (typeinfo->natts != 1 + ormar_rowjson_width(d->rj))
		elog(ERROR, "traverse statement returns %d columns", typeinfo->natts);
}

static void
traverse_shutdown(DestReceiver *self)
{
}

static void
traverse_destroy(DestReceiver *self)
{
}

/*
 * The statement of OP (PROXY_TRAVERSE_START: the row $1; LEVEL: the rows
 * one step away from any row of the frontier $1, in no order), selecting
 * the key then SELECT_LIST.
 */
static char *
traverse_sql(ProxyCall *call, ProxyOp op, const char *select_list)
{
	OrmarEnd   *end = &call->end;
	const char *T = call->self.qualified;
	const char *pk = call->self_pk;
	const char *eq = call->eq_self;

	if (op == PROXY_TRAVERSE_START)
		return psprintf("SELECT n.%s, %s FROM %s n WHERE n.%s %s $1", pk, select_list, T, pk, eq);
	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		return psprintf("SELECT n.%s, %s FROM %s n WHERE n.%s %s ANY"
						" (ARRAY(SELECT th.%s FROM %s th WHERE th.%s %s ANY ($1)))",
						pk, select_list, T, pk, eq, call->th_other, call->through, call->th_self, eq);
	if (end->key_on_self)
		return psprintf("SELECT n.%s, %s FROM %s n WHERE n.%s %s ANY"
						" (ARRAY(SELECT s.%s FROM %s s WHERE s.%s %s ANY ($1)))",
						pk, select_list, T, pk, eq, call->fk, T, pk, eq);
	return psprintf("SELECT n.%s, %s FROM %s n WHERE n.%s %s ANY ($1)",
					pk, select_list, T, call->fk, eq);
}

/*
 * The kept plan of OP (argument type ARGTYPE) and in *RJ how its rows
 * become nodes: made once per relation, as related_plan does, so that a
 * warm call prepares and looks up nothing.
 */
static SPIPlanPtr
traverse_plan(ProxyCall *call, ProxyOp op, Oid argtype, OrmarRowJson **rj)
{
	void	   *aux;
	SPIPlanPtr	plan = ormar_cache_get_plan_aux(call->end.self, call->end.name, op, &aux);
	MemoryContext cxt;
	MemoryContext old;
	char	   *sql;

	if (plan && aux && SPI_plan_is_valid(plan))
	{
		*rj = aux;
		return plan;
	}
	cxt = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg traverse rows",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	*rj = ormar_rowjson_new(call->self.relid, "n", 1, InvalidOid, NIL, NULL);
	MemoryContextSwitchTo(old);
	sql = traverse_sql(call, op, ormar_rowjson_select(*rj));
	plan = SPI_prepare(sql, 1, &argtype);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	ormar_cache_put_plan_aux(call->end.self, call->end.name, op, plan, *rj, cxt);
	return plan;
}

/* The checks of traverse's arguments past the proxy's own; the max depth (-1: none). */
static int32
traverse_max_depth(FunctionCallInfo fcinfo, ProxyCall *call)
{
	int32		max_depth = -1;

	if (call->end.self != call->end.other)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation \"%s\" of model \"%s\" is not self-referencing",
						call->end.name, call->self.name),
				 errdetail("It leads to model \"%s\"; traverse walks a relation from a model to itself.",
						   call->other.name)));
	if (!PG_ARGISNULL(3))
	{
		max_depth = PG_GETARG_INT32(3);
		if (max_depth < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_depth must not be negative")));
	}
	return max_depth;
}

/*
 * The receiver of traverse's rows, storing into RSINFO's result; no key
 * seen yet.  Nodes are ordered by CALL's key type, as ORDER BY the key
 * would order them (its default btree ordering and collation).
 */
static void
traverse_dest_init(TraverseDest *d, ReturnSetInfo *rsinfo, ProxyCall *call)
{
	Oid			keytype = call->self.pk_type;
	TypeCacheEntry *tc = lookup_type_cache(keytype, TYPECACHE_LT_OPR);

	HASHCTL		ctl;
	bool		isvarlena;

	memset(d, 0, sizeof(*d));
	d->pub.receiveSlot = traverse_receive;
	d->pub.rStartup = traverse_startup;
	d->pub.rShutdown = traverse_shutdown;
	d->pub.rDestroy = traverse_destroy;
	d->pub.mydest = DestNone;
	d->result = rsinfo->setResult;
	d->resdesc = rsinfo->setDesc;
	get_typlenbyvalalign(keytype, &d->typlen, &d->byval, &d->typalign);
	getTypeOutputInfo(keytype, &d->outfunc, &isvarlena);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = d->byval ? sizeof(Datum) : sizeof(((Seen *) 0)->key);
	ctl.entrysize = ctl.keysize;
	ctl.hcxt = CurrentMemoryContext;
	d->seen = hash_create("ormar_pg traverse", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	d->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg traverse row",
									  ALLOCSET_DEFAULT_SIZES);
	d->nodecxt = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg traverse nodes",
									   ALLOCSET_DEFAULT_SIZES);
	if (!OidIsValid(tc->lt_opr))
		elog(ERROR, "type %s has no ordering", format_type_be(keytype));
	d->sort.ssup_cxt = CurrentMemoryContext;
	d->sort.ssup_collation = call->self.pk_collation;
	PrepareSortSupportFromOrderingOp(tc->lt_opr, &d->sort);
}

/*
 * ormar.traverse(model, pk, relation, max_depth): breadth first from row
 * pk, one statement per level for the whole frontier (see the top).
 */
static Datum
traverse_impl(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyCall	call;
	Oid			keytype;
	Oid			arraytype;
	int32		max_depth;
	SPIPlanPtr	start;
	SPIPlanPtr	level;
	OrmarRowJson *start_rj;
	OrmarRowJson *level_rj;
	TraverseDest d;
	MemoryContext levelcxt[2];

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	ormar_proxy_begin(fcinfo, &call);
	max_depth = traverse_max_depth(fcinfo, &call);
	keytype = call.self.pk_type;
	arraytype = get_array_type(keytype);
	if (!OidIsValid(arraytype))
		elog(ERROR, "type %s has no array type", format_type_be(keytype));
	traverse_dest_init(&d, rsinfo, &call);
	start = traverse_plan(&call, PROXY_TRAVERSE_START, keytype, &start_rj);
	level = traverse_plan(&call, PROXY_TRAVERSE_LEVEL, arraytype, &level_rj);
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
		d.nodes = MemoryContextAlloc(d.keycxt, sizeof(Jsonb *) * d.cap);
		d.depth = depth;
		d.rj = depth == 0 ? start_rj : level_rj;
		if (depth == 0)
			ormar_exec_plan_dest(start, 1, &keytype, &call.pk, (DestReceiver *) &d);
		else
		{
			Datum		arr = PointerGetDatum(construct_array(frontier, nfrontier, keytype, d.typlen,
															  d.byval, d.typalign));

			ormar_exec_plan_dest(level, 1, &arraytype, &arr, (DestReceiver *) &d);
		}
		store_level(&d);
		if (d.nnext == 0)
			break;
	}
	return (Datum) 0;
}

Datum
ormar_traverse(PG_FUNCTION_ARGS)
{
	return ormar_run_read(traverse_impl, fcinfo);
}
