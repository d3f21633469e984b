\set s random(1, 99901)
SELECT * FROM ormar.fetch_many('post', ARRAY(SELECT generate_series(:s, :s + 99)), '{categories}');
