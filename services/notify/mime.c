#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "email.h"
#include "mime.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

#define LINE_MAX_HDR 78
#define LINE_MAX_QP 76
#define EW_MAX 75      /* RFC 2047 2: an encoded-word is at most 75 characters */
#define EW_OVERHEAD 12 /* "=?UTF-8?B?" + "?=" */

static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (*p) {
		n = utf8_decode(p, &cp);
		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* A header text: UTF-8, no CR, LF or other control characters. */
static int check_header_text(const char *s, const char *field, size_t max, char *err, size_t errlen)
{
	const char *p;

	if (strlen(s) > max)
		return errmsg(err, errlen, "%s is longer than %zu bytes", field, max);
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r' || c == '\n')
			return errmsg(err, errlen, "%s contains a line break", field);
		if (c < 0x20 || c == 0x7f)
			return errmsg(err, errlen, "%s contains a control character", field);
	}
	if (!utf8_valid(s))
		return errmsg(err, errlen, "%s is not valid UTF-8", field);
	return 0;
}

static int check_body(const char *s, const char *field, char *err, size_t errlen)
{
	const char *p;

	if (strlen(s) > MIME_MAX_BODY)
		return errmsg(err, errlen, "%s is longer than %u bytes", field, MIME_MAX_BODY);
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f)
			return errmsg(err, errlen, "%s contains a control character", field);
	}
	if (!utf8_valid(s))
		return errmsg(err, errlen, "%s is not valid UTF-8", field);
	return 0;
}

static int check_job_id(const char *id, char *err, size_t errlen)
{
	size_t i, n = strlen(id);

	if (n == 0)
		return errmsg(err, errlen, "job_id is empty");
	if (n > MIME_MAX_JOB_ID)
		return errmsg(err, errlen, "job_id is longer than %d characters", MIME_MAX_JOB_ID);
	if (id[0] == '.' || id[n - 1] == '.' || strstr(id, ".."))
		return errmsg(err, errlen, "job_id has a misplaced dot");
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return errmsg(err, errlen,
				      "job_id may contain only letters, digits, '-', "
				      "'_' and '.'");
	}
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_add(struct strbuf *b, const unsigned char *s, size_t n)
{
	char q[4];
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = b64[s[i] >> 2];
		q[1] = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		q[2] = b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		q[3] = b64[s[i + 2] & 63];
		strbuf_add(b, q, 4);
	}
	if (n - i == 1) {
		q[0] = b64[s[i] >> 2];
		q[1] = b64[(s[i] & 3) << 4];
		q[2] = q[3] = '=';
		strbuf_add(b, q, 4);
	} else if (n - i == 2) {
		q[0] = b64[s[i] >> 2];
		q[1] = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		q[2] = b64[(s[i + 1] & 15) << 2];
		q[3] = '=';
		strbuf_add(b, q, 4);
	}
}

/*
 * Appends 'utf8' as RFC 2047 B encoded-words, the first starting at column
 * 'col', each later one on a folded line of its own.  Every word holds
 * whole UTF-8 sequences only and fits both the 75-character word limit and
 * the 78-character line limit.  Returns the column after the last word.
 */
static size_t encode_words(struct strbuf *b, size_t col, const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t off = 0, total = strlen(utf8);

	while (off < total) {
		size_t room = LINE_MAX_HDR - col, maxw, maxbytes, take = 0, n;

		if (off > 0) {
			strbuf_adds(b, "\r\n ");
			col = 1;
			room = LINE_MAX_HDR - col;
		}
		maxw = room < EW_MAX ? room : EW_MAX;
		maxbytes = (maxw - EW_OVERHEAD) / 4 * 3;
		while (off + take < total) {
			uint32_t cp;

			/* A stray byte (the caller did not check) is taken alone
			 * rather than looping forever. */
			n = utf8_decode(s + off + take, &cp);
			if (!n)
				n = 1;
			if (take + n > maxbytes)
				break;
			take += n;
		}
		strbuf_adds(b, "=?UTF-8?B?");
		base64_add(b, s + off, take);
		strbuf_adds(b, "?=");
		col += EW_OVERHEAD + (take + 2) / 3 * 4;
		off += take;
	}
	return col;
}

/*
 * An ASCII header value folded at its spaces after a prefix of 'col'
 * characters.  Returns 0, or -1 (and appends nothing) when some word is
 * too long to fit a line, or the text could be misread as an
 * encoded-word: the caller then encodes it instead.
 */
static int fold_ascii(struct strbuf *b, size_t col, const char *s)
{
	struct strbuf t = { 0 };
	size_t i = 0, j, n = strlen(s), line_start = col;

	if (strstr(s, "=?"))
		return -1;
	while (i < n) {
		j = i;
		while (j < n && s[j] == ' ')
			j++;
		while (j < n && s[j] != ' ')
			j++;
		if (col + (j - i) > LINE_MAX_HDR && col > line_start && s[i] == ' ') {
			strbuf_adds(&t, "\r\n");
			col = 0;
			line_start = 0;
		}
		strbuf_add(&t, s + i, j - i);
		col += j - i;
		if (col > LINE_MAX_HDR) {
			strbuf_release(&t);
			return -1;
		}
		i = j;
	}
	if (t.p)
		strbuf_add(b, t.p, t.len);
	strbuf_release(&t);
	return 0;
}

static void subject_add(struct strbuf *b, const char *subject)
{
	const size_t col = strlen("Subject: ");

	if (is_ascii(subject) && fold_ascii(b, col, subject) == 0)
		return;
	encode_words(b, col, subject);
}

char *mime_encode_subject(const char *utf8)
{
	struct strbuf b = { 0 };

	if (!utf8 || check_header_text(utf8, "subject", MIME_MAX_SUBJECT, NULL, 0) < 0)
		return NULL;
	subject_add(&b, utf8);
	return b.p ? b.p : xstrdup("");
}

/* "Name: display name <addr>" (or just the address), folded. */
static void mailbox_add(struct strbuf *b, const char *hname, const char *name, const char *addr)
{
	size_t col = strlen(hname) + 2, alen = strlen(addr) + 2;
	const char *p;
	size_t qlen = 2;

	strbuf_addf(b, "%s: ", hname);
	if (!name || !*name) {
		strbuf_addf(b, "<%s>\r\n", addr);
		return;
	}
	for (p = name; *p; p++)
		qlen += (*p == '"' || *p == '\\') ? 2 : 1;
	if (is_ascii(name) && !strstr(name, "=?") && col + qlen <= LINE_MAX_HDR) {
		strbuf_add(b, "\"", 1);
		for (p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				strbuf_add(b, "\\", 1);
			strbuf_add(b, p, 1);
		}
		strbuf_add(b, "\"", 1);
		col += qlen;
	} else {
		col = encode_words(b, col, name);
	}
	if (col + 1 + alen > LINE_MAX_HDR)
		strbuf_addf(b, "\r\n <%s>\r\n", addr);
	else
		strbuf_addf(b, " <%s>\r\n", addr);
}

static void date_add(struct strbuf *b, time_t t)
{
	static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	/* Day and month names by hand: strftime's %a and %b follow the locale. */
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strbuf_addf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wday[tm.tm_wday % 7],
		    tm.tm_mday, mon[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
}

/*
 * Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks whatever the
 * input used, soft breaks keeping lines at most 76 characters, and never
 * an =XX triple split.  A '.' or "From " at the start of a line is encoded
 * too, so no relay or mbox writer has reason to touch the line.
 */
static void qp_add(struct strbuf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, col = 0;
	char tok[4];

	while (s[i]) {
		unsigned char c = s[i];
		size_t tlen;
		int eol;

		if (c == '\r' || c == '\n') {
			strbuf_adds(b, "\r\n");
			col = 0;
			i += (c == '\r' && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		eol = s[i + 1] == '\0' || s[i + 1] == '\r' || s[i + 1] == '\n';
		if ((c >= 33 && c <= 126 && c != '=' && !(col == 0 && c == '.') &&
		     !(col == 0 && c == 'F' && !strncmp((const char *)s + i, "From ", 5))) ||
		    ((c == ' ' || c == '\t') && !eol)) {
			tok[0] = (char)c;
			tlen = 1;
		} else {
			snprintf(tok, sizeof(tok), "=%02X", c);
			tlen = 3;
		}
		/* The last token of a line may use column 76; others leave room
		 * for the '=' of a soft break. */
		if (col + tlen > (eol ? LINE_MAX_QP : LINE_MAX_QP - 1)) {
			strbuf_adds(b, "=\r\n");
			col = 0;
			if (c == '.' || (c == 'F' && !strncmp((const char *)s + i, "From ", 5))) {
				snprintf(tok, sizeof(tok), "=%02X", c);
				tlen = 3;
			}
		}
		strbuf_add(b, tok, tlen);
		col += tlen;
		i++;
	}
	if (col > 0)
		strbuf_adds(b, "\r\n");
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void part_add(struct strbuf *b, const char *boundary, const char *type, const char *qp)
{
	if (boundary)
		strbuf_addf(b, "--%s\r\n", boundary);
	strbuf_addf(b, "Content-Type: %s; charset=UTF-8\r\n", type);
	strbuf_adds(b, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	strbuf_adds(b, qp);
}

char *mime_build(const struct mime_message *m, char *err, size_t errlen)
{
	struct strbuf b = { 0 }, text = { 0 }, html = { 0 };
	char boundary[64];
	unsigned salt = 0;
	char *out = NULL;

	if (!m) {
		errmsg(err, errlen, "message is missing");
		goto out;
	}
	if (!m->from || email_valid(m->from, NULL, 0) < 0) {
		char why[128] = "address is missing";

		if (m->from)
			email_valid(m->from, why, sizeof(why));
		errmsg(err, errlen, "from: %s", why);
		goto out;
	}
	if (!m->to || email_valid(m->to, NULL, 0) < 0) {
		char why[128] = "address is missing";

		if (m->to)
			email_valid(m->to, why, sizeof(why));
		errmsg(err, errlen, "to: %s", why);
		goto out;
	}
	if (m->from_name &&
	    check_header_text(m->from_name, "from_name", MIME_MAX_NAME, err, errlen) < 0)
		goto out;
	if (m->to_name && check_header_text(m->to_name, "to_name", MIME_MAX_NAME, err, errlen) < 0)
		goto out;
	if (!m->subject || !*m->subject) {
		errmsg(err, errlen, "subject is missing");
		goto out;
	}
	if (check_header_text(m->subject, "subject", MIME_MAX_SUBJECT, err, errlen) < 0)
		goto out;
	if (!m->text) {
		errmsg(err, errlen, "text is missing");
		goto out;
	}
	if (check_body(m->text, "text", err, errlen) < 0)
		goto out;
	if (m->html && check_body(m->html, "html", err, errlen) < 0)
		goto out;
	if (!m->job_id) {
		errmsg(err, errlen, "job_id is missing");
		goto out;
	}
	if (check_job_id(m->job_id, err, errlen) < 0)
		goto out;
	if (!m->domain || email_domain_valid(m->domain, NULL, 0) < 0) {
		char why[128] = "domain is missing";

		if (m->domain)
			email_domain_valid(m->domain, why, sizeof(why));
		errmsg(err, errlen, "domain: %s", why);
		goto out;
	}

	qp_add(&text, m->text);
	if (!text.p)
		strbuf_adds(&text, "");
	if (m->html) {
		qp_add(&html, m->html);
		if (!html.p)
			strbuf_adds(&html, "");
	}
	/* "=_" cannot occur in quoted-printable output; the check below is
	 * for our own invariant, should the encoding ever change. */
	do {
		snprintf(boundary, sizeof(boundary), "=_tarjotin_%016llx_%u",
			 (unsigned long long)fnv1a(m->job_id), salt++);
	} while (strstr(text.p, boundary) || (html.p && strstr(html.p, boundary)));

	mailbox_add(&b, "From", m->from_name, m->from);
	mailbox_add(&b, "To", m->to_name, m->to);
	strbuf_adds(&b, "Subject: ");
	subject_add(&b, m->subject);
	strbuf_adds(&b, "\r\n");
	date_add(&b, m->date ? m->date : time(NULL));
	strbuf_addf(&b, "Message-ID: <%s@%s>\r\n", m->job_id, m->domain);
	strbuf_adds(&b, "MIME-Version: 1.0\r\n");
	strbuf_addf(&b, "X-Tarjotin-Job: %s\r\n", m->job_id);
	strbuf_adds(&b, "Auto-Submitted: auto-generated\r\n");
	if (m->html) {
		strbuf_addf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
			    boundary);
		strbuf_adds(&b, "This is a multi-part message in MIME format.\r\n\r\n");
		part_add(&b, boundary, "text/plain", text.p);
		strbuf_adds(&b, "\r\n");
		part_add(&b, boundary, "text/html", html.p);
		strbuf_addf(&b, "\r\n--%s--\r\n", boundary);
	} else {
		part_add(&b, NULL, "text/plain", text.p);
	}
	out = b.p;
	b.p = NULL;
out:
	strbuf_release(&b);
	strbuf_release(&text);
	strbuf_release(&html);
	return out;
}
