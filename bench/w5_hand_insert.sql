\set p random(1, 100000)
\set c random(1, 1000)
INSERT INTO post_categories (post, category) VALUES (:p, :c) ON CONFLICT DO NOTHING;
