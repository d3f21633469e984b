-- A database holding every relation kind with default names (foreign key, one-to-one,
-- self-reference, many-to-many with and without extra through fields, self
-- many-to-many) and a few rows; test/clients/introspect.js points PostGraphile and
-- drizzle-kit at it.
CREATE EXTENSION IF NOT EXISTS ormar_pg;
SET client_min_messages = warning;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}');
SELECT ormar.define_model('course', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
  "department": {"type": "ForeignKey", "to": "department"}}');
SELECT ormar.define_model('badge', '{"id": {"type": "Integer", "primary_key": true},
  "course": {"type": "ForeignKey", "to": "course", "one_to_one": true}}');
SELECT ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
  "boss": {"type": "ForeignKey", "to": "person", "related_name": "reports"},
  "friends": {"type": "ManyToMany", "to": "person", "related_name": "friend_of"}}');
SELECT ormar.define_model('student', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},
  "courses": {"type": "ManyToMany", "to": "course", "through_fields": {"grade": {"type": "Integer"}}}}');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true}, "title": {"type": "Text"}}');
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}');
SELECT ormar.many_to_many('post', 'categories', 'category');
INSERT INTO department VALUES (1, 'Science'), (2, 'Arts');
INSERT INTO course VALUES (10, 'Math', 1), (11, 'Physics', 1), (12, 'History', 2);
INSERT INTO post VALUES (1, 'Hello'), (2, 'World');
INSERT INTO category VALUES (1, 'News'), (2, 'Tech');
SELECT ormar.add('post', 1, 'categories', 2), ormar.add('post', 1, 'categories', 1), ormar.add('post', 2, 'categories', 2);
INSERT INTO person VALUES (1, 'Ada', NULL), (2, 'Bob', 1);
SELECT ormar.add('person', 1, 'friends', 2);
INSERT INTO badge VALUES (1, 10);
INSERT INTO student VALUES (1, 'Ann');
SELECT ormar.add('student', 1, 'courses', 11, '{"grade": 4}');
