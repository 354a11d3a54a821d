-- test: the dialect's own spelling
INSERT INTO t VALUES (2, 'dialect');
