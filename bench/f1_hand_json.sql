\set s random(1, 9901)
SELECT json_build_object('id', d.id, 'name', d.name, 'courses', COALESCE(x.a, '[]'::json))
  FROM department d
  LEFT JOIN LATERAL (SELECT json_agg(c ORDER BY c.id) AS a
                       FROM course c WHERE c.department = d.id) x ON true
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id;
