\set p random(1, 100000)
SELECT c.* FROM post p, LATERAL categories(p) c WHERE p.id = :p;
