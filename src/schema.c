/*-------------------------------------------------------------------------
 * schema.c
 *	  ormar.register_schema: take over an existing database schema in one
 *	  atomic call (DESIGN §3), reading its relations from its foreign keys
 *	  the way PostgREST and PostGraphile do, and turning them into ormar_pg
 *	  relations that adopt the existing constraints and indexes (adopt.c).
 *
 * In order:
 *	1. every ordinary table of the schema with a single-column primary key,
 *	   owned by the caller, becomes a model (pending relations to it are
 *	   built); other tables are reported as skipped, with the reason;
 *	2. junction tables are found: a table whose primary key (or a unique
 *	   constraint) is exactly two single-column foreign keys to models'
 *	   primary keys, with no other foreign keys;
 *	3. every other single-column foreign key from a model of the schema to
 *	   a model's primary key (in any schema) becomes a foreign-key
 *	   relation named after its column;
 *	4. every junction becomes a many-to-many declared on the target of its
 *	   key's first column.
 * Everything already in the catalog is reported as already there and left
 * as it is, so a second call changes nothing.  Report rows come in that
 * order: models (by table name), foreign keys (by table, column), many-to-
 * many relations (by through table).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"


#include "catalog.h"
#include "naming.h"
#include "ormar_pg.h"
#include "relation.h"
#include "spi_util.h"
#include "tables.h"

PG_FUNCTION_INFO_V1(ormar_register_schema);

/* A table of the schema and what became of it. */
typedef struct SchemaTable
{
	Oid			relid;
	char	   *name;
	char	   *action;			/* the report's action text */
	bool		is_model;		/* a model after step 1 */
	bool		owned;			/* an ordinary table of the caller's */
	bool		junction;		/* its two foreign keys form a many-to-many */
	AttrNumber	key1;			/* junction: first and second key column */
	AttrNumber	key2;
} SchemaTable;

/* A foreign-key constraint of a table of the schema. */
typedef struct SchemaFk
{
	Oid			relid;			/* referencing table */
	Oid			target;			/* referenced table */
	char	   *conname;
	int			ncols;
	AttrNumber	attnum;			/* first referencing column */
	AttrNumber	refatt;			/* first referenced column */
	char	   *column;			/* name of attnum */
	char	   *relname;		/* relation name it would get */
	bool		candidate;		/* would become a foreign-key relation */
} SchemaFk;

/* One report row. */
typedef struct ReportRow
{
	Oid			model;
	char	   *relation;
	const char *kind;
	Oid			target;
	char	   *action;
} ReportRow;

/* Add a report row to ROWS (the action text is copied). */
static void
report(List **rows, Oid model, const char *relation, const char *kind, Oid target,
	   const char *action)
{
	ReportRow  *row = palloc0(sizeof(ReportRow));

	row->model = model;
	row->relation = relation ? pstrdup(relation) : NULL;
	row->kind = kind;
	row->target = target;
	row->action = pstrdup(action);
	*rows = lappend(*rows, row);
}

/* The schema to take over: the argument, or current_schema(). */
static Oid
schema_arg(FunctionCallInfo fcinfo, char **name)
{
	Oid			nsp;

	if (PG_ARGISNULL(0))
	{
		List	   *path = fetch_search_path(false);

		if (path == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_SCHEMA),
					 errmsg("no schema has been selected to take over"),
					 errhint("Pass the schema argument or set search_path.")));
		nsp = linitial_oid(path);
		*name = get_namespace_name(nsp);
	}
	else
	{
		*name = pstrdup(NameStr(*PG_GETARG_NAME(0)));
		nsp = get_namespace_oid(*name, false);
	}
	if (IsCatalogNamespace(nsp) || IsToastNamespace(nsp) ||
		strcmp(*name, "information_schema") == 0 || strcmp(*name, "ormar") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("schema \"%s\" cannot be taken over", *name),
				 errdetail("It belongs to PostgreSQL or to ormar_pg.")));
	return nsp;
}

/*
 * Step 1: the tables of NSP, each registered as a model when it can be, or
 * with the reason it is not.
 */
static List *
register_tables(Oid nsp, List **registered)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(nsp)};
	List	   *tables = NIL;
	ListCell   *lc;

	ormar_exec("SELECT c.oid, c.relname::pg_catalog.text,"
			   " (SELECT p.inhparent::pg_catalog.regclass::pg_catalog.text"
			   "    FROM pg_catalog.pg_inherits p WHERE c.relispartition"
			   "     AND p.inhrelid OPERATOR(pg_catalog.=) c.oid),"
			   " (SELECT e.extname::pg_catalog.text FROM pg_catalog.pg_depend d"
			   "    JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid"
			   "   WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
			   "     AND d.objid OPERATOR(pg_catalog.=) c.oid"
			   "     AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass"
			   "     AND d.deptype OPERATOR(pg_catalog.=) 'e' LIMIT 1),"
			   " EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
			   "   WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid AND i.indisprimary"
			   "     AND i.indnkeyatts OPERATOR(pg_catalog.=) 1"
			   "     AND i.indkey[0] OPERATOR(pg_catalog.<>) 0)"
			   " FROM pg_catalog.pg_class c"
			   " WHERE c.relnamespace OPERATOR(pg_catalog.=) $1"
			   " AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[])"
			   " ORDER BY c.relname COLLATE \"C\"",
			   1, argtypes, values, NULL, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		SchemaTable *t = palloc0(sizeof(SchemaTable));
		char	   *parent = ormar_getstring(i, 3);
		char	   *ext = ormar_getstring(i, 4);

		t->relid = ormar_getoid(i, 1);
		t->name = ormar_getstring(i, 2);
		if (parent)
			t->action = psprintf("skipped: partition of %s", parent);
		else if (ext)
			t->action = psprintf("skipped: member of extension %s", ext);
		else if (!ormar_getbool(i, 5))
			t->action = "skipped: no single-column primary key";
		t->owned = parent == NULL && ext == NULL;
		tables = lappend(tables, t);
	}

	foreach(lc, tables)
	{
		SchemaTable *t = lfirst(lc);

		t->owned = t->owned && pg_class_ownercheck(t->relid, GetUserId());
		if (t->action)
			continue;
		if (ormar_is_model(t->relid))
			t->action = "already registered";
		else if (!t->owned)
		{
			t->action = "skipped: not owned by the current user";
			continue;
		}
		else
		{
			OrmarModel	m;

			ormar_model_info(t->relid, &m);	/* checks the key once more */
			ormar_insert_model(t->relid);
			*registered = lappend_oid(*registered, t->relid);
			t->action = "registered";
		}
		t->is_model = true;
	}
	return tables;
}

/* Every foreign-key constraint of the tables of NSP (not of partitions). */
static List *
schema_fks(Oid nsp)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(nsp)};
	List	   *fks = NIL;

	ormar_exec("SELECT c.conrelid, c.confrelid, c.conname::pg_catalog.text,"
			   " pg_catalog.array_length(c.conkey, 1), c.conkey[1], c.confkey[1],"
			   " a.attname::pg_catalog.text"
			   " FROM pg_catalog.pg_constraint c"
			   " JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) c.conrelid"
			   " JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid"
			   "  AND a.attnum OPERATOR(pg_catalog.=) c.conkey[1]"
			   " WHERE t.relnamespace OPERATOR(pg_catalog.=) $1"
			   " AND t.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[])"
			   " AND NOT t.relispartition"
			   " AND c.contype OPERATOR(pg_catalog.=) 'f'"
			   " AND c.conparentid OPERATOR(pg_catalog.=) 0"
			   " ORDER BY t.relname COLLATE \"C\", c.conkey[1], c.conname COLLATE \"C\"",
			   1, argtypes, values, NULL, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		SchemaFk   *fk = palloc0(sizeof(SchemaFk));
		bool		isnull;

		fk->relid = ormar_getoid(i, 1);
		fk->target = ormar_getoid(i, 2);
		fk->conname = ormar_getstring(i, 3);
		fk->ncols = DatumGetInt32(ormar_getdatum(i, 4, &isnull));
		fk->attnum = DatumGetInt16(ormar_getdatum(i, 5, &isnull));
		fk->refatt = DatumGetInt16(ormar_getdatum(i, 6, &isnull));
		fk->column = ormar_getstring(i, 7);
		fks = lappend(fks, fk);
	}
	return fks;
}

/* Is FK single-column and aimed at the primary key of a model? */
static bool
links_models(SchemaFk *fk)
{
	OrmarModel	t;

	if (fk->ncols != 1 || !ormar_is_model(fk->target))
		return false;
	ormar_model_info(fk->target, &t);
	return fk->refatt == t.pk_attnum;
}

/*
 * Step 2: is table T a junction?  Exactly two foreign keys, both single-
 * column to models' keys, on distinct columns that are exactly T's
 * primary key or one of its unique constraints (the primary key first).
 */
static void
find_junction(SchemaTable *t, List *fks)
{
	SchemaFk   *pair[2];
	int			n = 0;
	ListCell   *lc;

	foreach(lc, fks)
	{
		SchemaFk   *fk = lfirst(lc);

		if (fk->relid != t->relid)
			continue;
		if (n == 2 || !links_models(fk))
			return;
		pair[n++] = fk;
	}
	if (n != 2 || pair[0]->attnum == pair[1]->attnum)
		return;
	if (t->is_model && ormar_relations_from(t->relid) != NIL)
		return;					/* a model with relations of its own */

	if (ormar_pair_key(t->relid, pair[0]->attnum, pair[1]->attnum, &t->key1, &t->key2))
		t->junction = true;
}

/*
 * The relation name a foreign-key column gives: the column name without a
 * trailing "_id" or "Id", or the column name itself when nothing is left.
 */
static char *
name_from_column(const char *column)
{
	int			len = strlen(column);

	if (len > 3 && strcmp(column + len - 3, "_id") == 0)
		return pnstrdup(column, len - 3);
	if (len > 2 && strcmp(column + len - 2, "Id") == 0)
		return pnstrdup(column, len - 2);
	return pstrdup(column);
}

/*
 * Is NAME free on model MODEL: no relation or reverse side of that name,
 * and no column of that name other than OWN_COLUMN?
 */
static bool
name_free(Oid model, const char *name, const char *own_column)
{
	OrmarEnd	end;

	if (ormar_find_end(model, name, &end))
		return false;
	if (get_attnum(model, name) != InvalidAttrNumber &&
		(own_column == NULL || strcmp(own_column, name) != 0))
		return false;
	return true;
}

/* The table of TABLES with RELID, or NULL. */
static SchemaTable *
table_of(List *tables, Oid relid)
{
	ListCell   *lc;

	foreach(lc, tables)
		if (((SchemaTable *) lfirst(lc))->relid == relid)
			return lfirst(lc);
	return NULL;
}

/* A relation in the catalog of MODEL on foreign-key column COLUMN, or NULL. */
static OrmarRel *
relation_on_column(Oid model, const char *column)
{
	ListCell   *lc;

	foreach(lc, ormar_relations_from(model))
	{
		OrmarRel   *rel = lfirst(lc);

		if (rel->kind == ORMAR_FOREIGN_KEY && strcmp(rel->column_name, column) == 0)
			return rel;
	}
	return NULL;
}

/* "adopted", or "adopted, index NAME created" when REL had to create one. */
static char *
adopted_action(OrmarRel *rel)
{
	if (rel->adopted & ORMAR_ADOPTED_INDEX)
		return "adopted";
	return psprintf("adopted, index %s created", quote_identifier(rel->index_name));
}

/*
 * The schema of table RELID in which the caller may not create objects (the
 * accessors and views go there), or NULL if it may.
 */
static char *
no_create_in(Oid relid)
{
	Oid			nsp = get_rel_namespace(relid);

	if (pg_namespace_aclcheck(nsp, GetUserId(), ACL_CREATE) == ACLCHECK_OK)
		return NULL;
	return get_namespace_name(nsp);
}

/*
 * Step 3, first part: report foreign key FK if it cannot become a new
 * relation (skipped, with the reason) or already is one.  True if reported.
 */
static bool
fk_reported(SchemaFk *fk, List **rows)
{
	OrmarRel   *existing;
	OrmarModel	t;
	char	   *rmodel,
			   *rname,
			   *nsp;
	char	   *skip = NULL;

	if (fk->ncols != 1)
		skip = psprintf("%d-column foreign key %s", fk->ncols, quote_identifier(fk->conname));
	else if (!ormar_is_model(fk->target))
		skip = psprintf("target of %s is not a model", quote_identifier(fk->conname));
	else
	{
		ormar_model_info(fk->target, &t);
		if (fk->refatt != t.pk_attnum)
			skip = psprintf("%s does not reference the primary key",
							quote_identifier(fk->conname));
	}
	if (skip == NULL)
	{
		existing = relation_on_column(fk->relid, fk->column);
		if (existing)
		{
			report(rows, fk->relid, existing->name, "foreign_key", existing->target,
				   existing->target == fk->target ? "already declared" :
				   psprintf("skipped: column %s holds relation \"%s\"",
							quote_identifier(fk->column), existing->name));
			return true;
		}
		if (ormar_through_of(fk->relid, &rmodel, &rname))
			skip = psprintf("%s is the through table of relation \"%s.%s\"",
							get_rel_name(fk->relid), rmodel, rname);
		else if (ormar_through_of(fk->target, &rmodel, &rname))
			skip = psprintf("%s is the through table of relation \"%s.%s\"",
							get_rel_name(fk->target), rmodel, rname);
		else if ((nsp = no_create_in(fk->relid)) || (nsp = no_create_in(fk->target)))
			skip = psprintf("no CREATE privilege on schema %s", quote_identifier(nsp));
	}
	if (skip == NULL)
		return false;
	report(rows, fk->relid, NULL, "foreign_key", fk->target, psprintf("skipped: %s", skip));
	return true;
}

/* ormar_try_subxact callback: declare relation ARG. */
static void
declare_cb(void *arg)
{
	ormar_declare((OrmarRel *) arg);
}

/*
 * Declare REL, found from MODEL to TARGET as KIND.  A relation that cannot
 * be declared as found, because a name it would generate is taken (42710)
 * or its through table cannot be one (42P16), is reported in ROWS as
 * skipped with the reason, as other refusals are, instead of failing the
 * whole takeover; its subtransaction leaves nothing behind.  True when
 * declared.
 */
static bool
declare_or_skip(OrmarRel *rel, List **rows, Oid model, const char *kind, Oid target)
{
	ErrorData  *edata = ormar_try_subxact(declare_cb, rel);

	if (edata == NULL)
		return true;
	if (edata->sqlerrcode != ERRCODE_DUPLICATE_OBJECT &&
		edata->sqlerrcode != ERRCODE_INVALID_TABLE_DEFINITION)
		ReThrowError(edata);
	report(rows, model, NULL, kind, target, psprintf("skipped: %s", edata->message));
	return false;
}

/*
 * Step 3, second part: the relation name of FK on its model M (from the
 * column, or the column itself on a clash) and its reverse name on target T
 * (<table>s, or <table>s_by_<relation> when one table has two relations to
 * one target).  Returns why there are none (a skip reason), or NULL.
 */
static char *
fk_names(SchemaFk *fk, List *fks, OrmarModel *m, OrmarModel *t, char **name, char **related)
{
	int			siblings = 0;
	ListCell   *lc;

	*name = name_from_column(fk->column);
	if (!name_free(fk->relid, *name, fk->column) ||
		(strcmp(*name, fk->column) != 0 && !name_free(fk->relid, fk->column, fk->column)))
		*name = pstrdup(fk->column);
	if (!name_free(fk->relid, *name, fk->column))
		return psprintf("name \"%s\" is taken on %s", *name, m->name);

	foreach(lc, fks)
	{
		SchemaFk   *other = lfirst(lc);

		if (other->relid == fk->relid && other->target == fk->target && other->candidate)
			siblings++;
	}
	foreach(lc, ormar_relations_from(fk->relid))
	{
		if (((OrmarRel *) lfirst(lc))->target == fk->target)
			siblings++;
	}
	*related = siblings > 1 ? psprintf("%ss_by_%s", m->name, *name) :
		ormar_default_related_name(m->name);
	if (!name_free(fk->target, *related, NULL) ||
		(fk->relid == fk->target && strcmp(*related, *name) == 0))
		*related = psprintf("%ss_by_%s", m->name, *name);
	if (!name_free(fk->target, *related, NULL) ||
		(fk->relid == fk->target && strcmp(*related, *name) == 0))
		return psprintf("reverse name \"%s\" is taken on %s", *related, t->name);
	return NULL;
}

/*
 * Step 3: foreign key FK of a model of the schema becomes a relation that
 * adopts its constraint (and an index, if there is one).
 */
static void
take_fk(SchemaFk *fk, List *fks, List **rows)
{
	OrmarRel   *rel;
	OrmarModel	m,
				t;
	char	   *name = NULL,
			   *related = NULL,
			   *skip;

	if (fk_reported(fk, rows))
		return;
	ormar_model_info(fk->relid, &m);
	ormar_model_info(fk->target, &t);
	skip = fk_names(fk, fks, &m, &t, &name, &related);
	if (skip)
	{
		report(rows, fk->relid, NULL, "foreign_key", fk->target, psprintf("skipped: %s", skip));
		return;
	}
	rel = palloc0(sizeof(OrmarRel));
	rel->model = fk->relid;
	rel->kind = ORMAR_FOREIGN_KEY;
	rel->name = name;
	rel->target_schema = t.schema;
	rel->target_name = t.name;
	rel->related_name = related;
	rel->column_name = pstrdup(fk->column);
	rel->nullable = !ormar_attnotnull(fk->relid, fk->attnum);
	rel->one_to_one = ormar_find_fk_index(fk->relid, fk->attnum, true) != NULL;
	if (!declare_or_skip(rel, rows, fk->relid, "foreign_key", fk->target))
		return;
	report(rows, fk->relid, rel->name, "foreign_key", fk->target, adopted_action(rel));
}

/*
 * Is junction J already the through table of a relation, declared either
 * way round?  Then it is reported as already declared.
 */
static bool
junction_declared(SchemaTable *j, List **rows)
{
	ListCell   *lc;

	foreach(lc, ormar_relations_touching(j->relid))
	{
		OrmarRel   *r = lfirst(lc);

		if (r->kind == ORMAR_MANY_TO_MANY && r->through == j->relid)
		{
			report(rows, r->model, r->name, "many_to_many", r->target, "already declared");
			if (!j->is_model)
				j->action = psprintf("skipped: through table of %s.%s",
									 get_rel_name(r->model), r->name);
			return true;
		}
	}
	return false;
}

/*
 * Can a many-to-many be NAME on model M and RELATED on model T (two names,
 * even when M and T are one table)?
 */
static bool
pair_names_free(Oid m, const char *name, Oid t, const char *related)
{
	return name_free(m, name, NULL) && name_free(t, related, NULL) &&
		(m != t || strcmp(name, related) != 0);
}

/*
 * Step 4: junction table J becomes a many-to-many from the target of its
 * first key column to the target of its second.
 */
static void
take_junction(SchemaTable *j, List *fks, List **rows)
{
	SchemaFk   *first = NULL,
			   *second = NULL;
	OrmarModel	m,
				t;
	OrmarRel   *rel;
	char	   *name,
			   *related;
	char	   *nsp;
	ListCell   *lc;

	foreach(lc, fks)
	{
		SchemaFk   *fk = lfirst(lc);

		if (fk->relid != j->relid)
			continue;
		if (fk->attnum == j->key1)
			first = fk;
		else if (fk->attnum == j->key2)
			second = fk;
	}
	Assert(first && second);
	ormar_model_info(first->target, &m);
	ormar_model_info(second->target, &t);

	if (junction_declared(j, rows))
		return;
	if ((nsp = no_create_in(m.relid)) || (nsp = no_create_in(t.relid)))
	{
		report(rows, first->target, NULL, "many_to_many", second->target,
			   psprintf("skipped: no CREATE privilege on schema %s", quote_identifier(nsp)));
		return;
	}

	name = psprintf("%ss", name_from_column(second->column));
	related = psprintf("%ss", name_from_column(first->column));
	if (!pair_names_free(m.relid, name, t.relid, related))
	{
		name = psprintf("%s_by_%s", name, j->name);
		related = psprintf("%s_by_%s", related, j->name);
	}
	if (!pair_names_free(m.relid, name, t.relid, related))
	{
		report(rows, first->target, NULL, "many_to_many", second->target,
			   psprintf("skipped: name \"%s\" or \"%s\" is taken", name, related));
		return;
	}

	rel = palloc0(sizeof(OrmarRel));
	rel->model = m.relid;
	rel->kind = ORMAR_MANY_TO_MANY;
	rel->name = name;
	rel->target_schema = t.schema;
	rel->target_name = t.name;
	rel->related_name = related;
	rel->nullable = true;
	rel->through_name = quote_qualified_identifier(get_namespace_name(get_rel_namespace(j->relid)),
												   j->name);
	rel->through_column = pstrdup(first->column);
	rel->through_reverse_column = pstrdup(second->column);
	if (!declare_or_skip(rel, rows, m.relid, "many_to_many", t.relid))
		return;
	report(rows, m.relid, rel->name, "many_to_many", t.relid, adopted_action(rel));
	if (!j->is_model)
		j->action = psprintf("skipped: through table of %s.%s", m.name, rel->name);
}

/*
 * Step 2: mark the junctions among TABLES (their foreign keys are not
 * relations of their own), then which of FKS would become foreign-key
 * relations (fk_names needs to know how many go from one table to one
 * target).
 */
static void
find_junctions(List *tables, List *fks)
{
	ListCell   *lc;

	foreach(lc, tables)
	{
		SchemaTable *t = lfirst(lc);

		if (t->owned)
			find_junction(t, fks);
	}
	foreach(lc, fks)
	{
		SchemaFk   *fk = lfirst(lc);
		SchemaTable *src = table_of(tables, fk->relid);

		fk->candidate = src && src->is_model && src->owned && !src->junction &&
			links_models(fk);
	}
}

/* Step 3: the foreign keys of the tables that are not junctions, reported in ROWS. */
static void
take_fks(List *tables, List *fks, List **rows)
{
	ListCell   *lc;

	foreach(lc, fks)
	{
		SchemaFk   *fk = lfirst(lc);
		SchemaTable *src = table_of(tables, fk->relid);

		if (src == NULL || src->junction)
			continue;
		if (!src->is_model)
			report(rows, fk->relid, NULL, "foreign_key", fk->target,
				   psprintf("skipped: %s is not a model", src->name));
		else if (!src->owned)
			report(rows, fk->relid, NULL, "foreign_key", fk->target,
				   psprintf("skipped: %s is not owned by the current user", src->name));
		else
			take_fk(fk, fks, rows);
	}
}

/* The report ROWS as the rows of register_schema's result. */
static void
put_rows(ReturnSetInfo *rsinfo, List *rows)
{
	ListCell   *lc;

	foreach(lc, rows)
	{
		ReportRow  *row = lfirst(lc);
		Datum		values[5];
		bool		nulls[5] = {false, row->relation == NULL, false,
		!OidIsValid(row->target), false};

		values[0] = ObjectIdGetDatum(row->model);
		values[1] = row->relation ? CStringGetTextDatum(row->relation) : (Datum) 0;
		values[2] = CStringGetTextDatum(row->kind);
		values[3] = ObjectIdGetDatum(row->target);
		values[4] = CStringGetTextDatum(row->action);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* register_schema: the four steps of the top of this file, then the report. */
static Datum
register_schema_impl(FunctionCallInfo fcinfo)
{
	char	   *schema;
	Oid			nsp;
	List	   *registered = NIL;
	List	   *tables;
	List	   *fks;
	List	   *fk_rows = NIL;
	List	   *m2m_rows = NIL;
	List	   *rows = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	nsp = schema_arg(fcinfo, &schema);

	/* 1. models */
	tables = register_tables(nsp, &registered);
	foreach(lc, registered)
		ormar_resolve_pending(lfirst_oid(lc));

	/* 2. junctions, whose foreign keys are not relations of their own */
	fks = schema_fks(nsp);
	find_junctions(tables, fks);

	/* 3. foreign keys of models */
	take_fks(tables, fks, &fk_rows);

	/* 4. junctions */
	foreach(lc, tables)
	{
		SchemaTable *t = lfirst(lc);

		if (t->junction)
			take_junction(t, fks, &m2m_rows);
	}

	foreach(lc, tables)
	{
		SchemaTable *t = lfirst(lc);

		report(&rows, t->relid, NULL, "model", InvalidOid, t->action);
	}
	put_rows((ReturnSetInfo *) fcinfo->resultinfo,
			 list_concat(list_concat(rows, fk_rows), m2m_rows));
	return (Datum) 0;
}

/*
 * ormar.register_schema(schema name DEFAULT NULL): one row per table,
 * foreign key and junction of the schema with what became of it.
 */
Datum
ormar_register_schema(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(register_schema_impl, fcinfo);
}
