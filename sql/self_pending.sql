-- Self-references, postponed (pending) references, define_models and traverse
-- (DESIGN §3-§5): ormar's Person.supervisor / employees, Child.friends /
-- also_friends, ForwardRef + update_forward_refs, the Teacher/Student pair in
-- one define_models call, breadth-first walks of self-referencing relations,
-- and drop_model(..., cascade) of a model targeted twice and by itself.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;

\i sql/include/try_sql.sql

-- Columns of a table in order, with their types and NOT NULL.
CREATE FUNCTION sp_cols(tbl regclass) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                      ', ' ORDER BY a.attnum)
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
$$;

-- Constraints of a table (name: definition), by name.
CREATE FUNCTION sp_cons(tbl regclass) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.conname || ': ' || pg_get_constraintdef(c.oid)
      FROM pg_constraint c WHERE c.conrelid = tbl ORDER BY c.conname
$$;

-- Indexes of a table (definitions), by name.
CREATE FUNCTION sp_idx(tbl regclass) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = tbl ORDER BY c.relname
$$;

-- Generated functions and views in schema sp whose name is one of NAMES.
CREATE FUNCTION sp_generated(VARIADIC names text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT format('function %s returns %s', p.oid::regprocedure, pg_get_function_result(p.oid))
      FROM pg_proc p
     WHERE p.pronamespace = 'sp'::regnamespace AND p.proname = ANY (names)
    UNION ALL
    SELECT format('view %s (%s)', c.relname,
                  (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum)
                     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0))
      FROM pg_class c
     WHERE c.relnamespace = 'sp'::regnamespace AND c.relkind = 'v' AND c.relname = ANY (names)
    ORDER BY 1
$$;

-- The ormar.relations rows of models whose name is one of NAMES.
CREATE FUNCTION sp_rels(VARIADIC names text[])
RETURNS TABLE (model regclass, name text, direction text, kind text, target regclass,
               target_name text, related_name text, column_name name, through regclass,
               through_column name, through_reverse_column name, status text,
               accessor regprocedure, lookup_view regclass)
LANGUAGE sql STABLE AS $$
    SELECT r.model, r.name, r.direction, r.kind, r.target, r.target_name, r.related_name,
           r.column_name, r.through, r.through_column, r.through_reverse_column, r.status,
           r.accessor, r.lookup_view
      FROM ormar.relations r
     WHERE (SELECT c.relname FROM pg_class c WHERE c.oid = r.model) = ANY (names)
     ORDER BY r.model::text, r.name
$$;

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
-- 4. Postponed references: a target that is not a model yet.
-------------------------------------------------------------------------------
SELECT ormar.define_model('review', $${
    "id":   {"type": "Integer", "primary_key": true},
    "body": {"type": "Text"}
}$$);

-- function form, foreign key: NOTICE, pending
SELECT ormar.foreign_key('review', 'reviewer', 'critic', related_name => 'reviews');
-- function form, many-to-many: NOTICE, pending
SELECT ormar.many_to_many('review', 'labels', 'label', related_name => 'reviews');
-- field form, both kinds, in one model: two NOTICEs
SELECT ormar.define_model('article', $${
    "id":     {"type": "Integer", "primary_key": true},
    "writer": {"type": "ForeignKey", "to": "critic", "related_name": "articles"},
    "labels": {"type": "ManyToMany", "to": "label", "related_name": "articles"},
    "title":  {"type": "Text"}
}$$);

-- a table that exists but is not a model is not a target yet either
CREATE TABLE label (code text PRIMARY KEY, descr text);
SELECT ormar.many_to_many('article', 'tags', 'label', related_name => 'tagged_articles');

-- ormar.relations: forward rows only, status pending, target NULL
SELECT * FROM sp_rels('review', 'article', 'critic', 'label');

-- nothing was generated: no column, constraint, index, through table,
-- function or view
SELECT sp_cols('review'), sp_cols('article');
SELECT * FROM sp_cons('review');
SELECT * FROM sp_cons('article');
SELECT * FROM sp_idx('review');
SELECT * FROM sp_idx('article');
SELECT to_regclass('sp.reviews_labels') AS reviews_labels, to_regclass('sp.articles_labels') AS articles_labels,
       to_regclass('sp.articles_tags') AS articles_tags;
SELECT * FROM sp_generated('reviewer', 'reviews', 'writer', 'articles', 'labels', 'tags',
                           'tagged_articles', 'critic__reviews', 'critic__articles',
                           'review__labels', 'article__labels', 'label__reviews');
SELECT count(*) FROM pg_constraint WHERE confrelid = 'label'::regclass;

-- using a pending relation fails with 55000 and names the missing model
INSERT INTO review (id, body) VALUES (1, 'fine');
SELECT try_sql($$SELECT * FROM ormar.related('review', 1, 'reviewer')$$);
SELECT try_sql($$SELECT ormar.add('review', 1, 'reviewer', 1)$$);
SELECT try_sql($$SELECT ormar.remove('review', 1, 'reviewer', 1)$$);
SELECT try_sql($$SELECT ormar.clear('review', 1, 'reviewer')$$);
SELECT try_sql($$SELECT ormar.create_related('review', 1, 'reviewer', '{"id": 1}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('review', 1, 'labels')$$);
SELECT try_sql($$SELECT ormar.add('review', 1, 'labels', 'x')$$);
SELECT try_sql($$SELECT ormar.remove('review', 1, 'labels', 'x')$$);
SELECT try_sql($$SELECT ormar.clear('review', 1, 'labels')$$);
SELECT try_sql($$SELECT ormar.create_related('review', 1, 'labels', '{"code": "x"}')$$);
SELECT try_sql($$SELECT ormar.update_through('review', 1, 'labels', 'x', '{"a": 1}')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('review', 1, 'reviewer')$$);
-- the reverse side of a pending relation does not exist yet
SELECT try_sql($$SELECT * FROM ormar.related('label', 'x', 'reviews')$$);

-- update_forward_refs fails with 55000 listing what is still pending
SELECT try_sql($$SELECT ormar.update_forward_refs('review')$$);
SELECT try_sql($$SELECT ormar.update_forward_refs('article')$$);
-- a model without pending relations: nothing to build
SELECT ormar.update_forward_refs('person');

-- defining critic builds every pending relation to it in the same statement,
-- reverse sides included
SELECT ormar.define_model('critic', $${
    "id":   {"type": "SmallInteger", "primary_key": true},
    "name": {"type": "Text"}
}$$);
SELECT * FROM sp_rels('review', 'article', 'critic');
-- the columns were added, typed as critic's key (smallint)
SELECT sp_cols('review'), sp_cols('article');
SELECT * FROM sp_cons('review');
SELECT * FROM sp_cons('article');
SELECT * FROM sp_idx('review');
SELECT * FROM sp_generated('reviewer', 'reviews', 'writer', 'articles', 'critic__reviews',
                           'critic__articles');

-- registering the existing table label builds the three many-to-many
-- relations to it; the through columns take label's key type (text)
SELECT ormar.register_model('label');
SELECT * FROM sp_rels('label');
SELECT sp_cols('reviews_labels'), sp_cols('articles_labels'), sp_cols('articles_tags');
SELECT * FROM sp_cons('reviews_labels');
SELECT * FROM sp_generated('labels', 'reviews', 'articles', 'tags', 'tagged_articles',
                           'review__labels', 'label__reviews', 'article__labels',
                           'label__articles', 'article__tags', 'label__tagged_articles');

-- nothing is pending any more
SELECT count(*) FROM ormar.relations WHERE status = 'pending';
SELECT ormar.update_forward_refs('review');
SELECT ormar.update_forward_refs('article');

-- the built relations work in both directions
INSERT INTO critic (id, name) VALUES (1, 'Roger');
INSERT INTO label (code) VALUES ('x'), ('y');
SELECT ormar.add('review', 1, 'reviewer', 1);
SELECT ormar.create_related('critic', 1, 'articles', '{"id": 7, "title": "On films"}');
SELECT * FROM ormar.related('critic', 1, 'reviews');
SELECT * FROM ormar.related('critic', 1, 'articles');
SELECT ormar.add('review', 1, 'labels', 'x');
SELECT ormar.add('label', 'y', 'reviews', 1);
SELECT ormar.add('article', 7, 'tags', 'y');
SELECT * FROM ormar.related('review', 1, 'labels');
SELECT * FROM ormar.related('label', 'y', 'tagged_articles');
SELECT * FROM ormar.related('label', 'y', 'articles');

-- update_forward_refs builds what became resolvable without a define or
-- register (here: a model renamed to the missing name) and returns how many
SELECT ormar.define_model('memo', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('memo', 'sender', 'sender', related_name => 'memos');
SELECT ormar.many_to_many('memo', 'copied', 'sender', related_name => 'memo_copies');
SELECT ormar.define_model('sender_draft', '{"id": {"type": "UUID", "primary_key": true}}');
ALTER TABLE sender_draft RENAME TO sender;
SELECT name, status FROM sp_rels('memo');
SELECT ormar.update_forward_refs('memo');
SELECT * FROM sp_rels('memo', 'sender');
SELECT sp_cols('memo'), sp_cols('memos_copied');

-- update_forward_refs is atomic: with one relation resolvable and one not,
-- it fails with 55000 listing the latter and builds nothing
SELECT ormar.define_model('note', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('note', 'folder', 'folder');
SELECT ormar.foreign_key('note', 'drawer', 'drawer');
SELECT ormar.define_model('folder_draft', '{"id": {"type": "Integer", "primary_key": true}}');
ALTER TABLE folder_draft RENAME TO folder;
SELECT try_sql($$SELECT ormar.update_forward_refs('note')$$);
SELECT name, status, target FROM sp_rels('note');
SELECT sp_cols('note');
SELECT count(*) FROM pg_constraint WHERE conrelid = 'note'::regclass AND contype = 'f';
-- once the other one is gone, the rest is built
SELECT ormar.drop_relation('note', 'drawer');
SELECT ormar.update_forward_refs('note');
SELECT name, direction, status, target FROM sp_rels('note', 'folder');
SELECT sp_cols('note');

-- a name clash found when the pending relation is built never fails the
-- define of the target (a pending relation must not be able to block it):
-- the relation stays pending with a WARNING naming the clash, and
-- update_forward_refs reports it (55000)
SELECT ormar.foreign_key('review', 'shelf', 'shelf', related_name => 'title');
SELECT try_sql($$SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true}, "title": {"type": "Text"}}')$$);
SELECT to_regclass('sp.shelf');
SELECT name, status FROM sp_rels('review') WHERE name = 'shelf';
SELECT try_sql($$SELECT ormar.update_forward_refs('review')$$);
SELECT sp_cols('review');
-- a pending relation can be dropped; nothing else is touched
SELECT ormar.drop_relation('review', 'shelf');
SELECT name, status FROM sp_rels('review');
SELECT ormar.drop_model('shelf');
DROP TABLE sp.shelf;

-- a schema-qualified target that does not exist yet is pending too, and
-- built when the model is defined in that schema
SELECT ormar.foreign_key('review', 'shelf', 'archive.shelf', related_name => 'reviews');
SELECT name, target, target_name, status FROM sp_rels('review') WHERE name = 'shelf';
CREATE SCHEMA archive;
SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true}}', 'archive');
SELECT name, target, target_name, status FROM sp_rels('review') WHERE name = 'shelf';
SELECT sp_cols('review');
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.pronamespace = 'archive'::regnamespace ORDER BY p.oid::regprocedure::text;

-- forward references resolved later in the same transaction
BEGIN;
SELECT ormar.define_model('album', $${
    "id":     {"type": "Integer", "primary_key": true},
    "artist": {"type": "ForeignKey", "to": "artist", "related_name": "albums"},
    "fans":   {"type": "ManyToMany", "to": "artist", "related_name": "favourite_albums"}
}$$);
SELECT ormar.define_model('artist', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"}
}$$);
INSERT INTO artist VALUES (1, 'Nina'), (2, 'Otis');
INSERT INTO album (id) VALUES (1);
SELECT ormar.add('album', 1, 'artist', 1);
SELECT ormar.add('artist', 2, 'favourite_albums', 1);
SELECT * FROM ormar.related('artist', 1, 'albums');
SELECT * FROM ormar.related('album', 1, 'fans');
COMMIT;
SELECT name, direction, status FROM sp_rels('album', 'artist');
SELECT sp_cols('album');

-- a pending relation declared in a rolled-back transaction leaves nothing
BEGIN;
SELECT ormar.define_model('lost', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('lost', 'ghost', 'ghost');
ROLLBACK;
SELECT count(*) FROM ormar.relation WHERE target_name IN ('ghost', 'lost');
SELECT to_regclass('sp.lost');

-------------------------------------------------------------------------------
-- 5. define_models: ormar's Teacher/Student case in one call.
-------------------------------------------------------------------------------
-- student (first) needs teacher (second): any order works
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
SELECT sp_cols('student'), sp_cols('teacher'), sp_cols('teachers_students');
SELECT * FROM sp_rels('student', 'teacher');
SELECT * FROM sp_cons('student');

INSERT INTO teacher (id, name) VALUES (1, 'Mr T'), (2, 'Ms U');
INSERT INTO student (id, name) VALUES (1, 'Sam'), (2, 'Tia'), (3, 'Uma');
-- the foreign key and the many-to-many are independent relations
SELECT ormar.add('student', 1, 'primary_teacher', 1);
SELECT ormar.add('teacher', 1, 'own_students', 2);
SELECT ormar.add('teacher', 2, 'students', 1);
SELECT ormar.add('student', 3, 'teachers', 2);
SELECT ormar.add('student', 2, 'teachers', 1);
SELECT * FROM ormar.related('teacher', 1, 'own_students');
SELECT * FROM ormar.related('teacher', 1, 'students');
SELECT * FROM ormar.related('teacher', 2, 'own_students');
SELECT * FROM ormar.related('teacher', 2, 'students');
SELECT * FROM ormar.related('student', 1, 'primary_teacher');
SELECT * FROM ormar.related('student', 1, 'teachers');
SELECT * FROM ormar.related('student', 2, 'teachers');

-- the other order (the target first), and a self-reference in the same call
SELECT * FROM ormar.define_models($${
    "tutor": {
        "id":     {"type": "Integer", "primary_key": true},
        "pupils": {"type": "ManyToMany", "to": "pupil", "related_name": "tutors"}
    },
    "pupil": {
        "id":    {"type": "Integer", "primary_key": true},
        "tutor": {"type": "ForeignKey", "to": "tutor", "related_name": "own_pupils"},
        "buddy": {"type": "ForeignKey", "to": "pupil", "related_name": "buddies"},
        "name":  {"type": "Text"}
    }
}$$) ORDER BY define_models::text;
SELECT sp_cols('pupil'), sp_cols('tutors_pupils');
SELECT name, direction, target, status FROM sp_rels('tutor', 'pupil');

-- an unresolved reference fails the whole call with 55000 and leaves nothing
SELECT count(*) AS models FROM ormar.model;
SELECT count(*) AS relations FROM ormar.relation;
SELECT try_sql($$SELECT * FROM ormar.define_models('{
    "school": {"id": {"type": "Integer", "primary_key": true},
               "head": {"type": "ForeignKey", "to": "principal"}},
    "class":  {"id": {"type": "Integer", "primary_key": true},
               "school": {"type": "ForeignKey", "to": "school"},
               "rooms": {"type": "ManyToMany", "to": "room"}}
}')$$);
SELECT to_regclass('sp.school') AS school, to_regclass('sp.class') AS class,
       to_regclass('sp.classs_rooms') AS classs_rooms;
SELECT count(*) AS models FROM ormar.model;
SELECT count(*) AS relations FROM ormar.relation;
SELECT count(*) FROM pg_proc WHERE pronamespace = 'sp'::regnamespace AND proname IN ('head', 'school', 'classs', 'rooms');

-------------------------------------------------------------------------------
-- 6. traverse: breadth-first walks of self-referencing relations.
-------------------------------------------------------------------------------
-- an org chart of five levels (ids chosen so that key order differs from
-- insertion order)
TRUNCATE person, persons_mentors;
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
-- 7. ormar's scenario: a model with two foreign keys to child plus child's self
--    many-to-many; drop_model(child, cascade => true) leaves nothing generated
--    that refers to child.
-------------------------------------------------------------------------------
SELECT ormar.define_model('game', $${
    "id":           {"type": "Integer", "primary_key": true},
    "name":         {"type": "Text"},
    "liked_by":     {"type": "ForeignKey", "to": "child", "related_name": "liked_games"},
    "not_liked_by": {"type": "ForeignKey", "to": "child", "related_name": "not_liked_games"}
}$$);
-- without distinct related_names the second foreign key would clash (42710)
SELECT try_sql($$SELECT ormar.foreign_key('game', 'disliked_by', 'child', related_name => 'liked_games')$$);
SELECT * FROM sp_rels('game');
SELECT name, direction FROM sp_rels('child');

INSERT INTO child (id, name) VALUES (40, 'Gus'), (41, 'Hana');
INSERT INTO game (id, name, liked_by, not_liked_by) VALUES
    (1, 'chess', 40, 41), (2, 'tag', 41, 40), (3, 'go', 40, NULL);
SELECT ormar.add('child', 40, 'friends', 41);
SELECT * FROM ormar.related('child', 40, 'liked_games');
SELECT * FROM ormar.related('child', 40, 'not_liked_games');
SELECT g.name FROM child c, LATERAL liked_games(c) g WHERE c.id = 41 ORDER BY g.id;
SELECT g.name FROM child c, LATERAL not_liked_games(c) g WHERE c.id = 41 ORDER BY g.id;

-- without cascade: 2BP01, nothing changes
SELECT try_sql($$SELECT ormar.drop_model('child')$$);
SELECT count(*) FROM ormar.relations WHERE model = 'child'::regclass OR target = 'child'::regclass;

SELECT ormar.drop_model('child', cascade => true);
SELECT count(*) FROM ormar.model WHERE model = 'child'::regclass;
SELECT count(*) FROM ormar.relations WHERE model = 'child'::regclass OR target = 'child'::regclass;
SELECT * FROM sp_rels('game', 'child');
-- no function takes or returns child, or mentions it in its body
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.pronamespace = 'sp'::regnamespace
   AND ('child'::regtype = ANY (p.proargtypes) OR p.prorettype = 'child'::regtype
        OR p.prosrc LIKE '%child%')
 ORDER BY p.oid::regprocedure::text;
-- no generated function of these relations is left, under any signature
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.proname IN ('friends', 'also_friends', 'liked_by', 'not_liked_by', 'liked_games',
                     'not_liked_games')
 ORDER BY p.oid::regprocedure::text;
-- no view selects from child
SELECT viewname FROM pg_views WHERE schemaname = 'sp' AND definition LIKE '%child%'
 ORDER BY 1;
SELECT DISTINCT v.relname FROM pg_depend d
  JOIN pg_rewrite w ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
  JOIN pg_class v ON v.oid = w.ev_class
 WHERE d.refobjid = 'child'::regclass AND v.oid <> 'child'::regclass
 ORDER BY 1;
SELECT relname FROM pg_class WHERE relnamespace = 'sp'::regnamespace AND relname LIKE 'child\_\_%'
 ORDER BY 1;
-- no constraint references child, and the foreign-key indexes are gone
SELECT conrelid::regclass, conname FROM pg_constraint
 WHERE confrelid = 'child'::regclass ORDER BY conrelid::regclass::text, conname;
SELECT * FROM sp_idx('game');
-- the data stays: game's columns and values, the through table and its rows
SELECT sp_cols('game');
SELECT id, liked_by, not_liked_by FROM game ORDER BY id;
SELECT count(*) FROM childs_friends;

-- the model and its relations can be declared again over the kept data
SELECT ormar.register_model('child');
SELECT try_sql($$SELECT ormar.many_to_many('child', 'friends', 'child', related_name => 'also_friends')$$);
SELECT try_sql($$SELECT ormar.foreign_key('game', 'liked_by', 'child', related_name => 'liked_games')$$);
SELECT * FROM ormar.related('child', 40, 'friends');
SELECT * FROM ormar.related('child', 40, 'liked_games');

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP SCHEMA archive CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
