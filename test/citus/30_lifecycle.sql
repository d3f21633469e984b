-- Row-based sharding over a model's life: pending relations waiting for a
-- Citus table, adopting tables Citus already distributed, extra through
-- columns, traverse on a reference table, dropping relations, and column
-- changes of reference tables.
\set QUIET on
SET client_min_messages = warning;
SELECT plan(47);
SET client_min_messages = error;
CREATE FUNCTION pg_temp.q(sql text) RETURNS text LANGUAGE plpgsql AS
$$DECLARE r text; BEGIN EXECUTE sql INTO r; RETURN r; END$$;
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS
$$DECLARE s text; m text; d text; h text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN s || ' | ' || m || ' | ' || d || ' | ' || h;
END$$;
CREATE FUNCTION pg_temp.kind(t regclass) RETURNS text LANGUAGE sql AS
$$SELECT COALESCE((SELECT CASE WHEN p.partmethod = 'h'
                          THEN 'distributed:' || pg_catalog.column_to_column_name(p.logicalrelid, p.partkey)
                          WHEN p.repmodel = 't' THEN 'reference' ELSE 'single shard' END
                   FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = t), 'local')$$;
SET client_min_messages = warning;

CREATE SCHEMA lc;
-- tables Citus distributed before ormar_pg knew them
CREATE TABLE lc.city (id bigint PRIMARY KEY, name text);
SELECT create_reference_table('lc.city');
CREATE TABLE lc.shop (id bigint PRIMARY KEY, name text);
SELECT create_distributed_table('lc.shop', 'id');
SELECT lives_ok($$SELECT ormar.register_model('lc.city')$$, 'register a reference table');
SELECT lives_ok($$SELECT ormar.register_model('lc.shop')$$, 'register a distributed table');
SELECT lives_ok($$SELECT ormar.foreign_key('lc.shop', 'city', 'city')$$, 'declare distributed -> reference');
INSERT INTO lc.city VALUES (1, 'Oslo'), (2, 'Rome');
INSERT INTO lc.shop VALUES (10, 'north', NULL), (11, 'south', NULL);
SELECT ok(ormar.add('lc.city', 2, 'shops', 11), 'add from the reference side');
SELECT is(ormar.fetch('lc.city', 2, '{shops}'),
    '{"id": 2, "name": "Rome", "shops": [{"id": 11, "city": 2, "name": "south"}]}'::jsonb, 'fetch over it');

-- a relation pending on a model that must become a Citus table first
SELECT is(pg_temp.err($$SELECT ormar.define_model('product', '{"id": {"type": "BigInteger", "primary_key": true},
    "shop": {"type": "ForeignKey", "to": "shop"}}', 'lc')$$),
    '0A000 | relation "product.shop" would reference a distributed table from a local table | Citus does not allow a foreign key from a local table to a distributed table. | Make "product" a Citus table first: SELECT ormar.distribute(''product'').',
    'a new (local) model with a foreign key to a distributed table: refused, whole call undone');
SELECT is(to_regclass('lc.product'), NULL, '... no table left behind');
SELECT ormar.define_model('product', '{"id": {"type": "BigInteger", "primary_key": true},
    "brand": {"type": "ForeignKey", "to": "brand"}}', 'lc');
SELECT is((SELECT status FROM ormar.relations WHERE model = 'lc.product'::regclass AND name = 'brand'), 'pending',
    'product.brand waits for brand');
SELECT lives_ok($$SELECT ormar.distribute('lc.product', 'id')$$, 'product distributed while brand is missing');
SELECT ormar.define_model('brand', '{"id": {"type": "BigInteger", "primary_key": true}, "name": {"type": "Text"}}', 'lc');
SELECT is((SELECT status FROM ormar.relations WHERE model = 'lc.product'::regclass AND name = 'brand'), 'pending',
    'defining brand as a local table leaves it pending (Citus: no key from a distributed table to a local one)');
SELECT is(pg_temp.kind('lc.product'), 'distributed:id', '... and product was not touched');
SELECT lives_ok($$SELECT ormar.distribute('lc.brand')$$, 'brand becomes a reference table');
SELECT is((SELECT status FROM ormar.relations WHERE model = 'lc.product'::regclass AND name = 'brand'), 'resolved',
    '... which builds product.brand');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'lc.product'::regclass
           AND confrelid = 'lc.brand'::regclass), 'FOREIGN KEY (brand) REFERENCES lc.brand(id)', '... with its key');

-- extra through columns on a distributed through table
SELECT lives_ok($$SELECT ormar.many_to_many('lc.shop', 'brands', 'brand',
    through_fields => '{"since": {"type": "Date"}, "exclusive": {"type": "Boolean", "default": false}}')$$,
    'many-to-many distributed <-> reference with through_fields');
INSERT INTO lc.brand VALUES (5, 'acme');
SELECT ok(ormar.add('lc.shop', 10, 'brands', 5, '{"since": "2024-01-02"}'), 'add with through values');
SELECT ok(ormar.update_through('lc.shop', 10, 'brands', 5, '{"exclusive": true}'), 'update_through');
SELECT is(ormar.fetch('lc.brand', 5, '{shops}') -> 'shops' -> 0 -> 'through',
    '{"since": "2024-01-02", "exclusive": true}'::jsonb, 'fetch shows the through values');

-- traverse on a self-referencing reference table
SELECT ormar.define_model('region', '{"id": {"type": "BigInteger", "primary_key": true},
    "parent": {"type": "ForeignKey", "to": "region", "related_name": "children"}}', 'lc');
SELECT lives_ok($$SELECT ormar.distribute('lc.region')$$, 'a self-referencing model becomes a reference table');
INSERT INTO lc.region VALUES (1, NULL), (2, 1), (3, 1), (4, 2);
SELECT results_eq($$SELECT depth, (node ->> 'id')::int FROM ormar.traverse('lc.region', 1, 'children')$$,
    $$VALUES (0, 1), (1, 2), (1, 3), (2, 4)$$, 'traverse a reference table');

-- column changes of a reference model
ALTER TABLE lc.city ADD COLUMN country text DEFAULT 'n/a';
SELECT is(ormar.fetch('lc.shop', 11, '{city}') -> 'city' ->> 'country', 'n/a', 'fetch sees a column added to a reference table');
ALTER TABLE lc.city RENAME COLUMN name TO title;
SELECT is(pg_temp.q($$SELECT title FROM lc.shop s JOIN lc.city c ON c.id = s.city WHERE s.id = 11$$), 'Rome',
    'the renamed column');
SELECT results_eq($$SELECT r ->> 'name' FROM ormar.related('lc.city', 2, 'shops') r$$, ARRAY['south'],
    'related after the reference table changed');

-- dropping relations between Citus tables
SELECT lives_ok($$SELECT ormar.drop_relation('lc.shop', 'brands', drop_data => true)$$,
    'drop a many-to-many with its distributed through table');
SELECT is((SELECT count(*)::int FROM pg_class WHERE relname = 'shops_brands' AND relnamespace = 'lc'::regnamespace), 0,
    '... the through table is gone');
SELECT lives_ok($$SELECT ormar.drop_relation('lc.shop', 'city')$$, 'drop a foreign key distributed -> reference');

-- dropping Citus models
SELECT lives_ok($$DROP TABLE lc.region CASCADE$$, 'DROP TABLE ... CASCADE of a reference model with a self-reference');
SELECT is((SELECT count(*)::int FROM ormar.relations WHERE model::text = 'lc.region' OR target::text = 'lc.region'), 0,
    '... its relations are forgotten');
SELECT is((SELECT count(*)::int FROM ormar.models WHERE name = 'region' AND schema = 'lc'), 0, '... and the model');
SELECT lives_ok($$SELECT ormar.drop_model('lc.product', cascade => true)$$, 'drop_model of a distributed model');
SELECT is(pg_temp.kind('lc.product'), 'distributed:id', '... the table stays, distributed');

-- many-to-many between a tenant table (uni, 10_schema_sharding.sql) and a
-- reference table (rb, 20_row_sharding.sql)
SELECT lives_ok($$SELECT ormar.foreign_key('uni.student', 'favourite', 'rb.category', related_name => 'fans')$$,
    'foreign key tenant -> reference');
SELECT ok(ormar.add('uni.student', 2, 'favourite', 1), '... and set');
SELECT is(ormar.fetch('rb.category', 1, '{fans}') -> 'fans' -> 0 ->> 'name', 'bob', 'fetch of the reverse side from the reference table');
SELECT lives_ok($$SELECT ormar.many_to_many('uni.student', 'topics', 'rb.category', related_name => 'learners')$$,
    'many-to-many tenant -> reference');
SELECT is(pg_temp.kind((SELECT through FROM ormar.relations WHERE model = 'uni.student'::regclass AND name = 'topics')),
    'single shard', '... its through table is a tenant table of uni');
SELECT ok(ormar.add('uni.student', 1, 'topics', 2), '... and links');
SELECT is(ormar.fetch('rb.category', 2, '{learners}') -> 'learners' -> 0 ->> 'name', 'ann', 'fetch from the reference side');
SELECT is(pg_temp.err($$SELECT ormar.many_to_many('rb.category', 'pupils', 'uni.student', related_name => 'pupil_of')$$),
    '0A000 | relation "category.pupils" would create its through table "categorys_pupils" outside distributed schema "uni" | Citus allows foreign keys to a tenant table only from tables of its own distributed schema. | Give the relation a through table in schema "uni" (through => ''uni.categorys_pupils''), or declare it on "student".',
    'from the reference side, a through table outside the tenant schema: refused');
SELECT lives_ok($$SELECT ormar.many_to_many('rb.category', 'pupils', 'uni.student', through => 'uni.category_pupils', related_name => 'pupil_of')$$,
    '... with a through table in the tenant schema it works');
SELECT ok(ormar.add('rb.category', 1, 'pupils', 2), '... and links');

-- every narrow identity column becomes a sequence that continues it
CREATE TABLE lc.twoid (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n smallint GENERATED BY DEFAULT AS IDENTITY);
INSERT INTO lc.twoid DEFAULT VALUES;
SELECT ormar.register_model('lc.twoid');
SELECT lives_ok($$SELECT ormar.distribute('lc.twoid', 'id')$$, 'a table with an integer and a smallint identity is distributed');
SELECT is(pg_temp.q($$WITH r AS (INSERT INTO lc.twoid DEFAULT VALUES RETURNING id, n) SELECT id || '/' || n FROM r$$), '2/2',
    '... both keep counting');
-- DDL from Citus's own connections (application_name "citus_internal ...",
-- as on a worker receiving shard DDL) is left alone by the event triggers
SELECT ormar.define_model('a', '{"id": {"type": "Integer", "primary_key": true}}', 'lc');
SELECT ormar.define_model('b', '{"id": {"type": "Integer", "primary_key": true}, "a": {"type": "ForeignKey", "to": "a"}}', 'lc');
SET application_name = 'citus_internal gpid=10000000001';
ALTER TABLE lc.b RENAME COLUMN a TO a_id;
RESET application_name;
SELECT is((SELECT column_name::text FROM ormar.relations WHERE model = 'lc.b'::regclass AND name = 'a'), 'a',
    'a rename run by a Citus internal connection is not followed');
SET application_name = 'citus_internal gpid=10000000001';
ALTER TABLE lc.b RENAME COLUMN a_id TO a;
RESET application_name;
ALTER TABLE lc.b RENAME COLUMN a TO a_ref;
SELECT is((SELECT column_name::text FROM ormar.relations WHERE model = 'lc.b'::regclass AND name = 'a'), 'a_ref',
    'the same rename by a user is followed');
ALTER TABLE lc.b RENAME TO b_2024;
SELECT is((SELECT count(*)::int FROM ormar.relations WHERE model = 'lc.a'::regclass AND name = 'bs'
           AND pg_get_functiondef(accessor) LIKE '%lc.b_2024%'), 1,
    'a user''s rename to "<name>_<number>" is followed: the reverse accessor reads lc.b_2024');
INSERT INTO lc.a VALUES (1);
INSERT INTO lc.b_2024 VALUES (5, 1);
SELECT results_eq($$SELECT c.id FROM lc.a a, lc.bs(a) c$$, ARRAY[5], '... and works');
SELECT * FROM finish();
