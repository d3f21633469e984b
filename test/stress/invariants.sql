-- Invariants after a load (test/stress/load.sh).  One line per check:
-- "ok NAME" or "FAIL NAME: ...".  A statement that errors prints no "ok", and
-- load.sh counts the checks as the lines starting "SELECT stress.chk(".
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CREATE OR REPLACE FUNCTION stress.chk(name text, bad bigint, detail text DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN bad = 0 THEN 'ok ' || name
                ELSE format('FAIL %s: %s %s', name, bad, coalesce(detail, '')) END
$$;

SELECT stress.chk('no duplicate link',
    (SELECT count(*) FROM (SELECT student, course FROM student_courses
                            GROUP BY 1, 2 HAVING count(*) > 1) d));
SELECT stress.chk('no orphan link',
    (SELECT count(*) FROM student_courses sc
      WHERE sc.student IS NULL OR sc.course IS NULL
         OR NOT EXISTS (SELECT 1 FROM student s WHERE s.id = sc.student)
         OR NOT EXISTS (SELECT 1 FROM course c WHERE c.id = sc.course)));
SELECT stress.chk('no orphan foreign key',
    (SELECT count(*) FROM course c WHERE c.department IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM department d WHERE d.id = c.department))
  + (SELECT count(*) FROM employee e WHERE e.manager IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM employee m WHERE m.id = e.manager)));
SELECT stress.chk('view department__courses agrees with course',
    (SELECT count(*) FROM (
        (SELECT source_pk, id, name FROM department__courses
         EXCEPT ALL SELECT department, id, name FROM course WHERE department IS NOT NULL)
        UNION ALL
        (SELECT department, id, name FROM course WHERE department IS NOT NULL
         EXCEPT ALL SELECT source_pk, id, name FROM department__courses)) d));
SELECT stress.chk('view student__courses agrees with the through table',
    (SELECT count(*) FROM (
        (SELECT source_pk, id, through_grade FROM student__courses
         EXCEPT ALL SELECT student, course, grade FROM student_courses)
        UNION ALL
        (SELECT student, course, grade FROM student_courses
         EXCEPT ALL SELECT source_pk, id, through_grade FROM student__courses)) d));
SELECT stress.chk('view course__students agrees with the through table',
    (SELECT count(*) FROM (
        (SELECT source_pk, id FROM course__students EXCEPT ALL SELECT course, student FROM student_courses)
        UNION ALL
        (SELECT course, student FROM student_courses EXCEPT ALL SELECT source_pk, id FROM course__students)) d));
SELECT stress.chk('accessors agree with the tables',
    (SELECT count(*) FROM (
        (SELECT s.id, c.id FROM student s, courses(s) c
         EXCEPT ALL SELECT student, course FROM student_courses)
        UNION ALL
        (SELECT student, course FROM student_courses
         EXCEPT ALL SELECT s.id, c.id FROM student s, courses(s) c)
        UNION ALL
        (SELECT d.id, c.id FROM department d, courses(d) c
         EXCEPT ALL SELECT department, id FROM course WHERE department IS NOT NULL)) d));
SELECT stress.chk('related agrees with the tables (every department, first 200 students)',
    (SELECT count(*) FROM department d
      WHERE (SELECT count(*) FROM ormar.related('department', d.id, 'courses'))
            <> (SELECT count(*) FROM course c WHERE c.department = d.id))
  + (SELECT count(*) FROM student s
      WHERE s.id <= 200
        AND (SELECT count(*) FROM ormar.related('student', s.id, 'courses'))
            <> (SELECT count(*) FROM student_courses sc WHERE sc.student = s.id)));
SELECT stress.chk('catalog and generated objects unchanged by the load',
    (SELECT count(*) FROM stress.fingerprint WHERE before IS DISTINCT FROM stress.catalog_fingerprint()));
