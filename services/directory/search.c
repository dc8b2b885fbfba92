/*
 * search.c - the search, detail and reference-data handlers (see search.h).
 */
#include "search.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "pg.h"
#include "rpc.h"
#include "search.pb-c.h"
#include "strbuf.h"
#include "uuid.h"
#include "xalloc.h"
#include "wdb.h"
#include "banned.h"

/*
 * Free-text answers (index.h: struct index_text), kept per snapshot: the
 * text index needs milliseconds to rank a common word at national scale,
 * and professionals type the same words again and again.  Direct-mapped
 * by a hash of the query; an entry of an older snapshot generation is a
 * miss, so a change of the data empties the cache in effect.  An answer is
 * shared, not copied: a search holds a reference while it renders.  What
 * the cache holds is bounded by QCACHE_MAX_WORDS 32-bit words in all
 * (8 MB): past that, new answers are not kept until older ones are
 * replaced.
 */
#define QCACHE_SLOTS 4096
#define QCACHE_MAX_WORDS (2u << 20)

/*
 * A change of the data makes a new snapshot, and every cached answer a miss:
 * without more, the words professionals just searched would each take the
 * text index's full ranking again after every NGO's save.  A thread watches
 * the generation (every WARM_POLL_MS) and ranks again, for the new snapshot,
 * the WARM_MAX most recently used queries of older ones, within WARM_BUDGET_MS
 * and stopping when a newer snapshot comes.
 */
#define WARM_POLL_MS 50
#define WARM_MAX 64
#define WARM_BUDGET_MS 500

struct qcache_entry {
	uint64_t generation;
	uint64_t used; /* when last asked for: sx->qcache_clock */
	char *q;
	struct index_text *text;
	size_t words; /* what text takes, in 32-bit words */
};

struct search {
	struct index *ix;
	pthread_mutex_t qcache_lock;
	struct qcache_entry qcache[QCACHE_SLOTS];
	size_t qcache_words;   /* held in all slots */
	uint64_t qcache_clock; /* +1 per get or put */
	/* The warming thread. */
	pthread_t warm_thread;
	pthread_mutex_t warm_lock;
	pthread_cond_t warm_cond;
	bool warm_started, warm_stop;
};

static size_t qcache_slot(const char *q)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *q; q++)
		h = (h ^ (unsigned char)*q) * 1099511628211ULL;
	return (size_t)(h % QCACHE_SLOTS);
}

static void qcache_drop(struct search *sx, struct qcache_entry *e)
{
	sx->qcache_words -= e->words;
	free(e->q);
	index_text_unref(&e->text);
	memset(e, 0, sizeof(*e));
}

/* The cached answer to q with a reference taken, or NULL. */
static struct index_text *qcache_get(struct search *sx, uint64_t generation, const char *q)
{
	struct qcache_entry *e = &sx->qcache[qcache_slot(q)];
	struct index_text *t = NULL;

	pthread_mutex_lock(&sx->qcache_lock);
	if (e->q && e->generation == generation && !strcmp(e->q, q)) {
		t = e->text;
		index_text_ref(t);
		e->used = ++sx->qcache_clock;
	}
	pthread_mutex_unlock(&sx->qcache_lock);
	return t;
}

static void qcache_put(struct search *sx, uint64_t generation, const char *q, struct index_text *t)
{
	struct qcache_entry *e = &sx->qcache[qcache_slot(q)];
	size_t words = t->n + t->nfacets + 2 * t->nwords;
	char *qc = xstrdup(q);

	pthread_mutex_lock(&sx->qcache_lock);
	if (sx->qcache_words - e->words + words > QCACHE_MAX_WORDS) {
		/* Full: answers of older snapshots go first. */
		for (size_t i = 0; i < QCACHE_SLOTS; i++)
			if (sx->qcache[i].q && sx->qcache[i].generation != generation)
				qcache_drop(sx, &sx->qcache[i]);
	}
	if (sx->qcache_words - e->words + words > QCACHE_MAX_WORDS) {
		pthread_mutex_unlock(&sx->qcache_lock);
		free(qc);
		return;
	}
	qcache_drop(sx, e);
	index_text_ref(t);
	e->generation = generation;
	e->q = qc;
	e->text = t;
	e->words = words;
	e->used = ++sx->qcache_clock;
	sx->qcache_words += words;
	pthread_mutex_unlock(&sx->qcache_lock);
}

static void qcache_clear(struct search *sx)
{
	pthread_mutex_lock(&sx->qcache_lock);
	for (size_t i = 0; i < QCACHE_SLOTS; i++)
		qcache_drop(sx, &sx->qcache[i]);
	pthread_mutex_unlock(&sx->qcache_lock);
}

struct warm_query {
	uint64_t used;
	char *q;
};

static int cmp_warm(const void *pa, const void *pb)
{
	const struct warm_query *a = pa, *b = pb;

	return a->used > b->used ? -1 : a->used < b->used;
}

static bool warm_stopping(struct search *sx)
{
	bool stop;

	pthread_mutex_lock(&sx->warm_lock);
	stop = sx->warm_stop;
	pthread_mutex_unlock(&sx->warm_lock);
	return stop;
}

/* Ranks again for the current snapshot the most recently used queries of
 * older ones (see WARM_MAX); returns the generation it warmed, or 'seen'
 * when there is nothing new. */
static uint64_t warm(struct search *sx, uint64_t seen)
{
	struct index_snap *s = index_acquire(sx->ix);
	struct warm_query *wq;
	uint64_t gen;
	size_t n = 0;
	int64_t t0;

	if (!s)
		return seen;
	gen = index_snap_generation(s);
	if (gen == seen) {
		index_release(&s);
		return seen;
	}
	wq = xcalloc(QCACHE_SLOTS, sizeof(*wq));
	pthread_mutex_lock(&sx->qcache_lock);
	for (size_t i = 0; i < QCACHE_SLOTS; i++)
		if (sx->qcache[i].q && sx->qcache[i].generation < gen)
			wq[n++] = (struct warm_query){ sx->qcache[i].used,
						       xstrdup(sx->qcache[i].q) };
	pthread_mutex_unlock(&sx->qcache_lock);
	qsort(wq, n, sizeof(*wq), cmp_warm);
	t0 = clock_mono_us();
	for (size_t i = 0; i < n && i < WARM_MAX; i++) {
		struct index_snap *now = index_acquire(sx->ix);
		bool newer = !now || index_snap_generation(now) != gen;
		struct index_text *t;

		index_release(&now);
		if (newer || warm_stopping(sx) || clock_mono_us() - t0 > WARM_BUDGET_MS * 1000)
			break;
		if (!(t = qcache_get(sx, gen, wq[i].q))) {
			t = index_text(s, wq[i].q);
			qcache_put(sx, gen, wq[i].q, t);
		}
		index_text_unref(&t);
	}
	for (size_t i = 0; i < n; i++)
		free(wq[i].q);
	free(wq);
	index_release(&s);
	return gen;
}

static void *warm_main(void *arg)
{
	struct search *sx = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&sx->warm_lock);
	while (!sx->warm_stop) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += WARM_POLL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&sx->warm_cond, &sx->warm_lock, &ts);
		if (sx->warm_stop)
			break;
		pthread_mutex_unlock(&sx->warm_lock);
		seen = warm(sx, seen);
		pthread_mutex_lock(&sx->warm_lock);
	}
	pthread_mutex_unlock(&sx->warm_lock);
	return NULL;
}

struct search *search_new(struct index *ix)
{
	struct search *sx = xcalloc(1, sizeof(*sx));
	pthread_condattr_t ca;
	int e = pthread_mutex_init(&sx->qcache_lock, NULL);

	if (e) {
		log_error("cannot make the search cache's lock", "error", strerror(e), NULL);
		free(sx);
		return NULL;
	}
	sx->ix = ix;
	pthread_mutex_init(&sx->warm_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sx->warm_cond, &ca);
	pthread_condattr_destroy(&ca);
	/* Without the thread the cache only starts cold after a change. */
	if (ix && (e = pthread_create(&sx->warm_thread, NULL, warm_main, sx)) != 0)
		log_warn("cannot start the search cache's warming", "error", strerror(e), NULL);
	else
		sx->warm_started = ix != NULL;
	return sx;
}

void search_destroy(struct search **sp)
{
	struct search *sx = *sp;

	if (!sx)
		return;
	if (sx->warm_started) {
		pthread_mutex_lock(&sx->warm_lock);
		sx->warm_stop = true;
		pthread_cond_signal(&sx->warm_cond);
		pthread_mutex_unlock(&sx->warm_lock);
		pthread_join(sx->warm_thread, NULL);
	}
	pthread_cond_destroy(&sx->warm_cond);
	pthread_mutex_destroy(&sx->warm_lock);
	qcache_clear(sx);
	pthread_mutex_destroy(&sx->qcache_lock);
	free(sx);
	*sp = NULL;
}

/* One activity with everything a professional needs to tell the client. */
static const char sql_activity[] =
	"SELECT json_build_object('id', a.id, 'name', a.name,"
	" 'organization', json_build_object('id', o.id, 'name', o.name, 'website', o.website,"
	"   'email', o.email, 'phone', o.phone),"
	" 'summary', a.summary, 'description', a.description, 'for_whom', a.for_whom,"
	" 'how_to_join', a.how_to_join, 'cost', a.cost, 'schedule', a.schedule,"
	" 'accessibility', a.accessibility, 'url', a.url,"
	" 'area', json_build_object('type', a.area_type,"
	"   'municipalities', CASE WHEN a.area_type = 'municipalities' THEN"
	"     coalesce((SELECT array_agg(x.municipality_code ORDER BY x.municipality_code)"
	"               FROM activity_municipalities AS x WHERE x.activity_id = a.id), '{}')"
	"     ELSE '{}' END,"
	"   'county', CASE a.area_type WHEN 'county' THEN a.area_county"
	"     WHEN 'municipalities' THEN"
	"     (SELECT CASE WHEN count(DISTINCT m.county_key) = 1 THEN min(m.county_key) END"
	"      FROM activity_municipalities AS x JOIN municipalities AS m"
	"        ON m.code = x.municipality_code WHERE x.activity_id = a.id) END),"
	" 'takes_new', a.takes_new, 'assured_date', a.assured_date, 'assurer', a.assurer,"
	" 'updated_at', a.updated_at, 'unverified', a.freshness = 'unverified',"
	" 'needs', coalesce((SELECT array_agg(x.term_id ORDER BY t.position, t.id)"
	"   FROM activity_needs AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"
	"   WHERE x.activity_id = a.id), '{}'),"
	" 'kinds', coalesce((SELECT array_agg(x.term_id ORDER BY t.position, t.id)"
	"   FROM activity_kinds AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"
	"   WHERE x.activity_id = a.id), '{}'),"
	" 'target_groups', coalesce((SELECT array_agg(x.term_id ORDER BY t.position, t.id)"
	"   FROM activity_target_groups AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"
	"   WHERE x.activity_id = a.id), '{}'),"
	" 'languages', coalesce((SELECT array_agg(x.language ORDER BY x.language)"
	"   FROM activity_languages AS x WHERE x.activity_id = a.id), '{}'),"
	" 'contacts', coalesce((SELECT json_agg(json_build_object('name', c.name, 'role', c.role,"
	"     'phone', c.phone, 'email', c.email) ORDER BY c.position, c.name)"
	"   FROM contacts AS c WHERE c.activity_id = a.id), '[]'),"
	" 'accepts_contact_requests', a.accepts_contact_requests,"
	" 'response_days', a.response_days,"
	" 'response_days_observed', rt.days,"
	" 'response_days_observed_n', coalesce(rt.n, 0))::text"
	" FROM activities AS a JOIN organizations AS o ON o.id = a.organization_id"
	" LEFT JOIN activity_response_times AS rt ON rt.activity_id = a.id"
	" WHERE a.id = $1::uuid AND a.status = 'published' AND o.status = 'approved'"
	" AND a.freshness <> 'hidden'";

static const char sql_organization[] =
	"SELECT json_build_object('id', o.id, 'name', o.name, 'frame', o.frame,"
	" 'business_id', o.business_id, 'description', o.description, 'website', o.website,"
	" 'email', o.email, 'phone', o.phone, 'seat_municipality', o.seat_municipality)::text"
	" FROM organizations AS o WHERE o.id = $1::uuid AND o.status = 'approved'";

/* Puts the JSON document into the reply's payload (a SearchReply), or an
 * error when it would not fit a frame (RPC_MAX_DOCUMENT): what names the
 * document in the message; total is SearchReply.total (-1: not a search),
 * tag and instance SearchReply's (0: not a search). */
static void reply_json_doc(Tarjotin__Envelope *reply, const char *json, size_t len,
			   const char *what, int32_t total, uint64_t tag, uint64_t instance)
{
	Tarjotin__SearchReply jr = TARJOTIN__SEARCH_REPLY__INIT;
	char size[24];

	if (len > RPC_MAX_DOCUMENT) {
		snprintf(size, sizeof(size), "%zu", len);
		log_warn("document too large to send", "document", what, "bytes", size, NULL);
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "too_large", NULL,
			       "the %s document is too large (%zu bytes)", what, len);
		return;
	}
	jr.json.data = (uint8_t *)json;
	jr.json.len = len;
	jr.total = total;
	jr.tag = tag;
	jr.instance = instance;
	rpc_pack_payload(&jr.base, &reply->payload);
}

/* Runs a one-parameter query on the worker's connection, reconnecting once
 * when the connection went bad (every query here only reads).  Returns
 * the result (PQclear it) or NULL with the reply's error set. */
static PGresult *worker_query(struct worker *w, const char *sql, const char *param,
			      Tarjotin__Envelope *reply)
{
	char err[256];

	for (int attempt = 0; attempt < 2; attempt++) {
		PGresult *res;

		if (pg_ensure(&w->db, w->dir->conninfo, err, sizeof(err))) {
			reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
					"the database is not reachable");
			return NULL;
		}
		res = PQexecParams(w->db, sql, 1, NULL, &param, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			return res;
		if (PQstatus(w->db) == CONNECTION_OK) {
			/* Logged there with the request id; the text is not answered. */
			wdb_failed(w, res, "search", reply);
			PQclear(res);
			return NULL;
		}
		PQclear(res);
	}
	reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
			"the database is not reachable");
	return NULL;
}

static struct index_snap *acquire_or_fail(struct search *sx, Tarjotin__Envelope *reply)
{
	struct index_snap *s = sx && sx->ix ? index_acquire(sx->ix) : NULL;

	if (!s)
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
				"the search index is not loaded yet");
	return s;
}

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

/* The answer to the free text q over s, from the cache or ranked now (and
 * then kept), with a reference taken. */
static struct index_text *cached_text(struct search *sx, const struct index_snap *s, const char *q)
{
	uint64_t gen = index_snap_generation(s);
	struct index_text *text = qcache_get(sx, gen, q);

	if (!text) {
		text = index_text(s, q);
		qcache_put(sx, gen, q, text);
	}
	return text;
}

char *search_text_ids(struct search *sx, const char *q)
{
	struct index_snap *s = sx && sx->ix ? index_acquire(sx->ix) : NULL;
	struct index_text *text;
	struct strbuf b = STRBUF_INIT;

	if (!s)
		return NULL;
	text = cached_text(sx, s, q);
	strbuf_reserve(&b, 2 + text->n * 37);
	strbuf_add(&b, "{", 1);
	for (size_t i = 0; i < text->n; i++) {
		if (i)
			strbuf_add(&b, ",", 1);
		strbuf_adds(&b, index_record_id(s, text->ranked[i]));
	}
	strbuf_add(&b, "}", 1);
	index_text_unref(&text);
	index_release(&s);
	return strbuf_detach(&b);
}

/* The search itself, on a decoded request, from the snapshot alone. */
static void run_search(struct search *sx, const Tarjotin__SearchRequest *sr,
		       Tarjotin__Envelope *reply)
{
	struct index_snap *s = NULL;
	struct index_query q = { 0 };
	struct index_text *text = NULL;
	size_t len;
	uint64_t total = 0;
	const char *field = NULL;
	char err[256], *json;

	q.value[INDEX_NEED] = opt(sr->need);
	q.value[INDEX_KIND] = opt(sr->kind);
	q.value[INDEX_TARGET_GROUP] = opt(sr->target_group);
	q.value[INDEX_MUNICIPALITY] = opt(sr->municipality);
	q.value[INDEX_COUNTY] = opt(sr->county);
	q.value[INDEX_LANGUAGE] = opt(sr->language);
	q.value[INDEX_TAKES_NEW] = sr->takes_new == TARJOTIN__SEARCH_REQUEST__TAKES_NEW__YES ?
					   "true" :
				   sr->takes_new == TARJOTIN__SEARCH_REQUEST__TAKES_NEW__NO ?
					   "false" :
					   NULL;
	q.page = sr->page >= 1 ? sr->page : 1;
	q.per_page = sr->per_page >= 1 && sr->per_page <= 100 ? sr->per_page : 20;
	if (strlen(sr->q) > 1000) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "q", "q is too long");
		goto out;
	}
	if (!(s = acquire_or_fail(sx, reply)))
		goto out;
	if (index_check(s, &q, &field, err, sizeof(err))) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, field, "%s", err);
		goto out;
	}
	if (*sr->q)
		text = cached_text(sx, s, sr->q);
	json = index_search(s, &q, text, &len, &total);
	reply_json_doc(reply, json, len, "search", total > INT32_MAX ? INT32_MAX : (int32_t)total,
		       index_snap_tag(s), index_instance(sx->ix));
	free(json);
out:
	index_text_unref(&text);
	index_release(&s);
}

/* Replies with one of the snapshot's ready documents. */
static void reply_snapshot_doc(struct search *sx, Tarjotin__Envelope *reply,
			       const char *(*doc)(const struct index_snap *, size_t *),
			       const char *what)
{
	struct index_snap *s = acquire_or_fail(sx, reply);
	const char *json;
	size_t len;

	if (!s)
		return;
	json = doc(s, &len);
	reply_json_doc(reply, json, len, what, -1, 0, 0);
	index_release(&s);
}

void search_handle_search(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply)
{
	Tarjotin__SearchRequest *sr = tarjotin__search_request__unpack(NULL, req->payload.len,
								       req->payload.data);

	if (!sr) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed search request");
		return;
	}
	run_search(w->dir->search, sr, reply);
	tarjotin__search_request__free_unpacked(sr, NULL);
}

uint64_t search_tag(struct search *sx, uint64_t *instance)
{
	*instance = sx && sx->ix ? index_instance(sx->ix) : 0;
	return sx && sx->ix ? index_tag(sx->ix) : 0;
}

bool search_inline(struct search *sx, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply,
		   bool *notices)
{
	Tarjotin__SearchRequest *sr;
	bool text;

	*notices = false;
	switch (req->type) {
	case TARJOTIN__MSG_TYPE__MSG_TAXONOMY_LIST:
		reply_snapshot_doc(sx, reply, index_taxonomies_json, "taxonomies");
		return true;
	case TARJOTIN__MSG_TYPE__MSG_MUNICIPALITY_LIST:
		reply_snapshot_doc(sx, reply, index_municipalities_json, "municipalities");
		return true;
	case TARJOTIN__MSG_TYPE__MSG_SEARCH:
		break;
	default:
		return false;
	}
	/* Free text takes milliseconds at national scale (the text index
	 * ranks every match, one query at a time): the workers' job, so the
	 * socket thread stays free.  The rest is answered here from the
	 * request decoded once. */
	sr = tarjotin__search_request__unpack(NULL, req->payload.len, req->payload.data);
	if (!sr) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed search request");
		return true;
	}
	*notices = sr->notices;
	/* The gateway's page still holds: a few bytes instead of the page,
	 * also for free text (the same snapshot ranks the same). */
	if (sr->if_tag && sx && sx->ix && sr->if_tag == index_tag(sx->ix)) {
		Tarjotin__SearchReply jr = TARJOTIN__SEARCH_REPLY__INIT;

		jr.tag = sr->if_tag;
		jr.instance = index_instance(sx->ix);
		jr.unchanged = true;
		rpc_pack_payload(&jr.base, &reply->payload);
		tarjotin__search_request__free_unpacked(sr, NULL);
		return true;
	}
	text = *sr->q != '\0';
	if (!text)
		run_search(sx, sr, reply);
	tarjotin__search_request__free_unpacked(sr, NULL);
	return !text;
}

void search_handle_activity(struct worker *w, const Tarjotin__Envelope *req,
			    Tarjotin__Envelope *reply)
{
	Tarjotin__ActivityGet *ag = tarjotin__activity_get__unpack(NULL, req->payload.len,
								   req->payload.data);
	PGresult *res = NULL;

	if (!ag || !uuid_valid(ag->id)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "id",
				"the activity id is not a uuid");
		goto out;
	}
	if (!(res = worker_query(w, sql_activity, ag->id, reply)))
		goto out;
	if (PQntuples(res) != 1) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "id",
				"no published activity '%s'", ag->id);
		goto out;
	}
	reply_json_doc(reply, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), "activity", -1,
		       0, 0);
out:
	PQclear(res);
	if (ag)
		tarjotin__activity_get__free_unpacked(ag, NULL);
}

void search_handle_organization(struct worker *w, const Tarjotin__Envelope *req,
				Tarjotin__Envelope *reply)
{
	Tarjotin__OrganizationGet *og = tarjotin__organization_get__unpack(NULL, req->payload.len,
									   req->payload.data);
	struct index_snap *s = NULL;
	PGresult *res = NULL;
	char *items = NULL, *doc = NULL;
	size_t ilen = 0, olen;

	if (!og || !uuid_valid(og->id)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "id",
				"the organization id is not a uuid");
		goto out;
	}
	if (!(s = acquire_or_fail(w->dir->search, reply)))
		goto out;
	if (!(res = worker_query(w, sql_organization, og->id, reply)))
		goto out;
	if (PQntuples(res) != 1) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "id",
				"no approved organization '%s'", og->id);
		goto out;
	}
	/* The organisation's object with its activities' search items added
	 * before the closing brace. */
	olen = (size_t)PQgetlength(res, 0, 0);
	items = index_organization_items(s, og->id, &ilen);
	doc = xmalloc(olen + ilen + 32);
	memcpy(doc, PQgetvalue(res, 0, 0), olen - 1);
	memcpy(doc + olen - 1, ",\"activities\":", 14);
	memcpy(doc + olen - 1 + 14, items, ilen);
	doc[olen - 1 + 14 + ilen] = '}';
	reply_json_doc(reply, doc, olen + 14 + ilen, "organization", -1, 0, 0);
out:
	PQclear(res);
	free(items);
	free(doc);
	index_release(&s);
	if (og)
		tarjotin__organization_get__free_unpacked(og, NULL);
}

void search_handle_taxonomies(struct worker *w, const Tarjotin__Envelope *req,
			      Tarjotin__Envelope *reply)
{
	(void)req;
	reply_snapshot_doc(w->dir->search, reply, index_taxonomies_json, "taxonomies");
}

void search_handle_municipalities(struct worker *w, const Tarjotin__Envelope *req,
				  Tarjotin__Envelope *reply)
{
	(void)req;
	reply_snapshot_doc(w->dir->search, reply, index_municipalities_json, "municipalities");
}
