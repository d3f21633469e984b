/*-------------------------------------------------------------------------
 * tables.h
 *	  Facts of existing tables, from PostgreSQL's own catalogs (tables.c).
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_TABLES_H
#define ORMAR_TABLES_H

#include "postgres.h"
#include "nodes/pg_list.h"

extern bool ormar_attnotnull(Oid relid, AttrNumber attnum);
extern Oid	ormar_primary_key_index(Oid relid);
extern List *ormar_foreign_keys(Oid relid, AttrNumber attnum, Oid refrelid,
								AttrNumber refatt);
extern char *ormar_first_foreign_key(Oid relid, AttrNumber attnum, Oid refrelid,
									 AttrNumber refatt, char *deltype, char *updtype);
extern char *ormar_pair_key(Oid relid, AttrNumber a, AttrNumber b,
							AttrNumber *key1, AttrNumber *key2);
extern bool ormar_pair_is_unique(Oid relid, AttrNumber a, AttrNumber b);
extern char *ormar_find_fk_index(Oid relid, AttrNumber attnum, bool unique_only);
extern Oid	ormar_untrusted_type_owner(Oid typid);
extern Oid	ormar_object_owner(Oid oid, bool is_function);

#endif
