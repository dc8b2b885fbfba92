#include <errno.h>
#include <stdlib.h>

#include "num.h"
#include "banned.h"

int num_parse_long(const char *s, long min, long max, long *out)
{
	const char *d;
	char *end;
	long v;

	if (!s)
		return -1;
	d = s[0] == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return -1; /* strtol would skip blanks and take a '+' */
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
