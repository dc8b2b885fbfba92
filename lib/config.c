#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "num.h"
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
	char range[64];
	long n;

	if (!v || !*v)
		return def;
	if (num_parse_long(v, min, max, &n)) {
		snprintf(range, sizeof(range), "an integer from %ld to %ld", min, max);
		log_fatal("bad configuration", "variable", name, "value", v, "expected", range,
			  NULL);
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
