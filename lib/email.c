#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errmsg.h"
#include "email.h"
#include "banned.h"

/* RFC 5322 atext, ASCII only. */
static int is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/*
 * The byte classes that are wrong anywhere in an address get their own,
 * specific messages: they are what an injection attempt looks like.
 */
static int check_bytes(const char *s, size_t n, const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n')
			return errmsg(err, errlen, "%s contains a line break", what);
		if (c < 0x20 || c == 0x7f)
			return errmsg(err, errlen, "%s contains a control character", what);
		if (c == ' ')
			return errmsg(err, errlen, "%s contains a space", what);
		if (c >= 0x80)
			return errmsg(err, errlen,
				      "%s contains non-ASCII characters (write an international "
				      "domain in its xn-- form)",
				      what);
	}
	return 0;
}

static int domain_check(const char *d, size_t n, char *err, size_t errlen)
{
	size_t i, label = 0, labels = 0, start = 0;
	int alldigits = 1;

	if (n == 0)
		return errmsg(err, errlen, "domain is empty");
	if (n > EMAIL_MAX_DOMAIN)
		return errmsg(err, errlen, "domain is longer than %d characters", EMAIL_MAX_DOMAIN);
	if (d[0] == '[')
		return errmsg(err, errlen, "address literals are not accepted");
	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (label == 0)
				return errmsg(err, errlen, "domain has an empty label");
			if (label > 63)
				return errmsg(err, errlen,
					      "domain label is longer than 63 characters");
			if (d[start] == '-' || d[i - 1] == '-')
				return errmsg(err, errlen,
					      "domain label starts or ends with a hyphen");
			labels++;
			if (i < n) {
				label = 0;
				alldigits = 1;
				start = i + 1;
			}
			continue;
		}
		if (!is_ldh((unsigned char)d[i]))
			return errmsg(err, errlen, "domain contains '%c'", d[i]);
		if (d[i] < '0' || d[i] > '9')
			alldigits = 0;
		label++;
	}
	if (labels < 2)
		return errmsg(err, errlen, "domain has no dot");
	if (alldigits)
		return errmsg(err, errlen, "top-level domain is numeric");
	return 0;
}

int email_domain_valid(const char *domain, char *err, size_t errlen)
{
	size_t n;

	if (!domain)
		return errmsg(err, errlen, "domain is missing");
	n = strlen(domain);
	if (check_bytes(domain, n, "domain", err, errlen) < 0)
		return -1;
	return domain_check(domain, n, err, errlen);
}

int email_valid(const char *addr, char *err, size_t errlen)
{
	const char *at;
	size_t n, local, i;

	if (!addr || !*addr)
		return errmsg(err, errlen, "address is empty");
	n = strlen(addr);
	if (n > EMAIL_MAX_LEN)
		return errmsg(err, errlen, "address is longer than %d characters", EMAIL_MAX_LEN);
	if (check_bytes(addr, n, "address", err, errlen) < 0)
		return -1;
	at = strchr(addr, '@');
	if (!at)
		return errmsg(err, errlen, "address has no '@'");
	if (strchr(at + 1, '@'))
		return errmsg(err, errlen, "address has more than one '@'");
	local = (size_t)(at - addr);
	if (local == 0)
		return errmsg(err, errlen, "local part is empty");
	if (local > EMAIL_MAX_LOCAL)
		return errmsg(err, errlen, "local part is longer than %d characters",
			      EMAIL_MAX_LOCAL);
	if (addr[0] == '"')
		return errmsg(err, errlen, "quoted local parts are not accepted");
	if (addr[0] == '.' || addr[local - 1] == '.')
		return errmsg(err, errlen, "local part starts or ends with a dot");
	for (i = 0; i < local; i++) {
		unsigned char c = (unsigned char)addr[i];

		if (c == '.') {
			if (addr[i + 1] == '.')
				return errmsg(err, errlen, "local part has two dots in a row");
			continue;
		}
		if (!is_atext(c))
			return errmsg(err, errlen, "local part contains '%c'", c);
	}
	return domain_check(at + 1, n - local - 1, err, errlen);
}
