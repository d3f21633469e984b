-- Run by test/suites/upgrade.sh with the current library installed but before
-- ALTER EXTENSION ormar_pg UPDATE: the database still has the 0.1.0 catalog
-- (no declared_by, no adopted) and the 0.1.0 SQL definitions.  Everything the
-- 0.1.0 SQL surface offers must keep working there, as PostgreSQL's own
-- extensions keep serving their older SQL definitions.  All of it runs in one
-- transaction that is rolled back, so after.sql sees the database as before.sql
-- left it.  Output convention as in after.sql ("ok NAME" / "FAIL NAME: ...").
\i test/upgrade/chk.sql
-- The statement's first column of its first row, or its SQLSTATE and message.
CREATE FUNCTION pg_temp.val(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v text;
BEGIN
    IF stmt ~* '^\s*(select|with)\s' OR stmt ~* '\sreturning\s' THEN
        EXECUTE stmt INTO v;
    ELSE
        EXECUTE stmt;
    END IF;
    RETURN coalesce(v, 'null');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;

BEGIN;
SELECT pg_temp.chk('the catalog is still 0.1.0 (no declared_by column)',
    (SELECT count(*)::text FROM pg_attribute
      WHERE attrelid = 'ormar.relation'::regclass AND attname IN ('declared_by', 'adopted')),
    '0');
SELECT pg_temp.chk('related through a reverse foreign key',
    pg_temp.val($$SELECT string_agg(r ->> 'name', ',' ORDER BY (r ->> 'id')::int)
                  FROM ormar.related('department', 1, 'courses') r$$),
    'Math,Phys');
SELECT pg_temp.chk('fetch with an include',
    pg_temp.val($$SELECT jsonb_array_length(ormar.fetch('department', 1, '{courses}') -> 'courses')$$),
    '2');
SELECT pg_temp.chk('add to a many-to-many with a through field, then read it',
    pg_temp.val($$SELECT ormar.add('student', 3, 'courses', 2, '{"grade": 1}')::text
                  || ',' || (SELECT string_agg(r ->> 'name', ',' ORDER BY (r ->> 'id')::int)
                               FROM ormar.related('student', 3, 'courses') r)$$),
    'true,Phys,Paint');
SELECT pg_temp.chk('remove from it',
    pg_temp.val($$SELECT ormar.remove('student', 3, 'courses', 2)$$),
    'true');
SELECT pg_temp.chk('traverse a self-reference (the start row is depth 0)',
    pg_temp.val($$SELECT string_agg(depth || ':' || (node ->> 'name'), ',' ORDER BY depth, node ->> 'name')
                  FROM ormar.traverse('employee', 1, 'reports')$$),
    '0:Boss,1:Mid,2:Low,2:Low2');
SELECT pg_temp.chk('describe',
    pg_temp.val($$SELECT ormar.describe('course') -> 'department' ->> 'type'$$),
    'ForeignKey');
SELECT pg_temp.chk('ALTER TABLE of a model regenerates its accessors (event trigger)',
    pg_temp.val($$ALTER TABLE course ADD COLUMN credits integer DEFAULT 3$$)
    || ',' || pg_temp.val($$SELECT string_agg(c.credits::text, ',') FROM department d, courses(d) c
                             WHERE d.id = 1$$),
    'null,3,3');
SELECT pg_temp.chk('a new foreign key is declared and read',
    pg_temp.val($$SELECT ormar.foreign_key('course', 'mentor', 'employee', related_name => 'mentored')::text$$)
    || ',' || pg_temp.val($$UPDATE course SET mentor = 2 WHERE id = 1 RETURNING id$$)
    || ',' || pg_temp.val($$SELECT string_agg(r ->> 'name', ',') FROM ormar.related('employee', 2, 'mentored') r$$),
    ',1,Math');
SELECT pg_temp.chk('defining the target builds the pending relation',
    pg_temp.val($$SELECT ormar.define_model('book', '{"id": {"type": "Integer", "primary_key": true}}')$$)
    || ',' || pg_temp.val($$SELECT status FROM ormar.relations WHERE model = 'course'::regclass
                             AND name = 'textbook' AND direction = 'forward'$$),
    'book,resolved');
SELECT pg_temp.chk('a relation of another role, read as that role',
    pg_temp.val($$SET LOCAL ROLE ormar_upgrade_alice$$)
    || ',' || pg_temp.val($$SELECT string_agg(r ->> 'title', ',' ORDER BY r ->> 'title')
                             FROM ormar.related('alice.author', 1, 'novels') r$$)
    || ',' || pg_temp.val($$RESET ROLE$$),
    'null,A1,A2,null');
SELECT pg_temp.chk('drop_relation',
    pg_temp.val($$SELECT ormar.drop_relation('course', 'mentor')::text$$)
    || ',' || pg_temp.val($$SELECT count(*) FROM ormar.relations WHERE name = 'mentor'$$),
    ',0');
ROLLBACK;
