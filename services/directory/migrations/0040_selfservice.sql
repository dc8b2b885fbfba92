-- NGO self-service (issue 13, docs/selfservice.md): registration and
-- approval, versions for optimistic concurrency, field-level history, the
-- twice-yearly review (freshness, review messages, one-click links, the
-- scheduler's runs).

-- ---------------------------------------------------------------------------
-- Organisations: registration and editing
-- ---------------------------------------------------------------------------

-- version: +1 at every save of the profile (the ETag).  registered_lang:
-- the language the proposer used (the e-mails about the registration).
-- terms_version / terms_accepted_at: what the proposer accepted, when.
-- decided_at / decided_by: the admin's approval or rejection (status_note
-- holds a rejection's reason).
ALTER TABLE organizations
    ADD COLUMN version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN registered_lang   text NOT NULL DEFAULT 'fi' CHECK (registered_lang IN ('fi', 'sv', 'en')),
    ADD COLUMN terms_version     text CHECK (terms_version ~ '^[0-9]{4}-[0-9]{2}$'),
    ADD COLUMN terms_accepted_at timestamptz,
    ADD COLUMN decided_at        timestamptz,
    ADD COLUMN decided_by        uuid REFERENCES accounts (id) ON DELETE SET NULL;

-- The municipalities an organisation works in (registration, profile).
CREATE TABLE organization_municipalities (
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    municipality_code text NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (organization_id, municipality_code)
);
CREATE INDEX organization_municipalities_code_idx
    ON organization_municipalities (municipality_code, organization_id);

-- ---------------------------------------------------------------------------
-- Activities: versions and freshness
-- ---------------------------------------------------------------------------

-- current: verified within the review period (or not yet overdue enough);
-- unverified: not confirmed TARJOTIN_REVIEW_UNVERIFIED_DAYS after due (a
-- badge, a lower rank); hidden: TARJOTIN_REVIEW_HIDDEN_DAYS after due (out
-- of the professional search, kept).  Only the scheduler moves an activity
-- away from 'current'; a confirmation or an editor's save brings it back.
CREATE TYPE activity_freshness AS ENUM ('current', 'unverified', 'hidden');

ALTER TABLE activities
    ADD COLUMN version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN freshness    activity_freshness NOT NULL DEFAULT 'current',
    ADD COLUMN published_at timestamptz;
CREATE INDEX activities_review_idx ON activities (assured_date) WHERE status = 'published';

-- updated_at means "the content changed": a freshness change by the
-- scheduler is not one (nor a new search_doc, as before).
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
       AND (to_jsonb(NEW) - 'updated_at' - 'search_doc' - 'freshness')
           IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at' - 'search_doc' - 'freshness') THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Field-level history
-- ---------------------------------------------------------------------------

-- One row per changed field of a save: who, when, old -> new (the field's
-- JSON value in the editing document, docs/selfservice.md).  Written in
-- the save's transaction.  Append-only like the audit log (no purge: the
-- history of a public record is not personal data beyond the editor's
-- account, which ON DELETE SET NULL drops).
CREATE TABLE change_history (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    target_type   text NOT NULL CHECK (target_type IN ('activity', 'organization', 'taxonomy_term')),
    target_id     text NOT NULL CHECK (target_id <> ''),
    version       integer NOT NULL CHECK (version >= 1), -- the version the save made
    actor_account uuid REFERENCES accounts (id) ON DELETE SET NULL,
    actor_role    text NOT NULL,
    field         text NOT NULL CHECK (field ~ '^[a-z_]{1,40}$'),
    old_value     jsonb,
    new_value     jsonb
);
CREATE INDEX change_history_target_idx ON change_history (target_type, target_id, id DESC);

CREATE FUNCTION change_history_append_only() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tarjotin.history_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'change_history is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER change_history_append_only BEFORE UPDATE OR DELETE ON change_history
    FOR EACH ROW EXECUTE FUNCTION change_history_append_only();
CREATE TRIGGER change_history_no_truncate BEFORE TRUNCATE ON change_history
    FOR EACH STATEMENT EXECUTE FUNCTION change_history_append_only();

-- ---------------------------------------------------------------------------
-- The review
-- ---------------------------------------------------------------------------

-- What the scheduler did for an activity's review cycle: the cycle is
-- identified by its due date (assured_date + TARJOTIN_REVIEW_MONTHS), the
-- stage is 'request', 'reminder_<days after due>', 'unverified' or
-- 'hidden'.  The primary key makes every stage happen once per cycle,
-- whichever instance runs it and however often.  sim_at is the scheduler's
-- clock (moved in tests), at the real time.
CREATE TABLE review_events (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    due         date NOT NULL,
    stage       text NOT NULL CHECK (stage ~ '^(request|reminder_[0-9]{1,3}|unverified|hidden)$'),
    sim_at      timestamptz NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    recipients  integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
    PRIMARY KEY (activity_id, due, stage)
);
CREATE INDEX review_events_sim_at_idx ON review_events (sim_at);

-- One-click "still correct" links: bound to the activity and the version
-- it confirms, single use, expiring.  Only the SHA-256 of the token is
-- kept (as for login links).  email: whom it was sent to, the assurer when
-- it is used; account_id NULL when it went to the organisation's own
-- address (no editor accounts).  Times on the scheduler's clock.  Purged
-- 30 days after expiry by the housekeeping.
CREATE TABLE review_links (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    version     integer NOT NULL CHECK (version >= 1),
    due         date NOT NULL,
    account_id  uuid REFERENCES accounts (id) ON DELETE CASCADE,
    email       email_address NOT NULL CHECK (email = lower(email)),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX review_links_activity_idx ON review_links (activity_id);
CREATE INDEX review_links_expires_idx ON review_links (expires_at);

-- The last completed round of each scheduled job: 'review'.  as_of is the
-- scheduler's clock when the round began (tests wait for it to pass the
-- time they set), finished_at the real time it ended.
CREATE TABLE scheduler_runs (
    job         text PRIMARY KEY CHECK (job ~ '^[a-z_]{1,40}$'),
    as_of       timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    instance    text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'
);
