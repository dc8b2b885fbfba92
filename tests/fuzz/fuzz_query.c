// units: tests/fuzz/fuzzin.c tests/fuzz/gwfake.c services/gateway/req.c
// units: services/gateway/conntime.c services/gateway/admit.c services/gateway/bucket.c services/gateway/rtable.c services/gateway/metrics.c services/gateway/websec.c
// units: services/gateway/search.c services/gateway/statsroute.c services/gateway/statsparam.c
// units: services/gateway/static.c services/gateway/qwords.c services/gateway/fields.c
// units: services/gateway/docparse.c
/*
 * fuzz_query - the gateway's query-string and path parsing, through the
 * real route handlers on a fake connection (gwfake.h): the search API's
 * parameters (search_route_list), the detail paths' ids, the statistics
 * report's query (statsroute_report as an admin), the web UI's files
 * (static_queue with If-None-Match and Accept-Encoding), and the pure
 * checks under them: statsparam, qwords, fields, docparse, req_parse_int.
 * Input: a selector byte, then NUL-separated fields.  A handler must
 * answer (a status queued) or forward a call whose payload decodes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/gateway/docparse.h"
#include "services/gateway/fields.h"
#include "services/gateway/qwords.h"
#include "services/gateway/search.h"
#include "services/gateway/static.h"
#include "services/gateway/statsparam.h"
#include "services/gateway/statsroute.h"
#include "envelope.pb-c.h"
#include "rpc.h"
#include "utf8.h"
#include "tests/fuzz/fuzzin.h"
#include "tests/fuzz/gwfake.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct static_files *web; /* the real web folder, loaded once */

/* libFuzzer's: once at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *top = getenv("FUZZ_TOP");
	char err[256], dir[4096];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/services/gateway/web", top ? top : ".");
	web = static_load(dir, err, sizeof(err));
	if (!web) {
		fprintf(stderr, "fuzz_query: %s (run from the top folder, or set FUZZ_TOP)\n", err);
		exit(1);
	}
	return 0;
}

/* A handler either queued an answer or forwarded a payload that decodes. */
static void check_answered(struct gwfake *f, unsigned status)
{
	if (status == 0 && !f->forwarded_type)
		fuzzin_fail("a handler neither answered nor forwarded");
	if (status && status != f->queued)
		fuzzin_fail("a handler's status is not the one it queued");
	if (f->forwarded_type) {
		ProtobufCBinaryData *p = &f->req.call.payload;
		Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
		uint8_t *wire;
		size_t len;
		Tarjotin__Envelope *back;

		env.type = (Tarjotin__MsgType)f->forwarded_type;
		env.payload = *p;
		wire = rpc_pack_envelope(&env, &len);
		back = rpc_unpack_envelope(wire, len);
		if (!back)
			fuzzin_fail("a forwarded call does not decode");
		tarjotin__envelope__free_unpacked(back, NULL);
		free(wire);
	}
}

static void route(struct fuzzin *in, unsigned which)
{
	struct gwfake f;
	char url[600];
	const char *a = fuzzin_str(in), *b = fuzzin_str(in);
	unsigned status = 0;

	gwfake_init(&f, NULL, 0);
	switch (which) {
	case 0:
		gwfake_add_query(&f, a);
		status = search_route_list(&f.req, "/api/v1/activities");
		break;
	case 1:
		snprintf(url, sizeof(url), "/api/v1/activities/%s", a);
		status = search_route_activity(&f.req, url);
		break;
	case 2:
		snprintf(url, sizeof(url), "/api/v1/organizations/%s", a);
		status = search_route_organization(&f.req, url);
		break;
	case 3:
		req_principal_new(&f.req)->role = TARJOTIN__ROLE__ROLE_ADMIN;
		snprintf(url, sizeof(url), "%s%s", STATSROUTE_PREFIX, a);
		gwfake_add_query(&f, b);
		gwfake_add(&f, MHD_HEADER_KIND, "Accept-Language", fuzzin_str(in));
		status = statsroute_report(&f.req, url);
		break;
	default:
		gwfake_add(&f, MHD_HEADER_KIND, "If-None-Match", b);
		gwfake_add(&f, MHD_HEADER_KIND, "Accept-Encoding", fuzzin_str(in));
		status = static_queue(web, f.req.conn, a, *fuzzin_str(in) ? "tj_visit=x" : NULL);
		if (status && status != f.queued)
			fuzzin_fail("static_queue's status is not the one it queued");
		gwfake_release(&f);
		return;
	}
	check_answered(&f, status);
	gwfake_release(&f);
}

static void pure(struct fuzzin *in, unsigned which)
{
	const char *s = fuzzin_str(in), *t = fuzzin_str(in);
	char from[STATSPARAM_DATE_SIZE], to[STATSPARAM_DATE_SIZE], id[UUID_STR_SIZE];
	char words[8][QWORDS_SIZE], email[EMAIL_MAX_LEN + 1];
	int64_t now = 0, version = 0;
	int32_t n32;

	switch (which) {
	case 0:
		memcpy(&now, t, strlen(t) < sizeof(now) ? strlen(t) : sizeof(now));
		/* Within about 35,000 years of 1970: the one caller passes
		 * time(NULL).  (Times within 3 hours of INT64_MAX overflow in
		 * statsparam_helsinki_day's time-zone shift.) */
		now %= (int64_t)1 << 40;
		if (!statsparam_period(s, fuzzin_str(in), now, from, to) &&
		    (strlen(from) != 10 || strlen(to) != 10 || strcmp(from, to) > 0))
			fuzzin_fail("statsparam_period accepted a bad period");
		statsparam_helsinki_day(now, from);
		(void)statsparam_report_ok(s);
		(void)statsparam_format_ok(s);
		(void)statsparam_table_ok(s);
		break;
	case 1:
		if (utf8_chars(s, true) >= 0) {
			size_t n = qwords_split(s, words, 8);

			for (size_t i = 0; i < n; i++)
				if (utf8_chars(words[i], false) < 3)
					fuzzin_fail("qwords_split gave a short or bad word");
		}
		break;
	case 2:
		(void)fields_email(s, email);
		(void)fields_name_ok(s, t[0] != 0);
		(void)fields_county_ok(s);
		(void)fields_domain_ok(s);
		(void)fields_role_ok(s);
		(void)fields_lang_ok(s);
		(void)fields_action_ok(s);
		(void)fields_time_ok(s);
		break;
	default:
		if (docparse_if_match(s, &version) == 0 && version <= 0)
			fuzzin_fail("docparse_if_match gave a version that is not positive");
		(void)docparse_lang(s);
		(void)docparse_term_id_ok(s);
		(void)docparse_path_uuid(s, t, id);
		(void)docparse_b64url_ok(s, 16, 64);
		(void)static_accepts_gzip(s);
		if (req_parse_int(s, 1, 100, &n32) == 0 && (n32 < 1 || n32 > 100))
			fuzzin_fail("req_parse_int gave a value out of range");
		break;
	}
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	if (sel % 9 < 5)
		route(&in, sel % 9);
	else
		pure(&in, sel % 9 - 5);
	fuzzin_release(&in);
	return 0;
}
