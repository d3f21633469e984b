\set p random(1, 100000)
SELECT to_jsonb(c) FROM post_categories pc JOIN category c ON c.id = pc.category
 WHERE pc.post = :p ORDER BY c.id;
