/*
 * static.c - see static.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <microhttpd.h>
#include <sodium.h>
#include <zlib.h>

#include "errmsg.h"
#include "file.h"
#include "static.h"
#include "xalloc.h"
#include "banned.h"

#define STATIC_MAX_FILE (8 * 1024 * 1024)
#define STATIC_MAX_FILES 4096
#define STATIC_MAX_DEPTH 16

struct static_file {
	char *path; /* URL path, "/index.html" */
	char etag[40];
	const char *type;
	struct MHD_Response *plain, *gzip, *not_modified;
	/* The bytes the responses own, for a response of one request. */
	const unsigned char *data, *gz;
	size_t len, gzlen;
};

struct static_files {
	struct static_file *files;
	size_t n, bytes;
	char *extra[2]; /* static_add_header's name and value; NULL: none */
};

static const struct {
	const char *ext, *type;
} content_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot)
		for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++)
			if (!strcasecmp(dot, content_types[i].ext))
				return content_types[i].type;
	return "application/octet-stream";
}

static int compressible(const char *type)
{
	return !strncmp(type, "text/", 5) || strstr(type, "json") || strstr(type, "svg");
}

/* gzip (not zlib) framing, as HTTP's Content-Encoding: gzip wants. */
static unsigned char *gzip_bytes(const unsigned char *in, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	size_t cap = compressBound(len) + 32;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	out = xmalloc(cap);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

static void common_headers(struct MHD_Response *r, const struct static_file *f)
{
	MHD_add_response_header(r, "ETag", f->etag);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "Vary", "Accept-Encoding");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; object-src 'none'; "
				"base-uri 'none'; frame-ancestors 'none'");
}

/* Adds the file at fpath, served as url (NULL: fpath + root_len). */
static int add_file(struct static_files *s, const char *fpath, size_t root_len, const char *url,
		    char *err, size_t errlen)
{
	struct static_file *f;
	unsigned char hash[16];
	unsigned char *data, *gz;
	size_t len = 0, gzlen = 0;
	const char *type;

	if (s->n >= STATIC_MAX_FILES)
		return errmsg(err, errlen, "more than %d files under the web folder",
			      STATIC_MAX_FILES);
	data = (unsigned char *)file_read(fpath, STATIC_MAX_FILE, &len, err, errlen);
	if (!data)
		return -1;
	s->files = xrealloc(s->files, (s->n + 1) * sizeof(*s->files));
	f = &s->files[s->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(url ? url : fpath + root_len);
	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	f->etag[0] = '"';
	sodium_bin2hex(f->etag + 1, sizeof(f->etag) - 2, hash, sizeof(hash));
	f->etag[33] = '"';
	f->etag[34] = '\0';
	type = type_of(fpath);
	s->bytes += len;

	if (compressible(type) && len > 256 && (gz = gzip_bytes(data, len, &gzlen)) != NULL) {
		if (gzlen < len) {
			f->gzip = MHD_create_response_from_buffer(gzlen, gz, MHD_RESPMEM_MUST_FREE);
			f->gz = gz;
			f->gzlen = gzlen;
			MHD_add_response_header(f->gzip, "Content-Type", type);
			MHD_add_response_header(f->gzip, "Content-Encoding", "gzip");
			common_headers(f->gzip, f);
		} else {
			free(gz);
		}
	}
	f->plain = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	f->data = data;
	f->len = len;
	f->type = type;
	MHD_add_response_header(f->plain, "Content-Type", type);
	common_headers(f->plain, f);
	f->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	common_headers(f->not_modified, f);
	return 0;
}

/* Adds every regular file under dir; dot files and folders stay private,
 * symbolic links are not followed. */
static int walk(struct static_files *s, const char *dir, size_t root_len, int depth, char *err,
		size_t errlen)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > STATIC_MAX_DEPTH)
		return errmsg(err, errlen, "'%s' is nested too deep", dir);
	d = opendir(dir);
	if (!d)
		return errmsg(err, errlen, "cannot read web folder '%s': %s", dir, strerror(errno));
	while (!rc && (e = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			rc = errmsg(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk(s, path, root_len, depth + 1, err, errlen);
		else if (S_ISREG(st.st_mode))
			rc = add_file(s, path, root_len, NULL, err, errlen);
		free(path);
	}
	closedir(d);
	return rc;
}

struct static_files *static_load(const char *dir, char *err, size_t errlen)
{
	struct static_files *s = xcalloc(1, sizeof(*s));
	size_t root_len = strlen(dir);
	char *root;

	while (root_len > 1 && dir[root_len - 1] == '/')
		root_len--;
	root = xstrndup(dir, root_len);
	if (walk(s, root, root_len, 0, err, errlen))
		static_destroy(&s);
	free(root);
	return s;
}

int static_add(struct static_files *s, const char *fpath, const char *url, char *err, size_t errlen)
{
	return add_file(s, fpath, 0, url, err, errlen);
}

void static_add_header(struct static_files *s, const char *name, const char *value)
{
	free(s->extra[0]);
	free(s->extra[1]);
	s->extra[0] = xstrdup(name);
	s->extra[1] = xstrdup(value);
	for (size_t i = 0; i < s->n; i++) {
		struct static_file *f = &s->files[i];

		MHD_add_response_header(f->plain, name, value);
		MHD_add_response_header(f->not_modified, name, value);
		if (f->gzip)
			MHD_add_response_header(f->gzip, name, value);
	}
}

void static_destroy(struct static_files **sp)
{
	struct static_files *s = *sp;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].path);
		if (s->files[i].plain)
			MHD_destroy_response(s->files[i].plain);
		if (s->files[i].gzip)
			MHD_destroy_response(s->files[i].gzip);
		if (s->files[i].not_modified)
			MHD_destroy_response(s->files[i].not_modified);
	}
	free(s->files);
	free(s->extra[0]);
	free(s->extra[1]);
	free(s);
	*sp = NULL;
}

size_t static_count(const struct static_files *s, size_t *bytes)
{
	*bytes = s->bytes;
	return s->n;
}

/* True when an If-None-Match list names this ETag (or is "*"). */
static int etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;

	if (!strcmp(inm, "*"))
		return 1;
	while ((p = strstr(p, etag)) != NULL) {
		if ((p == inm || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/* A q-value ("0", "0.5", "1.000") in thousandths, or -1 when malformed. */
static int qvalue(const char *p, size_t n)
{
	int v, scale = 1000;

	if (n == 0 || (p[0] != '0' && p[0] != '1'))
		return -1;
	v = (p[0] - '0') * 1000;
	if (n == 1)
		return v;
	if (p[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		scale /= 10;
		v += (p[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

#define OWS " \t"

bool static_accepts_gzip(const char *ae)
{
	int gzip = -1, star = -1; /* the best q of each, -1 when not named */
	const char *p = ae;

	if (!ae)
		return false;
	while (*(p += strspn(p, OWS ","))) {
		const char *coding = p;
		size_t n = strcspn(p, OWS ";,");
		int q = 1000;

		p += n;
		/* Parameters: only q matters; a malformed q refuses. */
		while (*(p += strspn(p, OWS)) == ';') {
			const char *name, *val = "";
			size_t nlen, vlen = 0;

			p++;
			p += strspn(p, OWS);
			name = p;
			nlen = strcspn(p, OWS ";,=");
			p += nlen;
			p += strspn(p, OWS);
			if (*p == '=') {
				p++;
				p += strspn(p, OWS);
				val = p;
				vlen = strcspn(p, OWS ";,");
				p += vlen;
			}
			if (nlen == 1 && (*name == 'q' || *name == 'Q') &&
			    (q = qvalue(val, vlen)) < 0)
				q = 0;
		}
		p += strcspn(p, ",");
		if ((n == 4 && !strncasecmp(coding, "gzip", 4)) ||
		    (n == 6 && !strncasecmp(coding, "x-gzip", 6)))
			gzip = q > gzip ? q : gzip;
		else if (n == 1 && *coding == '*')
			star = q > star ? q : star;
	}
	return gzip >= 0 ? gzip > 0 : star > 0;
}

/* A response of its own for one request, carrying set_cookie: the file's
 * bytes (owned by its shared responses) and the same headers. */
static void queue_with_cookie(const struct static_files *s, struct MHD_Connection *conn,
			      const struct static_file *f, unsigned status, bool gz,
			      const char *set_cookie)
{
	struct MHD_Response *resp;

	if (status == MHD_HTTP_NOT_MODIFIED)
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(gz ? f->gzlen : f->len,
						       (void *)(gz ? f->gz : f->data),
						       MHD_RESPMEM_PERSISTENT);
	if (status != MHD_HTTP_NOT_MODIFIED) {
		MHD_add_response_header(resp, "Content-Type", f->type);
		if (gz)
			MHD_add_response_header(resp, "Content-Encoding", "gzip");
	}
	common_headers(resp, f);
	if (s->extra[0])
		MHD_add_response_header(resp, s->extra[0], s->extra[1]);
	MHD_add_response_header(resp, "Set-Cookie", set_cookie);
	MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp); /* libmicrohttpd holds its own reference */
}

unsigned static_queue(struct static_files *s, struct MHD_Connection *conn, const char *url,
		      const char *set_cookie)
{
	const char *path = strcmp(url, "/") ? url : "/index.html";
	const char *inm, *ae;
	struct static_file *f = NULL;

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->files[i].path, path)) {
			f = &s->files[i];
			break;
		}
	if (!f)
		return 0;
	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
	if (inm && etag_matches(inm, f->etag)) {
		if (set_cookie)
			queue_with_cookie(s, conn, f, MHD_HTTP_NOT_MODIFIED, false, set_cookie);
		else
			MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, f->not_modified);
		return MHD_HTTP_NOT_MODIFIED;
	}
	ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
	if (set_cookie)
		queue_with_cookie(s, conn, f, MHD_HTTP_OK, f->gzip && static_accepts_gzip(ae),
				  set_cookie);
	else
		MHD_queue_response(conn, MHD_HTTP_OK,
				   f->gzip && static_accepts_gzip(ae) ? f->gzip : f->plain);
	return MHD_HTTP_OK;
}
