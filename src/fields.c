/*-------------------------------------------------------------------------
 * fields.c
 *	  Field specifications: the json that define_model takes, turned into
 *	  column definitions and relation declarations.
 *
 * The json is read with PostgreSQL's JSON parser and its semantic actions
 * (jsontree.c), so the order of the fields and any repeated key are
 * seen exactly as written (jsonb would lose both), and no SQL runs to read
 * it.  Which options a field type takes, and of what shape each option's
 * value is, is written once in two tables below (as postgres_fdw's option.c
 * lists the valid options per context); the same field-type table maps
 * column types back to field types for ormar.describe.  Every refusal is
 * 22023 and names the model and the field.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/resowner.h"
#include "utils/varlena.h"

#include "fields.h"
#include "jsontree.h"
#include "keys.h"
#include "naming.h"

/* ----------------------------------------------------------------------
 * The field types and their options
 * ----------------------------------------------------------------------
 */

/* Every option a field may have. */
typedef enum FieldOpt
{
	OPT_TYPE,
	OPT_PRIMARY_KEY,
	OPT_AUTOINCREMENT,
	OPT_NULLABLE,
	OPT_UNIQUE,
	OPT_INDEX,
	OPT_DEFAULT,
	OPT_SERVER_DEFAULT,
	OPT_MAX_LENGTH,
	OPT_MAX_DIGITS,
	OPT_DECIMAL_PLACES,
	OPT_TIMEZONE,
	OPT_TO,
	OPT_RELATED_NAME,
	OPT_SKIP_REVERSE,
	OPT_ONE_TO_ONE,
	OPT_ONDELETE,
	OPT_ONUPDATE,
	OPT_COLUMN_NAME,
	OPT_THROUGH,
	OPT_THROUGH_RELATION_NAME,
	OPT_THROUGH_REVERSE_RELATION_NAME,
	OPT_THROUGH_FIELDS,
	NUM_FIELD_OPTS
} FieldOpt;

/* What an option's value must be. */
typedef enum OptShape
{
	SHAPE_BOOL,
	SHAPE_STRING,				/* a non-empty string */
	SHAPE_COUNT,				/* an integer of at least min */
	SHAPE_ACTION,				/* a referential action, in any case */
	SHAPE_FIELDS,				/* an object of fields */
	SHAPE_ANY					/* any json value */
} OptShape;

static const struct
{
	const char *name;
	OptShape	shape;
	int			min;
}			field_options[NUM_FIELD_OPTS] = {
	[OPT_TYPE] = {"type", SHAPE_STRING},
	[OPT_PRIMARY_KEY] = {"primary_key", SHAPE_BOOL},
	[OPT_AUTOINCREMENT] = {"autoincrement", SHAPE_BOOL},
	[OPT_NULLABLE] = {"nullable", SHAPE_BOOL},
	[OPT_UNIQUE] = {"unique", SHAPE_BOOL},
	[OPT_INDEX] = {"index", SHAPE_BOOL},
	[OPT_DEFAULT] = {"default", SHAPE_ANY},
	[OPT_SERVER_DEFAULT] = {"server_default", SHAPE_STRING},
	[OPT_MAX_LENGTH] = {"max_length", SHAPE_COUNT, 1},
	[OPT_MAX_DIGITS] = {"max_digits", SHAPE_COUNT, 1},
	[OPT_DECIMAL_PLACES] = {"decimal_places", SHAPE_COUNT, 0},
	[OPT_TIMEZONE] = {"timezone", SHAPE_BOOL},
	[OPT_TO] = {"to", SHAPE_STRING},
	[OPT_RELATED_NAME] = {"related_name", SHAPE_STRING},
	[OPT_SKIP_REVERSE] = {"skip_reverse", SHAPE_BOOL},
	[OPT_ONE_TO_ONE] = {"one_to_one", SHAPE_BOOL},
	[OPT_ONDELETE] = {"ondelete", SHAPE_ACTION},
	[OPT_ONUPDATE] = {"onupdate", SHAPE_ACTION},
	[OPT_COLUMN_NAME] = {"column_name", SHAPE_STRING},
	[OPT_THROUGH] = {"through", SHAPE_STRING},
	[OPT_THROUGH_RELATION_NAME] = {"through_relation_name", SHAPE_STRING},
	[OPT_THROUGH_REVERSE_RELATION_NAME] = {"through_reverse_relation_name", SHAPE_STRING},
	[OPT_THROUGH_FIELDS] = {"through_fields", SHAPE_FIELDS},
};

#define OPT(o) (UINT64CONST(1) << (o))
#define COLUMN_OPTS (OPT(OPT_TYPE) | OPT(OPT_PRIMARY_KEY) | OPT(OPT_AUTOINCREMENT) | \
	OPT(OPT_NULLABLE) | OPT(OPT_UNIQUE) | OPT(OPT_INDEX) | OPT(OPT_DEFAULT) | \
	OPT(OPT_SERVER_DEFAULT))
#define RELATION_OPTS (OPT(OPT_TYPE) | OPT(OPT_NULLABLE) | OPT(OPT_TO) | \
	OPT(OPT_RELATED_NAME) | OPT(OPT_SKIP_REVERSE))

/*
 * Every field type: its column type (InvalidOid for a relation), the one it
 * takes with "timezone": true, whether it is an integer (an identity by
 * default as the primary key), and the options it takes.  ormar.describe
 * reads it backwards, from a column type to a field.
 */
static const struct
{
	const char *name;
	Oid			typid;
	Oid			tz_typid;
	bool		integer;
	uint64		options;
}			field_types[] = {
	{"Integer", INT4OID, InvalidOid, true, COLUMN_OPTS},
	{"BigInteger", INT8OID, InvalidOid, true, COLUMN_OPTS},
	{"SmallInteger", INT2OID, InvalidOid, true, COLUMN_OPTS},
	{"String", VARCHAROID, InvalidOid, false, COLUMN_OPTS | OPT(OPT_MAX_LENGTH)},
	{"Text", TEXTOID, InvalidOid, false, COLUMN_OPTS},
	{"Boolean", BOOLOID, InvalidOid, false, COLUMN_OPTS},
	{"Float", FLOAT8OID, InvalidOid, false, COLUMN_OPTS},
	{"Decimal", NUMERICOID, InvalidOid, false,
	COLUMN_OPTS | OPT(OPT_MAX_DIGITS) | OPT(OPT_DECIMAL_PLACES)},
	{"Date", DATEOID, InvalidOid, false, COLUMN_OPTS},
	{"Time", TIMEOID, TIMETZOID, false, COLUMN_OPTS | OPT(OPT_TIMEZONE)},
	{"DateTime", TIMESTAMPOID, TIMESTAMPTZOID, false, COLUMN_OPTS | OPT(OPT_TIMEZONE)},
	{"JSON", JSONBOID, InvalidOid, false, COLUMN_OPTS},
	{"UUID", UUIDOID, InvalidOid, false, COLUMN_OPTS},
	{"LargeBinary", BYTEAOID, InvalidOid, false, COLUMN_OPTS},
	{"ForeignKey", InvalidOid, InvalidOid, false,
		RELATION_OPTS | OPT(OPT_ONE_TO_ONE) | OPT(OPT_UNIQUE) | OPT(OPT_ONDELETE) |
	OPT(OPT_ONUPDATE) | OPT(OPT_COLUMN_NAME)},
	{"ManyToMany", InvalidOid, InvalidOid, false,
		RELATION_OPTS | OPT(OPT_THROUGH) | OPT(OPT_THROUGH_RELATION_NAME) |
	OPT(OPT_THROUGH_REVERSE_RELATION_NAME) | OPT(OPT_THROUGH_FIELDS)},
};

#define FIELD_TYPE_FOREIGN_KEY (lengthof(field_types) - 2)
#define FIELD_TYPE_MANY_TO_MANY (lengthof(field_types) - 1)

/*
 * The field a column of type TYPID/TYPMOD is described as: its type and size
 * options, or type NULL when no field type has that column type.
 */
void
ormar_field_of_type(Oid typid, int32 typmod, OrmarFieldType *ft)
{
	memset(ft, 0, sizeof(*ft));
	ft->max_length = ft->max_digits = ft->decimal_places = -1;
	for (int i = 0; i < lengthof(field_types); i++)
	{
		if (!OidIsValid(field_types[i].typid))
			continue;
		if (field_types[i].typid == typid || field_types[i].tz_typid == typid)
		{
			ft->type = field_types[i].name;
			ft->integer = field_types[i].integer;
			ft->timezone = field_types[i].tz_typid == typid;
			break;
		}
	}
	if (typmod >= VARHDRSZ && typid == VARCHAROID)
		ft->max_length = typmod - VARHDRSZ;
	else if (typmod >= VARHDRSZ && typid == NUMERICOID)
	{
		ft->max_digits = ((typmod - VARHDRSZ) >> 16) & 0xffff;
		ft->decimal_places = (int16) ((typmod - VARHDRSZ) & 0xffff);
	}
}

/* The type modifier of varchar(max_length) / numeric(max_digits, decimal_places). */
static int32
field_typmod(Oid typid, int max_length, int max_digits, int decimal_places)
{
	if (typid == VARCHAROID)
		return max_length + VARHDRSZ;
	if (typid == NUMERICOID && max_digits >= 0)
		return ((max_digits << 16) | (decimal_places < 0 ? 0 : decimal_places)) + VARHDRSZ;
	return -1;
}

/* ----------------------------------------------------------------------
 * Option values
 * ----------------------------------------------------------------------
 */

#define field_error(model, field, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg("invalid field \"%s\" of model \"%s\"", (field), (model)), \
			 errdetail(__VA_ARGS__)))

static const char *const actions[] = {
	"CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION"
};

/* The keyword of referential action ACTION written in any case, or NULL. */
static const char *
action_keyword(const char *action)
{
	for (int i = 0; i < lengthof(actions); i++)
		if (pg_strcasecmp(action, actions[i]) == 0)
			return actions[i];
	return NULL;
}

/* ondelete / onupdate, in any case, as the SQL keyword; 22023 otherwise. */
char *
ormar_upper_action(const char *action, const char *what)
{
	if (action == NULL)
		return NULL;
	if (action_keyword(action))
		return pstrdup(action_keyword(action));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s action \"%s\"", what, action),
			 errhint("Use CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION.")));
	return NULL;				/* keep compiler quiet */
}

/* Refuse option OPT's value V unless it has the shape the option table says. */
static void
check_shape(const char *model, const char *field, FieldOpt opt, OrmarJson *v)
{
	const char *name = field_options[opt].name;

	switch (field_options[opt].shape)
	{
		case SHAPE_BOOL:
			if (v->kind != JSON_TOKEN_TRUE && v->kind != JSON_TOKEN_FALSE)
				field_error(model, field, "Option \"%s\" must be a boolean.", name);
			break;
		case SHAPE_STRING:
		case SHAPE_ACTION:
			if (v->kind != JSON_TOKEN_STRING)
				field_error(model, field, "Option \"%s\" must be a string.", name);
			if (v->scalar[0] == '\0')
				field_error(model, field, "Option \"%s\" must not be empty.", name);
			if (field_options[opt].shape == SHAPE_ACTION && action_keyword(v->scalar) == NULL)
				field_error(model, field,
							"Option \"%s\" must be CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION, not \"%s\".",
							name, v->scalar);
			break;
		case SHAPE_COUNT:
			{
				char	   *end;
				long		val;

				if (v->kind != JSON_TOKEN_NUMBER)
					field_error(model, field, "Option \"%s\" must be an integer.", name);
				errno = 0;
				val = strtol(v->scalar, &end, 10);
				if (*end != '\0' || errno != 0 || val < field_options[opt].min ||
					val > 10 * 1000 * 1000)
					field_error(model, field, "Option \"%s\" must be an integer of at least %d.",
								name, field_options[opt].min);
				break;
			}
		case SHAPE_FIELDS:
			if (v->kind != JSON_TOKEN_OBJECT_START)
				field_error(model, field, "Option \"%s\" must be an object of fields.", name);
			break;
		case SHAPE_ANY:
			break;
	}
}

/* The options of a field as given: each one's value, NULL where not given. */
typedef struct FieldOpts
{
	OrmarJson  *v[NUM_FIELD_OPTS];
} FieldOpts;

/* Option OPT of a field as a boolean (DFLT when not given). */
static bool
opt_bool(FieldOpts *o, FieldOpt opt, bool dflt)
{
	return o->v[opt] ? o->v[opt]->kind == JSON_TOKEN_TRUE : dflt;
}

/* Option OPT of a field as text (NULL when not given). */
static char *
opt_string(FieldOpts *o, FieldOpt opt)
{
	return o->v[opt] ? o->v[opt]->scalar : NULL;
}

/* Option OPT of a field as a count (-1 when not given). */
static int
opt_count(FieldOpts *o, FieldOpt opt)
{
	return o->v[opt] ? atoi(o->v[opt]->scalar) : -1;
}

/*
 * Check that EXPR is one SQL expression and nothing else, by parsing it as
 * the expression of ALTER COLUMN SET DEFAULT: a value that would close the
 * parenthesis and add a column, or end the statement, does not parse.
 */
static void
check_server_default(const char *field, const char *expr)
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
				 errmsg("server_default of field \"%s\" is not a single SQL expression", field),
				 errdetail("The value given is \"%s\".", expr)));
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
	List	   *names = NIL;

	if (strchr(target, '.') == NULL && strchr(target, '"') == NULL)
		names = list_make1(pstrdup(target));
	else if (!SplitIdentifierString(pstrdup(target), '.', &names) ||
			 list_length(names) < 1 || list_length(names) > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model name \"%s\"", target),
				 errhint("Write a model name as written, or as a possibly schema-qualified SQL identifier (\"schema.name\", \"\"\"My.Name\"\"\").")));
	*schema = pstrdup(list_length(names) == 2 ? linitial(names) : default_schema);
	*name = pstrdup(llast(names));
	/* a longer name would be truncated by CREATE TABLE, silently */
	if (strlen(*name) >= NAMEDATALEN || strlen(*schema) >= NAMEDATALEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name \"%s\" is too long", target)));
}

/* ----------------------------------------------------------------------
 * Fields
 * ----------------------------------------------------------------------
 */

/*
 * Read the options of field NAME (json SPEC) into OPTS, checked against the
 * option table and its type's entry in the field-type table; returns that
 * entry's index.
 */
static int
read_options(const char *model, const char *name, OrmarJson *spec, FieldOpts *o)
{
	ListCell   *k,
			   *v;
	OrmarJson  *given = NULL;
	int			type = -1;

	if (spec->kind != JSON_TOKEN_OBJECT_START)
		field_error(model, name, "A field is a json object such as {\"type\": \"Integer\"}.");

	/* the type first: it decides which options are valid */
	forboth(k, spec->keys, v, spec->values)
		if (given == NULL && strcmp(lfirst(k), "type") == 0)
			given = lfirst(v);
	if (given == NULL)
		field_error(model, name, "Option \"type\" is required.");
	check_shape(model, name, OPT_TYPE, given);
	for (int i = 0; i < lengthof(field_types); i++)
		if (strcmp(given->scalar, field_types[i].name) == 0)
			type = i;
	if (type < 0)
		field_error(model, name, "Unknown field type \"%s\".", given->scalar);

	memset(o, 0, sizeof(*o));
	forboth(k, spec->keys, v, spec->values)
	{
		const char *key = lfirst(k);
		int			opt;

		for (opt = 0; opt < NUM_FIELD_OPTS; opt++)
			if (strcmp(key, field_options[opt].name) == 0)
				break;
		if (opt < NUM_FIELD_OPTS && o->v[opt] != NULL)
			field_error(model, name, "Option \"%s\" is given twice.", key);
		if (!OidIsValid(field_types[type].typid) &&
			(opt == OPT_DEFAULT || opt == OPT_SERVER_DEFAULT))
			field_error(model, name, "A relation field cannot have a default.");
		if (opt == NUM_FIELD_OPTS || !(field_types[type].options & OPT(opt)))
			field_error(model, name, "Unknown option \"%s\" for field type %s.",
						key, field_types[type].name);
		check_shape(model, name, opt, lfirst(v));
		o->v[opt] = lfirst(v);
	}
	return type;
}

/* A ForeignKey or ManyToMany field: the relation it declares. */
static void
build_relation_field(const char *model, const char *schema, OrmarField *f,
					 int type, FieldOpts *o)
{
	OrmarRel   *rel = palloc0(sizeof(OrmarRel));

	rel->kind = type == FIELD_TYPE_FOREIGN_KEY ? ORMAR_FOREIGN_KEY : ORMAR_MANY_TO_MANY;
	rel->name = f->name;
	rel->nullable = f->nullable = opt_bool(o, OPT_NULLABLE, true);
	rel->related_name = opt_string(o, OPT_RELATED_NAME);
	rel->skip_reverse = opt_bool(o, OPT_SKIP_REVERSE, false);
	/* "unique" is ormar's spelling of one_to_one on a foreign key */
	rel->one_to_one = opt_bool(o, OPT_ONE_TO_ONE, false) || opt_bool(o, OPT_UNIQUE, false);
	rel->ondelete = ormar_upper_action(opt_string(o, OPT_ONDELETE), "ondelete");
	rel->onupdate = ormar_upper_action(opt_string(o, OPT_ONUPDATE), "onupdate");
	rel->column_name = opt_string(o, OPT_COLUMN_NAME);
	rel->through_name = opt_string(o, OPT_THROUGH);
	rel->through_column = opt_string(o, OPT_THROUGH_RELATION_NAME);
	rel->through_reverse_column = opt_string(o, OPT_THROUGH_REVERSE_RELATION_NAME);
	if (o->v[OPT_THROUGH_FIELDS])
		rel->through_fields = o->v[OPT_THROUGH_FIELDS]->raw;

	if (o->v[OPT_TO] == NULL)
	{
		if (rel->kind == ORMAR_FOREIGN_KEY)
			field_error(model, f->name, "Option \"to\" is required for a ForeignKey field.");
		else
			field_error(model, f->name, "Option \"to\" is required for a ManyToMany field.");
	}
	ormar_parse_target(opt_string(o, OPT_TO), schema, &rel->target_schema, &rel->target_name);
	if (rel->kind == ORMAR_FOREIGN_KEY && rel->column_name == NULL)
		rel->column_name = f->name;
	f->rel = rel;
}

/* A column field: its type with its modifier, constraints and default. */
static void
build_column_field(const char *model, OrmarField *f, int type, FieldOpts *o)
{
	int			max_length = opt_count(o, OPT_MAX_LENGTH);
	int			max_digits = opt_count(o, OPT_MAX_DIGITS);
	int			decimal_places = opt_count(o, OPT_DECIMAL_PLACES);
	OrmarJson  *dflt = o->v[OPT_DEFAULT];

	f->typid = opt_bool(o, OPT_TIMEZONE, false) ?
		field_types[type].tz_typid : field_types[type].typid;
	if (f->typid == VARCHAROID && max_length < 0)
		field_error(model, f->name, "A String field needs \"max_length\".");
	if (max_digits < 0 && decimal_places >= 0)
		field_error(model, f->name, "\"decimal_places\" needs \"max_digits\".");
	if (max_digits >= 0 && decimal_places > max_digits)
		field_error(model, f->name, "\"decimal_places\" cannot exceed \"max_digits\".");
	if (max_digits > 1000)
		field_error(model, f->name, "\"max_digits\" can be at most 1000.");
	f->typmod = field_typmod(f->typid, max_length, max_digits, decimal_places);
	/* schema-qualified, so that search_path cannot pick another type */
	f->sqltype = ormar_type_sql(f->typid, f->typmod);

	f->primary_key = opt_bool(o, OPT_PRIMARY_KEY, false);
	f->unique = opt_bool(o, OPT_UNIQUE, false);
	f->index = opt_bool(o, OPT_INDEX, false);
	f->nullable = opt_bool(o, OPT_NULLABLE, !f->primary_key);
	f->autoincrement = opt_bool(o, OPT_AUTOINCREMENT,
								f->primary_key && field_types[type].integer);
	if (f->primary_key && f->nullable)
		field_error(model, f->name, "A primary key cannot be nullable.");
	if (f->autoincrement && !field_types[type].integer)
		field_error(model, f->name, "Only an integer field can be autoincrement.");

	/* default: a json value, an object or array as its json text */
	if (dflt)
		f->default_text = dflt->raw ? dflt->raw : dflt->scalar;
	f->server_default = opt_string(o, OPT_SERVER_DEFAULT);
	if (f->autoincrement && (f->default_text || f->server_default))
		field_error(model, f->name, "An autoincrement field cannot have a default.");
	if (f->default_text && f->server_default)
		field_error(model, f->name, "Give \"default\" or \"server_default\", not both.");
	if (f->server_default)
		check_server_default(f->name, f->server_default);
	if (f->default_text && !ormar_input_ok(f->typid, f->typmod, f->default_text))
		field_error(model, f->name, "Default %s is not a valid %s.",
					quote_literal_cstr(f->default_text),
					format_type_with_typemod(f->typid, f->typmod));
}

/* One field NAME with json SPEC, validated, as an OrmarField. */
static OrmarField *
parse_field(const char *model, const char *schema, char *name, OrmarJson *spec)
{
	OrmarField *f = palloc0(sizeof(OrmarField));
	FieldOpts	opts;
	int			type;

	f->name = name;
	if (f->name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid field name \"\" in model \"%s\"", model)));
	if (strlen(f->name) >= NAMEDATALEN)
		field_error(model, f->name, "A field name may have at most %d bytes.", NAMEDATALEN - 1);

	type = read_options(model, name, spec, &opts);
	f->type = (char *) field_types[type].name;
	if (OidIsValid(field_types[type].typid))
		build_column_field(model, f, type, &opts);
	else
		build_relation_field(model, schema, f, type, &opts);
	return f;
}

/*
 * The fields of MODEL from FIELDS, a json object with one key per field in
 * the order the columns are to be created.
 */
List *
ormar_fields_from_json(const char *model, const char *schema, OrmarJson *fields)
{
	List	   *result = NIL;
	ListCell   *k,
			   *v;

	if (fields == NULL || fields->kind != JSON_TOKEN_OBJECT_START)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fields of model \"%s\" must be a json object", model),
				 errhint("Write {\"id\": {\"type\": \"Integer\", \"primary_key\": true}, ...}.")));
	forboth(k, fields->keys, v, fields->values)
	{
		ListCell   *prev;

		foreach(prev, fields->keys)
		{
			if (prev == k)
				break;
			if (strcmp(lfirst(prev), lfirst(k)) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("field \"%s\" of model \"%s\" is given twice",
								(char *) lfirst(k), model)));
		}
		result = lappend(result, parse_field(model, schema, lfirst(k), lfirst(v)));
	}
	return result;
}

/*
 * The extra columns of many-to-many REL's through table, from its
 * through_fields (json text, as declared and as stored): plain columns
 * only, 22023 for a relation or a primary key among them.  Declaring the
 * relation validates them; creating the through table reads them again.
 */
List *
ormar_through_fields(OrmarRel *rel)
{
	List	   *fields = ormar_fields_from_json(rel->through_name, rel->through_schema,
												ormar_json_parse(cstring_to_text(rel->through_fields)));
	ListCell   *lc;

	foreach(lc, fields)
	{
		OrmarField *f = lfirst(lc);

		if (f->rel || f->primary_key)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("through field \"%s\" of relation \"%s\" must be a plain column",
							f->name, rel->name),
					 errdetail("Extra through fields cannot be relations or primary keys.")));
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
ormar_column_sql(OrmarField *f)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s %s", quote_identifier(f->name), f->sqltype);
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
