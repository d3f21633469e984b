\set d random(1, 10000)
SELECT c.* FROM department d JOIN course c ON c.department = d.id WHERE d.id = :d;
