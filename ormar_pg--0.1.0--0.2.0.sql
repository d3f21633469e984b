-- ormar_pg 0.1.0 -> 0.2.0.  Every change to the SQL surface made in
-- ormar_pg--0.2.0.sql is repeated here, in the same order; the upgrade test
-- (sql/upgrade.sql) compares an updated 0.1.0 installation with a fresh 0.2.0 one.

\echo Use "ALTER EXTENSION ormar_pg UPDATE TO '0.2.0'" to load this file. \quit

-- The role that declared a relation: a pending relation is built as that role,
-- and regenerated objects keep it as their owner.  Existing relations take the
-- owner of their accessor, or else of their model.
ALTER TABLE ormar.relation ADD COLUMN declared_by regrole;
UPDATE ormar.relation r SET declared_by = COALESCE(
    (SELECT p.proowner FROM pg_catalog.pg_proc p WHERE p.oid = r.accessor::pg_catalog.oid),
    (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = r.model::pg_catalog.oid));
ALTER TABLE ormar.relation ALTER COLUMN declared_by SET NOT NULL;
