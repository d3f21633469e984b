-- A canonical text description of everything extension ormar_pg installed in
-- the current database, one line per fact, sorted, free of OIDs and of data.
-- test/suites/upgrade.sh runs it in a database where 0.1.0 was updated to the
-- current version and in one where the current version was created afresh,
-- and diffs the two: any difference (a function added to one script only, a
-- changed signature, default, volatility, comment, column, constraint, grant
-- or event trigger) is a failed check.
--
-- Covered: every member object of the extension (pg_depend deptype 'e'),
-- every function, table, view, sequence, index and type in schema ormar
-- (member or not), with their definitions; the extension's own row
-- (version, configuration tables and conditions, schema, relocatability).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
\pset pager off
WITH ext AS (
    SELECT e.oid, e.extname, e.extversion, e.extrelocatable, e.extnamespace,
           e.extconfig, e.extcondition
      FROM pg_catalog.pg_extension e
     WHERE e.extname = 'ormar_pg'
),
member AS (
    SELECT d.classid, d.objid, d.objsubid
      FROM pg_catalog.pg_depend d, ext
     WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid = ext.oid AND d.deptype = 'e'
),
nsp AS (
    SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ormar'
),
lines(line) AS (
    -- the extension itself
    SELECT format('extension %s version=%s relocatable=%s schema=%s',
                  ext.extname, ext.extversion, ext.extrelocatable,
                  ext.extnamespace::pg_catalog.regnamespace)
      FROM ext
    UNION ALL
    SELECT format('extension config table=%s condition=%L',
                  c.tbl::pg_catalog.regclass, c.cond)
      FROM ext, ROWS FROM (pg_catalog.unnest(ext.extconfig), pg_catalog.unnest(ext.extcondition)) AS c(tbl, cond)
    -- every member, by its description (kind and name)
    UNION ALL
    SELECT 'member ' || pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid)
      FROM member m
    -- schema ormar: owner, grants, comment
    UNION ALL
    SELECT format('schema %s owner=%s acl=%s comment=%L', n.nspname,
                  pg_catalog.pg_get_userbyid(n.nspowner), n.nspacl,
                  pg_catalog.obj_description(n.oid, 'pg_namespace'))
      FROM pg_catalog.pg_namespace n JOIN nsp USING (oid)
    -- functions in schema ormar
    UNION ALL
    SELECT format('function %s(%s) args=[%s] returns=%s kind=%s lang=%s volatility=%s strict=%s '
                  'secdef=%s leakproof=%s parallel=%s cost=%s rows=%s config=%s src=%L bin=%L '
                  'owner=%s acl=%s member=%s comment=%L',
                  p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
                  pg_catalog.pg_get_function_arguments(p.oid),
                  pg_catalog.pg_get_function_result(p.oid), p.prokind, l.lanname,
                  p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof, p.proparallel,
                  p.procost, p.prorows, p.proconfig,
                  CASE WHEN l.lanname = 'c' THEN p.prosrc
                       ELSE pg_catalog.md5(p.prosrc) END,
                  p.probin, pg_catalog.pg_get_userbyid(p.proowner), p.proacl,
                  EXISTS (SELECT 1 FROM member m
                           WHERE m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                             AND m.objid = p.oid),
                  pg_catalog.obj_description(p.oid, 'pg_proc'))
      FROM pg_catalog.pg_proc p
      JOIN nsp ON nsp.oid = p.pronamespace
      JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    -- relations (tables, views, sequences, indexes) in schema ormar
    UNION ALL
    SELECT format('relation %s kind=%s persistence=%s options=%s owner=%s acl=%s '
                  'rowsecurity=%s member=%s comment=%L',
                  c.relname, c.relkind, c.relpersistence, c.reloptions,
                  pg_catalog.pg_get_userbyid(c.relowner), c.relacl, c.relrowsecurity,
                  EXISTS (SELECT 1 FROM member m
                           WHERE m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                             AND m.objid = c.oid),
                  pg_catalog.obj_description(c.oid, 'pg_class'))
      FROM pg_catalog.pg_class c JOIN nsp ON nsp.oid = c.relnamespace
    -- columns, in their order (position among the live columns, so that a
    -- column added by ALTER TABLE at the end matches one written last)
    UNION ALL
    SELECT format('column %s.%s position=%s type=%s notnull=%s default=%L identity=%L '
                  'generated=%L collation=%s acl=%s comment=%L',
                  c.relname, a.attname,
                  pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                  pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity,
                  a.attgenerated,
                  CASE WHEN a.attcollation <> 0 THEN a.attcollation::pg_catalog.regcollation::text END,
                  a.attacl, pg_catalog.col_description(c.oid, a.attnum))
      FROM pg_catalog.pg_class c
      JOIN nsp ON nsp.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
    -- constraints of tables in schema ormar
    UNION ALL
    SELECT format('constraint %s.%s %s deferrable=%s comment=%L', c.relname, co.conname,
                  pg_catalog.pg_get_constraintdef(co.oid), co.condeferrable,
                  pg_catalog.obj_description(co.oid, 'pg_constraint'))
      FROM pg_catalog.pg_constraint co
      JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
      JOIN nsp ON nsp.oid = c.relnamespace
    -- indexes
    UNION ALL
    SELECT format('index %s', pg_catalog.pg_get_indexdef(i.indexrelid))
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
      JOIN nsp ON nsp.oid = c.relnamespace
    -- view definitions
    UNION ALL
    SELECT format('view %s definition=%L', c.relname,
                  pg_catalog.regexp_replace(pg_catalog.pg_get_viewdef(c.oid), '\s+', ' ', 'g'))
      FROM pg_catalog.pg_class c JOIN nsp ON nsp.oid = c.relnamespace
     WHERE c.relkind IN ('v', 'm')
    -- triggers, rules and policies on objects of schema ormar
    UNION ALL
    SELECT format('trigger %s', pg_catalog.pg_get_triggerdef(t.oid))
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
      JOIN nsp ON nsp.oid = c.relnamespace
     WHERE NOT t.tgisinternal
    UNION ALL
    SELECT format('rule %s', pg_catalog.pg_get_ruledef(r.oid))
      FROM pg_catalog.pg_rewrite r
      JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
      JOIN nsp ON nsp.oid = c.relnamespace
     WHERE r.rulename <> '_RETURN'
    UNION ALL
    SELECT format('policy %s.%s cmd=%s permissive=%s roles=%s using=%L check=%L',
                  c.relname, po.polname, po.polcmd, po.polpermissive, po.polroles::pg_catalog.regrole[],
                  pg_catalog.pg_get_expr(po.polqual, po.polrelid),
                  pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))
      FROM pg_catalog.pg_policy po
      JOIN pg_catalog.pg_class c ON c.oid = po.polrelid
      JOIN nsp ON nsp.oid = c.relnamespace
    -- types created in schema ormar other than tables' row types
    UNION ALL
    SELECT format('type %s kind=%s', pg_catalog.format_type(t.oid, NULL), t.typtype)
      FROM pg_catalog.pg_type t JOIN nsp ON nsp.oid = t.typnamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                        WHERE c.oid = t.typrelid AND c.relkind <> 'c')
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e
                        WHERE e.oid = t.typelem AND e.typarray = t.oid)
    -- event triggers whose function is the extension's or that are members
    UNION ALL
    SELECT format('event trigger %s event=%s function=%s enabled=%s tags=%s owner=%s comment=%L',
                  et.evtname, et.evtevent, et.evtfoid::pg_catalog.regprocedure, et.evtenabled,
                  et.evttags, pg_catalog.pg_get_userbyid(et.evtowner),
                  pg_catalog.obj_description(et.oid, 'pg_event_trigger'))
      FROM pg_catalog.pg_event_trigger et
      JOIN pg_catalog.pg_proc p ON p.oid = et.evtfoid
      JOIN nsp ON nsp.oid = p.pronamespace
)
SELECT line FROM lines ORDER BY line COLLATE "C";
