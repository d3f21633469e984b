/*-------------------------------------------------------------------------
 * adopt.h
 *	  Adopting existing constraints, indexes and generated objects instead
 *	  of generating duplicates (DESIGN §4).
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_ADOPT_H
#define ORMAR_ADOPT_H

#include "postgres.h"

#include "catalog.h"

extern void ormar_adopt_fk(OrmarRel *rel, OrmarModel *m, OrmarModel *t);
extern char *ormar_adopt_link_fk(OrmarRel *rel, Oid through, const char *column,
								 OrmarModel *ref, const char *generated, int flag);
extern void ormar_adopt_through_index(OrmarRel *rel, Oid through);
extern void ormar_drop_through_extras(OrmarRel *rel, bool drop_data);
extern void ormar_adopt_leftovers(OrmarRel *rel);

#endif
