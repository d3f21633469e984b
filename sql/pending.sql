-- Postponed (pending) references (DESIGN §3-§4): ormar's ForwardRef +
-- update_forward_refs.  A relation to a model that does not exist yet is
-- recorded as pending, with a NOTICE, and nothing is generated; using it is
-- 55000; defining or registering the target builds it, reverse side
-- included; update_forward_refs builds what became resolvable and is atomic;
-- a clash found when the relation is built leaves it pending with a WARNING;
-- schema-qualified targets; forward references resolved in one transaction;
-- a rolled-back declaration leaves nothing.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;
\i sql/include/try_sql.sql
\i sql/include/sp_helpers.sql

-- person: a model whose only relation is resolved (update_forward_refs has
-- nothing to build for it)
SELECT ormar.define_model('person', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 50}
}$$);
SELECT ormar.foreign_key('person', 'supervisor', 'person', related_name => 'employees');

SELECT ormar.define_model('review', $${
    "id":   {"type": "Integer", "primary_key": true},
    "body": {"type": "Text"}
}$$);

-- function form, foreign key: NOTICE, pending
SELECT ormar.foreign_key('review', 'reviewer', 'critic', related_name => 'reviews');
-- function form, many-to-many: NOTICE, pending
SELECT ormar.many_to_many('review', 'labels', 'label', related_name => 'reviews');
-- field form, both kinds, in one model: two NOTICEs
SELECT ormar.define_model('article', $${
    "id":     {"type": "Integer", "primary_key": true},
    "writer": {"type": "ForeignKey", "to": "critic", "related_name": "articles"},
    "labels": {"type": "ManyToMany", "to": "label", "related_name": "articles"},
    "title":  {"type": "Text"}
}$$);

-- a table that exists but is not a model is not a target yet either
CREATE TABLE label (code text PRIMARY KEY, descr text);
SELECT ormar.many_to_many('article', 'tags', 'label', related_name => 'tagged_articles');

-- ormar.relations: forward rows only, status pending, target NULL
SELECT * FROM sp_rels('review', 'article', 'critic', 'label');

-- nothing was generated: no column, constraint, index, through table,
-- function or view
SELECT sp_cols('review'), sp_cols('article');
SELECT * FROM sp_cons('review');
SELECT * FROM sp_cons('article');
SELECT * FROM sp_idx('review');
SELECT * FROM sp_idx('article');
SELECT to_regclass('sp.reviews_labels') AS reviews_labels, to_regclass('sp.articles_labels') AS articles_labels,
       to_regclass('sp.articles_tags') AS articles_tags;
SELECT * FROM sp_generated('reviewer', 'reviews', 'writer', 'articles', 'labels', 'tags',
                           'tagged_articles', 'critic__reviews', 'critic__articles',
                           'review__labels', 'article__labels', 'label__reviews');
SELECT count(*) FROM pg_constraint WHERE confrelid = 'label'::regclass;

-- using a pending relation fails with 55000 and names the missing model
INSERT INTO review (id, body) VALUES (1, 'fine');
SELECT try_sql($$SELECT * FROM ormar.related('review', 1, 'reviewer')$$);
SELECT try_sql($$SELECT ormar.add('review', 1, 'reviewer', 1)$$);
SELECT try_sql($$SELECT ormar.remove('review', 1, 'reviewer', 1)$$);
SELECT try_sql($$SELECT ormar.clear('review', 1, 'reviewer')$$);
SELECT try_sql($$SELECT ormar.create_related('review', 1, 'reviewer', '{"id": 1}')$$);
SELECT try_sql($$SELECT * FROM ormar.related('review', 1, 'labels')$$);
SELECT try_sql($$SELECT ormar.add('review', 1, 'labels', 'x')$$);
SELECT try_sql($$SELECT ormar.remove('review', 1, 'labels', 'x')$$);
SELECT try_sql($$SELECT ormar.clear('review', 1, 'labels')$$);
SELECT try_sql($$SELECT ormar.create_related('review', 1, 'labels', '{"code": "x"}')$$);
SELECT try_sql($$SELECT ormar.update_through('review', 1, 'labels', 'x', '{"a": 1}')$$);
SELECT try_sql($$SELECT * FROM ormar.traverse('review', 1, 'reviewer')$$);
-- the reverse side of a pending relation does not exist yet
SELECT try_sql($$SELECT * FROM ormar.related('label', 'x', 'reviews')$$);

-- update_forward_refs fails with 55000 listing what is still pending
SELECT try_sql($$SELECT ormar.update_forward_refs('review')$$);
SELECT try_sql($$SELECT ormar.update_forward_refs('article')$$);
-- a model without pending relations: nothing to build
SELECT ormar.update_forward_refs('person');

-- defining critic builds every pending relation to it in the same statement,
-- reverse sides included
SELECT ormar.define_model('critic', $${
    "id":   {"type": "SmallInteger", "primary_key": true},
    "name": {"type": "Text"}
}$$);
SELECT * FROM sp_rels('review', 'article', 'critic');
-- the columns were added, typed as critic's key (smallint)
SELECT sp_cols('review'), sp_cols('article');
SELECT * FROM sp_cons('review');
SELECT * FROM sp_cons('article');
SELECT * FROM sp_idx('review');
SELECT * FROM sp_generated('reviewer', 'reviews', 'writer', 'articles', 'critic__reviews',
                           'critic__articles');

-- registering the existing table label builds the three many-to-many
-- relations to it; the through columns take label's key type (text)
SELECT ormar.register_model('label');
SELECT * FROM sp_rels('label');
SELECT sp_cols('reviews_labels'), sp_cols('articles_labels'), sp_cols('articles_tags');
SELECT * FROM sp_cons('reviews_labels');
SELECT * FROM sp_generated('labels', 'reviews', 'articles', 'tags', 'tagged_articles',
                           'review__labels', 'label__reviews', 'article__labels',
                           'label__articles', 'article__tags', 'label__tagged_articles');

-- nothing is pending any more
SELECT count(*) FROM ormar.relations WHERE status = 'pending';
SELECT ormar.update_forward_refs('review');
SELECT ormar.update_forward_refs('article');

-- the built relations work in both directions
INSERT INTO critic (id, name) VALUES (1, 'Roger');
INSERT INTO label (code) VALUES ('x'), ('y');
SELECT ormar.add('review', 1, 'reviewer', 1);
SELECT ormar.create_related('critic', 1, 'articles', '{"id": 7, "title": "On films"}');
SELECT * FROM ormar.related('critic', 1, 'reviews');
SELECT * FROM ormar.related('critic', 1, 'articles');
SELECT ormar.add('review', 1, 'labels', 'x');
SELECT ormar.add('label', 'y', 'reviews', 1);
SELECT ormar.add('article', 7, 'tags', 'y');
SELECT * FROM ormar.related('review', 1, 'labels');
SELECT * FROM ormar.related('label', 'y', 'tagged_articles');
SELECT * FROM ormar.related('label', 'y', 'articles');

-- update_forward_refs builds what became resolvable without a define or
-- register (here: a model renamed to the missing name) and returns how many
SELECT ormar.define_model('memo', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('memo', 'sender', 'sender', related_name => 'memos');
SELECT ormar.many_to_many('memo', 'copied', 'sender', related_name => 'memo_copies');
SELECT ormar.define_model('sender_draft', '{"id": {"type": "UUID", "primary_key": true}}');
ALTER TABLE sender_draft RENAME TO sender;
SELECT name, status FROM sp_rels('memo');
SELECT ormar.update_forward_refs('memo');
SELECT * FROM sp_rels('memo', 'sender');
SELECT sp_cols('memo'), sp_cols('memos_copied');

-- update_forward_refs is atomic: with one relation resolvable and one not,
-- it fails with 55000 listing the latter and builds nothing
SELECT ormar.define_model('note', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('note', 'folder', 'folder');
SELECT ormar.foreign_key('note', 'drawer', 'drawer');
SELECT ormar.define_model('folder_draft', '{"id": {"type": "Integer", "primary_key": true}}');
ALTER TABLE folder_draft RENAME TO folder;
SELECT try_sql($$SELECT ormar.update_forward_refs('note')$$);
SELECT name, status, target FROM sp_rels('note');
SELECT sp_cols('note');
SELECT count(*) FROM pg_constraint WHERE conrelid = 'note'::regclass AND contype = 'f';
-- once the other one is gone, the rest is built
SELECT ormar.drop_relation('note', 'drawer');
SELECT ormar.update_forward_refs('note');
SELECT name, direction, status, target FROM sp_rels('note', 'folder');
SELECT sp_cols('note');

-- a name clash found when the pending relation is built never fails the
-- define of the target (a pending relation must not be able to block it):
-- the relation stays pending with a WARNING naming the clash, and
-- update_forward_refs reports it (55000)
SELECT ormar.foreign_key('review', 'shelf', 'shelf', related_name => 'title');
SELECT try_sql($$SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true}, "title": {"type": "Text"}}')$$);
SELECT to_regclass('sp.shelf');
SELECT name, status FROM sp_rels('review') WHERE name = 'shelf';
SELECT try_sql($$SELECT ormar.update_forward_refs('review')$$);
SELECT sp_cols('review');
-- a pending relation can be dropped; nothing else is touched
SELECT ormar.drop_relation('review', 'shelf');
SELECT name, status FROM sp_rels('review');
SELECT ormar.drop_model('shelf');
DROP TABLE sp.shelf;

-- a schema-qualified target that does not exist yet is pending too, and
-- built when the model is defined in that schema
SELECT ormar.foreign_key('review', 'shelf', 'archive.shelf', related_name => 'reviews');
SELECT name, target, target_name, status FROM sp_rels('review') WHERE name = 'shelf';
CREATE SCHEMA archive;
SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true}}', 'archive');
SELECT name, target, target_name, status FROM sp_rels('review') WHERE name = 'shelf';
SELECT sp_cols('review');
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.pronamespace = 'archive'::regnamespace ORDER BY p.oid::regprocedure::text;

-- forward references resolved later in the same transaction
BEGIN;
SELECT ormar.define_model('album', $${
    "id":     {"type": "Integer", "primary_key": true},
    "artist": {"type": "ForeignKey", "to": "artist", "related_name": "albums"},
    "fans":   {"type": "ManyToMany", "to": "artist", "related_name": "favourite_albums"}
}$$);
SELECT ormar.define_model('artist', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "Text"}
}$$);
INSERT INTO artist VALUES (1, 'Nina'), (2, 'Otis');
INSERT INTO album (id) VALUES (1);
SELECT ormar.add('album', 1, 'artist', 1);
SELECT ormar.add('artist', 2, 'favourite_albums', 1);
SELECT * FROM ormar.related('artist', 1, 'albums');
SELECT * FROM ormar.related('album', 1, 'fans');
COMMIT;
SELECT name, direction, status FROM sp_rels('album', 'artist');
SELECT sp_cols('album');

-- a pending relation declared in a rolled-back transaction leaves nothing
BEGIN;
SELECT ormar.define_model('lost', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.foreign_key('lost', 'ghost', 'ghost');
ROLLBACK;
SELECT count(*) FROM ormar.relation WHERE target_name IN ('ghost', 'lost');
SELECT to_regclass('sp.lost');

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP SCHEMA archive CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
