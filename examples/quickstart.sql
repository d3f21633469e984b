-- ormar_pg quick start: ormar's Department / Course / Student example, in SQL.
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
--       department: Optional[Department] = ormar.ForeignKey(Department)
--
--   class Student(ormar.Model):
--       id: int = ormar.Integer(primary_key=True)
--       name: str = ormar.String(max_length=100)
--       courses = ormar.ManyToMany(Course, related_name="students")
--
--   class Person(ormar.Model):          # a self-reference
--       id: int = ormar.Integer(primary_key=True)
--       name: str = ormar.String(max_length=100)
--       supervisor = ormar.ForeignKey(ForwardRef("Person"), related_name="employees")
--
-- Run it in a throwaway cluster with   bash .ci/quickstart
-- or in any database where you may create the extension:
--   psql -X -v ON_ERROR_STOP=1 -f examples/quickstart.sql
-- (test/suites/readme.sh runs it on a fresh database, and checks that
-- docs/quickstart.dot is the diagram of the schema it builds.)

\pset footer off
\echo '== 1. install the extension (schema ormar)'
CREATE EXTENSION ormar_pg;

\echo
\echo '== 2. models: one table each, columns in the order written; relations as fields'
SELECT ormar.define_model('department', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.define_model('course', $${
    "id":         {"type": "Integer", "primary_key": true},
    "name":       {"type": "String", "max_length": 100},
    "department": {"type": "ForeignKey", "to": "department"}
}$$);
SELECT ormar.define_model('student', $${
    "id":      {"type": "Integer", "primary_key": true},
    "name":    {"type": "String", "max_length": 100},
    "courses": {"type": "ManyToMany", "to": "course", "related_name": "students"}
}$$);
SELECT ormar.define_model('person', $${
    "id":         {"type": "Integer", "primary_key": true},
    "name":       {"type": "String", "max_length": 100},
    "supervisor": {"type": "ForeignKey", "to": "person", "related_name": "employees"}
}$$);

\echo
\echo '== 3. what was generated: one row per direction of every relation'
SELECT model, name, direction, kind, target, accessor, lookup_view
  FROM ormar.relations ORDER BY model::text, name;

\echo
\echo '== 4. data (ids come from the identity columns: 1, 2, ...)'
INSERT INTO department (name) VALUES ('Science'), ('Humanities');
INSERT INTO course (name, department) VALUES ('Math', 1), ('Physics', 1), ('History', 2);
INSERT INTO student (name) VALUES ('Ann'), ('Bob');
INSERT INTO person (name, supervisor) VALUES
    ('Grace', NULL), ('Alan', 1), ('Ada', 1), ('Edsger', 2), ('Barbara', 4);

\echo
\echo '== 5. foreign key: department 1''s courses -- ormar: await department.courses.all()'
SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = 1 ORDER BY c.id;
SELECT * FROM ormar.related('department', 1, 'courses');
\echo '-- course 1 moves to department 2 -- ormar: await humanities.courses.add(math)'
SELECT ormar.add('department', 2, 'courses', 1);
SELECT d.name AS department, c.name AS course
  FROM course c, LATERAL department(c) d ORDER BY c.id;

\echo
\echo '== 6. many-to-many -- ormar: await ann.courses.add(math), from either side'
SELECT ormar.add('student', 1, 'courses', 1);
SELECT ormar.add('student', 1, 'courses', 2);
SELECT ormar.add('course', 1, 'students', 2);
SELECT s.name AS student, c.name AS course
  FROM student s, LATERAL courses(s) c ORDER BY s.id, c.id;
SELECT * FROM ormar.related('course', 1, 'students');

\echo
\echo '== 7. fetch -- ormar: select_related("courses__students"), nested jsonb in one statement'
SELECT jsonb_pretty(ormar.fetch('department', 2, '{courses__students}'))
\g (format=unaligned tuples_only=on)

\echo
\echo '== 8. traverse a self-reference: everyone under Grace, breadth first'
SELECT depth, node ->> 'name' AS name, node ->> 'supervisor' AS supervisor
  FROM ormar.traverse('person', 1, 'employees');

\echo
\echo '== 9. the schema as a Mermaid diagram (ormar.diagram(''dot'') for Graphviz)'
SELECT ormar.diagram() \g (format=unaligned tuples_only=on)
