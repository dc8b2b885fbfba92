/*
 * idx_bits.c - popcounts of the search index's bitmaps (see idx_bits.h).
 *
 * Each is compiled twice on x86-64 so that CPUs with POPCNT use it (the
 * default build targets the 2003 instruction set); the loader picks one.
 */
#include "idx_bits.h"

#include "banned.h"

#if defined(__x86_64__) && !defined(__clang__)
#define IDX_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define IDX_POPCNT_CLONES
#endif

IDX_POPCNT_CLONES
uint64_t idx_bits_and_count(const uint64_t *a, const uint64_t *b, const uint32_t *nz, size_t n)
{
	uint64_t c = 0;

	if (nz)
		for (size_t i = 0; i < n; i++)
			c += (uint64_t)__builtin_popcountll(a[nz[i]] & b[nz[i]]);
	else
		for (size_t i = 0; i < n; i++)
			c += (uint64_t)__builtin_popcountll(a[i] & b[i]);
	return c;
}

IDX_POPCNT_CLONES
uint64_t idx_bits_count_nz(const uint64_t *a, const uint32_t *nz, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcountll(a[nz[i]]);
	return c;
}

IDX_POPCNT_CLONES
uint64_t idx_bits_count(const uint64_t *a, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcountll(a[i]);
	return c;
}
