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
 *	  - implements ormar.distribute (row-based sharding);
 *	  - tells the event triggers which DDL is Citus's own.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "access/relation.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "parser/parser.h"
#include "tcop/dest.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "citus.h"
#include "ddl.h"
#include "keys.h"
#include "naming.h"
#include "ormar_pg.h"
#include "relation.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_distribute);

/* What Citus makes of a table. */
typedef enum CitusKind
{
	CITUS_NONE,					/* a plain PostgreSQL table */
	CITUS_REFERENCE,			/* copied to every node */
	CITUS_HASH,					/* hash-distributed by a column */
	CITUS_SINGLE_SHARD,			/* no distribution column (tenant tables) */
	CITUS_LOCAL					/* a Citus local table */
} CitusKind;

typedef struct CitusTable
{
	CitusKind	kind;
	char	   *column;			/* distribution column of a CITUS_HASH table */
	int32		colocation;		/* colocation group (0: none) */
} CitusTable;

/* Is the citus extension installed in this database? */
bool
ormar_citus_present(void)
{
	return OidIsValid(get_extension_oid("citus", true));
}

/* Run a read-only query on Citus's catalog (plans are not cached: Citus may go away). */
static void
citus_query(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	if (SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) < 0)
		elog(ERROR, "SPI_execute_with_args failed for \"%s\"", sql);
}

/* How Citus sees table RELID (CITUS_NONE when Citus is not installed). */
static void
citus_table(Oid relid, CitusTable *ct)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ct->kind = CITUS_NONE;
	ct->column = NULL;
	ct->colocation = 0;
	if (!OidIsValid(relid) || !ormar_citus_present())
		return;
	citus_query("SELECT p.partmethod::pg_catalog.text, p.repmodel::pg_catalog.text, p.colocationid,"
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

	citus_table(relid, &ct);
	return ct.kind != CITUS_NONE;
}

/* Is RELID a Citus reference table? */
bool
ormar_citus_reference_table(Oid relid)
{
	CitusTable	ct;

	citus_table(relid, &ct);
	return ct.kind == CITUS_REFERENCE;
}

static const char *
kind_text(CitusKind kind)
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
	citus_query("SELECT 1 FROM pg_catalog.pg_dist_schema s"
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

			if (strncmp(rs->newname, rs->relation->relname, len) == 0 &&
				rs->newname[len] == '_' && *p != '\0')
			{
				while (isdigit((unsigned char) *p))
					p++;
				if (*p == '\0')
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
static void
sequential_mode(void)
{
	(void) set_config_option("citus.multi_shard_modify_mode", "sequential", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
}

/* ---------------------------------------------------------------- rules */

static void
refuse(const char *msg, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s", msg),
			 errdetail("%s", detail),
			 errhint("%s", hint)));
}

static const char *
distribute_call(const char *table)
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

/*
 * Citus's rules for a foreign key from M (column COLUMN, actions ONDELETE /
 * ONUPDATE) to the key of T, given what Citus makes of each (MC, TC).
 * WHAT names the relation in messages.
 */
static void
check_fk(const char *what, OrmarModel *m, CitusTable *mc, const char *column,
		 bool one_to_one, const char *ondelete, const char *onupdate,
		 OrmarModel *t, CitusTable *tc)
{
	bool		self_ref = m->relid == t->relid;

	if (mc->kind == CITUS_NONE && tc->kind == CITUS_NONE)
		return;
	if (mc->kind == CITUS_LOCAL || tc->kind == CITUS_LOCAL)
		refuse(psprintf("%s involves a Citus local table", what),
			   "ormar_pg declares relations only between plain tables, reference tables, distributed tables and tenant tables.",
			   "Make the Citus local table a reference or distributed table with ormar.distribute().");
	if (mc->kind == CITUS_NONE)
		refuse(psprintf("%s would reference %s from a local table", what, kind_text(tc->kind)),
			   tc->kind == CITUS_REFERENCE ?
			   "Citus turns a local table that references a reference table into a Citus local table, renaming it to a shard." :
			   "Citus does not allow a foreign key from a local table to a distributed table.",
			   psprintf("Make \"%s\" a Citus table first: %s.", m->name, distribute_call(m->name)));
	if (tc->kind == CITUS_NONE)
		refuse(psprintf("%s would reference a local table from %s", what, kind_text(mc->kind)),
			   "Citus allows foreign keys from its tables only to reference tables and co-located distributed tables.",
			   psprintf("Make \"%s\" a reference table first: %s.", t->name, distribute_call(t->name)));
	if (tc->kind == CITUS_REFERENCE)
		return;					/* any Citus table may reference a reference table */
	if (mc->kind == CITUS_REFERENCE)
		refuse(psprintf("%s would reference %s from a reference table", what, kind_text(tc->kind)),
			   "Citus allows foreign keys from a reference table only to other reference tables.",
			   psprintf("Make \"%s\" a reference table too, or distribute \"%s\" instead.", t->name, m->name));
	if (mc->kind == CITUS_SINGLE_SHARD || tc->kind == CITUS_SINGLE_SHARD)
	{
		if (mc->kind == tc->kind && mc->colocation == tc->colocation)
			return;
		refuse(psprintf("%s would connect %s and %s that are not co-located", what,
						kind_text(mc->kind), kind_text(tc->kind)),
			   "Citus allows foreign keys between tenant tables only inside one distributed schema, and from a tenant table to a reference table.",
			   "Keep related tenant models in one distributed schema, or make the target a reference table.");
	}
	/* both hash-distributed */
	if (self_ref)
		refuse(psprintf("%s is a self-reference on distributed table \"%s\"", what, m->name),
			   "Citus allows a foreign key between distributed tables only on their distribution columns, which a self-reference on the key cannot satisfy.",
			   psprintf("Make \"%s\" a reference table, or put its models in a distributed schema.", m->name));
	if (strcmp(column, mc->column) != 0 || strcmp(t->pk_name, tc->column) != 0 ||
		mc->colocation != tc->colocation)
		refuse(psprintf("%s would connect distributed tables \"%s\" and \"%s\" other than by their co-located distribution columns",
						what, m->name, t->name),
			   "Citus allows a foreign key between distributed tables only from the distribution column of one to the distribution column of the other, with both tables co-located.",
			   psprintf("Distribute \"%s\" by \"%s\" co-located with \"%s\", or make \"%s\" a reference table.",
						m->name, column, t->name, t->name));
	if (has_action(onupdate) ||
		(ondelete && (strcmp(ondelete, "SET NULL") == 0 || strcmp(ondelete, "SET DEFAULT") == 0)))
		refuse(psprintf("%s has an action Citus does not support on a distribution column", what),
			   "Citus refuses ON UPDATE actions, and ON DELETE SET NULL or SET DEFAULT, on a foreign key that includes a distribution column.",
			   "Declare the relation without onupdate, and with ondelete CASCADE, RESTRICT or NO ACTION.");
	(void) one_to_one;
}

/*
 * Citus's rules for a many-to-many between M and T (through table THROUGH,
 * or InvalidOid when it is still to be created).
 */
static void
check_m2m(const char *what, OrmarModel *m, CitusTable *mc, OrmarModel *t,
		  CitusTable *tc, Oid through)
{
	CitusTable	thc;

	if (mc->kind == CITUS_NONE && tc->kind == CITUS_NONE)
		return;
	if (mc->kind == CITUS_LOCAL || tc->kind == CITUS_LOCAL)
		refuse(psprintf("%s involves a Citus local table", what),
			   "ormar_pg declares relations only between plain tables, reference tables, distributed tables and tenant tables.",
			   "Make the Citus local table a reference or distributed table with ormar.distribute().");
	if (mc->kind == CITUS_NONE || tc->kind == CITUS_NONE)
	{
		OrmarModel *local = mc->kind == CITUS_NONE ? m : t;

		refuse(psprintf("%s would link a local table and a Citus table", what),
			   "The through table references both sides, and Citus allows foreign keys from its tables only to reference tables and co-located distributed tables.",
			   psprintf("Make \"%s\" a Citus table first: %s.", local->name, distribute_call(local->name)));
	}
	if (mc->kind == CITUS_SINGLE_SHARD || tc->kind == CITUS_SINGLE_SHARD)
	{
		if ((mc->kind == CITUS_SINGLE_SHARD && tc->kind == CITUS_SINGLE_SHARD &&
			 mc->colocation == tc->colocation) ||
			(mc->kind == CITUS_SINGLE_SHARD && tc->kind == CITUS_REFERENCE) ||
			(tc->kind == CITUS_SINGLE_SHARD && mc->kind == CITUS_REFERENCE))
			return;
		refuse(psprintf("%s would link tenant tables of different schemas or a tenant table and a distributed table", what),
			   "Citus allows foreign keys between tenant tables only inside one distributed schema, and from a tenant table to a reference table.",
			   "Keep related tenant models in one distributed schema.");
	}
	if (mc->kind == CITUS_HASH && tc->kind == CITUS_HASH)
		refuse(psprintf("%s links two distributed tables", what),
			   m->relid == t->relid ?
			   "A self-referencing many-to-many on a distributed table needs a through table distributed by both of its columns, which Citus cannot do." :
			   "The through table can be distributed by only one side's column, and Citus allows a foreign key to the other distributed side only on that side's distribution column.",
			   psprintf("Make \"%s\" a reference table, or put the models in a distributed schema.", t->name));
	if (OidIsValid(through))
	{
		citus_table(through, &thc);
		if (thc.kind == CITUS_NONE && (mc->kind == CITUS_HASH || tc->kind == CITUS_HASH))
		{
			Relation	r = relation_open(through, AccessShareLock);
			bool		has_pk = OidIsValid(RelationGetPrimaryKeyIndex(r));
			char	   *pkname = NULL;

			relation_close(r, AccessShareLock);
			if (has_pk && ormar_is_model(through))
			{
				OrmarModel	th;

				ormar_model_info(through, &th);
				pkname = th.pk_name;
				refuse(psprintf("through model \"%s\" has a key of its own (\"%s\")", th.name, pkname),
					   "Every primary key or unique constraint of a distributed table must include its distribution column, and the through table would be distributed by a link column.",
					   "Use a through table whose primary key is the pair of link columns.");
			}
		}
	}
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
	char	   *what;

	if (!ormar_citus_present())
		return;
	citus_table(m->relid, &mc);
	citus_table(t->relid, &tc);
	if (mc.kind != CITUS_NONE || tc.kind != CITUS_NONE)
		sequential_mode();
	what = psprintf("relation \"%s.%s\"", m->name, rel->name);
	if (rel->kind == ORMAR_FOREIGN_KEY)
		check_fk(what, m, &mc, rel->column_name, rel->one_to_one, rel->ondelete,
				 rel->onupdate, t, &tc);
	else
	{
		Oid			through = InvalidOid;

		if (rel->through_schema && rel->through_name)
		{
			Oid			nsp = get_namespace_oid(rel->through_schema, true);

			if (OidIsValid(nsp))
				through = get_relname_relid(rel->through_name, nsp);
		}
		check_m2m(what, m, &mc, t, &tc, through);
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
static void
distribute_through(Oid through, Oid m, const char *mcol, Oid t, const char *tcol)
{
	CitusTable	thc,
				mc,
				tc;
	Oid			argtypes[3] = {OIDOID, TEXTOID, TEXTOID};
	Datum		values[3];

	citus_table(through, &thc);
	if (thc.kind != CITUS_NONE)
		return;
	citus_table(m, &mc);
	citus_table(t, &tc);
	values[0] = ObjectIdGetDatum(through);
	if (mc.kind == CITUS_REFERENCE && tc.kind == CITUS_REFERENCE)
	{
		citus_query("SELECT pg_catalog.create_reference_table($1::pg_catalog.regclass)",
					1, argtypes, values);
		return;
	}
	if (mc.kind == CITUS_HASH || tc.kind == CITUS_HASH)
	{
		bool		by_m = mc.kind == CITUS_HASH;

		values[1] = CStringGetTextDatum(by_m ? mcol : tcol);
		values[2] = CStringGetTextDatum(ormar_qualified_rel(by_m ? m : t));
		citus_query("SELECT pg_catalog.create_distributed_table($1::pg_catalog.regclass, $2,"
					" colocate_with => $3)",
					3, argtypes, values);
	}
}

void
ormar_citus_prepare_through(OrmarRel *rel, Oid through, OrmarModel *m, OrmarModel *t)
{
	if (!ormar_citus_present())
		return;
	distribute_through(through, m->relid, rel->through_column, t->relid,
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

	citus_table(through, &ct);
	if (ct.kind == CITUS_HASH && strcmp(ct.column, column) == 0)
		return " ON DELETE CASCADE";
	return " ON DELETE CASCADE ON UPDATE CASCADE";
}

/* ---------------------------------------------------------------- distribute */

/* Name of a single-column foreign key of RELID on COLUMN referencing TARGET, or NULL. */
static char *
fk_constraint_on(Oid relid, const char *column, Oid target)
{
	Oid			argtypes[3] = {OIDOID, TEXTOID, OIDOID};
	Datum		values[3];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(column);
	values[2] = ObjectIdGetDatum(target);
	citus_query("SELECT c.conname::pg_catalog.text FROM pg_catalog.pg_constraint c"
				" JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid"
				" AND a.attnum OPERATOR(pg_catalog.=) c.conkey[1]"
				" WHERE c.conrelid OPERATOR(pg_catalog.=) $1 AND c.contype OPERATOR(pg_catalog.=) 'f'"
				" AND pg_catalog.array_length(c.conkey, 1) OPERATOR(pg_catalog.=) 1"
				" AND c.confrelid OPERATOR(pg_catalog.=) $3"
				" AND a.attname::pg_catalog.text OPERATOR(pg_catalog.=) $2"
				" ORDER BY 1 LIMIT 1",
				3, argtypes, values);
	return SPI_processed > 0 ? ormar_getstring(0, 1) : NULL;
}

/* A foreign key to restore (or to create again with other actions). */
typedef struct LinkFk
{
	Oid			relid;
	char	   *name;
	char	   *column;
	Oid			target;
	const char *actions;		/* NULL: through link (ormar_citus_link_actions) */
} LinkFk;

static void
drop_constraint(Oid relid, const char *name)
{
	ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", ormar_qualified_rel(relid),
					   quote_identifier(name)));
}

static void
add_fk(LinkFk *fk)
{
	OrmarModel	t;
	const char *actions = fk->actions ? fk->actions :
		ormar_citus_link_actions(fk->relid, fk->column);

	ormar_model_info(fk->target, &t);
	ormar_ddl(psprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)%s",
					   ormar_qualified_rel(fk->relid), quote_identifier(fk->name),
					   quote_identifier(fk->column), t.qualified, quote_identifier(t.pk_name),
					   actions));
}

static char *
fk_actions_sql(OrmarRel *rel)
{
	return psprintf("%s%s%s%s", rel->ondelete ? " ON DELETE " : "", rel->ondelete ? rel->ondelete : "",
					rel->onupdate ? " ON UPDATE " : "", rel->onupdate ? rel->onupdate : "");
}

/* A unique index of RELID that does not include COLUMN, or NULL. */
static char *
unique_index_without(Oid relid, const char *column)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(column);
	citus_query("SELECT c.relname::pg_catalog.text FROM pg_catalog.pg_index i"
				" JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
				" WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indisunique"
				" AND NOT (SELECT a.attnum FROM pg_catalog.pg_attribute a"
				" WHERE a.attrelid OPERATOR(pg_catalog.=) $1"
				" AND a.attname::pg_catalog.text OPERATOR(pg_catalog.=) $2)"
				" OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])"
				" ORDER BY 1 LIMIT 1",
				2, argtypes, values);
	return SPI_processed > 0 ? ormar_getstring(0, 1) : NULL;
}

/*
 * Identity column of RELID that Citus cannot distribute (an integer or
 * smallint identity: Citus needs bigint for identity columns), or NULL.
 */
static char *
narrow_identity(Oid relid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	citus_query("SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
				" WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0"
				" AND NOT a.attisdropped AND a.attidentity OPERATOR(pg_catalog.<>) ''"
				" AND a.atttypid OPERATOR(pg_catalog.<>) 'pg_catalog.int8'::pg_catalog.regtype"
				" ORDER BY a.attnum LIMIT 1",
				1, argtypes, values);
	return SPI_processed > 0 ? ormar_getstring(0, 1) : NULL;
}

/*
 * Replace identity column COLUMN of RELID by an owned sequence of the
 * column's type, continuing where the identity stopped: keys keep being
 * generated, and Citus can distribute a table with a sequence default
 * (it cannot with an integer identity column).
 */
static void
identity_to_sequence(Oid relid, const char *column)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char	   *table = ormar_qualified_rel(relid);
	char	   *schema = get_namespace_name(get_rel_namespace(relid));
	char	   *seqname = ormar_shorten(psprintf("%s_%s_seq", get_rel_name(relid), column));
	char	   *seq = quote_qualified_identifier(schema, seqname);
	char	   *type;
	int64		next = 1;
	AttrNumber	attnum = get_attnum(relid, column);
	Oid			typid;
	int32		typmod;
	Oid			coll;

	get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &coll);
	type = format_type_be_qualified(typid);
	values[0] = CStringGetTextDatum(table);
	values[1] = CStringGetTextDatum(column);
	citus_query("SELECT pg_catalog.pg_get_serial_sequence($1, $2)", 2, argtypes, values);
	if (SPI_processed > 0 && ormar_getstring(0, 1) != NULL)
	{
		char	   *old = ormar_getstring(0, 1);

		ormar_exec(psprintf("SELECT CASE WHEN is_called THEN last_value OPERATOR(pg_catalog.+) 1"
							" ELSE last_value END FROM %s", old),
				   0, NULL, NULL, NULL, true, 1);
		if (SPI_processed > 0)
		{
			bool		isnull;
			Datum		d = ormar_getdatum(0, 1, &isnull);

			if (!isnull)
				next = DatumGetInt64(d);
		}
	}
	ormar_ddl(psprintf("ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", table, quote_identifier(column)));
	ormar_ddl(psprintf("CREATE SEQUENCE %s AS %s START WITH " INT64_FORMAT " OWNED BY %s.%s",
					   seq, type, next, table, quote_identifier(column)));
	ormar_ddl(psprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT pg_catalog.nextval(%s::pg_catalog.regclass)",
					   table, quote_identifier(column), quote_literal_cstr(seq)));
	ereport(NOTICE,
			(errmsg("identity column \"%s\" of \"%s\" now takes its values from sequence %s",
					column, get_rel_name(relid), seq),
			 errdetail("Citus cannot distribute a table with an identity column that is not bigint.")));
}

/* The other side of many-to-many REL seen from MODEL, and the through columns. */
static void
m2m_sides(OrmarRel *rel, Oid model, Oid *other, const char **selfcol, const char **othercol)
{
	if (rel->model == model)
	{
		*other = rel->target;
		*selfcol = rel->through_column;
		*othercol = rel->through_reverse_column;
	}
	else
	{
		*other = rel->model;
		*selfcol = rel->through_reverse_column;
		*othercol = rel->through_column;
	}
}

static void
regenerate_cb(void *arg)
{
	OrmarRel   *rel = arg;

	rel = ormar_get_relation(rel->model, rel->name);
	if (rel)
		ormar_refresh_relation(rel);
}

static Datum
distribute_impl(FunctionCallInfo fcinfo)
{
	Oid			relid;
	char	   *column = NULL;
	Oid			colocate = InvalidOid;
	OrmarModel	m;
	CitusTable	mc;
	CitusTable	want;
	List	   *out;
	List	   *in;
	List	   *suspend = NIL;	/* LinkFk: local tables' keys to drop */
	List	   *restore = NIL;	/* LinkFk: keys to (re)create after */
	List	   *throughs = NIL;	/* OrmarRel: through tables to distribute */
	ListCell   *lc;
	char	   *identity;
	char	   *model_name;

	ormar_require_arg(fcinfo, 0, "model");
	relid = PG_GETARG_OID(0);
	if (!PG_ARGISNULL(1))
		column = pstrdup(NameStr(*PG_GETARG_NAME(1)));
	if (!PG_ARGISNULL(2))
		colocate = PG_GETARG_OID(2);
	ormar_require_model(relid);
	ormar_check_owner(relid);
	ormar_model_info(relid, &m);
	model_name = m.name;

	if (!ormar_citus_present())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the citus extension is not installed in this database"),
				 errhint("Run CREATE EXTENSION citus first.")));
	{
		char	   *um,
				   *un;

		if (ormar_through_of(relid, &um, &un))
			refuse(psprintf("model \"%s\" is the through table of relation \"%s.%s\"", m.name, um, un),
				   "A through table is distributed together with the model that is its hash-distributed side, or made a reference table with its two sides.",
				   psprintf("Distribute \"%s\" and its target instead.", um));
	}
	if (column == NULL && OidIsValid(colocate))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("colocate_with needs a distribution column"),
				 errdetail("A reference table is copied to every node and is co-located with nothing.")));

	citus_table(relid, &mc);
	want.kind = column ? CITUS_HASH : CITUS_REFERENCE;
	want.column = column;
	want.colocation = 0;
	if (mc.kind != CITUS_NONE)
	{
		if (mc.kind == want.kind &&
			(column == NULL || strcmp(column, mc.column) == 0))
		{
			ereport(NOTICE,
					(errmsg("model \"%s\" is already %s", m.name, kind_text(mc.kind))));
			PG_RETURN_VOID();
		}
		refuse(psprintf("model \"%s\" is already %s", m.name, kind_text(mc.kind)),
			   "ormar.distribute converts a local table; Citus changes an existing Citus table only with its own functions.",
			   psprintf("Use Citus's undistribute_table('%s') first, or alter_distributed_table().", m.name));
	}

	if (column)
	{
		AttrNumber	attnum = get_attnum(relid, column);
		char	   *idx;

		if (attnum == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of model \"%s\" does not exist", column, m.name)));
		idx = unique_index_without(relid, column);
		if (idx)
			refuse(psprintf("model \"%s\" cannot be distributed by column \"%s\"", m.name, column),
				   psprintf("Every primary key or unique constraint of a distributed table must include the distribution column, and index \"%s\" does not.", idx),
				   psprintf("Distribute \"%s\" by its key \"%s\", or make it a reference table.", m.name, m.pk_name));
		if (OidIsValid(colocate))
		{
			CitusTable	cc;

			citus_table(colocate, &cc);
			if (cc.kind != CITUS_HASH)
				refuse(psprintf("cannot co-locate \"%s\" with \"%s\"", m.name, get_rel_name(colocate)),
					   psprintf("Citus co-locates only distributed tables, and \"%s\" is %s.",
								get_rel_name(colocate), kind_text(cc.kind)),
					   psprintf("Distribute \"%s\" first.", get_rel_name(colocate)));
			want.colocation = cc.colocation;
		}
	}

	/* 1. every check, before anything changes */
	out = ormar_relations_from(relid);
	in = ormar_relations_to(relid);
	foreach(lc, out)
	{
		OrmarRel   *rel = lfirst(lc);
		OrmarModel	t;
		CitusTable	tc;
		char	   *what;

		if (!OidIsValid(rel->target) || rel->kind != ORMAR_FOREIGN_KEY)
			continue;
		what = psprintf("relation \"%s.%s\"", m.name, rel->name);
		ormar_model_info(rel->target, &t);
		if (rel->target == relid)
			tc = want;
		else
			citus_table(rel->target, &tc);
		if (want.kind == CITUS_HASH && tc.kind == CITUS_HASH && !OidIsValid(colocate) &&
			rel->target != relid)
			want.colocation = tc.colocation;	/* co-located with its target */
		check_fk(what, &m, &want, rel->column_name, rel->one_to_one, rel->ondelete,
				 rel->onupdate, &t, &tc);
		if (want.kind == CITUS_HASH && tc.kind == CITUS_HASH && !OidIsValid(colocate))
			colocate = rel->target;
		if (rel->constraint_name &&
			!OidIsValid(get_relation_constraint_oid(relid, rel->constraint_name, true)))
		{
			LinkFk	   *fk = palloc0(sizeof(LinkFk));

			fk->relid = relid;
			fk->name = rel->constraint_name;
			fk->column = rel->column_name;
			fk->target = rel->target;
			fk->actions = fk_actions_sql(rel);
			restore = lappend(restore, fk);
		}
	}
	foreach(lc, in)
	{
		OrmarRel   *rel = lfirst(lc);
		OrmarModel	src;
		CitusTable	sc;
		char	   *con;

		if (rel->kind != ORMAR_FOREIGN_KEY || rel->model == relid)
			continue;
		ormar_model_info(rel->model, &src);
		citus_table(rel->model, &sc);
		if (sc.kind != CITUS_NONE)
			continue;			/* a Citus table referencing a local one: cannot exist */
		if (want.kind == CITUS_HASH)
			refuse(psprintf("local model \"%s\" references \"%s\" (relation \"%s.%s\")",
							src.name, m.name, src.name, rel->name),
				   "Citus does not allow a foreign key from a local table to a distributed table.",
				   psprintf("Make \"%s\" a reference table instead, or drop relation \"%s.%s\" first.",
							m.name, src.name, rel->name));
		con = fk_constraint_on(rel->model, rel->column_name, relid);
		if (con)
		{
			LinkFk	   *fk = palloc0(sizeof(LinkFk));

			fk->relid = rel->model;
			fk->name = con;
			suspend = lappend(suspend, fk);
			ereport(NOTICE,
					(errmsg("foreign key \"%s\" of local model \"%s\" is suspended until \"%s\" is distributed",
							con, src.name, src.name),
					 errdetail("Citus would turn a local table referencing a reference table into a Citus local table."),
					 errhint("Run %s to restore it.", distribute_call(src.name))));
		}
	}
	foreach(lc, list_concat(list_copy(out), in))
	{
		OrmarRel   *rel = lfirst(lc);
		Oid			other;
		const char *selfcol,
				   *othercol;
		OrmarModel	o;
		CitusTable	oc,
					thc;
		char	   *what;
		CitusTable *mside,
				   *tside;

		if (rel->kind != ORMAR_MANY_TO_MANY || !OidIsValid(rel->target) ||
			!OidIsValid(rel->through))
			continue;
		if (list_member_ptr(throughs, rel))
			continue;
		m2m_sides(rel, relid, &other, &selfcol, &othercol);
		ormar_model_info(other, &o);
		if (other == relid)
			oc = want;
		else
			citus_table(other, &oc);
		citus_table(rel->through, &thc);
		what = psprintf("relation \"%s.%s\"", get_rel_name(rel->model), rel->name);
		if (thc.kind != CITUS_NONE)
			continue;
		if (oc.kind == CITUS_NONE)
		{
			if (want.kind == CITUS_HASH)
				refuse(psprintf("%s would link distributed table \"%s\" and local table \"%s\"",
								what, m.name, o.name),
					   "The through table is distributed by the distributed side's column, and Citus allows its foreign key to the other side only when that side is a reference table.",
					   psprintf("Make \"%s\" a reference table first: %s.", o.name, distribute_call(o.name)));
			/* reference side first: the through table waits for the other side */
			{
				char	   *con = fk_constraint_on(rel->through, selfcol, relid);

				if (con)
				{
					LinkFk	   *fk = palloc0(sizeof(LinkFk));

					fk->relid = rel->through;
					fk->name = con;
					suspend = lappend(suspend, fk);
					ereport(NOTICE,
							(errmsg("foreign key \"%s\" of through table \"%s\" is suspended until \"%s\" is distributed",
									con, get_rel_name(rel->through), o.name),
							 errdetail("Citus would turn a local table referencing a reference table into a Citus local table."),
							 errhint("Run %s to restore it.", distribute_call(o.name))));
				}
			}
			continue;
		}
		mside = rel->model == relid ? &want : &oc;
		tside = rel->model == relid ? &oc : &want;
		{
			OrmarModel	rm,
						rt;

			ormar_model_info(rel->model, &rm);
			ormar_model_info(rel->target, &rt);
			check_m2m(what, &rm, mside, &rt, tside, rel->through);
		}
		throughs = lappend(throughs, rel);
	}
	identity = narrow_identity(relid);

	/* 2. the changes */
	sequential_mode();
	foreach(lc, suspend)
	{
		LinkFk	   *fk = lfirst(lc);

		drop_constraint(fk->relid, fk->name);
	}
	if (identity)
		identity_to_sequence(relid, identity);
	{
		Oid			argtypes[3] = {OIDOID, TEXTOID, TEXTOID};
		Datum		values[3];

		values[0] = ObjectIdGetDatum(relid);
		if (column == NULL)
			citus_query("SELECT pg_catalog.create_reference_table($1::pg_catalog.regclass)",
						1, argtypes, values);
		else
		{
			values[1] = CStringGetTextDatum(column);
			values[2] = CStringGetTextDatum(OidIsValid(colocate) && colocate != relid ?
											ormar_qualified_rel(colocate) : "default");
			citus_query("SELECT pg_catalog.create_distributed_table($1::pg_catalog.regclass, $2,"
						" colocate_with => $3)",
						3, argtypes, values);
		}
	}
	foreach(lc, throughs)
	{
		OrmarRel   *rel = lfirst(lc);
		char	   *c1 = fk_constraint_on(rel->through, rel->through_column, rel->model);
		char	   *c2 = fk_constraint_on(rel->through, rel->through_reverse_column, rel->target);
		OrmarModel	rm,
					rt;

		ormar_model_info(rel->model, &rm);
		ormar_model_info(rel->target, &rt);
		/* the link keys are made again: their ON UPDATE action may have to go */
		if (c1)
			drop_constraint(rel->through, c1);
		if (c2)
			drop_constraint(rel->through, c2);
		distribute_through(rel->through, rel->model, rel->through_column,
						   rel->target, rel->through_reverse_column);
		{
			LinkFk	   *fk1 = palloc0(sizeof(LinkFk));
			LinkFk	   *fk2 = palloc0(sizeof(LinkFk));

			fk1->relid = fk2->relid = rel->through;
			fk1->name = c1 ? c1 : ormar_fk_constraint_name(rel->through_name, rm.name, rm.pk_name,
														   rel->through_column);
			fk1->column = rel->through_column;
			fk1->target = rel->model;
			fk2->name = c2 ? c2 : ormar_fk_constraint_name(rel->through_name, rt.name, rt.pk_name,
														   rel->through_reverse_column);
			fk2->column = rel->through_reverse_column;
			fk2->target = rel->target;
			restore = lappend(restore, fk1);
			if (rel->model != rel->target || strcmp(fk1->name, fk2->name) != 0)
				restore = lappend(restore, fk2);
		}
	}
	foreach(lc, restore)
		add_fk(lfirst(lc));

	/* 3. generated objects again, now that Citus can send them to every node */
	{
		List	   *all = ormar_relations_touching(relid);

		foreach(lc, all)
		{
			OrmarRel   *rel = lfirst(lc);
			char	   *reason;

			if (!OidIsValid(rel->target))
				continue;
			if (!ormar_try_as(ormar_relation_role(rel), regenerate_cb, rel, &reason))
				ereport(WARNING,
						(errmsg("could not regenerate the objects of relation \"%s.%s\"",
								get_rel_name(rel->model), rel->name),
						 errdetail("%s", reason)));
		}
	}
	/* relations waiting for this model as a Citus table (refused while it was local) */
	ormar_resolve_pending(relid);
	(void) model_name;
	PG_RETURN_VOID();
}

/*
 * ormar.distribute(model, distribution_column, colocate_with): make a model
 * a reference table (no column) or a distributed table, with its
 * auto-created through tables, following Citus's rules.
 */
Datum
ormar_distribute(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(distribute_impl, fcinfo);
}
