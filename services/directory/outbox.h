/*
 * outbox.h - the directory's two messaging threads.
 *
 * The relay moves outbox rows to the Redis Stream tj:notify.  Only the
 * instance holding the PostgreSQL advisory lock OUTBOX_LOCK relays; the
 * others try again every second.  It is woken by NOTIFY tarjotin_outbox
 * (sent in the inserting transaction) or a 200 ms poll, reads up to 100
 * unrelayed rows, gives each a stream sequence (see 0020_messaging.sql),
 * XADDs it with the explicit ID "<seq>-1" and marks it relayed.  Redis
 * down: rows wait.
 *
 * A refusal as "equal or smaller" counts as relayed only when the stream
 * holds that entry for the same job or notify has taken it (its sent record,
 * or a status past queued); otherwise the stream is ahead of the database
 * (PostgreSQL reset while Redis kept the stream): the row waits, and the
 * relay logs an error (every 10 s at most) with the count of refusals.
 *
 * The status consumer reads notify's reports from tj:notify:status in the
 * consumer group "directory" and applies them (reports.h) to the
 * notifications table, acknowledging only what was committed, so no report
 * is lost when PostgreSQL or the directory restarts; a bad report is set
 * aside, never re-read for ever.  Every instance runs one.
 */
#ifndef TJ_OUTBOX_H
#define TJ_OUTBOX_H

#include "directory.h"

/* The advisory lock key of the relay (SQL text, a bigint). */
#define OUTBOX_LOCK "7468020004"

struct outbox;

/* Starts both threads (they connect lazily and ride out restarts of
 * PostgreSQL and Redis).  Returns NULL only when a thread cannot start. */
struct outbox *outbox_start(struct directory *dir);

/* How often the relay found the stream ahead of the database (a row refused
 * as "equal or smaller" that was not relayed), since start; for /metrics. */
unsigned long outbox_stream_ahead_total(struct outbox *o);

/* Stops and joins the threads, frees, NULLs *op; accepts NULL. */
void outbox_stop(struct outbox **op);

#endif
