#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"
#include "banned.h"

const char *config_str(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v ? v : def;
}

long config_int(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		log_fatal("bad configuration", "variable", name, "value", v,
			  "expected", "an integer in range", NULL);
		exit(2);
	}
	return n;
}

bool config_bool(const char *name, bool def)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return def;
	if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on"))
		return true;
	if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcasecmp(v, "off"))
		return false;
	log_fatal("bad configuration", "variable", name, "value", v, "expected", "a boolean", NULL);
	exit(2);
}
