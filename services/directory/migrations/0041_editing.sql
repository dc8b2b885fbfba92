-- Editing activities (issue 13, docs/selfservice.md "The activity
-- document"): the document editors read and save, built from the tables in
-- one place, so that the handlers' answers, their conflict bodies and the
-- history's old and new values all agree.

-- The activity document of 'a_id' (NULL when there is none).  due_date is
-- assured_date + 'months' (TARJOTIN_REVIEW_MONTHS) for a published
-- activity, else null.  Lists carry no meaning in their order and are
-- sorted; contacts keep their position.  An area of type 'municipalities'
-- without municipalities is no area (null).
CREATE FUNCTION activity_edit_doc(a_id uuid, months integer) RETURNS jsonb
    LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'id', a.id,
        'organization', jsonb_build_object('id', o.id, 'name', o.name),
        'version', a.version,
        'status', a.status,
        'freshness', a.freshness,
        'unverified', a.freshness = 'unverified',
        'assured_date', a.assured_date,
        'assurer', a.assurer,
        'due_date', CASE WHEN a.status = 'published'
                         THEN (a.assured_date + make_interval(months => months))::date END,
        'published_at', a.published_at,
        'created_at', a.created_at,
        'updated_at', a.updated_at,
        'name', a.name,
        'summary', a.summary,
        'description', a.description,
        'for_whom', a.for_whom,
        'how_to_join', a.how_to_join,
        'accessibility', a.accessibility,
        'cost', a.cost,
        'schedule', a.schedule,
        'url', a.url,
        'needs', coalesce((SELECT jsonb_agg(n.term_id ORDER BY n.term_id)
                           FROM activity_needs n WHERE n.activity_id = a.id), '[]'),
        'kinds', coalesce((SELECT jsonb_agg(k.term_id ORDER BY k.term_id)
                           FROM activity_kinds k WHERE k.activity_id = a.id), '[]'),
        'target_groups', coalesce((SELECT jsonb_agg(t.term_id ORDER BY t.term_id)
                                   FROM activity_target_groups t WHERE t.activity_id = a.id), '[]'),
        'area', CASE a.area_type
                    WHEN 'county' THEN jsonb_build_object('type', 'county', 'county', a.area_county)
                    WHEN 'municipalities' THEN
                        (SELECT jsonb_build_object('type', 'municipalities', 'municipalities',
                                                   jsonb_agg(m.municipality_code
                                                             ORDER BY m.municipality_code))
                         FROM activity_municipalities m WHERE m.activity_id = a.id
                         HAVING count(*) > 0)
                    ELSE jsonb_build_object('type', a.area_type)
                END,
        'languages', coalesce((SELECT jsonb_agg(l.language ORDER BY l.language)
                               FROM activity_languages l WHERE l.activity_id = a.id), '[]'),
        'takes_new', a.takes_new,
        'accepts_contact_requests', a.accepts_contact_requests,
        'contact_request_email', a.contact_request_email,
        'response_days', a.response_days,
        'contacts', coalesce((SELECT jsonb_agg(jsonb_build_object('name', c.name, 'role', c.role,
                                                                  'email', c.email, 'phone', c.phone)
                                               ORDER BY c.position, c.created_at, c.id)
                              FROM contacts c WHERE c.activity_id = a.id), '[]'),
        'locations', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                    'name', l.name,
                                                    'street_address', l.street_address,
                                                    'postal_code', coalesce(l.postal_code, ''),
                                                    'municipality', l.municipality_code,
                                                    'accessibility', l.accessibility)
                                                ORDER BY l.name, l.street_address, l.postal_code,
                                                         l.municipality_code, l.id)
                               FROM activity_locations al
                               JOIN locations l ON l.id = al.location_id
                               WHERE al.activity_id = a.id), '[]'))
    FROM activities a
    JOIN organizations o ON o.id = a.organization_id
    WHERE a.id = a_id
$$;
