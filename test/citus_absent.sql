-- pgTAP: without the citus extension ormar_pg works as before, and
-- ormar.distribute says what is missing (test/suites/citus.sh runs the
-- Citus scenarios on a real cluster).  Runs in its own fresh database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;

SELECT plan(6);
DO $$BEGIN
    PERFORM ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}');
    PERFORM ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
        "department": {"type": "ForeignKey", "to": "department"}, "tags": {"type": "ManyToMany", "to": "tag"}}');
    PERFORM ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true}}');
END$$;

SELECT ok(NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus'), 'citus is not installed here');
SELECT throws_ok($$SELECT ormar.distribute('department')$$, '0A000',
    'the citus extension is not installed in this database', 'distribute without Citus: 0A000');
SELECT function_returns('ormar', 'distribute', ARRAY['regclass', 'name', 'regclass'], 'void',
    'ormar.distribute(regclass, name, regclass) returns void');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'course'::regclass AND contype = 'f'),
    'FOREIGN KEY (department) REFERENCES department(id)', 'foreign key built as usual (one ALTER TABLE per subcommand)');
SELECT set_eq($$SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'
        AND conrelid = (SELECT through FROM ormar.relations WHERE model = 'course'::regclass AND name = 'tags')$$,
    ARRAY['FOREIGN KEY (course) REFERENCES course(id) ON UPDATE CASCADE ON DELETE CASCADE',
          'FOREIGN KEY (tag) REFERENCES tag(id) ON UPDATE CASCADE ON DELETE CASCADE'],
    'through table keys keep ON DELETE CASCADE ON UPDATE CASCADE');
INSERT INTO department VALUES (1);
INSERT INTO course VALUES (7, 1);
SELECT is(ormar.fetch('department', 1, '{courses__tags}'),
    '{"id": 1, "courses": [{"id": 7, "tags": [], "department": 1}]}'::jsonb,
    'fetch of one key with nested includes (the top includes compare with the key)');
SELECT * FROM finish();
ROLLBACK;
