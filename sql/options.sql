-- Options of related rows (DESIGN §5 "options"): filter / exclude with every
-- lookup, order_by, limit / offset per parent row, fields / exclude_fields,
-- count, for ormar.related and per include path of ormar.fetch /
-- ormar.fetch_many.  Checked: ormar's QuerysetProxy scenarios
-- (album.tracks.filter(play_count__lt=15), limit(2).offset(2),
-- order_by('-sort_order') on a through column, fields('name')), PostgREST's
-- (the 10 newest posts embedded under each category), values bound as
-- parameters and read with the column type's input function, % and _
-- literal in text lookups, the key as tie-breaker, one statement per call,
-- reading through the relation's index, and every error with its SQLSTATE.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

\i sql/include/try_sql.sql

-- album 1-n track; track n-n genre (through with sort_order); track.album
SELECT ormar.define_model('album', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 100}
}$$);
SELECT ormar.define_model('track', $${
    "id":         {"type": "Integer", "primary_key": true},
    "title":      {"type": "String", "max_length": 100},
    "play_count": {"type": "Integer"},
    "released":   {"type": "Date"}
}$$);
SELECT ormar.foreign_key('track', 'album', related_name => 'tracks');
SELECT ormar.define_model('genre', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 40}
}$$);
SELECT ormar.many_to_many('track', 'genres', 'genre', through => 'track_genre',
    through_fields => $${"sort_order": {"type": "Integer"}}$$);

INSERT INTO album (id, name) VALUES (1, 'Malibu'), (2, 'Empty'), (3, 'Other');
INSERT INTO track (id, title, play_count, released, album) VALUES
    (1, 'The Bird', 30, '2016-01-15', 1),
    (2, 'Heart don''t stand a chance', 12, '2016-01-15', 1),
    (3, 'The Waters', 14, '2016-01-15', 1),
    (4, '100%_real', 12, '2016-02-01', 1),
    (5, '100 real', NULL, '2016-02-01', 1),
    (6, 'Elsewhere', 3, '2017-05-05', 3);
INSERT INTO genre (id, name) VALUES (1, 'Soul'), (2, 'Funk'), (3, 'Rap');
INSERT INTO track_genre (track, genre, sort_order) VALUES
    (1, 1, 3), (1, 2, 1), (1, 3, 2), (2, 1, 1);

-------------------------------------------------------------------------------
-- related with options: ormar's QuerysetProxy.
-------------------------------------------------------------------------------
-- album.tracks.filter(play_count__lt=15): tracks 2, 3, 4 (NULL never matches)
SELECT r ->> 'id' AS id, r ->> 'play_count' AS plays
  FROM ormar.related('album', 1, 'tracks', '{"filter": {"play_count__lt": 15}}') r;
-- limit(2).offset(2), in key order
SELECT r ->> 'id' AS id
  FROM ormar.related('album', 1, 'tracks', '{"limit": 2, "offset": 2}') r;
-- order_by('-play_count'): NULL first (descending), the key breaks the tie of 12
SELECT r ->> 'id' AS id, r ->> 'play_count' AS plays
  FROM ormar.related('album', 1, 'tracks', '{"order_by": ["-play_count"]}') r;
-- order_by on two fields
SELECT r ->> 'id' AS id
  FROM ormar.related('album', 1, 'tracks', '{"order_by": ["released", "-id"]}') r;
-- order_by('-sort_order') on a through column of a many-to-many
SELECT r ->> 'name' AS genre, r -> 'through' AS through
  FROM ormar.related('track', 1, 'genres', '{"order_by": ["-through__sort_order"]}') r;
-- filter on a through column
SELECT r ->> 'name' AS genre
  FROM ormar.related('track', 1, 'genres', '{"filter": {"through__sort_order__gte": 2}}') r;
-- fields('name'): the key always stays
SELECT r FROM ormar.related('album', 1, 'tracks', '{"fields": ["title"], "limit": 2}') r;
SELECT r FROM ormar.related('album', 1, 'tracks', '{"exclude_fields": ["released", "album", "id"], "limit": 1}') r;
-- count: one row holding the number
SELECT r, jsonb_typeof(r) FROM ormar.related('album', 1, 'tracks', '{"count": true}') r;
SELECT r FROM ormar.related('album', 1, 'tracks', '{"count": true, "filter": {"play_count__gte": 14}}') r;
SELECT r FROM ormar.related('album', 2, 'tracks', '{"count": true}') r;
SELECT r FROM ormar.related('album', 1, 'tracks', '{"count": true, "limit": 2, "offset": 1}') r;
-- to-one side with a filter
SELECT r FROM ormar.related('track', 6, 'album', '{"filter": {"name": "Other"}}') r;
SELECT count(*) FROM ormar.related('track', 6, 'album', '{"filter": {"name": "Malibu"}}') r;
-- options NULL or {} is the plain call
SELECT (SELECT array_agg(r) FROM ormar.related('album', 1, 'tracks', NULL) r) =
       (SELECT array_agg(r) FROM ormar.related('album', 1, 'tracks') r) AS null_same,
       (SELECT array_agg(r) FROM ormar.related('album', 1, 'tracks', '{}') r) =
       (SELECT array_agg(r) FROM ormar.related('album', 1, 'tracks') r) AS empty_same;

-------------------------------------------------------------------------------
-- Every lookup.
-------------------------------------------------------------------------------
CREATE FUNCTION ids(filter jsonb, key text DEFAULT 'filter') RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(r ->> 'id', ',' ORDER BY (r ->> 'id')::int), '-')
      FROM ormar.related('album', 1, 'tracks', jsonb_build_object(key, filter)) r
$$;
SELECT l, ids(f::jsonb) FROM (VALUES
    ('exact',      '{"play_count": 12}'),
    ('exact expl', '{"play_count__exact": 12}'),
    ('exact null', '{"play_count": null}'),
    ('as string',  '{"play_count": "12"}'),
    ('iexact',     '{"title__iexact": "THE BIRD"}'),
    ('contains',   '{"title__contains": "Wat"}'),
    ('icontains',  '{"title__icontains": "the"}'),
    ('startswith', '{"title__startswith": "The"}'),
    ('endswith',   '{"title__endswith": "chance"}'),
    ('in',         '{"id__in": [1, 3, 99]}'),
    ('in strings', '{"id__in": ["2", "4"]}'),
    ('in empty',   '{"id__in": []}'),
    ('gt',         '{"play_count__gt": 12}'),
    ('gte',        '{"play_count__gte": 12}'),
    ('lt',         '{"play_count__lt": 14}'),
    ('lte',        '{"play_count__lte": 14}'),
    ('isnull',     '{"play_count__isnull": true}'),
    ('notnull',    '{"play_count__isnull": false}'),
    ('date',       '{"released__gt": "2016-01-31"}'),
    ('two (AND)',  '{"play_count": 12, "title__startswith": "Heart"}')
) v(l, f);
-- exclude negates the whole object
SELECT ids('{"play_count": 12}', 'exclude') AS exclude_12,
       ids('{"play_count": 12, "title__startswith": "Heart"}', 'exclude') AS exclude_both;
-- % and _ are literal in the text lookups
SELECT ids('{"title__contains": "%"}') AS percent,
       ids('{"title__contains": "100_real"}') AS underscore_lit,
       ids('{"title__startswith": "100%"}') AS starts_percent,
       ids('{"title__contains": "_"}') AS underscore,
       ids('{"title__icontains": "%_R"}') AS icontains_lit,
       ids('{"title__iexact": "100%_REAL"}') AS iexact_lit,
       ids('{"title__endswith": "\\\\"}') AS backslash;
-- values are parameters, never spliced into the statement
SELECT ids('{"title": "x'' OR ''1''=''1"}') AS quote,
       ids('{"title__contains": "'');DROP TABLE track;--"}') AS injection,
       (SELECT count(*) FROM track) AS tracks_still_there;

-------------------------------------------------------------------------------
-- fetch / fetch_many with options per include path.
-------------------------------------------------------------------------------
SELECT ormar.fetch('album', 1, '{tracks}',
    '{"tracks": {"filter": {"play_count__lt": 15}, "fields": ["title"]}}');
SELECT ormar.fetch('album', 1, '{tracks}', '{"tracks": {"limit": 2, "offset": 2}}') -> 'tracks';
SELECT ormar.fetch('album', 1, '{tracks}', '{"tracks": {"order_by": ["-play_count"], "limit": 3, "fields": ["play_count"]}}') -> 'tracks';
-- count embeds the number (0 when none)
SELECT r FROM ormar.fetch_many('album', ARRAY[1, 2, 3], '{tracks}', '{"tracks": {"count": true}}') r;
SELECT r FROM ormar.fetch_many('album', ARRAY[3, 1, 2], '{tracks}',
    '{"tracks": {"count": true, "filter": {"play_count__gt": 10}}}') r;
-- nested: tracks with their genres by sort_order, genres limited per track
SELECT jsonb_pretty(ormar.fetch('album', 1, '{tracks__genres}',
    '{"tracks": {"filter": {"id__in": [1, 2]}, "fields": ["title"]},
      "tracks__genres": {"order_by": ["through__sort_order"], "limit": 2}}'));
-- an options key for a prefix of an include path
SELECT ormar.fetch('album', 3, '{tracks__genres}', '{"tracks": {"fields": ["title"]}}');
-- to-one include: a row that does not match the filter embeds null
SELECT r FROM ormar.fetch_many('track', ARRAY[1, 6], '{album}',
    '{"album": {"filter": {"name__startswith": "Mal"}}}') r;
-- limit per parent across several parents
SELECT r ->> 'id' AS album, jsonb_path_query_array(r, '$.tracks[*].id') AS tracks
  FROM ormar.fetch_many('album', ARRAY[1, 2, 3], '{tracks}', '{"tracks": {"limit": 2, "order_by": ["-id"]}}') r;
-- the same options with other values: the kept statement, other parameters
SELECT r ->> 'id' AS album, jsonb_path_query_array(r, '$.tracks[*].id') AS tracks
  FROM ormar.fetch_many('album', ARRAY[1, 2, 3], '{tracks}', '{"tracks": {"limit": 1, "order_by": ["-id"]}}') r;

-------------------------------------------------------------------------------
-- PostgREST: the 10 newest posts embedded under each category
-- (GET /categories?select=*,posts(*)&posts.order=id.desc&posts.limit=10),
-- compared with the same result written by hand; read through the index.
-------------------------------------------------------------------------------
SELECT ormar.define_model('category', $${
    "id":   {"type": "Integer", "primary_key": true},
    "name": {"type": "String", "max_length": 40}
}$$);
SELECT ormar.define_model('post', $${
    "id":    {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 100},
    "category": {"type": "ForeignKey", "to": "category", "related_name": "posts"}
}$$);
INSERT INTO category (id, name) SELECT g, 'category ' || g FROM generate_series(1, 1000) g;
INSERT INTO post (id, title, category)
SELECT g, 'post ' || g, g % 1000 + 1 FROM generate_series(1, 30000) g;
ANALYZE category, post;
SELECT count(*) AS categories,
       bool_and(r -> 'posts' = (SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id DESC)
                                  FROM (SELECT * FROM post p WHERE p.category = (r ->> 'id')::int
                                         ORDER BY p.id DESC LIMIT 10) p)) AS newest_10,
       min(jsonb_array_length(r -> 'posts')) AS min_posts,
       max(jsonb_array_length(r -> 'posts')) AS max_posts
  FROM ormar.fetch_many('category', ARRAY(SELECT generate_series(1, 1000)), '{posts}',
                        '{"posts": {"order_by": ["-id"], "limit": 10}}') r;
-- what the call read (the table's statistics, flushed before and after):
-- through an index (the foreign key's: test/suites/explain.sh shows the
-- plan), only the 30 posts of the 3 categories, never the whole table
SELECT pg_stat_force_next_flush();
SELECT seq_scan AS seq0, idx_scan AS idx0, idx_tup_fetch AS fetch0
  FROM pg_stat_user_tables WHERE relid = 'post'::regclass \gset
SELECT count(*) FROM ormar.fetch_many('category', ARRAY[1, 2, 3], '{posts}',
    '{"posts": {"order_by": ["-id"], "limit": 10, "filter": {"title__startswith": "post"}}}');
SELECT pg_stat_force_next_flush();
SELECT seq_scan - :seq0 AS seq_scans, idx_scan - :idx0 > 0 AS index_used,
       idx_tup_fetch - :fetch0 AS rows_read
  FROM pg_stat_user_tables WHERE relid = 'post'::regclass;

-------------------------------------------------------------------------------
-- One statement per call, options or not.
-------------------------------------------------------------------------------
SELECT count(*) FROM ormar.fetch_many('album', ARRAY[1], '{tracks__genres}',
    '{"tracks__genres": {"limit": 1}, "tracks": {"filter": {"play_count__gt": 1}}}');
SELECT ormar._statements() AS before \gset
SELECT count(*) FROM ormar.fetch_many('album', ARRAY[1, 2, 3], '{tracks__genres}',
    '{"tracks__genres": {"limit": 2}, "tracks": {"filter": {"play_count__gt": 5}}}');
SELECT ormar._statements() - :before AS statements;
SELECT count(*) FROM ormar.related('album', 1, 'tracks');   -- warm-up
SELECT ormar._statements() AS before \gset
SELECT count(*) FROM ormar.related('album', 1, 'tracks', '{"filter": {"play_count__gt": 5}, "limit": 2}');
SELECT ormar._statements() - :before AS statements;

-------------------------------------------------------------------------------
-- Errors: unknown field 42703; unknown option, lookup, path or a value of
-- the wrong shape 22023; too many entries 54000.
-------------------------------------------------------------------------------
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"plays": 1}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"order_by": ["-nope"]}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"fields": ["nope"]}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"exclude_fields": ["nope"]}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"through__x": 1}}')$$);
SELECT try_sql($$SELECT ormar.related('track', 1, 'genres', '{"filter": {"through__nope": 1}}')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks}', '{"tracks": {"filter": {"nope__gt": 1}}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"title__like": "x"}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"sort": ["id"]}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"limit": -1}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"limit": 1.5}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"limit": "2"}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"order_by": "id"}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": [1]}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"id__in": 1}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"id__in": [1, null]}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"id": [1]}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"id__gt": null}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"id__isnull": 1}}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"count": "yes"}')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '[1]')$$);
SELECT try_sql($$SELECT ormar.related('album', 1, 'tracks', '{"filter": {"play_count": "many"}}')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks}', '{"genres": {"limit": 1}}')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks}', '{"tracks__genres": {"limit": 1}}')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks}', '{"tracks": 1}')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks}', '[]')$$);
SELECT try_sql($$SELECT ormar.fetch('album', 1, '{tracks__genres}', '{"tracks": {"count": true}}')$$);
SELECT try_sql(format($$SELECT ormar.related('album', 1, 'tracks', %L)$$,
    jsonb_build_object('filter', (SELECT jsonb_object_agg('id' || g || '__gt', 1) FROM generate_series(1, 65) g)))::text);
SELECT try_sql(format($$SELECT ormar.related('album', 1, 'tracks', %L)$$,
    jsonb_build_object('filter', jsonb_build_object('id__in', (SELECT jsonb_agg(g) FROM generate_series(1, 100001) g))))::text);

DROP EXTENSION ormar_pg CASCADE;
