\set d random(1, 10000)
SELECT * FROM ormar.related('department', :d::integer, 'courses');
