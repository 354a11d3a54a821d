-- Patchbay server schema: the table the storage probe of a PostgreSQL episode fills to check that the database can
-- grow again, not only rewrite a row in a page it has (ADR 0127). Portable SQL; H2 probes its own files instead.
CREATE TABLE storage_space_probe (
    n INT NOT NULL
);
