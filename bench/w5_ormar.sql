\set p random(1, 100000)
\set c random(1, 1000)
SELECT ormar.add('post', :p::integer, 'categories', :c::integer);
