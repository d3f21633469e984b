/*-------------------------------------------------------------------------
 * fields.c
 *	  Field specifications: the json that define_model takes, turned into
 *	  column definitions and relation declarations.
 *
 * Fields are read with json_each over the json text, so their order and any
 * repeated key are seen exactly as written (jsonb would lose both).  Every
 * refusal is 22023 and names the model and the field.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/resowner.h"
#include "utils/varlena.h"

#include "fields.h"
#include "keys.h"
#include "naming.h"
#include "spi_util.h"

typedef struct JsonPair
{
	char	   *key;
	char	   *type;			/* json_typeof */
	char	   *scalar;			/* unescaped scalar, NULL for null/containers */
	char	   *raw;			/* json text of the value */
} JsonPair;

/* Top-level pairs of a json object in written order; NULL if not an object. */
static JsonPair *
json_pairs(const char *json, int *npairs)
{
	Oid			argtypes[1] = {JSONOID};
	Datum		values[1];
	JsonPair   *pairs;

	values[0] = CStringGetTextDatum(json);
	ormar_exec("SELECT pg_catalog.json_typeof($1)", 1, argtypes, values, NULL, false, 1);
	if (strcmp(ormar_getstring(0, 1), "object") != 0)
		return NULL;

	ormar_exec("SELECT key, pg_catalog.json_typeof(value),"
			   " value OPERATOR(pg_catalog.#>>) '{}'::pg_catalog.text[], value::pg_catalog.text"
			   " FROM pg_catalog.json_each($1)",
			   1, argtypes, values, NULL, false, 0);
	*npairs = (int) SPI_processed;
	pairs = palloc0(sizeof(JsonPair) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		pairs[i].key = ormar_getstring(i, 1);
		pairs[i].type = ormar_getstring(i, 2);
		pairs[i].scalar = ormar_getstring(i, 3);
		pairs[i].raw = ormar_getstring(i, 4);
	}
	return pairs;
}

#define field_error(model, field, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg("invalid field \"%s\" of model \"%s\"", (field), (model)), \
			 errdetail(__VA_ARGS__)))

static bool
opt_bool(const char *model, const char *field, JsonPair *p)
{
	if (strcmp(p->type, "boolean") != 0)
		field_error(model, field, "Option \"%s\" must be a boolean.", p->key);
	return strcmp(p->scalar, "true") == 0;
}

static char *
opt_string(const char *model, const char *field, JsonPair *p)
{
	if (strcmp(p->type, "string") != 0)
		field_error(model, field, "Option \"%s\" must be a string.", p->key);
	if (p->scalar[0] == '\0')
		field_error(model, field, "Option \"%s\" must not be empty.", p->key);
	return p->scalar;
}

static int
opt_int(const char *model, const char *field, JsonPair *p, int min)
{
	char	   *end;
	long		val;

	if (strcmp(p->type, "number") != 0)
		field_error(model, field, "Option \"%s\" must be an integer.", p->key);
	errno = 0;
	val = strtol(p->scalar, &end, 10);
	if (*end != '\0' || errno != 0 || val < min || val > 10 * 1000 * 1000)
		field_error(model, field, "Option \"%s\" must be an integer of at least %d.",
					p->key, min);
	return (int) val;
}

/*
 * Check that EXPR is one SQL expression and nothing else, by parsing it as
 * the expression of ALTER COLUMN SET DEFAULT: a value that would close the
 * parenthesis and add a column, or end the statement, does not parse.
 */
void
ormar_check_expression(const char *expr, const char *what)
{
	List	   *volatile parsed = NIL;
	volatile bool ok = false;
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	/* a syntax error is an answer here, not a failure: catch it properly */
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		parsed = raw_parser(psprintf("ALTER TABLE t ALTER COLUMN c SET DEFAULT %s", expr),
							RAW_PARSE_DEFAULT);
		ok = true;
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_END_TRY();

	if (ok && list_length(parsed) == 1)
	{
		RawStmt    *raw = linitial_node(RawStmt, parsed);

		ok = false;
		if (IsA(raw->stmt, AlterTableStmt))
		{
			AlterTableStmt *stmt = (AlterTableStmt *) raw->stmt;

			ok = list_length(stmt->cmds) == 1 &&
				((AlterTableCmd *) linitial(stmt->cmds))->subtype == AT_ColumnDefault;
		}
	}
	else
		ok = false;				/* no parse, or more than one statement */

	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is not a single SQL expression", what),
				 errdetail("Value: %s", expr)));
}

/*
 * A relation target: a plain model name, taken as written; or, when it
 * contains a dot or a double quote, an SQL identifier that may be
 * schema-qualified ("sales.department", "\"My.Table\"").
 */
void
ormar_parse_target(const char *target, const char *default_schema,
				   char **schema, char **name)
{
	List	   *names;
	char	   *copy;

	if (strchr(target, '.') == NULL && strchr(target, '"') == NULL)
	{
		*schema = pstrdup(default_schema);
		*name = pstrdup(target);
		return;
	}
	copy = pstrdup(target);
	if (!SplitIdentifierString(copy, '.', &names) ||
		list_length(names) < 1 || list_length(names) > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model name \"%s\"", target),
				 errhint("Write a model name as written, or as a possibly schema-qualified SQL identifier (\"schema.name\", \"\"\"My.Name\"\"\").")));
	if (list_length(names) == 2)
	{
		*schema = pstrdup(linitial(names));
		*name = pstrdup(lsecond(names));
	}
	else
	{
		*schema = pstrdup(default_schema);
		*name = pstrdup(linitial(names));
	}
	if (strlen(*name) >= NAMEDATALEN || strlen(*schema) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name \"%s\" is too long", target)));
}

static const char *const actions[] = {
	"CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION"
};

bool
ormar_valid_action(const char *action)
{
	for (int i = 0; i < lengthof(actions); i++)
		if (pg_strcasecmp(action, actions[i]) == 0)
			return true;
	return false;
}

/* ondelete / onupdate, in any case, as the SQL keyword; 22023 otherwise. */
char *
ormar_upper_action(const char *action, const char *what)
{
	if (action == NULL)
		return NULL;
	for (int i = 0; i < lengthof(actions); i++)
		if (pg_strcasecmp(action, actions[i]) == 0)
			return pstrdup(actions[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s action \"%s\"", what, action),
			 errhint("Use CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION.")));
	return NULL;				/* keep compiler quiet */
}

/* Column type of a field type that takes no size options, or InvalidOid. */
static Oid
simple_type(const char *type)
{
	static const struct
	{
		const char *name;
		Oid			typid;
	}			map[] = {
		{"Integer", INT4OID}, {"BigInteger", INT8OID},
		{"SmallInteger", INT2OID}, {"Text", TEXTOID},
		{"Boolean", BOOLOID}, {"Float", FLOAT8OID},
		{"Date", DATEOID}, {"JSON", JSONBOID}, {"UUID", UUIDOID},
		{"LargeBinary", BYTEAOID}
	};

	for (int i = 0; i < lengthof(map); i++)
		if (strcmp(type, map[i].name) == 0)
			return map[i].typid;
	return InvalidOid;
}

static bool
is_integer_type(const char *type)
{
	return strcmp(type, "Integer") == 0 || strcmp(type, "BigInteger") == 0 ||
		strcmp(type, "SmallInteger") == 0;
}

/* One field: its options, validated, into an OrmarField. */
static OrmarField *
parse_field(const char *model, const char *schema, JsonPair *fp)
{
	OrmarField *f = palloc0(sizeof(OrmarField));
	JsonPair   *opts;
	int			nopts = 0;
	bool		is_fk,
				is_m2m;
	bool		has_autoinc = false,
				has_nullable = false;
	int			max_length = -1,
				max_digits = -1,
				decimal_places = -1;
	bool		timezone = false;
	char	   *to = NULL;
	OrmarRel   *rel = NULL;

	f->name = fp->key;
	if (f->name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid field name \"\" in model \"%s\"", model)));
	if (strlen(f->name) >= NAMEDATALEN)
		field_error(model, f->name, "A field name may have at most %d bytes.", NAMEDATALEN - 1);

	opts = json_pairs(fp->raw, &nopts);
	if (opts == NULL)
		field_error(model, f->name, "A field is a json object such as {\"type\": \"Integer\"}.");

	for (int i = 0; i < nopts; i++)
		if (strcmp(opts[i].key, "type") == 0)
			f->type = opt_string(model, f->name, &opts[i]);
	if (f->type == NULL)
		field_error(model, f->name, "Option \"type\" is required.");

	is_fk = strcmp(f->type, "ForeignKey") == 0;
	is_m2m = strcmp(f->type, "ManyToMany") == 0;
	if (is_fk || is_m2m)
	{
		rel = palloc0(sizeof(OrmarRel));
		rel->kind = is_fk ? ORMAR_FOREIGN_KEY : ORMAR_MANY_TO_MANY;
		rel->name = f->name;
		rel->nullable = true;
		f->rel = rel;
	}
	else if (!OidIsValid(simple_type(f->type)) &&
			 strcmp(f->type, "String") != 0 && strcmp(f->type, "Decimal") != 0 &&
			 strcmp(f->type, "Time") != 0 && strcmp(f->type, "DateTime") != 0)
		field_error(model, f->name, "Unknown field type \"%s\".", f->type);

	for (int i = 0; i < nopts; i++)
	{
		JsonPair   *p = &opts[i];
		const char *k = p->key;

		for (int j = 0; j < i; j++)
			if (strcmp(opts[j].key, k) == 0)
				field_error(model, f->name, "Option \"%s\" is given twice.", k);

		if (strcmp(k, "type") == 0)
			continue;
		else if (strcmp(k, "nullable") == 0)
		{
			f->nullable = opt_bool(model, f->name, p);
			has_nullable = true;
			if (f->rel)
				f->rel->nullable = f->nullable;
		}
		else if (f->rel)
		{
			/* relation options: those of ormar.foreign_key / many_to_many */
			if (strcmp(k, "to") == 0)
				to = opt_string(model, f->name, p);
			else if (strcmp(k, "related_name") == 0)
				rel->related_name = opt_string(model, f->name, p);
			else if (strcmp(k, "skip_reverse") == 0)
				rel->skip_reverse = opt_bool(model, f->name, p);
			else if (strcmp(k, "default") == 0 || strcmp(k, "server_default") == 0)
				field_error(model, f->name, "A relation field cannot have a default.");
			else if (is_fk && (strcmp(k, "one_to_one") == 0 || strcmp(k, "unique") == 0))
				rel->one_to_one = rel->one_to_one || opt_bool(model, f->name, p);
			else if (is_fk && (strcmp(k, "ondelete") == 0 || strcmp(k, "onupdate") == 0))
			{
				char	   *action = opt_string(model, f->name, p);

				if (!ormar_valid_action(action))
					field_error(model, f->name,
								"Option \"%s\" must be CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION, not \"%s\".",
								k, action);
				if (k[2] == 'd')
					rel->ondelete = ormar_upper_action(action, k);
				else
					rel->onupdate = ormar_upper_action(action, k);
			}
			else if (is_fk && strcmp(k, "column_name") == 0)
				rel->column_name = opt_string(model, f->name, p);
			else if (is_m2m && strcmp(k, "through") == 0)
				rel->through_name = opt_string(model, f->name, p);
			else if (is_m2m && strcmp(k, "through_relation_name") == 0)
				rel->through_column = opt_string(model, f->name, p);
			else if (is_m2m && strcmp(k, "through_reverse_relation_name") == 0)
				rel->through_reverse_column = opt_string(model, f->name, p);
			else if (is_m2m && strcmp(k, "through_fields") == 0)
			{
				if (strcmp(p->type, "object") != 0)
					field_error(model, f->name, "Option \"through_fields\" must be an object of fields.");
				rel->through_fields = p->raw;
			}
			else
				field_error(model, f->name, "Unknown option \"%s\" for field type %s.", k, f->type);
		}
		else if (strcmp(k, "primary_key") == 0)
			f->primary_key = opt_bool(model, f->name, p);
		else if (strcmp(k, "autoincrement") == 0)
		{
			f->autoincrement = opt_bool(model, f->name, p);
			has_autoinc = true;
		}
		else if (strcmp(k, "unique") == 0)
			f->unique = opt_bool(model, f->name, p);
		else if (strcmp(k, "index") == 0)
			f->index = opt_bool(model, f->name, p);
		else if (strcmp(k, "default") == 0)
		{
			if (strcmp(p->type, "object") == 0 || strcmp(p->type, "array") == 0)
				f->default_text = p->raw;
			else
				f->default_text = p->scalar;	/* NULL for json null */
		}
		else if (strcmp(k, "server_default") == 0)
		{
			f->server_default = opt_string(model, f->name, p);
			ormar_check_expression(f->server_default,
								   psprintf("server_default of field \"%s\"", f->name));
		}
		else if (strcmp(k, "max_length") == 0 && strcmp(f->type, "String") == 0)
			max_length = opt_int(model, f->name, p, 1);
		else if (strcmp(k, "max_digits") == 0 && strcmp(f->type, "Decimal") == 0)
			max_digits = opt_int(model, f->name, p, 1);
		else if (strcmp(k, "decimal_places") == 0 && strcmp(f->type, "Decimal") == 0)
			decimal_places = opt_int(model, f->name, p, 0);
		else if (strcmp(k, "timezone") == 0 &&
				 (strcmp(f->type, "DateTime") == 0 || strcmp(f->type, "Time") == 0))
			timezone = opt_bool(model, f->name, p);
		else
			field_error(model, f->name, "Unknown option \"%s\" for field type %s.", k, f->type);
	}

	if (f->rel)
	{
		if (to == NULL)
			field_error(model, f->name, "Option \"to\" is required for a %s field.", f->type);
		ormar_parse_target(to, schema, &rel->target_schema, &rel->target_name);
		if (is_fk && rel->column_name == NULL)
			rel->column_name = f->name;
		return f;
	}

	/* column type */
	f->typmod = -1;
	if (strcmp(f->type, "String") == 0)
	{
		if (max_length < 0)
			field_error(model, f->name, "A String field needs \"max_length\".");
		f->typid = VARCHAROID;
		f->typmod = max_length + VARHDRSZ;
	}
	else if (strcmp(f->type, "Decimal") == 0)
	{
		if (max_digits < 0 && decimal_places >= 0)
			field_error(model, f->name, "\"decimal_places\" needs \"max_digits\".");
		if (max_digits >= 0 && decimal_places > max_digits)
			field_error(model, f->name, "\"decimal_places\" cannot exceed \"max_digits\".");
		if (max_digits > 1000)
			field_error(model, f->name, "\"max_digits\" can be at most 1000.");
		f->typid = NUMERICOID;
		if (max_digits >= 0)
			f->typmod = ((max_digits << 16) | (decimal_places < 0 ? 0 : decimal_places)) + VARHDRSZ;
	}
	else if (strcmp(f->type, "DateTime") == 0)
		f->typid = timezone ? TIMESTAMPTZOID : TIMESTAMPOID;
	else if (strcmp(f->type, "Time") == 0)
		f->typid = timezone ? TIMETZOID : TIMEOID;
	else
		f->typid = simple_type(f->type);
	/* schema-qualified, so that search_path cannot pick another type */
	f->sqltype = ormar_type_sql(f->typid, f->typmod);

	if (f->primary_key)
	{
		if (has_nullable && f->nullable)
			field_error(model, f->name, "A primary key cannot be nullable.");
		f->nullable = false;
		if (!has_autoinc)
			f->autoincrement = is_integer_type(f->type);
	}
	else if (!has_nullable)
		f->nullable = true;
	if (f->autoincrement && !is_integer_type(f->type))
		field_error(model, f->name, "Only an integer field can be autoincrement.");
	if (f->autoincrement && (f->default_text || f->server_default))
		field_error(model, f->name, "An autoincrement field cannot have a default.");
	if (f->default_text && f->server_default)
		field_error(model, f->name, "Give \"default\" or \"server_default\", not both.");
	/* the value must be valid input for the column type */
	if (f->default_text && !ormar_input_ok(f->typid, f->typmod, f->default_text))
		field_error(model, f->name, "Default %s is not a valid %s.",
					quote_literal_cstr(f->default_text),
					format_type_with_typemod(f->typid, f->typmod));
	return f;
}

/*
 * The fields of MODEL from FIELDS_JSON: a json object, one key per field in
 * the order the columns are to be created.
 */
List *
ormar_parse_fields(const char *model, const char *schema, text *fields_json)
{
	char	   *json = text_to_cstring(fields_json);
	JsonPair   *pairs;
	int			npairs = 0;
	List	   *fields = NIL;

	pairs = json_pairs(json, &npairs);
	if (pairs == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fields of model \"%s\" must be a json object", model),
				 errhint("Write {\"id\": {\"type\": \"Integer\", \"primary_key\": true}, ...}.")));
	for (int i = 0; i < npairs; i++)
	{
		for (int j = 0; j < i; j++)
			if (strcmp(pairs[i].key, pairs[j].key) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("field \"%s\" of model \"%s\" is given twice",
								pairs[i].key, model)));
		fields = lappend(fields, parse_field(model, schema, &pairs[i]));
	}
	return fields;
}

/* The one primary-key field (22023 if there is none or more than one). */
OrmarField *
ormar_primary_key_field(const char *model, List *fields)
{
	OrmarField *pk = NULL;
	ListCell   *lc;

	foreach(lc, fields)
	{
		OrmarField *f = lfirst(lc);

		if (!f->primary_key)
			continue;
		if (pk)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("model \"%s\" has more than one primary key", model),
					 errdetail("Fields \"%s\" and \"%s\" both have \"primary_key\": true.",
							   pk->name, f->name)));
		pk = f;
	}
	if (pk == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" has no primary key", model),
				 errhint("Give exactly one field \"primary_key\": true.")));
	return pk;
}

/* Column definition of a (non-relation) field for CREATE TABLE. */
char *
ormar_column_sql(OrmarField *f, const char *fk_sqltype)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s %s", quote_identifier(f->name),
					 fk_sqltype ? fk_sqltype : f->sqltype);
	if (f->autoincrement)
		appendStringInfoString(&buf, " GENERATED BY DEFAULT AS IDENTITY");
	if (!f->nullable)
		appendStringInfoString(&buf, " NOT NULL");
	if (f->default_text)
		appendStringInfo(&buf, " DEFAULT %s::%s",
						 quote_literal_cstr(f->default_text), f->sqltype);
	if (f->server_default)
		appendStringInfo(&buf, " DEFAULT (%s\n)", f->server_default);
	if (f->unique && !f->primary_key)
		appendStringInfoString(&buf, " UNIQUE");
	return buf.data;
}
