-- ormar.diagram (issue 10 item 4): the exact Mermaid and Graphviz text for a
-- schema holding every kind of relation: foreign keys NULL-able and NOT NULL,
-- one-to-one, many-to-many with an auto-created through table and with a
-- through model, self-references (foreign key and many-to-many), pending
-- relations (dashed), a model in another schema, hostile names; then the
-- schema filter and the errors.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\pset format unaligned
\pset tuples_only on

-- nothing registered yet
SELECT ormar.diagram();
SELECT ormar.diagram('dot');

SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100, "unique": true}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100},
    "price": {"type": "Decimal", "max_digits": 8, "decimal_places": 2},
    "department": {"type": "ForeignKey", "to": "department", "nullable": false}}');
SELECT ormar.define_model('student', '{"id": {"type": "Integer", "primary_key": true},
    "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",
                "through": "student_course"}}');
SELECT ormar.define_model('badge', '{"id": {"type": "UUID", "primary_key": true},
    "student": {"type": "ForeignKey", "to": "student", "one_to_one": true}}');
SELECT ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true},
    "supervisor": {"type": "ForeignKey", "to": "person", "related_name": "employees"},
    "friends": {"type": "ManyToMany", "to": "person", "related_name": "friend_of",
                "through": "friendship"},
    "mentor": {"type": "ForeignKey", "to": "teacher", "related_name": "mentees"},
    "clubs": {"type": "ManyToMany", "to": "club", "skip_reverse": true}}');
-- a through model with an extra column, and a model in another schema
SELECT ormar.define_model('enrolment', '{"id": {"type": "Integer", "primary_key": true},
    "grade": {"type": "SmallInteger"}}');
SELECT ormar.many_to_many('department', 'partners', 'department', through => 'enrolment',
    related_name => 'partner_of');
CREATE SCHEMA "odd schema";
SELECT ormar.define_model('Weird "Name"', '{"id": {"type": "Integer", "primary_key": true},
    "two words": {"type": "Text"},
    "course": {"type": "ForeignKey", "to": "public.course", "related_name": "weird"}}',
    'odd schema');

SELECT ormar.diagram();
SELECT ormar.diagram('dot');

-- only one schema; a model outside it is not drawn, edges to it still are
SELECT ormar.diagram('mermaid', 'odd schema');
SELECT position('Weird' IN ormar.diagram(schema => 'public')) = 0 AS odd_schema_left_out,
       position('department ||--o{ course' IN ormar.diagram(schema => 'public')) > 0 AS public_drawn;

-- on the search path the other schema's model loses its qualification
SET search_path = public, "odd schema";
SELECT ormar.diagram('mermaid', 'odd schema');
RESET search_path;

-- the pending relation, once its target exists, is drawn solid
SELECT ormar.define_model('teacher', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT line FROM regexp_split_to_table(ormar.diagram(), E'\n') AS line
 WHERE line ~ 'mentor|teacher';

\pset format aligned
\pset tuples_only off
-- errors
SELECT ormar.diagram('svg');
SELECT ormar.diagram(NULL);
SELECT ormar.diagram('dot', 'no_such_schema');

SET client_min_messages = warning;
DROP EXTENSION ormar_pg;
DROP SCHEMA ormar, "odd schema" CASCADE;
DROP TABLE department, course, student, badge, person, enrolment, teacher CASCADE;
DROP TABLE student_course, friendship;
RESET client_min_messages;
