/*
 * hsds.c - GET /hsds/...: the HSDS 3.0 read API (Open Referral).  The
 * gateway validates the path and the query here, at the boundary, and the
 * directory builds the document (services/directory/hsds.c), which is
 * passed through as it comes.
 *
 *   /hsds/                        the API's meta document
 *   /hsds/services[/{id}]         /hsds/organizations[/{id}]
 *   /hsds/taxonomies[/{id}]       /hsds/taxonomy_terms[/{id}]
 *   /hsds/service_at_locations[/{id}]
 *
 * Query parameters (lists): search, page, per_page, and where HSDS defines
 * them taxonomy_term_id, taxonomy_id, organization_id, modified_after;
 * lang (fi, sv, en: the language of taxonomy labels) is our extension.
 * Every other parameter HSDS declares is refused with a 400 naming it
 * (unsupported[] below): none is accepted and ignored.
 *
 * Open data: every answer under /hsds/, errors included, carries
 * Access-Control-Allow-Origin: *, so a browser application on any site can
 * read the data and why a request failed (HSDS's compliance rules).  The
 * 405 for another method is answered before routing, in main.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsds.h"
#include "hsds.pb-c.h"
#include "num.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define SEARCH_MAX_CHARS 200
#define PAGE_MAX 1000000
#define PER_PAGE_MAX 100
#define PER_PAGE_DEFAULT 20
#define ID_SIZE 48    /* a uuid or a slug (at most 40 characters), with the NUL */
#define URL_SHOWN 200 /* bytes of the request's path quoted in an error */

enum {
	P_SEARCH = 1 << 0,
	P_PAGE = 1 << 1,         /* page and per_page */
	P_TERM = 1 << 2,         /* taxonomy_term_id */
	P_TAXONOMY = 1 << 3,     /* taxonomy_id */
	P_ORGANIZATION = 1 << 4, /* organization_id */
	P_MODIFIED = 1 << 5,     /* modified_after */
};

static const struct resource {
	const char *name;
	Tarjotin__HsdsResource type;
	unsigned params; /* what its list accepts */
	bool slug_ids;   /* items may also be named by their slug */
} resources[] = {
	{ "services", TARJOTIN__HSDS_RESOURCE__HSDS_SERVICES,
	  P_SEARCH | P_PAGE | P_TERM | P_TAXONOMY | P_ORGANIZATION | P_MODIFIED, false },
	{ "organizations", TARJOTIN__HSDS_RESOURCE__HSDS_ORGANIZATIONS, P_SEARCH | P_PAGE, false },
	{ "taxonomies", TARJOTIN__HSDS_RESOURCE__HSDS_TAXONOMIES, P_SEARCH | P_PAGE, true },
	{ "taxonomy_terms", TARJOTIN__HSDS_RESOURCE__HSDS_TAXONOMY_TERMS,
	  P_SEARCH | P_PAGE | P_TAXONOMY, true },
	{ "service_at_locations", TARJOTIN__HSDS_RESOURCE__HSDS_SERVICE_AT_LOCATIONS,
	  P_SEARCH | P_PAGE | P_TERM | P_TAXONOMY | P_ORGANIZATION | P_MODIFIED, false },
};

/* Parameters of the HSDS API that we do not implement: ignoring one would
 * answer a different question than was asked, so any value is refused. */
static const struct {
	const char *name;
	const char *why;
} unsupported[] = {
	{ "postcode", "" },
	{ "proximity", "" },
	{ "parent_id", "" },
	{ "top_only", "" },
	{ "minimal", ": lists carry the one-to-one fields of each item" },
	{ "full",
	  ": lists carry the one-to-one fields, and /hsds/{resource}/{id} the fully "
	  "nested item" },
	{ "full_service",
	  ": an organization lists the one-to-one fields of its services, and "
	  "/hsds/services/{id} is each fully nested service" },
};

/* --- replies --------------------------------------------------------------- */

static void release_hsds_reply(void *hr)
{
	tarjotin__hsds_reply__free_unpacked(hr, NULL);
}

static unsigned render_hsds(struct req *r)
{
	Tarjotin__HsdsReply *hr;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	hr = tarjotin__hsds_reply__unpack(NULL, r->call.reply->payload.len,
					  r->call.reply->payload.data);
	if (!hr || !hr->json.len) {
		if (hr)
			tarjotin__hsds_reply__free_unpacked(hr, NULL);
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed hsds reply");
	}
	/* Open data: any site may read it, and a minute old is fresh enough. */
	return req_reply_document(r, 200, hr->json.data, hr->json.len, "public, max-age=60", true,
				  release_hsds_reply, hr);
}

/* --- validation ------------------------------------------------------------ */

/* True for one of our slugs: a lower-case letter, then letters, digits,
 * '-' or '_', at most 40 characters. */
static bool is_slug(const char *s)
{
	size_t i;

	if (!(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return i <= 40;
}

/* s as a uuid (either case; its lower-case form, which is how PostgreSQL
 * prints them, is written to buf) or, when slugs is set, as one of our
 * slugs; NULL when it is neither. */
static const char *uuid_or_slug(const char *s, bool slugs, char buf[ID_SIZE])
{
	if (uuid_parse(s, strlen(s), buf))
		return buf;
	return slugs && is_slug(s) ? s : NULL;
}

/* Reads exactly n digits at *p into *v and advances; -1 when they are not. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/*
 * Parses an ISO 8601 date or date-time, YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH[:MM]],
 * and writes it to out as YYYY-MM-DDTHH:MM:SS[.fff]±HH:MM (UTC when it
 * names no offset).  A space stands for 'T', and for '+' before an offset
 * (an unencoded '+' in a query string arrives as a space).  Returns 0, or -1
 * when s is not such a date or names a day or time that does not exist.
 */
static int parse_iso8601(const char *s, char *out, size_t outlen)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s, *frac = "";
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, fraclen = 0;
	char sign = '+';

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	if (*p == 'T' || *p == 't' ||
	    (*p == ' ' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
	     p[3] == ':')) {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
			if (*p == '.' || *p == ',') {
				frac = ++p;
				while (*p >= '0' && *p <= '9')
					p++;
				fraclen = (int)(p - frac);
				if (fraclen < 1 || fraclen > 9)
					return -1;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-' || *p == ' ') {
			sign = *p == '-' ? '-' : '+';
			p++;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p && digits(&p, 2, &om))
				return -1;
			if (oh > 14 || om > 59)
				return -1;
		}
	}
	if (*p)
		return -1;
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%s%.*s%c%02d:%02d", y, mo, d, h, mi,
		 sec, fraclen ? "." : "", fraclen, frac, sign, oh, om);
	return 0;
}

/* --- the route ------------------------------------------------------------- */

/* The normalised forms of a request's values, until it is forwarded. */
struct texts {
	char id[ID_SIZE];
	char term[ID_SIZE];
	char taxonomy[ID_SIZE];
	char organization[ID_SIZE];
	char when[64];
};

/* Reads the list parameters of resource res into hr (strings point into
 * libmicrohttpd's buffers or into *t).  Returns 0, or the status of the 400
 * it queued. */
static unsigned read_list_query(struct req *r, const struct resource *res,
				Tarjotin__HsdsRequest *hr, struct texts *t)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
		{ "search", P_SEARCH },           { "page", P_PAGE },
		{ "per_page", P_PAGE },           { "taxonomy_term_id", P_TERM },
		{ "taxonomy_id", P_TAXONOMY },    { "organization_id", P_ORGANIZATION },
		{ "modified_after", P_MODIFIED },
	};
	const char *v;
	long n;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!(res->params & known[i].flag) && req_arg(r, known[i].name))
			return req_reply_error(r, 400, "invalid_parameter", known[i].name,
					       "%s is not supported on /hsds/%s", known[i].name,
					       res->name);

	n = 1;
	v = req_arg(r, "page");
	if (v && num_parse_long(v, 1, PAGE_MAX, &n))
		return req_reply_error(r, 400, "invalid_parameter", "page",
				       "page must be a whole number from 1 to %d", PAGE_MAX);
	hr->page = (int)n;
	n = PER_PAGE_DEFAULT;
	v = req_arg(r, "per_page");
	if (v && num_parse_long(v, 1, PER_PAGE_MAX, &n))
		return req_reply_error(r, 400, "invalid_parameter", "per_page",
				       "per_page must be a whole number from 1 to %d",
				       PER_PAGE_MAX);
	hr->per_page = (int)n;
	v = req_arg(r, "search");
	if (v && *v) {
		n = utf8_chars(v, false);
		if (n < 0)
			return req_reply_error(
				r, 400, "invalid_parameter", "search",
				"search must be text (UTF-8, no control characters)");
		if (n > SEARCH_MAX_CHARS)
			return req_reply_error(r, 400, "invalid_parameter", "search",
					       "search is longer than %d characters",
					       SEARCH_MAX_CHARS);
		hr->search = (char *)v;
	}
	v = req_arg(r, "taxonomy_term_id");
	if (v && *v) {
		hr->taxonomy_term_id = (char *)uuid_or_slug(v, true, t->term);
		if (!hr->taxonomy_term_id)
			return req_reply_error(r, 400, "invalid_parameter", "taxonomy_term_id",
					       "taxonomy_term_id must be a term's uuid or code");
	}
	v = req_arg(r, "taxonomy_id");
	if (v && *v) {
		hr->taxonomy_id = (char *)uuid_or_slug(v, true, t->taxonomy);
		if (!hr->taxonomy_id)
			return req_reply_error(r, 400, "invalid_parameter", "taxonomy_id",
					       "taxonomy_id must be a taxonomy's uuid or code");
	}
	v = req_arg(r, "organization_id");
	if (v && *v) {
		hr->organization_id = (char *)uuid_or_slug(v, false, t->organization);
		if (!hr->organization_id)
			return req_reply_error(r, 400, "invalid_parameter", "organization_id",
					       "organization_id must be a uuid");
	}
	v = req_arg(r, "modified_after");
	if (v && *v) {
		if (parse_iso8601(v, t->when, sizeof(t->when)))
			return req_reply_error(
				r, 400, "invalid_parameter", "modified_after",
				"modified_after must be an ISO 8601 date or date-time, "
				"e.g. 2026-01-31 or 2026-01-31T12:00:00Z");
		hr->modified_after = t->when;
	}
	return 0;
}

unsigned hsds_route(struct req *r, const char *url)
{
	Tarjotin__HsdsRequest hr = TARJOTIN__HSDS_REQUEST__INIT;
	const struct resource *res = NULL;
	const char *rest = url + strlen("/hsds"), *slash, *v;
	char shown[URL_SHOWN];
	struct texts t;
	size_t namelen;
	unsigned status;

	if (!*rest || !strcmp(rest, "/"))
		return req_reply_json(r, 200,
				      json_pack("{s:s, s:s}", "version", "3.0", "description",
						"Tarjotin: the activities of Finnish social and "
						"health NGOs as Open Referral HSDS 3.0"));
	/* The path is outside text: quoted valid and bounded. */
	utf8_clip(shown, sizeof(shown), url);
	rest++;
	slash = strchr(rest, '/');
	namelen = slash ? (size_t)(slash - rest) : strlen(rest);
	for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++)
		if (strlen(resources[i].name) == namelen &&
		    !strncmp(resources[i].name, rest, namelen))
			res = &resources[i];
	if (!res || (slash && (!slash[1] || strchr(slash + 1, '/'))))
		return req_reply_error(r, 404, "not_found", NULL, "no such resource: %s", shown);
	hr.resource = res->type;

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (req_arg(r, unsupported[i].name))
			return req_reply_error(r, 400, "invalid_parameter", unsupported[i].name,
					       "%s is not supported by this API%s",
					       unsupported[i].name, unsupported[i].why);
	v = req_arg(r, "format");
	if (v && strcmp(v, "json"))
		return req_reply_error(r, 400, "invalid_parameter", "format",
				       "format must be json (the only format served)");
	v = req_arg(r, "lang");
	if (v && strcmp(v, "fi") && strcmp(v, "sv") && strcmp(v, "en"))
		return req_reply_error(r, 400, "invalid_parameter", "lang",
				       "lang must be fi, sv or en");
	hr.lang = (char *)(v ? v : "fi");

	if (slash) {
		/* An id that cannot name anything names nothing. */
		hr.id = (char *)uuid_or_slug(slash + 1, res->slug_ids, t.id);
		if (!hr.id)
			return req_reply_error(r, 404, "not_found", "id", "no such item: %s",
					       shown);
	} else {
		status = read_list_query(r, res, &hr, &t);
		if (status)
			return status;
	}
	/* A free-text search runs SQL: never resent on silence (a slow one
	 * would run again on every instance), as /api/v1's. */
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_HSDS, &hr.base, !hr.search || !*hr.search, 0,
			   render_hsds);
}
