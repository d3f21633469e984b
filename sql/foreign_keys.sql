--
-- foreign_keys: ormar.foreign_key and "ForeignKey" fields (DESIGN §4):
-- generated column, constraint, index, reverse relation, options, clashes,
-- adoption of existing columns, drop_relation, long names, ON DELETE chains.
--
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-- Helpers of this test: describe a table's columns, foreign keys and indexes
-- from pg_catalog.
CREATE FUNCTION cols(tbl regclass)
RETURNS TABLE(attnum smallint, attname name, type text, not_null boolean)
LANGUAGE sql STABLE AS $f$
    SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum
$f$;

CREATE FUNCTION fks(tbl regclass)
RETURNS TABLE(conname name, def text, deltype "char", updtype "char")
LANGUAGE sql STABLE AS $f$
    SELECT c.conname, pg_get_constraintdef(c.oid), c.confdeltype, c.confupdtype
      FROM pg_constraint c
     WHERE c.conrelid = tbl AND c.contype = 'f'
     ORDER BY c.conname
$f$;

CREATE FUNCTION idxs(tbl regclass)
RETURNS TABLE(indexname name, indisunique boolean, def text)
LANGUAGE sql STABLE AS $f$
    SELECT c.relname, i.indisunique, pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = tbl
     ORDER BY c.relname
$f$;

-- Generated objects of the extension outside schema ormar: functions and views
-- whose comment says they belong to ormar_pg.
CREATE FUNCTION generated_objects()
RETURNS TABLE(kind text, object text, proretset boolean)
LANGUAGE sql STABLE AS $f$
    SELECT 'function', p.oid::regprocedure::text, p.proretset
      FROM pg_proc p
     WHERE p.pronamespace <> 'ormar'::regnamespace
       AND obj_description(p.oid, 'pg_proc') LIKE 'ormar_pg:%'
    UNION ALL
    SELECT 'view', c.oid::regclass::text, NULL
      FROM pg_class c
     WHERE c.relkind = 'v' AND c.relnamespace <> 'ormar'::regnamespace
       AND obj_description(c.oid, 'pg_class') LIKE 'ormar_pg:%'
     ORDER BY 1, 2
$f$;

--
-- 1. ormar.foreign_key('course', 'department'): target defaults to the name
--
SELECT ormar.define_model('department',
    '{"id": {"type": "Integer", "primary_key": true},
      "name": {"type": "String", "max_length": 100}}');
SELECT ormar.define_model('course',
    '{"id": {"type": "Integer", "primary_key": true},
      "name": {"type": "String", "max_length": 100},
      "completed": {"type": "Boolean", "default": false}}');
SELECT ormar.foreign_key('course', 'department');

-- the new column is last, typed as department's key (integer), nullable
SELECT * FROM cols('course');

-- constraint fk_<table>_<target>_<pk>_<name>, no actions given: NO ACTION ('a')
SELECT * FROM fks('course');

-- index <table>_<column>_idx on the column, not unique
SELECT * FROM idxs('course');

-- both directions in ormar.relations, every column (DESIGN §6)
\x on
SELECT model::text, name, direction, kind, target::text, target_name, related_name,
       column_name, through::text, through_column, through_reverse_column, nullable,
       one_to_one, ondelete, onupdate, status, accessor::text, lookup_view::text
  FROM ormar.relations ORDER BY model::text, name;
\x off

-- the accessors and the reverse view exist
SELECT * FROM generated_objects();

-- the constraint is enforced: 23503 for an unknown department
INSERT INTO department (id, name) VALUES (1, 'Math'), (2, 'Physics');
INSERT INTO course (id, name, department) VALUES (1, 'Algebra', 1), (2, 'Optics', 2), (3, 'Free', NULL);
SELECT * FROM try_sql($$INSERT INTO course (id, name, department) VALUES (9, 'Bad', 42)$$);
SELECT c.id, c.name, (department(c)).name AS department_name FROM course c ORDER BY c.id;

--
-- 2. reverse relation name: related_name, or by default <table>s
--
SELECT ormar.define_model('teacher',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('teacher', 'department', related_name => 'staff');
SELECT model::text, name, direction, related_name
  FROM ormar.relations WHERE 'teacher'::regclass IN (model, target)
 ORDER BY model::text, name;
SELECT * FROM generated_objects() WHERE object LIKE '%staff%' OR object LIKE '%teacher%';

--
-- 3. the "ForeignKey" field form of define_model: column in field order,
--    options as for ormar.foreign_key
--
SELECT ormar.define_model('student',
    '{"id": {"type": "Integer", "primary_key": true},
      "department": {"type": "ForeignKey", "to": "department", "related_name": "students",
                     "nullable": false, "ondelete": "Cascade", "onupdate": "restrict"},
      "name": {"type": "String", "max_length": 50}}');
SELECT * FROM cols('student');
SELECT * FROM fks('student');
SELECT * FROM idxs('student');
SELECT model::text, name, direction, target::text, related_name, column_name, nullable,
       ondelete, onupdate, accessor::text, lookup_view::text
  FROM ormar.relations WHERE 'student'::regclass IN (model, target)
 ORDER BY model::text, name;
-- a relation field cannot have a default: 22023
SELECT * FROM try_sql($$SELECT ormar.define_model('bad_field',
    '{"id": {"type": "Integer", "primary_key": true},
      "department": {"type": "ForeignKey", "to": "department", "default": 1}}')$$);
SELECT to_regclass('bad_field') IS NULL AS not_created;

--
-- 4. the generated column is typed as the target's primary key
--
SELECT ormar.define_model('big_target',
    '{"id": {"type": "BigInteger", "primary_key": true}}');
SELECT ormar.define_model('code_target',
    '{"code": {"type": "String", "max_length": 20, "primary_key": true}}');
SELECT ormar.define_model('uuid_target',
    '{"uid": {"type": "UUID", "primary_key": true}}');
SELECT ormar.define_model('typed_ref',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('typed_ref', 'big', 'big_target');
SELECT ormar.foreign_key('typed_ref', 'code', 'code_target');
SELECT ormar.foreign_key('typed_ref', 'uid', 'uuid_target');
SELECT * FROM cols('typed_ref');
SELECT * FROM fks('typed_ref');
SELECT * FROM idxs('typed_ref');
-- and they work
INSERT INTO big_target VALUES (5000000000);
INSERT INTO code_target VALUES ('MATH-101');
INSERT INTO uuid_target VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
INSERT INTO typed_ref VALUES (1, 5000000000, 'MATH-101', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
SELECT (big(t)).id, (code(t)).code, (uid(t)).uid FROM typed_ref t;
SELECT r.id FROM uuid_target u, LATERAL typed_refs(u) r;

--
-- 5. ondelete / onupdate: every action, in any case, becomes the
--    constraint's action (pg_constraint confdeltype / confupdtype:
--    c cascade, n set null, r restrict, d set default, a no action)
--
SELECT ormar.define_model('act',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('act', 'd1', 'department', related_name => 'acts1',
                         ondelete => 'cascade', onupdate => 'Set Null');
SELECT ormar.foreign_key('act', 'd2', 'department', related_name => 'acts2',
                         ondelete => 'Set Null', onupdate => 'RESTRICT');
SELECT ormar.foreign_key('act', 'd3', 'department', related_name => 'acts3',
                         ondelete => 'RESTRICT', onupdate => 'set default');
SELECT ormar.foreign_key('act', 'd4', 'department', related_name => 'acts4',
                         ondelete => 'set default', onupdate => 'no action');
SELECT ormar.foreign_key('act', 'd5', 'department', related_name => 'acts5',
                         ondelete => 'no action', onupdate => 'cAsCaDe');
SELECT * FROM fks('act');
-- the catalog records the normalized action
SELECT name, ondelete, onupdate FROM ormar.relations
 WHERE model = 'act'::regclass ORDER BY name;
-- the actions are real: deleting department 3 deletes the row whose d1 is 3
-- (CASCADE) and sets d2 to NULL where it was 3 (SET NULL)
INSERT INTO department (id, name) VALUES (3, 'Chemistry');
INSERT INTO act (id, d1, d2) VALUES (1, 3, NULL), (2, 1, 3);
DELETE FROM department WHERE id = 3;
SELECT id, d1, d2 FROM act ORDER BY id;
DELETE FROM act;

-- a bad action: 22023, nothing created
SELECT * FROM try_sql($$SELECT ormar.foreign_key('act', 'd6', 'department',
    related_name => 'acts6', ondelete => 'explode')$$);
SELECT * FROM try_sql($$SELECT ormar.foreign_key('act', 'd6', 'department',
    related_name => 'acts6', onupdate => 'CASCADE; DROP TABLE act')$$);
SELECT * FROM try_sql($$SELECT ormar.foreign_key('act', 'd6', 'department',
    related_name => 'acts6', ondelete => '')$$);
SELECT * FROM try_sql($$SELECT ormar.define_model('bad_action',
    '{"id": {"type": "Integer", "primary_key": true},
      "department": {"type": "ForeignKey", "to": "department", "ondelete": "SET"}}')$$);
SELECT attname FROM pg_attribute WHERE attrelid = 'act'::regclass AND attname = 'd6';
SELECT count(*) FROM ormar.relations WHERE name IN ('d6', 'acts6');
SELECT to_regclass('bad_action') IS NULL AS not_created;

--
-- 6. nullable => false gives NOT NULL
--
SELECT ormar.define_model('exam',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('exam', 'course', nullable => false);
SELECT * FROM cols('exam');
SELECT nullable FROM ormar.relations WHERE model = 'exam'::regclass;
SELECT * FROM try_sql($$INSERT INTO exam (id, course) VALUES (1, NULL)$$);
INSERT INTO exam (id, course) VALUES (1, 1);
SELECT e.id, (course(e)).name FROM exam e;

--
-- 7. one_to_one => true: UNIQUE index, to-one reverse accessor (not SETOF),
--    no reverse view
--
SELECT ormar.define_model('citizen',
    '{"id": {"type": "Integer", "primary_key": true},
      "name": {"type": "Text"}}');
SELECT ormar.define_model('passport',
    '{"id": {"type": "Integer", "primary_key": true},
      "number": {"type": "Text"}}');
SELECT ormar.foreign_key('passport', 'citizen', one_to_one => true, related_name => 'passport');
SELECT * FROM idxs('passport');
SELECT model::text, name, direction, one_to_one, accessor::text, lookup_view::text
  FROM ormar.relations WHERE model IN ('passport'::regclass, 'citizen'::regclass)
 ORDER BY model::text, name;
SELECT p.oid::regprocedure AS accessor, p.prorettype::regtype AS returns, p.proretset
  FROM pg_proc p
 WHERE p.oid IN ('passport(citizen)'::regprocedure, 'citizen(passport)'::regprocedure)
 ORDER BY p.oid::regprocedure::text;
SELECT to_regclass('citizen__passport') IS NULL AS no_reverse_view;
INSERT INTO citizen VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO passport VALUES (10, 'P-10', 1);
-- a second passport for Ann: unique violation
SELECT * FROM try_sql($$INSERT INTO passport VALUES (11, 'P-11', 1)$$);
-- the reverse accessor returns one row, or NULL
SELECT c.name, (passport(c)).number, passport(c) IS NULL AS no_passport
  FROM citizen c ORDER BY c.id;
SELECT c.name, p.number FROM citizen c, LATERAL passport(c) p ORDER BY c.id;
-- field form: "unique": true and "one_to_one": true both mean one_to_one
SELECT ormar.define_model('visa',
    '{"id": {"type": "Integer", "primary_key": true},
      "citizen": {"type": "ForeignKey", "to": "citizen", "unique": true, "related_name": "visa"},
      "holder": {"type": "ForeignKey", "to": "citizen", "one_to_one": true, "related_name": "held_visa"}}');
SELECT * FROM idxs('visa');
SELECT name, direction, one_to_one, lookup_view::text FROM ormar.relations
 WHERE model = 'visa'::regclass OR (model = 'citizen'::regclass AND target = 'visa'::regclass)
 ORDER BY model::text, name;

--
-- 8. column_name names the column (constraint and relation keep the name)
--
SELECT ormar.define_model('lab',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('lab', 'department', column_name => 'dept_id');
SELECT * FROM cols('lab');
SELECT * FROM fks('lab');
SELECT * FROM idxs('lab');
SELECT model::text, name, direction, column_name FROM ormar.relations
 WHERE 'lab'::regclass IN (model, target) ORDER BY model::text, name;
INSERT INTO lab VALUES (1, 2);
SELECT (department(l)).name FROM lab l;
SELECT l.id FROM department d, LATERAL labs(d) l WHERE d.id = 2;

--
-- 9. skip_reverse => true: forward side only, no reverse accessor or view
--
SELECT ormar.define_model('note',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('note', 'department', skip_reverse => true);
SELECT model::text, name, direction, related_name, accessor::text, lookup_view::text
  FROM ormar.relations WHERE 'note'::regclass IN (model, target) ORDER BY model::text, name;
SELECT to_regprocedure('notes(department)') IS NULL AS no_reverse_accessor,
       to_regclass('department__notes') IS NULL AS no_reverse_view,
       to_regprocedure('department(note)') IS NOT NULL AS forward_accessor;
SELECT * FROM fks('note');
-- the reverse name stays free on the target
SELECT ormar.define_model('memo',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('memo', 'department', related_name => 'notes');
SELECT name, direction FROM ormar.relations
 WHERE model = 'department'::regclass AND name = 'notes';

--
-- 10. adopting an existing column of the key's type: no new column, the
--     data kept and now constrained
--
CREATE TABLE enrollment (id integer PRIMARY KEY, department integer, note text);
INSERT INTO enrollment VALUES (1, 1, 'one'), (2, NULL, 'two'), (3, 2, 'three');
SELECT ormar.register_model('enrollment');
-- nullable => false on a column holding NULLs: 23502, nothing changed
SELECT * FROM try_sql($$SELECT ormar.foreign_key('enrollment', 'department', nullable => false,
    related_name => 'enrollments')$$);
SELECT * FROM cols('enrollment');
SELECT count(*) FROM fks('enrollment');
SELECT count(*) FROM ormar.relations WHERE 'enrollment'::regclass IN (model, target);
SELECT * FROM enrollment ORDER BY id;
UPDATE enrollment SET department = 2 WHERE id = 2;
SELECT ormar.foreign_key('enrollment', 'department', nullable => false, related_name => 'enrollments');
SELECT * FROM cols('enrollment');
SELECT * FROM enrollment ORDER BY id;
SELECT * FROM fks('enrollment');
SELECT * FROM idxs('enrollment');
SELECT * FROM try_sql($$INSERT INTO enrollment VALUES (4, 42, 'bad')$$);
SELECT e.id FROM department d, LATERAL enrollments(d) e WHERE d.id = 2 ORDER BY e.id;

-- an existing column of another type: 42804, nothing changed
CREATE TABLE grade (id integer PRIMARY KEY, department text);
SELECT ormar.register_model('grade');
SELECT * FROM try_sql($$SELECT ormar.foreign_key('grade', 'department')$$);
SELECT * FROM cols('grade');
SELECT count(*) FROM fks('grade');
SELECT count(*) FROM ormar.relations WHERE 'grade'::regclass IN (model, target);
-- same through column_name
SELECT * FROM try_sql($$SELECT ormar.foreign_key('grade', 'dept', 'department', column_name => 'department')$$);

--
-- 11. name clashes: 42710 with a HINT
--
-- two relations course -> department without distinct related_name
SELECT * FROM try_sql($$SELECT ormar.foreign_key('course', 'second_department', 'department')$$);
-- reverse name equal to a column of the target
SELECT * FROM try_sql($$SELECT ormar.foreign_key('course', 'home', 'department', related_name => 'name')$$);
-- relation name equal to a column of the model (not its own key column)
SELECT * FROM try_sql($$SELECT ormar.foreign_key('course', 'completed', 'department',
    related_name => 'completed_courses', column_name => 'completed_department')$$);
-- relation name equal to an existing relation of the model
SELECT * FROM try_sql($$SELECT ormar.foreign_key('course', 'department', 'department',
    related_name => 'other_courses', column_name => 'other_department')$$);
-- relation name equal to a reverse relation of the model
SELECT * FROM try_sql($$SELECT ormar.foreign_key('department', 'courses', 'course')$$);
-- column_name equal to another relation's name
SELECT * FROM try_sql($$SELECT ormar.foreign_key('course', 'head', 'department',
    related_name => 'headed_courses', column_name => 'department')$$);
-- nothing of them was created
SELECT * FROM cols('course');
SELECT * FROM fks('course');
SELECT model::text, name, direction FROM ormar.relations
 WHERE 'course'::regclass IN (model, target) ORDER BY model::text, name;

-- with distinct related_names two relations to one target work independently
SELECT ormar.foreign_key('course', 'backup_department', 'department', related_name => 'backup_courses');
SELECT * FROM fks('course');
SELECT * FROM idxs('course');
-- the new column shows in the existing view over course (every column of course)
SELECT ordinal_position, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name = 'department__courses' ORDER BY ordinal_position;
UPDATE course SET backup_department = 2 WHERE id = 1;
UPDATE course SET backup_department = 1 WHERE id = 2;
SELECT d.id, c.name FROM department d, LATERAL courses(d) c ORDER BY d.id, c.id;
SELECT d.id, c.name FROM department d, LATERAL backup_courses(d) c ORDER BY d.id, c.id;
SELECT c.name, (department(c)).name AS main, (backup_department(c)).name AS backup
  FROM course c ORDER BY c.id;
SELECT model::text, name, direction, related_name, column_name, accessor::text, lookup_view::text
  FROM ormar.relations WHERE model = 'course'::regclass
    OR (model = 'department'::regclass AND target = 'course'::regclass)
 ORDER BY model::text, name;

--
-- 12. drop_relation keeps the column and its data; removes constraint,
--     index, accessors, view and catalog rows
--
SELECT ormar.drop_relation('course', 'backup_department');
SELECT * FROM cols('course');
SELECT id, backup_department FROM course ORDER BY id;
SELECT * FROM fks('course');
SELECT * FROM idxs('course');
SELECT to_regprocedure('backup_department(course)') IS NULL AS no_accessor,
       to_regprocedure('backup_courses(department)') IS NULL AS no_reverse_accessor,
       to_regclass('department__backup_courses') IS NULL AS no_view;
SELECT count(*) FROM ormar.relations WHERE name IN ('backup_department', 'backup_courses');
-- the freed column is an ordinary column now: no constraint
UPDATE course SET backup_department = 99 WHERE id = 1;
-- drop_data => true drops the column as well
-- (also when other relations' views over the table select the column)
SELECT ormar.foreign_key('lab', 'backup', 'department', related_name => 'backup_labs');
SELECT ormar.foreign_key('lab', 'spare', 'department', related_name => 'spare_labs');
SELECT table_name, ordinal_position, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ('department__labs', 'department__spare_labs')
 ORDER BY table_name, ordinal_position;
SELECT ormar.drop_relation('lab', 'backup', drop_data => true);
SELECT * FROM cols('lab');
SELECT * FROM fks('lab');
SELECT * FROM idxs('lab');
SELECT table_name, ordinal_position, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ('department__labs', 'department__spare_labs')
 ORDER BY table_name, ordinal_position;
SELECT ormar.drop_relation('lab', 'spare', drop_data => true);
SELECT * FROM cols('lab');
SELECT ordinal_position, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name = 'department__labs' ORDER BY ordinal_position;
SELECT l.id, l.dept_id FROM department d, LATERAL labs(d) l WHERE d.id = 2;
SELECT count(*) FROM ormar.relations WHERE name IN ('backup', 'backup_labs', 'spare', 'spare_labs');
-- the reverse side cannot be dropped from the target: 42704
SELECT * FROM try_sql($$SELECT ormar.drop_relation('department', 'courses')$$);
SELECT * FROM try_sql($$SELECT ormar.drop_relation('course', 'no_such_relation')$$);

--
-- 13. names longer than 63 bytes are shortened with a hash, deterministically
--
SELECT ormar.define_model('registration_of_students_for_the_winter_semester',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_a', 'department',
    related_name => 'registrations_of_students_for_the_winter_semester_handled_a');
SELECT ormar.foreign_key('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_b', 'department',
    related_name => 'registrations_of_students_for_the_winter_semester_handled_b');
-- the full names would be longer than 63 bytes
SELECT octet_length('fk_registration_of_students_for_the_winter_semester_department_id_department_responsible_for_the_registration_a') AS constraint_full,
       octet_length('registration_of_students_for_the_winter_semester_department_responsible_for_the_registration_a_idx') AS index_full,
       octet_length('department__registrations_of_students_for_the_winter_semester_handled_a') AS view_full;
CREATE TEMP TABLE long_names AS
SELECT 'constraint' AS kind, c.conname::text AS name
  FROM pg_constraint c
 WHERE c.conrelid = 'registration_of_students_for_the_winter_semester'::regclass AND c.contype = 'f'
UNION ALL
SELECT 'index', c.relname::text
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid = 'registration_of_students_for_the_winter_semester'::regclass AND NOT i.indisprimary
UNION ALL
SELECT 'view', c.relname::text
  FROM pg_class c
 WHERE c.relkind = 'v' AND c.relname LIKE 'department\_\_registrations%';
-- two of each, each at most 63 bytes, ending in _ and 8 hex digits, starting
-- with the unshortened prefix, all distinct
SELECT kind, octet_length(name) <= 63 AS fits, name ~ '_[0-9a-f]{8}$' AS hashed,
       CASE kind
           WHEN 'constraint' THEN name LIKE 'fk\_registration\_of\_students\_for\_the\_winter\_%'
           WHEN 'index' THEN name LIKE 'registration\_of\_students\_for\_the\_winter\_semester\_depa%'
           ELSE name LIKE 'department\_\_registrations\_of\_students\_for\_the\_winter%'
       END AS prefix
  FROM long_names ORDER BY kind, name;
SELECT kind, count(*), count(DISTINCT name) AS distinct_names FROM long_names GROUP BY kind ORDER BY kind;
-- the generated names are the ones ormar.relations refers to
SELECT name, direction, lookup_view::text IN (SELECT name FROM long_names) AS view_listed
  FROM ormar.relations
 WHERE model = 'department'::regclass AND name LIKE 'registrations%' ORDER BY name;
-- each constraint is on its own column
SELECT conname IN (SELECT name FROM long_names) AS listed, def
  FROM fks('registration_of_students_for_the_winter_semester') ORDER BY def;
-- drop and declare again: the same names
SELECT ormar.drop_relation('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_a');
SELECT ormar.drop_relation('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_b');
SELECT count(*) AS left_over FROM fks('registration_of_students_for_the_winter_semester');
SELECT count(*) AS left_over FROM idxs('registration_of_students_for_the_winter_semester')
 WHERE NOT indisunique;
SELECT count(*) AS left_over FROM pg_class WHERE relname IN (SELECT name FROM long_names);
SELECT ormar.foreign_key('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_a', 'department',
    related_name => 'registrations_of_students_for_the_winter_semester_handled_a');
SELECT ormar.foreign_key('registration_of_students_for_the_winter_semester',
    'department_responsible_for_the_registration_b', 'department',
    related_name => 'registrations_of_students_for_the_winter_semester_handled_b');
SELECT l.kind, l.name, EXISTS (
           SELECT 1 FROM pg_constraint c WHERE c.conname = l.name AND l.kind = 'constraint'
           UNION ALL
           SELECT 1 FROM pg_class c WHERE c.relname = l.name AND l.kind IN ('index', 'view')
       ) AS same_name_again
  FROM long_names l ORDER BY l.kind, l.name;
-- the long-named relations work
INSERT INTO registration_of_students_for_the_winter_semester
    (id, department_responsible_for_the_registration_a, department_responsible_for_the_registration_b)
VALUES (1, 1, 2);
SELECT r.id FROM department d,
       LATERAL registrations_of_students_for_the_winter_semester_handled_b(d) r
 WHERE d.id = 2;

--
-- 14. ormar's ON DELETE CASCADE chain: artist -> album -> track
--
SELECT ormar.define_model('artist',
    '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}');
SELECT ormar.define_model('album',
    '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
      "artist": {"type": "ForeignKey", "to": "artist", "ondelete": "CASCADE"}}');
SELECT ormar.define_model('track',
    '{"id": {"type": "Integer", "primary_key": true}, "title": {"type": "Text"}}');
SELECT ormar.foreign_key('track', 'album', ondelete => 'CASCADE');
INSERT INTO artist VALUES (1, 'Miles'), (2, 'Nina');
INSERT INTO album VALUES (1, 'Kind of Blue', 1), (2, 'Bitches Brew', 1), (3, 'Pastel Blues', 2);
INSERT INTO track VALUES (1, 'So What', 1), (2, 'Blue in Green', 1), (3, 'Spanish Key', 2),
                         (4, 'Sinnerman', 3), (5, 'Ain''t No Use', 3);
DELETE FROM artist WHERE id = 1;
SELECT * FROM album ORDER BY id;
SELECT * FROM track ORDER BY id;
SELECT t.title FROM artist a, LATERAL albums(a) al, LATERAL tracks(al) t ORDER BY t.id;

--
-- relation names are kept whole past 63 bytes: the default reverse name of a
-- 63-byte table is 64 bytes, stored and usable as written; the identifiers
-- made from it (accessor, view, a long relation's column) are shortened
--
SELECT ormar.define_model('a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789',
    '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789',
    'department_that_owns_this_row_a_relation_name_of_seventy_bytes_xy', 'department');
SELECT octet_length(name) AS name_bytes, octet_length(related_name) AS related_bytes,
       octet_length(column_name) AS column_bytes, column_name
  FROM ormar.relations WHERE model = 'a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789'::regclass;
INSERT INTO a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789 VALUES (1, 1);
SELECT r->>'id' AS id FROM ormar.related('department', 1,
    'a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789s') r;
SELECT r->>'id' AS id FROM ormar.related('a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789', 1,
    'department_that_owns_this_row_a_relation_name_of_seventy_bytes_xy') r;
SELECT * FROM try_sql($$SELECT ormar.foreign_key('department', repeat('x', 256), 'department')$$);

--
-- dropping the target's key column with CASCADE takes the foreign key
-- constraint: the relation is dropped with a NOTICE, the column stays
--
SELECT ormar.define_model('keyless_target', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('keyless_source', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('keyless_source', 'keyless_target');
ALTER TABLE keyless_target DROP COLUMN id CASCADE;
SELECT count(*) AS relations_left FROM ormar.relations WHERE model = 'keyless_source'::regclass;
SELECT * FROM cols('keyless_source');

--
-- cleanup
--
DROP EXTENSION ormar_pg CASCADE;
SET client_min_messages = warning;
DROP TABLE track, album, artist, registration_of_students_for_the_winter_semester,
    a_table_whose_name_is_exactly_sixty_three_bytes_long_0123456789, keyless_source, keyless_target,
    grade, enrollment, memo, note, lab, visa, passport, citizen, exam, act,
    typed_ref, uuid_target, code_target, big_target, student, teacher, course, department CASCADE;
DROP FUNCTION try_sql(text, boolean), cols(regclass), fks(regclass), idxs(regclass), generated_objects();
RESET client_min_messages;
