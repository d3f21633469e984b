/*-------------------------------------------------------------------------
 * diagram.c
 *	  ormar.diagram: the models and their relations as a Mermaid erDiagram or
 *	  a Graphviz dot graph, read from the catalog and the live tables.
 *
 * Every model is an entity with its columns (type, PK / FK / UK); so is every
 * through table that is not itself a model.  Edges follow the relations, not
 * arbitrary foreign keys:
 *	  - a foreign key joins its model to the target with crow's-foot
 *		cardinality: zero-or-one or exactly one on the target's side (the key
 *		column NULL-able or NOT NULL), zero-or-more on the model's side, or
 *		zero-or-one for a one-to-one;
 *	  - a many-to-many is drawn as what it is in the database: the through
 *		table with two exactly-one edges to the tables it links;
 *	  - a self-reference is an edge from a model to itself;
 *	  - a pending relation (target not defined yet) is dashed and labelled
 *		"(pending)".
 * Output order is fixed (schema, table, column number, relation name), so the
 * text can be committed and compared.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"


#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_diagram);

/* One column of an entity. */
typedef struct DiagColumn
{
	char	   *name;
	char	   *type;			/* format_type */
	bool		pk;
	bool		fk;
	bool		uk;
} DiagColumn;

/* A model, or a through table that is not a model. */
typedef struct DiagEntity
{
	char	   *label;			/* table name, schema-qualified when not in search_path */
	bool		through;
	List	   *columns;		/* of DiagColumn */
} DiagEntity;

/* One declared relation (its reverse side is drawn by the same edge). */
typedef struct DiagRelation
{
	char	   *model;			/* entity labels */
	char	   *target;
	char	   *name;
	char	   *related_name;	/* NULL when skip_reverse */
	bool		many_to_many;
	bool		pending;
	bool		one_to_one;
	bool		notnull;		/* foreign key column NOT NULL (declared, while pending) */
	char	   *through;		/* many-to-many, resolved */
} DiagRelation;

/*
 * Entity label: the table name, qualified with its schema when that schema is
 * not on the search path (as regclass prints it).  A name is shown as
 * written, except that one holding a dot or a double quote is shown as an
 * SQL identifier (the way a "to" is read, README: Model names), so that
 * every table has a label of its own: table "a.b" of schema s is s."a.b",
 * table b of schema "s.a" is "s.a".b.
 */
#define PART(x) \
	"CASE WHEN " x "::pg_catalog.text OPERATOR(pg_catalog.~) '[.\"]'" \
	" THEN pg_catalog.quote_ident(" x "::pg_catalog.text) ELSE " x "::pg_catalog.text END"
#define LABEL(nsp, rel) \
	"CASE WHEN " nsp " OPERATOR(pg_catalog.=) ANY (pg_catalog.current_schemas(false))" \
	" THEN " PART(rel) \
	" ELSE " PART(nsp) " OPERATOR(pg_catalog.||) '.'" \
	" OPERATOR(pg_catalog.||) " PART(rel) " END"

static const char *entities_sql =
"SELECT c.oid, e.through, " LABEL("n.nspname", "c.relname") ","
"       a.attname::pg_catalog.text, pg_catalog.format_type(a.atttypid, a.atttypmod),"
"       EXISTS (SELECT FROM pg_catalog.pg_index i"
"                WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid AND i.indisprimary"
"                  AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])),"
"       EXISTS (SELECT FROM pg_catalog.pg_constraint k"
"                WHERE k.conrelid OPERATOR(pg_catalog.=) c.oid"
"                  AND k.contype OPERATOR(pg_catalog.=) 'f'"
"                  AND a.attnum OPERATOR(pg_catalog.=) ANY (k.conkey)),"
"       EXISTS (SELECT FROM pg_catalog.pg_index i"
"                WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid"
"                  AND i.indisunique AND NOT i.indisprimary"
"                  AND i.indnkeyatts OPERATOR(pg_catalog.=) 1"
"                  AND i.indkey[0] OPERATOR(pg_catalog.=) a.attnum)"
"  FROM (SELECT m.model::pg_catalog.oid AS relid, false AS through FROM ormar.model m"
"        UNION"
"        SELECT r.through::pg_catalog.oid, true FROM ormar.relation r"
"         WHERE r.through IS NOT NULL"
"           AND NOT EXISTS (SELECT FROM ormar.model m"
"                            WHERE m.model OPERATOR(pg_catalog.=) r.through)) e"
"  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) e.relid"
"  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
"  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid"
"       AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped"
" WHERE $1 IS NULL OR n.nspname OPERATOR(pg_catalog.=) $1"
" ORDER BY n.nspname, c.relname, a.attnum";

static const char *relations_sql =
"SELECT " LABEL("n.nspname", "c.relname") ","
"       CASE WHEN r.target IS NULL THEN " LABEL("r.target_schema", "r.target_name")
"            ELSE (SELECT " LABEL("tn.nspname", "tc.relname")
"                    FROM pg_catalog.pg_class tc"
"                    JOIN pg_catalog.pg_namespace tn"
"                      ON tn.oid OPERATOR(pg_catalog.=) tc.relnamespace"
"                   WHERE tc.oid OPERATOR(pg_catalog.=) r.target) END,"
"       r.name, CASE WHEN r.skip_reverse THEN NULL ELSE r.related_name END,"
"       r.kind OPERATOR(pg_catalog.=) 'many_to_many', r.target IS NULL, r.one_to_one,"
"       COALESCE((SELECT a.attnotnull FROM pg_catalog.pg_attribute a"
"                  WHERE a.attrelid OPERATOR(pg_catalog.=) r.model"
"                    AND a.attname OPERATOR(pg_catalog.=) r.column_name"
"                    AND NOT a.attisdropped), NOT r.nullable),"
"       (SELECT " LABEL("hn.nspname", "hc.relname")
"          FROM pg_catalog.pg_class hc"
"          JOIN pg_catalog.pg_namespace hn ON hn.oid OPERATOR(pg_catalog.=) hc.relnamespace"
"         WHERE hc.oid OPERATOR(pg_catalog.=) r.through)"
"  FROM ormar.relation r"
"  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.model"
"  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
" WHERE $1 IS NULL OR n.nspname OPERATOR(pg_catalog.=) $1"
" ORDER BY n.nspname, c.relname, r.name COLLATE \"C\"";

/* Reads the entities (with their columns) and relations to draw, in order. */
static void
load_diagram(Name schema, List **entities, List **relations)
{
	Oid			argtypes[1] = {NAMEOID};
	Datum		values[1];
	char		nulls[1] = {schema ? ' ' : 'n'};
	DiagEntity *cur = NULL;
	Oid			cur_relid = InvalidOid;

	values[0] = schema ? NameGetDatum(schema) : (Datum) 0;

	ormar_exec(entities_sql, 1, argtypes, values, nulls, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Oid			relid = ormar_getoid(i, 1);
		char	   *colname = ormar_getstring(i, 4);

		if (cur == NULL || relid != cur_relid)
		{
			cur = palloc0(sizeof(DiagEntity));
			cur->through = ormar_getbool(i, 2);
			cur->label = ormar_getstring(i, 3);
			*entities = lappend(*entities, cur);
			cur_relid = relid;
		}
		if (colname != NULL)
		{
			DiagColumn *col = palloc0(sizeof(DiagColumn));

			col->name = colname;
			col->type = ormar_getstring(i, 5);
			col->pk = ormar_getbool(i, 6);
			col->fk = ormar_getbool(i, 7);
			col->uk = ormar_getbool(i, 8);
			cur->columns = lappend(cur->columns, col);
		}
	}

	ormar_exec(relations_sql, 1, argtypes, values, nulls, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		DiagRelation *rel = palloc0(sizeof(DiagRelation));

		rel->model = ormar_getstring(i, 1);
		rel->target = ormar_getstring(i, 2);
		rel->name = ormar_getstring(i, 3);
		rel->related_name = ormar_getstring(i, 4);
		rel->many_to_many = ormar_getbool(i, 5);
		rel->pending = ormar_getbool(i, 6);
		rel->one_to_one = ormar_getbool(i, 7);
		rel->notnull = ormar_getbool(i, 8);
		rel->through = ormar_getstring(i, 9);
		*relations = lappend(*relations, rel);
	}
}

/* Edge label: "name / related_name", or "name" without a reverse side. */
static char *
edge_label(const char *name, const char *related_name, bool pending)
{
	return psprintf("%s%s%s%s", name,
					related_name ? " / " : "", related_name ? related_name : "",
					pending ? " (pending)" : "");
}

/* ------------------------------------------------------------- Mermaid */

/*
 * TEXT inside a Mermaid double-quoted string (an entity name, a relationship
 * label, an attribute comment).  Mermaid has no escape for a double quote
 * there and refuses a newline, '%' (comments) and '\\' in a quoted name, and
 * it shows the text as HTML; so these, '&', '<', '>', '#' and every other
 * control character are written as Mermaid's entity codes (#quot;, #35;,
 * #10;, ...), which it shows as the character itself.  As '#' is always
 * coded, two different texts never read the same: we"ird and we'ird stay two
 * entities.
 */
static void
mermaid_text(StringInfo out, const char *text)
{
	for (const char *p = text; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c == '"')
			appendStringInfoString(out, "#quot;");
		else if (strchr("#%\\&<>", c) != NULL || c < 0x20 || c == 0x7f)
			appendStringInfo(out, "#%d;", c);
		else
			appendStringInfoChar(out, c);
	}
}

/*
 * Mermaid accepts bare entity names of letters, digits, '_' and '-';
 * anything else is written in double quotes (mermaid_text).
 */
static void
mermaid_entity(StringInfo out, const char *label)
{
	bool		bare = (label[0] != '\0' && !isdigit((unsigned char) label[0]) &&
						label[0] != '-');

	for (const char *p = label; *p && bare; p++)
		if (!(isalnum((unsigned char) *p) || *p == '_' || *p == '-'))
			bare = false;
	if (bare)
	{
		appendStringInfoString(out, label);
		return;
	}
	appendStringInfoChar(out, '"');
	mermaid_text(out, label);
	appendStringInfoChar(out, '"');
}

/*
 * A word Mermaid accepts as an attribute type or name: ASCII letters, digits,
 * '_', '-', '(', ')', '[', ']', not starting with a digit.  Spaces and any
 * other character become '_' ("character varying(100)" ->
 * "character_varying(100)").  Returns whether the word had to change.
 */
static bool
mermaid_word(StringInfo out, const char *s)
{
	bool		changed = false;

	if (*s == '\0' || isdigit((unsigned char) *s) || *s == '-' || *s == '(' ||
		*s == ')' || *s == '[' || *s == ']')
	{
		appendStringInfoChar(out, '_');
		changed = true;
	}
	for (const char *p = s; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c < 128 && (isalnum(c) || strchr("_-()[]", c)))
			appendStringInfoChar(out, c);
		else
		{
			appendStringInfoChar(out, '_');
			changed = true;
		}
	}
	return changed;
}

/* Mermaid cardinality of the target end, the "one" side of a foreign key. */
static const char *
mermaid_one(bool notnull, bool left)
{
	if (notnull)
		return "||";
	return left ? "|o" : "o|";
}

/* A relationship label, in double quotes (mermaid_text). */
static void
mermaid_label(StringInfo out, const char *label)
{
	appendStringInfoString(out, " : \"");
	mermaid_text(out, label);
	appendStringInfoString(out, "\"\n");
}

/* Entity E as a Mermaid entity block: its columns with their keys. */
static void
mermaid_entity_block(StringInfo out, DiagEntity *e)
{
	ListCell   *cc;

	appendStringInfoString(out, "    ");
	mermaid_entity(out, e->label);
	appendStringInfoString(out, " {\n");
	foreach(cc, e->columns)
	{
		DiagColumn *c = lfirst(cc);
		bool		renamed;
		const char *sep = " ";

		appendStringInfoString(out, "        ");
		mermaid_word(out, c->type);
		appendStringInfoChar(out, ' ');
		renamed = mermaid_word(out, c->name);
		if (c->pk)
		{
			appendStringInfo(out, "%sPK", sep);
			sep = ", ";
		}
		if (c->fk)
		{
			appendStringInfo(out, "%sFK", sep);
			sep = ", ";
		}
		if (c->uk && !c->pk)
			appendStringInfo(out, "%sUK", sep);
		if (renamed)
		{
			appendStringInfoString(out, " \"");
			mermaid_text(out, c->name);
			appendStringInfoChar(out, '"');
		}
		appendStringInfoChar(out, '\n');
	}
	appendStringInfoString(out, "    }\n");
}

/* ENTITIES and RELATIONS as a Mermaid erDiagram. */
static void
render_mermaid(StringInfo out, List *entities, List *relations)
{
	ListCell   *lc;

	appendStringInfoString(out, "erDiagram\n");
	foreach(lc, entities)
		mermaid_entity_block(out, lfirst(lc));

	foreach(lc, relations)
	{
		DiagRelation *r = lfirst(lc);
		const char *line = r->pending ? ".." : "--";

		if (r->many_to_many && !r->pending)
		{
			/* the through table, exactly one of each side per link row */
			appendStringInfoString(out, "    ");
			mermaid_entity(out, r->model);
			appendStringInfoString(out, " ||--o{ ");
			mermaid_entity(out, r->through);
			mermaid_label(out, r->name);
			appendStringInfoString(out, "    ");
			mermaid_entity(out, r->target);
			appendStringInfoString(out, " ||--o{ ");
			mermaid_entity(out, r->through);
			mermaid_label(out, r->related_name ? r->related_name : r->name);
			continue;
		}
		appendStringInfoString(out, "    ");
		mermaid_entity(out, r->target);
		if (r->many_to_many)
			appendStringInfo(out, " }o%so{ ", line);
		else
			appendStringInfo(out, " %s%s%s ", mermaid_one(r->notnull, true), line,
							 r->one_to_one ? "o|" : "o{");
		mermaid_entity(out, r->model);
		mermaid_label(out, edge_label(r->name, r->related_name, r->pending));
	}
}

/* ------------------------------------------------------------- Graphviz */

/* A dot double-quoted string: backslash and double quote escaped. */
static void
dot_quoted(StringInfo out, const char *s)
{
	appendStringInfoChar(out, '"');
	for (const char *p = s; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(out, '\\');
		if (*p == '\n')
			appendStringInfoString(out, "\\n");
		else
			appendStringInfoChar(out, *p);
	}
	appendStringInfoChar(out, '"');
}

/* Text inside a dot HTML-like label. */
static void
dot_html(StringInfo out, const char *s)
{
	for (const char *p = s; *p; p++)
	{
		switch (*p)
		{
			case '&':
				appendStringInfoString(out, "&amp;");
				break;
			case '<':
				appendStringInfoString(out, "&lt;");
				break;
			case '>':
				appendStringInfoString(out, "&gt;");
				break;
			case '"':
				appendStringInfoString(out, "&quot;");
				break;
			default:
				appendStringInfoChar(out, *p);
		}
	}
}

/* One edge: TAIL -> HEAD with crow's-foot ends, dashed when pending. */
static void
dot_edge(StringInfo out, const char *tail, const char *head, const char *label,
		 const char *arrowtail, const char *arrowhead, bool dashed)
{
	appendStringInfoString(out, "    ");
	dot_quoted(out, tail);
	appendStringInfoString(out, " -> ");
	dot_quoted(out, head);
	appendStringInfoString(out, " [label=");
	dot_quoted(out, label);
	appendStringInfo(out, ", arrowtail=%s, arrowhead=%s%s];\n", arrowtail, arrowhead,
					 dashed ? ", style=dashed" : "");
}

/* Entity E as a dot node: an HTML-like table of its columns and keys. */
static void
dot_entity(StringInfo out, DiagEntity *e)
{
	ListCell   *cc;

	appendStringInfoString(out, "    ");
	dot_quoted(out, e->label);
	appendStringInfo(out, " [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n"
					 "        <tr><td colspan=\"3\" bgcolor=\"%s\"><b>",
					 e->through ? "#eeeeee" : "#cfe2f3");
	dot_html(out, e->label);
	appendStringInfo(out, "</b>%s</td></tr>\n", e->through ? " (through)" : "");
	foreach(cc, e->columns)
	{
		DiagColumn *c = lfirst(cc);
		StringInfoData keys;

		initStringInfo(&keys);
		if (c->pk)
			appendStringInfoString(&keys, "PK");
		if (c->fk)
			appendStringInfo(&keys, "%sFK", keys.len ? " " : "");
		if (c->uk && !c->pk)
			appendStringInfo(&keys, "%sUK", keys.len ? " " : "");
		appendStringInfoString(out, "        <tr><td align=\"left\">");
		dot_html(out, c->name);
		appendStringInfoString(out, "</td><td align=\"left\">");
		dot_html(out, c->type);
		appendStringInfo(out, "</td><td>%s</td></tr>\n", keys.data);
	}
	appendStringInfoString(out, "        </table>>];\n");
}

/*
 * A pending relation's target does not exist: a dashed box stands for it,
 * one per target however many relations wait for it.
 */
static void
dot_pending_targets(StringInfo out, List *relations)
{
	List	   *pending_targets = NIL;
	ListCell   *lc;

	foreach(lc, relations)
	{
		DiagRelation *r = lfirst(lc);
		ListCell   *pc;
		bool		seen = false;

		if (!r->pending)
			continue;
		foreach(pc, pending_targets)
			if (strcmp(lfirst(pc), r->target) == 0)
				seen = true;
		if (seen)
			continue;
		pending_targets = lappend(pending_targets, r->target);
		appendStringInfoString(out, "    ");
		dot_quoted(out, r->target);
		appendStringInfoString(out, " [shape=box, style=dashed, label=");
		dot_quoted(out, psprintf("%s (not defined yet)", r->target));
		appendStringInfoString(out, "];\n");
	}
}

/*
 * ENTITIES and RELATIONS as a Graphviz digraph (pending relations dashed).
 */
static void
render_dot(StringInfo out, List *entities, List *relations)
{
	ListCell   *lc;

	appendStringInfoString(out,
						   "digraph ormar {\n"
						   "    graph [rankdir=LR, fontname=\"Helvetica\"];\n"
						   "    node [shape=plain, fontname=\"Helvetica\", fontsize=11];\n"
						   "    edge [dir=both, fontname=\"Helvetica\", fontsize=10];\n");
	foreach(lc, entities)
		dot_entity(out, lfirst(lc));

	dot_pending_targets(out, relations);

	foreach(lc, relations)
	{
		DiagRelation *r = lfirst(lc);

		if (r->many_to_many && !r->pending)
		{
			dot_edge(out, r->through, r->model, r->name, "crowodot", "teetee", false);
			dot_edge(out, r->through, r->target,
					 r->related_name ? r->related_name : r->name,
					 "crowodot", "teetee", false);
		}
		else if (r->many_to_many)
			dot_edge(out, r->model, r->target,
					 edge_label(r->name, r->related_name, true),
					 "crowodot", "crowodot", true);
		else
			dot_edge(out, r->model, r->target,
					 edge_label(r->name, r->related_name, r->pending),
					 r->one_to_one ? "teeodot" : "crowodot",
					 r->notnull ? "teetee" : "teeodot", r->pending);
	}
	appendStringInfoString(out, "}\n");
}

/*
 * ormar.diagram(format text DEFAULT 'mermaid', schema name DEFAULT NULL)
 * RETURNS text: the picture of the relation model, for documentation and for
 * reviewing a schema taken over with register_schema.
 */
static Datum
diagram_impl(FunctionCallInfo fcinfo)
{
	char	   *format;
	Name		schema = PG_ARGISNULL(1) ? NULL : PG_GETARG_NAME(1);
	bool		dot;
	List	   *entities = NIL;
	List	   *relations = NIL;
	StringInfoData out;
	text	   *result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("format must not be null"),
				 errhint("Use 'mermaid' or 'dot'.")));
	format = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (strcmp(format, "mermaid") == 0)
		dot = false;
	else if (strcmp(format, "dot") == 0)
		dot = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown diagram format \"%s\"", format),
				 errhint("Use 'mermaid' (a Mermaid erDiagram) or 'dot' (Graphviz).")));
	if (schema && !OidIsValid(get_namespace_oid(NameStr(*schema), true)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" does not exist", NameStr(*schema))));

	load_diagram(schema, &entities, &relations);
	initStringInfo(&out);
	if (dot)
		render_dot(&out, entities, relations);
	else
		render_mermaid(&out, entities, relations);
	result = cstring_to_text(out.data);
	/* into the caller's memory, which outlives the SPI connection */
	return SPI_datumTransfer(PointerGetDatum(result), false, -1);
}

/* ormar.diagram, run as a read (ormar_run_read: read-only, one snapshot). */
Datum
ormar_diagram(PG_FUNCTION_ARGS)
{
	return ormar_run_read(diagram_impl, fcinfo);
}
