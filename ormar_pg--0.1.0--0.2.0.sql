-- ormar_pg 0.1.0 -> 0.2.0.  Every change to the SQL surface made in
-- ormar_pg--0.2.0.sql is repeated here, in the same order; the upgrade test
-- (sql/upgrade.sql) compares an updated 0.1.0 installation with a fresh 0.2.0 one.

\echo Use "ALTER EXTENSION ormar_pg UPDATE TO '0.2.0'" to load this file. \quit
