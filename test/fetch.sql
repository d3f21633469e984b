-- pgTAP: ormar.fetch and ormar.fetch_many (DESIGN §5): signatures, the exact
-- jsonb of each shape, the order of fetch_many, errors with their SQLSTATEs,
-- one SQL statement per call, and cached metadata following a rename and a
-- drop.  Runs in its own fresh database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(49);

-------------------------------------------------------------------------------
-- Models: department 1-n course, course n-n student (plain through table),
-- post n-n category (through table with extra columns), employee.supervisor
-- (self FK), passport.person (one_to_one), course.mentor (pending).
-------------------------------------------------------------------------------
SET LOCAL client_min_messages = warning;    -- the NOTICE of the pending relation
DO $do$
BEGIN
    PERFORM ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
                                              "name": {"type": "String", "max_length": 100}}');
    PERFORM ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "String", "max_length": 100}}');
    PERFORM ormar.foreign_key('course', 'department', related_name => 'courses');
    PERFORM ormar.define_model('student', '{"id": {"type": "Integer", "primary_key": true},
                                           "name": {"type": "Text"}}');
    PERFORM ormar.many_to_many('course', 'students', 'student');
    PERFORM ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                        "title": {"type": "Text"}}');
    PERFORM ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                            "name": {"type": "Text"}}');
    PERFORM ormar.many_to_many('post', 'categories', 'category',
                              through_fields => '{"sort_order": {"type": "Integer"}}');
    PERFORM ormar.define_model('employee', '{"id": {"type": "Integer", "primary_key": true},
                                            "name": {"type": "Text"}}');
    PERFORM ormar.foreign_key('employee', 'supervisor', 'employee', related_name => 'employees');
    PERFORM ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "Text"}}');
    PERFORM ormar.define_model('passport', '{"id": {"type": "Integer", "primary_key": true},
                                            "number": {"type": "Text"}}');
    PERFORM ormar.foreign_key('passport', 'person', related_name => 'passport', one_to_one => true);
    PERFORM ormar.foreign_key('course', 'mentor', 'lecturer');
END
$do$;
RESET client_min_messages;
CREATE TABLE plain (id integer PRIMARY KEY);

INSERT INTO department (id, name) VALUES (1, 'Science'), (2, 'Humanities'), (3, 'Empty');
INSERT INTO course (id, name, department) VALUES
    (1, 'Math', 1), (2, 'Physics', 1), (3, 'History', 2), (4, 'Latin', NULL);
INSERT INTO student (id, name) VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO courses_students (course, student) VALUES (1, 2), (1, 1), (3, 2);
INSERT INTO post (id, title) VALUES (1, 'Hello');
INSERT INTO category (id, name) VALUES (1, 'News'), (2, 'Tech');
INSERT INTO posts_categories (post, category, sort_order) VALUES (1, 2, 1), (1, 1, 2);
INSERT INTO employee (id, name, supervisor) VALUES (1, 'Boss', NULL), (2, 'Mid', 1), (3, 'Low', 2);
INSERT INTO person (id, name) VALUES (1, 'Pat'), (2, 'Quinn');
INSERT INTO passport (id, number, person) VALUES (10, 'X-1', 1);
UPDATE course SET name = name WHERE id = 1;     -- key order is not heap order

-- how many SQL statements ormar_pg's functions run for STMT
CREATE FUNCTION pg_temp.statements_of(stmt text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    before bigint := ormar._statements();
BEGIN
    EXECUTE stmt;
    RETURN ormar._statements() - before;
END
$$;

-------------------------------------------------------------------------------
-- Signatures
-------------------------------------------------------------------------------
SELECT has_function('ormar', 'fetch', ARRAY['regclass', '"any"', 'text[]', 'jsonb'],
                    'ormar.fetch(regclass, "any", text[], jsonb)');
SELECT function_returns('ormar', 'fetch', ARRAY['regclass', '"any"', 'text[]', 'jsonb'], 'jsonb',
                        'fetch returns jsonb');
SELECT has_function('ormar', 'fetch_many', ARRAY['regclass', 'anyarray', 'text[]', 'jsonb'],
                    'ormar.fetch_many(regclass, anyarray, text[], jsonb)');
SELECT function_returns('ormar', 'fetch_many', ARRAY['regclass', 'anyarray', 'text[]', 'jsonb'], 'setof jsonb',
                        'fetch_many returns setof jsonb');
SELECT is(pg_get_function_arguments('ormar.fetch(regclass, "any", text[], jsonb)'::regprocedure),
          'model regclass, pk "any", include text[] DEFAULT ''{}''::text[], options jsonb DEFAULT NULL::jsonb',
          'fetch: argument names and the defaults of include and options');
SELECT is(pg_get_function_arguments('ormar.fetch_many(regclass, anyarray, text[], jsonb)'::regprocedure),
          'model regclass, pks anyarray, include text[] DEFAULT ''{}''::text[], options jsonb DEFAULT NULL::jsonb',
          'fetch_many: argument names and the defaults of include and options');

-------------------------------------------------------------------------------
-- Shapes
-------------------------------------------------------------------------------
SELECT is(ormar.fetch('course', 1),
          '{"id": 1, "name": "Math", "department": 1}'::jsonb,
          'no include: to_jsonb of the row');
SELECT is(ormar.fetch('course', 1), (SELECT to_jsonb(c) FROM course c WHERE id = 1),
          'no include: exactly to_jsonb of the row');
SELECT is(ormar.fetch('course', 2, '{department}'),
          '{"id": 2, "name": "Physics", "department": {"id": 1, "name": "Science"}}'::jsonb,
          'to-one relation: an object replacing the key column of the same name');
SELECT is(ormar.fetch('course', 4, '{department}'),
          '{"id": 4, "name": "Latin", "department": null}'::jsonb,
          'to-one relation with a NULL key: null');
SELECT is(ormar.fetch('department', 1, '{courses}'),
          '{"id": 1, "name": "Science", "courses": [{"id": 1, "name": "Math", "department": 1},
                                                    {"id": 2, "name": "Physics", "department": 1}]}'::jsonb,
          'to-many relation: an array in key order');
SELECT is(ormar.fetch('department', 3, '{courses}'),
          '{"id": 3, "name": "Empty", "courses": []}'::jsonb,
          'to-many relation without rows: []');
SELECT is(ormar.fetch('person', 1, '{passport}'),
          '{"id": 1, "name": "Pat", "passport": {"id": 10, "number": "X-1", "person": 1}}'::jsonb,
          'one_to_one reverse side: an object');
SELECT is(ormar.fetch('person', 2, '{passport}'),
          '{"id": 2, "name": "Quinn", "passport": null}'::jsonb,
          'one_to_one reverse side without a row: null');
SELECT is(ormar.fetch('course', 1, '{students}'),
          '{"id": 1, "name": "Math", "department": 1,
            "students": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]}'::jsonb,
          'many-to-many without extra through columns: no "through" key');
SELECT is(ormar.fetch('post', 1, '{categories}'),
          '{"id": 1, "title": "Hello", "categories": [
               {"id": 1, "name": "News", "through": {"sort_order": 2}},
               {"id": 2, "name": "Tech", "through": {"sort_order": 1}}]}'::jsonb,
          'many-to-many with extra through columns: a "through" object');
SELECT is(ormar.fetch('category', 2, '{posts}'),
          '{"id": 2, "name": "Tech", "posts": [{"id": 1, "title": "Hello", "through": {"sort_order": 1}}]}'::jsonb,
          'many-to-many reverse side: "through" as well');
SELECT is(ormar.fetch('department', 2, '{courses__students}'),
          '{"id": 2, "name": "Humanities", "courses": [
               {"id": 3, "name": "History", "department": 2, "students": [{"id": 2, "name": "Bob"}]}]}'::jsonb,
          'nested path courses__students');
SELECT is(ormar.fetch('employee', 3, '{supervisor__supervisor}'),
          '{"id": 3, "name": "Low", "supervisor": {"id": 2, "name": "Mid",
               "supervisor": {"id": 1, "name": "Boss", "supervisor": null}}}'::jsonb,
          'self foreign key nested: supervisor__supervisor');
SELECT is(ormar.fetch('employee', 1, '{employees__employees}'),
          '{"id": 1, "name": "Boss", "supervisor": null, "employees": [
               {"id": 2, "name": "Mid", "supervisor": 1, "employees": [
                   {"id": 3, "name": "Low", "supervisor": 2}]}]}'::jsonb,
          'self reverse relation nested: employees__employees');
SELECT is(ormar.fetch('course', 3, '{department__courses, students__courses}'),
          '{"id": 3, "name": "History",
            "department": {"id": 2, "name": "Humanities", "courses": [{"id": 3, "name": "History", "department": 2}]},
            "students": [{"id": 2, "name": "Bob", "courses": [{"id": 1, "name": "Math", "department": 1},
                                                               {"id": 3, "name": "History", "department": 2}]}]}'::jsonb,
          'forward, reverse and many-to-many paths in one call');
SELECT is(ormar.fetch('department', 1, '{courses, courses__students}'),
          ormar.fetch('department', 1, '{courses__students}'),
          'paths sharing a prefix give one key');
SELECT is(ormar.fetch('department', 999, '{courses}'), NULL::jsonb,
          'fetch of a missing key: NULL');
SELECT is(ormar.fetch('department', '2'::text, '{courses}'), ormar.fetch('department', 2, '{courses}'),
          'fetch with a text key');

-------------------------------------------------------------------------------
-- fetch_many
-------------------------------------------------------------------------------
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.fetch_many('department', ARRAY[3, 1, 2])
                           WITH ORDINALITY t(r, o) ORDER BY o$$,
                  $$VALUES (3), (1), (2)$$,
                  'fetch_many keeps the order of the keys given');
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.fetch_many('department', ARRAY[2, 999, 1])
                           WITH ORDINALITY t(r, o) ORDER BY o$$,
                  $$VALUES (2), (1)$$,
                  'fetch_many skips missing keys');
SELECT throws_ok($$SELECT * FROM ormar.fetch_many('department', ARRAY[2, 999, NULL, 1])$$, '22004', NULL,
                 'fetch_many refuses a NULL element: 22004');
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.fetch_many('department', ARRAY['3', '1'])
                           WITH ORDINALITY t(r, o) ORDER BY o$$,
                  $$VALUES (3), (1)$$,
                  'fetch_many accepts a text array');
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.fetch_many('department', ARRAY[2, 3]::bigint[])
                           WITH ORDINALITY t(r, o) ORDER BY o$$,
                  $$VALUES (2), (3)$$,
                  'fetch_many accepts a bigint array');
SELECT results_eq($$SELECT r FROM ormar.fetch_many('department', ARRAY[2, 1], '{courses__students}')
                           WITH ORDINALITY t(r, o) ORDER BY o$$,
                  $$VALUES (ormar.fetch('department', 2, '{courses__students}')),
                           (ormar.fetch('department', 1, '{courses__students}'))$$,
                  'each row of fetch_many is fetch of its key');
SELECT is((SELECT count(*) FROM ormar.fetch_many('department', ARRAY[]::int[])), 0::bigint,
          'fetch_many of no keys: no rows');

-------------------------------------------------------------------------------
-- Errors
-------------------------------------------------------------------------------
SELECT throws_ok($$SELECT ormar.fetch('department', 1, '{teachers}')$$,
                 '42704', 'model "department" has no relation "teachers"',
                 'unknown relation at the first position: 42704 naming it');
SELECT throws_ok($$SELECT ormar.fetch('department', 1, '{courses__teachers}')$$,
                 '42704', 'model "course" has no relation "teachers"',
                 'unknown relation at a nested position: 42704 naming it');
SELECT throws_ok($$SELECT * FROM ormar.fetch_many('department', ARRAY[1], '{courses__teachers}')$$,
                 '42704', 'model "course" has no relation "teachers"',
                 'fetch_many: unknown relation in a path: 42704');
SELECT throws_ok($$SELECT ormar.fetch('plain', 1)$$, '42704', NULL,
                 'a table that is not a model: 42704');
SELECT throws_ok($$SELECT ormar.fetch('course', 1, '{mentor}')$$, '55000', NULL,
                 'a pending relation in a path: 55000');
SELECT throws_ok($$SELECT ormar.fetch('department', 1, NULL)$$, '22004', NULL,
                 'NULL include: 22004');
SELECT throws_ok($$SELECT ormar.fetch(NULL, 1)$$, '22004', NULL,
                 'NULL model: 22004');
SELECT throws_ok($$SELECT ormar.fetch('department', NULL::int)$$, '22004', NULL,
                 'NULL pk: 22004');
SELECT throws_ok($$SELECT * FROM ormar.fetch_many('department', NULL::int[])$$, '22004', NULL,
                 'NULL pks: 22004');
SELECT throws_ok($$SELECT * FROM ormar.fetch_many('department', ARRAY['11111111-1111-1111-1111-111111111111']::uuid[])$$,
                 '42804', NULL, 'fetch_many with a uuid[] for an integer key: 42804');
SELECT throws_ok($$SELECT ormar.fetch('department', '11111111-1111-1111-1111-111111111111'::uuid)$$,
                 '42804', NULL, 'fetch with a uuid for an integer key: 42804');

-------------------------------------------------------------------------------
-- One statement per call, once the metadata is cached
-------------------------------------------------------------------------------
INSERT INTO department (id, name) SELECT g, 'Dept ' || g FROM generate_series(1001, 2000) g;
INSERT INTO course (id, name, department) SELECT g, 'Course ' || g, g FROM generate_series(1001, 2000) g;
SELECT pg_temp.statements_of($$SELECT count(*) FROM ormar.fetch_many('department', ARRAY[1], '{courses}')$$)
    AS warm_up \gset
SELECT is(pg_temp.statements_of($$SELECT count(*) FROM ormar.fetch_many('department',
                                      ARRAY(SELECT generate_series(1001, 2000)), '{courses}')$$),
          1::bigint, 'fetch_many of 1,000 keys with courses: one statement');
SELECT is((SELECT count(*) FROM ormar.fetch_many('department', ARRAY(SELECT generate_series(1001, 2000)),
                                                 '{courses}') r
            WHERE jsonb_array_length(r -> 'courses') = 1),
          1000::bigint, 'fetch_many of 1,000 keys: 1,000 rows, each with its course');
SELECT is(pg_temp.statements_of($$SELECT ormar.fetch('department', 1500, '{courses}')$$),
          1::bigint, 'fetch: one statement');
SELECT pg_temp.statements_of($$SELECT count(*) FROM ormar.related('department', 1, 'courses')$$)
    AS warm_up \gset
SELECT is(pg_temp.statements_of($$SELECT count(*) FROM ormar.related('department', 1500, 'courses')$$),
          1::bigint, 'related: one statement');

-------------------------------------------------------------------------------
-- Cached metadata follows a rename and a drop_relation
-------------------------------------------------------------------------------
ALTER TABLE course RENAME COLUMN name TO title;
SELECT is(ormar.fetch('department', 2, '{courses}'),
          '{"id": 2, "name": "Humanities", "courses": [{"id": 3, "title": "History", "department": 2}]}'::jsonb,
          'after a column rename fetch shows the new name');
SELECT lives_ok($$SELECT ormar.drop_relation('course', 'department')$$, 'drop_relation course.department');
SELECT throws_ok($$SELECT ormar.fetch('department', 2, '{courses}')$$,
                 '42704', 'model "department" has no relation "courses"',
                 'after drop_relation the relation is unknown: 42704');

SELECT * FROM finish();
ROLLBACK;
