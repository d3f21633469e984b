-- pgTAP: structure of self-references, pending (forward) references,
-- define_models and traverse (DESIGN §3-§5).
-- Run: createdb t && pg_prove -v -d t test/self_pending.sql
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;	-- pending NOTICEs are checked in sql/pending.sql

SELECT plan(67);

-------------------------------------------------------------------------------
-- Self-referencing foreign key: person.supervisor -> person, reverse employees
-------------------------------------------------------------------------------
SELECT ormar.define_model('person', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"}
}$$) \g /dev/null
SELECT ormar.foreign_key('person', 'supervisor', 'person', related_name => 'employees') \g /dev/null

SELECT has_column('person', 'supervisor', 'person.supervisor exists');
SELECT col_type_is('person', 'supervisor', 'integer', 'person.supervisor is typed as person''s key');
SELECT fk_ok('person', 'supervisor', 'person', 'id');
SELECT has_index('person', 'person_supervisor_idx', 'supervisor', 'person.supervisor is indexed');
SELECT has_function('supervisor', ARRAY['person'], 'accessor supervisor(person) exists');
SELECT function_returns('supervisor', ARRAY['person'], 'person', 'supervisor(person) returns person');
SELECT has_function('employees', ARRAY['person'], 'accessor employees(person) exists');
SELECT function_returns('employees', ARRAY['person'], 'setof person',
                        'employees(person) returns setof person');
SELECT volatility_is('employees', ARRAY['person'], 'stable', 'employees(person) is stable');
SELECT isnt_strict('employees', ARRAY['person'], 'employees(person) is not strict (inlinable)');
SELECT isnt_definer('employees', ARRAY['person'], 'employees(person) is security invoker');
SELECT has_view('person__employees', 'view person__employees exists');
SELECT columns_are('person__employees', ARRAY['source_pk', 'id', 'name', 'supervisor'],
                   'person__employees: source_pk then every column of person');
SELECT results_eq(
    $$SELECT name, direction, related_name FROM ormar.relations
       WHERE model = 'person'::regclass ORDER BY name$$,
    $$VALUES ('employees', 'reverse', 'supervisor'), ('supervisor', 'forward', 'employees')$$,
    'both directions of the self-reference are recorded on person');

INSERT INTO person (id, name) VALUES (1, 'Ada'), (2, 'Bob'), (3, 'Cy');
SELECT ok(ormar.add('person', 1, 'employees', 2), 'add through employees');
SELECT ok(ormar.add('person', 3, 'supervisor', 1), 'add through supervisor');
SELECT results_eq(
    $$SELECT r->>'id' FROM ormar.related('person', 1, 'employees') r$$,
    ARRAY['2', '3'], 'related employees of Ada');
SELECT results_eq(
    $$SELECT r->>'name' FROM ormar.related('person', 2, 'supervisor') r$$,
    ARRAY['Ada'], 'related supervisor of Bob');
SELECT is(ormar.add('person', 3, 'supervisor', 1), false,
          'adding an existing supervisor again returns false');
SELECT throws_ok(
    $$SELECT ormar.foreign_key('person', 'mentor', 'person', related_name => 'employees')$$,
    '42710', NULL, 'a second self-reference reusing related_name employees clashes');

-------------------------------------------------------------------------------
-- Self-referencing many-to-many: child.friends <-> also_friends
-------------------------------------------------------------------------------
SELECT ormar.define_model('child', $${
    "id":      {"type": "Integer", "primary_key": true},
    "name":    {"type": "Text"},
    "friends": {"type": "ManyToMany", "to": "child", "related_name": "also_friends"}
}$$) \g /dev/null
SELECT has_table('childs_friends', 'through table childs_friends exists');
SELECT columns_are('childs_friends', ARRAY['from_child', 'to_child'],
                   'childs_friends has from_child and to_child');
SELECT col_is_pk('childs_friends', ARRAY['from_child', 'to_child'], 'the pair is the primary key');
SELECT fk_ok('childs_friends', 'from_child', 'child', 'id');
SELECT fk_ok('childs_friends', 'to_child', 'child', 'id');
SELECT function_returns('friends', ARRAY['child'], 'setof child', 'friends(child) returns setof child');
SELECT function_returns('also_friends', ARRAY['child'], 'setof child',
                        'also_friends(child) returns setof child');

INSERT INTO child (id, name) VALUES (1, 'Ann'), (2, 'Ben');
SELECT is(ormar.add('child', 1, 'friends', 2), true, 'Ann adds Ben as a friend');
SELECT results_eq($$SELECT r->>'name' FROM ormar.related('child', 2, 'also_friends') r$$,
                  ARRAY['Ann'], 'Ann shows up in Ben''s also_friends');
SELECT is(ormar.add('child', 2, 'also_friends', 1), false, 'the same pair from the other side is not added');
SELECT is((SELECT count(*) FROM childs_friends), 1::bigint, 'the pair is stored once');

-------------------------------------------------------------------------------
-- Pending relations
-------------------------------------------------------------------------------
SELECT ormar.define_model('review', '{"id": {"type": "Integer", "primary_key": true}}') \g /dev/null
SELECT ormar.foreign_key('review', 'reviewer', 'critic', related_name => 'reviews') \g /dev/null
SELECT ormar.many_to_many('review', 'labels', 'label', related_name => 'reviews') \g /dev/null
INSERT INTO review VALUES (1);

SELECT hasnt_column('review', 'reviewer', 'a pending foreign key has no column');
SELECT hasnt_table('reviews_labels', 'a pending many-to-many has no through table');
SELECT hasnt_function('reviewer', 'a pending relation has no accessor');
SELECT results_eq(
    $$SELECT name, status, target IS NULL, target_name COLLATE "default" FROM ormar.relations
       WHERE model = 'review'::regclass ORDER BY name$$,
    $$VALUES ('labels', 'pending', true, 'label'), ('reviewer', 'pending', true, 'critic')$$,
    'pending relations: status pending, target NULL, forward rows only');
SELECT throws_ok($$SELECT * FROM ormar.related('review', 1, 'reviewer')$$, '55000',
                 'relation "reviewer" of model "review" is pending', 'related on a pending relation');
SELECT throws_ok($$SELECT ormar.add('review', 1, 'labels', 'x')$$, '55000', NULL,
                 'add on a pending relation');
SELECT throws_ok($$SELECT ormar.clear('review', 1, 'reviewer')$$, '55000', NULL,
                 'clear on a pending relation');
SELECT throws_ok($$SELECT ormar.create_related('review', 1, 'labels', '{}')$$, '55000', NULL,
                 'create_related on a pending relation');
SELECT throws_ok($$SELECT ormar.update_forward_refs('review')$$, '55000',
                 'model "review" still has pending relations', 'update_forward_refs while pending');

SELECT ormar.define_model('critic', '{"id": {"type": "Integer", "primary_key": true}}') \g /dev/null
SELECT fk_ok('review', 'reviewer', 'critic', 'id');
SELECT function_returns('reviews', ARRAY['critic'], 'setof review',
                        'the reverse accessor reviews(critic) was built with the target');
SELECT has_view('critic__reviews', 'the reverse view was built with the target');

CREATE TABLE label (code text PRIMARY KEY);
SELECT ormar.register_model('label') \g /dev/null
SELECT col_type_is('reviews_labels', 'label', 'text', 'registering label built the through table');
SELECT is((SELECT count(*) FROM ormar.relations WHERE status = 'pending'), 0::bigint,
          'nothing is pending any more');
SELECT is(ormar.update_forward_refs('review'), 0, 'update_forward_refs: nothing left to build');

-- update_forward_refs counts what it builds (target renamed into place)
SELECT ormar.define_model('memo', '{"id": {"type": "Integer", "primary_key": true}}') \g /dev/null
SELECT ormar.foreign_key('memo', 'sender', 'sender') \g /dev/null
SELECT ormar.many_to_many('memo', 'copied', 'sender', related_name => 'copies') \g /dev/null
SELECT ormar.define_model('sender_draft', '{"id": {"type": "Integer", "primary_key": true}}') \g /dev/null
ALTER TABLE sender_draft RENAME TO sender;
SELECT is(ormar.update_forward_refs('memo'), 2, 'update_forward_refs built two relations');
SELECT fk_ok('memo', 'sender', 'sender', 'id');

-------------------------------------------------------------------------------
-- define_models: Teacher / Student
-------------------------------------------------------------------------------
SELECT lives_ok($$SELECT * FROM ormar.define_models('{
    "student": {"id": {"type": "Integer", "primary_key": true},
                "primary_teacher": {"type": "ForeignKey", "to": "teacher", "related_name": "own_students"}},
    "teacher": {"id": {"type": "Integer", "primary_key": true},
                "students": {"type": "ManyToMany", "to": "student", "related_name": "teachers"}}
}')$$, 'define_models with mutual references');
SELECT fk_ok('student', 'primary_teacher', 'teacher', 'id');
SELECT fk_ok('teachers_students', 'student', 'student', 'id');
SELECT throws_ok($$SELECT * FROM ormar.define_models('{
    "school": {"id": {"type": "Integer", "primary_key": true},
               "head": {"type": "ForeignKey", "to": "principal"}}
}')$$, '55000', 'define_models left relations pending', 'define_models with an unresolved reference');
SELECT hasnt_table('school', 'the failed define_models left no table');

-------------------------------------------------------------------------------
-- traverse
-------------------------------------------------------------------------------
INSERT INTO person (id, name, supervisor) VALUES (4, 'Di', 2), (5, 'Eve', 4), (6, 'Fay', 5);
SELECT results_eq(
    $$SELECT depth, (node->>'id')::int FROM ormar.traverse('person', 1, 'employees')$$,
    $$VALUES (0, 1), (1, 2), (1, 3), (2, 4), (3, 5), (4, 6)$$,
    'traverse employees: breadth first, depth 0..4, by depth then key');
SELECT results_eq(
    $$SELECT depth, (node->>'id')::int FROM ormar.traverse('person', 1, 'employees', 1)$$,
    $$VALUES (0, 1), (1, 2), (1, 3)$$, 'traverse stops at max_depth');
SELECT results_eq(
    $$SELECT depth, (node->>'id')::int FROM ormar.traverse('person', 6, 'supervisor')$$,
    $$VALUES (0, 6), (1, 5), (2, 4), (3, 2), (4, 1)$$, 'traverse upwards through supervisor');
UPDATE person SET supervisor = 6 WHERE id = 1;
SELECT results_eq(
    $$SELECT depth, (node->>'id')::int FROM ormar.traverse('person', 4, 'employees')$$,
    $$VALUES (0, 4), (1, 5), (2, 6), (3, 1), (4, 2), (4, 3)$$, 'a cycle ends the walk, each row once');
SELECT throws_ok($$SELECT * FROM ormar.traverse('student', 1, 'primary_teacher')$$, '22023', NULL,
                 'traverse of a relation that is not self-referencing');
SELECT throws_ok($$SELECT * FROM ormar.traverse('person', 1, 'employees', -1)$$, '22023',
                 'max_depth must not be negative', 'traverse with a negative max_depth');
SELECT is_empty($$SELECT * FROM ormar.traverse('person', 999, 'employees')$$,
                'traverse of a missing key returns no rows');

-------------------------------------------------------------------------------
-- drop_model(child, cascade) with two foreign keys to child and its self m2m
-------------------------------------------------------------------------------
SELECT ormar.define_model('game', $${
    "id":           {"type": "Integer", "primary_key": true},
    "liked_by":     {"type": "ForeignKey", "to": "child", "related_name": "liked_games"},
    "not_liked_by": {"type": "ForeignKey", "to": "child", "related_name": "not_liked_games"}
}$$) \g /dev/null
SELECT throws_ok($$SELECT ormar.drop_model('child')$$, '2BP01', NULL,
                 'drop_model of a targeted model needs cascade');
SELECT lives_ok($$SELECT ormar.drop_model('child', cascade => true)$$, 'drop_model with cascade');
SELECT hasnt_function('liked_games', 'reverse accessor liked_games is gone');
SELECT hasnt_function('friends', 'accessor friends is gone');
SELECT hasnt_view('child__friends', 'view child__friends is gone');
SELECT col_isnt_fk('game', 'liked_by', 'game.liked_by is no longer a foreign key');
SELECT is_empty($$SELECT conname FROM pg_constraint WHERE confrelid = 'child'::regclass$$,
                'no constraint refers to child any more');

SELECT * FROM finish();
ROLLBACK;
