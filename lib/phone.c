#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "phone.h"
#include "banned.h"

#define FI_NSN_MIN 5
#define FI_NSN_MAX 12
#define INTL_MIN 7
#define INTL_MAX 15

static int fail(char *out, size_t outlen, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(char *out, size_t outlen, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (out && outlen)
		out[0] = '\0';
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int is_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int phone_normalize_fi(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
	char d[PHONE_INPUT_MAX + 1];
	size_t n = 0, len;
	int plus = 0;
	const char *p, *nsn;

	if (!out || outlen < PHONE_E164_MAX + 1)
		return fail(out, outlen, err, errlen, "output buffer too small");
	if (!in)
		return fail(out, outlen, err, errlen, "phone number is missing");
	len = strlen(in);
	if (len > PHONE_INPUT_MAX)
		return fail(out, outlen, err, errlen, "phone number is longer than %d characters",
			    PHONE_INPUT_MAX);
	for (p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= '0' && c <= '9') {
			d[n++] = (char)c;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
			continue;
		} else if (c == '+') {
			if (plus || n > 0)
				return fail(out, outlen, err, errlen,
					    "'+' is allowed only at the start");
			plus = 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return fail(out, outlen, err, errlen, "phone number contains a letter");
		} else if (c == '\r' || c == '\n') {
			return fail(out, outlen, err, errlen, "phone number contains a line break");
		} else {
			return fail(out, outlen, err, errlen,
				    "phone number contains a character that is not a digit, "
				    "space, '-', '.', '(', ')' or leading '+'");
		}
	}
	d[n] = '\0';
	if (n == 0)
		return fail(out, outlen, err, errlen, "phone number has no digits");

	/* "00" is the international call prefix in Finland: same as '+'. */
	if (!plus && d[0] == '0' && d[1] == '0') {
		plus = 1;
		memmove(d, d + 2, n - 1);
		n -= 2;
	}
	if (plus) {
		if (n >= 3 && !strncmp(d, "358", 3)) {
			nsn = d + 3;
			if (nsn[0] == '0') /* "+358 (0)40 ..." */
				nsn++;
		} else {
			if (d[0] == '0')
				return fail(out, outlen, err, errlen,
					    "country code cannot start with 0");
			if (n < INTL_MIN || n > INTL_MAX)
				return fail(out, outlen, err, errlen,
					    "international number must have %d to %d digits, "
					    "this has %zu",
					    INTL_MIN, INTL_MAX, n);
			snprintf(out, outlen, "+%s", d);
			return 0;
		}
	} else {
		if (d[0] != '0')
			return fail(out, outlen, err, errlen,
				    "phone number must start with 0, +358 or another "
				    "country code");
		nsn = d + 1;
	}
	len = strlen(nsn);
	if (len < FI_NSN_MIN)
		return fail(out, outlen, err, errlen, "phone number is too short");
	if (len > FI_NSN_MAX)
		return fail(out, outlen, err, errlen, "phone number is too long");
	if (nsn[0] == '0')
		return fail(out, outlen, err, errlen, "phone number has too many leading zeros");
	snprintf(out, outlen, "+358%s", nsn);
	return 0;
}

int phone_is_mobile_fi(const char *e164)
{
	const char *nsn;
	size_t len;

	if (!e164 || strncmp(e164, "+358", 4))
		return 0;
	nsn = e164 + 4;
	if (!is_digits(nsn))
		return 0;
	len = strlen(nsn);
	if (len < 7 || len > 10)
		return 0;
	return nsn[0] == '4' || (nsn[0] == '5' && nsn[1] == '0');
}
