-- define_models (DESIGN §3): ormar's Teacher/Student pair declared in one
-- call, in either order, with a self-reference in the same call; a reference
-- left unresolved fails the whole call with 55000 and leaves nothing.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;
\i sql/include/try_sql.sql
\i sql/include/sp_helpers.sql

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
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
