#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "banned.h"

#define LOG_LINE_MAX 4096

static const char *log_service = "tarjotin";
static const char *log_instance = "";
static enum log_level log_threshold = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error", "fatal" };

void log_init(const char *service, const char *instance)
{
	const char *lv = getenv("TARJOTIN_LOG_LEVEL");

	log_service = service;
	log_instance = instance ? instance : "";
	if (lv) {
		for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
			if (!strcasecmp(lv, level_names[i]))
				log_threshold = (enum log_level)i;
	}
}

struct line {
	char buf[LOG_LINE_MAX];
	size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 2 - l->len)
		n = sizeof(l->buf) - 2 - l->len; /* keep room for "}\n" */
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* Appends s as a JSON string body, escaping what JSON requires. */
static void put_escaped(struct line *l, const char *s)
{
	char esc[8];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(l, esc, 6);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
}

static void put_pair(struct line *l, const char *k, const char *v)
{
	put(l, ",\"", 2);
	put_escaped(l, k);
	put(l, "\":\"", 3);
	put_escaped(l, v ? v : "");
	put(l, "\"", 1);
}

void log_event(enum log_level level, const char *event, ...)
{
	struct line l = { .len = 0 };
	struct timespec ts;
	struct tm tm;
	char stamp[64];
	va_list ap;
	const char *k;

	if (level < log_threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
	put(&l, "{\"ts\":\"", 7);
	put(&l, stamp, strlen(stamp));
	put(&l, "\"", 1);
	put_pair(&l, "level", level_names[level]);
	put_pair(&l, "service", log_service);
	if (*log_instance)
		put_pair(&l, "instance", log_instance);
	put_pair(&l, "event", event);
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL)
		put_pair(&l, k, va_arg(ap, const char *));
	va_end(ap);
	l.buf[l.len++] = '}';
	l.buf[l.len++] = '\n';
	if (write(STDERR_FILENO, l.buf, l.len) < 0) {
		/* nowhere left to report it */
	}
}
