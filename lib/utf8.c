#include "utf8.h"
#include "banned.h"

long utf8_chars(const char *s, bool line_breaks)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p, cp, need;

		if (c < 0x80) {
			if ((c < 0x20 && !(line_breaks && (c == '\t' || c == '\n' || c == '\r'))) ||
			    c == 0x7f)
				return -1;
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return -1;
		}
		p++;
		for (unsigned i = 0; i < need; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1; /* also stops at the terminating NUL */
			cp = (cp << 6) | (*p & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0x80 && cp < 0xa0))
			return -1;
		n++;
	}
	return n;
}
