/*-------------------------------------------------------------------------
 * tables.c
 *	  Facts of existing tables, read from PostgreSQL's own catalogs: NOT
 *	  NULL, the primary key, the single-column foreign keys of a column, the
 *	  key or unique constraint of a column pair, the index that serves a
 *	  column, and which role controls the code a column's type runs.
 *	  Declaring, adopting, distributing, taking over and dropping relations
 *	  all ask these questions of the tables they work on, so each is
 *	  answered once, here.  Nothing here reads the ormar catalog.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "spi_util.h"
#include "tables.h"

/* Is column ATTNUM of RELID NOT NULL?  (PostgreSQL 15 has no lsyscache call.) */
bool
ormar_attnotnull(Oid relid, AttrNumber attnum)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	bool		result = false;

	if (HeapTupleIsValid(tup))
	{
		result = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
		ReleaseSysCache(tup);
	}
	return result;
}

/* The primary-key index of table RELID (from the relcache), or InvalidOid. */
Oid
ormar_primary_key_index(Oid relid)
{
	Relation	r = relation_open(relid, AccessShareLock);
	Oid			result = RelationGetPrimaryKeyIndex(r);

	relation_close(r, AccessShareLock);
	return result;
}

/* list_sort comparator: constraint OIDs by name, byte order. */
static int
constraint_name_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp(get_constraint_name(lfirst_oid(a)), get_constraint_name(lfirst_oid(b)));
}

/*
 * The single-column foreign keys of RELID on column ATTNUM that reference
 * table REFRELID, at column REFATT or (InvalidAttrNumber) at any column: a
 * list of constraint OIDs in name order.  Read from the relcache's list of
 * the table's foreign keys, so renames of the constraint, the column or the
 * referenced table do not matter and no statement runs.
 */
List *
ormar_foreign_keys(Oid relid, AttrNumber attnum, Oid refrelid, AttrNumber refatt)
{
	Relation	r = relation_open(relid, AccessShareLock);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, RelationGetFKeyList(r))
	{
		ForeignKeyCacheInfo *fk = lfirst(lc);

		if (fk->nkeys == 1 && fk->conkey[0] == attnum && fk->confrelid == refrelid &&
			(refatt == InvalidAttrNumber || fk->confkey[0] == refatt))
			result = lappend_oid(result, fk->conoid);
	}
	relation_close(r, AccessShareLock);
	list_sort(result, constraint_name_cmp);
	return result;
}

/*
 * The name of the first (by name) foreign key of ormar_foreign_keys, with
 * its ON DELETE and ON UPDATE codes (pg_constraint's confdeltype and
 * confupdtype) when DELTYPE / UPDTYPE are given; NULL if there is none.
 */
char *
ormar_first_foreign_key(Oid relid, AttrNumber attnum, Oid refrelid, AttrNumber refatt,
						char *deltype, char *updtype)
{
	List	   *fks = ormar_foreign_keys(relid, attnum, refrelid, refatt);
	HeapTuple	tup;

	if (fks == NIL)
		return NULL;
	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(linitial_oid(fks)));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for constraint %u", linitial_oid(fks));
	if (deltype)
		*deltype = ((Form_pg_constraint) GETSTRUCT(tup))->confdeltype;
	if (updtype)
		*updtype = ((Form_pg_constraint) GETSTRUCT(tup))->confupdtype;
	ReleaseSysCache(tup);
	return get_constraint_name(linitial_oid(fks));
}

/*
 * The primary key or unique constraint of RELID on exactly the columns A and
 * B, in either order (a primary key first, then the first by name): its
 * name, with its first and second column in *KEY1 and *KEY2 when given;
 * NULL if there is none.  A through table's link pair, or a junction's.
 */
char *
ormar_pair_key(Oid relid, AttrNumber a, AttrNumber b, AttrNumber *key1, AttrNumber *key2)
{
	Oid			argtypes[3] = {OIDOID, INT2OID, INT2OID};
	Datum		values[3];
	bool		isnull;

	values[0] = ObjectIdGetDatum(relid);
	values[1] = Int16GetDatum(a);
	values[2] = Int16GetDatum(b);
	ormar_exec("SELECT c.conname::pg_catalog.text, c.conkey[1], c.conkey[2]"
			   " FROM pg_catalog.pg_constraint c"
			   " WHERE c.conrelid OPERATOR(pg_catalog.=) $1"
			   " AND c.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u']::pg_catalog.\"char\"[])"
			   " AND pg_catalog.array_length(c.conkey, 1) OPERATOR(pg_catalog.=) 2"
			   " AND $2 OPERATOR(pg_catalog.=) ANY (c.conkey)"
			   " AND $3 OPERATOR(pg_catalog.=) ANY (c.conkey)"
			   " ORDER BY c.contype, c.conname COLLATE \"C\" LIMIT 1",
			   3, argtypes, values, NULL, true, 1);
	if (SPI_processed == 0)
		return NULL;
	if (key1)
		*key1 = DatumGetInt16(ormar_getdatum(0, 2, &isnull));
	if (key2)
		*key2 = DatumGetInt16(ormar_getdatum(0, 3, &isnull));
	return ormar_getstring(0, 1);
}

/*
 * Has RELID a unique index (a constraint's or not) on exactly the columns
 * A and B?  Then the pair is stored once already and needs no key of ours.
 */
bool
ormar_pair_is_unique(Oid relid, AttrNumber a, AttrNumber b)
{
	Oid			argtypes[3] = {OIDOID, INT2OID, INT2OID};
	Datum		values[3];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = Int16GetDatum(a);
	values[2] = Int16GetDatum(b);
	ormar_exec("SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid OPERATOR(pg_catalog.=) $1"
			   " AND i.indisunique AND i.indnkeyatts OPERATOR(pg_catalog.=) 2"
			   " AND i.indpred IS NULL AND i.indexprs IS NULL"
			   " AND $2 OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])"
			   " AND $3 OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])",
			   3, argtypes, values, NULL, false, 1);
	return SPI_processed > 0;
}

/*
 * The name of an index of RELID that serves lookups by column ATTNUM: valid,
 * non-partial, btree or hash, with ATTNUM as its first key column; with
 * UNIQUE_ONLY a unique index on exactly that column.  The narrowest one
 * wins, then the first by name.  NULL if there is none.
 */
char *
ormar_find_fk_index(Oid relid, AttrNumber attnum, bool unique_only)
{
	Oid			argtypes[3] = {OIDOID, INT2OID, BOOLOID};
	Datum		values[3];

	values[0] = ObjectIdGetDatum(relid);
	values[1] = Int16GetDatum(attnum);
	values[2] = BoolGetDatum(unique_only);
	ormar_exec("SELECT ci.relname::pg_catalog.text FROM pg_catalog.pg_index i"
			   " JOIN pg_catalog.pg_class ci ON ci.oid OPERATOR(pg_catalog.=) i.indexrelid"
			   " JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ci.relam"
			   " WHERE i.indrelid OPERATOR(pg_catalog.=) $1"
			   " AND i.indkey[0] OPERATOR(pg_catalog.=) $2"
			   " AND i.indisvalid AND i.indisready AND i.indislive AND i.indpred IS NULL"
			   " AND am.amname OPERATOR(pg_catalog.=) ANY (ARRAY['btree', 'hash']::pg_catalog.name[])"
			   " AND (NOT $3 OR (i.indisunique AND i.indnkeyatts OPERATOR(pg_catalog.=) 1"
			   "                 AND i.indexprs IS NULL))"
			   " ORDER BY i.indnatts, ci.relname COLLATE \"C\" LIMIT 1",
			   3, argtypes, values, NULL, true, 1);
	return SPI_processed > 0 ? ormar_getstring(0, 1) : NULL;
}

/*
 * A role that owns type TYPID, or a type it is built from (a domain's base
 * type, an array's element type, a range's subtype, a composite type's
 * attribute types), and does not have the privileges of the current role;
 * InvalidOid when there is none.  Such a role controls code that runs when a
 * column of the type is filled (a domain's CHECK constraints and default)
 * and would run it with the current role's privileges, which it lacks.
 * Built-in types belong to the bootstrap superuser, who has every role's
 * privileges.
 */
Oid
ormar_untrusted_type_owner(Oid typid)
{
	HeapTuple	tup;
	Form_pg_type typ;
	Oid			result = InvalidOid;

	check_stack_depth();
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typid);
	typ = (Form_pg_type) GETSTRUCT(tup);
	if (!has_privs_of_role(typ->typowner, GetUserId()))
		result = typ->typowner;
	else if (typ->typtype == TYPTYPE_DOMAIN)
		result = ormar_untrusted_type_owner(typ->typbasetype);
	else if (IsTrueArrayType(typ))
		result = ormar_untrusted_type_owner(typ->typelem);
	else if (typ->typtype == TYPTYPE_RANGE)
		result = ormar_untrusted_type_owner(get_range_subtype(typid));
	else if (typ->typtype == TYPTYPE_COMPOSITE)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);

		for (int i = 0; i < desc->natts && !OidIsValid(result); i++)
			if (!TupleDescAttr(desc, i)->attisdropped)
				result = ormar_untrusted_type_owner(TupleDescAttr(desc, i)->atttypid);
		ReleaseTupleDesc(desc);
	}
	ReleaseSysCache(tup);
	return result;
}

/* The owner of function (IS_FUNCTION) or relation OID; InvalidOid if it is gone. */
Oid
ormar_object_owner(Oid oid, bool is_function)
{
	HeapTuple	tup = SearchSysCache1(is_function ? PROCOID : RELOID, ObjectIdGetDatum(oid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = is_function ? ((Form_pg_proc) GETSTRUCT(tup))->proowner :
		((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}
