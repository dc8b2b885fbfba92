#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "deliver.h"
#include "errmsg.h"
#include "smstext.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

#define RESPONSE_MAX (64 * 1024)

int deliver_check_smtp(const struct deliver_config *cfg, char *err, size_t errlen)
{
	bool login = (cfg->smtp_user && *cfg->smtp_user) ||
		     (cfg->smtp_password && *cfg->smtp_password);
	const char *url = cfg->smtp_url ? cfg->smtp_url : "";

	if (strncasecmp(url, "smtps://", 8) && strncasecmp(url, "smtp://", 7))
		return errmsg(err, errlen, "TARJOTIN_SMTP_URL must start with smtp:// or smtps://");
	if (!login || !strncasecmp(url, "smtps://", 8) || cfg->smtp_starttls)
		return 0;
	return errmsg(err, errlen,
		      "an SMTP login (TARJOTIN_SMTP_USER/TARJOTIN_SMTP_PASSWORD) needs TLS: use "
		      "smtps:// or set TARJOTIN_SMTP_STARTTLS=true");
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t want = size * n, left = u->len - u->off;

	if (want > left)
		want = left;
	memcpy(buf, u->data + u->off, want);
	u->off += want;
	return want;
}

struct sink {
	char *data;
	size_t len;
};

static size_t write_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;

	if (s->len + add > RESPONSE_MAX)
		return 0; /* a provider answer this large is not one we expect */
	s->data = xrealloc(s->data, s->len + add + 1);
	memcpy(s->data + s->len, buf, add);
	s->len += add;
	s->data[s->len] = '\0';
	return add;
}

static enum deliver_outcome set(struct deliver_result *res, enum deliver_outcome o, const char *fmt,
				...) __attribute__((format(printf, 3, 4)));

static enum deliver_outcome set(struct deliver_result *res, enum deliver_outcome o, const char *fmt,
				...)
{
	char text[1024];
	va_list ap;

	res->outcome = o;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Server texts (curl's error buffer, a provider's message) are outside
	 * text: shortened at a character boundary, and made valid UTF-8. */
	utf8_clip(res->error, sizeof(res->error), text);
	return o;
}

enum deliver_outcome deliver_email(CURL *curl, const struct deliver_config *cfg, const char *to,
				   const char *msg, struct deliver_result *res)
{
	struct upload up = { .data = msg, .len = strlen(msg) };
	struct curl_slist *rcpt = NULL;
	char from[300], rcpt_buf[300], errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode cc;

	memset(res, 0, sizeof(*res));
	snprintf(from, sizeof(from), "<%s>", cfg->mail_from);
	snprintf(rcpt_buf, sizeof(rcpt_buf), "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_buf);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
	/* smtps:// is TLS from the start; STARTTLS is required when asked for. */
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 cfg->smtp_starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (cfg->smtp_user && *cfg->smtp_user) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 cfg->timeout_ms < 5000 ? cfg->timeout_ms : 5000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	if (cc == CURLE_OK)
		return set(res, DELIVER_OK, "%s", "");
	/* 5xx is the server's "do not try again"; 4xx and no answer are
	 * temporary (RFC 5321 4.2.1). */
	return set(res, code >= 500 && code < 600 ? DELIVER_PERMANENT : DELIVER_TEMPORARY,
		   "smtp: %s (reply %ld)", *errbuf ? errbuf : curl_easy_strerror(cc), code);
}

enum deliver_outcome deliver_sms(CURL *curl, const struct deliver_config *cfg, const char *e164,
				 const char *text, const char *job_id, struct deliver_result *res)
{
	struct curl_slist *hdr = NULL;
	struct sink body = { 0 };
	char auth[300], errbuf[CURL_ERROR_SIZE] = "", said[200];
	char *req = NULL;
	json_t *doc, *ans = NULL, *ids;
	long code = 0;
	CURLcode cc;
	enum deliver_outcome o;

	memset(res, 0, sizeof(*res));
	doc = json_pack("{s:s, s:s, s:[{s:I}], s:s, s:i}", "sender", cfg->sms_sender, "message",
			text, "recipients", "msisdn", (json_int_t)strtoll(e164 + 1, NULL, 10),
			"userref", job_id, "max_parts", SMSTEXT_MAX_PARTS);
	req = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!req)
		return set(res, DELIVER_PERMANENT, "sms: cannot build the request");
	snprintf(auth, sizeof(auth), "Authorization: Token %s", cfg->sms_token);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Accept: application/json");
	hdr = curl_slist_append(hdr, auth);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, cfg->sms_url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req); /* not copied: freed below */
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(req));
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 cfg->timeout_ms < 5000 ? cfg->timeout_ms : 5000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdr);
	free(req);
	if (cc != CURLE_OK) {
		o = set(res, DELIVER_TEMPORARY, "sms: %s",
			*errbuf ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	ans = body.data ? json_loads(body.data, 0, NULL) : NULL;
	if (code == 200) {
		ids = json_object_get(ans, "ids");
		if (json_is_integer(json_array_get(ids, 0)))
			snprintf(res->provider_id, sizeof(res->provider_id),
				 "%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_array_get(ids, 0)));
		o = set(res, DELIVER_OK, "%s", "");
		goto out;
	}
	/* 400 and 422 say the request itself is wrong; 401/403 are our
	 * configuration and 5xx the provider's trouble: both may pass. */
	/* The provider's text, shortened at a character boundary: a cut byte-
	 * wise it would be no UTF-8, and PostgreSQL refuses the status report. */
	utf8_clip(said, sizeof(said),
		  json_is_string(json_object_get(ans, "message")) ?
			  json_string_value(json_object_get(ans, "message")) :
			  "no message");
	o = set(res, code == 400 || code == 422 ? DELIVER_PERMANENT : DELIVER_TEMPORARY,
		"sms: provider answered %ld: %s", code, said);
out:
	json_decref(ans);
	free(body.data);
	return o;
}
