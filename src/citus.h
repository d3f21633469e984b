/*-------------------------------------------------------------------------
 * citus.h
 *	  Following Citus's rules when the citus extension is in the database.
 *-------------------------------------------------------------------------
 */
#ifndef ORMAR_CITUS_H
#define ORMAR_CITUS_H

#include "postgres.h"
#include "nodes/nodes.h"

#include "catalog.h"

extern bool ormar_citus_present(void);
extern bool ormar_citus_table(Oid relid);
extern bool ormar_citus_reference_table(Oid relid);
extern void ormar_create_table(const char *sql, Oid nsp);
extern bool ormar_citus_internal_ddl(Node *parsetree);
extern void ormar_citus_check_relation(OrmarRel *rel, OrmarModel *m, OrmarModel *t);
extern void ormar_citus_prepare_through(OrmarRel *rel, Oid through, OrmarModel *m, OrmarModel *t);
extern const char *ormar_citus_link_actions(Oid through, const char *column);
extern int	ormar_citus_local_ddl_begin(void);
extern void ormar_citus_local_ddl_end(int nestlevel);

#endif
