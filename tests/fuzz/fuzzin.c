/*
 * fuzzin.c - see fuzzin.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzin.h"
#include "xalloc.h"
#include "banned.h"

void fuzzin_init(struct fuzzin *in, const uint8_t *data, size_t size)
{
	in->buf = xmalloc(size + 1);
	if (size)
		memcpy(in->buf, data, size);
	in->buf[size] = '\0';
	in->len = size;
	in->at = 0;
}

void fuzzin_release(struct fuzzin *in)
{
	free(in->buf);
	in->buf = NULL;
}

uint8_t fuzzin_byte(struct fuzzin *in)
{
	return in->at < in->len ? (uint8_t)in->buf[in->at++] : 0;
}

const char *fuzzin_str(struct fuzzin *in)
{
	const char *s = in->buf + in->at;

	if (in->at >= in->len)
		return "";
	in->at += strlen(s) + 1;
	return s;
}

const char *fuzzin_rest(struct fuzzin *in, size_t *len)
{
	const char *s = in->buf + (in->at < in->len ? in->at : in->len);

	*len = in->at < in->len ? in->len - in->at : 0;
	in->at = in->len;
	return s;
}

void fuzzin_fail(const char *what)
{
	fprintf(stderr, "fuzz: invariant failed: %s\n", what);
	abort();
}
