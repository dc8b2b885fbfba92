#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smstext.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

/* 3GPP TS 23.038 6.2.1, the default alphabet, by GSM code 0x00..0x7F
 * (0x1B, the escape to the extension table, is not a character). */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, /* @£$¥èéùì */
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5, /* òÇ\nØø\rÅå */
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, /* Δ_ΦΓΛΩΠΨ */
	0x03A3, 0x0398, 0x039E, 0xFFFF, 0x00C6, 0x00E6, 0x00DF, 0x00C9, /* ΣΘΞ esc ÆæßÉ */
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, /*  !"#¤%&' */
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, /* ()*+,-./ */
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, /* 01234567 */
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F, /* 89:;<=>? */
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, /* ¡ABCDEFG */
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, /* HIJKLMNO */
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, /* PQRSTUVW */
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, /* XYZÄÖÑÜ§ */
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, /* ¿abcdefg */
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, /* hijklmno */
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, /* pqrstuvw */
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0, /* xyzäöñüà */
};

/* 3GPP TS 23.038 6.2.1.1, the extension table: sent as ESC + code. */
static const uint16_t gsm7_ext[] = {
	0x000C, 0x005E, 0x007B, 0x007D, 0x005C, 0x005B, 0x007E, 0x005D, 0x007C, 0x20AC,
};

/* Septets for code point 'cp' in GSM-7: 1, 2, or 0 when not representable. */
static int gsm7_septets(uint32_t cp)
{
	size_t i;

	if (cp > 0xFFFF)
		return 0;
	for (i = 0; i < 128; i++)
		if (gsm7_basic[i] == cp)
			return 1;
	for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
		if (gsm7_ext[i] == cp)
			return 2;
	return 0;
}

/*
 * One pass over the text: the encoding first (it decides the per-part
 * limits), then the greedy packing that smstext_split repeats.  'cuts', if
 * not NULL, receives the byte offset where each part starts.
 */
static int scan(const char *utf8, struct smstext_info *info, size_t *cuts, size_t maxcuts)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t off, n, single, per, used, parts;
	uint32_t cp;
	int gsm = 1;

	if (!utf8)
		return -1;
	memset(info, 0, sizeof(*info));
	for (off = 0; s[off]; off += n) {
		n = utf8_decode(s + off, &cp);
		if (!n)
			return -1;
		info->chars++;
		if (gsm && !gsm7_septets(cp))
			gsm = 0;
	}
	info->encoding = gsm ? SMSTEXT_GSM7 : SMSTEXT_UCS2;
	for (off = 0; s[off]; off += n) {
		n = utf8_decode(s + off, &cp);
		info->units += gsm ? (size_t)gsm7_septets(cp) : (cp > 0xFFFF ? 2u : 1u);
	}
	if (info->units == 0)
		return 0;
	single = gsm ? SMSTEXT_GSM7_SINGLE : SMSTEXT_UCS2_SINGLE;
	per = gsm ? SMSTEXT_GSM7_PART : SMSTEXT_UCS2_PART;
	if (info->units <= single) {
		info->parts = 1;
		if (cuts && maxcuts)
			cuts[0] = 0;
		return 0;
	}
	parts = 1;
	used = 0;
	if (cuts && maxcuts)
		cuts[0] = 0;
	for (off = 0; s[off]; off += n) {
		size_t w;

		n = utf8_decode(s + off, &cp);
		w = gsm ? (size_t)gsm7_septets(cp) : (cp > 0xFFFF ? 2u : 1u);
		if (used + w > per) { /* the character moves whole to the next part */
			if (cuts && parts < maxcuts)
				cuts[parts] = off;
			parts++;
			used = 0;
		}
		used += w;
	}
	info->parts = parts;
	return 0;
}

int smstext_analyze(const char *utf8, struct smstext_info *out)
{
	return scan(utf8, out, NULL, 0);
}

int smstext_check(const char *utf8, char *err, size_t errlen)
{
	struct smstext_info info;

	if (!err)
		errlen = 0;
	if (scan(utf8, &info, NULL, 0) < 0) {
		snprintf(err, errlen, "message is not valid UTF-8");
		return -1;
	}
	if (info.parts == 0) {
		snprintf(err, errlen, "message is empty");
		return -1;
	}
	if (info.parts > SMSTEXT_MAX_PARTS) {
		snprintf(err, errlen, "message needs %zu SMS parts, at most %d are allowed",
			 info.parts, SMSTEXT_MAX_PARTS);
		return -1;
	}
	return 0;
}

int smstext_split(const char *utf8, size_t max_parts, char ***parts, size_t *nparts)
{
	struct smstext_info info;
	size_t *cuts = NULL, i, len;
	char **v = NULL;
	int rc = -1;

	*parts = NULL;
	*nparts = 0;
	if (scan(utf8, &info, NULL, 0) < 0)
		goto out;
	if (max_parts && info.parts > max_parts)
		goto out;
	cuts = xcalloc(info.parts + 1, sizeof(*cuts));
	if (scan(utf8, &info, cuts, info.parts) < 0)
		goto out;
	len = strlen(utf8);
	cuts[info.parts] = len;
	v = xcalloc(info.parts + 1, sizeof(*v));
	for (i = 0; i < info.parts; i++)
		v[i] = xstrndup(utf8 + cuts[i], cuts[i + 1] - cuts[i]);
	*parts = v;
	*nparts = info.parts;
	rc = 0;
out:
	free(cuts);
	return rc;
}

void smstext_parts_free(char ***parts)
{
	char **v;

	if (!parts || !*parts)
		return;
	for (v = *parts; *v; v++)
		free(*v);
	free(*parts);
	*parts = NULL;
}
