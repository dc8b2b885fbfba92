#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <sodium.h>
#include <zlib.h>

#include "static.h"
#include "xalloc.h"
#include "banned.h"

#define STATIC_MAX_FILE (8 * 1024 * 1024)
#define STATIC_MAX_FILES 4096

struct static_file {
	char *path;  /* URL path, "/index.html" */
	char etag[40];
	struct MHD_Response *plain, *gzip, *not_modified;
};

struct static_files {
	struct static_file *files;
	size_t n, bytes;
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

/* nftw has no user pointer: the walk is single-threaded start-up code. */
static struct static_files *walking;
static size_t walk_root_len;
static char walk_err[256];

static int add_file(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
	struct static_files *s = walking;
	struct static_file *f;
	unsigned char hash[16];
	unsigned char *data, *gz;
	size_t gzlen = 0;
	const char *type;
	FILE *fp;

	(void)ftw;
	if (flag != FTW_F || fpath[walk_root_len] != '/')
		return 0;
	if (strstr(fpath + walk_root_len, "/.")) /* dot files stay private */
		return 0;
	if (sb->st_size > STATIC_MAX_FILE || s->n >= STATIC_MAX_FILES) {
		snprintf(walk_err, sizeof(walk_err), "'%s' is too large or too many files", fpath);
		return -1;
	}
	fp = fopen(fpath, "rb");
	if (!fp) {
		snprintf(walk_err, sizeof(walk_err), "cannot read '%s': %s", fpath, strerror(errno));
		return -1;
	}
	data = xmalloc((size_t)sb->st_size);
	if (fread(data, 1, (size_t)sb->st_size, fp) != (size_t)sb->st_size) {
		snprintf(walk_err, sizeof(walk_err), "short read on '%s'", fpath);
		fclose(fp);
		free(data);
		return -1;
	}
	fclose(fp);
	s->files = xrealloc(s->files, (s->n + 1) * sizeof(*s->files));
	f = &s->files[s->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(fpath + walk_root_len);
	crypto_generichash(hash, sizeof(hash), data, (size_t)sb->st_size, NULL, 0);
	f->etag[0] = '"';
	sodium_bin2hex(f->etag + 1, sizeof(f->etag) - 2, hash, sizeof(hash));
	f->etag[33] = '"';
	f->etag[34] = '\0';
	type = type_of(fpath);
	s->bytes += (size_t)sb->st_size;

	if (compressible(type) && sb->st_size > 256 &&
	    (gz = gzip_bytes(data, (size_t)sb->st_size, &gzlen)) != NULL) {
		if (gzlen < (size_t)sb->st_size) {
			f->gzip = MHD_create_response_from_buffer(gzlen, gz, MHD_RESPMEM_MUST_FREE);
			MHD_add_response_header(f->gzip, "Content-Type", type);
			MHD_add_response_header(f->gzip, "Content-Encoding", "gzip");
			common_headers(f->gzip, f);
		} else {
			free(gz);
		}
	}
	f->plain = MHD_create_response_from_buffer((size_t)sb->st_size, data,
						   MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(f->plain, "Content-Type", type);
	common_headers(f->plain, f);
	f->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	common_headers(f->not_modified, f);
	return 0;
}

struct static_files *static_load(const char *dir, char *err, size_t errlen)
{
	struct static_files *s = xcalloc(1, sizeof(*s));

	walking = s;
	walk_root_len = strlen(dir);
	while (walk_root_len > 1 && dir[walk_root_len - 1] == '/')
		walk_root_len--;
	walk_err[0] = '\0';
	if (nftw(dir, add_file, 16, FTW_PHYS) != 0) {
		snprintf(err, errlen, "%s", walk_err[0] ? walk_err : "cannot read web folder");
		if (!walk_err[0])
			snprintf(err, errlen, "cannot read web folder '%s': %s", dir, strerror(errno));
		static_destroy(&s);
		return NULL;
	}
	walking = NULL;
	return s;
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

static int accepts_gzip(const char *ae)
{
	const char *p;

	if (!ae || !(p = strstr(ae, "gzip")))
		return 0;
	/* "gzip;q=0" refuses it */
	return strncmp(p + 4, ";q=0", 4) != 0 || p[8] == '.';
}

unsigned static_queue(struct static_files *s, struct MHD_Connection *conn, const char *url)
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
		MHD_queue_response(conn, MHD_HTTP_NOT_MODIFIED, f->not_modified);
		return MHD_HTTP_NOT_MODIFIED;
	}
	ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
	MHD_queue_response(conn, MHD_HTTP_OK, f->gzip && accepts_gzip(ae) ? f->gzip : f->plain);
	return MHD_HTTP_OK;
}
