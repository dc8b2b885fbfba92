/*
 * coverage.c - see coverage.h.  One statement builds the whole document.
 *
 * "On the tray" is what the professional search shows: published, of an
 * approved organisation, not hidden by the review.  An activity is available
 * in a municipality it lists, or in every municipality of its county when it
 * serves the whole county; nationwide and online activities are counted
 * apart (they are available everywhere).
 */
#include <stdio.h>

#include "coverage.h"
#include "doccall.h"
#include "reply.h"
#include "simclock.h"
#include "wdb.h"
#include "banned.h"

/* The frames' names, as the registration form says them. */
#define FRAMES_JSON                                                                                 \
	"{\"association\": {\"fi\": \"Yhdistys\", \"sv\": \"Förening\", \"en\": \"Association\"}," \
	" \"federation\": {\"fi\": \"Liitto\", \"sv\": \"Förbund\", \"en\": \"Federation\"},"      \
	" \"district\": {\"fi\": \"Piiri\", \"sv\": \"Distrikt\", \"en\": \"District\"},"           \
	" \"branch\": {\"fi\": \"Paikallisosasto\", \"sv\": \"Lokalavdelning\","                    \
	" \"en\": \"Local branch\"},"                                                               \
	" \"club\": {\"fi\": \"Kerho\", \"sv\": \"Klubb\", \"en\": \"Club\"},"                      \
	" \"group\": {\"fi\": \"Ryhmä\", \"sv\": \"Grupp\", \"en\": \"Group\"},"                   \
	" \"other\": {\"fi\": \"Muu\", \"sv\": \"Annan\", \"en\": \"Other\"}}"

/* $1 the review clock's time, $2 the frames' names. */
static const char sql[] =
	"WITH t AS (SELECT ($1::timestamptz AT TIME ZONE 'Europe/Helsinki')::date AS today),"
	" tray AS (SELECT a.id, a.area_type::text AS area_type, a.area_county, a.assured_date"
	"  FROM activities a JOIN organizations o ON o.id = a.organization_id"
	"  WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'),"
	" avail AS (SELECT tr.id, m.code, m.county_key FROM tray tr JOIN municipalities m"
	"  ON (tr.area_type = 'municipalities' AND EXISTS (SELECT 1 FROM activity_municipalities am"
	"      WHERE am.activity_id = tr.id AND am.municipality_code = m.code))"
	"  OR (tr.area_type = 'county' AND m.county_key = tr.area_county)),"
	" orgs AS (SELECT o.id, o.frame::text AS frame, o.seat_municipality, m.county_key"
	"  FROM organizations o LEFT JOIN municipalities m ON m.code = o.seat_municipality"
	"  WHERE o.status = 'approved'),"
	" fresh AS (SELECT tr.id, tr.assured_date >= (SELECT today FROM t) - interval '6 months'"
	"  AS verified FROM tray tr)"
	" SELECT json_build_object("
	" 'taken_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	" 'as_of', (SELECT today FROM t),"
	" 'counties', (SELECT json_object_agg(c.key, json_build_object('fi', c.name_fi,"
	"   'sv', c.name_sv, 'en', c.name_en, 'population', (SELECT coalesce(sum(m.population), 0)"
	"   FROM municipalities m WHERE m.county_key = c.key))) FROM counties c),"
	" 'municipalities', (SELECT json_object_agg(m.code, json_build_object('fi', m.name_fi,"
	"   'sv', coalesce(m.name_sv, m.name_fi), 'county', m.county_key,"
	"   'population', coalesce(m.population, 0))) FROM municipalities m),"
	" 'terms', (SELECT coalesce(json_object_agg(x.id, json_build_object('taxonomy',"
	"   x.taxonomy_id, 'fi', x.label_fi, 'sv', x.label_sv, 'en', x.label_en)), '{}')"
	"   FROM taxonomy_terms x WHERE x.taxonomy_id IN ('need', 'kind')),"
	" 'frames', $2::json,"
	" 'user_sites', (SELECT coalesce(json_object_agg(u.id, json_build_object('name', u.name,"
	"   'county', u.county)), '{}') FROM user_sites u),"
	" 'organizations', json_build_object('total', (SELECT count(*) FROM orgs),"
	"   'by_frame', (SELECT json_object_agg(f, (SELECT count(*) FROM orgs WHERE orgs.frame = f))"
	"     FROM unnest(enum_range(NULL::organization_frame)::text[]) AS f),"
	"   'by_county', (SELECT json_object_agg(c.key, (SELECT count(*) FROM orgs"
	"     WHERE orgs.county_key = c.key)) FROM counties c),"
	"   'by_municipality', (SELECT json_object_agg(x.code, x.n) FROM (SELECT m.code,"
	"     count(o.id) AS n FROM municipalities m LEFT JOIN orgs o ON o.seat_municipality = m.code"
	"     GROUP BY m.code) x)),"
	" 'activities', json_build_object('total', (SELECT count(*) FROM tray),"
	"   'nationwide', (SELECT count(*) FROM tray WHERE area_type = 'nationwide'),"
	"   'online', (SELECT count(*) FROM tray WHERE area_type = 'online'),"
	"   'by_county', (SELECT json_object_agg(c.key, (SELECT count(DISTINCT v.id) FROM avail v"
	"     WHERE v.county_key = c.key)) FROM counties c),"
	"   'by_municipality', (SELECT json_object_agg(x.code, x.n) FROM (SELECT m.code,"
	"     count(DISTINCT v.id) AS n FROM municipalities m LEFT JOIN avail v ON v.code = m.code"
	"     GROUP BY m.code) x),"
	"   'by_need', (SELECT coalesce(json_object_agg(x.id, (SELECT count(*) FROM activity_needs an"
	"     JOIN tray tr ON tr.id = an.activity_id WHERE an.term_id = x.id)), '{}')"
	"     FROM taxonomy_terms x WHERE x.taxonomy_id = 'need'),"
	"   'by_kind', (SELECT coalesce(json_object_agg(x.id, (SELECT count(*) FROM activity_kinds ak"
	"     JOIN tray tr ON tr.id = ak.activity_id WHERE ak.term_id = x.id)), '{}')"
	"     FROM taxonomy_terms x WHERE x.taxonomy_id = 'kind')),"
	" 'freshness', (SELECT json_object_agg(k, v) FROM ("
	"   SELECT c.key AS k, json_build_object('published', count(DISTINCT f.id),"
	"     'verified_6m', count(DISTINCT f.id) FILTER (WHERE f.verified)) AS v"
	"   FROM counties c LEFT JOIN (avail v JOIN fresh f ON f.id = v.id) ON v.county_key = c.key"
	"   GROUP BY c.key"
	"   UNION ALL SELECT 'nationwide', json_build_object('published', count(*),"
	"     'verified_6m', count(*) FILTER (WHERE f.verified))"
	"   FROM fresh f JOIN tray tr ON tr.id = f.id WHERE tr.area_type IN ('nationwide', 'online')"
	" ) fr))::text";

void coverage_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const char *params[2];
	char now[32];
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	simclock_iso(w->dir->clock, now, sizeof(now));
	params[0] = now;
	params[1] = FRAMES_JSON;
	res = wdb_exec(w, sql, 2, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}
