\set s random(1, 9900)
SELECT to_jsonb(d) || jsonb_build_object('courses',
         (SELECT COALESCE(jsonb_agg(to_jsonb(c) ORDER BY c.id), '[]') FROM course c WHERE c.department = d.id))
  FROM department d WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id;
