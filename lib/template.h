/*
 * template.h - message templates from files (see templates/README.md).
 *
 * A template is a directory templates/<name>/ with files <lang>.subject,
 * <lang>.txt, <lang>.html and <lang>.sms.  {{key}} is replaced by the value
 * of key; in the HTML part the value is HTML-escaped.
 */
#ifndef TJ_TEMPLATE_H
#define TJ_TEMPLATE_H

#include <stddef.h>

#define TEMPLATE_MAX_FILE (64 * 1024)
#define TEMPLATE_MAX_NAME 64
#define TEMPLATE_FALLBACK_LANG "fi"

enum template_part {
	TEMPLATE_SUBJECT, /* one line, trailing newline removed */
	TEMPLATE_TEXT,
	TEMPLATE_HTML,
	TEMPLATE_SMS, /* trailing newline removed */
};

struct template_var {
	const char *key;
	const char *value;
};

/* 1 when 'name' is 1..TEMPLATE_MAX_NAME characters of [a-z0-9_], else 0. */
int template_name_valid(const char *name);

/* Renders part 'part' of template 'name' in language 'lang' ("fi", "sv"
 * or "en"; NULL, any other value or a missing file falls back to "fi")
 * from directory 'dir', substituting 'vars' (nvars pairs).  Returns the
 * text, freed with free(); NULL with a lower-case reason in 'err' when the
 * name is not [a-z0-9_]+, the template or part does not exist, a file is
 * larger than TEMPLATE_MAX_FILE, a placeholder is malformed or has no
 * value, or (subject only) a value contains a line break. */
char *template_render(const char *dir, const char *name, const char *lang, enum template_part part,
		      const struct template_var *vars, size_t nvars, char *err, size_t errlen);

#endif
