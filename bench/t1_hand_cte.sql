WITH RECURSIVE w(id, depth) AS (
    SELECT id, 0 FROM person WHERE id = 1
  UNION ALL
    SELECT p.id, w.depth + 1 FROM w JOIN person p ON p.supervisor = w.id
)
SELECT count(x.node) FROM (SELECT w.depth, to_jsonb(p) AS node FROM w JOIN person p ON p.id = w.id
                            ORDER BY w.depth, p.id) x;
