-- Run by test/suites/upgrade.sh in a database where ormar_pg 0.1.0 is
-- installed (by the released 0.1.0 library): models, every relation kind,
-- a pending relation, a relation declared by a non-superuser, and data.
-- after.sql checks all of it once the extension has been updated.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

SELECT count(*) AS models FROM ormar.define_models('{
 "department": {"id": {"type": "Integer", "primary_key": true},
                "name": {"type": "String", "max_length": 50}},
 "course": {"id": {"type": "Integer", "primary_key": true},
            "name": {"type": "String", "max_length": 50},
            "department": {"type": "ForeignKey", "to": "department", "ondelete": "CASCADE",
                           "related_name": "courses"}},
 "student": {"id": {"type": "Integer", "primary_key": true},
             "name": {"type": "Text"},
             "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",
                         "through_fields": {"grade": {"type": "Integer"}}}},
 "person": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
            "friends": {"type": "ManyToMany", "to": "person", "related_name": "friend_of"}},
 "passport": {"id": {"type": "Integer", "primary_key": true}, "number": {"type": "Text"},
              "holder": {"type": "ForeignKey", "to": "person", "one_to_one": true,
                         "related_name": "passport"}},
 "employee": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
              "manager": {"type": "ForeignKey", "to": "employee", "related_name": "reports"}}
}');

-- pending: the target is defined only after the update
SELECT ormar.foreign_key('course', 'textbook', 'book', related_name => 'courses');

-- a relation declared by a role that owns its tables
CREATE ROLE ormar_upgrade_alice;
CREATE SCHEMA alice AUTHORIZATION ormar_upgrade_alice;
SET ROLE ormar_upgrade_alice;
SELECT ormar.define_model('author', '{"id": {"type": "Integer", "primary_key": true},
                                      "name": {"type": "Text"}}', 'alice');
SELECT ormar.define_model('novel', '{"id": {"type": "Integer", "primary_key": true},
                                     "title": {"type": "Text"}}', 'alice');
SELECT ormar.foreign_key('alice.novel', 'author', 'author', related_name => 'novels');
INSERT INTO alice.author (name) VALUES ('Ann'), ('Ben');
INSERT INTO alice.novel (title, author) VALUES ('A1', 1), ('A2', 1), ('B1', 2);
RESET ROLE;

INSERT INTO department (name) VALUES ('Sci'), ('Art'), ('Law');
INSERT INTO course (name, department) VALUES ('Math', 1), ('Phys', 1), ('Paint', 2), ('Free', NULL);
INSERT INTO student (name) VALUES ('Sam'), ('Tia'), ('Uma');
SELECT ormar.add('student', 1, 'courses', 1, '{"grade": 5}'),
       ormar.add('student', 1, 'courses', 2, '{"grade": 4}'),
       ormar.add('student', 2, 'courses', 1, '{"grade": 3}'),
       ormar.add('course', 3, 'students', 3);
INSERT INTO person (name) VALUES ('P1'), ('P2'), ('P3');
SELECT ormar.add('person', 1, 'friends', 2), ormar.add('person', 2, 'friends', 3);
INSERT INTO passport (number, holder) VALUES ('X1', 1), ('X2', 2);
INSERT INTO employee (name, manager) VALUES ('Boss', NULL), ('Mid', 1), ('Low', 2), ('Low2', 2);

-- what the catalog said before the update (0.1.0 columns of ormar.relations)
CREATE TABLE upgrade_snapshot AS
SELECT model::text, name, direction, kind, target::text, target_name, related_name,
       column_name::text, through::text, through_column::text, through_reverse_column::text,
       nullable, one_to_one, ondelete, onupdate, status, accessor::text, lookup_view::text
  FROM ormar.relations;
SELECT count(*) AS relation_rows FROM upgrade_snapshot;
