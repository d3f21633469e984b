-- Every kind of relation ormar.diagram draws, with names Mermaid and Graphviz
-- need escaped for: foreign keys NULL-able and NOT NULL, one-to-one,
-- many-to-many (auto-created through table with an extra column, through
-- model, self-reference), a self-referencing foreign key, pending foreign key
-- and many-to-many, a model in another schema, unicode, spaces, quotes,
-- <, >, & and column types with commas and brackets.
CREATE EXTENSION ormar_pg;
SELECT ormar.define_model('department', '{"id": {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100, "unique": true}}');
SELECT ormar.define_model('course', '{"id": {"type": "BigInteger", "primary_key": true},
    "price": {"type": "Decimal", "max_digits": 8, "decimal_places": 2},
    "starts": {"type": "DateTime", "timezone": true},
    "department": {"type": "ForeignKey", "to": "department", "nullable": false}}');
ALTER TABLE course ADD COLUMN tags text[];
SELECT ormar.define_model('student', '{"id": {"type": "UUID", "primary_key": true},
    "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",
                "through_fields": {"grade": {"type": "Integer"}}}}');
SELECT ormar.define_model('badge', '{"id": {"type": "Integer", "primary_key": true},
    "student": {"type": "ForeignKey", "to": "student", "one_to_one": true}}');
SELECT ormar.define_model('person', '{"id": {"type": "Integer", "primary_key": true},
    "supervisor": {"type": "ForeignKey", "to": "person", "related_name": "employees"},
    "friends": {"type": "ManyToMany", "to": "person", "related_name": "friend_of"},
    "mentor": {"type": "ForeignKey", "to": "teacher", "related_name": "mentees"},
    "clubs": {"type": "ManyToMany", "to": "club", "skip_reverse": true}}');
SELECT ormar.define_model('enrolment', '{"id": {"type": "Integer", "primary_key": true},
    "note": {"type": "Text"}}');
SELECT ormar.many_to_many('department', 'partners', 'department', through => 'enrolment',
    related_name => 'partner_of');
CREATE SCHEMA "odd <schema> & co";
SELECT ormar.define_model('Größe "x"', '{"id": {"type": "Integer", "primary_key": true},
    "two words": {"type": "Text"},
    "a\"b<c>": {"type": "Boolean"},
    "course": {"type": "ForeignKey", "to": "public.course", "related_name": "größen"}}',
    'odd <schema> & co');
-- names that only differ in a quote, names with a newline, '%' and '#', and a
-- dotted table name next to a dotted schema name: each its own entity
SELECT ormar.define_model('we"ird', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('we''ird', '{"id": {"type": "Integer", "primary_key": true},
    "other": {"type": "ForeignKey", "to": "\"we\"\"ird\"", "related_name": "others"}}');
SELECT ormar.define_model(E'nl\nhere', '{"id": {"type": "Integer", "primary_key": true},
    "50% #1": {"type": "ForeignKey", "to": "we''ird", "related_name": "nls"}}');
SELECT ormar.define_model('50% #1', '{"id": {"type": "Integer", "primary_key": true}}');
CREATE SCHEMA s;
CREATE SCHEMA "s.a";
SELECT ormar.define_model('a.b', '{"id": {"type": "Integer", "primary_key": true}}', 's');
SELECT ormar.define_model('b', '{"id": {"type": "Integer", "primary_key": true},
    "ab": {"type": "ForeignKey", "to": "s.\"a.b\"", "related_name": "bs"}}', 's.a');
