-- Identity (issue 12): user sites and accounts grown to what sign-in needs,
-- the organisations an editor edits, one-time sign-in links and the audit
-- log.  docs/identity.md is the design.
--
-- The minimal user_sites and accounts of 0002 are reshaped, not replaced:
-- the column names follow docs/identity.md from here on.

ALTER TYPE account_role RENAME VALUE 'ngo_editor' TO 'editor';

-- A health centre or service unit.  idp: the key of a configured OpenID
-- provider (NULL: its staff sign in by e-mail link); idp_group: when set, a
-- professional belongs to the site when the ID token's group claim holds it,
-- otherwise the e-mail domain decides.
ALTER TABLE user_sites RENAME COLUMN county_key TO county;
ALTER TABLE user_sites ALTER COLUMN county SET NOT NULL;
ALTER TABLE user_sites
    ADD COLUMN idp text CHECK (idp ~ '^[a-z0-9-]{1,32}$'),
    ADD COLUMN idp_group text CHECK (length(idp_group) BETWEEN 1 AND 200),
    ADD CONSTRAINT user_sites_name_length CHECK (length(name) <= 200),
    ADD CONSTRAINT user_sites_domains CHECK (cardinality(email_domains) BETWEEN 1 AND 20);
CREATE INDEX user_sites_domains_idx ON user_sites USING gin (email_domains);

-- Only professionals belong to a user site, and every one of them does.
ALTER TABLE accounts RENAME COLUMN display_name TO name;
ALTER TABLE accounts RENAME COLUMN last_login_at TO last_signin_at;
ALTER TABLE accounts
    ADD COLUMN lang text NOT NULL DEFAULT 'fi' CHECK (lang IN ('fi', 'sv', 'en')),
    ADD COLUMN oidc_issuer text,
    ADD COLUMN oidc_subject text,
    ADD CONSTRAINT accounts_name_length CHECK (length(name) <= 200),
    ADD CONSTRAINT accounts_oidc UNIQUE (oidc_issuer, oidc_subject),
    ADD CONSTRAINT accounts_oidc_both CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    ADD CONSTRAINT accounts_site_of_professional
        CHECK ((role = 'professional') = (user_site_id IS NOT NULL));

-- The organisations an editor edits (editors only; the code keeps it so).
CREATE TABLE account_organizations (
    account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, organization_id)
);
CREATE INDEX account_organizations_org_idx ON account_organizations (organization_id);

-- One-time sign-in links.  Only the SHA-256 of the token is kept.  account_id
-- NULL: a professional of a site without an IdP, whose account is created at
-- first use.  Rows stay 7 days past expiry (so that a used or expired link
-- can be told from a wrong one), then the hourly purge removes them.
CREATE TABLE login_links (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    email        email_address NOT NULL CHECK (email = lower(email)),
    account_id   uuid REFERENCES accounts (id) ON DELETE CASCADE,
    user_site_id uuid REFERENCES user_sites (id) ON DELETE CASCADE,
    return_path  text NOT NULL DEFAULT '/' CHECK (return_path ~ '^/' AND length(return_path) <= 500),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    CHECK (account_id IS NOT NULL OR user_site_id IS NOT NULL)
);
CREATE INDEX login_links_expires_idx ON login_links (expires_at);

-- Who did what to which record, and when.  No personal data beyond masked
-- hints.  Append-only: see the trigger below.
CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_account uuid,
    actor_role    text NOT NULL
                  CHECK (actor_role IN ('anonymous', 'professional', 'editor', 'admin',
                                        'service', 'operator')),
    actor_hint    text NOT NULL DEFAULT '',
    session       text NOT NULL DEFAULT '',
    action        text NOT NULL CHECK (action ~ '^[a-z_.]{1,64}$'),
    target_type   text NOT NULL DEFAULT '',
    target_id     text NOT NULL DEFAULT '',
    detail        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object')
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account, id) WHERE actor_account IS NOT NULL;
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, id) WHERE target_id <> '';

-- UPDATE never; DELETE (and TRUNCATE) only in a transaction that set
-- tarjotin.audit_purge = 'on', which only the retention purge does.
CREATE FUNCTION audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('tarjotin.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A notification whose variables hold a secret (a sign-in link) keeps them
-- sealed like the recipient (vars stays '{}'); erased once the job is sent.
ALTER TABLE notifications ADD COLUMN vars_enc bytea;
