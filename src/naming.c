/*-------------------------------------------------------------------------
 * naming.c
 *	  How ormar_pg spells SQL: every name it generates (constraints,
 *	  indexes, through tables and their columns, views, default related
 *	  names), qualified names of tables and types, and operators.
 *
 * A name longer than NAMEDATALEN - 1 bytes would be silently truncated by
 * PostgreSQL, and two long names sharing a prefix would collide.  Instead
 * such a name is cut at a character boundary and ends with "_" and eight hex
 * digits of the MD5 of the full name, which is deterministic everywhere.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/md5.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_operator.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "naming.h"

#define HASH_SUFFIX_LEN 9		/* "_" + 8 hex digits */

/*
 * NAME as an identifier: unchanged up to 63 bytes, else cut at a character
 * boundary and ended with "_" and 8 hex digits of its md5, so long names
 * stay distinct and deterministic.
 */
char *
ormar_shorten(const char *name)
{
	int			len = strlen(name);
	char		hexsum[33];
	const char *errstr = NULL;
	int			keep;

	if (len < NAMEDATALEN)
		return pstrdup(name);

	if (!pg_md5_hash(name, len, hexsum, &errstr))
		elog(ERROR, "could not compute MD5 hash: %s", errstr);

	keep = pg_mbcliplen(name, len, NAMEDATALEN - 1 - HASH_SUFFIX_LEN);
	return psprintf("%.*s_%.8s", keep, name, hexsum);
}

/*
 * The ATTEMPT-th candidate for generated name NAME when the plain one is
 * taken by an object ormar_pg cannot adopt: attempt 0 is NAME itself (as
 * ormar_shorten gives it), attempt N ends with "_" and eight hex digits of
 * the MD5 of NAME (and of N, from the second attempt on), cut to fit 63
 * bytes.  The same database state always gives the same name.
 */
char *
ormar_hashed_name(const char *name, int attempt)
{
	char	   *input;
	char		hexsum[33];
	const char *errstr = NULL;
	int			len = strlen(name);
	int			keep;

	if (attempt == 0)
		return ormar_shorten(name);
	input = attempt == 1 ? pstrdup(name) : psprintf("%s#%d", name, attempt);
	if (!pg_md5_hash(input, strlen(input), hexsum, &errstr))
		elog(ERROR, "could not compute MD5 hash: %s", errstr);
	keep = pg_mbcliplen(name, len, Min(len, NAMEDATALEN - 1 - HASH_SUFFIX_LEN));
	return psprintf("%.*s_%.8s", keep, name, hexsum);
}

/*
 * Generated foreign-key constraint: fk_<table>_<target>_<target
 * key>_<relation>.
 */
char *
ormar_fk_constraint_name(const char *table, const char *target,
						 const char *target_pk, const char *name)
{
	return ormar_shorten(psprintf("fk_%s_%s_%s_%s", table, target, target_pk, name));
}

/* Generated index on COLUMN of TABLE: <table>_<column>_idx. */
char *
ormar_index_name(const char *table, const char *column)
{
	return ormar_shorten(psprintf("%s_%s_idx", table, column));
}

/*
 * Default through table of many-to-many NAME declared on TABLE:
 * <table>s_<name> (posts_categories), as in ormar's own example.  Never
 * <table>_<name>: post_categories next to the lookup view post__categories
 * folds to the same camelCase name in GraphQL and TypeScript introspection
 * tools.
 */
char *
ormar_through_table_name(const char *table, const char *name)
{
	return ormar_shorten(psprintf("%ss_%s", table, name));
}

/* Lookup view of RELATION seen from TABLE: <table>__<relation>. */
char *
ormar_view_name(const char *table, const char *relation)
{
	return ormar_shorten(psprintf("%s__%s", table, relation));
}

/*
 * The default reverse name, <table>s.  It is a relation name, text in the
 * catalog, so it is kept whole even past 63 bytes; the identifiers made
 * from it (accessor, view) are shortened where they are made.
 */
char *
ormar_default_related_name(const char *table)
{
	return psprintf("%ss", table);
}

/*
 * Column of a through table pointing at MODEL: the model's name, or for a
 * self-reference from_<model> (source side) and to_<model> (target side).
 */
char *
ormar_through_column_name(const char *model, bool self_ref, bool reverse)
{
	if (!self_ref)
		return ormar_shorten(model);
	return ormar_shorten(psprintf("%s_%s", reverse ? "to" : "from", model));
}

/* Table RELID as schema-qualified, quoted SQL (XX000 if it is gone). */
char *
ormar_qualified_rel(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

/* Schema-qualified SQL spelling of a type with its modifier. */
char *
ormar_type_sql(Oid typid, int32 typmod)
{
	return format_type_extended(typid, typmod,
								FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);
}

/*
 * "OPERATOR(schema.op)" for the default btree operator of TYPID with
 * STRATEGY (BTEqualStrategyNumber or BTLessStrategyNumber).
 */
char *
ormar_operator(Oid typid, int strategy)
{
	TypeCacheEntry *tce = lookup_type_cache(typid, TYPECACHE_EQ_OPR | TYPECACHE_LT_OPR);
	Oid			opr = strategy == BTEqualStrategyNumber ? tce->eq_opr : tce->lt_opr;
	HeapTuple	tup;
	Form_pg_operator form;
	char	   *result;

	if (!OidIsValid(opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("type %s has no default btree operator class",
						format_type_be(typid))));
	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opr);
	form = (Form_pg_operator) GETSTRUCT(tup);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(form->oprnamespace)),
					  NameStr(form->oprname));
	ReleaseSysCache(tup);
	return result;
}
