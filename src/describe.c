/*-------------------------------------------------------------------------
 * describe.c
 *	  ormar.describe: a model's own fields and relations in the form
 *	  define_model takes, with only the options that differ from their
 *	  defaults.  Read from the live table and catalog, not from what was
 *	  once declared, so it stays true after ALTER TABLE.
 *
 * The result is json text built in column order (jsonb would sort the
 * keys), so that define_model of it creates the columns in the same order.
 * Column types map back to field types through fields.c's field-type table,
 * the one define_model reads.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "fields.h"
#include "keys.h"
#include "naming.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_describe);
PG_FUNCTION_INFO_V1(ormar_describe_json);

/*
 * A json object being written, keys in the order they are added; obj_str
 * adds a string member, obj_int a number, obj_raw one already in json.
 */
typedef struct Obj
{
	StringInfoData buf;
	bool		empty;
} Obj;

/*
 * Begin a json object in O; obj_key / obj_str / obj_raw / obj_int add its
 * members in order, obj_end closes it.
 */
static void
obj_begin(Obj *o)
{
	initStringInfo(&o->buf);
	appendStringInfoChar(&o->buf, '{');
	o->empty = true;
}

static void
obj_key(Obj *o, const char *key)
{
	if (!o->empty)
		appendStringInfoString(&o->buf, ", ");
	escape_json(&o->buf, key);
	appendStringInfoString(&o->buf, ": ");
	o->empty = false;
}

static void
obj_str(Obj *o, const char *key, const char *val)
{
	obj_key(o, key);
	escape_json(&o->buf, val);
}

static void
obj_raw(Obj *o, const char *key, const char *json)
{
	obj_key(o, key);
	appendStringInfoString(&o->buf, json);
}

static char *
obj_end(Obj *o)
{
	appendStringInfoChar(&o->buf, '}');
	return o->buf.data;
}

static void
obj_int(Obj *o, const char *key, int val)
{
	obj_key(o, key);
	appendStringInfo(&o->buf, "%d", val);
}

/* Is ATTNUM alone the key of a unique (UNIQUE=true) or plain index of REL? */
static bool
single_column_index(Relation rel, AttrNumber attnum, bool unique)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index ind;

		if (!HeapTupleIsValid(tup))
			continue;
		ind = (Form_pg_index) GETSTRUCT(tup);
		if (!ind->indisprimary && ind->indnkeyatts == 1 &&
			ind->indkey.values[0] == attnum && ind->indisunique == unique &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL))
			found = true;
		ReleaseSysCache(tup);
	}
	return found;
}

/* "default" (a constant, as json) or "server_default" (any other expression) */
static void
describe_default(Relation rel, AttrNumber attnum, Obj *f)
{
	Node	   *expr = build_column_default(rel, attnum);
	Node	   *stripped;

	if (expr == NULL)
		return;
	/* a constant with its length coercion folds to a Const; now() does not */
	stripped = eval_const_expressions(NULL, expr);
	if (IsA(stripped, Const) && !((Const *) stripped)->constisnull)
	{
		Const	   *c = (Const *) stripped;
		FmgrInfo	flinfo;

		/* to_json, which reads its argument's type from the call expression */
		fmgr_info(F_TO_JSON, &flinfo);
		flinfo.fn_expr = (Node *) makeFuncExpr(F_TO_JSON, JSONOID, list_make1(c),
											   InvalidOid, InvalidOid,
											   COERCE_EXPLICIT_CALL);
		obj_raw(f, "default",
				TextDatumGetCString(FunctionCall1(&flinfo, c->constvalue)));
	}
	else if (!IsA(stripped, Const))
		obj_str(f, "server_default",
				deparse_expression(expr, NIL, false, false));
}

/*
 * One plain column as a field: type (with its size options), then the
 * options that differ from their defaults.  PK_ATTNUM marks the key.
 */
static char *
describe_column(Relation rel, Form_pg_attribute att, AttrNumber pk_attnum)
{
	Obj			f;
	OrmarFieldType ft;

	ormar_field_of_type(att->atttypid, att->atttypmod, &ft);
	obj_begin(&f);
	if (ft.type)
		obj_str(&f, "type", ft.type);
	else
		obj_str(&f, "sql_type", ormar_type_sql(att->atttypid, att->atttypmod));
	if (ft.max_length >= 0)
		obj_int(&f, "max_length", ft.max_length);
	if (ft.max_digits >= 0)
	{
		obj_int(&f, "max_digits", ft.max_digits);
		obj_int(&f, "decimal_places", ft.decimal_places);
	}
	if (ft.timezone)
		obj_raw(&f, "timezone", "true");

	if (att->attnum == pk_attnum)
	{
		obj_raw(&f, "primary_key", "true");
		if (ft.integer && att->attidentity == '\0')
			obj_raw(&f, "autoincrement", "false");
	}
	else
	{
		if (att->attidentity != '\0')
			obj_raw(&f, "autoincrement", "true");
		if (att->attnotnull)
			obj_raw(&f, "nullable", "false");
		if (single_column_index(rel, att->attnum, true))
			obj_raw(&f, "unique", "true");
		if (single_column_index(rel, att->attnum, false))
			obj_raw(&f, "index", "true");
	}
	if (att->atthasdef)
		describe_default(rel, att->attnum, &f);
	return obj_end(&f);
}

/*
 * A "to" or "through" as define_model reads it: bare in the model's schema,
 * else qualified.  A bare name holding a dot or a double quote is read as an
 * SQL identifier (README, Model names), so it is written quoted: "a.b" is
 * the table a.b, not table b of schema a.
 */
static char *
model_name_text(const char *schema, const char *name, OrmarModel *m)
{
	if (strcmp(schema, m->schema) != 0)
		return (char *) quote_qualified_identifier(schema, name);
	if (strchr(name, '.') != NULL || strchr(name, '"') != NULL)
		return (char *) quote_identifier(name);
	return (char *) name;
}

/* "to" as define_model reads it. */
static char *
target_text(OrmarRel *rel, OrmarModel *m)
{
	return model_name_text(rel->target_schema, rel->target_name, m);
}

/*
 * One relation declared on model M as a ForeignKey or ManyToMany field:
 * what the catalog recorded, options that differ from their defaults only.
 */
static char *
describe_relation(OrmarRel *rel, OrmarModel *m)
{
	Obj			f;

	obj_begin(&f);
	obj_str(&f, "type", rel->kind == ORMAR_FOREIGN_KEY ? "ForeignKey" : "ManyToMany");
	obj_str(&f, "to", target_text(rel, m));
	if (strcmp(rel->related_name, ormar_default_related_name(m->name)) != 0)
		obj_str(&f, "related_name", rel->related_name);
	if (rel->skip_reverse)
		obj_raw(&f, "skip_reverse", "true");
	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		if (!rel->nullable)
			obj_raw(&f, "nullable", "false");
		if (rel->one_to_one)
			obj_raw(&f, "one_to_one", "true");
		if (rel->ondelete)
			obj_str(&f, "ondelete", rel->ondelete);
		if (rel->onupdate)
			obj_str(&f, "onupdate", rel->onupdate);
		if (strcmp(rel->column_name, rel->name) != 0)
			obj_str(&f, "column_name", rel->column_name);
	}
	else
	{
		bool		self_ref = rel->target == rel->model;

		if (!rel->through_created ||
			strcmp(rel->through_name, ormar_through_table_name(m->name, rel->name)) != 0 ||
			strcmp(rel->through_schema, m->schema) != 0)
			obj_str(&f, "through", model_name_text(rel->through_schema, rel->through_name, m));
		if (rel->through_column &&
			strcmp(rel->through_column, ormar_through_column_name(m->name, self_ref, false)) != 0)
			obj_str(&f, "through_relation_name", rel->through_column);
		if (rel->through_reverse_column &&
			strcmp(rel->through_reverse_column,
				   ormar_through_column_name(rel->target_name, self_ref, true)) != 0)
			obj_str(&f, "through_reverse_relation_name", rel->through_reverse_column);
		if (rel->through_created && OidIsValid(rel->through))
		{
			List	   *extras = ormar_through_extra_columns(rel);

			if (extras != NIL)
			{
				Relation	th = relation_open(rel->through, AccessShareLock);
				Obj			tf;
				ListCell   *lc;

				obj_begin(&tf);
				foreach(lc, extras)
				{
					AttrNumber	attnum = get_attnum(rel->through, lfirst(lc));

					obj_raw(&tf, lfirst(lc),
							describe_column(th, TupleDescAttr(RelationGetDescr(th), attnum - 1),
											InvalidAttrNumber));
				}
				relation_close(th, AccessShareLock);
				obj_raw(&f, "through_fields", obj_end(&tf));
			}
		}
	}
	return obj_end(&f);
}

/*
 * The description as json text: every column in column order (a foreign key's
 * column as its relation), then the relations that have no column of their
 * own (many-to-many, pending foreign keys).
 */
static Datum
describe_impl(FunctionCallInfo fcinfo)
{
	Oid			relid;
	OrmarModel	m;
	Relation	rel;
	TupleDesc	desc;
	List	   *rels;
	ListCell   *lc;
	Obj			out;
	Datum		result;

	ormar_require_arg(fcinfo, 0, "model");
	relid = PG_GETARG_OID(0);
	ormar_require_model(relid);
	ormar_model_info(relid, &m);
	rels = ormar_relations_from(relid);

	obj_begin(&out);
	rel = relation_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		OrmarRel   *fk = NULL;

		if (att->attisdropped)
			continue;
		foreach(lc, rels)
		{
			OrmarRel   *r = lfirst(lc);

			if (r->kind == ORMAR_FOREIGN_KEY && OidIsValid(r->target) &&
				strcmp(r->column_name, NameStr(att->attname)) == 0)
				fk = r;
		}
		if (fk)
		{
			obj_raw(&out, fk->name, describe_relation(fk, &m));
			continue;
		}

		obj_raw(&out, NameStr(att->attname), describe_column(rel, att, m.pk_attnum));
	}
	relation_close(rel, AccessShareLock);

	/* relations without a column of their own: many-to-many and pending */
	foreach(lc, rels)
	{
		OrmarRel   *r = lfirst(lc);

		if (r->kind == ORMAR_MANY_TO_MANY || !OidIsValid(r->target))
			obj_raw(&out, r->name, describe_relation(r, &m));
	}

	result = CStringGetTextDatum(obj_end(&out));
	return SPI_datumTransfer(result, false, -1);
}

/* ormar.describe(regclass) RETURNS json */
Datum
ormar_describe_json(PG_FUNCTION_ARGS)
{
	return ormar_run_read(describe_impl, fcinfo);
}

/*
 * The same as jsonb, for an installation still at 0.1.0, whose
 * ormar.describe returns jsonb (its keys in jsonb's order).
 */
Datum
ormar_describe(PG_FUNCTION_ARGS)
{
	Datum		json = ormar_describe_json(fcinfo);

	return DirectFunctionCall1(jsonb_in, CStringGetDatum(TextDatumGetCString(json)));
}
