/*
 * email.h - practical mailbox validation (RFC 5321 / 5322 subset).
 *
 * Every address is checked with email_valid() before it reaches any
 * protocol text (SMTP envelope, RFC 5322 header), so that no address can
 * inject a header or an SMTP command.
 *
 * What is accepted: local@domain where
 *  - local is an RFC 5322 dot-atom (letters, digits and !#$%&'*+-/=?^_`{|}~,
 *    dots between atoms), 1..64 octets; quoted local parts are refused;
 *  - domain is 2+ DNS labels of [A-Za-z0-9-] (1..63 octets, no leading or
 *    trailing hyphen), at most 253 octets (RFC 5321 allows 255, the path
 *    limit below makes more impossible), the top label not all digits;
 *    address literals ([192.0.2.1]) are refused;
 *  - the whole address is at most 254 octets (RFC 5321 path limit 256
 *    minus the angle brackets).
 * UTF-8 is refused: we do not assume the relay offers SMTPUTF8 (RFC 6531).
 * International domain names must be given in their A-label form
 * (xn--...), which is plain ASCII and accepted.
 */
#ifndef TJ_EMAIL_H
#define TJ_EMAIL_H

#include <stddef.h>

#define EMAIL_MAX_LEN 254
#define EMAIL_MAX_LOCAL 64
#define EMAIL_MAX_DOMAIN 253

/* Checks 'addr' by the rules above.  Returns 0 when it is acceptable,
 * -1 otherwise with a lower-case reason in 'err' (may be NULL). */
int email_valid(const char *addr, char *err, size_t errlen);

/* Checks a bare domain name by the domain rules above (used for the
 * right-hand side of Message-IDs).  Returns 0 or -1 with a reason. */
int email_domain_valid(const char *domain, char *err, size_t errlen);

#endif
