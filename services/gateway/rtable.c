/*
 * rtable.c - see rtable.h.
 */
#include <string.h>

#include "rtable.h"
#include "banned.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

const struct route *rtable_match(const struct req_routes *t, const char *method, const char *url,
				 bool *method_mismatch, bool *cors)
{
	*method_mismatch = false;
	*cors = false;
	for (size_t i = 0; i < t->n; i++) {
		const struct route *rt = &t->routes[i];
		bool hit = rt->prefix ? !strncmp(url, rt->path, strlen(rt->path)) &&
						(!rt->suffix || ends_with(url, rt->suffix)) :
					!strcmp(url, rt->path);

		if (!hit)
			continue;
		*cors = *cors || rt->cors;
		if (!strcmp(method, rt->method))
			return rt;
		if (rt->ends_search)
			break;
		*method_mismatch = true;
	}
	return NULL;
}
