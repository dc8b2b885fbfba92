/*
 * websec.c - see websec.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "strbuf.h"
#include "websec.h"
#include "banned.h"

int websec_cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (!p)
		return -1;
	while (*p) {
		const char *end;
		size_t vlen;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
			const char *v = p + nlen + 1;

			vlen = (size_t)(end - v);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen + 1 > outlen)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = end;
	}
	return -1;
}

char *websec_set_cookie(const char *name, const char *value, const char *path, const char *samesite,
			bool http_only, bool secure, long max_age)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addf(&b, "%s=%s; Path=%s", name, value, path);
	if (max_age >= 0)
		strbuf_addf(&b, "; Max-Age=%ld", max_age);
	if (http_only)
		strbuf_adds(&b, "; HttpOnly");
	if (secure)
		strbuf_adds(&b, "; Secure");
	strbuf_addf(&b, "; SameSite=%s", samesite);
	return strbuf_detach(&b);
}

void websec_cookie_name(bool behind_tls, const char *base, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s", behind_tls ? "__Host-" : "", base);
}

int websec_origin_of(const char *url, char *out, size_t outlen)
{
	const char *host, *end;

	if (!strncmp(url, "http://", 7))
		host = url + 7;
	else if (!strncmp(url, "https://", 8))
		host = url + 8;
	else
		return -1;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return -1;
	end = host + strcspn(host, "/?#");
	if (end == host || memchr(host, '@', (size_t)(end - host)))
		return -1;
	if ((size_t)(end - url) + 1 > outlen)
		return -1;
	memcpy(out, url, (size_t)(end - url));
	out[end - url] = '\0';
	return 0;
}

bool websec_origin_ok(const char *origin, const char *sec_fetch_site, const char *public_origin)
{
	if (sec_fetch_site && !strcmp(sec_fetch_site, "cross-site"))
		return false;
	return !origin || !strcmp(origin, public_origin);
}

bool websec_csrf_ok(const char *got, const char *want)
{
	size_t n;

	if (!got || !want || !*want)
		return false;
	n = strlen(want);
	return strlen(got) == n && sodium_memcmp(got, want, n) == 0;
}

bool websec_return_ok(const char *path)
{
	size_t n = strlen(path);

	if (n == 0 || n > WEBSEC_RETURN_MAX || path[0] != '/' || strstr(path, "//") ||
	    strchr(path, '\\'))
		return false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

bool websec_token_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (n >= WEBSEC_TOKEN_LEN)
			return false;
	}
	return n == WEBSEC_TOKEN_LEN;
}

void websec_random_token(char out[WEBSEC_TOKEN_SIZE])
{
	unsigned char rnd[32];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2base64(out, WEBSEC_TOKEN_SIZE, rnd, sizeof(rnd),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof(rnd));
}

void websec_sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}
