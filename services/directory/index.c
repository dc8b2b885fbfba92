/*
 * index.c - the search index's holder, its loader thread and the public
 * API (see index.h).
 *
 * The modules of the index, each using only those before it:
 *   idx_bits     bitmaps and their popcounts
 *   idx_dim      one facet dimension's values, bitmaps and per-record lists
 *   idx_snap     the snapshot's structures (private header), new and destroy
 *   idx_tables   the count tables of a snapshot
 *   idx_build    a snapshot read from PostgreSQL
 *   idx_refresh  notifications noted, and a snapshot refreshed from them
 *   idx_plan     a search's bitmaps, table lookups and counting
 *   idx_render   the JSON of a search page, its facets and an organisation
 *   idx_text     the free text of a snapshot (textidx.c: SQLite FTS5 with
 *                morph.c's Finnish, Swedish and English forms, icd10.c)
 *   index        this file
 */
#include "index.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "idx_build.h"
#include "idx_refresh.h"
#include "idx_render.h"
#include "idx_snap.h"
#include "log.h"
#include "pg.h"
#include "textidx.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

#define INDEX_CHANNEL "tarjotin_directory"
#define INDEX_DEBOUNCE_US 50000      /* quiet time after a notification */
#define INDEX_DEBOUNCE_MAX_US 250000 /* ... but never longer than this */
#define INDEX_RETRY_MS 500

struct index {
	pthread_mutex_t lock;
	struct index_snap *cur;
	uint64_t generation;
	uint64_t nonce; /* what makes the tags this index's own */
	const char *conninfo;
	const struct icd10 *crosswalk;
	PGconn *listen_db; /* handed from index_start to the thread */
	pthread_t thread;
	bool started; /* the thread runs and stop_fd wakes it */
	int stop_fd;  /* an eventfd, -1 until index_start */
};

/* --- the holder ------------------------------------------------------------ */

struct index *index_new(const char *conninfo, const struct icd10 *crosswalk)
{
	struct index *ix = xcalloc(1, sizeof(*ix));

	pthread_mutex_init(&ix->lock, NULL);
	randombytes_buf(&ix->nonce, sizeof(ix->nonce));
	ix->conninfo = conninfo;
	ix->crosswalk = crosswalk;
	ix->stop_fd = -1;
	return ix;
}

struct index_snap *index_acquire(struct index *ix)
{
	struct index_snap *s;

	pthread_mutex_lock(&ix->lock);
	s = ix->cur;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&ix->lock);
	return s;
}

void index_release(struct index_snap **sp)
{
	struct index_snap *s = *sp;

	*sp = NULL;
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		idx_snap_destroy(&s);
}

/* The process's resident memory in KiB, or 0. */
static long resident_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Makes s current and logs it with what it takes; 'how' says what kind
 * of build it was. */
static void index_swap(struct index *ix, struct index_snap *s, int64_t t0, const char *how)
{
	struct index_snap *old;
	struct idx_snap_sizes z;
	char n[24], ms[24], gen[24], items[24], recs[24], facets[24], tables[24], text[24], rss[24],
		vocab[24] = "0", words[24] = "0";

	pthread_mutex_lock(&ix->lock);
	s->generation = ++ix->generation;
	s->tag = ix->nonce + s->generation;
	if (!s->tag)
		s->tag = 1;
	old = ix->cur;
	ix->cur = s;
	pthread_mutex_unlock(&ix->lock);
	index_release(&old);
	snprintf(n, sizeof(n), "%zu", s->n);
	snprintf(ms, sizeof(ms), "%.1f", (double)(clock_mono_us() - t0) / 1000.0);
	snprintf(gen, sizeof(gen), "%llu", (unsigned long long)s->generation);
	/* A build frees as much as it keeps (the rows read, the old
	 * snapshot): give the free pages back, which the trim threshold
	 * (main.c) would otherwise keep. */
	malloc_trim(0);
	idx_snap_sizes(s, &z);
	snprintf(items, sizeof(items), "%zu", z.items >> 10);
	snprintf(recs, sizeof(recs), "%zu", z.records >> 10);
	snprintf(facets, sizeof(facets), "%zu", z.facets >> 10);
	snprintf(tables, sizeof(tables), "%zu", z.tables >> 10);
	snprintf(text, sizeof(text), "%zu", textidx_memory() >> 10);
	if (s->textidx) {
		size_t nw, vb = textidx_vocab_bytes(s->textidx, &nw);

		snprintf(vocab, sizeof(vocab), "%zu", vb >> 10);
		snprintf(words, sizeof(words), "%zu", nw);
	}
	snprintf(rss, sizeof(rss), "%ld", resident_kib());
	log_info("search index built", "activities", n, "ms", ms, "generation", gen, "how", how,
		 "items_kib", items, "records_kib", recs, "facets_kib", facets, "tables_kib",
		 tables, "text_index_kib", text, "vocabulary_kib", vocab, "vocabulary_words", words,
		 "resident_kib", rss, NULL);
}

/* Builds a snapshot from 'db' (idle connection) and makes it current.
 * Returns 0, or -1 with err. */
static int index_rebuild(struct index *ix, PGconn *db, char *err, size_t errlen)
{
	int64_t t0 = clock_mono_us();
	struct index_snap *s = idx_build_snap(db, ix->crosswalk, err, errlen);

	if (!s)
		return -1;
	index_swap(ix, s, t0, "full");
	return 0;
}

/* Applies the changes: a refresh of the changed activities when that is
 * enough, else a full build.  0 or -1 with err. */
static int index_apply(struct index *ix, PGconn *db, struct idx_refresh *c, char *err,
		       size_t errlen)
{
	int64_t t0 = clock_mono_us();
	struct index_snap *old = c->full ? NULL : index_acquire(ix), *s = NULL;

	if (old) {
		s = idx_refresh_snap(old, db, c, err, errlen);
		index_release(&old);
		if (s) {
			index_swap(ix, s, t0, "changes");
			return 0;
		}
		log_info("search index refresh fell back to a full build", "reason", err, NULL);
	}
	return index_rebuild(ix, db, err, errlen);
}

/* --- the loader thread ------------------------------------------------------- */

/* Connects (or checks) the loader's connection and LISTENs.  0 or -1. */
static int listen_connect(struct index *ix, PGconn **db, char *err, size_t errlen)
{
	if (*db && PQstatus(*db) == CONNECTION_OK)
		return 0;
	if (pg_ensure(db, ix->conninfo, err, errlen))
		return -1;
	return pg_exec(*db, "LISTEN " INDEX_CHANNEL, err, errlen);
}

/* Reads what the server sent into c; returns how many notifications came,
 * or -1 when the connection broke. */
static int drain_notifications(PGconn *db, struct idx_refresh *c)
{
	PGnotify *nt;
	int n = 0;

	if (!PQconsumeInput(db))
		return -1;
	while ((nt = PQnotifies(db)) != NULL) {
		n++;
		idx_refresh_note(c, nt->extra);
		PQfreemem(nt);
	}
	return n;
}

static void *loader_main(void *arg)
{
	struct index *ix = arg;
	PGconn *db = ix->listen_db;
	char err[512];
	bool need_build = ix->cur == NULL, was_down = false;
	int64_t build_at = 0, first_at = 0;
	struct idx_refresh ch = { .full = need_build };

	ix->listen_db = NULL;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = ix->stop_fd, .events = POLLIN },
					 { .fd = -1, .events = POLLIN } };
		int timeout = -1, got;
		int64_t now;

		if (listen_connect(ix, &db, err, sizeof(err))) {
			if (!was_down)
				log_warn("search index cannot listen", "error", err, NULL);
			was_down = true;
			if (poll(pfd, 1, INDEX_RETRY_MS) > 0)
				break;
			continue;
		}
		if (was_down) {
			/* Changes made while we were away sent no notification to us. */
			log_info("search index listening again", NULL);
			was_down = false;
			need_build = true;
			ch.full = true;
			build_at = first_at = 0;
		}
		got = drain_notifications(db, &ch);
		if (got < 0) {
			PQfinish(db);
			db = NULL;
			continue;
		}
		now = clock_mono_us();
		if (got > 0) {
			if (!need_build) {
				need_build = true;
				first_at = now;
			}
			build_at = now + INDEX_DEBOUNCE_US;
			if (build_at > first_at + INDEX_DEBOUNCE_MAX_US)
				build_at = first_at + INDEX_DEBOUNCE_MAX_US;
		}
		if (need_build && now >= build_at) {
			int rc = index_apply(ix, db, &ch, err, sizeof(err));

			idx_refresh_release(&ch);
			if (rc) {
				ch.full = true;
				log_warn("search index not rebuilt", "error", err, NULL);
				if (PQstatus(db) != CONNECTION_OK) {
					PQfinish(db);
					db = NULL;
				}
				build_at = now + INDEX_RETRY_MS * 1000;
				first_at = build_at;
			} else {
				need_build = false;
			}
			continue; /* notifications may have arrived during the build */
		}
		if (need_build)
			timeout = (int)((build_at - now + 999) / 1000);
		pfd[1].fd = PQsocket(db);
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			break;
	}
	idx_refresh_release(&ch);
	if (db)
		PQfinish(db);
	return NULL;
}

int index_start(struct index *ix)
{
	char err[512];
	PGconn *db = NULL;
	int rc;

	/* The thread's wake-up first: without it index_destroy could never
	 * stop the thread, and it needs no database. */
	ix->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ix->stop_fd < 0) {
		log_error("cannot start the search index loader", "error", strerror(errno), NULL);
		return -1;
	}
	if (listen_connect(ix, &db, err, sizeof(err)) == 0) {
		if (index_rebuild(ix, db, err, sizeof(err)))
			log_warn("search index not built", "error", err, NULL);
	} else {
		log_warn("search index cannot listen", "error", err, NULL);
	}
	ix->listen_db = db;
	if ((rc = pthread_create(&ix->thread, NULL, loader_main, ix)) != 0) {
		log_error("cannot start the search index loader", "error", strerror(rc), NULL);
		if (db)
			PQfinish(db);
		ix->listen_db = NULL;
		return -1;
	}
	ix->started = true;
	return 0;
}

void index_destroy(struct index **ixp)
{
	struct index *ix = *ixp;
	uint64_t one = 1;

	if (!ix)
		return;
	*ixp = NULL;
	if (ix->started) {
		ssize_t n;

		while ((n = write(ix->stop_fd, &one, sizeof(one))) < 0 && errno == EINTR)
			;
		if (n < 0) {
			/* Never wait for a thread that cannot hear us: it keeps
			 * the holder, which is left to the process's end. */
			log_error("cannot stop the search index loader", "error", strerror(errno),
				  NULL);
			pthread_detach(ix->thread);
			return;
		}
		pthread_join(ix->thread, NULL);
	}
	index_release(&ix->cur);
	if (ix->stop_fd >= 0)
		close(ix->stop_fd);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}

/* --- the snapshot's answers ---------------------------------------------------- */

uint64_t index_snap_generation(const struct index_snap *s)
{
	return s->generation;
}

uint64_t index_snap_tag(const struct index_snap *s)
{
	return s->tag;
}

uint64_t index_instance(const struct index *ix)
{
	return ix->nonce;
}

uint64_t index_tag(struct index *ix)
{
	uint64_t tag;

	pthread_mutex_lock(&ix->lock);
	tag = ix->cur ? ix->cur->tag : 0;
	pthread_mutex_unlock(&ix->lock);
	return tag;
}

int index_check(const struct index_snap *s, const struct index_query *q, const char **field,
		char *err, size_t errlen)
{
	for (int d = 0; d < INDEX_NDIMS; d++) {
		const char *v = q->value[d];
		char shown[128];

		if (!v || d == INDEX_LANGUAGE || d == INDEX_TAKES_NEW)
			continue;
		if (idx_dim_find(&s->dims[d], v, strlen(v)) >= 0)
			continue;
		*field = idx_dim_name(d);
		/* The value comes from outside: shortened whole, never cut. */
		utf8_clip(shown, sizeof(shown), v);
		if (d == INDEX_MUNICIPALITY)
			snprintf(err, errlen, "unknown municipality code '%s'", shown);
		else if (d == INDEX_COUNTY)
			snprintf(err, errlen, "unknown county '%s'", shown);
		else
			snprintf(err, errlen, "unknown %s term '%s'", idx_dim_name(d), shown);
		return -1;
	}
	return 0;
}

char *index_search(const struct index_snap *s, const struct index_query *q,
		   const struct index_text *text, size_t *len, uint64_t *total)
{
	return idx_render_search(s, q, text, len, total);
}

const char *index_taxonomies_json(const struct index_snap *s, size_t *len)
{
	*len = s->taxonomies_len;
	return s->taxonomies_json;
}

const char *index_municipalities_json(const struct index_snap *s, size_t *len)
{
	*len = s->municipalities_len;
	return s->municipalities_json;
}

const char *index_record_id(const struct index_snap *s, uint32_t r)
{
	return s->rec[r].id;
}

char *index_organization_items(const struct index_snap *s, const char *org_id, size_t *len)
{
	return idx_render_org_items(s, org_id, len);
}
