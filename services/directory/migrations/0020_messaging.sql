-- Messaging (issue 4): every message Tarjotin sends is a notification row;
-- a write that must cause one inserts it and its outbox row in one
-- transaction.  The outbox relay (services/directory/outbox.c) moves outbox
-- rows to the Redis Stream tj:notify; notify reports back on
-- tj:notify:status, which the directory applies here.
--
-- The recipient is stored only sealed (libsodium secretbox under
-- TARJOTIN_DATA_KEY) and as a masked hint ("+35840*****67",
-- "m***@example.org"), the only form that may appear in logs and lists.

CREATE TABLE notifications (
    job_id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
    template        text NOT NULL CHECK (template ~ '^[a-z0-9_]{1,64}$'),
    lang            text NOT NULL CHECK (lang IN ('fi', 'sv', 'en')),
    recipient_enc   bytea NOT NULL,
    recipient_hint  text NOT NULL,
    vars            jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    provider_id     text,
    idempotency_key text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    delivered_at    timestamptz
);

CREATE INDEX notifications_created ON notifications (created_at DESC, job_id);
CREATE INDEX notifications_dead ON notifications (updated_at DESC) WHERE status = 'dead';
CREATE INDEX notifications_provider ON notifications (provider_id) WHERE provider_id IS NOT NULL;

-- seq is the stream sequence the relay gives a row just before its XADD
-- (stream ID "<seq>-1").  It is not the id: ids are drawn at insert but
-- committed in any order, and a stream only takes increasing IDs, so a row
-- committed late with a small id would be refused as "already relayed".
-- The single relay draws seqs in the order it relays, so a refusal of an
-- XADD for a row's own seq really means that row is on the stream already.
CREATE SEQUENCE outbox_seq;

CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES notifications (job_id) ON DELETE CASCADE,
    seq         bigint UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    relayed_at  timestamptz
);

CREATE INDEX outbox_unrelayed ON outbox (seq NULLS LAST, id) WHERE relayed_at IS NULL;
CREATE INDEX outbox_job ON outbox (job_id);
