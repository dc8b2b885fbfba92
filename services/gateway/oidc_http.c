/*
 * oidc_http.c - bounded HTTP calls for the relying party (oidc_http.h).
 */
#include "oidc_http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "banned.h"
#include "errmsg.h"
#include "strbuf.h"

struct sink {
	struct strbuf b;
	size_t max;
	int too_big;
};

static size_t write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->b.len + len > s->max) {
		s->too_big = 1;
		return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
	}
	strbuf_add(&s->b, data, len);
	return len;
}

static int is_http_url(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* One request on a fresh handle: the calls are rare (discovery and keys
 * are cached, a token exchange is one per sign-in), so no handle pool. */
static int perform(const char *url, const char *user, const char *password, const char *form,
		   int timeout_ms, size_t max, struct oidc_http_reply *r, char *err, size_t errlen)
{
	struct sink s = { STRBUF_INIT, max, 0 };
	struct curl_slist *hdrs = NULL;
	CURL *curl = NULL;
	CURLcode rc;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if (!is_http_url(url)) {
		errmsg(err, errlen, "not an http(s) url");
		goto out;
	}
	curl = curl_easy_init();
	if (!curl) {
		errmsg(err, errlen, "curl_easy_init failed");
		goto out;
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (!hdrs) {
		errmsg(err, errlen, "out of memory");
		goto out;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "tarjotin-gateway");
	if (form) {
		/* CURLOPT_POSTFIELDS is not copied: 'form' outlives the call. */
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(form));
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
	}
	rc = curl_easy_perform(curl);
	if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		errmsg(err, errlen, "response over %zu bytes", max);
		goto out;
	}
	if (rc != CURLE_OK) {
		/* curl's messages start with a capital ("Timeout was reached"). */
		const char *m = curl_easy_strerror(rc);
		errmsg(err, errlen, "%c%s", tolower((unsigned char)m[0]), m[0] ? m + 1 : "");
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	r->len = s.b.len;
	r->body = strbuf_detach(&s.b);
	ret = 0;
out:
	strbuf_release(&s.b);
	curl_slist_free_all(hdrs);
	if (curl)
		curl_easy_cleanup(curl);
	return ret;
}

int oidc_http_get(const char *url, int timeout_ms, size_t max, struct oidc_http_reply *r, char *err,
		  size_t errlen)
{
	return perform(url, NULL, NULL, NULL, timeout_ms, max, r, err, errlen);
}

int oidc_http_post_form(const char *url, const char *user, const char *password, const char *form,
			int timeout_ms, size_t max, struct oidc_http_reply *r, char *err,
			size_t errlen)
{
	return perform(url, user, password, form, timeout_ms, max, r, err, errlen);
}

void oidc_http_reply_release(struct oidc_http_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}
