/*
 * idx_dim.c - the values of one facet dimension (see idx_dim.h).
 */
#include "idx_dim.h"

#include <stdlib.h>
#include <string.h>

#include "idx_bits.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *const dim_names[INDEX_NDIMS] = {
	"need", "kind", "target_group", "municipality", "county", "language", "takes_new",
};

const char *idx_dim_name(int d)
{
	return d >= 0 && d < INDEX_NDIMS ? dim_names[d] : "";
}

void idx_dim_release(struct idx_dim *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->keys[i]);
		if (d->bits)
			free(d->bits[i]);
		if (d->keyjson)
			free(d->keyjson[i]);
	}
	free(d->keyjson);
	free(d->keyjson_len);
	free(d->keys);
	free(d->bits);
	free(d->sorted);
	free(d->total);
	free(d->taxonomy);
	free(d->off);
	free(d->val);
	memset(d, 0, sizeof(*d));
}

/* qsort_r comparator of value numbers by key */
static int cmp_keys(const void *a, const void *b, void *arg)
{
	char **keys = arg;

	return strcmp(keys[*(const uint32_t *)a], keys[*(const uint32_t *)b]);
}

void idx_dim_add(struct idx_dim *d, const char *key, const char *taxonomy)
{
	if (strlen(key) > 64)
		return; /* never: ids, codes and keys are short by their CHECKs */
	d->keys = xrealloc(d->keys, (d->n + 1) * sizeof(*d->keys));
	d->taxonomy = xrealloc(d->taxonomy, (d->n + 1) * sizeof(*d->taxonomy));
	d->keys[d->n] = xstrdup(key);
	d->taxonomy[d->n] = taxonomy;
	d->n++;
}

void idx_dim_seal(struct idx_dim *d, size_t nwords)
{
	d->sorted = xcalloc(d->n ? d->n : 1, sizeof(*d->sorted));
	d->bits = xcalloc(d->n ? d->n : 1, sizeof(*d->bits));
	d->total = xcalloc(d->n ? d->n : 1, sizeof(*d->total));
	d->keyjson = xcalloc(d->n ? d->n : 1, sizeof(*d->keyjson));
	d->keyjson_len = xcalloc(d->n ? d->n : 1, sizeof(*d->keyjson_len));
	for (size_t i = 0; i < d->n; i++) {
		struct strbuf k = STRBUF_INIT;

		d->sorted[i] = (uint32_t)i;
		d->bits[i] = xcalloc(nwords ? nwords : 1, sizeof(uint64_t));
		strbuf_json_str(&k, d->keys[i]);
		strbuf_add(&k, ":", 1);
		/* Zero-padded to whole 8-byte words, which the renderer copies. */
		d->keyjson[i] = xcalloc((k.len + 8) / 8, 8);
		memcpy(d->keyjson[i], k.p, k.len);
		d->keyjson_len[i] = (uint16_t)k.len; /* at most 64 * 6 + 3 */
		if (k.len > d->keyjson_max)
			d->keyjson_max = k.len;
		strbuf_release(&k);
	}
	qsort_r(d->sorted, d->n, sizeof(*d->sorted), cmp_keys, d->keys);
}

long idx_dim_find(const struct idx_dim *d, const char *key, size_t keylen)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *k = d->keys[d->sorted[mid]];
		int c = strncmp(k, key, keylen);

		if (c == 0 && k[keylen])
			c = 1;
		if (c == 0)
			return (long)d->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void idx_dim_push(struct idx_dim *d, long v)
{
	if (d->nval == d->capval) {
		d->capval = d->capval ? 2 * d->capval : 1024;
		d->val = xrealloc(d->val, d->capval * sizeof(*d->val));
	}
	d->val[d->nval++] = (uint16_t)v;
}

void idx_dim_set_list(struct idx_dim *d, const char *list, size_t r)
{
	while (*list) {
		const char *end = strchr(list, ',');
		size_t n = end ? (size_t)(end - list) : strlen(list);
		long v = idx_dim_find(d, list, n);

		if (v >= 0) {
			idx_bits_set(d->bits[v], r);
			idx_dim_push(d, v);
		}
		list += n + (end ? 1 : 0);
	}
}
