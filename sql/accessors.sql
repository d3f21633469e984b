--
-- accessors: the generated accessor functions and lookup views of a foreign
-- key (DESIGN §4 "Rules for every generated object"): their definition,
-- schema, inlining, comments, survival of renames and column changes, and
-- immunity to search_path tricks.
--
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Helpers of this test.
-- plan_nodes: every node of the EXPLAIN (FORMAT JSON) plan of a query.
CREATE FUNCTION plan_nodes(query text)
RETURNS TABLE(node_type text, relation text, index_name text)
LANGUAGE plpgsql AS $f$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    RETURN QUERY
    WITH RECURSIVE n(node) AS (
        SELECT plan -> 0 -> 'Plan'
        UNION ALL
        SELECT c FROM n, json_array_elements(n.node -> 'Plans') c
    )
    SELECT node ->> 'Node Type', node ->> 'Relation Name', node ->> 'Index Name' FROM n;
END
$f$;

-- plan_facts: the facts about a plan this test asserts.
CREATE FUNCTION plan_facts(query text, tbl text, idx text)
RETURNS TABLE(inlined boolean, uses_index boolean, seq_scan_on_table boolean)
LANGUAGE sql AS $f$
    SELECT NOT bool_or(node_type = 'Function Scan'),
           bool_or(index_name = idx),
           bool_or(node_type = 'Seq Scan' AND relation = tbl)
      FROM plan_nodes(query)
$f$;

-- accessor_facts: what pg_proc says about a generated accessor.
CREATE FUNCTION accessor_facts(fn regprocedure)
RETURNS TABLE(accessor text, schema name, language name, volatile "char",
              strict boolean, security_definer boolean, config text[],
              retset boolean, returns text)
LANGUAGE sql STABLE AS $f$
    SELECT p.oid::regprocedure::text, n.nspname, l.lanname, p.provolatile,
           p.proisstrict, p.prosecdef, p.proconfig, p.proretset,
           p.prorettype::regtype::text
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
      JOIN pg_language l ON l.oid = p.prolang
     WHERE p.oid = fn
$f$;

-- view_columns: a view's columns in order.
CREATE FUNCTION view_columns(sch text, vname text)
RETURNS TABLE(ordinal_position integer, column_name text, data_type text)
LANGUAGE sql STABLE AS $f$
    SELECT c.ordinal_position::integer, c.column_name::text, c.data_type::text
      FROM information_schema.columns c
     WHERE c.table_schema = sch AND c.table_name = vname
     ORDER BY c.ordinal_position
$f$;

--
-- 1. models: department <- course, and building in a second schema
--
SELECT ormar.define_model('department',
    '{"id": {"type": "Integer", "primary_key": true},
      "name": {"type": "String", "max_length": 100}}');
SELECT ormar.define_model('course',
    '{"id": {"type": "Integer", "primary_key": true},
      "name": {"type": "String", "max_length": 100},
      "completed": {"type": "Boolean", "default": false},
      "department": {"type": "ForeignKey", "to": "department"}}');
CREATE SCHEMA campus;
SELECT ormar.define_model('building',
    '{"id": {"type": "Integer", "primary_key": true},
      "address": {"type": "Text"}}', schema => 'campus');
SELECT ormar.foreign_key('department', 'building', 'campus.building');

--
-- 2. accessor definitions in pg_proc: SQL, STABLE, not STRICT, SECURITY
--    INVOKER, no SET; SETOF only for the to-many side; created in the schema
--    of the model they start from
--
SELECT * FROM accessor_facts('department(course)');
SELECT * FROM accessor_facts('courses(department)');
SELECT * FROM accessor_facts('building(department)');
SELECT * FROM accessor_facts('campus.departments(campus.building)');
-- the reverse views too live in the schema of the model they start from
SELECT c.oid::regclass AS view, n.nspname AS schema
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v' AND c.relname IN ('department__courses', 'building__departments')
 ORDER BY c.oid::regclass::text;
SELECT model::text, name, accessor::text, lookup_view::text FROM ormar.relations
 ORDER BY model::text, name;

--
-- 3. data: 200 departments, 20,000 courses (100 each), one course without
--    a department
--
INSERT INTO campus.building VALUES (1, 'Main Street 1'), (2, 'Side Street 2');
INSERT INTO department SELECT i, 'dept ' || i, 1 + i % 2 FROM generate_series(1, 200) i;
INSERT INTO course SELECT i, 'course ' || i, i % 3 = 0, 1 + i % 200
  FROM generate_series(1, 20000) i;
INSERT INTO course VALUES (20001, 'orphan', false, NULL);
ANALYZE department, course, campus.building;

--
-- 4. to-one accessor: the target row, NULL when the key is NULL
--
SELECT c.id, department(c) FROM course c WHERE c.id IN (6, 200, 20001) ORDER BY c.id;
SELECT c.id, (department(c)).name, department(c) IS NULL AS is_null
  FROM course c WHERE c.id IN (6, 20001) ORDER BY c.id;
SELECT d.id, (building(d)).address FROM department d WHERE d.id IN (1, 2) ORDER BY d.id;
SELECT b.id, count(*) FROM campus.building b, LATERAL campus.departments(b) d
 GROUP BY b.id ORDER BY b.id;

--
-- 5. the to-many accessor is inlined: the caller's WHERE reaches the index
--    on course.department, no Seq Scan on course
--
EXPLAIN (COSTS OFF) SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = 7;
SELECT * FROM plan_facts(
    'SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = 7',
    'course', 'course_department_idx');
SELECT count(*), min(c.id), max(c.id), bool_and(c.department = 7) AS all_of_7
  FROM department d, LATERAL courses(d) c WHERE d.id = 7;

-- WHERE, ORDER BY and LIMIT on courses(d)
SELECT c.id, c.name, c.completed FROM department d, LATERAL courses(d) c
 WHERE d.id = 7 AND c.completed ORDER BY c.id DESC LIMIT 3;
SELECT inlined, seq_scan_on_table FROM plan_facts(
    'SELECT c.id FROM department d, LATERAL courses(d) c
      WHERE d.id = 7 AND c.completed ORDER BY c.id DESC LIMIT 3',
    'course', 'course_department_idx');
SELECT c.name FROM department d, LATERAL courses(d) c
 WHERE d.id = 7 ORDER BY c.name LIMIT 3;
SELECT * FROM plan_facts(
    'SELECT c.name FROM department d, LATERAL courses(d) c WHERE d.id = 7 ORDER BY c.name LIMIT 3',
    'course', 'course_department_idx');
SELECT d.id, count(*) FROM department d, LATERAL courses(d) c
 WHERE d.id BETWEEN 7 AND 9 AND c.id > 19000 GROUP BY d.id ORDER BY d.id;

--
-- 6. the lookup view: source_pk, then every column of course; security_invoker
--
SELECT * FROM view_columns('public', 'department__courses');
SELECT reloptions FROM pg_class WHERE oid = 'department__courses'::regclass;
SELECT reloptions FROM pg_class WHERE oid = 'campus.building__departments'::regclass;
SELECT source_pk, count(*), min(id), max(id) FROM department__courses
 WHERE source_pk IN (7, 8) GROUP BY source_pk ORDER BY source_pk;
SELECT count(*) AS orphan_in_view FROM department__courses WHERE id = 20001;
SELECT * FROM plan_facts('SELECT * FROM department__courses WHERE source_pk = 7',
                         'course', 'course_department_idx');

--
-- 7. every generated object carries a comment naming its relation
--
SELECT 'constraint' AS kind, conname::text AS object,
       obj_description(oid, 'pg_constraint') LIKE '%course.department%' AS mentions_relation
  FROM pg_constraint WHERE conrelid = 'course'::regclass AND contype = 'f'
UNION ALL
SELECT 'index', 'course_department_idx',
       obj_description('course_department_idx'::regclass, 'pg_class') LIKE '%course.department%'
UNION ALL
SELECT 'function', 'department(course)',
       obj_description('department(course)'::regprocedure, 'pg_proc') LIKE '%course.department%'
UNION ALL
SELECT 'function', 'courses(department)',
       obj_description('courses(department)'::regprocedure, 'pg_proc') LIKE '%course.department%'
UNION ALL
SELECT 'view', 'department__courses',
       obj_description('department__courses'::regclass, 'pg_class') LIKE '%course.department%'
ORDER BY 1, 2;
SELECT obj_description('campus.departments(campus.building)'::regprocedure, 'pg_proc')
       LIKE '%department.building%' AS mentions_relation,
       obj_description('campus.building__departments'::regclass, 'pg_class')
       LIKE '%department.building%' AS view_mentions_relation;

--
-- 8. search_path cannot redirect accessors or ormar.related: a schema with
--    its own course and department tables and an "=" for integers that fails
--
CREATE SCHEMA evil;
CREATE TABLE evil.department (id integer, name text);
CREATE TABLE evil.course (id integer, name text, completed boolean, department integer);
INSERT INTO evil.department VALUES (7, 'EVIL');
INSERT INTO evil.course VALUES (-1, 'EVIL', true, 7);
CREATE FUNCTION evil.int_eq(integer, integer) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN
    RAISE EXCEPTION 'evil = called';
END
$f$;
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int_eq);
-- (model arguments are regclass, resolved with the caller's search_path like
-- any regclass, so they are written schema-qualified here)
SET search_path = evil, public;
SELECT count(*), min(c.id), max(c.id) FROM public.department d, LATERAL courses(d) c WHERE d.id = 7;
SELECT (department(c)).name FROM public.course c WHERE c.id = 6;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('public.department', 7, 'courses') j;
SELECT ormar.related('public.course', 6, 'department');
-- evil's "=" ahead of pg_catalog's
SET search_path = evil, pg_catalog, public;
-- (evil's "=" is now really the one an unqualified "=" finds)
DO $$
BEGIN
    PERFORM 1 = 1;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unqualified = failed: SQLSTATE %: %', SQLSTATE, SQLERRM;
END
$$;
SELECT count(*), min(c.id), max(c.id) FROM public.department d, LATERAL courses(d) c
 WHERE d.id OPERATOR(pg_catalog.=) 7;
SELECT (department(c)).name FROM public.course c WHERE c.id OPERATOR(pg_catalog.=) 6;
SELECT count(*), min(id) FROM department__courses WHERE source_pk OPERATOR(pg_catalog.=) 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('public.department', 7, 'courses') j;
SELECT ormar.related('public.course', 6, 'department');
RESET search_path;
-- a temporary table named course does not redirect them either
CREATE TEMP TABLE course (id integer, name text, completed boolean, department integer);
INSERT INTO course VALUES (-2, 'TEMP', true, 7);
SELECT count(*) AS temp_rows FROM course;
SELECT count(*), min(c.id), max(c.id) FROM department d, LATERAL courses(d) c WHERE d.id = 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('public.department', 7, 'courses') j;
DROP TABLE pg_temp.course;

--
-- 9. renames: accessors, view and ormar.related keep returning the right
--    rows, ormar.relations follows the column names
--
-- 9a. the course table is renamed
ALTER TABLE course RENAME TO lecture;
SELECT * FROM accessor_facts('courses(department)');
SELECT * FROM accessor_facts('department(lecture)');
SELECT count(*), min(c.id), max(c.id) FROM department d, LATERAL courses(d) c WHERE d.id = 7;
SELECT (department(l)).name FROM lecture l WHERE l.id = 6;
SELECT count(*), min(id) FROM department__courses WHERE source_pk = 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('department', 7, 'courses') j;
SELECT model::text, name, direction, target::text, target_name, column_name, accessor::text
  FROM ormar.relations WHERE 'lecture'::regclass IN (model, target) ORDER BY model::text, name;

-- 9b. a non-key column of lecture is renamed
ALTER TABLE lecture RENAME COLUMN name TO title;
SELECT to_jsonb(c) FROM department d, LATERAL courses(d) c WHERE d.id = 7 ORDER BY c.id LIMIT 2;
SELECT * FROM view_columns('public', 'department__courses');
SELECT source_pk, id, title FROM department__courses WHERE source_pk = 7 ORDER BY id LIMIT 2;
SELECT j FROM ormar.related('department', 7, 'courses') j LIMIT 2;

-- 9c. the key column of department is renamed
ALTER TABLE department RENAME COLUMN id TO dept_id;
SELECT count(*), min(c.id), max(c.id) FROM department d, LATERAL courses(d) c WHERE d.dept_id = 7;
SELECT department(l) FROM lecture l WHERE l.id = 6;
SELECT count(*), min(id) FROM department__courses WHERE source_pk = 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('department', 7, 'courses') j;
SELECT ormar.related('lecture', 6, 'department');
SELECT pk_column FROM ormar.models WHERE model = 'department'::regclass;

-- 9d. the foreign-key column itself is renamed
ALTER TABLE lecture RENAME COLUMN department TO dept;
SELECT model::text, name, direction, column_name FROM ormar.relations
 WHERE 'lecture'::regclass IN (model, target) ORDER BY model::text, name;
SELECT count(*), min(c.id), max(c.id), bool_and(c.dept = 7) FROM department d, LATERAL courses(d) c
 WHERE d.dept_id = 7;
SELECT (department(l)).name FROM lecture l WHERE l.id = 6;
SELECT department(l) IS NULL AS is_null FROM lecture l WHERE l.id = 20001;
SELECT * FROM view_columns('public', 'department__courses');
SELECT count(*), min(id) FROM department__courses WHERE source_pk = 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('department', 7, 'courses') j;
SELECT ormar.related('lecture', 6, 'department');
-- still inlined, still on the index
SELECT * FROM plan_facts(
    'SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.dept_id = 7',
    'lecture', 'course_department_idx');
-- the constraint still holds
SELECT pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'lecture'::regclass AND contype = 'f';

--
-- 10. a column added to lecture shows in the accessor and the view
--
ALTER TABLE lecture ADD COLUMN credits integer DEFAULT 5;
SELECT to_jsonb(c) FROM department d, LATERAL courses(d) c WHERE d.dept_id = 7 ORDER BY c.id LIMIT 1;
SELECT c.credits FROM department d, LATERAL courses(d) c WHERE d.dept_id = 7 ORDER BY c.id LIMIT 1;
SELECT * FROM view_columns('public', 'department__courses');
SELECT id, credits FROM department__courses WHERE source_pk = 7 ORDER BY id LIMIT 1;

--
-- 11. dropping a non-key column is not blocked; accessor and view work
--     without it
--
ALTER TABLE lecture DROP COLUMN completed;
SELECT attname FROM pg_attribute WHERE attrelid = 'lecture'::regclass AND attnum > 0
   AND NOT attisdropped ORDER BY attnum;
SELECT to_jsonb(c) FROM department d, LATERAL courses(d) c WHERE d.dept_id = 7 ORDER BY c.id LIMIT 1;
SELECT * FROM view_columns('public', 'department__courses');
SELECT count(*), min(id) FROM department__courses WHERE source_pk = 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('department', 7, 'courses') j;
-- a non-key column of department too
ALTER TABLE department DROP COLUMN name;
SELECT department(l) FROM lecture l WHERE l.id = 6;

--
-- 12. after all that, search_path still cannot redirect the regenerated
--     accessors, and DDL under a hostile search_path regenerates them safely
--
CREATE TABLE evil.lecture (id integer, title text, dept integer, credits integer);
INSERT INTO evil.lecture VALUES (-3, 'EVIL', 7, 0);
SET search_path = evil, pg_catalog, public;
ALTER TABLE public.lecture ADD COLUMN room text;
SELECT count(*), min(c.id), max(c.id) FROM public.department d, LATERAL courses(d) c
 WHERE d.dept_id OPERATOR(pg_catalog.=) 7;
SELECT department(l) FROM public.lecture l WHERE l.id OPERATOR(pg_catalog.=) 6;
SELECT count(*), min(id) FROM department__courses WHERE source_pk OPERATOR(pg_catalog.=) 7;
SELECT count(*), min((j ->> 'id')::int) FROM ormar.related('public.department', 7, 'courses') j;
RESET search_path;
SELECT * FROM view_columns('public', 'department__courses');
SELECT pg_get_functiondef('courses(department)'::regprocedure) LIKE '%evil%' AS mentions_evil;

--
-- 13. a user's GRANT / REVOKE on generated objects survives their
--     regeneration after a change of the tables
--
CREATE ROLE regress_ormar_acc_reader;
GRANT SELECT ON department__courses TO regress_ormar_acc_reader;
REVOKE EXECUTE ON FUNCTION courses(department) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION courses(department) TO regress_ormar_acc_reader WITH GRANT OPTION;
SELECT 'department__courses'::regclass::oid AS old_view \gset
ALTER TABLE lecture ADD COLUMN seats integer;
-- regenerated (a new view), with the same privileges
SELECT 'department__courses'::regclass::oid <> :old_view AS view_regenerated;
SELECT has_table_privilege('regress_ormar_acc_reader', 'department__courses', 'SELECT') AS reader_selects,
       has_function_privilege('regress_ormar_acc_reader', 'courses(department)', 'EXECUTE') AS reader_executes,
       has_function_privilege('regress_ormar_acc_reader', 'courses(department)', 'EXECUTE WITH GRANT OPTION') AS reader_grants,
       has_function_privilege('public', 'courses(department)', 'EXECUTE') AS public_executes,
       has_function_privilege('public', 'department(lecture)', 'EXECUTE') AS public_executes_untouched;
REVOKE ALL ON department__courses FROM regress_ormar_acc_reader;
REVOKE ALL ON FUNCTION courses(department) FROM regress_ormar_acc_reader;
DROP ROLE regress_ormar_acc_reader;

--
-- cleanup
--
DROP EXTENSION ormar_pg CASCADE;
SET client_min_messages = warning;
DROP TABLE lecture, department, campus.building CASCADE;
DROP SCHEMA evil, campus CASCADE;
DROP FUNCTION plan_nodes(text), plan_facts(text, text, text), accessor_facts(regprocedure),
    view_columns(text, text);
RESET client_min_messages;
