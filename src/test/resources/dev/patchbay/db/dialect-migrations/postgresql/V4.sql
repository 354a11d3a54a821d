-- test: after the gap of V3, never read
INSERT INTO t VALUES (4, 'gap');
