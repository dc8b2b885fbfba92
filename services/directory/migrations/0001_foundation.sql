-- The foundation: what every later migration may rely on.
-- (schema_migrations itself is created by the directory before it applies
-- the first file.)

-- One row per directory instance that has started, for operators: which
-- instances ran against this database, and when they last started.
CREATE TABLE directory_instances (
    instance   text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now()
);
