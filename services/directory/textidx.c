/*
 * textidx.c - the free-text index in SQLite FTS5 (see textidx.h).
 */
#include "textidx_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "errmsg.h"
#include "morph.h"
#include "pg.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* --- words ----------------------------------------------------------------- */

size_t textidx_word_char(const unsigned char *s, size_t n, size_t i)
{
	unsigned char b = s[i];

	if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))
		return 1;
	if (b >= 0xC3 && b <= 0xC9 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
		unsigned cp = ((unsigned)(b & 0x1F) << 6) | (s[i + 1] & 0x3F);

		if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7)
			return 2;
	}
	return 0;
}

bool textidx_next_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos, k;

	while (i < n && !textidx_word_char(u, n, i))
		i++;
	if (i >= n) {
		*pos = n;
		return false;
	}
	*start = i;
	while (i < n && (k = textidx_word_char(u, n, i)))
		i += k;
	*len = i - *start;
	*pos = i;
	return true;
}

bool textidx_one_word(const char *term, size_t len)
{
	for (size_t i = 0, k; i < len; i += k)
		if (!(k = textidx_word_char((const unsigned char *)term, len, i)))
			return false;
	return len > 0;
}

static size_t hash_word(const char *w, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
	return (size_t)h;
}

static struct word *vocab_slot(struct word *v, size_t cap, const char *w, size_t len)
{
	size_t i = hash_word(w, len) & (cap - 1);

	while (v[i].w && (strlen(v[i].w) != len || memcmp(v[i].w, w, len)))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

struct word *textidx_vocab_get(struct textidx *t, const char *w, size_t len)
{
	struct word *e;

	if (2 * (t->vn + 1) > t->vcap) {
		size_t cap = t->vcap ? 2 * t->vcap : 4096;
		struct word *v = xcalloc(cap, sizeof(*v));

		for (size_t i = 0; i < t->vcap; i++)
			if (t->vocab[i].w)
				*vocab_slot(v, cap, t->vocab[i].w,
					    strlen(t->vocab[i].w)) = t->vocab[i];
		free(t->vocab);
		t->vocab = v;
		t->vcap = cap;
	}
	e = vocab_slot(t->vocab, t->vcap, w, len);
	if (!e->w) {
		e->w = xmalloc(len + 1);
		memcpy(e->w, w, len);
		e->w[len] = '\0';
		t->vn++;
	}
	return e;
}

bool textidx_in_vocab(const struct textidx *t, const char *w, size_t len)
{
	return t->vcap && vocab_slot(t->vocab, t->vcap, w, len)->w != NULL;
}

/* --- the tokenizer ------------------------------------------------------------ */

static void collect_term(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct strbuf *b = ctx;

	(void)kind;
	strbuf_add(b, term, len);
	strbuf_add(b, "", 1);
}

/* Gives FTS5 the terms of a blob: the first at a new position, the rest
 * at the same. */
static int emit_blob(void *pctx, int (*tok)(void *, int, const char *, int, int, int),
		     const char *terms, size_t tlen, int start, int end)
{
	int first = 1, rc = SQLITE_OK;

	for (size_t i = 0; i < tlen && rc == SQLITE_OK;) {
		size_t l = strlen(terms + i);

		rc = tok(pctx, first ? 0 : FTS5_TOKEN_COLOCATED, terms + i, (int)l, start, end);
		first = 0;
		i += l + 1;
	}
	return rc;
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)argv;
	(void)argc;
	*out = ctx;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *tok)
{
	(void)tok;
}

static int tok_tokenize(Fts5Tokenizer *tok, void *pctx, int flags, const char *text, int ntext,
			int (*emit)(void *, int, const char *, int, int, int))
{
	struct textidx *t = (struct textidx *)tok;
	size_t pos = 0, start, len, n = ntext > 0 ? (size_t)ntext : 0;
	struct strbuf b = STRBUF_INIT;
	int rc = SQLITE_OK;

	while (rc == SQLITE_OK && textidx_next_word(text, n, &pos, &start, &len)) {
		char w[MORPH_WORD_MAX];
		struct word *e;

		if (len >= MORPH_WORD_MAX)
			continue;
		memcpy(w, text + start, len);
		w[len] = '\0';
		morph_lower(w, len);
		if (!(flags & FTS5_TOKENIZE_DOCUMENT)) {
			rc = emit(pctx, 0, w, (int)len, (int)start, (int)(start + len));
			continue;
		}
		if (len < 2)
			continue;
		if (!strncmp(w, NEED_PREFIX, 3)) {
			rc = emit(pctx, 0, w, (int)len, (int)start, (int)(start + len));
			continue;
		}
		e = textidx_vocab_get(t, w, len);
		if (e->terms) {
			rc = emit_blob(pctx, emit, e->terms, e->tlen, (int)start,
				       (int)(start + len));
			continue;
		}
		b.len = 0;
		morph_terms(t->m, w, len, collect_term, &b);
		rc = emit_blob(pctx, emit, b.p, b.len, (int)start, (int)(start + len));
		if (t->bulk) {
			e->terms = xmalloc(b.len ? b.len : 1);
			memcpy(e->terms, b.p, b.len);
			e->tlen = b.len;
		}
		/* The word's other forms are near words for typos too
		 * (omaishotja -> omaishoitaja, which the docs inflect). */
		for (size_t i = strlen(b.p) + 1; i < b.len; i += strlen(b.p + i) + 1)
			if (textidx_one_word(b.p + i, strlen(b.p + i)))
				textidx_vocab_get(t, b.p + i, strlen(b.p + i));
	}
	strbuf_release(&b);
	return rc;
}

static fts5_tokenizer tokenizer = { tok_create, tok_delete, tok_tokenize };

/* --- the index ----------------------------------------------------------------- */

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

static void textidx_free(struct textidx *t)
{
	sqlite3_finalize(t->ins);
	sqlite3_finalize(t->match);
	sqlite3_finalize(t->probe);
	sqlite3_finalize(t->ids);
	if (t->db)
		sqlite3_close(t->db);
	morph_free(&t->m);
	for (size_t i = 0; i < t->vcap; i++) {
		free(t->vocab[i].w);
		free(t->vocab[i].terms);
	}
	free(t->vocab);
	textidx_terms_free(&t->tx);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const char sql_schema[] =
	"CREATE VIRTUAL TABLE doc USING fts5(name, summary, terms, place, body,"
	" content='', tokenize='tarjotin')";

struct textidx *textidx_new(const struct icd10 *crosswalk, char *err, size_t errlen)
{
	struct textidx *t = xcalloc(1, sizeof(*t));
	fts5_api *api;

	atomic_init(&t->refs, 1);
	pthread_mutex_init(&t->lock, NULL);
	t->icd = crosswalk;
	if (!(t->m = morph_new(err, errlen)))
		goto fail;
	if (sqlite3_open_v2(":memory:", &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		errmsg(err, errlen, "cannot open an in-memory SQLite database");
		goto fail;
	}
	if (!(api = fts5_of(t->db)) || api->iVersion < 2 ||
	    api->xCreateTokenizer(api, "tarjotin", t, &tokenizer, NULL) != SQLITE_OK) {
		errmsg(err, errlen, "SQLite has no FTS5");
		goto fail;
	}
	if (sqlite3_exec(t->db, sql_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db,
			       "INSERT INTO doc (rowid, name, summary, terms, place, body)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &t->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db,
			       "SELECT rowid, bm25(doc, 10.0, 5.0, 4.0, 2.0, 1.0) FROM doc"
			       " WHERE doc MATCH ?1",
			       -1, &t->match, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "SELECT rowid FROM doc WHERE doc MATCH ?1 LIMIT 1", -1,
			       &t->probe, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->db, "SELECT rowid FROM doc WHERE doc MATCH ?1", -1, &t->ids,
			       NULL) != SQLITE_OK) {
		errmsg(err, errlen, "cannot make the text index: %s", sqlite3_errmsg(t->db));
		goto fail;
	}
	return t;
fail:
	textidx_free(t);
	return NULL;
}

const struct icd10 *textidx_crosswalk(const struct textidx *t)
{
	return t->icd;
}

void textidx_ref(struct textidx *t)
{
	atomic_fetch_add(&t->refs, 1);
}

void textidx_unref(struct textidx **tp)
{
	struct textidx *t = *tp;

	*tp = NULL;
	if (t && atomic_fetch_sub(&t->refs, 1) == 1)
		textidx_free(t);
}

size_t textidx_memory(void)
{
	sqlite3_int64 n = sqlite3_memory_used();

	return n > 0 ? (size_t)n : 0;
}

size_t textidx_vocab_bytes(struct textidx *t, size_t *words)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->vcap * sizeof(*t->vocab);
	for (size_t i = 0; i < t->vcap; i++)
		if (t->vocab[i].w)
			n += (strlen(t->vocab[i].w) + 1 + 8 + 15) / 16 * 16; /* glibc chunks */
	*words = t->vn;
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t textidx_docs(struct textidx *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->ndocs;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* --- loading -------------------------------------------------------------------- */

/* The text of activities (columns: id, name, summary, terms, place, body),
 * published as in the snapshot; PRE adds CTEs, W limits the activities.
 * The terms column holds a token per taxonomy term (tjn + the hex of its
 * id), not the terms' words: a query word finds the terms whose labels and
 * synonyms have it (struct term_form), and every activity is spared the
 * same few hundred bytes of labels in three languages. */
#define SQL_TEXT(PRE, F, W)                                                                           \
	"WITH " PRE " x AS (SELECT activity_id, term_id FROM activity_needs WHERE " F                 \
	"   UNION ALL SELECT activity_id, term_id FROM activity_kinds WHERE " F                       \
	"   UNION ALL SELECT activity_id, term_id FROM activity_target_groups WHERE " F               \
	"),"                                                                                          \
	" tk AS (SELECT activity_id, string_agg('" NEED_PREFIX                                        \
	"' ||"                                                                                        \
	"   encode(convert_to(term_id, 'UTF8'), 'hex'), ' ') AS txt FROM x GROUP BY 1),"              \
	" mu AS (SELECT am.activity_id, string_agg(m.name_fi || ' ' || coalesce(m.name_sv, ''), ' ')" \
	"   AS txt FROM activity_municipalities AS am JOIN municipalities AS m"                       \
	"   ON m.code = am.municipality_code WHERE " F                                                \
	" GROUP BY 1)"                                                                                \
	" SELECT a.id, a.name, coalesce(a.summary, ''), coalesce(tk.txt, ''),"                        \
	"  concat_ws(' ', o.name, CASE a.area_type WHEN 'municipalities' THEN mu.txt"                 \
	"   WHEN 'county' THEN c.name_fi || ' ' || c.name_sv || ' ' || c.name_en"                     \
	"   WHEN 'nationwide' THEN 'valtakunnallinen koko Suomi riksomfattande nationwide'"           \
	"   ELSE 'verkossa etänä netissä online på nätet distans' END),"                         \
	"  concat_ws(' ', a.for_whom, a.description, a.how_to_join, a.schedule, a.accessibility,"     \
	"   a.cost)"                                                                                  \
	" FROM activities AS a JOIN organizations AS o ON o.id = a.organization_id"                   \
	" LEFT JOIN tk ON tk.activity_id = a.id LEFT JOIN mu ON mu.activity_id = a.id"                \
	" LEFT JOIN counties AS c ON c.key = a.area_county"                                           \
	" WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden'"         \
	" AND " W

static const char sql_text_all[] = "DECLARE tj_text NO SCROLL CURSOR FOR " SQL_TEXT("", "true",
										    "true");
static const char sql_text_some[] = SQL_TEXT(
	"sel AS (SELECT id FROM activities WHERE id = ANY ($1::uuid[])"
	" OR organization_id = ANY ($2::uuid[])),",
	"activity_id IN (SELECT id FROM sel)", "a.id IN (SELECT id FROM sel)");

/* Adds the rows of res as docs; 0 or -1 with err. */
static int add_rows(struct textidx *t, PGresult *res,
		    void (*fn)(void *ctx, const char *id, uint32_t doc), void *ctx, char *err,
		    size_t errlen)
{
	int n = PQntuples(res);

	for (int i = 0; i < n; i++) {
		uint32_t doc = (uint32_t)t->ndocs;

		if (t->ndocs >= TEXTIDX_NO_DOC - 1) {
			errmsg(err, errlen, "the text index is full");
			return -1;
		}
		sqlite3_bind_int64(t->ins, 1, doc);
		for (int c = 1; c <= 5; c++)
			sqlite3_bind_text(t->ins, c + 1, PQgetvalue(res, i, c),
					  PQgetlength(res, i, c), SQLITE_STATIC);
		if (sqlite3_step(t->ins) != SQLITE_DONE) {
			errmsg(err, errlen, "cannot add to the text index: %s",
			       sqlite3_errmsg(t->db));
			sqlite3_reset(t->ins);
			return -1;
		}
		sqlite3_reset(t->ins);
		sqlite3_clear_bindings(t->ins);
		t->ndocs++;
		if (fn)
			fn(ctx, PQgetvalue(res, i, 0), doc);
	}
	return 0;
}

static int pg_ok(PGconn *db, PGresult *res, ExecStatusType want, const char *what, char *err,
		 size_t errlen)
{
	if (PQresultStatus(res) == want)
		return 0;
	errmsg(err, errlen, "%s: %s", what, PQerrorMessage(db));
	return -1;
}

static int load_all(struct textidx *t, PGconn *db,
		    void (*fn)(void *ctx, const char *id, uint32_t doc), void *ctx, char *err,
		    size_t errlen)
{
	PGresult *res;
	int rc = pg_exec(db, sql_text_all, err, errlen);

	while (!rc) {
		res = PQexec(db, "FETCH 2000 FROM tj_text");
		rc = pg_ok(db, res, PGRES_TUPLES_OK, "the activities' text", err, errlen);
		if (!rc && PQntuples(res) == 0) {
			PQclear(res);
			break;
		}
		if (!rc)
			rc = add_rows(t, res, fn, ctx, err, errlen);
		PQclear(res);
	}
	return rc ? rc : pg_exec(db, "CLOSE tj_text", err, errlen);
}

int textidx_load(struct textidx *t, PGconn *db, const char *acts, const char *orgs,
		 void (*fn)(void *ctx, const char *id, uint32_t doc), void *ctx, char *err,
		 size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	if (!t->terms_loaded)
		rc = textidx_load_terms(t, db, err, errlen);
	if (!rc && sqlite3_exec(t->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		errmsg(err, errlen, "the text index: %s", sqlite3_errmsg(t->db));
		rc = -1;
	}
	if (!rc && !acts && !orgs) {
		t->bulk = true;
		rc = load_all(t, db, fn, ctx, err, errlen);
		t->bulk = false;
		for (size_t i = 0; i < t->vcap; i++) {
			free(t->vocab[i].terms);
			t->vocab[i].terms = NULL;
		}
	} else if (!rc) {
		const char *params[2] = { acts ? acts : "{}", orgs ? orgs : "{}" };
		PGresult *res = PQexecParams(db, sql_text_some, 2, NULL, params, NULL, NULL, 0);

		rc = pg_ok(db, res, PGRES_TUPLES_OK, "the changed activities' text", err, errlen);
		if (!rc)
			rc = add_rows(t, res, fn, ctx, err, errlen);
		PQclear(res);
	}
	if (sqlite3_get_autocommit(t->db) == 0 &&
	    sqlite3_exec(t->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !rc) {
		errmsg(err, errlen, "the text index: %s", sqlite3_errmsg(t->db));
		rc = -1;
	}
	/* A full load ends merged into one segment; the pages the merge
	 * freed stay in the in-memory database's free list until VACUUM
	 * gives them back: 1,500 of 9,800 at national scale (6.9 MB, 70 ms). */
	if (!rc && !acts && !orgs) {
		sqlite3_exec(t->db, "INSERT INTO doc (doc) VALUES ('optimize')", NULL, NULL, NULL);
		sqlite3_exec(t->db, "VACUUM", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}
