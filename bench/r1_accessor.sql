\set d random(1, 10000)
SELECT c.* FROM department d, LATERAL courses(d) c WHERE d.id = :d;
