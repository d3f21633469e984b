\set c random(1, 1000)
SELECT p.* FROM post_categories pc JOIN post p ON p.id = pc.post
 WHERE pc.category = :c ORDER BY pc.post DESC LIMIT 10;
