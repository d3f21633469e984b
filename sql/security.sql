-- Acting for other roles (DESIGN §4, §8): a pending relation is built as the
-- role that declared it and only when that role may; event triggers act only
-- on relations involving the changed objects, as the owner of the generated
-- objects, and never make a role's DDL on its own tables fail.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Roles are cluster-wide: unique names, dropped at the end.
CREATE ROLE ormar_sec_alice;
CREATE ROLE ormar_sec_bob;
CREATE ROLE ormar_sec_mallory;
CREATE SCHEMA alice AUTHORIZATION ormar_sec_alice;
CREATE SCHEMA bob AUTHORIZATION ormar_sec_bob;
CREATE SCHEMA mallory AUTHORIZATION ormar_sec_mallory;
CREATE SCHEMA carol;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO ormar_sec_alice, ormar_sec_bob', current_database()); END $$;

\i sql/include/try_sql.sql

-- Relations of the catalog with their status and the owners of their objects.
CREATE FUNCTION public.sec_rels() RETURNS TABLE(model regclass, name text, status text,
    declared_by regrole, accessor_owner regrole, reverse_owner regrole, view_owner regrole)
LANGUAGE sql STABLE AS $$
    SELECT r.model, r.name, CASE WHEN r.target IS NULL THEN 'pending' ELSE 'resolved' END,
           r.declared_by,
           (SELECT p.proowner::regrole FROM pg_proc p WHERE p.oid = r.accessor),
           (SELECT p.proowner::regrole FROM pg_proc p WHERE p.oid = r.reverse_accessor),
           (SELECT c.relowner::regrole FROM pg_class c
             WHERE c.oid = coalesce(r.reverse_lookup_view, r.lookup_view))
      FROM ormar.relation r ORDER BY r.model::text, r.name
$$;

-- Foreign keys on a table: name -> referenced table, actions.
CREATE FUNCTION public.sec_fks(tbl regclass) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.conname || ': ' || pg_get_constraintdef(c.oid)
      FROM pg_constraint c WHERE c.conrelid = tbl AND c.contype = 'f' ORDER BY c.conname
$$;

---------------------------------------------------------------------------
-- 1. Pending relations are built as their declarer, never as the definer
---------------------------------------------------------------------------

-- 1a. A through table that belongs to another role is refused at declaration,
-- pending or not (it would receive foreign keys ON DELETE CASCADE to the
-- declarer's table).
SET ROLE ormar_sec_alice;
CREATE TABLE alice.secrets (id int PRIMARY KEY, note text);
INSERT INTO alice.secrets VALUES (1, 'keep me');
RESET ROLE;
SET ROLE ormar_sec_mallory;
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true}}', 'mallory');
SELECT try_sql($$SELECT ormar.many_to_many('mallory.post', 'cats', 'alice.category', through => 'alice.secrets')$$);
-- a through table that does not exist yet is accepted while pending ...
SELECT ormar.many_to_many('mallory.post', 'cats', 'alice.category', through => 'alice.later');
RESET ROLE;
-- ... and when alice creates that table and defines the target, the relation
-- is built as mallory, who owns neither: it stays pending, alice's call works
SET ROLE ormar_sec_alice;
CREATE TABLE alice.later (id int PRIMARY KEY);
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true}}', 'alice');
SELECT * FROM sec_rels() WHERE name = 'cats';
SELECT * FROM sec_fks('alice.later');
RESET ROLE;
SET ROLE ormar_sec_mallory;
SELECT try_sql($$SELECT ormar.update_forward_refs('mallory.post')$$);
SELECT ormar.drop_relation('mallory.post', 'cats');
RESET ROLE;

-- 1b. A pending foreign key built while a superuser defines its target: the
-- declarer holds no REFERENCES on the target and no CREATE on its schema, so
-- the relation stays pending; nothing is created for it.
SET ROLE ormar_sec_mallory;
SELECT ormar.foreign_key('mallory.post', 'owner', 'carol.account');
RESET ROLE;
SELECT ormar.define_model('account', '{"id": {"type": "Integer", "primary_key": true}}', 'carol');
SELECT * FROM sec_rels() WHERE name = 'owner';
SELECT * FROM sec_fks('mallory.post');
SELECT count(*) AS functions_in_carol FROM pg_proc WHERE pronamespace = 'carol'::regnamespace;
SELECT count(*) AS views_in_carol FROM pg_class WHERE relnamespace = 'carol'::regnamespace AND relkind = 'v';
-- once granted what it needs, the declarer builds it itself, owning everything
GRANT USAGE, CREATE ON SCHEMA carol TO ormar_sec_mallory;
GRANT REFERENCES ON carol.account TO ormar_sec_mallory;
SET ROLE ormar_sec_mallory;
SELECT ormar.update_forward_refs('mallory.post');
RESET ROLE;
SELECT * FROM sec_rels() WHERE name = 'owner';
SET ROLE ormar_sec_mallory;
SELECT ormar.drop_relation('mallory.post', 'owner', drop_data => true);
RESET ROLE;
REVOKE CREATE ON SCHEMA carol FROM ormar_sec_mallory;

-- 1c. A pending relation cannot keep another role from defining a model of
-- that name: alice's define_model succeeds with a WARNING, mallory's relation
-- stays pending.
SET ROLE ormar_sec_mallory;
SELECT ormar.foreign_key('mallory.post', 'gadget', 'alice.gadget', related_name => 'posts');
RESET ROLE;
SET ROLE ormar_sec_alice;
SELECT ormar.define_model('gadget', '{"id": {"type": "Integer", "primary_key": true}}', 'alice');
SELECT to_regclass('alice.gadget') IS NOT NULL AS gadget_defined;
RESET ROLE;
SELECT * FROM sec_rels() WHERE name = 'gadget';
SET ROLE ormar_sec_mallory;
SELECT ormar.drop_relation('mallory.post', 'gadget');
RESET ROLE;

---------------------------------------------------------------------------
-- 2. Event triggers act as the owner, only on the relations concerned
---------------------------------------------------------------------------

-- bob's course references alice's department; bob may (REFERENCES, CREATE)
GRANT USAGE, CREATE ON SCHEMA alice TO ormar_sec_bob;
SET ROLE ormar_sec_alice;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}', 'alice');
GRANT REFERENCES, SELECT ON alice.department TO ormar_sec_bob;
INSERT INTO alice.department VALUES (1, 'Math');
RESET ROLE;
SET ROLE ormar_sec_bob;
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true}, "title": {"type": "Text"}, "department": {"type": "ForeignKey", "to": "alice.department"}}', 'bob');
INSERT INTO bob.course VALUES (10, 'Algebra', 1);
RESET ROLE;
-- an unrelated relation of a third party, to see that nothing touches it
SELECT ormar.define_model('ledger', '{"id": {"type": "Integer", "primary_key": true}}', 'carol');
SELECT ormar.foreign_key('carol.ledger', 'account', 'carol.account');
CREATE TEMP TABLE untouched AS
    SELECT name, accessor::oid AS acc, reverse_accessor::oid AS racc, reverse_lookup_view::oid AS rview
      FROM ormar.relation WHERE model = 'carol.ledger'::regclass;
SELECT * FROM sec_rels() WHERE name IN ('department', 'account');

-- 2a. alice adds and drops columns of her own table: works; bob's objects are
-- regenerated as bob and keep working
SET ROLE ormar_sec_alice;
ALTER TABLE alice.department ADD COLUMN budget int;
ALTER TABLE alice.department DROP COLUMN budget;
ALTER TABLE alice.department RENAME TO dept;
RESET ROLE;
SELECT * FROM sec_rels() WHERE name = 'department';
SET ROLE ormar_sec_bob;
SELECT c.title FROM alice.dept d, alice.courses(d) c;
SELECT (bob.department(c)).name FROM bob.course c;
RESET ROLE;

-- 2b. a superuser altering bob's table: the regenerated objects stay bob's
ALTER TABLE bob.course ADD COLUMN credits int;
ALTER TABLE bob.course RENAME COLUMN title TO label;
SELECT * FROM sec_rels() WHERE name = 'department';
SELECT source_pk, label, credits FROM alice.dept__courses;

-- 2c. renaming a schema touches only the relations of its tables; a rename
-- of an unrelated schema by its owner touches nothing and works
SET ROLE ormar_sec_alice;
CREATE SCHEMA alice_tmp;
ALTER SCHEMA alice_tmp RENAME TO alice_tmp2;
DROP SCHEMA alice_tmp2;
RESET ROLE;
SET ROLE ormar_sec_bob;
ALTER SCHEMA bob RENAME TO bob2;
SELECT c.label FROM alice.dept d, alice.courses(d) c;
RESET ROLE;
SELECT * FROM sec_rels() WHERE name = 'department';
SELECT r.name, r.accessor::oid = u.acc AND r.reverse_accessor::oid = u.racc
       AND r.reverse_lookup_view::oid = u.rview AS same_objects
  FROM ormar.relation r JOIN untouched u USING (name)
 WHERE r.model = 'carol.ledger'::regclass;
ALTER SCHEMA bob2 RENAME TO bob;

-- 2d. alice drops her own table with CASCADE: works, although bob owns the
-- index and accessor generated for the relation; the relation is forgotten
-- and what was generated for it is gone, bob's data stays
SET ROLE ormar_sec_alice;
DROP TABLE alice.dept CASCADE;
RESET ROLE;
SELECT * FROM sec_rels() WHERE name = 'department';
SELECT indexname FROM pg_indexes WHERE schemaname = 'bob' AND tablename = 'course' ORDER BY 1;
SELECT id, label, department FROM bob.course;
SELECT count(*) AS bob_accessors FROM pg_proc WHERE proname = 'department' AND pronamespace = 'bob'::regnamespace;

---------------------------------------------------------------------------
-- 3. The event-trigger functions cannot be called directly (39P03)
---------------------------------------------------------------------------
SELECT try_sql('SELECT ormar._on_ddl_start()');
SELECT try_sql('SELECT ormar._on_ddl_end()');
SELECT try_sql('SELECT ormar._on_sql_drop()');

---------------------------------------------------------------------------
-- cleanup
---------------------------------------------------------------------------
DROP EXTENSION ormar_pg CASCADE;
DROP SCHEMA alice, bob, mallory, carol CASCADE;
DROP FUNCTION public.try_sql(text, boolean), public.sec_rels(), public.sec_fks(regclass);
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM ormar_sec_alice, ormar_sec_bob', current_database()); END $$;
DROP ROLE ormar_sec_alice, ormar_sec_bob, ormar_sec_mallory;
