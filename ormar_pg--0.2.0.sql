-- ormar_pg 0.2.0: ormar's relation model inside PostgreSQL.
-- Order: catalog tables, views, functions, event triggers.

\echo Use "CREATE EXTENSION ormar_pg" to load this file. \quit

-- The schema ormar must belong to a superuser.  CREATE EXTENSION creates it,
-- owned by the installing superuser, unless it exists already: then its owner
-- could drop or add functions in it (a better-matching overload of an API
-- function) and every caller of ormar.* would run that role's code.
DO $ormar_schema_owner$
DECLARE
    owner pg_catalog.name;
BEGIN
    SELECT r.rolname INTO owner
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.nspname OPERATOR(pg_catalog.=) 'ormar' AND NOT r.rolsuper;
    IF FOUND THEN
        RAISE EXCEPTION 'schema "ormar" is owned by role "%", which is not a superuser', owner
            USING ERRCODE = '42501',
                  DETAIL = 'Its owner could replace the functions of ormar_pg that every role calls.',
                  HINT = 'Drop the schema, or give it to a superuser with ALTER SCHEMA ormar OWNER TO, before installing ormar_pg.';
    END IF;
END
$ormar_schema_owner$;

-------------------------------------------------------------------------------
-- Catalog
--
-- Tables are referenced by regclass so that renames never make a row stale and
-- pg_dump writes them as names.  Column names are kept up to date by the
-- ddl_command_end event trigger.  Only the extension's functions write here.
-------------------------------------------------------------------------------

CREATE TABLE ormar.model (
    model       regclass PRIMARY KEY
);
COMMENT ON TABLE ormar.model IS 'ormar_pg catalog: tables registered as models';

CREATE TABLE ormar.relation (
    model                   regclass NOT NULL REFERENCES ormar.model,
    name                    text NOT NULL,
    kind                    text NOT NULL
                            CHECK (kind IN ('foreign_key', 'many_to_many')),
    target                  regclass REFERENCES ormar.model,      -- NULL while pending
    target_schema           name NOT NULL,
    target_name             name NOT NULL,
    related_name            text NOT NULL,
    skip_reverse            boolean NOT NULL DEFAULT false,
    nullable                boolean NOT NULL DEFAULT true,
    one_to_one              boolean NOT NULL DEFAULT false,
    ondelete                text,
    onupdate                text,
    column_name             name,          -- foreign key: referencing column of model
    constraint_name         name,          -- foreign key: generated constraint
    index_name              name,          -- foreign key: generated index
    through                 regclass,      -- many-to-many: through table
    through_schema          name,          -- many-to-many: through table to use or create
    through_name            name,
    through_column          name,          -- through column pointing at model
    through_reverse_column  name,          -- through column pointing at target
    through_fields          json,          -- extra columns of an auto-created through table
    through_created         boolean NOT NULL DEFAULT false,
    accessor                regprocedure,
    reverse_accessor        regprocedure,
    lookup_view             regclass,
    reverse_lookup_view     regclass,
    declared_by             regrole NOT NULL,  -- builds a pending relation, owns generated objects
    -- existing objects the relation took over instead of generating them (DESIGN §4);
    -- drop_relation leaves them in place unless drop_data
    adopted                 text[] NOT NULL DEFAULT '{}'
                            CHECK (adopted OPERATOR(pg_catalog.<@) ARRAY['constraint', 'index',
                                   'through_key', 'through_constraint',
                                   'through_reverse_constraint']::text[]),
    PRIMARY KEY (model, name),
    CHECK ((kind = 'foreign_key') = (column_name IS NOT NULL))
);
CREATE INDEX relation_target_idx ON ormar.relation (target);
COMMENT ON TABLE ormar.relation IS
    'ormar_pg catalog: one row per declared relation (its reverse side is derived)';

SELECT pg_catalog.pg_extension_config_dump('ormar.model', '');
SELECT pg_catalog.pg_extension_config_dump('ormar.relation', '');

GRANT USAGE ON SCHEMA ormar TO PUBLIC;
REVOKE ALL ON ormar.model, ormar.relation FROM PUBLIC;
GRANT SELECT ON ormar.model, ormar.relation TO PUBLIC;

-------------------------------------------------------------------------------
-- Introspection views (DESIGN §6)
-------------------------------------------------------------------------------

CREATE VIEW ormar.models AS
SELECT m.model,
       n.nspname AS schema,
       c.relname::text AS name,
       a.attname AS pk_column,
       a.atttypid::regtype AS pk_type
  FROM ormar.model m
  JOIN pg_catalog.pg_class c ON c.oid = m.model
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_index i
         ON i.indrelid = c.oid AND i.indisprimary AND i.indnkeyatts = 1
  LEFT JOIN pg_catalog.pg_attribute a
         ON a.attrelid = c.oid AND a.attnum = i.indkey[0];
COMMENT ON VIEW ormar.models IS 'ormar_pg: registered models and their primary keys';

CREATE VIEW ormar.relations AS
SELECT r.model,
       r.name,
       'forward'::text AS direction,
       r.kind,
       r.target,
       r.target_name::text AS target_name,
       CASE WHEN r.skip_reverse THEN NULL ELSE r.related_name END AS related_name,
       r.column_name,
       r.through,
       r.through_column,
       r.through_reverse_column,
       r.nullable,
       r.one_to_one,
       r.ondelete,
       r.onupdate,
       CASE WHEN r.target IS NULL THEN 'pending' ELSE 'resolved' END AS status,
       r.accessor,
       r.lookup_view
  FROM ormar.relation r
UNION ALL
SELECT r.target,
       r.related_name,
       'reverse',
       r.kind,
       r.model,
       c.relname::text,
       r.name,
       r.column_name,
       r.through,
       r.through_reverse_column,
       r.through_column,
       r.nullable,
       r.one_to_one,
       r.ondelete,
       r.onupdate,
       'resolved',
       r.reverse_accessor,
       r.reverse_lookup_view
  FROM ormar.relation r
  JOIN pg_catalog.pg_class c ON c.oid = r.model
 WHERE r.target IS NOT NULL AND NOT r.skip_reverse;
COMMENT ON VIEW ormar.relations IS
    'ormar_pg: one row per direction of every relation, pending ones included';

GRANT SELECT ON ormar.models, ormar.relations TO PUBLIC;

-------------------------------------------------------------------------------
-- Models (DESIGN §3)
-------------------------------------------------------------------------------

CREATE FUNCTION ormar.define_model(name text, fields json, schema name DEFAULT NULL)
RETURNS regclass
AS 'MODULE_PATHNAME', 'ormar_define_model' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.define_model(text, json, name) IS
    'create table NAME with one column per key of FIELDS (in order) and register it as a model';

CREATE FUNCTION ormar.define_models(models json)
RETURNS SETOF regclass
AS 'MODULE_PATHNAME', 'ormar_define_models' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.define_models(json) IS
    'define every model of {"name": {fields}, ...} in one call, in whatever order the references need';

CREATE FUNCTION ormar.register_model(tbl regclass)
RETURNS regclass
AS 'MODULE_PATHNAME', 'ormar_register_model' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.register_model(regclass) IS
    'adopt an existing table with a single-column primary key as a model';

CREATE FUNCTION ormar.register_schema(schema name DEFAULT NULL)
RETURNS TABLE(model regclass, relation text, kind text, target regclass, action text)
AS 'MODULE_PATHNAME', 'ormar_register_schema' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.register_schema(name) IS
    'take over an existing schema (default: current_schema()): tables become models, foreign keys and junction tables relations that adopt their constraints and indexes; one report row per model and relation';

CREATE FUNCTION ormar.drop_model(model regclass, "cascade" boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_drop_model' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.drop_model(regclass, boolean) IS
    'unregister a model and drop its generated objects; the table and its data stay';

CREATE FUNCTION ormar.describe(model regclass)
RETURNS json
AS 'MODULE_PATHNAME', 'ormar_describe_json' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.describe(regclass) IS
    'the model''s fields and relations in the form define_model takes, in column order (non-default options only)';

-------------------------------------------------------------------------------
-- Relations (DESIGN §4)
-------------------------------------------------------------------------------

CREATE FUNCTION ormar.foreign_key(model regclass, name text, target text DEFAULT NULL,
    related_name text DEFAULT NULL, nullable boolean DEFAULT true,
    one_to_one boolean DEFAULT false, ondelete text DEFAULT NULL,
    onupdate text DEFAULT NULL, column_name text DEFAULT NULL,
    skip_reverse boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_foreign_key' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.foreign_key(regclass, text, text, text, boolean, boolean, text, text, text, boolean) IS
    'declare a many-to-one relation MODEL.NAME -> TARGET (default NAME) with its reverse side';

CREATE FUNCTION ormar.many_to_many(model regclass, name text, target text,
    through text DEFAULT NULL, related_name text DEFAULT NULL,
    through_relation_name text DEFAULT NULL,
    through_reverse_relation_name text DEFAULT NULL,
    through_fields json DEFAULT NULL, skip_reverse boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_many_to_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.many_to_many(regclass, text, text, text, text, text, text, json, boolean) IS
    'declare a many-to-many relation MODEL.NAME <-> TARGET through a through table';

CREATE FUNCTION ormar.drop_relation(model regclass, name text, drop_data boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_drop_relation' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.drop_relation(regclass, text, boolean) IS
    'drop a relation''s constraint, index, accessors, views and catalog rows; data stays unless DROP_DATA';

CREATE FUNCTION ormar.update_forward_refs(model regclass)
RETURNS integer
AS 'MODULE_PATHNAME', 'ormar_update_forward_refs' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.update_forward_refs(regclass) IS
    'build the pending relations of MODEL whose targets now exist; fail if any is still pending';

-------------------------------------------------------------------------------
-- Relation proxies (DESIGN §5)
-------------------------------------------------------------------------------

CREATE FUNCTION ormar.related(model regclass, pk "any", relation text,
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_related' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.related(regclass, "any", text, jsonb) IS
    'rows on the other side of RELATION of row PK, ordered by primary key (or OPTIONS: filter, exclude, order_by, limit, offset, fields, exclude_fields, count), as jsonb';

CREATE FUNCTION ormar.add(model regclass, pk "any", relation text, target_pk "any",
    through jsonb DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_add' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.add(regclass, "any", text, "any", jsonb) IS
    'relate TARGET_PK to row PK through RELATION; false when they were already related';

CREATE FUNCTION ormar.remove(model regclass, pk "any", relation text, target_pk "any",
    keep_reversed boolean DEFAULT true)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_remove' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.remove(regclass, "any", text, "any", boolean) IS
    'unrelate TARGET_PK from row PK (delete it when not KEEP_REVERSED); false when they were not related';

CREATE FUNCTION ormar.clear(model regclass, pk "any", relation text,
    keep_reversed boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'ormar_clear' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.clear(regclass, "any", text, boolean) IS
    'unrelate every row related to row PK through RELATION; returns how many were affected';

CREATE FUNCTION ormar.create_related(model regclass, pk "any", relation text, data jsonb,
    through jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ormar_create_related' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.create_related(regclass, "any", text, jsonb, jsonb) IS
    'insert a row of the related model from DATA, already related to row PK; returns it';

CREATE FUNCTION ormar.update_through(model regclass, pk "any", relation text, target_pk "any",
    data jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_update_through' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.update_through(regclass, "any", text, "any", jsonb) IS
    'change the extra through columns of the link between row PK and TARGET_PK';

-------------------------------------------------------------------------------
-- Event triggers: keep generated objects and the catalog true after user DDL
-------------------------------------------------------------------------------

CREATE FUNCTION ormar._on_ddl_start() RETURNS event_trigger
AS 'MODULE_PATHNAME', 'ormar_on_ddl_start' LANGUAGE C;
CREATE FUNCTION ormar._on_ddl_end() RETURNS event_trigger
AS 'MODULE_PATHNAME', 'ormar_on_ddl_end' LANGUAGE C;
CREATE FUNCTION ormar._on_sql_drop() RETURNS event_trigger
AS 'MODULE_PATHNAME', 'ormar_on_sql_drop' LANGUAGE C;

CREATE EVENT TRIGGER ormar_ddl_start ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION ormar._on_ddl_start();
CREATE EVENT TRIGGER ormar_ddl_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA')
    EXECUTE FUNCTION ormar._on_ddl_end();
CREATE EVENT TRIGGER ormar_sql_drop ON sql_drop
    EXECUTE FUNCTION ormar._on_sql_drop();

CREATE FUNCTION ormar.traverse(model regclass, pk "any", relation text,
    max_depth integer DEFAULT NULL)
RETURNS TABLE(depth integer, node jsonb)
AS 'MODULE_PATHNAME', 'ormar_traverse' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.traverse(regclass, "any", text, integer) IS
    'rows reached from row PK along self-referencing RELATION, breadth first, each once, with their depth';

CREATE FUNCTION ormar.fetch(model regclass, pk "any", include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch(regclass, "any", text[], jsonb) IS
    'row PK as jsonb with each INCLUDE path (a__b nests) embedded under its relation name, refined by OPTIONS per path, in one statement';

CREATE FUNCTION ormar.fetch_many(model regclass, pks anyarray, include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch_many' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch_many(regclass, anyarray, text[], jsonb) IS
    'fetch for every key of PKS that exists, in the order given, in one statement';

CREATE FUNCTION ormar._statements() RETURNS bigint
AS 'MODULE_PATHNAME', 'ormar_statements' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar._statements() IS
    'internal: statements ormar_pg has run in this session (tests use it to count statements per call)';

-------------------------------------------------------------------------------
-- Diagram (issue 10 item 4)
-------------------------------------------------------------------------------

CREATE FUNCTION ormar.diagram(format text DEFAULT 'mermaid', schema name DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'ormar_diagram' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.diagram(text, name) IS
    'every model (of SCHEMA, default all) with its columns and relations, as a Mermaid erDiagram or Graphviz dot text';

-------------------------------------------------------------------------------
-- Comments on every object of the extension (\dx+ ormar_pg, \d+, \df+ read
-- them).  Every member of the extension and every column of its tables and
-- views has one; test/suites/packaging.sh checks it.
-------------------------------------------------------------------------------

COMMENT ON SCHEMA ormar IS
    'ormar_pg: catalog, introspection views and functions of the ormar relation model';

COMMENT ON COLUMN ormar.model.model IS 'the table registered as a model';
COMMENT ON INDEX ormar.relation_target_idx IS
    'ormar_pg: finds the relations that target a model';
COMMENT ON COLUMN ormar.relation.model IS 'model the relation is declared on (its forward side)';
COMMENT ON COLUMN ormar.relation.name IS 'relation name on the model (kept whole, not an identifier)';
COMMENT ON COLUMN ormar.relation.kind IS 'foreign_key or many_to_many';
COMMENT ON COLUMN ormar.relation.target IS 'target model; NULL while the relation is pending';
COMMENT ON COLUMN ormar.relation.target_schema IS 'schema of the target as declared (resolves a pending relation)';
COMMENT ON COLUMN ormar.relation.target_name IS 'table name of the target as declared (resolves a pending relation)';
COMMENT ON COLUMN ormar.relation.related_name IS 'name of the reverse relation on the target';
COMMENT ON COLUMN ormar.relation.skip_reverse IS 'true when the target has no reverse relation';
COMMENT ON COLUMN ormar.relation.nullable IS 'foreign key: whether the referencing column may be NULL';
COMMENT ON COLUMN ormar.relation.one_to_one IS 'foreign key: unique referencing column, to-one reverse side';
COMMENT ON COLUMN ormar.relation.ondelete IS 'foreign key: ON DELETE action, NULL for the default';
COMMENT ON COLUMN ormar.relation.onupdate IS 'foreign key: ON UPDATE action, NULL for the default';
COMMENT ON COLUMN ormar.relation.column_name IS 'foreign key: referencing column of the model';
COMMENT ON COLUMN ormar.relation.constraint_name IS 'foreign key: the foreign-key constraint (generated or adopted)';
COMMENT ON COLUMN ormar.relation.index_name IS 'foreign key: the index on the referencing column (generated or adopted)';
COMMENT ON COLUMN ormar.relation.through IS 'many-to-many: the through table';
COMMENT ON COLUMN ormar.relation.through_schema IS 'many-to-many: schema of the through table to use or create';
COMMENT ON COLUMN ormar.relation.through_name IS 'many-to-many: name of the through table to use or create';
COMMENT ON COLUMN ormar.relation.through_column IS 'many-to-many: through column pointing at the model';
COMMENT ON COLUMN ormar.relation.through_reverse_column IS 'many-to-many: through column pointing at the target';
COMMENT ON COLUMN ormar.relation.through_fields IS 'many-to-many: extra columns of an auto-created through table (define_model form)';
COMMENT ON COLUMN ormar.relation.through_created IS 'many-to-many: true when ormar_pg created the through table';
COMMENT ON COLUMN ormar.relation.accessor IS 'generated forward accessor function';
COMMENT ON COLUMN ormar.relation.reverse_accessor IS 'generated reverse accessor function';
COMMENT ON COLUMN ormar.relation.lookup_view IS 'generated forward lookup view (many-to-many only)';
COMMENT ON COLUMN ormar.relation.reverse_lookup_view IS 'generated reverse lookup view';
COMMENT ON COLUMN ormar.relation.declared_by IS 'role that declared the relation: builds it when pending, owns its generated objects';
COMMENT ON COLUMN ormar.relation.adopted IS 'existing objects the relation took over instead of generating them (constraint, index, through_key, through_constraint, through_reverse_constraint); drop_relation leaves them unless drop_data';

COMMENT ON COLUMN ormar.models.model IS 'the model''s table';
COMMENT ON COLUMN ormar.models.schema IS 'schema of the table';
COMMENT ON COLUMN ormar.models.name IS 'model name (the table name)';
COMMENT ON COLUMN ormar.models.pk_column IS 'single-column primary key';
COMMENT ON COLUMN ormar.models.pk_type IS 'type of the primary key';

COMMENT ON COLUMN ormar.relations.model IS 'model this direction starts from';
COMMENT ON COLUMN ormar.relations.name IS 'relation name on that model';
COMMENT ON COLUMN ormar.relations.direction IS 'forward (declared) or reverse (registered on the target)';
COMMENT ON COLUMN ormar.relations.kind IS 'foreign_key or many_to_many';
COMMENT ON COLUMN ormar.relations.target IS 'model on the other side; NULL while pending';
COMMENT ON COLUMN ormar.relations.target_name IS 'table name of the other side';
COMMENT ON COLUMN ormar.relations.related_name IS 'name of the other direction';
COMMENT ON COLUMN ormar.relations.column_name IS 'foreign key: the referencing column';
COMMENT ON COLUMN ormar.relations.through IS 'many-to-many: the through table';
COMMENT ON COLUMN ormar.relations.through_column IS 'many-to-many: through column pointing at model';
COMMENT ON COLUMN ormar.relations.through_reverse_column IS 'many-to-many: through column pointing at target';
COMMENT ON COLUMN ormar.relations.nullable IS 'foreign key: whether the referencing column may be NULL';
COMMENT ON COLUMN ormar.relations.one_to_one IS 'foreign key: one-to-one';
COMMENT ON COLUMN ormar.relations.ondelete IS 'foreign key: ON DELETE action';
COMMENT ON COLUMN ormar.relations.onupdate IS 'foreign key: ON UPDATE action';
COMMENT ON COLUMN ormar.relations.status IS 'resolved, or pending while the target does not exist';
COMMENT ON COLUMN ormar.relations.accessor IS 'accessor function of this direction';
COMMENT ON COLUMN ormar.relations.lookup_view IS 'lookup view of this direction (none for a to-one side)';

COMMENT ON FUNCTION ormar._on_ddl_start() IS
    'internal: event trigger ormar_ddl_start; drops the lookup views over a table before a column is dropped or retyped';
COMMENT ON FUNCTION ormar._on_ddl_end() IS
    'internal: event trigger ormar_ddl_end; updates the catalog and regenerates accessors and views after ALTER TABLE / ALTER SCHEMA';
COMMENT ON FUNCTION ormar._on_sql_drop() IS
    'internal: event trigger ormar_sql_drop; forgets relations whose tables or key columns were dropped';
COMMENT ON EVENT TRIGGER ormar_ddl_start IS
    'ormar_pg: before ALTER TABLE, lets columns under generated views be dropped or retyped';
COMMENT ON EVENT TRIGGER ormar_ddl_end IS
    'ormar_pg: after ALTER TABLE / ALTER SCHEMA, keeps the catalog and generated objects true';
COMMENT ON EVENT TRIGGER ormar_sql_drop IS
    'ormar_pg: after DROP, forgets relations of dropped tables and key columns';

-- Distributed PostgreSQL (Citus, DESIGN §9) ------------------------------

CREATE FUNCTION ormar.distribute(model regclass, distribution_column name DEFAULT NULL,
    colocate_with regclass DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_distribute' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.distribute(regclass, name, regclass) IS
    'with Citus: make a model a reference table (no column) or a table distributed by distribution_column, with its auto-created through tables';

-------------------------------------------------------------------------------
-- Bound parameters (DESIGN §5): text overloads of the key arguments.
--
-- PostgreSQL cannot give an untyped bound parameter a type from an "any"
-- argument (42P18 "could not determine data type of parameter"), and
-- node-postgres sends every parameter untyped, psycopg 3 a Python str.  For an
-- untyped argument, function resolution prefers a candidate of the string
-- category, so each function with "any" keys also exists with text in place of
-- every combination of them: same C function, same argument names and
-- defaults.  The C side reads a text key with the key type's input function
-- (42804 when it does not convert); fetch_many's text is an array literal.
-- Keep this block in step with the "any" signatures above: a new argument
-- there (e.g. options jsonb) goes into every overload here too
-- (sql/bound_params.sql checks that the overloads mirror each other).
-------------------------------------------------------------------------------

CREATE FUNCTION ormar.related(model regclass, pk text, relation text,
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_related' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.related(regclass, text, text, jsonb) IS
    'related(regclass, "any", text, jsonb) for a key sent as text or as an untyped parameter';

CREATE FUNCTION ormar.add(model regclass, pk text, relation text, target_pk "any",
    through jsonb DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_add' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.add(regclass, text, text, "any", jsonb) IS
    'add(regclass, "any", text, "any", jsonb) for PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.add(model regclass, pk "any", relation text, target_pk text,
    through jsonb DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_add' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.add(regclass, "any", text, text, jsonb) IS
    'add(regclass, "any", text, "any", jsonb) for TARGET_PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.add(model regclass, pk text, relation text, target_pk text,
    through jsonb DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_add' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.add(regclass, text, text, text, jsonb) IS
    'add(regclass, "any", text, "any", jsonb) for both keys sent as text or as untyped parameters';

CREATE FUNCTION ormar.remove(model regclass, pk text, relation text, target_pk "any",
    keep_reversed boolean DEFAULT true)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_remove' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.remove(regclass, text, text, "any", boolean) IS
    'remove(regclass, "any", text, "any", boolean) for PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.remove(model regclass, pk "any", relation text, target_pk text,
    keep_reversed boolean DEFAULT true)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_remove' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.remove(regclass, "any", text, text, boolean) IS
    'remove(regclass, "any", text, "any", boolean) for TARGET_PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.remove(model regclass, pk text, relation text, target_pk text,
    keep_reversed boolean DEFAULT true)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_remove' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.remove(regclass, text, text, text, boolean) IS
    'remove(regclass, "any", text, "any", boolean) for both keys sent as text or as untyped parameters';

CREATE FUNCTION ormar.clear(model regclass, pk text, relation text,
    keep_reversed boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'ormar_clear' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.clear(regclass, text, text, boolean) IS
    'clear(regclass, "any", text, boolean) for a key sent as text or as an untyped parameter';

CREATE FUNCTION ormar.create_related(model regclass, pk text, relation text, data jsonb,
    through jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ormar_create_related' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.create_related(regclass, text, text, jsonb, jsonb) IS
    'create_related(regclass, "any", text, jsonb, jsonb) for a key sent as text or as an untyped parameter';

CREATE FUNCTION ormar.update_through(model regclass, pk text, relation text, target_pk "any",
    data jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_update_through' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.update_through(regclass, text, text, "any", jsonb) IS
    'update_through(regclass, "any", text, "any", jsonb) for PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.update_through(model regclass, pk "any", relation text, target_pk text,
    data jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_update_through' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.update_through(regclass, "any", text, text, jsonb) IS
    'update_through(regclass, "any", text, "any", jsonb) for TARGET_PK sent as text or as an untyped parameter';
CREATE FUNCTION ormar.update_through(model regclass, pk text, relation text, target_pk text,
    data jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'ormar_update_through' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.update_through(regclass, text, text, text, jsonb) IS
    'update_through(regclass, "any", text, "any", jsonb) for both keys sent as text or as untyped parameters';

CREATE FUNCTION ormar.traverse(model regclass, pk text, relation text,
    max_depth integer DEFAULT NULL)
RETURNS TABLE(depth integer, node jsonb)
AS 'MODULE_PATHNAME', 'ormar_traverse' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.traverse(regclass, text, text, integer) IS
    'traverse(regclass, "any", text, integer) for a key sent as text or as an untyped parameter';

CREATE FUNCTION ormar.fetch(model regclass, pk text, include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch(regclass, text, text[], jsonb) IS
    'fetch(regclass, "any", text[], jsonb) for a key sent as text or as an untyped parameter';

CREATE FUNCTION ormar.fetch_many(model regclass, pks text, include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch_many' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch_many(regclass, text, text[], jsonb) IS
    'fetch_many(regclass, anyarray, text[], jsonb) for keys sent as an array literal in text or as an untyped parameter (''{1,2}'')';
