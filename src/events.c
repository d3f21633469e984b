/*-------------------------------------------------------------------------
 * events.c
 *	  Event triggers that keep generated objects and the catalog true to
 *	  the database when a user changes tables directly.
 *
 *	  ddl_command_start: before ALTER TABLE drops a column or changes a
 *		column's type, drop the lookup views over that table (a view would
 *		block it); they are rebuilt at the end of the command.
 *	  ddl_command_end: after ALTER TABLE, a rename or SET SCHEMA of a table
 *		taking part in relations, follow renamed columns in the catalog and
 *		regenerate the accessors and views of its relations; a relation
 *		whose key column is gone is dropped.
 *	  sql_drop: forget relations of dropped tables (dropping what is left
 *		of their generated objects), dropped models, dropped accessors and
 *		views.
 *
 * All three stand aside while ormar_pg's own functions run DDL.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"



#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"

#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "catalog.h"
#include "citus.h"
#include "ddl.h"

#include "ormar_pg.h"
#include "relation.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_on_ddl_start);
PG_FUNCTION_INFO_V1(ormar_on_ddl_end);
PG_FUNCTION_INFO_V1(ormar_on_sql_drop);

/* The trigger data, or 39P03 when the function was called directly. */
static EventTriggerData *
event_data(FunctionCallInfo fcinfo)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s can only be called as an event trigger",
						format_procedure(fcinfo->flinfo->fn_oid))));
	return (EventTriggerData *) fcinfo->context;
}

/* What an event trigger does to one relation, run as its objects' owner. */
typedef enum EventAction
{
	EVENT_DROP_VIEWS,			/* before a column goes: views would block it */
	EVENT_REFRESH,				/* after columns or names changed */
	EVENT_DROP_LEFTOVERS		/* after a table of the relation was dropped */
} EventAction;

/* ACTION to do to REL, passed through ormar_try_as to event_work_cb. */
typedef struct EventWork
{
	OrmarRel   *rel;
	EventAction action;
} EventWork;

/* ormar_try_as callback: do one EventWork as the relation's role. */
static void
event_work_cb(void *arg)
{
	EventWork  *work = arg;
	OrmarRel   *rel = work->rel;

	switch (work->action)
	{
		case EVENT_DROP_VIEWS:
			ormar_ddl_drop_views(rel);
			ormar_store_relation(rel);
			break;
		case EVENT_REFRESH:
			/* reread: a column rename may have changed it */
			rel = ormar_get_relation(rel->model, rel->name);
			if (rel)
				ormar_refresh_relation(rel);
			break;
		case EVENT_DROP_LEFTOVERS:
			/* as drop_relation does, keeping the data */
			ormar_ddl_drop_relation_objects(rel, false);
			break;
	}
}

/*
 * Do ACTION to REL as the role that owns its generated objects, so that a
 * role's DDL on its own tables never runs as, nor fails because of, another
 * role's relation, and regenerated objects keep their owner.  A failure is
 * a WARNING: the user's statement goes on.
 */
static void
act_on_relation(OrmarRel *rel, EventAction action)
{
	EventWork	work = {rel, action};
	Oid			role = ormar_relation_role(rel);
	char	   *reason;
	char	   *hint;

	/* a clash (42710) has a HINT naming what to rename: it is passed on */
	if (!ormar_try_as_hint(role, event_work_cb, &work, &reason, &hint))
		ereport(WARNING,
				(errmsg("could not update the objects generated for relation \"%s.%s\"",
						get_rel_name(rel->model) ? get_rel_name(rel->model) : "?", rel->name),
				 errdetail("Updating them as role \"%s\" failed: %s.",
						   GetUserNameFromId(role, true), reason),
				 errhint("%s", hint ? hint :
						 "Declare the relation again with ormar.drop_relation() and a new declaration.")));
}

/*
 * Does the ormar catalog exist?  The event triggers fire in every database
 * command, also while the extension is being created or dropped.
 */
static bool
catalog_ready(void)
{
	Oid			nsp = get_namespace_oid("ormar", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("relation", nsp));
}

/*
 * ddl_command_start: before ALTER TABLE drops a column or changes a
 * column's type, drop the lookup views over that table, which would block
 * it (ddl_command_end builds them again).
 */
static Datum
on_ddl_start(FunctionCallInfo fcinfo)
{
	EventTriggerData *trig = event_data(fcinfo);
	AlterTableStmt *stmt;
	ListCell   *lc;
	bool		affects_views = false;
	Oid			relid;

	if (!IsA(trig->parsetree, AlterTableStmt) || !catalog_ready())
		return (Datum) 0;
	stmt = (AlterTableStmt *) trig->parsetree;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst(lc);

		if (cmd->subtype == AT_DropColumn || cmd->subtype == AT_AlterColumnType)
			affects_views = true;
	}
	if (!affects_views)
		return (Datum) 0;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		return (Datum) 0;

	foreach(lc, ormar_relations_touching(relid))
	{
		OrmarRel   *rel = lfirst(lc);

		if (OidIsValid(rel->target))
			act_on_relation(rel, EVENT_DROP_VIEWS);
	}
	return (Datum) 0;
}

/*
 * Does statement TREE change what generated objects depend on: the column
 * set or types of a table, or the name or schema of a table or column?
 * Anything else (constraints, RLS, storage, comments...) leaves them be;
 * in particular pg_restore's ADD CONSTRAINT of a model's primary key must
 * not make us look at a model that has no key yet.
 */
static bool
changes_columns_or_names(Node *tree)
{
	ListCell   *lc;

	if (IsA(tree, RenameStmt))
	{
		ObjectType	type = ((RenameStmt *) tree)->renameType;

		return type == OBJECT_TABLE || type == OBJECT_COLUMN || type == OBJECT_SCHEMA;
	}
	if (IsA(tree, AlterObjectSchemaStmt))
		return ((AlterObjectSchemaStmt *) tree)->objectType == OBJECT_TABLE;
	if (!IsA(tree, AlterTableStmt))
		return false;
	foreach(lc, ((AlterTableStmt *) tree)->cmds)
	{
		AlterTableType t = ((AlterTableCmd *) lfirst(lc))->subtype;

		if (t == AT_AddColumn || t == AT_DropColumn || t == AT_AlterColumnType)
			return true;
	}
	return false;
}

/*
 * After a command that changed columns or names: follow column renames in
 * the catalog, then regenerate the relations of the tables the command
 * changed, or for a schema rename of the tables in that schema (accessor
 * bodies name them by schema).  Nothing else is touched.
 */
static Datum
on_ddl_end(FunctionCallInfo fcinfo)
{
	EventTriggerData *trig = event_data(fcinfo);
	Node	   *tree = trig->parsetree;
	List	   *relids = NIL;
	List	   *nsps = NIL;
	List	   *rels;
	List	   *done = NIL;
	ListCell   *lc;

	if (!changes_columns_or_names(tree) || !catalog_ready())
		return (Datum) 0;

	ormar_exec("SELECT DISTINCT objid, classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass"
			   " FROM pg_catalog.pg_event_trigger_ddl_commands()"
			   " WHERE classid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.pg_class'::pg_catalog.regclass,"
			   " 'pg_catalog.pg_namespace'::pg_catalog.regclass])",
			   0, NULL, NULL, NULL, false, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		if (ormar_getbool(i, 2))
			nsps = lappend_oid(nsps, ormar_getoid(i, 1));
		else
			relids = lappend_oid(relids, ormar_getoid(i, 1));
	}

	if (IsA(tree, RenameStmt) && ((RenameStmt *) tree)->renameType == OBJECT_COLUMN)
	{
		RenameStmt *rs = (RenameStmt *) tree;

		foreach(lc, relids)
			ormar_rename_column(lfirst_oid(lc), rs->subname, rs->newname);
	}

	rels = ormar_relations_in_schemas(nsps);
	foreach(lc, relids)
		rels = list_concat(rels, ormar_relations_touching(lfirst_oid(lc)));

	foreach(lc, rels)
	{
		OrmarRel   *rel = lfirst(lc);
		char	   *key = psprintf("%u/%s", rel->model, rel->name);
		ListCell   *d;
		bool		seen = false;

		foreach(d, done)
			if (strcmp(lfirst(d), key) == 0)
				seen = true;
		if (seen)
			continue;
		done = lappend(done, key);
		if (OidIsValid(rel->target))
			act_on_relation(rel, EVENT_REFRESH);
	}
	return (Datum) 0;
}

/*
 * sql_drop: after a user dropped tables or functions, drop what is left of
 * the generated objects of relations over dropped tables, and forget those
 * relations, dropped models and dropped accessors or views.
 */
static Datum
on_sql_drop(FunctionCallInfo fcinfo)
{
	ArrayType  *arr;
	Datum	   *oids;
	int			n;
	ListCell   *lc;

	(void) event_data(fcinfo);
	if (!catalog_ready())
		return (Datum) 0;
	ormar_exec("SELECT objid FROM pg_catalog.pg_event_trigger_dropped_objects()"
			   " WHERE objsubid OPERATOR(pg_catalog.=) 0"
			   " AND classid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.pg_class'::pg_catalog.regclass,"
			   " 'pg_catalog.pg_proc'::pg_catalog.regclass])",
			   0, NULL, NULL, NULL, false, 0);
	n = (int) SPI_processed;
	if (n == 0)
		return (Datum) 0;
	oids = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
		oids[i] = ObjectIdGetDatum(ormar_getoid(i, 1));
	arr = construct_array(oids, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT);

	/* what is left of the generated objects of relations of dropped tables */
	foreach(lc, ormar_relations_touching_any(PointerGetDatum(arr)))
		act_on_relation(lfirst(lc), EVENT_DROP_LEFTOVERS);
	ormar_forget_dropped(PointerGetDatum(arr));
	return (Datum) 0;
}

/* Run an event trigger body in SPI, unless ormar_pg itself is at work. */
static Datum
run_event(OrmarApiFn fn, FunctionCallInfo fcinfo)
{
	if (ormar_ddl_depth > 0)
		return (Datum) 0;
	if (CALLED_AS_EVENT_TRIGGER(fcinfo) &&
		ormar_citus_internal_ddl(((EventTriggerData *) fcinfo->context)->parsetree))
		return (Datum) 0;
	return ormar_run_event(fn, fcinfo);
}

/* The event trigger functions of the install script (see the top of this file). */
Datum
ormar_on_ddl_start(PG_FUNCTION_ARGS)
{
	return run_event(on_ddl_start, fcinfo);
}

Datum
ormar_on_ddl_end(PG_FUNCTION_ARGS)
{
	return run_event(on_ddl_end, fcinfo);
}

Datum
ormar_on_sql_drop(PG_FUNCTION_ARGS)
{
	return run_event(on_sql_drop, fcinfo);
}
