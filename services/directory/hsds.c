/*
 * hsds.c - the HSDS 3.0 read API: one parameterised query per request, and
 * PostgreSQL builds the JSON document (json_build_object / json_agg), so no
 * row ever crosses the wire twice.
 *
 * Every query takes the same ten text parameters (unused ones are NULL):
 *   $1 id          $2 search        $3 taxonomy term slug  $4 organization id
 *   $5 modified_after               $6 taxonomy slug       $7 limit
 *   $8 offset      $9 page number   $10 language of labels (fi, sv, en)
 *
 * The mapping from our model to HSDS is described in README.md ("Open
 * data: the HSDS API"); the fragments below are its single source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsds.h"
#include "hsds.pb-c.h"
#include "log.h"
#include "pg.h"
#include "rpc.h"
#include "search.h"
#include "xalloc.h"
#include "wdb.h"
#include "banned.h"

#define NPARAMS 10
#define TEXT_OID 25 /* pg_type.oid of text: every parameter is sent as text */

/* --- SQL fragments --------------------------------------------------------- */

/* The namespace uuid HSDS_UUID_NAMESPACE as a bytea literal. */
#define NS "'\\x156741175f494ade81bf17745ab936fd'::bytea"

/* The UUID v3 of the text expression e: MD5(namespace || name), version
 * nibble 3, variant bits 10. */
#define UUID_OF(e)                                                                          \
	"(SELECT encode(set_byte(set_byte(hsds_h, 6, (get_byte(hsds_h, 6) & 15) | 48), 8, " \
	"(get_byte(hsds_h, 8) & 63) | 128), 'hex')::uuid "                                  \
	"FROM (SELECT decode(md5(" NS " || convert_to(" e                                   \
	", 'UTF8')), 'hex') AS hsds_h) AS hsds_u)"

/* An e-mail address where JSON Schema's "email" format accepts it (ASCII
 * RFC 5321 addresses), else NULL: HSDS requires that format. */
#define EMAIL(e)                                                        \
	"(CASE WHEN " e                                                 \
	" ~* '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9]([a-z0-9-]{0,61}" \
	"[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$' THEN " e " END)"

/* A URL as an RFC 3986 URI: characters a URI may not hold (ä in a path or
 * a host) are percent-encoded as UTF-8. */
#define URI_CHARS "[-A-Za-z0-9._~:/?#@!$&''()*+,;=%]"
#define URI(e)                                                                          \
	"(CASE WHEN " e " ~ '^" URI_CHARS "+$' THEN " e                                 \
	" ELSE "                                                                        \
	"(SELECT string_agg(CASE WHEN hsds_c ~ '^" URI_CHARS                            \
	"$' THEN hsds_c "                                                               \
	"ELSE upper(regexp_replace(encode(convert_to(hsds_c, 'UTF8'), 'hex'), '(..)', " \
	"'%\\1', 'g')) END, '' ORDER BY hsds_i) "                                       \
	"FROM regexp_split_to_table(" e ", '') WITH ORDINALITY AS hsds_x(hsds_c, hsds_i)) END)"

/* A timestamptz as ISO 8601 UTC with milliseconds. */
#define ISO_TIME(e) "to_char((" e ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* When activity a of organisation o, or its contacts, last changed. */
#define LAST_MODIFIED                                                     \
	"greatest(a.updated_at, o.updated_at, (SELECT max(c.updated_at) " \
	"FROM contacts c WHERE c.activity_id = a.id))"

/* $2 as a LIKE pattern matching it anywhere, its wildcards made plain. */
#define LIKE_ANY                                                                       \
	"('%' || replace(replace(replace(lower($2), '\\', '\\\\'), '%', '\\%'), '_', " \
	"'\\_') || '%')"

/* Labels in the language $10. */
#define LANG "coalesce($10, 'fi')"
#define IN_LANG(alias, col)                                                           \
	"(CASE $10 WHEN 'sv' THEN " alias "." col "_sv WHEN 'en' THEN " alias "." col \
	"_en ELSE " alias "." col "_fi END)"

/* Taxonomy x. */
#define TAXONOMY_OBJ                                                                    \
	"json_build_object('id', " UUID_OF("'taxonomy:' || x.id") ", 'name', " IN_LANG( \
		"x", "name") ", 'description', x.description)"

/* Taxonomy term t of taxonomy x; needs carry their ICD-10 ranges in the
 * description. */
#define TERM_OBJ \
	"json_build_object('id', " UUID_OF("'taxonomy_term:' || t.id") ", 'code', t.id, " \
	"'name', " IN_LANG("t", "label") ", "                                             \
	"'description', concat_ws(' ', nullif(" IN_LANG("t", "description") ", ''), "     \
	"CASE WHEN t.icd10 <> '{}' THEN 'ICD-10: ' || array_to_string(t.icd10, ', ') END), " \
	"'parent_id', CASE WHEN t.parent_id IS NOT NULL THEN "                            \
	UUID_OF("'taxonomy_term:' || t.parent_id") " END, "                               \
	"'taxonomy', " IN_LANG("x", "name") ", "                                          \
	"'taxonomy_id', " UUID_OF("'taxonomy:' || x.id") ", "                             \
	"'language', " LANG ", 'taxonomy_detail', " TAXONOMY_OBJ ")"

#define TAXONOMY_ORDER \
	"(CASE x.id WHEN 'need' THEN 1 WHEN 'kind' THEN 2 WHEN 'target_group' THEN 3 ELSE 4 END)"

/* The one-to-one fields of organisation o. */
#define ORG_FIELDS \
	"'id', o.id, 'name', o.name, 'alternate_name', nullif(o.alternate_name, ''), "     \
	"'description', o.description, 'email', " EMAIL("o.email") ", "                   \
	"'website', " URI("o.website") ", "                                                \
	"'parent_organization_id', (SELECT hsds_p.id FROM organizations hsds_p "           \
	"WHERE hsds_p.id = o.parent_id AND hsds_p.status = 'approved')"

/* The one-to-one fields of activity a of organisation o. */
#define SERVICE_FIELDS \
	"'id', a.id, 'organization_id', a.organization_id, 'name', a.name, "                \
	"'description', nullif(CASE WHEN a.summary = '' OR strpos(a.description, a.summary) = 1 " \
	"THEN a.description WHEN a.description = '' THEN a.summary "                          \
	"ELSE a.summary || E'\\n\\n' || a.description END, ''), "                             \
	"'url', " URI("a.url") ", "                                                          \
	"'email', coalesce((SELECT " EMAIL("c.email") " FROM contacts c "                    \
	"WHERE c.activity_id = a.id AND " EMAIL("c.email") " IS NOT NULL "                   \
	"ORDER BY c.position, c.id LIMIT 1), " EMAIL("o.email") "), "                        \
	"'status', 'active', "                                                               \
	"'application_process', nullif(a.how_to_join, ''), "                                \
	"'fees_description', nullif(a.cost, ''), "                                           \
	"'eligibility_description', nullif(a.for_whom, ''), "                                \
	"'assured_date', to_char(a.assured_date, 'YYYY-MM-DD'), "                            \
	"'assurer_email', " EMAIL("a.assurer") ", "                                          \
	"'alert', CASE WHEN NOT a.takes_new THEN "                                           \
	"'Ei ota tällä hetkellä uusia osallistujia. / Tar inte emot nya deltagare just nu. " \
	"/ Not taking new participants at the moment.' END, "                                \
	"'last_modified', " ISO_TIME(LAST_MODIFIED)

/* Location l: the one-to-one fields, then also its address and accessibility. */
#define LOCATION_FIELDS                                                                   \
	"'id', l.id, 'location_type', 'physical', 'organization_id', l.organization_id, " \
	"'name', l.name, 'description', nullif(l.description, ''), "                      \
	"'latitude', l.latitude, 'longitude', l.longitude"
#define LOCATION_FULL \
	"json_build_object(" LOCATION_FIELDS ", "                                               \
	"'addresses', (SELECT json_build_array(json_build_object('id', "                        \
	UUID_OF("'address:' || l.id") ", 'location_id', l.id, 'address_1', l.street_address, " \
	"'city', m.name_fi, 'state_province', cy.name_fi, 'postal_code', l.postal_code, "       \
	"'country', 'FI', 'address_type', 'physical')) "                                        \
	"FROM municipalities m JOIN counties cy ON cy.key = m.county_key "                      \
	"WHERE m.code = l.municipality_code AND l.street_address <> '' "                        \
	"AND l.postal_code IS NOT NULL), "                                                      \
	"'accessibility', CASE WHEN l.accessibility <> '' THEN json_build_array("             \
	"json_build_object('id', " UUID_OF("'accessibility:' || l.id") ", "                   \
	"'location_id', l.id, 'description', l.accessibility)) END)"

/* The contacts of activity a (HSDS contact with its phone). */
#define SERVICE_CONTACTS \
	"(SELECT json_agg(json_build_object('id', c.id, 'service_id', a.id, 'name', c.name, " \
	"'title', nullif(c.role, ''), 'email', " EMAIL("c.email") ", "                      \
	"'phones', CASE WHEN c.phone IS NOT NULL THEN json_build_array(json_build_object("   \
	"'id', " UUID_OF("'phone:' || c.id") ", 'contact_id', c.id, 'number', c.phone)) END)" \
	" ORDER BY c.position, c.id) FROM contacts c WHERE c.activity_id = a.id)"

#define SERVICE_LANGUAGES \
	"(SELECT json_agg(json_build_object('id', "                                          \
	UUID_OF("'language:' || a.id || ':' || l.language") ", 'service_id', a.id, "         \
	"'name', CASE l.language WHEN 'fi' THEN 'suomi' WHEN 'sv' THEN 'svenska' "            \
	"WHEN 'en' THEN 'English' WHEN 'se' THEN 'davvisámegiella' "                          \
	"WHEN 'smn' THEN 'anarâškielâ' WHEN 'sms' THEN 'sääʹmǩiõll' WHEN 'ru' THEN 'русский' " \
	"WHEN 'et' THEN 'eesti' WHEN 'uk' THEN 'українська' WHEN 'ar' THEN 'العربية' "        \
	"WHEN 'so' THEN 'Soomaali' WHEN 'fa' THEN 'فارسی' WHEN 'de' THEN 'Deutsch' "          \
	"WHEN 'fse' THEN 'suomalainen viittomakieli' "                                        \
	"WHEN 'fss' THEN 'finlandssvenskt teckenspråk' END, "                                 \
	"'code', l.language) ORDER BY l.language) "                                           \
	"FROM activity_languages l WHERE l.activity_id = a.id)"

/* Where activity a is available: one service_area per municipality, or the
 * county (with its municipalities listed), the whole country, online. */
#define SERVICE_AREAS \
	"(CASE a.area_type "                                                                    \
	"WHEN 'municipalities' THEN (SELECT json_agg(json_build_object('id', "                  \
	UUID_OF("'service_area:' || a.id || ':municipality:' || m.code") ", "                   \
	"'service_id', a.id, 'name', m.name_fi, "                                               \
	"'description', 'Kunta / kommun / municipality ' || m.name_fi "                         \
	"|| coalesce(' (' || m.name_sv || ')', '') || ', ' || m.code || ', ' || cy.name_fi, "   \
	"'extent', 'municipality:' || m.code, 'extent_type', 'text') ORDER BY m.name_fi, m.code) " \
	"FROM activity_municipalities am JOIN municipalities m ON m.code = am.municipality_code " \
	"JOIN counties cy ON cy.key = m.county_key WHERE am.activity_id = a.id) "              \
	"WHEN 'county' THEN (SELECT json_build_array(json_build_object('id', "                  \
	UUID_OF("'service_area:' || a.id || ':county:' || cy.key") ", "                         \
	"'service_id', a.id, 'name', cy.name_fi, "                                              \
	"'description', 'Koko hyvinvointialue / hela välfärdsområdet / the whole county: ' "    \
	"|| cy.name_fi || ' / ' || cy.name_sv || ' / ' || cy.name_en "                          \
	"|| coalesce('. ' || (SELECT string_agg(m.name_fi || ' ' || m.code, ', ' "              \
	"ORDER BY m.name_fi) FROM municipalities m WHERE m.county_key = cy.key), ''), "         \
	"'extent', 'county:' || cy.key, 'extent_type', 'text')) "                               \
	"FROM counties cy WHERE cy.key = a.area_county) "                                       \
	"WHEN 'nationwide' THEN json_build_array(json_build_object('id', "                     \
	UUID_OF("'service_area:' || a.id || ':nationwide'") ", 'service_id', a.id, "            \
	"'name', 'Koko Suomi', 'description', 'Valtakunnallinen / riksomfattande / nationwide: " \
	"koko Suomi / hela Finland / all of Finland', "                                         \
	"'extent', 'country:FI', 'extent_type', 'text')) "                                      \
	"ELSE json_build_array(json_build_object('id', "                                        \
	UUID_OF("'service_area:' || a.id || ':online'") ", 'service_id', a.id, "                \
	"'name', 'Verkossa', 'description', 'Verkossa tai puhelimitse, paikasta riippumatta / " \
	"på nätet eller per telefon, var som helst / online or by phone, from anywhere', "      \
	"'extent', 'online', 'extent_type', 'text')) END)"

/* The needs, kinds and target groups of activity a as attributes. */
#define SERVICE_ATTRIBUTES \
	"(SELECT json_agg(json_build_object('id', "                                             \
	UUID_OF("'attribute:' || a.id || ':' || t.id") ", 'link_id', a.id, "                    \
	"'link_type', t.taxonomy_id, 'link_entity', 'service', "                                \
	"'taxonomy_term_id', " UUID_OF("'taxonomy_term:' || t.id") ", "                          \
	"'taxonomy_term', " TERM_OBJ ") ORDER BY " TAXONOMY_ORDER ", t.position, t.id) "        \
	"FROM (SELECT term_id FROM activity_needs WHERE activity_id = a.id "                    \
	"UNION ALL SELECT term_id FROM activity_kinds WHERE activity_id = a.id "                \
	"UNION ALL SELECT term_id FROM activity_target_groups WHERE activity_id = a.id) AS lt "  \
	"JOIN taxonomy_terms t ON t.id = lt.term_id AND t.active "                              \
	"JOIN taxonomies x ON x.id = t.taxonomy_id)"

#define SERVICE_SCHEDULES                                                                    \
	"CASE WHEN a.schedule <> '' THEN json_build_array(json_build_object('id', " UUID_OF( \
		"'schedule:' || a.id") ", 'service_id', a.id, 'description', a.schedule)) END"

#define SAL_ID UUID_OF("'service_at_location:' || al.activity_id || ':' || al.location_id")

#define SERVICE_LOCATIONS                                                       \
	"(SELECT json_agg(json_build_object('id', " SAL_ID                      \
	", 'service_id', a.id, "                                                \
	"'location_id', l.id, 'location', " LOCATION_FULL                       \
	") ORDER BY l.name, l.id) "                                             \
	"FROM activity_locations al JOIN locations l ON l.id = al.location_id " \
	"WHERE al.activity_id = a.id)"

#define SERVICE_ONE \
	"json_build_object(" SERVICE_FIELDS ", 'organization', json_build_object(" ORG_FIELDS "))"

#define SERVICE_FULL                                                            \
	"json_build_object(" SERVICE_FIELDS                                     \
	", "                                                                    \
	"'organization', json_build_object(" ORG_FIELDS                         \
	"), "                                                                   \
	"'contacts', " SERVICE_CONTACTS ", 'languages', " SERVICE_LANGUAGES     \
	", "                                                                    \
	"'service_areas', " SERVICE_AREAS ", 'attributes', " SERVICE_ATTRIBUTES \
	", "                                                                    \
	"'schedules', " SERVICE_SCHEDULES ", 'service_at_locations', " SERVICE_LOCATIONS ")"

#define ORG_FULL \
	"json_build_object(" ORG_FIELDS ", "                                                   \
	"'contacts', (SELECT json_agg(json_build_object('id', c.id, 'organization_id', o.id, " \
	"'name', c.name, 'title', nullif(c.role, ''), 'email', " EMAIL("c.email") ", "         \
	"'phones', CASE WHEN c.phone IS NOT NULL THEN json_build_array(json_build_object("     \
	"'id', " UUID_OF("'phone:' || c.id") ", 'contact_id', c.id, 'number', c.phone)) END)" \
	" ORDER BY c.position, c.id) FROM contacts c WHERE c.organization_id = o.id), "        \
	"'phones', CASE WHEN o.phone IS NOT NULL THEN json_build_array(json_build_object("    \
	"'id', " UUID_OF("'phone:organization:' || o.id") ", 'organization_id', o.id, "        \
	"'number', o.phone)) END, "                                                            \
	"'organization_identifiers', CASE WHEN o.business_id IS NOT NULL THEN "               \
	"json_build_array(json_build_object('id', "                                            \
	UUID_OF("'organization_identifier:' || o.id") ", 'organization_id', o.id, "            \
	"'identifier_type', 'Y-tunnus (Finnish business id)', "                                \
	"'identifier', o.business_id)) END, "                                                  \
	"'locations', (SELECT json_agg(" LOCATION_FULL " ORDER BY l.name, l.id) "              \
	"FROM locations l WHERE l.organization_id = o.id), "                                   \
	"'services', (SELECT json_agg(json_build_object(" SERVICE_FIELDS ") "                  \
	"ORDER BY lower(a.name), a.id) FROM activities a "                                            \
	"WHERE a.organization_id = o.id AND a.status = 'published'))"

/* The page envelope around 'contents' (a json_agg over p, or NULL); n is
 * the total count (alias t). */
#define PAGE(contents)                                                          \
	"SELECT json_build_object('total_items', t.n, "                         \
	"'total_pages', ceil(t.n / $7::numeric)::int, 'page_number', $9::int, " \
	"'size', (SELECT count(*) FROM p), 'first_page', $9::int = 1, "         \
	"'last_page', $9::int >= ceil(t.n / $7::numeric), "                     \
	"'empty', NOT EXISTS (SELECT 1 FROM p), "                               \
	"'contents', coalesce(" contents ", '[]'::json)) FROM (SELECT count(*) AS n FROM f) AS t"

#define LIMIT_OFFSET " LIMIT $7::int OFFSET $8::int"

/* The published activities a of approved organisations o that pass the
 * filters of the request (all but modified_after); with a search, $2 is the
 * activities the search's text index finds, best first (a uuid[] literal,
 * search_text_ids), and s.ord an activity's place among them.  Joins go
 * between SERVICES_FROM and SERVICES_WHERE. */
#define SERVICES_FROM                                                                         \
	"FROM activities a JOIN organizations o ON o.id = a.organization_id "                 \
	"LEFT JOIN (SELECT * FROM unnest($2::uuid[]) WITH ORDINALITY AS x(activity_id, ord) " \
	"WHERE $2 IS NOT NULL) AS s ON s.activity_id = a.id "
#define SERVICES_WHERE                                                                          \
	"WHERE a.status = 'published' AND o.status = 'approved' "                               \
	"AND ($2 IS NULL OR s.ord IS NOT NULL) "                                                \
	"AND ($3 IS NULL OR a.id IN ("                                                          \
	"SELECT activity_id FROM activity_needs WHERE term_id IN (" TERM_AND_CHILDREN           \
	") "                                                                                    \
	"UNION ALL SELECT activity_id FROM activity_kinds WHERE term_id IN (" TERM_AND_CHILDREN \
	") "                                                                                    \
	"UNION ALL SELECT activity_id FROM activity_target_groups "                             \
	"WHERE term_id IN (" TERM_AND_CHILDREN                                                  \
	"))) "                                                                                  \
	"AND ($4 IS NULL OR a.organization_id = $4::uuid) "                                     \
	"AND ($6 IS NULL OR a.id IN ("                                                          \
	"SELECT activity_id FROM activity_needs WHERE taxonomy_id = $6 "                        \
	"UNION ALL SELECT activity_id FROM activity_kinds WHERE taxonomy_id = $6 "              \
	"UNION ALL SELECT activity_id FROM activity_target_groups WHERE taxonomy_id = $6)) "
#define TERM_AND_CHILDREN "SELECT id FROM taxonomy_terms WHERE id = $3 OR parent_id = $3"

/* --- the queries ------------------------------------------------------------ */

static const char q_services[] =
	"WITH f AS (SELECT a.id, a.name, s.ord " SERVICES_FROM SERVICES_WHERE
	"AND ($5 IS NULL OR " LAST_MODIFIED
	" >= $5::timestamptz)), "
	"p AS (SELECT * FROM f ORDER BY ord NULLS LAST, lower(name), id" LIMIT_OFFSET ") " PAGE(
		"(SELECT json_agg(json_strip_nulls(" SERVICE_ONE
		") "
		"ORDER BY p.ord NULLS LAST, lower(p.name), p.id) FROM p JOIN activities a ON a.id = p.id "
		"JOIN organizations o ON o.id = a.organization_id)");

static const char q_service[] =
	"SELECT json_strip_nulls(" SERVICE_FULL
	") FROM activities a "
	"JOIN organizations o ON o.id = a.organization_id "
	"WHERE a.id = $1::uuid AND a.status = 'published' AND o.status = 'approved'";

static const char q_organizations[] =
	"WITH f AS (SELECT o.id, o.name FROM organizations o WHERE o.status = 'approved' "
	"AND ($2 IS NULL OR lower(o.name) LIKE " LIKE_ANY
	" "
	"OR lower(o.description) LIKE " LIKE_ANY
	")), "
	"p AS (SELECT * FROM f ORDER BY lower(name), id" LIMIT_OFFSET
	") " PAGE("(SELECT json_agg(json_strip_nulls(json_build_object(" ORG_FIELDS
		  ")) "
		  "ORDER BY lower(p.name), p.id) FROM p JOIN organizations o ON o.id = p.id)");

static const char q_organization[] = "SELECT json_strip_nulls(" ORG_FULL
				     ") FROM organizations o "
				     "WHERE o.id = $1::uuid AND o.status = 'approved'";

static const char q_taxonomies[] =
	"WITH f AS (SELECT x.id, " TAXONOMY_ORDER
	" AS ord FROM taxonomies x "
	"WHERE $2 IS NULL OR lower(concat_ws(' ', x.name_fi, x.name_sv, x.name_en, "
	"x.description)) LIKE " LIKE_ANY
	"), "
	"p AS (SELECT * FROM f ORDER BY ord, id" LIMIT_OFFSET
	") " PAGE("(SELECT json_agg(" TAXONOMY_OBJ
		  " ORDER BY p.ord, p.id) "
		  "FROM p JOIN taxonomies x ON x.id = p.id)");

static const char q_taxonomy[] = "SELECT " TAXONOMY_OBJ
				 " FROM taxonomies x "
				 "WHERE x.id = $1 OR " UUID_OF("'taxonomy:' || x.id") "::text = $1";

static const char q_terms[] =
	"WITH f AS (SELECT t.id, " TAXONOMY_ORDER
	" AS ord, t.position "
	"FROM taxonomy_terms t JOIN taxonomies x ON x.id = t.taxonomy_id "
	"WHERE t.active AND ($6 IS NULL OR t.taxonomy_id = $6) "
	"AND ($2 IS NULL OR lower(concat_ws(' ', t.id, t.label_fi, t.label_sv, t.label_en, "
	"array_to_string(t.synonyms_fi || t.synonyms_sv || t.synonyms_en, ' '), "
	"array_to_string(t.icd10, ' '))) LIKE " LIKE_ANY
	")), "
	"p AS (SELECT * FROM f ORDER BY ord, position, id" LIMIT_OFFSET ") " PAGE(
		"(SELECT json_agg(json_strip_nulls(" TERM_OBJ
		") ORDER BY p.ord, p.position, p.id) "
		"FROM p JOIN taxonomy_terms t ON t.id = p.id JOIN taxonomies x ON x.id = t.taxonomy_id)");

static const char q_term[] =
	"SELECT json_strip_nulls(" TERM_OBJ
	") FROM taxonomy_terms t "
	"JOIN taxonomies x ON x.id = t.taxonomy_id "
	"WHERE t.active AND (t.id = $1 OR " UUID_OF("'taxonomy_term:' || t.id") "::text = $1)";

static const char q_service_at_locations[] =
	"WITH f AS (SELECT al.activity_id, al.location_id, a.name, l.name AS lname, s.ord " SERVICES_FROM
	"JOIN activity_locations al ON al.activity_id = a.id "
	"JOIN locations l ON l.id = al.location_id " SERVICES_WHERE
	"AND ($5 IS NULL OR greatest(" LAST_MODIFIED
	", l.updated_at) >= $5::timestamptz)), "
	"p AS (SELECT * FROM f ORDER BY ord NULLS LAST, lower(name), activity_id, lname, location_id" LIMIT_OFFSET
	") " PAGE(
		"(SELECT json_agg(json_strip_nulls(json_build_object('id', " SAL_ID
		", "
		"'service_id', a.id, 'location_id', l.id, "
		"'location', json_build_object(" LOCATION_FIELDS "), 'service', " SERVICE_ONE
		")) "
		"ORDER BY p.ord NULLS LAST, lower(p.name), p.activity_id, p.lname, p.location_id) "
		"FROM p JOIN activity_locations al ON al.activity_id = p.activity_id "
		"AND al.location_id = p.location_id "
		"JOIN activities a ON a.id = al.activity_id "
		"JOIN organizations o ON o.id = a.organization_id "
		"JOIN locations l ON l.id = al.location_id)");

static const char q_service_at_location[] =
	"SELECT json_strip_nulls(json_build_object('id', " SAL_ID
	", 'service_id', a.id, "
	"'location_id', l.id, 'location', " LOCATION_FULL ", 'service', " SERVICE_ONE
	")) "
	"FROM activity_locations al JOIN activities a ON a.id = al.activity_id "
	"JOIN organizations o ON o.id = a.organization_id "
	"JOIN locations l ON l.id = al.location_id "
	"WHERE a.status = 'published' AND o.status = 'approved' AND " SAL_ID "::text = $1";

static const char q_resolve_term[] =
	"SELECT t.id FROM taxonomy_terms t WHERE t.active "
	"AND (t.id = $1 OR " UUID_OF("'taxonomy_term:' || t.id") "::text = $1)";

static const char q_resolve_taxonomy[] =
	"SELECT x.id FROM taxonomies x "
	"WHERE x.id = $1 OR " UUID_OF("'taxonomy:' || x.id") "::text = $1";

/* --- the handler -------------------------------------------------------------- */

/* Runs sql with the ten parameters; returns the result (PQclear it) or NULL
 * with the reply's error set (UNAVAILABLE when the connection went, else
 * INTERNAL). */
static PGresult *run(struct worker *w, const char *sql, const char *const *params,
		     Tarjotin__Envelope *reply)
{
	static const Oid types[NPARAMS] = { TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID,
					    TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID };
	char err[512];
	PGresult *res;

	if (pg_ensure(&w->db, w->dir->conninfo, err, sizeof(err))) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
				"the database is unavailable");
		return NULL;
	}
	res = PQexecParams(w->db, sql, NPARAMS, types, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	/* UNAVAILABLE when broken or timed out (a slow free-text search),
	 * else INTERNAL, the server's text logged with the request id. */
	wdb_failed(w, res, "hsds", reply);
	PQclear(res);
	return NULL;
}

/*
 * Resolves a taxonomy or term given by uuid or slug to its slug, which
 * params[slot] then points to (inside *res, which the caller PQclears).
 * Returns 0, or -1 with the reply's error set (BAD_REQUEST naming field
 * when there is no such one).
 */
static int resolve(struct worker *w, const char *sql, const char *value, const char *field,
		   const char **params, int slot, PGresult **res, Tarjotin__Envelope *reply)
{
	const char *p[NPARAMS] = { value };

	*res = run(w, sql, p, reply);
	if (!*res)
		return -1;
	if (PQntuples(*res) != 1) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, field,
				"unknown %s '%s'", field, value);
		return -1;
	}
	params[slot] = PQgetvalue(*res, 0, 0);
	return 0;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

void hsds_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__HsdsRequest *hr = NULL;
	Tarjotin__HsdsReply out = TARJOTIN__HSDS_REPLY__INIT;
	PGresult *res = NULL, *term = NULL, *taxonomy = NULL;
	const char *params[NPARAMS] = { NULL };
	const char *sql = NULL, *what = "item";
	char *found = NULL; /* the services a search finds (search_text_ids) */
	char limit[16], offset[24], page[16];
	int per_page, pageno;
	bool one;
	size_t len;

	hr = tarjotin__hsds_request__unpack(NULL, req->payload.len, req->payload.data);
	if (!hr) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed hsds request");
		goto out;
	}
	one = *hr->id != '\0';
	switch (hr->resource) {
	case TARJOTIN__HSDS_RESOURCE__HSDS_SERVICES:
		sql = one ? q_service : q_services;
		what = "service";
		break;
	case TARJOTIN__HSDS_RESOURCE__HSDS_ORGANIZATIONS:
		sql = one ? q_organization : q_organizations;
		what = "organization";
		break;
	case TARJOTIN__HSDS_RESOURCE__HSDS_TAXONOMIES:
		sql = one ? q_taxonomy : q_taxonomies;
		what = "taxonomy";
		break;
	case TARJOTIN__HSDS_RESOURCE__HSDS_TAXONOMY_TERMS:
		sql = one ? q_term : q_terms;
		what = "taxonomy term";
		break;
	case TARJOTIN__HSDS_RESOURCE__HSDS_SERVICE_AT_LOCATIONS:
		sql = one ? q_service_at_location : q_service_at_locations;
		what = "service at location";
		break;
	default:
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "resource",
				"unknown hsds resource %d", (int)hr->resource);
		goto out;
	}

	/* The gateway validated the values; these bounds only keep the SQL
	 * arithmetic sane whoever sends the request. */
	per_page = hr->per_page >= 1 && hr->per_page <= 100 ? hr->per_page : 20;
	pageno = hr->page >= 1 && hr->page <= 1000000 ? hr->page : 1;
	snprintf(limit, sizeof(limit), "%d", per_page);
	snprintf(offset, sizeof(offset), "%lld", (long long)(pageno - 1) * per_page);
	snprintf(page, sizeof(page), "%d", pageno);
	params[0] = nonempty(hr->id);
	params[1] = nonempty(hr->search);
	/* Services are found by the search's own text index, as the search
	 * API's q finds them; the other lists match their few words by LIKE. */
	if (!one && params[1] &&
	    (hr->resource == TARJOTIN__HSDS_RESOURCE__HSDS_SERVICES ||
	     hr->resource == TARJOTIN__HSDS_RESOURCE__HSDS_SERVICE_AT_LOCATIONS)) {
		if (!(found = search_text_ids(w->dir->search, params[1]))) {
			reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
					"the search index is not loaded yet");
			goto out;
		}
		params[1] = found;
	}
	params[3] = nonempty(hr->organization_id);
	params[4] = nonempty(hr->modified_after);
	params[6] = limit;
	params[7] = offset;
	params[8] = page;
	params[9] = nonempty(hr->lang);
	if (!one && nonempty(hr->taxonomy_term_id) &&
	    resolve(w, q_resolve_term, hr->taxonomy_term_id, "taxonomy_term_id", params, 2, &term,
		    reply))
		goto out;
	if (!one && nonempty(hr->taxonomy_id) &&
	    resolve(w, q_resolve_taxonomy, hr->taxonomy_id, "taxonomy_id", params, 5, &taxonomy,
		    reply))
		goto out;

	res = run(w, sql, params, reply);
	if (!res)
		goto out;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "id", "no such %s '%s'",
				what, hr->id);
		goto out;
	}
	len = (size_t)PQgetlength(res, 0, 0);
	if (len > RPC_MAX_DOCUMENT) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "too_large", NULL,
			       "the %s document is too large (%zu bytes)", what, len);
		goto out;
	}
	/* Packed straight from libpq's buffer: the one copy is the payload. */
	out.json.data = (uint8_t *)PQgetvalue(res, 0, 0);
	out.json.len = len;
	rpc_pack_payload(&out.base, &reply->payload);
out:
	free(found);
	PQclear(res);
	PQclear(term);
	PQclear(taxonomy);
	if (hr)
		tarjotin__hsds_request__free_unpacked(hr, NULL);
}
