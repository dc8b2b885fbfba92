// units: services/notify/mime.c
/*
 * Unit tests for services/notify/mime.c.  The built message is parsed back
 * here, independently of the builder: line endings, line lengths, headers,
 * the boundary, and the decoded subject and bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mime.h"
#include "xalloc.h"
#include "banned.h"

/* ---- a small, separate decoder ---- */

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes base64 s[0..n) onto the end of 'out' (which has room). */
static size_t b64dec(const char *s, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < n && s[i] != '='; i++) {
		int v = b64val(s[i]);

		assert_true(v >= 0);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	return o;
}

static int utf8_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
		size_t j;

		if (!k || i + k > n)
			return 0;
		for (j = 1; j < k; j++)
			if (((unsigned char)s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/*
 * Decodes a header value as a mail reader would: unfold (drop CRLF before
 * WSP), decode every =?UTF-8?B?...?= (checking each on its own is at most
 * 75 characters and holds whole UTF-8 sequences), drop the whitespace
 * between two adjacent encoded-words.  Returns a string to free().
 */
static char *decode_header(const char *v)
{
	char *u = xmalloc(strlen(v) + 1), *out = xmalloc(strlen(v) + 1);
	size_t i, n = 0, o = 0;
	int prev_ew = 0;

	for (i = 0; v[i]; i++) {
		if (v[i] == '\r' && v[i + 1] == '\n' && (v[i + 2] == ' ' || v[i + 2] == '\t')) {
			i++;
			continue;
		}
		assert_false(v[i] == '\r' || v[i] == '\n');
		u[n++] = v[i];
	}
	u[n] = '\0';
	for (i = 0; i < n;) {
		if (!strncmp(u + i, "=?UTF-8?B?", 10)) {
			const char *end = strstr(u + i + 10, "?=");
			size_t got;

			assert_non_null(end);
			assert_true((size_t)(end + 2 - (u + i)) <= 75);
			got = b64dec(u + i + 10, (size_t)(end - (u + i + 10)), out + o);
			if (!utf8_ok(out + o, got))
				fail_msg("encoded-word splits a UTF-8 sequence");
			o += got;
			i = (size_t)(end + 2 - u);
			prev_ew = 1;
			continue;
		}
		if (prev_ew && (u[i] == ' ' || u[i] == '\t')) {
			size_t j = i;

			while (j < n && (u[j] == ' ' || u[j] == '\t'))
				j++;
			if (!strncmp(u + j, "=?UTF-8?B?", 10)) {
				i = j;
				continue;
			}
		}
		prev_ew = 0;
		out[o++] = u[i++];
	}
	out[o] = '\0';
	free(u);
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes quoted-printable s[0..n); returns a string to free(). */
static char *qp_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			if (s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 2;
				continue;
			}
			assert_true(hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0);
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* Every LF preceded by CR, every CR followed by LF, no NUL. */
static void assert_crlf_only(const char *msg)
{
	size_t i;

	for (i = 0; msg[i]; i++) {
		if (msg[i] == '\n')
			assert_true(i > 0 && msg[i - 1] == '\r');
		if (msg[i] == '\r')
			assert_true(msg[i + 1] == '\n');
	}
}

/* Longest line between 'from' and 'to' (exclusive of CRLF). */
static size_t longest_line(const char *from, const char *to)
{
	size_t best = 0, cur = 0;
	const char *p;

	for (p = from; p < to; p++) {
		if (*p == '\r' && p[1] == '\n') {
			if (cur > best)
				best = cur;
			cur = 0;
			p++;
			continue;
		}
		cur++;
	}
	return cur > best ? cur : best;
}

/* The unfolded-but-raw value of header 'name' in 'msg' (to free()), or
 * NULL.  Only the header section is searched. */
static char *header(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg, *v, *e;
	size_t n = strlen(name);

	assert_non_null(end);
	while (p < end) {
		if (!strncmp(p, name, n) && p[n] == ':') {
			v = p + n + 1;
			while (*v == ' ')
				v++;
			e = v;
			while (!(e[0] == '\r' && e[1] == '\n' && e[2] != ' ' && e[2] != '\t'))
				e++;
			return xstrndup(v, (size_t)(e - v));
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

static size_t count(const char *hay, const char *needle)
{
	size_t c = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		c++;
		p += strlen(needle);
	}
	return c;
}

/* ---- subject encoding ---- */

static void check_subject(const char *subject, int expect_plain)
{
	char *v = mime_encode_subject(subject), *line, *dec;

	assert_non_null(v);
	line = xasprintf("Subject: %s", v);
	assert_crlf_only(line);
	assert_true(longest_line(line, line + strlen(line)) <= 78);
	if (expect_plain)
		assert_null(strstr(v, "=?"));
	else
		assert_non_null(strstr(v, "=?UTF-8?B?"));
	dec = decode_header(v);
	assert_string_equal(dec, subject);
	free(dec);
	free(line);
	free(v);
}

static void test_subject_plain_ascii(void **state)
{
	char *v;

	(void)state;
	v = mime_encode_subject("Tarjotin test message");
	assert_string_equal(v, "Tarjotin test message");
	free(v);
	check_subject("Tarjotin test message", 1);
	/* A long ASCII subject is folded at spaces, not encoded. */
	check_subject(
		"This is a rather long subject line that certainly will not fit within "
		"seventy-eight characters on a single header line",
		1);
	/* Text that looks like an encoded-word must be encoded itself. */
	check_subject("=?UTF-8?B?SGk=?= is not for decoding", 0);
}

static void test_subject_finnish_and_swedish(void **state)
{
	char *v;

	(void)state;
	check_subject("Yhteydenottopyyntö: Muistikahvila", 0);
	check_subject("Påminnelse: är uppgifterna aktuella?", 0);
	/* Exact form of a short one: one word, base64 of the UTF-8 bytes.
	 * "Tarjotin – testi" is 18 bytes (the en dash is 3) -> 24 base64. */
	v = mime_encode_subject("Tarjotin – testi");
	assert_string_equal(v, "=?UTF-8?B?VGFyam90aW4g4oCTIHRlc3Rp?=");
	free(v);
}

static void test_subject_long_and_emoji(void **state)
{
	char *s, *v;

	(void)state;
	s = xasprintf("%s",
		      "Yhteydenottopyyntö: Muistikahvila – Pohjois-Savon "
		      "Muistiyhdistys ry, Kuopion vertaistukiryhmä, "
		      "äidinkielenä suomi ja ruotsi (på svenska också), "
		      "ilmoittautuminen päättyy pian");
	check_subject(s, 0);
	v = mime_encode_subject(s);
	assert_true(count(v, "=?UTF-8?B?") >= 4); /* it really was folded */
	assert_true(count(v, "\r\n ") >= 3);
	free(v);
	free(s);
	/* Emoji are 4 bytes: no word may end inside one. */
	check_subject("Tervetuloa 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 kiitos 😊", 0);
	check_subject(
		"ööööööööööööööööööööööööööööööööööööööööööööööööööö"
		"ööööööööööööööööööööööööööööööööööööööööööö",
		0);
}

static void test_subject_refused(void **state)
{
	char big[MIME_MAX_SUBJECT + 2];

	(void)state;
	assert_null(mime_encode_subject(NULL));
	assert_null(mime_encode_subject("Hello\r\nBcc: x@example.com"));
	assert_null(mime_encode_subject("Hello\nthere"));
	assert_null(mime_encode_subject("tab\there"));
	assert_null(mime_encode_subject("bad \xc3("));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(mime_encode_subject(big));
}

/* ---- whole messages ---- */

static const char text_fi[] =
	"Hei,\n"
	"\n"
	"Teille on tullut uusi yhteydenottopyyntö Tarjottimessa. Avaa Tarjotin "
	"nähdäksesi sen: https://tarjotin.example.fi/yhteydenotot\n"
	"Rivi, jonka lopussa on välilyönti \n"
	".piste rivin alussa\n"
	"From the start of a line\n"
	"Yhtäsuuruusmerkki = ja 100 % varma.\n"
	"Pitkä rivi ilman välilyöntejä: "
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"ääääääääääääääääääääääääääää\n"
	"Tarjotin – Pohjois-Savo\n";

static const char html_fi[] =
	"<!DOCTYPE html>\n<html lang=\"fi\"><body><p>Hei,</p>"
	"<p>Teille on tullut uusi yhteydenottopyyntö. <a href=\"https://tarjotin.example.fi/"
	"yhteydenotot?x=1&amp;y=2\">Avaa Tarjotin</a>.</p></body></html>\n";

static struct mime_message sample(void)
{
	struct mime_message m = {
		.from = "noreply@tarjotin.example.fi",
		.from_name = "Tarjotin – Pohjois-Savo",
		.to = "info@muistiyhdistys.example.fi",
		.to_name = "Pohjois-Savon Muistiyhdistys ry",
		.subject = "Yhteydenottopyyntö: Muistikahvila",
		.text = text_fi,
		.html = html_fi,
		.job_id = "cr-0000000042.1",
		.domain = "tarjotin.example.fi",
		.date = 1700000000, /* Tue, 14 Nov 2023 22:13:20 UTC */
	};
	return m;
}

/* Returns the decoded body of the part with 'ctype', checking its headers. */
static char *part_body(const char *msg, const char *boundary, const char *ctype)
{
	char *delim = xasprintf("\r\n--%s", boundary);
	const char *p = strstr(msg, delim), *start, *end, *hdr_end;
	char *want = xasprintf("Content-Type: %s; charset=UTF-8\r\n", ctype);
	char *out = NULL;

	while (p) {
		start = p + strlen(delim);
		if (!strncmp(start, "--", 2))
			break;
		start += 2; /* CRLF after the delimiter */
		hdr_end = strstr(start, "\r\n\r\n");
		end = strstr(start, delim);
		assert_non_null(hdr_end);
		assert_non_null(end);
		if (!strncmp(start, want, strlen(want))) {
			assert_non_null(strstr(start,
					       "Content-Transfer-Encoding: quoted-printable"));
			out = qp_decode(hdr_end + 4, (size_t)(end - (hdr_end + 4)));
			break;
		}
		p = end;
	}
	free(delim);
	free(want);
	return out;
}

/* text with every line end as CRLF, and a final CRLF */
static char *crlf(const char *s)
{
	char *out = xmalloc(strlen(s) * 2 + 3);
	size_t o = 0;

	for (; *s; s++) {
		if (*s == '\n')
			out[o++] = '\r';
		out[o++] = *s;
	}
	if (o < 2 || out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

static void test_build_parses_back(void **state)
{
	struct mime_message m = sample();
	char err[160] = "", *msg, *v, *dec, *boundary, *body, *want;
	const char *hend, *b;
	size_t blen;

	(void)state;
	msg = mime_build(&m, err, sizeof(err));
	if (!msg)
		fail_msg("mime_build: %s", err);
	assert_crlf_only(msg);
	hend = strstr(msg, "\r\n\r\n");
	assert_non_null(hend);
	assert_true(longest_line(msg, hend) <= 78);
	assert_true(longest_line(hend + 4, msg + strlen(msg)) <= 76);

	v = header(msg, "From");
	dec = decode_header(v);
	assert_string_equal(dec, "Tarjotin – Pohjois-Savo <noreply@tarjotin.example.fi>");
	free(dec);
	free(v);
	v = header(msg, "To");
	assert_string_equal(v,
			    "\"Pohjois-Savon Muistiyhdistys ry\" <info@muistiyhdistys.example.fi>");
	free(v);
	v = header(msg, "Subject");
	dec = decode_header(v);
	assert_string_equal(dec, "Yhteydenottopyyntö: Muistikahvila");
	free(dec);
	free(v);
	v = header(msg, "Date");
	assert_string_equal(v, "Tue, 14 Nov 2023 22:13:20 +0000");
	free(v);
	v = header(msg, "Message-ID");
	assert_string_equal(v, "<cr-0000000042.1@tarjotin.example.fi>");
	free(v);
	v = header(msg, "MIME-Version");
	assert_string_equal(v, "1.0");
	free(v);
	v = header(msg, "X-Tarjotin-Job");
	assert_string_equal(v, "cr-0000000042.1");
	free(v);
	v = header(msg, "Auto-Submitted");
	assert_string_equal(v, "auto-generated");
	free(v);

	v = header(msg, "Content-Type");
	assert_non_null(strstr(v, "multipart/alternative;"));
	b = strstr(v, "boundary=\"");
	assert_non_null(b);
	b += strlen("boundary=\"");
	blen = strcspn(b, "\"");
	assert_true(blen >= 1 && blen <= 70);
	boundary = xstrndup(b, blen);
	free(v);
	assert_true(!strncmp(boundary, "=_", 2));
	{
		char *open = xasprintf("\r\n--%s\r\n", boundary);
		char *close = xasprintf("\r\n--%s--\r\n", boundary);
		char *any = xasprintf("--%s", boundary);

		assert_int_equal(count(msg, open), 2);
		assert_int_equal(count(msg, close), 1);
		assert_int_equal(count(msg, any), 3); /* nowhere else, not in content */
		free(open);
		free(close);
		free(any);
	}

	body = part_body(msg, boundary, "text/plain");
	assert_non_null(body);
	want = crlf(text_fi);
	assert_string_equal(body, want);
	free(want);
	free(body);
	body = part_body(msg, boundary, "text/html");
	assert_non_null(body);
	want = crlf(html_fi);
	assert_string_equal(body, want);
	free(want);
	free(body);
	/* the encoded text protects the line start and the trailing space */
	assert_non_null(strstr(msg, "\r\n=2Episte"));
	assert_non_null(strstr(msg, "\r\n=46rom the start"));
	assert_non_null(strstr(msg, "v=C3=A4lily=C3=B6nti=20\r\n"));
	assert_non_null(strstr(msg, "Yht=C3=A4suuruusmerkki =3D ja 100 % varma."));
	free(boundary);
	free(msg);
}

static void test_build_is_deterministic_per_job(void **state)
{
	struct mime_message m = sample();
	char *a, *b, *c;

	(void)state;
	a = mime_build(&m, NULL, 0);
	b = mime_build(&m, NULL, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b); /* a redelivered job gives the same bytes */
	m.job_id = "cr-0000000043.1";
	c = mime_build(&m, NULL, 0);
	assert_non_null(c);
	assert_string_not_equal(a, c);
	assert_non_null(strstr(c, "Message-ID: <cr-0000000043.1@tarjotin.example.fi>\r\n"));
	free(a);
	free(b);
	free(c);
}

static void test_build_text_only_and_ascii_names(void **state)
{
	struct mime_message m = sample();
	char *msg, *v, *body;
	const char *hend;

	(void)state;
	m.html = NULL;
	m.from_name = "Tarjotin \"test\" \\ bot";
	m.to_name = NULL;
	m.subject = "Test message";
	m.text = "Hello\r\nworld";
	msg = mime_build(&m, NULL, 0);
	assert_non_null(msg);
	assert_crlf_only(msg);
	v = header(msg, "From");
	assert_string_equal(v, "\"Tarjotin \\\"test\\\" \\\\ bot\" <noreply@tarjotin.example.fi>");
	free(v);
	v = header(msg, "To");
	assert_string_equal(v, "<info@muistiyhdistys.example.fi>");
	free(v);
	v = header(msg, "Subject");
	assert_string_equal(v, "Test message");
	free(v);
	v = header(msg, "Content-Type");
	assert_string_equal(v, "text/plain; charset=UTF-8");
	free(v);
	assert_null(strstr(msg, "multipart"));
	hend = strstr(msg, "\r\n\r\n");
	body = qp_decode(hend + 4, strlen(hend + 4));
	assert_string_equal(body, "Hello\r\nworld\r\n");
	free(body);
	free(msg);
}

static void test_long_display_name_folds(void **state)
{
	struct mime_message m = sample();
	char *msg, *v, *dec;
	const char *hend;

	(void)state;
	m.from_name =
		"Pohjois-Savon hyvinvointialueen järjestöyhteistyön Tarjotin – "
		"vertaistuen ja vapaaehtoistoiminnan palvelu";
	msg = mime_build(&m, NULL, 0);
	assert_non_null(msg);
	hend = strstr(msg, "\r\n\r\n");
	assert_true(longest_line(msg, hend) <= 78);
	v = header(msg, "From");
	dec = decode_header(v);
	assert_string_equal(dec,
			    "Pohjois-Savon hyvinvointialueen järjestöyhteistyön Tarjotin – "
			    "vertaistuen ja vapaaehtoistoiminnan palvelu "
			    "<noreply@tarjotin.example.fi>");
	free(dec);
	free(v);
	free(msg);
}

struct bad {
	const char *field;
	const char *value;
	const char *why;
};

static void test_build_refuses_bad_input(void **state)
{
	static const struct bad bad[] = {
		{ "to", "victim@example.com\r\nBcc: all@example.com",
		  "to: address contains a line break" },
		{ "to", "not-an-address", "to: address has no '@'" },
		{ "to", NULL, "to: address is missing" },
		{ "from", "a@b.fi\nX-Evil: 1", "from: address contains a line break" },
		{ "from_name", "Tarjotin\r\nBcc: all@example.com",
		  "from_name contains a line break" },
		{ "to_name", "x\ny", "to_name contains a line break" },
		{ "subject", "Hei\r\nBcc: all@example.com", "subject contains a line break" },
		{ "subject", "", "subject is missing" },
		{ "subject", "bad \xff", "subject is not valid UTF-8" },
		{ "text", NULL, "text is missing" },
		{ "text", "nul-free but \x01 control", "text contains a control character" },
		{ "html", "<p>\xc3</p>", "html is not valid UTF-8" },
		{ "job_id", "job 1", "job_id may contain only" },
		{ "job_id", "job>1@evil", "job_id may contain only" },
		{ "job_id", "", "job_id is empty" },
		{ "job_id", ".x", "dot" },
		{ "domain", "tarjotin.fi>\r\nBcc: x", "domain: domain contains a line break" },
		{ "domain", "localhost", "domain: domain has no dot" },
	};
	char err[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mime_message m = sample();
		char *msg;

		if (!strcmp(bad[i].field, "to"))
			m.to = bad[i].value;
		else if (!strcmp(bad[i].field, "from"))
			m.from = bad[i].value;
		else if (!strcmp(bad[i].field, "from_name"))
			m.from_name = bad[i].value;
		else if (!strcmp(bad[i].field, "to_name"))
			m.to_name = bad[i].value;
		else if (!strcmp(bad[i].field, "subject"))
			m.subject = bad[i].value;
		else if (!strcmp(bad[i].field, "text"))
			m.text = bad[i].value;
		else if (!strcmp(bad[i].field, "html"))
			m.html = bad[i].value;
		else if (!strcmp(bad[i].field, "job_id"))
			m.job_id = bad[i].value;
		else if (!strcmp(bad[i].field, "domain"))
			m.domain = bad[i].value;
		err[0] = '\0';
		msg = mime_build(&m, err, sizeof(err));
		if (msg) {
			free(msg);
			fail_msg("bad %s accepted", bad[i].field);
		}
		if (!strstr(err, bad[i].why))
			fail_msg("bad %s: message '%s' lacks '%s'", bad[i].field, err, bad[i].why);
	}
	assert_null(mime_build(NULL, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_plain_ascii),
		cmocka_unit_test(test_subject_finnish_and_swedish),
		cmocka_unit_test(test_subject_long_and_emoji),
		cmocka_unit_test(test_subject_refused),
		cmocka_unit_test(test_build_parses_back),
		cmocka_unit_test(test_build_is_deterministic_per_job),
		cmocka_unit_test(test_build_text_only_and_ascii_names),
		cmocka_unit_test(test_long_display_name_folds),
		cmocka_unit_test(test_build_refuses_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
