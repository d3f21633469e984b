/*-------------------------------------------------------------------------
 * options.c
 *	  Refinements of related rows, as ormar's QuerysetProxy and
 *	  select_related and PostgREST's embedded filters offer them (DESIGN §5
 *	  "options"): filter / exclude with ormar's lookups, order_by, limit and
 *	  offset per parent row, fields / exclude_fields, count.  Used by
 *	  ormar.related (one object) and by fetch / fetch_many (one object per
 *	  include path).
 *
 * An options object is read in three steps, so that a statement can be
 * built once and kept:
 *	 1. parse: the jsonb into OrmarOptions, checking its shape (22023); no
 *		catalog access;
 *	 2. bind: every value becomes a parameter $n (text, or text[] for "in";
 *		bigint for limit / offset), numbered in the order of the object;
 *		the statement casts it to the column's type, which reads it with
 *		that type's input function ("2" for an integer column is fine);
 *	 3. build (only when no kept statement has the same shape): the fields
 *		are checked against the tables (42703) and the SQL text is made.
 * The shape (ormar_options_shape) is everything but the values: two calls
 * with the same shape run the same statement with other parameters.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "nodes/value.h"
#include "parser/parse_oper.h"

#include "naming.h"
#include "options.h"

typedef enum LookupSql
{
	LK_CMP,						/* col OP $n::T */
	LK_LIKE,					/* col::text ~~ pattern */
	LK_ILIKE,					/* col::text ~~* pattern */
	LK_IN,						/* col = ANY ($n::T[]) */
	LK_ISNULL					/* col IS [NOT] NULL */
} LookupSql;

typedef struct Lookup
{
	const char *name;
	LookupSql	kind;
	const char *op;				/* LK_CMP: the operator */
	bool		prefix_any;		/* LIKE: '%' before the value */
	bool		suffix_any;		/* LIKE: '%' after the value */
} Lookup;

static const Lookup lookups[] = {
	{"exact", LK_CMP, "=", false, false},
	{"iexact", LK_ILIKE, NULL, false, false},
	{"contains", LK_LIKE, NULL, true, true},
	{"icontains", LK_ILIKE, NULL, true, true},
	{"startswith", LK_LIKE, NULL, false, true},
	{"endswith", LK_LIKE, NULL, true, false},
	{"in", LK_IN, NULL, false, false},
	{"gt", LK_CMP, ">", false, false},
	{"gte", LK_CMP, ">=", false, false},
	{"lt", LK_CMP, "<", false, false},
	{"lte", LK_CMP, "<=", false, false},
	{"isnull", LK_ISNULL, NULL, false, false},
};

#define LOOKUP_NAMES "exact, iexact, contains, icontains, startswith, endswith, in, gt, gte, lt, lte and isnull"
#define OPTION_NAMES "filter, exclude, order_by, limit, offset, fields, exclude_fields and count"

/* " for include path \"x\"" or "" (related), for messages. */
static const char *
where_txt(const char *path)
{
	return path ? psprintf(" for include path \"%s\"", path) : "";
}

static void
too_many(const char *what, const char *path, int n, int limit)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("option \"%s\"%s has too many entries", what, where_txt(path)),
			 errdetail("It has %d entries; the limit is %d.", n, limit)));
}

static void
bad_shape(const char *what, const char *path, const char *must)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("option \"%s\"%s must be %s", what, where_txt(path), must)));
}

/* Start $1 with the key of the call. */
void
ormar_params_init(OrmarParams *p, Oid keytype, Datum key)
{
	p->n = 1;
	p->cap = 8;
	p->types = palloc(sizeof(Oid) * p->cap);
	p->values = palloc(sizeof(Datum) * p->cap);
	p->types[0] = keytype;
	p->values[0] = key;
}

/* Add a parameter; its number. */
static int
add_param(OrmarParams *p, Oid type, Datum value)
{
	if (p->n == p->cap)
	{
		p->cap *= 2;
		p->types = repalloc(p->types, sizeof(Oid) * p->cap);
		p->values = repalloc(p->values, sizeof(Datum) * p->cap);
	}
	p->types[p->n] = type;
	p->values[p->n] = value;
	return ++p->n;
}

/* Text of a JSON scalar given as a filter value; NULL for JSON null. */
static char *
scalar_text(JsonbValue *v, const char *key, const char *path)
{
	switch (v->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("value of filter \"%s\"%s must be a string, number, boolean or null",
							key, where_txt(path))));
	}
	return NULL;				/* keep the compiler quiet */
}

/* The elements of the JSON array V (jbvBinary), or an error naming WHAT. */
static List *
array_elems(JsonbValue *v, const char *what, const char *path, int limit)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	List	   *out = NIL;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		bad_shape(what, path, "an array");
	if (JsonContainerSize(v->val.binary.data) > (uint32) limit)
		too_many(what, path, JsonContainerSize(v->val.binary.data), limit);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		{
			JsonbValue *copy = palloc(sizeof(JsonbValue));

			*copy = e;
			out = lappend(out, copy);
		}
	}
	return out;
}

/* A field name of a filter, order_by or fields entry: through__x or x. */
static char *
split_through(const char *name, bool *through)
{
	*through = strncmp(name, "through__", 9) == 0 && name[9] != '\0';
	return pstrdup(*through ? name + 9 : name);
}

/* The conditions of a "filter" / "exclude" object V. */
static List *
parse_conds(JsonbValue *v, const char *what, const char *path)
{
	JsonbIterator *it;
	JsonbValue	k,
				val;
	JsonbIteratorToken tok;
	List	   *out = NIL;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		bad_shape(what, path, "an object");
	if (JsonContainerSize(v->val.binary.data) > ORMAR_MAX_OPTION_ITEMS)
		too_many(what, path, JsonContainerSize(v->val.binary.data), ORMAR_MAX_OPTION_ITEMS);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		OrmarCond  *c;
		char	   *key;
		char	   *sep;
		const char *lookup = "exact";
		int			li;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &val, true);
		c = palloc0(sizeof(OrmarCond));
		c->field = split_through(key, &c->through);
		/* the lookup is what follows the last "__", when it names one */
		sep = NULL;
		for (char *s = strstr(c->field, "__"); s; s = strstr(s + 1, "__"))
			sep = s;
		if (sep)
		{
			*sep = '\0';
			lookup = sep + 2;
		}
		for (li = 0; li < lengthof(lookups); li++)
			if (strcmp(lookups[li].name, lookup) == 0)
				break;
		if (li == lengthof(lookups))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown lookup \"%s\" in %s key \"%s\"%s", lookup, what, key,
							where_txt(path)),
					 errdetail("The lookups are " LOOKUP_NAMES ".")));
		c->lookup = li;
		if (lookups[li].kind == LK_ISNULL)
		{
			if (val.type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("value of %s \"%s\"%s must be a boolean", what, key,
								where_txt(path))));
			c->isnull = true;
			c->negate_null = !val.val.boolean;
		}
		else if (lookups[li].kind == LK_IN)
		{
			List	   *elems = array_elems(&val, key, path, ORMAR_MAX_KEYS);
			ListCell   *lc;

			foreach(lc, elems)
			{
				char	   *t = scalar_text(lfirst(lc), key, path);

				if (t == NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("value of %s \"%s\"%s must not contain null", what, key,
									where_txt(path)),
							 errhint("Use the isnull lookup to match null.")));
				c->texts = lappend(c->texts, t);
			}
		}
		else
		{
			c->text = scalar_text(&val, key, path);
			if (c->text == NULL)
			{
				if (lookups[li].kind != LK_CMP || strcmp(lookups[li].op, "=") != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("value of %s \"%s\"%s must not be null", what, key,
									where_txt(path)),
							 errhint("Use the isnull lookup to match null.")));
				c->isnull = true;
			}
		}
		out = lappend(out, c);
	}
	return out;
}

/* A list of field names (strings) for "fields" / "exclude_fields" / "order_by". */
static List *
parse_names(JsonbValue *v, const char *what, const char *path)
{
	List	   *elems = array_elems(v, what, path, ORMAR_MAX_OPTION_ITEMS);
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, elems)
	{
		JsonbValue *e = lfirst(lc);

		if (e->type != jbvString || e->val.string.len == 0)
			bad_shape(what, path, "an array of field names");
		out = lappend(out, pnstrdup(e->val.string.val, e->val.string.len));
	}
	return out;
}

/* A non-negative integer (limit, offset). */
static int64
parse_count(JsonbValue *v, const char *what, const char *path)
{
	char	   *s;
	int64		n;

	if (v->type != jbvNumeric)
		bad_shape(what, path, "a non-negative integer");
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	if (strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		bad_shape(what, path, "a non-negative integer");
	n = strtoi64(s, NULL, 10);
	return n;
}

/*
 * Parse one options object (a jsonb object container) applying to include
 * path PATH (NULL: ormar.related).  Shape errors are 22023; the fields are
 * checked later, against the tables (ormar_options_check).
 */
OrmarOptions *
ormar_options_parse(JsonbContainer *obj, const char *path)
{
	OrmarOptions *o = palloc0(sizeof(OrmarOptions));
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;

	o->path = path ? pstrdup(path) : NULL;
	if (!JsonContainerIsObject(obj))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options%s must be a JSON object", where_txt(path))));
	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		if (strcmp(key, "filter") == 0)
			o->filter = parse_conds(&v, key, path);
		else if (strcmp(key, "exclude") == 0)
			o->exclude = parse_conds(&v, key, path);
		else if (strcmp(key, "order_by") == 0)
		{
			ListCell   *lc;

			foreach(lc, parse_names(&v, key, path))
			{
				char	   *name = lfirst(lc);
				OrmarOrder *ord = palloc0(sizeof(OrmarOrder));

				ord->desc = name[0] == '-';
				ord->field = split_through(name + (ord->desc ? 1 : 0), &ord->through);
				if (ord->field[0] == '\0')
					bad_shape(key, path, "an array of field names");
				o->order = lappend(o->order, ord);
			}
		}
		else if (strcmp(key, "limit") == 0)
		{
			o->has_limit = true;
			o->limit = parse_count(&v, key, path);
		}
		else if (strcmp(key, "offset") == 0)
		{
			o->has_offset = true;
			o->offset = parse_count(&v, key, path);
		}
		else if (strcmp(key, "fields") == 0)
			o->fields = parse_names(&v, key, path);
		else if (strcmp(key, "exclude_fields") == 0)
			o->exclude_fields = parse_names(&v, key, path);
		else if (strcmp(key, "count") == 0)
		{
			if (v.type != jbvBool)
				bad_shape(key, path, "a boolean");
			o->count = v.val.boolean;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown option \"%s\"%s", key, where_txt(path)),
					 errdetail("The options are " OPTION_NAMES ".")));
	}
	return o;
}

/*
 * The options of fetch / fetch_many: an object keyed by include path, in
 * the order of the jsonb object (sorted, so the same for every call).
 */
List *
ormar_options_parse_paths(Jsonb *options)
{
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	List	   *out = NIL;

	if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("options must be a JSON object keyed by include path")));
	if (JB_ROOT_COUNT(options) > ORMAR_MAX_INCLUDE_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("options name too many include paths"),
				 errdetail("They name %d paths; the limit is %d.",
						   (int) JB_ROOT_COUNT(options), ORMAR_MAX_INCLUDE_NODES)));
	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *path;

		if (tok != WJB_KEY)
			continue;
		path = pnstrdup(k.val.string.val, k.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("options for include path \"%s\" must be a JSON object", path)));
		out = lappend(out, ormar_options_parse(v.val.binary.data, path));
	}
	return out;
}

/* Escape % _ and \ of S for LIKE, with '%' around it as asked. */
static char *
like_pattern(const char *s, bool before, bool after)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (before)
		appendStringInfoChar(&buf, '%');
	for (; *s; s++)
	{
		if (*s == '%' || *s == '_' || *s == '\\')
			appendStringInfoChar(&buf, '\\');
		appendStringInfoChar(&buf, *s);
	}
	if (after)
		appendStringInfoChar(&buf, '%');
	return buf.data;
}

static void
bind_conds(List *conds, OrmarParams *params)
{
	ListCell   *lc;

	foreach(lc, conds)
	{
		OrmarCond  *c = lfirst(lc);
		const Lookup *lk = &lookups[c->lookup];

		if (c->isnull)
			continue;
		if (lk->kind == LK_IN)
		{
			int			n = list_length(c->texts);
			Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
			ListCell   *lt;

			foreach(lt, c->texts)
				d[foreach_current_index(lt)] = CStringGetTextDatum(lfirst(lt));
			c->param = add_param(params, TEXTARRAYOID,
								 PointerGetDatum(construct_array(d, n, TEXTOID, -1, false,
																 TYPALIGN_INT)));
		}
		else if (lk->kind == LK_LIKE || lk->kind == LK_ILIKE)
			c->param = add_param(params, TEXTOID,
								 CStringGetTextDatum(like_pattern(c->text, lk->prefix_any,
																  lk->suffix_any)));
		else
			c->param = add_param(params, TEXTOID, CStringGetTextDatum(c->text));
	}
}

/* Give every value of O a parameter number, appending it to PARAMS. */
void
ormar_options_bind(OrmarOptions *o, OrmarParams *params)
{
	bind_conds(o->filter, params);
	bind_conds(o->exclude, params);
	if (o->has_limit)
		o->limit_param = add_param(params, INT8OID, Int64GetDatum(o->limit));
	if (o->has_offset)
		o->offset_param = add_param(params, INT8OID, Int64GetDatum(o->offset));
}

static void
shape_conds(List *conds, StringInfo buf)
{
	ListCell   *lc;

	foreach(lc, conds)
	{
		OrmarCond  *c = lfirst(lc);

		appendStringInfo(buf, "%s%s\x02%d%s%s\x03", c->through ? "through__" : "",
						 c->field, c->lookup, c->isnull ? "n" : "",
						 c->negate_null ? "!" : "");
	}
}

static void
shape_names(List *names, StringInfo buf)
{
	ListCell   *lc;

	foreach(lc, names)
		appendStringInfo(buf, "%s\x03", (char *) lfirst(lc));
}

/* What decides the statement: everything of O but the values. */
void
ormar_options_shape(const OrmarOptions *o, StringInfo buf)
{
	ListCell   *lc;

	appendStringInfo(buf, "\x04%s\x05f", o->path ? o->path : "");
	shape_conds(o->filter, buf);
	appendStringInfoString(buf, "\x05x");
	shape_conds(o->exclude, buf);
	appendStringInfoString(buf, "\x05o");
	foreach(lc, o->order)
	{
		OrmarOrder *ord = lfirst(lc);

		appendStringInfo(buf, "%s%s%s\x03", ord->desc ? "-" : "",
						 ord->through ? "through__" : "", ord->field);
	}
	appendStringInfo(buf, "\x05%c%c%c\x05", o->has_limit ? 'l' : '-',
					 o->has_offset ? 'o' : '-', o->count ? 'c' : '-');
	shape_names(o->fields, buf);
	appendStringInfoString(buf, "\x05");
	shape_names(o->exclude_fields, buf);
}

/* 42703 unless FIELD is a column of the target (or an extra through column). */
static void
check_field(const OrmarEnd *end, const char *field, bool through, const char *path)
{
	if (through)
	{
		ListCell   *lc;

		if (end->rel->kind == ORMAR_MANY_TO_MANY)
			foreach(lc, ormar_through_extra_columns(end->rel))
				if (strcmp(lfirst(lc), field) == 0)
					return;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("relation \"%s\" has no through field \"%s\"%s", end->name,
						ormar_name_in_message(field),
						where_txt(path)),
				 end->rel->kind == ORMAR_MANY_TO_MANY ?
				 errdetail("through__<column> names an extra column of table \"%s\".",
						   get_rel_name(end->rel->through)) :
				 errdetail("Only a many-to-many relation has through fields.")));
	}
	if (get_attnum(end->other, field) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("model \"%s\" has no field \"%s\"%s", get_rel_name(end->other),
						ormar_name_in_message(field),
						where_txt(path))));
}

static Oid	col_type(const OrmarEnd *end, const char *field, bool through);

/* Is there an operator pg_catalog.OP for (TYPE, TYPE), as the parser finds it? */
static bool
has_operator(const char *op, Oid type)
{
	Operator	tup = oper(NULL, list_make2(makeString("pg_catalog"), makeString(pstrdup(op))),
						   type, type, true, -1);

	if (tup == NULL)
		return false;
	ReleaseSysCache(tup);
	return true;
}

/*
 * 22023 unless condition C (its field exists) can be written for its
 * column's type: a comparison needs the type's operator (json has no "=",
 * point no ">"), and "in" compares single values, so not an array column
 * (whose "in" list would be read as one array).  Checked before anything
 * runs, so the error names the field instead of showing the generated
 * statement.
 */
static void
check_cond(const OrmarEnd *end, const OrmarCond *c, const char *path)
{
	const Lookup *lk = &lookups[c->lookup];
	Oid			type;

	if (c->isnull || (lk->kind != LK_CMP && lk->kind != LK_IN))
		return;
	type = col_type(end, c->field, c->through);
	if (lk->kind == LK_IN && type_is_array(getBaseType(type)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lookup \"in\" cannot be used on field \"%s\"%s", c->field, where_txt(path)),
				 errdetail("The field is of array type %s; \"in\" compares single values.",
						   format_type_be(type))));
	if (!has_operator(lk->kind == LK_IN ? "=" : lk->op, type))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lookup \"%s\" cannot be used on field \"%s\"%s", lk->name, c->field,
						where_txt(path)),
				 errdetail("Type %s has no %s operator.", format_type_be(type),
						   lk->kind == LK_IN ? "=" : lk->op)));
}

/* 22023 unless the field of order_by entry ORD (it exists) has an ordering. */
static void
check_order(const OrmarEnd *end, const OrmarOrder *ord, const char *path)
{
	Oid			type = col_type(end, ord->field, ord->through);
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_LT_OPR | TYPECACHE_GT_OPR);

	if (!OidIsValid(ord->desc ? tc->gt_opr : tc->lt_opr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("field \"%s\" cannot be used in option \"order_by\"%s", ord->field,
						where_txt(path)),
				 errdetail("Type %s has no ordering operator.", format_type_be(type))));
}

/*
 * The fields of O exist on END's tables (42703 otherwise), and their
 * lookups and orderings exist for their types (22023 otherwise).
 */
void
ormar_options_check(const OrmarOptions *o, const OrmarEnd *end)
{
	ListCell   *lc;

	foreach(lc, o->filter)
	{
		check_field(end, ((OrmarCond *) lfirst(lc))->field, ((OrmarCond *) lfirst(lc))->through, o->path);
		check_cond(end, lfirst(lc), o->path);
	}
	foreach(lc, o->exclude)
	{
		check_field(end, ((OrmarCond *) lfirst(lc))->field, ((OrmarCond *) lfirst(lc))->through, o->path);
		check_cond(end, lfirst(lc), o->path);
	}
	foreach(lc, o->order)
	{
		check_field(end, ((OrmarOrder *) lfirst(lc))->field, ((OrmarOrder *) lfirst(lc))->through, o->path);
		check_order(end, lfirst(lc), o->path);
	}
	foreach(lc, o->fields)
		check_field(end, lfirst(lc), false, o->path);
	foreach(lc, o->exclude_fields)
		check_field(end, lfirst(lc), false, o->path);
}

/* Both models of END, for building its SQL. */
void
ormar_end_sql(const OrmarEnd *end, OrmarEndSql *es)
{
	es->end = end;
	ormar_model_info(end->self, &es->self);
	ormar_model_info(end->other, &es->other);
}

/* "OPERATOR(schema.=)" for the key type the rows of END are linked by. */
char *
ormar_options_link_op(const OrmarEndSql *es)
{
	return (char *) ormar_operator(es->self.pk_type, BTEqualStrategyNumber);
}

/*
 * " || jsonb_build_object('through', jsonb_build_object(...))" over the
 * extra columns of REL's through table (alias ALIAS), or "" if it has none.
 */
char *
ormar_through_object(OrmarRel *rel, const char *alias)
{
	List	   *extras;
	ListCell   *lc;
	StringInfoData buf;

	extras = ormar_through_extra_columns(rel);
	if (extras == NIL)
		return "";
	initStringInfo(&buf);
	appendStringInfoString(&buf, " OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('through', "
						   "pg_catalog.jsonb_build_object(");
	foreach(lc, extras)
	{
		char	   *x = lfirst(lc);

		appendStringInfo(&buf, "%s%s, %s.%s", foreach_current_index(lc) > 0 ? ", " : "",
						 quote_literal_cstr(x), alias, quote_identifier(x));
	}
	appendStringInfoString(&buf, "))");
	return buf.data;
}

/* "o.col" or "th.col" */
static char *
col_ref(const char *field, bool through)
{
	return psprintf("%s.%s", through ? "th" : "o", quote_identifier(field));
}

/* Type of the column FIELD (of the target or the through table), unqualified typmod. */
static Oid
col_type(const OrmarEnd *end, const char *field, bool through)
{
	Oid			rel = through ? end->rel->through : end->other;

	return get_atttype(rel, get_attnum(rel, field));
}

static void
conds_sql(StringInfo buf, const OrmarEnd *end, List *conds)
{
	ListCell   *lc;

	foreach(lc, conds)
	{
		OrmarCond  *c = lfirst(lc);
		const Lookup *lk = &lookups[c->lookup];
		char	   *col = col_ref(c->field, c->through);
		Oid			type = col_type(end, c->field, c->through);

		if (foreach_current_index(lc) > 0)
			appendStringInfoString(buf, " AND ");
		if (c->isnull)
			appendStringInfo(buf, "%s IS %sNULL", col, c->negate_null ? "NOT " : "");
		else if (lk->kind == LK_CMP)
			appendStringInfo(buf, "%s OPERATOR(pg_catalog.%s) $%d::pg_catalog.text::%s",
							 col, lk->op, c->param, ormar_type_sql(type, -1));
		else if (lk->kind == LK_IN)
			appendStringInfo(buf, "%s OPERATOR(pg_catalog.=) ANY ($%d::pg_catalog.text[]::%s[])",
							 col, c->param, ormar_type_sql(type, -1));
		else
			appendStringInfo(buf, "(%s)::pg_catalog.text OPERATOR(pg_catalog.%s) $%d",
							 col, lk->kind == LK_ILIKE ? "~~*" : "~~", c->param);
	}
}

/*
 * The jsonb of a target row (alias o) under options O: to_jsonb of the
 * row without the fields left out, with the "through" object of a
 * many-to-many that has extra columns.
 */
static char *
row_sql(const OrmarEndSql *es, const OrmarOptions *o)
{
	StringInfoData buf;
	List	   *drop = NIL;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "pg_catalog.to_jsonb(o.*)");
	if (o && (o->fields != NIL || o->exclude_fields != NIL))
	{
		Relation	r = relation_open(es->other.relid, AccessShareLock);
		TupleDesc	desc = RelationGetDescr(r);

		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			char	   *name = NameStr(att->attname);
			bool		keep = true;
			ListCell   *lf;

			if (att->attisdropped || att->attnum == es->other.pk_attnum)
				continue;
			if (o->fields != NIL)
			{
				keep = false;
				foreach(lf, o->fields)
					if (strcmp(lfirst(lf), name) == 0)
						keep = true;
			}
			foreach(lf, o->exclude_fields)
				if (strcmp(lfirst(lf), name) == 0)
					keep = false;
			if (!keep)
				drop = lappend(drop, pstrdup(name));
		}
		relation_close(r, AccessShareLock);
	}
	if (drop != NIL)
	{
		appendStringInfoString(&buf, " OPERATOR(pg_catalog.-) ARRAY[");
		foreach(lc, drop)
			appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? ", " : "",
							 quote_literal_cstr(lfirst(lc)));
		appendStringInfoString(&buf, "]::pg_catalog.text[]");
	}
	if (es->end->rel->kind == ORMAR_MANY_TO_MANY)
		appendStringInfoString(&buf, ormar_through_object(es->end->rel, "th"));
	return buf.data;
}

/*
 * A SELECT of the rows on the other side of ES's relation whose link
 * column (the key of the row they belong to) satisfies LINK ("OPERATOR(=)
 * $1", "OPERATOR(=) ANY ($1)", ...), refined by options O (may be NULL).
 * Columns: p (the link key), k (the row's key), j (its jsonb) when
 * WITH_KEYS, else j alone.  Ordered by O's order_by, then the key.  With a
 * limit or offset and LATERAL_KEYS (a FROM item of the parent keys, one
 * column v), the rows are taken per parent key through a LATERAL subquery,
 * so each parent's rows are read through the relation's index and cut
 * there; without LATERAL_KEYS (related: one parent) LIMIT applies directly.
 * KEEP_ORDER (Citus tables) adds a LIMIT that cuts nothing where there is
 * none, so that Citus sorts the rows on the coordinator instead of dropping
 * the ORDER BY of a subquery.
 */
char *
ormar_rows_sql(const OrmarEndSql *es, const OrmarOptions *o, const char *link,
			   const char *lateral_keys, bool with_keys, bool keep_order)
{
	const OrmarEnd *end = es->end;
	StringInfoData buf;
	const char *linkcol;
	const char *opk = quote_identifier(es->other.pk_name);
	bool		limited = o && (o->has_limit || o->has_offset);
	ListCell   *lc;

	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		linkcol = psprintf("th.%s", quote_identifier(end->through_self));
	else if (end->key_on_self)
		linkcol = psprintf("s.%s", quote_identifier(es->self.pk_name));
	else
		linkcol = psprintf("o.%s", quote_identifier(end->fk_column));

	initStringInfo(&buf);
	if (limited && lateral_keys)
		appendStringInfo(&buf, "SELECT x.* FROM %s ks(v) CROSS JOIN LATERAL (", lateral_keys);
	if (with_keys)
		appendStringInfo(&buf, "SELECT %s AS p, o.%s AS k, %s AS j", linkcol, opk, row_sql(es, o));
	else
		appendStringInfo(&buf, "SELECT %s AS j", row_sql(es, o));
	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		appendStringInfo(&buf, " FROM %s th JOIN %s o ON o.%s OPERATOR(pg_catalog.=) th.%s",
						 ormar_qualified_rel(end->rel->through), es->other.qualified, opk,
						 quote_identifier(end->through_other));
	else if (end->key_on_self)
		appendStringInfo(&buf, " FROM %s s JOIN %s o ON o.%s OPERATOR(pg_catalog.=) s.%s",
						 es->self.qualified, es->other.qualified, opk,
						 quote_identifier(end->fk_column));
	else
		appendStringInfo(&buf, " FROM %s o", es->other.qualified);
	if (limited && lateral_keys)
		appendStringInfo(&buf, " WHERE %s %s ks.v", linkcol, ormar_options_link_op(es));
	else
		appendStringInfo(&buf, " WHERE %s %s", linkcol, link);
	if (o && o->filter != NIL)
	{
		appendStringInfoString(&buf, " AND (");
		conds_sql(&buf, end, o->filter);
		appendStringInfoChar(&buf, ')');
	}
	if (o && o->exclude != NIL)
	{
		appendStringInfoString(&buf, " AND NOT (");
		conds_sql(&buf, end, o->exclude);
		appendStringInfoChar(&buf, ')');
	}
	if (end->to_many)
	{
		appendStringInfoString(&buf, " ORDER BY ");
		if (o)
			foreach(lc, o->order)
			{
				OrmarOrder *ord = lfirst(lc);

				appendStringInfo(&buf, "%s%s, ", col_ref(ord->field, ord->through),
								 ord->desc ? " DESC" : "");
			}
		appendStringInfo(&buf, "o.%s", opk);
	}
	if (o && o->has_limit)
		appendStringInfo(&buf, " LIMIT $%d", o->limit_param);
	if (o && o->has_offset)
		appendStringInfo(&buf, " OFFSET $%d", o->offset_param);
	if (keep_order && !(o && o->has_limit))
		appendStringInfoString(&buf, " LIMIT 9223372036854775807");
	if (limited && lateral_keys)
		appendStringInfoString(&buf, ") x");
	return buf.data;
}
