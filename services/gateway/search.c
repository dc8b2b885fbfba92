/*
 * search.c - the search API's routes (see search.h and docs/api-v1.md).
 */
#include "search.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "gateway.h"
#include "pagecache.h"
#include "search.pb-c.h"
#include "usage.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define Q_MAX_CHARS 200

enum sparam {
	SP_NEED,
	SP_KIND,
	SP_TARGET_GROUP,
	SP_MUNICIPALITY,
	SP_COUNTY,
	SP_LANGUAGE,
	SP_TAKES_NEW,
	SP_Q,
	SP_PAGE,
	SP_PER_PAGE,
	SP_N
};

static const char *const sparam_names[SP_N] = {
	"need",      "kind", "target_group", "municipality", "county", "language",
	"takes_new", "q",    "page",         "per_page",
};

struct sparams {
	const char *val[SP_N]; /* libmicrohttpd's strings, valid during the handler */
	int count[SP_N];
};

/* --- checks ------------------------------------------------------------------- */

/* A taxonomy term id: ^[a-z][a-z0-9-]{0,39}$ */
static bool is_term(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool is_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_lower(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/* --- replies ------------------------------------------------------------------ */

static void release_search_reply(void *jr)
{
	tarjotin__search_reply__free_unpacked(jr, NULL);
}

static unsigned render_document(struct req *r, const char *cache)
{
	Tarjotin__SearchReply *jr;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	jr = tarjotin__search_reply__unpack(NULL, r->call.reply->payload.len,
					    r->call.reply->payload.data);
	if (!jr || !jr->json.len) {
		if (jr)
			tarjotin__search_reply__free_unpacked(jr, NULL);
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	}
	usage_search_total(r, jr->total);
	/* The page (12-15 KB) is sent from the unpacked reply, not copied. */
	return req_reply_document(r, 200, jr->json.data, jr->json.len, cache, false,
				  release_search_reply, jr);
}

/* --- the search's pages, kept and sent again (pagecache.h) ------------------ */

/* What render_search needs of the request: kept in r->scratch. */
struct search_call {
	struct page *page; /* the page kept for the request; NULL: none */
	size_t klen;
	uint8_t key[]; /* the packed SearchRequest, if_tag 0 */
};

static void search_call_free(void *cls)
{
	struct search_call *sc = cls;

	if (sc)
		page_unref(sc->page);
	free(sc);
}

static unsigned send_page(struct req *r, struct page *p)
{
	const uint8_t *json;
	size_t len;

	usage_search_total(r, page_total(p));
	json = page_json(p, &len);
	return req_reply_document(r, 200, json, len, "no-store", false, page_unref, p);
}

/* A search's reply: the page again when the directory says it still
 * holds, else the new page, which is then kept. */
static unsigned render_search(struct req *r)
{
	struct search_call *sc = r->scratch;
	Tarjotin__SearchReply *jr;
	struct page *p;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	jr = tarjotin__search_reply__unpack(NULL, r->call.reply->payload.len,
					    r->call.reply->payload.data);
	if (jr && jr->unchanged && sc->page && jr->tag == page_tag(sc->page)) {
		tarjotin__search_reply__free_unpacked(jr, NULL);
		pagecache_note_unchanged(r->gw->pages);
		p = sc->page;
		sc->page = NULL; /* the response's reference now */
		return send_page(r, p);
	}
	if (!jr || !jr->json.len) {
		if (jr)
			tarjotin__search_reply__free_unpacked(jr, NULL);
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	}
	/* The page lives in the unpacked reply: kept and sent, not copied. */
	p = pagecache_put(r->gw->pages, sc->key, sc->klen, jr->json.data, jr->json.len, jr->total,
			  jr->tag, jr->instance, jr, release_search_reply);
	return send_page(r, p);
}

void search_notice(void *pages, const uint8_t *data, size_t len)
{
	Tarjotin__SnapshotNotice *sn = tarjotin__snapshot_notice__unpack(NULL, len, data);
	int64_t age_ms, lease_ms;

	if (!sn)
		return;
	/* The lease counts from when the notice was sent: a notice that
	 * waited in a queue buys less.  A directory clock ahead of this one
	 * buys no more than the lease from now. */
	age_ms = clock_wall_ms() - sn->sent_ms;
	lease_ms = (int64_t)sn->lease_ms - (age_ms > 0 ? age_ms : 0);
	if (lease_ms > 0)
		pagecache_heard(pages, sn->instance, sn->tag, clock_mono_us() + lease_ms * 1000);
	tarjotin__snapshot_notice__free_unpacked(sn, NULL);
}

static unsigned render_fresh(struct req *r)
{
	return render_document(r, "no-store");
}

/* Reference data changes seldom; a minute of browser caching is fine. */
static unsigned render_reference(struct req *r)
{
	return render_document(r, "public, max-age=60");
}

/* --- routes ------------------------------------------------------------------- */

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct sparams *p = cls;

	(void)kind;
	for (int i = 0; i < SP_N; i++) {
		if (strcmp(key, sparam_names[i]))
			continue;
		p->count[i]++;
		p->val[i] = value ? value : "";
		break;
	}
	return MHD_YES; /* unknown names are ignored */
}

unsigned search_route_list(struct req *r, const char *url)
{
	Tarjotin__SearchRequest sr = TARJOTIN__SEARCH_REQUEST__INIT;
	struct sparams p = { 0 };
	struct search_call *sc;
	bool current;
	char county[3];
	const char *v;
	long chars;

	(void)url;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect, &p);
	for (int i = 0; i < SP_N; i++) {
		if (p.count[i] > 1)
			return req_reply_error(r, 400, "invalid_parameter", sparam_names[i],
					       "'%s' may be given only once", sparam_names[i]);
		if (p.val[i] && !*p.val[i])
			p.val[i] = NULL; /* given empty: not given */
	}
	for (int i = SP_NEED; i <= SP_TARGET_GROUP; i++)
		if (p.val[i] && !is_term(p.val[i]))
			return req_reply_error(r, 400, "invalid_parameter", sparam_names[i],
					       "'%s' must be a term id such as 'memory'",
					       sparam_names[i]);
	if ((v = p.val[SP_MUNICIPALITY]) && !is_digits(v, 3))
		return req_reply_error(r, 400, "invalid_parameter", "municipality",
				       "'municipality' must be a 3-digit municipality code");
	if ((v = p.val[SP_COUNTY])) {
		if (strlen(v) != 2 || !((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') ||
		    !((v[1] | 0x20) >= 'a' && (v[1] | 0x20) <= 'z'))
			return req_reply_error(
				r, 400, "invalid_parameter", "county",
				"'county' must be a two-letter county key such as 'PS'");
		county[0] = (char)(v[0] & ~0x20);
		county[1] = (char)(v[1] & ~0x20);
		county[2] = '\0';
		sr.county = county;
	}
	if ((v = p.val[SP_LANGUAGE]) && !is_lower(v, 2, 3))
		return req_reply_error(r, 400, "invalid_parameter", "language",
				       "'language' must be a language code such as 'fi'");
	if ((v = p.val[SP_TAKES_NEW])) {
		if (!strcmp(v, "true"))
			sr.takes_new = TARJOTIN__SEARCH_REQUEST__TAKES_NEW__YES;
		else if (!strcmp(v, "false"))
			sr.takes_new = TARJOTIN__SEARCH_REQUEST__TAKES_NEW__NO;
		else
			return req_reply_error(r, 400, "invalid_parameter", "takes_new",
					       "'takes_new' must be true or false");
	}
	if ((v = p.val[SP_Q])) {
		chars = utf8_chars(v, true);
		if (chars < 0)
			return req_reply_error(r, 400, "invalid_parameter", "q",
					       "'q' must be UTF-8 text without control characters");
		if (chars > Q_MAX_CHARS)
			return req_reply_error(r, 400, "invalid_parameter", "q",
					       "'q' is longer than %d characters", Q_MAX_CHARS);
		sr.q = (char *)v;
	}
	sr.page = 1;
	if ((v = p.val[SP_PAGE]) && req_parse_int(v, 1, 100000, &sr.page))
		return req_reply_error(r, 400, "invalid_parameter", "page",
				       "'page' must be a whole number from 1 to 100000");
	sr.per_page = 20;
	if ((v = p.val[SP_PER_PAGE]) && req_parse_int(v, 1, 100, &sr.per_page))
		return req_reply_error(r, 400, "invalid_parameter", "per_page",
				       "'per_page' must be a whole number from 1 to 100");
	if (p.val[SP_NEED])
		sr.need = (char *)p.val[SP_NEED];
	if (p.val[SP_KIND])
		sr.kind = (char *)p.val[SP_KIND];
	if (p.val[SP_TARGET_GROUP])
		sr.target_group = (char *)p.val[SP_TARGET_GROUP];
	if (p.val[SP_MUNICIPALITY])
		sr.municipality = (char *)p.val[SP_MUNICIPALITY];
	if (p.val[SP_LANGUAGE])
		sr.language = (char *)p.val[SP_LANGUAGE];
	if (sr.page == 1)
		usage_search(r, sr.need, sr.kind, sr.municipality, sr.county, sr.q);
	/* The request's bytes are its key.  A page kept for them whose tag a
	 * notice holds goes again at once; else its tag goes to the directory
	 * as if_tag, which answers "unchanged" when it holds. */
	sr.notices = r->gw->pages != NULL;
	sc = xmalloc(sizeof(*sc) + tarjotin__search_request__get_packed_size(&sr));
	sc->klen = tarjotin__search_request__pack(&sr, sc->key);
	sc->page = pagecache_get(r->gw->pages, sc->key, sc->klen, clock_mono_us(), &current);
	if (current) {
		struct page *pg = sc->page;

		free(sc);
		return send_page(r, pg);
	}
	if (sc->page)
		sr.if_tag = page_tag(sc->page);
	r->scratch = sc;
	r->scratch_free = search_call_free;
	/* A search only reads: resending it on silence is safe, and a filter
	 * search answers in microseconds, so silence means a lost instance.
	 * Free text can keep PostgreSQL busy for hundreds of milliseconds on a
	 * word nobody searched yet; resending it then only doubles the work. */
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_SEARCH, &sr.base, !sr.q || !*sr.q, 0,
			   render_search);
}

unsigned search_route_activity(struct req *r, const char *url)
{
	Tarjotin__ActivityGet ag = TARJOTIN__ACTIVITY_GET__INIT;
	const char *id = url + strlen("/api/v1/activities/");
	char lower[UUID_STR_SIZE];

	if (!uuid_parse(id, strlen(id), lower))
		return req_reply_error(r, 404, "not_found", NULL, "no such activity: %s", url);
	ag.id = lower;
	usage_detail(r, lower);
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_ACTIVITY_GET, &ag.base, true, 0,
			   render_fresh);
}

unsigned search_route_organization(struct req *r, const char *url)
{
	Tarjotin__OrganizationGet og = TARJOTIN__ORGANIZATION_GET__INIT;
	const char *id = url + strlen("/api/v1/organizations/");
	char lower[UUID_STR_SIZE];

	if (!uuid_parse(id, strlen(id), lower))
		return req_reply_error(r, 404, "not_found", NULL, "no such organization: %s", url);
	og.id = lower;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_ORGANIZATION_GET, &og.base, true, 0,
			   render_fresh);
}

unsigned search_route_taxonomies(struct req *r, const char *url)
{
	Tarjotin__ReferenceList rl = TARJOTIN__REFERENCE_LIST__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_TAXONOMY_LIST, &rl.base, true, 0,
			   render_reference);
}

unsigned search_route_municipalities(struct req *r, const char *url)
{
	Tarjotin__ReferenceList rl = TARJOTIN__REFERENCE_LIST__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_MUNICIPALITY_LIST, &rl.base, true, 0,
			   render_reference);
}
