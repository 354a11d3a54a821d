-- test: portable first script
CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(20));
