\set s random(1, 99901)
SELECT json_build_object('id', p.id, 'title', p.title, 'categories', COALESCE(x.a, '[]'::json))
  FROM post p
  LEFT JOIN LATERAL (SELECT json_agg(c ORDER BY c.id) AS a
                       FROM post_categories pc JOIN category c ON c.id = pc.category
                      WHERE pc.post = p.id) x ON true
 WHERE p.id BETWEEN :s AND :s + 99 ORDER BY p.id;
