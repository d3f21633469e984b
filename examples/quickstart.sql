-- ormar_pg quickstart: ormar's Department / Course example, in SQL.
--
-- In ormar (Python):
--
--   class Department(ormar.Model):
--       id: int = ormar.Integer(primary_key=True)
--       name: str = ormar.String(max_length=100)
--
--   class Course(ormar.Model):
--       id: int = ormar.Integer(primary_key=True)
--       name: str = ormar.String(max_length=100)
--       completed: bool = ormar.Boolean(default=False)
--       department: Optional[Department] = ormar.ForeignKey(Department)
--
-- Run it against a throwaway cluster with:   bash .ci/quickstart
-- or in any database where you may create the extension:
--   psql -X -v ON_ERROR_STOP=1 -e -f examples/quickstart.sql

\echo
\echo '== 1. install the extension (schema ormar)'
CREATE EXTENSION ormar_pg;

\echo
\echo '== 2. define the models: one table each, columns in the order written'
SELECT ormar.define_model('department', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);

SELECT ormar.define_model('course', $${
    "id":        {"type": "Integer", "primary_key": true},
    "name":      {"type": "String", "max_length": 100},
    "completed": {"type": "Boolean", "default": false}
}$$);

\echo
\echo '== 3. the relation: course.department -> department, reverse side department.courses'
-- target defaults to the relation name, related_name to <source table>s = courses.
-- Generates column course.department, its foreign key and index, the accessors
-- department(course) and courses(department), and the view department__courses.
SELECT ormar.foreign_key('course', 'department');

\d course

\echo
\echo '== 4. some data (ids come from the identity columns: 1, 2, ...)'
INSERT INTO department (name) VALUES ('Science'), ('Humanities')
RETURNING *;

INSERT INTO course (name, department) VALUES
    ('Math',    1),
    ('Physics', 1),
    ('History', 2)
RETURNING *;

\echo
\echo '== 5. department 1''s courses -- ormar: await department.courses.all()'
\echo '-- through the accessor function (inlined by the planner):'
SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = 1 ORDER BY c.id;

\echo '-- through the reverse-lookup view:'
SELECT * FROM department__courses WHERE source_pk = 1 ORDER BY id;

\echo '-- through the relation proxy, one jsonb object per row:'
SELECT * FROM ormar.related('department', 1, 'courses');

\echo '-- and the forward side: the department of course 3'
SELECT d.* FROM course c, LATERAL department(c) d WHERE c.id = 3;

\echo
\echo '== 6. add course 1 to department 2 -- ormar: await humanities.courses.add(math)'
SELECT ormar.add('department', 2, 'courses', 1);

SELECT * FROM ormar.related('department', 2, 'courses');
SELECT * FROM ormar.related('department', 1, 'courses');

\echo
\echo '== 7. remove it again -- ormar: await humanities.courses.remove(math)'
\echo '-- keep_reversed defaults to true: the course stays, its department becomes NULL'
SELECT ormar.remove('department', 2, 'courses', 1);

SELECT * FROM ormar.related('department', 2, 'courses');
SELECT * FROM course ORDER BY id;

\echo
\echo '== 8. what the catalog knows: one row per direction of every relation'
SELECT * FROM ormar.models;
\x on
SELECT * FROM ormar.relations;
\x off
