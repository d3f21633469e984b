/*-------------------------------------------------------------------------
 * distribute.c
 *	  ormar.distribute (row-based sharding with Citus, DESIGN §9): make a
 *	  model a reference table or a distributed table, with its auto-created
 *	  through tables, following Citus's rules (citus.c) and refusing what
 *	  Citus cannot do before anything changes.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "catalog.h"
#include "citus.h"
#include "ddl.h"
#include "keys.h"
#include "naming.h"
#include "ormar_pg.h"
#include "relation.h"
#include "spi_util.h"
#include "tables.h"

PG_FUNCTION_INFO_V1(ormar_distribute);

/* Name of a single-column foreign key of RELID on COLUMN referencing TARGET, or NULL. */
static char *
fk_constraint_on(Oid relid, const char *column, Oid target)
{
	AttrNumber	attnum = get_attnum(relid, column);

	if (attnum == InvalidAttrNumber)
		return NULL;
	return ormar_first_foreign_key(relid, attnum, target, InvalidAttrNumber, NULL, NULL);
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

/* Drop constraint NAME of RELID (a suspended key, or a link key made again). */
static void
drop_constraint(Oid relid, const char *name)
{
	ormar_ddl(psprintf("ALTER TABLE %s DROP CONSTRAINT %s", ormar_qualified_rel(relid),
					   quote_identifier(name)));
}

/* Create foreign key FK; a through link gets the actions its table allows. */
static void
add_fk(LinkFk *fk)
{
	OrmarModel	t;

	ormar_model_info(fk->target, &t);
	ormar_ddl_add_fk(fk->relid, fk->name, fk->column, &t,
					 fk->actions ? fk->actions : ormar_citus_link_actions(fk->relid, fk->column));
}

/* A unique index of RELID that does not include COLUMN, or NULL. */
static char *
unique_index_without(Oid relid, const char *column)
{
	Oid			argtypes[2] = {OIDOID, TEXTOID};
	Datum		values[2];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(column);
	ormar_citus_query("SELECT c.relname::pg_catalog.text FROM pg_catalog.pg_index i"
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
 * Identity columns of RELID that Citus cannot distribute (integer or
 * smallint identities: Citus needs bigint for identity columns).
 */
static List *
narrow_identities(Oid relid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	ormar_citus_query("SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
				" WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0"
				" AND NOT a.attisdropped AND a.attidentity OPERATOR(pg_catalog.<>) ''"
				" AND a.atttypid OPERATOR(pg_catalog.<>) 'pg_catalog.int8'::pg_catalog.regtype"
				" ORDER BY a.attnum",
				1, argtypes, values);
	{
		List	   *result = NIL;

		for (uint64 i = 0; i < SPI_processed; i++)
			result = lappend(result, ormar_getstring(i, 1));
		return result;
	}
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
	ormar_citus_query("SELECT pg_catalog.pg_get_serial_sequence($1, $2)", 2, argtypes, values);
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

/* ormar_try_as callback: regenerate the objects of a relation (as their owner). */
static void
regenerate_cb(void *arg)
{
	OrmarRel   *rel = arg;

	rel = ormar_get_relation(rel->model, rel->name);
	if (rel)
		ormar_refresh_relation(rel);
}

/*
 * What ormar.distribute will do to a model, decided in full before
 * anything changes: the Citus table it becomes, the foreign keys of local
 * tables to suspend, the keys to create again afterwards, the through
 * tables that go with it and the narrow identity columns to convert.
 */
typedef struct DistributePlan
{
	Oid			relid;
	OrmarModel	m;
	char	   *column;			/* distribution column, NULL: reference table */
	Oid			colocate;
	CitusTable	want;
	List	   *out;			/* OrmarRel: relations from the model */
	List	   *in;				/* OrmarRel: relations to it */
	List	   *suspend;		/* LinkFk: local tables' keys to drop */
	List	   *restore;		/* LinkFk: keys to (re)create after */
	List	   *throughs;		/* OrmarRel: through tables to distribute */
	List	   *identities;		/* narrow identity columns to convert */
} DistributePlan;

/*
 * The distribution column of a distributed table: it exists, every unique
 * index includes it, and the table to co-locate with (if given) is
 * distributed, whose colocation group the model joins.
 */
static void
check_distribution_column(DistributePlan *p)
{
	AttrNumber	attnum = get_attnum(p->relid, p->column);
	char	   *idx;

	if (attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of model \"%s\" does not exist", p->column, p->m.name)));
	idx = unique_index_without(p->relid, p->column);
	if (idx)
		ORMAR_CITUS_REFUSE(errmsg("model \"%s\" cannot be distributed by column \"%s\"",
								  p->m.name, p->column),
						   errdetail("Every primary key or unique constraint of a distributed table must include the distribution column, and index \"%s\" does not.",
									 idx),
						   errhint("Distribute \"%s\" by its key \"%s\", or make it a reference table.",
								   p->m.name, p->m.pk_name));
	if (OidIsValid(p->colocate))
	{
		CitusTable	cc;

		ormar_citus_kind_of(p->colocate, &cc);
		if (cc.kind != CITUS_HASH)
			ORMAR_CITUS_REFUSE(errmsg("cannot co-locate \"%s\" with \"%s\"", p->m.name,
									  get_rel_name(p->colocate)),
							   errdetail("Citus co-locates only distributed tables, and \"%s\" is %s.",
										 get_rel_name(p->colocate), ormar_citus_kind_text(cc.kind)),
							   errhint("Distribute \"%s\" first.", get_rel_name(p->colocate)));
		p->want.colocation = cc.colocation;
	}
}

/*
 * The model's own checks: Citus is there, the model is no through table,
 * is not a Citus table already (false: it is already what was asked, a
 * NOTICE said so), and the distribution column and colocate_with are usable.
 */
static bool
check_model(DistributePlan *p)
{
	CitusTable	mc;

	if (!ormar_citus_present())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the citus extension is not installed in this database"),
				 errhint("Run CREATE EXTENSION citus first.")));
	{
		char	   *um,
				   *un;

		if (ormar_through_of(p->relid, &um, &un))
			ORMAR_CITUS_REFUSE(errmsg("model \"%s\" is the through table of relation \"%s.%s\"",
									  p->m.name, um, un),
							   errdetail("A through table is distributed together with the model that is its hash-distributed side, or made a reference table with its two sides."),
							   errhint("Distribute \"%s\" and its target instead.", um));
	}
	if (p->column == NULL && OidIsValid(p->colocate))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("colocate_with needs a distribution column"),
				 errdetail("A reference table is copied to every node and is co-located with nothing.")));

	ormar_citus_kind_of(p->relid, &mc);
	p->want.kind = p->column ? CITUS_HASH : CITUS_REFERENCE;
	p->want.column = p->column;
	p->want.colocation = 0;
	if (mc.kind != CITUS_NONE)
	{
		if (mc.kind == p->want.kind &&
			(p->column == NULL || strcmp(p->column, mc.column) == 0))
		{
			ereport(NOTICE,
					(errmsg("model \"%s\" is already %s", p->m.name, ormar_citus_kind_text(mc.kind))));
			return false;
		}
		ORMAR_CITUS_REFUSE(errmsg("model \"%s\" is already %s", p->m.name,
								  ormar_citus_kind_text(mc.kind)),
						   errdetail("ormar.distribute converts a local table; Citus changes an existing Citus table only with its own functions."),
						   errhint("Use Citus's undistribute_table('%s') first, or alter_distributed_table().",
								   p->m.name));
	}

	if (p->column)
		check_distribution_column(p);
	return true;
}

/* Foreign keys from the model: each target must suit Citus's rules. */
static void
plan_outgoing(DistributePlan *p)
{
	ListCell   *lc;

	foreach(lc, p->out)
	{
		OrmarRel   *rel = lfirst(lc);
		OrmarModel	t;
		CitusTable	tc;

		if (!OidIsValid(rel->target) || rel->kind != ORMAR_FOREIGN_KEY)
			continue;
		ormar_model_info(rel->target, &t);
		if (rel->target == p->relid)
			tc = p->want;
		else
			ormar_citus_kind_of(rel->target, &tc);
		if (p->want.kind == CITUS_HASH && tc.kind == CITUS_HASH && !OidIsValid(p->colocate) &&
			rel->target != p->relid)
			p->want.colocation = tc.colocation;	/* co-located with its target */
		ormar_citus_check_fk(p->m.name, rel->name, &p->m, &p->want, rel->column_name,
							 rel->one_to_one, rel->ondelete, rel->onupdate, &t, &tc);
		if (p->want.kind == CITUS_HASH && tc.kind == CITUS_HASH && !OidIsValid(p->colocate))
			p->colocate = rel->target;
		if (rel->constraint_name &&
			!OidIsValid(get_relation_constraint_oid(p->relid, rel->constraint_name, true)))
		{
			LinkFk	   *fk = palloc0(sizeof(LinkFk));

			fk->relid = p->relid;
			fk->name = rel->constraint_name;
			fk->column = rel->column_name;
			fk->target = rel->target;
			fk->actions = ormar_ddl_fk_actions(rel);
			p->restore = lappend(p->restore, fk);
		}
	}
}

/*
 * Suspend foreign key CON of RELID, a local model or (THROUGH) a through
 * table, until model UNTIL is distributed too: Citus would turn a local
 * table referencing a reference table into a Citus local table.
 */
static void
suspend_fk(DistributePlan *p, Oid relid, char *con, bool through, const char *until)
{
	LinkFk	   *fk = palloc0(sizeof(LinkFk));

	fk->relid = relid;
	fk->name = con;
	p->suspend = lappend(p->suspend, fk);
	ereport(NOTICE,
			(through ?
			 errmsg("foreign key \"%s\" of through table \"%s\" is suspended until \"%s\" is distributed",
					con, get_rel_name(relid), until) :
			 errmsg("foreign key \"%s\" of local model \"%s\" is suspended until \"%s\" is distributed",
					con, get_rel_name(relid), until),
			 errdetail("Citus would turn a local table referencing a reference table into a Citus local table."),
			 errhint("Run %s to restore it.", ormar_citus_distribute_call(until))));
}

/*
 * Foreign keys of other models to this one: refused from a local table to
 * a distributed one; suspended while this one becomes a reference table.
 */
static void
plan_incoming(DistributePlan *p)
{
	ListCell   *lc;

	foreach(lc, p->in)
	{
		OrmarRel   *rel = lfirst(lc);
		OrmarModel	src;
		CitusTable	sc;
		char	   *con;

		if (rel->kind != ORMAR_FOREIGN_KEY || rel->model == p->relid)
			continue;
		ormar_model_info(rel->model, &src);
		ormar_citus_kind_of(rel->model, &sc);
		if (sc.kind != CITUS_NONE)
			continue;			/* a Citus table referencing a local one: cannot exist */
		if (p->want.kind == CITUS_HASH)
			ORMAR_CITUS_REFUSE(errmsg("local model \"%s\" references \"%s\" (relation \"%s.%s\")",
									  src.name, p->m.name, src.name, rel->name),
							   errdetail("Citus does not allow a foreign key from a local table to a distributed table."),
							   errhint("Make \"%s\" a reference table instead, or drop relation \"%s.%s\" first.",
									   p->m.name, src.name, rel->name));
		con = fk_constraint_on(rel->model, rel->column_name, p->relid);
		if (con)
			suspend_fk(p, rel->model, con, false, src.name);
	}
}

/* Many-to-manys of the model: which through tables go with it. */
static void
plan_many_to_many(DistributePlan *p)
{
	ListCell   *lc;

	foreach(lc, list_concat(list_copy(p->out), p->in))
	{
		OrmarRel   *rel = lfirst(lc);
		Oid			other;
		const char *selfcol,
				   *othercol;
		OrmarModel	o;
		CitusTable	oc,
					thc;
		CitusTable *mside,
				   *tside;

		if (rel->kind != ORMAR_MANY_TO_MANY || !OidIsValid(rel->target) ||
			!OidIsValid(rel->through))
			continue;
		if (list_member_ptr(p->throughs, rel))
			continue;
		m2m_sides(rel, p->relid, &other, &selfcol, &othercol);
		ormar_model_info(other, &o);
		if (other == p->relid)
			oc = p->want;
		else
			ormar_citus_kind_of(other, &oc);
		ormar_citus_kind_of(rel->through, &thc);
		if (thc.kind != CITUS_NONE)
			continue;
		if (oc.kind == CITUS_NONE)
		{
			if (p->want.kind == CITUS_HASH)
				ORMAR_CITUS_REFUSE(errmsg("relation \"%s.%s\" would link distributed table \"%s\" and local table \"%s\"",
										  get_rel_name(rel->model), rel->name, p->m.name, o.name),
								   errdetail("The through table is distributed by the distributed side's column, and Citus allows its foreign key to the other side only when that side is a reference table."),
								   errhint("Make \"%s\" a reference table first: %s.", o.name,
										   ormar_citus_distribute_call(o.name)));
			/* reference side first: the through table waits for the other side */
			{
				char	   *con = fk_constraint_on(rel->through, selfcol, p->relid);

				if (con)
					suspend_fk(p, rel->through, con, true, o.name);
			}
			continue;
		}
		mside = rel->model == p->relid ? &p->want : &oc;
		tside = rel->model == p->relid ? &oc : &p->want;
		{
			OrmarModel	rm,
						rt;

			ormar_model_info(rel->model, &rm);
			ormar_model_info(rel->target, &rt);
			ormar_citus_check_m2m(get_rel_name(rel->model), rel->name, &rm, mside, &rt, tside,
								  rel->through);
		}
		p->throughs = lappend(p->throughs, rel);
	}
}

/* The changes, once every check passed. */
static void
apply_plan(DistributePlan *p)
{
	ListCell   *lc;

	ormar_citus_sequential();
	foreach(lc, p->suspend)
	{
		LinkFk	   *fk = lfirst(lc);

		drop_constraint(fk->relid, fk->name);
	}
	foreach(lc, p->identities)
		identity_to_sequence(p->relid, lfirst(lc));
	{
		Oid			argtypes[3] = {OIDOID, TEXTOID, TEXTOID};
		Datum		values[3];

		values[0] = ObjectIdGetDatum(p->relid);
		if (p->column == NULL)
			ormar_citus_query("SELECT pg_catalog.create_reference_table($1::pg_catalog.regclass)",
						1, argtypes, values);
		else
		{
			values[1] = CStringGetTextDatum(p->column);
			values[2] = CStringGetTextDatum(OidIsValid(p->colocate) && p->colocate != p->relid ?
											ormar_qualified_rel(p->colocate) : "default");
			ormar_citus_query("SELECT pg_catalog.create_distributed_table($1::pg_catalog.regclass, $2,"
						" colocate_with => $3)",
						3, argtypes, values);
		}
	}
	foreach(lc, p->throughs)
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
		ormar_citus_distribute_through(rel->through, rel->model, rel->through_column,
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
			p->restore = lappend(p->restore, fk1);
			if (rel->model != rel->target || strcmp(fk1->name, fk2->name) != 0)
				p->restore = lappend(p->restore, fk2);
		}
	}
	foreach(lc, p->restore)
		add_fk(lfirst(lc));

}

/*
 * ormar.distribute: (1) every check against Citus's rules, over the model's
 * foreign keys both ways and its many-to-manys, before anything changes;
 * (2) suspend the keys of local tables that would make Citus create Citus
 * local tables, turn a narrow identity into a sequence, let Citus convert
 * the model and its through tables, create the keys again (restoring ones
 * suspended earlier); (3) regenerate the accessors and views and build the
 * pending relations that waited for this model as a Citus table.
 */
static Datum
distribute_impl(FunctionCallInfo fcinfo)
{
	DistributePlan plan = {0};
	DistributePlan *p = &plan;
	ListCell   *lc;

	ormar_require_arg(fcinfo, 0, "model");
	p->relid = PG_GETARG_OID(0);
	if (!PG_ARGISNULL(1))
		p->column = pstrdup(NameStr(*PG_GETARG_NAME(1)));
	if (!PG_ARGISNULL(2))
		p->colocate = PG_GETARG_OID(2);
	ormar_require_model(p->relid);
	ormar_check_owner(p->relid);
	ormar_model_info(p->relid, &p->m);
	if (!check_model(p))
		PG_RETURN_VOID();

	/* 1. every check, before anything changes */
	p->out = ormar_relations_from(p->relid);
	p->in = ormar_relations_to(p->relid);
	plan_outgoing(p);
	plan_incoming(p);
	plan_many_to_many(p);
	p->identities = narrow_identities(p->relid);

	/* 2. the changes */
	apply_plan(p);

	/* 3. generated objects again, now that Citus can send them to every node */
	{
		List	   *all = ormar_relations_touching(p->relid);

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
						 errdetail("Regenerating them as role \"%s\" failed: %s.",
								   GetUserNameFromId(ormar_relation_role(rel), true), reason)));
		}
	}
	/* relations waiting for this model as a Citus table (refused while it was local) */
	ormar_resolve_pending(p->relid);
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
