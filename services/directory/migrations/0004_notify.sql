-- Change notifications for the directory instances' in-memory index.
--
-- After every INSERT, UPDATE or DELETE statement on the directory's tables
-- this sends, on channel 'tarjotin_directory', one notification per
-- affected entity:
--
--   {"table": "activity_needs", "op": "insert", "entity": "activity",
--    "id": "6f1c...uuid"}
--
-- table  the table that changed;
-- op     insert | update | delete;
-- entity what to refresh: activity | organization | taxonomy_term |
--        municipality;
-- id     its id (uuid, term slug or municipality code).  For a join table
--        or a contact it is the owning activity or organisation.
--
-- A statement that touches more than 100 entities sends one notification
-- instead, with "id": null and "count": n, meaning "reload all of this
-- entity" (bulk loads, imports).  PostgreSQL delivers notifications at
-- commit, drops duplicates within a transaction, and never for a rolled
-- back one.  Changes to an activity's join tables also update the activity
-- row (see 0003), so they are announced for table 'activities' too.

CREATE FUNCTION directory_notify_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    rows_ jsonb[];
    ids   jsonb;       -- [[entity, id], ...] distinct
    n     integer;
    e     jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(to_jsonb(r)) INTO rows_ FROM new_rows AS r;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(to_jsonb(r)) INTO rows_ FROM old_rows AS r;
    ELSE
        SELECT array_agg(j) INTO rows_
        FROM (SELECT to_jsonb(r) AS j FROM new_rows AS r
              UNION ALL SELECT to_jsonb(r) FROM old_rows AS r) AS u;
    END IF;

    -- The arguments name the key columns, first non-null wins; the entity
    -- follows from the column (or, for 'id'/'code', from the table).
    SELECT jsonb_agg(DISTINCT k), count(DISTINCT k) INTO ids, n
    FROM (SELECT (SELECT jsonb_build_array(
                             CASE c
                                 WHEN 'activity_id' THEN 'activity'
                                 WHEN 'organization_id' THEN 'organization'
                                 WHEN 'term_id' THEN 'taxonomy_term'
                                 WHEN 'municipality_code' THEN 'municipality'
                                 ELSE CASE TG_TABLE_NAME
                                          WHEN 'activities' THEN 'activity'
                                          WHEN 'organizations' THEN 'organization'
                                          WHEN 'taxonomy_terms' THEN 'taxonomy_term'
                                          WHEN 'municipalities' THEN 'municipality'
                                          ELSE TG_TABLE_NAME
                                      END
                             END,
                             j ->> c)
                  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(c, pos)
                  WHERE j ->> c IS NOT NULL
                  ORDER BY pos
                  LIMIT 1) AS k
          FROM unnest(rows_) AS j) AS x
    WHERE k IS NOT NULL;

    IF n IS NULL OR n = 0 THEN
        RETURN NULL;
    END IF;
    IF n > 100 THEN
        FOR e IN SELECT DISTINCT v -> 0 FROM jsonb_array_elements(ids) AS v LOOP
            PERFORM pg_notify('tarjotin_directory',
                jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP),
                                   'entity', e, 'id', NULL,
                                   'count', (SELECT count(*) FROM jsonb_array_elements(ids) AS v
                                             WHERE v -> 0 = e))::text);
        END LOOP;
    ELSE
        FOR e IN SELECT v FROM jsonb_array_elements(ids) AS v LOOP
            PERFORM pg_notify('tarjotin_directory',
                jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP),
                                   'entity', e -> 0, 'id', e -> 1)::text);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

-- One trigger per table and event (PostgreSQL allows transition tables only
-- on single-event triggers).  The arguments are the key columns.
DO $$
DECLARE
    spec text[];
    specs text[] := ARRAY[
        ARRAY['organizations', 'id'],
        ARRAY['organization_maintainers', 'organization_id'],
        ARRAY['locations', 'organization_id'],
        ARRAY['activities', 'id'],
        ARRAY['activity_needs', 'activity_id'],
        ARRAY['activity_kinds', 'activity_id'],
        ARRAY['activity_target_groups', 'activity_id'],
        ARRAY['activity_municipalities', 'activity_id'],
        ARRAY['activity_languages', 'activity_id'],
        ARRAY['activity_locations', 'activity_id'],
        ARRAY['contacts', 'activity_id,organization_id'],
        ARRAY['taxonomy_terms', 'id'],
        ARRAY['municipalities', 'code']];
    args text;
BEGIN
    FOREACH spec SLICE 1 IN ARRAY specs LOOP
        SELECT string_agg(quote_literal(c), ', ') INTO args
        FROM unnest(string_to_array(spec[2], ',')) AS c;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_trigger(%s)',
                       spec[1] || '_notify_ins', spec[1], args);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows '
                       'OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_trigger(%s)',
                       spec[1] || '_notify_upd', spec[1], args);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION directory_notify_trigger(%s)',
                       spec[1] || '_notify_del', spec[1], args);
    END LOOP;
END
$$;
