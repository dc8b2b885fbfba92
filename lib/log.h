/*
 * log.h - one JSON object per line on stderr.
 *
 *   {"ts":"2026-11-23T20:11:15.123Z","level":"info","service":"gateway",
 *    "instance":"gw-1","event":"listening","port":"8080"}
 *
 * Fields are key/value string pairs ended by NULL.  Never log client contact
 * data: a field's value is whatever the caller passes, so the caller decides.
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef TJ_LOG_H
#define TJ_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL };

/* Names the service and instance put on every line; call once at start.
 * TARJOTIN_LOG_LEVEL (debug, info, warn, error) sets the threshold. */
void log_init(const char *service, const char *instance);

void log_event(enum log_level level, const char *event, ...) __attribute__((sentinel));

#define log_debug(...) log_event(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_event(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_event(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__)
#define log_fatal(...) log_event(LOG_FATAL, __VA_ARGS__)

#endif
