-- The statistics schema (issue 15, docs/statistics.md section 3).  Applied by
-- tarjotin-stats as its own role (tarjotin_stats), which owns the schema
-- "stats"; no other service writes here, and stats reads nothing else.

-- The day's counters, rolled up from Redis (tj:stats:<day>): a field
-- "metric|d1|d2|d3" is one row.  n only grows (GREATEST on upsert).
CREATE TABLE stats.daily (
    day    date NOT NULL,
    metric text NOT NULL CHECK (metric ~ '^[a-z_]{1,32}$'),
    d1     text NOT NULL DEFAULT '',
    d2     text NOT NULL DEFAULT '',
    d3     text NOT NULL DEFAULT '',
    n      bigint NOT NULL CHECK (n >= 0),
    PRIMARY KEY (day, metric, d1, d2, d3)
);
CREATE INDEX daily_metric_idx ON stats.daily (metric, day);

-- Distinct visits of a day per user site ('-': not signed in, 'all'):
-- PFCOUNT of the day's HyperLogLog and its bytes (to seed a Redis that
-- lost them).
CREATE TABLE stats.sessions (
    day  date NOT NULL,
    site text NOT NULL,
    n    bigint NOT NULL CHECK (n >= 0),
    hll  bytea,
    PRIMARY KEY (day, site)
);

-- The directory's contact-request events, each once (its own id): kinds,
-- times and anonymous dimensions only.
CREATE TABLE stats.cr_events (
    id               uuid PRIMARY KEY,
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    at               timestamptz NOT NULL,
    day              date NOT NULL,            -- Helsinki day of at
    county           text NOT NULL DEFAULT '',
    kinds            text[] NOT NULL DEFAULT '{}',
    needs            text[] NOT NULL DEFAULT '{}',
    user_site        text NOT NULL DEFAULT '',
    organization     text NOT NULL DEFAULT '',
    activity         text NOT NULL DEFAULT '',
    days             integer NOT NULL DEFAULT -1,
    reaction_minutes integer NOT NULL DEFAULT -1
);
CREATE INDEX cr_events_day_idx ON stats.cr_events (day, kind);

-- The directory's coverage document (docs/statistics.md section 5), the
-- last one of each day.
CREATE TABLE stats.coverage (
    day      date PRIMARY KEY,
    taken_at timestamptz NOT NULL,
    doc      jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object')
);
