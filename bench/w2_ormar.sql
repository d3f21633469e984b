\set p random(1, 100000)
SELECT * FROM ormar.related('post', :p::integer, 'categories');
