SELECT count(node) FROM ormar.traverse('person', 1, 'employees');
