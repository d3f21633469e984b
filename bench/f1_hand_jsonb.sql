\set s random(1, 9901)
SELECT to_jsonb(d) || jsonb_build_object('courses', COALESCE(x.a, '[]'::jsonb))
  FROM department d
  LEFT JOIN LATERAL (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) AS a
                       FROM course c WHERE c.department = d.id) x ON true
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id;
