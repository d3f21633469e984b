-- Relation proxies over foreign keys (DESIGN §5): ormar.related, add, remove,
-- clear and create_related, for the reverse side (department.courses) and the
-- forward side (course.department), with every accepted key form, errors with
-- their SQLSTATEs, atomicity, ormar's own Department/Course scenarios, and
-- row-level security (proxies run with the caller's privileges).
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-------------------------------------------------------------------------------
-- Models: ormar's Department / Course, a NOT NULL foreign key (lesson.course)
-- and a uuid-keyed pair (author / book).
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
SELECT ormar.foreign_key('course', 'department');
SELECT ormar.define_model('lesson', $${
    "id":    {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.foreign_key('lesson', 'course', nullable => false);
SELECT ormar.define_model('author', $${
    "id":   {"type": "UUID", "primary_key": true},
    "name": {"type": "Text"}
}$$);
SELECT ormar.define_model('book', $${
    "id":    {"type": "UUID", "primary_key": true},
    "title": {"type": "Text"}
}$$);
SELECT ormar.foreign_key('book', 'author');

-- the relations the proxies below work on, both directions
SELECT model, name, direction, kind, target, column_name, nullable
  FROM ormar.relations
 ORDER BY model::text, name;

-- A compact picture of table course, to compare before and after a call.
CREATE FUNCTION course_state() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(format('%s:%s:%s', id, name, coalesce(department::text, '-')),
                               ' ' ORDER BY id), '')
      FROM course
$$;

INSERT INTO department (name) VALUES ('Science'), ('Humanities'), ('Empty')
RETURNING *;
INSERT INTO course (name, department) VALUES
    ('Math', 1), ('Physics', 1), ('History', 2), ('Chemistry', 1),
    ('Programming', 1), ('Latin', NULL)
RETURNING *;
INSERT INTO lesson (title, course) VALUES ('Algebra', 1), ('Geometry', 1), ('Optics', 2)
RETURNING *;
INSERT INTO author VALUES
    ('11111111-1111-1111-1111-111111111111', 'Ann'),
    ('22222222-2222-2222-2222-222222222222', 'Bob');
INSERT INTO book VALUES
    ('bbbbbbbb-0000-0000-0000-000000000002', 'Second', '11111111-1111-1111-1111-111111111111'),
    ('bbbbbbbb-0000-0000-0000-000000000001', 'First',  '11111111-1111-1111-1111-111111111111');

-- Move course 1 to the physical end of the heap, so that ordering by primary
-- key is not an accident of insertion order.
UPDATE course SET completed = false WHERE id = 1;

-------------------------------------------------------------------------------
-- related: reverse foreign key (ormar: await department.courses.all())
-------------------------------------------------------------------------------
-- every course of department 1, ordered by primary key, one to_jsonb row each
SELECT ord, r FROM ormar.related('department', 1, 'courses') WITH ORDINALITY AS t(r, ord);
-- the objects are exactly to_jsonb of the rows
SELECT array_agg(r ORDER BY ord) = (SELECT array_agg(to_jsonb(c) ORDER BY c.id)
                                      FROM course c WHERE c.department = 1) AS same_as_to_jsonb
  FROM ormar.related('department', 1, 'courses') WITH ORDINALITY AS t(r, ord);
-- a department without courses: no rows
SELECT count(*) FROM ormar.related('department', 3, 'courses');
-- a department key that does not exist: no rows, no error
SELECT count(*) FROM ormar.related('department', 999, 'courses');

-------------------------------------------------------------------------------
-- related: forward foreign key (course.department): one object or none
-------------------------------------------------------------------------------
SELECT * FROM ormar.related('course', 3, 'department');
-- a course whose department is NULL: no rows
SELECT count(*) FROM ormar.related('course', 6, 'department');
-- a course key that does not exist: no rows
SELECT count(*) FROM ormar.related('course', 999, 'department');

-------------------------------------------------------------------------------
-- Key forms: 1, '1', 1::bigint, 1::smallint, '1'::text all mean key 1
-------------------------------------------------------------------------------
SELECT (SELECT array_agg(r) FROM ormar.related('department', 1, 'courses') r)
     = (SELECT array_agg(r) FROM ormar.related('department', '1', 'courses') r) AS same_unknown,
       (SELECT array_agg(r) FROM ormar.related('department', 1, 'courses') r)
     = (SELECT array_agg(r) FROM ormar.related('department', 1::bigint, 'courses') r) AS same_bigint,
       (SELECT array_agg(r) FROM ormar.related('department', 1, 'courses') r)
     = (SELECT array_agg(r) FROM ormar.related('department', 1::smallint, 'courses') r) AS same_smallint,
       (SELECT array_agg(r) FROM ormar.related('department', 1, 'courses') r)
     = (SELECT array_agg(r) FROM ormar.related('department', '1'::text, 'courses') r) AS same_text;
SELECT count(*) FROM ormar.related('department', 1::bigint, 'courses');
SELECT * FROM ormar.related('course', '3', 'department');
-- uuid keys: a literal, a typed uuid, a text value; ordered by the uuid key
SELECT * FROM ormar.related('author', '11111111-1111-1111-1111-111111111111', 'books');
SELECT count(*) FROM ormar.related('author', '11111111-1111-1111-1111-111111111111'::uuid, 'books');
SELECT count(*) FROM ormar.related('author', '11111111-1111-1111-1111-111111111111'::text, 'books');
SELECT * FROM ormar.related('book', 'bbbbbbbb-0000-0000-0000-000000000001', 'author');
-- an author without books
SELECT count(*) FROM ormar.related('author', '22222222-2222-2222-2222-222222222222', 'books');

-------------------------------------------------------------------------------
-- Keys of the wrong type: 42804, never a silent empty result
-------------------------------------------------------------------------------
SELECT try_sql($$SELECT * FROM ormar.related('department', 1.5, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department', 'abc', 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department', 9999999999::bigint, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department', now(), 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department',
                        '11111111-1111-1111-1111-111111111111'::uuid, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('author', 1, 'books')$$);
SELECT try_sql($$SELECT * FROM ormar.related('author', 'not-a-uuid', 'books')$$);
-- the target key is checked against the other model's key type
SELECT try_sql($$SELECT ormar.add('author', '22222222-2222-2222-2222-222222222222', 'books', 1)$$);
SELECT try_sql($$SELECT ormar.add('department', 1, 'courses', 'x')$$);
-- with the message, detail and hint a user sees
SELECT * FROM ormar.related('department', 'abc', 'courses');
SELECT * FROM ormar.related('author', 1, 'books');

-------------------------------------------------------------------------------
-- add, reverse side: sets the child's key (ormar: await humanities.courses.add(math))
-------------------------------------------------------------------------------
SELECT ormar.add('department', 2, 'courses', 1);
SELECT id, name, department FROM course WHERE id = 1;
SELECT r->>'name' AS name FROM ormar.related('department', 2, 'courses') r;
-- adding again: false, and the row is not even rewritten (same xmin)
SELECT xmin::text AS xmin_before FROM course WHERE id = 1 \gset
SELECT ormar.add('department', 2, 'courses', 1);
SELECT xmin::text = :'xmin_before' AS row_untouched, department FROM course WHERE id = 1;
-- a child whose key was NULL
SELECT ormar.add('department', 2, 'courses', 6);
SELECT id, name, department FROM course WHERE id = 6;

-------------------------------------------------------------------------------
-- add, forward side: sets the model's own key
-------------------------------------------------------------------------------
SELECT ormar.add('course', 1, 'department', 1);
SELECT id, name, department FROM course WHERE id = 1;
SELECT xmin::text AS xmin_before FROM course WHERE id = 1 \gset
SELECT ormar.add('course', 1, 'department', 1);
SELECT xmin::text = :'xmin_before' AS row_untouched, department FROM course WHERE id = 1;
-- uuid keys
SELECT ormar.add('book', 'bbbbbbbb-0000-0000-0000-000000000001', 'author',
                 '22222222-2222-2222-2222-222222222222');
SELECT title, author FROM book ORDER BY id;

-------------------------------------------------------------------------------
-- add of rows that do not exist: 23503, nothing changed
-------------------------------------------------------------------------------
SELECT course_state() AS state_before \gset
SELECT try_sql($$SELECT ormar.add('department', 2, 'courses', 999)$$);
SELECT try_sql($$SELECT ormar.add('department', 999, 'courses', 1)$$);
SELECT try_sql($$SELECT ormar.add('course', 999, 'department', 1)$$);
SELECT try_sql($$SELECT ormar.add('course', 1, 'department', 999)$$);
SELECT course_state() = :'state_before' AS unchanged;

-------------------------------------------------------------------------------
-- remove, reverse side
-------------------------------------------------------------------------------
-- keep_reversed defaults to true: the child stays, its key becomes NULL
SELECT ormar.remove('department', 2, 'courses', 6);
SELECT id, name, department FROM course WHERE id = 6;
-- not related (any more): false, nothing changed
SELECT ormar.remove('department', 2, 'courses', 6);
SELECT course_state() AS state_before \gset
SELECT ormar.remove('department', 2, 'courses', 2);  -- course 2 belongs to department 1
SELECT ormar.remove('department', 2, 'courses', 999);
SELECT course_state() = :'state_before' AS unchanged;
-- keep_reversed => false deletes the child (ormar: remove(item, keep_reversed=False))
SELECT ormar.remove('department', 1, 'courses', 4, keep_reversed => false);
SELECT count(*) AS course_4_rows FROM course WHERE id = 4;
-- ... but only a related child: false, nothing deleted
SELECT ormar.remove('department', 2, 'courses', 2, keep_reversed => false);
SELECT course_state() = :'state_before' AS only_course_4_gone, course_state();
-- NULL keep_reversed is refused
SELECT try_sql($$SELECT ormar.remove('department', 1, 'courses', 2, NULL)$$);

-------------------------------------------------------------------------------
-- remove / clear on a NOT NULL foreign key (lesson.course): 23502, nothing changed
-------------------------------------------------------------------------------
SELECT id, title, course FROM lesson ORDER BY id;
SELECT try_sql($$SELECT ormar.remove('course', 1, 'lessons', 1)$$);
SELECT try_sql($$SELECT ormar.clear('course', 1, 'lessons')$$);
SELECT ormar.remove('course', 1, 'lessons', 1);
SELECT id, title, course FROM lesson ORDER BY id;
-- deleting instead of unlinking works on a NOT NULL key
SELECT ormar.clear('course', 1, 'lessons', keep_reversed => false);
SELECT id, title, course FROM lesson ORDER BY id;
SELECT ormar.remove('course', 2, 'lessons', 3, keep_reversed => false);
SELECT count(*) FROM lesson;

-------------------------------------------------------------------------------
-- clear, reverse side: returns how many children were affected
-------------------------------------------------------------------------------
SELECT id, name, department FROM course ORDER BY id;
SELECT ormar.clear('department', 1, 'courses');
SELECT id, name, department FROM course ORDER BY id;
-- nothing left to clear
SELECT ormar.clear('department', 1, 'courses');
-- a department key that does not exist: 0, no error
SELECT ormar.clear('department', 999, 'courses');
-- keep_reversed => false deletes the children (ormar: clear(keep_reversed=False))
SELECT ormar.add('department', 3, 'courses', 2), ormar.add('department', 3, 'courses', 5);
SELECT ormar.clear('department', 3, 'courses', keep_reversed => false);
SELECT id, name, department FROM course ORDER BY id;

-------------------------------------------------------------------------------
-- remove / clear, forward side: the model's own key becomes NULL
-------------------------------------------------------------------------------
SELECT ormar.add('course', 3, 'department', 2);  -- already there: false
SELECT ormar.remove('course', 3, 'department', 1);  -- not its department: false
SELECT ormar.remove('course', 3, 'department', 2);
SELECT id, name, department FROM course WHERE id = 3;
SELECT ormar.remove('course', 3, 'department', 2);  -- no longer related: false
SELECT ormar.add('course', 3, 'department', 2);
SELECT ormar.clear('course', 3, 'department');
SELECT ormar.clear('course', 3, 'department');      -- already NULL: 0
SELECT id, name, department FROM course WHERE id = 3;
-- keep_reversed => false on the forward side is refused (22023): deleting
-- the department would delete, by its ON DELETE action, rows the call never
-- named; nothing changes
INSERT INTO department (name) VALUES ('Temporary'), ('Temporary 2') RETURNING id, name;
SELECT ormar.add('course', 3, 'department', 4);
SELECT ormar.remove('course', 3, 'department', 4, keep_reversed => false);
SELECT ormar.clear('course', 3, 'department', keep_reversed => false);
SELECT id, name, department FROM course WHERE id = 3;
SELECT id, name FROM department ORDER BY id;
SELECT ormar.clear('course', 3, 'department');
DELETE FROM department WHERE name LIKE 'Temporary%';

-------------------------------------------------------------------------------
-- create_related, reverse side: a new course already linked, returned as jsonb
-------------------------------------------------------------------------------
SELECT ormar.create_related('department', 2, 'courses', '{"name": "Philosophy"}');
SELECT ormar.create_related('department', '2', 'courses',
                            '{"name": "Poetry", "completed": true}');
SELECT r FROM ormar.related('department', 2, 'courses') r;
-- what it returns is the stored row
SELECT ormar.create_related('department', 1, 'courses', '{"name": "Biology"}') AS created \gset
SELECT :'created'::jsonb = to_jsonb(c) AS returned_is_stored, to_jsonb(c)
  FROM course c WHERE c.name = 'Biology';
-- an empty object: every column takes its default, the key is still set
SELECT ormar.create_related('department', 3, 'courses', '{}');

-------------------------------------------------------------------------------
-- create_related, forward side: a new department, and the course points at it
-------------------------------------------------------------------------------
SELECT ormar.create_related('course', 3, 'department', '{"name": "Ancient World"}');
SELECT c.name, d.name AS department FROM course c JOIN department d ON d.id = c.department
 WHERE c.id = 3;
-- uuid keys need the key in data (no default for a UUID primary key)
SELECT ormar.create_related('author', '22222222-2222-2222-2222-222222222222', 'books',
    '{"id": "bbbbbbbb-0000-0000-0000-000000000003", "title": "Third"}');
SELECT title, author FROM book ORDER BY id;

-------------------------------------------------------------------------------
-- create_related errors: nothing inserted
-------------------------------------------------------------------------------
SELECT count(*) AS courses_before FROM course \gset
SELECT count(*) AS departments_before FROM department \gset
-- a data key that is not a column: 22023
SELECT try_sql($$SELECT ormar.create_related('department', 1, 'courses',
                        '{"name": "Ghost", "teacher": "Smith"}')$$);
SELECT ormar.create_related('department', 1, 'courses', '{"name": "Ghost", "teacher": "Smith"}');
SELECT try_sql($$SELECT ormar.create_related('course', 1, 'department',
                        '{"title": "Ghost"}')$$);
-- data that is not an object: 22023
SELECT try_sql($$SELECT ormar.create_related('department', 1, 'courses', '[1, 2]')$$);
-- a parent that does not exist: 23503
SELECT try_sql($$SELECT ormar.create_related('department', 999, 'courses',
                        '{"name": "Ghost"}')$$);
SELECT try_sql($$SELECT ormar.create_related('course', 999, 'department',
                        '{"name": "Ghost"}')$$);
-- through values on a foreign key: 22023
SELECT try_sql($$SELECT ormar.create_related('department', 1, 'courses',
                        '{"name": "Ghost"}', '{"x": 1}')$$);
SELECT (SELECT count(*) FROM course) = :courses_before AS no_course_inserted,
       (SELECT count(*) FROM department) = :departments_before AS no_department_inserted,
       (SELECT count(*) FROM course WHERE name = 'Ghost') AS ghosts;

-------------------------------------------------------------------------------
-- Atomicity: a proxy call that fails inside a plpgsql exception block leaves
-- nothing behind.  A trigger refuses to modify a course named 'Locked'.
-------------------------------------------------------------------------------
CREATE FUNCTION refuse_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = 'Locked' THEN
        RAISE EXCEPTION 'course "%" is locked', NEW.name;
    END IF;
    RETURN NEW;
END
$$;
INSERT INTO course (name, department) VALUES ('Locked', 1) RETURNING id AS locked_id \gset
CREATE TRIGGER course_refuse_locked BEFORE UPDATE ON course
    FOR EACH ROW EXECUTE FUNCTION refuse_locked();
SELECT course_state() AS state_before \gset
SELECT count(*) AS departments_before FROM department \gset
-- create_related on the forward side inserts a department, then fails to
-- update the course: the department is gone with the error
DO $$
BEGIN
    PERFORM ormar.create_related('course', (SELECT id FROM course WHERE name = 'Locked'),
                                 'department', '{"name": "Orphan"}');
    RAISE NOTICE 'not reached';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'create_related failed: % %', SQLSTATE, SQLERRM;
END
$$;
-- add of the locked course fails
DO $$
BEGIN
    PERFORM ormar.add('department', 2, 'courses', (SELECT id FROM course WHERE name = 'Locked'));
    RAISE NOTICE 'not reached';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'add failed: % %', SQLSTATE, SQLERRM;
END
$$;
-- several proxy calls in one block: the later failure undoes the earlier successes
DO $$
BEGIN
    PERFORM ormar.create_related('department', 2, 'courses', '{"name": "Rhetoric"}');
    PERFORM ormar.clear('department', 2, 'courses');
    PERFORM ormar.add('department', 2, 'courses', (SELECT id FROM course WHERE name = 'Locked'));
    RAISE NOTICE 'not reached';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'block failed: % %', SQLSTATE, SQLERRM;
END
$$;
SELECT course_state() = :'state_before' AS courses_unchanged,
       (SELECT count(*) FROM department) = :departments_before AS departments_unchanged,
       (SELECT count(*) FROM department WHERE name = 'Orphan') AS orphans,
       (SELECT count(*) FROM course WHERE name = 'Rhetoric') AS rhetoric;
DROP TRIGGER course_refuse_locked ON course;
DELETE FROM course WHERE id = :locked_id;

-------------------------------------------------------------------------------
-- ormar's relations page: Department / Course through the accessor
-------------------------------------------------------------------------------
-- fresh data for the scenarios
DELETE FROM course;
DELETE FROM department WHERE id > 3;
INSERT INTO course (name, completed, department) VALUES
    ('Algebra', true, 1), ('Physics', false, 1), ('Programming', true, 1),
    ('Pottery', false, 2), ('Statistics', false, 1)
RETURNING id, name, completed, department;
-- await department.courses.all()
SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = 1 ORDER BY c.id;
-- await department.courses.filter(name__startswith="P").all()
SELECT c.name FROM department d, LATERAL courses(d) c
 WHERE d.id = 1 AND c.name LIKE 'P%' ORDER BY c.id;
-- await department.courses.filter(completed=False).count()
SELECT count(*) FROM department d, LATERAL courses(d) c WHERE d.id = 1 AND NOT c.completed;
-- await department.courses.count()
SELECT d.name, (SELECT count(*) FROM courses(d)) AS courses FROM department d ORDER BY d.id;
-- await department.courses.order_by("-name").limit(2).all()
SELECT c.name FROM department d, LATERAL courses(d) c WHERE d.id = 1
 ORDER BY c.name DESC LIMIT 2;
-- await department.courses.get(name="Physics")
SELECT c.id, c.name FROM department d, LATERAL courses(d) c
 WHERE d.id = 1 AND c.name = 'Physics';
-- the same rows from ormar.related and from the reverse-lookup view
SELECT (SELECT array_agg(r) FROM ormar.related('department', 1, 'courses') r)
     = (SELECT array_agg(to_jsonb(c) ORDER BY c.id)
          FROM department d, LATERAL courses(d) c WHERE d.id = 1) AS related_matches_accessor,
       (SELECT array_agg(v.id ORDER BY v.id) FROM department__courses v WHERE v.source_pk = 1)
     = (SELECT array_agg(c.id ORDER BY c.id)
          FROM department d, LATERAL courses(d) c WHERE d.id = 1) AS view_matches_accessor;
-- course.department (forward) through its accessor, and the proxy
SELECT c.name, d.name AS department
  FROM course c LEFT JOIN LATERAL department(c) d ON true ORDER BY c.id;
SELECT * FROM ormar.related('course', (SELECT id FROM course WHERE name = 'Pottery'), 'department');

-------------------------------------------------------------------------------
-- Unknown model / relation, NULL arguments
-------------------------------------------------------------------------------
SELECT try_sql($$SELECT * FROM ormar.related('pg_class', 1, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department', 1, 'students')$$);
SELECT * FROM ormar.related('department', 1, 'students');
SELECT try_sql($$SELECT * FROM ormar.related('department', NULL::int, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('department', 1, NULL)$$);
SELECT try_sql($$SELECT * FROM ormar.related(NULL, 1, 'courses')$$);
SELECT try_sql($$SELECT ormar.add('department', 1, 'courses', NULL::int)$$);
SELECT try_sql($$SELECT ormar.clear('department', 1, 'courses', NULL)$$);
SELECT try_sql($$SELECT ormar.create_related('department', 1, 'courses', NULL)$$);

-------------------------------------------------------------------------------
-- Row-level security: proxies and accessors run with the caller's privileges
-------------------------------------------------------------------------------
CREATE ROLE regress_ormar_proxies_reader;
CREATE ROLE regress_ormar_proxies_nobody;
GRANT SELECT ON department TO regress_ormar_proxies_reader, regress_ormar_proxies_nobody;
GRANT SELECT, UPDATE ON course TO regress_ormar_proxies_reader;
ALTER TABLE course ENABLE ROW LEVEL SECURITY;
CREATE POLICY course_hide_completed ON course USING (NOT completed);
GRANT SELECT ON department__courses TO regress_ormar_proxies_reader;
-- the owner (a superuser here) sees every course of department 1 ...
SELECT r->>'name' AS name FROM ormar.related('department', 1, 'courses') r;
SET ROLE regress_ormar_proxies_reader;
-- ... the reader only the courses the policy lets through
SELECT r->>'name' AS name FROM ormar.related('department', 1, 'courses') r;
SELECT c.name FROM department d, LATERAL courses(d) c WHERE d.id = 1 ORDER BY c.id;
SELECT name FROM department__courses WHERE source_pk = 1 ORDER BY id;
-- a hidden course reaches no department, and cannot be removed or added
RESET ROLE;
SELECT id AS algebra_id FROM course WHERE name = 'Algebra' \gset
SET ROLE regress_ormar_proxies_reader;
SELECT count(*) FROM ormar.related('course', :algebra_id, 'department');
SELECT ormar.remove('department', 1, 'courses', :algebra_id);
SELECT try_sql(format('SELECT ormar.add(%L, 2, %L, %s)', 'department', 'courses', :algebra_id));
-- clear unlinks only the visible children
BEGIN;
SELECT ormar.clear('department', 1, 'courses');
RESET ROLE;
SELECT name, department FROM course ORDER BY id;
ROLLBACK;
-- a role without SELECT on course: 42501
SET ROLE regress_ormar_proxies_nobody;
SELECT try_sql($$SELECT * FROM ormar.related('department', 1, 'courses')$$);
SELECT try_sql($$SELECT * FROM ormar.related('course', 1, 'department')$$);
SELECT try_sql($$SELECT ormar.add('department', 1, 'courses', 1)$$);
SELECT * FROM ormar.related('department', 1, 'courses');
RESET ROLE;
-- and nothing changed for the owner
SELECT name, department FROM course ORDER BY id;

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP TABLE book, author, lesson, course, department CASCADE;
RESET client_min_messages;
DROP FUNCTION try_sql(text, boolean), course_state(), refuse_locked();
DROP ROLE regress_ormar_proxies_reader, regress_ormar_proxies_nobody;
