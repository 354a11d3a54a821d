-- test: the portable spelling
INSERT INTO t VALUES (2, 'portable');
