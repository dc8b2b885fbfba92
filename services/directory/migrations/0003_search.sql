-- Free-text search over activities.
--
-- activities.search_doc is a materialised tsvector, kept current by
-- triggers, of the activity's own texts (Finnish stemming; the name and
-- summary also unstemmed; Swedish/English stemming too when the activity is
-- run in that language), the organisation's name, the names of the places
-- it serves, and one token per taxonomy term: 'need=memory',
-- 'kind=peer-support', 'tg=older'.  The labels and synonyms of the terms are
-- NOT copied into every document: taxonomy_terms.search_doc holds them, and
-- a query word that matches a term (a synonym such as "dementia", a Swedish
-- or English word, an ICD-10 code through the need's ranges) is turned into
-- that term's token.  Documents stay small (fast ranking at national scale)
-- and editing a synonym needs no re-indexing.
--
-- search_words is the word list of all documents and terms (unstemmed
-- words and stems), with a trigram index: a misspelt query word is replaced
-- by the nearest real words before the full-text query runs, so typo
-- tolerance costs one small index lookup per word, not a scan of documents.
--
-- activity_search(q) is the entry point; see its comment.

-- Each term's own search vector: its fi/sv/en labels and synonyms, each
-- with its language's stemmer, plus the unstemmed words.  A query word
-- that matches it stands for the term's token in the activities.
ALTER TABLE taxonomy_terms ADD COLUMN search_doc tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION taxonomy_term_document(t taxonomy_terms) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT to_tsvector('finnish', fi) || to_tsvector('swedish', sv) || to_tsvector('english', en)
           || to_tsvector('simple', fi || ' ' || sv || ' ' || en)
    FROM (SELECT t.label_fi || ' ' || array_to_string(t.synonyms_fi, ' ') AS fi,
                 t.label_sv || ' ' || array_to_string(t.synonyms_sv, ' ') AS sv,
                 t.label_en || ' ' || array_to_string(t.synonyms_en, ' ') AS en) AS x
$$;

CREATE FUNCTION taxonomy_terms_search_doc_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.search_doc := taxonomy_term_document(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER taxonomy_terms_search_doc BEFORE INSERT OR UPDATE ON taxonomy_terms
    FOR EACH ROW EXECUTE FUNCTION taxonomy_terms_search_doc_trigger();

-- An activity's search document.  Weights: A the name and the needs; B the
-- summary and the kinds; C the organisation, the target groups and the
-- places; D the longer texts.
CREATE FUNCTION activity_document(a activities) RETURNS tsvector
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT
          setweight(to_tsvector('finnish', a.name) || to_tsvector('simple', a.name), 'A')
       || setweight(to_tsvector('finnish', a.summary) || to_tsvector('simple', a.summary), 'B')
       || setweight(to_tsvector('simple', coalesce(org.name, '') || ' ' || place.txt), 'C')
       || setweight(to_tsvector('finnish', body.txt), 'D')
       || CASE WHEN 'sv' = ANY (lang.codes) THEN
                 setweight(to_tsvector('swedish', a.name), 'A')
              || setweight(to_tsvector('swedish', a.summary), 'B')
              || setweight(to_tsvector('swedish', body.txt), 'D')
          ELSE '' END
       || CASE WHEN 'en' = ANY (lang.codes) THEN
                 setweight(to_tsvector('english', a.name), 'A')
              || setweight(to_tsvector('english', a.summary), 'B')
              || setweight(to_tsvector('english', body.txt), 'D')
          ELSE '' END
       || setweight(array_to_tsvector(tok.a), 'A')
       || setweight(array_to_tsvector(tok.b), 'B')
       || setweight(array_to_tsvector(tok.c), 'C')
    FROM (SELECT concat_ws(' ', a.for_whom, a.description, a.how_to_join,
                           a.schedule, a.accessibility, a.cost) AS txt) AS body
    LEFT JOIN organizations AS org ON org.id = a.organization_id
    CROSS JOIN (SELECT coalesce(array_agg(l.language), '{}') AS codes
                FROM activity_languages AS l WHERE l.activity_id = a.id) AS lang
    CROSS JOIN (
        SELECT (SELECT coalesce(array_agg('need=' || term_id), '{}')
                FROM activity_needs WHERE activity_id = a.id) AS a,
               (SELECT coalesce(array_agg('kind=' || term_id), '{}')
                FROM activity_kinds WHERE activity_id = a.id) AS b,
               (SELECT coalesce(array_agg('tg=' || term_id), '{}')
                FROM activity_target_groups WHERE activity_id = a.id) AS c
    ) AS tok
    CROSS JOIN (
        SELECT CASE a.area_type
                 WHEN 'municipalities' THEN
                   (SELECT coalesce(string_agg(m.name_fi || ' ' || coalesce(m.name_sv, ''), ' '), '')
                    FROM activity_municipalities AS am
                    JOIN municipalities AS m ON m.code = am.municipality_code
                    WHERE am.activity_id = a.id)
                 WHEN 'county' THEN
                   (SELECT c.name_fi || ' ' || c.name_sv || ' ' || c.name_en
                    FROM counties AS c WHERE c.key = a.area_county)
                 WHEN 'nationwide' THEN 'valtakunnallinen koko Suomi riksomfattande nationwide'
                 ELSE 'verkossa etänä netissä online på nätet distans'
               END AS txt
    ) AS place
$$;

ALTER TABLE activities ADD COLUMN search_doc tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX activities_search_doc_idx ON activities USING gin (search_doc);

-- The word list for typo tolerance (see the top of this file).  Words are
-- never removed by triggers; search_words_rebuild() rebuilds the list.
CREATE TABLE search_words (
    word text PRIMARY KEY CHECK (length(word) BETWEEN 3 AND 40)
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- The words of a document that belong in search_words: real words of
-- three or more letters, not the need=... tokens, not numbers.
CREATE FUNCTION search_doc_words(doc tsvector) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT u.lexeme FROM unnest(doc) AS u
    WHERE u.lexeme ~ '^[a-zà-öø-ÿšž][a-zà-öø-ÿšž0-9-]{2,39}$'
$$;

-- Rebuilds search_words from all documents and terms; returns how many
-- words it has.
CREATE FUNCTION search_words_rebuild() RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM search_words;
    INSERT INTO search_words (word)
        SELECT s.word
        FROM ts_stat('SELECT search_doc FROM activities UNION ALL SELECT search_doc FROM taxonomy_terms') AS s
        WHERE s.word ~ '^[a-zà-öø-ÿšž][a-zà-öø-ÿšž0-9-]{2,39}$'
        ORDER BY 1;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- BEFORE INSERT OR UPDATE on activities: recompute the document.
CREATE FUNCTION activities_search_doc_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.search_doc := activity_document(NEW);
    RETURN NEW;
END
$$;
CREATE TRIGGER activities_search_doc BEFORE INSERT OR UPDATE ON activities
    FOR EACH ROW EXECUTE FUNCTION activities_search_doc_trigger();

-- AFTER INSERT / UPDATE statements on activities (and terms): add new words to
-- search_words.  Sorted, so that concurrent writers take the unique-index
-- locks in the same order and cannot deadlock on them.
CREATE FUNCTION activities_search_words_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO search_words (word)
        SELECT DISTINCT w FROM new_rows AS n, search_doc_words(n.search_doc) AS w
        ORDER BY 1
        ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER activities_search_words_ins AFTER INSERT ON activities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activities_search_words_trigger();
CREATE TRIGGER activities_search_words_upd AFTER UPDATE ON activities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activities_search_words_trigger();

-- AFTER statements on the activity_* join tables: the activities they
-- touch changed (their documents and updated_at).
CREATE FUNCTION activity_children_touch_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE activities SET updated_at = now()
         WHERE id IN (SELECT activity_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE activities SET updated_at = now()
         WHERE id IN (SELECT activity_id FROM old_rows);
    ELSE
        UPDATE activities SET updated_at = now()
         WHERE id IN (SELECT activity_id FROM new_rows
                      UNION SELECT activity_id FROM old_rows);
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['activity_needs', 'activity_kinds', 'activity_target_groups',
                             'activity_municipalities', 'activity_languages'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION activity_children_touch_trigger()',
                       t || '_touch_ins', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows '
                       'OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION activity_children_touch_trigger()',
                       t || '_touch_upd', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION activity_children_touch_trigger()',
                       t || '_touch_del', t);
    END LOOP;
END
$$;

-- An organisation's new name goes into its activities' documents
-- (search_doc := NULL makes the BEFORE trigger recompute it; updated_at of
-- the activities stays as it was).
CREATE FUNCTION organizations_name_trigger() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE activities SET search_doc = NULL WHERE organization_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER organizations_name AFTER UPDATE OF name ON organizations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION organizations_name_trigger();

-- New words of terms (labels, synonyms) go into search_words too.
CREATE TRIGGER taxonomy_terms_search_words_ins AFTER INSERT ON taxonomy_terms
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activities_search_words_trigger();
CREATE TRIGGER taxonomy_terms_search_words_upd AFTER UPDATE ON taxonomy_terms
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION activities_search_words_trigger();

-- The tsquery alternatives of one query word: its Finnish, Swedish and
-- English stems and the word itself, each as a prefix (':*') when it has at
-- least 'prefix_min' characters, joined with '|' and parenthesised.  The
-- text is built from the lexemes only (letters and digits, quoted), so any
-- input yields a valid tsquery.  NULL when the word is a stop word in one
-- of the languages ('ja', 'och', 'the') and thus carries no meaning.
CREATE FUNCTION search_word_tsquery_text(w text, prefix_min integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN fi = '{}' OR sv = '{}' OR en = '{}' THEN NULL
        ELSE (SELECT '(' || string_agg(DISTINCT
                         '''' || replace(replace(x, '\', '\\'), '''', '''''') || ''''
                         || CASE WHEN length(x) >= prefix_min THEN ':*' ELSE '' END,
                         ' | ') || ')'
              FROM unnest(fi || sv || en || ARRAY[w]) AS x
              WHERE x <> '')
    END
    FROM (SELECT coalesce(ts_lexize('finnish_stem', w), '{}') AS fi,
                 coalesce(ts_lexize('swedish_stem', w), '{}') AS sv,
                 coalesce(ts_lexize('english_stem', w), '{}') AS en) AS s
$$;

-- The tokens ('need=memory' | 'kind=drop-in' | ...) of the active terms
-- whose labels or synonyms match the tsquery text tq; NULL when none do.
CREATE FUNCTION search_term_tokens(tq text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT string_agg('''' || CASE t.taxonomy_id WHEN 'need' THEN 'need='
                                                 WHEN 'kind' THEN 'kind=' ELSE 'tg=' END
                      || t.id || '''', ' | ' ORDER BY t.id)
    FROM taxonomy_terms AS t
    WHERE t.active AND t.search_doc @@ tq::tsquery
$$;

-- activity_search(q): the published activities of approved organisations
-- that match the free text q, best first: rank (relevance: ts_rank for one
-- word, cover density for several, typo-corrected matches at half weight,
-- rounded to one decimal so that near-equal relevance counts as equal)
-- descending, then assured_date descending
-- (recently verified first), then id.  Callers that re-sort should use the
-- same order.
--
-- q is plain user text: only its letters and digits are used, so quotes,
-- backslashes, %, _ and SQL in it are inert (no LIKE patterns are built).
-- At most 200 characters and 8 words are considered.  Every word must
-- match (AND); when that finds nothing and there are several words, any
-- word may match (OR, ranked lower).  A word matches
--   - its Finnish/Swedish/English stems and itself as prefixes
--     ("muistisairaille" -> muistisair:*, so "muistisairaus" matches),
--   - the terms whose labels or synonyms it matches, in any of the three
--     languages ("dementia", "minnessjukdom", "kamratstöd" -> the term),
--   - when none of its forms is a known word: the nearest words of
--     search_words (trigram similarity >= 0.45, at most 6), which absorbs
--     typos ("vertaistki", "muistsairas"),
--   - an ICD-10 code ("G30", "f32.1"): the needs whose ranges contain it.
-- Exact matches rank above typo-corrected ones.  Empty for an empty q.
-- (Planner settings: the query's selectivity varies from 3 rows to half the
-- table, so plans are custom; and PostgreSQL overestimates prefix queries
-- ('muistisair:*') so badly that it would read every document, while the
-- GIN index is always the faster way in: sequential scans are turned off
-- for the two document queries only, and restored.)
CREATE FUNCTION activity_search(q text) RETURNS TABLE (activity_id uuid, rank real)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    norm    text;
    w       text;
    nwords  integer := 0;
    forms   text[];
    exact   text;
    fuzzy   text;
    terms_x text;
    terms_f text;
    icd     text;
    parts_x text[] := '{}';    -- per word: exact alternatives
    parts_f text[] := '{}';    -- per word: exact + fuzzy alternatives
    q_exact tsquery;
    q_all   tsquery;
    q_any   tsquery;
    fuzzy_used boolean;
    seqscan text;
BEGIN
    norm := lower(translate(left(coalesce(q, ''), 200),
                            'ÅÄÖÉÜÆØÕŠŽ', 'åäöéüæøõšž'));
    FOR w IN
        SELECT t.tok
        FROM regexp_split_to_table(norm, '[^a-z0-9à-öø-ÿšž.]+') WITH ORDINALITY AS t(tok, pos)
        WHERE t.tok !~ '^\.*$'
        ORDER BY t.pos
    LOOP
        w := btrim(w, '.');
        icd := NULL;
        IF w ~ '^[a-z][0-9]{2}(\.[0-9a-z]{1,4})?$' THEN
            SELECT string_agg('''need=' || n.id || '''', ' | ') INTO icd
            FROM icd10_need_ids(w) AS n(id);
            w := substr(w, 1, 3);          -- the code may also be written in a text
        ELSIF w LIKE '%.%' THEN
            w := replace(w, '.', '');      -- "ry.", "a.b": not a code, just a word
        END IF;
        CONTINUE WHEN length(w) < 2 OR length(w) > 40;

        exact := search_word_tsquery_text(w, 4);
        CONTINUE WHEN exact IS NULL AND icd IS NULL;     -- a stop word
        EXIT WHEN nwords >= 8;
        nwords := nwords + 1;

        terms_x := NULL;
        IF exact IS NOT NULL THEN
            terms_x := search_term_tokens(exact);
        END IF;

        fuzzy := NULL;
        terms_f := NULL;
        forms := ARRAY[w] || coalesce(ts_lexize('finnish_stem', w), '{}')
                 || coalesce(ts_lexize('swedish_stem', w), '{}')
                 || coalesce(ts_lexize('english_stem', w), '{}');
        IF length(w) >= 4 AND icd IS NULL
           AND NOT EXISTS (SELECT 1 FROM search_words AS sw WHERE sw.word = ANY (forms)) THEN
            SELECT string_agg(search_word_tsquery_text(s.word, 5), ' | ') INTO fuzzy
            FROM (SELECT sw.word FROM search_words AS sw
                  WHERE sw.word % w AND similarity(sw.word, w) >= 0.45
                  ORDER BY sw.word <-> w, sw.word
                  LIMIT 6) AS s;
            IF fuzzy IS NOT NULL THEN
                terms_f := search_term_tokens(fuzzy);
            END IF;
        END IF;

        parts_x := parts_x || ('(' || concat_ws(' | ', exact, terms_x, icd) || ')');
        parts_f := parts_f || ('(' || concat_ws(' | ', exact, terms_x, icd, fuzzy, terms_f) || ')');
    END LOOP;

    IF nwords = 0 THEN
        RETURN;
    END IF;
    q_exact := array_to_string(parts_x, ' & ')::tsquery;
    q_all := array_to_string(parts_f, ' & ')::tsquery;
    fuzzy_used := parts_x IS DISTINCT FROM parts_f;

    -- Ranking dominates the cost of broad queries (thousands of matches),
    -- so it is one ts_rank call per row when there were no typo
    -- corrections: ts_rank for one word, ts_rank_cd (rewards the words
    -- standing near each other) for several.  With corrections, the exact
    -- query's rank is averaged in, so exact matches come first.
    seqscan := current_setting('enable_seqscan');
    PERFORM set_config('enable_seqscan', 'off', true);
    IF NOT fuzzy_used THEN
        RETURN QUERY
            SELECT m.id, (round(m.r * 10) / 10)::real AS r
            FROM (SELECT a.id, a.assured_date,
                         CASE WHEN nwords = 1 THEN ts_rank(a.search_doc, q_all)
                              ELSE ts_rank_cd(a.search_doc, q_all) END AS r
                  FROM activities AS a
                  JOIN organizations AS o ON o.id = a.organization_id
                  WHERE a.search_doc @@ q_all
                    AND a.status = 'published' AND o.status = 'approved') AS m
            ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    ELSE
        RETURN QUERY
            SELECT m.id, (round(m.r * 10) / 10)::real AS r
            FROM (SELECT a.id, a.assured_date,
                         CASE WHEN nwords = 1
                              THEN ts_rank(a.search_doc, q_all) + ts_rank(a.search_doc, q_exact)
                              ELSE ts_rank_cd(a.search_doc, q_all) + ts_rank_cd(a.search_doc, q_exact)
                         END / 2 AS r
                  FROM activities AS a
                  JOIN organizations AS o ON o.id = a.organization_id
                  WHERE a.search_doc @@ q_all
                    AND a.status = 'published' AND o.status = 'approved') AS m
            ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    END IF;
    IF FOUND OR nwords = 1 THEN
        PERFORM set_config('enable_seqscan', seqscan, true);
        RETURN;
    END IF;

    q_any := array_to_string(parts_f, ' | ')::tsquery;
    RETURN QUERY
        SELECT m.id, (round(m.r * 10) / 10)::real AS r
        FROM (SELECT a.id, a.assured_date,
                     (ts_rank(a.search_doc, q_any) + ts_rank(a.search_doc, q_exact)) / 4 AS r
              FROM activities AS a
              JOIN organizations AS o ON o.id = a.organization_id
              WHERE a.search_doc @@ q_any
                AND a.status = 'published' AND o.status = 'approved') AS m
        ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    PERFORM set_config('enable_seqscan', seqscan, true);
END
$$;
