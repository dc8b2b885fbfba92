#include <string.h>

#include "uuid.h"
#include "banned.h"

static int hexval_lower(char c)
{
	if (c >= '0' && c <= '9')
		return 1;
	if (c >= 'a' && c <= 'f')
		return 1;
	return 0;
}

static bool dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

bool uuid_parse(const char *s, size_t n, char *out)
{
	char buf[UUID_STR_SIZE];

	if (!s || n != UUID_STR_LEN)
		return false;
	for (size_t i = 0; i < UUID_STR_LEN; i++) {
		char c = s[i];

		if (dash_at(i)) {
			if (c != '-')
				return false;
		} else {
			if (c >= 'A' && c <= 'F')
				c = (char)(c - 'A' + 'a');
			if (!hexval_lower(c))
				return false;
		}
		buf[i] = c;
	}
	buf[UUID_STR_LEN] = '\0';
	if (out)
		memcpy(out, buf, sizeof(buf));
	return true;
}

bool uuid_valid(const char *s)
{
	if (!s || strnlen(s, UUID_STR_LEN + 1) != UUID_STR_LEN)
		return false;
	for (size_t i = 0; i < UUID_STR_LEN; i++)
		if (dash_at(i) ? s[i] != '-' : !hexval_lower(s[i]))
			return false;
	return true;
}
