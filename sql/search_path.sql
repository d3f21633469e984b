-- Column types written by define_model, define_models and through_fields are
-- schema-qualified: a schema placed before pg_catalog in search_path, holding
-- domains named like the built-in types, cannot give new columns its types.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Helper: column types of a table, fully qualified, in attnum order.
CREATE FUNCTION coltypes(tbl regclass)
RETURNS TABLE (name name, type text, dflt text)
LANGUAGE sql STABLE AS $f$
  SELECT a.attname, n.nspname || '.' || t.typname,
         pg_catalog.pg_get_expr(d.adbin, d.adrelid)
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attnum
$f$;

-- A domain for every built-in type name that is not an SQL keyword, each
-- refusing the value 'x' (or its equivalent) so that using it shows.
CREATE SCHEMA evil;
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (VALUE <> 'x');
CREATE DOMAIN evil.uuid AS pg_catalog.uuid
    CHECK (VALUE <> '00000000-0000-0000-0000-000000000000');
CREATE DOMAIN evil.jsonb AS pg_catalog.jsonb CHECK (VALUE <> '{"a": 1}');
CREATE DOMAIN evil.date AS pg_catalog.date CHECK (VALUE <> '2000-01-01');
CREATE DOMAIN evil.bytea AS pg_catalog.bytea CHECK (VALUE <> '\x78');
CREATE DOMAIN evil.numeric AS pg_catalog.numeric CHECK (VALUE <> 0);
CREATE DOMAIN evil.varchar AS pg_catalog.varchar CHECK (VALUE <> 'x');
CREATE DOMAIN evil.timestamptz AS pg_catalog.timestamptz;
CREATE DOMAIN evil.int4 AS pg_catalog.int4 CHECK (VALUE <> 0);

SET search_path = public, evil, pg_catalog;
-- (the domains really are what unqualified names find now)
SELECT pg_catalog.format_type('text'::regtype, NULL) AS text_is,
       pg_catalog.format_type('uuid'::regtype, NULL) AS uuid_is;

-- every field type, and defaults that the domains refuse but the real types take
SELECT ormar.define_model('typed', '{
  "id":      {"type": "UUID", "primary_key": true},
  "title":   {"type": "Text", "default": "x"},
  "name":    {"type": "String", "max_length": 10, "default": "x"},
  "amount":  {"type": "Decimal", "max_digits": 6, "decimal_places": 2, "default": 0},
  "plain":   {"type": "Decimal", "default": 0},
  "day":     {"type": "Date", "default": "2000-01-01"},
  "doc":     {"type": "JSON", "default": {"a": 1}},
  "blob":    {"type": "LargeBinary", "default": "x"},
  "at":      {"type": "DateTime", "timezone": true},
  "n":       {"type": "Integer", "default": 0},
  "parent":  {"type": "ForeignKey", "to": "typed"}
}', 'public');

-- models defined together: a foreign key typed as a key defined in the same call
SELECT ormar.define_models('{
  "tag":     {"code": {"type": "UUID", "primary_key": true}, "label": {"type": "Text"}},
  "tagged":  {"id": {"type": "Integer", "primary_key": true},
              "tag": {"type": "ForeignKey", "to": "tag"},
              "tags": {"type": "ManyToMany", "to": "tag", "through": "tagged_tags",
                       "related_name": "tagged_by",
                       "through_fields": {"note": {"type": "Text", "default": "x"},
                                          "on_day": {"type": "Date"}}}}
}') ORDER BY 1;

-- a many-to-many declared with through_fields under the same search_path
SELECT ormar.many_to_many('public.typed', 'tags', 'tag', through => 'typed_tags', related_name => 'typed_by',
    through_fields => '{"note": {"type": "Text", "default": "x"}, "weight": {"type": "Decimal"}}');

RESET search_path;

-- every column has the pg_catalog type, and every default its pg_catalog cast
SELECT * FROM coltypes('typed');
SELECT * FROM coltypes('tag');
SELECT * FROM coltypes('tagged');
SELECT * FROM coltypes('tagged_tags');
SELECT * FROM coltypes('typed_tags');

-- the defaults the domains would refuse are stored
INSERT INTO typed (id) VALUES ('00000000-0000-0000-0000-000000000000');
SELECT id, title, name, amount, plain, day, doc, blob, at, n, parent FROM typed;
INSERT INTO tag VALUES ('00000000-0000-0000-0000-000000000000', 'x');
INSERT INTO tagged VALUES (1, '00000000-0000-0000-0000-000000000000');
SELECT ormar.add('tagged', 1, 'tags', '00000000-0000-0000-0000-000000000000');
SELECT * FROM tagged_tags;

-- describe under the hostile search_path still names the real types
SET search_path = public, evil, pg_catalog;
SELECT ormar.describe('public.typed');
RESET search_path;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP TABLE typed, tag, tagged, tagged_tags, typed_tags CASCADE;
DROP SCHEMA evil CASCADE;
DROP FUNCTION coltypes(regclass);
RESET client_min_messages;
