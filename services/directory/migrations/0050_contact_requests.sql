-- Contact requests (issue 14, docs/contactrequests.md): the professional's
-- request with the client's consent, the tray (one send to several
-- activities), the NGO's inbox, the client's receipt and withdrawal, the
-- promise in working days, reminders and escalation, erasure, and the
-- anonymous events the statistics count.
--
-- Client contact data lives only in contact_requests.client_enc: sealed
-- (XChaCha20-Poly1305 under a key derived from TARJOTIN_DATA_KEY) with the
-- request's id as associated data, NULL once erased.  phone_mac is a keyed
-- hash of the phone (to match a stop word replied by SMS), NULL once
-- erased.  Nothing else in any table holds client contact data.

-- ---------------------------------------------------------------------------
-- Working days in Finland (Europe/Helsinki dates)
-- ---------------------------------------------------------------------------

-- Easter Sunday of year y (the anonymous Gregorian algorithm).
CREATE FUNCTION easter_sunday(y integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    a integer := y % 19;
    b integer := y / 100;
    c integer := y % 100;
    d integer := b / 4;
    e integer := b % 4;
    f integer := (b + 8) / 25;
    g integer := (b - f + 1) / 3;
    h integer := (19 * a + b - d - g + 15) % 30;
    i integer := c / 4;
    k integer := c % 4;
    l integer := (32 + 2 * e + 2 * i - h - k) % 7;
    m integer := (a + 11 * h + 22 * l) / 451;
    mon integer := (h + l - 7 * m + 114) / 31;
    day integer := ((h + l - 7 * m + 114) % 31) + 1;
BEGIN
    RETURN make_date(y, mon, day);
END $$;

-- Whether d is a Finnish public holiday or a de-facto day off that falls on
-- a weekday: New Year's Day, Epiphany, Good Friday, Easter Monday, May Day,
-- Ascension Day, Midsummer Eve (the Friday between 19 and 25 June),
-- Independence Day, Christmas Eve, Christmas Day and St Stephen's Day.  The
-- holidays that always fall on a Saturday or Sunday (Easter Sunday,
-- Whitsun, Midsummer Day, All Saints' Day) are weekend days anyway.
CREATE FUNCTION fi_holiday(d date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_char(d, 'MM-DD') IN ('01-01', '01-06', '05-01', '12-06', '12-24', '12-25', '12-26')
        OR d IN (easter_sunday(extract(year FROM d)::integer) - 2,
                 easter_sunday(extract(year FROM d)::integer) + 1,
                 easter_sunday(extract(year FROM d)::integer) + 39)
        OR (extract(month FROM d) = 6 AND extract(day FROM d) BETWEEN 19 AND 25
            AND extract(isodow FROM d) = 5)
$$;

CREATE FUNCTION fi_working_day(d date) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT extract(isodow FROM d) < 6 AND NOT fi_holiday(d)
$$;

-- The n-th working day after d (d itself never counts); n >= 0 (0: d).
CREATE FUNCTION fi_add_working_days(d date, n integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    x date := d;
    left_ integer := n;
BEGIN
    IF n < 0 OR n > 3660 THEN
        RAISE EXCEPTION 'fi_add_working_days: n out of range: %', n;
    END IF;
    WHILE left_ > 0 LOOP
        x := x + 1;
        IF fi_working_day(x) THEN
            left_ := left_ - 1;
        END IF;
    END LOOP;
    RETURN x;
END $$;

-- Working days in (a, b]: 0 when b <= a.
CREATE FUNCTION fi_working_days_between(a date, b date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT count(*)::integer FROM generate_series(a + 1, b, interval '1 day') g(x)
    WHERE b > a AND fi_working_day(g.x::date)
$$;

-- The end of the promise: midnight (Europe/Helsinki) after the n-th
-- working day after the day 'sent' falls on.
CREATE FUNCTION cr_promise_end(sent timestamptz, n integer) RETURNS timestamptz
LANGUAGE sql STABLE STRICT AS $$
    SELECT ((fi_add_working_days((sent AT TIME ZONE 'Europe/Helsinki')::date, n) + 1)::timestamp)
           AT TIME ZONE 'Europe/Helsinki'
$$;

-- ---------------------------------------------------------------------------
-- Consent
-- ---------------------------------------------------------------------------

-- The consent text the professional shows the client, versioned; a request
-- stores the version it was given under.  The newest version (by
-- valid_from) is the current one; every version has fi, sv and en.
CREATE TABLE consent_texts (
    version    text NOT NULL CHECK (version ~ '^[0-9]{4}-[0-9]{2}(-[a-z0-9]{1,8})?$'),
    lang       text NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    body       text NOT NULL CHECK (length(body) BETWEEN 20 AND 2000),
    valid_from timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (version, lang)
);

INSERT INTO consent_texts (version, lang, body, valid_from) VALUES
('2026-12', 'fi',
 'Asiakas on antanut luvan siihen, että hänen nimensä ja yhteystietonsa (puhelinnumero ja/tai '
 'sähköposti) sekä mahdollinen lisätieto välitetään valituille järjestöille, jotta ne voivat ottaa '
 'häneen yhteyttä. Asiakas saa kuittauksen tekstiviestinä tai sähköpostina ja voi perua pyynnön '
 'milloin tahansa. Tiedot poistetaan automaattisesti, kun pyyntö on käsitelty.',
 '2026-12-01T00:00:00+02'),
('2026-12', 'sv',
 'Klienten har gett sitt samtycke till att hens namn och kontaktuppgifter (telefonnummer och/eller '
 'e-post) samt eventuell tilläggsinformation förmedlas till de valda organisationerna så att de kan '
 'kontakta hen. Klienten får en kvittering per sms eller e-post och kan när som helst återkalla '
 'begäran. Uppgifterna raderas automatiskt när begäran har behandlats.',
 '2026-12-01T00:00:00+02'),
('2026-12', 'en',
 'The client has consented to their name and contact details (phone number and/or e-mail) and any '
 'note being passed to the chosen organisations so that they can contact the client. The client '
 'gets a receipt by SMS or e-mail and may withdraw the request at any time. The data is erased '
 'automatically once the request has been dealt with.',
 '2026-12-01T00:00:00+02');

-- ---------------------------------------------------------------------------
-- Requests
-- ---------------------------------------------------------------------------

CREATE TYPE contact_request_status AS ENUM
    ('sent', 'opened', 'contacted', 'unreachable', 'declined', 'closed', 'withdrawn', 'expired');

-- One send by a professional: one client, one consent, one receipt, one
-- withdraw link, one or more requests (the tray).  (account_id,
-- idempotency_key) makes a double click or a retry one send: body_hash is
-- the SHA-256 of the canonical body (the same key with another body is
-- refused), reply the 201 body answered again.  reply holds no contact
-- data (the receipt's address only as a masked hint).
CREATE TABLE contact_request_batches (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id      uuid NOT NULL REFERENCES accounts (id),
    user_site_id    uuid NOT NULL REFERENCES user_sites (id),
    idempotency_key text NOT NULL CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
    body_hash       bytea NOT NULL CHECK (length(body_hash) = 32),
    withdraw_hash   bytea UNIQUE CHECK (length(withdraw_hash) = 32),
    receipt_channel text NOT NULL CHECK (receipt_channel IN ('sms', 'email')),
    lang            text NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    consent_version text NOT NULL,
    consent_at      timestamptz NOT NULL,
    sent_at         timestamptz NOT NULL,         -- the scheduler's clock
    withdrawn_at    timestamptz,
    reply           jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, idempotency_key)
);
CREATE INDEX contact_request_batches_account_idx ON contact_request_batches (account_id, sent_at DESC);

-- One request to one activity.  client_enc: sealed JSON
-- {"first_name","phone","email","note"} (AD: the id), NULL once erased.
-- due_1..due_3: the promise's end and its two escalations (the multiples
-- of TARJOTIN_CR_ESCALATE), fixed at send.  purge_at: when the client data
-- goes (expires_at for an untouched request; the end + retention
-- otherwise).  need / municipality_code: the search the professional came
-- from (or the activity's first), for offering alternatives.  Times on the
-- scheduler's clock.
CREATE TABLE contact_requests (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    batch_id          uuid NOT NULL REFERENCES contact_request_batches (id),
    activity_id       uuid NOT NULL REFERENCES activities (id),
    organization_id   uuid NOT NULL REFERENCES organizations (id),
    account_id        uuid NOT NULL REFERENCES accounts (id),
    user_site_id      uuid NOT NULL REFERENCES user_sites (id),
    channel           text NOT NULL CHECK (channel IN ('call', 'sms', 'email')),
    lang              text NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    client_enc        bytea,
    phone_mac         bytea CHECK (length(phone_mac) = 32),
    has_phone         boolean NOT NULL,
    has_email         boolean NOT NULL,
    has_note          boolean NOT NULL DEFAULT false,
    consent_version   text NOT NULL,
    consent_at        timestamptz NOT NULL,
    status            contact_request_status NOT NULL DEFAULT 'sent',
    decline_reason    text CHECK (length(decline_reason) <= 500),
    response_days     smallint NOT NULL CHECK (response_days BETWEEN 1 AND 30),
    need              text,
    municipality_code text REFERENCES municipalities (code),
    sent_at           timestamptz NOT NULL,
    opened_at         timestamptz,
    first_reaction_at timestamptz,
    outcome_at        timestamptz,
    closed_at         timestamptz,
    withdrawn_at      timestamptz,
    expired_at        timestamptz,
    erased_at         timestamptz,
    due_1             timestamptz NOT NULL,
    due_2             timestamptz NOT NULL,
    due_3             timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    purge_at          timestamptz NOT NULL,
    version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((client_enc IS NULL) = (erased_at IS NOT NULL)),
    CHECK (erased_at IS NULL OR phone_mac IS NULL),
    CHECK (status <> 'declined' OR decline_reason IS NOT NULL)
);
CREATE INDEX contact_requests_org_idx ON contact_requests (organization_id, sent_at DESC);
CREATE INDEX contact_requests_account_idx ON contact_requests (account_id, sent_at DESC);
CREATE INDEX contact_requests_batch_idx ON contact_requests (batch_id);
CREATE INDEX contact_requests_activity_idx ON contact_requests (activity_id, first_reaction_at DESC);
CREATE INDEX contact_requests_phone_idx ON contact_requests (phone_mac) WHERE phone_mac IS NOT NULL;
CREATE INDEX contact_requests_open_idx ON contact_requests (due_1)
    WHERE first_reaction_at IS NULL AND status IN ('sent', 'opened');
CREATE INDEX contact_requests_purge_idx ON contact_requests (purge_at) WHERE erased_at IS NULL;

-- The messages a request caused, so that erasure can also empty the ones
-- that went to the client (kind 'receipt', 'unreachable',
-- 'withdrawn_client'), and so that "my requests" can tell what was sent.
-- A batch's receipt is linked to every request of the batch.
CREATE TABLE contact_request_messages (
    request_id uuid NOT NULL REFERENCES contact_requests (id),
    job_id     uuid NOT NULL REFERENCES notifications (job_id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    to_client  boolean NOT NULL,
    PRIMARY KEY (request_id, job_id)
);
CREATE INDEX contact_request_messages_job_idx ON contact_request_messages (job_id);

-- Every step of every request: the status history the professional and
-- the NGO see, the stages the scheduler did (each once: the unique index),
-- and the anonymous events the statistics count (pushed_at: when the relay
-- handed it to stats).  No personal data: actor_role only, detail holds
-- e.g. {"days": 3} or {"multiple": 2}, never a reason text or an address.
CREATE TABLE contact_request_events (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id  uuid NOT NULL REFERENCES contact_requests (id),
    kind        text NOT NULL CHECK (kind IN (
                    'sent', 'opened', 'contacted', 'unreachable', 'declined', 'closed',
                    'withdrawn', 'expired', 'erased', 'reminder', 'escalated_maintainers',
                    'escalated_admin', 'professional_told')),
    at          timestamptz NOT NULL,                 -- the scheduler's clock
    actor_role  text NOT NULL CHECK (actor_role IN ('professional', 'editor', 'admin', 'client',
                                                    'scheduler')),
    detail      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    pushed_at   timestamptz
);
CREATE INDEX contact_request_events_request_idx ON contact_request_events (request_id, at);
CREATE INDEX contact_request_events_unpushed_idx ON contact_request_events (created_at)
    WHERE pushed_at IS NULL;
CREATE UNIQUE INDEX contact_request_events_stage_once ON contact_request_events (request_id, kind)
    WHERE kind IN ('sent', 'opened', 'reminder', 'escalated_maintainers', 'escalated_admin',
                   'professional_told', 'withdrawn', 'expired', 'erased');

-- Incoming SMS (the provider's MO webhook), by the provider's id, so that a
-- retried webhook is applied once.  No number, no text: what it did only.
CREATE TABLE sms_incoming (
    provider_id text PRIMARY KEY CHECK (length(provider_id) BETWEEN 1 AND 64),
    received_at timestamptz NOT NULL DEFAULT now(),
    stop_word   boolean NOT NULL,
    withdrawn   integer NOT NULL DEFAULT 0 CHECK (withdrawn >= 0)
);

-- ---------------------------------------------------------------------------
-- The observed response time on the card
-- ---------------------------------------------------------------------------

-- Working days from sending to the first reaction, median of the last 20
-- answered requests, once there are at least 5 (days NULL before; n counts
-- from the first answer).  Updated in the transaction of every first
-- reaction; the detail shows it instead of the self-declared
-- response_days.  A table of its own, not columns of activities: an answer
-- is not an edit of the activity, so it must neither move updated_at
-- (HSDS last_modified, modified_after) nor wake every instance's search
-- index, which does not carry it.
CREATE TABLE activity_response_times (
    activity_id uuid PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    days        smallint CHECK (days BETWEEN 0 AND 366),
    n           smallint NOT NULL CHECK (n >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
