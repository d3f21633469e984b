-- Schema-based sharding: every table ormar_pg creates in a distributed schema
-- is a tenant table of that schema, and every relation kind works there.
\set QUIET on
SET client_min_messages = warning;
SELECT plan(43);
-- Citus sends a query on a tenant table to its worker whole, pgTAP's call
-- included: run such queries on their own and compare their text results.
SET client_min_messages = error;
CREATE FUNCTION pg_temp.q(sql text) RETURNS text LANGUAGE plpgsql AS
$$DECLARE r text; BEGIN EXECUTE sql INTO r; RETURN r; END$$;
SET client_min_messages = warning;

SET citus.enable_schema_based_sharding = on;
CREATE SCHEMA uni;
CREATE SCHEMA shop;
RESET citus.enable_schema_based_sharding;

-- define_model, a pending many-to-many, a self-reference, define_models
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}}', 'uni');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 50},
    "department": {"type": "ForeignKey", "to": "department"},
    "prereq": {"type": "ForeignKey", "to": "course", "related_name": "unlocks"},
    "students": {"type": "ManyToMany", "to": "student"}}', 'uni');
SELECT ormar.define_model('student', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50},
    "friends": {"type": "ManyToMany", "to": "student", "related_name": "friend_of"}}', 'uni');
SET search_path = shop, public;
SELECT ormar.define_models('{"customer": {"id": {"type": "BigInteger", "primary_key": true},
        "name": {"type": "Text"}, "referrer": {"type": "ForeignKey", "to": "customer", "related_name": "referred"}},
    "purchase": {"id": {"type": "BigInteger", "primary_key": true},
        "customer": {"type": "ForeignKey", "to": "customer", "nullable": false},
        "items": {"type": "ManyToMany", "to": "item", "through_fields": {"qty": {"type": "Integer"}}}},
    "item": {"id": {"type": "BigInteger", "primary_key": true}, "sku": {"type": "Text"}}}');
RESET search_path;

SELECT set_eq(
    $$SELECT logicalrelid::text FROM pg_dist_partition p
      WHERE p.colocationid = (SELECT colocationid FROM pg_dist_schema WHERE schemaid = 'uni'::regnamespace)$$,
    $$SELECT model::text FROM ormar.models WHERE schema = 'uni'
      UNION SELECT through::text FROM ormar.relations WHERE through::text LIKE 'uni.%'$$,
    'every table created in schema uni (models and through tables) is a tenant table co-located with the schema');
SELECT set_eq(
    $$SELECT logicalrelid::text FROM pg_dist_partition p
      WHERE p.colocationid = (SELECT colocationid FROM pg_dist_schema WHERE schemaid = 'shop'::regnamespace)$$,
    $$SELECT model::text FROM ormar.models WHERE schema = 'shop'
      UNION SELECT through::text FROM ormar.relations WHERE through::text LIKE 'shop.%'$$,
    'define_models in schema shop: every table a tenant table of shop');
SELECT is((SELECT count(*)::int FROM citus_tables WHERE citus_table_type = 'schema'
           AND table_name::text LIKE ANY (ARRAY['uni.%', 'shop.%'])), 9,
    'citus_tables lists the 9 tables as schema (tenant) tables');
SELECT is((SELECT count(*)::int FROM ormar.relations WHERE status = 'pending'
           AND model::text LIKE ANY (ARRAY['uni.%', 'shop.%'])), 0,
    'the pending many-to-many course.students was built when student was defined');

-- data through the proxies
INSERT INTO uni.department (name) VALUES ('math'), ('physics');
SELECT is(ormar.create_related('uni.department', 1, 'courses', '{"title": "algebra"}') ->> 'title',
    'algebra', 'create_related through a reverse foreign key');
SELECT is(ormar.create_related('uni.department', 1, 'courses', '{"title": "topology", "prereq": 1}') ->> 'prereq',
    '1', 'create_related with a self-reference value');
SELECT is(ormar.create_related('uni.course', 1, 'students', '{"name": "ann"}') ->> 'name',
    'ann', 'create_related through a many-to-many (row and link)');
INSERT INTO uni.student (name) VALUES ('bob'), ('cyd');
SELECT ok(ormar.add('uni.course', 1, 'students', 2), 'add a many-to-many link');
SELECT ok(NOT ormar.add('uni.course', 1, 'students', 2), 'add of an existing link returns false');
SELECT ok(ormar.add('uni.course', 2, 'students', 3), 'add a second link');
SELECT ok(ormar.add('uni.student', 1, 'friends', 2), 'add a self-referencing many-to-many link');
SELECT ok(ormar.add('uni.student', 2, 'friends', 3), 'add another self link');
SELECT ok(ormar.add('uni.course', 2, 'department', 2), 'add on a forward foreign key moves the course');
SELECT results_eq($$SELECT r ->> 'title' FROM ormar.related('uni.department', 1, 'courses') r$$,
    ARRAY['algebra'], 'related, reverse foreign key');
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.related('uni.course', 1, 'students') r$$,
    ARRAY[1, 2], 'related, many-to-many in key order');
SELECT results_eq($$SELECT (r ->> 'id')::int FROM ormar.related('uni.course', 1, 'unlocks') r$$,
    ARRAY[2], 'related, reverse self-reference');
SELECT ok(ormar.remove('uni.course', 1, 'students', 2), 'remove a link');
SELECT is(ormar.clear('uni.course', 2, 'students'), 1::bigint, 'clear the links of a course');

-- the views and accessors' alternatives
SELECT results_eq($$SELECT source_pk, title::text FROM uni.department__courses ORDER BY id$$,
    $$VALUES (1, 'algebra'), (2, 'topology')$$, 'lookup view of a reverse foreign key');
SELECT results_eq($$SELECT source_pk, name::text FROM uni.course__students ORDER BY source_pk, id$$,
    $$VALUES (1, 'ann')$$, 'lookup view of a many-to-many');
SELECT results_eq($$SELECT name::text FROM uni.department__courses v JOIN uni.department d ON d.id = v.source_pk
    WHERE v.id = 2$$, ARRAY['physics'], 'a lookup view joins back to its model');

-- fetch, fetch_many, traverse
SELECT is(ormar.fetch('uni.department', 2, '{courses__students}'),
    '{"id": 2, "name": "physics", "courses": [{"id": 2, "title": "topology", "prereq": 1, "students": [], "department": 2}]}'::jsonb,
    'fetch with nested to-many includes');
SELECT is(ormar.fetch('uni.course', 2, '{prereq,department}'),
    '{"id": 2, "title": "topology", "prereq": {"id": 1, "title": "algebra", "prereq": null, "department": 1}, "department": {"id": 2, "name": "physics"}}'::jsonb,
    'fetch with to-one includes (self-reference and foreign key)');
SELECT results_eq($$SELECT f ->> 'title' FROM ormar.fetch_many('uni.course', ARRAY[2, 1], '{students}') f$$,
    ARRAY['topology', 'algebra'], 'fetch_many keeps the order of the keys');
SELECT results_eq($$SELECT depth, (node ->> 'id')::int FROM ormar.traverse('uni.student', 1, 'friends')$$,
    $$VALUES (0, 1), (1, 2), (2, 3)$$, 'traverse a self-referencing many-to-many');
INSERT INTO shop.customer (id, name) VALUES (1, 'acme'), (2, 'bolt');
SELECT ok(ormar.add('shop.customer', 2, 'referrer', 1), 'self-referencing foreign key in shop');
INSERT INTO shop.item VALUES (10, 'nut'), (11, 'bolt');
INSERT INTO shop.purchase VALUES (100, 1);
SELECT ok(ormar.add('shop.purchase', 100, 'items', 10, '{"qty": 3}'), 'add with through values');
SELECT is(ormar.fetch('shop.customer', 1, '{purchases__items,referred}'),
    '{"id": 1, "name": "acme", "purchases": [{"id": 100, "items": [{"id": 10, "sku": "nut", "through": {"qty": 3}}], "customer": 1}], "referrer": null, "referred": [{"id": 2, "name": "bolt", "referrer": 1}]}'::jsonb,
    'fetch across define_models relations with through values');

-- relations declared later between existing tenant tables
SELECT lives_ok($$SELECT ormar.foreign_key('uni.student', 'advisor', 'course', related_name => 'advisees')$$,
    'foreign key declared between existing tenant tables');
SELECT lives_ok($$SELECT ormar.many_to_many('uni.department', 'tutors', 'student')$$,
    'many-to-many declared between existing tenant tables');
SELECT is((SELECT p.colocationid FROM pg_dist_partition p WHERE p.logicalrelid =
    (SELECT through FROM ormar.relations WHERE name = 'tutors' AND model = 'uni.department'::regclass)),
    (SELECT colocationid FROM pg_dist_schema WHERE schemaid = 'uni'::regnamespace),
    'its through table is a tenant table too');
SELECT ok(ormar.add('uni.department', 1, 'tutors', 3), 'and works');

SELECT throws_ok($$SELECT ormar.distribute('uni.department')$$, '0A000',
    'model "department" is already a single-shard (tenant) table', 'distribute of a tenant model: 0A000');

-- events: column changes and renames of tenant models
ALTER TABLE uni.course ADD COLUMN credits integer DEFAULT 5;
SELECT is(pg_temp.q('SELECT credits FROM uni.department__courses WHERE id = 1'), '5', 'view follows ADD COLUMN');
SELECT is(ormar.fetch('uni.course', 1) ->> 'credits', '5', 'fetch sees the new column');
ALTER TABLE uni.course RENAME COLUMN title TO name;
SELECT is(pg_temp.q('SELECT name FROM uni.department__courses WHERE id = 1'), 'algebra', 'view follows RENAME COLUMN');
ALTER TABLE uni.course RENAME TO lecture;
SELECT results_eq($$SELECT r ->> 'name' FROM ormar.related('uni.department', 1, 'courses') r$$,
    ARRAY['algebra'], 'related after the model was renamed');
SELECT is(pg_temp.q('SELECT count(*) FROM uni.department__courses'), '2', 'view after the model was renamed');
ALTER TABLE uni.lecture DROP COLUMN credits;
SELECT is(ormar.fetch('uni.department', 1, '{courses}') -> 'courses' -> 0 ->> 'name', 'algebra',
    'fetch after DROP COLUMN');
SELECT is(pg_temp.q('SELECT count(*) FROM uni.lecture__students'), '1', 'many-to-many view after the renames');
SELECT is((SELECT model::text FROM ormar.relations WHERE name = 'department' AND direction = 'forward'
           AND model::text LIKE 'uni.%'), 'uni.lecture', 'catalog follows the renamed tenant model');
-- the generated objects live on the coordinator; the workers' tables are plain
SELECT is((SELECT count(*)::int FROM run_command_on_workers(
    $$SELECT count(*) FROM pg_catalog.pg_views WHERE schemaname = 'uni'$$) w WHERE w.result = '0'),
    2, 'no stale copies of generated views on the workers');
SELECT is((SELECT count(*)::int FROM run_command_on_workers(
    $$SELECT pg_catalog.string_agg(attname, ',' ORDER BY attnum) FROM pg_catalog.pg_attribute
      WHERE attrelid = 'uni.lecture'::regclass AND attnum > 0 AND NOT attisdropped$$) w
    WHERE w.result = 'id,name,department,prereq'), 2,
    'the workers'' shell tables got every column change');
SELECT * FROM finish();
