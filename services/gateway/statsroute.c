/*
 * statsroute.c - see statsroute.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "docparse.h"
#include "fields.h"
#include "stats.pb-c.h"
#include "statsparam.h"
#include "statsroute.h"
#include "banned.h"

static unsigned bad(struct req *r, const char *field, const char *rule)
{
	return req_reply_error(r, 400, "invalid_parameter", field, "%s must be %s", field, rule);
}

static void release_reply(void *m)
{
	tarjotin__stats_reply__free_unpacked(m, NULL);
}

static unsigned render(struct req *r)
{
	Tarjotin__StatsReply *m;
	struct MHD_Response *resp;
	unsigned status;

	if (r->call.outcome == BRIDGE_TIMEOUT)
		return req_reply_error(r, 503, "unavailable", NULL,
				       "stats did not answer within %d ms, try again",
				       r->call.timeout_ms);
	if ((status = req_reply_rpc_failure(r)))
		return status;
	m = tarjotin__stats_reply__unpack(NULL, r->call.reply->payload.len,
					  r->call.reply->payload.data);
	if (!m || !m->content_type || !*m->content_type || strpbrk(m->content_type, "\r\n") ||
	    (m->filename && strpbrk(m->filename, "\r\n\"\\"))) {
		if (m)
			tarjotin__stats_reply__free_unpacked(m, NULL);
		return req_reply_error(r, 502, "internal", NULL, "stats sent a malformed reply");
	}
	resp = MHD_create_response_from_buffer_with_free_callback_cls(m->body.len, m->body.data,
								      release_reply, m);
	MHD_add_response_header(resp, "Content-Type", m->content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (m->filename && *m->filename) {
		char cd[300];

		snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", m->filename);
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	req_add_common_headers(r, resp);
	MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->status = 200;
	r->state = REQ_ANSWERED;
	return 200;
}

unsigned statsroute_report(struct req *r, const char *url)
{
	Tarjotin__StatsCall sc = TARJOTIN__STATS_CALL__INIT;
	const char *report = url + strlen(STATSROUTE_PREFIX), *field;
	const char *format = req_arg(r, "format"), *lang = req_arg(r, "lang");
	const char *table = req_arg(r, "table");
	char from[STATSPARAM_DATE_SIZE], to[STATSPARAM_DATE_SIZE];

	/* The stats service authorizes too; asking it only for these roles
	 * keeps everyone else's 403 the same as elsewhere. */
	if (!r->principal || (r->principal->role != TARJOTIN__ROLE__ROLE_ADMIN &&
			      r->principal->role != TARJOTIN__ROLE__ROLE_FUNDER))
		return req_reply_error(r, 403, "forbidden", NULL, "not allowed for this account");
	if (!statsparam_report_ok(report))
		return req_reply_error(r, 404, "unknown_report", NULL,
				       "no such report; coverage, usage, contact_requests, "
				       "freshness, gaps or all");
	field = statsparam_period(req_arg(r, "from"), req_arg(r, "to"), (int64_t)time(NULL), from,
				  to);
	if (field)
		return bad(r, field, "a date YYYY-MM-DD, from <= to, at most three years apart");
	if (format && *format && !statsparam_format_ok(format))
		return bad(r, "format", "json, csv or xlsx");
	if (lang && *lang && !fields_lang_ok(lang))
		return bad(r, "lang", "fi, sv or en");
	if (table && *table && !statsparam_table_ok(table))
		return bad(r, "table", "a table id of [a-z_]{1,40}");
	sc.report = (char *)report;
	sc.from = from;
	sc.to = to;
	sc.format = (char *)(format && *format ? format : "json");
	sc.lang = (char *)(lang && *lang ? lang : docparse_lang(req_header(r, "Accept-Language")));
	sc.table = (char *)(table ? table : "");
	/* A report only reads: safe to resend. */
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_STATS_REPORT, &sc.base, true, 0, render);
}
