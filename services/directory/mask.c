#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "banned.h"

static int mask_email(const char *addr, char *out, size_t outlen)
{
	const char *at = strrchr(addr, '@');

	if (!at || at == addr || !at[1])
		return -1;
	if ((size_t)snprintf(out, outlen, "%c***%s", addr[0], at) >= outlen)
		return -1;
	return 0;
}

/* Keeps the country code and operator prefix ("+35840") and the last two
 * digits; a short number keeps less, so at least half stays hidden. */
static int mask_phone(const char *num, char *out, size_t outlen)
{
	size_t n = strlen(num), head, tail = 2;

	if (n < 6 || num[0] != '+' || n + 1 > outlen)
		return -1;
	head = n >= 12 ? 6 : 3;
	for (size_t i = 0; i < n; i++)
		out[i] = i < head || i >= n - tail ? num[i] : '*';
	out[n] = '\0';
	return 0;
}

int mask_recipient(const char *channel, const char *recipient, char *out, size_t outlen)
{
	int rc = -1;

	if (outlen)
		out[0] = '\0';
	if (!channel || !recipient || !outlen)
		return -1;
	if (!strcmp(channel, "email"))
		rc = mask_email(recipient, out, outlen);
	else if (!strcmp(channel, "sms"))
		rc = mask_phone(recipient, out, outlen);
	if (rc)
		out[0] = '\0';
	return rc;
}
