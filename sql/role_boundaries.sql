-- Where one role's objects meet another's (DESIGN §2, §4, §8):
--   1. the extension is not installed into a schema ormar that a role other
--      than a superuser owns (its owner could replace the API's functions);
--   2. a pending relation is built automatically only against a target whose
--      owner has the declarer's privileges; against another role's table the
--      declarer builds it by asking (update_forward_refs);
--   3. a target's owner retypes its own key although another role's relation
--      references it (the generated constraint carries no comment, which
--      PostgreSQL would rebuild with the other role's privileges);
--   4. an accessor or view whose grants were all revoked keeps none when it
--      is regenerated.
\set VERBOSITY default
\set SHOW_CONTEXT never
\i sql/include/try_sql.sql
CREATE ROLE ormar_rb_eve;
CREATE ROLE ormar_rb_alice;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO ormar_rb_eve, ormar_rb_alice', current_database()); END $$;

-- 1. A schema ormar created beforehand by a role that is not a superuser
SET ROLE ormar_rb_eve;
CREATE SCHEMA ormar;
RESET ROLE;
SELECT try_sql('CREATE EXTENSION ormar_pg');
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'ormar_pg';
-- given to a superuser (here: dropped, and created by CREATE EXTENSION) it installs
DROP SCHEMA ormar;
CREATE EXTENSION ormar_pg;
SELECT r.rolsuper AS ormar_owner_is_superuser
  FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'ormar';

CREATE SCHEMA eve AUTHORIZATION ormar_rb_eve;
CREATE SCHEMA alice AUTHORIZATION ormar_rb_alice;
GRANT USAGE ON SCHEMA eve TO ormar_rb_alice;

-- 2. alice declares a foreign key (ON DELETE CASCADE) to eve.department,
-- which does not exist yet
SET ROLE ormar_rb_alice;
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
                                      "name": {"type": "Text"}}', 'alice');
INSERT INTO alice.course (name) VALUES ('Math');
SELECT ormar.foreign_key('alice.course', 'department', 'eve.department',
                         ondelete => 'CASCADE', related_name => 'courses');
RESET ROLE;
-- eve creates it, granting alice all she would need: the relation is not
-- built for alice by eve's call
SET ROLE ormar_rb_eve;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}', 'eve');
GRANT REFERENCES, SELECT ON eve.department TO ormar_rb_alice;
GRANT CREATE ON SCHEMA eve TO ormar_rb_alice;
SELECT ormar.define_model('department2', '{"id": {"type": "Integer", "primary_key": true}}', 'eve');
RESET ROLE;
SELECT name, status FROM ormar.relations WHERE model = 'alice.course'::regclass;
-- eve drops her model and defines it again: still not built
SET ROLE ormar_rb_eve;
SELECT ormar.drop_model('eve.department');
DROP TABLE eve.department;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}}', 'eve');
GRANT REFERENCES, SELECT ON eve.department TO ormar_rb_alice;
RESET ROLE;
SELECT name, status FROM ormar.relations WHERE model = 'alice.course'::regclass;
-- alice asks for it: built, as alice
SET ROLE ormar_rb_alice;
SELECT ormar.update_forward_refs('alice.course');
RESET ROLE;
SELECT name, status, pg_get_userbyid(p.proowner) AS accessor_owner
  FROM ormar.relations r LEFT JOIN pg_proc p ON p.oid = r.accessor
 WHERE r.model = 'alice.course'::regclass;

-- 3. eve retypes her own key, which alice's relation references
SET ROLE ormar_rb_eve;
INSERT INTO eve.department VALUES (1);
SELECT try_sql('ALTER TABLE eve.department ALTER COLUMN id TYPE bigint');
RESET ROLE;
SELECT format_type(atttypid, atttypmod) AS department_key
  FROM pg_attribute WHERE attrelid = 'eve.department'::regclass AND attname = 'id';
-- alice's foreign key still holds
SET ROLE ormar_rb_alice;
SELECT try_sql('UPDATE alice.course SET department = 2');
UPDATE alice.course SET department = 1;
SELECT name, department FROM alice.course;
RESET ROLE;

-- 4. alice revokes every grant on her accessor and her view, then a change of
-- her table regenerates them: they keep no grant, PUBLIC's and hers included
SET ROLE ormar_rb_alice;
REVOKE ALL ON FUNCTION alice.department(alice.course) FROM PUBLIC, ormar_rb_alice;
SELECT ormar.foreign_key('alice.course', 'mentor', 'alice.course', related_name => 'mentees');
REVOKE ALL ON alice.course__mentees FROM ormar_rb_alice;
SELECT p.proacl AS accessor_acl_before FROM pg_proc p
 WHERE p.oid = 'alice.department(alice.course)'::regprocedure;
ALTER TABLE alice.course ADD COLUMN credits integer;
SELECT p.proacl AS accessor_acl_after FROM pg_proc p
 WHERE p.oid = 'alice.department(alice.course)'::regprocedure;
SELECT c.relacl AS view_acl_after FROM pg_class c WHERE c.oid = 'alice.course__mentees'::regclass;
SELECT has_function_privilege('ormar_rb_eve', 'alice.department(alice.course)', 'EXECUTE')
       AS eve_may_execute;
-- a regenerated object with the default privileges keeps the defaults
SELECT p.proacl IS NULL AS mentor_accessor_default
  FROM pg_proc p WHERE p.oid = 'alice.mentor(alice.course)'::regprocedure;
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP SCHEMA eve, alice CASCADE;
DROP FUNCTION try_sql(text, boolean);
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM ormar_rb_eve, ormar_rb_alice', current_database()); END $$;
DROP ROLE ormar_rb_eve, ormar_rb_alice;
