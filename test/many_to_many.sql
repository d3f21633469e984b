-- pgTAP: structure and proxies of many-to-many relations (DESIGN §4-§5).
-- Self-contained: run in a fresh database, everything is rolled back.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(50);

-- the ormar docs example: the through model holds only its key
DO $setup$ BEGIN PERFORM ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.define_model('posts_categories', '{"id": {"type": "Integer", "primary_key": true}}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.many_to_many('post', 'categories', 'category', through => 'posts_categories'); END $setup$;

-- and without through, with a sort_order through field (schema auto)
CREATE SCHEMA auto;
DO $setup$ BEGIN PERFORM ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}', 'auto'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200},
                                    "categories": {"type": "ManyToMany", "to": "category",
                                                   "through_fields": {"sort_order": {"type": "Integer"}}}}',
                          'auto'); END $setup$;

---------------------------------------------------------------------------
-- through tables
---------------------------------------------------------------------------
SELECT has_table('public', 'posts_categories', 'through model posts_categories exists');
SELECT has_table('auto', 'posts_categories', 'without through, posts_categories is created');

SELECT col_type_is('public', 'posts_categories', 'post', 'integer', 'posts_categories.post is integer');
SELECT col_type_is('public', 'posts_categories', 'category', 'integer', 'posts_categories.category is integer');
SELECT col_not_null('public', 'posts_categories', 'post', 'posts_categories.post is NOT NULL');
SELECT col_not_null('public', 'posts_categories', 'category', 'posts_categories.category is NOT NULL');
SELECT col_type_is('auto', 'posts_categories', 'sort_order', 'integer', 'through field sort_order is an integer column');

SELECT fk_ok('public', 'posts_categories', 'post', 'public', 'post', 'id',
             'posts_categories.post references post(id)');
SELECT fk_ok('public', 'posts_categories', 'category', 'public', 'category', 'id',
             'posts_categories.category references category(id)');
SELECT fk_ok('auto', 'posts_categories', 'post', 'auto', 'post', 'id',
             'auto.posts_categories.post references auto.post(id)');
SELECT fk_ok('auto', 'posts_categories', 'category', 'auto', 'category', 'id',
             'auto.posts_categories.category references auto.category(id)');

SELECT is((SELECT array_agg(confdeltype::text || confupdtype::text ORDER BY conname)
             FROM pg_constraint WHERE conrelid = 'posts_categories'::regclass AND contype = 'f'),
          ARRAY['cc', 'cc'], 'both link foreign keys are ON DELETE CASCADE ON UPDATE CASCADE');
SELECT is((SELECT array_agg(confdeltype::text || confupdtype::text ORDER BY conname)
             FROM pg_constraint WHERE conrelid = 'auto.posts_categories'::regclass AND contype = 'f'),
          ARRAY['cc', 'cc'], 'auto-created through table: both links cascade');

SELECT has_index('public', 'posts_categories', 'posts_categories_category_post_idx',
                 ARRAY['category', 'post'], 'reversed pair (category, post) is indexed');
SELECT has_index('auto', 'posts_categories', 'posts_categories_category_post_idx',
                 ARRAY['category', 'post'], 'auto: reversed pair (category, post) is indexed');

SELECT has_pk('auto', 'posts_categories', 'auto-created through table has a primary key');
SELECT col_is_pk('auto', 'posts_categories', ARRAY['post', 'category'],
                 'the pair (post, category) is the primary key of the auto-created through table');
SELECT col_is_pk('public', 'posts_categories', 'id', 'the through model keeps its own key');
SELECT col_is_unique('public', 'posts_categories', ARRAY['post', 'category'],
                     'the pair is UNIQUE when the through model has a key');

SELECT hasnt_column('public', 'post', 'categories', 'a many-to-many adds no column to post');

---------------------------------------------------------------------------
-- accessors and views
---------------------------------------------------------------------------
SELECT function_returns('public', 'categories', ARRAY['post'], 'setof category',
                        'categories(post) returns setof category');
SELECT function_returns('public', 'posts', ARRAY['category'], 'setof post',
                        'posts(category) returns setof post');
SELECT function_lang_is('public', 'categories', ARRAY['post'], 'sql', 'categories(post) is an SQL function');
SELECT volatility_is('public', 'posts', ARRAY['category'], 'stable', 'posts(category) is STABLE');

SELECT has_view('public', 'post__categories', 'view post__categories exists');
SELECT has_view('public', 'category__posts', 'view category__posts exists');
SELECT columns_are('auto', 'post__categories', ARRAY['source_pk', 'id', 'name', 'through_sort_order'],
                   'auto.post__categories: source_pk, target columns, through_sort_order');

---------------------------------------------------------------------------
-- refusals
---------------------------------------------------------------------------
SELECT throws_ok($$SELECT ormar.foreign_key('posts_categories', 'owner', 'post')$$, '42P16', NULL,
                 'a foreign key from a through model is refused');
SELECT throws_ok($$SELECT ormar.many_to_many('posts_categories', 'tags', 'category')$$, '42P16', NULL,
                 'a many-to-many from a through model is refused');
DO $setup$ BEGIN PERFORM ormar.define_model('linker', '{"id": {"type": "Integer", "primary_key": true},
                                      "owner": {"type": "ForeignKey", "to": "category",
                                                "related_name": "linkers"}}'); END $setup$;
SELECT throws_ok($$SELECT ormar.many_to_many('post', 'linked', 'category', through => 'linker',
                                             related_name => 'linked_posts')$$, '42P16', NULL,
                 'a model with relations cannot be a through table');

DO $setup$ BEGIN PERFORM ormar.define_model('author', '{"id": {"type": "Integer", "primary_key": true},
                                      "first_name": {"type": "String", "max_length": 80}}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.define_model('book', '{"id": {"type": "Integer", "primary_key": true},
                                    "title": {"type": "String", "max_length": 200}}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.many_to_many('book', 'authors', 'author'); END $setup$;
SELECT throws_ok($$SELECT ormar.many_to_many('book', 'co_authors', 'author')$$, '42710', NULL,
                 'two many-to-many to one target without related_names clash');
SELECT throws_ok($$SELECT ormar.many_to_many('post', 'tags', 'category', related_name => 'name')$$,
                 '42710', NULL, 'a related_name that is a column of the target clashes');
SELECT throws_ok($$SELECT ormar.many_to_many('post', 'title', 'category', related_name => 'x_posts')$$,
                 '42710', NULL, 'a relation named like a column of the model clashes');

---------------------------------------------------------------------------
-- proxies
---------------------------------------------------------------------------
INSERT INTO category (name) VALUES ('News'), ('Tech'), ('Sports');
INSERT INTO post (title) VALUES ('Hello M2M'), ('Second post');

SELECT is(ormar.add('post', 1, 'categories', 1), true, 'add links post 1 to News');
SELECT is(ormar.add('post', 1, 'categories', 1), false, 'a second add of the same pair returns false');
SELECT is((SELECT count(*) FROM posts_categories WHERE post = 1 AND category = 1), 1::bigint,
          'the pair is stored once');
SELECT is(ormar.add('category', 2, 'posts', 1), true, 'add from the reverse side');

SELECT results_eq($$SELECT * FROM ormar.related('post', 1, 'categories')$$,
                  $$VALUES ('{"id": 1, "name": "News"}'::jsonb), ('{"id": 2, "name": "Tech"}'::jsonb)$$,
                  'related from the post side, ordered by key');
SELECT results_eq($$SELECT * FROM ormar.related('category', 2, 'posts')$$,
                  $$VALUES ('{"id": 1, "title": "Hello M2M"}'::jsonb)$$,
                  'related from the category side');

SELECT is(ormar.remove('post', 1, 'categories', 2), true, 'remove returns true');
SELECT is(ormar.remove('post', 1, 'categories', 2), false, 'a second remove returns false');
SELECT is(ormar.remove('post', 1, 'categories', 3), false, 'removing a never-added category returns false');

DO $setup$ BEGIN PERFORM ormar.add('post', 1, 'categories', 2); END $setup$;
DO $setup$ BEGIN PERFORM ormar.add('post', 1, 'categories', 3); END $setup$;
SELECT is(ormar.clear('post', 1, 'categories'), 3::bigint, 'clear returns how many links it removed');
SELECT is((SELECT count(*) FROM category), 3::bigint, 'clear keeps the categories');

DO $setup$ BEGIN PERFORM ormar.add('post', 1, 'categories', 1); END $setup$;
SELECT is(ormar.create_related('post', 1, 'categories', '{"name": "Created"}'),
          '{"id": 4, "name": "Created"}'::jsonb, 'create_related returns the new category');
SELECT is((SELECT count(*) FROM post p, LATERAL categories(p) c WHERE p.id = 1), 2::bigint,
          'after create_related the post has 2 categories');

-- through values
INSERT INTO auto.category (name) VALUES ('News'), ('Tech');
INSERT INTO auto.post (title) VALUES ('Hello M2M');
DO $setup$ BEGIN PERFORM ormar.add('auto.post', 1, 'categories', 1, '{"sort_order": 5}'); END $setup$;
DO $setup$ BEGIN PERFORM ormar.add('auto.post', 1, 'categories', 2, '{"sort_order": 1}'); END $setup$;
SELECT results_eq($$SELECT * FROM ormar.related('auto.post', 1, 'categories')$$,
                  $$VALUES ('{"id": 1, "name": "News", "through": {"sort_order": 5}}'::jsonb),
                           ('{"id": 2, "name": "Tech", "through": {"sort_order": 1}}'::jsonb)$$,
                  'related carries the through values');
SELECT is(ormar.update_through('auto.post', 1, 'categories', 1, '{"sort_order": 7}'), true,
          'update_through changes one link');
SELECT results_eq($$SELECT category, sort_order FROM auto.posts_categories ORDER BY category$$,
                  $$VALUES (1, 7), (2, 1)$$, 'only that link changed');
SELECT throws_ok($$SELECT ormar.update_through('post', 1, 'categories', 1, '{"x": 1}')$$, '22023', NULL,
                 'update_through with a key that is not a through column is refused');

SELECT * FROM finish();
ROLLBACK;
