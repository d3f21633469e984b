-- drop_model (DESIGN §3), ormar's scenario: a model (game) with two foreign
-- keys to child plus child's self many-to-many; drop_model(child) without
-- cascade is 2BP01, with cascade => true it leaves nothing generated that
-- refers to child, keeps the data, and the relations can be declared again.
CREATE EXTENSION ormar_pg;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Everything of this file lives in schema sp, dropped at the end.
CREATE SCHEMA sp;
SET search_path = sp, public;
\i sql/include/try_sql.sql
\i sql/include/sp_helpers.sql

-- child with a self many-to-many, as in sql/self_reference.sql
SELECT ormar.define_model('child', $${
    "id":      {"type": "Integer", "primary_key": true},
    "name":    {"type": "Text"},
    "friends": {"type": "ManyToMany", "to": "child", "related_name": "also_friends"}
}$$);

SELECT ormar.define_model('game', $${
    "id":           {"type": "Integer", "primary_key": true},
    "name":         {"type": "Text"},
    "liked_by":     {"type": "ForeignKey", "to": "child", "related_name": "liked_games"},
    "not_liked_by": {"type": "ForeignKey", "to": "child", "related_name": "not_liked_games"}
}$$);
-- without distinct related_names the second foreign key would clash (42710)
SELECT try_sql($$SELECT ormar.foreign_key('game', 'disliked_by', 'child', related_name => 'liked_games')$$);
SELECT * FROM sp_rels('game');
SELECT name, direction FROM sp_rels('child');

INSERT INTO child (id, name) VALUES (40, 'Gus'), (41, 'Hana');
INSERT INTO game (id, name, liked_by, not_liked_by) VALUES
    (1, 'chess', 40, 41), (2, 'tag', 41, 40), (3, 'go', 40, NULL);
SELECT ormar.add('child', 40, 'friends', 41);
SELECT * FROM ormar.related('child', 40, 'liked_games');
SELECT * FROM ormar.related('child', 40, 'not_liked_games');
SELECT g.name FROM child c, LATERAL liked_games(c) g WHERE c.id = 41 ORDER BY g.id;
SELECT g.name FROM child c, LATERAL not_liked_games(c) g WHERE c.id = 41 ORDER BY g.id;

-- the links of the through table, to compare after the drop
SELECT count(*) FROM childs_friends;

-- without cascade: 2BP01, nothing changes
SELECT try_sql($$SELECT ormar.drop_model('child')$$);
SELECT count(*) FROM ormar.relations WHERE model = 'child'::regclass OR target = 'child'::regclass;

SELECT ormar.drop_model('child', cascade => true);
SELECT count(*) FROM ormar.model WHERE model = 'child'::regclass;
SELECT count(*) FROM ormar.relations WHERE model = 'child'::regclass OR target = 'child'::regclass;
SELECT * FROM sp_rels('game', 'child');
-- no function takes or returns child, or mentions it in its body
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.pronamespace = 'sp'::regnamespace
   AND ('child'::regtype = ANY (p.proargtypes) OR p.prorettype = 'child'::regtype
        OR p.prosrc LIKE '%child%')
 ORDER BY p.oid::regprocedure::text;
-- no generated function of these relations is left, under any signature
SELECT p.oid::regprocedure FROM pg_proc p
 WHERE p.proname IN ('friends', 'also_friends', 'liked_by', 'not_liked_by', 'liked_games',
                     'not_liked_games')
 ORDER BY p.oid::regprocedure::text;
-- no view selects from child
SELECT viewname FROM pg_views WHERE schemaname = 'sp' AND definition LIKE '%child%'
 ORDER BY 1;
SELECT DISTINCT v.relname FROM pg_depend d
  JOIN pg_rewrite w ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
  JOIN pg_class v ON v.oid = w.ev_class
 WHERE d.refobjid = 'child'::regclass AND v.oid <> 'child'::regclass
 ORDER BY 1;
SELECT relname FROM pg_class WHERE relnamespace = 'sp'::regnamespace AND relname LIKE 'child\_\_%'
 ORDER BY 1;
-- no constraint references child, and the foreign-key indexes are gone
SELECT conrelid::regclass, conname FROM pg_constraint
 WHERE confrelid = 'child'::regclass ORDER BY conrelid::regclass::text, conname;
SELECT * FROM sp_idx('game');
-- the data stays: game's columns and values, the through table and its rows
SELECT sp_cols('game');
SELECT id, liked_by, not_liked_by FROM game ORDER BY id;
SELECT count(*) FROM childs_friends;

-- the model and its relations can be declared again over the kept data
SELECT ormar.register_model('child');
SELECT try_sql($$SELECT ormar.many_to_many('child', 'friends', 'child', related_name => 'also_friends')$$);
SELECT try_sql($$SELECT ormar.foreign_key('game', 'liked_by', 'child', related_name => 'liked_games')$$);
SELECT * FROM ormar.related('child', 40, 'friends');
SELECT * FROM ormar.related('child', 40, 'liked_games');

-------------------------------------------------------------------------------
-- Clean up
-------------------------------------------------------------------------------
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA sp CASCADE;
DROP FUNCTION try_sql(text, boolean);
DROP EXTENSION ormar_pg CASCADE;
