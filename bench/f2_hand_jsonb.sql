\set s random(1, 9901)
SELECT to_jsonb(d) || jsonb_build_object('courses', COALESCE(x.a, '[]'::jsonb))
  FROM department d
  LEFT JOIN LATERAL (
        SELECT jsonb_agg(to_jsonb(c) || jsonb_build_object('students', COALESCE(y.a, '[]'::jsonb))
                         ORDER BY c.id) AS a
          FROM course c
          LEFT JOIN LATERAL (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) AS a
                               FROM course_students cs JOIN student s ON s.id = cs.student
                              WHERE cs.course = c.id) y ON true
         WHERE c.department = d.id) x ON true
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id;
