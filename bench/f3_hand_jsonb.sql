\set s random(1, 99901)
SELECT to_jsonb(p) || jsonb_build_object('categories', COALESCE(x.a, '[]'::jsonb))
  FROM post p
  LEFT JOIN LATERAL (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) AS a
                       FROM post_categories pc JOIN category c ON c.id = pc.category
                      WHERE pc.post = p.id) x ON true
 WHERE p.id BETWEEN :s AND :s + 99 ORDER BY p.id;
