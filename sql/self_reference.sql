-- Self-references (DESIGN §4-§5): ormar's Person.supervisor / employees as a
-- foreign key in the function form and in the field form, Child.friends /
-- also_friends as a many-to-many, and a self many-to-many in the function
-- form: the generated columns, constraints, indexes, accessors and views, the
-- ormar.relations rows, every proxy in both directions, and the clashes a
-- self-reference can make.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;
\i sql/include/try_sql.sql
\i sql/include/sp_helpers.sql

-------------------------------------------------------------------------------
-- 1. Self-referencing foreign key, function form: ormar's Person.supervisor
--    with related_name "employees".
-------------------------------------------------------------------------------
SELECT ormar.define_model('person', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}
}$$);
SELECT ormar.foreign_key('person', 'supervisor', 'person', related_name => 'employees');

-- column supervisor is typed as person's key (integer), nullable
SELECT sp_cols('person');

-- the constraint references person itself, and the column is indexed (not unique)
SELECT * FROM sp_cons('person');
SELECT * FROM sp_idx('person');

-- both directions are recorded, on the same model
SELECT * FROM sp_rels('person');

-- accessors supervisor(person) RETURNS person and employees(person) RETURNS
-- SETOF person, and view person__employees; no view for the to-one side
SELECT * FROM sp_generated('supervisor', 'employees', 'person__employees', 'person__supervisor');

-- the accessors are plain inlinable SQL functions: STABLE, not STRICT, not
-- SECURITY DEFINER, no SET; the to-many one returns a set
SELECT p.proname, l.lanname, p.provolatile, p.proisstrict,
       p.prosecdef, p.proconfig, p.proretset
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'sp'::regnamespace AND p.proname IN ('supervisor', 'employees')
 ORDER BY p.proname;

-- the view is security_invoker
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.relnamespace = 'sp'::regnamespace AND c.relname = 'person__employees';

INSERT INTO person (id, name) VALUES (1, 'Ada'), (2, 'Bob'), (3, 'Cy'), (4, 'Di');

-- add through the reverse side: Bob becomes an employee of Ada
SELECT ormar.add('person', 1, 'employees', 2);
-- add through the forward side: Cy's supervisor is Ada
SELECT ormar.add('person', 3, 'supervisor', 1);
SELECT id, name, supervisor FROM person ORDER BY id;

-- adding what is already there changes nothing and returns false, both ways
SELECT ormar.add('person', 1, 'employees', 2);
SELECT ormar.add('person', 3, 'supervisor', 1);

-- related in both directions
SELECT * FROM ormar.related('person', 1, 'employees');
SELECT * FROM ormar.related('person', 2, 'supervisor');
SELECT * FROM ormar.related('person', 1, 'supervisor');
SELECT * FROM ormar.related('person', 4, 'employees');

-- the accessors, used in FROM (inlined) and in the select list
SELECT e.id, e.name FROM person p, LATERAL employees(p) e WHERE p.id = 1 ORDER BY e.id;
SELECT p.id, (supervisor(p)).name AS supervisor_name FROM person p ORDER BY p.id;

-- the view: source_pk then every column of person
SELECT * FROM person__employees ORDER BY source_pk, id;

-- create_related through the reverse side: a new employee of Ada
SELECT ormar.create_related('person', 1, 'employees', '{"id": 5, "name": "Eve"}');
-- create_related through the forward side: a new supervisor for Di
SELECT ormar.create_related('person', 4, 'supervisor', '{"id": 6, "name": "Fay"}');
SELECT id, name, supervisor FROM person ORDER BY id;

-- remove through the reverse side (keep_reversed: the employee row stays)
SELECT ormar.remove('person', 1, 'employees', 2);
SELECT ormar.remove('person', 1, 'employees', 2);
-- remove through the forward side
SELECT ormar.remove('person', 3, 'supervisor', 1);
SELECT ormar.remove('person', 3, 'supervisor', 1);
SELECT id, name, supervisor FROM person ORDER BY id;

-- clear through the reverse side: Eve is the only employee left of Ada
SELECT ormar.clear('person', 1, 'employees');
SELECT ormar.clear('person', 1, 'employees');
-- clear through the forward side: Di loses her supervisor
SELECT ormar.clear('person', 4, 'supervisor');
SELECT id, name, supervisor FROM person ORDER BY id;

-- remove with keep_reversed => false deletes the employee row
SELECT ormar.add('person', 6, 'employees', 4);
SELECT ormar.remove('person', 6, 'employees', 4, keep_reversed => false);
SELECT id, name, supervisor FROM person ORDER BY id;

-- a person may supervise herself; she is then one of her own employees
SELECT ormar.add('person', 6, 'supervisor', 6);
SELECT * FROM ormar.related('person', 6, 'employees');
SELECT ormar.clear('person', 6, 'employees');

-- a self-reference whose related_name is its own name is a clash (42710)
SELECT try_sql($$SELECT ormar.foreign_key('person', 'mentor', 'person', related_name => 'mentor')$$);
-- a second self-reference reusing the reverse name "employees" is a clash too
SELECT try_sql($$SELECT ormar.foreign_key('person', 'mentor', 'person', related_name => 'employees')$$);
-- and nothing of them was created
SELECT sp_cols('person');
SELECT count(*) FROM ormar.relations WHERE name = 'mentor' OR related_name = 'mentor';

-------------------------------------------------------------------------------
-- 2. Self-referencing foreign key, field form, on another model (staff); the
--    column is created in the position written.
-------------------------------------------------------------------------------
SELECT ormar.define_model('staff', $${
    "id":         {"type": "BigInteger", "primary_key": true},
    "supervisor": {"type": "ForeignKey", "to": "staff", "related_name": "employees"},
    "name":       {"type": "Text"}
}$$);

-- fields in the order written: id, supervisor (bigint, staff's key type), name
SELECT sp_cols('staff');
SELECT * FROM sp_cons('staff');
SELECT * FROM sp_idx('staff');
SELECT * FROM sp_rels('staff');

-- accessors for staff next to those of person (overloads by argument type)
SELECT * FROM sp_generated('supervisor', 'employees', 'staff__employees');

-- describe gives back the self-reference in the field form
SELECT ormar.describe('staff');

INSERT INTO staff (id, name) VALUES (10, 'Hal'), (11, 'Ivy'), (12, 'Jo');
SELECT ormar.add('staff', 10, 'employees', 11);
SELECT ormar.add('staff', 12, 'supervisor', 10);
SELECT * FROM ormar.related('staff', 10, 'employees');
SELECT * FROM ormar.related('staff', 11, 'supervisor');
SELECT ormar.create_related('staff', 11, 'employees', '{"id": 13, "name": "Kim"}');
SELECT * FROM staff__employees ORDER BY source_pk, id;
SELECT ormar.remove('staff', 12, 'supervisor', 10);
SELECT ormar.clear('staff', 10, 'employees');
SELECT id, supervisor, name FROM staff ORDER BY id;

-------------------------------------------------------------------------------
-- 3. Self-referencing many-to-many: ormar's Child.friends with related_name
--    "also_friends" (field form).
-------------------------------------------------------------------------------
SELECT ormar.define_model('child', $${
    "id":      {"type": "Integer", "primary_key": true},
    "name":    {"type": "Text"},
    "friends": {"type": "ManyToMany", "to": "child", "related_name": "also_friends"}
}$$);

-- no column on child; through table childs_friends with from_child / to_child
SELECT sp_cols('child');
SELECT sp_cols('childs_friends');
-- the pair is the primary key, both columns reference child ON DELETE / UPDATE
-- CASCADE, and the reversed pair is indexed
SELECT * FROM sp_cons('childs_friends');
SELECT * FROM sp_idx('childs_friends');

-- both directions on child; through_column points at the row's own side
SELECT * FROM sp_rels('child');
SELECT * FROM sp_generated('friends', 'also_friends', 'child__friends', 'child__also_friends');

INSERT INTO child (id, name) VALUES (1, 'Ann'), (2, 'Ben'), (3, 'Cat'), (4, 'Dan');

-- Ann adds Ben as a friend: Ann shows up in Ben's also_friends
SELECT ormar.add('child', 1, 'friends', 2);
SELECT * FROM ormar.related('child', 1, 'friends');
SELECT * FROM ormar.related('child', 2, 'also_friends');
SELECT * FROM ormar.related('child', 2, 'friends');
SELECT * FROM ormar.related('child', 1, 'also_friends');

-- the pair is stored once: adding it again, from either side, returns false
SELECT ormar.add('child', 1, 'friends', 2);
SELECT ormar.add('child', 2, 'also_friends', 1);
SELECT count(*) FROM childs_friends;
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- the other direction is another pair
SELECT ormar.add('child', 2, 'friends', 1);
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- add through also_friends stores (target, self)
SELECT ormar.add('child', 3, 'also_friends', 4);
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- create_related through both sides: the new row and its link in one go
SELECT ormar.create_related('child', 3, 'friends', '{"id": 5, "name": "Eli"}');
SELECT ormar.create_related('child', 3, 'also_friends', '{"id": 6, "name": "Flo"}');
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- the accessors and views from both sides
SELECT f.id, f.name FROM child c, LATERAL friends(c) f WHERE c.id = 3 ORDER BY f.id;
SELECT f.id, f.name FROM child c, LATERAL also_friends(c) f WHERE c.id = 3 ORDER BY f.id;
SELECT * FROM child__friends ORDER BY source_pk, id;
SELECT * FROM child__also_friends ORDER BY source_pk, id;

-- remove and clear from the reverse side only touch links of that direction
SELECT ormar.remove('child', 3, 'also_friends', 6);
SELECT ormar.remove('child', 3, 'also_friends', 6);
SELECT ormar.clear('child', 1, 'also_friends');
SELECT * FROM childs_friends ORDER BY from_child, to_child;
SELECT ormar.clear('child', 3, 'friends');
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- a child can be its own friend; that link is one row
SELECT ormar.add('child', 4, 'friends', 4);
SELECT ormar.add('child', 4, 'also_friends', 4);
SELECT * FROM ormar.related('child', 4, 'also_friends');
SELECT count(*) FROM childs_friends WHERE from_child = 4 AND to_child = 4;

-- deleting a child deletes its links in both directions (ON DELETE CASCADE)
DELETE FROM child WHERE id = 4;
SELECT * FROM childs_friends ORDER BY from_child, to_child;

-- self many-to-many in the function form, with default reverse name
SELECT ormar.many_to_many('person', 'mentors', 'person', related_name => 'mentees');
SELECT sp_cols('persons_mentors');
SELECT name, direction, through, through_column, through_reverse_column
  FROM sp_rels('person') WHERE kind = 'many_to_many';

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
