/*-------------------------------------------------------------------------
 * citus.c
 *	  Distributed PostgreSQL: following Citus's rules when the citus
 *	  extension is in the database (DESIGN §9).
 *
 * Citus is found at run time (get_extension_oid) and only ever used through
 * its SQL functions and catalog tables, so ormar_pg builds and works without
 * it.  This file:
 *	  - creates tables so that a table in a distributed schema becomes a
 *		tenant table of that schema (schema-based sharding);
 *	  - checks a relation between Citus tables against Citus's rules before
 *		any DDL runs, and distributes a new through table like its sides;
 *	  - gives distribute.c (ormar.distribute) what Citus makes of a table
 *		and the checks of its rules;
 *	  - tells the event triggers which DDL is Citus's own.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>


#include "access/xact.h"
#include "catalog/namespace.h"


#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"

#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "parser/parser.h"
#include "tcop/dest.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"



#include "catalog.h"
#include "citus.h"


#include "naming.h"


#include "spi_util.h"
#include "tables.h"

/* Is the citus extension installed in this database? */
bool
ormar_citus_present(void)
{
	return OidIsValid(get_extension_oid("citus", true));
}

/* Run a read-only query on Citus's catalog (plans are not cached: Citus may go away). */
void
ormar_citus_query(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	if (SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) < 0)
		elog(ERROR, "SPI_execute_with_args failed for \"%s\"", sql);
}

/* How Citus sees table RELID (CITUS_NONE when Citus is not installed). */
void
ormar_citus_kind_of(Oid relid, CitusTable *ct)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ct->kind = CITUS_NONE;
	ct->column = NULL;
	ct->colocation = 0;
	if (!OidIsValid(relid) || !ormar_citus_present())
		return;
	ormar_citus_query("SELECT p.partmethod::pg_catalog.text, p.repmodel::pg_catalog.text, p.colocationid,"
				" CASE WHEN p.partmethod OPERATOR(pg_catalog.=) 'h'"
				" THEN pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) END"
				" FROM pg_catalog.pg_dist_partition p"
				" WHERE p.logicalrelid OPERATOR(pg_catalog.=) $1",
				1, argtypes, values);
	if (SPI_processed == 0)
		return;
	{
		char	   *method = ormar_getstring(0, 1);
		char	   *repmodel = ormar_getstring(0, 2);
		bool		isnull;
		int32		colocation = DatumGetInt32(ormar_getdatum(0, 3, &isnull));

		ct->colocation = isnull ? 0 : colocation;
		if (method[0] == 'h')
		{
			ct->kind = CITUS_HASH;
			ct->column = ormar_getstring(0, 4);
		}
		else if (repmodel[0] == 't')
			ct->kind = CITUS_REFERENCE;
		else if (ct->colocation != 0)
			ct->kind = CITUS_SINGLE_SHARD;
		else
			ct->kind = CITUS_LOCAL;
	}
}

/* Is RELID a Citus table (distributed, reference, tenant or Citus local)? */
bool
ormar_citus_table(Oid relid)
{
	CitusTable	ct;

	ormar_citus_kind_of(relid, &ct);
	return ct.kind != CITUS_NONE;
}

/* Is RELID a Citus reference table? */
bool
ormar_citus_reference_table(Oid relid)
{
	CitusTable	ct;

	ormar_citus_kind_of(relid, &ct);
	return ct.kind == CITUS_REFERENCE;
}

/* What a kind of table is called in messages. */
const char *
ormar_citus_kind_text(CitusKind kind)
{
	switch (kind)
	{
		case CITUS_NONE:
			return "a local table";
		case CITUS_REFERENCE:
			return "a reference table";
		case CITUS_HASH:
			return "a distributed table";
		case CITUS_SINGLE_SHARD:
			return "a single-shard (tenant) table";
		case CITUS_LOCAL:
			return "a Citus local table";
	}
	return "?";
}

/* Is schema NSP a distributed schema (schema-based sharding)? */
static bool
tenant_schema(Oid nsp)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(nsp)};

	if (!ormar_citus_present())
		return false;
	ormar_citus_query("SELECT 1 FROM pg_catalog.pg_dist_schema s"
				" WHERE s.schemaid OPERATOR(pg_catalog.=) $1",
				1, argtypes, values);
	return SPI_processed > 0;
}

/*
 * Run generated CREATE TABLE statement SQL for a table in schema NSP.
 *
 * Citus makes a table created in a distributed schema a tenant table of that
 * schema (a single-shard table co-located with the schema's other tables)
 * only for a top-level CREATE TABLE: the same statement run through SPI
 * stays a local table, and Citus offers no SQL function to make a table a
 * tenant table afterwards (create_distributed_table cannot join a schema's
 * co-location group, and citus_schema_distribute does nothing for a schema
 * already distributed).  So in a distributed schema the statement goes
 * through ProcessUtility as a top-level command, exactly as if the user had
 * typed it, and Citus's own utility hook converts it.
 */
void
ormar_create_table(const char *sql, Oid nsp)
{
	List	   *parsed;
	RawStmt    *raw;
	PlannedStmt *stmt;

	if (!tenant_schema(nsp))
	{
		ormar_ddl(sql);
		return;
	}
	parsed = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(parsed) != 1 || !IsA(((RawStmt *) linitial(parsed))->stmt, CreateStmt))
		elog(ERROR, "generated statement is not a single CREATE TABLE: %s", sql);
	raw = linitial(parsed);
	stmt = makeNode(PlannedStmt);
	stmt->commandType = CMD_UTILITY;
	stmt->canSetTag = true;
	stmt->utilityStmt = raw->stmt;
	stmt->stmt_location = raw->stmt_location;
	stmt->stmt_len = raw->stmt_len;
	ProcessUtility(stmt, sql, false, PROCESS_UTILITY_TOPLEVEL, NULL, NULL,
				   None_Receiver, NULL);
	CommandCounterIncrement();
}

/*
 * Is the DDL that fired an event trigger Citus's own work rather than a
 * user's?  Such DDL must be left alone: on a worker, Citus's connections
 * from the coordinator create and change shards and shell tables (the
 * coordinator maintains the generated objects and propagates them); on the
 * coordinator, turning a table into a Citus local table renames it to its
 * shard's name ("course" -> "course_102011") and puts a new table in its
 * place, and following that rename would point the catalog at the shard.
 */
bool
ormar_citus_internal_ddl(Node *parsetree)
{
	if (!ormar_citus_present())
		return false;
	if (application_name &&
		(strncmp(application_name, "citus_internal", 14) == 0 ||
		 strncmp(application_name, "citus_rebalancer", 16) == 0))
		return true;
	if (parsetree && IsA(parsetree, RenameStmt))
	{
		RenameStmt *rs = (RenameStmt *) parsetree;

		if (rs->renameType == OBJECT_TABLE && rs->relation && rs->newname)
		{
			size_t		len = strlen(rs->relation->relname);
			const char *p = rs->newname + len + 1;

			/*
			 * "<name>_<shard id>", shard ids coming from Citus's sequence
			 * pg_dist_shardid_seq, which starts at 102008: a user's rename
			 * to "course_2024" is still followed.
			 */
			if (strncmp(rs->newname, rs->relation->relname, len) == 0 &&
				rs->newname[len] == '_' && *p != '\0' && strlen(p) <= 19)
			{
				const char *digits = p;

				while (isdigit((unsigned char) *p))
					p++;
				if (*p == '\0' && strtoull(digits, NULL, 10) >= 102008)
					return true;
			}
		}
	}
	return false;
}

/*
 * Begin creating accessors and lookup views without Citus propagating them
 * to the workers (returns the GUC nest level for ormar_citus_local_ddl_end,
 * or -1 without Citus).  They live on the coordinator, where Citus plans
 * every query on its tables (a view is expanded there; an accessor is only
 * usable there anyway).  Copies on the workers could not be kept right:
 * the event trigger regenerating them at ddl_command_end of a user's ALTER
 * TABLE runs before Citus sends that ALTER to the workers, so a propagated
 * view or accessor would reach a worker whose table does not have the new
 * column or name yet and fail there, and a stale copy on a worker would
 * block the next DROP COLUMN there.
 */
int
ormar_citus_local_ddl_begin(void)
{
	int			level;

	if (!ormar_citus_present())
		return -1;
	level = NewGUCNestLevel();
	(void) set_config_option("citus.enable_ddl_propagation", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* End what ormar_citus_local_ddl_begin began (propagation as it was). */
void
ormar_citus_local_ddl_end(int nestlevel)
{
	if (nestlevel >= 0)
		AtEOXact_GUC(true, nestlevel);
}

/*
 * Make Citus use one connection per node for the rest of the transaction
 * (SET LOCAL citus.multi_shard_modify_mode = sequential).  Declaring a
 * relation or distributing a model runs DDL on a distributed table and then
 * a foreign key to a reference table; Citus refuses the latter after the
 * former ran over parallel connections.
 */
void
ormar_citus_sequential(void)
{
	(void) set_config_option("citus.multi_shard_modify_mode", "sequential", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
}

/* ---------------------------------------------------------------- rules */

/* "SELECT ormar.distribute('table')", for hints. */
const char *
ormar_citus_distribute_call(const char *table)
{
	return psprintf("SELECT ormar.distribute(%s)",
					quote_literal_cstr(table));
}

/* Is ACTION (upper case, NULL for the default) a referential action at all? */
static bool
has_action(const char *action)
{
	return action != NULL && strcmp(action, "NO ACTION") != 0;
}

/* 0A000: relation MODEL.RELATION would involve a Citus local table. */
static void
refuse_citus_local(const char *model, const char *relation)
{
	ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" involves a Citus local table", model, relation),
					   errdetail("ormar_pg declares relations only between plain tables, reference tables, distributed tables and tenant tables."),
					   errhint("Make the Citus local table a reference or distributed table with ormar.distribute()."));
}

/*
 * Citus's rules for foreign key MODEL.RELATION from M (column COLUMN,
 * actions ONDELETE / ONUPDATE) to the key of T, given what Citus makes of
 * each (MC, TC).
 */
void
ormar_citus_check_fk(const char *model, const char *relation, OrmarModel *m, CitusTable *mc,
					 const char *column, bool one_to_one, const char *ondelete,
					 const char *onupdate, OrmarModel *t, CitusTable *tc)
{
	if (mc->kind == CITUS_NONE && tc->kind == CITUS_NONE)
		return;
	if (mc->kind == CITUS_LOCAL || tc->kind == CITUS_LOCAL)
		refuse_citus_local(model, relation);
	if (mc->kind == CITUS_NONE)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would reference %s from a local table",
								  model, relation, ormar_citus_kind_text(tc->kind)),
						   tc->kind == CITUS_REFERENCE ?
						   errdetail("Citus turns a local table that references a reference table into a Citus local table, renaming it to a shard.") :
						   errdetail("Citus does not allow a foreign key from a local table to a distributed table."),
						   errhint("Make \"%s\" a Citus table first: %s.", m->name,
								   ormar_citus_distribute_call(m->name)));
	if (tc->kind == CITUS_NONE)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would reference a local table from %s",
								  model, relation, ormar_citus_kind_text(mc->kind)),
						   errdetail("Citus allows foreign keys from its tables only to reference tables and co-located distributed tables."),
						   errhint("Make \"%s\" a reference table first: %s.", t->name,
								   ormar_citus_distribute_call(t->name)));
	if (one_to_one && mc->kind == CITUS_HASH && strcmp(column, mc->column) != 0)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" is one-to-one on distributed table \"%s\" by a column other than its distribution column",
								  model, relation, m->name),
						   errdetail("Every primary key or unique index of a distributed table must include its distribution column, and a one-to-one relation needs a unique index on its own column."),
						   errhint("Declare it without one_to_one, or on a reference table."));
	if (tc->kind == CITUS_REFERENCE)
		return;					/* any Citus table may reference a reference table */
	if (mc->kind == CITUS_REFERENCE)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would reference %s from a reference table",
								  model, relation, ormar_citus_kind_text(tc->kind)),
						   errdetail("Citus allows foreign keys from a reference table only to other reference tables."),
						   errhint("Make \"%s\" a reference table too, or distribute \"%s\" instead.",
								   t->name, m->name));
	if (mc->kind == CITUS_SINGLE_SHARD || tc->kind == CITUS_SINGLE_SHARD)
	{
		if (mc->kind == tc->kind && mc->colocation == tc->colocation)
			return;
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would connect %s and %s that are not co-located",
								  model, relation, ormar_citus_kind_text(mc->kind),
								  ormar_citus_kind_text(tc->kind)),
						   errdetail("Citus allows foreign keys between tenant tables only inside one distributed schema, and from a tenant table to a reference table."),
						   errhint("Keep related tenant models in one distributed schema, or make the target a reference table."));
	}
	/* both hash-distributed */
	if (m->relid == t->relid)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" is a self-reference on distributed table \"%s\"",
								  model, relation, m->name),
						   errdetail("Citus allows a foreign key between distributed tables only on their distribution columns, which a self-reference on the key cannot satisfy."),
						   errhint("Make \"%s\" a reference table, or put its models in a distributed schema.",
								   m->name));
	if (strcmp(column, mc->column) != 0 || strcmp(t->pk_name, tc->column) != 0 ||
		mc->colocation != tc->colocation)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would connect distributed tables \"%s\" and \"%s\" other than by their co-located distribution columns",
								  model, relation, m->name, t->name),
						   errdetail("Citus allows a foreign key between distributed tables only from the distribution column of one to the distribution column of the other, with both tables co-located."),
						   errhint("Distribute \"%s\" by \"%s\" co-located with \"%s\", or make \"%s\" a reference table.",
								   m->name, column, t->name, t->name));
	if (has_action(onupdate) ||
		(ondelete && (strcmp(ondelete, "SET NULL") == 0 || strcmp(ondelete, "SET DEFAULT") == 0)))
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" has an action Citus does not support on a distribution column",
								  model, relation),
						   errdetail("Citus refuses ON UPDATE actions, and ON DELETE SET NULL or SET DEFAULT, on a foreign key that includes a distribution column."),
						   errhint("Declare the relation without onupdate, and with ondelete CASCADE, RESTRICT or NO ACTION."));
}

/*
 * 0A000 when existing through table THROUGH of a many-to-many whose side is
 * hash-distributed is a model with a key of its own: the through table is
 * distributed by a link column, which every key must include.
 */
static void
check_through_key(Oid through, CitusTable *mc, CitusTable *tc)
{
	CitusTable	thc;
	OrmarModel	th;

	ormar_citus_kind_of(through, &thc);
	if (thc.kind != CITUS_NONE || (mc->kind != CITUS_HASH && tc->kind != CITUS_HASH) ||
		!OidIsValid(ormar_primary_key_index(through)) || !ormar_is_model(through))
		return;
	ormar_model_info(through, &th);
	ORMAR_CITUS_REFUSE(errmsg("through model \"%s\" has a key of its own (\"%s\")", th.name, th.pk_name),
					   errdetail("Every primary key or unique constraint of a distributed table must include its distribution column, and the through table would be distributed by a link column."),
					   errhint("Use a through table whose primary key is the pair of link columns."));
}

/*
 * Citus's rules for many-to-many MODEL.RELATION between M and T (through
 * table THROUGH, or InvalidOid when it is still to be created).
 */
void
ormar_citus_check_m2m(const char *model, const char *relation, OrmarModel *m, CitusTable *mc,
					  OrmarModel *t, CitusTable *tc, Oid through)
{
	if (mc->kind == CITUS_NONE && tc->kind == CITUS_NONE)
		return;
	if (mc->kind == CITUS_LOCAL || tc->kind == CITUS_LOCAL)
		refuse_citus_local(model, relation);
	if (mc->kind == CITUS_NONE || tc->kind == CITUS_NONE)
	{
		OrmarModel *local = mc->kind == CITUS_NONE ? m : t;

		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would link a local table and a Citus table",
								  model, relation),
						   errdetail("The through table references both sides, and Citus allows foreign keys from its tables only to reference tables and co-located distributed tables."),
						   errhint("Make \"%s\" a Citus table first: %s.", local->name,
								   ormar_citus_distribute_call(local->name)));
	}
	if (mc->kind == CITUS_SINGLE_SHARD || tc->kind == CITUS_SINGLE_SHARD)
	{
		if ((mc->kind == CITUS_SINGLE_SHARD && tc->kind == CITUS_SINGLE_SHARD &&
			 mc->colocation == tc->colocation) ||
			(mc->kind == CITUS_SINGLE_SHARD && tc->kind == CITUS_REFERENCE) ||
			(tc->kind == CITUS_SINGLE_SHARD && mc->kind == CITUS_REFERENCE))
			return;
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would link tenant tables of different schemas or a tenant table and a distributed table",
								  model, relation),
						   errdetail("Citus allows foreign keys between tenant tables only inside one distributed schema, and from a tenant table to a reference table."),
						   errhint("Keep related tenant models in one distributed schema."));
	}
	if (mc->kind == CITUS_HASH && tc->kind == CITUS_HASH)
		ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" links two distributed tables", model, relation),
						   m->relid == t->relid ?
						   errdetail("A self-referencing many-to-many on a distributed table needs a through table distributed by both of its columns, which Citus cannot do.") :
						   errdetail("The through table can be distributed by only one side's column, and Citus allows a foreign key to the other distributed side only on that side's distribution column."),
						   errhint("Make \"%s\" a reference table, or put the models in a distributed schema.",
								   t->name));
	if (OidIsValid(through))
		check_through_key(through, mc, tc);
}

/*
 * Check relation REL between models M and T against Citus's rules before
 * anything is built (called by build_relation).  Nothing to do without
 * Citus, or between two plain tables.
 */
void
ormar_citus_check_relation(OrmarRel *rel, OrmarModel *m, OrmarModel *t)
{
	CitusTable	mc,
				tc;

	if (!ormar_citus_present())
		return;
	ormar_citus_kind_of(m->relid, &mc);
	ormar_citus_kind_of(t->relid, &tc);
	if (mc.kind != CITUS_NONE || tc.kind != CITUS_NONE)
		ormar_citus_sequential();
	if (rel->kind == ORMAR_FOREIGN_KEY)
		ormar_citus_check_fk(m->name, rel->name, m, &mc, rel->column_name, rel->one_to_one,
							 rel->ondelete, rel->onupdate, t, &tc);
	else
	{
		Oid			through = InvalidOid;

		if (rel->through_schema && rel->through_name)
		{
			Oid			nsp = get_namespace_oid(rel->through_schema, true);

			if (OidIsValid(nsp))
				through = get_relname_relid(rel->through_name, nsp);
			/*
			 * A new through table linking a tenant table becomes a tenant
			 * table only in that tenant's schema.
			 */
			if (!OidIsValid(through) &&
				((mc.kind == CITUS_SINGLE_SHARD && tc.kind == CITUS_REFERENCE &&
				  nsp != get_rel_namespace(m->relid)) ||
				 (tc.kind == CITUS_SINGLE_SHARD && mc.kind == CITUS_REFERENCE &&
				  nsp != get_rel_namespace(t->relid))))
			{
				OrmarModel *tenant = mc.kind == CITUS_SINGLE_SHARD ? m : t;

				ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would create its through table \"%s\" outside distributed schema \"%s\"",
										  m->name, rel->name, rel->through_name, tenant->schema),
								   errdetail("Citus allows foreign keys to a tenant table only from tables of its own distributed schema."),
								   errhint("Give the relation a through table in schema \"%s\" (through => '%s.%s'), or declare it on \"%s\".",
										   tenant->schema, tenant->schema, rel->through_name, tenant->name));
			}
		}
		ormar_citus_check_m2m(m->name, rel->name, m, &mc, t, &tc, through);
	}
}

/*
 * Make through table THROUGH a Citus table like the sides it links: a
 * reference table between two reference tables, or distributed by the
 * hash-distributed side's link column and co-located with it.  Runs after
 * the table has its link columns and key, before its foreign keys (Citus
 * refuses a foreign key from a local table to a Citus table).  A tenant
 * through table is already one (ormar_create_table).
 */
void
ormar_citus_distribute_through(Oid through, Oid m, const char *mcol, Oid t, const char *tcol)
{
	CitusTable	thc,
				mc,
				tc;
	Oid			argtypes[3] = {OIDOID, TEXTOID, TEXTOID};
	Datum		values[3];

	ormar_citus_kind_of(through, &thc);
	if (thc.kind != CITUS_NONE)
		return;
	ormar_citus_kind_of(m, &mc);
	ormar_citus_kind_of(t, &tc);
	values[0] = ObjectIdGetDatum(through);
	if (mc.kind == CITUS_REFERENCE && tc.kind == CITUS_REFERENCE)
	{
		ormar_citus_query("SELECT pg_catalog.create_reference_table($1::pg_catalog.regclass)",
					1, argtypes, values);
		return;
	}
	if (mc.kind == CITUS_HASH || tc.kind == CITUS_HASH)
	{
		bool		by_m = mc.kind == CITUS_HASH;

		values[1] = CStringGetTextDatum(by_m ? mcol : tcol);
		values[2] = CStringGetTextDatum(ormar_qualified_rel(by_m ? m : t));
		ormar_citus_query("SELECT pg_catalog.create_distributed_table($1::pg_catalog.regclass, $2,"
					" colocate_with => $3)",
					3, argtypes, values);
	}
}

/*
 * Called by ormar_ddl_through once the through table of REL has its link
 * columns and key, before its foreign keys: with Citus, make it a Citus
 * table like its sides.
 */
void
ormar_citus_prepare_through(OrmarRel *rel, Oid through, OrmarModel *m, OrmarModel *t)
{
	if (!ormar_citus_present())
		return;
	ormar_citus_distribute_through(through, m->relid, rel->through_column, t->relid,
					   rel->through_reverse_column);
}

/*
 * Referential actions of the through table's link COLUMN: ON DELETE CASCADE
 * ON UPDATE CASCADE, without the ON UPDATE action when COLUMN is the
 * through table's distribution column (Citus refuses it there).
 */
const char *
ormar_citus_link_actions(Oid through, const char *column)
{
	CitusTable	ct;

	ormar_citus_kind_of(through, &ct);
	if (ct.kind == CITUS_HASH && strcmp(ct.column, column) == 0)
		return " ON DELETE CASCADE";
	return " ON DELETE CASCADE ON UPDATE CASCADE";
}
