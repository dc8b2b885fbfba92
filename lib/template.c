#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "file.h"
#include "template.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char *const part_ext[] = { "subject", "txt", "html", "sms" };

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int template_name_valid(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	for (n = 0; name[n]; n++)
		if (!key_char(name[n]) || n >= TEMPLATE_MAX_NAME)
			return 0;
	return n > 0;
}

static void html_escape_add(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			strbuf_add(b, "&amp;", 5);
			break;
		case '<':
			strbuf_add(b, "&lt;", 4);
			break;
		case '>':
			strbuf_add(b, "&gt;", 4);
			break;
		case '"':
			strbuf_add(b, "&quot;", 6);
			break;
		case '\'':
			strbuf_add(b, "&#39;", 5);
			break;
		default:
			strbuf_add(b, s, 1);
		}
	}
}

char *template_render(const char *dir, const char *name, const char *lang, enum template_part part,
		      const struct template_var *vars, size_t nvars, char *err, size_t errlen)
{
	struct strbuf out = { 0 };
	char *path = NULL, *src = NULL, *result = NULL;
	const char *p, *open, *close;

	if (!dir || !template_name_valid(name)) {
		errmsg(err, errlen, "template name must be 1 to %d characters of a-z, 0-9 and '_'",
		       TEMPLATE_MAX_NAME);
		goto out;
	}
	if ((unsigned)part > TEMPLATE_SMS) {
		errmsg(err, errlen, "template part is unknown");
		goto out;
	}
	if (!lang || (strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en")))
		lang = TEMPLATE_FALLBACK_LANG;
	path = xasprintf("%s/%s/%s.%s", dir, name, lang, part_ext[part]);
	src = file_read(path, TEMPLATE_MAX_FILE, NULL, NULL, 0);
	if (!src && errno == ENOENT && strcmp(lang, TEMPLATE_FALLBACK_LANG)) {
		free(path);
		path = xasprintf("%s/%s/%s.%s", dir, name, TEMPLATE_FALLBACK_LANG, part_ext[part]);
		src = file_read(path, TEMPLATE_MAX_FILE, NULL, NULL, 0);
	}
	if (!src) {
		if (errno == ENOENT)
			errmsg(err, errlen, "template '%s' has no %s part", name, part_ext[part]);
		else if (errno == EFBIG)
			errmsg(err, errlen, "template file '%s' is larger than %d bytes", path,
			       TEMPLATE_MAX_FILE);
		else
			errmsg(err, errlen, "cannot read template file '%s': %s", path,
			       strerror(errno));
		goto out;
	}
	strbuf_add(&out, "", 0);
	for (p = src; (open = strstr(p, "{{")); p = close + 2) {
		const char *k, *value = NULL;
		size_t klen, i;

		strbuf_add(&out, p, (size_t)(open - p));
		k = open + 2;
		for (klen = 0; key_char(k[klen]); klen++)
			;
		close = k + klen;
		if (klen == 0 || strncmp(close, "}}", 2)) {
			errmsg(err, errlen, "template file '%s' has a malformed placeholder", path);
			goto out;
		}
		for (i = 0; i < nvars; i++)
			if (vars[i].key && strlen(vars[i].key) == klen &&
			    !strncmp(vars[i].key, k, klen)) {
				value = vars[i].value;
				break;
			}
		if (!value) {
			errmsg(err, errlen, "template '%s' needs a value for '%.*s'", name,
			       (int)klen, k);
			goto out;
		}
		if (part == TEMPLATE_SUBJECT && strpbrk(value, "\r\n")) {
			errmsg(err, errlen, "value of '%.*s' contains a line break", (int)klen, k);
			goto out;
		}
		if (part == TEMPLATE_HTML)
			html_escape_add(&out, value);
		else
			strbuf_add(&out, value, strlen(value));
	}
	strbuf_add(&out, p, strlen(p));
	if (part == TEMPLATE_SUBJECT || part == TEMPLATE_SMS)
		while (out.len && (out.p[out.len - 1] == '\n' || out.p[out.len - 1] == '\r'))
			out.p[--out.len] = '\0';
	result = out.p;
	out.p = NULL;
out:
	free(out.p);
	free(src);
	free(path);
	return result;
}
