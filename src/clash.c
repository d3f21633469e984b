/*-------------------------------------------------------------------------
 * clash.c
 *	  Generated names that are already taken (DESIGN §4, §7): a relation
 *	  never drops, replaces or takes over an object that is not its own.
 *
 * Before a relation generates anything, every name it is about to give an
 * object (accessors, lookup views, an auto-created through table) is
 * checked: a name already held by another relation's object or by a user's
 * table, view, type or function is refused with 42710, naming both sides,
 * and a HINT saying which option gives another name.  Only the relation's
 * own objects (regenerated in place) and those an earlier life of the same
 * relation left behind (adopt.c) may hold them.  Generated tables and views
 * must also stay distinct once folded the way introspection tools fold
 * names (lower case, underscores removed), and so must the accessors of
 * one model.  A lookup view's columns (source_pk, every column of the other
 * table, the extra through columns prefixed through_) are fixed by DESIGN,
 * so a table column that would repeat one of them is refused (42710)
 * instead of failing in CREATE VIEW.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "access/htup_details.h"
#include "utils/array.h"
#include "commands/comment.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "adopt.h"
#include "clash.h"
#include "fields.h"
#include "naming.h"
#include "spi_util.h"

typedef enum GenKind
{
	GEN_ACCESSOR,
	GEN_VIEW,
	GEN_THROUGH
} GenKind;

/* One object a relation generates, under the name it will have. */
typedef struct GenObject
{
	GenKind		kind;
	Oid			nsp;
	char	   *schema;
	char	   *name;
	Oid			argtype;		/* accessor: the row type it takes */
	Oid			own;			/* the relation's object of that name now, if any */
	char	   *what;			/* "the lookup view of relation \"m.r\"", ... */
	char	   *hint;			/* the option that gives it another name */
} GenObject;

/* NAME folded as introspection tools fold it: lower case, no underscores. */
static char *
fold_name(const char *name)
{
	char	   *result = palloc(strlen(name) + 1);
	char	   *p = result;

	for (; *name; name++)
		if (*name != '_')
			*p++ = pg_ascii_tolower((unsigned char) *name);
	*p = '\0';
	return result;
}

/* The SQL spelling of fold_name over text expression EXPR. */
#define FOLD_SQL(expr) \
	"pg_catalog.replace(pg_catalog.lower((" expr ")::pg_catalog.text COLLATE pg_catalog.\"C\"), '_', '')"

/*
 * How one direction of REL is named in messages: relation "m.r", or
 * "t.r", the reverse side of relation "m.r".
 */
static char *
side_words(OrmarRel *rel, const char *model, const char *target, bool reverse)
{
	if (!reverse)
		return psprintf("relation \"%s.%s\"", model, rel->name);
	return psprintf("\"%s.%s\", the reverse side of relation \"%s.%s\"",
					target, rel->related_name, model, rel->name);
}

/* A GenObject of REL: KIND named NAME in SCHEMA, currently OWN. */
static GenObject *
gen_object(GenKind kind, const char *schema, const char *name, Oid own,
		   char *what, char *hint)
{
	GenObject  *o = palloc0(sizeof(GenObject));

	o->kind = kind;
	o->schema = pstrdup(schema);
	o->nsp = get_namespace_oid(schema, false);
	o->name = pstrdup(name);
	o->own = own;
	o->what = what;
	o->hint = hint;
	return o;
}

/*
 * Every object REL (from M to T, names complete) generates: accessors,
 * lookup views, and its through table when it creates (or created) it.
 */
static List *
generated_objects(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	List	   *objs = NIL;
	char	   *fwd = side_words(rel, m->name, t->name, false);
	char	   *rev = side_words(rel, m->name, t->name, true);
	char	   *fwd_hint = psprintf("Give relation \"%s.%s\" another name.", m->name, rel->name);
	char	   *rev_hint = psprintf("Set related_name on relation \"%s.%s\" to another name.",
									m->name, rel->name);
	GenObject  *o;

	o = gen_object(GEN_ACCESSOR, m->schema, ormar_shorten(rel->name), rel->accessor,
				   psprintf("the accessor of %s", fwd), fwd_hint);
	o->argtype = get_rel_type_id(m->relid);
	objs = lappend(objs, o);
	if (!rel->skip_reverse)
	{
		o = gen_object(GEN_ACCESSOR, t->schema, ormar_shorten(rel->related_name),
					   rel->reverse_accessor, psprintf("the accessor of %s", rev), rev_hint);
		o->argtype = get_rel_type_id(t->relid);
		objs = lappend(objs, o);
	}
	if (rel->kind == ORMAR_MANY_TO_MANY)
		objs = lappend(objs, gen_object(GEN_VIEW, m->schema, ormar_view_name(m->name, rel->name),
										rel->lookup_view,
										psprintf("the lookup view of %s", fwd), fwd_hint));
	if (!rel->skip_reverse && (rel->kind == ORMAR_MANY_TO_MANY || !rel->one_to_one))
		objs = lappend(objs, gen_object(GEN_VIEW, t->schema,
										ormar_view_name(t->name, rel->related_name),
										rel->reverse_lookup_view,
										psprintf("the lookup view of %s", rev), rev_hint));
	if (rel->kind == ORMAR_MANY_TO_MANY)
	{
		Oid			nsp = get_namespace_oid(rel->through_schema, false);
		Oid			through = get_relname_relid(rel->through_name, nsp);

		/*
		 * a through table it creates under the name ormar_pg chose: one the
		 * declaration named is the user's name, like a model's
		 */
		if ((!OidIsValid(through) || (through == rel->through && rel->through_created)) &&
			strcmp(rel->through_schema, m->schema) == 0 &&
			strcmp(rel->through_name, ormar_through_table_name(m->name, rel->name)) == 0)
			objs = lappend(objs, gen_object(GEN_THROUGH, rel->through_schema, rel->through_name,
											through,
											psprintf("the through table of %s", fwd),
											psprintf("Set through on relation \"%s.%s\" to another name.",
													 m->name, rel->name)));
	}
	return objs;
}

/*
 * The relation whose generated object OID is (as accessor, view or through
 * table), in words ("the lookup view of relation \"m.r\""), or NULL.
 */
static char *
relation_object_words(Oid oid, bool is_function)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(oid)};
	OrmarRel	rel = {0};
	char	   *model;
	char	   *target;
	int			which;
	bool		isnull;

	ormar_exec(is_function ?
			   "SELECT r.model::pg_catalog.oid, r.name, r.related_name, r.target::pg_catalog.oid,"
			   " CASE WHEN r.accessor::pg_catalog.oid OPERATOR(pg_catalog.=) $1 THEN 1 ELSE 2 END"
			   " FROM ormar.relation r WHERE $1 OPERATOR(pg_catalog.=) ANY (ARRAY["
			   "r.accessor::pg_catalog.oid, r.reverse_accessor::pg_catalog.oid])" :
			   "SELECT r.model::pg_catalog.oid, r.name, r.related_name, r.target::pg_catalog.oid,"
			   " CASE WHEN r.lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) $1 THEN 1"
			   " WHEN r.reverse_lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) $1 THEN 2"
			   " ELSE 3 END"
			   " FROM ormar.relation r WHERE $1 OPERATOR(pg_catalog.=) ANY (ARRAY["
			   "r.lookup_view::pg_catalog.oid, r.reverse_lookup_view::pg_catalog.oid,"
			   " r.through::pg_catalog.oid])",
			   1, argtypes, values, NULL, false, 1);
	if (SPI_processed == 0)
		return NULL;
	model = get_rel_name(ormar_getoid(0, 1));
	rel.name = ormar_getstring(0, 2);
	rel.related_name = ormar_getstring(0, 3);
	target = get_rel_name(ormar_getoid(0, 4));
	which = DatumGetInt32(ormar_getdatum(0, 5, &isnull));
	if (model == NULL)
		model = "?";
	if (target == NULL)
		target = "?";
	if (which == 3)
		return psprintf("the through table of %s", side_words(&rel, model, target, false));
	return psprintf("the %s of %s", is_function ? "accessor" : "lookup view",
					side_words(&rel, model, target, which == 2));
}

/* Table, view, ... RELID (not generated by a relation) in words. */
static char *
class_words(Oid relid)
{
	char	   *qualified = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													   get_rel_name(relid));
	const char *kind;

	if (ormar_is_model(relid))
		return psprintf("model %s", qualified);
	switch (get_rel_relkind(relid))
	{
		case RELKIND_VIEW:
			kind = "view";
			break;
		case RELKIND_MATVIEW:
			kind = "materialized view";
			break;
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			kind = "index";
			break;
		case RELKIND_SEQUENCE:
			kind = "sequence";
			break;
		case RELKIND_FOREIGN_TABLE:
			kind = "foreign table";
			break;
		case RELKIND_COMPOSITE_TYPE:
			kind = "type";
			break;
		default:
			kind = "table";
			break;
	}
	return psprintf("%s %s", kind, qualified);
}

/* Whatever holds pg_class or pg_type name O->name in O's schema, in words; NULL if free. */
static char *
holder_of_class_name(GenObject *o, Oid *holder)
{
	Oid			relid = get_relname_relid(o->name, o->nsp);
	Oid			typid;
	char	   *words;

	*holder = relid;
	if (OidIsValid(relid))
	{
		if (relid == o->own)
			return NULL;
		words = relation_object_words(relid, false);
		return words ? words : class_words(relid);
	}
	/* a view or table brings a row type of its name: a type blocks it too */
	typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
							CStringGetDatum(o->name), ObjectIdGetDatum(o->nsp));
	*holder = typid;
	if (OidIsValid(typid))
		return psprintf("type %s", format_type_be_qualified(typid));
	return NULL;
}

/* Whatever holds accessor O's name and argument type, in words; NULL if free. */
static char *
holder_of_function(GenObject *o)
{
	oidvector  *args = buildoidvector(&o->argtype, 1);
	Oid			fn = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
									 CStringGetDatum(o->name), PointerGetDatum(args),
									 ObjectIdGetDatum(o->nsp));
	char	   *words;

	if (!OidIsValid(fn) || fn == o->own)
		return NULL;
	words = relation_object_words(fn, true);
	return words ? words : psprintf("function %s", format_procedure_qualified(fn));
}

/* 42710: generated object O of REL would take a name that HOLDER has. */
static void
refuse_taken(GenObject *o, const char *holder)
{
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("generated name \"%s\" is already taken in schema \"%s\"", o->name, o->schema),
			 errdetail("It would be %s, but it is %s.", o->what, holder),
			 errhint("%s", o->hint)));
}

/* 42710: generated object O would have the folded name of OTHER, named OTHER_NAME. */
static void
refuse_folded(GenObject *o, const char *other_name, const char *other)
{
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("generated name \"%s\" collides with \"%s\" once folded", o->name, other_name),
			 errdetail("It would be %s, and \"%s\" is %s; introspection tools fold names to lower case without underscores, which makes them one name.",
					   o->what, other_name, other),
			 errhint("%s", o->hint)));
}

/*
 * Is OTHER, a through table of relation MODEL.NAME, named by ormar_pg (the
 * default name)?  One its declaration named has the user's name, like a
 * model, and is not held to the folded-name rule.
 */
static bool
through_named_by_default(Oid other, Oid model, const char *name)
{
	char	   *model_name = get_rel_name(model);

	return model_name != NULL && get_rel_namespace(model) == get_rel_namespace(other) &&
		strcmp(get_rel_name(other), ormar_through_table_name(model_name, name)) == 0;
}

/*
 * 42710 when one of OBJS, the objects REL generates, has the folded name of
 * a table or view another relation generated in the same schema, or of an
 * accessor of another relation taking the same row type.  One scan of the
 * catalog for all of them: a declaration stays cheap when there are many
 * relations (define_models of hundreds of models).
 */
static void
check_folded_against_catalog(OrmarRel *rel, List *objs)
{
	Oid			argtypes[7] = {OIDOID, TEXTOID, OIDARRAYOID, TEXTARRAYOID,
	OIDARRAYOID, OIDARRAYOID, TEXTARRAYOID};
	Datum		values[7];
	Datum	   *cnsp = palloc(sizeof(Datum) * list_length(objs));
	Datum	   *cfold = palloc(sizeof(Datum) * list_length(objs));
	Datum	   *fnsp = palloc(sizeof(Datum) * list_length(objs));
	Datum	   *farg = palloc(sizeof(Datum) * list_length(objs));
	Datum	   *ffold = palloc(sizeof(Datum) * list_length(objs));
	int			nc = 0,
				nf = 0;
	ListCell   *lc;

	foreach(lc, objs)
	{
		GenObject  *o = lfirst(lc);

		if (o->kind == GEN_ACCESSOR)
		{
			fnsp[nf] = ObjectIdGetDatum(o->nsp);
			farg[nf] = ObjectIdGetDatum(o->argtype);
			ffold[nf++] = CStringGetTextDatum(fold_name(o->name));
		}
		else
		{
			cnsp[nc] = ObjectIdGetDatum(o->nsp);
			cfold[nc++] = CStringGetTextDatum(fold_name(o->name));
		}
	}
	values[0] = ObjectIdGetDatum(rel->model);
	values[1] = CStringGetTextDatum(rel->name);
	values[2] = PointerGetDatum(construct_array(cnsp, nc, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	values[3] = PointerGetDatum(construct_array(cfold, nc, TEXTOID, -1, false, TYPALIGN_INT));
	values[4] = PointerGetDatum(construct_array(fnsp, nf, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	values[5] = PointerGetDatum(construct_array(farg, nf, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	values[6] = PointerGetDatum(construct_array(ffold, nf, TEXTOID, -1, false, TYPALIGN_INT));
	ormar_exec("SELECT g.oid, g.fn, r.model::pg_catalog.oid, r.name,"
			   " g.oid OPERATOR(pg_catalog.=) r.through::pg_catalog.oid"
			   " FROM ormar.relation r CROSS JOIN LATERAL (VALUES"
			   " (r.lookup_view::pg_catalog.oid, false), (r.reverse_lookup_view::pg_catalog.oid, false),"
			   " (CASE WHEN r.through_created THEN r.through::pg_catalog.oid END, false),"
			   " (r.accessor::pg_catalog.oid, true), (r.reverse_accessor::pg_catalog.oid, true)) g(oid, fn)"
			   " WHERE g.oid IS NOT NULL"
			   " AND NOT (r.model::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
			   " AND r.name OPERATOR(pg_catalog.=) $2)"
			   " AND CASE WHEN g.fn THEN EXISTS (SELECT 1 FROM pg_catalog.pg_proc p,"
			   " ROWS FROM (pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7)) w(nsp, arg, fold)"
			   " WHERE p.oid OPERATOR(pg_catalog.=) g.oid"
			   " AND p.pronamespace OPERATOR(pg_catalog.=) w.nsp"
			   " AND p.pronargs OPERATOR(pg_catalog.=) 1"
			   " AND p.proargtypes[0] OPERATOR(pg_catalog.=) w.arg"
			   " AND " FOLD_SQL("p.proname") " OPERATOR(pg_catalog.=) w.fold)"
			   " ELSE EXISTS (SELECT 1 FROM pg_catalog.pg_class c,"
			   " ROWS FROM (pg_catalog.unnest($3), pg_catalog.unnest($4)) w(nsp, fold)"
			   " WHERE c.oid OPERATOR(pg_catalog.=) g.oid"
			   " AND c.relnamespace OPERATOR(pg_catalog.=) w.nsp"
			   " AND " FOLD_SQL("c.relname") " OPERATOR(pg_catalog.=) w.fold) END"
			   " ORDER BY g.fn DESC, g.oid",
			   7, argtypes, values, NULL, false, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Oid			other = ormar_getoid(i, 1);
		bool		fn = ormar_getbool(i, 2);
		char	   *other_name;
		Oid			other_nsp;
		Oid			other_arg = InvalidOid;

		if (!fn && ormar_getbool(i, 5) &&
			!through_named_by_default(other, ormar_getoid(i, 3), ormar_getstring(i, 4)))
			continue;
		if (fn)
		{
			HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(other));

			if (!HeapTupleIsValid(tup))
				continue;
			other_name = pstrdup(NameStr(((Form_pg_proc) GETSTRUCT(tup))->proname));
			other_nsp = ((Form_pg_proc) GETSTRUCT(tup))->pronamespace;
			other_arg = ((Form_pg_proc) GETSTRUCT(tup))->proargtypes.values[0];
			ReleaseSysCache(tup);
		}
		else
		{
			other_name = get_rel_name(other);
			other_nsp = get_rel_namespace(other);
		}
		/* which of OBJS it matches */
		foreach(lc, objs)
		{
			GenObject  *o = lfirst(lc);

			if ((o->kind == GEN_ACCESSOR) == fn && o->nsp == other_nsp &&
				o->argtype == other_arg &&
				strcmp(fold_name(o->name), fold_name(other_name)) == 0)
				refuse_folded(o, other_name, relation_object_words(other, fn));
		}
	}
}

/* 42710 when an extra through field of REL has the name of one of its link columns. */
static void
check_through_fields(OrmarRel *rel, OrmarModel *m)
{
	ListCell   *lc;

	if (rel->kind != ORMAR_MANY_TO_MANY || rel->through_fields == NULL)
		return;
	foreach(lc, ormar_through_fields(rel))
	{
		OrmarField *f = lfirst(lc);

		if (strcmp(f->name, rel->through_column) == 0 ||
			strcmp(f->name, rel->through_reverse_column) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("through field \"%s\" of relation \"%s.%s\" has the name of a link column",
							f->name, m->name, rel->name),
					 errdetail("Column \"%s\" of through table \"%s\" points at model \"%s\".",
							   f->name, rel->through_name,
							   strcmp(f->name, rel->through_column) == 0 ?
							   m->name : rel->target_name),
					 errhint("Rename the through field, or name the link columns with through_relation_name and through_reverse_relation_name.")));
	}
}

/*
 * Before REL (from M to T, its names complete) generates anything: 42710
 * when a name it would give an object is taken by something that is not its
 * own (or left over by an earlier life of it), or, when DECLARING, when two
 * generated tables or views of a schema (or two accessors of one row type)
 * would have one name once folded.  Regenerating after DDL skips the folded
 * check: what was accepted stays accepted.
 */
void
ormar_check_generated_names(OrmarRel *rel, OrmarModel *m, OrmarModel *t, bool declaring)
{
	List	   *objs;
	ListCell   *lc,
			   *lc2;

	if (declaring)
		check_through_fields(rel, m);
	ormar_adopt_leftovers(rel); /* an earlier life's objects are its own */
	objs = generated_objects(rel, m, t);
	foreach(lc, objs)
	{
		GenObject  *o = lfirst(lc);
		char	   *holder;
		Oid			holder_oid = InvalidOid;

		if (o->kind == GEN_ACCESSOR)
			holder = holder_of_function(o);
		else if (o->kind == GEN_THROUGH && !OidIsValid(o->own))
			holder = NULL;		/* to be created: it does not exist */
		else
			holder = holder_of_class_name(o, &holder_oid);
		if (holder)
			refuse_taken(o, holder);
	}
	if (!declaring)
		return;

	foreach(lc, objs)
	{
		GenObject  *o = lfirst(lc);

		/* two of its own objects, in one schema (and for accessors one row type) */
		foreach(lc2, objs)
		{
			GenObject  *p = lfirst(lc2);

			if (p == o)
				break;
			if ((o->kind == GEN_ACCESSOR) != (p->kind == GEN_ACCESSOR) ||
				o->nsp != p->nsp || o->argtype != p->argtype)
				continue;
			if (strcmp(fold_name(o->name), fold_name(p->name)) == 0)
				refuse_folded(o, p->name, p->what);
		}
	}
	check_folded_against_catalog(rel, objs);
}

/*
 * 42710 when the lookup view of SELF's relation NAME (REVERSE side of REL),
 * listing source_pk, every column of OTHER and the EXTRAS of the through
 * table as through_<column>, would have a column twice.
 */
static void
check_one_view(OrmarRel *rel, OrmarModel *self, const char *name, bool reverse,
			   OrmarModel *other, List *extras)
{
	char	   *view = ormar_view_name(self->name, name);
	char	   *side = side_words(rel, get_rel_name(rel->model), get_rel_name(rel->target), reverse);
	char	   *hint = reverse ?
		psprintf("Rename column \"%%s\" of table \"%%s\", or declare relation \"%s.%s\" with skip_reverse => true.",
				 get_rel_name(rel->model), rel->name) :
		pstrdup("Rename column \"%s\" of table \"%s\".");
	ListCell   *lc;

	if (get_attnum(other->relid, "source_pk") != InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("column \"source_pk\" of table \"%s\" clashes with a column of lookup view \"%s\"",
						other->name, view),
				 errdetail("The lookup view of %s has column \"source_pk\", the key of the row it starts from, followed by every column of table \"%s\".",
						   side, other->name),
				 errhint(hint, "source_pk", other->name)));
	foreach(lc, extras)
	{
		char	   *x = lfirst(lc);
		char	   *col = ormar_shorten(psprintf("through_%s", x));

		if (get_attnum(other->relid, col) != InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("column \"%s\" of table \"%s\" clashes with a column of lookup view \"%s\"",
							col, other->name, view),
					 errdetail("The lookup view of %s has every column of table \"%s\", and shows extra through column \"%s\" as \"%s\".",
							   side, other->name, x, col),
					 errhint(hint, col, other->name)));
	}
}

/*
 * Before the lookup views of REL are (re)generated: 42710 when one would
 * have a column twice (a table column named source_pk, or through_<x> next
 * to an extra through column x), naming the column and the view.  The view
 * columns are fixed by DESIGN §4, so no other name is chosen.
 */
void
ormar_check_view_columns(OrmarRel *rel)
{
	OrmarModel	m,
				t;
	List	   *extras;

	ormar_model_info(rel->model, &m);
	ormar_model_info(rel->target, &t);
	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		if (!rel->skip_reverse && !rel->one_to_one)
			check_one_view(rel, &t, rel->related_name, true, &m, NIL);
		return;
	}
	extras = ormar_through_extra_columns(rel);
	check_one_view(rel, &m, rel->name, false, &t, extras);
	if (!rel->skip_reverse)
		check_one_view(rel, &t, rel->related_name, true, &m, extras);
}

/*
 * Many-to-many REL, declared on M, takes its default through table name:
 * 42710 when a table of that name exists and is not one that this relation
 * created in an earlier declaration (drop_relation keeps it, with its
 * rows).  Only a through table named with `through` is taken over.
 */
void
ormar_check_default_through(OrmarRel *rel, OrmarModel *m)
{
	Oid			nsp = get_namespace_oid(rel->through_schema, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(rel->through_name, nsp) : InvalidOid;
	char	   *comment;
	char	   *words;

	if (!OidIsValid(relid))
		return;
	comment = GetComment(relid, RelationRelationId, 0);
	if (comment && get_rel_relkind(relid) == RELKIND_RELATION &&
		strcmp(comment, psprintf("ormar_pg: through table of relation %s.%s",
								 m->name, rel->name)) == 0)
		return;
	words = relation_object_words(relid, false);
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("default through table name \"%s\" of relation \"%s.%s\" is already taken",
					rel->through_name, m->name, rel->name),
			 errdetail("It is %s; an existing table becomes a through table only when through names it.",
					   words ? words : class_words(relid)),
			 errhint("Set through => %s to use that table, or through to another name.",
					 quote_literal_cstr(rel->through_name))));
}

/*
 * 22023 for a through_relation_name or through_reverse_relation_name of
 * REL that is empty or longer than an identifier: CREATE TABLE would
 * silently truncate it (and two long names could become one).
 */
void
ormar_check_through_column_names(OrmarRel *rel)
{
	const char *options[2] = {"through_relation_name", "through_reverse_relation_name"};
	const char *values[2] = {rel->through_column, rel->through_reverse_column};

	for (int i = 0; i < 2; i++)
		if (values[i] && (values[i][0] == '\0' || strlen(values[i]) >= NAMEDATALEN))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s \"%.40s%s\" must have 1 to %d bytes", options[i], values[i],
							strlen(values[i]) > 40 ? "..." : "", NAMEDATALEN - 1)));
}
