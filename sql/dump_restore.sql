-- pg_dump / pg_restore of a database using ormar_pg (DESIGN §8): every model,
-- relation and generated object comes back, working.  The dump and restore
-- run through psql's \! in the throwaway test cluster.
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;
SELECT * FROM ormar.define_models('{
 "department": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
 "course": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
            "department": {"type": "ForeignKey", "to": "department", "ondelete": "CASCADE"}},
 "student": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
             "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",
                         "through_fields": {"grade": {"type": "Integer"}}}},
 "person": {"id": {"type": "Integer", "primary_key": true},
            "supervisor": {"type": "ForeignKey", "to": "person", "related_name": "employees"}}
}') m ORDER BY m::text;
SELECT ormar.foreign_key('person', 'mentor', 'tutor');   -- stays pending
INSERT INTO department (name) VALUES ('Sci'), ('Art');
INSERT INTO course (name, department) VALUES ('Math', 1), ('Phys', 1), ('Paint', 2);
INSERT INTO student (name) VALUES ('Ann'), ('Bob');
SELECT ormar.add('student', 1, 'courses', 1, '{"grade": 5}'), ormar.add('student', 2, 'courses', 3);
INSERT INTO person (supervisor) VALUES (NULL), (1), (2);
CREATE ROLE regress_ormar_dump_reader;
GRANT SELECT ON department__courses TO regress_ormar_dump_reader;
RESET client_min_messages;

-- what the restored database must show again
CREATE TEMP TABLE before_relations AS
SELECT model::text, name, direction, kind, target::text, related_name, column_name,
       through::text, through_column, through_reverse_column, status,
       accessor::text, lookup_view::text
  FROM ormar.relations;
SELECT count(*) AS relation_rows FROM before_relations;

\set orig_db :DBNAME
\setenv ORMAR_DUMP_DB :DBNAME
\! pg_dump -Fc -f "/tmp/ormar_pg_dump_restore_$PGPORT.dump" "$ORMAR_DUMP_DB"
\! dropdb --if-exists ormar_pg_restored 2>/dev/null; createdb ormar_pg_restored && pg_restore -d ormar_pg_restored "/tmp/ormar_pg_dump_restore_$PGPORT.dump"
\copy before_relations TO '/tmp/ormar_pg_dump_restore_relations.tsv'
\c ormar_pg_restored
CREATE TEMP TABLE before_relations (model text, name text, direction text, kind text,
    target text, related_name text, column_name name, through text, through_column name,
    through_reverse_column name, status text, accessor text, lookup_view text);
\copy before_relations FROM '/tmp/ormar_pg_dump_restore_relations.tsv'

-- the catalog is the same, row for row
SELECT count(*) AS relation_rows,
       count(*) FILTER (WHERE status = 'pending') AS pending FROM ormar.relations;
(SELECT model::text, name, direction, kind, target::text, related_name, column_name,
        through::text, through_column, through_reverse_column, status,
        accessor::text, lookup_view::text FROM ormar.relations
 EXCEPT SELECT * FROM before_relations)
UNION ALL
(SELECT * FROM before_relations
 EXCEPT SELECT model::text, name, direction, kind, target::text, related_name, column_name,
        through::text, through_column, through_reverse_column, status,
        accessor::text, lookup_view::text FROM ormar.relations);
SELECT model::text, pk_column, pk_type FROM ormar.models ORDER BY 1;

-- keys, constraints and indexes are back
SELECT conrelid::regclass AS tbl, conname, contype FROM pg_constraint
 WHERE conrelid IN ('department'::regclass, 'course'::regclass, 'student'::regclass,
                    'students_courses'::regclass, 'person'::regclass)
 ORDER BY conrelid::regclass::text, conname;
SELECT indexrelid::regclass AS index FROM pg_index
 WHERE indrelid IN ('course'::regclass, 'students_courses'::regclass, 'person'::regclass)
 ORDER BY indexrelid::regclass::text;

-- accessors, views and proxies work
SELECT c.name FROM department d, LATERAL courses(d) c WHERE d.id = 1 ORDER BY c.id;
SELECT * FROM department__courses ORDER BY id;
SELECT * FROM ormar.related('student', 1, 'courses');
SELECT ormar.fetch('department', 1, '{courses__students}');
SELECT * FROM ormar.traverse('person', 1, 'employees');
SELECT ormar.add('student', 2, 'courses', 1, '{"grade": 3}');
SELECT * FROM course__students ORDER BY source_pk, id;
SELECT has_table_privilege('regress_ormar_dump_reader', 'department__courses', 'SELECT') AS reader_kept;

-- the event triggers work in the restored database: a rename is followed
ALTER TABLE course RENAME COLUMN name TO title;
SELECT * FROM ormar.related('department', 2, 'courses');
SELECT * FROM department__courses ORDER BY id;
-- and the pending relation is built when its target appears
SELECT ormar.define_model('tutor', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT name, status FROM ormar.relations WHERE model = 'person'::regclass ORDER BY name;

\c :orig_db
\! dropdb --force ormar_pg_restored; rm -f "/tmp/ormar_pg_dump_restore_$PGPORT.dump" /tmp/ormar_pg_dump_restore_relations.tsv
SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP TABLE students_courses, student, course, department, person CASCADE;
DROP ROLE regress_ormar_dump_reader;
