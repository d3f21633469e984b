-- Adoption of existing constraints and indexes (DESIGN §4, issue 11): a relation
-- declared over tables that already hold its foreign key, its index, a through
-- table's pair key or link constraints takes them over, never duplicates them,
-- records them as adopted, and drop_relation leaves them in place.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE SCHEMA ad;
SET search_path = ad, public;

\i sql/include/try_sql.sql
-- Helper: every constraint and index of a table with its full definition.
CREATE FUNCTION public.defs(tbl regclass) RETURNS TABLE(kind text, name text, def text)
LANGUAGE sql AS $f$
  SELECT 'constraint', conname::text, pg_get_constraintdef(oid) FROM pg_constraint
   WHERE conrelid = tbl
  UNION ALL
  SELECT 'index', c.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = tbl
  ORDER BY 1, 2
$f$;
-- Helper: what a table gained and lost since a snapshot.
CREATE FUNCTION public.changes(tbl regclass, snapshot text)
RETURNS TABLE(change text, kind text, name text, def text) LANGUAGE plpgsql AS $f$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT ''added'', * FROM (SELECT * FROM public.defs(%L) EXCEPT SELECT * FROM %I) a
     UNION ALL
     SELECT ''lost'', * FROM (SELECT * FROM %I EXCEPT SELECT * FROM public.defs(%L)) l
     ORDER BY 1, 2, 3', tbl, snapshot, snapshot, tbl);
END $f$;

-------------------------------------------------------------------------------
-- 1. The issue's first reproduction: an existing foreign key and an index that
--    PostgreSQL named emp_dept_idx (the name ormar_pg would generate).
-------------------------------------------------------------------------------
CREATE TABLE dept (id integer PRIMARY KEY, name text);
CREATE TABLE emp (id integer PRIMARY KEY, name text,
                  dept integer REFERENCES dept (id) ON DELETE CASCADE);
CREATE INDEX ON emp (dept);
INSERT INTO dept VALUES (1, 'Sales'), (2, 'Research');
INSERT INTO emp VALUES (10, 'Ann', 1), (11, 'Bob', 1), (12, 'Cid', 2);
SELECT ormar.register_model('dept'), ormar.register_model('emp');
CREATE TEMP TABLE emp_before AS SELECT * FROM defs('emp');
SELECT * FROM emp_before;
SELECT ormar.foreign_key('emp', 'dept');
-- nothing added, nothing lost: constraint and index adopted
SELECT * FROM changes('emp', 'emp_before');
SELECT name, constraint_name, index_name, adopted, ondelete, onupdate
  FROM ormar.relation WHERE model = 'emp'::regclass;
-- the adopted constraint's actions are the relation's
SELECT name, direction, ondelete, onupdate, accessor, lookup_view
  FROM ormar.relations WHERE model IN ('emp'::regclass, 'dept'::regclass) ORDER BY 1, 2;
SELECT e.name FROM dept d, LATERAL emps(d) e WHERE d.id = 1 ORDER BY e.id;
SELECT (dept(e)).name FROM emp e WHERE e.id = 12;
SELECT * FROM ormar.related('dept', 1, 'emps');
SELECT ormar.add('dept', 2, 'emps', 10), ormar.fetch('dept', 2, '{emps}');
-- drop_relation leaves the adopted constraint and index
SELECT ormar.drop_relation('emp', 'dept');
SELECT * FROM changes('emp', 'emp_before');
SELECT count(*) AS accessors_left FROM pg_proc WHERE proname IN ('dept', 'emps')
   AND pronamespace = 'ad'::regnamespace;

-- An explicit ondelete / onupdate that differs from the existing constraint: 42710
SELECT try_sql($$SELECT ormar.foreign_key('emp', 'dept', ondelete => 'restrict')$$);
SELECT try_sql($$SELECT ormar.foreign_key('emp', 'dept', onupdate => 'cascade')$$);
SELECT try_sql($$SELECT ormar.foreign_key('emp', 'dept', ondelete => 'cascade', onupdate => 'set null')$$);
-- the same actions, in any case, adopt it
SELECT ormar.foreign_key('emp', 'dept', ondelete => 'Cascade', onupdate => 'no action');
SELECT * FROM changes('emp', 'emp_before');
SELECT adopted, ondelete, onupdate FROM ormar.relation WHERE model = 'emp'::regclass;
-- drop_data drops the column, and with it what was adopted
SELECT ormar.drop_relation('emp', 'dept', drop_data => true);
SELECT * FROM changes('emp', 'emp_before');

-------------------------------------------------------------------------------
-- 2. Without an index: the constraint is adopted, the index generated, and
--    drop_relation drops only the generated index.
-------------------------------------------------------------------------------
CREATE TABLE shop (id integer PRIMARY KEY);
CREATE TABLE till (id integer PRIMARY KEY, shop_id integer NOT NULL REFERENCES shop);
SELECT ormar.register_model('shop'), ormar.register_model('till');
CREATE TEMP TABLE till_before AS SELECT * FROM defs('till');
SELECT ormar.foreign_key('till', 'shop', column_name => 'shop_id', nullable => false);
SELECT * FROM changes('till', 'till_before');
SELECT name, constraint_name, index_name, adopted FROM ormar.relation
 WHERE model = 'till'::regclass;
SELECT obj_description('till_shop_id_idx'::regclass, 'pg_class') AS generated_index_comment;
SELECT ormar.drop_relation('till', 'shop');
SELECT * FROM changes('till', 'till_before');
-- no second foreign key ever: the issue's second symptom
SELECT ormar.foreign_key('till', 'shop', column_name => 'shop_id');
SELECT count(*) AS foreign_keys_on_shop_id FROM pg_constraint
 WHERE conrelid = 'till'::regclass AND contype = 'f';
SELECT ormar.drop_relation('till', 'shop');

-------------------------------------------------------------------------------
-- 3. Which index is adopted: valid, non-partial, btree or hash, led by the
--    column (the narrowest, then by name); for one_to_one a unique index on
--    exactly the column.  A generated name taken by something unrelated gets
--    the deterministic hashed name.
-------------------------------------------------------------------------------
CREATE TABLE box (id integer PRIMARY KEY);
CREATE TABLE item (id integer PRIMARY KEY, box integer, label text, code integer);
SELECT ormar.register_model('box'), ormar.register_model('item');
CREATE INDEX item_box_partial ON item (box) WHERE box > 0;          -- partial: not adopted
CREATE INDEX item_label_box ON item (label, box);                    -- not led by box
CREATE INDEX item_box_idx ON item (code);                            -- takes the generated name
SELECT ormar.foreign_key('item', 'box');
SELECT index_name, adopted, index_name <> 'item_box_idx' AS hashed,
       length(index_name) AS len FROM ormar.relation WHERE model = 'item'::regclass;
SELECT pg_get_indexdef(index_name::regclass) FROM ormar.relation WHERE model = 'item'::regclass;
-- deterministic: the same state gives the same name again
CREATE TEMP TABLE first_name AS SELECT index_name FROM ormar.relation WHERE model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
SELECT ormar.foreign_key('item', 'box');
SELECT r.index_name = f.index_name AS same_name FROM ormar.relation r, first_name f
 WHERE r.model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
-- a multi-column index led by the column is adopted (and the constraint is generated)
CREATE INDEX item_box_label ON item (box, label);
SELECT ormar.foreign_key('item', 'box');
SELECT constraint_name, index_name, adopted FROM ormar.relation WHERE model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
SELECT count(*) AS item_box_label_kept FROM pg_class WHERE relname = 'item_box_label';
SELECT count(*) AS constraints_left FROM pg_constraint WHERE conrelid = 'item'::regclass AND contype = 'f';
-- one_to_one: the non-unique index is not enough, a unique one is generated ...
SELECT ormar.foreign_key('item', 'box', one_to_one => true);
SELECT index_name, adopted, pg_get_indexdef(index_name::regclass)
  FROM ormar.relation WHERE model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
-- ... and an existing unique index on exactly the column is adopted
CREATE UNIQUE INDEX item_box_unique ON item (box);
SELECT ormar.foreign_key('item', 'box', one_to_one => true);
SELECT index_name, adopted FROM ormar.relation WHERE model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
SELECT count(*) AS item_box_unique_kept FROM pg_class WHERE relname = 'item_box_unique';
-- a constraint name taken by an unrelated constraint: hashed name, no clash
ALTER TABLE item ADD CONSTRAINT fk_item_box_id_box CHECK (code > 0);
SELECT ormar.foreign_key('item', 'box');
SELECT constraint_name <> 'fk_item_box_id_box' AS hashed, constraint_name LIKE 'fk_item_box_id_box_%' AS prefixed,
       pg_get_constraintdef(c.oid)
  FROM ormar.relation r JOIN pg_constraint c ON c.conrelid = r.model AND c.conname = r.constraint_name
 WHERE r.model = 'item'::regclass;
SELECT ormar.drop_relation('item', 'box');
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'item'::regclass ORDER BY 1;

-------------------------------------------------------------------------------
-- 4. Many-to-many over an existing junction table: pair primary key, link
--    foreign keys and an index led by the reverse column are adopted.
-------------------------------------------------------------------------------
CREATE TABLE tag (id integer PRIMARY KEY, name text);
CREATE TABLE note (id integer PRIMARY KEY, body text);
CREATE TABLE note_tag (note_id integer NOT NULL REFERENCES note ON DELETE CASCADE,
                       tag_id integer NOT NULL REFERENCES tag,
                       weight integer,
                       PRIMARY KEY (note_id, tag_id));
CREATE INDEX note_tag_by_tag ON note_tag (tag_id);
INSERT INTO tag VALUES (1, 'red'), (2, 'blue');
INSERT INTO note VALUES (1, 'n1'), (2, 'n2');
INSERT INTO note_tag VALUES (1, 1, 5), (1, 2, 3), (2, 2, 1);
SELECT ormar.register_model('tag'), ormar.register_model('note');
CREATE TEMP TABLE note_tag_before AS SELECT * FROM defs('note_tag');
SELECT ormar.many_to_many('note', 'tags', 'tag', through => 'note_tag',
                          through_relation_name => 'note_id', through_reverse_relation_name => 'tag_id');
SELECT * FROM changes('note_tag', 'note_tag_before');
SELECT index_name, adopted, through_created FROM ormar.relation WHERE model = 'note'::regclass;
SELECT * FROM ormar.related('note', 1, 'tags');
SELECT * FROM note__tags ORDER BY source_pk, id;
SELECT ormar.add('tag', 1, 'notes', 2, '{"weight": 9}');
SELECT * FROM tag__notes ORDER BY source_pk, id;
SELECT ormar.drop_relation('note', 'tags');
SELECT * FROM changes('note_tag', 'note_tag_before');
SELECT count(*) AS links_kept FROM note_tag;
-- without the reverse index: generated, and dropped again by drop_relation
DROP INDEX note_tag_by_tag;
DELETE FROM note_tag_before WHERE name = 'note_tag_by_tag';
SELECT ormar.many_to_many('note', 'tags', 'tag', through => 'note_tag',
                          through_relation_name => 'note_id', through_reverse_relation_name => 'tag_id');
SELECT * FROM changes('note_tag', 'note_tag_before');
SELECT index_name, adopted FROM ormar.relation WHERE model = 'note'::regclass;
SELECT ormar.drop_relation('note', 'tags');
SELECT * FROM changes('note_tag', 'note_tag_before');
-- an existing table without pair key or link constraints: all generated, all dropped again
CREATE TABLE loose_link (note integer NOT NULL, tag integer NOT NULL, since date);
CREATE TEMP TABLE loose_before AS SELECT * FROM defs('loose_link');
SELECT ormar.many_to_many('note', 'loose_tags', 'tag', through => 'loose_link');
SELECT * FROM changes('loose_link', 'loose_before');
SELECT adopted FROM ormar.relation WHERE model = 'note'::regclass;
SELECT ormar.drop_relation('note', 'loose_tags');
SELECT * FROM changes('loose_link', 'loose_before');

-------------------------------------------------------------------------------
-- 5. The issue's second reproduction: DROP EXTENSION and CREATE EXTENSION,
--    then the same declarations adopt everything that was left and generate
--    only the accessors and views (the old ones are regenerated in place,
--    keeping their grants).
-------------------------------------------------------------------------------
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "Text"}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"},
    "department": {"type": "ForeignKey", "to": "department", "ondelete": "CASCADE"},
    "tags": {"type": "ManyToMany", "to": "tag", "through_fields": {"level": {"type": "Integer"}}}}');
INSERT INTO department (name) VALUES ('Math');
INSERT INTO course (name, department) VALUES ('Algebra', 1);
SELECT ormar.add('course', 1, 'tags', 2, '{"level": 3}');
CREATE ROLE regress_adopt_reader;
GRANT SELECT ON department__courses TO regress_adopt_reader;
GRANT EXECUTE ON FUNCTION courses(department) TO regress_adopt_reader;
CREATE TEMP TABLE life1 AS
SELECT 'course' AS tbl, * FROM defs('course')
UNION ALL SELECT 'courses_tags', * FROM defs('courses_tags');
CREATE TEMP TABLE life1_objects AS
SELECT p.oid::regprocedure::text AS object FROM pg_proc p WHERE p.pronamespace = 'ad'::regnamespace
   AND obj_description(p.oid, 'pg_proc') LIKE 'ormar_pg:%'
UNION ALL
SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'ad'::regnamespace
   AND c.relkind = 'v';
SELECT * FROM life1_objects ORDER BY 1;

DROP EXTENSION ormar_pg;
-- what the extension's absence left behind: tables, constraints, indexes, accessors, views
SELECT count(*) AS accessors_left FROM pg_proc WHERE pronamespace = 'ad'::regnamespace
   AND obj_description(oid, 'pg_proc') LIKE 'ormar_pg:%';
CREATE EXTENSION ormar_pg;
SELECT ormar.register_model('department'), ormar.register_model('course'),
       ormar.register_model('tag');
SELECT ormar.foreign_key('course', 'department', ondelete => 'cascade');
SELECT ormar.many_to_many('course', 'tags', 'tag');
SELECT name, adopted, through_created FROM ormar.relation ORDER BY name;
-- constraints and indexes exactly as before
(SELECT 'course' AS tbl, * FROM defs('course')
 UNION ALL SELECT 'courses_tags', * FROM defs('courses_tags')
 EXCEPT SELECT * FROM life1)
UNION ALL
(SELECT * FROM life1
 EXCEPT (SELECT 'course', * FROM defs('course')
         UNION ALL SELECT 'courses_tags', * FROM defs('courses_tags')));
-- the same accessors and views by name and signature, regenerated, grants kept
SELECT p.oid::regprocedure::text AS object FROM pg_proc p WHERE p.pronamespace = 'ad'::regnamespace
   AND obj_description(p.oid, 'pg_proc') LIKE 'ormar_pg:%'
UNION ALL
SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'ad'::regnamespace AND c.relkind = 'v'
EXCEPT SELECT * FROM life1_objects;
SELECT has_table_privilege('regress_adopt_reader', 'department__courses', 'SELECT') AS view_grant_kept,
       has_function_privilege('regress_adopt_reader', 'courses(department)', 'EXECUTE') AS accessor_grant_kept;
SELECT ormar.fetch('department', 1, '{courses__tags}');
SELECT * FROM course__tags;
-- a function of the same signature that ormar_pg did not generate is never taken over
SELECT ormar.drop_relation('course', 'department');
CREATE FUNCTION department(course) RETURNS text LANGUAGE sql AS $$ SELECT 'mine' $$;
SELECT try_sql($$SELECT ormar.foreign_key('course', 'department')$$);
SELECT department(c) FROM course c;
DROP FUNCTION department(course);

-------------------------------------------------------------------------------
-- 6. The catalog column: a text[] of known names only.
-------------------------------------------------------------------------------
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = 'ormar.relation'::regclass AND a.attname = 'adopted';
SELECT split_part(try_sql($$UPDATE ormar.relation SET adopted = '{everything}'$$), E'\n', 1);

-- Clean up
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA ad CASCADE;
DROP ROLE regress_adopt_reader;
DROP FUNCTION public.try_sql(text, boolean), public.defs(regclass), public.changes(regclass, text);
DROP EXTENSION ormar_pg CASCADE;
