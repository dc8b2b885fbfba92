-- The directory's data model, aligned with Open Referral HSDS 3.0
-- (organization, service = "activity", taxonomy / taxonomy_term,
-- service_area, language, contact, location, service_at_location) plus the
-- Finnish specifics of DESIGN.md section 3.
--
-- Conventions: organisations and activities (and everything users create)
-- have uuid keys from gen_random_uuid(); reference data (counties,
-- municipalities, taxonomy terms) has stable natural keys that appear in
-- URLs and the API: county 'PS', municipality '749', term 'memory'.
-- Every table with updated_at has a trigger that keeps it current.
-- Applied inside one transaction by the directory (no BEGIN/COMMIT here).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---------------------------------------------------------------------------
-- Types and validating functions
-- ---------------------------------------------------------------------------

CREATE TYPE organization_frame AS ENUM
    ('federation', 'district', 'association', 'branch', 'club', 'group', 'other');
CREATE TYPE organization_status AS ENUM ('pending', 'approved', 'rejected', 'archived');
CREATE TYPE activity_status AS ENUM ('draft', 'published', 'paused', 'archived');
-- Where an activity is available: the municipalities listed in
-- activity_municipalities, one whole county (activities.area_county), the
-- whole country, or online only (no place).
CREATE TYPE area_type AS ENUM ('municipalities', 'county', 'nationwide', 'online');
CREATE TYPE account_role AS ENUM ('professional', 'ngo_editor', 'admin');

-- An e-mail address as we store it: one address, no spaces, no CR/LF (it may
-- end up in a mail header), at most 254 characters.  Case is kept; tables
-- that key on an address also require it in lower case.
CREATE DOMAIN email_address AS text
    CHECK (length(VALUE) <= 254
           AND VALUE ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+\.[^@[:space:][:cntrl:]]+$');

-- A telephone number as people write it: +358 40 1234567, 050 555 1234.
CREATE DOMAIN phone_number AS text
    CHECK (VALUE ~ '^\+?[0-9][0-9 ()-]{4,22}[0-9]$');

-- True when 'id' is a Finnish business id (Y-tunnus) 'NNNNNNN-C' whose check
-- digit is right: weights 7,9,10,5,8,4,2; remainder 0 gives check digit 0,
-- remainder 1 is never issued, otherwise the check digit is 11 - remainder.
-- NULL for NULL, so a CHECK on an optional column accepts NULL.  Written
-- without casts that could fail, so it never raises, whatever the input.
CREATE FUNCTION business_id_valid(id text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN id !~ '^[0-9]{7}-[0-9]$' THEN false
        ELSE (
            SELECT CASE r WHEN 0 THEN c = 0 WHEN 1 THEN false ELSE c = 11 - r END
            FROM (SELECT ((ascii(substr(id, 1, 1)) - 48) * 7
                        + (ascii(substr(id, 2, 1)) - 48) * 9
                        + (ascii(substr(id, 3, 1)) - 48) * 10
                        + (ascii(substr(id, 4, 1)) - 48) * 5
                        + (ascii(substr(id, 5, 1)) - 48) * 8
                        + (ascii(substr(id, 6, 1)) - 48) * 4
                        + (ascii(substr(id, 7, 1)) - 48) * 2) % 11 AS r,
                         ascii(substr(id, 9, 1)) - 48 AS c) AS s)
    END
$$;

-- True when every element of 'ranges' is an ICD-10 category 'G30' or a
-- range of categories 'F00-F03' (upper case, lower bound first).
CREATE FUNCTION icd10_ranges_valid(ranges text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(bool_and(r ~ '^[A-Z][0-9]{2}(-[A-Z][0-9]{2})?$'
                             AND split_part(r, '-', 1) <= coalesce(nullif(split_part(r, '-', 2), ''), r)),
                    true)
    FROM unnest(ranges) AS r
$$;

-- Keeps updated_at current: set to now() on every UPDATE that changes
-- something, unless the statement itself set updated_at (imports keep their
-- times).  A change of search_doc alone (a taxonomy label was edited) is
-- not a change of the row.
CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
       AND (to_jsonb(NEW) - 'updated_at' - 'search_doc')
           IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at' - 'search_doc') THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Places
-- ---------------------------------------------------------------------------

-- The 21 wellbeing services counties, the City of Helsinki and Åland
-- (filled by 0005).
CREATE TABLE counties (
    key     text PRIMARY KEY CHECK (key ~ '^[A-Z]{2}$'),
    name_fi text NOT NULL,
    name_sv text NOT NULL,
    name_en text NOT NULL
);

-- The municipalities, loaded from data/municipalities.csv by
-- refdata_load_municipalities() after the migrations.
CREATE TABLE municipalities (
    code       text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
    name_fi    text NOT NULL CHECK (name_fi <> ''),
    name_sv    text CHECK (name_sv <> ''),
    county_key text NOT NULL REFERENCES counties (key),
    population integer CHECK (population >= 0)
);
CREATE INDEX municipalities_county_idx ON municipalities (county_key);

-- ---------------------------------------------------------------------------
-- Taxonomies
-- ---------------------------------------------------------------------------

-- HSDS taxonomy: 'need' (need or diagnosis), 'kind' (kind of activity),
-- 'target_group'.
CREATE TABLE taxonomies (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z_]*$'),
    name_fi     text NOT NULL,
    name_sv     text NOT NULL,
    name_en     text NOT NULL,
    description text NOT NULL DEFAULT ''
);

-- HSDS taxonomy_term.  'id' is a stable ASCII slug, unique across all
-- taxonomies (it is what the API and URLs carry).  Synonyms are words people
-- type; they feed the search.  icd10 holds categories or ranges of
-- categories ('F00-F03', 'G30') and only needs have them.
CREATE TABLE taxonomy_terms (
    id             text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,39}$'),
    taxonomy_id    text NOT NULL REFERENCES taxonomies (id),
    parent_id      text REFERENCES taxonomy_terms (id),
    label_fi       text NOT NULL CHECK (label_fi <> ''),
    label_sv       text NOT NULL CHECK (label_sv <> ''),
    label_en       text NOT NULL CHECK (label_en <> ''),
    description_fi text NOT NULL DEFAULT '',
    description_sv text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    synonyms_fi    text[] NOT NULL DEFAULT '{}',
    synonyms_sv    text[] NOT NULL DEFAULT '{}',
    synonyms_en    text[] NOT NULL DEFAULT '{}',
    icd10          text[] NOT NULL DEFAULT '{}' CHECK (icd10_ranges_valid(icd10)),
    position       smallint NOT NULL DEFAULT 0,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (taxonomy_id, id),
    CHECK (icd10 = '{}' OR taxonomy_id = 'need'),
    CHECK (parent_id <> id)
);
CREATE INDEX taxonomy_terms_taxonomy_idx ON taxonomy_terms (taxonomy_id, position);

-- The ids of the needs whose ICD-10 ranges contain 'code' ('G30', 'g30.1',
-- 'F32.1', ' f 32 '); nothing when 'code' is not an ICD-10 code.
CREATE FUNCTION icd10_need_ids(code text) RETURNS SETOF text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    WITH c AS (
        SELECT substr(n, 1, 3) AS cat
        FROM (SELECT upper(regexp_replace(code, '[[:space:]]+', '', 'g')) AS n) AS x
        WHERE n ~ '^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$'
    )
    SELECT t.id
    FROM c, taxonomy_terms AS t, unnest(t.icd10) AS r
    WHERE t.taxonomy_id = 'need' AND t.active
      AND c.cat BETWEEN split_part(r, '-', 1)
                    AND coalesce(nullif(split_part(r, '-', 2), ''), r)
    GROUP BY t.id, t.position
    ORDER BY t.position, t.id
$$;

-- ---------------------------------------------------------------------------
-- Organisations (HSDS organization)
-- ---------------------------------------------------------------------------

CREATE TABLE organizations (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 200),
    alternate_name    text,
    frame             organization_frame NOT NULL DEFAULT 'association',
    parent_id         uuid REFERENCES organizations (id) ON DELETE SET NULL,
    business_id       text CHECK (business_id_valid(business_id)),
    description       text NOT NULL DEFAULT '',
    website           text CHECK (website ~ '^https?://[^[:space:]]+$'),
    email             email_address,
    phone             phone_number,
    seat_municipality text REFERENCES municipalities (code),
    status            organization_status NOT NULL DEFAULT 'pending',
    status_note       text NOT NULL DEFAULT '',   -- e.g. why it was rejected
    approved_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id <> id)
);
CREATE INDEX organizations_parent_idx ON organizations (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX organizations_status_idx ON organizations (status);
CREATE INDEX organizations_business_id_idx ON organizations (business_id) WHERE business_id IS NOT NULL;
CREATE INDEX organizations_name_trgm_idx ON organizations USING gin (lower(name) gin_trgm_ops);

-- The editors of an organisation, by e-mail (an account with that address
-- and role ngo_editor may edit it).  Stored in lower case.
CREATE TABLE organization_maintainers (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           email_address NOT NULL CHECK (email = lower(email)),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, email)
);
CREATE INDEX organization_maintainers_email_idx ON organization_maintainers (email);

-- ---------------------------------------------------------------------------
-- Activities (HSDS service)
-- ---------------------------------------------------------------------------

CREATE TABLE activities (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id          uuid NOT NULL REFERENCES organizations (id),
    name                     text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 200),
    summary                  text NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
    description              text NOT NULL DEFAULT '',
    for_whom                 text NOT NULL DEFAULT '',   -- HSDS eligibility_description
    how_to_join              text NOT NULL DEFAULT '',   -- HSDS application_process
    cost                     text NOT NULL DEFAULT '',   -- HSDS fees_description
    schedule                 text NOT NULL DEFAULT '',   -- free text: "Tuesdays 13-15"
    accessibility            text NOT NULL DEFAULT '',
    url                      text CHECK (url ~ '^https?://[^[:space:]]+$'),
    area_type                area_type NOT NULL DEFAULT 'municipalities',
    area_county              text REFERENCES counties (key),
    takes_new                boolean NOT NULL DEFAULT true,
    accepts_contact_requests boolean NOT NULL DEFAULT false,
    contact_request_email    email_address,
    response_days            smallint CHECK (response_days BETWEEN 1 AND 30),
    status                   activity_status NOT NULL DEFAULT 'draft',
    assured_date             date,                      -- last verified ...
    assurer                  email_address,             -- ... by whom
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CHECK ((area_type = 'county') = (area_county IS NOT NULL)),
    CHECK (NOT accepts_contact_requests
           OR (contact_request_email IS NOT NULL AND response_days IS NOT NULL)),
    CHECK (assurer IS NULL OR assured_date IS NOT NULL)
);
CREATE INDEX activities_organization_idx ON activities (organization_id);
CREATE INDEX activities_status_idx ON activities (status, assured_date DESC);
CREATE INDEX activities_area_county_idx ON activities (area_county) WHERE area_county IS NOT NULL;

-- Needs, kinds of activity and target groups of an activity.  The taxonomy
-- column is fixed per table and, with the composite key, makes sure that a
-- need row names a need term (not a kind).
CREATE TABLE activity_needs (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    term_id     text NOT NULL,
    taxonomy_id text NOT NULL DEFAULT 'need' CHECK (taxonomy_id = 'need'),
    PRIMARY KEY (activity_id, term_id),
    FOREIGN KEY (taxonomy_id, term_id) REFERENCES taxonomy_terms (taxonomy_id, id)
);
CREATE INDEX activity_needs_term_idx ON activity_needs (term_id, activity_id);

CREATE TABLE activity_kinds (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    term_id     text NOT NULL,
    taxonomy_id text NOT NULL DEFAULT 'kind' CHECK (taxonomy_id = 'kind'),
    PRIMARY KEY (activity_id, term_id),
    FOREIGN KEY (taxonomy_id, term_id) REFERENCES taxonomy_terms (taxonomy_id, id)
);
CREATE INDEX activity_kinds_term_idx ON activity_kinds (term_id, activity_id);

CREATE TABLE activity_target_groups (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    term_id     text NOT NULL,
    taxonomy_id text NOT NULL DEFAULT 'target_group' CHECK (taxonomy_id = 'target_group'),
    PRIMARY KEY (activity_id, term_id),
    FOREIGN KEY (taxonomy_id, term_id) REFERENCES taxonomy_terms (taxonomy_id, id)
);
CREATE INDEX activity_target_groups_term_idx ON activity_target_groups (term_id, activity_id);

-- HSDS service_area for area_type = 'municipalities': the municipalities
-- served.  (Rows for other area types are ignored by the search.)
CREATE TABLE activity_municipalities (
    activity_id       uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    municipality_code text NOT NULL REFERENCES municipalities (code),
    PRIMARY KEY (activity_id, municipality_code)
);
CREATE INDEX activity_municipalities_code_idx ON activity_municipalities (municipality_code, activity_id);

-- HSDS language: the languages the activity is run in (ISO 639-1/-2 codes).
CREATE TABLE activity_languages (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    language    text NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
    PRIMARY KEY (activity_id, language)
);
CREATE INDEX activity_languages_language_idx ON activity_languages (language, activity_id);

-- HSDS contact: a named contact person of an activity or an organisation.
CREATE TABLE contacts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    activity_id     uuid REFERENCES activities (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (name <> ''),
    role            text NOT NULL DEFAULT '',
    email           email_address,
    phone           phone_number,
    position        smallint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(organization_id, activity_id) = 1),
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX contacts_activity_idx ON contacts (activity_id, position) WHERE activity_id IS NOT NULL;
CREATE INDEX contacts_organization_idx ON contacts (organization_id, position) WHERE organization_id IS NOT NULL;

-- HSDS location: a meeting place of an organisation ...
CREATE TABLE locations (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (name <> ''),
    description       text NOT NULL DEFAULT '',
    street_address    text NOT NULL DEFAULT '',
    postal_code       text CHECK (postal_code ~ '^[0-9]{5}$'),
    municipality_code text REFERENCES municipalities (code),
    latitude          numeric(8, 6) CHECK (latitude BETWEEN -90 AND 90),
    longitude         numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
    accessibility     text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_organization_idx ON locations (organization_id);

-- ... and HSDS service_at_location: where an activity meets.
CREATE TABLE activity_locations (
    activity_id uuid NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    location_id uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, location_id)
);
CREATE INDEX activity_locations_location_idx ON activity_locations (location_id);

-- ---------------------------------------------------------------------------
-- User sites and accounts (minimal; contact requests build on them)
-- ---------------------------------------------------------------------------

-- A health centre or service unit whose staff search as professionals.
CREATE TABLE user_sites (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (name <> ''),
    county_key    text REFERENCES counties (key),
    email_domains text[] NOT NULL DEFAULT '{}'
                  CHECK (array_to_string(email_domains, ',') = lower(array_to_string(email_domains, ','))),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         email_address NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name  text NOT NULL DEFAULT '',
    role          account_role NOT NULL,
    user_site_id  uuid REFERENCES user_sites (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    disabled_at   timestamptz
);
CREATE INDEX accounts_user_site_idx ON accounts (user_site_id) WHERE user_site_id IS NOT NULL;

-- ---------------------------------------------------------------------------
-- updated_at triggers
-- ---------------------------------------------------------------------------

CREATE TRIGGER taxonomy_terms_updated_at BEFORE UPDATE ON taxonomy_terms
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER organizations_updated_at BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER activities_updated_at BEFORE UPDATE ON activities
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER locations_updated_at BEFORE UPDATE ON locations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER user_sites_updated_at BEFORE UPDATE ON user_sites
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER accounts_updated_at BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
