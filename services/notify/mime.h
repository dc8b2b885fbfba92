/*
 * mime.h - RFC 5322 / MIME e-mail messages for notify.
 *
 * mime_build() turns a rendered notification into the bytes handed to the
 * SMTP client: CRLF line endings throughout, header lines of at most 78
 * characters (an address longer than that stays on one line, well under
 * the 998 hard limit), body lines of at most 76.
 *
 *  From: display name (quoted-string, or RFC 2047 encoded-words when not
 *        ASCII) and address;  To: likewise;
 *  Subject: plain when ASCII, else RFC 2047 "B" encoded-words in UTF-8,
 *        each at most 75 characters, folded, never splitting a UTF-8
 *        sequence between two words;
 *  Date: RFC 5322, always UTC ("+0000"), independent of the locale;
 *  Message-ID: <job-id@domain>, so a redelivered job keeps its id and a
 *        receiving system can tell a duplicate;
 *  MIME-Version, X-Tarjotin-Job: job-id, Auto-Submitted: auto-generated;
 *  body: multipart/alternative with text/plain and text/html parts (or
 *        only text/plain when there is no HTML), UTF-8, quoted-printable.
 *        The boundary starts with "=_", which quoted-printable output
 *        cannot contain, so it cannot occur in the content; it is derived
 *        from the job id so the same job gives the same bytes.
 */
#ifndef TJ_MIME_H
#define TJ_MIME_H

#include <stddef.h>
#include <time.h>

#define MIME_MAX_NAME 200    /* display name, bytes */
#define MIME_MAX_SUBJECT 500 /* bytes of UTF-8 */
#define MIME_MAX_JOB_ID 128
#define MIME_MAX_BODY (1u << 20) /* text or html part, bytes */

struct mime_message {
	const char *from;      /* required, checked with email_valid */
	const char *from_name; /* optional display name, UTF-8 */
	const char *to;        /* required, checked with email_valid */
	const char *to_name;   /* optional display name, UTF-8 */
	const char *subject;   /* required, UTF-8, no control characters */
	const char *text;      /* required, UTF-8; LF or CRLF line ends */
	const char *html;      /* optional, UTF-8 */
	const char *job_id;    /* required, [A-Za-z0-9_.-], dot-atom */
	const char *domain;    /* required, right-hand side of Message-ID */
	time_t date;           /* Date: header; 0 means now */
};

/* Builds the message.  Returns a NUL-terminated string with CRLF line
 * endings, freed with free(); NULL on bad input, with a lower-case reason
 * naming the field in 'err' (may be NULL).  Nothing is built before every
 * field has been checked. */
char *mime_build(const struct mime_message *m, char *err, size_t errlen);

/* The value of a Subject: header for UTF-8 'utf8' as mime_build writes it
 * (folded to fit after "Subject: ").  Returns a string freed with free(),
 * or NULL when 'utf8' is NULL, not UTF-8, has control characters or is
 * longer than MIME_MAX_SUBJECT. */
char *mime_encode_subject(const char *utf8);

#endif
