/*-------------------------------------------------------------------------
 * ddl.c
 *	  Build and run the DDL of relations: foreign-key columns, constraints
 *	  and indexes, through tables, accessor functions and lookup views.  The
 *	  only place that writes SQL text for DDL.
 *
 * Accessors are SQL functions with a single SELECT as a string body, STABLE,
 * not STRICT, without SET or SECURITY DEFINER, so that the planner inlines
 * them in FROM and a caller's WHERE / ORDER BY / LIMIT reach the indexes.
 * Every name in a body is schema-qualified and operators are written as
 * OPERATOR(schema.op), so no search_path can redirect them.  A string body
 * is parsed at each call, so columns added to or dropped from a table need
 * nothing; renames are followed by the ddl_command_end event trigger, which
 * regenerates accessors and views (see events.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "access/stratnum.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "adopt.h"
#include "citus.h"
#include "ddl.h"
#include "fields.h"
#include "naming.h"
#include "ormar_pg.h"
#include "spi_util.h"

static char *
quoted_ident(const char *s)
{
	return (char *) quote_identifier(s);
}

/*
 * Foreign key objects on the model: the column (added, or adopted when the
 * model already has it with the target key's type), the constraint and the
 * index on the referencing column.  An existing constraint or index that
 * fits is adopted instead of generated (see adopt.c).
 */
void
ormar_ddl_fk_objects(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	StringInfoData sql;
	AttrNumber	attnum = get_attnum(m->relid, rel->column_name);
	char	   *keytype = ormar_type_sql(t->pk_type, t->pk_typmod);

	/* one subcommand per ALTER TABLE: Citus wants ADD CONSTRAINT alone */
	initStringInfo(&sql);
	if (attnum == InvalidAttrNumber)
		ormar_ddl(psprintf("ALTER TABLE %s ADD COLUMN %s %s%s", m->qualified,
						   quoted_ident(rel->column_name), keytype,
						   rel->nullable ? "" : " NOT NULL"));
	else
	{
		Oid			coltype;
		int32		coltypmod;
		Oid			colcoll;

		get_atttypetypmodcoll(m->relid, attnum, &coltype, &coltypmod, &colcoll);
		if (coltype != t->pk_type || coltypmod != t->pk_typmod)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of table \"%s\" is of type %s, but the key of model \"%s\" is of type %s",
							rel->column_name, m->name, format_type_with_typemod(coltype, coltypmod),
							t->name, format_type_with_typemod(t->pk_type, t->pk_typmod)),
					 errhint("Use column_name to give the relation another column, or change the column's type.")));
		if (!rel->nullable && !ormar_attnotnull(m->relid, attnum))
			ormar_ddl(psprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL",
							   m->qualified, quoted_ident(rel->column_name)));
	}
	ormar_adopt_fk(rel, m, t);
	if (!(rel->adopted & ORMAR_ADOPTED_CONSTRAINT))
	{
		appendStringInfo(&sql, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)",
						 m->qualified, quoted_ident(rel->constraint_name),
						 quoted_ident(rel->column_name), t->qualified, quoted_ident(t->pk_name));
		if (rel->ondelete)
			appendStringInfo(&sql, " ON DELETE %s", rel->ondelete);
		if (rel->onupdate)
			appendStringInfo(&sql, " ON UPDATE %s", rel->onupdate);
		ormar_ddl(sql.data);
	}

	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "CREATE %sINDEX %s ON %s (%s)",
						 rel->one_to_one ? "UNIQUE " : "",
						 quoted_ident(rel->index_name), m->qualified,
						 quoted_ident(rel->column_name));
		ormar_ddl(sql.data);

		resetStringInfo(&sql);
		appendStringInfo(&sql, "COMMENT ON INDEX %s IS %s",
						 quote_qualified_identifier(m->schema, rel->index_name),
						 quote_literal_cstr(psprintf("ormar_pg: index of foreign key of relation %s.%s",
													 m->name, rel->name)));
		ormar_ddl(sql.data);
	}

	if (!(rel->adopted & ORMAR_ADOPTED_CONSTRAINT))
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "COMMENT ON CONSTRAINT %s ON %s IS %s",
						 quoted_ident(rel->constraint_name), m->qualified,
						 quote_literal_cstr(psprintf("ormar_pg: foreign key of relation %s.%s",
													 m->name, rel->name)));
		ormar_ddl(sql.data);
	}
}

/* Row estimate for a to-many accessor: rows of TABLE per row of PER. */
static int
rows_estimate(Oid table, Oid per)
{
	HeapTuple	tup;
	float4		n = -1,
				d = -1;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(table));
	if (HeapTupleIsValid(tup))
	{
		n = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(per));
	if (HeapTupleIsValid(tup))
	{
		d = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	if (n > 0 && d > 0)
		return Max(1, Min(1000000, (int) ceil(n / d)));
	return 10;
}

static Oid
create_function(const char *schema, const char *fname, OrmarModel *arg,
				const char *returns, const char *body, const char *comment)
{
	StringInfoData sql;
	char	   *qualified = quote_qualified_identifier(schema, fname);
	Oid			argtype = get_rel_type_id(arg->relid);

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE sql STABLE PARALLEL SAFE AS %s",
					 qualified, arg->qualified, returns, quote_literal_cstr(body));
	ormar_ddl(sql.data);
	resetStringInfo(&sql);
	appendStringInfo(&sql, "COMMENT ON FUNCTION %s(%s) IS %s",
					 qualified, arg->qualified, quote_literal_cstr(comment));
	ormar_ddl(sql.data);
	return LookupFuncName(list_make2(makeString(pstrdup(schema)), makeString(pstrdup(fname))),
						  1, &argtype, false);
}

static Oid
create_view(const char *schema, const char *vname, const char *body,
			const char *comment)
{
	StringInfoData sql;
	char	   *qualified = quote_qualified_identifier(schema, vname);

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE VIEW %s WITH (security_invoker = true) AS %s",
					 qualified, body);
	ormar_ddl(sql.data);
	resetStringInfo(&sql);
	appendStringInfo(&sql, "COMMENT ON VIEW %s IS %s", qualified,
					 quote_literal_cstr(comment));
	ormar_ddl(sql.data);
	return get_relname_relid(vname, get_namespace_oid(schema, false));
}

/* Accessor and view of one direction of a foreign key. */
static void
generate_fk(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	char	   *eq = ormar_operator(t->pk_type, BTEqualStrategyNumber);
	char	   *col = quoted_ident(rel->column_name);
	char	   *desc = psprintf("%s.%s", m->name, rel->name);

	rel->accessor = create_function(m->schema, ormar_shorten(rel->name), m, t->qualified,
									psprintf("SELECT t.* FROM %s t WHERE t.%s %s ($1).%s",
											 t->qualified, quoted_ident(t->pk_name), eq, col),
									psprintf("ormar_pg: accessor of relation %s (%s -> %s)",
											 desc, m->name, t->name));
	if (rel->skip_reverse)
		return;

	rel->reverse_accessor =
		create_function(t->schema, ormar_shorten(rel->related_name), t,
						rel->one_to_one ? m->qualified :
						psprintf("SETOF %s ROWS %d", m->qualified, rows_estimate(m->relid, t->relid)),
						psprintf("SELECT m.* FROM %s m WHERE m.%s %s ($1).%s",
								 m->qualified, col, eq, quoted_ident(t->pk_name)),
						psprintf("ormar_pg: accessor of %s.%s, the reverse side of relation %s",
								 t->name, rel->related_name, desc));
	if (!rel->one_to_one)
		rel->reverse_lookup_view =
			create_view(t->schema, ormar_view_name(t->name, rel->related_name),
						psprintf("SELECT m.%s AS source_pk, m.* FROM %s m WHERE m.%s IS NOT NULL",
								 col, m->qualified, col),
						psprintf("ormar_pg: lookup view of %s.%s, the reverse side of relation %s",
								 t->name, rel->related_name, desc));
}

/* Accessor and view of one direction of a many-to-many, from SELF to OTHER. */
static void
generate_m2m_side(OrmarRel *rel, OrmarModel *self, OrmarModel *other,
				  const char *name, const char *self_col, const char *other_col,
				  List *extras, bool reverse, Oid *accessor, Oid *view)
{
	char	   *through = ormar_qualified_rel(rel->through);
	char	   *eq_self = ormar_operator(self->pk_type, BTEqualStrategyNumber);
	char	   *eq_other = ormar_operator(other->pk_type, BTEqualStrategyNumber);
	char	   *desc = reverse ?
		psprintf("the reverse side of relation %s.%s", get_rel_name(rel->model), rel->name) :
		psprintf("relation %s.%s", self->name, name);
	StringInfoData body;
	ListCell   *lc;

	*accessor = create_function(self->schema, ormar_shorten(name), self,
								psprintf("SETOF %s ROWS %d", other->qualified,
										 rows_estimate(rel->through, self->relid)),
								psprintf("SELECT o.* FROM %s th JOIN %s o ON o.%s %s th.%s"
										 " WHERE th.%s %s ($1).%s",
										 through, other->qualified,
										 quoted_ident(other->pk_name), eq_other,
										 quoted_ident(other_col),
										 quoted_ident(self_col), eq_self,
										 quoted_ident(self->pk_name)),
								psprintf("ormar_pg: accessor of %s.%s, %s",
										 self->name, name, desc));

	initStringInfo(&body);
	appendStringInfo(&body, "SELECT th.%s AS source_pk, o.*", quoted_ident(self_col));
	foreach(lc, extras)
	{
		char	   *x = lfirst(lc);

		appendStringInfo(&body, ", th.%s AS %s", quoted_ident(x),
						 quoted_ident(ormar_shorten(psprintf("through_%s", x))));
	}
	appendStringInfo(&body, " FROM %s th JOIN %s o ON o.%s %s th.%s",
					 through, other->qualified, quoted_ident(other->pk_name),
					 eq_other, quoted_ident(other_col));
	*view = create_view(self->schema, ormar_view_name(self->name, name), body.data,
						psprintf("ormar_pg: lookup view of %s.%s, %s",
								 self->name, name, desc));
}

/*
 * Grants of a generated object that is about to be regenerated, so that a
 * user's GRANT or REVOKE on an accessor or view survives the change of its
 * tables.  NULL when the object keeps the default privileges.
 */
typedef struct SavedAcl
{
	bool		custom;			/* the object had a non-default ACL */
	List	   *privileges;		/* "SELECT", "EXECUTE", ... */
	List	   *grantees;		/* "PUBLIC" or a quoted role [WITH GRANT OPTION] */
} SavedAcl;

static void
save_acl(Oid oid, bool is_function, SavedAcl *acl)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(oid)};

	acl->custom = false;
	acl->privileges = NIL;
	acl->grantees = NIL;
	if (!OidIsValid(oid))
		return;
	ormar_exec(is_function ?
			   "SELECT a.privilege_type, CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'"
			   " ELSE pg_catalog.quote_ident(r.rolname) END, a.is_grantable"
			   " FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a"
			   " LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee"
			   " WHERE p.oid OPERATOR(pg_catalog.=) $1" :
			   "SELECT a.privilege_type, CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'"
			   " ELSE pg_catalog.quote_ident(r.rolname) END, a.is_grantable"
			   " FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a"
			   " LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee"
			   " WHERE c.oid OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false, 0);
	acl->custom = SPI_processed > 0;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		acl->privileges = lappend(acl->privileges, ormar_getstring(i, 1));
		acl->grantees = lappend(acl->grantees,
								psprintf("%s%s", ormar_getstring(i, 2),
										 ormar_getbool(i, 3) ? " WITH GRANT OPTION" : ""));
	}
}

/* Give the regenerated object OID the grants saved from its predecessor. */
static void
restore_acl(Oid oid, bool is_function, SavedAcl *acl)
{
	char	   *object;
	ListCell   *lp,
			   *lg;

	if (!acl->custom || !OidIsValid(oid))
		return;
	object = is_function ? psprintf("FUNCTION %s", format_procedure_qualified(oid)) :
		psprintf("TABLE %s", ormar_qualified_rel(oid));
	ormar_ddl(psprintf("REVOKE ALL ON %s FROM PUBLIC", object));
	forboth(lp, acl->privileges, lg, acl->grantees)
		ormar_ddl(psprintf("GRANT %s ON %s TO %s", (char *) lfirst(lp), object,
						   (char *) lfirst(lg)));
}

/*
 * Create the accessors and lookup views of REL (dropping earlier ones
 * first, keeping their grants), recording their OIDs in REL.  The caller
 * stores REL.
 */
void
ormar_ddl_generate(OrmarRel *rel)
{
	OrmarModel	m,
				t;
	SavedAcl	acl[4];
	int			citus_level;

	ormar_adopt_leftovers(rel);	/* of an earlier life of the relation */
	save_acl(rel->accessor, true, &acl[0]);
	save_acl(rel->reverse_accessor, true, &acl[1]);
	save_acl(rel->lookup_view, false, &acl[2]);
	save_acl(rel->reverse_lookup_view, false, &acl[3]);
	ormar_ddl_drop_generated(rel);
	ormar_model_info(rel->model, &m);
	ormar_model_info(rel->target, &t);
	/* with Citus: on the coordinator only (see ormar_citus_local_ddl_begin) */
	citus_level = ormar_citus_local_ddl_begin();

	if (rel->kind == ORMAR_FOREIGN_KEY)
		generate_fk(rel, &m, &t);
	else
	{
		List	   *extras = ormar_through_extra_columns(rel);

		generate_m2m_side(rel, &m, &t, rel->name, rel->through_column,
						  rel->through_reverse_column, extras, false,
						  &rel->accessor, &rel->lookup_view);
		if (!rel->skip_reverse)
			generate_m2m_side(rel, &t, &m, rel->related_name,
							  rel->through_reverse_column, rel->through_column,
							  extras, true, &rel->reverse_accessor,
							  &rel->reverse_lookup_view);
	}
	restore_acl(rel->accessor, true, &acl[0]);
	restore_acl(rel->reverse_accessor, true, &acl[1]);
	restore_acl(rel->lookup_view, false, &acl[2]);
	restore_acl(rel->reverse_lookup_view, false, &acl[3]);
	ormar_citus_local_ddl_end(citus_level);
}

static void
drop_function(Oid *fn)
{
	if (OidIsValid(*fn) && SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(*fn)))
		ormar_ddl(psprintf("DROP FUNCTION %s", format_procedure_qualified(*fn)));
	*fn = InvalidOid;
}

static void
drop_view(Oid *view)
{
	if (OidIsValid(*view) && get_rel_relkind(*view) == RELKIND_VIEW)
		ormar_ddl(psprintf("DROP VIEW %s", ormar_qualified_rel(*view)));
	*view = InvalidOid;
}

void
ormar_ddl_drop_views(OrmarRel *rel)
{
	drop_view(&rel->lookup_view);
	drop_view(&rel->reverse_lookup_view);
}

/* Drop the accessors and views of REL that still exist. */
void
ormar_ddl_drop_generated(OrmarRel *rel)
{
	drop_function(&rel->accessor);
	drop_function(&rel->reverse_accessor);
	ormar_ddl_drop_views(rel);
}

/*
 * The constraint and index of foreign key REL that it generated (not those
 * it adopted), where they still exist (a user's DROP ... CASCADE may have
 * taken them already).
 */
void
ormar_ddl_drop_fk(OrmarRel *rel)
{
	Oid			nsp;

	if (get_rel_name(rel->model) == NULL)
		return;
	if (rel->constraint_name && !(rel->adopted & ORMAR_ADOPTED_CONSTRAINT) &&
		OidIsValid(get_relation_constraint_oid(rel->model, rel->constraint_name, true)))
		ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", ormar_qualified_rel(rel->model),
						   quoted_ident(rel->constraint_name)));
	nsp = get_rel_namespace(rel->model);
	if (rel->index_name && !(rel->adopted & ORMAR_ADOPTED_INDEX) &&
		OidIsValid(get_relname_relid(rel->index_name, nsp)))
		ormar_ddl(psprintf("DROP INDEX %s",
						   quote_qualified_identifier(get_namespace_name(nsp), rel->index_name)));
}

/*
 * The two foreign keys of a through table's link columns, found by column
 * and referenced table, so renames of either do not matter; adopted ones
 * only with ALL.
 */
static void
drop_link_constraints(OrmarRel *rel, bool all)
{
	Oid			argtypes[4] = {OIDOID, NAMEOID, NAMEOID, OIDARRAYOID};
	Datum		values[4];
	Datum		refs[2] = {ObjectIdGetDatum(rel->model), ObjectIdGetDatum(rel->target)};
	List	   *names = NIL;
	ListCell   *lc;
	char	   *through = ormar_qualified_rel(rel->through);

	values[0] = ObjectIdGetDatum(rel->through);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(rel->through_column));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(rel->through_reverse_column));
	values[3] = PointerGetDatum(construct_array(refs, 2, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
	ormar_exec("SELECT c.conname::pg_catalog.text, a.attname::pg_catalog.text"
			   " FROM pg_catalog.pg_constraint c"
			   " JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid"
			   " AND a.attnum OPERATOR(pg_catalog.=) c.conkey[1]"
			   " WHERE c.conrelid OPERATOR(pg_catalog.=) $1 AND c.contype OPERATOR(pg_catalog.=) 'f'"
			   " AND pg_catalog.array_length(c.conkey, 1) OPERATOR(pg_catalog.=) 1"
			   " AND c.confrelid OPERATOR(pg_catalog.=) ANY ($4)"
			   " AND a.attname OPERATOR(pg_catalog.=) ANY (ARRAY[$2, $3])"
			   " ORDER BY 1",
			   4, argtypes, values, NULL, false, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *col = ormar_getstring(i, 2);

		if (!all && (rel->adopted & (strcmp(col, rel->through_column) == 0 ?
									 ORMAR_ADOPTED_THROUGH_CONSTRAINT :
									 ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT)))
			continue;
		names = lappend(names, ormar_getstring(i, 1));
	}
	foreach(lc, names)
		ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", through,
						   quoted_ident(lfirst(lc))));
}

/*
 * Everything generated for REL: accessors, views, and for a foreign key the
 * constraint and index; with DROP_DATA also the column, or for a
 * many-to-many the through table if the relation created it (or else its
 * rows, link constraints and reversed-pair index).  What REL adopted stays
 * unless DROP_DATA; an adopted pair key of a through table always stays.
 */
void
ormar_ddl_drop_relation_objects(OrmarRel *rel, bool drop_data)
{
	ormar_ddl_drop_generated(rel);
	if (!OidIsValid(rel->target))
		return;					/* pending: nothing was built */

	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		ormar_ddl_drop_fk(rel);
		if (drop_data && get_attnum(rel->model, rel->column_name) != InvalidAttrNumber)
			ormar_ddl(psprintf("ALTER TABLE %s DROP COLUMN %s",
							   ormar_qualified_rel(rel->model), quoted_ident(rel->column_name)));
	}
	else if (OidIsValid(rel->through) && get_rel_name(rel->through) != NULL)
	{
		if (drop_data && rel->through_created)
			ormar_ddl(psprintf("DROP TABLE %s", ormar_qualified_rel(rel->through)));
		else
		{
			drop_link_constraints(rel, drop_data);
			ormar_drop_through_extras(rel, drop_data);
			if (drop_data)
				ormar_ddl(psprintf("DELETE FROM %s", ormar_qualified_rel(rel->through)));
		}
	}
}

/* Has through table RELID a unique index on exactly its two link columns? */
static bool
pair_is_unique(Oid relid, OrmarRel *rel)
{
	Oid			argtypes[3] = {OIDOID, INT2OID, INT2OID};
	Datum		values[3];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = Int16GetDatum(get_attnum(relid, rel->through_column));
	values[2] = Int16GetDatum(get_attnum(relid, rel->through_reverse_column));
	ormar_exec("SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid OPERATOR(pg_catalog.=) $1"
			   " AND i.indisunique AND i.indnkeyatts OPERATOR(pg_catalog.=) 2"
			   " AND i.indpred IS NULL AND i.indexprs IS NULL"
			   " AND $2 OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])"
			   " AND $3 OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])",
			   3, argtypes, values, NULL, false, 1);
	return SPI_processed > 0;
}

/*
 * Every object ormar_pg generated on through table RELID says where it
 * comes from (\d+, pg_description): the table and its pair key when it
 * created them; adopted objects keep their own comments.
 */
static void
comment_through_objects(OrmarRel *rel, OrmarModel *m, Oid relid, const char *qualified,
						char *fk1, char *fk2)
{
	StringInfoData sql;
	const char *cols[] = {rel->through_column, rel->through_reverse_column};
	char	   *fks[] = {fk1, fk2};
	int			adopted[] = {ORMAR_ADOPTED_THROUGH_CONSTRAINT,
	ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT};

	initStringInfo(&sql);
	for (int i = 0; i < 2; i++)
	{
		if (rel->adopted & adopted[i])
			continue;
		resetStringInfo(&sql);
		appendStringInfo(&sql, "COMMENT ON CONSTRAINT %s ON %s IS %s",
						 quoted_ident(fks[i]), qualified,
						 quote_literal_cstr(psprintf("ormar_pg: foreign key of through column %s of relation %s.%s",
													 cols[i], m->name, rel->name)));
		ormar_ddl(sql.data);
	}
	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "COMMENT ON INDEX %s IS %s",
						 quote_qualified_identifier(rel->through_schema, rel->index_name),
						 quote_literal_cstr(psprintf("ormar_pg: reversed link pair of relation %s.%s",
													 m->name, rel->name)));
		ormar_ddl(sql.data);
	}
	if (rel->through_created)
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "COMMENT ON TABLE %s IS %s", qualified,
						 quote_literal_cstr(psprintf("ormar_pg: through table of relation %s.%s",
													 m->name, rel->name)));
		ormar_ddl(sql.data);

		/* the pair key it was created with (named by PostgreSQL, like its index) */
		{
			Relation	r = relation_open(relid, AccessShareLock);
			Oid			pkey = RelationGetPrimaryKeyIndex(r);

			relation_close(r, AccessShareLock);
			resetStringInfo(&sql);
			appendStringInfo(&sql, "COMMENT ON CONSTRAINT %s ON %s IS %s",
							 quoted_ident(get_rel_name(pkey)), qualified,
							 quote_literal_cstr(psprintf("ormar_pg: link pair of relation %s.%s, stored once",
														 m->name, rel->name)));
			ormar_ddl(sql.data);
		}
	}
}

/*
 * The through table of a many-to-many: created if it does not exist (link
 * columns typed as the two keys, extra through_fields, the pair as primary
 * key), or completed if it exists (link columns added, the pair made
 * UNIQUE when the table has a key of its own).  Both link columns reference
 * their model ON DELETE CASCADE ON UPDATE CASCADE, and the reversed pair is
 * indexed.  An existing pair key, link foreign key or index led by the
 * reverse column is adopted instead (see adopt.c).
 */
void
ormar_ddl_through(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	Oid			nsp = get_namespace_oid(rel->through_schema, false);
	Oid			relid = get_relname_relid(rel->through_name, nsp);
	char	   *qualified = quote_qualified_identifier(rel->through_schema, rel->through_name);
	char	   *c1 = quoted_ident(rel->through_column);
	char	   *c2 = quoted_ident(rel->through_reverse_column);
	char	   *mtype = ormar_type_sql(m->pk_type, m->pk_typmod);
	char	   *ttype = ormar_type_sql(t->pk_type, t->pk_typmod);
	char	   *fk1 = ormar_fk_constraint_name(rel->through_name, m->name, m->pk_name,
											   rel->through_column);
	char	   *fk2 = ormar_fk_constraint_name(rel->through_name, t->name, t->pk_name,
											   rel->through_reverse_column);
	StringInfoData sql;

	initStringInfo(&sql);
	if (!OidIsValid(relid))
	{
		appendStringInfo(&sql, "CREATE TABLE %s (%s %s NOT NULL, %s %s NOT NULL",
						 qualified, c1, mtype, c2, ttype);
		if (rel->through_fields)
		{
			List	   *extra = ormar_parse_fields(rel->through_name, rel->through_schema,
												   cstring_to_text(rel->through_fields));
			ListCell   *lc;

			foreach(lc, extra)
			{
				OrmarField *f = lfirst(lc);

				if (f->rel || f->primary_key)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("through field \"%s\" of relation \"%s\" must be a plain column",
									f->name, rel->name),
							 errdetail("Extra through fields cannot be relations or primary keys.")));
				appendStringInfo(&sql, ", %s", ormar_column_sql(f));
			}
		}
		appendStringInfo(&sql, ", PRIMARY KEY (%s, %s))", c1, c2);
		ormar_create_table(sql.data, nsp);
		relid = get_relname_relid(rel->through_name, nsp);
		rel->through_created = true;
	}
	else
	{
		bool		has_pk;
		List	   *clauses = NIL;
		Relation	r = relation_open(relid, AccessShareLock);

		has_pk = OidIsValid(RelationGetPrimaryKeyIndex(r));
		relation_close(r, AccessShareLock);
		/* only what the table lacks: it may hold the data of an earlier declaration */
		if (get_attnum(relid, rel->through_column) == InvalidAttrNumber)
			clauses = lappend(clauses, psprintf("ADD COLUMN %s %s NOT NULL", c1, mtype));
		if (get_attnum(relid, rel->through_reverse_column) == InvalidAttrNumber)
			clauses = lappend(clauses, psprintf("ADD COLUMN %s %s NOT NULL", c2, ttype));
		if (!pair_is_unique(relid, rel))
			clauses = lappend(clauses, psprintf("ADD %s (%s, %s)",
												has_pk ? "UNIQUE" : "PRIMARY KEY", c1, c2));
		else
			rel->adopted |= ORMAR_ADOPTED_THROUGH_KEY;
		{
			ListCell   *lc;

			/* one subcommand per ALTER TABLE (Citus) */
			foreach(lc, clauses)
				ormar_ddl(psprintf("ALTER TABLE %s %s", qualified, (char *) lfirst(lc)));
		}
		rel->through_created = false;
	}
	rel->through = relid;
	/* with Citus: a Citus table like its sides before it references them */
	ormar_citus_prepare_through(rel, relid, m, t);

	/* link foreign keys and the reversed-pair index: adopted when they exist */
	fk1 = ormar_adopt_link_fk(rel, relid, rel->through_column, m, fk1,
							  ORMAR_ADOPTED_THROUGH_CONSTRAINT);
	fk2 = ormar_adopt_link_fk(rel, relid, rel->through_reverse_column, t, fk2,
							  ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT);
	if (!(rel->adopted & ORMAR_ADOPTED_THROUGH_CONSTRAINT))
		ormar_ddl(psprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s",
						   qualified, quoted_ident(fk1), c1, m->qualified, quoted_ident(m->pk_name),
						   ormar_citus_link_actions(relid, rel->through_column)));
	if (!(rel->adopted & ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT))
		ormar_ddl(psprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s",
						   qualified, quoted_ident(fk2), c2, t->qualified, quoted_ident(t->pk_name),
						   ormar_citus_link_actions(relid, rel->through_reverse_column)));

	ormar_adopt_through_index(rel, relid);
	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
	{
		resetStringInfo(&sql);
		appendStringInfo(&sql, "CREATE INDEX %s ON %s (%s, %s)",
						 quoted_ident(rel->index_name), qualified, c2, c1);
		ormar_ddl(sql.data);
	}

	comment_through_objects(rel, m, relid, qualified, fk1, fk2);
}
