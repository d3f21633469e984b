#!/usr/bin/env bash
# Stress, crash and fuzz checks, shortened (issue 8 item 8; full runs: see the
# README section "Stress, crash and fuzz checks").  Last line "N passed, N failed",
# the sum of the three scripts' own counts:
#   test/stress/load.sh   16 clients x 20 s of every proxy + invariants, then a
#                         declarer vs 4 readers for 15 s + consistency
#   test/stress/crash.sh  kill -9 twice in each of define_models / add batch /
#                         declaration, in a cluster of its own + consistency
#   test/stress/fuzz.sh   1500 random calls over every ormar.* function, fixed seed
# Knobs (environment): ORMAR_STRESS_SCALE=N multiplies durations, kills and calls;
# ORMAR_STRESS_CHECK_DECLARE_RACE, ORMAR_STRESS_CHECK_KEPT_THROUGH and
# ORMAR_FUZZ_CHECK_FINDINGS count their checks by default (=1); =0 prints the
# figures without counting them.
set -uo pipefail
[ "${1:-}" = --setup ] && exit 0    # pgbench, psql and initdb come with PostgreSQL
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
PATH=$(pg_config --bindir):$PATH
s=${ORMAR_STRESS_SCALE:-1}
PASS=0
FAIL=0
run() {   # name command...
    local out last
    echo "## $1"
    out=$("${@:2}" 2>&1)
    echo "$out"
    last=$(tail -n 1 <<<"$out")
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        PASS=$((PASS + BASH_REMATCH[1]))
        FAIL=$((FAIL + BASH_REMATCH[2]))
    else
        echo "not ok - $1 ended without its summary line"
        FAIL=$((FAIL + 1))
    fi
}
run load bash test/stress/load.sh --clients 16 --duration $((20 * s)) --readers 4 \
    --decl-duration $((15 * s)) --rows 2000 --db ormar_stress_suite
run crash bash test/stress/crash.sh --kills $((2 * s))
run fuzz bash test/stress/fuzz.sh --calls $((1500 * s)) --db ormar_fuzz_suite
echo "$PASS passed, $FAIL failed"
exit $((FAIL > 0))
