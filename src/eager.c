/*-------------------------------------------------------------------------
 * eager.c
 *	  Loading related rows eagerly: ormar.fetch, ormar.fetch_many (ormar's
 *	  select_related, as nested jsonb) and ormar.traverse.
 *
 * fetch builds one SQL statement for the whole include tree: the row as
 * to_jsonb, with each included relation embedded by a correlated subquery
 * that looks up (to-one) or aggregates in key order (to-many) the rows on
 * the other side, through the relation's indexes, nested as deep as the
 * paths go.  fetch_many runs the same expression over the keys given, in
 * their order, in the same single statement.
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

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "cache.h"
#include "citus.h"
#include "catalog.h"
#include "ddl.h"
#include "keys.h"
#include "naming.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_traverse);
PG_FUNCTION_INFO_V1(ormar_fetch);
PG_FUNCTION_INFO_V1(ormar_fetch_many);

/* One relation to embed, with the relations to embed in its rows. */
typedef struct IncludeNode
{
	char	   *name;
	OrmarEnd	end;
	List	   *children;		/* of IncludeNode */
} IncludeNode;

/* Add path PATH ("courses__students") below the children of MODEL. */
static void
add_include_path(List **children, Oid model, const char *path)
{
	char	   *copy = pstrdup(path);
	char	   *seg = copy;
	Oid			current = model;

	if (*path == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("include path must not be empty")));
	while (seg != NULL)
	{
		char	   *sep = strstr(seg, "__");
		IncludeNode *node = NULL;
		ListCell   *lc;

		if (sep)
			*sep = '\0';
		foreach(lc, *children)
			if (strcmp(((IncludeNode *) lfirst(lc))->name, seg) == 0)
				node = lfirst(lc);
		if (node == NULL)
		{
			node = palloc0(sizeof(IncludeNode));
			node->name = pstrdup(seg);
			if (!ormar_find_end(current, seg, &node->end))
			{
				char	   *names = ormar_relation_names(current);

				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("model \"%s\" has no relation \"%s\"",
								get_rel_name(current), seg),
						 errdetail("In include path \"%s\". %s", path,
								   *names ? psprintf("Relations of model \"%s\": %s.",
													 get_rel_name(current), names) :
								   psprintf("Model \"%s\" has no relations.",
											get_rel_name(current)))));
			}
			if (!OidIsValid(node->end.rel->target))
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("relation \"%s\" of model \"%s\" is pending",
								seg, get_rel_name(current)),
						 errdetail("Its target model \"%s\" is not defined yet.",
								   node->end.rel->target_name)));
			*children = lappend(*children, node);
		}
		current = node->end.other;
		children = &node->children;
		seg = sep ? sep + 2 : NULL;
	}
}

/* State of one statement being built: alias numbering, tables it reads. */
typedef struct FetchBuild
{
	int			counter;
	List	   *relids;
	const char *top_key;		/* stands for r0's key in its includes, or NULL */
} FetchBuild;

static char *row_json(Oid model, const char *alias, List *children, FetchBuild *b);

/*
 * The jsonb of relation NODE seen from the row ALIAS of its model: an
 * object or null for a to-one relation, an array in key order for a
 * to-many one.
 */
static char *
include_expr(IncludeNode *node, const char *alias, FetchBuild *b)
{
	OrmarEnd   *end = &node->end;
	OrmarModel	self,
				other;
	char	   *a = psprintf("r%d", ++b->counter);
	char	   *row;
	const char *eq_self,
			   *eq_other;
	char	   *selfkey;

	ormar_model_info(end->self, &self);
	ormar_model_info(end->other, &other);
	/*
	 * fetch of one key: the top row's includes compare with the key itself,
	 * not with the outer row, so they are not correlated subqueries (which
	 * Citus refuses over a reference table).
	 */
	selfkey = b->top_key && strcmp(alias, "r0") == 0 ? pstrdup(b->top_key) :
		psprintf("%s.%s", alias, quote_identifier(self.pk_name));
	eq_self = ormar_operator(self.pk_type, BTEqualStrategyNumber);
	eq_other = ormar_operator(other.pk_type, BTEqualStrategyNumber);
	row = row_json(end->other, a, node->children, b);
	b->relids = lappend_oid(b->relids, end->other);

	if (end->rel->kind == ORMAR_MANY_TO_MANY)
	{
		char	   *th = psprintf("t%d", b->counter);

		b->relids = lappend_oid(b->relids, end->rel->through);

		return psprintf("(SELECT COALESCE(pg_catalog.jsonb_agg(%s%s ORDER BY %s.%s USING %s),"
						" '[]'::pg_catalog.jsonb) FROM %s %s JOIN %s %s ON %s.%s %s %s.%s"
						" WHERE %s.%s %s %s)",
						row, ormar_through_object(end->rel, th), a,
						quote_identifier(other.pk_name),
						ormar_operator(other.pk_type, BTLessStrategyNumber),
						ormar_qualified_rel(end->rel->through), th, other.qualified, a,
						a, quote_identifier(other.pk_name), eq_other, th,
						quote_identifier(end->through_other),
						th, quote_identifier(end->through_self), eq_self, selfkey);
	}
	if (end->key_on_self)
		return psprintf("(SELECT %s FROM %s %s WHERE %s.%s %s %s.%s)",
						row, other.qualified, a, a, quote_identifier(other.pk_name),
						eq_other, alias, quote_identifier(end->fk_column));
	if (!end->to_many)
		return psprintf("(SELECT %s FROM %s %s WHERE %s.%s %s %s)",
						row, other.qualified, a, a, quote_identifier(end->fk_column),
						eq_self, selfkey);
	return psprintf("(SELECT COALESCE(pg_catalog.jsonb_agg(%s ORDER BY %s.%s USING %s),"
					" '[]'::pg_catalog.jsonb) FROM %s %s WHERE %s.%s %s %s)",
					row, a, quote_identifier(other.pk_name),
					ormar_operator(other.pk_type, BTLessStrategyNumber),
					other.qualified, a, a, quote_identifier(end->fk_column), eq_self,
					selfkey);
}

/* The jsonb of row ALIAS of MODEL with CHILDREN embedded under their names. */
static char *
row_json(Oid model, const char *alias, List *children, FetchBuild *b)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "pg_catalog.to_jsonb(%s.*)", alias);
	if (children == NIL)
		return buf.data;
	appendStringInfoString(&buf, " OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(");
	foreach(lc, children)
	{
		IncludeNode *child = lfirst(lc);

		appendStringInfo(&buf, "%s%s, %s", foreach_current_index(lc) ? ", " : "",
						 quote_literal_cstr(child->name), include_expr(child, alias, b));
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * The statement of fetch (MANY false: one key $1) or fetch_many (MANY true:
 * keys $1 in order) of MODEL with the include paths of argument ARGNO,
 * built once per backend and kept in the metadata cache; M receives the
 * model.  Errors for an unknown model or path come from the build.
 */
static char *
fetch_statement(FunctionCallInfo fcinfo, int argno, Oid model, bool many, OrmarModel *m)
{
	ArrayType  *include;
	Datum	   *paths;
	bool	   *nulls;
	int			npaths;
	List	   *children = NIL;
	FetchBuild	b = {0, NIL, NULL};
	StringInfoData key;
	char	   *sql;
	uint64		gen;

	ormar_require_arg(fcinfo, argno, "include");
	include = PG_GETARG_ARRAYTYPE_P(argno);
	deconstruct_array(include, TEXTOID, -1, false, TYPALIGN_INT, &paths, &nulls, &npaths);
	initStringInfo(&key);
	appendStringInfoString(&key, many ? "fetch_many" : "fetch");
	for (int i = 0; i < npaths; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("include must not contain null")));
		appendStringInfo(&key, "\x01%s", TextDatumGetCString(paths[i]));
	}

	gen = ormar_cache_generation();
	if (ormar_cache_get_sql(model, key.data, &sql, m))
		return sql;

	ormar_require_model(model);
	ormar_model_info(model, m);
	for (int i = 0; i < npaths; i++)
		add_include_path(&children, model, TextDatumGetCString(paths[i]));
	if (!many)
		b.top_key = "$1";
	if (many && ormar_citus_table(model))
	{
		/* Citus refuses correlated subqueries next to a set-returning function */
		sql = psprintf("SELECT %s FROM %s r0 WHERE r0.%s %s ANY ($1)"
					   " ORDER BY pg_catalog.array_position($1, r0.%s)",
					   row_json(model, "r0", children, &b), m->qualified,
					   quote_identifier(m->pk_name),
					   ormar_operator(m->pk_type, BTEqualStrategyNumber),
					   quote_identifier(m->pk_name));
	}
	else if (many)
		sql = psprintf("SELECT %s FROM pg_catalog.unnest($1) WITH ORDINALITY u(k, o)"
					   " JOIN %s r0 ON r0.%s %s u.k ORDER BY u.o",
					   row_json(model, "r0", children, &b), m->qualified,
					   quote_identifier(m->pk_name),
					   ormar_operator(m->pk_type, BTEqualStrategyNumber));
	else
		sql = psprintf("SELECT %s FROM %s r0 WHERE r0.%s %s $1",
					   row_json(model, "r0", children, &b), m->qualified,
					   quote_identifier(m->pk_name),
					   ormar_operator(m->pk_type, BTEqualStrategyNumber));
	ormar_cache_put_sql(model, key.data, sql, m, b.relids, gen);
	return sql;
}

/* ormar.fetch(model, pk, include): the row as jsonb with its includes, or NULL. */
Datum
ormar_fetch(PG_FUNCTION_ARGS)
{
	OrmarModel	m;
	Datum		key;
	char	   *sql;
	Datum		result = (Datum) 0;
	bool		isnull = true;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "pk");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	sql = fetch_statement(fcinfo, 2, PG_GETARG_OID(0), false, &m);
	key = ormar_key_arg(fcinfo, 1, &m, "pk");
	ormar_exec(sql, 1, &m.pk_type, &key, NULL, true, 1);
	if (SPI_processed > 0)
	{
		result = ormar_getdatum(0, 1, &isnull);
		if (!isnull)
			result = SPI_datumTransfer(result, false, -1);
	}
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * ormar.fetch_many(model, pks, include): fetch for every key of PKS that
 * exists, in the order given, in one statement.
 */
Datum
ormar_fetch_many(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OrmarModel	m;
	Oid			arraytype;
	Datum		arr;
	char	   *sql;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "pks");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	sql = fetch_statement(fcinfo, 2, PG_GETARG_OID(0), true, &m);

	/* the keys as an array of the key type, NULLs dropped (they match nothing) */
	arr = PointerGetDatum(ormar_key_array_arg(fcinfo, 1, &m, "pks"));
	arraytype = get_array_type(m.pk_type);

	if (ormar_citus_reference_table(m.relid) &&
		ArrayGetNItems(ARR_NDIM(PG_GETARG_ARRAYTYPE_P(2)), ARR_DIMS(PG_GETARG_ARRAYTYPE_P(2))) > 0)
	{
		/*
		 * Citus cannot run the one-statement form over a reference table
		 * (its includes are correlated subqueries next to a reference
		 * table): run fetch's statement once per key instead.
		 */
		ArrayType  *keys = DatumGetArrayTypeP(arr);
		Datum	   *elems;
		bool	   *enulls;
		int			n;
		int16		klen;
		bool		kbyval;
		char		kalign;

		sql = fetch_statement(fcinfo, 2, m.relid, false, &m);
		get_typlenbyvalalign(m.pk_type, &klen, &kbyval, &kalign);
		deconstruct_array(keys, m.pk_type, klen, kbyval, kalign, &elems, &enulls, &n);
		for (int i = 0; i < n; i++)
		{
			ormar_exec(sql, 1, &m.pk_type, &elems[i], NULL, true, 1);
			ormar_rows_to_result(rsinfo);
		}
	}
	else
	{
		ormar_exec(sql, 1, &arraytype, &arr, NULL, true, 0);
		ormar_rows_to_result(rsinfo);
	}
	SPI_finish();
	return (Datum) 0;
}

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
