/*
 * outbox.h - the directory's two messaging threads.
 *
 * The relay moves outbox rows to the Redis Stream tj:notify.  Only the
 * instance holding the PostgreSQL advisory lock OUTBOX_LOCK relays; the
 * others try again every second.  It is woken by NOTIFY tarjotin_outbox
 * (sent in the inserting transaction) or a 200 ms poll, reads up to 100
 * unrelayed rows, gives each a stream sequence (see 0020_messaging.sql),
 * XADDs it with the explicit ID "<seq>-1" (a refusal as "equal or smaller"
 * means it is there already) and marks it relayed.  Redis down: rows wait.
 *
 * The status consumer reads notify's reports from tj:notify:status in the
 * consumer group "directory" and applies them to the notifications table,
 * acknowledging only what was committed, so no report is lost when
 * PostgreSQL or the directory restarts.  Every instance runs one.
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

/* Stops and joins the threads, frees, NULLs *op; accepts NULL. */
void outbox_stop(struct outbox **op);

#endif
