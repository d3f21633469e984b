/*-------------------------------------------------------------------------
 * eager.c
 *	  Loading related rows eagerly: ormar.fetch and ormar.fetch_many (ormar's
 *	  select_related, as nested jsonb).
 *
 * fetch runs one SQL statement for the whole include tree (fetch_sql): a
 * UNION ALL of one flat scan per include node, each reading the rows of
 * its relation for all parent rows at once through the relation's index,
 * ordered as they are to be embedded, each row with the key of the row it
 * belongs to.  The nesting is done here, in C (assemble): the rows are
 * grouped by parent key in a hash table per node, and each top row's jsonb
 * is built as a JsonbValue tree with the jsonb builder API and serialized
 * once.  There is no correlated subquery per row and no jsonb is built
 * twice.  Options (options.c) refine each node's scan.  fetch_many runs
 * the same over the keys given, in their order.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"


#include "utils/inval.h"


#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "common/hashfn.h"
#include "utils/array.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
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
#include "options.h"
#include "ormar_pg.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_fetch);
PG_FUNCTION_INFO_V1(ormar_fetch_many);

/* One relation to embed, with the relations to embed in its rows. */
typedef struct IncludeNode
{
	int			id;				/* 1, 2, ...: a parent before its children */
	char	   *name;			/* relation name, the key it is embedded under */
	char	   *path;			/* include path up to it ("courses__students") */
	OrmarEnd	end;
	struct IncludeNode *parent; /* NULL below the top row */
	List	   *children;		/* of IncludeNode */
	OrmarOptions *opts;			/* refinements, or NULL */
	/* what assembling the result needs (kept in the tree cache) */
	bool		to_many;
	bool		count;
} IncludeNode;

/* The include tree of one call. */
typedef struct IncludeTree
{
	List	   *top;			/* nodes below the top row */
	List	   *nodes;			/* every node, by id (nodes[id - 1]) */
	List	   *relids;			/* every table the statement reads */
} IncludeTree;

/*
 * 54000 unless the include array (NPATHS paths) is within the documented
 * bounds: its paths, their bytes and their segments.  Runs before anything
 * else looks at the paths, in time linear in their length, so an oversized
 * input costs no more than reading it.
 */
static void
check_include_bounds(Datum *paths, bool *nulls, int npaths)
{
	if (npaths > ORMAR_MAX_INCLUDE_PATHS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("include has too many paths"),
				 errdetail("It has %d paths; the limit is %d.", npaths, ORMAR_MAX_INCLUDE_PATHS)));
	for (int i = 0; i < npaths; i++)
	{
		text	   *t;
		const char *s;
		int			len;
		int			segments = 1;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("include must not contain null")));
		t = DatumGetTextPP(paths[i]);
		s = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
		for (int c = 0; c + 1 < len; c++)
			if (s[c] == '_' && s[c + 1] == '_')
			{
				segments++;
				c++;
			}
		if (segments > ORMAR_MAX_INCLUDE_DEPTH)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("include path is too deep"),
					 errdetail("It has %d segments; the limit is %d.", segments,
							   ORMAR_MAX_INCLUDE_DEPTH)));
		if (len > ORMAR_MAX_PATH_BYTES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("include path is too long"),
					 errdetail("It has %d bytes; the limit is %d.", len, ORMAR_MAX_PATH_BYTES)));
	}
}

/* Add path PATH ("courses__students") to TREE, rooted at MODEL. */
static void
add_include_path(IncludeTree *tree, Oid model, const char *path)
{
	char	   *copy = pstrdup(path);
	char	   *seg = copy;
	Oid			current = model;
	List	  **children = &tree->top;
	IncludeNode *parent = NULL;

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
		if (*seg == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("include path \"%s\" has an empty segment", path)));
		foreach(lc, *children)
			if (strcmp(((IncludeNode *) lfirst(lc))->name, seg) == 0)
				node = lfirst(lc);
		if (node == NULL)
		{
			if (list_length(tree->nodes) >= ORMAR_MAX_INCLUDE_NODES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("include tree has too many relations"),
						 errdetail("The limit is %d relations.", ORMAR_MAX_INCLUDE_NODES)));
			node = palloc0(sizeof(IncludeNode));
			node->name = pstrdup(seg);
			node->path = parent ? psprintf("%s__%s", parent->path, seg) : pstrdup(seg);
			node->parent = parent;
			if (!ormar_find_end(current, seg, &node->end))
			{
				char	   *names = ormar_relation_names(current);

				if (*names)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_OBJECT),
							 errmsg("model \"%s\" has no relation \"%s\"",
									get_rel_name(current), seg),
							 errdetail("In include path \"%s\". Relations of model \"%s\": %s.",
									   path, get_rel_name(current), names)));
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("model \"%s\" has no relation \"%s\"",
								get_rel_name(current), seg),
						 errdetail("In include path \"%s\". Model \"%s\" has no relations.",
								   path, get_rel_name(current))));
			}
			if (!OidIsValid(node->end.rel->target))
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("relation \"%s\" of model \"%s\" is pending",
								seg, get_rel_name(current)),
						 errdetail("Its target model \"%s\" is not defined yet.",
								   node->end.rel->target_name)));
			node->to_many = node->end.to_many;
			*children = lappend(*children, node);
			tree->nodes = lappend(tree->nodes, node);
			node->id = list_length(tree->nodes);
		}
		current = node->end.other;
		children = &node->children;
		parent = node;
		seg = sep ? sep + 2 : NULL;
	}
}

/* list_sort comparator: include nodes by id (the order of the statement's scans). */
static int
node_id_cmp(const ListCell *a, const ListCell *b)
{
	int			x = ((IncludeNode *) lfirst(a))->id;
	int			y = ((IncludeNode *) lfirst(b))->id;

	return x - y;
}

/* Attach each options object to the node of its path (22023 if none). */
static void
attach_options(IncludeTree *tree, List *options)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		OrmarOptions *o = lfirst(lc);
		IncludeNode *node = NULL;
		ListCell   *ln;

		foreach(ln, tree->nodes)
			if (strcmp(((IncludeNode *) lfirst(ln))->path, o->path) == 0)
				node = lfirst(ln);
		if (node == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("options name include path \"%s\", which is not included", o->path),
					 errhint("Keys of options are include paths, or prefixes of them.")));
		ormar_options_check(o, &node->end);
		if (o->count && node->children != NIL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"count\" for include path \"%s\" cannot be combined with paths below it",
							o->path),
					 errdetail("A count embeds a number, which has no relations to include.")));
		node->opts = o;
		node->count = o->count;
	}
}

/*
 * Include trees of the statements built, keyed like those (model, include
 * paths, options shape), so that a warm call neither reads the catalog nor
 * resolves its paths again.  An entry holds only what assembling needs
 * (names, nesting, to-many, count) and is valid for the metadata cache
 * generation it was built in; a new generation empties the cache.
 */
typedef struct TreeEntry
{
	uint64		hash;
	Oid			model;
	char	   *text;
	uint64		gen;
	IncludeTree tree;
} TreeEntry;

static HTAB *tree_cache = NULL;
static MemoryContext TreeCxt = NULL;
static uint64 tree_cache_gen = 0;

/* Deep copy of node N under PARENT, its subtree's nodes appended to DST's list. */
static IncludeNode *
copy_node(IncludeNode *n, IncludeNode *parent, IncludeTree *dst)
{
	IncludeNode *c = palloc0(sizeof(IncludeNode));
	ListCell   *lc;

	c->id = n->id;
	c->name = pstrdup(n->name);
	c->path = pstrdup(n->path);
	c->parent = parent;
	c->to_many = n->to_many;
	c->count = n->count;
	dst->nodes = lappend(dst->nodes, c);
	foreach(lc, n->children)
		c->children = lappend(c->children, copy_node(lfirst(lc), c, dst));
	return c;
}

/* Copy of SRC (assembly fields only), nodes listed by id, in the current context. */
static void
copy_tree(IncludeTree *src, IncludeTree *dst)
{
	ListCell   *lc;

	memset(dst, 0, sizeof(IncludeTree));
	foreach(lc, src->top)
		dst->top = lappend(dst->top, copy_node(lfirst(lc), NULL, dst));
	list_sort(dst->nodes, node_id_cmp);
	dst->relids = list_copy(src->relids);
}

/* Hash of a tree cache key; entries compare MODEL and TEXT too. */
static uint64
tree_hash(Oid model, const char *text)
{
	return hash_combine64(hash_bytes_uint32_extended(model, 0),
						  hash_bytes_extended((const unsigned char *) text, strlen(text), 0));
}

/*
 * The include tree resolved for MODEL and the call shape TEXT (include paths
 * and options), kept beside the statement built from it (ormar_cache_get_sql)
 * so that a warm fetch resolves nothing; false on a miss or after the cache
 * generation moved on.
 */
static bool
tree_cache_get(Oid model, const char *text, IncludeTree *tree)
{
	uint64		h = tree_hash(model, text);
	TreeEntry  *e;

	if (tree_cache == NULL || tree_cache_gen != ormar_cache_generation())
		return false;
	e = hash_search(tree_cache, &h, HASH_FIND, NULL);
	if (e == NULL || e->model != model || strcmp(e->text, text) != 0)
		return false;
	*tree = e->tree;			/* read only from here on */
	return true;
}

/*
 * Keep a copy of TREE for MODEL and TEXT, resolved at cache generation GEN
 * (nothing is kept if the generation moved on meanwhile); the cache is
 * emptied when the generation changes or it reaches 2,048 shapes.
 */
static void
tree_cache_put(Oid model, const char *text, IncludeTree *tree, uint64 gen)
{
	uint64		h = tree_hash(model, text);
	TreeEntry  *e;
	MemoryContext old;
	bool		found;

	if (gen != ormar_cache_generation())
		return;
	if (tree_cache == NULL || tree_cache_gen != gen || hash_get_num_entries(tree_cache) >= 2048)
	{
		HASHCTL		ctl;

		if (TreeCxt == NULL)
			TreeCxt = AllocSetContextCreate(CacheMemoryContext, "ormar_pg include trees",
											ALLOCSET_DEFAULT_SIZES);
		MemoryContextReset(TreeCxt);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(TreeEntry);
		ctl.hcxt = TreeCxt;
		tree_cache = hash_create("ormar_pg include trees", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		tree_cache_gen = gen;
	}
	e = hash_search(tree_cache, &h, HASH_ENTER, &found);
	old = MemoryContextSwitchTo(TreeCxt);
	e->model = model;
	e->text = pstrdup(text);
	e->gen = gen;
	copy_tree(tree, &e->tree);
	MemoryContextSwitchTo(old);
}

/*
 * The statement of fetch (MANY false: one key $1) or fetch_many (MANY true:
 * keys $1, in order) of MODEL with the include TREE: one SELECT whose rows
 * are (node, p, k, j): node 0 the top rows in order; node N the rows of
 * include node N, each with p the key of the row it belongs to, k its own
 * key and j its jsonb, in the order they are embedded in (key order, or the
 * options' order_by).  Each include node is one flat scan of its table for
 * all its parent rows at once, through the relation's index; a node with
 * includes below it is a materialized CTE whose keys its children read.
 * The nesting itself is done in C (assemble), so there is no correlated
 * subquery per row.
 */
static char *
fetch_sql(Oid model, OrmarModel *m, IncludeTree *tree, bool many, List **relids)
{
	StringInfoData ctes;
	StringInfoData body;
	const char *pk = quote_identifier(m->pk_name);
	const char *eq = ormar_operator(m->pk_type, BTEqualStrategyNumber);
	bool		citus = ormar_citus_table(model);
	bool		composite = type_is_rowtype(m->pk_type);
	ListCell   *lc;

	foreach(lc, tree->nodes)
		citus |= ormar_citus_table(((IncludeNode *) lfirst(lc))->end.other);
	initStringInfo(&ctes);
	initStringInfo(&body);
	if (many && ormar_citus_table(model))
		/* Citus does not join a distributed table with a set-returning function */
		appendStringInfo(&body, "(SELECT 0 AS node, NULL::pg_catalog.text AS p,"
						 " r.%s::pg_catalog.text AS k, pg_catalog.to_jsonb(r.*) AS j"
						 " FROM %s r WHERE r.%s %s ANY ($1)"
						 " ORDER BY pg_catalog.array_position($1, r.%s))",
						 pk, m->qualified, pk, eq, pk);
	else if (many && composite)
		/*
		 * unnest in FROM expands a composite element into its fields, so
		 * the keys are unnested in the select list, where each stays whole,
		 * next to their positions (set-returning functions there run in
		 * lockstep)
		 */
		appendStringInfo(&body, "(SELECT 0 AS node, NULL::pg_catalog.text AS p,"
						 " r.%s::pg_catalog.text AS k, pg_catalog.to_jsonb(r.*) AS j"
						 " FROM (SELECT pg_catalog.unnest($1) AS v, pg_catalog.generate_series(1,"
						 " pg_catalog.cardinality($1)) AS o) u"
						 " JOIN %s r ON r.%s %s u.v ORDER BY u.o)",
						 pk, m->qualified, pk, eq);
	else if (many)
		appendStringInfo(&body, "(SELECT 0 AS node, NULL::pg_catalog.text AS p,"
						 " r.%s::pg_catalog.text AS k, pg_catalog.to_jsonb(r.*) AS j"
						 " FROM pg_catalog.unnest($1) WITH ORDINALITY u(v, o)"
						 " JOIN %s r ON r.%s %s u.v ORDER BY u.o)",
						 pk, m->qualified, pk, eq);
	else
		appendStringInfo(&body, "(SELECT 0 AS node, NULL::pg_catalog.text AS p,"
						 " r.%s::pg_catalog.text AS k, pg_catalog.to_jsonb(r.*) AS j"
						 " FROM %s r WHERE r.%s %s $1)",
						 pk, m->qualified, pk, eq);

	foreach(lc, tree->nodes)
	{
		IncludeNode *n = lfirst(lc);
		OrmarEndSql es;
		char	   *link;
		char	   *keys;
		char	   *rows;

		ormar_end_sql(&n->end, &es);
		*relids = lappend_oid(*relids, n->end.other);
		if (OidIsValid(n->end.rel->through))
			*relids = lappend_oid(*relids, n->end.rel->through);
		if (n->parent == NULL)
		{
			link = psprintf("%s %s", ormar_options_link_op(&es), many ? "ANY ($1)" : "$1");
			keys = !many ? "(SELECT $1)" : composite ?
				"(SELECT DISTINCT pg_catalog.unnest($1) AS v)" :
				"(SELECT DISTINCT u.v FROM pg_catalog.unnest($1) u(v))";
		}
		else
		{
			link = psprintf("%s ANY (SELECT n%d.k FROM n%d)", ormar_options_link_op(&es),
							n->parent->id, n->parent->id);
			keys = psprintf("(SELECT DISTINCT n%d.k FROM n%d)", n->parent->id, n->parent->id);
		}
		rows = ormar_rows_sql(&es, n->opts, link, keys, true, citus);
		if (n->children != NIL)
		{
			appendStringInfo(&ctes, "%sn%d AS MATERIALIZED (%s)",
							 ctes.len ? ", " : "WITH ", n->id, rows);
			appendStringInfo(&body, " UNION ALL (SELECT %d, n%d.p::pg_catalog.text,"
							 " n%d.k::pg_catalog.text, n%d.j FROM n%d)",
							 n->id, n->id, n->id, n->id, n->id);
		}
		else if (n->opts && n->opts->count)
			appendStringInfo(&body, " UNION ALL (SELECT %d, x.p::pg_catalog.text, NULL,"
							 " pg_catalog.to_jsonb(pg_catalog.count(*)) FROM (%s) x GROUP BY x.p)",
							 n->id, rows);
		else
			appendStringInfo(&body, " UNION ALL (SELECT %d, x.p::pg_catalog.text,"
							 " x.k::pg_catalog.text, x.j FROM (%s) x)", n->id, rows);
	}
	if (ctes.len)
		appendStringInfoChar(&ctes, ' ');
	return psprintf("%s%s", ctes.data, body.data);
}

/* One row of an include node: its key, its jsonb, and that with its includes. */
typedef struct FetchRow
{
	char	   *k;
	Jsonb	   *j;
	JsonbValue *done;			/* j with its includes, built once */
} FetchRow;

/* The rows of an include node that belong to one parent row (hash entry). */
typedef struct FetchGroup
{
	char	   *p;				/* hash key: the parent's key, text form */
	List	   *rows;			/* of FetchRow, in embedding order */
} FetchGroup;

/* Hash and match functions of the per-node groups, keyed by a parent key's text. */
static uint32
group_hash(const void *key, Size keysize)
{
	const char *s = *(char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
group_match(const void *a, const void *b, Size keysize)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static JsonbValue *assemble(Jsonb *row, const char *key, List *children,
							HTAB **groups);

/* The value embedded for include node N under the row of key KEY. */
static void
embedded_value(IncludeNode *n, const char *key, HTAB **groups, JsonbValue *out)
{
	FetchGroup *g = hash_search(groups[n->id], &key, HASH_FIND, NULL);
	ListCell   *lc;

	if (n->count)
	{
		if (g == NULL || g->rows == NIL ||
			!JsonbExtractScalar(&((FetchRow *) linitial(g->rows))->j->root, out))
		{
			out->type = jbvNumeric;
			out->val.numeric = int64_to_numeric(0);
		}
		return;
	}
	if (!n->to_many)
	{
		if (g == NULL || g->rows == NIL)
			out->type = jbvNull;
		else
		{
			FetchRow   *r = linitial(g->rows);

			if (r->done == NULL)
				r->done = assemble(r->j, r->k, n->children, groups);
			*out = *r->done;
		}
		return;
	}
	out->type = jbvArray;
	out->val.array.rawScalar = false;
	out->val.array.nElems = g ? list_length(g->rows) : 0;
	out->val.array.elems = palloc(sizeof(JsonbValue) * Max(out->val.array.nElems, 1));
	if (g)
		foreach(lc, g->rows)
		{
			FetchRow   *r = lfirst(lc);

			if (r->done == NULL)
				r->done = assemble(r->j, r->k, n->children, groups);
			out->val.array.elems[foreach_current_index(lc)] = *r->done;
		}
}

/*
 * ROW (the jsonb of a row of key KEY) as a JsonbValue tree, with every
 * include node of CHILDREN embedded under its name, replacing a key of the
 * same name (the foreign-key column of a to-one relation).  The tree is
 * turned into jsonb once, at the top, so nested rows are never serialized
 * twice.
 */
static JsonbValue *
assemble(Jsonb *row, const char *key, List *children, HTAB **groups)
{
	JsonbParseState *st = NULL;
	JsonbIterator *it = JsonbIteratorInit(&row->root);
	JsonbValue	v;
	JsonbValue *res = NULL;
	JsonbIteratorToken tok;
	bool		skip = false;
	ListCell   *lc;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			skip = false;
			foreach(lc, children)
			{
				IncludeNode *c = lfirst(lc);

				if (strlen(c->name) == v.val.string.len &&
					memcmp(c->name, v.val.string.val, v.val.string.len) == 0)
					skip = true;
			}
			if (skip)
				continue;
		}
		else if (tok == WJB_VALUE && skip)
			continue;
		else if (tok == WJB_END_OBJECT)
			break;
		res = pushJsonbValue(&st, tok, tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	foreach(lc, children)
	{
		IncludeNode *c = lfirst(lc);
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.val = c->name;
		k.val.string.len = strlen(c->name);
		pushJsonbValue(&st, WJB_KEY, &k);
		v.type = jbvNull;
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);

	/* now put each include's value in place of its null */
	foreach(lc, children)
	{
		IncludeNode *c = lfirst(lc);
		int			len = strlen(c->name);

		for (int i = 0; i < res->val.object.nPairs; i++)
		{
			JsonbPair  *pair = &res->val.object.pairs[i];

			if (pair->key.val.string.len == len &&
				memcmp(pair->key.val.string.val, c->name, len) == 0)
			{
				embedded_value(c, key, groups, &pair->value);
				break;
			}
		}
	}
	return res;
}

/*
 * Run the statement SQL with PARAMS and deliver each top row with its
 * includes: into the tuplestore of RSINFO (fetch_many) or as the result
 * (fetch: the first top row, *ISNULL when there is none).  The Jsonb of
 * fetch is allocated in context OUTCXT.
 */
static Datum
run_fetch(const char *sql, OrmarParams *params, IncludeTree *tree, ReturnSetInfo *rsinfo,
		  bool *isnull)
{
	int			nnodes = list_length(tree->nodes);
	HTAB	  **groups = palloc0(sizeof(HTAB *) * (nnodes + 1));
	List	   *top = NIL;
	ListCell   *lc;
	Datum		result = (Datum) 0;

	*isnull = true;
	ormar_exec(sql, params->n, params->types, params->values, NULL, true, 0);
	for (int i = 1; i <= nnodes; i++)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(char *);
		ctl.entrysize = sizeof(FetchGroup);
		ctl.hash = group_hash;
		ctl.match = group_match;
		ctl.hcxt = CurrentMemoryContext;
		groups[i] = hash_create("ormar_pg fetch groups", 256, &ctl,
								HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	}
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		null;
		int			node = DatumGetInt32(ormar_getdatum(i, 1, &null));
		FetchRow   *r = palloc0(sizeof(FetchRow));
		Datum		d;

		d = ormar_getdatum(i, 3, &null);
		r->k = null ? NULL : TextDatumGetCString(d);
		r->j = DatumGetJsonbP(ormar_getdatum(i, 4, &null));
		if (node == 0)
			top = lappend(top, r);
		else
		{
			char	   *p;
			FetchGroup *g;
			bool		found;

			d = ormar_getdatum(i, 2, &null);
			if (null)
				continue;
			p = TextDatumGetCString(d);
			g = hash_search(groups[node], &p, HASH_ENTER, &found);
			if (!found)
				g->rows = NIL;
			g->rows = lappend(g->rows, r);
		}
	}
	foreach(lc, top)
	{
		FetchRow   *r = lfirst(lc);
		Datum		out;
		bool		nulls[1] = {false};

		if (tree->top == NIL)
			out = JsonbPGetDatum(r->j);
		else
			out = JsonbPGetDatum(JsonbValueToJsonb(assemble(r->j, r->k, tree->top, groups)));
		if (rsinfo)
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &out, nulls);
		else
		{
			result = SPI_datumTransfer(out, false, -1);
			*isnull = false;
			break;
		}
	}
	return result;
}

/* Everything fetch and fetch_many need for one call. */
typedef struct FetchCall
{
	OrmarModel	m;
	char	   *sql;
	IncludeTree tree;
	OrmarParams params;
} FetchCall;

/*
 * Resolve the include tree of FC and write its statement.  The catalog is
 * read on the call's snapshot before the tables are locked, so a relation
 * dropped by a transaction that committed in between names a table that is
 * gone: opening it fails.  That (and only when a concurrent catalog change
 * is seen) returns false so that the caller resolves again on a fresh
 * snapshot; the attempt runs in a subtransaction to undo it cleanly.
 */
typedef struct ResolveArgs
{
	FetchCall  *fc;
	Oid			model;
	Datum	   *paths;
	int			npaths;
	List	   *options;
	bool		many;
	List	  **relids;
} ResolveArgs;

/* ormar_try_subxact callback of resolve_tree. */
static void
resolve_tree_cb(void *arg)
{
	ResolveArgs *a = arg;

	ormar_model_info(a->model, &a->fc->m);
	for (int i = 0; i < a->npaths; i++)
		add_include_path(&a->fc->tree, a->model, TextDatumGetCString(a->paths[i]));
	attach_options(&a->fc->tree, a->options);
	a->fc->sql = fetch_sql(a->model, &a->fc->m, &a->fc->tree, a->many, a->relids);
}

/*
 * Resolve the include tree of FC (see resolve_tree_cb) from the catalog as the
 * call's snapshot, taken at cache generation GEN, shows it.  A table that
 * snapshot names may have been dropped by a commit since (opening it fails
 * with 42P01, a syscache lookup with XX000): then an invalidation has
 * arrived since GEN, and we return false for the caller to take a new
 * snapshot and resolve again.  A transaction that keeps its snapshot gets
 * 40001 instead (ormar_snapshot_outdated).  Any other error is the caller's.
 */
static bool
resolve_tree(FetchCall *fc, Oid model, Datum *paths, int npaths, List *options,
			 bool many, List **relids, uint64 gen)
{
	ResolveArgs args = {fc, model, paths, npaths, options, many, relids};
	ErrorData  *edata = ormar_try_subxact(resolve_tree_cb, &args);

	if (edata == NULL)
		return true;
	AcceptInvalidationMessages();
	if (edata->sqlerrcode != ERRCODE_INTERNAL_ERROR &&
		edata->sqlerrcode != ERRCODE_UNDEFINED_TABLE)
		ReThrowError(edata);
	if (gen != ormar_cache_generation())
		return false;
	if (edata->sqlerrcode == ERRCODE_UNDEFINED_TABLE)
		ormar_snapshot_outdated();
	ReThrowError(edata);
	return false;				/* not reached */
}

/*
 * Prepare fetch (MANY false) or fetch_many of the model of argument 0 with
 * the include paths of argument 2 and the options of argument 3 (when the
 * function has it): the statement, built once per backend for each include
 * array and options shape and kept in the metadata cache, and the
 * parameters of the options.  The caller sets $1 (params.types[0] and
 * values[0]) once it has the key.  Errors for an unknown model or path come
 * from the build.
 */
static void
fetch_prepare(FunctionCallInfo fcinfo, bool many, FetchCall *fc)
{
	Oid			model;
	ArrayType  *include;
	Datum	   *paths;
	bool	   *nulls;
	int			npaths;
	List	   *options = NIL;
	StringInfoData key;
	uint64		gen;
	ListCell   *lc;

	ormar_require_arg(fcinfo, 2, "include");
	model = PG_GETARG_OID(0);
	include = PG_GETARG_ARRAYTYPE_P(2);
	if (ArrayGetNItems(ARR_NDIM(include), ARR_DIMS(include)) > ORMAR_MAX_INCLUDE_PATHS)
		check_include_bounds(NULL, NULL, ArrayGetNItems(ARR_NDIM(include), ARR_DIMS(include)));
	deconstruct_array(include, TEXTOID, -1, false, TYPALIGN_INT, &paths, &nulls, &npaths);
	check_include_bounds(paths, nulls, npaths);

	ormar_params_init(&fc->params, InvalidOid, (Datum) 0);
	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		options = ormar_options_parse_paths(PG_GETARG_JSONB_P(3));

	initStringInfo(&key);
	appendStringInfoString(&key, many ? "fetch_many" : "fetch");
	for (int i = 0; i < npaths; i++)
		appendStringInfo(&key, "\x01%s", TextDatumGetCString(paths[i]));
	foreach(lc, options)
	{
		ormar_options_bind(lfirst(lc), &fc->params);
		ormar_options_shape(lfirst(lc), &key);
	}

	/*
	 * Resolve the tree (or take it from the cache), then lock its tables in
	 * OID order as every proxy call does; if a declaration or drop committed
	 * while we waited, resolve it again on a fresh snapshot: the call sees
	 * the relations as they were or as they are (42704 once gone).
	 */
	for (int attempt = 0;; attempt++)
	{
		gen = ormar_begin_attempt(attempt, model, NULL);
		memset(&fc->tree, 0, sizeof(IncludeTree));
		if (!ormar_cache_get_sql(model, key.data, &fc->sql, &fc->m) ||
			!tree_cache_get(model, key.data, &fc->tree))
		{
			List	   *relids = NIL;

			ormar_require_model(model);
			if (!resolve_tree(fc, model, paths, npaths, options, many, &relids, gen))
				continue;		/* a table it named was dropped meanwhile */
			fc->tree.relids = lappend_oid(relids, model);
			ormar_cache_put_sql(model, key.data, fc->sql, &fc->m, relids, gen);
			tree_cache_put(model, key.data, &fc->tree, gen);
		}
		if (ormar_lock_tables(fc->tree.relids, AccessShareLock, gen))
			break;
	}
}

/* ormar.fetch(model, pk, include, options): the row as jsonb with its includes, or NULL. */
static Datum
fetch_impl(FunctionCallInfo fcinfo)
{
	FetchCall	fc;
	bool		isnull;
	Datum		result;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "pk");
	fetch_prepare(fcinfo, false, &fc);
	fc.params.types[0] = fc.m.pk_type;
	fc.params.values[0] = ormar_key_arg(fcinfo, 1, &fc.m, "pk");
	result = run_fetch(fc.sql, &fc.params, &fc.tree, NULL, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

Datum
ormar_fetch(PG_FUNCTION_ARGS)
{
	return ormar_run_read(fetch_impl, fcinfo);
}

/* 54000 when ARR holds more keys than fetch_many takes. */
static void
check_key_count(ArrayType *arr)
{
	int			nitems = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));

	if (nitems > ORMAR_MAX_KEYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("pks has too many keys"),
				 errdetail("It has %d keys; the limit is %d.", nitems, ORMAR_MAX_KEYS)));
}

/*
 * ormar.fetch_many(model, pks, include, options): fetch for every key of
 * PKS that exists, in the order given, in one statement.
 */
static Datum
fetch_many_impl(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FetchCall	fc;
	ArrayType  *keys;
	Oid			argtype;
	bool		isnull;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "pks");
	/* an array is bounded before anything reads it, a literal once parsed */
	argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	if (OidIsValid(argtype) && type_is_array(argtype))
		check_key_count(PG_GETARG_ARRAYTYPE_P(1));
	fetch_prepare(fcinfo, true, &fc);

	/* the keys as an array of the key type (a NULL key is 22004) */
	keys = ormar_key_array_arg(fcinfo, 1, &fc.m, "pks");
	check_key_count(keys);

	if (fc.tree.top != NIL && ormar_citus_reference_table(fc.m.relid))
	{
		/*
		 * Citus cannot run the one-statement form over a reference table
		 * next to its includes: run fetch's statement once per key instead.
		 */
		FetchCall	one;
		Datum	   *elems;
		bool	   *enulls;
		int			n;
		int16		klen;
		bool		kbyval;
		char		kalign;

		fetch_prepare(fcinfo, false, &one);
		get_typlenbyvalalign(fc.m.pk_type, &klen, &kbyval, &kalign);
		deconstruct_array(keys, fc.m.pk_type, klen, kbyval, kalign, &elems, &enulls, &n);
		one.params.types[0] = fc.m.pk_type;
		for (int i = 0; i < n; i++)
		{
			one.params.values[0] = elems[i];
			(void) run_fetch(one.sql, &one.params, &one.tree, rsinfo, &isnull);
		}
		return (Datum) 0;
	}
	fc.params.types[0] = get_array_type(fc.m.pk_type);
	fc.params.values[0] = PointerGetDatum(keys);
	(void) run_fetch(fc.sql, &fc.params, &fc.tree, rsinfo, &isnull);
	return (Datum) 0;
}

Datum
ormar_fetch_many(PG_FUNCTION_ARGS)
{
	return ormar_run_read(fetch_many_impl, fcinfo);
}
