#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "file.h"
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

const char *config_secret_weak(const char *value)
{
	static const char *const placeholders[] = { "change-me",   "changeme",  "change_me",
						    "replace-me",  "replaceme", "placeholder",
						    "your-secret", "xxxxxxxx" };
	size_t n = strlen(value), same = 1;

	if (n < CONFIG_SECRET_MIN)
		return "shorter than 32 bytes";
	for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
		if (strcasestr(value, placeholders[i]))
			return "a placeholder";
	for (size_t i = 1; i < n; i++)
		same += value[i] == value[0];
	if (same == n)
		return "a placeholder";
	return NULL;
}

/* Secrets read from files, kept reachable for the process's life. */
static char *file_secrets[32];
static int n_file_secrets;

const char *config_secret(const char *name)
{
	char var[128], err[256];
	const char *v = getenv(name), *file, *why;
	char *text;
	size_t len;

	snprintf(var, sizeof(var), "%s_FILE", name);
	file = getenv(var);
	if (file && *file) {
		if (!(text = file_read(file, 4096, &len, err, sizeof(err)))) {
			log_fatal("bad configuration", "variable", var, "error", err, NULL);
			exit(2);
		}
		while (len > 0 && strchr(" \t\r\n", text[len - 1]))
			text[--len] = '\0';
		if (n_file_secrets == 32) {
			log_fatal("bad configuration: too many secret files", "variable", var,
				  NULL);
			exit(2);
		}
		file_secrets[n_file_secrets++] = text;
		v = text;
	}
	if (!v || !*v)
		return "";
	if ((why = config_secret_weak(v))) {
		log_fatal("bad configuration", "variable", file && *file ? var : name, "expected",
			  "a secret of at least 32 bytes, no placeholder", "problem", why, NULL);
		exit(2);
	}
	return v;
}
