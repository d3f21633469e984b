/*-------------------------------------------------------------------------
 * adopt.c
 *	  Adoption (DESIGN §4): a relation declared over tables that already
 *	  hold its foreign-key constraint, its index, a through table's pair
 *	  key or link constraints takes those over instead of generating
 *	  duplicates, and records what it took in ormar.relation.adopted so
 *	  that drop_relation leaves it in place (unless drop_data).
 *
 * What counts as "the same" object:
 *	- a foreign-key constraint on exactly the relation's column referencing
 *	  exactly the target's primary-key column, whatever its name and
 *	  actions (its actions become the relation's; an explicit, different
 *	  ondelete / onupdate is refused with 42710);
 *	- a valid, non-partial btree or hash index whose first key column is
 *	  the relation's column (for one_to_one: a unique index on exactly that
 *	  column); for a through table, led by the reverse link column;
 *	- a through table's primary key or unique constraint on exactly its two
 *	  link columns.
 * A generated name already taken by something that is not adoptable gets
 * the deterministic hashed variant of ormar_hashed_name.
 *
 * Accessors and lookup views that an earlier life of the relation left
 * behind (DROP EXTENSION does not drop them: they are not members) are
 * recognised by name, owner and their ormar_pg comment, and regenerated in
 * place with their grants.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"


#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "miscadmin.h"

#include "parser/parse_func.h"

#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "adopt.h"
#include "naming.h"
#include "spi_util.h"
#include "tables.h"

/* SQL spelling of a pg_constraint action code, NULL for NO ACTION (the default). */
static const char *
action_name(char code)
{
	switch (code)
	{
		case 'r':
			return "RESTRICT";
		case 'c':
			return "CASCADE";
		case 'n':
			return "SET NULL";
		case 'd':
			return "SET DEFAULT";
		default:
			return NULL;
	}
}

/* Do a requested action (NULL: not given) and an existing one (NULL: NO ACTION) differ? */
static bool
action_differs(const char *requested, const char *existing)
{
	if (requested == NULL)
		return false;
	if (existing == NULL)
		return strcmp(requested, "NO ACTION") != 0;
	return strcmp(requested, existing) != 0;
}

/*
 * The first candidate of ormar_hashed_name(NAME) that is free: not the name
 * of a constraint of table RELID, or (RELID invalid) of a relation in
 * schema NSP.  A generated name taken by something not adoptable moves
 * aside to a deterministic variant instead of failing.
 */
static char *
free_name(Oid relid, Oid nsp, const char *name)
{
	for (int attempt = 0;; attempt++)
	{
		char	   *candidate = ormar_hashed_name(name, attempt);

		if (OidIsValid(relid) ?
			!OidIsValid(get_relation_constraint_oid(relid, candidate, true)) :
			!OidIsValid(get_relname_relid(candidate, nsp)))
			return candidate;
	}
}

/*
 * Decide, for foreign key REL from M to T, which constraint and index it
 * uses: an existing fitting one (flagged adopted; an adopted constraint's
 * actions become REL's, 42710 if explicit ones differ) or the generated
 * name, hashed when taken.  Sets REL's constraint_name and index_name.
 */
void
ormar_adopt_fk(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	AttrNumber	attnum = get_attnum(m->relid, rel->column_name);
	char	   *conname = NULL;
	char	   *index = NULL;

	rel->adopted &= ~(ORMAR_ADOPTED_CONSTRAINT | ORMAR_ADOPTED_INDEX);
	if (attnum != InvalidAttrNumber)
	{
		char		deltype,
					updtype;

		conname = ormar_first_foreign_key(m->relid, attnum, t->relid, t->pk_attnum,
										  &deltype, &updtype);
		if (conname)
		{
			const char *del = action_name(deltype);
			const char *upd = action_name(updtype);

			if (action_differs(rel->ondelete, del) || action_differs(rel->onupdate, upd))
			{
				bool		on_delete = action_differs(rel->ondelete, del);

				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("foreign key \"%s\" of table \"%s\" already exists with ON %s %s",
								conname, m->name, on_delete ? "DELETE" : "UPDATE",
								on_delete ? (del ? del : "NO ACTION") : (upd ? upd : "NO ACTION")),
						 errdetail("Relation \"%s.%s\" adopts the existing constraint on column \"%s\", but %s => '%s' was given.",
								   m->name, rel->name, rel->column_name,
								   on_delete ? "ondelete" : "onupdate",
								   on_delete ? rel->ondelete : rel->onupdate),
						 errhint("Leave %s unset to adopt the constraint as it is, or drop the constraint first.",
								 on_delete ? "ondelete" : "onupdate")));
			}
			rel->ondelete = del ? pstrdup(del) : NULL;
			rel->onupdate = upd ? pstrdup(upd) : NULL;
			rel->adopted |= ORMAR_ADOPTED_CONSTRAINT;
		}
		index = ormar_find_fk_index(m->relid, attnum, rel->one_to_one);
		if (index)
			rel->adopted |= ORMAR_ADOPTED_INDEX;
	}
	rel->constraint_name = conname ? conname :
		free_name(m->relid, InvalidOid,
				  ormar_fk_constraint_name(m->name, t->name, t->pk_name, rel->name));
	rel->index_name = index ? index :
		free_name(InvalidOid, get_rel_namespace(m->relid),
				  ormar_index_name(m->name, rel->column_name));
}

/*
 * The constraint to use for through table THROUGH's link COLUMN to model
 * REF: an existing foreign key to REF's key (FLAG set in REL's adopted), or
 * GENERATED, hashed when the table already has a constraint of that name.
 */
char *
ormar_adopt_link_fk(OrmarRel *rel, Oid through, const char *column,
					OrmarModel *ref, const char *generated, int flag)
{
	AttrNumber	attnum = get_attnum(through, column);
	char	   *conname;

	rel->adopted &= ~flag;
	conname = attnum == InvalidAttrNumber ? NULL :
		ormar_first_foreign_key(through, attnum, ref->relid, ref->pk_attnum, NULL, NULL);
	if (conname)
	{
		rel->adopted |= flag;
		return conname;
	}
	return free_name(through, InvalidOid, generated);
}

/*
 * The index on through table THROUGH led by its reverse link column (the
 * pair key serves the other direction): an existing one (adopted) or the
 * generated name, hashed when taken.  Sets REL's index_name.
 */
void
ormar_adopt_through_index(OrmarRel *rel, Oid through)
{
	AttrNumber	attnum = get_attnum(through, rel->through_reverse_column);
	char	   *index = ormar_find_fk_index(through, attnum, false);

	rel->adopted &= ~ORMAR_ADOPTED_INDEX;
	if (index)
	{
		rel->adopted |= ORMAR_ADOPTED_INDEX;
		rel->index_name = index;
		return;
	}
	rel->index_name = free_name(InvalidOid, get_rel_namespace(through),
								ormar_index_name(rel->through_name,
												 psprintf("%s_%s", rel->through_reverse_column,
														  rel->through_column)));
}

/*
 * On drop_relation of many-to-many REL over a through table it did not
 * create (or keeps): drop the reversed-pair index it generated (with
 * DROP_DATA also an adopted one), and a pair key it added to the table.
 */
void
ormar_drop_through_extras(OrmarRel *rel, bool drop_data)
{
	Oid			nsp = get_rel_namespace(rel->through);
	char	   *through = ormar_qualified_rel(rel->through);

	if (rel->index_name && (drop_data || !(rel->adopted & ORMAR_ADOPTED_INDEX)) &&
		OidIsValid(get_relname_relid(rel->index_name, nsp)) &&
		get_rel_relkind(get_relname_relid(rel->index_name, nsp)) == RELKIND_INDEX)
		ormar_ddl(psprintf("DROP INDEX %s",
						   quote_qualified_identifier(get_namespace_name(nsp), rel->index_name)));

	if (!rel->through_created && !(rel->adopted & ORMAR_ADOPTED_THROUGH_KEY))
	{
		char	   *conname = ormar_pair_key(rel->through,
											 get_attnum(rel->through, rel->through_column),
											 get_attnum(rel->through, rel->through_reverse_column),
											 NULL, NULL);

		if (conname)
			ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", through,
							   quote_identifier(conname)));
	}
}

/*
 * A function or view that an earlier life of this relation generated and
 * left behind: its ormar_pg comment starts with PREFIX, which names the
 * side it served (two relations' views can share a name: x_.y and x._y
 * both give x___y), it belongs to the current user, and it is not a
 * generated object of any relation in the catalog (read with a fresh
 * snapshot: a relation stored earlier in this call counts).
 */
static bool
is_leftover(Oid oid, Oid classid, Oid owner, const char *prefix)
{
	char	   *comment = GetComment(oid, classid, 0);
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(oid)};

	if (comment == NULL || strncmp(comment, prefix, strlen(prefix)) != 0 ||
		owner != GetUserId())
		return false;
	ormar_exec("SELECT 1 FROM ormar.relation r WHERE $1 OPERATOR(pg_catalog.=) ANY (ARRAY["
			   "r.accessor::pg_catalog.oid, r.reverse_accessor::pg_catalog.oid,"
			   " r.lookup_view::pg_catalog.oid, r.reverse_lookup_view::pg_catalog.oid])",
			   1, argtypes, values, NULL, false, 1);
	return SPI_processed == 0;
}

/* A left-over accessor SCHEMA.NAME(MODEL) commented PREFIX..., or InvalidOid. */
static Oid
leftover_function(const char *schema, const char *name, Oid model, const char *prefix)
{
	Oid			argtype = get_rel_type_id(model);
	Oid			fn = LookupFuncName(list_make2(makeString(pstrdup(schema)),
											   makeString(pstrdup(name))),
									1, &argtype, true);

	if (!OidIsValid(fn))
		return InvalidOid;
	return is_leftover(fn, ProcedureRelationId, ormar_object_owner(fn, true), prefix) ?
		fn : InvalidOid;
}

/* A left-over lookup view SCHEMA.NAME of SIDE ("model.relation"), or InvalidOid. */
static Oid
leftover_view(const char *schema, const char *name, const char *side)
{
	Oid			nsp = get_namespace_oid(schema, false);
	Oid			view = get_relname_relid(name, nsp);

	if (!OidIsValid(view) || get_rel_relkind(view) != RELKIND_VIEW)
		return InvalidOid;
	return is_leftover(view, RelationRelationId, ormar_object_owner(view, false),
					   psprintf("ormar_pg: lookup view of %s, ", side)) ? view : InvalidOid;
}

/*
 * Before REL's accessors and views are generated for the first time: take
 * as its own those an earlier life of the same relation left behind (after
 * DROP EXTENSION and CREATE EXTENSION), so that they are regenerated in
 * place, keeping their grants, instead of clashing.
 */
void
ormar_adopt_leftovers(OrmarRel *rel)
{
	OrmarModel	m,
				t;
	char	   *fwd,
			   *rev;

	if (OidIsValid(rel->accessor) || OidIsValid(rel->reverse_accessor) ||
		OidIsValid(rel->lookup_view) || OidIsValid(rel->reverse_lookup_view))
		return;
	ormar_model_info(rel->model, &m);
	ormar_model_info(rel->target, &t);
	fwd = psprintf("%s.%s", m.name, rel->name);
	rev = psprintf("%s.%s", t.name, rel->related_name);
	/* the comments ddl.c gives them, up to what names their side */
	rel->accessor = leftover_function(m.schema, ormar_shorten(rel->name), m.relid,
									  rel->kind == ORMAR_FOREIGN_KEY ?
									  psprintf("ormar_pg: accessor of relation %s (", fwd) :
									  psprintf("ormar_pg: accessor of %s, ", fwd));
	if (rel->kind == ORMAR_MANY_TO_MANY)
		rel->lookup_view = leftover_view(m.schema, ormar_view_name(m.name, rel->name), fwd);
	if (rel->skip_reverse)
		return;
	rel->reverse_accessor = leftover_function(t.schema, ormar_shorten(rel->related_name), t.relid,
											  psprintf("ormar_pg: accessor of %s, ", rev));
	if (rel->kind == ORMAR_MANY_TO_MANY || !rel->one_to_one)
		rel->reverse_lookup_view = leftover_view(t.schema, ormar_view_name(t.name, rel->related_name),
												 rev);
}
