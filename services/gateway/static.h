/*
 * static.h - the web UI's files, served from memory.
 *
 * At start every file under the web folder is read once, given an ETag (a
 * hash of its bytes) and, where it pays, a gzip copy; the libmicrohttpd
 * responses are built then too and reused for every request.  Nothing on the
 * request path touches the disk.
 */
#ifndef TJ_STATIC_H
#define TJ_STATIC_H

#include <stdbool.h>
#include <stddef.h>

struct MHD_Connection;
struct static_files;

/* Loads the folder.  Returns NULL with a message in err; free with
 * static_destroy. */
struct static_files *static_load(const char *dir, char *err, size_t errlen);
/*
 * Adds one more file, read from fpath, served at URL path url (the vendor
 * files: "/vendor/chart.umd.js").  Returns 0, or -1 with a message in err
 * (s is unchanged then).
 */
int static_add(struct static_files *s, const char *fpath, const char *url, char *err,
	       size_t errlen);
/*
 * Adds a header (copied) to every answer of the files loaded so far and of
 * every answer with a cookie (Strict-Transport-Security); at start, before
 * serving, and after the last static_add.
 */
void static_add_header(struct static_files *s, const char *name, const char *value);
/* Frees s; accepts NULL and NULLs *sp. */
void static_destroy(struct static_files **sp);

/*
 * Queues the file for URL path 'url' ("/" means "/index.html") on the
 * connection, honouring If-None-Match (304) and Accept-Encoding: gzip.
 * set_cookie (NULL: none) is a Set-Cookie value for this one answer (a
 * response of its own over the same bytes).  Returns the HTTP status
 * queued, or 0 when there is no such file.
 */
unsigned static_queue(struct static_files *s, struct MHD_Connection *conn, const char *url,
		      const char *set_cookie);

/*
 * True when an Accept-Encoding value takes gzip (RFC 9110, 12.5.3): "gzip"
 * (or "x-gzip"), else "*", named with a q-value above 0, case-insensitive;
 * "gzip;q=0" refuses it even when "*" is taken.  NULL (no header) is false:
 * such clients get the identity body.
 */
bool static_accepts_gzip(const char *ae);

/* Number of files loaded, and their total size. */
size_t static_count(const struct static_files *s, size_t *bytes);

#endif
