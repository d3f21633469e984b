-- Packaging (issue 10 item 5): \dx+ ormar_pg lists only intended objects,
-- every member of the extension and every column of its tables and views has a
-- COMMENT, and so do the objects generated per relation (foreign key and index
-- of a foreign key; through table, its two foreign keys and reversed-pair index).
-- A 0.1.0 installation updated with ALTER EXTENSION ... UPDATE is the same as a
-- fresh 0.2.0 one, comments included.
CREATE EXTENSION ormar_pg;

-- Members by kind: functions, tables, views in schema ormar, event triggers
-- named ormar_*; nothing else (no sequence, type, operator, stray object).
SELECT CASE c.relname
         WHEN 'pg_proc' THEN 'function'
         WHEN 'pg_class' THEN (SELECT CASE k.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view'
                                      ELSE 'relkind ' || k.relkind::text END
                                 FROM pg_class k WHERE k.oid = d.objid)
         WHEN 'pg_event_trigger' THEN 'event trigger'
         ELSE c.relname::text END AS kind,
       count(*) > 0 AS present
  FROM pg_depend d JOIN pg_class c ON c.oid = d.classid
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
 GROUP BY 1 ORDER BY 1;

-- Every member lives in schema ormar, or is an event trigger called ormar_*.
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS misplaced
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
   AND NOT COALESCE(
        (SELECT p.pronamespace = 'ormar'::regnamespace FROM pg_proc p
          WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid),
        (SELECT k.relnamespace = 'ormar'::regnamespace FROM pg_class k
          WHERE d.classid = 'pg_class'::regclass AND k.oid = d.objid),
        (SELECT e.evtname LIKE 'ormar\_%' FROM pg_event_trigger e
          WHERE d.classid = 'pg_event_trigger'::regclass AND e.oid = d.objid),
        false)
 ORDER BY 1;

-- The internal functions (underscore prefix) are exactly these.
SELECT p.oid::regprocedure AS internal
  FROM pg_proc p
 WHERE p.pronamespace = 'ormar'::regnamespace AND p.proname LIKE '\_%'
 ORDER BY 1::text;

-- Members without a comment: none.
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS member_without_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
   AND NOT EXISTS (SELECT FROM pg_description s
                    WHERE s.classoid = d.classid AND s.objoid = d.objid AND s.objsubid = 0
                      AND s.description <> '')
 ORDER BY 1;

-- Columns of the extension's tables and views without a comment: none.
SELECT a.attrelid::regclass AS relation, a.attname AS column_without_comment
  FROM pg_depend d
  JOIN pg_attribute a ON a.attrelid = d.objid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE d.classid = 'pg_class'::regclass
   AND d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
   AND col_description(a.attrelid, a.attnum) IS NULL
 ORDER BY 1::text, 2;

-- Schema ormar (created for the control file's schema; PostgreSQL does not let a
-- schema holding the extension be a member) and the catalog's own index.
SELECT obj_description('ormar'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_comment,
       obj_description('ormar.relation_target_idx'::regclass, 'pg_class') IS NOT NULL AS index_comment;

-- Objects generated per relation carry comments too.
SELECT ormar.define_model('pk_department', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.define_model('pk_course', '{"id": {"type": "Integer", "primary_key": true},
    "department": {"type": "ForeignKey", "to": "pk_department"}}');
SELECT ormar.define_model('pk_tag', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.many_to_many('pk_course', 'tags', 'pk_tag', through => 'pk_course_tag');
SELECT ormar.define_model('pk_person', '{"id": {"type": "Integer", "primary_key": true}}');
SELECT ormar.many_to_many('pk_person', 'friends', 'pk_person', through => 'pk_friendship');

-- every constraint and index the relations generated, with its comment
SELECT t.relname AS "table", 'constraint ' || c.conname AS object,
       obj_description(c.oid, 'pg_constraint') AS comment
  FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
 WHERE t.relnamespace = 'public'::regnamespace
   AND (c.contype = 'f' OR (c.contype = 'p' AND t.oid NOT IN (SELECT model FROM ormar.model)))
UNION ALL
SELECT t.relname, 'index ' || i.relname, obj_description(i.oid, 'pg_class')
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
 WHERE t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary
UNION ALL
SELECT t.relname, 'table', obj_description(t.oid, 'pg_class')
  FROM pg_class t
 WHERE t.relnamespace = 'public'::regnamespace AND t.relkind = 'r'
   AND t.oid NOT IN (SELECT model FROM ormar.model)
ORDER BY 1, 2;

-- generated accessors and views: none without a comment
SELECT p.oid::regprocedure AS accessor_without_comment
  FROM pg_proc p
 WHERE p.pronamespace = 'public'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT v.relname AS view_without_comment
  FROM pg_class v
 WHERE v.relnamespace = 'public'::regnamespace AND v.relkind = 'v'
   AND obj_description(v.oid, 'pg_class') IS NULL;


-- A description of everything the extension installs, one line per fact:
-- members with their comments, function signatures and properties, view
-- definitions, catalog columns (type, NOT NULL, default, comment), constraints,
-- indexes, event triggers, grants.  Compared below between a fresh 0.2.0
-- installation and a 0.1.0 one updated to 0.2.0.
CREATE FUNCTION pkg_snapshot() RETURNS SETOF text LANGUAGE sql AS $f$
  WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg'),
  mem AS (SELECT d.classid, d.objid FROM pg_depend d, ext
           WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid
             AND d.deptype = 'e')
  SELECT 'member ' || pg_describe_object(m.classid, m.objid, 0) || ' -- '
         || coalesce(obj_description(m.objid, (SELECT relname FROM pg_class WHERE oid = m.classid)), '(none)')
    FROM mem m
  UNION ALL
  SELECT format('function %s returns %s: symbol %s, %s, strict %s, security definer %s, config %s, acl %s',
                p.oid::regprocedure, pg_get_function_result(p.oid), p.prosrc, p.provolatile,
                p.proisstrict, p.prosecdef, p.proconfig, p.proacl)
    FROM pg_proc p JOIN mem m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
  UNION ALL
  SELECT format('function %s argument defaults %s', p.oid::regprocedure,
                pg_get_expr(p.proargdefaults, 0))
    FROM pg_proc p JOIN mem m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
   WHERE p.proargdefaults IS NOT NULL
  UNION ALL
  SELECT format('relation %s (%s) acl %s options %s', c.oid::regclass, c.relkind, c.relacl, c.reloptions)
    FROM pg_class c JOIN mem m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
  UNION ALL
  SELECT format('view %s: %s', c.oid::regclass, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN mem m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
   WHERE c.relkind = 'v'
  UNION ALL
  SELECT format('column %s.%s %s%s%s -- %s', c.oid::regclass, a.attname,
                format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                coalesce(' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid), ''),
                coalesce(col_description(c.oid, a.attnum), '(none)'))
    FROM pg_class c JOIN mem m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  UNION ALL
  SELECT format('constraint on %s: %s', k.conrelid::regclass, pg_get_constraintdef(k.oid))
    FROM pg_constraint k JOIN mem m ON m.classid = 'pg_class'::regclass AND m.objid = k.conrelid
  UNION ALL
  SELECT format('index on %s: %s -- %s', i.indrelid::regclass,
                regexp_replace(pg_get_indexdef(i.indexrelid), 'INDEX \S+ ON', 'INDEX ON'),
                coalesce(obj_description(i.indexrelid, 'pg_class'), '(none)'))
    FROM pg_index i JOIN mem m ON m.classid = 'pg_class'::regclass AND m.objid = i.indrelid
   WHERE NOT i.indisprimary
  UNION ALL
  SELECT format('event trigger %s on %s tags %s runs %s enabled %s', e.evtname, e.evtevent,
                e.evttags, e.evtfoid::regproc, e.evtenabled)
    FROM pg_event_trigger e JOIN mem m ON m.classid = 'pg_event_trigger'::regclass AND m.objid = e.oid
  UNION ALL
  SELECT format('schema ormar acl %s -- %s', n.nspacl, obj_description(n.oid, 'pg_namespace'))
    FROM pg_namespace n WHERE n.nspname = 'ormar'
  UNION ALL
  SELECT format('config dump %s filter %s', c::regclass, f)
    FROM pg_extension x, unnest(x.extconfig, x.extcondition) AS u(c, f)
   WHERE x.extname = 'ormar_pg'
$f$;
CREATE TEMP TABLE fresh_install AS SELECT * FROM pkg_snapshot() AS fact;
SELECT count(*) > 50 AS snapshot_taken FROM fresh_install;

SET client_min_messages = warning;
DROP EXTENSION ormar_pg;
DROP TABLE pk_course_tag, pk_friendship, pk_person, pk_course, pk_tag, pk_department CASCADE;
RESET client_min_messages;
-- DROP EXTENSION leaves schema ormar behind, empty
SELECT count(*) AS left_in_ormar FROM pg_class WHERE relnamespace = 'ormar'::regnamespace;
DROP SCHEMA ormar;

-- The same holds after an update from 0.1.0.
CREATE EXTENSION ormar_pg VERSION '0.1.0';
ALTER EXTENSION ormar_pg UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'ormar_pg';
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS member_without_comment
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
   AND NOT EXISTS (SELECT FROM pg_description s
                    WHERE s.classoid = d.classid AND s.objoid = d.objid AND s.objsubid = 0
                      AND s.description <> '')
 ORDER BY 1;
SELECT a.attrelid::regclass AS relation, a.attname AS column_without_comment
  FROM pg_depend d
  JOIN pg_attribute a ON a.attrelid = d.objid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE d.classid = 'pg_class'::regclass
   AND d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ormar_pg')
   AND d.deptype = 'e'
   AND col_description(a.attrelid, a.attnum) IS NULL
 ORDER BY 1::text, 2;
SELECT obj_description('ormar'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_comment;

-- The updated installation is the fresh one: same members, signatures, symbols,
-- views, catalog columns, constraints, indexes, event triggers, grants and
-- comments (column order aside).  Each line is a difference.
(SELECT 'only in fresh 0.2.0: ' || fact AS difference FROM fresh_install
 EXCEPT SELECT 'only in fresh 0.2.0: ' || f FROM pkg_snapshot() f)
UNION ALL
(SELECT 'only in updated 0.1.0: ' || f FROM pkg_snapshot() f
 EXCEPT SELECT 'only in updated 0.1.0: ' || fact FROM fresh_install)
ORDER BY 1;

DROP EXTENSION ormar_pg;
DROP SCHEMA ormar;
DROP FUNCTION pkg_snapshot();
