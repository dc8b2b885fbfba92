/*
 * reportsrv.c - the report server's thread: [identity...][envelope]... in,
 * one reply per envelope out; see reportsrv.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "coverage.h"
#include "export_csv.h"
#include "export_xlsx.h"
#include "log.h"
#include "pg.h"
#include "rcalc.h"
#include "redisx.h"
#include "report.h"
#include "report_cov.h"
#include "report_cr.h"
#include "report_gaps.h"
#include "report_usage.h"
#include "reportsrv.h"
#include "rollup.h"
#include "rpc.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

#define REPORTSRV_MAX_IDS 8
#define REPORTSRV_POLL_MS 500

struct reportsrv {
	void *router;
	pthread_t thread;
	atomic_bool stopping;
	const char *dburl, *redis_addr, *instance;
	PGconn *db;
	redisContext *rc;
	struct coverage *cov;
};

/* A reply being made: the status and error of the envelope, the payload. */
struct answer {
	Tarjotin__Status status;
	const char *error, *field, *code;
	Tarjotin__StatsReply reply;
	struct strbuf body;
	char filename[96];
};

static void fail(struct answer *a, Tarjotin__Status st, const char *code, const char *field,
		 const char *msg)
{
	a->status = st;
	a->code = code;
	a->field = field;
	a->error = msg;
}

/* Runs the roll-up when Redis holds dirty days; a failure is logged and the
 * report made from what PostgreSQL has. */
static void roll_up(struct reportsrv *s)
{
	char err[256];
	redisReply *r;
	long long dirty = 0;

	if (!s->rc)
		s->rc = redisx_connect(s->redis_addr, 500, err, sizeof(err));
	if (!s->rc)
		return;
	r = redisCommand(s->rc, "SCARD tj:stats:dirty");
	if (r && r->type == REDIS_REPLY_INTEGER)
		dirty = r->integer;
	if (r)
		freeReplyObject(r);
	if (dirty > 0 && rollup_now(s->db, s->rc, s->instance, err, sizeof(err)))
		log_warn("roll-up before a report failed", "error", err, NULL);
	if (s->rc->err) {
		redisFree(s->rc);
		s->rc = NULL;
	}
}

static int build(struct report *r, char *err, size_t errlen)
{
	bool all = !strcmp(r->name, "all");

	if ((all || !strcmp(r->name, "coverage")) && report_coverage(r, err, errlen))
		return -1;
	if ((all || !strcmp(r->name, "usage")) && report_usage(r, err, errlen))
		return -1;
	if ((all || !strcmp(r->name, "contact_requests")) && report_cr(r, err, errlen))
		return -1;
	if ((all || !strcmp(r->name, "freshness")) && report_freshness(r, err, errlen))
		return -1;
	if ((all || !strcmp(r->name, "gaps")) && report_gaps(r, err, errlen))
		return -1;
	return 0;
}

static bool known_report(const char *n)
{
	static const char *const names[] = { "coverage",  "usage", "contact_requests",
					     "freshness", "gaps",  "all" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

/* The made report r in the format asked into a. */
static void render(struct report *r, const Tarjotin__StatsCall *c, struct answer *a)
{
	char err[256];
	const char *ext = c->format;

	if (*c->table && !report_find(r, c->table))
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "table",
			    "no such table in the report");
	if (!strcmp(c->format, "csv")) {
		export_csv(r, c->table, &a->body);
		a->reply.content_type = (char *)"text/csv; charset=utf-8";
	} else if (!strcmp(c->format, "xlsx")) {
		if (export_xlsx(r, c->table, &a->body, err, sizeof(err))) {
			log_warn("workbook not made", "error", err, NULL);
			return fail(a, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", "",
				    "the workbook could not be made");
		}
		a->reply.content_type = (char *)EXPORT_XLSX_TYPE;
	} else {
		report_json(r, c->table, &a->body);
		a->reply.content_type = (char *)"application/json; charset=utf-8";
		ext = NULL;
	}
	if (ext) {
		snprintf(a->filename, sizeof(a->filename), "tarjotin-%s-%s-%s.%s", c->report,
			 c->from, c->to, ext);
		a->reply.filename = a->filename;
	}
	a->reply.body.data = (uint8_t *)a->body.p;
	a->reply.body.len = a->body.len;
}

/* Reports whose figures come from the coverage document itself. */
static bool needs_coverage(const char *n)
{
	return !strcmp(n, "coverage") || !strcmp(n, "freshness") || !strcmp(n, "all");
}

/* Checks the call and makes the report into a. */
static void on_call(struct reportsrv *s, const Tarjotin__StatsCall *c, bool funder,
		    struct answer *a)
{
	struct report r;
	struct coverage_docs docs;
	long from, to;
	char err[256];

	if (!known_report(c->report))
		return fail(a, TARJOTIN__STATUS__STATUS_NOT_FOUND, "unknown_report", "report",
			    "unknown report");
	if (!rcalc_day(c->from, &from))
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "from",
			    "from is no date");
	if (!rcalc_day(c->to, &to))
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "to",
			    "to is no date");
	if (from > to) /* as the gateway answers it */
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "from",
			    "from is after to");
	if (strcmp(c->format, "json") && strcmp(c->format, "csv") && strcmp(c->format, "xlsx"))
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "format",
			    "format is json, csv or xlsx");
	if (strcmp(c->lang, "fi") && strcmp(c->lang, "sv") && strcmp(c->lang, "en"))
		return fail(a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter", "lang",
			    "lang is fi, sv or en");
	if (pg_ensure(&s->db, s->dburl, err, sizeof(err)))
		return fail(a, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", "",
			    "the statistics database is down");
	roll_up(s);
	if (coverage_get(s->cov, s->db, c->to, &docs, err, sizeof(err))) {
		log_warn("coverage not read", "error", err, NULL);
		return fail(a, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", "",
			    "the statistics database failed");
	}
	if (!docs.snapshot && needs_coverage(c->report)) {
		coverage_docs_release(&docs);
		return fail(a, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", "",
			    "the directory's coverage figures are not available yet");
	}
	memset(&r, 0, sizeof(r));
	r.labels = docs.latest;
	r.snapshot = docs.snapshot;
	r.coverage_stale = docs.stale;
	snprintf(r.coverage_taken_at, sizeof(r.coverage_taken_at), "%s", docs.taken_at);
	snprintf(r.name, sizeof(r.name), "%s", c->report);
	snprintf(r.from, sizeof(r.from), "%s", c->from);
	snprintf(r.to, sizeof(r.to), "%s", c->to);
	snprintf(r.lang, sizeof(r.lang), "%s", c->lang);
	r.funder = funder;
	r.db = s->db;
	{
		int64_t ms = clock_wall_ms();
		time_t t = (time_t)(ms / 1000);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(r.generated_at, sizeof(r.generated_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (build(&r, err, sizeof(err))) {
		log_warn("report failed", "report", c->report, "error", err, NULL);
		fail(a, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", "", "report failed");
	} else {
		render(&r, c, a);
	}
	report_release(&r);
	coverage_docs_release(&docs);
}

/* One request envelope's reply, packed into a new buffer (*len its size). */
static uint8_t *answer_frame(struct reportsrv *s, const void *data, size_t size, size_t *len)
{
	Tarjotin__Envelope *req = rpc_unpack_envelope(data, size);
	Tarjotin__Envelope out = TARJOTIN__ENVELOPE__INIT;
	struct answer a = { .status = TARJOTIN__STATUS__STATUS_OK };
	Tarjotin__StatsReply init = TARJOTIN__STATS_REPLY__INIT;
	uint8_t *buf;

	a.reply = init;
	out.type = TARJOTIN__MSG_TYPE__MSG_STATS_REPORT;
	if (!req) {
		fail(&a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", "",
		     "not an envelope");
	} else {
		Tarjotin__Role role = req->principal ? req->principal->role :
						       TARJOTIN__ROLE__ROLE_ANONYMOUS;
		Tarjotin__StatsCall *c = NULL;

		out.request_id = req->request_id;
		if (req->type != TARJOTIN__MSG_TYPE__MSG_STATS_REPORT)
			fail(&a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", "",
			     "only MSG_STATS_REPORT is served here");
		else if (role == TARJOTIN__ROLE__ROLE_ANONYMOUS)
			fail(&a, TARJOTIN__STATUS__STATUS_UNAUTHORIZED, "unauthorized", "",
			     "sign in");
		else if (role != TARJOTIN__ROLE__ROLE_ADMIN && role != TARJOTIN__ROLE__ROLE_FUNDER)
			fail(&a, TARJOTIN__STATUS__STATUS_FORBIDDEN, "forbidden", "",
			     "admins and funders only");
		else if (!(c = tarjotin__stats_call__unpack(NULL, req->payload.len,
							    req->payload.data)))
			fail(&a, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", "",
			     "not a StatsCall");
		else
			on_call(s, c, role == TARJOTIN__ROLE__ROLE_FUNDER, &a);
		if (c)
			tarjotin__stats_call__free_unpacked(c, NULL);
		tarjotin__envelope__free_unpacked(req, NULL);
	}
	out.status = a.status;
	out.error = (char *)(a.error ? a.error : "");
	out.error_field = (char *)(a.field ? a.field : "");
	out.error_code = (char *)(a.code ? a.code : "");
	if (a.status == TARJOTIN__STATUS__STATUS_OK) {
		if (a.body.len > RPC_MAX_DOCUMENT) {
			out.status = TARJOTIN__STATUS__STATUS_INTERNAL;
			out.error = (char *)"report too large";
		} else {
			if (!a.reply.content_type)
				a.reply.content_type = (char *)"";
			if (!a.reply.filename)
				a.reply.filename = (char *)"";
			rpc_pack_payload(&a.reply.base, &out.payload);
		}
	}
	buf = rpc_pack_envelope(&out, len);
	free(out.payload.data);
	strbuf_release(&a.body);
	return buf;
}

/* One message: the identity frames (up to the empty delimiter, if any, or
 * the first), then one envelope per frame; each answered with the same
 * identity. */
static void on_message(struct reportsrv *s)
{
	zmq_msg_t ids[REPORTSRV_MAX_IDS], body;
	size_t nids = 0;
	bool more = true;

	zmq_msg_init(&ids[0]);
	if (zmq_msg_recv(&ids[0], s->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&ids[0]);
		return;
	}
	nids = 1;
	more = zmq_msg_more(&ids[0]);
	zmq_msg_init(&body);
	while (more && zmq_msg_recv(&body, s->router, 0) >= 0) {
		size_t len;
		uint8_t *buf;
		bool ok = true;

		more = zmq_msg_more(&body);
		if (zmq_msg_size(&body) == 0 && nids < REPORTSRV_MAX_IDS) {
			/* An empty delimiter (a REQ peer): it is part of the route. */
			zmq_msg_init(&ids[nids]);
			zmq_msg_move(&ids[nids++], &body);
			continue;
		}
		buf = answer_frame(s, zmq_msg_data(&body), zmq_msg_size(&body), &len);
		for (size_t i = 0; ok && i < nids; i++) {
			zmq_msg_t copy;

			zmq_msg_init(&copy);
			ok = !zmq_msg_copy(&copy, &ids[i]) &&
			     zmq_msg_send(&copy, s->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0;
			if (!ok)
				zmq_msg_close(&copy);
		}
		if (!ok || zmq_send(s->router, buf, len, ZMQ_DONTWAIT) < 0)
			log_warn("report reply not sent", "error", zmq_strerror(errno), NULL);
		free(buf);
	}
	zmq_msg_close(&body);
	for (size_t i = 0; i < nids; i++)
		zmq_msg_close(&ids[i]);
}

/* Between calls: the day's coverage document, when the database is there. */
static void daily_coverage(struct reportsrv *s)
{
	int64_t now = clock_wall_ms();
	char err[256];

	if (!coverage_tick_due(s->cov, now))
		return;
	if (pg_ensure(&s->db, s->dburl, err, sizeof(err)))
		coverage_tick(s->cov, NULL, now); /* only moves the next check on */
	else
		coverage_tick(s->cov, s->db, now);
}

static void *run(void *arg)
{
	struct reportsrv *s = arg;

	while (!atomic_load(&s->stopping)) {
		zmq_pollitem_t item = { .socket = s->router, .events = ZMQ_POLLIN };
		int n = zmq_poll(&item, 1, REPORTSRV_POLL_MS);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			on_message(s);
		else if (n == 0)
			daily_coverage(s);
	}
	return NULL;
}

struct reportsrv *reportsrv_new(void *zctx, const struct zcurve *curve, const struct zap *zap,
				const char *instance, char *err, size_t errlen)
{
	struct reportsrv *s = xcalloc(1, sizeof(*s));
	const char *bind = config_str("TARJOTIN_STATS_REPORT_BIND", "tcp://127.0.0.1:5702");

	s->dburl = config_str("TARJOTIN_STATS_DATABASE_URL",
			      "postgresql://tarjotin_stats@127.0.0.1:5432/tarjotin");
	s->redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	s->instance = instance;
	atomic_init(&s->stopping, false);
	if (!(s->cov = coverage_new(zctx, curve, err, errlen))) {
		free(s);
		return NULL;
	}
	s->router = zmq_socket(zctx, ZMQ_ROUTER);
	if (!s->router) {
		snprintf(err, errlen, "cannot make a ROUTER: %s", zmq_strerror(errno));
		coverage_destroy(&s->cov);
		free(s);
		return NULL;
	}
	if (rpc_socket_defaults(s->router) || zcurve_server(s->router, curve, zap, err, errlen) ||
	    rpc_attach(s->router, bind, true, err, errlen)) {
		zmq_close(s->router);
		coverage_destroy(&s->cov);
		free(s);
		return NULL;
	}
	if (pthread_create(&s->thread, NULL, run, s)) {
		snprintf(err, errlen, "cannot start the report thread");
		zmq_close(s->router);
		coverage_destroy(&s->cov);
		free(s);
		return NULL;
	}
	log_info("reports served", "bind", bind, NULL);
	return s;
}

void reportsrv_destroy(struct reportsrv **sp)
{
	struct reportsrv *s = *sp;

	if (!s)
		return;
	atomic_store(&s->stopping, true);
	pthread_join(s->thread, NULL);
	zmq_close(s->router);
	coverage_destroy(&s->cov);
	if (s->db)
		PQfinish(s->db);
	if (s->rc)
		redisFree(s->rc);
	free(s);
	*sp = NULL;
}
