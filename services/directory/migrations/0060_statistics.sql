-- Issue 15: statistics (docs/statistics.md).  The funder role, a user
-- site's contact address (surveys to user sites) and the follow-up
-- surveys.  Usage statistics themselves live in the schema "stats", which
-- only tarjotin-stats writes (services/stats/migrations).

-- A funder or county: read-only statistics.  (ADD VALUE may run in a
-- transaction; the value is not used in this one.)
ALTER TYPE account_role ADD VALUE IF NOT EXISTS 'funder';

ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_role_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_role_check
    CHECK (actor_role IN ('anonymous', 'professional', 'editor', 'admin', 'funder',
                          'service', 'operator'));

-- Where a survey to a user site goes (optional; set by the admin).
ALTER TABLE user_sites ADD COLUMN contact_email email_address
    CHECK (contact_email = lower(contact_email));

CREATE TYPE survey_audience AS ENUM ('organizations', 'user_sites');
CREATE TYPE survey_status AS ENUM ('draft', 'sent', 'closed');

-- A follow-up survey ("seurantakysely").  Texts are {fi, sv, en} objects.
CREATE TABLE surveys (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title      jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object' AND title ? 'fi'),
    intro      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(intro) = 'object'),
    audience   survey_audience NOT NULL,
    status     survey_status NOT NULL DEFAULT 'draft',
    created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    closed_at  timestamptz,
    CHECK ((status = 'draft') = (sent_at IS NULL))
);

CREATE TABLE survey_questions (
    survey_id uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    id        text NOT NULL CHECK (id ~ '^q([1-9]|10)$'),
    position  smallint NOT NULL CHECK (position BETWEEN 1 AND 10),
    type      text NOT NULL CHECK (type IN ('scale', 'text')),
    text      jsonb NOT NULL CHECK (jsonb_typeof(text) = 'object' AND text ? 'fi'),
    required  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (survey_id, id),
    UNIQUE (survey_id, position)
);

-- One row per recipient (an organisation or a user site) with its answer
-- link: only the SHA-256 of the token is kept.  answered_at: the link is
-- used.
CREATE TABLE survey_recipients (
    token_hash      bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    survey_id       uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    user_site_id    uuid REFERENCES user_sites (id) ON DELETE CASCADE,
    name            text NOT NULL,            -- the organisation's or site's name at sending
    lang            text NOT NULL DEFAULT 'fi' CHECK (lang IN ('fi', 'sv', 'en')),
    sent_at         timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz,
    CHECK ((organization_id IS NULL) <> (user_site_id IS NULL))
);
CREATE UNIQUE INDEX survey_recipients_org_idx ON survey_recipients (survey_id, organization_id)
    WHERE organization_id IS NOT NULL;
CREATE UNIQUE INDEX survey_recipients_site_idx ON survey_recipients (survey_id, user_site_id)
    WHERE user_site_id IS NOT NULL;

-- The answers: one per recipient (the link), never who typed them.
-- value: a number 1..5 (scale) or a string (text).
CREATE TABLE survey_answers (
    survey_id   uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL REFERENCES survey_recipients (token_hash) ON DELETE CASCADE,
    question_id text NOT NULL,
    value       jsonb NOT NULL CHECK (jsonb_typeof(value) IN ('number', 'string')),
    lang        text NOT NULL DEFAULT 'fi' CHECK (lang IN ('fi', 'sv', 'en')),
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_hash, question_id),
    FOREIGN KEY (survey_id, question_id) REFERENCES survey_questions (survey_id, id)
);
CREATE INDEX survey_answers_survey_idx ON survey_answers (survey_id, question_id);
