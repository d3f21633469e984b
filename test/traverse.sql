-- pgTAP: ormar.traverse (DESIGN §5) against recursive CTEs computing the same
-- walk: breadth first, each row once at its smallest depth, rows of a level
-- in key order (the key type's ordering and collation, here text keys whose
-- children come in another order than their keys), on a foreign-key tree and
-- on a many-to-many graph with cycles; max_depth; and a second call through
-- the kept plans giving the same.  Runs in its own database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(8);

SET LOCAL client_min_messages = warning;
DO $do$
BEGIN
    PERFORM ormar.define_model('unit', '{"code": {"type": "String", "max_length": 20, "primary_key": true},
                                         "size": {"type": "Integer"}}');
    PERFORM ormar.foreign_key('unit', 'parent', 'unit', related_name => 'subunits');
    PERFORM ormar.many_to_many('unit', 'links', 'unit', related_name => 'linked_from');
END
$do$;
-- 300 units; keys are text, so that key order is not the order rows are
-- linked or inserted in ('u10' < 'u9'); unit i's parent is an earlier unit
INSERT INTO unit (code, size)
SELECT 'u' || ((i * 7919) % 300), i FROM generate_series(0, 299) i;
UPDATE unit SET parent = 'u' || (((size * 37 + 11) % size) * 7919 % 300) WHERE size > 0;
-- a many-to-many graph with cycles: each unit links to 3 others
DO $do$
DECLARE
    r record;
BEGIN
    SELECT through, through_column, through_reverse_column INTO r
      FROM ormar.relations WHERE model = 'unit'::regclass AND name = 'links';
    EXECUTE format('CREATE TEMP VIEW link_edges AS SELECT %I AS source, %I AS target FROM %s',
                   r.through_column, r.through_reverse_column, r.through);
    EXECUTE format('INSERT INTO %s (%I, %I) SELECT a.code, b.code FROM unit a, unit b, generate_series(1, 3) k'
                   ' WHERE b.size = (a.size * 13 + k * 101) %% 300 AND b.code <> a.code'
                   ' ON CONFLICT DO NOTHING', r.through, r.through_column, r.through_reverse_column);
END
$do$;

CREATE FUNCTION tree_walk(start text, max_depth integer) RETURNS text LANGUAGE sql AS $$
    WITH RECURSIVE w(code, depth) AS (
        SELECT code, 0 FROM unit WHERE code = start
      UNION ALL
        SELECT u.code, w.depth + 1 FROM w JOIN unit u ON u.parent = w.code
         WHERE max_depth IS NULL OR w.depth < max_depth)
    SELECT string_agg(depth || ':' || code, ' ' ORDER BY depth, code) FROM w
$$;
CREATE FUNCTION graph_walk(start text) RETURNS text LANGUAGE sql AS $$
    WITH RECURSIVE w(code, depth) AS (
        SELECT code, 0 FROM unit WHERE code = start
      UNION
        SELECT e.target, w.depth + 1 FROM w JOIN link_edges e ON e.source = w.code
         WHERE w.depth < 300),
    m AS (SELECT code, min(depth) AS depth FROM w GROUP BY code)
    SELECT string_agg(depth || ':' || code, ' ' ORDER BY depth, code) FROM m
$$;
CREATE FUNCTION ormar_walk(start text, relation text, max_depth integer) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(depth || ':' || (node ->> 'code'), ' ' ORDER BY n)
      FROM ormar.traverse('unit', start, relation, max_depth) WITH ORDINALITY AS t(depth, node, n)
$$;

SELECT ok((SELECT count(*) FROM ormar.traverse('unit', 'u0', 'subunits')) > 100,
          'the tree from the root reaches many units');
SELECT is(ormar_walk('u0', 'subunits', NULL), tree_walk('u0', NULL),
          'a foreign-key tree: breadth first, each level in key order');
SELECT is(ormar_walk('u0', 'subunits', 2), tree_walk('u0', 2), 'max_depth stops the walk');
SELECT is(ormar_walk('u0', 'subunits', NULL), tree_walk('u0', NULL),
          'a second call through the kept plans gives the same');
SELECT is(ormar_walk('u7', 'links', NULL), graph_walk('u7'),
          'a many-to-many graph with cycles: each unit once, at its smallest depth, in key order');
SELECT is(ormar_walk('u7', 'linked_from', NULL),
          (WITH RECURSIVE w(code, depth) AS (
               SELECT 'u7'::text, 0
             UNION
               SELECT e.source, w.depth + 1 FROM w JOIN link_edges e ON e.target = w.code
                WHERE w.depth < 300),
           m AS (SELECT code, min(depth) AS depth FROM w GROUP BY code)
           SELECT string_agg(depth || ':' || code, ' ' ORDER BY depth, code) FROM m),
          'the reverse direction of the many-to-many');
SELECT is((SELECT string_agg(depth || ':' || (node ->> 'code'), ' ')
             FROM ormar.traverse('unit', 'u150', 'parent')),
          (WITH RECURSIVE w(code, depth) AS (
               SELECT 'u150'::text, 0
             UNION ALL
               SELECT u.parent, w.depth + 1 FROM w JOIN unit u ON u.code = w.code
                WHERE u.parent IS NOT NULL AND w.depth < 300)
           SELECT string_agg(depth || ':' || code, ' ' ORDER BY depth) FROM
             (SELECT code, min(depth) AS depth FROM w GROUP BY code) m),
          'the forward key: the chain of parents up to the root');
SELECT is((SELECT array_agg(node ORDER BY node ->> 'code') FROM ormar.traverse('unit', 'u0', 'subunits')),
          (SELECT array_agg(to_jsonb(u) ORDER BY u.code) FROM unit u
            WHERE u.code IN (SELECT node ->> 'code' FROM ormar.traverse('unit', 'u0', 'subunits'))),
          'every node is to_jsonb of its row');

SELECT * FROM finish();
ROLLBACK;
