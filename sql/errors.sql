CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-- Helper: run each statement of a list, in order, and show what it gave.
CREATE FUNCTION try_all(stmts text[])
RETURNS TABLE (n bigint, stmt text, result text) LANGUAGE sql AS $f$
  SELECT s.n, s.stmt, try_sql(s.stmt) FROM unnest(stmts) WITH ORDINALITY AS s(stmt, n) ORDER BY s.n
$f$;

-- Models used below
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "Text"}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "title": {"type": "Text"},
    "department": {"type": "ForeignKey", "to": "department"}}');
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "Text"}}');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
    "title": {"type": "Text"},
    "categories": {"type": "ManyToMany", "to": "category",
                   "through_fields": {"weight": {"type": "Integer"}}}}');
SELECT ormar.define_model('badge', '{"id": {"type": "UUID", "primary_key": true},
    "department": {"type": "ForeignKey", "to": "department", "related_name": "badges"}}');
SELECT ormar.define_model('lonely', '{"id": {"type": "Integer", "primary_key": true}}');
-- a plain table, not a model
CREATE TABLE plain (id integer PRIMARY KEY);

INSERT INTO department VALUES (1, 'd1');
INSERT INTO course VALUES (1, 'c1', 1);
INSERT INTO category VALUES (1, 'cat1');
INSERT INTO post VALUES (1, 'p1');
INSERT INTO posts_categories VALUES (1, 1, 5);
INSERT INTO badge VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1);

SELECT model, name, direction, kind FROM ormar.relations ORDER BY model::text, name;

-------------------------------------------------------------------------------
-- NULL in a required argument: 22004, naming the argument
-------------------------------------------------------------------------------

-- models
SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.define_model(NULL, '{"id": {"type": "Integer", "primary_key": true}}')$$,
  $$SELECT ormar.define_model('n1', NULL)$$,
  $$SELECT ormar.define_models(NULL)$$,
  $$SELECT ormar.register_model(NULL)$$,
  $$SELECT ormar.drop_model(NULL)$$,
  $$SELECT ormar.drop_model('lonely', NULL)$$,
  $$SELECT ormar.describe(NULL)$$
]);

-- relations
SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.foreign_key(NULL, 'department')$$,
  $$SELECT ormar.foreign_key('lonely', NULL)$$,
  $$SELECT ormar.foreign_key('lonely', 'department', nullable => NULL)$$,
  $$SELECT ormar.foreign_key('lonely', 'department', one_to_one => NULL)$$,
  $$SELECT ormar.foreign_key('lonely', 'department', skip_reverse => NULL)$$,
  $$SELECT ormar.many_to_many(NULL, 'categories', 'category')$$,
  $$SELECT ormar.many_to_many('lonely', NULL, 'category')$$,
  $$SELECT ormar.many_to_many('lonely', 'categories', NULL)$$,
  $$SELECT ormar.many_to_many('lonely', 'categories', 'category', skip_reverse => NULL)$$,
  $$SELECT ormar.drop_relation(NULL, 'department')$$,
  $$SELECT ormar.drop_relation('course', NULL)$$,
  $$SELECT ormar.drop_relation('course', 'department', NULL)$$,
  $$SELECT ormar.update_forward_refs(NULL)$$
]);

-- proxies
SELECT * FROM try_all(ARRAY[
  $$SELECT * FROM ormar.related(NULL, 1, 'courses')$$,
  $$SELECT * FROM ormar.related('department', NULL, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 1, NULL)$$,
  $$SELECT ormar.add(NULL, 1, 'courses', 1)$$,
  $$SELECT ormar.add('department', NULL, 'courses', 1)$$,
  $$SELECT ormar.add('department', 1, NULL, 1)$$,
  $$SELECT ormar.add('department', 1, 'courses', NULL)$$,
  $$SELECT ormar.remove(NULL, 1, 'courses', 1)$$,
  $$SELECT ormar.remove('department', NULL, 'courses', 1)$$,
  $$SELECT ormar.remove('department', 1, NULL, 1)$$,
  $$SELECT ormar.remove('department', 1, 'courses', NULL)$$,
  $$SELECT ormar.remove('department', 1, 'courses', 1, NULL)$$,
  $$SELECT ormar.clear(NULL, 1, 'courses')$$,
  $$SELECT ormar.clear('department', NULL, 'courses')$$,
  $$SELECT ormar.clear('department', 1, NULL)$$,
  $$SELECT ormar.clear('department', 1, 'courses', NULL)$$,
  $$SELECT ormar.create_related(NULL, 1, 'courses', '{"title": "x"}')$$,
  $$SELECT ormar.create_related('department', NULL, 'courses', '{"title": "x"}')$$,
  $$SELECT ormar.create_related('department', 1, NULL, '{"title": "x"}')$$,
  $$SELECT ormar.create_related('department', 1, 'courses', NULL)$$,
  $$SELECT ormar.update_through(NULL, 1, 'categories', 1, '{"weight": 1}')$$,
  $$SELECT ormar.update_through('post', NULL, 'categories', 1, '{"weight": 1}')$$,
  $$SELECT ormar.update_through('post', 1, NULL, 1, '{"weight": 1}')$$,
  $$SELECT ormar.update_through('post', 1, 'categories', NULL, '{"weight": 1}')$$,
  $$SELECT ormar.update_through('post', 1, 'categories', 1, NULL)$$
]);

-- nothing changed: the course still belongs to its department, the link is kept
SELECT id, department FROM course ORDER BY id;
SELECT * FROM posts_categories;
SELECT to_regclass('n1') AS n1;

-------------------------------------------------------------------------------
-- A table that is not a registered model: 42704 with a HINT
-------------------------------------------------------------------------------

SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.describe('plain')$$,
  $$SELECT ormar.drop_model('plain')$$,
  $$SELECT ormar.foreign_key('plain', 'department')$$,
  $$SELECT ormar.many_to_many('plain', 'categories', 'category')$$,
  $$SELECT ormar.drop_relation('plain', 'department')$$,
  $$SELECT ormar.update_forward_refs('plain')$$,
  $$SELECT * FROM ormar.related('plain', 1, 'courses')$$,
  $$SELECT ormar.add('plain', 1, 'courses', 1)$$,
  $$SELECT ormar.remove('plain', 1, 'courses', 1)$$,
  $$SELECT ormar.clear('plain', 1, 'courses')$$,
  $$SELECT ormar.create_related('plain', 1, 'courses', '{}')$$,
  $$SELECT ormar.update_through('plain', 1, 'categories', 1, '{}')$$
]);
-- plain is untouched
SELECT attname FROM pg_attribute WHERE attrelid = 'plain'::regclass AND attnum > 0 ORDER BY attnum;

-- a table that does not exist at all is PostgreSQL's own error (regclass input)
SELECT try_sql($$SELECT ormar.describe('no_such_table')$$);

-------------------------------------------------------------------------------
-- Unknown relation: 42704, DETAIL lists the model's relations
-------------------------------------------------------------------------------

SELECT * FROM try_all(ARRAY[
  $$SELECT * FROM ormar.related('department', 1, 'nope')$$,
  $$SELECT ormar.add('department', 1, 'nope', 1)$$,
  $$SELECT ormar.remove('department', 1, 'nope', 1)$$,
  $$SELECT ormar.clear('department', 1, 'nope')$$,
  $$SELECT ormar.create_related('department', 1, 'nope', '{}')$$,
  $$SELECT ormar.update_through('post', 1, 'nope', 1, '{}')$$,
  $$SELECT ormar.drop_relation('course', 'nope')$$,
  $$SELECT * FROM ormar.related('post', 1, 'Categories')$$,
  $$SELECT * FROM ormar.related('lonely', 1, 'anything')$$
]);

-- a reverse relation cannot be dropped from the target's side
SELECT try_sql($$SELECT ormar.drop_relation('department', 'courses')$$);

-------------------------------------------------------------------------------
-- Bad field specifications: 22023, naming the field
-------------------------------------------------------------------------------

SELECT * FROM try_all(ARRAY[
  -- unknown type
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Strin"}}')$$,
  -- type missing
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"max_length": 3}}')$$,
  -- String without max_length
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "String"}}')$$,
  -- max_length that is not a positive integer
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "String", "max_length": 0}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "String", "max_length": "10"}}')$$,
  -- decimal_places larger than max_digits
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Decimal", "max_digits": 2, "decimal_places": 3}}')$$,
  -- two primary keys
  $$SELECT ormar.define_model('bad', '{"a": {"type": "Integer", "primary_key": true}, "b": {"type": "Integer", "primary_key": true}}')$$,
  -- no primary key
  $$SELECT ormar.define_model('bad', '{"a": {"type": "Integer"}}')$$,
  -- no fields at all
  $$SELECT ormar.define_model('bad', '{}')$$,
  -- unknown option
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "colour": "red"}}')$$,
  -- an option of another type (max_length on a Text)
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "max_length": 5}}')$$,
  -- fields given as an array instead of an object
  $$SELECT ormar.define_model('bad', '[{"id": {"type": "Integer", "primary_key": true}}]')$$,
  -- fields given as a scalar
  $$SELECT ormar.define_model('bad', '"id"')$$,
  -- a field spec that is not an object
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": "Text"}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": ["Text"]}')$$,
  -- options of the wrong JSON type
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "nullable": "yes"}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": "true"}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": 7}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "server_default": 1}}')$$,
  -- a field key written twice in the json text
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text"}, "x": {"type": "Integer"}}')$$,
  -- an option written twice
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "nullable": true, "nullable": false}}')$$,
  -- an empty field name
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "": {"type": "Text"}}')$$,
  -- a nullable primary key
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true, "nullable": true}}')$$,
  -- autoincrement on a non-integer field
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "autoincrement": true}}')$$,
  -- a default that is not a value of the column type
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Integer", "default": "abc"}}')$$,
  -- a server_default that is not one expression
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text", "server_default": "1, 2"}}')$$,
  -- an empty model name
  $$SELECT ormar.define_model('', '{"id": {"type": "Integer", "primary_key": true}}')$$,
  -- define_models needs an object of models
  $$SELECT ormar.define_models('[]')$$,
  $$SELECT * FROM ormar.define_models('{"bad": {"x": {"type": "Strin"}}}')$$
]);
-- none of them created anything
SELECT to_regclass('bad') AS bad;

-------------------------------------------------------------------------------
-- Bad ondelete / onupdate: 22023 with a HINT listing the actions
-------------------------------------------------------------------------------

SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.foreign_key('lonely', 'department', ondelete => 'explode')$$,
  $$SELECT ormar.foreign_key('lonely', 'department', onupdate => 'sideways')$$,
  $$SELECT ormar.foreign_key('lonely', 'department', ondelete => 'CASCADE; DROP TABLE plain')$$,
  $$SELECT ormar.foreign_key('lonely', 'department', ondelete => '')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "ondelete": "boom"}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "onupdate": "later"}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "ondelete": 1}}')$$
]);
-- nothing was declared
SELECT count(*) FROM ormar.relation WHERE model = 'lonely'::regclass;
SELECT to_regclass('plain') AS plain, to_regclass('bad') AS bad;

-------------------------------------------------------------------------------
-- A default on a relation field: 22023
-------------------------------------------------------------------------------

SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "default": 1}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "server_default": "1"}}')$$,
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "c": {"type": "ManyToMany", "to": "category", "default": [1]}}')$$,
  -- a relation field without "to"
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey"}}')$$,
  -- a many-to-many option on a foreign key
  $$SELECT ormar.define_model('bad', '{"id": {"type": "Integer", "primary_key": true}, "d": {"type": "ForeignKey", "to": "department", "through": "x"}}')$$
]);
SELECT to_regclass('bad') AS bad;

-------------------------------------------------------------------------------
-- A key of the wrong type: 42804
-------------------------------------------------------------------------------

-- accepted: the key type, a string or untyped literal that is valid input, any integer type,
-- anything that casts to the key type by assignment without changing (1.0::numeric below)
SELECT (SELECT count(*) FROM ormar.related('department', 1, 'courses')) AS int4,
       (SELECT count(*) FROM ormar.related('department', '1', 'courses')) AS literal,
       (SELECT count(*) FROM ormar.related('department', '1'::text, 'courses')) AS text,
       (SELECT count(*) FROM ormar.related('department', 1::bigint, 'courses')) AS int8,
       (SELECT count(*) FROM ormar.related('department', 1::smallint, 'courses')) AS int2,
       (SELECT count(*) FROM ormar.related('badge', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'department')) AS uuid_literal;

SELECT * FROM try_all(ARRAY[
  $$SELECT * FROM ormar.related('department', 'abc', 'courses')$$,
  $$SELECT * FROM ormar.related('department', 'abc'::text, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 1.5::numeric, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 1.0::numeric, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 1.5::float8, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, 'courses')$$,
  $$SELECT * FROM ormar.related('department', 9999999999::bigint, 'courses')$$,
  $$SELECT * FROM ormar.related('department', true, 'courses')$$,
  $$SELECT * FROM ormar.related('badge', 1, 'department')$$,
  $$SELECT * FROM ormar.related('badge', 'not-a-uuid', 'department')$$,
  $$SELECT ormar.add('department', 1, 'courses', 'abc')$$,
  $$SELECT ormar.add('department', 1.5::numeric, 'courses', 1)$$,
  $$SELECT ormar.remove('department', 1, 'courses', 2.5::numeric)$$,
  $$SELECT ormar.clear('department', 'x', 'courses')$$,
  $$SELECT ormar.create_related('department', 'x', 'courses', '{}')$$,
  $$SELECT ormar.update_through('post', 1, 'categories', 'abc', '{"weight": 1}')$$,
  $$SELECT ormar.add('department', 1, 'badges', 1)$$
]);
-- nothing changed
SELECT id, department FROM course ORDER BY id;
SELECT * FROM posts_categories;

-------------------------------------------------------------------------------
-- Pending relations (55000) and name clashes (42710)
-------------------------------------------------------------------------------

-- a relation to a model that does not exist yet is pending (NOTICE)
SELECT ormar.foreign_key('course', 'teacher');
SELECT model, name, status, target FROM ormar.relations WHERE name = 'teacher';
SELECT * FROM try_all(ARRAY[
  $$SELECT * FROM ormar.related('course', 1, 'teacher')$$,
  $$SELECT ormar.add('course', 1, 'teacher', 1)$$,
  $$SELECT ormar.remove('course', 1, 'teacher', 1)$$,
  $$SELECT ormar.clear('course', 1, 'teacher')$$,
  $$SELECT ormar.create_related('course', 1, 'teacher', '{}')$$,
  $$SELECT ormar.update_forward_refs('course')$$,
  $$SELECT * FROM ormar.define_models('{"a_model": {"id": {"type": "Integer", "primary_key": true}, "b": {"type": "ForeignKey", "to": "missing_model"}}}')$$
]);
-- define_models rolled back the whole call
SELECT to_regclass('a_model') AS a_model;
SELECT ormar.drop_relation('course', 'teacher');

-- clashes
SELECT * FROM try_all(ARRAY[
  -- a relation named like an existing column (its own key column being another one)
  $$SELECT ormar.foreign_key('course', 'title', 'department', related_name => 'titled', column_name => 'title_id')$$,
  -- a second relation to the same target without a distinct related_name
  $$SELECT ormar.foreign_key('course', 'department2', 'department', column_name => 'department2_id')$$,
  -- a relation declared twice
  $$SELECT ormar.many_to_many('post', 'categories', 'category')$$
]);

-- an existing column adopted as the key column must have the target key's type: 42804
SELECT try_sql($$SELECT ormar.foreign_key('course', 'title', 'department', related_name => 'titled')$$);
SELECT name, type FROM (SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnum
                          FROM pg_attribute WHERE attrelid = 'course'::regclass AND attnum > 0) c
 ORDER BY attnum;
SELECT model, name FROM ormar.relation ORDER BY model::text, name;

-- a table without a single-column primary key cannot be a model: 42P16
CREATE TABLE nokey (a integer);
SELECT try_sql($$SELECT ormar.register_model('nokey')$$);

-------------------------------------------------------------------------------
-- define_model of an existing table: 42P07, the table is untouched
-------------------------------------------------------------------------------

SELECT try_sql($$SELECT ormar.define_model('plain', '{"id": {"type": "Integer", "primary_key": true}, "x": {"type": "Text"}}')$$);
SELECT try_sql($$SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}')$$);
SELECT attname FROM pg_attribute WHERE attrelid = 'plain'::regclass AND attnum > 0 ORDER BY attnum;
SELECT count(*) FROM ormar.model WHERE model = 'plain'::regclass;

-------------------------------------------------------------------------------
-- Ownership: declaring or dropping a relation on a table one does not own: 42501
-------------------------------------------------------------------------------

CREATE ROLE regress_ormar_errors_alice;
CREATE ROLE regress_ormar_errors_bob;
SELECT ormar.define_model('alice_doc', '{"id": {"type": "Integer", "primary_key": true}}');
ALTER TABLE alice_doc OWNER TO regress_ormar_errors_alice;
-- a relation declared by a superuser on alice's table, for bob to try to drop
SELECT ormar.foreign_key('alice_doc', 'department', related_name => 'docs');
CREATE TABLE alice_plain (id integer PRIMARY KEY);
ALTER TABLE alice_plain OWNER TO regress_ormar_errors_alice;
GRANT SELECT, REFERENCES ON department, category TO regress_ormar_errors_bob;

SET ROLE regress_ormar_errors_bob;
SELECT * FROM try_all(ARRAY[
  $$SELECT ormar.foreign_key('alice_doc', 'course')$$,
  $$SELECT ormar.many_to_many('alice_doc', 'categories', 'category')$$,
  $$SELECT ormar.drop_relation('alice_doc', 'department')$$,
  $$SELECT ormar.update_forward_refs('alice_doc')$$,
  $$SELECT ormar.drop_model('alice_doc')$$,
  $$SELECT ormar.register_model('alice_plain')$$
]);
RESET ROLE;

-- nothing changed
SELECT model, name, target, status FROM ormar.relations
 WHERE model = 'alice_doc'::regclass OR target = 'alice_doc'::regclass ORDER BY name;
SELECT conname FROM pg_constraint WHERE conrelid = 'alice_doc'::regclass AND contype = 'f';
SELECT count(*) FROM ormar.models WHERE name IN ('alice_doc', 'alice_plain');

-------------------------------------------------------------------------------
-- Cleanup
-------------------------------------------------------------------------------

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP TABLE department, course, category, post, posts_categories, badge, lonely, plain, nokey,
    alice_doc, alice_plain CASCADE;
DROP FUNCTION try_all(text[]), try_sql(text, boolean);
DROP ROLE regress_ormar_errors_alice, regress_ormar_errors_bob;
RESET client_min_messages;
