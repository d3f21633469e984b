\set c random(1, 1000)
SELECT p.* FROM category c JOIN post_categories pc ON pc.category = c.id
  JOIN post p ON p.id = pc.post WHERE c.id = :c ORDER BY p.id DESC LIMIT 10;
