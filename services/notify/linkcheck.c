/*
 * linkcheck.c - see linkcheck.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errmsg.h"
#include "linkcheck.h"
#include "banned.h"

/* The parts of an http(s) URL that the rule looks at. */
struct url_parts {
	bool https;
	char host[LINKCHECK_HOST_MAX + 1]; /* lower case, IPv6 without brackets */
};

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Lower-cases the n bytes at s into out; false when they are not a host
 * name or IPv4 address (letters, digits, '-' and '.'), empty or too long. */
static bool host_copy(const char *s, size_t n, char *out)
{
	if (n == 0 || n > LINKCHECK_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		out[i] = (char)tolower((unsigned char)s[i]);
		if (!host_char(out[i]))
			return false;
	}
	out[n] = '\0';
	return true;
}

/* Splits 'url' into its scheme and host.  Returns 0, or -1 with a reason. */
static int url_split(const char *url, struct url_parts *u, char *err, size_t errlen)
{
	const char *a, *end, *h, *hend, *port = NULL;

	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '\\')
			return errmsg(err, errlen, "has a blank, control character or backslash");
	if (!strncasecmp(url, "https://", 8)) {
		u->https = true;
		a = url + 8;
	} else if (!strncasecmp(url, "http://", 7)) {
		u->https = false;
		a = url + 7;
	} else {
		return errmsg(err, errlen, "is not an absolute http(s) URL");
	}
	end = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(end - a)))
		return errmsg(err, errlen, "carries user info ('@')");
	if (*a == '[') {
		h = a + 1;
		hend = memchr(h, ']', (size_t)(end - h));
		if (!hend || hend - h != 3 || strncmp(h, "::1", 3))
			return errmsg(err, errlen, "has an IPv6 host other than [::1]");
		memcpy(u->host, "::1", 4);
		if (hend + 1 < end)
			port = hend + 1;
	} else {
		hend = memchr(a, ':', (size_t)(end - a));
		if (!hend)
			hend = end;
		else
			port = hend;
		if (!host_copy(a, (size_t)(hend - a), u->host))
			return errmsg(err, errlen, "has no valid host name");
	}
	if (port) {
		size_t n = (size_t)(end - port - 1);

		if (*port != ':' || n < 1 || n > 5 || strspn(port + 1, "0123456789") < n)
			return errmsg(err, errlen, "has a malformed port");
	}
	return 0;
}

static bool loopback(const char *host)
{
	return !strcmp(host, "127.0.0.1") || !strcmp(host, "::1") || !strcmp(host, "localhost");
}

/* Adds the n bytes at s as a host.  Returns 0, or -1 with err. */
static int add_host(struct linkcheck *lc, const char *s, size_t n, char *err, size_t errlen)
{
	if (lc->n == LINKCHECK_MAX_HOSTS)
		return errmsg(err, errlen, "TARJOTIN_LINK_HOSTS has more than %d hosts",
			      LINKCHECK_MAX_HOSTS);
	if (!host_copy(s, n, lc->hosts[lc->n]))
		return errmsg(err, errlen,
			      "TARJOTIN_LINK_HOSTS: '%.*s' is not a host name (no scheme, port "
			      "or path)",
			      (int)(n > 80 ? 80 : n), s);
	lc->n++;
	return 0;
}

int linkcheck_init(struct linkcheck *lc, const char *hosts, const char *public_url, char *err,
		   size_t errlen)
{
	struct url_parts u;
	char why[128];

	memset(lc, 0, sizeof(*lc));
	if (hosts && *hosts) {
		for (const char *p = hosts; *p;) {
			size_t n;

			p += strspn(p, ", \t");
			n = strcspn(p, ", \t");
			if (n && add_host(lc, p, n, err, errlen))
				return -1;
			p += n;
		}
		return 0;
	}
	if (public_url && *public_url && !url_split(public_url, &u, why, sizeof(why)) &&
	    !loopback(u.host))
		return add_host(lc, u.host, strlen(u.host), err, errlen);
	return 0;
}

bool linkcheck_is_link(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	return n >= 4 && !strcmp(key + n - 4, "_url");
}

int linkcheck_url(const struct linkcheck *lc, const char *key, const char *url, char *err,
		  size_t errlen)
{
	struct url_parts u;
	char why[128];

	if (url_split(url, &u, why, sizeof(why)))
		return errmsg(err, errlen, "link variable '%s' %s", key, why);
	if (loopback(u.host))
		return 0;
	if (!u.https)
		return errmsg(err, errlen,
			      "link variable '%s' is http:// to '%s': only loopback hosts may be "
			      "linked without TLS",
			      key, u.host);
	for (size_t i = 0; i < lc->n; i++)
		if (!strcmp(lc->hosts[i], u.host))
			return 0;
	return errmsg(err, errlen, "link variable '%s' points to '%s', not in TARJOTIN_LINK_HOSTS",
		      key, u.host);
}
