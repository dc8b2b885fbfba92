// units: tests/fuzz/fuzzin.c
/*
 * fuzz_contact - phone and e-mail validation and SMS segmentation
 * (lib/phone.c, lib/email.c, lib/smstext.c), the checks every recipient
 * passes before it reaches a protocol.  Input: a selector byte, then the
 * text.  Beyond "no crash", it checks what the headers promise: an E.164
 * result is '+' and 7..15 digits, an accepted address has no byte that
 * could end a header or an SMTP command, the parts of a split text join
 * back to the text and each fits one SMS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "phone.h"
#include "smstext.h"
#include "tests/fuzz/fuzzin.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_phone(const char *s)
{
	char out[PHONE_E164_MAX + 1], err[128];
	size_t n;

	if (phone_normalize_fi(s, out, sizeof(out), err, sizeof(err))) {
		if (out[0])
			fuzzin_fail("phone: a refused number left output");
		return;
	}
	n = strlen(out);
	if (out[0] != '+' || n < 8 || n > PHONE_E164_MAX || strspn(out + 1, "0123456789") != n - 1)
		fuzzin_fail("phone: output is not E.164");
	(void)phone_is_mobile_fi(out);
}

static void check_email(const char *s)
{
	char err[128];

	if (email_valid(s, err, sizeof(err)) == 0 &&
	    (strpbrk(s, "\r\n<>, \t\"") || strlen(s) > 254 || !strchr(s, '@')))
		fuzzin_fail("email: accepted an address that could break a header");
	(void)email_domain_valid(s, err, sizeof(err));
}

static void check_sms(const char *s, size_t max_parts)
{
	struct smstext_info info;
	char err[128], **parts = NULL;
	size_t nparts = 0, at = 0;

	(void)smstext_check(s, err, sizeof(err));
	if (smstext_analyze(s, &info))
		return;
	if (smstext_split(s, max_parts, &parts, &nparts))
		return;
	if (nparts != info.parts)
		fuzzin_fail("sms: split and analyze disagree on the part count");
	for (size_t i = 0; i < nparts; i++) {
		struct smstext_info one;
		size_t n = strlen(parts[i]);

		if (strncmp(s + at, parts[i], n))
			fuzzin_fail("sms: the parts do not join back to the text");
		at += n;
		if (smstext_analyze(parts[i], &one) ||
		    (nparts > 1 && one.units > (one.encoding == SMSTEXT_UCS2 ? 67u : 153u)))
			fuzzin_fail("sms: a part does not fit one message");
	}
	if (at != strlen(s))
		fuzzin_fail("sms: the parts are shorter than the text");
	smstext_parts_free(&parts);
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;
	const char *s;

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	s = fuzzin_str(&in);
	switch (sel % 3) {
	case 0:
		check_phone(s);
		break;
	case 1:
		check_email(s);
		break;
	default:
		check_sms(s, sel / 3 % 8);
		break;
	}
	fuzzin_release(&in);
	return 0;
}
