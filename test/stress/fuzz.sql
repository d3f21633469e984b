-- The random-call fuzzer of test/stress/fuzz.sh (issue 8 item 8), loaded into
-- a throwaway database where ormar_pg is installed.
--
-- fuzz.run(seed, batch, calls) makes CALLS random calls, each in its own
-- subtransaction: a random function among every function of schema ormar
-- (read from pg_proc, so functions added later are fuzzed too) with random
-- arguments generated from each parameter's type and name: existing and
-- hostile model, relation and schema names (quotes, semicolons, $$, unicode,
-- 63- and 64-byte names, empty), keys of every type, NULLs, huge arrays,
-- random include paths, random json (field specs, models, options, data),
-- plus some DDL on the models (renames, added and dropped columns, dropped
-- tables) so that the event triggers are fuzzed as well.  The sequence is
-- determined by (seed, batch) and the database state, which the earlier
-- batches of the same seed determine.  Returns the count of outcomes by
-- function and SQLSTATE ('00000' = success); XX000 errors are also kept in
-- fuzz.findings with the call that raised them.  Each call is announced
-- with a NOTICE first, so the last NOTICE names the call of a crash or a
-- timeout.
SET client_min_messages = warning;
CREATE SCHEMA fuzz;
CREATE TABLE fuzz.findings (seed integer, batch integer, call text, sqlstate text, message text);
CREATE TABLE fuzz.slowest (seed integer, batch integer, call text, ms double precision);

CREATE FUNCTION fuzz.pick(a text[]) RETURNS text LANGUAGE sql VOLATILE AS
$f$ SELECT a[1 + floor(random() * cardinality(a))::int] $f$;
CREATE FUNCTION fuzz.rint(lo integer, hi integer) RETURNS integer LANGUAGE sql VOLATILE AS
$f$ SELECT lo + floor(random() * (hi - lo + 1))::int $f$;
CREATE FUNCTION fuzz.chance(p double precision) RETURNS boolean LANGUAGE sql VOLATILE AS
$f$ SELECT random() < p $f$;

-- Names that must work or be refused with a clean error, never executed.
CREATE FUNCTION fuzz.hostile() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT fuzz.pick(ARRAY[
        'a', 'A', 'Mixed Case', 'x"y', 'x''y', 'x;y', 'x; DROP TABLE fuzz.findings; --',
        '$$', 'a$$b', '$1', '%s', '%I', '\', E'tab\tname', E'new\nline', 'a.b', '"a"."b"',
        'ünïcødé_名前', '☃', repeat('n', 63), repeat('n', 64), repeat('é', 31) || 'x',
        repeat('é', 32), repeat('x', 300), '', ' ', 'ormar', 'pg_catalog', 'public', 'select',
        'user', 'NULL', 'id', 'oid', 'ctid', 'xmin', 'tableoid', '*', '__', 'a__b', '-', 'x__',
        'source_pk', 'through', 'through_grade'])
$f$;

CREATE FUNCTION fuzz.model() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT coalesce((SELECT m.model::text FROM ormar.models m ORDER BY random() LIMIT 1), 'none')
$f$;
CREATE FUNCTION fuzz.relname() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT coalesce((SELECT r.name FROM ormar.relations r ORDER BY random() LIMIT 1), 'none')
$f$;
CREATE FUNCTION fuzz.name() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT CASE WHEN fuzz.chance(0.45) THEN fuzz.hostile()
                WHEN fuzz.chance(0.5) THEN fuzz.relname()
                WHEN fuzz.chance(0.5) THEN fuzz.pick(ARRAY['t1', 't2', 't3', 'item', 'tag', 'node'])
                        || fuzz.rint(1, 4)
                ELSE coalesce((SELECT c.relname::text FROM ormar.models m JOIN pg_class c ON c.oid = m.model
                                ORDER BY random() LIMIT 1), 'none') END
$f$;

-- A random json value, DEPTH levels deep at most.
CREATE FUNCTION fuzz.rjson(depth integer) RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    r double precision := random();
    parts text[] := '{}';
    i integer;
BEGIN
    IF depth <= 0 OR r < 0.45 THEN
        RETURN fuzz.pick(ARRAY['null', 'true', 'false', '0', '-1', '1', '1.5', '1e308', '-0',
                               '2147483648', '99999999999999999999999', '""', '"x"',
                               to_json(fuzz.hostile())::text, '"2024-01-01"',
                               '"00000000-0000-0000-0000-000000000001"', to_json(fuzz.name())::text]);
    ELSIF r < 0.7 THEN
        FOR i IN 1 .. fuzz.rint(0, 4) LOOP
            parts := parts || fuzz.rjson(depth - 1);
        END LOOP;
        RETURN '[' || array_to_string(parts, ',') || ']';
    ELSE
        FOR i IN 1 .. fuzz.rint(0, 4) LOOP
            parts := parts || (to_json(fuzz.name())::text || ': ' || fuzz.rjson(depth - 1));
        END LOOP;
        RETURN '{' || array_to_string(parts, ',') || '}';
    END IF;
END
$f$;

-- A field spec as define_model takes it, sometimes broken.
CREATE FUNCTION fuzz.rfield() RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    parts text[] := '{}';
    t text := fuzz.pick(ARRAY['Integer', 'BigInteger', 'SmallInteger', 'String', 'Text', 'Boolean',
                              'Float', 'Decimal', 'Date', 'Time', 'DateTime', 'JSON', 'UUID',
                              'LargeBinary', 'ForeignKey', 'ManyToMany', 'Nope', 'integer', '']);
BEGIN
    IF fuzz.chance(0.05) THEN
        RETURN fuzz.rjson(2);
    END IF;
    IF fuzz.chance(0.95) THEN parts := parts || ('"type": ' || to_json(t)::text); END IF;
    IF t IN ('ForeignKey', 'ManyToMany') OR fuzz.chance(0.1) THEN
        parts := parts || ('"to": ' || to_json(fuzz.name())::text);
    END IF;
    IF fuzz.chance(0.3) THEN parts := parts || ('"primary_key": ' || fuzz.pick(ARRAY['true', 'false', '1', '"yes"'])); END IF;
    IF fuzz.chance(0.3) OR t = 'String' THEN
        parts := parts || ('"max_length": ' || fuzz.pick(ARRAY['1', '100', '0', '-5', '10485761', '"x"', 'null']));
    END IF;
    IF fuzz.chance(0.15) THEN parts := parts || ('"max_digits": ' || fuzz.pick(ARRAY['10', '0', '1001']) ||
                                                 ', "decimal_places": ' || fuzz.pick(ARRAY['2', '20', '-1'])); END IF;
    IF fuzz.chance(0.2) THEN parts := parts || ('"nullable": ' || fuzz.pick(ARRAY['true', 'false', 'null'])); END IF;
    IF fuzz.chance(0.15) THEN parts := parts || ('"unique": ' || fuzz.pick(ARRAY['true', 'false'])); END IF;
    IF fuzz.chance(0.15) THEN parts := parts || ('"index": ' || fuzz.pick(ARRAY['true', 'false'])); END IF;
    IF fuzz.chance(0.2) THEN parts := parts || ('"default": ' || fuzz.rjson(1)); END IF;
    IF fuzz.chance(0.15) THEN
        parts := parts || ('"server_default": ' || to_json(fuzz.pick(ARRAY[
            'now()', '1', '''x''', '1); DROP TABLE fuzz.findings; --', 'pg_sleep(1)',
            '(SELECT 1)', '$$x$$', 'nextval(''x'')', '', 'gen_random_uuid()', fuzz.hostile()]))::text);
    END IF;
    IF fuzz.chance(0.15) THEN parts := parts || ('"related_name": ' || to_json(fuzz.name())::text); END IF;
    IF fuzz.chance(0.1) THEN parts := parts || ('"ondelete": ' || to_json(fuzz.pick(ARRAY['CASCADE', 'set null', 'restrict', 'NO ACTION', 'SET DEFAULT', 'cascade; drop', '']))::text); END IF;
    IF fuzz.chance(0.1) THEN parts := parts || ('"one_to_one": ' || fuzz.pick(ARRAY['true', 'false'])); END IF;
    IF fuzz.chance(0.1) THEN parts := parts || ('"through": ' || to_json(fuzz.name())::text); END IF;
    IF fuzz.chance(0.1) THEN parts := parts || ('"through_fields": ' || fuzz.rfields(2)); END IF;
    IF fuzz.chance(0.1) THEN parts := parts || '"skip_reverse": true'::text; END IF;
    IF fuzz.chance(0.05) THEN parts := parts || ('"autoincrement": ' || fuzz.pick(ARRAY['true', 'false'])); END IF;
    IF fuzz.chance(0.05) THEN parts := parts || (to_json(fuzz.hostile())::text || ': ' || fuzz.rjson(1)); END IF;
    RETURN '{' || array_to_string(parts, ', ') || '}';
END
$f$;

-- A fields object: usually one integer primary key plus random fields.
CREATE FUNCTION fuzz.rfields(n integer) RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    parts text[] := '{}';
    i integer;
BEGIN
    IF fuzz.chance(0.8) THEN
        parts := parts || ('"id": {"type": "' || fuzz.pick(ARRAY['Integer', 'Integer', 'BigInteger', 'UUID', 'String", "max_length": 20, "x": "'])
                           || '", "primary_key": true}');
    END IF;
    FOR i IN 1 .. fuzz.rint(0, n) LOOP
        parts := parts || (to_json(fuzz.name())::text || ': ' || fuzz.rfield());
    END LOOP;
    RETURN '{' || array_to_string(parts, ', ') || '}';
END
$f$;

CREATE FUNCTION fuzz.rmodels() RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    parts text[] := '{}';
    i integer;
BEGIN
    FOR i IN 1 .. fuzz.rint(0, 5) LOOP
        parts := parts || (to_json(fuzz.name())::text || ': ' || fuzz.rfields(3));
    END LOOP;
    RETURN '{' || array_to_string(parts, ', ') || '}';
END
$f$;

-- Options as related / fetch take them (filters, ordering, limits, fields).
CREATE FUNCTION fuzz.roptions() RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    parts text[] := '{}';
    i integer;
    k text;
BEGIN
    FOR i IN 1 .. fuzz.rint(0, 4) LOOP
        k := fuzz.pick(ARRAY['filter', 'exclude', 'order_by', 'limit', 'offset', 'fields',
                             'exclude_fields', 'count', 'nope']);
        parts := parts || (to_json(CASE WHEN fuzz.chance(0.3) THEN fuzz.relname() ELSE k END)::text || ': ' ||
            CASE k
              WHEN 'filter' THEN '{' || to_json(fuzz.pick(ARRAY['id', 'name', 'id__gt', 'name__icontains',
                                 'id__in', 'x__like', 'through__grade', 'id__isnull', fuzz.hostile()]))::text
                                 || ': ' || fuzz.rjson(1) || '}'
              WHEN 'order_by' THEN '[' || to_json(fuzz.pick(ARRAY['id', '-id', 'name', '-', fuzz.hostile()]))::text || ']'
              WHEN 'limit' THEN fuzz.pick(ARRAY['0', '1', '-1', '1e10', '"2"', 'null'])
              WHEN 'count' THEN fuzz.pick(ARRAY['true', 'false', '1'])
              ELSE fuzz.rjson(2) END);
    END LOOP;
    RETURN '{' || array_to_string(parts, ', ') || '}';
END
$f$;

-- A key for an "any" parameter, with a random type.
CREATE FUNCTION fuzz.rkey() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT fuzz.pick(ARRAY[
        fuzz.rint(1, 30)::text, fuzz.rint(1, 30)::text, fuzz.rint(1, 30) || '::bigint',
        fuzz.rint(1, 30) || '::smallint', quote_literal(fuzz.rint(1, 30)::text) || '::text',
        quote_literal(fuzz.rint(1, 30)::text), 'NULL', 'NULL::integer', '0', '-1', '2147483648',
        '1.5', '''abc''', quote_literal(fuzz.hostile()), 'true',
        '''00000000-0000-0000-0000-000000000001''::uuid', '''{}''::jsonb',
        'ARRAY[1, 2]', quote_literal(repeat('9', 5000)), '''1''::varchar', '''2024-01-01''::date',
        '''\x01''::bytea', '''(1,2)''::point'])
$f$;

-- An array for an anyarray parameter (keys), sometimes huge.
CREATE FUNCTION fuzz.rkeys() RETURNS text LANGUAGE sql VOLATILE AS $f$
    SELECT fuzz.pick(ARRAY[
        'NULL::integer[]', '''{}''::integer[]', 'ARRAY[1, 2, 3]', 'ARRAY[3, 1, 3, NULL]',
        'ARRAY[''1'', ''x'']', 'ARRAY[1.5]', 'ARRAY[''1'', ''2'']::text[]', 'ARRAY[1, 2]::bigint[]',
        'ARRAY[1, 2]::smallint[]', '''{{1,2},{3,4}}''::integer[]',
        '(SELECT array_agg(i) FROM generate_series(1, ' || fuzz.pick(ARRAY['1000', '100000', '1000000']) || ') i)',
        '''{}''::uuid[]', 'ARRAY[''00000000-0000-0000-0000-000000000001''::uuid]',
        'ARRAY[true]', 'ARRAY[''{}''::jsonb]'])
$f$;

-- Include paths: relation names chained with __, sometimes deep or many.
CREATE FUNCTION fuzz.rpaths() RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    paths text[] := '{}';
    segs text[];
    i integer;
    j integer;
    n integer := CASE WHEN fuzz.chance(0.05) THEN fuzz.rint(50, 2000) ELSE fuzz.rint(0, 4) END;
    depth integer;
BEGIN
    IF fuzz.chance(0.05) THEN RETURN 'NULL::text[]'; END IF;
    FOR i IN 1 .. n LOOP
        depth := CASE WHEN fuzz.chance(0.05) THEN fuzz.rint(20, 3000) ELSE fuzz.rint(1, 4) END;
        segs := '{}';
        FOR j IN 1 .. depth LOOP
            segs := segs || CASE WHEN fuzz.chance(0.85) THEN fuzz.relname() ELSE fuzz.hostile() END;
        END LOOP;
        paths := paths || CASE WHEN fuzz.chance(0.03) THEN NULL ELSE array_to_string(segs, '__') END;
    END LOOP;
    RETURN quote_literal(paths::text) || '::text[]';
END
$f$;

-- The literal for one argument of type TYP named PNAME.
CREATE FUNCTION fuzz.arg(typ regtype, pname text) RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
BEGIN
    IF fuzz.chance(0.04) THEN
        RETURN 'NULL::' || typ::text;
    END IF;
    CASE typ
      WHEN 'regclass'::regtype THEN
        RETURN quote_literal(CASE WHEN fuzz.chance(0.9) THEN fuzz.model()
                                  WHEN fuzz.chance(0.5) THEN fuzz.pick(ARRAY['0', '1', 'pg_class', 'ormar.relation', 'ormar.models', '-1'])
                                  ELSE quote_ident(fuzz.name()) END) || '::regclass';
      WHEN '"any"'::regtype THEN
        RETURN fuzz.rkey();
      WHEN 'anyarray'::regtype THEN
        RETURN fuzz.rkeys();
      WHEN 'text[]'::regtype THEN
        RETURN fuzz.rpaths();
      WHEN 'boolean'::regtype THEN
        RETURN fuzz.pick(ARRAY['true', 'false']);
      WHEN 'integer'::regtype, 'bigint'::regtype, 'smallint'::regtype THEN
        RETURN fuzz.pick(ARRAY['0', '1', '2', '3', '-1', '100', '2147483647']) || '::' || typ::text;
      WHEN 'name'::regtype THEN
        RETURN quote_literal(fuzz.pick(ARRAY['public', 'public', 'fz', 'ormar', 'pg_catalog',
                                             'no_such_schema', fuzz.hostile()])) || '::name';
      WHEN 'json'::regtype, 'jsonb'::regtype THEN
        RETURN quote_literal(CASE
            WHEN pname IN ('fields', 'through_fields') THEN fuzz.rfields(4)
            WHEN pname = 'models' THEN fuzz.rmodels()
            WHEN pname = 'options' THEN fuzz.roptions()
            WHEN pname IN ('through', 'data') THEN fuzz.rfields(3)
            ELSE fuzz.rjson(3) END) || '::' || typ::text;
      WHEN 'text'::regtype THEN
        RETURN quote_literal(CASE
            WHEN pname IN ('ondelete', 'onupdate') THEN fuzz.pick(ARRAY['CASCADE', 'set null', 'RESTRICT', 'no action', 'SET DEFAULT', 'x; drop', ''])
            WHEN pname IN ('relation', 'name') AND fuzz.chance(0.6) THEN fuzz.relname()
            WHEN pname IN ('target', 'through') AND fuzz.chance(0.5) THEN fuzz.model()
            ELSE fuzz.name() END) || '::text';
      ELSE
        RETURN 'NULL::' || typ::text;
    END CASE;
END
$f$;

-- One random call of FN (all arguments, or only the leading ones when the
-- rest have defaults), as SQL text.
CREATE FUNCTION fuzz.call(fn regprocedure) RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    p pg_proc;
    args text[] := '{}';
    i integer;
    n integer;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    n := p.pronargs;
    IF p.pronargdefaults > 0 AND fuzz.chance(0.4) THEN
        n := n - fuzz.rint(1, p.pronargdefaults);
    END IF;
    FOR i IN 1 .. n LOOP
        args := args || fuzz.arg(p.proargtypes[i - 1]::regtype, p.proargnames[i]);
    END LOOP;
    RETURN format('SELECT count(*) FROM (SELECT * FROM %s.%I(%s)) s', 'ormar', p.proname,
                  array_to_string(args, ', '));
END
$f$;

-- Some DDL on a random model, so that the event triggers run on random states.
CREATE FUNCTION fuzz.ddl() RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    m text := fuzz.model();
    col text := (SELECT quote_ident(a.attname) FROM pg_attribute a
                  WHERE a.attrelid = (SELECT oid FROM pg_class WHERE oid::regclass::text = m LIMIT 1)
                    AND a.attnum > 0 AND NOT a.attisdropped ORDER BY random() LIMIT 1);
BEGIN
    RETURN CASE fuzz.rint(1, 7)
      WHEN 1 THEN format('ALTER TABLE %s RENAME TO %I', m, fuzz.name())
      WHEN 2 THEN format('ALTER TABLE %s RENAME COLUMN %s TO %I', m, col, fuzz.name())
      WHEN 3 THEN format('ALTER TABLE %s ADD COLUMN %I integer', m, fuzz.name())
      WHEN 4 THEN format('ALTER TABLE %s DROP COLUMN %s', m, col)
      WHEN 5 THEN format('ALTER TABLE %s DROP COLUMN %s CASCADE', m, col)
      WHEN 6 THEN format('DROP TABLE %s%s', m, CASE WHEN fuzz.chance(0.5) THEN ' CASCADE' ELSE '' END)
      ELSE format('ALTER SCHEMA fz RENAME TO %I', 'fz')
    END;
END
$f$;

-- Models with every relation kind and some rows, defined again (under a new
-- suffix) whenever the random DDL has dropped most models, so that most calls
-- reach real relations and rows.
CREATE FUNCTION fuzz.ensure_base(tag text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    IF (SELECT count(*) FROM ormar.models) >= 5 THEN
        RETURN;
    END IF;
    PERFORM ormar.define_models(replace('{
      "dept_T": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
      "item_T": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "String", "max_length": 20},
                 "dept_T": {"type": "ForeignKey", "to": "dept_T", "related_name": "items"},
                 "tags": {"type": "ManyToMany", "to": "tag_T", "related_name": "items",
                          "through_fields": {"grade": {"type": "Integer"}}}},
      "tag_T": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}},
      "node_T": {"id": {"type": "Integer", "primary_key": true},
                 "parent": {"type": "ForeignKey", "to": "node_T", "related_name": "children"},
                 "links": {"type": "ManyToMany", "to": "node_T", "related_name": "linked"}},
      "card_T": {"id": {"type": "UUID", "primary_key": true},
                 "item_T": {"type": "ForeignKey", "to": "item_T", "one_to_one": true, "related_name": "card"}}
    }', '_T', '_' || tag)::json);
    PERFORM ormar.foreign_key(('card_' || tag)::regclass, 'later', 'later_' || tag);   -- pending
    EXECUTE format('INSERT INTO %I (name) SELECT ''d'' || i FROM generate_series(1, 5) i', 'dept_' || tag);
    EXECUTE format('INSERT INTO %I (name, %I) SELECT ''i'' || i, 1 + i %% 5 FROM generate_series(1, 30) i',
                   'item_' || tag, 'dept_' || tag);
    EXECUTE format('INSERT INTO %I (name) SELECT ''t'' || i FROM generate_series(1, 10) i', 'tag_' || tag);
    EXECUTE format('INSERT INTO %I (parent) SELECT CASE WHEN i > 1 THEN i / 2 END FROM generate_series(1, 30) i',
                   'node_' || tag);
    EXECUTE format('INSERT INTO %I (id, %I) SELECT (''00000000-0000-0000-0000-0000000000'' || lpad(i::text, 2, ''0''))::uuid, i FROM generate_series(1, 9) i',
                   'card_' || tag, 'item_' || tag);
END
$f$;

CREATE FUNCTION fuzz.run(seed integer, batch integer, calls integer)
RETURNS TABLE (fn text, sqlstate text, n bigint) LANGUAGE plpgsql AS $f$
DECLARE
    fns regprocedure[];
    f regprocedure;
    stmt text;
    st text;
    msg text;
    t0 timestamptz;
    i integer;
BEGIN
    PERFORM setseed(((seed::bigint * 7919 + batch) % 1000003) / 1000003.0);
    CREATE TEMP TABLE outcome (fn text, sqlstate text) ON COMMIT DROP;
    PERFORM fuzz.ensure_base(seed || '_' || batch);
    SELECT array_agg(p.oid::regprocedure ORDER BY p.oid::regprocedure::text) INTO fns
      FROM pg_proc p WHERE p.pronamespace = 'ormar'::regnamespace;
    FOR i IN 1 .. calls LOOP
        IF i % 50 = 0 THEN
            PERFORM fuzz.ensure_base(seed || '_' || batch || '_' || i);
        END IF;
        BEGIN
            IF fuzz.chance(0.06) THEN
                f := NULL;
                stmt := fuzz.ddl();
            ELSE
                f := fns[1 + floor(random() * cardinality(fns))::int];
                stmt := fuzz.call(f);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            -- a generator that failed (the database state surprised it)
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            RAISE WARNING 'fuzz generator: % %', st, msg;
            INSERT INTO outcome VALUES ('generator', st);
            CONTINUE;
        END;
        RAISE NOTICE 'fuzz call %/%/%: %', seed, batch, i, left(stmt, 2000);
        t0 := clock_timestamp();
        BEGIN
            EXECUTE stmt;
            st := '00000';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            IF st = 'XX000' THEN
                INSERT INTO fuzz.findings VALUES (seed, batch, stmt, st, msg);
            END IF;
        END;
        INSERT INTO fuzz.slowest
        SELECT seed, batch, left(stmt, 500), extract(epoch FROM clock_timestamp() - t0) * 1000
         WHERE clock_timestamp() - t0 > interval '1 second';
        INSERT INTO outcome VALUES (coalesce(regexp_replace(f::text, '\(.*', ''), 'ddl'), st);
    END LOOP;
    RETURN QUERY SELECT o.fn, o.sqlstate, count(*) FROM outcome o GROUP BY 1, 2;
END
$f$;
CREATE SCHEMA fz;
