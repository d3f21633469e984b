-- pgTAP: the jsonb that ormar.related and ormar.traverse build in C for each
-- row (src/rowjson.c) is exactly what to_jsonb writes (DESIGN §5), byte for
-- byte, for columns of every kind of type (numbers with their edge values,
-- text with escapes, date and time types under the session's settings,
-- json, jsonb scalars and containers, arrays, composites, domains, enums),
-- NULLs, key order, a dropped and an added column, the "through" object of
-- a many-to-many (replacing a target column of that name), and settings
-- that change between calls of one cached plan.  Runs in its own database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(16);

SET LOCAL client_min_messages = warning;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a integer, b text);
CREATE DOMAIN small_int AS integer CHECK (VALUE < 1000);
CREATE DOMAIN label AS text;
DO $do$
BEGIN
    PERFORM ormar.define_model('owner', '{"id": {"type": "Integer", "primary_key": true}}');
    PERFORM ormar.define_model('thing', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "Text"}}');
    PERFORM ormar.foreign_key('thing', 'owner', related_name => 'things');
    PERFORM ormar.define_model('node', '{"id": {"type": "Integer", "primary_key": true},
                                         "label": {"type": "Text"}}');
    PERFORM ormar.foreign_key('node', 'parent', 'node', related_name => 'children');
    PERFORM ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true},
                                        "through": {"type": "Text"}}');
    PERFORM ormar.many_to_many('thing', 'tags', 'tag',
        through_fields => '{"weight": {"type": "Float"}, "note": {"type": "Text"}}');
    PERFORM ormar.define_model('plain', '{"id": {"type": "Integer", "primary_key": true}}');
    PERFORM ormar.many_to_many('thing', 'plains', 'plain', related_name => 'things');
END
$do$;
ALTER TABLE thing
    ADD COLUMN i2 smallint, ADD COLUMN i8 bigint, ADD COLUMN num numeric,
    ADD COLUMN f4 real, ADD COLUMN f8 double precision, ADD COLUMN ok boolean,
    ADD COLUMN vc varchar(20), ADD COLUMN bp char(6), ADD COLUMN d date,
    ADD COLUMN ts timestamp, ADD COLUMN tstz timestamptz, ADD COLUMN t time,
    ADD COLUMN iv interval, ADD COLUMN u uuid, ADD COLUMN by bytea, ADD COLUMN ip inet,
    ADD COLUMN js json, ADD COLUMN jb jsonb, ADD COLUMN ia integer[], ADD COLUMN ta text[],
    ADD COLUMN pr pair, ADD COLUMN si small_int, ADD COLUMN lb label, ADD COLUMN md mood,
    ADD COLUMN "a" integer, ADD COLUMN "Zz é ""q""" text,
    ADD COLUMN a_column_whose_name_is_quite_long_for_ordering_keys integer;
ALTER TABLE thing ADD COLUMN gone integer;
ALTER TABLE thing DROP COLUMN gone;
INSERT INTO owner VALUES (1), (2);
INSERT INTO thing (id, owner, name, i2, i8, num, f4, f8, ok, vc, bp, d, ts, tstz, t, iv, u,
                   by, ip, js, jb, ia, ta, pr, si, lb, md, "a", "Zz é ""q""",
                   a_column_whose_name_is_quite_long_for_ordering_keys) VALUES
 (1, 1, 'plain', 1, 2, 3.50, 1.5, 2.25, true, 'v', 'b', '2024-02-29', '2024-02-29 12:34:56.789',
  '2024-02-29 12:34:56+02', '01:02:03', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '\x00ff', '10.0.0.1/8', '{"b": 1, "a": [1, 2], "b": 2}', '{"z": {"y": [1, "x", null]}, "a": 1}',
  '{{1,2},{3,4}}', '{"x","y z",NULL}', '(7,"seven")', 999, 'label', 'happy', 0, 'q', 42),
 (2, 1, E'quote " backslash \\ tab \t newline \n unicode é ☃ \u0001', -32768,
  9223372036854775807, 'NaN', 'Infinity', '-Infinity', false, '', '', 'infinity', '-infinity',
  'infinity', '24:00:00', '-1 year 2 mons', NULL, '\x', '::1', '"just a string"', '"s"',
  '{}', '{}', '(,)', -5, '', 'sad', NULL, NULL, NULL),
 (3, 1, NULL, NULL, NULL, '-0.000000000000000000001', 'NaN', 1e300, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, '  12.50  ', '12.50', NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL),
 (4, 1, 'numbers', 0, -1, 123456789012345678901234567890.000000000000001, 1e-7, 1e20, true, NULL,
  NULL, '0001-01-01 BC', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+05:30',
  NULL, '0', NULL, NULL, NULL, 'null', 'null', '{}', '{NULL}', NULL, 0, NULL, 'ok', 1, '', 0),
 (5, 2, 'other owner', NULL, NULL, 0.0, -0.0, -0.0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, '[1, "a", {"k": true}]', '[true, false]', '{1}', NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL);

-- related's rows of owner 1 against to_jsonb of the same rows, as text (exact bytes)
CREATE FUNCTION same_as_to_jsonb() RETURNS text LANGUAGE sql AS $$
    SELECT (SELECT string_agg(r::text, E'\n') FROM ormar.related('owner', 1, 'things') r)
           || E'\n--\n'
           || (SELECT string_agg(to_jsonb(x)::text, E'\n' ORDER BY x.id) FROM thing x
                WHERE x.owner = 1)
$$;
CREATE FUNCTION halves_agree(s text) RETURNS boolean LANGUAGE sql AS $$
    SELECT split_part(s, E'\n--\n', 1) = split_part(s, E'\n--\n', 2)
$$;

SELECT ok(halves_agree(same_as_to_jsonb()),
          'related builds every row exactly as to_jsonb writes it');
SELECT is((SELECT count(*) FROM ormar.related('owner', 1, 'things')), 4::bigint,
          'related returns every row of the relation');
SELECT is((SELECT r FROM ormar.related('owner', 1, 'things') r LIMIT 1) ->> 'gone', NULL,
          'a dropped column is not in the object');
SELECT is((SELECT (r -> 'jb' -> 'z' -> 'y') FROM ormar.related('owner', 1, 'things') r LIMIT 1),
          '[1, "x", null]'::jsonb, 'a jsonb column is embedded as jsonb, not as a string');
SELECT is((SELECT jsonb_typeof(r -> 'jb') FROM ormar.related('owner', 1, 'things') r
            WHERE r ->> 'id' = '2'), 'string', 'a jsonb scalar is embedded as the scalar');

-- settings read at each call, not frozen into the kept plan
SET LOCAL TimeZone = 'Asia/Kathmandu';
SET LOCAL IntervalStyle = 'sql_standard';
SET LOCAL extra_float_digits = 0;
SET LOCAL bytea_output = 'escape';
SELECT ok(halves_agree(same_as_to_jsonb()),
          'time zone, interval style, float digits and bytea output of the call apply');
SELECT is((SELECT r ->> 'tstz' FROM ormar.related('owner', 1, 'things') r LIMIT 1),
          '2024-02-29T16:19:56+05:45', 'timestamptz is written in the session time zone');
RESET TimeZone;
RESET IntervalStyle;
RESET extra_float_digits;
RESET bytea_output;

-- a column added after the plan was kept shows up; one dropped goes
ALTER TABLE thing ADD COLUMN later text DEFAULT 'added';
SELECT is((SELECT r ->> 'later' FROM ormar.related('owner', 1, 'things') r LIMIT 1), 'added',
          'a column added after the first call is in the object');
ALTER TABLE thing DROP COLUMN vc;
SELECT ok(halves_agree(same_as_to_jsonb()), 'after ADD and DROP COLUMN related still matches to_jsonb');
SELECT ok(NOT (SELECT r ? 'vc' FROM ormar.related('owner', 1, 'things') r LIMIT 1),
          'the dropped column is gone from the object');

-- the to-one direction
SELECT is((SELECT r::text FROM ormar.related('thing', 1, 'owner') r),
          (SELECT to_jsonb(o)::text FROM owner o WHERE o.id = 1), 'related of a forward key');

-- many-to-many: the "through" object replaces a target column named "through"
INSERT INTO tag VALUES (1, 'a column'), (2, NULL);
INSERT INTO things_tags (thing, tag, weight, note) VALUES (1, 2, 0.5, 'n'), (1, 1, NULL, NULL);
SELECT is((SELECT string_agg(r::text, ' ') FROM ormar.related('thing', 1, 'tags') r),
          (SELECT string_agg((to_jsonb(g) || jsonb_build_object('through',
                       jsonb_build_object('weight', th.weight, 'note', th.note)))::text, ' '
                       ORDER BY g.id)
             FROM things_tags th JOIN tag g ON g.id = th.tag WHERE th.thing = 1),
          'a many-to-many with extra through columns embeds them under "through"');
SELECT is((SELECT string_agg(r::text, ' ') FROM ormar.related('tag', 2, 'things') r),
          (SELECT string_agg((to_jsonb(x) || jsonb_build_object('through',
                       jsonb_build_object('weight', th.weight, 'note', th.note)))::text, ' ')
             FROM things_tags th JOIN thing x ON x.id = th.thing WHERE th.tag = 2),
          'the reverse direction embeds them too');
INSERT INTO plain VALUES (1);
INSERT INTO things_plains (thing, plain) VALUES (1, 1), (2, 1);
SELECT is((SELECT string_agg(r::text, ' ') FROM ormar.related('plain', 1, 'things') r),
          (SELECT string_agg(to_jsonb(x)::text, ' ' ORDER BY x.id) FROM thing x WHERE x.id IN (1, 2)),
          'a many-to-many without extra columns has no "through" key');

-- traverse builds its nodes the same way
INSERT INTO node (id, label, parent) VALUES (1, 'root', NULL), (2, E'a "b" \\', 1), (3, NULL, 1),
                                           (4, 'é', 2);
SELECT is((SELECT string_agg(depth || ' ' || node::text, ', ' ORDER BY depth, node ->> 'id')
             FROM ormar.traverse('node', 1, 'children')),
          (SELECT string_agg(d || ' ' || to_jsonb(n)::text, ', ' ORDER BY d, n.id::text)
             FROM node n JOIN (VALUES (1, 0), (2, 1), (3, 1), (4, 2)) v(id, d) ON v.id = n.id),
          'traverse nodes are exactly to_jsonb of the rows');
ALTER TABLE node ADD COLUMN extra numeric DEFAULT 1.10;
SELECT is((SELECT node::text FROM ormar.traverse('node', 4, 'children')),
          (SELECT to_jsonb(n)::text FROM node n WHERE n.id = 4),
          'traverse follows a column added after its first call');

SELECT * FROM finish();
ROLLBACK;
