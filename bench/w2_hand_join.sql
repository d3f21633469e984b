\set p random(1, 100000)
SELECT c.* FROM post p JOIN post_categories pc ON pc.post = p.id
  JOIN category c ON c.id = pc.category WHERE p.id = :p;
