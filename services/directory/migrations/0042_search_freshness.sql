-- Freshness in the free-text search (issue 13, docs/selfservice.md "Search"):
-- activity_search of 0003 again, with two changes only: a hidden activity
-- never matches, and an unverified one's relevance is halved before the
-- rounding (then the same order: relevance, assured_date, id).  So an
-- unverified activity ranks below an otherwise equal verified one.

CREATE OR REPLACE FUNCTION activity_search(q text) RETURNS TABLE (activity_id uuid, rank real)
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
            SELECT m.id, (round(m.r * m.weight * 10) / 10)::real AS r
            FROM (SELECT a.id, a.assured_date,
                         CASE WHEN a.freshness = 'unverified' THEN 0.5::real ELSE 1::real END AS weight,
                         CASE WHEN nwords = 1 THEN ts_rank(a.search_doc, q_all)
                              ELSE ts_rank_cd(a.search_doc, q_all) END AS r
                  FROM activities AS a
                  JOIN organizations AS o ON o.id = a.organization_id
                  WHERE a.search_doc @@ q_all
                    AND a.status = 'published' AND o.status = 'approved'
                    AND a.freshness <> 'hidden') AS m
            ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    ELSE
        RETURN QUERY
            SELECT m.id, (round(m.r * m.weight * 10) / 10)::real AS r
            FROM (SELECT a.id, a.assured_date,
                         CASE WHEN a.freshness = 'unverified' THEN 0.5::real ELSE 1::real END AS weight,
                         CASE WHEN nwords = 1
                              THEN ts_rank(a.search_doc, q_all) + ts_rank(a.search_doc, q_exact)
                              ELSE ts_rank_cd(a.search_doc, q_all) + ts_rank_cd(a.search_doc, q_exact)
                         END / 2 AS r
                  FROM activities AS a
                  JOIN organizations AS o ON o.id = a.organization_id
                  WHERE a.search_doc @@ q_all
                    AND a.status = 'published' AND o.status = 'approved'
                    AND a.freshness <> 'hidden') AS m
            ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    END IF;
    IF FOUND OR nwords = 1 THEN
        PERFORM set_config('enable_seqscan', seqscan, true);
        RETURN;
    END IF;

    q_any := array_to_string(parts_f, ' | ')::tsquery;
    RETURN QUERY
        SELECT m.id, (round(m.r * m.weight * 10) / 10)::real AS r
        FROM (SELECT a.id, a.assured_date,
                         CASE WHEN a.freshness = 'unverified' THEN 0.5::real ELSE 1::real END AS weight,
                     (ts_rank(a.search_doc, q_any) + ts_rank(a.search_doc, q_exact)) / 4 AS r
              FROM activities AS a
              JOIN organizations AS o ON o.id = a.organization_id
              WHERE a.search_doc @@ q_any
                AND a.status = 'published' AND o.status = 'approved'
                    AND a.freshness <> 'hidden') AS m
        ORDER BY 2 DESC, m.assured_date DESC NULLS LAST, m.id;
    PERFORM set_config('enable_seqscan', seqscan, true);
END
$$;
