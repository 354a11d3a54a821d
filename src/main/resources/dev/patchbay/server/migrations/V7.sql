-- Patchbay server schema, version 7: one row the storage probe rewrites to check, after a disk-full or I/O error
-- episode, that the database can commit again (ADR 0091).
CREATE TABLE storage_probe (
    id INT PRIMARY KEY,
    probed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
