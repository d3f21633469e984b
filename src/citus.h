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


/*
 * 0A000 for what Citus cannot do: MSG, DETAIL (Citus's rule) and HINT (what
 * to do instead) are errmsg(), errdetail() and errhint() calls, each a whole
 * sentence with its arguments.
 */
#define ORMAR_CITUS_REFUSE(msg, detail, hint) \
	ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), msg, detail, hint))

/* What Citus makes of a table (shared by citus.c and distribute.c). */
typedef enum CitusKind
{
	CITUS_NONE,					/* a plain PostgreSQL table */
	CITUS_REFERENCE,			/* copied to every node */
	CITUS_HASH,					/* hash-distributed by a column */
	CITUS_SINGLE_SHARD,			/* no distribution column (tenant tables) */
	CITUS_LOCAL					/* a Citus local table */
} CitusKind;

typedef struct CitusTable
{
	CitusKind	kind;
	char	   *column;			/* distribution column of a CITUS_HASH table */
	int32		colocation;		/* colocation group (0: none) */
} CitusTable;

extern void ormar_citus_query(const char *sql, int nargs, Oid *argtypes, Datum *values);
extern void ormar_citus_kind_of(Oid relid, CitusTable *ct);
extern const char *ormar_citus_kind_text(CitusKind kind);
extern const char *ormar_citus_distribute_call(const char *table);
extern void ormar_citus_check_fk(const char *model, const char *relation, OrmarModel *m,
								 CitusTable *mc, const char *column, bool one_to_one,
								 const char *ondelete, const char *onupdate,
								 OrmarModel *t, CitusTable *tc);
extern void ormar_citus_check_m2m(const char *model, const char *relation, OrmarModel *m,
								  CitusTable *mc, OrmarModel *t, CitusTable *tc, Oid through);
extern void ormar_citus_sequential(void);
extern void ormar_citus_distribute_through(Oid through, Oid m, const char *mcol,
										   Oid t, const char *tcol);

#endif
