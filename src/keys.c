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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
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

static void
key_mismatch(const char *argname, Oid from, OrmarModel *model, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 from == UNKNOWNOID ?
			 errmsg("%s does not match the primary key of model \"%s\"",
					argname, model->name) :
			 errmsg("%s of type %s does not match the primary key of model \"%s\"",
					argname, format_type_be(from), model->name),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("The key of model \"%s\" is column \"%s\" of type %s.",
					 model->name, model->pk_name,
					 format_type_with_typemod(model->pk_type, model->pk_typmod))));
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
		char	   *str;
		Oid			infunc,
					ioparam;

		if (from == UNKNOWNOID)
			str = DatumGetCString(value);
		else
		{
			Oid			outfunc;
			bool		isvarlena;

			getTypeOutputInfo(from, &outfunc, &isvarlena);
			str = OidOutputFunctionCall(outfunc, value);
		}
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
