-- pgTAP: the structural contract of ormar_pg (DESIGN §2-§7) and the ormar
-- Department / Course example.  Runs in its own fresh database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(94);

-------------------------------------------------------------------------------
-- §2 install: schema, catalog tables, introspection views
-------------------------------------------------------------------------------
SELECT has_schema('ormar', 'CREATE EXTENSION creates schema ormar');
SELECT has_table('ormar', 'model', 'catalog table ormar.model exists');
SELECT has_table('ormar', 'relation', 'catalog table ormar.relation exists');
SELECT has_view('ormar', 'models', 'view ormar.models exists');
SELECT has_view('ormar', 'relations', 'view ormar.relations exists');

SELECT results_eq(
    $$SELECT column_name::text COLLATE "default", data_type::text COLLATE "default"
        FROM information_schema.columns
       WHERE table_schema = 'ormar' AND table_name = 'models' ORDER BY ordinal_position$$,
    $$VALUES ('model', 'regclass'), ('schema', 'name'), ('name', 'text'),
             ('pk_column', 'name'), ('pk_type', 'regtype')$$,
    'ormar.models has the columns of DESIGN §6, in order, with their types');

SELECT results_eq(
    $$SELECT column_name::text COLLATE "default", data_type::text COLLATE "default"
        FROM information_schema.columns
       WHERE table_schema = 'ormar' AND table_name = 'relations' ORDER BY ordinal_position$$,
    $$VALUES ('model', 'regclass'), ('name', 'text'), ('direction', 'text'), ('kind', 'text'),
             ('target', 'regclass'), ('target_name', 'text'), ('related_name', 'text'),
             ('column_name', 'name'), ('through', 'regclass'), ('through_column', 'name'),
             ('through_reverse_column', 'name'), ('nullable', 'boolean'),
             ('one_to_one', 'boolean'), ('ondelete', 'text'), ('onupdate', 'text'),
             ('status', 'text'), ('accessor', 'regprocedure'), ('lookup_view', 'regclass')$$,
    'ormar.relations has the columns of DESIGN §6, in order, with their types');

-------------------------------------------------------------------------------
-- §3-§5 functions: exact signatures and return types
-------------------------------------------------------------------------------
SELECT has_function('ormar', 'define_model', ARRAY['text', 'json', 'name'],
                    'ormar.define_model(text, json, name)');
SELECT function_returns('ormar', 'define_model', ARRAY['text', 'json', 'name'], 'regclass',
                        'define_model returns regclass');
SELECT has_function('ormar', 'define_models', ARRAY['json'], 'ormar.define_models(json)');
SELECT function_returns('ormar', 'define_models', ARRAY['json'], 'setof regclass',
                        'define_models returns setof regclass');
SELECT has_function('ormar', 'register_model', ARRAY['regclass'], 'ormar.register_model(regclass)');
SELECT function_returns('ormar', 'register_model', ARRAY['regclass'], 'regclass',
                        'register_model returns regclass');
SELECT has_function('ormar', 'drop_model', ARRAY['regclass', 'boolean'],
                    'ormar.drop_model(regclass, boolean)');
SELECT function_returns('ormar', 'drop_model', ARRAY['regclass', 'boolean'], 'void',
                        'drop_model returns void');
SELECT has_function('ormar', 'describe', ARRAY['regclass'], 'ormar.describe(regclass)');
SELECT function_returns('ormar', 'describe', ARRAY['regclass'], 'json',
                        'describe returns json');
SELECT has_function('ormar', 'foreign_key',
    ARRAY['regclass', 'text', 'text', 'text', 'boolean', 'boolean', 'text', 'text', 'text', 'boolean'],
    'ormar.foreign_key(regclass, text, text, text, boolean, boolean, text, text, text, boolean)');
SELECT function_returns('ormar', 'foreign_key',
    ARRAY['regclass', 'text', 'text', 'text', 'boolean', 'boolean', 'text', 'text', 'text', 'boolean'],
    'void', 'foreign_key returns void');
SELECT has_function('ormar', 'many_to_many',
    ARRAY['regclass', 'text', 'text', 'text', 'text', 'text', 'text', 'json', 'boolean'],
    'ormar.many_to_many(regclass, text, text, text, text, text, text, json, boolean)');
SELECT function_returns('ormar', 'many_to_many',
    ARRAY['regclass', 'text', 'text', 'text', 'text', 'text', 'text', 'json', 'boolean'],
    'void', 'many_to_many returns void');
SELECT has_function('ormar', 'drop_relation', ARRAY['regclass', 'text', 'boolean'],
                    'ormar.drop_relation(regclass, text, boolean)');
SELECT function_returns('ormar', 'drop_relation', ARRAY['regclass', 'text', 'boolean'], 'void',
                        'drop_relation returns void');
SELECT has_function('ormar', 'update_forward_refs', ARRAY['regclass'],
                    'ormar.update_forward_refs(regclass)');
SELECT function_returns('ormar', 'update_forward_refs', ARRAY['regclass'], 'integer',
                        'update_forward_refs returns integer');
SELECT has_function('ormar', 'related', ARRAY['regclass', '"any"', 'text', 'jsonb'],
                    'ormar.related(regclass, "any", text, jsonb)');
SELECT function_returns('ormar', 'related', ARRAY['regclass', '"any"', 'text', 'jsonb'], 'setof jsonb',
                        'related returns setof jsonb');
SELECT has_function('ormar', 'add', ARRAY['regclass', '"any"', 'text', '"any"', 'jsonb'],
                    'ormar.add(regclass, "any", text, "any", jsonb)');
SELECT function_returns('ormar', 'add', ARRAY['regclass', '"any"', 'text', '"any"', 'jsonb'],
                        'boolean', 'add returns boolean');
SELECT has_function('ormar', 'remove', ARRAY['regclass', '"any"', 'text', '"any"', 'boolean'],
                    'ormar.remove(regclass, "any", text, "any", boolean)');
SELECT function_returns('ormar', 'remove', ARRAY['regclass', '"any"', 'text', '"any"', 'boolean'],
                        'boolean', 'remove returns boolean');
SELECT has_function('ormar', 'clear', ARRAY['regclass', '"any"', 'text', 'boolean'],
                    'ormar.clear(regclass, "any", text, boolean)');
SELECT function_returns('ormar', 'clear', ARRAY['regclass', '"any"', 'text', 'boolean'],
                        'bigint', 'clear returns bigint');
SELECT has_function('ormar', 'create_related', ARRAY['regclass', '"any"', 'text', 'jsonb', 'jsonb'],
                    'ormar.create_related(regclass, "any", text, jsonb, jsonb)');
SELECT function_returns('ormar', 'create_related', ARRAY['regclass', '"any"', 'text', 'jsonb', 'jsonb'],
                        'jsonb', 'create_related returns jsonb');
SELECT has_function('ormar', 'update_through', ARRAY['regclass', '"any"', 'text', '"any"', 'jsonb'],
                    'ormar.update_through(regclass, "any", text, "any", jsonb)');
SELECT function_returns('ormar', 'update_through', ARRAY['regclass', '"any"', 'text', '"any"', 'jsonb'],
                        'boolean', 'update_through returns boolean');
SELECT has_function('ormar', 'traverse', ARRAY['regclass', '"any"', 'text', 'integer'],
                    'ormar.traverse(regclass, "any", text, integer)');
SELECT function_returns('ormar', 'traverse', ARRAY['regclass', '"any"', 'text', 'integer'],
                        'setof record', 'traverse returns a table (setof record)');

-- the documented defaults, as \df shows them (the "any" signatures; their
-- text-key overloads for bound parameters are checked by sql/bound_params.sql)
SELECT results_eq(
    $$SELECT p.proname::text COLLATE "default", pg_get_function_arguments(p.oid)
        FROM pg_proc p WHERE p.pronamespace = 'ormar'::regnamespace
         AND p.proname IN ('define_model', 'drop_model', 'foreign_key', 'remove', 'clear')
         AND NOT (p.proname IN ('remove', 'clear') AND p.proargtypes[1] = 'text'::regtype)
         AND NOT (p.proname = 'remove' AND p.proargtypes[3] = 'text'::regtype)
       ORDER BY p.proname$$,
    $$VALUES ('clear', 'model regclass, pk "any", relation text, keep_reversed boolean DEFAULT true'),
             ('define_model', 'name text, fields json, schema name DEFAULT NULL::name'),
             ('drop_model', 'model regclass, cascade boolean DEFAULT false'),
             ('foreign_key', 'model regclass, name text, target text DEFAULT NULL::text, '
                             'related_name text DEFAULT NULL::text, nullable boolean DEFAULT true, '
                             'one_to_one boolean DEFAULT false, ondelete text DEFAULT NULL::text, '
                             'onupdate text DEFAULT NULL::text, column_name text DEFAULT NULL::text, '
                             'skip_reverse boolean DEFAULT false'),
             ('remove', 'model regclass, pk "any", relation text, target_pk "any", keep_reversed boolean DEFAULT true')$$,
    'argument names and defaults are those of DESIGN §3-§5');

-- the catalog is readable by everyone (DESIGN §8): usage of the schema and
-- SELECT on the catalog and its views for PUBLIC, no DML
SELECT ok(has_schema_privilege('public', 'ormar', 'USAGE'),
          'PUBLIC has USAGE on schema ormar');
SELECT results_eq(
    $$SELECT c.relname::text COLLATE "default",
             has_table_privilege('public', c.oid, 'SELECT'),
             has_table_privilege('public', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
        FROM pg_class c WHERE c.relnamespace = 'ormar'::regnamespace
         AND c.relname IN ('model', 'relation', 'models', 'relations')
       ORDER BY c.relname$$,
    $$VALUES ('model', true, false), ('models', true, false),
             ('relation', true, false), ('relations', true, false)$$,
    'PUBLIC may SELECT the catalog tables and views, and not change them');

-- every function is SECURITY INVOKER (DESIGN §8)
SELECT is_empty(
    $$SELECT p.proname FROM pg_proc p
       WHERE p.pronamespace = 'ormar'::regnamespace AND p.prosecdef$$,
    'no ormar function is SECURITY DEFINER');

-------------------------------------------------------------------------------
-- The ormar example: Department / Course with course.department -> department
-------------------------------------------------------------------------------
SELECT is(ormar.define_model('department', $${
              "id":   {"type": "Integer", "primary_key": true},
              "name": {"type": "String", "max_length": 100}
          }$$)::text, 'department', 'define_model returns the new table');
SELECT is(ormar.define_model('course', $${
              "id":        {"type": "Integer", "primary_key": true},
              "name":      {"type": "String", "max_length": 100},
              "completed": {"type": "Boolean", "default": false}
          }$$)::text, 'course', 'define_model returns the new table');
SELECT lives_ok($$SELECT ormar.foreign_key('course', 'department')$$,
                'ormar.foreign_key(''course'', ''department'') succeeds');

SELECT has_table('public', 'department', 'table department exists');
SELECT has_table('public', 'course', 'table course exists');
SELECT columns_are('public', 'course', ARRAY['id', 'name', 'completed', 'department'],
                   'course has its fields and the foreign key column');
SELECT col_is_pk('public', 'course', 'id', 'course.id is the primary key');
SELECT col_type_is('public', 'course', 'name', 'character varying(100)',
                   'String(max_length=100) is varchar(100)');
SELECT col_default_is('public', 'course', 'completed', 'false', 'completed defaults to false');
SELECT col_type_is('public', 'course', 'department', 'integer',
                   'course.department is typed as department''s primary key');
SELECT col_is_null('public', 'course', 'department', 'course.department is nullable by default');
SELECT fk_ok('course', 'department', 'department', 'id',
             'course.department references department.id');
SELECT has_index('public', 'course', 'course_department_idx', ARRAY['department'],
                 'the foreign key column is indexed as course_department_idx');
SELECT is((SELECT conname::text FROM pg_constraint
            WHERE conrelid = 'course'::regclass AND contype = 'f'),
          'fk_course_department_id_department',
          'constraint is named fk_<table>_<target table>_<target pk>_<name>');
SELECT function_returns('public', 'courses', ARRAY['department'], 'setof course',
                        'reverse accessor courses(department) returns setof course');
SELECT function_returns('public', 'department', ARRAY['course'], 'department',
                        'forward accessor department(course) returns department');
SELECT isnt_definer('public', 'courses', ARRAY['department'], 'courses(department) is SECURITY INVOKER');
SELECT has_view('public', 'department__courses', 'reverse-lookup view department__courses exists');
SELECT columns_are('public', 'department__courses',
                   ARRAY['source_pk', 'id', 'name', 'completed', 'department'],
                   'the view has source_pk, then every column of course');
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'department__courses'::regclass),
          ARRAY['security_invoker=true'], 'the view is security_invoker');

SELECT results_eq(
    $$SELECT model::text, schema::text COLLATE "default", name COLLATE "default", pk_column::text COLLATE "default",
             pk_type::text
        FROM ormar.models ORDER BY name$$,
    $$VALUES ('course', 'public', 'course', 'id', 'integer'),
             ('department', 'public', 'department', 'id', 'integer')$$,
    'ormar.models lists both models with their keys');
SELECT results_eq(
    $$SELECT model::text, name, direction, kind, target::text,
             target_name COLLATE "default", related_name,
             column_name::text COLLATE "default", nullable, one_to_one, status, accessor::text, lookup_view::text
        FROM ormar.relations ORDER BY model::text, name$$,
    $$VALUES ('course', 'department', 'forward', 'foreign_key', 'department', 'department',
              'courses', 'department', true, false, 'resolved', 'department(course)', NULL),
             ('department', 'courses', 'reverse', 'foreign_key', 'course', 'course',
              'department', 'department', true, false, 'resolved', 'courses(department)',
              'department__courses')$$,
    'ormar.relations has one row per direction of the foreign key');

-------------------------------------------------------------------------------
-- Proxies on the example (DESIGN §5)
-------------------------------------------------------------------------------
INSERT INTO department (name) VALUES ('Science'), ('Humanities');
INSERT INTO course (name, department) VALUES ('Math', 1), ('Physics', 1), ('History', 2);

SELECT results_eq(
    $$SELECT * FROM ormar.related('department', 1, 'courses')$$,
    $$VALUES ('{"id": 1, "name": "Math", "completed": false, "department": 1}'::jsonb),
             ('{"id": 2, "name": "Physics", "completed": false, "department": 1}'::jsonb)$$,
    'related(department 1, courses): its courses, ordered by primary key');
SELECT results_eq(
    $$SELECT * FROM ormar.related('course', '3', 'department')$$,
    $$VALUES ('{"id": 2, "name": "Humanities"}'::jsonb)$$,
    'related(course ''3'', department): one object');
SELECT is_empty($$SELECT * FROM ormar.related('department', 99, 'courses')$$,
                'related of a missing key returns no rows');
SELECT results_eq(
    $$SELECT c.name::text FROM department d, LATERAL courses(d) c WHERE d.id = 1
       AND c.name LIKE 'P%'$$,
    $$VALUES ('Physics')$$,
    'the accessor filters like department.courses.filter(name__startswith="P")');

SELECT is(ormar.add('department', 2, 'courses', 1), true, 'add: moving course 1 to department 2 returns true');
SELECT is((SELECT department FROM course WHERE id = 1), 2, 'add set the course''s key');
SELECT is(ormar.add('department', 2, 'courses', 1), false, 'add again returns false');
SELECT is(ormar.add('course', 1, 'department', 1::bigint), true, 'add on the forward side sets the own key');
SELECT is(ormar.remove('department', 1, 'courses', 1), true, 'remove of a related course returns true');
SELECT is((SELECT department FROM course WHERE id = 1), NULL::integer,
          'remove keeps the course and sets its key NULL');
SELECT is(ormar.remove('department', 1, 'courses', 1), false, 'remove of an unrelated course returns false');
SELECT is(ormar.clear('department', 1, 'courses'), 1::bigint, 'clear returns how many were unlinked');
SELECT is((ormar.create_related('department', 2, 'courses', '{"name": "Latin"}'))->>'department', '2',
          'create_related returns the new course, linked');

-------------------------------------------------------------------------------
-- Errors and their SQLSTATEs (DESIGN §7)
-------------------------------------------------------------------------------
CREATE TABLE plain (id integer PRIMARY KEY);
CREATE TABLE two_key (a integer, b integer, PRIMARY KEY (a, b));

SELECT throws_ok($$SELECT * FROM ormar.related('plain', 1, 'courses')$$,
                 '42704', 'table "plain" is not a registered model',
                 'a table that is not a model: 42704');
SELECT throws_ok($$SELECT * FROM ormar.related('department', 1, 'students')$$,
                 '42704', 'model "department" has no relation "students"',
                 'an unknown relation: 42704');
SELECT throws_ok($$SELECT * FROM ormar.related('department', NULL::integer, 'courses')$$,
                 '22004', 'argument "pk" must not be null',
                 'a NULL key: 22004');
SELECT throws_ok($$SELECT ormar.foreign_key(NULL, 'department')$$, '22004', NULL,
                 'a NULL model: 22004');
SELECT throws_ok($$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true},
                                                      "x": {"type": "Nope"}}')$$,
                 '22023', NULL, 'an unknown field type: 22023');
SELECT throws_ok($$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true},
                                                      "x": {"type": "String"}}')$$,
                 '22023', NULL, 'a String without max_length: 22023');
SELECT throws_ok($$SELECT ormar.foreign_key('course', 'head', 'department', related_name => 'headed',
                                             ondelete => 'EXPLODE')$$,
                 '22023', NULL, 'a bad ondelete: 22023');
SELECT throws_ok($$SELECT * FROM ormar.related('department', 'abc', 'courses')$$,
                 '42804', 'pk does not match the primary key of model "department"',
                 'a key that is not an integer: 42804');
SELECT throws_ok($$SELECT * FROM ormar.related('department', 1.5, 'courses')$$,
                 '42804', NULL, 'a numeric key for an integer key: 42804');
SELECT throws_ok($$SELECT ormar.foreign_key('course', 'second_department', 'department')$$,
                 '42710', NULL,
                 'a second relation to department without related_name clashes with courses: 42710');
SELECT throws_ok($$SELECT ormar.foreign_key('course', 'completed', 'department',
                                             related_name => 'completed_courses',
                                             column_name => 'completed_department')$$,
                 '42710', NULL, 'a relation named like another column of the model: 42710');
SELECT throws_ok($$SELECT ormar.foreign_key('course', 'name', 'department', related_name => 'named')$$,
                 '42804', NULL,
                 'a foreign key column that exists with another type than the target key: 42804');
SELECT throws_ok($$SELECT ormar.register_model('two_key')$$,
                 '42P16', NULL, 'a table with a composite primary key: 42P16');
SELECT throws_ok($$SELECT ormar.add('department', 1, 'courses', 999)$$,
                 '23503', NULL, 'add of a course that does not exist: 23503');
SELECT lives_ok($$SELECT ormar.register_model('plain')$$,
                'register_model adopts a table with a single-column primary key');
SELECT results_eq($$SELECT pk_column::text COLLATE "default", pk_type::text FROM ormar.models WHERE model = 'plain'::regclass$$,
                  $$VALUES ('id', 'integer')$$, 'the adopted model is listed with its key');

SELECT * FROM finish();
ROLLBACK;
