#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "file.h"
#include "xalloc.h"
#include "banned.h"

char *file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int e;

	if (!fp) {
		e = errno;
		errmsg(err, errlen, "cannot open '%s': %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	/* Read in steps rather than trusting st_size: a file may grow or
	 * shrink while it is read, and /proc files report 0. */
	for (;;) {
		size_t got;

		if (n == cap) {
			if (cap > max)
				goto too_large;
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		e = errno ? errno : EIO;
		errmsg(err, errlen, "cannot read '%s': %s", path, strerror(e));
		goto fail;
	}
	if (n > max)
		goto too_large;
	fclose(fp);
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
too_large:
	e = EFBIG;
	errmsg(err, errlen, "'%s' is too large (over %zu bytes)", path, max);
fail:
	fclose(fp);
	free(buf);
	errno = e;
	return NULL;
}
