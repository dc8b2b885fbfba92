/*
 * idx_bits.h - the search index's bitmaps: uint64_t words, bit i of a
 * bitmap is record i of a snapshot.
 */
#ifndef TJ_IDX_BITS_H
#define TJ_IDX_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void idx_bits_set(uint64_t *bits, size_t i)
{
	bits[i >> 6] |= UINT64_C(1) << (i & 63);
}

static inline bool idx_bits_get(const uint64_t *bits, size_t i)
{
	return (bits[i >> 6] >> (i & 63)) & 1;
}

/* Word w of the AND of the bitmaps src[0..n) (n >= 1). */
static inline uint64_t idx_bits_and_word(const uint64_t *const *src, size_t n, size_t w)
{
	uint64_t x = src[0][w];

	for (size_t i = 1; i < n; i++)
		x &= src[i][w];
	return x;
}

/* The number of bits set in (a AND b) over the words listed in nz[0..n),
 * or over the words a[0..n) when nz is NULL. */
uint64_t idx_bits_and_count(const uint64_t *a, const uint64_t *b, const uint32_t *nz, size_t n);

/* The number of bits set in a over the words listed in nz[0..n). */
uint64_t idx_bits_count_nz(const uint64_t *a, const uint32_t *nz, size_t n);

/* The number of bits set in a[0..n). */
uint64_t idx_bits_count(const uint64_t *a, size_t n);

#endif
