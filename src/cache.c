/*-------------------------------------------------------------------------
 * cache.c
 *	  Backend-local cache of what a proxy call needs to know about its
 *	  relation (the direction, both models and their keys, operators and
 *	  quoted names), so that a call runs no catalog query once warm.
 *
 * Invalidation: every write of the ormar catalog sends a relcache
 * invalidation for ormar.relation (ormar_catalog_changed in catalog.c), which
 * reaches this backend at once and other backends when the writer commits.
 * The relcache callback marks the cache stale when that happens, or when a
 * table the cache speaks of changes (rename, ALTER, drop).  A stale cache
 * is emptied at the next lookup, never inside the callback, and callers get
 * deep copies, so no call ever holds a pointer into memory being freed.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "access/xact.h"
#include "storage/lmgr.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "cache.h"
#include "catalog.h"
#include "spi_util.h"

typedef struct CallKey
{
	Oid			model;
	char		relation[NAMEDATALEN];
} CallKey;

typedef struct CallEntry
{
	CallKey		key;
	ProxyCall	call;			/* strings live in CacheCxt */
	SPIPlanPtr	plans[ORMAR_CALL_PLANS];	/* kept plans, by ProxyOp */
	void	   *aux[ORMAR_CALL_PLANS];	/* what a plan's caller built with it */
	MemoryContext auxcxt[ORMAR_CALL_PLANS]; /* where aux lives */
} CallEntry;

static MemoryContext CacheCxt = NULL;
static HTAB *calls = NULL;
static List *tables = NIL;		/* OIDs of the tables entries speak of */
static bool stale = false;
static uint64 generation = 0;	/* bumped whenever the cache goes stale */

typedef struct SqlKey
{
	uint64		hash;
} SqlKey;

typedef struct SqlEntry
{
	SqlKey		key;
	Oid			model;
	char	   *text;			/* what the statement was built from */
	char	   *sql;
	OrmarModel	m;
} SqlEntry;

static HTAB *sqls = NULL;
static List *orphan_plans = NIL;	/* kept plans whose entry went stale */
static List *orphan_cxts = NIL; /* and the contexts of their aux */
static Oid	catalog_relid = InvalidOid;

/* ormar_catalog_writes as of the last time the cache was checked */
static uint64 seen_catalog_writes = 0;

/*
 * Relcache invalidation: of ormar.relation (a catalog write committed, here
 * or elsewhere), of a table a cached entry uses (its columns, key or name may
 * have changed), or of everything (relid 0, after a cache reset).  Any of
 * them makes every entry stale and starts a new generation, so that a call
 * that resolved from the old state notices (ormar_lock_tables).
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == catalog_relid || list_member_oid(tables, relid))
	{
		stale = true;
		generation++;
	}
}

/* Called once per backend from _PG_init. */
void
ormar_cache_init(void)
{
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
}

/*
 * OID of ormar.relation, looked up afresh: the extension may have been
 * dropped and created again since.  The callback compares with the last
 * value seen.
 */
static Oid
catalog_oid(void)
{
	Oid			nsp = get_namespace_oid("ormar", false);

	catalog_relid = get_relname_relid("relation", nsp);
	return catalog_relid;
}

/*
 * Has this backend written the catalog since we last looked?  Other
 * backends' writes arrive as relcache invalidations of ormar.relation (see
 * ormar_catalog_changed); our own must count at once, before the end of the
 * command delivers them.
 */
static void
check_own_writes(void)
{
	if (ormar_catalog_writes != seen_catalog_writes)
	{
		seen_catalog_writes = ormar_catalog_writes;
		stale = true;
		generation++;
	}
}

/*
 * Make the caches usable: create them on first use, and empty them (their
 * kept plans included) when they have gone stale, so every entry read
 * afterwards was built from the catalog as it is now.
 */
static void
ensure_cache(void)
{
	HASHCTL		ctl;

	check_own_writes();
	if (calls != NULL && !stale)
		return;
	if (calls != NULL)
	{
		HASH_SEQ_STATUS status;
		CallEntry  *entry;
		ListCell   *lc;

		/* the one invalidation rule: plans go with the metadata they used */
		hash_seq_init(&status, calls);
		while ((entry = hash_seq_search(&status)) != NULL)
			for (int i = 0; i < ORMAR_CALL_PLANS; i++)
			{
				if (entry->plans[i])
					SPI_freeplan(entry->plans[i]);
				if (entry->auxcxt[i])
					MemoryContextDelete(entry->auxcxt[i]);
			}
		foreach(lc, orphan_plans)
			SPI_freeplan(lfirst(lc));
		foreach(lc, orphan_cxts)
			MemoryContextDelete(lfirst(lc));
		orphan_plans = NIL;
		orphan_cxts = NIL;
	}
	if (CacheCxt == NULL)
		CacheCxt = AllocSetContextCreate(CacheMemoryContext, "ormar_pg metadata",
										 ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(CacheCxt);
	tables = NIL;
	stale = false;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(CallKey);
	ctl.entrysize = sizeof(CallEntry);
	ctl.hcxt = CacheCxt;
	calls = hash_create("ormar_pg relation metadata", 64, &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(SqlKey);
	ctl.entrysize = sizeof(SqlEntry);
	sqls = hash_create("ormar_pg statements", 64, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	(void) catalog_oid();
}

/* pstrdup into CXT that keeps NULL. */
static char *
cache_strdup(const char *s, MemoryContext cxt)
{
	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/* Deep copy of model SRC into CXT. */
static void
copy_model(OrmarModel *dst, const OrmarModel *src, MemoryContext cxt)
{
	*dst = *src;
	dst->schema = cache_strdup(src->schema, cxt);
	dst->name = cache_strdup(src->name, cxt);
	dst->qualified = cache_strdup(src->qualified, cxt);
	dst->pk_name = cache_strdup(src->pk_name, cxt);
}

/* Deep copy of SRC into CXT (the per-call pk is not part of it). */
static void
copy_call(ProxyCall *dst, const ProxyCall *src, MemoryContext cxt)
{
	OrmarRel   *rel = MemoryContextAlloc(cxt, sizeof(OrmarRel));
	const OrmarRel *s = src->end.rel;

	*rel = *s;
	rel->name = cache_strdup(s->name, cxt);
	rel->target_schema = cache_strdup(s->target_schema, cxt);
	rel->target_name = cache_strdup(s->target_name, cxt);
	rel->related_name = cache_strdup(s->related_name, cxt);
	rel->ondelete = cache_strdup(s->ondelete, cxt);
	rel->onupdate = cache_strdup(s->onupdate, cxt);
	rel->column_name = cache_strdup(s->column_name, cxt);
	rel->constraint_name = cache_strdup(s->constraint_name, cxt);
	rel->index_name = cache_strdup(s->index_name, cxt);
	rel->through_schema = cache_strdup(s->through_schema, cxt);
	rel->through_name = cache_strdup(s->through_name, cxt);
	rel->through_column = cache_strdup(s->through_column, cxt);
	rel->through_reverse_column = cache_strdup(s->through_reverse_column, cxt);
	rel->through_fields = cache_strdup(s->through_fields, cxt);

	*dst = *src;
	ormar_end_of(rel, src->end.reverse, &dst->end);
	copy_model(&dst->self, &src->self, cxt);
	copy_model(&dst->other, &src->other, cxt);
	dst->self_pk = cache_strdup(src->self_pk, cxt);
	dst->other_pk = cache_strdup(src->other_pk, cxt);
	dst->eq_self = cache_strdup(src->eq_self, cxt);
	dst->eq_other = cache_strdup(src->eq_other, cxt);
	dst->lt_other = cache_strdup(src->lt_other, cxt);
	dst->fk = cache_strdup(src->fk, cxt);
	dst->through = cache_strdup(src->through, cxt);
	dst->th_self = cache_strdup(src->th_self, cxt);
	dst->th_other = cache_strdup(src->th_other, cxt);
}

/*
 * The hash key of (MODEL, RELATION), zero-padded as HASH_BLOBS compares the
 * whole struct; false when RELATION is too long to be cached (relation names
 * may exceed NAMEDATALEN), so the caller goes to the catalog every time.
 */
static bool
make_key(CallKey *key, Oid model, const char *relation)
{
	if (strlen(relation) >= NAMEDATALEN)
		return false;			/* no such relation can exist; let the lookup say so */
	memset(key, 0, sizeof(CallKey));
	key->model = model;
	strcpy(key->relation, relation);
	return true;
}

/* The cache's generation now: pass it to a put after resolving a miss. */
uint64
ormar_cache_generation(void)
{
	check_own_writes();
	return generation;
}

/* Fill CALL (in the current context) from the cache; false on a miss. */
bool
ormar_cache_get_call(Oid model, const char *relation, ProxyCall *call)
{
	CallKey		key;
	CallEntry  *entry;

	ensure_cache();
	if (!make_key(&key, model, relation))
		return false;
	entry = hash_search(calls, &key, HASH_FIND, NULL);
	if (entry == NULL)
		return false;
	copy_call(call, &entry->call, CurrentMemoryContext);
	return true;
}

/*
 * Remember CALL, resolved from the catalog since generation GEN; if the
 * cache went stale meanwhile, what was read may be outdated: skip it.
 */
void
ormar_cache_put_call(Oid model, const char *relation, const ProxyCall *call, uint64 gen)
{
	CallKey		key;
	CallEntry  *entry;
	MemoryContext old;

	if (gen != generation)
		return;
	ensure_cache();
	if (!make_key(&key, model, relation))
		return;
	entry = hash_search(calls, &key, HASH_ENTER, NULL);
	copy_call(&entry->call, call, CacheCxt);
	memset(entry->plans, 0, sizeof(entry->plans));
	memset(entry->aux, 0, sizeof(entry->aux));
	memset(entry->auxcxt, 0, sizeof(entry->auxcxt));
	old = MemoryContextSwitchTo(CacheCxt);
	tables = list_append_unique_oid(tables, call->self.relid);
	tables = list_append_unique_oid(tables, call->other.relid);
	if (OidIsValid(call->end.rel->through))
		tables = list_append_unique_oid(tables, call->end.rel->through);
	MemoryContextSwitchTo(old);
}

/*
 * The kept plan of operation OP on relation RELATION of MODEL, or NULL.
 * Plans live as long as the metadata they were built from: a stale cache
 * frees them.
 */
SPIPlanPtr
ormar_cache_get_plan(Oid model, const char *relation, int op)
{
	void	   *aux;

	return ormar_cache_get_plan_aux(model, relation, op, &aux);
}

/*
 * ormar_cache_get_plan, with what the caller kept beside the plan (see
 * ormar_cache_put_plan_aux) in *AUX (NULL if nothing).
 */
SPIPlanPtr
ormar_cache_get_plan_aux(Oid model, const char *relation, int op, void **aux)
{
	CallKey		key;
	CallEntry  *entry;

	Assert(op >= 0 && op < ORMAR_CALL_PLANS);
	*aux = NULL;
	ensure_cache();
	if (!make_key(&key, model, relation))
		return NULL;
	entry = hash_search(calls, &key, HASH_FIND, NULL);
	if (entry == NULL)
		return NULL;
	*aux = entry->aux[op];
	return entry->plans[op];
}

/*
 * Keep PLAN (already SPI_keepplan'd) as operation OP of RELATION of MODEL,
 * freeing the one it replaces.  Without an entry (the cache went stale
 * since the call looked its relation up) the plan is freed at the next
 * reset, after the caller has used it.
 */
void
ormar_cache_put_plan(Oid model, const char *relation, int op, SPIPlanPtr plan)
{
	ormar_cache_put_plan_aux(model, relation, op, plan, NULL, NULL);
}

/*
 * ormar_cache_put_plan, keeping AUX beside the plan: what the caller built
 * once for it (how to turn its rows into jsonb), allocated in AUXCXT, a
 * context of its own under CacheMemoryContext that is deleted with the
 * plan.
 */
void
ormar_cache_put_plan_aux(Oid model, const char *relation, int op, SPIPlanPtr plan,
						 void *aux, MemoryContext auxcxt)
{
	CallKey		key;
	CallEntry  *entry = NULL;
	MemoryContext old;

	Assert(op >= 0 && op < ORMAR_CALL_PLANS);
	ensure_cache();
	if (make_key(&key, model, relation))
		entry = hash_search(calls, &key, HASH_FIND, NULL);
	if (entry)
	{
		if (entry->plans[op] && entry->plans[op] != plan)
			SPI_freeplan(entry->plans[op]);
		if (entry->auxcxt[op] && entry->auxcxt[op] != auxcxt)
			MemoryContextDelete(entry->auxcxt[op]);
		entry->plans[op] = plan;
		entry->aux[op] = aux;
		entry->auxcxt[op] = auxcxt;
		return;
	}
	old = MemoryContextSwitchTo(TopMemoryContext);
	orphan_plans = lappend(orphan_plans, plan);
	if (auxcxt)
		orphan_cxts = lappend(orphan_cxts, auxcxt);
	MemoryContextSwitchTo(old);
}

/* Hash of a statement entry's key; entries compare MODEL and TEXT too. */
static uint64
sql_hash(Oid model, const char *text)
{
	return hash_combine64(hash_bytes_uint32_extended(model, 0),
						  hash_bytes_extended((const unsigned char *) text, strlen(text), 0));
}

/*
 * A statement built for MODEL from TEXT (e.g. fetch's include paths), with
 * the model it runs on; false on a miss.  Copies into the current context.
 */
bool
ormar_cache_get_sql(Oid model, const char *text, char **sql, OrmarModel *m)
{
	SqlKey		key;
	SqlEntry   *entry;

	ensure_cache();
	key.hash = sql_hash(model, text);
	entry = hash_search(sqls, &key, HASH_FIND, NULL);
	if (entry == NULL || entry->model != model || strcmp(entry->text, text) != 0)
		return false;
	*sql = pstrdup(entry->sql);
	copy_model(m, &entry->m, CurrentMemoryContext);
	return true;
}

/*
 * Keep statement SQL built for MODEL from TEXT, with the model it runs on and
 * the tables it reads (RELIDS, whose invalidations make it stale).  Nothing
 * is kept when the cache moved on from generation GEN while it was built.
 */
void
ormar_cache_put_sql(Oid model, const char *text, const char *sql, const OrmarModel *m,
					List *relids, uint64 gen)
{
	SqlKey		key;
	SqlEntry   *entry;
	MemoryContext old;
	ListCell   *lc;

	if (gen != generation)
		return;
	ensure_cache();
	key.hash = sql_hash(model, text);
	entry = hash_search(sqls, &key, HASH_ENTER, NULL);
	entry->model = model;
	entry->text = MemoryContextStrdup(CacheCxt, text);
	entry->sql = MemoryContextStrdup(CacheCxt, sql);
	copy_model(&entry->m, m, CacheCxt);
	old = MemoryContextSwitchTo(CacheCxt);
	tables = list_append_unique_oid(tables, model);
	foreach(lc, relids)
		tables = list_append_unique_oid(tables, lfirst_oid(lc));
	MemoryContextSwitchTo(old);
}

/* list_sort comparator: OIDs ascending. */
static int
oid_cmp(const ListCell *a, const ListCell *b)
{
	Oid			x = lfirst_oid(a);
	Oid			y = lfirst_oid(b);

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Lock the tables RELIDS with MODE in OID order (the order every ormar_pg
 * function locks in, so a proxy call and a declaration cannot deadlock),
 * then say whether what the caller read at generation GEN still holds.
 *
 * Taking a lock processes pending invalidations, so a declaration or drop
 * that committed while we waited has marked the cache stale by now: then
 * the caller must look its relation up again (it may be gone: 42704).
 * Once the locks are held, nothing the call uses can change under it.
 */
bool
ormar_lock_tables(List *relids, LOCKMODE mode, uint64 gen)
{
	List	   *sorted = list_copy(relids);
	ListCell   *lc;
	bool		gone = false;

	list_sort(sorted, oid_cmp);
	foreach(lc, sorted)
	{
		Oid			relid = lfirst_oid(lc);

		if (!OidIsValid(relid))
			continue;
		LockRelationOid(relid, mode);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
			gone = true;
	}
	list_free(sorted);
	if (gone)
		ormar_snapshot_outdated();
	return !gone && gen == ormar_cache_generation();
}

/*
 * Start attempt ATTEMPT at resolving and locking what a call on MODEL uses
 * (its RELATION, or for NULL its include tree) and return the cache
 * generation to hand to ormar_lock_tables.  The generation is read first and
 * a read call's snapshot taken after it: a commit whose invalidation has not
 * arrived by then is either visible to that snapshot or shows up later as a
 * new generation, so a drop can never pass unseen between the catalog read
 * and the locks.  A relation that keeps changing through 100 attempts is a
 * serialization failure.
 */
uint64
ormar_begin_attempt(int attempt, Oid model, const char *relation)
{
	uint64		gen;

	if (attempt > 100)
	{
		if (relation)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("relation \"%s\" kept changing while it was being used", relation)));
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("the relations of model \"%s\" kept changing while they were being used",
						get_rel_name(model))));
	}
	gen = ormar_cache_generation();
	if (ormar_read_depth > 0)
		ormar_read_snapshot_renew();
	return gen;
}

/*
 * A table the catalog named, as the call's snapshot shows it, has been
 * dropped since.  Under READ COMMITTED the caller takes a new snapshot and
 * looks again; a transaction that keeps one snapshot (REPEATABLE READ,
 * SERIALIZABLE) can never see the relation as it is, so it fails as a
 * serialization failure, for the client to retry, as PostgreSQL does when a
 * row it would update was changed concurrently.
 */
void
ormar_snapshot_outdated(void)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to a concurrent drop of a relation"),
				 errdetail("A table of the relation was dropped after this transaction took its snapshot."),
				 errhint("Retry the transaction.")));
}
