#!/usr/bin/env bash
# Packaging for PGXN (issue 10 item 5): META.json agrees with the control file
# and the install scripts, and `make dist` makes a zip that holds the release
# and builds on its own.  Contract: see the top of .ci/test.
#
#   bash test/suites/dist.sh --setup   # installs git, python3, unzip if missing
#   bash test/suites/dist.sh           # last line: "N passed, N failed"
set -uo pipefail
if [ "${1:-}" = --setup ]; then
    missing=()
    command -v git >/dev/null || missing+=(git)
    command -v python3 >/dev/null || missing+=(python3-minimal)
    command -v unzip >/dev/null || missing+=(unzip)
    ((${#missing[@]} == 0)) && exit 0
    apt-get update -q && apt-get install -y -q "${missing[@]}"
    exit
fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else nok "$what"; fi; }

version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" ormar_pg.control)
check "control file has a default_version ($version)" test -n "$version"

# META.json: valid JSON, PGXN's required keys, versions and files that exist.
meta_check() {
    python3 - "$version" <<'PY'
import json, os, sys
version = sys.argv[1]
m = json.load(open("META.json"))
errors = []
for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
    if key not in m:
        errors.append("missing key " + key)
if m.get("name") != "ormar_pg":
    errors.append("name is %r" % m.get("name"))
if m.get("version") != version:
    errors.append("version %r, control says %r" % (m.get("version"), version))
if m.get("meta-spec", {}).get("version") != "1.0.0":
    errors.append("meta-spec version is not 1.0.0")
p = m.get("provides", {}).get("ormar_pg", {})
if p.get("version") != version:
    errors.append("provides.ormar_pg.version %r" % p.get("version"))
if p.get("file") != "ormar_pg--%s.sql" % version:
    errors.append("provides.ormar_pg.file %r" % p.get("file"))
for f in (p.get("file"), p.get("docfile")):
    if not f or not os.path.exists(f):
        errors.append("listed file %r does not exist" % f)
for e in errors:
    print("  " + e)
sys.exit(1 if errors else 0)
PY
}
check "META.json is valid PGXN metadata for version $version" meta_check

# The latest install script is the control's version; an update path reaches it.
check "ormar_pg--$version.sql exists" test -f "ormar_pg--$version.sql"
check "Makefile DATA lists ormar_pg--$version.sql" \
    grep -q "ormar_pg--$version.sql" Makefile

if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    echo "not a git checkout: make dist (git archive) cannot run here"
    echo "$pass passed, $fail failed"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ormar_pg_dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
zip=$tmp/ormar_pg-$version.zip
if make -s dist DIST_FILE="$zip" >"$tmp/dist.log" 2>&1 && [ -s "$zip" ]; then
    ok "make dist writes ormar_pg-$version.zip"
else
    nok "make dist writes ormar_pg-$version.zip"; cat "$tmp/dist.log"
fi
unzip -Z1 "$zip" >"$tmp/list" 2>/dev/null
for f in META.json README.md Makefile ormar_pg.control "ormar_pg--$version.sql" \
         ormar_pg--0.1.0.sql ormar_pg--0.1.0--0.2.0.sql src/ormar_pg.c; do
    check "archive holds ormar_pg-$version/$f" grep -qx "ormar_pg-$version/$f" "$tmp/list"
done
# Every committed file is in it, and nothing else (git archive of HEAD).
check "archive holds exactly the committed files" \
    diff <(git ls-tree -r --name-only HEAD | sed "s|^|ormar_pg-$version/|" | sort) \
         <(grep -v '/$' "$tmp/list" | sort)
# It builds on its own, outside the repository.
unzip -q "$zip" -d "$tmp/x"
if make -s -C "$tmp/x/ormar_pg-$version" -j2 PG_CONFIG="$(command -v pg_config)" \
        >"$tmp/build.log" 2>&1 && [ -f "$tmp/x/ormar_pg-$version/ormar_pg.so" ]; then
    ok "the unpacked archive builds with PGXS"
else
    nok "the unpacked archive builds with PGXS"; tail -n 30 "$tmp/build.log"
fi
echo "$pass passed, $fail failed"
