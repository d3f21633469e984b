\set s random(1, 9901)
SELECT d.*, c.* FROM department d LEFT JOIN course c ON c.department = d.id
 WHERE d.id BETWEEN :s AND :s + 99 ORDER BY d.id, c.id;
