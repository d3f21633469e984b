/*-------------------------------------------------------------------------
 * keys.c
 *	  Key arguments of the proxies are declared "any": a caller passes 1,
 *	  '1' or a uuid literal.  Here they become values of the model's
 *	  primary-key type, or a clear 42804 error.
 *
 * Accepted: the key type itself; anything implicitly coercible to it; an
 * untyped literal or a string, through the key type's input function; and
 * any integer type for an integer key (range-checked).  A numeric 1.5 for an
 * integer key is refused rather than rounded.
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

/*
 * Is TYPID one of the integer types, between which keys convert without
 * loss checks of their own?
 */
static bool
is_int_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

/*
 * Run a conversion that may fail in a subtransaction, so that its error can
 * be reported as what it is for the caller: a key of the wrong type.
 * KIND 0: input function on a cstring; 1: cast function.
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
		else
			*result = OidFunctionCall1(fn, value);
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
 * VALUE of type FROM as a value of MODEL's primary-key type (42804 if it
 * does not convert).  ARGNAME names it in errors.
 */
Datum
ormar_coerce_key(Datum value, Oid from, OrmarModel *model, const char *argname)
{
	Oid			to = model->pk_type;
	Datum		result;
	char	   *message = NULL;
	Oid			castfn;
	CoercionPathType path;

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

	path = find_coercion_pathway(to, from, COERCION_IMPLICIT, &castfn);
	if (path == COERCION_PATH_RELABELTYPE)
		return value;
	if (path != COERCION_PATH_FUNC && is_int_type(from) && is_int_type(to))
		path = find_coercion_pathway(to, from, COERCION_ASSIGNMENT, &castfn);
	if (path == COERCION_PATH_FUNC && OidIsValid(castfn))
	{
		if (!try_convert(1, castfn, value, InvalidOid, -1, &result, &message))
			key_mismatch(argname, from, model, message);
		return result;
	}
	key_mismatch(argname, from, model, NULL);
	return (Datum) 0;			/* keep compiler quiet */
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
 * type without NULL elements (a NULL key matches nothing).  It is an array of
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

	elemtype = ARR_ELEMTYPE(arr);
	if (elemtype == model->pk_type && !array_contains_nulls(arr))
		return arr;

	get_typlenbyvalalign(elemtype, &elen, &ebyval, &ealign);
	get_typlenbyvalalign(model->pk_type, &klen, &kbyval, &kalign);
	deconstruct_array(arr, elemtype, elen, ebyval, ealign, &elems, &enulls, &n);
	keys = palloc(sizeof(Datum) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!enulls[i])
			keys[nkeys++] = ormar_coerce_key(elems[i], elemtype, model, argname);
	return construct_array(keys, nkeys, model->pk_type, klen, kbyval, kalign);
}
