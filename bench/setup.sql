-- ormar_pg benchmark data set (bench/run.sh loads it into a throwaway cluster).
-- 10,000 departments x 20 courses, 10,000 students, 3 students per course;
-- 100,000 posts, 1,000 categories, 500,000 links;
-- a 100,000-person org chart (each person's supervisor is (id - 1) / 5: depth 8).
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;

SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
                                          "name": {"type": "String", "max_length": 100}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true},
                                      "name": {"type": "String", "max_length": 100},
                                      "completed": {"type": "Boolean", "default": false}}');
SELECT ormar.foreign_key('course', 'department');
SELECT ormar.define_model('student', '{"id": {"type": "Integer", "primary_key": true},
                                       "name": {"type": "String", "max_length": 100}}');
SELECT ormar.many_to_many('course', 'students', 'student', through => 'course_students');
INSERT INTO department (name) SELECT 'department ' || i FROM generate_series(1, 10000) i;
INSERT INTO course (name, department)
SELECT 'course ' || i, (i - 1) / 20 + 1 FROM generate_series(1, 200000) i;
INSERT INTO student (name) SELECT 'student ' || i FROM generate_series(1, 10000) i;
INSERT INTO course_students (course, student)
SELECT c, ((c * 37 + k * 3331) % 10000) + 1 FROM generate_series(1, 200000) c, generate_series(0, 2) k;

SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}');
SELECT ormar.many_to_many('post', 'categories', 'category', through => 'post_categories');
INSERT INTO category (name) SELECT 'category ' || i FROM generate_series(1, 1000) i;
INSERT INTO post (title) SELECT 'post ' || i FROM generate_series(1, 100000) i;
-- 5 links per post, spread over the categories, no duplicates
INSERT INTO post_categories (post, category)
SELECT p, ((p * 7 + k * 211) % 1000) + 1 FROM generate_series(1, 100000) p, generate_series(0, 4) k;

SELECT ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true},
                                      "name": {"type": "String", "max_length": 100}}');
SELECT ormar.foreign_key('person', 'supervisor', 'person', related_name => 'employees');
INSERT INTO person (id, name, supervisor)
SELECT i, 'person ' || i, CASE WHEN i = 1 THEN NULL ELSE (i - 2) / 5 + 1 END
  FROM generate_series(1, 100000) i;

-- r1's floor: the jsonb of every course built beforehand, only read (by key, in order) and sent
CREATE TABLE course_jsonb AS SELECT c.department, c.id, to_jsonb(c) AS j FROM course c;
CREATE INDEX ON course_jsonb (department, id);

VACUUM ANALYZE;
