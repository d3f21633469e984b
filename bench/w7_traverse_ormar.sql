SELECT count(*) FROM ormar.traverse('person', 1, 'employees');
