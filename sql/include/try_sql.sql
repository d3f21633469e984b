\set try_sql_echo :ECHO
\set ECHO none
-- The expected-error helper of the pg_regress files (sql/*.sql), one for all:
--
--     \i sql/include/try_sql.sql
--
-- (paths are relative to the repository root, where pg_regress runs psql;
-- run a file alone from there too: psql -X -a -f sql/NAME.sql).  It creates
--
--     public.try_sql(stmt text, with_detail boolean DEFAULT true) RETURNS text
--
-- which runs STMT and returns 'ok', or, when STMT fails, the error as
--
--     SQLSTATE: message
--     DETAIL: detail      (when the error has one and with_detail is true)
--     HINT: hint          (when the error has one)
--
-- STMT runs in a subtransaction (the EXCEPTION block), so what it did is rolled
-- back when it fails, and the file goes on.  There is no C source location or
-- CONTEXT in the result, so it is the same on every build.  with_detail =>
-- false leaves out a DETAIL that holds values differing from run to run.
--
-- Echo is off from the second line on, so that the expected outputs show only
-- the \i line and the two lines that turn echo off; an error here still shows
-- (psql prints errors to stderr).
-- Each file drops the helper at its end: DROP FUNCTION try_sql(text, boolean).
CREATE OR REPLACE FUNCTION public.try_sql(stmt pg_catalog.text,
                                          with_detail pg_catalog.bool DEFAULT true)
RETURNS pg_catalog.text LANGUAGE plpgsql AS $try_sql$
DECLARE
    st  pg_catalog.text;
    msg pg_catalog.text;
    det pg_catalog.text;
    hnt pg_catalog.text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    IF NOT with_detail THEN
        det := NULL;
    END IF;
    RETURN st || ': ' || msg
           || coalesce(E'\nDETAIL: ' || nullif(det, ''), '')
           || coalesce(E'\nHINT: ' || nullif(hnt, ''), '');
END
$try_sql$;
\set ECHO :try_sql_echo
