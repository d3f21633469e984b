/*-------------------------------------------------------------------------
 * keys.h
 *	  Converting "any" key arguments to a model's primary-key type.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_KEYS_H
#define ORMAR_KEYS_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include "catalog.h"

extern Datum ormar_key_arg(FunctionCallInfo fcinfo, int argno,
						   OrmarModel *model, const char *argname);
extern ArrayType *ormar_key_array_arg(FunctionCallInfo fcinfo, int argno,
									  OrmarModel *model, const char *argname);
extern Datum ormar_coerce_key(Datum value, Oid from, OrmarModel *model,
							  const char *argname);
extern bool ormar_input_ok(Oid typid, int32 typmod, const char *str);
extern void ormar_require_arg(FunctionCallInfo fcinfo, int argno,
							  const char *argname);

#endif
