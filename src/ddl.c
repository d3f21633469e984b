/*-------------------------------------------------------------------------
 * ddl.c
 *	  Build and run the DDL of a validated relation: foreign-key columns,
 *	  constraints and indexes, through tables, accessor functions and lookup
 *	  views, and their drops.  Validation happens before (relation.c) and
 *	  the catalog is written after; nothing here decides whether to build.
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

#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "parser/parse_func.h"
#include "access/stratnum.h"

#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "utils/syscache.h"


#include "adopt.h"
#include "citus.h"
#include "ddl.h"
#include "fields.h"
#include "naming.h"

#include "spi_util.h"
#include "tables.h"

/* quote_identifier, for the many identifiers of generated statements. */
static char *
quoted_ident(const char *s)
{
	return (char *) quote_identifier(s);
}

/*
 * COMMENT ON OBJECT IS TEXT: every object ormar_pg generates says where it
 * comes from (\d+, pg_description), and adoption recognises left-over
 * accessors and views by it.
 */
static void
comment_on(const char *object, const char *text)
{
	ormar_ddl(psprintf("COMMENT ON %s IS %s", object, quote_literal_cstr(text)));
}

/* " ON DELETE ... ON UPDATE ..." of foreign key REL as declared ("" for the defaults). */
char *
ormar_ddl_fk_actions(OrmarRel *rel)
{
	return psprintf("%s%s%s%s", rel->ondelete ? " ON DELETE " : "", rel->ondelete ? rel->ondelete : "",
					rel->onupdate ? " ON UPDATE " : "", rel->onupdate ? rel->onupdate : "");
}

/*
 * Add foreign key NAME of table RELID on COLUMN to the key of REF, with
 * ACTIONS (" ON DELETE ..."), alone in its ALTER TABLE: Citus wants ADD
 * CONSTRAINT alone.
 */
void
ormar_ddl_add_fk(Oid relid, const char *name, const char *column, OrmarModel *ref,
				 const char *actions)
{
	ormar_ddl(psprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s",
					   ormar_qualified_rel(relid), quoted_ident(name), quoted_ident(column),
					   ref->qualified, quoted_ident(ref->pk_name), actions));
}

/*
 * Foreign key objects on the model: the column (added, or made NOT NULL
 * when the model already has it), and the constraint and the index on the
 * referencing column unless REL adopted existing ones (ormar_adopt_fk
 * decided, with their names, before).
 */
void
ormar_ddl_fk_objects(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	AttrNumber	attnum = get_attnum(m->relid, rel->column_name);
	char	   *desc = psprintf("%s.%s", m->name, rel->name);

	if (attnum == InvalidAttrNumber)
		ormar_ddl(psprintf("ALTER TABLE %s ADD COLUMN %s %s%s", m->qualified,
						   quoted_ident(rel->column_name),
						   ormar_type_sql(t->pk_type, t->pk_typmod),
						   rel->nullable ? "" : " NOT NULL"));
	else if (!rel->nullable && !ormar_attnotnull(m->relid, attnum))
		ormar_ddl(psprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL",
						   m->qualified, quoted_ident(rel->column_name)));
	if (!(rel->adopted & ORMAR_ADOPTED_CONSTRAINT))
		ormar_ddl_add_fk(m->relid, rel->constraint_name, rel->column_name, t,
						 ormar_ddl_fk_actions(rel));
	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
	{
		ormar_ddl(psprintf("CREATE %sINDEX %s ON %s (%s)",
						   rel->one_to_one ? "UNIQUE " : "",
						   quoted_ident(rel->index_name), m->qualified,
						   quoted_ident(rel->column_name)));
		comment_on(psprintf("INDEX %s", quote_qualified_identifier(m->schema, rel->index_name)),
				   psprintf("ormar_pg: index of foreign key of relation %s", desc));
	}
	/*
	 * The constraint gets no comment: when the target's owner retypes its
	 * key, PostgreSQL rebuilds the constraint and its comment, and
	 * commenting needs ownership of this table, which that role may lack.
	 */
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

/*
 * Create accessor SCHEMA.FNAME(ARG's row type) RETURNS RETURNS as the SQL
 * function BODY, inlinable (see the top of this file), with COMMENT; its OID.
 */
static Oid
create_function(const char *schema, const char *fname, OrmarModel *arg,
				const char *returns, const char *body, const char *comment)
{
	char	   *qualified = quote_qualified_identifier(schema, fname);
	Oid			argtype = get_rel_type_id(arg->relid);

	ormar_ddl(psprintf("CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE sql STABLE PARALLEL SAFE AS %s",
					   qualified, arg->qualified, returns, quote_literal_cstr(body)));
	comment_on(psprintf("FUNCTION %s(%s)", qualified, arg->qualified), comment);
	return LookupFuncName(list_make2(makeString(pstrdup(schema)), makeString(pstrdup(fname))),
						  1, &argtype, false);
}

/*
 * Create lookup view SCHEMA.VNAME as BODY, with the querying user's
 * privileges and row security (security_invoker), and COMMENT; its OID.
 */
static Oid
create_view(const char *schema, const char *vname, const char *body,
			const char *comment)
{
	char	   *qualified = quote_qualified_identifier(schema, vname);

	ormar_ddl(psprintf("CREATE VIEW %s WITH (security_invoker = true) AS %s",
					   qualified, body));
	comment_on(psprintf("VIEW %s", qualified), comment);
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
 * tables.  An object that keeps the default privileges (a NULL ACL) is not
 * the same as one whose grants were all revoked (an empty ACL).
 */
typedef struct SavedAcl
{
	bool		is_default;		/* NULL ACL: the defaults, nothing to restore */
	List	   *privileges;		/* "SELECT", "EXECUTE", ... */
	List	   *grantees;		/* "PUBLIC" or a quoted role [WITH GRANT OPTION] */
} SavedAcl;

/* Save the grants of accessor (IS_FUNCTION) or view OID, if it exists, into ACL. */
static void
save_acl(Oid oid, bool is_function, SavedAcl *acl)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(oid)};

	acl->is_default = true;
	acl->privileges = NIL;
	acl->grantees = NIL;
	if (!OidIsValid(oid))
		return;
	/* one row per grant, or one row of NULLs for an empty or NULL ACL */
	ormar_exec(is_function ?
			   "SELECT p.proacl IS NULL, a.privilege_type, CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0"
			   " THEN 'PUBLIC' ELSE pg_catalog.quote_ident(r.rolname) END, a.is_grantable"
			   " FROM pg_catalog.pg_proc p LEFT JOIN LATERAL pg_catalog.aclexplode(p.proacl) a ON true"
			   " LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee"
			   " WHERE p.oid OPERATOR(pg_catalog.=) $1" :
			   "SELECT c.relacl IS NULL, a.privilege_type, CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0"
			   " THEN 'PUBLIC' ELSE pg_catalog.quote_ident(r.rolname) END, a.is_grantable"
			   " FROM pg_catalog.pg_class c LEFT JOIN LATERAL pg_catalog.aclexplode(c.relacl) a ON true"
			   " LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee"
			   " WHERE c.oid OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false, 0);
	if (SPI_processed == 0 || ormar_getbool(0, 1))
		return;
	acl->is_default = false;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *privilege = ormar_getstring(i, 2);

		if (privilege == NULL)
			continue;			/* an empty ACL: nothing granted */
		acl->privileges = lappend(acl->privileges, privilege);
		acl->grantees = lappend(acl->grantees,
								psprintf("%s%s", ormar_getstring(i, 3),
										 ormar_getbool(i, 4) ? " WITH GRANT OPTION" : ""));
	}
}

/*
 * Give the regenerated object OID the grants saved from its predecessor:
 * everything revoked, from PUBLIC and from its owner too, then each saved
 * grant given again (the owner's own among them, unless it had revoked them).
 */
static void
restore_acl(Oid oid, bool is_function, SavedAcl *acl)
{
	char	   *object;
	Oid			owner;
	ListCell   *lp,
			   *lg;

	if (acl->is_default || !OidIsValid(oid))
		return;
	object = is_function ? psprintf("FUNCTION %s", format_procedure_qualified(oid)) :
		psprintf("TABLE %s", ormar_qualified_rel(oid));
	owner = ormar_object_owner(oid, is_function);
	ormar_ddl(psprintf("REVOKE ALL ON %s FROM PUBLIC, %s", object,
					   quote_identifier(GetUserNameFromId(owner, false))));
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

/*
 * Drop accessor *FN if it still exists (a user's DROP may have taken it)
 * and forget it.
 */
static void
drop_function(Oid *fn)
{
	if (OidIsValid(*fn) && SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(*fn)))
		ormar_ddl(psprintf("DROP FUNCTION %s", format_procedure_qualified(*fn)));
	*fn = InvalidOid;
}

/* Drop lookup view *VIEW if it still exists, and forget it. */
static void
drop_view(Oid *view)
{
	if (OidIsValid(*view) && get_rel_relkind(*view) == RELKIND_VIEW)
		ormar_ddl(psprintf("DROP VIEW %s", ormar_qualified_rel(*view)));
	*view = InvalidOid;
}

/*
 * Drop the lookup views of REL: they list the columns of its tables and
 * would block a column's drop or type change.
 */
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
 * Drop the foreign keys of a through table's link columns to either side,
 * found by column and referenced table, so renames of either do not
 * matter; those REL adopted only with ALL.
 */
static void
drop_link_constraints(OrmarRel *rel, bool all)
{
	const char *cols[2] = {rel->through_column, rel->through_reverse_column};
	int			adopted[2] = {ORMAR_ADOPTED_THROUGH_CONSTRAINT,
	ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT};
	List	   *fks = NIL;
	ListCell   *lc;

	for (int i = 0; i < 2; i++)
	{
		AttrNumber	attnum = get_attnum(rel->through, cols[i]);

		if (attnum == InvalidAttrNumber || (!all && (rel->adopted & adopted[i])))
			continue;
		fks = list_concat(fks, ormar_foreign_keys(rel->through, attnum, rel->model,
												  InvalidAttrNumber));
		if (rel->target != rel->model)
			fks = list_concat(fks, ormar_foreign_keys(rel->through, attnum, rel->target,
													  InvalidAttrNumber));
	}
	foreach(lc, fks)
		ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", ormar_qualified_rel(rel->through),
						   quoted_ident(get_constraint_name(lfirst_oid(lc)))));
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

/*
 * Every object ormar_pg generated on through table RELID says where it
 * comes from (\d+, pg_description): the table and its pair key when it
 * created them, the reversed pair's index; adopted objects keep their own
 * comments.  The two foreign keys get none, for the reason given in
 * ormar_ddl_fk_objects.
 */
static void
comment_through_objects(OrmarRel *rel, OrmarModel *m, Oid relid, const char *qualified)
{
	char	   *desc = psprintf("%s.%s", m->name, rel->name);

	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
		comment_on(psprintf("INDEX %s", quote_qualified_identifier(rel->through_schema,
																  rel->index_name)),
				   psprintf("ormar_pg: reversed link pair of relation %s", desc));
	if (rel->through_created)
	{
		comment_on(psprintf("TABLE %s", qualified),
				   psprintf("ormar_pg: through table of relation %s", desc));
		/* the pair key it was created with (named by PostgreSQL, like its index) */
		comment_on(psprintf("CONSTRAINT %s ON %s",
							quoted_ident(get_rel_name(ormar_primary_key_index(relid))), qualified),
				   psprintf("ormar_pg: link pair of relation %s, stored once", desc));
	}
}

/*
 * Create the missing through table of REL, named by REL: the link columns
 * typed as the two keys, the extra through_fields, the pair as primary key.
 */
static Oid
create_through_table(OrmarRel *rel, OrmarModel *m, OrmarModel *t, const char *qualified)
{
	Oid			nsp = get_namespace_oid(rel->through_schema, false);
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE TABLE %s (%s %s NOT NULL, %s %s NOT NULL",
					 qualified, quoted_ident(rel->through_column),
					 ormar_type_sql(m->pk_type, m->pk_typmod),
					 quoted_ident(rel->through_reverse_column),
					 ormar_type_sql(t->pk_type, t->pk_typmod));
	if (rel->through_fields)
	{
		ListCell   *lc;

		foreach(lc, ormar_through_fields(rel))
			appendStringInfo(&sql, ", %s", ormar_column_sql(lfirst(lc)));
	}
	appendStringInfo(&sql, ", PRIMARY KEY (%s, %s))", quoted_ident(rel->through_column),
					 quoted_ident(rel->through_reverse_column));
	ormar_create_table(sql.data, nsp);
	rel->through_created = true;
	return get_relname_relid(rel->through_name, nsp);
}

/*
 * Complete existing through table RELID of REL with only what it lacks (it
 * may hold the data of an earlier declaration): the link columns, and the
 * pair as primary key, or as UNIQUE when the table has a key of its own.  A
 * unique index on the pair already there is adopted.
 */
static void
complete_through_table(OrmarRel *rel, OrmarModel *m, OrmarModel *t, Oid relid,
					   const char *qualified)
{
	char	   *c1 = quoted_ident(rel->through_column);
	char	   *c2 = quoted_ident(rel->through_reverse_column);
	List	   *clauses = NIL;
	ListCell   *lc;

	if (get_attnum(relid, rel->through_column) == InvalidAttrNumber)
		clauses = lappend(clauses, psprintf("ADD COLUMN %s %s NOT NULL", c1,
											ormar_type_sql(m->pk_type, m->pk_typmod)));
	if (get_attnum(relid, rel->through_reverse_column) == InvalidAttrNumber)
		clauses = lappend(clauses, psprintf("ADD COLUMN %s %s NOT NULL", c2,
											ormar_type_sql(t->pk_type, t->pk_typmod)));
	if (ormar_pair_is_unique(relid, get_attnum(relid, rel->through_column),
							 get_attnum(relid, rel->through_reverse_column)))
		rel->adopted |= ORMAR_ADOPTED_THROUGH_KEY;
	else
		clauses = lappend(clauses, psprintf("ADD %s (%s, %s)",
											OidIsValid(ormar_primary_key_index(relid)) ?
											"UNIQUE" : "PRIMARY KEY", c1, c2));
	/* one subcommand per ALTER TABLE (Citus) */
	foreach(lc, clauses)
		ormar_ddl(psprintf("ALTER TABLE %s %s", qualified, (char *) lfirst(lc)));
	rel->through_created = false;
}

/*
 * The foreign key of through table RELID's link COLUMN to model REF, named
 * GENERATED: an existing one is adopted (FLAG in REL's adopted), else it is
 * created ON DELETE CASCADE ON UPDATE CASCADE (as Citus allows).
 */
static void
link_fk(OrmarRel *rel, Oid relid, const char *column, OrmarModel *ref,
		const char *generated, int flag)
{
	char	   *name = ormar_adopt_link_fk(rel, relid, column, ref, generated, flag);

	if (!(rel->adopted & flag))
		ormar_ddl_add_fk(relid, name, column, ref, ormar_citus_link_actions(relid, column));
}

/*
 * The through table of a many-to-many: created if it does not exist, or
 * completed if it exists; both link columns reference their model, and the
 * reversed pair is indexed.  An existing pair key, link foreign key or index
 * led by the reverse column is adopted instead (see adopt.c).
 */
void
ormar_ddl_through(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	Oid			relid = get_relname_relid(rel->through_name,
										  get_namespace_oid(rel->through_schema, false));
	char	   *qualified = quote_qualified_identifier(rel->through_schema, rel->through_name);

	if (OidIsValid(relid))
		complete_through_table(rel, m, t, relid, qualified);
	else
		relid = create_through_table(rel, m, t, qualified);
	rel->through = relid;
	/* with Citus: a Citus table like its sides before it references them */
	ormar_citus_prepare_through(rel, relid, m, t);

	link_fk(rel, relid, rel->through_column, m,
			ormar_fk_constraint_name(rel->through_name, m->name, m->pk_name,
									 rel->through_column),
			ORMAR_ADOPTED_THROUGH_CONSTRAINT);
	link_fk(rel, relid, rel->through_reverse_column, t,
			ormar_fk_constraint_name(rel->through_name, t->name, t->pk_name,
									 rel->through_reverse_column),
			ORMAR_ADOPTED_THROUGH_REVERSE_CONSTRAINT);

	ormar_adopt_through_index(rel, relid);
	if (!(rel->adopted & ORMAR_ADOPTED_INDEX))
		ormar_ddl(psprintf("CREATE INDEX %s ON %s (%s, %s)",
						   quoted_ident(rel->index_name), qualified,
						   quoted_ident(rel->through_reverse_column),
						   quoted_ident(rel->through_column)));

	comment_through_objects(rel, m, relid, qualified);
}
