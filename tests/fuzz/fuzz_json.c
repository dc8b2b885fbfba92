// units: tests/fuzz/fuzzin.c tests/fuzz/gwfake.c services/gateway/req.c
// units: services/gateway/conntime.c services/gateway/admit.c services/gateway/bucket.c services/gateway/rtable.c services/gateway/metrics.c
// units: services/gateway/identity.c services/gateway/messages.c services/gateway/auth.c
// units: services/gateway/docroute.c services/gateway/docparse.c services/gateway/fields.c
// units: services/gateway/websec.c services/gateway/smssig.c services/gateway/jwt.c
// units: services/directory/actdoc.c services/directory/regdoc.c services/directory/surveydoc.c
// units: services/directory/crdoc.c services/directory/docfields.c services/directory/doccall.c
// units: services/directory/reply.c services/directory/wdb.c
/*
 * fuzz_json - JSON request bodies, on both sides of the wire.  The
 * gateway's routes that parse a body, run for real on a fake request
 * (gwfake.h) with a signed-in admin: user sites, accounts and editors
 * (identity.c's field lists), the admin message send (messages.c), the
 * sign-in link request and use (auth.c), docroute_body with If-Match.
 * Then the directory's validation of the documents the self-service routes
 * pass on as they are: activities (actdoc), organisation profiles and
 * registrations (regdoc), surveys, recipients and answers (surveydoc),
 * contact requests and what a send makes of them (crdoc).  Input: a
 * selector byte, for the gateway routes a path field, then the body.  A
 * route must answer or forward; a document without errors must come out
 * canonical (an object) and pass again unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "services/directory/actdoc.h"
#include "services/directory/crdoc.h"
#include "services/directory/doccall.h"
#include "services/directory/regdoc.h"
#include "services/directory/surveydoc.h"
#include "services/gateway/auth.h"
#include "services/gateway/docroute.h"
#include "services/gateway/identity.h"
#include "services/gateway/messages.h"
#include "seal.h"
#include "tests/fuzz/fuzzin.h"
#include "tests/fuzz/gwfake.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's: once at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		exit(1);
	return 0;
}

static const struct {
	const char *prefix; /* the route's path; the input's path field follows it */
	req_handler_fn *handle;
} routes[] = {
	{ "/api/v1/admin/user-sites", identity_route_user_sites_create },
	{ "/api/v1/admin/user-sites/", identity_route_user_sites_update },
	{ "/api/v1/admin/accounts", identity_route_accounts_invite },
	{ "/api/v1/admin/accounts/", identity_route_accounts_update },
	{ "/api/v1/admin/editors/", identity_route_editors_add },
	{ "/api/v1/admin/messages", messages_route_send },
	{ "/api/v1/auth/email", auth_route_email_link },
	{ "/api/v1/auth/link", auth_route_link },
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static void gateway(struct fuzzin *in, unsigned which)
{
	struct gwfake f;
	struct req_principal *p;
	char url[600];
	const char *path = fuzzin_str(in), *ifmatch = fuzzin_str(in), *body;
	size_t len;
	unsigned status;
	json_t *j;
	int64_t version;

	body = fuzzin_rest(in, &len);
	gwfake_init(&f, body, len);
	p = req_principal_new(&f.req);
	p->role = TARJOTIN__ROLE__ROLE_ADMIN;
	snprintf(p->account_id, sizeof(p->account_id), "0b5e6d3c-47a8-4d65-9a8e-3f1f4f0b2a11");
	if (which < N_ROUTES) {
		snprintf(url, sizeof(url), "%s%s", routes[which].prefix, path);
		status = routes[which].handle(&f.req, url);
		if (status == 0 && !f.forwarded_type)
			fuzzin_fail("a route neither answered nor forwarded");
		if (status && status != f.queued)
			fuzzin_fail("a route's status is not the one it queued");
	} else {
		gwfake_add(&f, MHD_HEADER_KIND, "If-Match", ifmatch);
		status = docroute_if_match(&f.req, which & 1, &version);
		if (!status && (j = docroute_body(&f.req, which & 2, &status))) {
			if (!json_is_object(j))
				fuzzin_fail("docroute_body: not an object");
			json_decref(j);
		} else if (!status || status != f.queued) {
			fuzzin_fail("docroute: a refusal without its answer");
		}
	}
	gwfake_release(&f);
}

/* A document that passed must be an object and pass again as it is. */
static void again(json_t *out, void (*check)(struct docerr *, const json_t *, json_t *))
{
	struct docerr e;
	json_t *out2 = json_object();

	if (!json_is_object(out))
		fuzzin_fail("a valid document's canonical form is not an object");
	docerr_init(&e);
	check(&e, out, out2);
	if (docerr_any(&e) || !json_equal(out, out2))
		fuzzin_fail("a canonical document does not pass again unchanged");
	docerr_release(&e);
	json_decref(out2);
}

static void directory(json_t *body, unsigned which, uint8_t flags)
{
	struct docerr e;
	json_t *out = which == 0 ? NULL : json_object();
	char hash[CRDOC_HASH_HEX], *s;

	docerr_init(&e);
	switch (which) {
	case 0:
		out = actdoc_validate(body, flags & 1, flags & 2, &e);
		if (out && !docerr_any(&e)) {
			json_t *w = actdoc_writable(out, true);

			actdoc_publishable(out, &e);
			json_decref(w);
		}
		break;
	case 1:
		regdoc_org(&e, body, out);
		if (!docerr_any(&e))
			again(out, regdoc_org);
		break;
	case 2:
		regdoc_registration(&e, body, out);
		break;
	case 3:
		surveydoc_survey(&e, body, out);
		if (!docerr_any(&e)) {
			json_t *values = json_object();

			surveydoc_answers(&e, json_object_get(out, "questions"),
					  json_object_get(body, "answers"), values);
			json_decref(values);
		}
		break;
	case 4:
		surveydoc_recipients(&e, body, out);
		break;
	default:
		crdoc_send(&e, body, out, 5);
		crdoc_body_hash(body, hash);
		if (!docerr_any(&e)) {
			s = crdoc_client_json(out);
			(void)crdoc_client_too_long(out);
			seal_wipe_free(s);
			free(crdoc_client_lines(out));
		}
		(void)crdoc_stop_word(json_string_value(json_object_get(body, "note")));
		break;
	}
	json_decref(out);
	docerr_release(&e);
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	if (sel % 16 < 10) {
		gateway(&in, sel % 16 < N_ROUTES ? sel % 16 : (unsigned)(N_ROUTES + (sel >> 4)));
	} else {
		size_t len;
		const char *text = fuzzin_rest(&in, &len);
		json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);

		if (json_is_object(body))
			directory(body, sel % 16 - 10, sel >> 4);
		json_decref(body);
	}
	fuzzin_release(&in);
	return 0;
}
