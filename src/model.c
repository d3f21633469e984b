/*-------------------------------------------------------------------------
 * model.c
 *	  Models: ormar.define_model, ormar.define_models, ormar.register_model
 *	  and ormar.drop_model.
 *
 * define_model creates the table with one column per field in the order
 * written.  A ForeignKey field's column is created in its place when the
 * target's key type is known (the target exists, is the model itself, or is
 * defined in the same define_models call); otherwise the relation is pending
 * and its column is added when the target appears.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "citus.h"
#include "fields.h"
#include "keys.h"
#include "naming.h"
#include "ormar_pg.h"
#include "relation.h"
#include "spi_util.h"

/* models one define_models call takes (README, Limits) */
#define ORMAR_MAX_MODELS_PER_CALL 100

PG_FUNCTION_INFO_V1(ormar_define_model);
PG_FUNCTION_INFO_V1(ormar_define_models);
PG_FUNCTION_INFO_V1(ormar_register_model);
PG_FUNCTION_INFO_V1(ormar_drop_model);

/* A model being defined: what define_model needs to know of it. */
typedef struct ModelSpec
{
	char	   *name;
	char	   *schema;
	List	   *fields;
	OrmarField *pk;
	Oid			relid;
} ModelSpec;

/*
 * The schema CREATE TABLE would create in: the first existing schema of
 * search_path, as DESIGN §3's default for define_model's schema argument.
 */
static char *
creation_schema(void)
{
	List	   *path = fetch_search_path(false);

	if (path == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("no schema has been selected to create in"),
				 errhint("Pass the schema argument or set search_path.")));
	return get_namespace_name(linitial_oid(path));
}

/*
 * Validate a model about to be defined, NAME in SCHEMA with json FIELDS, and
 * read its fields; nothing is created yet, so that define_models can check
 * every model before building any.
 */
static ModelSpec *
parse_spec(const char *name, const char *schema, OrmarJson *fields)
{
	ModelSpec  *spec = palloc0(sizeof(ModelSpec));
	Oid			nsp;

	if (name[0] == '\0' || strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name \"%s\" must have 1 to %d bytes", name, NAMEDATALEN - 1)));
	spec->name = pstrdup(name);
	spec->schema = pstrdup(schema);
	nsp = get_namespace_oid(schema, true);
	if (strcmp(schema, "pg_temp") == 0 || (OidIsValid(nsp) && isAnyTempNamespace(nsp)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" cannot be defined in a temporary schema", name),
				 errdetail("A model is a permanent table: a temporary one ends with its session but would stay in the catalog.")));
	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", schema)));
	spec->fields = ormar_fields_from_json(name, schema, fields);
	spec->pk = ormar_primary_key_field(name, spec->fields);
	return spec;
}

/*
 * Column type of foreign-key field F of SPEC, if its target's key type is
 * known now: the target model exists, is SPEC itself, or is in BATCH.
 */
static char *
fk_column_type(ModelSpec *spec, OrmarField *f, List *batch)
{
	Oid			target = ormar_target_model(f->rel->target_schema, f->rel->target_name);
	ListCell   *lc;

	if (strcmp(f->rel->target_name, spec->name) == 0 &&
		strcmp(f->rel->target_schema, spec->schema) == 0)
		return spec->pk->sqltype;	/* a self-reference */
	if (OidIsValid(target))
	{
		OrmarModel	t;

		ormar_model_info(target, &t);
		return ormar_type_sql(t.pk_type, t.pk_typmod);
	}
	foreach(lc, batch)
	{
		ModelSpec  *other = lfirst(lc);

		if (strcmp(other->name, f->rel->target_name) == 0 &&
			strcmp(other->schema, f->rel->target_schema) == 0)
			return other->pk->sqltype;
	}
	return NULL;
}

/* CREATE TABLE for SPEC (plain columns and known foreign-key columns) and register it. */
static void
create_model_table(ModelSpec *spec, List *batch)
{
	StringInfoData sql;
	ListCell   *lc;
	bool		first = true;
	char	   *qualified = quote_qualified_identifier(spec->schema, spec->name);

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE TABLE %s (", qualified);
	foreach(lc, spec->fields)
	{
		OrmarField *f = lfirst(lc);
		char	   *coldef = NULL;

		if (f->rel == NULL)
			coldef = ormar_column_sql(f);
		else if (f->rel->kind == ORMAR_FOREIGN_KEY)
		{
			char	   *type = fk_column_type(spec, f, batch);

			if (type)
				coldef = psprintf("%s %s%s", quote_identifier(f->rel->column_name), type,
								  f->rel->nullable ? "" : " NOT NULL");
		}
		if (coldef)
		{
			appendStringInfo(&sql, "%s%s", first ? "" : ", ", coldef);
			first = false;
		}
	}
	appendStringInfo(&sql, "%sPRIMARY KEY (%s))", first ? "" : ", ",
					 quote_identifier(spec->pk->name));
	ormar_create_table(sql.data, get_namespace_oid(spec->schema, false));

	foreach(lc, spec->fields)
	{
		OrmarField *f = lfirst(lc);

		if (f->rel == NULL && f->index && !f->primary_key)
			ormar_ddl(psprintf("CREATE INDEX %s ON %s (%s)",
							   quote_identifier(ormar_index_name(spec->name, f->name)),
							   qualified, quote_identifier(f->name)));
	}
	ormar_ddl(psprintf("COMMENT ON TABLE %s IS %s", qualified,
					   quote_literal_cstr(psprintf("ormar_pg model %s", spec->name))));

	spec->relid = get_relname_relid(spec->name, get_namespace_oid(spec->schema, false));
	ormar_insert_model(spec->relid);
}

/* Declare the relation fields of SPEC, in the order written. */
static void
declare_relation_fields(ModelSpec *spec)
{
	ListCell   *lc;

	foreach(lc, spec->fields)
	{
		OrmarField *f = lfirst(lc);

		if (f->rel)
		{
			f->rel->model = spec->relid;
			ormar_declare(f->rel);
		}
	}
}

/* ormar.define_model: the table, then its relations, then what waited for it. */
static Datum
define_model_impl(FunctionCallInfo fcinfo)
{
	ModelSpec  *spec;
	char	   *schema;

	ormar_require_arg(fcinfo, 0, "name");
	ormar_require_arg(fcinfo, 1, "fields");
	schema = PG_ARGISNULL(2) ? creation_schema() : pstrdup(NameStr(*PG_GETARG_NAME(2)));
	spec = parse_spec(text_to_cstring(PG_GETARG_TEXT_PP(0)), schema,
					  ormar_json_parse(PG_GETARG_TEXT_PP(1)));

	create_model_table(spec, NIL);
	declare_relation_fields(spec);
	ormar_resolve_pending(spec->relid);
	PG_RETURN_OID(spec->relid);
}

/* The SQL-callable model functions, run by ormar_run_ddl_api. */
Datum
ormar_define_model(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(define_model_impl, fcinfo);
}

/*
 * 55000 if a relation of the models of SPECS is still pending, listing every
 * one: define_models builds all of its models' relations or none.
 */
static void
refuse_pending(List *specs)
{
	StringInfoData pending;
	ListCell   *lc;

	initStringInfo(&pending);
	foreach(lc, specs)
	{
		ModelSpec  *spec = lfirst(lc);
		ListCell   *r;

		foreach(r, ormar_relations_from(spec->relid))
		{
			OrmarRel   *rel = lfirst(r);

			if (!OidIsValid(rel->target))
				appendStringInfo(&pending, "%s\"%s.%s\" (model \"%s\")",
								 pending.len ? ", " : "", spec->name, rel->name,
								 rel->target_name);
		}
	}
	if (pending.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("define_models left relations pending"),
				 errdetail("Pending: %s.", pending.data),
				 errhint("Include the missing models in the same call.")));
}

/*
 * define_models: every table first, then every relation, so that any order
 * and mutual references work; anything still pending at the end fails the
 * whole call.
 */
static Datum
define_models_impl(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OrmarJson  *models;
	char	   *schema;
	List	   *specs = NIL;
	ListCell   *lc,
			   *lc2;

	ormar_require_arg(fcinfo, 0, "models");
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	schema = creation_schema();

	models = ormar_json_parse(PG_GETARG_TEXT_PP(0));
	if (models->kind != JSON_TOKEN_OBJECT_START)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("models must be a json object of model name to fields")));
	/*
	 * Every object a model brings (table, key index, sequence, relations'
	 * indexes, accessors, views) stays locked until the transaction ends,
	 * in the lock table all sessions share: a bound keeps one call from
	 * exhausting it (53200, felt by every session) halfway through.
	 */
	if (list_length(models->keys) > ORMAR_MAX_MODELS_PER_CALL)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("models has too many models"),
				 errdetail("It has %d models; the limit is %d.", list_length(models->keys),
						   ORMAR_MAX_MODELS_PER_CALL),
				 errhint("Define the models in several calls, targets first.")));
	forboth(lc, models->keys, lc2, models->values)
	{
		ListCell   *prev;

		foreach(prev, specs)
			if (strcmp(((ModelSpec *) lfirst(prev))->name, lfirst(lc)) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("model \"%s\" is given twice", (char *) lfirst(lc))));
		specs = lappend(specs, parse_spec(lfirst(lc), schema, lfirst(lc2)));
	}

	foreach(lc, specs)
		create_model_table(lfirst(lc), specs);
	foreach(lc, specs)
		declare_relation_fields(lfirst(lc));
	foreach(lc, specs)
		ormar_resolve_pending(((ModelSpec *) lfirst(lc))->relid);

	refuse_pending(specs);

	foreach(lc, specs)
	{
		Datum		v = ObjectIdGetDatum(((ModelSpec *) lfirst(lc))->relid);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
	}
	return (Datum) 0;
}

Datum
ormar_define_models(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(define_models_impl, fcinfo);
}

/*
 * ormar.register_model: adopt an existing permanent table that has a
 * single-column primary key, and build the relations pending on it.
 */
static Datum
register_model_impl(FunctionCallInfo fcinfo)
{
	Oid			relid;
	OrmarModel	m;
	Relation	rel;
	char		persistence;

	ormar_require_arg(fcinfo, 0, "tbl");
	relid = PG_GETARG_OID(0);
	/* lock it, so that it cannot go away between these checks */
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table with OID %u does not exist", relid)));
	persistence = rel->rd_rel->relpersistence;
	relation_close(rel, NoLock);
	/* privileges first: another role's table gets 42501, whatever its shape */
	ormar_check_owner(relid);
	ormar_model_info(relid, &m);
	if (persistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("temporary table \"%s\" cannot be a model", m.name),
				 errdetail("A model is a permanent table: a temporary one ends with its session but would stay in the catalog.")));
	if (ormar_is_model(relid))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("table \"%s\" is already a registered model", m.name)));
	ormar_insert_model(relid);
	ormar_resolve_pending(relid);
	PG_RETURN_OID(relid);
}

Datum
ormar_register_model(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(register_model_impl, fcinfo);
}

/*
 * ormar.drop_model: forget the model and drop what was generated for its
 * relations (those of other models targeting it only with cascade).
 */
static Datum
drop_model_impl(FunctionCallInfo fcinfo)
{
	Oid			relid;
	bool		cascade;

	ormar_require_arg(fcinfo, 0, "model");
	ormar_require_arg(fcinfo, 1, "cascade");
	relid = PG_GETARG_OID(0);
	cascade = PG_GETARG_BOOL(1);
	ormar_require_model(relid);
	ormar_check_owner(relid);
	ormar_drop_relations_of_model(relid, cascade);
	ormar_delete_model(relid);
	PG_RETURN_VOID();
}

Datum
ormar_drop_model(PG_FUNCTION_ARGS)
{
	return ormar_run_ddl_api(drop_model_impl, fcinfo);
}
