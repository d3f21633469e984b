\set d random(1, 10000)
SELECT j FROM course_jsonb WHERE department = :d ORDER BY id;
