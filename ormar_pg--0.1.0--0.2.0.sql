-- ormar_pg 0.1.0 -> 0.2.0.  Every change to the SQL surface made in
-- ormar_pg--0.2.0.sql is repeated here, in the same order; the upgrade test
-- (sql/upgrade.sql) compares an updated 0.1.0 installation with a fresh 0.2.0 one.

\echo Use "ALTER EXTENSION ormar_pg UPDATE TO '0.2.0'" to load this file. \quit

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
                  HINT = 'Drop the schema, or give it to a superuser with ALTER SCHEMA ormar OWNER TO, before updating ormar_pg.';
    END IF;
END
$ormar_schema_owner$;

-- The role that declared a relation: a pending relation is built as that role,
-- and regenerated objects keep it as their owner.  Existing relations take the
-- owner of their accessor, or else of their model.
-- (adopted, see below, is added by the same statement: the event triggers of the
-- running library read every catalog column after each ALTER TABLE of it)
ALTER TABLE ormar.relation ADD COLUMN declared_by regrole,
    ADD COLUMN adopted text[] NOT NULL DEFAULT '{}'
    CHECK (adopted OPERATOR(pg_catalog.<@) ARRAY['constraint', 'index',
           'through_key', 'through_constraint',
           'through_reverse_constraint']::text[]);
UPDATE ormar.relation r SET declared_by = COALESCE(
    (SELECT p.proowner FROM pg_catalog.pg_proc p WHERE p.oid = r.accessor::pg_catalog.oid),
    (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = r.model::pg_catalog.oid));
ALTER TABLE ormar.relation ALTER COLUMN declared_by SET NOT NULL;

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

-------------------------------------------------------------------------------
-- describe returns json, its fields in column order (DESIGN §6), so that
-- define_model of it gives the columns in the same order.  Nothing in the
-- extension depends on it (an object of the user's that does stops the update
-- with an error naming it, as it should).
-------------------------------------------------------------------------------
DROP FUNCTION ormar.describe(regclass);
CREATE FUNCTION ormar.describe(model regclass)
RETURNS json
AS 'MODULE_PATHNAME', 'ormar_describe_json' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.describe(regclass) IS
    'the model''s fields and relations in the form define_model takes, in column order (non-default options only)';

-- Distributed PostgreSQL (Citus, DESIGN §9) ------------------------------

CREATE FUNCTION ormar.distribute(model regclass, distribution_column name DEFAULT NULL,
    colocate_with regclass DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'ormar_distribute' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.distribute(regclass, name, regclass) IS
    'with Citus: make a model a reference table (no column) or a table distributed by distribution_column, with its auto-created through tables';

-- Adoption (DESIGN §4): which existing constraints and indexes a relation took
-- over instead of generating them (column added above, next to declared_by).
-- Relations of 0.1.0 generated everything.
COMMENT ON COLUMN ormar.relation.adopted IS 'existing objects the relation took over instead of generating them (constraint, index, through_key, through_constraint, through_reverse_constraint); drop_relation leaves them unless drop_data';

CREATE FUNCTION ormar.register_schema(schema name DEFAULT NULL)
RETURNS TABLE(model regclass, relation text, kind text, target regclass, action text)
AS 'MODULE_PATHNAME', 'ormar_register_schema' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ormar.register_schema(name) IS
    'take over an existing schema (default: current_schema()): tables become models, foreign keys and junction tables relations that adopt their constraints and indexes; one report row per model and relation';

-------------------------------------------------------------------------------
-- Options of related rows (issue 12): related, fetch and fetch_many take
-- OPTIONS jsonb DEFAULT NULL.  A new argument changes the signature, so the
-- 0.1.0 functions are dropped and created again (calls written for 0.1.0
-- still work: the argument has a default).
-------------------------------------------------------------------------------

DROP FUNCTION ormar.related(regclass, "any", text);
CREATE FUNCTION ormar.related(model regclass, pk "any", relation text,
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_related' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.related(regclass, "any", text, jsonb) IS
    'rows on the other side of RELATION of row PK, ordered by primary key (or OPTIONS: filter, exclude, order_by, limit, offset, fields, exclude_fields, count), as jsonb';

DROP FUNCTION ormar.fetch(regclass, "any", text[]);
CREATE FUNCTION ormar.fetch(model regclass, pk "any", include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch(regclass, "any", text[], jsonb) IS
    'row PK as jsonb with each INCLUDE path (a__b nests) embedded under its relation name, refined by OPTIONS per path, in one statement';

DROP FUNCTION ormar.fetch_many(regclass, anyarray, text[]);
CREATE FUNCTION ormar.fetch_many(model regclass, pks anyarray, include text[] DEFAULT '{}',
    options jsonb DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'ormar_fetch_many' LANGUAGE C STABLE;
COMMENT ON FUNCTION ormar.fetch_many(regclass, anyarray, text[], jsonb) IS
    'fetch for every key of PKS that exists, in the order given, in one statement';

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
