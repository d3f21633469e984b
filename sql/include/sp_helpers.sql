\set sp_helpers_echo :ECHO
\set ECHO none
-- Catalog helpers of the pg_regress files about self-references, pending
-- relations, define_models, traverse and drop_model (sql/self_reference.sql,
-- pending.sql, define_models.sql, traverse.sql, drop_model.sql).  Each of them
-- creates schema sp, sets search_path = sp, public and then runs
--
--     \i sql/include/sp_helpers.sql
--
-- which creates these functions in schema sp (gone with DROP SCHEMA sp CASCADE
-- at the end of the file).  Echo is off while they are created, as in
-- sql/include/try_sql.sql.
-- Columns of a table in order, with their types and NOT NULL.
CREATE FUNCTION sp_cols(tbl regclass) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                      ', ' ORDER BY a.attnum)
      FROM pg_attribute a
     WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
$$;

-- Constraints of a table (name: definition), by name.
CREATE FUNCTION sp_cons(tbl regclass) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT c.conname || ': ' || pg_get_constraintdef(c.oid)
      FROM pg_constraint c WHERE c.conrelid = tbl ORDER BY c.conname
$$;

-- Indexes of a table (definitions), by name.
CREATE FUNCTION sp_idx(tbl regclass) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = tbl ORDER BY c.relname
$$;

-- Generated functions and views in schema sp whose name is one of NAMES.
CREATE FUNCTION sp_generated(VARIADIC names text[]) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT format('function %s returns %s', p.oid::regprocedure, pg_get_function_result(p.oid))
      FROM pg_proc p
     WHERE p.pronamespace = 'sp'::regnamespace AND p.proname = ANY (names)
    UNION ALL
    SELECT format('view %s (%s)', c.relname,
                  (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum)
                     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0))
      FROM pg_class c
     WHERE c.relnamespace = 'sp'::regnamespace AND c.relkind = 'v' AND c.relname = ANY (names)
    ORDER BY 1
$$;

-- The ormar.relations rows of models whose name is one of NAMES.
CREATE FUNCTION sp_rels(VARIADIC names text[])
RETURNS TABLE (model regclass, name text, direction text, kind text, target regclass,
               target_name text, related_name text, column_name name, through regclass,
               through_column name, through_reverse_column name, status text,
               accessor regprocedure, lookup_view regclass)
LANGUAGE sql STABLE AS $$
    SELECT r.model, r.name, r.direction, r.kind, r.target, r.target_name, r.related_name,
           r.column_name, r.through, r.through_column, r.through_reverse_column, r.status,
           r.accessor, r.lookup_view
      FROM ormar.relations r
     WHERE (SELECT c.relname FROM pg_class c WHERE c.oid = r.model) = ANY (names)
     ORDER BY r.model::text, r.name
$$;
\set ECHO :sp_helpers_echo
