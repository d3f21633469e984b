-- Findings of the security review on the read side (F8, F10, F12): keys of
-- composite and domain types, key arrays, key casts, lookups a column type
-- cannot take, describe's quoting, privileges before shape, bounds.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never
\i sql/include/try_sql.sql
CREATE SCHEMA rr;
SET search_path = rr, public;

-------------------------------------------------------------------------------
-- F12: a key of a composite type stays whole in fetch_many (unnest in FROM
-- would expand it into its fields), with and without includes and limits;
-- traverse, related and "in" filters read it too.
-------------------------------------------------------------------------------
CREATE TYPE rr.pair AS (a int, b int);
CREATE TABLE rr.cp (id rr.pair PRIMARY KEY, p rr.pair, label text);
SELECT ormar.register_model('rr.cp');
SELECT ormar.foreign_key('rr.cp', 'p', 'rr.cp', related_name => 'kids');
INSERT INTO rr.cp VALUES ('(1,1)', NULL, 'root'), ('(2,2)', '(1,1)', 'kid'), ('(3,3)', '(2,2)', 'grandkid');
SELECT o, r FROM ormar.fetch_many('cp', ARRAY['(2,2)', '(9,9)', '(1,1)']) WITH ORDINALITY t(r, o);
SELECT o, r FROM ormar.fetch_many('cp', ARRAY['(3,3)', '(1,1)', '(3,3)'], '{kids__kids, p}') WITH ORDINALITY t(r, o);
SELECT o, r FROM ormar.fetch_many('cp', ARRAY['(1,1)', '(2,2)'], '{kids}', '{"kids": {"limit": 1}}') WITH ORDINALITY t(r, o);
-- each row equals fetch of its key
SELECT bool_and(r = ormar.fetch('cp', format('(%s,%s)', r -> 'id' ->> 'a', r -> 'id' ->> 'b'), '{kids__kids, p}')) AS same_as_fetch,
       count(*)
  FROM ormar.fetch_many('cp', ARRAY['(3,3)', '(1,1)', '(2,2)'], '{kids__kids, p}') r;
SELECT * FROM ormar.traverse('cp', '(1,1)', 'kids');
SELECT * FROM ormar.related('cp', '(1,1)', 'kids', '{"filter": {"id__in": ["(2,2)", "(9,9)"]}}');
SELECT * FROM ormar.related('cp', '(2,2)', 'kids', '{"filter": {"p__in": ["(2,2)"]}, "order_by": ["-p"]}');

-------------------------------------------------------------------------------
-- F12: a key of a domain type must pass the domain's CHECK, as the key
-- column's values do: fetch, fetch_many, traverse and related refuse it
-- (42804, the CHECK's message in DETAIL) instead of finding nothing, as an
-- "in" filter on the key refuses it too.
-------------------------------------------------------------------------------
CREATE DOMAIN rr.posint AS integer CHECK (VALUE > 0);
CREATE TABLE rr.node (id rr.posint PRIMARY KEY, up rr.posint);
SELECT ormar.register_model('rr.node');
SELECT ormar.foreign_key('rr.node', 'up', 'rr.node', related_name => 'downs');
INSERT INTO rr.node VALUES (1, NULL), (2, 1);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', ARRAY[1, -1])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', '{1,-1}'::text[])$$);
SELECT try_sql($$SELECT ormar.fetch('node', -1)$$);
SELECT try_sql($$SELECT ormar.fetch('node', '-1')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('node', -1, 'downs')$$);
SELECT try_sql($$SELECT * FROM ormar.related('node', -1, 'downs')$$);
SELECT try_sql($$SELECT ormar.add('node', 2, 'downs', -1)$$);
SELECT try_sql($$SELECT * FROM ormar.related('node', 1, 'downs', '{"filter": {"id__in": [2, -1]}}')$$);
-- valid keys of the domain, given as the domain, as integers or as text
SELECT * FROM ormar.fetch_many('node', ARRAY[2, 1]::rr.posint[]);
SELECT * FROM ormar.fetch_many('node', ARRAY[2, 1]);
SELECT * FROM ormar.traverse('node', 1, 'downs');

-------------------------------------------------------------------------------
-- F10: fetch_many takes a plain list of keys: a NULL element is 22004 (as a
-- NULL key of fetch is), a multi-dimensional array 22023; an array with
-- other bounds is read in its order.
-------------------------------------------------------------------------------
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', ARRAY[1, NULL])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', '{1,NULL}'::text[])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', '{1,NULL}')$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', ARRAY[NULL, NULL]::int[])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', ARRAY[[1, 2], [2, 1]])$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('node', '{{1},{2}}'::text[])$$);
SELECT o, r FROM ormar.fetch_many('node', '[5:6]={2,1}'::int[]) WITH ORDINALITY t(r, o);
SELECT count(*) FROM ormar.fetch_many('node', '{}'::int[]);

-------------------------------------------------------------------------------
-- F10: a key is any value that casts to the key type by assignment (DESIGN
-- §5), as an INSERT takes it: an integer for a String key, numeric 1.0 for
-- a SmallInteger key.  A cast that would change the value (1.5, a time of
-- day dropped) or fail (too long, out of range) is 42804.
-------------------------------------------------------------------------------
SELECT ormar.define_model('st', '{"id": {"type": "String", "max_length": 3, "primary_key": true},
                                 "sm": {"type": "ForeignKey", "to": "sm"}}');
SELECT ormar.define_model('sm', '{"id": {"type": "SmallInteger", "primary_key": true}, "t": {"type": "Text"}}');
SELECT ormar.define_model('dt', '{"id": {"type": "Date", "primary_key": true}}');
INSERT INTO sm VALUES (1, 'one'), (2, 'two');
INSERT INTO st VALUES ('12', 1), ('13', 2);
INSERT INTO dt VALUES ('2024-01-02');
SELECT ormar.fetch('st', 12, '{sm}');
SELECT * FROM ormar.related('st', 13, 'sm');
SELECT * FROM ormar.fetch_many('st', ARRAY[13, 12]);
SELECT try_sql($$SELECT ormar.fetch('st', 12345)$$);
SELECT ormar.fetch('sm', 1.0), ormar.fetch('sm', 2.0::float8), ormar.fetch('sm', 1::bigint);
SELECT * FROM ormar.related('sm', 1.0, 'sts');
SELECT * FROM ormar.fetch_many('sm', ARRAY[2.0, 1.0]);
SELECT ormar.add('sm', 2.0, 'sts', 12);
SELECT * FROM ormar.related('sm', 2, 'sts');
SELECT try_sql($$SELECT ormar.fetch('sm', 1.5)$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('sm', ARRAY[1.0, 1.5])$$);
SELECT try_sql($$SELECT ormar.fetch('sm', 70000)$$);
SELECT try_sql($$SELECT ormar.fetch('sm', true)$$);
SELECT ormar.fetch('dt', '2024-01-02 00:00'::timestamp);
SELECT try_sql($$SELECT ormar.fetch('dt', '2024-01-02 10:30'::timestamp)$$);

-------------------------------------------------------------------------------
-- F10: a lookup or an ordering the column's type has no operator for is
-- refused before anything runs (22023, naming the field), not a 42883
-- showing the generated statement.
-------------------------------------------------------------------------------
SELECT ormar.define_model('shape', '{"id": {"type": "Integer", "primary_key": true}}');
CREATE TABLE rr.pt (id int PRIMARY KEY, shape int, doc json, at point, nums int[], b jsonb);
SELECT ormar.register_model('rr.pt');
SELECT ormar.foreign_key('pt', 'shape', 'shape', related_name => 'pts');
SELECT ormar.many_to_many('shape', 'tagged', 'pt', through_fields => '{"w": {"type": "JSON"}}', related_name => 'tag_of');
INSERT INTO shape VALUES (1);
INSERT INTO pt VALUES (1, 1, '{"k": 1}', '(1,1)', '{1,2}', '{}');
SELECT ormar.add('shape', 1, 'tagged', 1, '{"w": {"x": 1}}');
SELECT try_sql($$SELECT * FROM ormar.related('shape', 1, 'pts', '{"order_by": ["doc"]}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('shape', 1, 'pts', '{"order_by": ["-at"]}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('shape', 1, 'pts', '{"filter": {"at__gt": "(0,0)"}}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('shape', 1, 'pts', '{"exclude": {"doc": "{}"}}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('shape', 1, 'pts', '{"filter": {"nums__in": ["{1,2}"]}}')$$);
SELECT try_sql($$SELECT ormar.fetch('shape', 1, '{pts}', '{"pts": {"filter": {"doc__in": ["{}"]}}}')$$);
SELECT try_sql($$SELECT * FROM ormar.fetch_many('shape', ARRAY[1], '{pts}', '{"pts": {"order_by": ["at"]}}')$$);
-- what the types do have works
SELECT * FROM ormar.related('shape', 1, 'pts', '{"filter": {"nums": "{1,2}", "b": "{}", "at__isnull": false,
   "doc__contains": "k", "nums__gt": "{1,1}"}, "order_by": ["-nums", "b"]}');
SELECT * FROM ormar.related('shape', 1, 'tagged', '{"filter": {"through__w": "{\"x\": 1}"}, "order_by": ["-through__w"]}');

-------------------------------------------------------------------------------
-- F10: a relation name of a megabyte is not echoed whole in the 42704
-- message (nor a field name in the 42703 one).
-------------------------------------------------------------------------------
SELECT try_sql(format('SELECT * FROM ormar.related(%L, 1, %L)', 'shape', repeat('x', 1000000)));
SELECT try_sql(format('SELECT ormar.drop_relation(%L, %L)', 'shape', repeat('é', 500000)));
SELECT length(try_sql(format('SELECT * FROM ormar.related(%L, 1, %L)', 'shape', repeat('y', 255)))) > 255 AS name_of_255_bytes_whole;
SELECT try_sql(format('SELECT * FROM ormar.related(%L, 1, %L, %L)', 'shape', 'pts',
                      json_build_object('order_by', json_build_array(repeat('z', 100000)))));

-------------------------------------------------------------------------------
-- F8: describe writes a "to" or "through" holding a dot or a double quote
-- quoted, as define_model reads it (README, Model names), so that a model
-- described and defined again targets the same tables.
-------------------------------------------------------------------------------
CREATE SCHEMA a;
CREATE TABLE a.b (id int PRIMARY KEY);
SELECT ormar.register_model('a.b');
SELECT ormar.define_model('a.b', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('we"ird', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('src', '{"id": {"type": "Integer", "primary_key": true},
  "r1": {"type": "ForeignKey", "to": "\"a.b\"", "related_name": "srcs1"},
  "r2": {"type": "ForeignKey", "to": "a.b", "related_name": "srcs2"},
  "r3": {"type": "ForeignKey", "to": "\"we\"\"ird\""},
  "m": {"type": "ManyToMany", "to": "\"a.b\"", "through": "\"th.x\"", "related_name": "srcs3"}}');
SELECT ormar.describe('src');
CREATE TABLE rr.saved AS SELECT ormar.describe('src')::text AS spec;
SELECT ormar.drop_model('src');
DROP TABLE src, "th.x";
SELECT ormar.define_model('src', (SELECT spec FROM rr.saved)::json);
SELECT name, target, through FROM ormar.relations WHERE model = 'src'::regclass ORDER BY name;
SELECT ormar.describe('src')::text = (SELECT spec FROM rr.saved) AS same_description;

-------------------------------------------------------------------------------
-- F10: privileges come before the shape of the arguments: another role's
-- table without a key is 42501 for register_model, and update_through by a
-- role that may not update the through table is 42501 whatever its data.
-------------------------------------------------------------------------------
CREATE ROLE ormar_rr_eve;
GRANT USAGE ON SCHEMA rr TO ormar_rr_eve;
CREATE TABLE rr.nopk (x int);
SET ROLE ormar_rr_eve;
SELECT try_sql($$SELECT ormar.register_model('rr.nopk')$$);
SELECT try_sql($$SELECT ormar.update_through('shape', 1, 'tagged', 1, '{}')$$);
SELECT try_sql($$SELECT ormar.update_through('shape', 1, 'tagged', 1, '{"shape": 2}')$$);
RESET ROLE;
SELECT try_sql($$SELECT ormar.register_model('rr.nopk')$$);
SELECT try_sql($$SELECT ormar.update_through('shape', 1, 'tagged', 1, '{}')$$);
SELECT ormar.update_through('shape', 1, 'tagged', 1, '{"w": [2]}');

-------------------------------------------------------------------------------
-- F10: define_models takes at most 100 models per call (54000 beyond, before
-- anything is created): each model's objects stay locked until the end of
-- the transaction, in the lock table all sessions share.
-------------------------------------------------------------------------------
CREATE SCHEMA many;
SELECT try_sql(format('SELECT ormar.define_models(%L)',
    (SELECT json_object_agg('m' || g, json_build_object('id', json_build_object('type', 'Integer', 'primary_key', true)))
       FROM generate_series(1, 101) g)));
SELECT count(*) FROM pg_tables WHERE schemaname = 'rr' AND tablename ~ '^m[0-9]+$';
SET search_path = many;
SELECT count(*) FROM ormar.define_models((SELECT json_object_agg('m' || g,
    json_build_object('id', json_build_object('type', 'Integer', 'primary_key', true),
                      'up', json_build_object('type', 'ForeignKey', 'to', 'm' || (g % 100 + 1))))
       FROM generate_series(1, 100) g));
SELECT count(*) FROM ormar.relations WHERE model::text LIKE 'many.%' OR model::text ~ '^m[0-9]+$';
SET search_path = rr, public;

-------------------------------------------------------------------------------
-- F9: diagram gives every table an entity of its own.  A name holding a dot
-- or a double quote is labelled as an SQL identifier (dg."a.b" is not
-- "dg.a".b); in Mermaid, characters a quoted name cannot hold (a double
-- quote, a newline, '%', '#', '&', '<', '>') are entity codes, so we"ird and
-- we'ird stay two entities and a newline does not break the text.
-------------------------------------------------------------------------------
CREATE SCHEMA dg;
CREATE SCHEMA "dg.a";
SELECT ormar.define_model('we"ird', '{"id": {"type": "Integer", "primary_key": true}}', 'dg');
SELECT ormar.define_model('we''ird', '{"id": {"type": "Integer", "primary_key": true},
    "other": {"type": "ForeignKey", "to": "\"we\"\"ird\"", "related_name": "others"}}', 'dg');
SELECT ormar.define_model(E'nl\nhere', '{"id": {"type": "Integer", "primary_key": true},
    "50% #1": {"type": "ForeignKey", "to": "we''ird", "related_name": "a&b<c>"}}', 'dg');
SELECT ormar.define_model('a.b', '{"id": {"type": "Integer", "primary_key": true}}', 'dg');
SELECT ormar.define_model('b', '{"id": {"type": "Integer", "primary_key": true},
    "ab": {"type": "ForeignKey", "to": "dg.\"a.b\"", "related_name": "bs"}}', 'dg.a');
SELECT ormar.diagram(schema => 'dg') \g (format=unaligned tuples_only=on)
SELECT ormar.diagram(schema => 'dg.a') \g (format=unaligned tuples_only=on)
SELECT ormar.diagram('dot', 'dg.a') \g (format=unaligned tuples_only=on)
-- one entity block per table, no line break inside a name
SELECT count(*) FILTER (WHERE l ~ '^    \S.* [{]$') AS entities,
       count(*) FILTER (WHERE l !~ '^(erDiagram|    .*|)$') AS broken_lines
  FROM regexp_split_to_table(ormar.diagram(schema => 'dg'), E'\n') l;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP SCHEMA rr, a, many, dg, "dg.a" CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP ROLE ormar_rr_eve;
