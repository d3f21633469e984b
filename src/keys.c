/*-------------------------------------------------------------------------
 * keys.c
 *	  Key arguments of the proxies are declared "any": a caller passes 1,
 *	  '1' or a uuid literal.  Here they become values of the model's
 *	  primary-key type, or a clear 42804 error.
 *
 * Accepted: anything that casts to the key type by assignment, as an INSERT
 * into the key column takes it (DESIGN §5): an untyped literal or a string
 * through the key type's input function, any integer type for an integer
 * key (range-checked), an integer for a String key.  A cast that would lose
 * information (numeric 1.5 for an integer key) is refused rather than
 * rounded, and a domain key's CHECK constraints apply.
 *
 * Bound parameters: a driver that sends a parameter untyped (node-postgres
 * always, psycopg for a Python str) cannot reach an "any" argument, because
 * PostgreSQL cannot give an untyped parameter a type from "any" (42P18).  So
 * every key argument also has an overload taking text (see the bound
 * parameters block of the install script); function resolution picks it
 * for an untyped parameter, and the key arrives here as text.  For
 * fetch_many's key array the text is an array literal ('{1,2}', what
 * drivers send for an array).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "utils/resowner.h"

#include "keys.h"

/* 22004 unless argument ARGNO is not NULL. */
void
ormar_require_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", argname)));
}

/* Is TYPID one of the integer types? */
static bool
is_int_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/*
 * Run a conversion that may fail in a subtransaction, so that its error can
 * be reported as what it is for the caller: a key of the wrong type.
 * KIND 0: input function on a cstring; 1: cast function (called with
 * TYPMOD and "not explicit" when it takes them); 2: the CHECK constraints
 * of domain TYPIOPARAM on VALUE.
 */
static bool
try_convert(int kind, Oid fn, Datum value, Oid typioparam, int32 typmod,
			Datum *result, char **message)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile bool ok = false;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		if (kind == 0)
			*result = OidInputFunctionCall(fn, DatumGetCString(value),
										   typioparam, typmod);
		else if (kind == 2)
		{
			domain_check(value, false, typioparam, NULL, CurrentMemoryContext);
			*result = value;
		}
		else if (get_func_nargs(fn) == 1)
			*result = OidFunctionCall1(fn, value);
		else
			*result = OidFunctionCall3(fn, value, Int32GetDatum(typmod),
									   BoolGetDatum(false));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		ok = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		if (message)
			*message = edata->message;
	}
	PG_END_TRY();
	return ok;
}

/* Is STR valid input for type TYPID (with TYPMOD)? */
bool
ormar_input_ok(Oid typid, int32 typmod, const char *str)
{
	Oid			infunc,
				ioparam;
	Datum		result;

	getTypeInputInfo(typid, &infunc, &ioparam);
	return try_convert(0, infunc, CStringGetDatum(str), ioparam, typmod,
					   &result, NULL);
}

/*
 * 42804 for a key of type FROM.  A string or an untyped literal is not named
 * by its type: it reached us as text whatever the caller wrote (an untyped
 * parameter, a quoted literal), and the input function's message in DETAIL
 * says what is wrong with it.
 */
static void
key_mismatch(const char *argname, Oid from, OrmarModel *model, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 from == UNKNOWNOID || TypeCategory(from) == TYPCATEGORY_STRING ?
			 errmsg("%s does not match the primary key of model \"%s\"",
					argname, model->name) :
			 errmsg("%s of type %s does not match the primary key of model \"%s\"",
					argname, format_type_be(from), model->name),
			 detail ? errdetail_internal("%s", detail) : 0,
			 errhint("The key of model \"%s\" is column \"%s\" of type %s.",
					 model->name, model->pk_name,
					 format_type_with_typemod(model->pk_type, model->pk_typmod))));
}

/* Text form of VALUE, an untyped literal or a string-category value. */
static char *
key_string(Datum value, Oid from)
{
	Oid			outfunc;
	bool		isvarlena;

	if (from == UNKNOWNOID)
		return DatumGetCString(value);
	getTypeOutputInfo(from, &outfunc, &isvarlena);
	return OidOutputFunctionCall(outfunc, value);
}

/*
 * Did the assignment cast CASTFN of VALUE (type FROM) to type TO lose
 * information?  Casting the result back must give VALUE again (numeric 1.0
 * to an integer key is 1, numeric 1.5 would be rounded; a timestamp to a
 * date key would lose its time).  Without a cast back or an equality
 * operator of FROM there is nothing to compare with, and the cast is taken
 * as it is.
 */
static bool
cast_lost(Datum value, Oid from, Oid to, Datum result)
{
	Oid			backfn;
	Oid			eqop;
	Datum		back;
	char	   *message = NULL;

	if (find_coercion_pathway(from, to, COERCION_ASSIGNMENT, &backfn) != COERCION_PATH_FUNC ||
		!OidIsValid(backfn))
		return false;
	eqop = lookup_type_cache(from, TYPECACHE_EQ_OPR)->eq_opr;
	if (!OidIsValid(eqop))
		return false;
	if (!try_convert(1, backfn, result, InvalidOid, -1, &back, &message))
		return true;
	return !DatumGetBool(OidFunctionCall2Coll(get_opcode(eqop), get_typcollation(from),
											  value, back));
}

/*
 * VALUE of type FROM as a value of MODEL's primary-key type (42804 if it
 * does not convert).  ARGNAME names it in errors.  A key is any value that
 * casts to the key type by assignment (DESIGN §5), as an INSERT into the key
 * column would take it: a string through the input function (with the
 * column's typmod), an integer of any width, an integer for a String key,
 * numeric 1.0 for an integer key (not 1.5: a cast that loses information is
 * refused, see cast_lost), and the value must pass the CHECK constraints of
 * a domain key type, as an "in" filter on the key checks them.
 */
Datum
ormar_coerce_key(Datum value, Oid from, OrmarModel *model, const char *argname)
{
	Oid			to = model->pk_type;
	Datum		result;
	char	   *message = NULL;
	Oid			castfn;
	CoercionPathType path;
	bool		check_loss = false;

	if (from == to)
		return value;

	if (from == UNKNOWNOID || TypeCategory(from) == TYPCATEGORY_STRING)
	{
		char	   *str = key_string(value, from);
		Oid			infunc,
					ioparam;

		getTypeInputInfo(to, &infunc, &ioparam);
		if (!try_convert(0, infunc, CStringGetDatum(str), ioparam,
						 model->pk_typmod, &result, &message))
			key_mismatch(argname, from, model, message);
		return result;
	}

	/*
	 * An implicit cast never loses information (PostgreSQL's convention),
	 * nor does one between integer types (out of range is its own error):
	 * only the other assignment casts are checked by casting back.
	 */
	path = find_coercion_pathway(to, from, COERCION_IMPLICIT, &castfn);
	if (path == COERCION_PATH_NONE)
	{
		path = find_coercion_pathway(to, from, COERCION_ASSIGNMENT, &castfn);
		check_loss = !(is_int_type(getBaseType(from)) && is_int_type(getBaseType(to)));
	}
	if (path == COERCION_PATH_COERCEVIAIO)
	{
		/* an assignment cast to a string type: output, then the key's input */
		char	   *str = key_string(value, from);
		Oid			infunc,
					ioparam;

		getTypeInputInfo(to, &infunc, &ioparam);
		if (!try_convert(0, infunc, CStringGetDatum(str), ioparam,
						 model->pk_typmod, &result, &message))
			key_mismatch(argname, from, model, message);
		return result;
	}
	if (path == COERCION_PATH_RELABELTYPE)
		result = value;
	else if (path == COERCION_PATH_FUNC && OidIsValid(castfn))
	{
		if (!try_convert(1, castfn, value, InvalidOid, model->pk_typmod, &result, &message))
			key_mismatch(argname, from, model, message);
		if (check_loss && cast_lost(value, from, getBaseType(to), result))
			key_mismatch(argname, from, model,
						 psprintf("Its value would change when converted to type %s.",
								  format_type_be(to)));
	}
	else
	{
		key_mismatch(argname, from, model, NULL);
		return (Datum) 0;		/* keep compiler quiet */
	}
	if (get_typtype(to) == TYPTYPE_DOMAIN &&
		!try_convert(2, InvalidOid, result, to, -1, &result, &message))
		key_mismatch(argname, from, model, message);
	return result;
}

/*
 * Argument ARGNO (type "any") as a value of MODEL's primary-key type.
 */
Datum
ormar_key_arg(FunctionCallInfo fcinfo, int argno, OrmarModel *model,
			  const char *argname)
{
	Oid			from = get_fn_expr_argtype(fcinfo->flinfo, argno);

	ormar_require_arg(fcinfo, argno, argname);
	if (!OidIsValid(from))
		elog(ERROR, "could not determine type of argument \"%s\"", argname);
	return ormar_coerce_key(PG_GETARG_DATUM(argno), from, model, argname);
}

/*
 * Argument ARGNO, the keys of fetch_many, as an array of MODEL's primary-key
 * type (22004 for a NULL element, 22023 for a multi-dimensional array).  It is an array of
 * any element type that converts key by key (int8[] or text[] for an integer
 * key, text[] for a uuid key), or a string holding an array literal, which is
 * how an untyped bound parameter arrives (node-postgres sends a JS array as
 * '{"1","2"}', psycopg a list of str the same way).  42804 when a key does
 * not convert or the string is not an array literal.
 */
ArrayType *
ormar_key_array_arg(FunctionCallInfo fcinfo, int argno, OrmarModel *model,
					const char *argname)
{
	Oid			from = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Datum		value;
	ArrayType  *arr;
	Oid			elemtype;
	int16		elen,
				klen;
	bool		ebyval,
				kbyval;
	char		ealign,
				kalign;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				nkeys = 0;
	Datum	   *keys;

	ormar_require_arg(fcinfo, argno, argname);
	if (!OidIsValid(from))
		elog(ERROR, "could not determine type of argument \"%s\"", argname);
	value = PG_GETARG_DATUM(argno);

	if (from == UNKNOWNOID || TypeCategory(from) == TYPCATEGORY_STRING)
	{
		char	   *str;
		char	   *message = NULL;
		Datum		result;

		str = key_string(value, from);
		if (!try_convert(0, F_ARRAY_IN, CStringGetDatum(str), model->pk_type,
						 model->pk_typmod, &result, &message))
			key_mismatch(argname, from, model, message);
		arr = DatumGetArrayTypeP(result);
	}
	else if (type_is_array(from))
		arr = DatumGetArrayTypeP(value);
	else
	{
		key_mismatch(argname, from, model,
					 psprintf("%s takes an array of keys.", argname));
		return NULL;			/* keep compiler quiet */
	}

	/*
	 * A key list is a plain list: a NULL key is refused as a NULL argument
	 * is (fetch of NULL is 22004 too), and a multi-dimensional array, whose
	 * nesting would be flattened away, is refused rather than guessed at.
	 */
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", argname),
				 errdetail("It has %d dimensions.", ARR_NDIM(arr))));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain null elements", argname)));

	elemtype = ARR_ELEMTYPE(arr);
	if (elemtype == model->pk_type)
		return arr;

	get_typlenbyvalalign(elemtype, &elen, &ebyval, &ealign);
	get_typlenbyvalalign(model->pk_type, &klen, &kbyval, &kalign);
	deconstruct_array(arr, elemtype, elen, ebyval, ealign, &elems, &enulls, &n);
	keys = palloc(sizeof(Datum) * Max(n, 1));
	for (int i = 0; i < n; i++)
		keys[nkeys++] = ormar_coerce_key(elems[i], elemtype, model, argname);
	return construct_array(keys, nkeys, model->pk_type, klen, kbyval, kalign);
}
