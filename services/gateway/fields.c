/*
 * fields.c - see fields.h.
 */
#include <ctype.h>
#include <string.h>

#include "fields.h"
#include "utf8.h"
#include "banned.h"

int fields_email(const char *in, char out[EMAIL_MAX_LEN + 1])
{
	size_t n;

	if (!in || (n = strlen(in)) > EMAIL_MAX_LEN)
		return -1;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	return email_valid(out, NULL, 0);
}

bool fields_name_ok(const char *s, bool nonempty)
{
	long n;

	if (!s)
		return false;
	n = utf8_chars(s, false);
	if (n < 0 || n > FIELDS_NAME_MAX)
		return false;
	if (nonempty && strspn(s, " ") == strlen(s))
		return false;
	return true;
}

bool fields_county_ok(const char *s)
{
	return s && strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

bool fields_domain_ok(const char *s)
{
	size_t n;

	if (!s || (n = strlen(s)) == 0 || n > 253 || !strchr(s, '.') || strstr(s, ".."))
		return false;
	if (s[0] == '.' || s[0] == '-' || s[n - 1] == '.' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '-'))
			return false;
	return true;
}

bool fields_role_ok(const char *s)
{
	return s && (!strcmp(s, "professional") || !strcmp(s, "editor") || !strcmp(s, "admin") ||
		     !strcmp(s, "funder"));
}

bool fields_lang_ok(const char *s)
{
	return s && (!strcmp(s, "fi") || !strcmp(s, "sv") || !strcmp(s, "en"));
}

bool fields_action_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_.") == n;
}

bool fields_time_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 4 || n > 40)
		return false;
	return strspn(s, "0123456789T:.+-Z ") == n;
}
