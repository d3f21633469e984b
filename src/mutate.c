/*-------------------------------------------------------------------------
 * mutate.c
 *	  The write side of relation proxies: ormar.add, ormar.remove,
 *	  ormar.clear, ormar.create_related and ormar.update_through.
 *
 * Each call is one or two statements run as the caller (their privileges
 * and row-level security apply); an error anywhere aborts the whole call.
 * Linking many-to-many uses INSERT ... ON CONFLICT on the link pair, so
 * concurrent adds of one link store it once.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"


#include "keys.h"
#include "proxy.h"
#include "spi_util.h"

PG_FUNCTION_INFO_V1(ormar_add);
PG_FUNCTION_INFO_V1(ormar_remove);
PG_FUNCTION_INFO_V1(ormar_clear);
PG_FUNCTION_INFO_V1(ormar_create_related);
PG_FUNCTION_INFO_V1(ormar_update_through);

static char *mutate_sql(ProxyCall *call, ProxyOp op);

/*
 * Error 23503 unless the model on side OP (PROXY_REQUIRE_SELF or
 * PROXY_REQUIRE_OTHER) of CALL has a row with key KEY.
 */
static void
require_row(ProxyCall *call, ProxyOp op, Datum key)
{
	OrmarModel *model = op == PROXY_REQUIRE_SELF ? &call->self : &call->other;

	ormar_exec_plan(ormar_call_plan(call, op, mutate_sql, 1, &model->pk_type),
					&key, NULL, false, 1);
	if (SPI_processed == 0)
	{
		Oid			outfunc;
		bool		isvarlena;

		getTypeOutputInfo(model->pk_type, &outfunc, &isvarlena);
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("model \"%s\" has no row with key %s",
						model->name, OidOutputFunctionCall(outfunc, key))));
	}
}

/*
 * The keys of object DATA, each a column of table RELID (22023 for a key
 * that is not, naming DATA as WHAT), in the order of the object.
 */
static List *
data_keys(Jsonb *data, Oid relid, const char *what)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	List	   *keys = NIL;

	if (!JB_ROOT_IS_OBJECT(data) || JB_ROOT_IS_SCALAR(data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a jsonb object", what)));
	it = JsonbIteratorInit(&data->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		if (get_attnum(relid, key) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s has key \"%s\", which is not a column of \"%s\"",
							what, key, get_rel_name(relid))));
		keys = lappend(keys, key);
	}
	return keys;
}

/*
 * The column lists of the keys of object DATA (see data_keys) other than
 * SKIP, for an INSERT from jsonb_populate_record(..) r: "a, b" into COLS
 * and "r.a, r.b" into VALS.
 */
static void
data_columns(Jsonb *data, Oid relid, const char *what, const char *skip,
			 StringInfo cols, StringInfo vals)
{
	ListCell   *lc;

	foreach(lc, data_keys(data, relid, what))
	{
		const char *col = quote_identifier(lfirst(lc));

		if (skip && strcmp(lfirst(lc), skip) == 0)
			continue;
		appendStringInfo(cols, "%s%s", cols->len ? ", " : "", col);
		appendStringInfo(vals, "%sr.%s", vals->len ? ", " : "", col);
	}
}

/*
 * The "through" argument ARGNO of add / create_related: NULL, or a jsonb
 * object of extra through columns.  The link columns are set by the call
 * itself and cannot be given (22023).
 */
static Jsonb *
through_arg(FunctionCallInfo fcinfo, int argno, ProxyCall *call)
{
	if (PG_ARGISNULL(argno))
		return NULL;
	if (call->end.rel->kind != ORMAR_MANY_TO_MANY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation \"%s\" is not many-to-many and has no through values",
						call->end.name)));
	{
		Jsonb	   *through = PG_GETARG_JSONB_P(argno);
		OrmarRel   *rel = call->end.rel;
		const char *links[2] = {rel->through_column, rel->through_reverse_column};

		for (int i = 0; i < 2; i++)
		{
			JsonbValue	key;

			key.type = jbvString;
			key.val.string.val = (char *) links[i];
			key.val.string.len = strlen(links[i]);
			if (JB_ROOT_IS_OBJECT(through) &&
				findJsonbValueFromContainer(&through->root, JB_FOBJECT, &key) != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("through cannot set link column \"%s\" of relation \"%s\"",
								links[i], call->end.name),
						 errdetail("The call itself links the two rows; through holds only the extra columns.")));
		}
		return through;
	}
}

/*
 * ormar.add: link row $2 of the other side to row $1; false when they were
 * linked already.  With through values (many-to-many) the INSERT names the
 * given extra columns, so its text depends on the call.  When nothing
 * changed, a missing row of either side is 23503, not a silent false.
 */
static Datum
add_impl(FunctionCallInfo fcinfo, ProxyCall *call)
{
	OrmarEnd   *end = &call->end;
	Datum		values[3];
	Oid			argtypes[3] = {call->self.pk_type, call->other.pk_type, JSONBOID};
	Jsonb	   *through;
	StringInfoData cols,
				vals;
	bool		changed;

	ormar_require_arg(fcinfo, 3, "target_pk");
	values[0] = call->pk;
	values[1] = ormar_other_key(fcinfo, call, 3);
	through = through_arg(fcinfo, 4, call);

	initStringInfo(&cols);
	initStringInfo(&vals);
	if (through)
		data_columns(through, end->rel->through, "through", NULL, &cols, &vals);
	if (cols.len > 0)
	{
		values[2] = JsonbPGetDatum(through);
		ormar_exec(psprintf("INSERT INTO %s (%s, %s, %s) SELECT $1, $2, %s"
							" FROM pg_catalog.jsonb_populate_record(NULL::%s, $3) r"
							" ON CONFLICT (%s, %s) DO NOTHING",
							call->through, call->th_self, call->th_other, cols.data,
							vals.data, call->through, call->th_self, call->th_other),
				   3, argtypes, values, NULL, false, 0);
	}
	else
		ormar_exec_plan(ormar_call_plan(call, PROXY_ADD, mutate_sql, 2, argtypes),
						values, NULL, false, 0);
	changed = SPI_processed > 0;
	if (!changed && end->rel->kind == ORMAR_FOREIGN_KEY)
	{
		require_row(call, PROXY_REQUIRE_SELF, values[0]);
		if (!end->key_on_self)
			require_row(call, PROXY_REQUIRE_OTHER, values[1]);
	}
	return BoolGetDatum(changed);
}

/*
 * 22023 for keep_reversed => false on a forward foreign key: deleting the
 * referenced row could, by its ON DELETE action, delete rows the call
 * never named (the row's other children).
 */
static void
check_keep_reversed(ProxyCall *call, bool keep)
{
	if (!keep && call->end.key_on_self)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("keep_reversed => false is not allowed on foreign key \"%s\" of model \"%s\"",
						call->end.name, call->self.name),
				 errdetail("Deleting the referenced row of model \"%s\" could delete rows the call did not name.",
						   call->other.name),
				 errhint("Remove the link with keep_reversed => true, or delete the row of \"%s\" itself.",
						 call->other.name)));
}

/*
 * The statement that unlinks rows related to key $1 of the proxy's model:
 * only the row with key $2 of the other side (ONE, for remove) or all of
 * them (clear).  many-to-many: the links go.  Reverse foreign key: the
 * children's key becomes NULL (KEEP) or the children are deleted.  Forward
 * foreign key: the model's own key becomes NULL (see check_keep_reversed).
 */
static char *
unlink_sql(ProxyCall *call, bool keep, bool one)
{
	OrmarEnd   *end = &call->end;

	if (end->rel->kind == ORMAR_MANY_TO_MANY)
		return psprintf("DELETE FROM %s th WHERE th.%s %s $1%s%s%s%s%s",
						call->through, call->th_self, call->eq_self,
						one ? " AND th." : "", one ? call->th_other : "",
						one ? " " : "", one ? call->eq_other : "", one ? " $2" : "");
	if (end->key_on_self)
	{
		Assert(keep);
		if (one)
			return psprintf("UPDATE %s s SET %s = NULL WHERE s.%s %s $1 AND s.%s %s $2",
							call->self.qualified, call->fk, call->self_pk, call->eq_self,
							call->fk, call->eq_other);
		return psprintf("UPDATE %s s SET %s = NULL WHERE s.%s %s $1 AND s.%s IS NOT NULL",
						call->self.qualified, call->fk, call->self_pk, call->eq_self, call->fk);
	}
	return psprintf("%s %s o%s WHERE o.%s %s $1%s%s%s%s%s",
					keep ? "UPDATE" : "DELETE FROM", call->other.qualified,
					keep ? psprintf(" SET %s = NULL", call->fk) : "",
					call->fk, call->eq_self,
					one ? " AND o." : "", one ? call->other_pk : "",
					one ? " " : "", one ? call->eq_other : "", one ? " $2" : "");
}

/*
 * The fixed-shape statements of the write side, by operation (ProxySqlFn
 * for ormar_call_plan).  $1 is the key of the proxy's model, $2 the key of
 * the other side.
 */
static char *
mutate_sql(ProxyCall *call, ProxyOp op)
{
	OrmarEnd   *end = &call->end;

	switch (op)
	{
		case PROXY_ADD:
			if (end->rel->kind == ORMAR_MANY_TO_MANY)
				return psprintf("INSERT INTO %s (%s, %s) VALUES ($1, $2) ON CONFLICT (%s, %s) DO NOTHING",
								call->through, call->th_self, call->th_other,
								call->th_self, call->th_other);
			if (end->key_on_self)	/* the model's own key column takes the target's key */
				return psprintf("UPDATE %s s SET %s = $2 WHERE s.%s %s $1"
								" AND (s.%s IS NULL OR NOT s.%s %s $2)",
								call->self.qualified, call->fk, call->self_pk, call->eq_self,
								call->fk, call->fk, call->eq_other);
			/* the child's key column takes our key */
			return psprintf("UPDATE %s o SET %s = $1 WHERE o.%s %s $2"
							" AND (o.%s IS NULL OR NOT o.%s %s $1)",
							call->other.qualified, call->fk, call->other_pk, call->eq_other,
							call->fk, call->fk, call->eq_self);
		case PROXY_REMOVE_KEEP:
			return unlink_sql(call, true, true);
		case PROXY_REMOVE_DELETE:
			return unlink_sql(call, false, true);
		case PROXY_CLEAR_KEEP:
			return unlink_sql(call, true, false);
		case PROXY_CLEAR_DELETE:
			return unlink_sql(call, false, false);
		case PROXY_REQUIRE_SELF:
			return psprintf("SELECT 1 FROM %s x WHERE x.%s %s $1", call->self.qualified,
							call->self_pk, call->eq_self);
		case PROXY_REQUIRE_OTHER:
			return psprintf("SELECT 1 FROM %s x WHERE x.%s %s $1", call->other.qualified,
							call->other_pk, call->eq_other);
		case PROXY_RELATED:
		case PROXY_TRAVERSE_START:
		case PROXY_TRAVERSE_LEVEL:
			break;
	}
	elog(ERROR, "unexpected proxy operation %d", (int) op);
	return NULL;				/* keep compiler quiet */
}

/* ormar.remove: unlink one related row; false when the two were not related. */
static Datum
remove_impl(FunctionCallInfo fcinfo, ProxyCall *call)
{
	Datum		values[2];
	Oid			argtypes[2] = {call->self.pk_type, call->other.pk_type};
	bool		keep;

	ormar_require_arg(fcinfo, 3, "target_pk");
	ormar_require_arg(fcinfo, 4, "keep_reversed");
	keep = PG_GETARG_BOOL(4);
	check_keep_reversed(call, keep);
	values[0] = call->pk;
	values[1] = ormar_other_key(fcinfo, call, 3);
	ormar_exec_plan(ormar_call_plan(call, keep ? PROXY_REMOVE_KEEP : PROXY_REMOVE_DELETE,
									mutate_sql, 2, argtypes),
					values, NULL, false, 0);
	return BoolGetDatum(SPI_processed > 0);
}

/* ormar.clear: unlink every related row; returns how many were affected. */
static Datum
clear_impl(FunctionCallInfo fcinfo, ProxyCall *call)
{
	bool		keep;

	ormar_require_arg(fcinfo, 3, "keep_reversed");
	keep = PG_GETARG_BOOL(3);
	check_keep_reversed(call, keep);
	ormar_exec_plan(ormar_call_plan(call, keep ? PROXY_CLEAR_KEEP : PROXY_CLEAR_DELETE,
									mutate_sql, 1, &call->self.pk_type),
					&call->pk, NULL, false, 0);
	return Int64GetDatum((int64) SPI_processed);
}

/*
 * The INSERT of create_related's new row of the other side from DATA ($2),
 * returning it; for a reverse foreign key it also takes our key ($1).
 */
static char *
insert_other_sql(ProxyCall *call, Jsonb *data)
{
	OrmarEnd   *end = &call->end;
	bool		child = end->rel->kind == ORMAR_FOREIGN_KEY && !end->key_on_self;
	StringInfoData cols,
				vals;

	initStringInfo(&cols);
	initStringInfo(&vals);
	data_columns(data, call->other.relid, "data", child ? end->fk_column : NULL, &cols, &vals);
	if (child)
	{
		appendStringInfo(&cols, "%s%s", cols.len ? ", " : "", call->fk);
		appendStringInfo(&vals, "%s$1", vals.len ? ", " : "");
	}
	if (cols.len == 0)
		return psprintf("INSERT INTO %s AS o DEFAULT VALUES RETURNING o.*",
						call->other.qualified);
	return psprintf("INSERT INTO %s AS o (%s) SELECT %s"
					" FROM pg_catalog.jsonb_populate_record(NULL::%s, $2) r RETURNING o.*",
					call->other.qualified, cols.data, vals.data, call->other.qualified);
}

/*
 * The link of the new row n to row $1 of many-to-many CALL, with the extra
 * columns of THROUGH ($3, NULL when not given).
 */
static char *
insert_link_sql(ProxyCall *call, Jsonb *through)
{
	StringInfoData tcols,
				tvals;

	initStringInfo(&tcols);
	initStringInfo(&tvals);
	if (through)
		data_columns(through, call->end.rel->through, "through", NULL, &tcols, &tvals);
	return psprintf("INSERT INTO %s (%s, %s%s%s)"
					" SELECT $1, n.%s%s%s FROM n, pg_catalog.jsonb_populate_record(NULL::%s, $3) r",
					call->through, call->th_self, call->th_other,
					tcols.len ? ", " : "", tcols.data,
					call->other_pk, tvals.len ? ", " : "", tvals.data, call->through);
}

/*
 * ormar.create_related: insert a row of the other side from DATA and link
 * it to row $1 in the same statement (a link row, our foreign key set to
 * it, or its foreign key set to us); the new row as jsonb.
 */
static Datum
create_related_impl(FunctionCallInfo fcinfo, ProxyCall *call)
{
	OrmarEnd   *end = &call->end;
	Jsonb	   *data;
	Jsonb	   *through;
	char	   *insert;
	Datum		values[3];
	Oid			argtypes[3] = {call->self.pk_type, JSONBOID, JSONBOID};
	int			nargs = 2;
	char	   *sql;
	bool		isnull;

	ormar_require_arg(fcinfo, 3, "data");
	data = PG_GETARG_JSONB_P(3);
	values[0] = call->pk;
	values[1] = JsonbPGetDatum(data);
	through = through_arg(fcinfo, 4, call);
	insert = insert_other_sql(call, data);

	if (end->rel->kind == ORMAR_MANY_TO_MANY)
	{
		values[2] = through ? JsonbPGetDatum(through) : (Datum) 0;
		nargs = 3;
		sql = psprintf("WITH n AS (%s), l AS (%s) SELECT pg_catalog.to_jsonb(n.*) FROM n",
					   insert, insert_link_sql(call, through));
	}
	else if (end->key_on_self)
	{
		require_row(call, PROXY_REQUIRE_SELF, call->pk);
		sql = psprintf("WITH n AS (%s), u AS (UPDATE %s s SET %s = n.%s FROM n WHERE s.%s %s $1)"
					   " SELECT pg_catalog.to_jsonb(n.*) FROM n",
					   insert, call->self.qualified, call->fk, call->other_pk,
					   call->self_pk, call->eq_self);
	}
	else
		sql = psprintf("WITH n AS (%s) SELECT pg_catalog.to_jsonb(n.*) FROM n", insert);

	ormar_exec(sql, nargs, argtypes, values, nargs == 3 && !through ? "  n" : NULL, false, 0);
	if (SPI_processed != 1)
		elog(ERROR, "create_related inserted " UINT64_FORMAT " rows", SPI_processed);
	return SPI_datumTransfer(ormar_getdatum(0, 1, &isnull), false, -1);
}

/*
 * 42501 unless the current user may MODE (ACL_UPDATE, ...) table RELID, on
 * the table or on some of its columns.  Checked before the arguments'
 * shape, so that a role without privileges learns that first, as it does
 * from PostgreSQL's own statements.
 */
static void
require_table_privilege(Oid relid, AclMode mode)
{
	if (pg_class_aclcheck(relid, GetUserId(), mode) != ACLCHECK_OK &&
		pg_attribute_aclcheck_all(relid, GetUserId(), mode, ACLMASK_ANY) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, get_rel_name(relid));
}

/*
 * ormar.update_through: change extra columns of the link row between $1
 * and $2 from DATA; false when the two are not linked.  Only the extra
 * columns can change, never the link columns or the table's own key.
 */
static Datum
update_through_impl(FunctionCallInfo fcinfo, ProxyCall *call)
{
	OrmarEnd   *end = &call->end;
	Datum		values[3];
	Oid			argtypes[3] = {call->self.pk_type, call->other.pk_type, JSONBOID};
	Jsonb	   *data;
	StringInfoData set;
	List	   *extras;
	ListCell   *lc;

	ormar_require_arg(fcinfo, 3, "target_pk");
	ormar_require_arg(fcinfo, 4, "data");
	if (OidIsValid(end->rel->through))
		require_table_privilege(end->rel->through, ACL_UPDATE);
	if (end->rel->kind != ORMAR_MANY_TO_MANY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relation \"%s\" is not many-to-many and has no through values",
						end->name)));
	values[0] = call->pk;
	values[1] = ormar_other_key(fcinfo, call, 3);
	data = PG_GETARG_JSONB_P(4);
	values[2] = JsonbPGetDatum(data);

	initStringInfo(&set);
	extras = ormar_through_extra_columns(end->rel);
	foreach(lc, data_keys(data, end->rel->through, "data"))
	{
		char	   *key = lfirst(lc);
		ListCell   *x;
		bool		extra = false;

		foreach(x, extras)
			extra = extra || strcmp(lfirst(x), key) == 0;
		if (!extra)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("update_through cannot change column \"%s\"", key),
					 errdetail("Only the extra columns of the through table can be changed, not its link columns or key.")));
		appendStringInfo(&set, "%s%s = r.%s", set.len ? ", " : "",
						 quote_identifier(key), quote_identifier(key));
	}
	if (set.len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data must name at least one through column")));
	ormar_exec(psprintf("UPDATE %s th SET %s FROM pg_catalog.jsonb_populate_record(NULL::%s, $3) r"
						" WHERE th.%s %s $1 AND th.%s %s $2",
						call->through, set.data, call->through,
						call->th_self, call->eq_self, call->th_other, call->eq_other),
			   3, argtypes, values, NULL, false, 0);
	return BoolGetDatum(SPI_processed > 0);
}

typedef Datum (*MutateFn) (FunctionCallInfo fcinfo, ProxyCall *call);

/* Common frame of the write-side proxies. */
static Datum
run_mutation(FunctionCallInfo fcinfo, MutateFn fn)
{
	ProxyCall	call;
	Datum		result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ormar_proxy_begin_mode(fcinfo, &call, RowExclusiveLock);
	result = fn(fcinfo, &call);
	SPI_finish();
	return result;
}

/*
 * The SQL-callable write-side proxies (DESIGN §5): each one run_mutation
 * of its _impl.
 */
Datum
ormar_add(PG_FUNCTION_ARGS)
{
	return run_mutation(fcinfo, add_impl);
}

Datum
ormar_remove(PG_FUNCTION_ARGS)
{
	return run_mutation(fcinfo, remove_impl);
}

Datum
ormar_clear(PG_FUNCTION_ARGS)
{
	return run_mutation(fcinfo, clear_impl);
}

Datum
ormar_create_related(PG_FUNCTION_ARGS)
{
	return run_mutation(fcinfo, create_related_impl);
}

Datum
ormar_update_through(PG_FUNCTION_ARGS)
{
	return run_mutation(fcinfo, update_through_impl);
}
