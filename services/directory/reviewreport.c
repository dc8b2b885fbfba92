/*
 * reviewreport.c - see reviewreport.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "doccall.h"
#include "reply.h"
#include "reviewreport.h"
#include "simclock.h"
#include "wdb.h"
#include "banned.h"

/*
 * $1 the clock's time, $2 the review's months, $3 the county or NULL, $4
 * the language of the names.  'a' holds the published activities of
 * approved organisations with their due date (an activity without
 * assured_date is due today, as the scheduler counts it).  Coverage as the
 * search's: listed municipalities cover them and their counties, a county
 * activity its county and its municipalities, nationwide and online
 * everything.
 */
#define REPORT_SQL                                                                               \
	"WITH t AS (SELECT ($1::timestamptz AT TIME ZONE 'Europe/Helsinki')::date AS today), "   \
	"a AS (SELECT ac.id, ac.name, ac.organization_id, o.name AS org_name, "                  \
	"ac.freshness::text AS freshness, ac.assured_date, ac.area_type::text AS area_type, "    \
	"ac.area_county, coalesce((ac.assured_date + make_interval(months => $2::int))::date, "  \
	"t.today) AS due_date, t.today FROM activities ac "                                      \
	"JOIN organizations o ON o.id = ac.organization_id, t "                                  \
	"WHERE ac.status = 'published' AND o.status = 'approved'), "                             \
	"ac AS (SELECT a.*, a.freshness = 'current' AND a.due_date <= a.today AS due, "          \
	"a.area_type IN ('nationwide', 'online') AS everywhere, "                                \
	"CASE WHEN a.area_type = 'municipalities' THEN ARRAY(SELECT m.county_key FROM "          \
	"activity_municipalities am JOIN municipalities m ON m.code = am.municipality_code "     \
	"WHERE am.activity_id = a.id) ELSE ARRAY[a.area_county] END AS in_counties FROM a), "    \
	"cc AS (SELECT k.key, CASE $4 WHEN 'sv' THEN k.name_sv WHEN 'en' THEN k.name_en "        \
	"ELSE k.name_fi END AS name, count(ac.id) AS published, "                                \
	"count(ac.id) FILTER (WHERE ac.due) AS due, "                                            \
	"count(ac.id) FILTER (WHERE ac.freshness = 'unverified') AS unverified, "                \
	"count(ac.id) FILTER (WHERE ac.freshness = 'hidden') AS hidden "                         \
	"FROM counties k LEFT JOIN ac ON ac.everywhere OR k.key = ANY (ac.in_counties) "         \
	"GROUP BY k.key), "                                                                      \
	"mc AS (SELECT m.code, CASE WHEN $4 = 'sv' THEN coalesce(m.name_sv, m.name_fi) "         \
	"ELSE m.name_fi END AS name, count(ac.id) AS published, "                                \
	"count(ac.id) FILTER (WHERE ac.due) AS due, "                                            \
	"count(ac.id) FILTER (WHERE ac.freshness = 'unverified') AS unverified, "                \
	"count(ac.id) FILTER (WHERE ac.freshness = 'hidden') AS hidden "                         \
	"FROM municipalities m LEFT JOIN ac ON ac.everywhere "                                   \
	"OR (ac.area_type = 'county' AND ac.area_county = m.county_key) "                        \
	"OR (ac.area_type = 'municipalities' AND EXISTS (SELECT 1 FROM activity_municipalities " \
	"am WHERE am.activity_id = ac.id AND am.municipality_code = m.code)) "                   \
	"WHERE m.county_key = $3 GROUP BY m.code), "                                             \
	"st AS (SELECT * FROM ac WHERE (ac.freshness <> 'current' OR ac.due) "                   \
	"AND ($3::text IS NULL OR ac.everywhere OR $3 = ANY (ac.in_counties)) "                  \
	"ORDER BY ac.due_date, ac.name, ac.id LIMIT 200) "                                       \
	"SELECT json_build_object('as_of', (SELECT today FROM t), "                              \
	"'counties', (SELECT coalesce(json_agg(json_build_object('key', key, 'name', name, "     \
	"'published', published, 'due', due, 'unverified', unverified, 'hidden', hidden) "       \
	"ORDER BY name, key), '[]'::json) FROM cc), "                                            \
	"'municipalities', (SELECT coalesce(json_agg(json_build_object('code', code, "           \
	"'name', name, 'published', published, 'due', due, 'unverified', unverified, "           \
	"'hidden', hidden) ORDER BY name, code), '[]'::json) FROM mc), "                         \
	"'items', (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name, "          \
	"'organization', json_build_object('id', organization_id, 'name', org_name), "           \
	"'freshness', freshness, 'assured_date', assured_date, 'due_date', due_date) "           \
	"ORDER BY due_date, name, id), '[]'::json) FROM st))::text"

void reviewreport_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const json_t *jc;
	const char *params[4];
	char now[32], months[16], county[3] = "";
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	jc = json_object_get(c.body, "county");
	if (jc && !json_is_null(jc) && !(json_is_string(jc) && json_string_length(jc) == 0)) {
		const char *s = json_string_value(jc);

		if (!s || strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
		    !isalpha((unsigned char)s[1])) {
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid",
				       "county", "county must be a two-letter county key");
			goto out;
		}
		county[0] = (char)toupper((unsigned char)s[0]);
		county[1] = (char)toupper((unsigned char)s[1]);
		switch (wdb_exists(w, "SELECT 1 FROM counties WHERE key = $1", county, reply)) {
		case 1:
			break;
		case 0:
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "unknown",
				       "county", "unknown county '%s'", county);
			goto out;
		default:
			goto out;
		}
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	snprintf(months, sizeof(months), "%d", w->dir->review.months);
	params[0] = now;
	params[1] = months;
	params[2] = county[0] ? county : NULL;
	params[3] = c.lang;
	res = wdb_exec(w, REPORT_SQL, 4, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}
