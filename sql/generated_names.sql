-- Generated names (DESIGN §4, §7): a relation never drops, replaces or takes
-- over an object that is not its own.  A name it would generate that is taken
-- (by another relation's object, or a user's table, view, type or function)
-- is refused up front with 42710 naming both sides; generated tables and views
-- never collide once folded (lower case, underscores removed); a lookup view's
-- fixed columns never repeat a table column; through options are checked.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never
\i sql/include/try_sql.sql
CREATE SCHEMA gn;
SET search_path = gn, public;
SET client_min_messages = warning;

-- 1. Lookup view names: "x_" + "__" + "y" is "x" + "__" + "_y".  In one
--    define_models call the second relation must not replace the first's view.
SELECT try_sql($$SELECT ormar.define_models('{
  "x_": {"id": {"type": "Integer", "primary_key": true}},
  "x":  {"id": {"type": "Integer", "primary_key": true}},
  "s1": {"id": {"type": "Integer", "primary_key": true},
         "a": {"type": "ForeignKey", "to": "x_", "related_name": "y"}},
  "s2": {"id": {"type": "Integer", "primary_key": true},
         "b": {"type": "ForeignKey", "to": "x", "related_name": "_y"}}}')$$);
-- atomic: nothing of the call is left
SELECT count(*) FROM pg_class WHERE relnamespace = 'gn'::regnamespace;
SELECT count(*) FROM ormar.relations;

-- the same in separate calls: the first keeps its view, the second is refused
SELECT ormar.define_models('{
  "x_": {"id": {"type": "Integer", "primary_key": true}},
  "x":  {"id": {"type": "Integer", "primary_key": true}},
  "s1": {"id": {"type": "Integer", "primary_key": true},
         "a": {"type": "ForeignKey", "to": "x_", "related_name": "y"}},
  "s2": {"id": {"type": "Integer", "primary_key": true}}}') ORDER BY 1;
SELECT try_sql($$SELECT ormar.foreign_key('s2', 'b', 'x', related_name => '_y')$$);
SELECT model, name, lookup_view FROM ormar.relations WHERE name IN ('y', '_y');
SELECT pg_get_viewdef('gn.x___y') ~ 'FROM (gn\.)?s1 m' AS view_still_over_s1;
-- a related_name of its own works, and later DDL on s1 regenerates x___y quietly
SELECT ormar.foreign_key('s2', 'b', 'x', related_name => 'ys');
SET client_min_messages = notice;
ALTER TABLE s1 ADD COLUMN zz integer;
SET client_min_messages = warning;
SELECT model, name, lookup_view FROM ormar.relations WHERE name IN ('y', 'ys') ORDER BY 1;
INSERT INTO x_ VALUES (1);
INSERT INTO s1 VALUES (10, 1, 5);
SELECT * FROM x___y;

-- 2. Names taken by a user's objects: table, view, type, function
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true}}');
CREATE TABLE department__cs (v integer);
CREATE VIEW department__cv AS SELECT 1 AS one;
CREATE TYPE department__ct AS (a integer);
CREATE FUNCTION cf(department) RETURNS integer LANGUAGE sql AS 'SELECT 1';
SELECT try_sql($$SELECT ormar.foreign_key('course', 'd1', 'department', related_name => 'cs')$$);
SELECT try_sql($$SELECT ormar.foreign_key('course', 'd2', 'department', related_name => 'cv')$$);
SELECT try_sql($$SELECT ormar.foreign_key('course', 'd3', 'department', related_name => 'ct')$$);
SELECT try_sql($$SELECT ormar.foreign_key('course', 'd4', 'department', related_name => 'cf')$$);
-- a forward accessor's name: the hint says to rename the relation
CREATE FUNCTION dd(course) RETURNS integer LANGUAGE sql AS 'SELECT 2';
SELECT try_sql($$SELECT ormar.foreign_key('course', 'dd', 'department')$$);
-- nothing was added to course, and the user's objects are untouched
SELECT attname FROM pg_attribute WHERE attrelid = 'course'::regclass AND attnum > 0 ORDER BY attnum;
SELECT cf(d), dd(c) FROM (SELECT NULL::department d, NULL::course c) s;
-- a one_to_one relation has no reverse view: department__cs does not stand in its way
SELECT try_sql($$SELECT ormar.foreign_key('course', 'd5', 'department', related_name => 'cs', one_to_one => true)$$);
-- the lookup view of a many-to-many, forward side
CREATE TABLE course__tags (v integer);
SELECT ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT try_sql($$SELECT ormar.many_to_many('course', 'tags', 'tag')$$);
SELECT to_regclass('gn.courses_tags') IS NULL AS no_through_table_left;

-- 3. register_schema reports a relation whose generated name is taken as
--    skipped, and takes over the rest
CREATE SCHEMA rs;
CREATE TABLE rs.r1 (id integer PRIMARY KEY);
CREATE TABLE rs.r2 (id integer PRIMARY KEY, r1_id integer REFERENCES rs.r1);
CREATE TABLE rs.r3 (id integer PRIMARY KEY, r1_id integer REFERENCES rs.r1);
CREATE TABLE rs.r1__r2s (v integer);
SELECT model, relation, kind, target, action FROM ormar.register_schema('rs') ORDER BY model::text, relation, action;
SELECT model, name, lookup_view FROM ormar.relations WHERE model::text LIKE 'rs.%' OR target::text LIKE 'rs.%' ORDER BY model::text, name;

-- 4. Folded names: through table abs_c and lookup view a__bsc are both "absc"
SELECT try_sql($$SELECT ormar.define_models('{
  "ab": {"id": {"type": "Integer", "primary_key": true},
         "c": {"type": "ManyToMany", "to": "cd"}},
  "cd": {"id": {"type": "Integer", "primary_key": true}},
  "a":  {"id": {"type": "Integer", "primary_key": true},
         "bsc": {"type": "ManyToMany", "to": "cd", "related_name": "zz"}}}')$$);
-- two relations of one model whose views (and accessors) fold alike
SELECT ormar.define_model('p', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.many_to_many('p', 'q_r', 'tag', related_name => 'ps1');
SELECT try_sql($$SELECT ormar.many_to_many('p', 'qr', 'tag', related_name => 'ps2')$$);
SELECT try_sql($$SELECT ormar.foreign_key('p', 'QR', 'tag', related_name => 'ps3')$$);
-- two reverse views on tag fold alike
SELECT try_sql($$SELECT ormar.many_to_many('p', 'other', 'tag', related_name => 'ps_1')$$);
SELECT ormar.many_to_many('p', 'other', 'tag', related_name => 'ps_other');
-- lookup views of relations of two models: ab__c and a__bc are both "abc"
SELECT ormar.define_model('ab', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('a', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.many_to_many('ab', 'c', 'tag', related_name => 'abs');
SELECT try_sql($$SELECT ormar.many_to_many('a', 'bc', 'tag', related_name => 'as')$$);

-- 5. Lookup view columns are fixed (source_pk, every column, through_<x>):
--    a column that would repeat one is refused, naming column and view
SELECT ormar.define_model('kid', '{"id": {"type": "Integer", "primary_key": true},
                                   "source_pk": {"type": "Integer"}}');
SELECT try_sql($$SELECT ormar.foreign_key('kid', 'department', related_name => 'kids')$$);
SELECT try_sql($$SELECT ormar.many_to_many('kid', 'tags', 'tag', related_name => 'kids')$$);
SELECT attname FROM pg_attribute WHERE attrelid = 'kid'::regclass AND attnum > 0 ORDER BY attnum;
SELECT to_regclass('gn.kids_tags') IS NULL AS no_through_table_left;
-- no reverse view, no clash
SELECT ormar.foreign_key('kid', 'department', skip_reverse => true);
-- a foreign key whose own column would be source_pk
SELECT try_sql($$SELECT ormar.foreign_key('course', 'source_pk', 'department', related_name => 'cs9')$$);
-- through_w next to an extra through field w
SELECT ormar.define_model('kid2', '{"id": {"type": "Integer", "primary_key": true},
                                    "through_w": {"type": "Integer"}}');
SELECT try_sql($$SELECT ormar.many_to_many('tag', 'kids2', 'kid2', related_name => 'tags2',
                                           through_fields => '{"w": {"type": "Integer"}}')$$);
-- DDL that brings such a column later: a clear WARNING (as the role owning the
-- generated objects), and the relation keeps working
CREATE ROLE ormar_gn_owner;
GRANT CREATE, USAGE ON SCHEMA gn TO ormar_gn_owner;
SET ROLE ormar_gn_owner;
SELECT ormar.define_model('dept', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('unit', '{"id": {"type": "Integer", "primary_key": true},
                                    "dept": {"type": "ForeignKey", "to": "dept"}}');
INSERT INTO dept VALUES (1);
INSERT INTO unit VALUES (7, 1);
ALTER TABLE unit ADD COLUMN source_pk integer;
SELECT * FROM dept__units;
SELECT * FROM ormar.related('dept', 1, 'units');
ALTER TABLE unit RENAME COLUMN source_pk TO src;
SELECT * FROM dept__units;
RESET ROLE;

-- 6. through_relation_name / through_reverse_relation_name are identifiers
SELECT try_sql($$SELECT ormar.many_to_many('course', 't2', 'tag', related_name => 'c3',
                                           through_relation_name => repeat('x', 64))$$);
SELECT try_sql($$SELECT ormar.many_to_many('course', 't2', 'tag', related_name => 'c3',
                                           through_reverse_relation_name => repeat('y', 100))$$);
SELECT try_sql($$SELECT ormar.many_to_many('course', 't2', 'tag', related_name => 'c3',
                                           through_relation_name => '')$$);
SELECT ormar.many_to_many('course', 't2', 'tag', related_name => 'c3',
                          through_relation_name => repeat('x', 63));
SELECT through_column FROM ormar.relations WHERE name = 't2';

-- 7. through => must be a table of the relation's own
SELECT ormar.define_model('am', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('bm', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm', through => 'bm')$$);
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm', through => 'am')$$);
-- department is the target of course.d5: it takes part in a relation
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm', through => 'department')$$);
-- and course has relations of its own
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm', through => 'course')$$);
SELECT attname FROM pg_attribute WHERE attrelid = 'bm'::regclass AND attnum > 0 ORDER BY attnum;
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm', through => '')$$);

-- 8. The default through name never takes over an unrelated table or model
SELECT try_sql($$SELECT ormar.define_models('{
  "pp": {"id": {"type": "Integer", "primary_key": true},
         "q": {"type": "ManyToMany", "to": "rr"}},
  "rr": {"id": {"type": "Integer", "primary_key": true}},
  "pps_q": {"id": {"type": "Integer", "primary_key": true}}}')$$);
SELECT to_regclass('gn.pps_q') IS NULL AS nothing_left;
CREATE TABLE ams_bs (note text);
SELECT try_sql($$SELECT ormar.many_to_many('am', 'bs', 'bm')$$);
SELECT attname FROM pg_attribute WHERE attrelid = 'ams_bs'::regclass AND attnum > 0 ORDER BY attnum;
-- named with through, it is taken over
SELECT ormar.many_to_many('am', 'bs', 'bm', through => 'ams_bs');
SELECT attname FROM pg_attribute WHERE attrelid = 'ams_bs'::regclass AND attnum > 0 ORDER BY attnum;
-- a through table the relation created itself is taken back after drop_relation
SELECT ormar.many_to_many('am', 'cs', 'bm', related_name => 'ams2');
INSERT INTO am VALUES (1);
INSERT INTO bm VALUES (2);
SELECT ormar.add('am', 1, 'cs', 2);
SELECT ormar.drop_relation('am', 'cs');
SELECT ormar.many_to_many('am', 'cs', 'bm', related_name => 'ams2');
SELECT * FROM ormar.related('am', 1, 'cs');

-- 9. An extra through field named like a link column
SELECT try_sql($$SELECT ormar.many_to_many('am', 'ds', 'bm', related_name => 'ams3',
                                           through_fields => '{"bm": {"type": "Integer"}}')$$);
SELECT try_sql($$SELECT ormar.many_to_many('am', 'ds', 'bm', related_name => 'ams3',
                                           through_relation_name => 'src',
                                           through_fields => '{"src": {"type": "Text"}}')$$);
SELECT to_regclass('gn.ams_ds') IS NULL AS no_through_table_left;

-- 10. After DROP EXTENSION, what the relations generated stays; a left-over
--     view is taken back only by the relation it served (x___y was s1.a's)
DROP EXTENSION ormar_pg;
CREATE EXTENSION ormar_pg;
SELECT ormar.register_model('x'), ormar.register_model('x_'),
       ormar.register_model('s1'), ormar.register_model('s2');
SELECT try_sql($$SELECT ormar.foreign_key('s2', 'b2', 'x', related_name => '_y')$$);
SELECT ormar.foreign_key('s1', 'a', 'x_', related_name => 'y');
SELECT model, name, lookup_view FROM ormar.relations WHERE name IN ('y', '_y');
SELECT * FROM x___y;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA gn CASCADE;
DROP SCHEMA rs CASCADE;
DROP ROLE ormar_gn_owner;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg;
RESET client_min_messages;
