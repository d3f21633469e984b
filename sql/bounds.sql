-- Bounds of eager-loading inputs (DESIGN §8, README "Limits"): include paths
-- per call, segments and bytes per path, relations per include tree, keys
-- per fetch_many; 54000 beyond them, checked before any work, so an
-- oversized input costs no more than reading it.  The limits themselves
-- work.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-- a 4-row self-referencing table: employee.boss -> employee, reverse "reports"
SELECT ormar.define_model('employee', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"},
    "boss": {"type": "ForeignKey", "to": "employee", "related_name": "reports"}
}$$);
INSERT INTO employee (id, name, boss) VALUES (1, 'a', NULL), (2, 'b', 1), (3, 'c', 2), (4, 'd', 3);

-- A path of 16 segments (the limit) works: boss of boss of ... is null past
-- the top.
SELECT ormar.fetch('employee', 4, ARRAY[array_to_string(array_fill('boss'::text, ARRAY[3]), '__')]);
SELECT ormar.fetch('employee', 4, ARRAY[array_to_string(array_fill('boss'::text, ARRAY[16]), '__')])
       #> '{boss,boss,boss}' AS top_of_16;
SELECT jsonb_path_query(ormar.fetch('employee', 1,
           ARRAY[array_to_string(array_fill('reports'::text, ARRAY[16]), '__')]),
       '$.reports[0].reports[0].reports[0]') AS three_down;
-- 17 segments: 54000
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee',
    ARRAY[array_to_string(array_fill('boss'::text, ARRAY[17]), '__')]));
-- 1,000 and 20,000 segments on the 4-row table: 54000 at once (they used to
-- take seconds, and exhaust memory)
SELECT clock_timestamp() AS t0 \gset
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee',
    ARRAY[array_to_string(array_fill('boss'::text, ARRAY[1000]), '__')]));
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee',
    ARRAY[array_to_string(array_fill('boss'::text, ARRAY[20000]), '__')]));
SELECT try_sql(format('SELECT * FROM ormar.fetch_many(%L, ARRAY[4], %L)', 'employee',
    ARRAY[array_to_string(array_fill('boss'::text, ARRAY[20000]), '__')]));
SELECT clock_timestamp() - :'t0'::timestamptz < interval '2 seconds' AS fast;
-- a path longer than 4,096 bytes
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee', ARRAY[repeat('b', 4097)]));
-- an empty segment
SELECT try_sql($$SELECT ormar.fetch('employee', 4, '{boss____boss}')$$);

-- 64 paths (the limit) work, 65 do not
SELECT ormar.fetch('employee', 4, array_fill('boss'::text, ARRAY[64])) -> 'boss' ->> 'name' AS boss;
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee', array_fill('boss'::text, ARRAY[65])));
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L)', 'employee', array_fill('boss'::text, ARRAY[1000000])));

-- at most 64 relations in one include tree: 4 paths of 16 segments that
-- part after the first, second, third segment give 16 + 15 + 14 + 14 = 59
-- relations; one more such path, 72
CREATE FUNCTION tree_paths(n int) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(array_to_string(
               array_fill('boss'::text, ARRAY[i]) || array_fill('reports'::text, ARRAY[16 - i]), '__'))
      FROM generate_series(0, n - 1) i
$$;
SELECT jsonb_typeof(ormar.fetch('employee', 2, tree_paths(4))) AS four_paths;
SELECT try_sql(format('SELECT ormar.fetch(%L, 2, %L)', 'employee', tree_paths(5)));

-- keys of fetch_many: 100,000 (the limit) work, 100,001 do not
SELECT count(*) FROM ormar.fetch_many('employee', ARRAY(SELECT g % 4 + 1 FROM generate_series(1, 100000) g));
SELECT try_sql($$SELECT * FROM ormar.fetch_many('employee', ARRAY(SELECT g FROM generate_series(1, 100001) g))$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('employee', ARRAY(SELECT g::text FROM generate_series(1, 100001) g))$$);

-- options are bounded too: at most 64 include paths, 64 entries per list
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L, %L)', 'employee', '{boss}',
    (SELECT jsonb_object_agg('p' || g, '{}'::jsonb) FROM generate_series(1, 65) g)));
SELECT try_sql(format('SELECT ormar.fetch(%L, 4, %L, %L)', 'employee', '{reports}',
    jsonb_build_object('reports', jsonb_build_object('order_by',
        (SELECT jsonb_agg('id'::text) FROM generate_series(1, 65) g)))));

DROP EXTENSION ormar_pg CASCADE;
DROP TABLE employee CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP FUNCTION tree_paths(int);
