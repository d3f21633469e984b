/*-------------------------------------------------------------------------
 * rowjson.c
 *	  A table row as to_jsonb writes it, built in C from the columns of a
 *	  statement's result.
 *
 * to_jsonb(o.*) looks up the row type and, for every column of every row,
 * the column's type category and output function (syscache lookups and an
 * fmgr_info per value), pushes each pair through the jsonb parse state and
 * sorts the keys.  Here all of that is done once, when the plan that reads
 * the rows is made (the result is kept with the plan, see cache.c): the
 * statement selects the plain columns, and each row's object is assembled
 * as a JsonbValue whose pairs are already in jsonb's key order, then
 * serialized once.  Values come out exactly as to_jsonb writes them
 * (jsonb.c's datum_to_jsonb): numbers as jsonb numbers (NaN and infinities
 * as strings), date and time types in ISO form, other scalars by their
 * output function.  Columns whose conversion is not a plain scalar (json,
 * arrays, composites, types of extensions, which may have casts to jsonb)
 * are converted by to_jsonb of that one column in the statement itself,
 * and their jsonb embedded.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"

#include "rowjson.h"

typedef enum RjKind
{
	RJ_BOOL,
	RJ_INT2,
	RJ_INT4,
	RJ_INT8,
	RJ_NUMERIC,					/* numeric: the value itself, unless NaN/inf */
	RJ_FLOAT,					/* float4/8: output text read as numeric */
	RJ_DATETIME,				/* date, timestamp, timestamptz */
	RJ_TEXT,					/* text, varchar, bpchar: the bytes themselves */
	RJ_OTHER,					/* other built-in scalars: output function */
	RJ_JSONB,					/* jsonb, or to_jsonb of the column in SQL */
	RJ_THROUGH					/* the "through" object of a many-to-many */
} RjKind;

typedef struct RjCol
{
	char	   *key;
	int			keylen;
	RjKind		kind;
	int			col;			/* 0-based column of the slot */
	Oid			typid;			/* base type */
	FmgrInfo	out;			/* output function (RJ_NUMERIC/FLOAT/OTHER) */
} RjCol;

struct OrmarRowJson
{
	int			ncols;			/* keys of the object, in jsonb key order */
	RjCol	   *cols;
	int			first;			/* first slot column read */
	int			width;			/* slot columns read (through ones included) */
	StringInfoData select;		/* the select list that yields them (top) */
	OrmarRowJson *through;		/* RJ_THROUGH's object */
};

/* jsonb's order of object keys: shorter first, then bytewise */
static int
key_cmp(const void *a, const void *b)
{
	const RjCol *x = a;
	const RjCol *y = b;

	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	return memcmp(x->key, y->key, x->keylen);
}

/*
 * Decide how column ATT becomes a jsonb value, as jsonb.c's
 * jsonb_categorize_type does (looking through domains), and append what
 * the statement selects for it.
 */
static void
add_column(OrmarRowJson *rj, RjCol *c, Form_pg_attribute att, const char *alias,
		   StringInfo select)
{
	Oid			base = getBaseType(att->atttypid);
	Oid			outfn = InvalidOid;
	bool		varlena;
	bool		in_sql = false;
	const char *col = quote_identifier(NameStr(att->attname));

	c->key = pstrdup(NameStr(att->attname));
	c->keylen = strlen(c->key);
	c->col = rj->width++;
	c->typid = base;
	switch (base)
	{
		case BOOLOID:
			c->kind = RJ_BOOL;
			break;
		case INT2OID:
			c->kind = RJ_INT2;
			break;
		case INT4OID:
			c->kind = RJ_INT4;
			break;
		case INT8OID:
			c->kind = RJ_INT8;
			break;
		case NUMERICOID:
			c->kind = RJ_NUMERIC;
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			c->kind = RJ_FLOAT;
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			c->kind = RJ_DATETIME;
			break;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			c->kind = RJ_TEXT;
			break;
		case JSONBOID:
			c->kind = RJ_JSONB;
			break;
		default:
			/* json, arrays, composites, extension types: to_jsonb in SQL */
			in_sql = base == JSONOID || base >= FirstNormalObjectId ||
				OidIsValid(get_element_type(base)) || type_is_rowtype(base);
			c->kind = in_sql ? RJ_JSONB : RJ_OTHER;
			break;
	}
	if (c->kind == RJ_NUMERIC || c->kind == RJ_FLOAT || c->kind == RJ_OTHER)
	{
		getTypeOutputInfo(base, &outfn, &varlena);
		fmgr_info_cxt(outfn, &c->out, CurrentMemoryContext);
	}
	if (select->len > 0)
		appendStringInfoString(select, ", ");
	if (in_sql)
		appendStringInfo(select, "pg_catalog.to_jsonb(%s.%s)", alias, col);
	else
		appendStringInfo(select, "%s.%s", alias, col);
}

/*
 * The columns of RELID (alias ALIAS) as slot columns FIRST onwards: every
 * column, or only those named in ONLY when it is not NIL.  The select list
 * goes to SELECT.
 */
static OrmarRowJson *
rowjson_of(Oid relid, const char *alias, int first, List *only, StringInfo select)
{
	OrmarRowJson *rj = palloc0(sizeof(OrmarRowJson));
	Relation	r = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(r);

	rj->first = rj->width = first;
	rj->cols = palloc0(sizeof(RjCol) * (desc->natts + 1));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		ListCell   *lc;
		bool		keep = (only == NIL);

		if (att->attisdropped)
			continue;
		foreach(lc, only)
			if (strcmp(lfirst(lc), NameStr(att->attname)) == 0)
				keep = true;
		if (keep)
			add_column(rj, &rj->cols[rj->ncols++], att, alias, select);
	}
	relation_close(r, AccessShareLock);
	qsort(rj->cols, rj->ncols, sizeof(RjCol), key_cmp);
	return rj;
}

/*
 * How to build to_jsonb of the rows of table RELID (alias ALIAS in the
 * statement), whose columns are slot columns FIRST onwards; with
 * THROUGH_COLS (extra columns of the many-to-many table THROUGH, alias
 * TH_ALIAS), also key "through" holding them, which replaces a column of
 * that name (as "to_jsonb(o.*) || jsonb_build_object('through', ...)"
 * does).  Allocated in the current memory context, to be kept with the
 * plan of the statement.
 */
OrmarRowJson *
ormar_rowjson_new(Oid relid, const char *alias, int first, Oid through,
				  List *through_cols, const char *th_alias)
{
	StringInfoData select;
	OrmarRowJson *rj;

	initStringInfo(&select);
	rj = rowjson_of(relid, alias, first, NIL, &select);
	if (through_cols != NIL)
	{
		RjCol	   *t = NULL;

		rj->through = rowjson_of(through, th_alias, rj->width, through_cols, &select);
		rj->width = rj->through->width;
		for (int i = 0; i < rj->ncols; i++)
			if (strcmp(rj->cols[i].key, "through") == 0)
				t = &rj->cols[i];
		if (t == NULL)
			t = &rj->cols[rj->ncols++];
		t->key = "through";
		t->keylen = strlen(t->key);
		t->kind = RJ_THROUGH;
	}
	rj->select = select;
	qsort(rj->cols, rj->ncols, sizeof(RjCol), key_cmp);
	return rj;
}

/* The select list of the statement: the columns to_jsonb's object needs. */
const char *
ormar_rowjson_select(const OrmarRowJson *rj)
{
	return rj->select.data;
}

/* How many slot columns the object reads, counting from the first. */
int
ormar_rowjson_width(const OrmarRowJson *rj)
{
	return rj->width - rj->first;
}

/* as jsonb.c's checkStringLen */
static int
string_len(size_t len)
{
	if (len > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("string too long to represent as jsonb string"),
				 errdetail("Due to an implementation restriction, jsonb strings cannot exceed %d bytes.",
						   JENTRY_OFFLENMASK)));
	return (int) len;
}

/* V becomes the jsonb string S of LEN bytes (not copied); 54000 past jsonb's limit. */
static void
set_string(JsonbValue *v, char *s, size_t len)
{
	v->type = jbvString;
	v->val.string.val = s;
	v->val.string.len = string_len(len);
}

/* numeric output text as to_jsonb takes it: a number, or a string (NaN, inf) */
static void
set_number_text(JsonbValue *v, char *s)
{
	if (strchr(s, 'N') != NULL || strchr(s, 'n') != NULL)
		set_string(v, s, strlen(s));
	else
	{
		v->type = jbvNumeric;
		v->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
															 ObjectIdGetDatum(InvalidOid),
															 Int32GetDatum(-1)));
	}
}

/* A jsonb value embedded: its scalar, or its container as a value tree. */
static void
set_jsonb(JsonbValue *v, Jsonb *jb)
{
	JsonbParseState *state = NULL;
	JsonbValue	bin;

	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, v))
			elog(ERROR, "jsonb scalar expected");
		return;
	}
	bin.type = jbvBinary;
	bin.val.binary.data = &jb->root;
	bin.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	*v = *pushJsonbValue(&state, WJB_VALUE, &bin);
}

static void build_object(const OrmarRowJson *rj, TupleTableSlot *slot, JsonbValue *out);

/* The jsonb value of column C of SLOT, as to_jsonb makes it. */
static void
column_value(const OrmarRowJson *rj, const RjCol *c, TupleTableSlot *slot, JsonbValue *v)
{
	Datum		d;

	if (c->kind == RJ_THROUGH)
	{
		build_object(rj->through, slot, v);
		return;
	}
	if (slot->tts_isnull[c->col])
	{
		v->type = jbvNull;
		return;
	}
	d = slot->tts_values[c->col];
	switch (c->kind)
	{
		case RJ_BOOL:
			v->type = jbvBool;
			v->val.boolean = DatumGetBool(d);
			break;
		case RJ_INT2:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(DatumGetInt16(d));
			break;
		case RJ_INT4:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(DatumGetInt32(d));
			break;
		case RJ_INT8:
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(DatumGetInt64(d));
			break;
		case RJ_NUMERIC:
			{
				Numeric		n = DatumGetNumeric(d);

				if (numeric_is_nan(n) || numeric_is_inf(n))
					set_number_text(v, OutputFunctionCall((FmgrInfo *) &c->out, d));
				else
				{
					v->type = jbvNumeric;
					v->val.numeric = n;
				}
			}
			break;
		case RJ_FLOAT:
			set_number_text(v, OutputFunctionCall((FmgrInfo *) &c->out, d));
			break;
		case RJ_DATETIME:
			{
				char	   *s = JsonEncodeDateTime(NULL, d, c->typid, NULL);

				set_string(v, s, strlen(s));
			}
			break;
		case RJ_TEXT:
			{
				text	   *t = DatumGetTextPP(d);

				set_string(v, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
			}
			break;
		case RJ_OTHER:
			{
				char	   *s = OutputFunctionCall((FmgrInfo *) &c->out, d);

				set_string(v, s, strlen(s));
			}
			break;
		case RJ_JSONB:
			set_jsonb(v, DatumGetJsonbP(d));
			break;
		case RJ_THROUGH:
			break;				/* handled above */
	}
}

/* The object of RJ's columns of SLOT: pairs already in key order. */
static void
build_object(const OrmarRowJson *rj, TupleTableSlot *slot, JsonbValue *out)
{
	JsonbPair  *pairs = palloc(sizeof(JsonbPair) * Max(rj->ncols, 1));

	for (int i = 0; i < rj->ncols; i++)
	{
		const RjCol *c = &rj->cols[i];

		pairs[i].key.type = jbvString;
		pairs[i].key.val.string.val = c->key;
		pairs[i].key.val.string.len = c->keylen;
		pairs[i].order = i;
		column_value(rj, c, slot, &pairs[i].value);
	}
	out->type = jbvObject;
	out->val.object.nPairs = rj->ncols;
	out->val.object.pairs = pairs;
}

/*
 * to_jsonb of the row in SLOT (whose attributes the caller has fetched
 * with slot_getallattrs), allocated in the current memory context.
 */
Jsonb *
ormar_rowjson_build(const OrmarRowJson *rj, TupleTableSlot *slot)
{
	JsonbValue	v;

	build_object(rj, slot, &v);
	return JsonbValueToJsonb(&v);
}

/*
 * A receiver that stores each row it gets as one jsonb value in STORE
 * (tuple descriptor DESC, one jsonb column): the rows of a statement
 * selecting ormar_rowjson_select go straight into a set-returning
 * function's result, with nothing copied in between.
 */
typedef struct RowJsonDest
{
	DestReceiver pub;
	const OrmarRowJson *rj;
	Tuplestorestate *store;
	TupleDesc	desc;
	MemoryContext rowcxt;		/* reset after each row */
} RowJsonDest;

/*
 * DestReceiver of related's statement: each row's columns become its jsonb
 * object (ormar_rowjson_build) stored straight into the function's result,
 * in a per-row context, without an SPI_tuptable copy of the rows.
 */
static bool
rowjson_receive(TupleTableSlot *slot, DestReceiver *self)
{
	RowJsonDest *d = (RowJsonDest *) self;
	MemoryContext old = MemoryContextSwitchTo(d->rowcxt);
	Datum		value;
	bool		isnull = false;

	slot_getallattrs(slot);
	value = JsonbPGetDatum(ormar_rowjson_build(d->rj, slot));
	tuplestore_putvalues(d->store, d->desc, &value, &isnull);
	MemoryContextSwitchTo(old);
	MemoryContextReset(d->rowcxt);
	return true;
}

static void
rowjson_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	RowJsonDest *d = (RowJsonDest *) self;

	if (typeinfo->natts != d->rj->width)
		elog(ERROR, "statement returns %d columns, %d expected", typeinfo->natts, d->rj->width);
}

static void
rowjson_shutdown(DestReceiver *self)
{
}

static void
rowjson_destroy(DestReceiver *self)
{
	RowJsonDest *d = (RowJsonDest *) self;

	MemoryContextDelete(d->rowcxt);
	pfree(d);
}

/* A receiver storing the jsonb of every row it gets, built by RJ, into STORE (DESC). */
DestReceiver *
ormar_rowjson_dest(const OrmarRowJson *rj, Tuplestorestate *store, TupleDesc desc)
{
	RowJsonDest *d = palloc0(sizeof(RowJsonDest));

	d->pub.receiveSlot = rowjson_receive;
	d->pub.rStartup = rowjson_startup;
	d->pub.rShutdown = rowjson_shutdown;
	d->pub.rDestroy = rowjson_destroy;
	d->pub.mydest = DestNone;
	d->rj = rj;
	d->store = store;
	d->desc = desc;
	d->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "ormar_pg row jsonb",
									  ALLOCSET_DEFAULT_SIZES);
	return (DestReceiver *) d;
}
