-- Key types another role controls (DESIGN §8): a relation's new column takes
-- the type of a model's key.  When that type (or a type it is built from) is
-- owned by a role without the privileges of the role building the relation,
-- filling the column would run that role's code (a domain's CHECK or default)
-- with the builder's privileges: the build is refused (42501), and a pending
-- relation stays pending with a WARNING.  A column the builder added itself
-- is adopted as it is.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never
\i sql/include/try_sql.sql

CREATE ROLE ormar_tt_mallory;
CREATE SCHEMA app;
GRANT USAGE, CREATE ON SCHEMA app TO ormar_tt_mallory;
-- what the attacker's code saw: the role it ran as
CREATE TABLE app.ran_as (who text);
GRANT INSERT ON app.ran_as TO ormar_tt_mallory;

SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
                                      "name": {"type": "Text"}}', 'app');
INSERT INTO app.course (name) VALUES ('Math');

-- 1. The superuser declares a foreign key to a model that does not exist yet
SELECT ormar.foreign_key('app.course', 'department', 'app.department');

-- mallory defines the target, its key a domain whose CHECK calls her function
SET ROLE ormar_tt_mallory;
CREATE FUNCTION app.spy(v integer) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO app.ran_as VALUES (current_user);
    RETURN true;
END $$;
CREATE DOMAIN app.dept_id AS integer CHECK (app.spy(VALUE));
CREATE TABLE app.department (id app.dept_id PRIMARY KEY, name text);
-- the pending relation is not built as the superuser: WARNING, it stays pending
-- (terse: the WARNING's DETAIL names the superuser, whose name varies)
\set VERBOSITY terse
SELECT ormar.register_model('app.department');
\set VERBOSITY default
RESET ROLE;
SELECT name, status FROM ormar.relations WHERE model = 'app.course'::regclass;
SELECT count(*) AS department_column FROM pg_attribute
 WHERE attrelid = 'app.course'::regclass AND attname = 'department';
SELECT who FROM app.ran_as;

-- 2. Declared directly, the same is refused with 42501, naming the type's owner
-- (without the DETAIL, which names the superuser)
SELECT try_sql($$SELECT ormar.foreign_key('app.course', 'dept', 'app.department')$$, false);
-- and a many-to-many's through table would take the type too
SELECT try_sql($$SELECT ormar.many_to_many('app.course', 'departments', 'app.department')$$, false);
-- a type built on hers is followed to its owner: a superuser's domain over
-- mallory's domain
CREATE DOMAIN app.dept_code AS app.dept_id;
CREATE TABLE app.office (code app.dept_code PRIMARY KEY);
SELECT ormar.register_model('app.office');
SELECT try_sql($$SELECT ormar.foreign_key('app.course', 'office', 'app.office')$$, false);
-- mallory's code never ran
SELECT count(*) AS spy_calls FROM app.ran_as;

-- 3. A column the superuser adds itself, with mallory's type, is its own
-- choice: the relation adopts it
ALTER TABLE app.course ADD COLUMN department app.dept_id;
SELECT try_sql($$SELECT ormar.update_forward_refs('app.course')$$);
SELECT name, status FROM ormar.relations WHERE model = 'app.course'::regclass;

-- 4. A type of the builder's own, or of a role that has the builder's
-- privileges (running its code as the builder gains it nothing), is fine
CREATE ROLE ormar_tt_alice;
CREATE SCHEMA alice AUTHORIZATION ormar_tt_alice;
GRANT USAGE ON SCHEMA app TO ormar_tt_alice;
GRANT ormar_tt_alice TO ormar_tt_mallory;  -- mallory has alice's privileges
SET ROLE ormar_tt_mallory;
CREATE DOMAIN app.label AS text CHECK (VALUE <> '');
RESET ROLE;
SET ROLE ormar_tt_alice;
CREATE DOMAIN alice.code AS text CHECK (VALUE <> '');
CREATE TABLE alice.tag (code alice.code PRIMARY KEY);
CREATE TABLE alice.badge (label app.label PRIMARY KEY);
SELECT ormar.register_model('alice.tag'), ormar.register_model('alice.badge');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true}}', 'alice');
SELECT try_sql($$SELECT ormar.many_to_many('alice.post', 'tags', 'alice.tag')$$);
SELECT try_sql($$SELECT ormar.many_to_many('alice.post', 'badges', 'alice.badge')$$);
RESET ROLE;
SELECT attrelid::regclass AS through, format_type(atttypid, atttypmod) AS link_type
  FROM pg_attribute
 WHERE attrelid IN ('alice.posts_tags'::regclass, 'alice.posts_badges'::regclass)
   AND attname IN ('tag', 'badge')
 ORDER BY 1;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP SCHEMA app, alice CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP ROLE ormar_tt_mallory, ormar_tt_alice;
