#!/usr/bin/env bash
# EXPLAIN of the statements fetch / fetch_many / related run (issue 12): a
# filtered, ordered and limited to-many include, and one without options,
# read the relation's foreign-key index (or the through table's key), never
# the whole table.  The plans are those PostgreSQL really executes inside the
# functions, shown by auto_explain (log_nested_statements) to the client.
# Contract: see the top of .ci/test (last line "N passed, N failed").
set -uo pipefail
if [ "${1:-}" = --setup ]; then
    exit 0
fi
db=ormar_explain_$$
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db" || { echo "0 passed, 1 failed"; exit 1; }
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
pass=0
fail=0

psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null 2>&1 <<'SQL' || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
CREATE EXTENSION ormar_pg;
SET client_min_messages = warning;
SELECT ormar.define_model('category', '{"id": {"type": "Integer", "primary_key": true},
                                        "name": {"type": "String", "max_length": 40}}');
SELECT ormar.define_model('post', '{"id": {"type": "Integer", "primary_key": true},
    "title": {"type": "String", "max_length": 100},
    "category": {"type": "ForeignKey", "to": "category", "related_name": "posts"}}');
SELECT ormar.define_model('tag', '{"id": {"type": "Integer", "primary_key": true},
                                   "name": {"type": "String", "max_length": 40}}');
SELECT ormar.many_to_many('post', 'tags', 'tag', through => 'post_tag',
    through_fields => '{"sort_order": {"type": "Integer"}}');
INSERT INTO category (id, name) SELECT g, 'category ' || g FROM generate_series(1, 1000) g;
INSERT INTO post (id, title, category) SELECT g, 'post ' || g, g % 1000 + 1 FROM generate_series(1, 30000) g;
INSERT INTO tag (id, name) SELECT g, 'tag ' || g FROM generate_series(1, 500) g;
INSERT INTO post_tag (post, tag, sort_order)
SELECT p, (p * 7 + k * 101) % 500 + 1, k FROM generate_series(1, 30000) p, generate_series(0, 2) k;
VACUUM ANALYZE;
SQL

# plan text of the statements run by the SQL in $1 (auto_explain, to the client)
plans() {
    psql -X -q -d "$db" 2>&1 >/dev/null <<SQL
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SELECT count(*) FROM ormar.fetch_many('category', ARRAY[1], '{posts}');   -- catalog warm-up
SELECT count(*) FROM ormar.fetch_many('post', ARRAY[1], '{tags}');
SET client_min_messages = log;
$1;
SQL
}

# check NAME SQL REGEX-THAT-MUST-MATCH REGEX-THAT-MUST-NOT
check() {
    local out
    out=$(plans "$2")
    if grep -Eq "$3" <<<"$out" && ! grep -Eq "$4" <<<"$out"; then
        pass=$((pass + 1))
        echo "ok - $1"
    else
        fail=$((fail + 1))
        echo "not ok - $1"
        sed 's/^/    /' <<<"$out"
    fi
}

check "filtered, ordered, limited to-many include reads the foreign-key index" \
    "SELECT count(*) FROM ormar.fetch_many('category', ARRAY[1, 2, 3], '{posts}', '{\"posts\": {\"filter\": {\"title__startswith\": \"post\"}, \"order_by\": [\"-id\"], \"limit\": 10}}')" \
    "Index Scan.*post_category_idx|Bitmap Index Scan on post_category_idx" \
    "Seq Scan on post "
check "to-many include without options reads the foreign-key index" \
    "SELECT count(*) FROM ormar.fetch_many('category', ARRAY[1, 2, 3], '{posts}')" \
    "Index Scan.*post_category_idx|Bitmap Index Scan on post_category_idx" \
    "Seq Scan on post "
check "many-to-many include with through filter and order reads the through table's key" \
    "SELECT count(*) FROM ormar.fetch_many('post', ARRAY[1, 2, 3], '{tags}', '{\"tags\": {\"filter\": {\"through__sort_order__lt\": 2}, \"order_by\": [\"-through__sort_order\"], \"limit\": 1}}')" \
    "Index (Only )?Scan.*post_tag_pkey|Bitmap Index Scan on post_tag_pkey" \
    "Seq Scan on post_tag"
check "related with filter, order and limit reads the foreign-key index" \
    "SELECT count(*) FROM ormar.related('category', 7, 'posts', '{\"filter\": {\"id__gt\": 100}, \"order_by\": [\"-id\"], \"limit\": 5}')" \
    "Index Scan.*post_category_idx|Bitmap Index Scan on post_category_idx" \
    "Seq Scan on post "
check "nested include (posts__tags) reads the foreign-key index, no table whole" \
    "SELECT count(*) FROM ormar.fetch('category', 5, '{posts__tags}', '{\"posts\": {\"limit\": 3}}')" \
    "post_category_idx" \
    "Seq Scan on (post|post_tag|tag) "
echo "$pass passed, $fail failed"
