\set c random(1, 1000)
SELECT p.* FROM category c, LATERAL posts(c) p WHERE c.id = :c ORDER BY p.id DESC LIMIT 10;
