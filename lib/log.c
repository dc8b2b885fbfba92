#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"
#include "banned.h"

#define LOG_LINE_MAX 4096  /* PIPE_BUF */
#define LOG_VALUE_MAX 2048 /* first try; halved until the line fits */

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

/* The line is written with one write(2); up to PIPE_BUF bytes such writes
 * do not interleave with other threads' and processes' lines on a pipe. */

static void put_pair(struct strbuf *l, const char *k, const char *v, size_t max)
{
	strbuf_add(l, ",", 1);
	strbuf_json_str(l, k);
	strbuf_add(l, ":", 1);
	strbuf_json_strn(l, v ? v : "", max);
}

/* One whole line, each value at most max bytes inside its quotes. */
static void render(struct strbuf *l, enum log_level level, const char *stamp, const char *event,
		   va_list ap, size_t max)
{
	const char *k;

	l->len = 0;
	strbuf_adds(l, "{\"ts\":\"");
	strbuf_adds(l, stamp);
	strbuf_add(l, "\"", 1);
	put_pair(l, "level", level_names[level], max);
	put_pair(l, "service", log_service, max);
	if (*log_instance)
		put_pair(l, "instance", log_instance, max);
	put_pair(l, "event", event, max);
	while ((k = va_arg(ap, const char *)) != NULL)
		put_pair(l, k, va_arg(ap, const char *), max);
	strbuf_add(l, "}\n", 2);
}

void log_event(enum log_level level, const char *event, ...)
{
	struct strbuf l = STRBUF_INIT;
	struct timespec ts;
	struct tm tm;
	char stamp[64];
	va_list ap;

	if (level < log_threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!gmtime_r(&ts.tv_sec, &tm))
		memset(&tm, 0, sizeof(tm));
	snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(ts.tv_nsec / 1000000));
	/* Shorten the values, never the line: each value is shortened at a
	 * character boundary with a marker until the line fits. */
	for (size_t max = LOG_VALUE_MAX;; max /= 2) {
		va_start(ap, event);
		render(&l, level, stamp, event, ap, max);
		va_end(ap);
		if (l.len <= LOG_LINE_MAX || max < 32)
			break;
	}
	if (write(STDERR_FILENO, l.p, l.len) < 0) {
		/* nowhere left to report it */
	}
	strbuf_release(&l);
}
