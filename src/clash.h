/*-------------------------------------------------------------------------
 * clash.h
 *	  Generated names that are already taken, or that would collide once
 *	  folded, refused before anything is generated (clash.c).
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_CLASH_H
#define ORMAR_CLASH_H

#include "postgres.h"

#include "catalog.h"

extern void ormar_check_generated_names(OrmarRel *rel, OrmarModel *m, OrmarModel *t,
										bool declaring);
extern void ormar_check_view_columns(OrmarRel *rel);
extern void ormar_check_default_through(OrmarRel *rel, OrmarModel *m);
extern void ormar_check_through_column_names(OrmarRel *rel);

#endif
