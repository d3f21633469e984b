-- Row-based sharding: ormar.distribute, relations between Citus tables,
-- Citus's refusals made by ormar_pg before anything changes, proxies,
-- views and fetch on reference and distributed tables.
\set QUIET on
SET client_min_messages = warning;
SELECT plan(91);
SET client_min_messages = error;
-- Citus sends a query on a distributed table to the workers whole, pgTAP's
-- call included: run such queries on their own and compare their results.
CREATE FUNCTION pg_temp.q(sql text) RETURNS text LANGUAGE plpgsql AS
$$DECLARE r text; BEGIN EXECUTE sql INTO r; RETURN r; END$$;
-- SQLSTATE, message, detail and hint of the error SQL raises.
CREATE FUNCTION pg_temp.err(sql text) RETURNS text LANGUAGE plpgsql AS
$$DECLARE s text; m text; d text; h text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN s || ' | ' || m || ' | ' || d || ' | ' || h;
END$$;
CREATE FUNCTION pg_temp.explain_lines(sql text) RETURNS TABLE(line text) LANGUAGE plpgsql AS
$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || sql; END$$;
CREATE FUNCTION pg_temp.kind(t regclass) RETURNS text LANGUAGE sql AS
$$SELECT COALESCE((SELECT CASE WHEN p.partmethod = 'h'
                          THEN 'distributed:' || pg_catalog.column_to_column_name(p.logicalrelid, p.partkey)
                          WHEN p.repmodel = 't' THEN 'reference' ELSE 'single shard' END
                   FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = t), 'local')$$;
-- Citus's counters of single- and multi-shard executions in this database
SET citus.enable_stat_counters = on;
CREATE FUNCTION pg_temp.executions() RETURNS text LANGUAGE sql AS
$$SELECT query_execution_single_shard || '/' || query_execution_multi_shard
  FROM pg_catalog.citus_stat_counters WHERE name = pg_catalog.current_database()$$;
SET client_min_messages = warning;

CREATE SCHEMA rb;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}}', 'rb');
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}}', 'rb');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 50},
    "department": {"type": "ForeignKey", "to": "department"},
    "categories": {"type": "ManyToMany", "to": "category"}}', 'rb');
SELECT ormar.define_model('note', '{"id": {"type": "Integer", "primary_key": true}, "body": {"type": "Text"},
    "department": {"type": "ForeignKey", "to": "department"}}', 'rb');
INSERT INTO rb.department (name) VALUES ('math'), ('physics');
INSERT INTO rb.category (name) VALUES ('hard'), ('easy');
INSERT INTO rb.course (title, department) VALUES ('algebra', 1), ('mechanics', 2), ('optics', 2);
SELECT ormar.add('rb.course', 1, 'categories', 1);

-- the order Citus needs: targets of foreign keys first
SELECT is(pg_temp.err($$SELECT ormar.distribute('rb.course', 'id')$$),
    '0A000 | relation "course.department" would reference a local table from a distributed table | Citus allows foreign keys from its tables only to reference tables and co-located distributed tables. | Make "department" a reference table first: SELECT ormar.distribute(''department'').',
    'distributing a model before the target of its foreign key: 0A000, Citus''s rule, the order');
SELECT is(pg_temp.kind('rb.course'), 'local', '... and nothing changed');
SELECT is(pg_temp.kind('rb.category'), 'local', '... not even the target');

SELECT lives_ok($$SELECT ormar.distribute('rb.department')$$, 'department becomes a reference table');
SELECT is(pg_temp.kind('rb.department'), 'reference', 'department is a reference table');
SELECT is(pg_temp.kind('rb.course'), 'local', 'course, which references it, stays a plain local table (not a Citus local table)');
SELECT is(pg_temp.kind('rb.note'), 'local', 'note too');
SELECT is((SELECT relname::text FROM pg_class WHERE oid = 'rb.course'::regclass), 'course',
    'course was not renamed to a shard');
SELECT is((SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'rb.course'::regclass AND contype = 'f'), 0,
    'its foreign key to department is suspended meanwhile');
SELECT is(pg_temp.q($$INSERT INTO rb.department (name) VALUES ('chemistry') RETURNING id$$), '3',
    'integer identity key of the reference table keeps generating keys (now from a sequence)');
SELECT is((SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'rb.department'::regclass AND attname = 'id'), '',
    'the identity became a sequence default');
SELECT is((SELECT target::text FROM ormar.relations WHERE model = 'rb.department'::regclass AND name = 'courses'),
    'rb.course', 'the catalog still has the reverse relation department.courses, to rb.course');

SELECT lives_ok($$SELECT ormar.distribute('rb.category')$$, 'category becomes a reference table');
SELECT lives_ok($$SELECT ormar.distribute('rb.course', 'id')$$, 'course is distributed by its key');
SELECT is(pg_temp.kind('rb.course'), 'distributed:id', 'course is hash-distributed by id');
SELECT is(pg_temp.kind((SELECT through FROM ormar.relations WHERE model = 'rb.course'::regclass AND name = 'categories')),
    'distributed:course', 'its through table is distributed by the course column');
SELECT is((SELECT count(DISTINCT colocation_id)::int FROM citus_tables
           WHERE table_name IN ('rb.course'::regclass, (SELECT through FROM ormar.relations WHERE model = 'rb.course'::regclass AND name = 'categories'))),
    1, '... co-located with course');
SELECT set_eq($$SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'
        AND conrelid IN ('rb.course'::regclass, (SELECT through FROM ormar.relations WHERE model = 'rb.course'::regclass AND name = 'categories'))$$,
    ARRAY['FOREIGN KEY (department) REFERENCES rb.department(id)',
          'FOREIGN KEY (course) REFERENCES rb.course(id) ON DELETE CASCADE',
          'FOREIGN KEY (category) REFERENCES rb.category(id) ON UPDATE CASCADE ON DELETE CASCADE'],
    'the suspended key is back; no ON UPDATE action on the distribution column');
SELECT is(pg_temp.q($$SELECT count(*) FROM rb.course$$), '3', 'the rows were moved to the shards');
SELECT is(pg_temp.kind('rb.note'), 'local', 'note is still local');

-- proxies on reference and distributed tables
SELECT results_eq($$SELECT r ->> 'title' FROM ormar.related('rb.department', 2, 'courses') r$$,
    ARRAY['mechanics', 'optics'], 'related: reference -> distributed (reverse foreign key)');
SELECT results_eq($$SELECT r ->> 'name' FROM ormar.related('rb.course', 1, 'categories') r$$,
    ARRAY['hard'], 'related: distributed -> reference (many-to-many)');
SELECT results_eq($$SELECT r ->> 'title' FROM ormar.related('rb.category', 1, 'courses') r$$,
    ARRAY['algebra'], 'related: reference -> distributed (many-to-many)');
SELECT ok(ormar.add('rb.course', 2, 'categories', 2), 'add a link on a distributed through table');
SELECT ok(ormar.add('rb.category', 2, 'courses', 3), 'add from the reference side');
SELECT ok(ormar.remove('rb.course', 1, 'categories', 1), 'remove a link');
SELECT is(pg_temp.q($$SELECT ormar.create_related('rb.department', 1, 'courses', '{"title": "topology"}') ->> 'id'$$),
    '4', 'create_related on a distributed table takes its key from the converted identity');
SELECT is(ormar.create_related('rb.course', 4, 'categories', '{"name": "new"}') ->> 'name', 'new',
    'create_related into a reference table with a link');
SELECT is(ormar.clear('rb.department', 1, 'courses'), 2::bigint, 'clear a reverse foreign key');
SELECT ok(ormar.add('rb.department', 1, 'courses', 1), 'add on a reverse foreign key');

-- views
SELECT is(pg_temp.q($$SELECT string_agg(source_pk || ':' || title, ',' ORDER BY id) FROM rb.department__courses$$),
    '1:algebra,2:mechanics,2:optics', 'lookup view reference -> distributed');
SELECT is(pg_temp.q($$SELECT string_agg(source_pk || ':' || name, ',' ORDER BY source_pk, id) FROM rb.course__categories$$),
    '2:easy,3:easy,4:new', 'lookup view over a distributed through table');

-- fetch and fetch_many
SELECT is(ormar.fetch('rb.course', 2, '{categories,department}'),
    '{"id": 2, "title": "mechanics", "categories": [{"id": 2, "name": "easy"}], "department": {"id": 2, "name": "physics"}}'::jsonb,
    'fetch of a distributed row with to-many (reference) and to-one includes');
SELECT is(ormar.fetch('rb.department', 2, '{courses__categories}'),
    '{"id": 2, "name": "physics", "courses": [{"id": 2, "title": "mechanics", "categories": [{"id": 2, "name": "easy"}], "department": 2}, {"id": 3, "title": "optics", "categories": [{"id": 2, "name": "easy"}], "department": 2}]}'::jsonb,
    'fetch of a reference row with a nested to-many include of a distributed table');
SELECT is(ormar.fetch('rb.category', 2, '{courses}'),
    '{"id": 2, "name": "easy", "courses": [{"id": 2, "title": "mechanics", "department": 2}, {"id": 3, "title": "optics", "department": 2}]}'::jsonb,
    'fetch of a reference row with a many-to-many include of a distributed table');
SELECT results_eq($$SELECT f::text FROM ormar.fetch_many('rb.course', ARRAY[3, 1], '{categories}') f$$,
    ARRAY['{"id": 3, "title": "optics", "categories": [{"id": 2, "name": "easy"}], "department": 2}',
          '{"id": 1, "title": "algebra", "categories": [], "department": 1}'],
    'fetch_many of distributed rows, in the order of the keys');
SELECT results_eq($$SELECT f ->> 'name' FROM ormar.fetch_many('rb.department', ARRAY[2, 1]) f$$,
    ARRAY['physics', 'math'], 'fetch_many of reference rows');
SELECT results_eq($$SELECT f::text FROM ormar.fetch_many('rb.department', ARRAY[2, 99, 1], '{courses}') f$$,
    ARRAY['{"id": 2, "name": "physics", "courses": [{"id": 2, "title": "mechanics", "department": 2}, {"id": 3, "title": "optics", "department": 2}]}',
          '{"id": 1, "name": "math", "courses": [{"id": 1, "title": "algebra", "department": 1}]}'],
    'fetch_many of reference rows with a to-many include of a distributed table (one fetch per key)');
SELECT is(ormar.fetch('rb.course', 99), NULL, 'fetch of a missing key is NULL');

-- routed to one shard when the key is the distribution column
SELECT is((SELECT count(*)::int FROM pg_temp.explain_lines($$SELECT * FROM rb.course__categories WHERE source_pk = 2$$)
           WHERE line ~ 'Task Count: 1$'), 1, 'EXPLAIN: the view filtered by the distribution column runs on one shard');
SELECT is((SELECT count(*)::int FROM pg_temp.explain_lines($$SELECT * FROM rb.course__categories$$)
           WHERE line ~ 'Task Count: 32$'), 1, 'EXPLAIN: unfiltered it runs on every shard');
SELECT pg_temp.q('SELECT citus_stat_counters_reset()');
SELECT is((SELECT pg_temp.executions()), '0/0', 'counters reset');
SELECT ok(ormar.fetch('rb.course', 3, '{categories,department}') IS NOT NULL, 'fetch of a distributed row');
SELECT is((SELECT pg_temp.executions()), '1/0', '... was one statement on one shard');
SELECT ok((SELECT count(*) FROM ormar.related('rb.course', 3, 'categories')) = 1, 'related from a distributed row');
SELECT is((SELECT pg_temp.executions()), '2/0', '... was one statement on one shard');
SELECT ok(ormar.add('rb.course', 3, 'categories', 1), 'add on a distributed row');
SELECT is((SELECT split_part(pg_temp.executions(), '/', 2)), '0', '... touched no more than one shard per statement');

-- relations declared between existing Citus tables
SELECT ormar.define_model('tag', '{"id": {"type": "BigInteger", "primary_key": true}, "label": {"type": "Text"}}', 'rb');
SELECT ormar.define_model('syllabus', '{"id": {"type": "Integer", "primary_key": true, "autoincrement": false}, "body": {"type": "Text"}}', 'rb');
SELECT ormar.define_model('section', '{"id": {"type": "BigInteger", "primary_key": true}, "room": {"type": "Text"}}', 'rb');
SELECT lives_ok($$SELECT ormar.distribute('rb.tag')$$, 'a bigint identity key is distributed as it is');
SELECT is((SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'rb.tag'::regclass AND attname = 'id'), 'd',
    '... and stays an identity');
SELECT lives_ok($$SELECT ormar.many_to_many('rb.course', 'tags', 'tag')$$, 'many-to-many distributed <-> reference');
SELECT is(pg_temp.kind((SELECT through FROM ormar.relations WHERE model = 'rb.course'::regclass AND name = 'tags')),
    'distributed:course', '... its new through table is distributed by the course column');
SELECT lives_ok($$SELECT ormar.many_to_many('rb.department', 'tags', 'tag', related_name => 'departments')$$,
    'many-to-many reference <-> reference');
SELECT is(pg_temp.kind((SELECT through FROM ormar.relations WHERE model = 'rb.department'::regclass AND name = 'tags')),
    'reference', '... its through table is a reference table');
SELECT lives_ok($$SELECT ormar.foreign_key('rb.category', 'parent', 'category', related_name => 'children')$$,
    'self-referencing foreign key on a reference table');
SELECT lives_ok($$SELECT ormar.foreign_key('rb.course', 'main_tag', 'tag', related_name => 'main_of')$$, 'foreign key distributed -> reference');
SELECT lives_ok($$SELECT ormar.distribute('rb.syllabus', 'id', colocate_with => 'rb.course')$$,
    'a second distributed table co-located with course');
SELECT lives_ok($$SELECT ormar.foreign_key('rb.syllabus', 'course', 'course', column_name => 'id', one_to_one => true, related_name => 'syllabus')$$,
    'foreign key between co-located distribution columns');
INSERT INTO rb.tag (label) VALUES ('core');
INSERT INTO rb.syllabus VALUES (2, 'forces');
SELECT ok(ormar.add('rb.course', 2, 'tags', 1), 'link on the new distributed through table');
SELECT ok(ormar.add('rb.department', 2, 'tags', 1), 'link on the new reference through table');
SELECT ok(ormar.add('rb.course', 2, 'main_tag', 1), 'set the new foreign key');
SELECT is(ormar.fetch('rb.course', 2, '{tags,main_tag,syllabus}'),
    '{"id": 2, "tags": [{"id": 1, "label": "core"}], "title": "mechanics", "main_tag": {"id": 1, "label": "core"}, "syllabus": {"id": 2, "body": "forces"}, "department": 2}'::jsonb,
    'fetch over the relations declared between Citus tables');

-- what Citus cannot do: refused before anything changes
SELECT lives_ok($$SELECT ormar.distribute('rb.section', 'id')$$, 'section distributed, not co-located with course on a key');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.department', 'flagship', 'course')$$),
    '0A000 | relation "department.flagship" would reference a distributed table from a reference table | Citus allows foreign keys from a reference table only to other reference tables. | Make "course" a reference table too, or distribute "department" instead.',
    'foreign key reference -> distributed: refused');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.note', 'course')$$),
    '0A000 | relation "note.course" would reference a distributed table from a local table | Citus does not allow a foreign key from a local table to a distributed table. | Make "note" a Citus table first: SELECT ormar.distribute(''note'').',
    'foreign key local -> distributed: refused');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.note', 'category')$$),
    '0A000 | relation "note.category" would reference a reference table from a local table | Citus turns a local table that references a reference table into a Citus local table, renaming it to a shard. | Make "note" a Citus table first: SELECT ormar.distribute(''note'').',
    'foreign key local -> reference: refused (no Citus local table behind the user''s back)');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.course', 'prereq', 'course')$$),
    '0A000 | relation "course.prereq" is a self-reference on distributed table "course" | Citus allows a foreign key between distributed tables only on their distribution columns, which a self-reference on the key cannot satisfy. | Make "course" a reference table, or put its models in a distributed schema.',
    'self-reference on a distributed table: refused');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.section', 'course')$$),
    '0A000 | relation "section.course" would connect distributed tables "section" and "course" other than by their co-located distribution columns | Citus allows a foreign key between distributed tables only from the distribution column of one to the distribution column of the other, with both tables co-located. | Distribute "section" by "course" co-located with "course", or make "course" a reference table.',
    'foreign key between distributed tables not on their distribution columns: refused');
SELECT is(pg_temp.err($$SELECT ormar.foreign_key('rb.course', 'flagship_tag', 'tag', one_to_one => true)$$),
    '0A000 | relation "course.flagship_tag" is one-to-one on distributed table "course" by a column other than its distribution column | Every primary key or unique index of a distributed table must include its distribution column, and a one-to-one relation needs a unique index on its own column. | Declare it without one_to_one, or on a reference table.',
    'one-to-one from a distributed table on another column: refused');
SELECT is(pg_temp.err($$SELECT ormar.many_to_many('rb.course', 'sections', 'section')$$),
    '0A000 | relation "course.sections" links two distributed tables | The through table can be distributed by only one side''s column, and Citus allows a foreign key to the other distributed side only on that side''s distribution column. | Make "section" a reference table, or put the models in a distributed schema.',
    'many-to-many with both sides distributed: refused');
SELECT is(pg_temp.err($$SELECT ormar.many_to_many('rb.course', 'related_courses', 'course')$$),
    '0A000 | relation "course.related_courses" links two distributed tables | A self-referencing many-to-many on a distributed table needs a through table distributed by both of its columns, which Citus cannot do. | Make "course" a reference table, or put the models in a distributed schema.',
    'self-referencing many-to-many on a distributed table: refused');
SELECT is((SELECT count(*)::int FROM pg_attribute WHERE attrelid IN ('rb.department'::regclass, 'rb.note'::regclass, 'rb.course'::regclass, 'rb.section'::regclass)
           AND attname IN ('flagship', 'course', 'category', 'prereq', 'flagship_tag') AND NOT attisdropped), 0,
    'none of the refused declarations added a column');
SELECT is((SELECT count(*)::int FROM ormar.relations WHERE model::text LIKE 'rb.%'
           AND name IN ('flagship', 'course', 'category', 'prereq', 'sections', 'related_courses')
           AND model <> 'rb.syllabus'::regclass), 0, '... or a relation');
SELECT is(pg_temp.err($$SELECT ormar.distribute('rb.note', 'body')$$),
    '0A000 | model "note" cannot be distributed by column "body" | Every primary key or unique constraint of a distributed table must include the distribution column, and index "note_pkey" does not. | Distribute "note" by its key "id", or make it a reference table.',
    'distribution column outside the primary key: refused');
SELECT is(pg_temp.err($$SELECT ormar.distribute('rb.course', 'title')$$),
    '0A000 | model "course" is already a distributed table | ormar.distribute converts a local table; Citus changes an existing Citus table only with its own functions. | Use Citus''s undistribute_table(''course'') first, or alter_distributed_table().',
    'redistributing a Citus table differently: refused');
SELECT is(pg_temp.kind('rb.note'), 'local', 'note stayed local through the refusals');
SELECT lives_ok($$SELECT ormar.distribute('rb.note', 'id')$$, 'note distributed at last');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'rb.note'::regclass AND contype = 'f'),
    'FOREIGN KEY (department) REFERENCES rb.department(id)', '... its suspended foreign key is back');
SELECT matches(pg_temp.err($$INSERT INTO rb.note (body, department) VALUES ('x', 42)$$),
    '^23503 \| insert or update on table "note_[0-9]+" violates foreign key constraint "fk_note_department_id_department_[0-9]+"',
    '... and enforced');

-- column changes and renames of distributed models
ALTER TABLE rb.course ADD COLUMN credits integer DEFAULT 3;
SELECT is(pg_temp.q('SELECT credits FROM rb.department__courses WHERE id = 1'), '3', 'view follows ADD COLUMN on a distributed model');
ALTER TABLE rb.course RENAME COLUMN title TO name;
SELECT is(pg_temp.q('SELECT name FROM rb.department__courses WHERE id = 1'), 'algebra', 'view follows RENAME COLUMN');
ALTER TABLE rb.course RENAME TO lecture;
SELECT results_eq($$SELECT r ->> 'name' FROM ormar.related('rb.department', 2, 'courses') r$$,
    ARRAY['mechanics', 'optics'], 'related after the distributed model was renamed');
ALTER TABLE rb.lecture DROP COLUMN credits;
SELECT is(ormar.fetch('rb.category', 2, '{courses}') -> 'courses' -> 0, '{"id": 2, "name": "mechanics", "main_tag": 1, "department": 2}'::jsonb,
    'fetch after the column changes and the rename');
SELECT is(pg_temp.q('SELECT count(*) FROM rb.lecture__categories'), '4', 'many-to-many view after the rename');
SELECT is((SELECT count(*)::int FROM run_command_on_workers(
    $$SELECT pg_catalog.string_agg(attname, ',' ORDER BY attnum) FROM pg_catalog.pg_attribute
      WHERE attrelid = 'rb.lecture'::regclass AND attnum > 0 AND NOT attisdropped$$) w
    WHERE w.result = 'id,name,department,main_tag'), 2, 'the workers'' shell tables got every change');
-- event triggers never act on shards or on Citus's own DDL
SELECT is((SELECT count(*)::int FROM ormar.models WHERE pg_catalog.relation_is_a_known_shard(model)), 0,
    'no model is a shard');
SELECT is((SELECT count(*)::int FROM ormar.relations WHERE pg_catalog.relation_is_a_known_shard(model)
           OR pg_catalog.relation_is_a_known_shard(target) OR pg_catalog.relation_is_a_known_shard(through)), 0,
    'no relation points at a shard');
SELECT is((SELECT string_agg(result, ',') FROM run_command_on_workers($$SELECT count(*) FROM ormar.relation$$)), '0,0',
    'the workers'' event triggers recorded nothing for the shards Citus created there');
SELECT is((SELECT string_agg(result, ',') FROM run_command_on_workers(
    $$SELECT (SELECT count(*) FROM pg_catalog.pg_views WHERE schemaname = 'rb')
           + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = 'rb'::regnamespace)$$)), '0,0',
    'accessors and views live on the coordinator only: no copies on the workers to go stale');
-- after a parallel multi-shard command in the same transaction Citus refuses the key:
-- the call fails as a whole
BEGIN;
UPDATE rb.lecture SET name = name;
SELECT matches(pg_temp.err($$SELECT ormar.foreign_key('rb.lecture', 'extra_tag', 'rb.tag', related_name => 'extra_of')$$),
    '^[0-9A-Z]{5} \| cannot modify table "lecture" because there was a parallel operation on a distributed table in the transaction',
    'a declaration after a parallel command in the transaction fails (Citus''s rule)');
SELECT is((SELECT count(*)::int FROM pg_attribute WHERE attrelid = 'rb.lecture'::regclass AND attname = 'extra_tag'), 0,
    '... leaving no column behind');
COMMIT;
SELECT * FROM finish();
