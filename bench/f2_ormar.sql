\set s random(1, 9901)
SELECT * FROM ormar.fetch_many('department', ARRAY(SELECT generate_series(:s, :s + 99)), '{courses__students}');
