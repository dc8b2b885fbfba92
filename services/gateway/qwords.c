/*
 * qwords.c - see qwords.h.
 */
#include <stdbool.h>
#include <stdint.h>

#include "qwords.h"
#include "utf8.h"
#include "banned.h"

#define WORD_MIN 3
#define WORD_MAX 30

/* The lower case of a letter we know, else cp itself. */
static uint32_t lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 &&
	    cp != 0x149 && cp != 0x17F) {
		/* Latin Extended-A pairs: upper even, lower odd, except in
		 * 0x139..0x148 and 0x179..0x17E, where upper is odd. */
		bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);

		if (odd_upper ? cp % 2 == 1 : cp % 2 == 0)
			return cp + 1;
	}
	return cp;
}

/* A letter: ASCII ones, and every code point from U+00C0 on but × and ÷
 * (the Latin-1 range below it is punctuation and symbols). */
static bool is_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7);
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t qwords_split(const char *q, char (*out)[QWORDS_SIZE], size_t max)
{
	const unsigned char *p = (const unsigned char *)q;
	size_t n = 0, len = 0, letters = 0;

	for (const char *c = q; *c; c++)
		if ((*c >= '0' && *c <= '9') || *c == '@')
			return 0;
	while (n < max) {
		uint32_t cp = 0;
		size_t k = *p ? utf8_decode(p, &cp) : 0;

		if (k && is_letter(cp)) {
			if (letters < WORD_MAX) {
				len += put_utf8(out[n] + len, lower(cp));
				letters++;
			}
		} else {
			if (letters >= WORD_MIN) {
				out[n][len] = '\0';
				n++;
			}
			len = letters = 0;
		}
		if (!*p)
			break;
		p += k ? k : 1; /* a byte that is not UTF-8 ends a word */
	}
	return n;
}
