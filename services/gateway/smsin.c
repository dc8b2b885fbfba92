/*
 * smsin.c - see smsin.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docroute.h"
#include "num.h"
#include "smsin.h"
#include "smssig.h"
#include "utf8.h"
#include "banned.h"

/* A positive integer claim: a JSON integer, or a string of 1..18 digits
 * (as some senders quote them).  True with *out set. */
static bool claim_int(const json_t *v, int64_t *out)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	long l = 0;

	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = json_integer_value(v);
		return true;
	}
	if (!s || n == 0 || n > 18 || strspn(s, "0123456789") != n ||
	    num_parse_long(s, 1, INT64_MAX, &l))
		return false;
	*out = l;
	return true;
}

unsigned smsin_route(struct req *r, const char *url)
{
	static const char *const same[] = { "id", "msisdn", "message", NULL };
	char text[SMSIN_MESSAGE_MAX + 1];
	const char *message;
	unsigned status = 0;
	int64_t id = 0, msisdn = 0;
	json_t *claims = smssig_verify(r, "incoming SMS", same, &status);

	(void)url;
	if (!claims)
		return status;
	message = json_string_value(json_object_get(claims, "message"));
	if (!claim_int(json_object_get(claims, "id"), &id))
		status = docroute_bad_param(r, "id", "a positive integer");
	else if (!claim_int(json_object_get(claims, "msisdn"), &msisdn))
		status = docroute_bad_param(r, "msisdn", "the sender's number as an integer");
	else if (!message)
		status = docroute_bad_param(r, "message", "a string");
	if (status) {
		json_decref(claims);
		return status;
	}
	utf8_clip(text, sizeof(text), message);
	json_decref(claims);
	/* The directory answers a seen id from its record: safe to resend. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_SMS_INCOMING,
					   .json = json_pack("{s:I, s:I, s:s}", "id",
							     (json_int_t)id, "msisdn",
							     (json_int_t)msisdn, "message", text),
					   .idempotent = true,
					   .ok = 200 });
}
