-- Eager loading (DESIGN §5): ormar.fetch and ormar.fetch_many, ormar's
-- select_related as nested jsonb.  Checked: the exact jsonb of every shape
-- (the row alone, a to-one relation replacing its key column, a to-many
-- relation in key order, a one-to-one reverse side, a many-to-many with and
-- without its "through" object, nested and self-referencing paths, paths
-- sharing a prefix), key forms and order of fetch_many, every error with its
-- SQLSTATE, the number of SQL statements a call runs (one, whatever the
-- number of rows), and that cached metadata follows renames, drops,
-- re-declarations and column changes made in the same session.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-------------------------------------------------------------------------------
-- Models.
--   department 1-n course (course.department, reverse "courses")
--   course n-n student (course.students, plain through table, reverse "courses")
--   post n-n category (post.categories, through table with extra columns)
--   employee.supervisor -> employee (self FK, reverse "employees")
--   employee.department -> department (reverse "staff")
--   passport.person -> person, one_to_one (reverse "passport", to-one)
--   course.mentor -> lecturer (pending: lecturer is not a model)
-------------------------------------------------------------------------------
SELECT ormar.define_model('department', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.define_model('course', $${
    "id":        {"type": "Integer", "primary_key": true},
    "name":      {"type": "String", "max_length": 100},
    "completed": {"type": "Boolean", "default": false}
}$$);
SELECT ormar.foreign_key('course', 'department', related_name => 'courses');
SELECT ormar.define_model('student', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.many_to_many('course', 'students', 'student');
SELECT ormar.define_model('post', $${
    "id":    {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 200}
}$$);
SELECT ormar.define_model('category', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 40}
}$$);
SELECT ormar.many_to_many('post', 'categories', 'category',
    through_fields => $${"sort_order": {"type": "Integer"},
                         "note": {"type": "Text"}}$$);
SELECT ormar.define_model('employee', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.foreign_key('employee', 'supervisor', 'employee', related_name => 'employees');
SELECT ormar.foreign_key('employee', 'department', related_name => 'staff');
SELECT ormar.define_model('person', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"}
}$$);
SELECT ormar.define_model('passport', $${
    "id":     {"type": "Integer", "primary_key": true},
    "number": {"type": "Text"}
}$$);
SELECT ormar.foreign_key('passport', 'person', related_name => 'passport', one_to_one => true);
SELECT ormar.foreign_key('course', 'mentor', 'lecturer');

-- the relations fetch can follow, both directions
SELECT model, name, direction, kind, target_name, one_to_one, status
  FROM ormar.relations
 ORDER BY model::text, name, direction;

-- the columns of the through tables
SELECT attrelid::regclass AS through_table, attname, atttypid::regtype
  FROM pg_attribute
 WHERE attrelid IN ('courses_students'::regclass, 'posts_categories'::regclass)
   AND attnum > 0 AND NOT attisdropped
 ORDER BY attrelid::regclass::text, attnum;

INSERT INTO department (id, name) VALUES (1, 'Science'), (2, 'Humanities'), (3, 'Empty');
INSERT INTO course (id, name, department) VALUES
    (1, 'Math', 1), (2, 'Physics', 1), (3, 'History', 2), (4, 'Chemistry', 1),
    (5, 'Latin', NULL);
INSERT INTO student (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cid'), (4, 'Dee');
INSERT INTO courses_students (course, student) VALUES
    (1, 3), (1, 1), (2, 2), (4, 1), (4, 2), (4, 4), (3, 4);
INSERT INTO post (id, title) VALUES (1, 'Hello'), (2, 'Lonely');
INSERT INTO category (id, name) VALUES (1, 'News'), (2, 'Tech'), (3, 'Unused');
INSERT INTO posts_categories (post, category, sort_order, note) VALUES
    (1, 2, 1, 'first'), (1, 1, 2, NULL);
INSERT INTO employee (id, name, supervisor, department) VALUES
    (1, 'Boss', NULL, 1), (2, 'Mid', 1, 1), (3, 'Low', 2, 1), (4, 'Low2', 2, NULL),
    (5, 'Mid2', 1, 2);
INSERT INTO person (id, name) VALUES (1, 'Pat'), (2, 'Quinn');
INSERT INTO passport (id, number, person) VALUES (10, 'X-1', 1), (11, 'X-0', NULL);

-- Move the first rows of course and employee to the physical end of their
-- heaps, so that key order is never an accident of insertion order.
UPDATE course SET completed = false WHERE id = 1;
UPDATE employee SET name = name WHERE id IN (1, 2);

-------------------------------------------------------------------------------
-- The row alone: no include (the default) or an empty include is to_jsonb of
-- the row.
-------------------------------------------------------------------------------
SELECT ormar.fetch('course', 1);
SELECT ormar.fetch('course', 1) = '{"id": 1, "name": "Math", "completed": false, "department": 1}'::jsonb AS exact,
       ormar.fetch('course', 1) = (SELECT to_jsonb(c) FROM course c WHERE id = 1) AS is_to_jsonb,
       ormar.fetch('course', 1, '{}') = ormar.fetch('course', 1) AS empty_include_same;
SELECT ormar.fetch('department', 3);

-------------------------------------------------------------------------------
-- A to-one (forward) relation: an object replacing the key column of the
-- same name; null when the key is NULL.
-------------------------------------------------------------------------------
SELECT ormar.fetch('course', 2, '{department}');
SELECT ormar.fetch('course', 2, '{department}') =
       '{"id": 2, "name": "Physics", "completed": false,
         "department": {"id": 1, "name": "Science"}}'::jsonb AS exact;
-- course 5 has no department: the key stays, its value is null
SELECT ormar.fetch('course', 5, '{department}');
SELECT ormar.fetch('course', 5, '{department}') =
       '{"id": 5, "name": "Latin", "completed": false, "department": null}'::jsonb AS exact;

-------------------------------------------------------------------------------
-- A to-many (reverse) relation: an array in primary-key order; [] when empty.
-------------------------------------------------------------------------------
SELECT ormar.fetch('department', 1, '{courses}');
SELECT ormar.fetch('department', 1, '{courses}') =
       '{"id": 1, "name": "Science", "courses": [
            {"id": 1, "name": "Math", "completed": false, "department": 1},
            {"id": 2, "name": "Physics", "completed": false, "department": 1},
            {"id": 4, "name": "Chemistry", "completed": false, "department": 1}]}'::jsonb AS exact;
-- the array is exactly ormar.related, in the same order
SELECT ormar.fetch('department', 1, '{courses}') -> 'courses' =
       (SELECT jsonb_agg(r ORDER BY o) FROM ormar.related('department', 1, 'courses')
                                            WITH ORDINALITY t(r, o)) AS same_as_related;
SELECT ormar.fetch('department', 3, '{courses}');
SELECT ormar.fetch('department', 3, '{courses}') =
       '{"id": 3, "name": "Empty", "courses": []}'::jsonb AS exact;

-------------------------------------------------------------------------------
-- One-to-one: the reverse side is to-one, an object or null; the forward side
-- an object as for any foreign key.
-------------------------------------------------------------------------------
SELECT ormar.fetch('person', 1, '{passport}');
SELECT ormar.fetch('person', 1, '{passport}') =
       '{"id": 1, "name": "Pat", "passport": {"id": 10, "number": "X-1", "person": 1}}'::jsonb AS exact;
SELECT ormar.fetch('person', 2, '{passport}');
SELECT ormar.fetch('person', 2, '{passport}') =
       '{"id": 2, "name": "Quinn", "passport": null}'::jsonb AS exact;
SELECT ormar.fetch('passport', 10, '{person}');
SELECT ormar.fetch('passport', 10, '{person__passport}') =
       '{"id": 10, "number": "X-1", "person": {"id": 1, "name": "Pat",
         "passport": {"id": 10, "number": "X-1", "person": 1}}}'::jsonb AS round_trip;
SELECT ormar.fetch('passport', 11, '{person}');

-------------------------------------------------------------------------------
-- Many-to-many without extra through columns: target rows only, no
-- "through" key; both directions, in key order, [] when unlinked.
-------------------------------------------------------------------------------
SELECT ormar.fetch('course', 1, '{students}');
SELECT ormar.fetch('course', 1, '{students}') =
       '{"id": 1, "name": "Math", "completed": false, "department": 1,
         "students": [{"id": 1, "name": "Ann"}, {"id": 3, "name": "Cid"}]}'::jsonb AS exact;
SELECT ormar.fetch('student', 2, '{courses}');
SELECT ormar.fetch('student', 2, '{courses}') =
       '{"id": 2, "name": "Bob", "courses": [
            {"id": 2, "name": "Physics", "completed": false, "department": 1},
            {"id": 4, "name": "Chemistry", "completed": false, "department": 1}]}'::jsonb AS exact;
SELECT ormar.fetch('course', 5, '{students}');
-- no element has a "through" key
SELECT count(*) FILTER (WHERE e ? 'through') AS with_through, count(*) AS elements
  FROM jsonb_array_elements(ormar.fetch('course', 4, '{students}') -> 'students') e;

-------------------------------------------------------------------------------
-- Many-to-many with extra through columns: each element carries "through"
-- with them (a NULL value stays as null); both directions.
-------------------------------------------------------------------------------
SELECT ormar.fetch('post', 1, '{categories}');
SELECT ormar.fetch('post', 1, '{categories}') =
       '{"id": 1, "title": "Hello", "categories": [
            {"id": 1, "name": "News", "through": {"note": null, "sort_order": 2}},
            {"id": 2, "name": "Tech", "through": {"note": "first", "sort_order": 1}}]}'::jsonb AS exact;
SELECT ormar.fetch('category', 2, '{posts}');
SELECT ormar.fetch('category', 2, '{posts}') =
       '{"id": 2, "name": "Tech", "posts": [
            {"id": 1, "title": "Hello", "through": {"note": "first", "sort_order": 1}}]}'::jsonb AS exact;
SELECT ormar.fetch('post', 2, '{categories}');
SELECT ormar.fetch('category', 3, '{posts}');

-------------------------------------------------------------------------------
-- Nested paths with __.
-------------------------------------------------------------------------------
-- courses__students: each course with its students
SELECT ormar.fetch('department', 2, '{courses__students}');
SELECT ormar.fetch('department', 2, '{courses__students}') =
       '{"id": 2, "name": "Humanities", "courses": [
            {"id": 3, "name": "History", "completed": false, "department": 2,
             "students": [{"id": 4, "name": "Dee"}]}]}'::jsonb AS exact;
SELECT jsonb_pretty(ormar.fetch('department', 1, '{courses__students}'));
SELECT ormar.fetch('department', 1, '{courses__students}') =
       '{"id": 1, "name": "Science", "courses": [
            {"id": 1, "name": "Math", "completed": false, "department": 1,
             "students": [{"id": 1, "name": "Ann"}, {"id": 3, "name": "Cid"}]},
            {"id": 2, "name": "Physics", "completed": false, "department": 1,
             "students": [{"id": 2, "name": "Bob"}]},
            {"id": 4, "name": "Chemistry", "completed": false, "department": 1,
             "students": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}, {"id": 4, "name": "Dee"}]}]}'::jsonb AS exact;
-- posts__categories from a category: the "through" objects at both levels
SELECT jsonb_pretty(ormar.fetch('category', 1, '{posts__categories}'));
SELECT ormar.fetch('category', 1, '{posts__categories}') =
       '{"id": 1, "name": "News", "posts": [
            {"id": 1, "title": "Hello", "through": {"note": null, "sort_order": 2},
             "categories": [
                {"id": 1, "name": "News", "through": {"note": null, "sort_order": 2}},
                {"id": 2, "name": "Tech", "through": {"note": "first", "sort_order": 1}}]}]}'::jsonb AS exact;
-- supervisor__supervisor (self FK, to-one twice); null where the chain ends
SELECT ormar.fetch('employee', 3, '{supervisor__supervisor}');
SELECT ormar.fetch('employee', 3, '{supervisor__supervisor}') =
       '{"id": 3, "name": "Low", "department": 1,
         "supervisor": {"id": 2, "name": "Mid", "department": 1,
                        "supervisor": {"id": 1, "name": "Boss", "department": 1, "supervisor": null}}}'::jsonb AS exact;
SELECT ormar.fetch('employee', 2, '{supervisor__supervisor}');
SELECT ormar.fetch('employee', 2, '{supervisor__supervisor}') =
       '{"id": 2, "name": "Mid", "department": 1,
         "supervisor": {"id": 1, "name": "Boss", "department": 1, "supervisor": null}}'::jsonb AS exact;
-- employees__employees (self reverse, to-many twice); [] at the leaves
SELECT jsonb_pretty(ormar.fetch('employee', 1, '{employees__employees}'));
SELECT ormar.fetch('employee', 1, '{employees__employees}') =
       '{"id": 1, "name": "Boss", "department": 1, "supervisor": null, "employees": [
            {"id": 2, "name": "Mid", "department": 1, "supervisor": 1, "employees": [
                {"id": 3, "name": "Low", "department": 1, "supervisor": 2},
                {"id": 4, "name": "Low2", "department": null, "supervisor": 2}]},
            {"id": 5, "name": "Mid2", "department": 2, "supervisor": 1, "employees": []}]}'::jsonb AS exact;

-------------------------------------------------------------------------------
-- A mix in one call: reverse FK, many-to-many, self forward and self reverse
-- from a department; forward FK, self forward and reverse from an employee.
-------------------------------------------------------------------------------
SELECT jsonb_pretty(ormar.fetch('department', 1,
                                '{courses__students, staff__supervisor, staff__employees}'));
SELECT ormar.fetch('department', 1, '{courses__students, staff__supervisor, staff__employees}') =
       '{"id": 1, "name": "Science",
         "courses": [
            {"id": 1, "name": "Math", "completed": false, "department": 1,
             "students": [{"id": 1, "name": "Ann"}, {"id": 3, "name": "Cid"}]},
            {"id": 2, "name": "Physics", "completed": false, "department": 1,
             "students": [{"id": 2, "name": "Bob"}]},
            {"id": 4, "name": "Chemistry", "completed": false, "department": 1,
             "students": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}, {"id": 4, "name": "Dee"}]}],
         "staff": [
            {"id": 1, "name": "Boss", "department": 1, "supervisor": null, "employees": [
                {"id": 2, "name": "Mid", "department": 1, "supervisor": 1},
                {"id": 5, "name": "Mid2", "department": 2, "supervisor": 1}]},
            {"id": 2, "name": "Mid", "department": 1,
             "supervisor": {"id": 1, "name": "Boss", "department": 1, "supervisor": null},
             "employees": [
                {"id": 3, "name": "Low", "department": 1, "supervisor": 2},
                {"id": 4, "name": "Low2", "department": null, "supervisor": 2}]},
            {"id": 3, "name": "Low", "department": 1,
             "supervisor": {"id": 2, "name": "Mid", "department": 1, "supervisor": 1},
             "employees": []}]}'::jsonb AS exact;
SELECT ormar.fetch('employee', 5, '{department, supervisor, employees, department__courses}');
SELECT ormar.fetch('employee', 5, '{department, supervisor, employees, department__courses}') =
       '{"id": 5, "name": "Mid2", "employees": [],
         "supervisor": {"id": 1, "name": "Boss", "department": 1, "supervisor": null},
         "department": {"id": 2, "name": "Humanities", "courses": [
            {"id": 3, "name": "History", "completed": false, "department": 2}]}}'::jsonb AS exact;

-------------------------------------------------------------------------------
-- Paths sharing a prefix give one key: {courses, courses__students} is the
-- same as {courses__students}, in either order; a path given twice is
-- embedded once.
-------------------------------------------------------------------------------
SELECT ormar.fetch('department', 2, '{courses, courses__students}');
SELECT ormar.fetch('department', 1, '{courses, courses__students}') =
       ormar.fetch('department', 1, '{courses__students}') AS prefix_first,
       ormar.fetch('department', 1, '{courses__students, courses}') =
       ormar.fetch('department', 1, '{courses__students}') AS prefix_last,
       ormar.fetch('department', 1, '{courses, courses}') =
       ormar.fetch('department', 1, '{courses}') AS twice;
-- the keys of the result: one "courses"
SELECT k FROM jsonb_object_keys(ormar.fetch('department', 1, '{courses, courses__students}')) k
 ORDER BY k;

-------------------------------------------------------------------------------
-- fetch of a missing key: NULL (not an error, not an empty object).
-------------------------------------------------------------------------------
SELECT ormar.fetch('department', 999) IS NULL AS is_null,
       ormar.fetch('department', 999, '{courses__students}') IS NULL AS is_null_with_include;

-------------------------------------------------------------------------------
-- fetch key forms: '1', bigint, smallint, text all mean key 1.
-------------------------------------------------------------------------------
SELECT ormar.fetch('department', '1', '{courses}') = ormar.fetch('department', 1, '{courses}') AS unknown_literal,
       ormar.fetch('department', 1::bigint, '{courses}') = ormar.fetch('department', 1, '{courses}') AS bigint_key,
       ormar.fetch('department', 1::smallint, '{courses}') = ormar.fetch('department', 1, '{courses}') AS smallint_key,
       ormar.fetch('department', '1'::text, '{courses}') = ormar.fetch('department', 1, '{courses}') AS text_key;

-------------------------------------------------------------------------------
-- fetch_many: one row per existing key, in the order of the keys given;
-- missing keys are skipped, a NULL element is refused (22004).
-------------------------------------------------------------------------------
SELECT o, r FROM ormar.fetch_many('department', ARRAY[3, 1, 2]) WITH ORDINALITY t(r, o);
SELECT array_agg(r ->> 'id' ORDER BY o) AS ids
  FROM ormar.fetch_many('department', ARRAY[3, 1, 2]) WITH ORDINALITY t(r, o);
SELECT array_agg(r ->> 'id' ORDER BY o) AS ids
  FROM ormar.fetch_many('department', ARRAY[2, 999, 3, 1]) WITH ORDINALITY t(r, o);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY[2, 999, NULL, 3, 1])$$);
-- each row equals fetch of its key, with the same include
SELECT o, r = ormar.fetch('department', (r ->> 'id')::int, '{courses__students}') AS same_as_fetch
  FROM ormar.fetch_many('department', ARRAY[3, 1, 2], '{courses__students}') WITH ORDINALITY t(r, o)
 ORDER BY o;
SELECT o, r FROM ormar.fetch_many('course', ARRAY[5, 3], '{department, students}') WITH ORDINALITY t(r, o);
SELECT array_agg(r ORDER BY o) = ARRAY[
         '{"id": 5, "name": "Latin", "completed": false, "department": null, "students": []}',
         '{"id": 3, "name": "History", "completed": false, "students": [{"id": 4, "name": "Dee"}],
           "department": {"id": 2, "name": "Humanities"}}']::jsonb[] AS exact
  FROM ormar.fetch_many('course', ARRAY[5, 3], '{department, students}') WITH ORDINALITY t(r, o);
-- a key given twice comes back twice, in place
SELECT array_agg(r ->> 'id' ORDER BY o) AS ids
  FROM ormar.fetch_many('department', ARRAY[1, 2, 1]) WITH ORDINALITY t(r, o);
-- no key, only missing keys: no rows; only NULLs: 22004
SELECT count(*) FROM ormar.fetch_many('department', ARRAY[]::int[]);
SELECT count(*) FROM ormar.fetch_many('department', ARRAY[998, 999]);
SELECT try_sql($$SELECT count(*) FROM ormar.fetch_many('department', ARRAY[NULL, NULL]::int[])$$);

-------------------------------------------------------------------------------
-- fetch_many key forms: bigint[], smallint[] and text[] arrays mean the same
-- keys; a mistyped array is refused with 42804.
-------------------------------------------------------------------------------
SELECT (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY[3, 1]::bigint[], '{courses}') WITH ORDINALITY t(r, o))
     = (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY[3, 1], '{courses}') WITH ORDINALITY t(r, o)) AS bigint_keys,
       (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY[3, 1]::smallint[], '{courses}') WITH ORDINALITY t(r, o))
     = (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY[3, 1], '{courses}') WITH ORDINALITY t(r, o)) AS smallint_keys,
       (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY['3', '1'], '{courses}') WITH ORDINALITY t(r, o))
     = (SELECT array_agg(r ORDER BY o) FROM ormar.fetch_many('department', ARRAY[3, 1], '{courses}') WITH ORDINALITY t(r, o)) AS text_keys;
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', '{3,NULL,1}'::text[], '{courses}')$$);
SELECT array_agg(r ->> 'id' ORDER BY o) AS ids
  FROM ormar.fetch_many('department', ARRAY['2', '3']) WITH ORDINALITY t(r, o);
-- wrong types of keys: 42804
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY['11111111-1111-1111-1111-111111111111']::uuid[])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY[true])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY['one'])$$);
SELECT try_sql($$SELECT ormar.fetch('department', '11111111-1111-1111-1111-111111111111'::uuid)$$);
SELECT try_sql($$SELECT ormar.fetch('department', 'one'::text)$$);

-------------------------------------------------------------------------------
-- Unknown relation in a path: 42704 naming the segment and its model, at the
-- first and at a nested position; the DETAIL names the path and lists the
-- model's relations.
-------------------------------------------------------------------------------
SELECT * FROM try_sql($$SELECT ormar.fetch('department', 1, '{teachers}')$$);
SELECT * FROM try_sql($$SELECT ormar.fetch('department', 1, '{courses__teachers}')$$);
SELECT * FROM try_sql($$SELECT ormar.fetch('department', 1, '{courses, courses__students__nosuch}')$$);
SELECT * FROM try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY[1], '{courses__teachers}')$$);
-- a column is not a relation
SELECT try_sql($$SELECT ormar.fetch('course', 1, '{name}')$$);
-- an empty path, an empty segment
SELECT try_sql($$SELECT ormar.fetch('department', 1, '{""}')$$);
SELECT try_sql($$SELECT ormar.fetch('department', 1, '{courses__}')$$);
-- the error comes even for a key that does not exist
SELECT try_sql($$SELECT ormar.fetch('department', 999, '{teachers}')$$);

-------------------------------------------------------------------------------
-- A pending relation in a path: 55000, first and nested position.
-------------------------------------------------------------------------------
SELECT * FROM try_sql($$SELECT ormar.fetch('course', 1, '{mentor}')$$);
SELECT * FROM try_sql($$SELECT ormar.fetch('department', 1, '{courses__mentor}')$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('course', ARRAY[1], '{mentor}')$$);

-------------------------------------------------------------------------------
-- NULL arguments: 22004 for model, pk, pks and include (and a NULL path).
-------------------------------------------------------------------------------
SELECT try_sql($$SELECT ormar.fetch(NULL, 1)$$);
SELECT try_sql($$SELECT ormar.fetch('department', NULL::int)$$);
SELECT try_sql($$SELECT ormar.fetch('department', 1, NULL)$$);
SELECT try_sql($$SELECT ormar.fetch('department', 1, ARRAY['courses', NULL])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many(NULL, ARRAY[1])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', NULL::int[])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY[1], NULL)$$);

-------------------------------------------------------------------------------
-- A table that is not a model: 42704.  (A name that is no table at all fails
-- earlier, in the regclass input of PostgreSQL itself: 42P01.)
-------------------------------------------------------------------------------
CREATE TABLE plain_table (id integer PRIMARY KEY);
INSERT INTO plain_table VALUES (1);
SELECT try_sql($$SELECT ormar.fetch('plain_table', 1)$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('plain_table', ARRAY[1])$$);
SELECT try_sql($$SELECT ormar.fetch('no_such_table', 1)$$);

-------------------------------------------------------------------------------
-- One statement per call: ormar._statements() counts the SQL statements
-- ormar_pg's functions ran in this session.  After a warm-up call (metadata
-- cached), fetch_many of 1,000 departments with their courses runs exactly
-- one statement and returns 1,000 rows; fetch and related run one each.
-------------------------------------------------------------------------------
INSERT INTO department (id, name) SELECT g, 'Dept ' || g FROM generate_series(1001, 2000) g;
INSERT INTO course (id, name, department) SELECT g, 'Course ' || g, 1000 + (g - 1000 + 1) / 2
  FROM generate_series(1001, 3000) g;
SELECT count(*) FROM ormar.fetch_many('department', ARRAY[1, 2], '{courses}');   -- warm-up
SELECT ormar._statements() AS before \gset
SELECT count(*) AS rows,
       sum(jsonb_array_length(r -> 'courses')) AS courses,
       bool_and((r ->> 'id')::int = 2001 - o) AS in_key_order
  FROM ormar.fetch_many('department', ARRAY(SELECT g FROM generate_series(2000, 1001, -1) g), '{courses}')
       WITH ORDINALITY t(r, o);
SELECT ormar._statements() - :before AS statements;
-- the same with a nested include (courses__students): still one statement
SELECT count(*) FROM ormar.fetch_many('department', ARRAY[1], '{courses__students}');   -- warm-up
SELECT ormar._statements() AS before \gset
SELECT count(*) AS rows
  FROM ormar.fetch_many('department', ARRAY(SELECT g FROM generate_series(1001, 2000) g), '{courses__students}') r;
SELECT ormar._statements() - :before AS statements;
-- fetch: one statement
SELECT ormar.fetch('department', 1, '{courses}') IS NOT NULL AS warm;
SELECT ormar._statements() AS before \gset
SELECT jsonb_array_length(ormar.fetch('department', 1500, '{courses}') -> 'courses') AS courses;
SELECT ormar._statements() - :before AS statements;
-- related: one statement
SELECT count(*) FROM ormar.related('department', 1, 'courses');
SELECT ormar._statements() AS before \gset
SELECT count(*) FROM ormar.related('department', 1500, 'courses');
SELECT ormar._statements() - :before AS statements;
DELETE FROM course WHERE id > 1000;
DELETE FROM department WHERE id > 1000;

-------------------------------------------------------------------------------
-- Cached metadata follows changes made in this session.
-------------------------------------------------------------------------------
-- warm every cache
SELECT count(*) FROM ormar.related('department', 2, 'courses');
SELECT ormar.fetch('department', 2, '{courses}');
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{courses}') r;
-- rename a column of course: the new key name appears at once
ALTER TABLE course RENAME COLUMN name TO title;
SELECT r FROM ormar.related('department', 2, 'courses') r;
SELECT ormar.fetch('department', 2, '{courses}');
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{courses}') r;
SELECT ormar.fetch('course', 3, '{department}');
-- rename the table course to lecture: the model is now lecture, the relation
-- follows
ALTER TABLE course RENAME TO lecture;
SELECT model, name, direction, target FROM ormar.relations
 WHERE 'lecture'::regclass IN (model, target) ORDER BY model::text, name, direction;
SELECT r FROM ormar.related('department', 2, 'courses') r;
SELECT ormar.fetch('department', 2, '{courses}');
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{courses__students}') r;
SELECT ormar.fetch('lecture', 3, '{department, students}');
SELECT try_sql($$SELECT ormar.fetch('course', 3)$$);
-- drop the relation: every call on it is a clean 42704
SELECT ormar.drop_relation('lecture', 'department');
SELECT try_sql($$SELECT count(*) FROM ormar.related('department', 2, 'courses')$$);
SELECT try_sql($$SELECT ormar.fetch('department', 2, '{courses}')$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('department', ARRAY[2], '{courses}')$$);
SELECT try_sql($$SELECT ormar.fetch('lecture', 3, '{department}')$$);
-- the column and its data stay: fetch without include shows the plain key
SELECT ormar.fetch('lecture', 3);
-- re-declared with another related_name: the new name works, the old is 42704
SELECT ormar.foreign_key('lecture', 'department', related_name => 'lectures');
SELECT ormar.fetch('department', 2, '{lectures}');
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{lectures}') r;
SELECT r FROM ormar.related('department', 2, 'lectures') r;
SELECT try_sql($$SELECT ormar.fetch('department', 2, '{courses}')$$);
SELECT try_sql($$SELECT count(*) FROM ormar.related('department', 2, 'courses')$$);
-- a column added to lecture appears in the fetch output at every level
ALTER TABLE lecture ADD COLUMN credits integer DEFAULT 5;
SELECT ormar.fetch('lecture', 3);
SELECT ormar.fetch('department', 2, '{lectures}');
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{lectures}') r;
SELECT r FROM ormar.related('department', 2, 'lectures') r;
-- a dropped column is gone from it
ALTER TABLE lecture DROP COLUMN completed;
SELECT ormar.fetch('lecture', 3);
SELECT ormar.fetch('department', 2, '{lectures}');
SELECT ormar.fetch('department', 2, '{lectures}') =
       '{"id": 2, "name": "Humanities", "lectures": [
            {"id": 3, "title": "History", "credits": 5, "department": 2}]}'::jsonb AS exact;
SELECT r FROM ormar.fetch_many('department', ARRAY[2], '{lectures__students}') r;
-- a column added to the through table of post.categories joins "through"
ALTER TABLE posts_categories ADD COLUMN weight integer DEFAULT 7;
SELECT ormar.fetch('post', 1, '{categories}');
-- a renamed extra column is renamed in "through"
ALTER TABLE posts_categories RENAME COLUMN note TO remark;
SELECT ormar.fetch('post', 1, '{categories}');
SELECT r FROM ormar.related('category', 2, 'posts') r;
-- once every extra column is dropped there is no "through" key any more
ALTER TABLE posts_categories DROP COLUMN remark, DROP COLUMN weight, DROP COLUMN sort_order;
SELECT ormar.fetch('post', 1, '{categories}');
SELECT ormar.fetch('post', 1, '{categories}') =
       '{"id": 1, "title": "Hello", "categories": [{"id": 1, "name": "News"}, {"id": 2, "name": "Tech"}]}'::jsonb AS exact;
SELECT r FROM ormar.related('category', 2, 'posts') r;
-- renaming the key column of lecture.department: the relation follows it;
-- the row keeps the column under its new name and the object is embedded
-- under the relation's name
ALTER TABLE lecture RENAME COLUMN department TO dept_id;
SELECT column_name FROM ormar.relations WHERE model = 'lecture'::regclass AND name = 'department';
SELECT ormar.fetch('lecture', 3, '{department}');
SELECT ormar.fetch('department', 2, '{lectures}');
-- the extension dropped and created again in this session: nothing cached
-- from before is used
DROP EXTENSION ormar_pg CASCADE;
CREATE EXTENSION ormar_pg;
SELECT try_sql($$SELECT ormar.fetch('department', 2, '{lectures}')$$);
SELECT try_sql($$SELECT ormar.fetch('department', 2)$$);
SELECT ormar.register_model('department');
SELECT ormar.fetch('department', 2);
SELECT try_sql($$SELECT ormar.fetch('department', 2, '{lectures}')$$);

-------------------------------------------------------------------------------
-- Clean up.
-------------------------------------------------------------------------------
DROP EXTENSION ormar_pg CASCADE;
DROP TABLE posts_categories, courses_students, lecture, student, post, category,
           employee, passport, person, department, plain_table CASCADE;
DROP FUNCTION try_sql(text, boolean);
