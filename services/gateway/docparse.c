/*
 * docparse.c - see docparse.h.
 */
#include <ctype.h>
#include <string.h>

#include "docparse.h"
#include "banned.h"

int docparse_if_match(const char *header, int64_t *version)
{
	const char *s = header, *end;
	int64_t v = 0;

	if (!s)
		return 1;
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == s) {
		*version = 0;
		return 1;
	}
	if (end - s >= 2 && s[0] == 'W' && s[1] == '/') {
		s += 2;
		if (*s != '"')
			return -1; /* a weak tag is always quoted */
	}
	if (*s == '"') {
		if (end - s < 3 || end[-1] != '"')
			return -1;
		s++;
		end--;
	}
	if (s == end || *s == '0')
		return -1; /* no digits, or a leading zero (0 is no version) */
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*version = v;
	return 0;
}

const char *docparse_lang(const char *header)
{
	static const char *const langs[] = { "fi", "sv", "en" };
	const char *s = header;
	char tag[3];
	size_t n = 0;

	if (!s)
		return "fi";
	while (*s == ' ' || *s == '\t')
		s++;
	while (n < 3 && isalpha((unsigned char)s[n]))
		n++;
	/* The primary subtag must end there: "fi", "fi-FI", "fi;q=1", "fi,sv". */
	if (n != 2 || (s[2] && s[2] != '-' && s[2] != ';' && s[2] != ',' && s[2] != ' '))
		return "fi";
	tag[0] = (char)tolower((unsigned char)s[0]);
	tag[1] = (char)tolower((unsigned char)s[1]);
	tag[2] = '\0';
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (!strcmp(tag, langs[i]))
			return langs[i];
	return "fi";
}

bool docparse_term_id_ok(const char *s)
{
	size_t n;

	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (n = 1; s[n]; n++)
		if (n >= DOCPARSE_TERM_ID_MAX ||
		    !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return false;
	return true;
}

bool docparse_path_uuid(const char *s, const char *rest, char id[UUID_STR_SIZE])
{
	return strlen(s) == UUID_STR_LEN + strlen(rest) && !strcmp(s + UUID_STR_LEN, rest) &&
	       uuid_parse(s, UUID_STR_LEN, id);
}

bool docparse_b64url_ok(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++) {
		char c = s[n];

		if (n >= max || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				  (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return n >= min;
}
