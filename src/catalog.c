/*-------------------------------------------------------------------------
 * catalog.c
 *	  Read and write the ormar.model and ormar.relation catalog tables, and
 *	  look up models (with their primary keys) and relation directions.
 *
 * Reads run as the caller (the catalog is readable by everyone); writes run
 * as the catalog's owner (see ormar_as_catalog_owner).  All statements go
 * through ormar_exec, so each is planned once per backend.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "catalog/pg_index.h"

#include "utils/inval.h"
#include "catalog.h"

#include "naming.h"
#include "spi_util.h"

/*
 * Columns of ormar.relation as read and written here, in the order of
 * REL_COLUMNS; the attribute numbers keep the lists below in step.
 */
enum
{
	Anum_relation_model = 1,
	Anum_relation_name,
	Anum_relation_kind,
	Anum_relation_target,
	Anum_relation_target_schema,
	Anum_relation_target_name,
	Anum_relation_related_name,
	Anum_relation_skip_reverse,
	Anum_relation_nullable,
	Anum_relation_one_to_one,
	Anum_relation_ondelete,
	Anum_relation_onupdate,
	Anum_relation_column_name,
	Anum_relation_constraint_name,
	Anum_relation_index_name,
	Anum_relation_through,
	Anum_relation_through_schema,
	Anum_relation_through_name,
	Anum_relation_through_column,
	Anum_relation_through_reverse_column,
	Anum_relation_through_fields,
	Anum_relation_through_created,
	Anum_relation_accessor,
	Anum_relation_reverse_accessor,
	Anum_relation_lookup_view,
	Anum_relation_reverse_lookup_view,
	Anum_relation_declared_by,
	Anum_relation_adopted,
	Natts_relation = Anum_relation_adopted
};

#define REL_COLUMNS_010 \
	"model, name, kind, target, target_schema, target_name, related_name, " \
	"skip_reverse, nullable, one_to_one, ondelete, onupdate, column_name, " \
	"constraint_name, index_name, through, through_schema, through_name, " \
	"through_column, through_reverse_column, through_fields, through_created, " \
	"accessor, reverse_accessor, lookup_view, reverse_lookup_view"
#define REL_COLUMNS REL_COLUMNS_010 ", declared_by, adopted"
#define REL_NCOLUMNS Natts_relation
#define REL_NCOLUMNS_010 Anum_relation_reverse_lookup_view
#define REL_UPSERT_010 \
	"kind = EXCLUDED.kind, target = EXCLUDED.target," \
	" target_schema = EXCLUDED.target_schema, target_name = EXCLUDED.target_name," \
	" related_name = EXCLUDED.related_name, skip_reverse = EXCLUDED.skip_reverse," \
	" nullable = EXCLUDED.nullable, one_to_one = EXCLUDED.one_to_one," \
	" ondelete = EXCLUDED.ondelete, onupdate = EXCLUDED.onupdate," \
	" column_name = EXCLUDED.column_name, constraint_name = EXCLUDED.constraint_name," \
	" index_name = EXCLUDED.index_name, through = EXCLUDED.through," \
	" through_schema = EXCLUDED.through_schema, through_name = EXCLUDED.through_name," \
	" through_column = EXCLUDED.through_column," \
	" through_reverse_column = EXCLUDED.through_reverse_column," \
	" through_fields = EXCLUDED.through_fields," \
	" through_created = EXCLUDED.through_created," \
	" accessor = EXCLUDED.accessor, reverse_accessor = EXCLUDED.reverse_accessor," \
	" lookup_view = EXCLUDED.lookup_view," \
	" reverse_lookup_view = EXCLUDED.reverse_lookup_view"

/*
 * The library is shared by every database of the cluster, but each database's
 * catalog is at the version its last CREATE/ALTER EXTENSION left it.  Between
 * installing this library and ALTER EXTENSION ormar_pg UPDATE, a database
 * still has the 0.1.0 catalog, without declared_by and adopted.  It keeps
 * working, as PostgreSQL's own extensions keep serving their older SQL
 * definitions: reads compute the two columns as the update will fill them
 * (declared_by from the accessor's owner, else the model's; nothing adopted,
 * since 0.1.0 cannot adopt), and writes leave them out.
 */
static bool
catalog_has_010_columns_only(void)
{
	Oid			relid = get_relname_relid("relation", get_namespace_oid("ormar", false));

	return get_attnum(relid, "adopted") == InvalidAttrNumber;
}

/*
 * "SELECT <REL_COLUMNS><MORE_COLUMNS> FROM <the catalog> ALIAS TAIL": the catalog is
 * ormar.relation itself, or on a 0.1.0 catalog a subquery adding the two
 * columns (see catalog_has_010_columns_only).
 */
static char *
rel_select(const char *more_columns, const char *alias, const char *tail)
{
	if (catalog_has_010_columns_only())
		return psprintf("SELECT " REL_COLUMNS "%s FROM (SELECT r.*,"
						" COALESCE((SELECT p.proowner FROM pg_catalog.pg_proc p"
						" WHERE p.oid OPERATOR(pg_catalog.=) r.accessor::pg_catalog.oid),"
						" (SELECT c.relowner FROM pg_catalog.pg_class c"
						" WHERE c.oid OPERATOR(pg_catalog.=) r.model::pg_catalog.oid))::pg_catalog.regrole"
						" AS declared_by, '{}'::pg_catalog.text[] AS adopted"
						" FROM ormar.relation r) %s%s", more_columns, alias, tail);
	return psprintf("SELECT " REL_COLUMNS "%s FROM ormar.relation %s%s",
					more_columns, alias, tail);
}

/* Writes of the catalog by this backend (see cache.c). */
uint64		ormar_catalog_writes = 0;

/*
 * After every write of the catalog: tell every backend (this one at the end
 * of the command, others when we commit) through a relcache invalidation of
 * ormar.relation, which the proxy caches listen for, and count the write so
 * this backend's caches see it at once.
 */
static void
ormar_catalog_changed(void)
{
	CacheInvalidateRelcacheByRelid(get_relname_relid("relation",
													 get_namespace_oid("ormar", false)));
	ormar_catalog_writes++;
}

/* The lower-case names of the ORMAR_ADOPTED_* flags, in bit order. */
static const char *const adopted_names[] = {
	"constraint", "index", "through_key", "through_constraint",
	"through_reverse_constraint"
};

#define N_ADOPTED lengthof(adopted_names)

/* ORMAR_ADOPTED_* flags as the text[] stored in ormar.relation.adopted. */
Datum
ormar_adopted_to_array(int adopted)
{
	Datum		elems[N_ADOPTED];
	int			n = 0;

	for (int i = 0; i < (int) N_ADOPTED; i++)
		if (adopted & (1 << i))
			elems[n++] = CStringGetTextDatum(adopted_names[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* The ORMAR_ADOPTED_* flags of a stored text[] (unknown names are ignored). */
int
ormar_adopted_from_array(Datum array)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			result = 0;

	deconstruct_array(DatumGetArrayTypeP(array), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *s;

		if (nulls[i])
			continue;
		s = TextDatumGetCString(elems[i]);
		for (int f = 0; f < (int) N_ADOPTED; f++)
			if (strcmp(s, adopted_names[f]) == 0)
				result |= 1 << f;
	}
	return result;
}

/* The kind as stored in ormar.relation.kind and shown by describe. */
const char *
ormar_kind_name(OrmarKind kind)
{
	return kind == ORMAR_FOREIGN_KEY ? "foreign_key" : "many_to_many";
}

/*
 * Open RELID, a table the catalog names.  If it no longer exists (dropped by
 * a transaction that committed after the caller's snapshot read the
 * catalog), fail with 42P01 rather than relation_open's internal error, so
 * that a read call can tell a concurrent drop from a bug (see eager.c's
 * resolve_tree).
 */
static Relation
open_named_table(Oid relid)
{
	Relation	rel = try_relation_open(relid, AccessShareLock);

	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table with OID %u does not exist", relid),
				 errdetail("The catalog of ormar_pg names it, but it has been dropped.")));
	return rel;
}

/*
 * Fill MODEL from the table RELID, which must have a single-column primary
 * key (42P16 otherwise).  Does not check that it is registered.
 */
void
ormar_model_info(Oid relid, OrmarModel *model)
{
	Relation	rel = open_named_table(relid);
	Oid			pkindex;
	HeapTuple	indtup;
	Form_pg_index ind;
	Form_pg_attribute att;

	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", RelationGetRelationName(rel))));

	pkindex = RelationGetPrimaryKeyIndex(rel);
	if (!OidIsValid(pkindex))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table \"%s\" has no primary key", RelationGetRelationName(rel)),
				 errdetail("A model needs a single-column primary key.")));

	indtup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));
	if (!HeapTupleIsValid(indtup))
		elog(ERROR, "cache lookup failed for index %u", pkindex);
	ind = (Form_pg_index) GETSTRUCT(indtup);
	if (ind->indnkeyatts != 1 || ind->indkey.values[0] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("primary key of table \"%s\" is not a single column",
						RelationGetRelationName(rel)),
				 errdetail("A model needs a single-column primary key.")));

	model->relid = relid;
	model->schema = get_namespace_name(RelationGetNamespace(rel));
	model->name = pstrdup(RelationGetRelationName(rel));
	model->qualified = quote_qualified_identifier(model->schema, model->name);
	model->pk_attnum = ind->indkey.values[0];
	ReleaseSysCache(indtup);

	att = TupleDescAttr(RelationGetDescr(rel), model->pk_attnum - 1);
	model->pk_name = pstrdup(NameStr(att->attname));
	model->pk_type = att->atttypid;
	model->pk_typmod = att->atttypmod;
	model->pk_collation = att->attcollation;
	relation_close(rel, AccessShareLock);
}

/* Is RELID a registered model? */
bool
ormar_is_model(Oid relid)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ormar_exec("SELECT 1 FROM ormar.model WHERE model OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false, 1);
	return SPI_processed > 0;
}

/* Error 42704 unless RELID is a registered model. */
void
ormar_require_model(Oid relid)
{
	if (!ormar_is_model(relid))
	{
		char	   *name = get_rel_name(relid);

		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 name ? errmsg("table \"%s\" is not a registered model", name)
				 : errmsg("table with OID %u does not exist", relid),
				 errhint("Create it with ormar.define_model() or adopt it with ormar.register_model().")));
	}
}

/* Record table RELID as a model (the caller checked its key and owner). */
void
ormar_insert_model(Oid relid)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	Oid			save_user;
	int			save_sec;

	ormar_as_catalog_owner(&save_user, &save_sec);
	ormar_exec("INSERT INTO ormar.model (model) VALUES ($1)",
			   1, argtypes, values, NULL, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/* Forget model RELID (its relations are dropped first by the caller). */
void
ormar_delete_model(Oid relid)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	Oid			save_user;
	int			save_sec;

	ormar_as_catalog_owner(&save_user, &save_sec);
	ormar_exec("DELETE FROM ormar.model WHERE model OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/* Build an OrmarRel from row ROW of SPI_tuptable (columns REL_COLUMNS). */
static OrmarRel *
rel_from_row(uint64 row)
{
	OrmarRel   *rel = palloc0(sizeof(OrmarRel));
	char	   *kind;

	rel->model = ormar_getoid(row, Anum_relation_model);
	rel->name = ormar_getstring(row, Anum_relation_name);
	kind = ormar_getstring(row, Anum_relation_kind);
	rel->kind = strcmp(kind, "foreign_key") == 0 ? ORMAR_FOREIGN_KEY : ORMAR_MANY_TO_MANY;
	rel->target = ormar_getoid(row, Anum_relation_target);
	rel->target_schema = ormar_getstring(row, Anum_relation_target_schema);
	rel->target_name = ormar_getstring(row, Anum_relation_target_name);
	rel->related_name = ormar_getstring(row, Anum_relation_related_name);
	rel->skip_reverse = ormar_getbool(row, Anum_relation_skip_reverse);
	rel->nullable = ormar_getbool(row, Anum_relation_nullable);
	rel->one_to_one = ormar_getbool(row, Anum_relation_one_to_one);
	rel->ondelete = ormar_getstring(row, Anum_relation_ondelete);
	rel->onupdate = ormar_getstring(row, Anum_relation_onupdate);
	rel->column_name = ormar_getstring(row, Anum_relation_column_name);
	rel->constraint_name = ormar_getstring(row, Anum_relation_constraint_name);
	rel->index_name = ormar_getstring(row, Anum_relation_index_name);
	rel->through = ormar_getoid(row, Anum_relation_through);
	rel->through_schema = ormar_getstring(row, Anum_relation_through_schema);
	rel->through_name = ormar_getstring(row, Anum_relation_through_name);
	rel->through_column = ormar_getstring(row, Anum_relation_through_column);
	rel->through_reverse_column = ormar_getstring(row, Anum_relation_through_reverse_column);
	rel->through_fields = ormar_getstring(row, Anum_relation_through_fields);
	rel->through_created = ormar_getbool(row, Anum_relation_through_created);
	rel->accessor = ormar_getoid(row, Anum_relation_accessor);
	rel->reverse_accessor = ormar_getoid(row, Anum_relation_reverse_accessor);
	rel->lookup_view = ormar_getoid(row, Anum_relation_lookup_view);
	rel->reverse_lookup_view = ormar_getoid(row, Anum_relation_reverse_lookup_view);
	rel->declared_by = ormar_getoid(row, Anum_relation_declared_by);
	{
		bool		isnull;
		Datum		adopted = ormar_getdatum(row, Anum_relation_adopted, &isnull);

		rel->adopted = isnull ? 0 : ormar_adopted_from_array(adopted);
	}
	return rel;
}

/* Every row of SPI_tuptable (columns REL_COLUMNS) as an OrmarRel. */
static List *
rels_from_result(void)
{
	List	   *result = NIL;

	for (uint64 i = 0; i < SPI_processed; i++)
		result = lappend(result, rel_from_row(i));
	return result;
}

/* Relation NAME declared on MODEL (not a reverse side), or NULL. */
OrmarRel *
ormar_get_relation(Oid model, const char *name)
{
	Oid			argtypes[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(model), CStringGetTextDatum(name)};

	ormar_exec(rel_select("", "relation",
			   " WHERE model OPERATOR(pg_catalog.=) $1"
			   " AND name OPERATOR(pg_catalog.=) $2"),
			   2, argtypes, values, NULL, false, 1);
	return SPI_processed > 0 ? rel_from_row(0) : NULL;
}

/* Relations declared on MODEL, in name order. */
List *
ormar_relations_from(Oid model)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(model)};

	ormar_exec(rel_select("", "relation",
			   " WHERE model OPERATOR(pg_catalog.=) $1 ORDER BY name"),
			   1, argtypes, values, NULL, false, 0);
	return rels_from_result();
}

/* Relations of other models (or self) whose target is TARGET. */
List *
ormar_relations_to(Oid target)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(target)};

	ormar_exec(rel_select("", "relation",
			   " WHERE target OPERATOR(pg_catalog.=) $1 ORDER BY model, name"),
			   1, argtypes, values, NULL, false, 0);
	return rels_from_result();
}

/* Every relation in which RELID takes part: as model, target or through. */
List *
ormar_relations_touching(Oid relid)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ormar_exec(rel_select("", "relation",
			   " WHERE model OPERATOR(pg_catalog.=) $1"
			   " OR target OPERATOR(pg_catalog.=) $1"
			   " OR through OPERATOR(pg_catalog.=) $1 ORDER BY model, name"),
			   1, argtypes, values, NULL, false, 0);
	return rels_from_result();
}

/*
 * Resolved relations in which a table of one of the schemas NSPS (OIDs)
 * takes part: what a schema rename affects.
 */
List *
ormar_relations_in_schemas(List *nsps)
{
	Oid			argtypes[1] = {OIDARRAYOID};
	Datum		values[1];
	Datum	   *elems;
	ListCell   *lc;
	int			n = 0;

	if (nsps == NIL)
		return NIL;
	elems = palloc(sizeof(Datum) * list_length(nsps));
	foreach(lc, nsps)
		elems[n++] = ObjectIdGetDatum(lfirst_oid(lc));
	values[0] = PointerGetDatum(construct_array(elems, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	ormar_exec(rel_select("", "r",
			   " WHERE r.target IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
			   " WHERE c.oid OPERATOR(pg_catalog.=) ANY (ARRAY[r.model, r.target, r.through]::pg_catalog.oid[])"
			   " AND c.relnamespace OPERATOR(pg_catalog.=) ANY ($1))"
			   " ORDER BY model, name"),
			   1, argtypes, values, NULL, false, 0);
	return rels_from_result();
}

/* Pending relations whose target (or through) is SCHEMA.NAME. */
List *
ormar_pending_relations(const char *schema, const char *name)
{
	Oid			argtypes[2] = {NAMEOID, NAMEOID};
	Datum		values[2];

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(schema));
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(name));
	ormar_exec(rel_select("", "relation",
			   " WHERE target IS NULL AND target_schema OPERATOR(pg_catalog.=) $1"
			   " AND target_name OPERATOR(pg_catalog.=) $2 ORDER BY model, name"),
			   2, argtypes, values, NULL, false, 0);
	return rels_from_result();
}

/* Every relation of the catalog, by model and name. */
List *
ormar_all_relations(void)
{
	ormar_exec(rel_select("", "relation", " ORDER BY model, name"),
			   0, NULL, NULL, NULL, false, 0);
	return rels_from_result();
}

/*
 * S as a text Datum for ormar_store_relation, flagging *NULL when S is
 * NULL.
 */
static Datum
text_or_null(const char *s, char *null)
{
	*null = s ? ' ' : 'n';
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/*
 * S as a name Datum for ormar_store_relation, flagging *NULL when S is
 * NULL.
 */
static Datum
name_or_null(const char *s, char *null)
{
	*null = s ? ' ' : 'n';
	return s ? DirectFunctionCall1(namein, CStringGetDatum(s)) : (Datum) 0;
}

/*
 * OID as a Datum for ormar_store_relation, flagging *NULL when it is
 * invalid.
 */
static Datum
oid_or_null(Oid oid, char *null)
{
	*null = OidIsValid(oid) ? ' ' : 'n';
	return ObjectIdGetDatum(oid);
}

/* Insert REL, or overwrite the row with its (model, name). */
void
ormar_store_relation(OrmarRel *rel)
{
	Datum		v[REL_NCOLUMNS];
	char		n[REL_NCOLUMNS + 1];
	Oid			argtypes[REL_NCOLUMNS];
	Oid			save_user;
	int			save_sec;

	memset(n, ' ', REL_NCOLUMNS);
	n[REL_NCOLUMNS] = '\0';
#define SETCOL(col, type, value) \
	(argtypes[Anum_relation_##col - 1] = (type), v[Anum_relation_##col - 1] = (value))
#define NULLCOL(col) (&n[Anum_relation_##col - 1])
	SETCOL(model, REGCLASSOID, ObjectIdGetDatum(rel->model));
	SETCOL(name, TEXTOID, CStringGetTextDatum(rel->name));
	SETCOL(kind, TEXTOID, CStringGetTextDatum(ormar_kind_name(rel->kind)));
	SETCOL(target, REGCLASSOID, oid_or_null(rel->target, NULLCOL(target)));
	SETCOL(target_schema, NAMEOID, name_or_null(rel->target_schema, NULLCOL(target_schema)));
	SETCOL(target_name, NAMEOID, name_or_null(rel->target_name, NULLCOL(target_name)));
	SETCOL(related_name, TEXTOID, text_or_null(rel->related_name, NULLCOL(related_name)));
	SETCOL(skip_reverse, BOOLOID, BoolGetDatum(rel->skip_reverse));
	SETCOL(nullable, BOOLOID, BoolGetDatum(rel->nullable));
	SETCOL(one_to_one, BOOLOID, BoolGetDatum(rel->one_to_one));
	SETCOL(ondelete, TEXTOID, text_or_null(rel->ondelete, NULLCOL(ondelete)));
	SETCOL(onupdate, TEXTOID, text_or_null(rel->onupdate, NULLCOL(onupdate)));
	SETCOL(column_name, NAMEOID, name_or_null(rel->column_name, NULLCOL(column_name)));
	SETCOL(constraint_name, NAMEOID, name_or_null(rel->constraint_name, NULLCOL(constraint_name)));
	SETCOL(index_name, NAMEOID, name_or_null(rel->index_name, NULLCOL(index_name)));
	SETCOL(through, REGCLASSOID, oid_or_null(rel->through, NULLCOL(through)));
	SETCOL(through_schema, NAMEOID, name_or_null(rel->through_schema, NULLCOL(through_schema)));
	SETCOL(through_name, NAMEOID, name_or_null(rel->through_name, NULLCOL(through_name)));
	SETCOL(through_column, NAMEOID, name_or_null(rel->through_column, NULLCOL(through_column)));
	SETCOL(through_reverse_column, NAMEOID, name_or_null(rel->through_reverse_column, NULLCOL(through_reverse_column)));
	SETCOL(through_fields, JSONOID, text_or_null(rel->through_fields, NULLCOL(through_fields)));
	SETCOL(through_created, BOOLOID, BoolGetDatum(rel->through_created));
	SETCOL(accessor, REGPROCEDUREOID, oid_or_null(rel->accessor, NULLCOL(accessor)));
	SETCOL(reverse_accessor, REGPROCEDUREOID, oid_or_null(rel->reverse_accessor, NULLCOL(reverse_accessor)));
	SETCOL(lookup_view, REGCLASSOID, oid_or_null(rel->lookup_view, NULLCOL(lookup_view)));
	SETCOL(reverse_lookup_view, REGCLASSOID, oid_or_null(rel->reverse_lookup_view, NULLCOL(reverse_lookup_view)));
	SETCOL(declared_by, REGROLEOID, ObjectIdGetDatum(rel->declared_by));
	SETCOL(adopted, TEXTARRAYOID, ormar_adopted_to_array(rel->adopted));
#undef SETCOL
#undef NULLCOL

	ormar_as_catalog_owner(&save_user, &save_sec);
	if (catalog_has_010_columns_only())
		ormar_exec("INSERT INTO ormar.relation (" REL_COLUMNS_010 ") VALUES "
				   "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
				   " $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)"
				   " ON CONFLICT (model, name) DO UPDATE SET " REL_UPSERT_010,
				   REL_NCOLUMNS_010, argtypes, v, n, false, 0);
	else
		ormar_exec("INSERT INTO ormar.relation (" REL_COLUMNS ") VALUES "
				   "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
				   " $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)"
				   " ON CONFLICT (model, name) DO UPDATE SET " REL_UPSERT_010 ","
				   " declared_by = EXCLUDED.declared_by, adopted = EXCLUDED.adopted",
				   REL_NCOLUMNS, argtypes, v, n, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/*
 * Forget relation REL (its generated objects are dropped by the caller).
 */
void
ormar_delete_relation(OrmarRel *rel)
{
	Oid			argtypes[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(rel->model), CStringGetTextDatum(rel->name)};
	Oid			save_user;
	int			save_sec;

	ormar_as_catalog_owner(&save_user, &save_sec);
	ormar_exec("DELETE FROM ormar.relation WHERE model OPERATOR(pg_catalog.=) $1"
			   " AND name OPERATOR(pg_catalog.=) $2",
			   2, argtypes, values, NULL, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/* Keep recorded column names true after ALTER TABLE ... RENAME COLUMN. */
void
ormar_rename_column(Oid relid, const char *oldname, const char *newname)
{
	Oid			argtypes[3] = {REGCLASSOID, NAMEOID, NAMEOID};
	Datum		values[3];
	Oid			save_user;
	int			save_sec;

	values[0] = ObjectIdGetDatum(relid);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(oldname));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(newname));

	ormar_as_catalog_owner(&save_user, &save_sec);
	ormar_exec("UPDATE ormar.relation SET column_name = $3"
			   " WHERE model OPERATOR(pg_catalog.=) $1 AND column_name OPERATOR(pg_catalog.=) $2",
			   3, argtypes, values, NULL, false, 0);
	ormar_exec("UPDATE ormar.relation SET through_column = $3"
			   " WHERE through OPERATOR(pg_catalog.=) $1 AND through_column OPERATOR(pg_catalog.=) $2",
			   3, argtypes, values, NULL, false, 0);
	ormar_exec("UPDATE ormar.relation SET through_reverse_column = $3"
			   " WHERE through OPERATOR(pg_catalog.=) $1"
			   " AND through_reverse_column OPERATOR(pg_catalog.=) $2",
			   3, argtypes, values, NULL, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/* The direction REVERSE of REL, seen from the model it starts at. */
void
ormar_end_of(OrmarRel *rel, bool reverse, OrmarEnd *end)
{
	memset(end, 0, sizeof(OrmarEnd));
	end->rel = rel;
	end->reverse = reverse;
	end->self = reverse ? rel->target : rel->model;
	end->other = reverse ? rel->model : rel->target;
	end->name = reverse ? rel->related_name : rel->name;
	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		end->key_on_self = !reverse;
		end->fk_column = rel->column_name;
		end->to_many = reverse && !rel->one_to_one;
	}
	else
	{
		end->to_many = true;
		end->through_self = reverse ? rel->through_reverse_column : rel->through_column;
		end->through_other = reverse ? rel->through_column : rel->through_reverse_column;
	}
}

/*
 * Find relation NAME as seen from MODEL: a relation declared on MODEL, or
 * the reverse side of one that targets it.
 */
bool
ormar_find_end(Oid model, const char *name, OrmarEnd *end)
{
	Oid			argtypes[2] = {REGCLASSOID, TEXTOID};
	Datum		values[2] = {ObjectIdGetDatum(model), CStringGetTextDatum(name)};
	bool		isnull;
	bool		reverse;

	ormar_exec(psprintf("%s UNION ALL %s",
						rel_select(", false", "relation",
								   " WHERE model OPERATOR(pg_catalog.=) $1"
								   " AND name OPERATOR(pg_catalog.=) $2"),
						rel_select(", true", "relation",
								   " WHERE target OPERATOR(pg_catalog.=) $1"
								   " AND related_name OPERATOR(pg_catalog.=) $2"
								   " AND NOT skip_reverse")),
			   2, argtypes, values, NULL, false, 1);
	if (SPI_processed == 0)
		return false;
	reverse = DatumGetBool(ormar_getdatum(0, REL_NCOLUMNS + 1, &isnull));
	ormar_end_of(rel_from_row(0), reverse, end);
	return true;
}

/*
 * NAME, a relation name a caller gave, as a message shows it: whole up to
 * the longest a relation name can be, else its first 40 bytes (cut on a
 * character boundary) and "...", as foreign_key shows a name too long, so
 * that a megabyte of input is not echoed back whole.
 */
char *
ormar_name_in_message(const char *name)
{
	int			len = strlen(name);

	if (len <= ORMAR_MAX_RELATION_NAME)
		return (char *) name;
	return psprintf("%.*s...", pg_mbcliplen(name, len, 40), name);
}

/*
 * As ormar_find_end, but the relation must exist (42704, listing the
 * model's relations) and be resolved (55000).  MODEL must be a model.
 */
void
ormar_lookup_end(Oid model, const char *name, OrmarEnd *end)
{
	ormar_require_model(model);
	if (!ormar_find_end(model, name, end))
	{
		char	   *names = ormar_relation_names(model);

		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" has no relation \"%s\"",
						get_rel_name(model), ormar_name_in_message(name)),
				 *names ? errdetail("Relations of model \"%s\": %s.", get_rel_name(model), names)
				 : errdetail("Model \"%s\" has no relations.", get_rel_name(model))));
	}
	if (!OidIsValid(end->rel->target))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation \"%s\" of model \"%s\" is pending",
						name, get_rel_name(model)),
				 errdetail("Its target model \"%s\" is not defined yet.",
						   end->rel->target_name),
				 errhint("Define or register model \"%s\"; the relation is built then.",
						 end->rel->target_name)));
}

/* "a, b, c": every relation name usable from MODEL, for error details. */
char *
ormar_relation_names(Oid model)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(model)};
	StringInfoData buf;

	ormar_exec("SELECT name FROM ("
			   " SELECT name FROM ormar.relation WHERE model OPERATOR(pg_catalog.=) $1"
			   " UNION"
			   " SELECT related_name FROM ormar.relation"
			   " WHERE target OPERATOR(pg_catalog.=) $1 AND NOT skip_reverse) s"
			   " ORDER BY name COLLATE \"C\"",
			   1, argtypes, values, NULL, false, 0);
	initStringInfo(&buf);
	for (uint64 i = 0; i < SPI_processed; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", ormar_getstring(i, 1));
	return buf.data;
}

/*
 * Error 42710 if NAME is already used on MODEL by a column (other than
 * OWN_COLUMN, the new relation's own key column), a relation or the reverse
 * side of one.  NEWREL is the relation being added, REVERSE says whether
 * NAME is its reverse side; the messages name both sides in full.
 */
void
ormar_check_name_free(Oid model, const char *name, const char *own_column,
					  OrmarRel *newrel, bool reverse)
{
	OrmarEnd	end;
	enum
	{
		CLASH_NONE, CLASH_RELATION, CLASH_REVERSE, CLASH_COLUMN
	}			clash = CLASH_NONE;
	const char *table = get_rel_name(model);
	const char *source = get_rel_name(newrel->model);
	const char *other_model = NULL;
	const char *other_name = NULL;

	if (ormar_find_end(model, name, &end))
	{
		clash = end.reverse ? CLASH_REVERSE : CLASH_RELATION;
		other_model = end.reverse ? get_rel_name(end.rel->model) : table;
		other_name = end.reverse ? end.rel->name : name;
	}
	else if (strlen(name) < NAMEDATALEN &&
			 get_attnum(model, name) != InvalidAttrNumber &&
			 (own_column == NULL || strcmp(own_column, name) != 0))
		clash = CLASH_COLUMN;
	if (clash == CLASH_NONE)
		return;

	if (reverse)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("name \"%s\" is already used on model \"%s\"", name, table),
				 clash == CLASH_COLUMN ?
				 errdetail("The reverse side \"%s\" of relation \"%s.%s\" clashes with column \"%s\" of table \"%s\".",
						   name, source, newrel->name, name, table) :
				 clash == CLASH_REVERSE ?
				 errdetail("The reverse side \"%s\" of relation \"%s.%s\" clashes with the reverse side of relation \"%s.%s\".",
						   name, source, newrel->name, other_model, other_name) :
				 errdetail("The reverse side \"%s\" of relation \"%s.%s\" clashes with relation \"%s.%s\".",
						   name, source, newrel->name, other_model, other_name),
				 errhint("Set related_name on \"%s.%s\" to a name not used on model \"%s\".",
						 source, newrel->name, table)));
	ereport(ERROR,
			(errcode(ERRCODE_DUPLICATE_OBJECT),
			 errmsg("name \"%s\" is already used on model \"%s\"", name, table),
			 clash == CLASH_COLUMN ?
			 errdetail("Relation \"%s.%s\" clashes with column \"%s\" of table \"%s\".",
					   source, name, name, table) :
			 clash == CLASH_REVERSE ?
			 errdetail("Relation \"%s.%s\" clashes with the reverse side of relation \"%s.%s\".",
					   source, name, other_model, other_name) :
			 errdetail("Relation \"%s.%s\" clashes with relation \"%s.%s\".",
					   source, name, other_model, other_name),
			 errhint("Give the relation a name not used on the model.")));
}

/* Relations in which any table of OIDS (an oid[]) takes part. */
List *
ormar_relations_touching_any(Datum oids)
{
	Oid			argtypes[1] = {OIDARRAYOID};

	ormar_exec(rel_select("", "relation",
			   " WHERE model::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR target::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR through::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " ORDER BY model, name"),
			   1, argtypes, &oids, NULL, false, 0);
	return rels_from_result();
}

/*
 * After objects OIDS (an oid[]) were dropped by a user: forget relations
 * touching dropped tables, dropped models, and dropped accessors or views.
 */
void
ormar_forget_dropped(Datum oids)
{
	Oid			argtypes[1] = {OIDARRAYOID};
	Oid			save_user;
	int			save_sec;

	ormar_as_catalog_owner(&save_user, &save_sec);
	ormar_exec("DELETE FROM ormar.relation"
			   " WHERE model::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR target::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR through::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
			   1, argtypes, &oids, NULL, false, 0);
	ormar_exec("DELETE FROM ormar.model"
			   " WHERE model::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
			   1, argtypes, &oids, NULL, false, 0);
	ormar_exec("UPDATE ormar.relation SET"
			   " accessor = CASE WHEN accessor::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   "   THEN NULL ELSE accessor END,"
			   " reverse_accessor = CASE WHEN reverse_accessor::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   "   THEN NULL ELSE reverse_accessor END,"
			   " lookup_view = CASE WHEN lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   "   THEN NULL ELSE lookup_view END,"
			   " reverse_lookup_view = CASE WHEN reverse_lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   "   THEN NULL ELSE reverse_lookup_view END"
			   " WHERE accessor::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR reverse_accessor::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)"
			   " OR reverse_lookup_view::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
			   1, argtypes, &oids, NULL, false, 0);
	ormar_restore_user(save_user, save_sec);
	ormar_catalog_changed();
}

/*
 * Is RELID the through table of a relation?  If so, its model and name go
 * to *MODEL and *NAME (for messages).
 */
bool
ormar_through_of(Oid relid, char **model, char **name)
{
	Oid			argtypes[1] = {REGCLASSOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ormar_exec("SELECT model::pg_catalog.text, name FROM ormar.relation"
			   " WHERE through OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false, 1);
	if (SPI_processed == 0)
		return false;
	*model = ormar_getstring(0, 1);
	*name = ormar_getstring(0, 2);
	return true;
}

/* Columns of the through table other than the two link columns and its own key. */
List *
ormar_through_extra_columns(OrmarRel *rel)
{
	Relation	r = open_named_table(rel->through);
	TupleDesc	desc = RelationGetDescr(r);
	Oid			pkindex = RelationGetPrimaryKeyIndex(r);
	AttrNumber	pkatt = InvalidAttrNumber;
	List	   *result = NIL;

	if (OidIsValid(pkindex))
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkindex));

		if (HeapTupleIsValid(tup))
		{
			Form_pg_index ind = (Form_pg_index) GETSTRUCT(tup);

			if (ind->indnkeyatts == 1)
				pkatt = ind->indkey.values[0];
			ReleaseSysCache(tup);
		}
	}
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		char	   *name = NameStr(att->attname);

		if (att->attisdropped || att->attnum == pkatt ||
			strcmp(name, rel->through_column) == 0 ||
			strcmp(name, rel->through_reverse_column) == 0)
			continue;
		result = lappend(result, pstrdup(name));
	}
	relation_close(r, AccessShareLock);
	return result;
}

/* 42501 unless the current user owns table RELID. */
void
ormar_check_owner(Oid relid)
{
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, get_rel_name(relid));
}
