/*
 * linkcheck.h - the rule for link variables in a message (docs/security.md
 * "Messaging"): a template variable whose name ends in "_url" (the
 * templates' convention: open_url, login_url, confirm_url ...) must be an
 * absolute https:// URL to an allow-listed host, or http:// or https:// to
 * a loopback host (127.0.0.1, [::1], localhost: the dev and test stacks).
 * No user info ('@'), no blanks, control characters or backslashes.
 *
 * The allow-list is TARJOTIN_LINK_HOSTS (host names separated by commas or
 * blanks, compared without case and without port), by default the host of
 * TARJOTIN_PUBLIC_URL.
 */
#ifndef TJ_LINKCHECK_H
#define TJ_LINKCHECK_H

#include <stdbool.h>
#include <stddef.h>

#define LINKCHECK_MAX_HOSTS 32
#define LINKCHECK_HOST_MAX 253

/* The allow-list, set up once at start (linkcheck_init) and only read after. */
struct linkcheck {
	char hosts[LINKCHECK_MAX_HOSTS][LINKCHECK_HOST_MAX + 1];
	size_t n;
};

/*
 * Fills lc from 'hosts' (the list; NULL or "" means: the host of
 * 'public_url', when that is an http(s) URL).  Returns 0, or -1 with a
 * reason in err when an entry is not a host name (a scheme, a port, a path,
 * '@') or there are more than LINKCHECK_MAX_HOSTS.  An empty list is not an
 * error: then only loopback links pass.
 */
int linkcheck_init(struct linkcheck *lc, const char *hosts, const char *public_url, char *err,
		   size_t errlen);

/* True when a variable named 'key' holds a link (its name ends in "_url"). */
bool linkcheck_is_link(const char *key);

/*
 * Checks 'url' against the rule above.  Returns 0, or -1 with a lower-case
 * reason in err naming 'key' and the host (never the whole URL: it may
 * carry a token).
 */
int linkcheck_url(const struct linkcheck *lc, const char *key, const char *url, char *err,
		  size_t errlen);

#endif
