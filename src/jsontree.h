/*-------------------------------------------------------------------------
 * jsontree.h
 *	  json read into a tree that keeps the written order of object keys.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_JSONTREE_H
#define ORMAR_JSONTREE_H

#include "postgres.h"
#include "common/jsonapi.h"
#include "nodes/pg_list.h"

/*
 * A json value as read by ormar_json_parse: objects keep their keys in the
 * order written, repeated keys included.  Array elements are not kept (no
 * caller reads them one by one); an array is its text.
 */
typedef struct OrmarJson
{
	JsonTokenType kind;			/* JSON_TOKEN_OBJECT_START, JSON_TOKEN_ARRAY_START
								 * or the scalar's token type */
	char	   *scalar;			/* a scalar's text, de-escaped; NULL for null */
	char	   *raw;			/* a container's json text as written */
	List	   *keys;			/* an object's keys (char *), in order */
	List	   *values;			/* an object's values (OrmarJson *), in order */
	char	   *start;			/* (while parsing) where a container begins */
} OrmarJson;

extern OrmarJson *ormar_json_parse(text *json);

#endif
