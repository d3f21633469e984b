/*-------------------------------------------------------------------------
 * naming.h
 *	  Every name ormar_pg generates, and the 63-byte rule.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_NAMING_H
#define ORMAR_NAMING_H

#include "postgres.h"

/*
 * Relation names (and related names) are text in the catalog, kept whole;
 * this bounds them.  Identifiers made from them are shortened to 63 bytes.
 */
#define ORMAR_MAX_RELATION_NAME 255

extern char *ormar_shorten(const char *name);
extern char *ormar_hashed_name(const char *name, int attempt);
extern char *ormar_fk_constraint_name(const char *table, const char *target,
									  const char *target_pk, const char *name);
extern char *ormar_index_name(const char *table, const char *column);
extern char *ormar_through_table_name(const char *table, const char *name);
extern char *ormar_view_name(const char *table, const char *relation);
extern char *ormar_default_related_name(const char *table);
extern char *ormar_through_column_name(const char *model, bool self_ref,
									   bool reverse);

/* quote_qualified_identifier of a table by OID */
extern char *ormar_qualified_rel(Oid relid);
extern char *ormar_type_sql(Oid typid, int32 typmod);
extern char *ormar_operator(Oid typid, int strategy);

#endif
