/*
 * coverage.c - see coverage.h.  One statement builds the whole document;
 * it runs at most every few minutes (stats asks when a report needs it).
 */
#include "coverage.h"
#include "doccall.h"
#include "reply.h"
#include "simclock.h"
#include "wdb.h"
#include "banned.h"

/*
 * $1 the review clock's time.  tray: the activities the professional
 * search shows (as idx_build.c selects them).  mun_act: an activity
 * available in a municipality (listed for it, or county-wide in its
 * county); cty_act: available anywhere in a county, once per county.
 * Nationwide and online activities are in neither.  The frames' labels
 * are the web UI's (org-edit.js).
 */
#define COVERAGE_SQL                                                                              \
	"WITH t AS (SELECT ($1::timestamptz AT TIME ZONE 'Europe/Helsinki')::date AS today), "    \
	"tray AS (SELECT a.id, a.area_type::text AS area_type, a.area_county, a.assured_date "    \
	"FROM activities a JOIN organizations o ON o.id = a.organization_id "                     \
	"WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'), "   \
	"am AS (SELECT DISTINCT tr.id, m.code, m.county_key FROM tray tr "                        \
	"JOIN activity_municipalities x ON x.activity_id = tr.id "                                \
	"JOIN municipalities m ON m.code = x.municipality_code "                                  \
	"WHERE tr.area_type = 'municipalities'), "                                                \
	"mun_act AS (SELECT code, id FROM am UNION SELECT m.code, tr.id FROM tray tr "            \
	"JOIN municipalities m ON m.county_key = tr.area_county WHERE tr.area_type = 'county'), " \
	"cty_act AS (SELECT county_key AS county, id FROM am UNION SELECT tr.area_county, tr.id " \
	"FROM tray tr WHERE tr.area_type = 'county'), "                                           \
	"fresh AS (SELECT tr.id, tr.assured_date IS NOT NULL AND tr.assured_date >= "             \
	"(t.today - interval '6 months')::date AS v6 FROM tray tr, t), "                          \
	"org AS (SELECT o.frame::text AS frame, o.seat_municipality AS code, m.county_key AS "    \
	"county FROM organizations o LEFT JOIN municipalities m ON m.code = o.seat_municipality " \
	"WHERE o.status = 'approved'), "                                                          \
	"fr (key, fi, sv, en) AS (VALUES ('federation', 'Liitto', 'Förbund', 'Federation'), "    \
	"('district', 'Piiri', 'Distrikt', 'District'), "                                         \
	"('association', 'Yhdistys', 'Förening', 'Association'), "                               \
	"('branch', 'Paikallisosasto', 'Lokalavdelning', 'Branch'), "                             \
	"('club', 'Kerho', 'Klubb', 'Club'), ('group', 'Ryhmä', 'Grupp', 'Group'), "             \
	"('other', 'Muu', 'Annan', 'Other')), "                                                   \
	"terms AS (SELECT id, taxonomy_id, label_fi, label_sv, label_en FROM taxonomy_terms "     \
	"WHERE taxonomy_id IN ('need', 'kind')), "                                                \
	"ck AS (SELECT k.key, count(ca.id) AS n, count(ca.id) FILTER (WHERE f.v6) AS v6 "         \
	"FROM counties k LEFT JOIN cty_act ca ON ca.county = k.key "                              \
	"LEFT JOIN fresh f ON f.id = ca.id GROUP BY k.key) "                                      \
	"SELECT json_build_object("                                                               \
	"'taken_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "       \
	"'as_of', (SELECT today FROM t)::text, "                                                  \
	"'counties', (SELECT coalesce(json_object_agg(k.key, json_build_object('fi', "            \
	"k.name_fi, 'sv', k.name_sv, 'en', k.name_en, 'population', (SELECT sum(m.population) "   \
	"FROM municipalities m WHERE m.county_key = k.key)) ORDER BY k.key), '{}') "              \
	"FROM counties k), "                                                                      \
	"'municipalities', (SELECT coalesce(json_object_agg(m.code, json_build_object('fi', "     \
	"m.name_fi, 'sv', coalesce(m.name_sv, m.name_fi), 'county', m.county_key, "               \
	"'population', m.population) ORDER BY m.code), '{}') FROM municipalities m), "            \
	"'terms', (SELECT coalesce(json_object_agg(id, json_build_object('taxonomy', "            \
	"taxonomy_id, 'fi', label_fi, 'sv', label_sv, 'en', label_en) ORDER BY id), '{}') "       \
	"FROM terms), "                                                                           \
	"'frames', (SELECT json_object_agg(key, json_build_object('fi', fi, 'sv', sv, 'en', en) " \
	"ORDER BY key) FROM fr), "                                                                \
	"'user_sites', (SELECT coalesce(json_object_agg(s.id, json_build_object('name', "         \
	"s.name, 'county', s.county) ORDER BY s.id), '{}') FROM user_sites s), "                  \
	"'organizations', json_build_object('total', (SELECT count(*) FROM org), "                \
	"'by_frame', (SELECT json_object_agg(key, n ORDER BY key) FROM (SELECT fr.key, "          \
	"count(org.frame) AS n FROM fr LEFT JOIN org ON org.frame = fr.key GROUP BY fr.key) x), " \
	"'by_county', (SELECT coalesce(json_object_agg(key, n ORDER BY key), '{}') FROM "         \
	"(SELECT k.key, count(org.county) AS n FROM counties k LEFT JOIN org "                    \
	"ON org.county = k.key GROUP BY k.key) x), "                                              \
	"'by_municipality', (SELECT coalesce(json_object_agg(code, n ORDER BY code), '{}') "      \
	"FROM (SELECT m.code, count(org.code) AS n FROM municipalities m LEFT JOIN org "          \
	"ON org.code = m.code GROUP BY m.code) x)), "                                             \
	"'activities', json_build_object('total', (SELECT count(*) FROM tray), "                  \
	"'nationwide', (SELECT count(*) FROM tray WHERE area_type = 'nationwide'), "              \
	"'online', (SELECT count(*) FROM tray WHERE area_type = 'online'), "                      \
	"'by_county', (SELECT coalesce(json_object_agg(key, n ORDER BY key), '{}') FROM ck), "    \
	"'by_municipality', (SELECT coalesce(json_object_agg(code, n ORDER BY code), '{}') "      \
	"FROM (SELECT m.code, count(ma.id) AS n FROM municipalities m LEFT JOIN mun_act ma "      \
	"ON ma.code = m.code GROUP BY m.code) x), "                                               \
	"'by_need', (SELECT coalesce(json_object_agg(id, n ORDER BY id), '{}') FROM "             \
	"(SELECT te.id, count(tr.id) AS n FROM terms te LEFT JOIN activity_needs an "             \
	"ON an.term_id = te.id LEFT JOIN tray tr ON tr.id = an.activity_id "                      \
	"WHERE te.taxonomy_id = 'need' GROUP BY te.id) x), "                                      \
	"'by_kind', (SELECT coalesce(json_object_agg(id, n ORDER BY id), '{}') FROM "             \
	"(SELECT te.id, count(tr.id) AS n FROM terms te LEFT JOIN activity_kinds ak "             \
	"ON ak.term_id = te.id LEFT JOIN tray tr ON tr.id = ak.activity_id "                      \
	"WHERE te.taxonomy_id = 'kind' GROUP BY te.id) x)), "                                     \
	"'freshness', (SELECT json_object_agg(key, json_build_object('published', n, "            \
	"'verified_6m', v6)) FROM (SELECT key, n, v6 FROM ck UNION ALL SELECT 'nationwide', "     \
	"count(*), count(*) FILTER (WHERE f.v6) FROM tray tr JOIN fresh f ON f.id = tr.id "       \
	"WHERE tr.area_type IN ('nationwide', 'online')) x))::text"

void coverage_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const char *params[1];
	char now[32];
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	simclock_iso(w->dir->clock, now, sizeof(now));
	params[0] = now;
	res = wdb_exec(w, COVERAGE_SQL, 1, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}
