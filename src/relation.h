/*-------------------------------------------------------------------------
 * relation.h
 *	  Declaring, building and dropping relations (relation.c).
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_RELATION_H
#define ORMAR_RELATION_H

#include "postgres.h"

#include "catalog.h"

extern Oid	ormar_relation_role(OrmarRel *rel);
extern void ormar_declare(OrmarRel *rel);
extern int	ormar_resolve_pending(Oid model);
extern void ormar_drop_relations_of_model(Oid model, bool cascade);
extern void ormar_check_not_through(Oid model);
extern void ormar_refresh_relation(OrmarRel *rel);
extern Oid	ormar_target_model(const char *schema, const char *name);

#endif
