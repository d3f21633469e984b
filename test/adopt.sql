-- pgTAP: adoption and ormar.register_schema (DESIGN §3, §4) on the film-rental
-- example: signatures, the catalog column, the structure after taking the
-- schema over (foreign keys and indexes adopted, the missing indexes
-- generated, accessors and views), the 42710 of a differing action, errors
-- with their SQLSTATEs, and the structure after dropping the models again.
-- Runs in its own fresh database.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

SET client_min_messages = warning;
\i examples/film_rental.sql
RESET client_min_messages;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION ormar_pg;

SELECT plan(33);

-- the SQL surface
SELECT has_function('ormar', 'register_schema', ARRAY['name'], 'ormar.register_schema(name)');
SELECT function_returns('ormar', 'register_schema', ARRAY['name'], 'setof record',
                        'register_schema returns a set of rows');
SELECT is((SELECT pg_get_function_result('ormar.register_schema(name)'::regprocedure)),
          'TABLE(model regclass, relation text, kind text, target regclass, action text)',
          'register_schema returns TABLE(model, relation, kind, target, action)');
SELECT is((SELECT pg_get_function_arguments('ormar.register_schema(name)'::regprocedure)),
          'schema name DEFAULT NULL::name', 'register_schema(schema name DEFAULT NULL)');
SELECT has_column('ormar', 'relation', 'adopted', 'catalog column ormar.relation.adopted');
SELECT col_type_is('ormar', 'relation', 'adopted', 'text[]', 'adopted is text[]');
SELECT col_not_null('ormar', 'relation', 'adopted', 'adopted is NOT NULL');
SELECT col_default_is('ormar', 'relation', 'adopted', '{}', 'adopted defaults to {}');

CREATE TEMP TABLE fk_before AS
SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
 WHERE connamespace IN ('geo'::regnamespace, 'rental'::regnamespace);
CREATE TEMP TABLE idx_before AS
SELECT indexrelid::regclass::text AS idx, pg_get_indexdef(indexrelid) AS def FROM pg_index
 WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace));
CREATE TEMP TABLE report AS
SELECT * FROM ormar.register_schema('geo') UNION ALL SELECT * FROM ormar.register_schema('rental');

-- what became of the tables
SELECT is((SELECT count(*) FROM ormar.models), 14::bigint, '14 of the 18 tables are models');
SELECT set_eq($$SELECT model::text FROM report WHERE action LIKE 'skipped%' AND kind = 'model'$$,
              ARRAY['rental.film_actor', 'rental.film_category', 'rental.film_text_segment',
                    'rental.payment_log'],
              'junctions, the composite key and the table without a key are not models');
SELECT is((SELECT count(*) FROM ormar.relation), 22::bigint, '20 foreign keys and 2 junctions became relations');
SELECT is((SELECT count(*) FROM ormar.relation WHERE 'constraint' = ANY (adopted)), 20::bigint,
          'every foreign-key relation adopted its constraint');
SELECT set_eq($$SELECT tbl, conname, def FROM fk_before$$,
              $$SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE connamespace IN ('geo'::regnamespace, 'rental'::regnamespace)$$,
              'not one constraint added or changed');
SELECT fk_ok('rental', 'film', 'language_id', 'rental', 'language', 'language_id',
             'film.language_id still references language');
SELECT has_index('rental', 'film', 'idx_fk_language_id', 'language_id', 'film keeps its own index');
SELECT is((SELECT count(*) FROM pg_index WHERE indrelid = 'rental.film'::regclass
             AND indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'rental.film'::regclass
                                AND attname = 'language_id')), 1::bigint,
          'and no second index on film.language_id');
SELECT has_index('rental', 'film', 'film_original_language_id_idx', 'original_language_id',
                 'the missing index on film.original_language_id is generated');
SELECT has_index('rental', 'film_category', 'film_category_category_id_film_id_idx',
                 ARRAY['category_id', 'film_id'], 'the junction gets its reversed-pair index');
SELECT is((SELECT count(*) FROM pg_index WHERE indrelid IN
             (SELECT oid FROM pg_class WHERE relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace)))
          - (SELECT count(*) FROM idx_before), 15::bigint, '15 indexes generated, one per report row saying so');
SELECT is((SELECT count(*) FROM report WHERE action LIKE 'adopted, index % created'), 15::bigint,
          '15 report rows say an index was created');
SELECT has_function('rental', 'films_by_original_language', ARRAY['rental.language'],
                    'reverse accessor films_by_original_language(language)');
SELECT function_returns('rental', 'manager_staff', ARRAY['rental.store'], 'rental.staff',
                        'one-to-one accessor manager_staff(store) returns a staff row');
SELECT has_view('rental', 'language__films_by_language', 'lookup view language__films_by_language');
SELECT has_view('geo', 'address__customers', 'a lookup view in the target''s schema');

-- an explicit action that differs from the adopted constraint's
SELECT lives_ok($$SELECT ormar.drop_relation('rental.payment', 'rental')$$, 'drop_relation payment.rental');
SELECT throws_ok($$SELECT ormar.foreign_key('rental.payment', 'rental', 'rental', column_name => 'rental_id',
                                            related_name => 'payments', ondelete => 'cascade')$$,
                 '42710', NULL, 'ondelete CASCADE over an ON DELETE SET NULL constraint: 42710');
SELECT lives_ok($$SELECT ormar.foreign_key('rental.payment', 'rental', 'rental', column_name => 'rental_id',
                                           related_name => 'payments', ondelete => 'set null')$$,
                'the same action adopts it again');

-- idempotent, and the errors
SELECT is((SELECT count(*) FROM ormar.register_schema('rental')
            WHERE action NOT LIKE 'already%' AND action NOT LIKE 'skipped%'), 0::bigint,
          'a second call changes nothing');
SELECT throws_ok($$SELECT * FROM ormar.register_schema('ormar')$$, '22023', NULL,
                 'the extension''s own schema cannot be taken over: 22023');
SELECT throws_ok($$SELECT * FROM ormar.register_schema('no_such_schema')$$, '3F000', NULL,
                 'an unknown schema: 3F000');

-- dropping the models gives the original schema back
SELECT lives_ok($$SELECT count(*) FROM (SELECT ormar.drop_model(model, cascade => true) FROM ormar.models) d$$,
                'drop_model of every model');
SELECT set_eq($$SELECT idx, def FROM idx_before$$,
              $$SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                 WHERE indrelid IN (SELECT oid FROM pg_class
                                     WHERE relnamespace IN ('geo'::regnamespace, 'rental'::regnamespace))$$,
              'exactly the original indexes');
SELECT hasnt_index('rental', 'film', 'film_original_language_id_idx', 'the generated index is gone');

SELECT * FROM finish();
ROLLBACK;
