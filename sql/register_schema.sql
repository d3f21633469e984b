-- ormar.register_schema on a realistic existing database (DESIGN §3, issue 11):
-- examples/film_rental.sql, 18 tables in two schemas.  The report is exact, no
-- constraint or index is duplicated, accessors, views, proxies, fetch and
-- traverse work, a second call changes nothing, pg_dump / pg_restore of the
-- adopted database restores it working, and dropping the models gives the
-- original schema back.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\i examples/film_rental.sql
RESET client_min_messages;
CREATE EXTENSION ormar_pg;

-- Every constraint, index and trigger of the two schemas, with its definition.
CREATE FUNCTION public.schema_defs() RETURNS TABLE(tbl text, kind text, name text, def text)
LANGUAGE sql AS $f$
  SELECT c.conrelid::regclass::text, 'constraint', c.conname::text, pg_get_constraintdef(c.oid)
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
   WHERE t.relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace)
  UNION ALL
  SELECT i.indrelid::regclass::text, 'index', x.relname::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
   WHERE x.relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace)
  UNION ALL
  SELECT g.tgrelid::regclass::text, 'trigger', g.tgname::text, pg_get_triggerdef(g.oid)
    FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
   WHERE t.relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace) AND NOT g.tgisinternal
  ORDER BY 1, 2, 3
$f$;
-- Functions and views of the two schemas.
CREATE FUNCTION public.schema_routines() RETURNS TABLE(object text)
LANGUAGE sql AS $f$
  SELECT p.oid::regprocedure::text FROM pg_proc p
   WHERE p.pronamespace IN ('geo'::regnamespace, 'rental'::regnamespace)
  UNION ALL
  SELECT c.oid::regclass::text FROM pg_class c
   WHERE c.relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace) AND c.relkind = 'v'
  ORDER BY 1
$f$;
CREATE TABLE public.schema_before AS SELECT * FROM public.schema_defs();
CREATE TABLE public.routines_before AS SELECT * FROM public.schema_routines();
SELECT kind, count(*) FROM public.schema_before GROUP BY kind ORDER BY kind;
SELECT count(*) AS tables FROM pg_class
 WHERE relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace) AND relkind = 'r';

-------------------------------------------------------------------------------
-- 1. Take over geo, then rental (whose foreign keys reach into geo).
-------------------------------------------------------------------------------
CREATE TABLE public.report AS SELECT 0 AS call, * FROM ormar.register_schema('geo') WITH ORDINALITY;
INSERT INTO public.report SELECT 0, * FROM ormar.register_schema('rental') WITH ORDINALITY;
SELECT model, relation, kind, target, action FROM public.report ORDER BY model::text LIKE 'rental.%', ordinality;

-- the catalog holds exactly what the report says
SELECT count(*) FILTER (WHERE action = 'registered') AS registered,
       (SELECT count(*) FROM ormar.models) AS models,
       count(*) FILTER (WHERE action LIKE 'adopted%') AS adopted,
       (SELECT count(*) FROM ormar.relation) AS relations,
       count(*) FILTER (WHERE action LIKE 'skipped%') AS skipped
  FROM public.report;
SELECT model, name, direction, kind, target, related_name, one_to_one, ondelete, onupdate,
       accessor, lookup_view
  FROM ormar.relations ORDER BY model::text, name;

-- no constraint or index duplicated: nothing lost, nothing added but the
-- indexes the report names, no two foreign keys or indexes on the same columns
SELECT 'added' AS change, * FROM (SELECT * FROM public.schema_defs() EXCEPT SELECT * FROM public.schema_before) a
UNION ALL
SELECT 'lost', * FROM (SELECT * FROM public.schema_before EXCEPT SELECT * FROM public.schema_defs()) l
ORDER BY 1, 2, 3, 4;
(SELECT name FROM public.schema_defs() EXCEPT SELECT name FROM public.schema_before)
EXCEPT
SELECT substring(action FROM '^adopted, index (.*) created$') FROM public.report;
SELECT conrelid::regclass, conkey, confrelid::regclass, count(*) FROM pg_constraint
 WHERE contype = 'f' AND connamespace IN ('geo'::regnamespace, 'rental'::regnamespace)
 GROUP BY 1, 2, 3 HAVING count(*) > 1;
SELECT indrelid::regclass, indkey, count(*) FROM pg_index
 WHERE indrelid IN (SELECT oid FROM pg_class
                     WHERE relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace))
 GROUP BY 1, 2 HAVING count(*) > 1;
-- what was adopted is recorded as adopted
SELECT adopted, count(*) FROM ormar.relation GROUP BY adopted ORDER BY adopted;

-------------------------------------------------------------------------------
-- 2. Accessors, views, proxies, fetch and traverse on the adopted schema.
-------------------------------------------------------------------------------
SELECT f.title FROM rental.language l, LATERAL rental.films_by_original_language(l) f
 WHERE l.language_id = 1 ORDER BY f.film_id;
SELECT s.store_id, (rental.manager_staff(s)).first_name AS manager,
       (rental.stores(rental.manager_staff(s))).store_id AS manages
  FROM rental.store s ORDER BY s.store_id;
SELECT (geo.country_id(c)).name AS country, c.name FROM geo.city c ORDER BY c.city_id;
SELECT source_pk, title, through_role FROM rental.actor__films ORDER BY 1, 2;
SELECT source_pk, name, through_last_update FROM rental.film__categorys ORDER BY 1, 2;
SELECT source_pk, name FROM geo.country__citys ORDER BY 1, 2;
SELECT source_pk, first_name FROM geo.address__staffs ORDER BY 1, 2;
-- the planner inlines an accessor: a filter reaches the adopted index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT r.rental_id FROM rental.inventory i, LATERAL rental.rentals(i) r
 WHERE i.inventory_id = 1;
RESET enable_seqscan;

SELECT * FROM ormar.related('rental.film', 1, 'actors');
SELECT * FROM ormar.related('rental.category', 5, 'films');
SELECT ormar.add('rental.film', 3, 'actors', 2, '{"role": "villain"}');
SELECT * FROM rental.film_actor WHERE film_id = 3 ORDER BY actor_id;
SELECT ormar.remove('rental.actor', 2, 'films', 3);
SELECT ormar.add('rental.staff', 2, 'staffs', 3);          -- Ana now reports to Jon (already)
SELECT ormar.add('rental.staff', 1, 'staffs', 3);          -- ... and now to Mike
SELECT staff_id, reports_to FROM rental.staff ORDER BY staff_id;
SELECT ormar.create_related('rental.customer', 3, 'payments',
    '{"staff_id": 2, "amount": 1.50, "payment_date": "2024-06-01T10:00:00+00"}') - 'payment_id';
-- the database's own trigger ran for it
SELECT message FROM rental.payment_log ORDER BY logged_at, message;
SELECT ormar.fetch('rental.customer', 1, '{store__manager_staff, address__city__country_id, rentals__inventory__film__actors}');
SELECT * FROM ormar.fetch_many('rental.language', ARRAY[1, 2], '{films_by_language, films_by_original_language}');
SELECT depth, node->>'name' AS name FROM ormar.traverse('rental.category', 1, 'categorys');
SELECT depth, node->>'first_name' AS name FROM ormar.traverse('rental.staff', 1, 'staffs');
-- the database's own views and triggers still work
SELECT * FROM rental.film_list ORDER BY film_id, category;
SELECT * FROM rental.customer_list ORDER BY customer_id;
UPDATE rental.film SET release_year = 2007 WHERE film_id = 3 RETURNING last_update = now() AS touched;

-------------------------------------------------------------------------------
-- 3. A second call changes nothing and reports everything as already there.
-------------------------------------------------------------------------------
CREATE TABLE public.catalog_before AS SELECT r::text AS row FROM ormar.relation r;
CREATE TABLE public.defs_after_first AS SELECT * FROM public.schema_defs();
CREATE TABLE public.routines_after_first AS SELECT * FROM public.schema_routines();
INSERT INTO public.report SELECT 1, * FROM ormar.register_schema('geo') WITH ORDINALITY;
INSERT INTO public.report SELECT 1, * FROM ormar.register_schema('rental') WITH ORDINALITY;
SELECT model, relation, kind, target, action FROM public.report WHERE call = 1
 ORDER BY model::text LIKE 'rental.%', ordinality;
-- row for row the same models and relations as the first call, now "already ..."
SELECT f.model, f.relation, f.action AS first, s.action AS second
  FROM public.report f FULL JOIN public.report s
    ON s.call = 1 AND f.model = s.model AND f.kind = s.kind
   AND f.target IS NOT DISTINCT FROM s.target AND f.relation IS NOT DISTINCT FROM s.relation
   AND f.ordinality = s.ordinality
 WHERE f.call = 0 AND (s.action IS NULL OR
       CASE WHEN f.action = 'registered' THEN s.action <> 'already registered'
            WHEN f.action LIKE 'adopted%' THEN s.action <> 'already declared'
            ELSE s.action <> f.action END);
(SELECT * FROM public.catalog_before EXCEPT SELECT r::text FROM ormar.relation r)
UNION ALL (SELECT r::text FROM ormar.relation r EXCEPT SELECT * FROM public.catalog_before);
(SELECT * FROM public.defs_after_first EXCEPT SELECT * FROM public.schema_defs())
UNION ALL (SELECT * FROM public.schema_defs() EXCEPT SELECT * FROM public.defs_after_first);
(SELECT * FROM public.routines_after_first EXCEPT SELECT * FROM public.schema_routines())
UNION ALL (SELECT * FROM public.schema_routines() EXCEPT SELECT * FROM public.routines_after_first);

-------------------------------------------------------------------------------
-- 4. Atomic: a call that fails half-way leaves nothing behind; a role takes
--    over only its own tables.
-------------------------------------------------------------------------------
CREATE ROLE regress_rs_owner;
CREATE SCHEMA tiny AUTHORIZATION regress_rs_owner;
CREATE SCHEMA tiny_ref;                 -- the role may use it, not create in it
CREATE TABLE tiny_ref.country (country_id integer PRIMARY KEY);
SELECT ormar.register_model('tiny_ref.country');
GRANT USAGE ON SCHEMA tiny_ref TO regress_rs_owner;
GRANT REFERENCES ON tiny_ref.country TO regress_rs_owner;
SET ROLE regress_rs_owner;
CREATE TABLE tiny.author (author_id integer PRIMARY KEY,
                          country_id integer REFERENCES tiny_ref.country);
CREATE TABLE tiny.book (book_id integer PRIMARY KEY, author_id integer REFERENCES tiny.author);
-- the failure half-way: an event trigger refusing the lookup view author__books
-- (a generated name that is taken is no failure: that relation is reported skipped)
RESET ROLE;
CREATE FUNCTION public.regress_rs_no_views() RETURNS event_trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'no views today'; END $$;
CREATE EVENT TRIGGER regress_rs_no_views ON ddl_command_end WHEN TAG IN ('CREATE VIEW')
  EXECUTE FUNCTION public.regress_rs_no_views();
SET ROLE regress_rs_owner;
SELECT * FROM ormar.register_schema('tiny');
SELECT count(*) AS tiny_models FROM ormar.model WHERE model::text LIKE 'tiny.%';
SELECT count(*) AS tiny_indexes FROM pg_class WHERE relnamespace = 'tiny'::regnamespace AND relkind = 'i';
RESET ROLE;
DROP EVENT TRIGGER regress_rs_no_views;
DROP FUNCTION public.regress_rs_no_views();
CREATE TABLE tiny.review (review_id integer PRIMARY KEY, book_id integer REFERENCES tiny.book);
SET ROLE regress_rs_owner;
SELECT * FROM ormar.register_schema('tiny');
RESET ROLE;
SELECT * FROM ormar.register_schema('ormar');
SELECT * FROM ormar.register_schema('no_such_schema');
SET search_path = tiny;
SELECT model, action FROM ormar.register_schema() WHERE kind = 'model';
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA tiny, tiny_ref CASCADE;
RESET client_min_messages;
DROP ROLE regress_rs_owner;

-------------------------------------------------------------------------------
-- 4b. Shapes the example does not have: a shared-key one-to-one, a junction
--     with a key of its own (a model too), a self-referencing junction,
--     camelCase "...Id" columns, a foreign key to a non-key unique column,
--     partitioned tables and their partitions, a column name taken twice.
-------------------------------------------------------------------------------
CREATE SCHEMA edge;
CREATE TABLE edge.person (id integer PRIMARY KEY, name text UNIQUE);
CREATE TABLE edge.passport (person_id integer PRIMARY KEY REFERENCES edge.person, number text);
CREATE TABLE edge.club (id integer PRIMARY KEY);
CREATE TABLE edge.membership (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id integer NOT NULL REFERENCES edge.person,
    club_id integer NOT NULL REFERENCES edge.club, since date, UNIQUE (club_id, person_id));
CREATE TABLE edge.friendship (person_id integer REFERENCES edge.person,
    friend_id integer REFERENCES edge.person, PRIMARY KEY (person_id, friend_id));
CREATE TABLE edge."Order" ("orderId" integer PRIMARY KEY, "personId" integer REFERENCES edge.person);
CREATE TABLE edge.badge (id integer PRIMARY KEY, person_name text REFERENCES edge.person (name));
CREATE TABLE edge.event (id integer, person_id integer REFERENCES edge.person, at date,
    PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE edge.event_2024 PARTITION OF edge.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE edge.log (id integer PRIMARY KEY, person_id integer REFERENCES edge.person)
    PARTITION BY HASH (id);
CREATE TABLE edge.log_0 PARTITION OF edge.log FOR VALUES WITH (modulus 1, remainder 0);
CREATE TABLE edge.car (id integer PRIMARY KEY, owner text, owner_id integer REFERENCES edge.person);
SELECT * FROM ormar.register_schema('edge');
SELECT model, name, direction, kind, target, related_name, one_to_one, through, through_column
  FROM ormar.relations WHERE model::text LIKE 'edge.%' ORDER BY model::text, name;
INSERT INTO edge.person VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cid');
INSERT INTO edge.club VALUES (7);
INSERT INTO edge.passport VALUES (2, 'X-2');
INSERT INTO edge.log VALUES (10, 1), (11, 1);
SELECT ormar.add('edge.person', 1, 'friends', 2), ormar.add('edge.person', 3, 'friends', 2),
       ormar.add('edge.club', 7, 'persons', 1, '{"since": "2024-01-01"}');
SELECT * FROM ormar.related('edge.person', 2, 'persons');
SELECT * FROM ormar.related('edge.person', 1, 'clubs');
SELECT * FROM ormar.fetch_many('edge.person', ARRAY[1, 2], '{passports, friends, logs}');
SELECT * FROM ormar.register_schema('edge') WHERE action NOT LIKE 'already%';
SET client_min_messages = warning;
DROP SCHEMA edge CASCADE;
RESET client_min_messages;

-------------------------------------------------------------------------------
-- 4c. What the catalog already holds is kept: a relation declared by hand on
--     a column stays under its own name (its sibling to the same target gets
--     a _by_ reverse name), and a pending relation to a table the call
--     registers is built, adopting the constraint that is there.
-------------------------------------------------------------------------------
CREATE SCHEMA shop;
CREATE TABLE shop.vendor (vendor_id integer PRIMARY KEY, name text);
CREATE TABLE shop.item (item_id integer PRIMARY KEY, vendor_id integer REFERENCES shop.vendor,
    backup_vendor_id integer REFERENCES shop.vendor, maker integer);
CREATE TABLE shop.maker (maker_id integer PRIMARY KEY);
ALTER TABLE shop.item ADD FOREIGN KEY (maker) REFERENCES shop.maker;
SELECT ormar.register_model('shop.vendor'), ormar.register_model('shop.item');
SELECT ormar.foreign_key('shop.item', 'supplier', 'vendor', column_name => 'vendor_id',
                         related_name => 'supplied_items');
SELECT ormar.foreign_key('shop.item', 'maker', 'shop.maker', related_name => 'made_items');
-- a junction declared by hand the other way round (on the target of its second key column)
CREATE TABLE shop.tag (tag_id integer PRIMARY KEY);
CREATE TABLE shop.item_tag (item_id integer REFERENCES shop.item, tag_id integer REFERENCES shop.tag,
    PRIMARY KEY (item_id, tag_id));
SELECT ormar.register_model('shop.tag');
SELECT ormar.many_to_many('shop.tag', 'labelled', 'shop.item', through => 'shop.item_tag',
    through_relation_name => 'tag_id', through_reverse_relation_name => 'item_id');
SELECT * FROM ormar.register_schema('shop');
SELECT model, name, direction, target, related_name, column_name, status
  FROM ormar.relations WHERE model::text LIKE 'shop.%' ORDER BY model::text, name;
SELECT count(*) AS item_foreign_keys FROM pg_constraint
 WHERE conrelid = 'shop.item'::regclass AND contype = 'f';
SET client_min_messages = warning;
DROP SCHEMA shop CASCADE;
RESET client_min_messages;

-------------------------------------------------------------------------------
-- 5. pg_dump / pg_restore of the adopted database restores it, working.
-------------------------------------------------------------------------------
\set orig_db :DBNAME
\setenv ORMAR_DUMP_DB :DBNAME
\copy (SELECT * FROM public.schema_defs()) TO '/tmp/ormar_pg_adopt_defs.tsv'
\copy (SELECT model::text, name, direction, kind, target::text, related_name, column_name, through::text, status, accessor::text, lookup_view::text FROM ormar.relations) TO '/tmp/ormar_pg_adopt_relations.tsv'
\! pg_dump -Fc -f "/tmp/ormar_pg_adopt_$PGPORT.dump" "$ORMAR_DUMP_DB"
\! dropdb --if-exists ormar_pg_adopt_restored 2>/dev/null; createdb ormar_pg_adopt_restored && pg_restore -d ormar_pg_adopt_restored "/tmp/ormar_pg_adopt_$PGPORT.dump"
\c ormar_pg_adopt_restored
CREATE TEMP TABLE orig_defs (tbl text, kind text, name text, def text);
\copy orig_defs FROM '/tmp/ormar_pg_adopt_defs.tsv'
CREATE TEMP TABLE orig_relations (model text, name text, direction text, kind text, target text,
    related_name text, column_name name, through text, status text, accessor text, lookup_view text);
\copy orig_relations FROM '/tmp/ormar_pg_adopt_relations.tsv'
SELECT count(*) AS defs, (SELECT count(*) FROM orig_defs) AS orig_defs FROM public.schema_defs();
(SELECT * FROM public.schema_defs() EXCEPT SELECT * FROM orig_defs)
UNION ALL (SELECT * FROM orig_defs EXCEPT SELECT * FROM public.schema_defs());
SELECT count(*) AS relations, (SELECT count(*) FROM orig_relations) AS orig_relations FROM ormar.relations;
(SELECT model::text, name, direction, kind, target::text, related_name, column_name, through::text,
        status, accessor::text, lookup_view::text FROM ormar.relations
 EXCEPT SELECT * FROM orig_relations)
UNION ALL
(SELECT * FROM orig_relations
 EXCEPT SELECT model::text, name, direction, kind, target::text, related_name, column_name,
        through::text, status, accessor::text, lookup_view::text FROM ormar.relations);
SELECT name, adopted FROM ormar.relation WHERE model = 'rental.film'::regclass ORDER BY name;
SELECT ormar.fetch('rental.film', 1, '{actors, categorys, language, inventorys__rentals}')
       #> '{actors,0,through}' AS through, ormar.fetch('rental.film', 1, '{categorys}') -> 'categorys' AS categorys;
SELECT * FROM ormar.related('rental.staff', 1, 'staffs');
SELECT ormar.add('rental.film', 2, 'categorys', 5);
SELECT source_pk, name FROM rental.film__categorys ORDER BY 1, 2;
SELECT action, count(*) FROM ormar.register_schema('rental') GROUP BY action ORDER BY action;
\c :orig_db
DROP DATABASE ormar_pg_adopt_restored;
\! rm -f "/tmp/ormar_pg_adopt_$PGPORT.dump" /tmp/ormar_pg_adopt_defs.tsv /tmp/ormar_pg_adopt_relations.tsv

-------------------------------------------------------------------------------
-- 6. drop_relation and drop_model give the original schema back.
-------------------------------------------------------------------------------
SELECT ormar.drop_relation('rental.film', 'original_language');
SELECT ormar.drop_relation('rental.actor', 'films');
SELECT count(*) AS dropped FROM (SELECT ormar.drop_model(model, cascade => true) FROM ormar.models) d;
SELECT count(*) AS models, (SELECT count(*) FROM ormar.relation) AS relations FROM ormar.model;
-- constraint, index and trigger definitions identical to the original
(SELECT * FROM public.schema_defs() EXCEPT SELECT * FROM public.schema_before)
UNION ALL (SELECT * FROM public.schema_before EXCEPT SELECT * FROM public.schema_defs());
-- no accessor or view left: only the database's own functions and views
(SELECT * FROM public.schema_routines() EXCEPT SELECT * FROM public.routines_before)
UNION ALL (SELECT * FROM public.routines_before EXCEPT SELECT * FROM public.schema_routines());
SELECT * FROM public.routines_before;
-- the data is all there
SELECT (SELECT count(*) FROM rental.film_actor) AS film_actor, (SELECT count(*) FROM rental.payment) AS payments,
       (SELECT count(*) FROM rental.payment_log) AS payment_log;

SET client_min_messages = warning;
DROP SCHEMA geo, rental CASCADE;
DROP TABLE public.schema_before, public.routines_before, public.report, public.catalog_before,
    public.defs_after_first, public.routines_after_first;
DROP FUNCTION public.schema_defs(), public.schema_routines();
DROP EXTENSION ormar_pg CASCADE;
