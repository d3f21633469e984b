-- Included by test/upgrade/after.sql and old_catalog.sql: unaligned output
-- without headers, and pg_temp.chk(NAME, GOT, WANT), which prints "ok NAME" or
-- "FAIL NAME: got ..., want ...".  test/suites/upgrade.sh counts the "ok" lines
-- against the number of lines starting "SELECT pg_temp.chk(" in the file.
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.chk(name text, got text, want text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN got IS NOT DISTINCT FROM want THEN 'ok ' || name
                ELSE format('FAIL %s: got %s, want %s', name,
                            coalesce(got, 'NULL'), coalesce(want, 'NULL')) END
$$;
