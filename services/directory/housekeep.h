/*
 * housekeep.h - the directory's hourly housekeeping: the audit log's retention
 * purge and the removal of login links a week past their expiry
 * (audit_purge).  Every instance runs the thread; only the one holding the
 * PostgreSQL advisory lock HOUSEKEEP_LOCK does the work, so it runs once per
 * hour however many instances there are.
 */
#ifndef TJ_HOUSEKEEP_H
#define TJ_HOUSEKEEP_H

struct housekeep;

/*
 * Starts the thread: a purge soon after start, then every hour, deleting
 * audit rows older than retention_days.  NULL when the thread cannot be
 * started (logged).  housekeep_stop ends it; the process's stop signal
 * (sig.h) wakes it.
 */
struct housekeep *housekeep_start(const char *conninfo, long retention_days);

/* Stops and joins the thread (sig_request_stop() first wakes it at once);
 * accepts NULL; NULLs *sp. */
void housekeep_stop(struct housekeep **sp);

#endif
