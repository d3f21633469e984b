\set s random(1, 9901)
SELECT d.*, c.*, s.* FROM department d
  LEFT JOIN course c ON c.department = d.id
  LEFT JOIN course_students cs ON cs.course = c.id
  LEFT JOIN student s ON s.id = cs.student
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id, c.id, s.id;
