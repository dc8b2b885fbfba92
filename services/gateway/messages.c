/*
 * messages.c - see messages.h.  Everything is validated here, at the
 * boundary, before anything is queued; the directory checks what only it
 * can (the template exists and renders with these vars within the limits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "email.h"
#include "errmsg.h"
#include "gateway.h"
#include "messages.h"
#include "notify.pb-c.h"
#include "phone.h"
#include "smssig.h"
#include "template.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

/* Printable, without blanks: a secret pasted with a line break would never match. */
static bool secret_text_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return strlen(s) <= MESSAGES_SECRET_MAX;
}

int messages_config_init(struct messages_config *mc, const char **bad_var, char *err, size_t errlen)
{
	memset(mc, 0, sizeof(*mc));
	*bad_var = "TARJOTIN_SMS_DLR_SECRET";
	mc->dlr_secret = config_secret("TARJOTIN_SMS_DLR_SECRET"); /* weak: exits */
	if (!secret_text_ok(mc->dlr_secret))
		return errmsg(err, errlen,
			      "empty (reports refused), or at most %d characters without blanks or "
			      "control characters",
			      MESSAGES_SECRET_MAX);
	*bad_var = NULL;
	return 0;
}

/* Passes the directory's JSON document through. */
static unsigned render_json(struct req *r, unsigned ok_status)
{
	Tarjotin__JsonReply *jr;
	json_t *doc;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	jr = tarjotin__json_reply__unpack(NULL, r->call.reply->payload.len,
					  r->call.reply->payload.data);
	doc = jr ? json_loadb((const char *)jr->json.data, jr->json.len, 0, NULL) : NULL;
	if (jr)
		tarjotin__json_reply__free_unpacked(jr, NULL);
	if (!doc)
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	return req_reply_json(r, ok_status, doc);
}

static unsigned render_json_200(struct req *r)
{
	return render_json(r, 200);
}

/* --- send ---------------------------------------------------------------- */

static bool key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k[i] <= 0x20 || k[i] >= 0x7f)
			return false;
	return true;
}

static unsigned render_send(struct req *r)
{
	Tarjotin__MessageSendReply *m;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	m = tarjotin__message_send_reply__unpack(NULL, r->call.reply->payload.len,
						 r->call.reply->payload.data);
	if (!m)
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	status = req_reply_json(r, 201,
				json_pack("{s:s, s:s, s:b}", "job_id", m->job_id, "status",
					  m->status, "replayed", m->replayed));
	tarjotin__message_send_reply__free_unpacked(m, NULL);
	return status;
}

/* Checks vars: an object of [a-z0-9_]+ keys and string values (numbers are
 * taken as their text), no control characters but line breaks.  Returns
 * the compact JSON (free()) or NULL with the reason. */
static char *vars_check(json_t *vars, char *err, size_t errlen)
{
	json_t *clean = json_object(), *v;
	const char *k;
	char *out = NULL;

	json_object_foreach(vars, k, v) {
		char num[32];
		const char *s;

		if (!template_name_valid(k)) {
			char shown[48];

			utf8_clip(shown, sizeof(shown), k);
			snprintf(err, errlen, "variable names are [a-z0-9_]+ (got '%s')", shown);
			goto out;
		}
		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			s = num;
		} else if (json_is_string(v)) {
			s = json_string_value(v);
		} else {
			snprintf(err, errlen, "vars.%s must be a string", k);
			goto out;
		}
		if (strlen(s) > MESSAGES_VAR_MAX) {
			snprintf(err, errlen, "vars.%s is longer than %d bytes", k,
				 MESSAGES_VAR_MAX);
			goto out;
		}
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if ((*p < 0x20 && *p != '\n') || *p == 0x7f) {
				snprintf(err, errlen, "vars.%s contains a control character", k);
				goto out;
			}
		json_object_set_new(clean, k, json_string(s));
	}
	out = json_dumps(clean, JSON_COMPACT);
	if (out && strlen(out) > MESSAGES_VARS_MAX) {
		snprintf(err, errlen, "vars are larger than %d bytes", MESSAGES_VARS_MAX);
		free(out);
		out = NULL;
	}
out:
	json_decref(clean);
	return out;
}

unsigned messages_route_send(struct req *r, const char *url)
{
	Tarjotin__MessageSendRequest m = TARJOTIN__MESSAGE_SEND_REQUEST__INIT;
	json_t *body, *vars;
	const char *channel, *to, *tmpl, *lang, *ikey;
	char err[256], e164[PHONE_E164_MAX + 1], genkey[48], *vars_text = NULL;
	uint8_t rnd[16];
	unsigned status;

	(void)url;
	body = req_body_object(r);
	if (!body)
		return req_reply_error(r, 400, "invalid_body", "body",
				       "the body must be a JSON object");
	channel = json_string_value(json_object_get(body, "channel"));
	to = json_string_value(json_object_get(body, "to"));
	tmpl = json_string_value(json_object_get(body, "template"));
	lang = json_object_get(body, "lang") ? json_string_value(json_object_get(body, "lang")) :
					       "fi";
	vars = json_object_get(body, "vars");
	ikey = json_string_value(json_object_get(body, "idempotency_key"));
	if (!channel || (strcmp(channel, "email") && strcmp(channel, "sms"))) {
		status = req_reply_error(r, 400, "invalid_parameter", "channel",
					 "channel must be \"email\" or \"sms\"");
		goto out;
	}
	if (!to || !*to) {
		status = req_reply_error(r, 400, "invalid_parameter", "to", "to is required");
		goto out;
	}
	if (!strcmp(channel, "email")) {
		if (strpbrk(to, "\r\n")) {
			status = req_reply_error(r, 400, "invalid_parameter", "to",
						 "the e-mail address contains a line break");
			goto out;
		}
		if (email_valid(to, err, sizeof(err))) {
			status = req_reply_error(r, 400, "invalid_parameter", "to",
						 "not a valid e-mail address: %s", err);
			goto out;
		}
	} else {
		if (strlen(to) > PHONE_INPUT_MAX ||
		    phone_normalize_fi(to, e164, sizeof(e164), err, sizeof(err))) {
			status = req_reply_error(r, 400, "invalid_parameter", "to",
						 "not a valid phone number: %s",
						 strlen(to) > PHONE_INPUT_MAX ? "too long" : err);
			goto out;
		}
		if (!strncmp(e164, "+358", 4) && !phone_is_mobile_fi(e164)) {
			status = req_reply_error(r, 400, "invalid_parameter", "to",
						 "not a mobile number: SMS goes to Finnish mobile "
						 "numbers (04x, 050) or numbers in +country form");
			goto out;
		}
		to = e164;
	}
	if (!tmpl || !template_name_valid(tmpl)) {
		status = req_reply_error(
			r, 400, "invalid_parameter", "template",
			"template must be a name of [a-z0-9_]+, at most %d characters",
			TEMPLATE_MAX_NAME);
		goto out;
	}
	if (!lang || (strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en"))) {
		status = req_reply_error(r, 400, "invalid_parameter", "lang",
					 "lang must be \"fi\", \"sv\" or \"en\"");
		goto out;
	}
	if (vars && !json_is_object(vars)) {
		status = req_reply_error(r, 400, "invalid_parameter", "vars",
					 "vars must be an object of strings");
		goto out;
	}
	vars_text = vars ? vars_check(vars, err, sizeof(err)) : xstrdup("{}");
	if (!vars_text) {
		status = req_reply_error(r, 400, "invalid_parameter", "vars", "%s", err);
		goto out;
	}
	if (json_object_get(body, "idempotency_key") && (!ikey || !key_ok(ikey))) {
		status = req_reply_error(
			r, 400, "invalid_parameter", "idempotency_key",
			"idempotency_key must be 1..128 printable ASCII characters");
		goto out;
	}
	if (!ikey) {
		/* Ours: a resend of this very call (Lazy Pirate) carries the same
		 * payload, so the directory replays instead of queueing twice. */
		randombytes_buf(rnd, sizeof(rnd));
		memcpy(genkey, "gw:", 3);
		sodium_bin2hex(genkey + 3, sizeof(genkey) - 3, rnd, sizeof(rnd));
		ikey = genkey;
	}
	m.channel = (char *)channel;
	m.recipient = (char *)to;
	m.template_ = (char *)tmpl;
	m.lang = (char *)lang;
	m.vars_json.data = (uint8_t *)vars_text;
	m.vars_json.len = strlen(vars_text);
	m.idempotency_key = (char *)ikey;
	status = req_forward(r, TARJOTIN__MSG_TYPE__MSG_MESSAGE_SEND, &m.base, true, 0,
			     render_send);
out:
	free(vars_text);
	json_decref(body);
	return status;
}

/* --- admin listings ------------------------------------------------------ */

unsigned messages_route_list(struct req *r, const char *url)
{
	Tarjotin__MessageQuery q = TARJOTIN__MESSAGE_QUERY__INIT;
	const char *limit = req_arg(r, "limit"), *status_arg = req_arg(r, "status"),
		   *channel = req_arg(r, "channel");
	static const char *const statuses[] = { "queued", "sent", "delivered",
						"failed", "dead", NULL };

	(void)url;
	q.limit = 50;
	if (limit && req_parse_int(limit, 1, 200, &q.limit))
		return req_reply_error(r, 400, "invalid_parameter", "limit",
				       "limit must be an integer 1..200");
	if (status_arg && *status_arg) {
		bool ok = false;

		for (int i = 0; statuses[i]; i++)
			ok |= !strcmp(status_arg, statuses[i]);
		if (!ok)
			return req_reply_error(
				r, 400, "invalid_parameter", "status",
				"status must be queued, sent, delivered, failed or dead");
		q.status = (char *)status_arg;
	}
	if (channel && *channel) {
		if (strcmp(channel, "email") && strcmp(channel, "sms"))
			return req_reply_error(r, 400, "invalid_parameter", "channel",
					       "channel must be email or sms");
		q.channel = (char *)channel;
	}
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_MESSAGE_LIST, &q.base, true, 0,
			   render_json_200);
}

unsigned messages_route_get(struct req *r, const char *url)
{
	Tarjotin__MessageQuery q = TARJOTIN__MESSAGE_QUERY__INIT;
	char id[UUID_STR_SIZE];

	url += strlen("/api/v1/admin/messages/");
	if (!uuid_parse(url, strlen(url), id))
		return req_reply_error(r, 400, "invalid_parameter", "job_id",
				       "job_id must be a uuid");
	q.job_id = id;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_MESSAGE_GET, &q.base, true, 0,
			   render_json_200);
}

unsigned messages_route_dead_letters(struct req *r, const char *url)
{
	Tarjotin__MessageQuery q = TARJOTIN__MESSAGE_QUERY__INIT;

	(void)url;
	q.limit = 200;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_LIST, &q.base, true, 0,
			   render_json_200);
}

unsigned messages_route_requeue(struct req *r, const char *url)
{
	Tarjotin__MessageQuery q = TARJOTIN__MESSAGE_QUERY__INIT;
	char id[UUID_STR_SIZE];

	url += strlen("/api/v1/admin/dead-letters/");
	if (strlen(url) != UUID_STR_LEN + strlen("/requeue") ||
	    strcmp(url + UUID_STR_LEN, "/requeue") || !uuid_parse(url, UUID_STR_LEN, id))
		return req_reply_error(r, 404, "not_found", NULL,
				       "use POST /api/v1/admin/dead-letters/{job_id}/requeue");
	q.job_id = id;
	/* Requeueing twice is harmless: the second finds the job no longer
	 * dead and says so. */
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_REQUEUE, &q.base, true, 0,
			   render_json_200);
}

/* --- delivery reports ---------------------------------------------------- */

/* A claim as text: strings as they are (shortened at a character boundary
 * with a marker when they do not fit), integers printed; "" otherwise. */
static void claim_text(json_t *o, const char *name, char *out, size_t outlen)
{
	json_t *v = json_object_get(o, name);

	if (json_is_string(v))
		utf8_clip(out, outlen, json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, outlen, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		out[0] = '\0';
}

unsigned messages_route_dlr(struct req *r, const char *url)
{
	Tarjotin__DeliveryReport d = TARJOTIN__DELIVERY_REPORT__INIT;
	static const char *const same[] = { "id", "msisdn", "status", "userref", NULL };
	char id[64], userref[128], st[32], error[256];
	unsigned status = 0;
	json_t *claims = smssig_verify(r, "delivery reports", same, &status);

	(void)url;
	if (!claims)
		return status;
	claim_text(claims, "id", id, sizeof(id));
	claim_text(claims, "userref", userref, sizeof(userref));
	claim_text(claims, "status", st, sizeof(st));
	claim_text(claims, "error", error, sizeof(error));
	if (!*st || (!*id && !*userref)) {
		status = req_reply_error(r, 400, "invalid_parameter", "status",
					 "a report needs a status and an id or userref");
		goto out;
	}
	d.provider_id = id;
	d.userref = userref;
	d.status = st;
	d.error = error;
	d.time = json_integer_value(json_object_get(claims, "time"));
	status = req_forward(r, TARJOTIN__MSG_TYPE__MSG_DELIVERY_REPORT, &d.base, true, 0,
			     render_json_200);
out:
	json_decref(claims);
	return status;
}
