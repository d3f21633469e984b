/*-------------------------------------------------------------------------
 * jsontree.c
 *	  A json value read with PostgreSQL's JSON parser into a small tree whose
 *	  objects keep their keys in the order written, repeated keys included.
 *
 * define_model's arguments are json, not jsonb, because the order of the
 * fields is the order of the columns and a repeated field must be refused;
 * this reads them in C, through the parser's semantic actions, instead of
 * running json_each over them.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/jsonapi.h"
#include "nodes/pg_list.h"
#include "utils/jsonfuncs.h"

#include "jsontree.h"

/* State of ormar_json_parse's semantic actions. */
typedef struct JsonTreeState
{
	JsonLexContext *lex;
	List	   *open;			/* containers being read, innermost first */
	char	   *key;			/* key of the next value of the innermost object */
	OrmarJson  *root;
} JsonTreeState;

/*
 * A value just read: the root, a member of the innermost object, or (not
 * kept: nothing here reads arrays element by element) an array element.
 */
static void
tree_add(JsonTreeState *st, OrmarJson *item)
{
	OrmarJson  *parent;

	if (st->open == NIL)
	{
		st->root = item;
		return;
	}
	parent = linitial(st->open);
	if (parent->kind == JSON_TOKEN_OBJECT_START)
	{
		parent->keys = lappend(parent->keys, st->key);
		parent->values = lappend(parent->values, item);
	}
}

/* A new object or array: added to its parent, and open until its end. */
static void
tree_container_start(JsonTreeState *st, JsonTokenType kind)
{
	OrmarJson  *item = palloc0(sizeof(OrmarJson));

	item->kind = kind;
	item->start = st->lex->token_start;
	tree_add(st, item);
	st->open = lcons(item, st->open);
}

/* At the end of a container the lexer is just past its closing bracket. */
static void
tree_container_end(void *state)
{
	JsonTreeState *st = state;
	OrmarJson  *item = linitial(st->open);

	item->raw = pnstrdup(item->start, st->lex->prev_token_terminator - item->start);
	st->open = list_delete_first(st->open);
}

/*
 * JSON parser semantic actions: containers and scalars become OrmarJson
 * nodes, object keys kept in order.
 */
static void
tree_object_start(void *state)
{
	tree_container_start(state, JSON_TOKEN_OBJECT_START);
}

static void
tree_array_start(void *state)
{
	tree_container_start(state, JSON_TOKEN_ARRAY_START);
}

static void
tree_field_start(void *state, char *fname, bool isnull)
{
	((JsonTreeState *) state)->key = fname;
}

static void
tree_scalar(void *state, char *token, JsonTokenType tokentype)
{
	OrmarJson  *item = palloc0(sizeof(OrmarJson));

	item->kind = tokentype;
	item->scalar = tokentype == JSON_TOKEN_NULL ? NULL : token;
	tree_add(state, item);
}

/*
 * JSON as a tree of objects whose keys keep their written order, repeated
 * keys included; strings de-escaped, containers also kept as their text.
 */
OrmarJson *
ormar_json_parse(text *json)
{
	JsonTreeState st = {0};
	JsonSemAction sem = {0};

	st.lex = makeJsonLexContext(json, true);
	sem.semstate = &st;
	sem.object_start = tree_object_start;
	sem.object_end = tree_container_end;
	sem.array_start = tree_array_start;
	sem.array_end = tree_container_end;
	sem.object_field_start = tree_field_start;
	sem.scalar = tree_scalar;
	pg_parse_json_or_ereport(st.lex, &sem);
	return st.root;
}
