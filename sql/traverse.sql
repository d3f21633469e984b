-- ormar.traverse (DESIGN §5): breadth-first walks of self-referencing
-- relations (a foreign key in both directions, a self many-to-many in both
-- directions) with max_depth, cycles, rows referencing themselves, two paths
-- to one node, a 100,000-row tree and a many-to-many ladder of 2^29 paths in
-- one statement; and the errors (22023, 42704, 22004, 42804).
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;
\i sql/include/try_sql.sql
\i sql/include/sp_helpers.sql

-- The relations walked, and the ones refused:
--   person.supervisor -> person (reverse "employees"), person.mentors n-n
--   person (reverse "mentees"); child.friends n-n child (reverse
--   "also_friends") with the rows and the link 1 -> 2 that
--   sql/self_reference.sql leaves;
--   student.primary_teacher -> teacher and teacher.students n-n student
--   (not self-referencing); review.reviewer -> critic (reverse "reviews").
SELECT ormar.define_model('person', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}
}$$);
SELECT ormar.foreign_key('person', 'supervisor', 'person', related_name => 'employees');
SELECT ormar.many_to_many('person', 'mentors', 'person', related_name => 'mentees');
SELECT ormar.define_model('child', $${
    "id":      {"type": "Integer", "primary_key": true},
    "name":    {"type": "Text"},
    "friends": {"type": "ManyToMany", "to": "child", "related_name": "also_friends"}
}$$);
INSERT INTO child (id, name) VALUES (1, 'Ann'), (2, 'Ben'), (3, 'Cat'), (5, 'Eli'), (6, 'Flo');
INSERT INTO childs_friends (from_child, to_child) VALUES (1, 2);
SELECT * FROM ormar.define_models($${
    "student": {
        "id":              {"type": "Integer", "primary_key": true},
        "name":            {"type": "Text"},
        "primary_teacher": {"type": "ForeignKey", "to": "teacher", "related_name": "own_students"}
    },
    "teacher": {
        "id":       {"type": "Integer", "primary_key": true},
        "name":     {"type": "Text"},
        "students": {"type": "ManyToMany", "to": "student", "related_name": "teachers"}
    }
}$$) ORDER BY define_models::text;
SELECT ormar.define_model('critic', $${
    "id":   {"type": "SmallInteger", "primary_key": true},
    "name": {"type": "Text"}
}$$);
SELECT ormar.define_model('review', $${
    "id":   {"type": "Integer", "primary_key": true},
    "body": {"type": "Text"}
}$$);
SELECT ormar.foreign_key('review', 'reviewer', 'critic', related_name => 'reviews');

-- an org chart of five levels (ids chosen so that key order differs from
-- insertion order)
INSERT INTO person (id, name, supervisor) VALUES
    (1, 'ceo', NULL),
    (3, 'vp-b', 1), (2, 'vp-a', 1),
    (5, 'dir-b', 3), (4, 'dir-a', 2), (6, 'dir-c', 2),
    (7, 'mgr', 4),
    (9, 'dev-b', 7), (8, 'dev-a', 7),
    (10, 'other', NULL), (11, 'other-emp', 10);

-- down through employees: depth 0..4, ordered by depth then key
SELECT depth, node FROM ormar.traverse('person', 1, 'employees');
-- max_depth limits the walk
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'employees', 2);
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'employees', 0);
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'employees', NULL);
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'employees', 100);
-- a leaf: only itself
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 9, 'employees');
-- up through supervisor
SELECT depth, node->>'name' AS name FROM ormar.traverse('person', 9, 'supervisor');
SELECT depth, node->>'name' AS name FROM ormar.traverse('person', 9, 'supervisor', 1);
-- a key given as text works as for the other proxies
SELECT count(*) FROM ormar.traverse('person', '2', 'employees');

-- a cycle: ceo and vp-a supervise each other; the walk ends, each row once
UPDATE person SET supervisor = 2 WHERE id = 1;
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'employees');
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 1, 'supervisor');
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 4, 'supervisor');
-- a row that supervises itself
UPDATE person SET supervisor = 10 WHERE id = 10;
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 10, 'employees');
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 10, 'supervisor');

-- a category tree via a self foreign key "parent" with related_name
-- "children", parent written before name: columns in the order written
SELECT ormar.define_model('category', $${
    "id":     {"type": "Integer", "primary_key": true},
    "parent": {"type": "ForeignKey", "to": "category", "related_name": "children"},
    "name":   {"type": "String", "max_length": 40}
}$$);
SELECT sp_cols('category');
INSERT INTO category (id, name) VALUES (1, 'root');
INSERT INTO category (id, parent, name) VALUES
    (2, 1, 'books'), (3, 1, 'music'), (4, 2, 'novels'), (5, 2, 'poetry'),
    (6, 3, 'jazz'), (7, 4, 'crime');
SELECT depth, node FROM ormar.traverse('category', 1, 'children');
SELECT depth, node->>'name' AS name FROM ormar.traverse('category', 2, 'children');
SELECT depth, node->>'name' AS name FROM ormar.traverse('category', 7, 'parent');

-- a self many-to-many graph: two paths to one node report it once, at its
-- smallest depth (1 -> 2 -> 3 -> 4 and 1 -> 4; a diamond 1 -> 5/6 -> 7)
INSERT INTO person (id, name) VALUES (20, 'g1'), (21, 'g2'), (22, 'g3'), (23, 'g4'),
    (24, 'g5'), (25, 'g6'), (26, 'g7');
INSERT INTO persons_mentors (from_person, to_person) VALUES
    (20, 21), (21, 22), (22, 23), (20, 23), (20, 24), (20, 25), (24, 26), (25, 26), (26, 20);
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 20, 'mentors');
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 20, 'mentors', 1);
-- the reverse direction walks the links backwards
SELECT depth, node->>'id' AS id FROM ormar.traverse('person', 23, 'mentees');
-- the child friendship graph, both directions, around a cycle
-- (1 -> 2 -> 3 -> 5 -> 1)
INSERT INTO childs_friends (from_child, to_child) VALUES (2, 3), (3, 5), (5, 1);
SELECT depth, node->>'name' AS name FROM ormar.traverse('child', 2, 'friends');
SELECT depth, node->>'name' AS name FROM ormar.traverse('child', 5, 'also_friends');

-- refused: a relation that is not self-referencing (22023), a negative
-- max_depth (22023), an unknown relation (42704), NULL arguments (22004)
SELECT try_sql($$SELECT * FROM ormar.traverse('student', 1, 'primary_teacher')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('teacher', 1, 'students')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('critic', 1, 'reviews')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('person', 1, 'employees', -1)$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('person', 1, 'name')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('person', NULL::int, 'employees')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('person', 1, NULL)$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('person', 'x', 'employees')$$);
-- a missing key: no rows
SELECT count(*) FROM ormar.traverse('person', 999, 'employees');
SELECT count(*) FROM ormar.traverse('person', 999, 'mentors');

-- a 100,000-row binary tree (node i's parent is i / 2) walked from the root in
-- one statement: every row once, deepest level 16
SELECT ormar.define_model('tree', $${
    "id":     {"type": "Integer", "primary_key": true},
    "parent": {"type": "ForeignKey", "to": "tree", "related_name": "branches"}
}$$);
INSERT INTO tree (id, parent)
SELECT i, CASE WHEN i > 1 THEN i / 2 END FROM generate_series(1, 100000) i;
ANALYZE tree;
SELECT count(*), max(depth), count(DISTINCT node->>'id') FROM ormar.traverse('tree', 1, 'branches');
SELECT count(*), max(depth) FROM ormar.traverse('tree', 1, 'branches', 9);
SELECT count(*), max(depth), min(node->>'id') FROM ormar.traverse('tree', 100000, 'parent');

-- a many-to-many graph with many paths: a ladder of 30 levels, two nodes per
-- level, each node linked to both nodes of the next level (2^29 paths to the
-- last level; 59 nodes reachable from the first). Each node is visited once,
-- so this is quick.
INSERT INTO child (id, name) SELECT i, 'l' || i FROM generate_series(100, 159) i;
INSERT INTO childs_friends (from_child, to_child)
SELECT a, b FROM generate_series(100, 157) a, generate_series(100, 159) b
 WHERE (b - 100) / 2 = (a - 100) / 2 + 1;
SET statement_timeout = '5s';
SELECT count(*), max(depth), count(*) FILTER (WHERE depth = 29) AS last_level
  FROM ormar.traverse('child', 100, 'friends');
RESET statement_timeout;

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
