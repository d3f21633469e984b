-- Without the citus extension ormar_pg works as before, and ormar.distribute
-- says what is missing (the Citus suite, test/suites/citus.sh, covers the rest).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS ormar_pg;
SELECT plan(5);
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus'), 'citus is not installed here');
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "department": {"type": "ForeignKey", "to": "department"}, "tags": {"type": "ManyToMany", "to": "tag"}}');
SELECT ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT throws_ok($$SELECT ormar.distribute('department')$$, '0A000',
    'the citus extension is not installed in this database', 'distribute without Citus: 0A000');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'course'::regclass AND contype = 'f'),
    'FOREIGN KEY (department) REFERENCES department(id)', 'foreign key built as usual (one ALTER TABLE per subcommand)');
SELECT set_eq($$SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'
        AND conrelid = (SELECT through FROM ormar.relations WHERE model = 'course'::regclass AND name = 'tags')$$,
    ARRAY['FOREIGN KEY (course) REFERENCES course(id) ON UPDATE CASCADE ON DELETE CASCADE',
          'FOREIGN KEY (tag) REFERENCES tag(id) ON UPDATE CASCADE ON DELETE CASCADE'],
    'through table keys keep ON DELETE CASCADE ON UPDATE CASCADE');
SELECT is(ormar.fetch('department', 1), NULL, 'fetch works (one key, includes compare with the key)');
SELECT * FROM finish();
