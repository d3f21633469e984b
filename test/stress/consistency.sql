-- Catalog consistency (after a kill -9, after concurrent declarations): every
-- catalog row points at existing objects, every object ormar_pg generated
-- (recognised by its "ormar_pg: ..." comment) is recorded in the catalog, and
-- no relation is half made.  One line per check, "ok NAME" or "FAIL NAME: n
-- [details]"; the callers count the lines starting "SELECT pg_temp.cchk(".
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
\if :{?check_kept_through}
\else
\set check_kept_through 0
\endif
CREATE FUNCTION pg_temp.cchk(name text, bad text[]) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN coalesce(cardinality(bad), 0) = 0 THEN 'ok ' || name
                ELSE format('FAIL %s: %s %s', name, cardinality(bad),
                            array_to_string(bad[1:5], '; ')) END
$$;
CREATE FUNCTION pg_temp.keyless(t regclass) RETURNS boolean LANGUAGE sql AS $$
    SELECT t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_index i
                                          WHERE i.indrelid = t AND i.indisprimary AND i.indnkeyatts = 1)
$$;
CREATE FUNCTION pg_temp.runs(stmt text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', stmt, SQLERRM;
    RETURN false;
END
$$;

SELECT pg_temp.cchk('every model row names an existing table',
    (SELECT array_agg(m.model::oid::text) FROM ormar.model m
      WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = m.model AND c.relkind IN ('r', 'p'))));
SELECT pg_temp.cchk('every relation row has its model and target registered',
    (SELECT array_agg(r.model::oid || '.' || r.name) FROM ormar.relation r
      WHERE NOT EXISTS (SELECT 1 FROM ormar.model m WHERE m.model = r.model)
         OR (r.target IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ormar.model m WHERE m.model = r.target))));
SELECT pg_temp.cchk('resolved foreign keys: column, constraint and index exist',
    (SELECT array_agg(r.model || '.' || r.name) FROM ormar.relation r
      WHERE r.kind = 'foreign_key' AND r.target IS NOT NULL
        AND (NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.model
                            AND a.attname = r.column_name AND NOT a.attisdropped)
          OR NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conrelid = r.model
                            AND co.conname = r.constraint_name AND co.contype = 'f'
                            AND co.confrelid = r.target)
          OR NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                          WHERE i.indrelid = r.model AND ic.relname = r.index_name))));
SELECT pg_temp.cchk('resolved many-to-many: through table and both columns exist',
    (SELECT array_agg(r.model || '.' || r.name) FROM ormar.relation r
      WHERE r.kind = 'many_to_many' AND r.target IS NOT NULL
        AND (r.through IS NULL
          OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = r.through)
          OR NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.through
                            AND a.attname = r.through_column AND NOT a.attisdropped)
          OR NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = r.through
                            AND a.attname = r.through_reverse_column AND NOT a.attisdropped))));
SELECT pg_temp.cchk('recorded accessors and views exist',
    (SELECT array_agg(r.model || '.' || r.name) FROM ormar.relation r
      WHERE (r.accessor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = r.accessor))
         OR (r.reverse_accessor IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = r.reverse_accessor))
         OR (r.lookup_view IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = r.lookup_view AND c.relkind = 'v'))
         OR (r.reverse_lookup_view IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = r.reverse_lookup_view
                                                        AND c.relkind = 'v'))));
SELECT pg_temp.cchk('resolved relations have their accessor, pending ones nothing',
    (SELECT array_agg(r.model || '.' || r.name) FROM ormar.relation r
      WHERE (r.target IS NOT NULL AND r.accessor IS NULL)
         OR (r.target IS NOT NULL AND NOT r.skip_reverse AND r.reverse_accessor IS NULL)
         OR (r.target IS NULL AND (r.accessor IS NOT NULL OR r.reverse_accessor IS NOT NULL
                                   OR r.lookup_view IS NOT NULL OR r.reverse_lookup_view IS NOT NULL
                                   OR r.through IS NOT NULL))));
SELECT pg_temp.cchk('every generated function is a recorded accessor',
    (SELECT array_agg(p.oid::regprocedure::text) FROM pg_proc p
      WHERE obj_description(p.oid, 'pg_proc') LIKE 'ormar_pg: accessor %'
        AND NOT EXISTS (SELECT 1 FROM ormar.relation r
                         WHERE r.accessor = p.oid OR r.reverse_accessor = p.oid)));
SELECT pg_temp.cchk('every generated view is a recorded lookup view',
    (SELECT array_agg(c.oid::regclass::text) FROM pg_class c
      WHERE c.relkind = 'v' AND obj_description(c.oid, 'pg_class') LIKE 'ormar_pg: lookup view %'
        AND NOT EXISTS (SELECT 1 FROM ormar.relation r
                         WHERE r.lookup_view = c.oid OR r.reverse_lookup_view = c.oid)));
SELECT pg_temp.cchk('every generated constraint and index belongs to a recorded relation',
    (SELECT array_agg(x) FROM (
        SELECT co.conrelid::regclass || '.' || co.conname AS x FROM pg_constraint co
         WHERE co.contype = 'f' AND co.conname LIKE 'fk\_%'
           AND co.conrelid IN (SELECT m.model FROM ormar.model m)
           AND NOT EXISTS (SELECT 1 FROM ormar.relation r
                            WHERE r.model = co.conrelid AND r.constraint_name = co.conname)
        UNION ALL
        SELECT c.oid::regclass::text FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
         WHERE obj_description(c.oid, 'pg_class') LIKE 'ormar_pg: index of foreign key %'
           AND NOT EXISTS (SELECT 1 FROM ormar.relation r
                            WHERE r.model = i.indrelid AND r.index_name = c.relname)) s));
-- A through table may outlive its relation (drop_relation and drop_model keep
-- the data), but not with the foreign keys generated for it.  Today DROP TABLE
-- of a many-to-many's source model leaves the through table's foreign key to
-- the target behind (reported): counted only with -v check_kept_through=1
-- (ORMAR_STRESS_CHECK_KEPT_THROUGH=1 in the scripts); otherwise it prints
-- "skip" and the callers do not expect it.
\if :check_kept_through
SELECT pg_temp.cchk('no generated through-table foreign key outside the catalog',
    (SELECT array_agg(co.conrelid::regclass || '.' || co.conname) FROM pg_constraint co
      WHERE co.contype = 'f'
        AND obj_description(co.conrelid, 'pg_class') LIKE 'ormar_pg: through table of relation %'
        AND NOT EXISTS (SELECT 1 FROM ormar.relation r WHERE r.through = co.conrelid)));
\else
SELECT 'skip no generated through-table foreign key outside the catalog: '
       || count(*) || ' found (set ORMAR_STRESS_CHECK_KEPT_THROUGH=1 to count)'
  FROM pg_constraint co
 WHERE co.contype = 'f'
   AND obj_description(co.conrelid, 'pg_class') LIKE 'ormar_pg: through table of relation %'
   AND NOT EXISTS (SELECT 1 FROM ormar.relation r WHERE r.through = co.conrelid);
\endif
-- A relation whose model or target lost its primary key (ALTER TABLE ... DROP
-- COLUMN of the key) keeps its broken accessor, with a WARNING from the event
-- trigger telling to declare it again: such relations are listed, not checked.
SELECT 'note relations on a model without primary key (accessors not run): '
       || string_agg(r.model || '.' || r.name, ', ')
  FROM ormar.relation r
 WHERE pg_temp.keyless(r.model) OR pg_temp.keyless(r.target)
HAVING count(*) > 0;
SELECT pg_temp.cchk('accessors and views of resolved relations run',
    (SELECT array_agg(x) FROM (
        SELECT r.model || '.' || r.name AS x FROM ormar.relation r
         WHERE r.lookup_view IS NOT NULL AND NOT pg_temp.keyless(r.model)
           AND NOT pg_temp.keyless(r.target)
           AND NOT pg_temp.runs(format('SELECT count(*) FROM %s', r.lookup_view))
        UNION ALL
        SELECT r.model || '.' || r.name FROM ormar.relation r
         WHERE r.accessor IS NOT NULL AND NOT pg_temp.keyless(r.model)
           AND NOT pg_temp.keyless(r.target)
           AND NOT pg_temp.runs(format('SELECT count(*) FROM %s AS ormar_cc_row, %s(ormar_cc_row)', r.model,
                                       r.accessor::oid::regproc))) s));
