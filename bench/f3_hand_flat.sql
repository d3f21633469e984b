\set s random(1, 99901)
SELECT p.*, c.* FROM post p
  LEFT JOIN post_categories pc ON pc.post = p.id
  LEFT JOIN category c ON c.id = pc.category
 WHERE p.id BETWEEN :s AND :s + 99 ORDER BY p.id, c.id;
