#include <string.h>

#include "utf8.h"
#include "banned.h"

size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	uint32_t c;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return s[0] ? 1 : 0;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		c = s[0] & 0x1f;
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		c = s[0] & 0x0f;
		n = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		c = s[0] & 0x07;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return n;
}

long utf8_chars(const char *s, bool line_breaks)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		uint32_t cp;
		size_t len = utf8_decode(p, &cp);

		if (!len)
			return -1;
		if ((cp < 0x20 && !(line_breaks && (cp == '\t' || cp == '\n' || cp == '\r'))) ||
		    (cp >= 0x7f && cp < 0xa0))
			return -1;
		p += len;
		n++;
	}
	return n;
}

size_t utf8_clip(char *dst, size_t dstsize, const char *src)
{
	static const char ellipsis[] = "\xe2\x80\xa6", replacement[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)src;
	size_t used = 0, keep = 0; /* keep: where an ellipsis would go */

	if (dstsize < 8) {
		if (dstsize)
			dst[0] = '\0';
		return 0;
	}
	while (*p) {
		uint32_t cp;
		size_t in = utf8_decode(p, &cp), out = in ? in : 3;
		const char *bytes = in ? (const char *)p : replacement;

		if (used + out + 1 > dstsize) {
			/* Does not fit: go back to the last place where the
			 * ellipsis fits too. */
			memcpy(dst + keep, ellipsis, 3);
			dst[keep + 3] = '\0';
			return keep + 3;
		}
		memcpy(dst + used, bytes, out);
		used += out;
		if (used + 3 + 1 <= dstsize)
			keep = used;
		p += in ? in : 1;
	}
	dst[used] = '\0';
	return used;
}
