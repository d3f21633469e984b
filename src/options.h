/*-------------------------------------------------------------------------
 * options.h
 *	  Refinements of related rows (DESIGN §5 "options"): filter, exclude,
 *	  order_by, limit, offset, fields, exclude_fields, count; and the
 *	  documented bounds of eager-loading inputs.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_OPTIONS_H
#define ORMAR_OPTIONS_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "catalog.h"

/* Bounds of eager-loading inputs (README "Limits"); 54000 beyond them. */
#define ORMAR_MAX_INCLUDE_PATHS		64	/* paths in one include array */
#define ORMAR_MAX_INCLUDE_DEPTH		16	/* segments of one path */
#define ORMAR_MAX_INCLUDE_NODES		64	/* relations in one include tree */
#define ORMAR_MAX_PATH_BYTES		4096	/* bytes of one path */
#define ORMAR_MAX_KEYS				100000	/* keys of fetch_many, values of "in" */
#define ORMAR_MAX_OPTION_ITEMS		64	/* conditions, order_by or fields of one object */

/* Parameters of a statement being built: $1 is the key, options add theirs. */
typedef struct OrmarParams
{
	int			n;
	int			cap;
	Oid		   *types;
	Datum	   *values;
} OrmarParams;

/* One condition of "filter" or "exclude". */
typedef struct OrmarCond
{
	char	   *field;			/* column of the target (or of the through table) */
	bool		through;		/* through__<column> */
	int			lookup;			/* index into the lookup table of options.c */
	bool		isnull;			/* exact with JSON null, or isnull */
	bool		negate_null;	/* isnull false: IS NOT NULL */
	int			param;			/* $n of the value, 0 when none */
	char	   *text;			/* value as text (NULL for isnull) */
	List	   *texts;			/* "in": values as text */
} OrmarCond;

/* One entry of "order_by". */
typedef struct OrmarOrder
{
	char	   *field;
	bool		through;
	bool		desc;
} OrmarOrder;

/* One options object, parsed (no catalog access) and bound. */
typedef struct OrmarOptions
{
	char	   *path;			/* include path it applies to, NULL for related */
	List	   *filter;			/* of OrmarCond */
	List	   *exclude;		/* of OrmarCond */
	List	   *order;			/* of OrmarOrder */
	bool		has_limit;
	int64		limit;
	int			limit_param;
	bool		has_offset;
	int64		offset;
	int			offset_param;
	List	   *fields;			/* of char * */
	List	   *exclude_fields; /* of char * */
	bool		count;
} OrmarOptions;

extern void ormar_params_init(OrmarParams *p, Oid keytype, Datum key);
extern OrmarOptions *ormar_options_parse(JsonbContainer *obj, const char *path);
extern List *ormar_options_parse_paths(Jsonb *options);
extern void ormar_options_bind(OrmarOptions *o, OrmarParams *params);
extern void ormar_options_shape(const OrmarOptions *o, StringInfo buf);
extern void ormar_options_check(const OrmarOptions *o, const OrmarEnd *end);

/* quoted pieces of a relation end, for SQL text */
typedef struct OrmarEndSql
{
	const OrmarEnd *end;
	OrmarModel	self;
	OrmarModel	other;
} OrmarEndSql;

extern void ormar_end_sql(const OrmarEnd *end, OrmarEndSql *es);
extern char *ormar_rows_sql(const OrmarEndSql *es, const OrmarOptions *o,
							const char *link, const char *lateral_keys,
							bool with_keys, bool keep_order);
extern char *ormar_through_object(OrmarRel *rel, const char *alias);
extern char *ormar_options_link_op(const OrmarEndSql *es);

#endif
