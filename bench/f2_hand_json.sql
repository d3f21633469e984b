\set s random(1, 9901)
SELECT json_build_object('id', d.id, 'name', d.name, 'courses', COALESCE(x.a, '[]'::json))
  FROM department d
  LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'completed', c.completed,
                                          'department', c.department,
                                          'students', COALESCE(y.a, '[]'::json)) ORDER BY c.id) AS a
          FROM course c
          LEFT JOIN LATERAL (SELECT json_agg(s ORDER BY s.id) AS a
                               FROM course_students cs JOIN student s ON s.id = cs.student
                              WHERE cs.course = c.id) y ON true
         WHERE c.department = d.id) x ON true
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id;
