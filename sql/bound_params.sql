-- Key arguments as bound parameters (DESIGN §5, issue 10 item 1).
-- Drivers send parameters untyped (node-postgres: all of them; psycopg 3: a
-- Python str or list of str), as text, as int2/int4/int8 (psycopg picks the
-- width from the value) or as uuid.  PREPARE without parameter types is what
-- a driver's Parse message with unspecified types does.  Every key argument
-- must work in each of these forms, and a key that does not convert must be
-- 42804, never 42P18 ("could not determine data type of parameter").
-- test/suites/clients.sh does the same through the real drivers.
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;

\i sql/include/try_sql.sql

-- integer, bigint and uuid keys; every relation kind the proxies serve
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"}}');
SELECT ormar.define_model('course', '{"id": {"type": "BigInteger", "primary_key": true},
    "name": {"type": "Text"},
    "department": {"type": "ForeignKey", "to": "department"}}');
SELECT ormar.define_model('tag', '{"id": {"type": "UUID", "primary_key": true},
    "name": {"type": "Text"}}');
SELECT ormar.many_to_many('course', 'tags', 'tag',
    through_fields => '{"weight": {"type": "Integer"}}');
SELECT ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"},
    "boss": {"type": "ForeignKey", "to": "person", "related_name": "reports"}}');
INSERT INTO department VALUES (1, 'Science'), (2, 'Arts');
INSERT INTO course VALUES (10, 'Math', 1), (11, 'Physics', 1), (12, 'History', NULL);
INSERT INTO tag VALUES ('00000000-0000-0000-0000-00000000000a', 'core'),
                       ('00000000-0000-0000-0000-00000000000b', 'hard');
INSERT INTO person VALUES (1, 'Ada', NULL), (2, 'Bob', 1), (3, 'Cy', 2);
INSERT INTO courses_tags (course, tag) VALUES (11, '00000000-0000-0000-0000-00000000000b');

-------------------------------------------------------------------------------
-- 1. What PostgreSQL resolves an untyped parameter to.  Without the text
--    overloads, an "any" argument leaves it without a type (42P18); with
--    them, function resolution prefers the string category: text.
-------------------------------------------------------------------------------
SELECT try_sql($$PREPARE plain_any AS SELECT pg_catalog.pg_typeof($1)$$) AS what_any_alone_does;

PREPARE rel_untyped AS SELECT * FROM ormar.related($1, $2, $3);
PREPARE rel_typed(regclass, text, text) AS SELECT * FROM ormar.related($1, $2, $3);
PREPARE rel_int2(regclass, int2, text) AS SELECT * FROM ormar.related($1, $2, $3);
PREPARE rel_int8(regclass, int8, text) AS SELECT * FROM ormar.related($1, $2, $3);
PREPARE rel_uuid(regclass, uuid, text) AS SELECT * FROM ormar.related($1, $2, $3);
PREPARE add_untyped AS SELECT ormar.add($1, $2, $3, $4);
PREPARE add_int_untyped AS SELECT ormar.add($1, $2::int4, $3, $4);
PREPARE add_untyped_int AS SELECT ormar.add($1, $2, $3, $4::int8);
PREPARE add_uuid_int(regclass, uuid, text, int2) AS SELECT ormar.add($1, $2, $3, $4);
PREPARE add_through_untyped AS SELECT ormar.add($1, $2, $3, $4, $5);
PREPARE remove_untyped AS SELECT ormar.remove($1, $2, $3, $4);
PREPARE remove_untyped5 AS SELECT ormar.remove($1, $2, $3, $4, $5);
PREPARE clear_untyped AS SELECT ormar.clear($1, $2, $3);
PREPARE clear_untyped4 AS SELECT ormar.clear($1, $2, $3, $4);
PREPARE create_untyped AS SELECT ormar.create_related($1, $2, $3, $4);
PREPARE create_untyped5 AS SELECT ormar.create_related($1, $2, $3, $4, $5);
PREPARE through_untyped AS SELECT ormar.update_through($1, $2, $3, $4, $5);
PREPARE fetch_untyped AS SELECT ormar.fetch($1, $2, $3);
PREPARE fetch2_untyped AS SELECT ormar.fetch($1, $2);
PREPARE many_untyped AS SELECT * FROM ormar.fetch_many($1, $2, $3);
PREPARE many_text_array(regclass, text[], text[]) AS SELECT * FROM ormar.fetch_many($1, $2, $3);
PREPARE many_int2_array(regclass, int2[]) AS SELECT * FROM ormar.fetch_many($1, $2);
PREPARE many_int8_array(regclass, int8[]) AS SELECT * FROM ormar.fetch_many($1, $2);
PREPARE many_uuid_array(regclass, uuid[], text[]) AS SELECT * FROM ormar.fetch_many($1, $2, $3);
PREPARE traverse_untyped AS SELECT * FROM ormar.traverse($1, $2, $3);
PREPARE traverse_untyped4 AS SELECT * FROM ormar.traverse($1, $2, $3, $4);

-- the parameter types each statement was given, and the function it calls
SELECT name, parameter_types,
       regexp_replace(statement, '^.*(ormar\.[a-z_]+)\(.*$', '\1') AS calls
  FROM pg_prepared_statements ORDER BY name;

-------------------------------------------------------------------------------
-- 2. Every function, each key form
-------------------------------------------------------------------------------
-- related: untyped, text, int2, int8 (for an integer key), uuid
EXECUTE rel_untyped('department', '1', 'courses');
EXECUTE rel_typed('department', '1', 'courses');
EXECUTE rel_int2('department', 1, 'courses');
EXECUTE rel_int8('course', 11, 'tags');
EXECUTE rel_untyped('tag', '00000000-0000-0000-0000-00000000000b', 'courses');
EXECUTE rel_uuid('tag', '00000000-0000-0000-0000-00000000000b', 'courses');
EXECUTE rel_typed('tag', '00000000-0000-0000-0000-00000000000b', 'courses');
EXECUTE rel_untyped('department', '99', 'courses');

-- add: both keys untyped, int + untyped, untyped + int, uuid + int, through values
EXECUTE add_untyped('course', '10', 'tags', '00000000-0000-0000-0000-00000000000a');
EXECUTE add_int_untyped('course', 11, 'tags', '00000000-0000-0000-0000-00000000000a');
EXECUTE add_untyped_int('department', '2', 'courses', 12);
EXECUTE add_uuid_int('tag', '00000000-0000-0000-0000-00000000000b', 'courses', 10);
EXECUTE add_through_untyped('course', '12', 'tags', '00000000-0000-0000-0000-00000000000b', '{"weight": 3}');
EXECUTE add_untyped('course', '10', 'tags', '00000000-0000-0000-0000-00000000000a');
SELECT course, tag, weight FROM courses_tags ORDER BY course, tag;
SELECT id, department FROM course ORDER BY id;

-- update_through, remove, clear with untyped keys (and their optional arguments)
EXECUTE through_untyped('course', '10', 'tags', '00000000-0000-0000-0000-00000000000b', '{"weight": 9}');
SELECT course, tag, weight FROM courses_tags ORDER BY course, tag;
EXECUTE remove_untyped('course', '11', 'tags', '00000000-0000-0000-0000-00000000000a');
EXECUTE remove_untyped5('department', '2', 'courses', '12', 'false');
SELECT id FROM course ORDER BY id;
EXECUTE clear_untyped('tag', '00000000-0000-0000-0000-00000000000b', 'courses');
EXECUTE clear_untyped4('course', '10', 'tags', 'true');
SELECT count(*) AS links_left FROM courses_tags;

-- create_related (with and without through values)
EXECUTE create_untyped('department', '2', 'courses', '{"id": 13, "name": "Art"}');
EXECUTE create_untyped5('course', '13', 'tags',
    '{"id": "00000000-0000-0000-0000-00000000000c", "name": "new"}', '{"weight": 1}');
SELECT course, tag, weight FROM courses_tags ORDER BY course, tag;

-- fetch and fetch_many: untyped key, untyped array literal, text[], int2[],
-- int8[], uuid[]; order is the array's, a NULL element is 22004
EXECUTE fetch_untyped('department', '2', '{courses__tags}');
EXECUTE fetch2_untyped('tag', '00000000-0000-0000-0000-00000000000c');
EXECUTE many_untyped('department', '{2,1,99}', '{}');
SELECT try_sql($$EXECUTE many_untyped('department', '{2,NULL,1,99}', '{}')$$);
EXECUTE many_untyped('tag', '{"00000000-0000-0000-0000-00000000000c"}', '{courses}');
EXECUTE many_text_array('course', '{13,10}', '{department}');
EXECUTE many_int2_array('course', '{13}');
EXECUTE many_int8_array('department', '{1}');
EXECUTE many_uuid_array('tag', '{00000000-0000-0000-0000-00000000000a}', '{}');
SELECT * FROM ormar.fetch_many('department', '{2}');

-- traverse
EXECUTE traverse_untyped('person', '1', 'reports');
EXECUTE traverse_untyped4('person', '1', 'reports', '1');

-------------------------------------------------------------------------------
-- 3. A key that does not convert: 42804 in every form, never 42P18; NULL: 22004
-------------------------------------------------------------------------------
SELECT stmt, try_sql(stmt) FROM (VALUES
  ($$EXECUTE rel_untyped('department', 'one', 'courses')$$),
  ($$EXECUTE rel_typed('department', '1.5', 'courses')$$),
  ($$EXECUTE rel_untyped('tag', '42', 'courses')$$),
  ($$EXECUTE rel_int2('tag', 42, 'courses')$$),
  ($$EXECUTE rel_uuid('department', '00000000-0000-0000-0000-00000000000a', 'courses')$$),
  ($$EXECUTE rel_int8('department', 9999999999, 'courses')$$),
  ($$EXECUTE add_untyped('course', 'x', 'tags', '00000000-0000-0000-0000-00000000000a')$$),
  ($$EXECUTE add_untyped('course', '10', 'tags', 'x')$$),
  ($$EXECUTE add_int_untyped('course', 10, 'tags', '10')$$),
  ($$EXECUTE remove_untyped('course', '10', 'tags', '7')$$),
  ($$EXECUTE clear_untyped('tag', 'x', 'courses')$$),
  ($$EXECUTE create_untyped('department', 'x', 'courses', '{}')$$),
  ($$EXECUTE through_untyped('course', '10', 'tags', 'x', '{}')$$),
  ($$EXECUTE fetch_untyped('tag', 'x', '{}')$$),
  ($$EXECUTE many_untyped('department', '1', '{}')$$),
  ($$EXECUTE many_untyped('department', '{1,x}', '{}')$$),
  ($$EXECUTE many_text_array('tag', '{1}', '{}')$$),
  ($$EXECUTE many_int2_array('tag', '{1}')$$),
  ($$EXECUTE traverse_untyped('person', 'x', 'reports')$$),
  ($$EXECUTE rel_untyped('department', NULL, 'courses')$$),
  ($$EXECUTE add_untyped('course', '10', 'tags', NULL)$$),
  ($$EXECUTE many_untyped('department', NULL, '{}')$$)
) v(stmt);

-------------------------------------------------------------------------------
-- 4. The overloads mirror each other.  For every function with "any" (or
--    anyarray) key arguments there is one overload per combination of text
--    in their place, with the same argument names, defaults, result, C
--    function and volatility.  An argument added to one signature and not to
--    the others (say options jsonb DEFAULT NULL) shows up here.
-------------------------------------------------------------------------------
CREATE TEMP VIEW bp_overloads AS
WITH f AS (
  SELECT p.oid, p.proname, p.pronargs, p.proargtypes::oid[] AS types, p.proargnames,
         p.prosrc, p.provolatile, p.proretset, p.prorettype,
         pg_get_expr(p.proargdefaults, 0) AS defaults,
         (SELECT count(*) FROM unnest(p.proargtypes::oid[]) t
           WHERE t IN ('"any"'::regtype, 'anyarray'::regtype))::int AS nkeys
    FROM pg_proc p WHERE p.pronamespace = 'ormar'::regnamespace
), base AS (          -- the signatures of DESIGN §5: the most "any" keys of their name
  SELECT * FROM f
   WHERE nkeys > 0 AND nkeys = (SELECT max(g.nkeys) FROM f g WHERE g.proname = f.proname)
)
SELECT b.oid AS base, b.nkeys AS base_keys, o.*,
       o.proargnames = b.proargnames AND o.prosrc = b.prosrc
         AND o.provolatile = b.provolatile AND o.proretset = b.proretset
         AND o.prorettype = b.prorettype
         AND o.defaults IS NOT DISTINCT FROM b.defaults AS same_but_keys
  FROM base b
  JOIN f o ON o.proname = b.proname AND o.pronargs = b.pronargs
   AND NOT EXISTS (SELECT FROM generate_subscripts(b.types, 1) i
                    WHERE o.types[i] <> b.types[i]
                      AND NOT (b.types[i] IN ('"any"'::regtype, 'anyarray'::regtype)
                               AND o.types[i] = 'text'::regtype))
UNION ALL             -- overloads of those names that mirror no signature
SELECT NULL::oid, NULL::int, f.*, false FROM f
 WHERE f.proname IN (SELECT proname FROM base)
   AND NOT EXISTS (SELECT FROM base b WHERE b.proname = f.proname AND b.pronargs = f.pronargs);

SELECT base::regprocedure AS signature, count(*) AS overloads, 2 ^ base_keys AS expected,
       bool_and(same_but_keys) AS same_names_defaults_result_and_c_function
  FROM bp_overloads WHERE base IS NOT NULL
 GROUP BY base, base_keys ORDER BY base::regprocedure::text;
SELECT oid::regprocedure AS overload_mirroring_no_signature
  FROM bp_overloads WHERE base IS NULL ORDER BY 1::text;
-- what \df shows for them
SELECT oid::regprocedure AS overload, pg_get_function_arguments(oid) AS arguments
  FROM bp_overloads WHERE base IS NOT NULL
 ORDER BY proname, nkeys DESC, oid::regprocedure::text;

-------------------------------------------------------------------------------
-- 5. The same resolution once related / fetch / fetch_many take a trailing
--    options jsonb DEFAULT NULL (DESIGN §5): stand-ins with those signatures
--    in a scratch schema (bodies never run).  The type each parameter was
--    given shows the overload chosen: untyped keys reach the text overload
--    with or without the options argument (by position or by name), typed
--    keys the "any" one.
-------------------------------------------------------------------------------
CREATE SCHEMA bp_next;
CREATE FUNCTION bp_next.related(model regclass, pk "any", relation text, options jsonb DEFAULT NULL)
RETURNS regtype LANGUAGE internal STABLE AS 'pg_typeof';
CREATE FUNCTION bp_next.related(model regclass, pk text, relation text, options jsonb DEFAULT NULL)
RETURNS regtype LANGUAGE internal STABLE AS 'pg_typeof';
CREATE FUNCTION bp_next.fetch_many(model regclass, pks anyarray, include text[] DEFAULT '{}', options jsonb DEFAULT NULL)
RETURNS regtype LANGUAGE internal STABLE AS 'pg_typeof';
CREATE FUNCTION bp_next.fetch_many(model regclass, pks text, include text[] DEFAULT '{}', options jsonb DEFAULT NULL)
RETURNS regtype LANGUAGE internal STABLE AS 'pg_typeof';
PREPARE next_rel3 AS SELECT bp_next.related($1, $2, $3);
PREPARE next_rel4 AS SELECT bp_next.related($1, $2, $3, $4);
PREPARE next_rel4_int AS SELECT bp_next.related($1, $2::int8, $3, $4);
PREPARE next_rel_named AS SELECT bp_next.related(model => $1, pk => $2, relation => $3, options => $4);
PREPARE next_many2 AS SELECT bp_next.fetch_many($1, $2);
PREPARE next_many4 AS SELECT bp_next.fetch_many($1, $2, $3, $4);
PREPARE next_many4_int(regclass, int2[], text[], jsonb) AS SELECT bp_next.fetch_many($1, $2, $3, $4);
SELECT name, parameter_types FROM pg_prepared_statements
 WHERE name LIKE 'next\_%' ORDER BY name;
DROP SCHEMA bp_next CASCADE;

DEALLOCATE ALL;
DROP TABLE courses_tags, course, tag, department, person CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg;
