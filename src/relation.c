/*-------------------------------------------------------------------------
 * relation.c
 *	  Declaring relations: ormar.foreign_key, ormar.many_to_many,
 *	  ormar.drop_relation, ormar.update_forward_refs, and the building of
 *	  pending relations once their target model exists.
 *
 * A declaration is validated in full (names, clashes, options, ownership)
 * before anything is created; any error aborts the whole call.  A relation
 * whose target is not a model yet is recorded as pending and builds nothing.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"


#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"

#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "cache.h"
#include "adopt.h"
#include "clash.h"
#include "citus.h"
#include "ddl.h"
#include "fields.h"
#include "keys.h"
#include "naming.h"
#include "ormar_pg.h"
#include "relation.h"

#include "tables.h"

static void refresh_table(Oid relid, OrmarRel *skip);

PG_FUNCTION_INFO_V1(ormar_foreign_key);
PG_FUNCTION_INFO_V1(ormar_many_to_many);
PG_FUNCTION_INFO_V1(ormar_drop_relation);
PG_FUNCTION_INFO_V1(ormar_update_forward_refs);

/*
 * The role to act as for REL's generated objects: the owner of its accessor
 * while it has one (regenerated objects keep their owner), else the role
 * that declared it, else (that role dropped) the owner of its model.
 */
Oid
ormar_relation_role(OrmarRel *rel)
{
	Oid			role = InvalidOid;

	if (OidIsValid(rel->accessor))
		role = ormar_object_owner(rel->accessor, true);
	if (!OidIsValid(role) && OidIsValid(rel->declared_by) &&
		SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(rel->declared_by)))
		role = rel->declared_by;
	if (!OidIsValid(role))
		role = ormar_object_owner(rel->model, false);
	return OidIsValid(role) ? role : GetUserId();
}

/* The model named SCHEMA.NAME, or InvalidOid if there is none (yet). */
Oid
ormar_target_model(const char *schema, const char *name)
{
	Oid			nsp = get_namespace_oid(schema, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;

	return OidIsValid(relid) && ormar_is_model(relid) ? relid : InvalidOid;
}

/* 42P16 if MODEL is the through table of a many-to-many relation. */
void
ormar_check_not_through(Oid model)
{
	char	   *rmodel,
			   *rname;

	if (ormar_through_of(model, &rmodel, &rname))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("model \"%s\" is the through table of relation \"%s.%s\"",
						get_rel_name(model), rmodel, rname),
				 errdetail("A through model may hold extra columns, never relations.")));
}

/*
 * Lock the tables of REL (model, target, through table if it exists yet)
 * before any of its objects change, in OID order: a concurrent proxy call
 * locks the same tables in the same order (see ormar_lock_tables), so the
 * two never deadlock, and the call sees the relation either before or after
 * this transaction.  Dropping takes AccessExclusiveLock on every table (as
 * dropping a foreign key does); building takes it on the table that gets
 * columns (the model of a foreign key, the through table) and, as ADD
 * FOREIGN KEY does, ShareRowExclusiveLock on the tables referenced, which
 * plain readers pass.
 */
static void
lock_relation_tables(OrmarRel *rel, bool dropping)
{
	Oid			through = rel->through;
	Oid			oids[3];
	LOCKMODE	modes[3];
	int			n = 0;

	if (!OidIsValid(through) && rel->through_name)
	{
		Oid			nsp = get_namespace_oid(rel->through_schema, true);

		if (OidIsValid(nsp))
			through = get_relname_relid(rel->through_name, nsp);
	}
	oids[n] = rel->model;
	modes[n++] = dropping || rel->kind == ORMAR_FOREIGN_KEY ?
		AccessExclusiveLock : ShareRowExclusiveLock;
	oids[n] = rel->target;
	modes[n++] = dropping ? AccessExclusiveLock : ShareRowExclusiveLock;
	oids[n] = through;
	modes[n++] = AccessExclusiveLock;

	/* three entries: sort by OID, the stronger mode where one table repeats */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (oids[j] < oids[i] || (oids[j] == oids[i] && modes[j] > modes[i]))
			{
				Oid			o = oids[i];
				LOCKMODE	m = modes[i];

				oids[i] = oids[j];
				modes[i] = modes[j];
				oids[j] = o;
				modes[j] = m;
			}
	for (int i = 0; i < n; i++)
		if (OidIsValid(oids[i]) && (i == 0 || oids[i] != oids[i - 1]))
			LockRelationOid(oids[i], modes[i]);
}

/*
 * An existing table may be the through table of REL only if it has no
 * relations of its own, is the declarer's, serves no other relation, and
 * no through_fields are given for it (they are for a created table).
 */
static void
check_existing_through(OrmarRel *rel, Oid relid)
{
	char	   *umodel,
			   *uname;

	if (rel->through_fields)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("through_fields cannot be given for existing through table \"%s\"",
						rel->through_name),
				 errhint("Add the columns to the through table itself.")));
	if (relid == rel->model || relid == rel->target)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("model \"%s\" cannot be the through table of relation \"%s.%s\"",
						rel->through_name, get_rel_name(rel->model), rel->name),
				 errdetail("It is the relation's own %s model.",
						   relid == rel->model ? "source" : "target"),
				 errhint("Give relation \"%s\" a through table of its own.", rel->name)));
	if (ormar_is_model(relid) &&
		(ormar_relations_from(relid) != NIL || ormar_relations_to(relid) != NIL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("model \"%s\" cannot be the through table of relation \"%s.%s\"",
						rel->through_name, get_rel_name(rel->model), rel->name),
				 errdetail("A through model may hold extra columns, never relations.")));
	ormar_check_owner(relid);
	if (ormar_through_of(relid, &umodel, &uname))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("table \"%s\" is already the through table of relation \"%s.%s\"",
						rel->through_name, umodel, uname),
				 errhint("Give relation \"%s\" a through table of its own.", rel->name)));
}

/*
 * 42804 when foreign key REL's column already exists on M with a type other
 * than the key type of T: the relation adopts an existing column only as it
 * would have created it.
 */
static void
check_fk_column(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	AttrNumber	attnum = get_attnum(m->relid, rel->column_name);
	Oid			coltype;
	int32		coltypmod;
	Oid			colcoll;

	if (attnum == InvalidAttrNumber)
		return;
	get_atttypetypmodcoll(m->relid, attnum, &coltype, &coltypmod, &colcoll);
	if (coltype != t->pk_type || coltypmod != t->pk_typmod)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is of type %s, but the key of model \"%s\" is of type %s",
						rel->column_name, m->name, format_type_with_typemod(coltype, coltypmod),
						t->name, format_type_with_typemod(t->pk_type, t->pk_typmod)),
				 errhint("Use column_name to give the relation another column, or change the column's type.")));
}

/*
 * 42501 when the new column COLUMN of table TABLE would take its type,
 * TYPID (the key type of model MODEL_NAME), from a role that does not have
 * the privileges of the role building the relation: filling the column would
 * run that role's code (a domain's CHECK or default) with the builder's
 * privileges.  This matters most for a pending relation, built when another
 * role defines its target, but holds for every build; a column that exists
 * already is the owner's own choice and is adopted as it is.
 */
static void
check_new_column_type(Oid typid, const char *model_name, const char *table,
					  const char *column)
{
	Oid			owner = ormar_untrusted_type_owner(typid);

	if (OidIsValid(owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the key of model \"%s\" is of type %s, which depends on a type of role \"%s\"",
						model_name, format_type_be(typid), GetUserNameFromId(owner, false)),
				 errdetail("Column \"%s\" of table \"%s\" would run code that role \"%s\" controls with the privileges of role \"%s\".",
						   column, table, GetUserNameFromId(owner, false),
						   GetUserNameFromId(GetUserId(), false)),
				 errhint("To accept the type, add the column with it yourself; the relation then adopts the column.")));
}

/*
 * Build a relation whose target exists: check the reverse name, create the
 * foreign key or the through table, the accessors and views, and record it.
 */
static void
build_relation(OrmarRel *rel)
{
	OrmarModel	m,
				t;
	bool		self_ref = rel->model == rel->target;

	lock_relation_tables(rel, false);
	ormar_model_info(rel->model, &m);
	ormar_model_info(rel->target, &t);
	ormar_check_not_through(rel->target);
	ormar_citus_check_relation(rel, &m, &t);

	if (!rel->skip_reverse)
	{
		if (self_ref && strcmp(rel->related_name, rel->name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("name \"%s\" is already used on model \"%s\"", rel->name, m.name),
					 errdetail("The reverse side \"%s\" of relation \"%s.%s\" clashes with relation \"%s.%s\".",
							   rel->related_name, m.name, rel->name, m.name, rel->name),
					 errhint("Set related_name on \"%s.%s\" to a name not used on model \"%s\".",
							 m.name, rel->name, m.name)));
		ormar_check_name_free(rel->target, rel->related_name, NULL, rel, true);
	}

	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		bool		added = get_attnum(rel->model, rel->column_name) == InvalidAttrNumber;

		check_fk_column(rel, &m, &t);
		if (added)
			check_new_column_type(t.pk_type, t.name, m.name, rel->column_name);
		ormar_check_generated_names(rel, &m, &t, true);
		ormar_adopt_fk(rel, &m, &t);	/* names, and what exists already */
		ormar_ddl_fk_objects(rel, &m, &t);
		ormar_check_view_columns(rel);
		if (added)
			refresh_table(rel->model, rel);
	}
	else
	{
		if (rel->through_column == NULL)
			rel->through_column = ormar_through_column_name(m.name, self_ref, false);
		if (rel->through_reverse_column == NULL)
			rel->through_reverse_column = ormar_through_column_name(t.name, self_ref, true);
		if (strcmp(rel->through_column, rel->through_reverse_column) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("through columns of relation \"%s.%s\" are both named \"%s\"",
							m.name, rel->name, rel->through_column),
					 errhint("Set through_relation_name or through_reverse_relation_name.")));
		{
			Oid			nsp = get_namespace_oid(rel->through_schema, false);
			Oid			through = get_relname_relid(rel->through_name, nsp);

			if (OidIsValid(through))
				check_existing_through(rel, through);
			if (!OidIsValid(through) ||
				get_attnum(through, rel->through_column) == InvalidAttrNumber)
				check_new_column_type(m.pk_type, m.name, rel->through_name,
									  rel->through_column);
			if (!OidIsValid(through) ||
				get_attnum(through, rel->through_reverse_column) == InvalidAttrNumber)
				check_new_column_type(t.pk_type, t.name, rel->through_name,
									  rel->through_reverse_column);
		}
		ormar_check_generated_names(rel, &m, &t, true);
		ormar_ddl_through(rel, &m, &t);
		ormar_check_view_columns(rel);
	}
	ormar_ddl_generate(rel);
	ormar_store_relation(rel);
}

/*
 * Check the names of REL, declared on model M, and fill in those left to
 * their defaults: relation and related names within ORMAR_MAX_RELATION_NAME,
 * the foreign key's column (an identifier), the through table and its
 * fields (validated now, even if the relation stays pending).
 */
static void
complete_names(OrmarRel *rel, OrmarModel *m)
{
	if (rel->name == NULL || rel->name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation name must not be empty")));
	if (strlen(rel->name) > ORMAR_MAX_RELATION_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation name \"%.40s...\" is longer than %d bytes",
						rel->name, ORMAR_MAX_RELATION_NAME)));
	if (rel->related_name == NULL)
		rel->related_name = ormar_default_related_name(m->name);
	else if (rel->related_name[0] == '\0' || strlen(rel->related_name) > ORMAR_MAX_RELATION_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("related_name must have 1 to %d bytes", ORMAR_MAX_RELATION_NAME)));
	if (rel->kind == ORMAR_FOREIGN_KEY)
	{
		/* relation names are kept whole; a column name is an identifier */
		if (rel->column_name == NULL)
			rel->column_name = ormar_shorten(rel->name);
		else if (rel->column_name[0] == '\0' || strlen(rel->column_name) >= NAMEDATALEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column_name \"%s\" must have 1 to %d bytes",
							rel->column_name, NAMEDATALEN - 1)));
		return;
	}
	ormar_check_through_column_names(rel);
	if (rel->through_name == NULL)
	{
		rel->through_schema = pstrdup(m->schema);
		rel->through_name = ormar_through_table_name(m->name, rel->name);
	}
	else if (rel->through_name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("through must not be empty"),
				 errhint("Leave through unset for the default through table.")));
	else
		ormar_parse_target(rel->through_name, m->schema,
						   &rel->through_schema, &rel->through_name);
	if (rel->through_fields)
		(void) ormar_through_fields(rel);
}

/*
 * Check that REL, declared on model M, clashes with nothing on M: an
 * existing through table is the declarer's (pending or not), the name is
 * free, and a foreign key's column is no relation's name.
 */
static void
check_clashes(OrmarRel *rel, OrmarModel *m)
{
	if (rel->kind == ORMAR_MANY_TO_MANY)
	{
		Oid			nsp = get_namespace_oid(rel->through_schema, true);
		Oid			through = OidIsValid(nsp) ? get_relname_relid(rel->through_name, nsp) : InvalidOid;

		if (OidIsValid(through))
			ormar_check_owner(through);
	}
	ormar_check_name_free(rel->model, rel->name,
						  rel->kind == ORMAR_FOREIGN_KEY ? rel->column_name : NULL,
						  rel, false);
	if (rel->kind == ORMAR_FOREIGN_KEY && strcmp(rel->column_name, rel->name) != 0)
	{
		OrmarEnd	end;

		if (ormar_find_end(rel->model, rel->column_name, &end))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("column name \"%s\" is already a relation name on model \"%s\"",
							rel->column_name, m->name),
					 errhint("Choose another column_name.")));
	}
}

/*
 * Declare REL (model, name, kind, target_schema/target_name and options
 * filled in): validate, then build it, or record it as pending when its
 * target is not a model yet.
 */
void
ormar_declare(OrmarRel *rel)
{
	OrmarModel	m;
	Oid			target;
	bool		default_through;

	ormar_require_model(rel->model);
	ormar_check_owner(rel->model);
	ormar_check_not_through(rel->model);
	ormar_model_info(rel->model, &m);
	default_through = rel->kind == ORMAR_MANY_TO_MANY && rel->through_name == NULL;
	complete_names(rel, &m);
	rel->declared_by = GetUserId();
	check_clashes(rel, &m);
	if (default_through)
		ormar_check_default_through(rel, &m);

	target = ormar_target_model(rel->target_schema, rel->target_name);
	if (OidIsValid(target))
	{
		rel->target = target;
		build_relation(rel);
	}
	else
	{
		rel->target = InvalidOid;
		ormar_store_relation(rel);
		ereport(NOTICE,
				(errmsg("relation \"%s.%s\" is pending: model \"%s\" is not defined yet",
						m.name, rel->name, rel->target_name),
				 errdetail("It is built when model \"%s\" is defined or registered.",
						   rel->target_name)));
	}
}

/* ormar_try_as callback: build the pending relation ARG. */
static void
build_relation_cb(void *arg)
{
	build_relation((OrmarRel *) arg);
}

/*
 * Build pending relation REL, whose target is now model TARGET, as the role
 * that declared it: only what that role may do itself (own its tables and
 * the through table, REFERENCES on the target, CREATE where objects go)
 * succeeds, so a declaration can never make the definer of the target act
 * for the declarer.  Anything that fails leaves REL pending with a WARNING.
 *
 * AUTOMATIC is a build set off by another call defining the target.  Then
 * the target must belong to a role that has the declarer's privileges
 * (the declarer itself, a superuser): whoever first creates a table of the
 * pending name would otherwise choose what the declarer's foreign key
 * references, and with ON DELETE CASCADE delete the declarer's rows by
 * deleting its own.  The declarer builds against any other owner's table
 * by asking, with ormar.update_forward_refs.
 */
static bool
build_pending(OrmarRel *rel, Oid target, bool automatic)
{
	char	   *reason;
	Oid			owner = ormar_object_owner(target, false);

	if (automatic && !has_privs_of_role(owner, rel->declared_by))
	{
		ereport(WARNING,
				(errmsg("relation \"%s.%s\" stays pending", get_rel_name(rel->model), rel->name),
				 errdetail("Its target \"%s\" belongs to role \"%s\", which does not have the privileges of role \"%s\", which declared it.",
						   get_rel_name(target), GetUserNameFromId(owner, false),
						   GetUserNameFromId(rel->declared_by, true) ?
						   GetUserNameFromId(rel->declared_by, true) : "(dropped)"),
				 errhint("The declaring role can build it against that table with ormar.update_forward_refs().")));
		return false;
	}
	rel->target = target;
	if (ormar_try_as(rel->declared_by, build_relation_cb, rel, &reason))
		return true;
	rel->target = InvalidOid;
	ereport(WARNING,
			(errmsg("relation \"%s.%s\" stays pending", get_rel_name(rel->model), rel->name),
			 errdetail("Building it as role \"%s\", which declared it, failed: %s.",
					   GetUserNameFromId(rel->declared_by, true) ?
					   GetUserNameFromId(rel->declared_by, true) : "(dropped)", reason),
			 errhint("The declaring role can build it with ormar.update_forward_refs() once it may.")));
	return false;
}

/*
 * Build every pending relation whose target is the new model MODEL, each
 * as its declarer; returns how many were built.
 */
int
ormar_resolve_pending(Oid model)
{
	OrmarModel	m;
	ListCell   *lc;
	int			built = 0;

	ormar_model_info(model, &m);
	foreach(lc, ormar_pending_relations(m.schema, m.name))
		built += build_pending(lfirst(lc), model, true) ? 1 : 0;
	return built;
}

/* Do the columns REL needs still exist? */
static bool
key_columns_exist(OrmarRel *rel)
{
	if (rel->kind == ORMAR_FOREIGN_KEY)
		return get_attnum(rel->model, rel->column_name) != InvalidAttrNumber;
	return get_rel_name(rel->through) != NULL &&
		get_attnum(rel->through, rel->through_column) != InvalidAttrNumber &&
		get_attnum(rel->through, rel->through_reverse_column) != InvalidAttrNumber;
}

/*
 * Bring resolved relation REL up to date with its tables after they
 * changed: recorded names follow renames, accessors and views are
 * regenerated; a relation whose key column is gone is dropped.
 */
void
ormar_refresh_relation(OrmarRel *rel)
{
	if (!OidIsValid(rel->target))
		return;
	if (!key_columns_exist(rel))
	{
		ereport(NOTICE,
				(errmsg("dropping relation \"%s.%s\": its key column no longer exists",
						get_rel_name(rel->model), rel->name)));
		ormar_ddl_drop_relation_objects(rel, false);
		ormar_delete_relation(rel);
		return;
	}
	if (!OidIsValid(ormar_primary_key_index(rel->target)))
	{
		/* the target's key column was dropped (with CASCADE, taking the keys) */
		ereport(NOTICE,
				(errmsg("dropping relation \"%s.%s\": model \"%s\" no longer has a primary key",
						get_rel_name(rel->model), rel->name, get_rel_name(rel->target))));
		ormar_ddl_drop_relation_objects(rel, false);
		ormar_delete_relation(rel);
		return;
	}
	rel->target_name = get_rel_name(rel->target);
	rel->target_schema = get_namespace_name(get_rel_namespace(rel->target));
	if (OidIsValid(rel->through))
	{
		rel->through_name = get_rel_name(rel->through);
		rel->through_schema = get_namespace_name(get_rel_namespace(rel->through));
	}
	{
		OrmarModel	m,
					t;

		ormar_model_info(rel->model, &m);
		ormar_model_info(rel->target, &t);
		ormar_check_generated_names(rel, &m, &t, false);
	}
	ormar_check_view_columns(rel);
	ormar_ddl_generate(rel);
	ormar_store_relation(rel);
}

/*
 * After ormar_pg itself changed the columns of table RELID, regenerate the
 * views of the relations over it (other than SKIP), which list columns.
 */
static void
refresh_table(Oid relid, OrmarRel *skip)
{
	ListCell   *lc;

	foreach(lc, ormar_relations_touching(relid))
	{
		OrmarRel   *rel = lfirst(lc);

		if (skip && rel->model == skip->model && strcmp(rel->name, skip->name) == 0)
			continue;
		ormar_refresh_relation(rel);
	}
}

/* Drop the views of the relations over table RELID (before a column goes). */
static void
drop_views_over(Oid relid)
{
	ListCell   *lc;

	foreach(lc, ormar_relations_touching(relid))
	{
		OrmarRel   *rel = lfirst(lc);

		ormar_ddl_drop_views(rel);
		ormar_store_relation(rel);
	}
}

/*
 * Drop the relations of MODEL and those of other models that target it
 * (the latter only with CASCADE), keeping the data.
 */
void
ormar_drop_relations_of_model(Oid model, bool cascade)
{
	List	   *incoming = ormar_relations_to(model);
	List	   *own = ormar_relations_from(model);
	ListCell   *lc;
	StringInfoData others;

	initStringInfo(&others);
	foreach(lc, incoming)
	{
		OrmarRel   *rel = lfirst(lc);

		if (rel->model != model)
			appendStringInfo(&others, "%s\"%s.%s\"", others.len ? ", " : "",
							 get_rel_name(rel->model), rel->name);
	}
	if (others.len > 0 && !cascade)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop model \"%s\" because other models' relations target it",
						get_rel_name(model)),
				 errdetail("Relations targeting it: %s.", others.data),
				 errhint("Use cascade => true to drop them too.")));

	{
		List	   *relids = NIL;

		foreach(lc, list_concat_copy(own, incoming))
		{
			OrmarRel   *rel = lfirst(lc);

			relids = lappend_oid(lappend_oid(lappend_oid(relids, rel->model),
											 rel->target), rel->through);
		}
		(void) ormar_lock_tables(relids, AccessExclusiveLock, 0);
	}
	foreach(lc, list_concat(own, incoming))
	{
		OrmarRel   *rel = lfirst(lc);

		/* a self-reference appears in both lists; drop it once */
		if (ormar_get_relation(rel->model, rel->name) == NULL)
			continue;
		ormar_ddl_drop_relation_objects(rel, false);
		ormar_delete_relation(rel);
	}
}

/*
 * Text argument ARGNO as a C string, NULL when SQL NULL (an option left to
 * its default).
 */
static char *
opt_text(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * Boolean argument ARGNO, which has a default and may not be NULL (22004).
 */
static bool
opt_bool_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	ormar_require_arg(fcinfo, argno, argname);
	return PG_GETARG_BOOL(argno);
}

/*
 * ormar.foreign_key: the arguments into a declaration (the target defaults
 * to the relation's name in the model's schema).
 */
static Datum
foreign_key_impl(FunctionCallInfo fcinfo)
{
	OrmarRel   *rel = palloc0(sizeof(OrmarRel));
	OrmarModel	m;
	char	   *target;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "name");
	rel->model = PG_GETARG_OID(0);
	rel->kind = ORMAR_FOREIGN_KEY;
	rel->name = opt_text(fcinfo, 1);
	target = opt_text(fcinfo, 2);
	rel->related_name = opt_text(fcinfo, 3);
	rel->nullable = opt_bool_arg(fcinfo, 4, "nullable");
	rel->one_to_one = opt_bool_arg(fcinfo, 5, "one_to_one");
	rel->ondelete = ormar_upper_action(opt_text(fcinfo, 6), "ondelete");
	rel->onupdate = ormar_upper_action(opt_text(fcinfo, 7), "onupdate");
	rel->column_name = opt_text(fcinfo, 8);
	rel->skip_reverse = opt_bool_arg(fcinfo, 9, "skip_reverse");

	ormar_require_model(rel->model);
	ormar_model_info(rel->model, &m);
	if (target == NULL)
	{
		rel->target_schema = m.schema;
		rel->target_name = rel->name;
	}
	else
		ormar_parse_target(target, m.schema, &rel->target_schema, &rel->target_name);
	ormar_declare(rel);
	PG_RETURN_VOID();
}

/* The SQL-callable declaration functions, run by ormar_run_ddl_api. */
Datum
ormar_foreign_key(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(foreign_key_impl, fcinfo);
}

/* ormar.many_to_many: the arguments into a declaration. */
static Datum
many_to_many_impl(FunctionCallInfo fcinfo)
{
	OrmarRel   *rel = palloc0(sizeof(OrmarRel));
	OrmarModel	m;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "name");
	ormar_require_arg(fcinfo, 2, "target");
	rel->model = PG_GETARG_OID(0);
	rel->kind = ORMAR_MANY_TO_MANY;
	rel->name = opt_text(fcinfo, 1);
	rel->nullable = true;
	rel->through_name = opt_text(fcinfo, 3);
	rel->related_name = opt_text(fcinfo, 4);
	rel->through_column = opt_text(fcinfo, 5);
	rel->through_reverse_column = opt_text(fcinfo, 6);
	if (!PG_ARGISNULL(7))
		rel->through_fields = text_to_cstring(PG_GETARG_TEXT_PP(7));
	rel->skip_reverse = opt_bool_arg(fcinfo, 8, "skip_reverse");

	ormar_require_model(rel->model);
	ormar_model_info(rel->model, &m);
	ormar_parse_target(opt_text(fcinfo, 2), m.schema, &rel->target_schema, &rel->target_name);
	ormar_declare(rel);
	PG_RETURN_VOID();
}

Datum
ormar_many_to_many(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(many_to_many_impl, fcinfo);
}

/*
 * ormar.drop_relation: drop a relation declared on MODEL (not a reverse
 * side) with what was generated for it; with drop_data also its column or
 * through table.
 */
static Datum
drop_relation_impl(FunctionCallInfo fcinfo)
{
	Oid			model;
	char	   *name;
	bool		drop_data;
	OrmarRel   *rel;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "name");
	model = PG_GETARG_OID(0);
	name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	drop_data = opt_bool_arg(fcinfo, 2, "drop_data");

	ormar_require_model(model);
	rel = ormar_get_relation(model, name);
	if (rel == NULL)
	{
		OrmarEnd	end;

		if (ormar_find_end(model, name, &end))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("\"%s\" is the reverse side of relation \"%s.%s\"",
							name, get_rel_name(end.rel->model), end.rel->name),
					 errhint("Drop the relation from model \"%s\".", get_rel_name(end.rel->model))));
		ormar_lookup_end(model, name, &end);	/* reports the unknown relation */
	}
	ormar_check_owner(model);
	lock_relation_tables(rel, true);
	ormar_delete_relation(rel);
	if (drop_data && rel->kind == ORMAR_FOREIGN_KEY)
		drop_views_over(model);
	ormar_ddl_drop_relation_objects(rel, drop_data);
	if (drop_data && rel->kind == ORMAR_FOREIGN_KEY)
		refresh_table(model, NULL);
	PG_RETURN_VOID();
}

Datum
ormar_drop_relation(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(drop_relation_impl, fcinfo);
}

/*
 * ormar.update_forward_refs: build the pending relations of MODEL whose
 * targets exist now, as their declarers; 55000 listing those still
 * pending.
 */
static Datum
update_forward_refs_impl(FunctionCallInfo fcinfo)
{
	Oid			model;
	List	   *rels;
	ListCell   *lc;
	int			built = 0;
	StringInfoData still;

	ormar_require_arg(fcinfo, 0, "model");
	model = PG_GETARG_OID(0);
	ormar_require_model(model);
	ormar_check_owner(model);

	rels = ormar_relations_from(model);
	initStringInfo(&still);
	foreach(lc, rels)
	{
		OrmarRel   *rel = lfirst(lc);
		Oid			target;

		if (OidIsValid(rel->target))
			continue;
		target = ormar_target_model(rel->target_schema, rel->target_name);
		if (OidIsValid(target) && build_pending(rel, target, false))
			built++;
		else
			appendStringInfo(&still, "%s\"%s\" (model \"%s\")", still.len ? ", " : "",
							 rel->name, rel->target_name);
	}
	if (still.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" still has pending relations", get_rel_name(model)),
				 errdetail("Pending: %s.", still.data),
				 errhint("Define the missing models first.")));
	PG_RETURN_INT32(built);
}

Datum
ormar_update_forward_refs(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(update_forward_refs_impl, fcinfo);
}
