# Shared by test/stress/{load,crash,fuzz}.sh: the catalog consistency check.
# run_consistency LABEL PSQL-COMMAND...  runs test/stress/consistency.sql with
# the given psql command (connection included), counts every check in PASS /
# FAIL, prints the failing ones and the skipped ones.
run_consistency() {
    local label=$1 out want got skipped
    shift
    out=$("$@" -X -q -v check_kept_through="${ORMAR_STRESS_CHECK_KEPT_THROUGH:-1}" \
        -f "$STRESS_DIR/consistency.sql" 2>&1)
    want=$(grep -c '^SELECT pg_temp.cchk(' "$STRESS_DIR/consistency.sql")
    skipped=$(grep -c '^skip ' <<<"$out")
    want=$((want - skipped))
    got=$(grep -c '^ok ' <<<"$out")
    PASS=$((PASS + got))
    FAIL=$((FAIL + want - got))
    if ((got == want)); then
        echo "ok - $label: catalog consistent ($want checks)"
    else
        echo "not ok - $label: catalog consistent ($got of $want checks; $((want - got)) counted as failed)"
        grep -v '^ok \|^skip \|^note ' <<<"$out" | head -n 20 | sed 's/^/#   /'
    fi
    grep '^skip \|^note ' <<<"$out" | sed 's/^/#   /'
}
