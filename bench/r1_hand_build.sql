\set d random(1, 10000)
SELECT jsonb_build_object('id', c.id, 'name', c.name, 'completed', c.completed,
                          'department', c.department)
  FROM course c WHERE c.department = :d ORDER BY c.id;
