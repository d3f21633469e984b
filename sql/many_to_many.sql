-- Many-to-many relations (DESIGN §4-§5): through tables, extra through
-- fields, reverse sides, accessors, views, proxies, cascades and plans.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-- Helper: the columns of a table or view, in order, with type and NOT NULL.
CREATE FUNCTION m2m_columns(rel regclass)
RETURNS TABLE(attnum smallint, attname name, type text, notnull boolean)
LANGUAGE sql STABLE AS $$
    SELECT a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum
$$;

-- Helper: the constraints of a table (kind, columns, referenced table,
-- ON DELETE / ON UPDATE action codes: c = CASCADE).
CREATE FUNCTION m2m_constraints(rel regclass)
RETURNS TABLE(conname name, contype "char", columns text, references_table text,
              confdeltype "char", confupdtype "char")
LANGUAGE sql STABLE AS $$
    SELECT c.conname, c.contype,
           (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
              FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
           c.confrelid::regclass::text,
           NULLIF(c.confdeltype, ' '), NULLIF(c.confupdtype, ' ')
      FROM pg_catalog.pg_constraint c
     WHERE c.conrelid = rel
     ORDER BY c.conname
$$;

-- Helper: the indexes of a table with their key columns in order.
CREATE FUNCTION m2m_indexes(rel regclass)
RETURNS TABLE(index_name name, columns text, is_primary boolean, is_unique boolean)
LANGUAGE sql STABLE AS $$
    SELECT ic.relname,
           (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
              FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
              JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
           i.indisprimary, i.indisunique
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indrelid = rel
     ORDER BY ic.relname
$$;

-- Helper: every node of the plan of Q (EXPLAIN (FORMAT JSON), or with
-- ANALYZE when with_analyze is true, then "actual_rows" is filled), walked
-- depth first.
CREATE FUNCTION m2m_plan_nodes(q text, with_analyze boolean DEFAULT false)
RETURNS TABLE(node_type text, relation text, index_name text, direction text, actual_rows numeric)
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
    todo jsonb[];
    n jsonb;
BEGIN
    IF with_analyze THEN
        EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO plan;
    ELSE
        EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || q INTO plan;
    END IF;
    todo := ARRAY[plan -> 0 -> 'Plan'];
    WHILE cardinality(todo) > 0 LOOP
        n := todo[1];
        todo := todo[2:];
        node_type := n ->> 'Node Type';
        relation := n ->> 'Relation Name';
        index_name := n ->> 'Index Name';
        direction := n ->> 'Scan Direction';
        actual_rows := (n ->> 'Actual Rows')::numeric;
        RETURN NEXT;
        IF n ? 'Plans' THEN
            todo := ARRAY(SELECT jsonb_array_elements(n -> 'Plans')) || todo;
        END IF;
    END LOOP;
END $$;

-------------------------------------------------------------------------------
-- 1. Declaring: the ormar docs example, with ormar.many_to_many
-------------------------------------------------------------------------------

-- the three models of the docs page; the through model holds only its key
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}');
SELECT ormar.define_model('posts_categories', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}');
SELECT ormar.many_to_many('post', 'categories', 'category', through => 'posts_categories');

-- the through model got the two link columns post and category, NOT NULL,
-- typed as the keys, after its own key
SELECT * FROM m2m_columns('posts_categories');

-- both link columns are foreign keys ON DELETE CASCADE ON UPDATE CASCADE;
-- the through model keeps its own primary key, so the pair is UNIQUE
SELECT * FROM m2m_constraints('posts_categories');

-- indexes: own key, UNIQUE (post, category), and the reversed pair (category, post)
SELECT * FROM m2m_indexes('posts_categories');

-- no column was added to post or category
SELECT * FROM m2m_columns('post');
SELECT * FROM m2m_columns('category');

-- the catalog: one row per direction, the reverse side named posts
SELECT model, name, direction, kind, target, target_name, related_name, column_name,
       through, through_column, through_reverse_column, status, accessor, lookup_view
  FROM ormar.relations ORDER BY model::text, name;

-- the link pair cannot be stored twice
INSERT INTO category (name) VALUES ('News'), ('Tech'), ('Sports');
INSERT INTO post (title) VALUES ('Hello M2M'), ('Second post'), ('Third post');
INSERT INTO posts_categories (post, category) VALUES (1, 1);
SELECT * FROM try_sql($$INSERT INTO posts_categories (post, category) VALUES (1, 1)$$);
DELETE FROM posts_categories;

-------------------------------------------------------------------------------
-- 1b. Declaring: the same example with a "ManyToMany" field (schema docs_field)
-------------------------------------------------------------------------------

CREATE SCHEMA docs_field;
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}', 'docs_field');
SELECT ormar.define_model('posts_categories', '{"id": {"type": "Integer", "primary_key": true}}', 'docs_field');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200},
                                    "categories": {"type": "ManyToMany", "to": "category",
                                                   "through": "posts_categories"}}', 'docs_field');

-- a ManyToMany field creates no column on the model
SELECT * FROM m2m_columns('docs_field.post');

-- the through model in docs_field got the same link columns, keys and index
SELECT * FROM m2m_columns('docs_field.posts_categories');
SELECT * FROM m2m_constraints('docs_field.posts_categories');
SELECT * FROM m2m_indexes('docs_field.posts_categories');

-- the relation is recorded in docs_field, through docs_field.posts_categories
SELECT model, name, direction, kind, target, related_name, through,
       through_column, through_reverse_column, status, accessor, lookup_view
  FROM ormar.relations WHERE model::text LIKE 'docs_field.%' ORDER BY model::text, name;

-------------------------------------------------------------------------------
-- 1c. Without through: the through table post_<name> is created
--     (here with a "sort_order" through field; schema auto)
-------------------------------------------------------------------------------

CREATE SCHEMA auto;
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}', 'auto');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200},
                                    "categories": {"type": "ManyToMany", "to": "category",
                                                   "through_fields": {"sort_order": {"type": "Integer"}}}}',
                          'auto');

-- through table auto.posts_categories: post, category, then the extra column
SELECT c.relname, c.relkind, n.nspname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'auto' AND c.relkind = 'r' ORDER BY c.relname;
SELECT * FROM m2m_columns('auto.posts_categories');

-- the pair (post, category) is the primary key of the auto-created table;
-- both columns cascade on delete and update
SELECT * FROM m2m_constraints('auto.posts_categories');
SELECT * FROM m2m_indexes('auto.posts_categories');

-- the auto-created through table is not a model
SELECT model FROM ormar.models WHERE schema = 'auto' ORDER BY model::text;

-------------------------------------------------------------------------------
-- 1d. Link columns renamed with through_relation_name /
--     through_reverse_relation_name (schema named)
-------------------------------------------------------------------------------

CREATE SCHEMA named;
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}', 'named');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}', 'named');
SELECT ormar.many_to_many('named.post', 'categories', 'category',
                          through_relation_name => 'post_id',
                          through_reverse_relation_name => 'category_id');
SELECT * FROM m2m_columns('named.posts_categories');
SELECT * FROM m2m_constraints('named.posts_categories');
SELECT * FROM m2m_indexes('named.posts_categories');
SELECT model, name, direction, through_column, through_reverse_column
  FROM ormar.relations WHERE model::text LIKE 'named.%' ORDER BY model::text, name;

-- the renamed link columns work for proxies and accessors
INSERT INTO named.category (name) VALUES ('News');
INSERT INTO named.post (title) VALUES ('Named');
SELECT ormar.add('named.post', 1, 'categories', 1);
SELECT * FROM named.posts_categories;
SELECT c.* FROM named.post p, LATERAL named.categories(p) c ORDER BY c.id;
SELECT ormar.related('named.category', 1, 'posts');

-- the same field options on a "ManyToMany" field
SELECT ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true}}', 'named');
SELECT ormar.define_model('note', '{"id": {"type": "Integer", "primary_key": true},
                                    "tags": {"type": "ManyToMany", "to": "tag",
                                             "through_relation_name": "note_ref",
                                             "through_reverse_relation_name": "tag_ref"}}', 'named');
SELECT * FROM m2m_columns('named.notes_tags');

-- both link columns given the same name: refused
SELECT * FROM try_sql($$SELECT ormar.many_to_many('named.post', 'more', 'category',
    related_name => 'more_posts', through_relation_name => 'x', through_reverse_relation_name => 'x')$$);

-------------------------------------------------------------------------------
-- 1e. A through model may hold extra columns, never relations (42P16)
-------------------------------------------------------------------------------

-- an existing through model with an extra column (schema extra)
CREATE SCHEMA extra;
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}', 'extra');
SELECT ormar.define_model('posts_categories', '{"id": {"type": "Integer", "primary_key": true},
                                                "note": {"type": "Text"}}', 'extra');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200},
                                    "categories": {"type": "ManyToMany", "to": "category",
                                                   "through": "posts_categories"}}', 'extra');
SELECT * FROM m2m_columns('extra.posts_categories');

-- its extra column shows in the views as through_note
SELECT column_name, data_type FROM information_schema.columns
 WHERE table_schema = 'extra' AND table_name = 'post__categories' ORDER BY ordinal_position;

-- declaring a foreign key from the through model: refused
SELECT * FROM try_sql($$SELECT ormar.foreign_key('posts_categories', 'owner', 'post')$$);

-- declaring a many-to-many from the through model: refused
SELECT * FROM try_sql($$SELECT ormar.many_to_many('posts_categories', 'tags', 'category')$$);

-- the same for the through model of schema extra (its relation was declared
-- by a "ManyToMany" field)
SELECT * FROM try_sql($$SELECT ormar.foreign_key('extra.posts_categories', 'owner', 'post')$$);

-- nothing was added to the through models
SELECT * FROM m2m_columns('posts_categories');
SELECT count(*) AS relations_from_through FROM ormar.relation
 WHERE model IN ('posts_categories'::regclass, 'extra.posts_categories'::regclass);

-- using as through a model that has a relation: refused, nothing created
SELECT ormar.define_model('linker', '{"id": {"type": "Integer", "primary_key": true},
                                      "owner": {"type": "ForeignKey", "to": "category",
                                                "related_name": "linkers"}}');
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'linked', 'category',
    through => 'linker', related_name => 'linked_posts')$$);
SELECT * FROM m2m_columns('linker');
SELECT count(*) AS linked_relations FROM ormar.relation WHERE name = 'linked';

-- through_fields for a through table that exists already: refused
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'cats', 'category',
    through => 'posts_categories', related_name => 'cat_posts',
    through_fields => '{"sort_order": {"type": "Integer"}}')$$);

-- a through table already serving a relation cannot serve a second one: refused
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'cats', 'category',
    through => 'posts_categories', related_name => 'cat_posts')$$);

-- a through field that is a relation or a primary key: refused
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'cats', 'category',
    related_name => 'cat_posts',
    through_fields => '{"who": {"type": "ForeignKey", "to": "post"}}')$$);
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'cats', 'category',
    related_name => 'cat_posts',
    through_fields => '{"k": {"type": "Integer", "primary_key": true}}')$$);
SELECT to_regclass('post_cats') AS post_cats;

-------------------------------------------------------------------------------
-- 2. Reverse side: names and clashes
-------------------------------------------------------------------------------

-- default reverse name is <table>s: category.posts; a related_name is used as given
SELECT ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true},
                                   "label": {"type": "String", "max_length": 40}}');
SELECT ormar.many_to_many('post', 'tags', 'tag', related_name => 'tagged_posts');
SELECT model, name, direction, related_name, accessor, lookup_view
  FROM ormar.relations WHERE name IN ('tags', 'tagged_posts') ORDER BY model::text, name;

-- a relation named like a column of its model: 42710
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'title', 'tag', related_name => 'x_posts')$$);

-- a relation named like an existing relation of its model: 42710
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'categories', 'tag', related_name => 'y_posts')$$);

-- a reverse name that is a column of the target: 42710 with a HINT
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'labels', 'tag', related_name => 'label')$$);

-- a reverse name already used by another relation's reverse side: 42710
SELECT * FROM try_sql($$SELECT ormar.many_to_many('post', 'labels', 'tag', related_name => 'tagged_posts')$$);

-- ormar's book.authors / book.co_authors: two many-to-many relations from
-- one model to the same target
SELECT ormar.define_model('author', '{"id": {"type": "Integer", "primary_key": true},
                                      "first_name": {"type": "String", "max_length": 80},
                                      "last_name": {"type": "String", "max_length": 80}}');
SELECT ormar.define_model('book', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}');
SELECT ormar.many_to_many('book', 'authors', 'author');

-- without related_names the second clashes on author.books, naming both sides
SELECT * FROM try_sql($$SELECT ormar.many_to_many('book', 'co_authors', 'author')$$);
SELECT to_regclass('books_co_authors') AS books_co_authors;

-- with related_name 'books' and 'co_books' both work
SELECT ormar.drop_relation('book', 'authors', drop_data => true);
SELECT ormar.many_to_many('book', 'authors', 'author', related_name => 'books');
SELECT ormar.many_to_many('book', 'co_authors', 'author', related_name => 'co_books');
SELECT model, name, direction, related_name, through, accessor, lookup_view
  FROM ormar.relations WHERE model IN ('book'::regclass, 'author'::regclass)
 ORDER BY model::text, name;

-- ... and independently: adds to one do not show in the other
INSERT INTO author (first_name, last_name) VALUES ('Anne', 'Author'), ('Carl', 'Coauthor');
INSERT INTO book (title) VALUES ('Book one');
SELECT ormar.add('book', 1, 'authors', 1);
SELECT ormar.add('book', 1, 'co_authors', 2);
SELECT ormar.related('book', 1, 'authors');
SELECT ormar.related('book', 1, 'co_authors');
SELECT ormar.related('author', 1, 'books');
SELECT ormar.related('author', 1, 'co_books');
SELECT ormar.related('author', 2, 'books');
SELECT ormar.related('author', 2, 'co_books');
SELECT * FROM books_authors ORDER BY book, author;
SELECT * FROM books_co_authors ORDER BY book, author;

-- the same clash with "ManyToMany" fields, then solved with related_names
SELECT * FROM try_sql($$SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true},
    "books": {"type": "ManyToMany", "to": "book"},
    "more_books": {"type": "ManyToMany", "to": "book"}}')$$);
SELECT to_regclass('shelf') AS shelf;
SELECT ormar.define_model('shelf', '{"id": {"type": "Integer", "primary_key": true},
    "books": {"type": "ManyToMany", "to": "book", "related_name": "shelves"},
    "more_books": {"type": "ManyToMany", "to": "book", "related_name": "more_shelves"}}');
SELECT model, name, direction, related_name
  FROM ormar.relations WHERE model IN ('shelf'::regclass) OR name LIKE '%shelves'
 ORDER BY model::text, name;

-------------------------------------------------------------------------------
-- 3. Accessors and views
-------------------------------------------------------------------------------

-- categories(post) and posts(category): SQL, STABLE, set-returning, not
-- STRICT, SECURITY INVOKER, no SET clause (inlinable)
SELECT p.oid::regprocedure AS accessor, l.lanname, p.provolatile, p.proretset,
       p.prorettype::regtype AS returns, p.proisstrict, p.prosecdef, p.proconfig
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.oid IN ('categories(post)'::regprocedure, 'posts(category)'::regprocedure)
 ORDER BY p.oid::regprocedure::text;

-- the views post__categories and category__posts: source_pk, then the
-- target's columns (no extra through column here)
SELECT table_name, ordinal_position, column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ('post__categories', 'category__posts')
 ORDER BY table_name, ordinal_position;

-- views are security_invoker
SELECT relname, reloptions FROM pg_class
 WHERE oid IN ('post__categories'::regclass, 'category__posts'::regclass) ORDER BY relname;

-- with an extra through column: source_pk, target columns, then through_sort_order
SELECT table_name, ordinal_position, column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'auto' AND table_name IN ('post__categories', 'category__posts')
 ORDER BY table_name, ordinal_position;

-- accessors and views in the ManyToMany-field schema are in that schema
SELECT p.oid::regprocedure AS accessor, p.prorettype::regtype AS returns, p.proretset
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'docs_field' ORDER BY p.oid::regprocedure::text;
SELECT table_name FROM information_schema.views
 WHERE table_schema = 'docs_field' ORDER BY table_name;

-------------------------------------------------------------------------------
-- 4. Proxies on the docs example (no extra through columns)
-------------------------------------------------------------------------------

-- add from the post side; a second add of the same pair returns false and
-- stores nothing
SELECT ormar.add('post', 1, 'categories', 2);
SELECT ormar.add('post', 1, 'categories', 1);
SELECT ormar.add('post', 1, 'categories', 1);
SELECT count(*) AS links FROM posts_categories WHERE post = 1 AND category = 1;

-- add from the category side
SELECT ormar.add('category', 1, 'posts', 2);
SELECT ormar.add('category', 1, 'posts', 2);
SELECT post, category FROM posts_categories ORDER BY post, category;

-- related from either side, ordered by primary key
SELECT ormar.related('post', 1, 'categories');
SELECT ormar.related('category', 1, 'posts');
SELECT ormar.related('category', 3, 'posts');
SELECT ormar.related('post', 999, 'categories');

-- accessors and views show the same
SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = 1 ORDER BY c.id;
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = 1 ORDER BY p.id;
SELECT * FROM post__categories ORDER BY source_pk, id;
SELECT * FROM category__posts ORDER BY source_pk, id;

-- add with a missing target row: 23503, nothing stored
SELECT * FROM try_sql($$SELECT ormar.add('post', 1, 'categories', 999)$$);
SELECT count(*) AS links FROM posts_categories;

-- through values on a through table without extra columns: only its
-- columns are accepted
SELECT * FROM try_sql($$SELECT ormar.add('post', 3, 'categories', 1, '{"nope": 1}')$$);

-- remove returns true, then false
SELECT ormar.remove('post', 1, 'categories', 2);
SELECT ormar.remove('post', 1, 'categories', 2);
-- removing a category that was never added returns false
SELECT ormar.remove('post', 1, 'categories', 3);
SELECT post, category FROM posts_categories ORDER BY post, category;

-- remove from the reverse side
SELECT ormar.remove('category', 1, 'posts', 2);
SELECT post, category FROM posts_categories ORDER BY post, category;

-- clear returns how many links were removed and keeps the categories
SELECT ormar.add('post', 1, 'categories', 2);
SELECT ormar.add('post', 1, 'categories', 3);
SELECT ormar.clear('post', 1, 'categories');
SELECT ormar.clear('post', 1, 'categories');
SELECT count(*) AS links FROM posts_categories;
SELECT * FROM category ORDER BY id;

-- clear from the reverse side
SELECT ormar.add('post', 1, 'categories', 1);
SELECT ormar.add('post', 2, 'categories', 1);
SELECT ormar.add('post', 2, 'categories', 2);
SELECT ormar.clear('category', 1, 'posts');
SELECT post, category FROM posts_categories ORDER BY post, category;
SELECT count(*) AS posts FROM post;

-- create_related (the ormar scenario): post 1 has News; creating a
-- category through the proxy makes the length 2, row and link in one call
SELECT ormar.clear('post', 2, 'categories');
SELECT ormar.add('post', 1, 'categories', 1);
SELECT ormar.create_related('post', 1, 'categories', '{"name": "Created"}');
SELECT count(*) AS length FROM post p, LATERAL categories(p) c WHERE p.id = 1;
SELECT ormar.related('post', 1, 'categories');
SELECT post, category FROM posts_categories ORDER BY post, category;

-- create_related from the reverse side
SELECT ormar.create_related('category', 1, 'posts', '{"title": "Created post"}');
SELECT ormar.related('category', 1, 'posts');

-- a failing create_related inside an EXCEPTION block leaves neither the row
-- nor the link (missing post 999: 23503)
DO $$
BEGIN
    PERFORM ormar.create_related('post', 999, 'categories', '{"name": "Orphan"}');
    RAISE NOTICE 'create_related succeeded';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'create_related failed with %', SQLSTATE;
END $$;
SELECT count(*) AS orphan_categories FROM category WHERE name = 'Orphan';
SELECT count(*) AS links FROM posts_categories;

-- ... and the same at top level
SELECT * FROM try_sql($$SELECT ormar.create_related('post', 999, 'categories', '{"name": "Orphan"}')$$);
SELECT count(*) AS orphan_categories FROM category WHERE name = 'Orphan';

-- update_through on a foreign-key relation: 22023
SELECT ormar.define_model('comment', '{"id": {"type": "Integer", "primary_key": true},
                                       "post": {"type": "ForeignKey", "to": "post"}}');
INSERT INTO comment (post) VALUES (1);
SELECT * FROM try_sql($$SELECT ormar.update_through('comment', 1, 'post', 1, '{"x": 1}')$$);
SELECT * FROM try_sql($$SELECT ormar.update_through('post', 1, 'comments', 1, '{"x": 1}')$$);
-- through values on a foreign-key relation: 22023
SELECT * FROM try_sql($$SELECT ormar.add('post', 1, 'comments', 1, '{"x": 1}')$$);

-------------------------------------------------------------------------------
-- 4b. Proxies with an extra through column (auto.posts_categories.sort_order)
-------------------------------------------------------------------------------

INSERT INTO auto.category (name) VALUES ('News'), ('Tech'), ('Sports');
INSERT INTO auto.post (title) VALUES ('Hello M2M'), ('Second');

-- add with through values
SELECT ormar.add('auto.post', 1, 'categories', 1, '{"sort_order": 5}');
SELECT ormar.add('auto.post', 1, 'categories', 2, '{"sort_order": 1}');
SELECT ormar.add('auto.post', 2, 'categories', 1);
-- a second add of the same pair, with other values: false, nothing changed
SELECT ormar.add('auto.post', 1, 'categories', 1, '{"sort_order": 9}');
SELECT * FROM auto.posts_categories ORDER BY post, category;

-- related carries the through values under "through", from either side
SELECT ormar.related('auto.post', 1, 'categories');
SELECT ormar.related('auto.category', 1, 'posts');

-- the views carry them as through_sort_order
SELECT * FROM auto.post__categories ORDER BY source_pk, id;
SELECT * FROM auto.category__posts ORDER BY source_pk, id;

-- the accessor returns the target rows only
SELECT c.* FROM auto.post p, LATERAL auto.categories(p) c WHERE p.id = 1 ORDER BY c.id;

-- update_through changes sort_order of one link only
SELECT ormar.update_through('auto.post', 1, 'categories', 1, '{"sort_order": 7}');
SELECT * FROM auto.posts_categories ORDER BY post, category;
-- from the reverse side
SELECT ormar.update_through('auto.category', 2, 'posts', 1, '{"sort_order": 2}');
SELECT * FROM auto.posts_categories ORDER BY post, category;
-- of a pair that is not linked: false
SELECT ormar.update_through('auto.post', 2, 'categories', 3, '{"sort_order": 2}');
-- a link column cannot be changed; an unknown key is refused
SELECT * FROM try_sql($$SELECT ormar.update_through('auto.post', 1, 'categories', 1, '{"post": 2}')$$);
SELECT * FROM try_sql($$SELECT ormar.update_through('auto.post', 1, 'categories', 1, '{"colour": 2}')$$);
-- nor the through model's own key (posts_categories.id)
SELECT * FROM try_sql($$SELECT ormar.update_through('post', 1, 'categories', 1, '{"id": 99}')$$);
-- add and create_related link the rows themselves: through cannot name a
-- link column (22023), and nothing is inserted
SELECT * FROM try_sql($$SELECT ormar.add('auto.post', 2, 'categories', 3, '{"category": 1}')$$);
SELECT * FROM try_sql($$SELECT ormar.create_related('auto.post', 2, 'categories', '{}', '{"post": 1}')$$);
SELECT * FROM auto.posts_categories ORDER BY post, category;

-- create_related with through values
SELECT ormar.create_related('auto.post', 2, 'categories', '{"name": "Created"}', '{"sort_order": 3}');
SELECT ormar.related('auto.post', 2, 'categories');

-- a create_related whose link fails (a CHECK on the through table) leaves
-- neither the category nor the link
ALTER TABLE auto.posts_categories ADD CONSTRAINT sort_order_positive CHECK (sort_order >= 0);
DO $$
BEGIN
    PERFORM ormar.create_related('auto.post', 2, 'categories', '{"name": "Negative"}', '{"sort_order": -1}');
    RAISE NOTICE 'create_related succeeded';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'create_related failed with %', SQLSTATE;
END $$;
SELECT count(*) AS negative_categories FROM auto.category WHERE name = 'Negative';
SELECT * FROM auto.posts_categories ORDER BY post, category;

-- remove and clear with an extra column
SELECT ormar.remove('auto.post', 1, 'categories', 2);
SELECT ormar.remove('auto.post', 1, 'categories', 2);
SELECT ormar.clear('auto.category', 1, 'posts');
SELECT * FROM auto.posts_categories ORDER BY post, category;

-------------------------------------------------------------------------------
-- 5. Cascades
-------------------------------------------------------------------------------

-- set up: posts 1, 2 both linked to categories 1, 2
SELECT ormar.clear('post', 1, 'categories');
SELECT ormar.clear('category', 1, 'posts');
SELECT ormar.add('post', 1, 'categories', 1), ormar.add('post', 1, 'categories', 2),
       ormar.add('post', 2, 'categories', 1), ormar.add('post', 2, 'categories', 2);
SELECT post, category FROM posts_categories ORDER BY post, category;

-- deleting a post removes only its links; the categories stay
DELETE FROM comment;
DELETE FROM post WHERE id = 1;
SELECT post, category FROM posts_categories ORDER BY post, category;
SELECT id, name FROM category ORDER BY id;

-- deleting a category removes only its links; the posts stay
DELETE FROM category WHERE id = 2;
SELECT post, category FROM posts_categories ORDER BY post, category;
SELECT id, title FROM post ORDER BY id;

-- updating a key follows (ON UPDATE CASCADE)
UPDATE category SET id = 100 WHERE id = 1;
SELECT post, category FROM posts_categories ORDER BY post, category;
UPDATE category SET id = 1 WHERE id = 100;

-------------------------------------------------------------------------------
-- 6. Plans: 20,000 posts all linked to category 1
-------------------------------------------------------------------------------

TRUNCATE posts_categories;
INSERT INTO category (name) SELECT 'filler ' || g FROM generate_series(1, 1000) g;
INSERT INTO post (id, title) SELECT g, 'post ' || g FROM generate_series(10001, 30000) g;
INSERT INTO posts_categories (post, category) SELECT id, 1 FROM post WHERE id > 10000;
-- some other data: every 7th post also in one of the filler categories,
-- and post 5 in two categories
INSERT INTO posts_categories (post, category)
SELECT p.id, c.id FROM post p JOIN category c ON c.name = 'filler ' || (1 + p.id % 997)
 WHERE p.id > 10000 AND p.id % 7 = 0;
INSERT INTO post (id, title) VALUES (5, 'Five');
INSERT INTO posts_categories (post, category) VALUES (5, 1), (5, 3);
ANALYZE category, post, posts_categories;
SELECT count(*) AS posts_in_category_1 FROM posts_categories WHERE category = 1;

-- categories of one post: the through key (post, category) and category_pkey
EXPLAIN (COSTS OFF) SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = 5;
SELECT bool_or(index_name = 'posts_categories_post_category_key') AS uses_through_key,
       bool_or(index_name = 'category_pkey') AS uses_category_pkey,
       bool_or(node_type = 'Seq Scan') AS has_seq_scan
  FROM m2m_plan_nodes($$SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = 5$$);
SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = 5 ORDER BY c.id;

-- the last 10 posts of category 1: read through the reversed index in
-- order, no Sort, no Seq Scan on post or the through table, and stop early
EXPLAIN (COSTS OFF)
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = 1 ORDER BY p.id DESC LIMIT 10;
SELECT bool_or(index_name = 'posts_categories_category_post_idx') AS uses_reversed_index,
       bool_or(node_type = 'Sort') AS has_sort,
       bool_or(node_type = 'Seq Scan' AND relation IN ('post', 'posts_categories')) AS seq_scan_post_or_through,
       (array_agg(node_type))[1] AS top_node
  FROM m2m_plan_nodes($$SELECT p.* FROM category c, LATERAL posts(c) p
                        WHERE c.id = 1 ORDER BY p.id DESC LIMIT 10$$);
SELECT max(actual_rows) < 100 AS stops_early
  FROM m2m_plan_nodes($$SELECT p.* FROM category c, LATERAL posts(c) p
                        WHERE c.id = 1 ORDER BY p.id DESC LIMIT 10$$, true)
 WHERE relation IN ('post', 'posts_categories');
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = 1 ORDER BY p.id DESC LIMIT 10;

-------------------------------------------------------------------------------
-- 7. ormar scenarios (schema scen)
-------------------------------------------------------------------------------

CREATE SCHEMA scen;
SET search_path = scen, public;
SELECT m AS define_models FROM ormar.define_models('{
  "category": {"id": {"type": "Integer", "primary_key": true},
               "name": {"type": "String", "max_length": 40}},
  "post": {"id": {"type": "Integer", "primary_key": true},
           "title": {"type": "String", "max_length": 200},
           "categories": {"type": "ManyToMany", "to": "category",
                          "through_fields": {"sort_order": {"type": "Integer"}}}}
}') m ORDER BY m::text;

-- post.categories.add(news) and category.posts.add(post): either side
INSERT INTO category (name) VALUES ('News'), ('Tech');
INSERT INTO post (title) VALUES ('Hello, M2M'), ('Other post'), ('More M2M');
SELECT ormar.add('scen.post', 1, 'categories', 1, '{"sort_order": 2}');
SELECT ormar.add('scen.category', 1, 'posts', 3, '{"sort_order": 1}');
SELECT ormar.add('scen.category', 2, 'posts', 2);

-- category.posts.all() and post.categories.all()
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = 1 ORDER BY p.id;
SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = 1 ORDER BY c.id;

-- category.posts.filter(title__contains="M2M")
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = 1 AND p.title LIKE '%M2M%' ORDER BY p.id;
SELECT * FROM posts((SELECT c FROM category c WHERE c.id = 2)) WHERE title LIKE '%M2M%';
SELECT * FROM posts((SELECT c FROM category c WHERE c.id = 1)) WHERE title LIKE '%M2M%' ORDER BY id;

-- category.posts.count() / order_by / limit
SELECT count(*) FROM category c, LATERAL posts(c) p WHERE c.id = 1;
SELECT p.title FROM category c, LATERAL posts(c) p WHERE c.id = 1 ORDER BY p.title DESC LIMIT 1;

-- sort_order set by add, read by related and by the view
SELECT ormar.related('scen.category', 1, 'posts');
SELECT source_pk, id, title, through_sort_order FROM category__posts ORDER BY source_pk, id;
SELECT id, title FROM category__posts WHERE source_pk = 1 ORDER BY through_sort_order;

RESET search_path;

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------

-- DROP TABLE of a many-to-many's source model: the relation is forgotten and
-- the through table (its data) stays, without the foreign key generated to
-- the target or the generated reversed-pair index
CREATE SCHEMA gone;
SELECT ormar.define_model('src', '{"id": {"type": "Integer", "primary_key": true}}', 'gone');
SELECT ormar.define_model('dst', '{"id": {"type": "Integer", "primary_key": true}}', 'gone');
SELECT ormar.many_to_many('gone.src', 'dsts', 'gone.dst');
INSERT INTO gone.src VALUES (1);
INSERT INTO gone.dst VALUES (1);
SELECT ormar.add('gone.src', 1, 'dsts', 1);
-- a through name longer than an identifier is refused (22023), not truncated
SELECT * FROM try_sql($$SELECT ormar.many_to_many('gone.dst', 'more', 'gone.dst', through => repeat('t', 70))$$);
DROP TABLE gone.src CASCADE;
SELECT count(*) AS relations_left FROM ormar.relation WHERE through = 'gone.srcs_dsts'::regclass;
SELECT * FROM m2m_constraints('gone.srcs_dsts');
SELECT * FROM m2m_indexes('gone.srcs_dsts');
SELECT * FROM gone.srcs_dsts;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg CASCADE;
DROP SCHEMA gone, docs_field, auto, named, extra, scen CASCADE;
DROP TABLE comment, posts_categories, posts_tags, linker, books_authors, books_co_authors,
    shelfs_books, shelfs_more_books, shelf, book, author, tag, post, category CASCADE;
DROP FUNCTION try_sql(text, boolean), m2m_columns(regclass), m2m_constraints(regclass),
    m2m_indexes(regclass), m2m_plan_nodes(text, boolean);
RESET client_min_messages;
SELECT count(*) AS leftover_functions FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proname IN ('categories', 'posts', 'tags', 'tagged_posts');
