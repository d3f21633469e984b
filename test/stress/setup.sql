-- Schema and helpers for test/stress/load.sh (run in a fresh database where
-- ormar_pg is installed; psql variables: rows = size of each model).
--   department 1:N course (FK, reverse "courses"), student N:M course through
--   student_courses with an extra column grade, employee self FK "manager"
--   (reverse "reports"), and for the declaration race dsrc / dtgt, between
--   which the declarer session declares and drops relations.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT count(*) FROM ormar.define_models('{
 "department": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "course": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
            "department": {"type": "ForeignKey", "to": "department", "related_name": "courses"}},
 "student": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
             "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",
                         "through": "student_courses",
                         "through_fields": {"grade": {"type": "Integer"}}}},
 "employee": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
              "manager": {"type": "ForeignKey", "to": "employee", "related_name": "reports"}},
 "dsrc": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "dtgt": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "dsrc_1": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "dsrc_2": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "dsrc_3": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}
}');
INSERT INTO department (name) SELECT 'd' || i FROM generate_series(1, :rows / 10) i;
INSERT INTO course (name, department)
SELECT 'c' || i, 1 + i % (:rows / 10) FROM generate_series(1, :rows) i;
INSERT INTO student (name) SELECT 's' || i FROM generate_series(1, :rows) i;
INSERT INTO student_courses (student, course, grade)
SELECT s, 1 + (s * 7 + k * 13) % :rows, k FROM generate_series(1, :rows) s, generate_series(1, 3) k
ON CONFLICT DO NOTHING;
INSERT INTO employee (name, manager)
SELECT 'e' || i, CASE WHEN i > 1 THEN i / 2 END FROM generate_series(1, :rows) i;
INSERT INTO dsrc (name) SELECT 'x' || i FROM generate_series(1, 100) i;
INSERT INTO dsrc_1 (name) SELECT 'x' || i FROM generate_series(1, 100) i;
INSERT INTO dsrc_2 (name) SELECT 'x' || i FROM generate_series(1, 100) i;
INSERT INTO dsrc_3 (name) SELECT 'x' || i FROM generate_series(1, 100) i;
INSERT INTO dtgt (name) SELECT 'y' || i FROM generate_series(1, 100) i;

CREATE SCHEMA stress;
-- Errors seen by the load, one row each (unlogged: cheap, and a crash empties it,
-- which the crash check notices by other means anyway).
CREATE UNLOGGED TABLE stress.errors (
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    who text NOT NULL,
    op text NOT NULL,
    sqlstate text NOT NULL,
    message text NOT NULL
);

-- Runs STMT; logs an error instead of failing (pgbench 15 ends a client at
-- its first error, and every error must be counted by SQLSTATE).
CREATE FUNCTION stress.try(who text, op text, stmt text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
BEGIN
    EXECUTE stmt;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    INSERT INTO stress.errors (who, op, sqlstate, message) VALUES (who, op, st, msg);
END
$$;

-- One proxy call on the FK, self-FK and many-to-many relations, chosen by OP
-- (1..17) with keys A, B (1..rows) and a grade G.
CREATE FUNCTION stress.proxy(op integer, a integer, b integer, g integer, nrows integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d integer := 1 + a % greatest(nrows / 10, 1);
    stmt text;
BEGIN
    stmt := CASE op
      WHEN 1 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'department', d, 'courses')
      WHEN 2 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'student', a, 'courses')
      WHEN 3 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'course', a, 'students')
      WHEN 4 THEN format('SELECT ormar.add(%L, %s, %L, %s, %L)', 'student', a, 'courses', b,
                         format('{"grade": %s}', g))
      WHEN 5 THEN format('SELECT ormar.remove(%L, %s, %L, %s)', 'student', a, 'courses', b)
      WHEN 6 THEN format('SELECT ormar.clear(%L, %s, %L)', 'student', a, 'courses')
      WHEN 7 THEN format('SELECT ormar.create_related(%L, %s, %L, %L, %L)', 'student', a, 'courses',
                         format('{"name": "n%s"}', b), format('{"grade": %s}', g))
      WHEN 8 THEN format('SELECT ormar.update_through(%L, %s, %L, %s, %L)', 'student', a, 'courses', b,
                         format('{"grade": %s}', g))
      WHEN 9 THEN format('SELECT ormar.fetch(%L, %s, %L)', 'department', d, '{courses__students}')
      WHEN 10 THEN format('SELECT count(*) FROM ormar.fetch_many(%L, ARRAY[%s, %s, %s], %L)',
                          'student', a, b, 1 + (a + b) % nrows, '{courses}')
      WHEN 11 THEN format('SELECT count(*) FROM ormar.traverse(%L, %s, %L, 4)', 'employee',
                          1 + a % 64, 'reports')
      WHEN 12 THEN format('SELECT ormar.add(%L, %s, %L, %s)', 'department', d, 'courses', b)
      WHEN 13 THEN format('SELECT ormar.remove(%L, %s, %L, %s)', 'department', d, 'courses', b)
      WHEN 14 THEN format('SELECT ormar.add(%L, %s, %L, %s)', 'course', b, 'department', d)
      WHEN 15 THEN format('SELECT ormar.create_related(%L, %s, %L, %L)', 'department', d, 'courses',
                          format('{"name": "m%s"}', b))
      WHEN 16 THEN format('SELECT ormar.clear(%L, %s, %L)', 'department', d, 'courses')
      ELSE format('SELECT ormar.fetch(%L, %s, %L)', 'course', b, '{department,students}')
    END;
    PERFORM stress.try('proxy', op::text, stmt);
END
$$;

-- The declarer's steps: a many-to-many (own through table, extra column) and
-- a foreign key between dsrc and dtgt, declared and dropped again.  Each
-- foreign key adds a column to its source table and dropping it leaves a
-- dropped column behind, and PostgreSQL allows 1,600 columns a table, dropped
-- ones included: the foreign key's source turns round dsrc, dsrc_1, dsrc_2 and
-- dsrc_3 (fk takes the next one, drop_fk the same), which allows 6,000 cycles.
CREATE SEQUENCE stress.fk_round;
CREATE FUNCTION stress.fk_source(next boolean) RETURNS text LANGUAGE sql AS $$
    SELECT CASE r % 4 WHEN 0 THEN 'dsrc' ELSE 'dsrc_' || r % 4 END
      FROM (SELECT CASE WHEN next THEN nextval('stress.fk_round')
                        ELSE currval('stress.fk_round') END AS r) s
$$;
CREATE FUNCTION stress.declare(step text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stress.try('declarer', step, CASE step
      WHEN 'm2m' THEN $s$SELECT ormar.many_to_many('dsrc', 'links', 'dtgt', related_name => 'linked_from',
                                 through_fields => '{"w": {"type": "Integer"}}')$s$
      WHEN 'fk' THEN format('SELECT ormar.foreign_key(%L, %L, %L, related_name => %L)',
                            stress.fk_source(true), 'owner', 'dtgt', 'owned')
      WHEN 'drop_m2m' THEN $s$SELECT ormar.drop_relation('dsrc', 'links', drop_data => true)$s$
      WHEN 'drop_fk' THEN format('SELECT ormar.drop_relation(%L, %L, drop_data => true)',
                                 stress.fk_source(false), 'owner')
    END);
END
$$;

-- A reader's call on the relations the declarer changes.
CREATE FUNCTION stress.reader(op integer, a integer, b integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stress.try('reader', op::text, CASE op
      WHEN 1 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'dsrc', a, 'links')
      WHEN 2 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'dtgt', a, 'linked_from')
      WHEN 3 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'dsrc', a, 'owner')
      WHEN 4 THEN format('SELECT count(*) FROM ormar.related(%L, %s, %L)', 'dtgt', a, 'owned')
      WHEN 5 THEN format('SELECT ormar.fetch(%L, %s, %L)', 'dsrc', a, '{links,owner}')
      WHEN 6 THEN format('SELECT ormar.fetch(%L, %s, %L)', 'dtgt', a, '{owned,linked_from}')
      WHEN 7 THEN format('SELECT ormar.add(%L, %s, %L, %s, %L)', 'dsrc', a, 'links', b, '{"w": 1}')
      ELSE format('SELECT ormar.add(%L, %s, %L, %s)', 'dtgt', a, 'owned', b)
    END);
END
$$;

-- Everything the catalog says and every generated object's definition, as one
-- text: equal before and after the load means the load changed no metadata.
CREATE FUNCTION stress.catalog_fingerprint() RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(line, E'\n' ORDER BY line) FROM (
        SELECT format('%s', r) AS line FROM ormar.relations r
        UNION ALL
        SELECT format('%s', m) FROM ormar.models m
        UNION ALL
        SELECT pg_get_functiondef(r.accessor) FROM ormar.relations r WHERE r.accessor IS NOT NULL
        UNION ALL
        SELECT r.lookup_view::text || ': ' || pg_get_viewdef(r.lookup_view)
          FROM ormar.relations r WHERE r.lookup_view IS NOT NULL
        UNION ALL
        SELECT conrelid::regclass::text || ': ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relnamespace = 'public'::regnamespace
    ) f
$$;
CREATE TABLE stress.fingerprint AS SELECT stress.catalog_fingerprint() AS before;
