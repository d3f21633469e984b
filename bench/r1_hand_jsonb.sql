\set d random(1, 10000)
SELECT to_jsonb(c) FROM course c WHERE c.department = :d ORDER BY c.id;
