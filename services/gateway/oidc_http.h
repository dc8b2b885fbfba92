/*
 * oidc_http.h - the relying party's HTTP calls (discovery, JWKS, token
 * exchange) over libcurl: http and https only, no redirects followed, a
 * timeout and a maximum response size on every call.  Call
 * curl_global_init() once before the first call (oidc_new does).
 */
#ifndef TJ_OIDC_HTTP_H
#define TJ_OIDC_HTTP_H

#include <stddef.h>

/* What came back: the status and the body (NUL-terminated). */
struct oidc_http_reply {
	long status;
	char *body; /* free() through oidc_http_reply_release */
	size_t len;
};

/*
 * GETs 'url' (Accept: application/json).  Returns 0 and fills *r whatever
 * the status, or -1 with a lower-case reason in err (not http(s), no
 * answer within timeout_ms, body over max bytes).  The reason never holds
 * the URL's query or the body.
 */
int oidc_http_get(const char *url, int timeout_ms, size_t max, struct oidc_http_reply *r, char *err,
		  size_t errlen);

/*
 * POSTs the form-encoded 'form' to 'url' with HTTP Basic authentication
 * user:password (both sent as given; the caller form-encodes them for
 * client_secret_basic).  Returns as oidc_http_get.  'form' and the
 * password are not copied anywhere but into the request.
 */
int oidc_http_post_form(const char *url, const char *user, const char *password, const char *form,
			int timeout_ms, size_t max, struct oidc_http_reply *r, char *err,
			size_t errlen);

/* Frees the body; *r is empty again. */
void oidc_http_reply_release(struct oidc_http_reply *r);

#endif
