/*-------------------------------------------------------------------------
 * eager.c
 *	  Walking relations: ormar.traverse.
 *
 * traverse walks a self-referencing relation breadth first, one level at a
 * time: each level is one set-based query for the rows next to the whole
 * frontier (key = ANY ($1)), and rows met before are dropped through a hash
 * set of keys.  Every row is read and reported once, at its smallest depth;
 * a cycle simply finds nothing new.  The cost is linear in the rows reached,
 * whatever the shape of the graph (following every path instead would be
 * exponential on a many-to-many graph with many paths).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "keys.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_traverse);

typedef struct Seen
{
	char		key[NAMEDATALEN * 2];	/* text form of the key (hash key) */
} Seen;

/*
 * Mark KEY (text form) as seen; false if it was already.  Longer keys are
 * kept in full in the list LONG_KEYS (rare: keys are mostly short).
 */
static bool
mark_seen(HTAB *seen, List **long_keys, const char *key)
{
	bool		found;
	ListCell   *lc;

	if (strlen(key) < sizeof(((Seen *) 0)->key))
	{
		hash_search(seen, key, HASH_ENTER, &found);
		return !found;
	}
	foreach(lc, *long_keys)
		if (strcmp(lfirst(lc), key) == 0)
			return false;
	*long_keys = lappend(*long_keys, pstrdup(key));
	return true;
}

Datum
ormar_traverse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyCall	call;
	OrmarEnd   *end = &call.end;
	Oid			keytype;
	Oid			arraytype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Oid			outfunc;
	bool		isvarlena;
	char	   *start_sql;
	char	   *level_sql;
	const char *T;
	int32		max_depth = -1;
	HASHCTL		ctl;
	HTAB	   *seen;
	List	   *long_keys = NIL;
	MemoryContext levelcxt[2];
	MemoryContext oldcxt;
	Datum	   *frontier = NULL;
	int			nfrontier = 0;

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
	get_typlenbyvalalign(keytype, &typlen, &typbyval, &typalign);
	getTypeOutputInfo(keytype, &outfunc, &isvarlena);

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

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(((Seen *) 0)->key);
	ctl.entrysize = sizeof(Seen);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("ormar_pg traverse", 1024, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	/* the keys of two levels live at once: the frontier and the next one */
	for (int i = 0; i < 2; i++)
		levelcxt[i] = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg traverse level",
											ALLOCSET_DEFAULT_SIZES);

	for (int depth = 0; max_depth < 0 || depth <= max_depth; depth++)
	{
		Datum	   *next;
		int			nnext = 0;
		uint64		nrows;

		if (depth == 0)
			ormar_exec(start_sql, 1, &keytype, &call.pk, NULL, true, 0);
		else
		{
			Datum		arr = PointerGetDatum(construct_array(frontier, nfrontier, keytype,
															  typlen, typbyval, typalign));

			ormar_exec(level_sql, 1, &arraytype, &arr, NULL, true, 0);
		}
		nrows = SPI_processed;

		/* keys of this level outlive the SPI result; those of two levels up go */
		MemoryContextReset(levelcxt[depth % 2]);
		oldcxt = MemoryContextSwitchTo(levelcxt[depth % 2]);
		next = palloc(sizeof(Datum) * Max(nrows, 1));
		MemoryContextSwitchTo(oldcxt);
		for (uint64 i = 0; i < nrows; i++)
		{
			bool		isnull[2] = {false, false};
			Datum		key = ormar_getdatum(i, 1, &isnull[0]);
			Datum		row[2];
			char	   *text = OidOutputFunctionCall(outfunc, key);
			bool		is_new = mark_seen(seen, &long_keys, text);

			pfree(text);
			if (!is_new)
				continue;
			row[0] = Int32GetDatum(depth);
			row[1] = ormar_getdatum(i, 2, &isnull[1]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, isnull);
			oldcxt = MemoryContextSwitchTo(levelcxt[depth % 2]);
			next[nnext++] = datumCopy(key, typbyval, typlen);
			MemoryContextSwitchTo(oldcxt);
		}
		SPI_freetuptable(SPI_tuptable);
		if (nnext == 0)
			break;
		frontier = next;
		nfrontier = nnext;
	}
	SPI_finish();
	return (Datum) 0;
}
