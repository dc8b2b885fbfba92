/*
 * stream.h - notify's Redis plumbing: one connection per worker thread, the
 * consumer group "notify" on the job streams, reading new and own pending
 * entries (XREADGROUP), taking over entries of a dead consumer (XAUTOCLAIM),
 * moving due retries from the delayed ZSET to the retry stream, and running
 * an outcome's commands as one MULTI/EXEC until Redis takes them.
 *
 * hiredis' rules that bite: freeReplyObject every reply; after any error the
 * context is unusable, so it is freed (stream_drop) and made anew.
 */
#ifndef TJ_STREAM_H
#define TJ_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define STREAM_GROUP "notify"
#define STREAM_MAX_ARGS 40
#define STREAM_CLAIM_MAX 50 /* never more entries per XAUTOCLAIM than this */

/* The Redis names, all derived from TARJOTIN_NOTIFY_STREAM ("tj:notify"). */
struct stream_names {
	char *stream;       /* jobs, fed by the relay */
	char *retry_stream; /* <stream>:retry, jobs whose backoff ran out */
	char *status_stream;
	char *dead_stream;
	char *delayed_key; /* ZSET of jobs waiting for their backoff */
	char *dup_key;     /* the possible-duplicates counter */
};

/* Fills n from the base name (copies; out of memory aborts). */
void stream_names_init(struct stream_names *n, const char *base);

/* Frees what stream_names_init made; n is zeroed. */
void stream_names_release(struct stream_names *n);

/* What the plumbing needs to know; validated by main at start. */
struct stream_config {
	const char *redis_addr;
	const struct stream_names *names;
	long claim_ms;        /* idle time after which an entry is taken over */
	long send_timeout_ms; /* the longest one send may take */
	long batch;           /* entries per XREADGROUP */
};

/* One worker thread's connection and reading position (embedded). */
struct stream_conn {
	const struct stream_config *cfg;
	char consumer[160];
	redisContext *rc; /* NULL while Redis is away */
	bool pending;     /* read our own pending entries first */
	int64_t next_claim_us, next_move_us;
};

/* A job entry as read from a stream; the strings point into the reply that
 * the batch holds (valid until stream_batch_release).  Missing fields are
 * NULL. */
struct stream_job {
	const char *stream, *id;
	const char *job_id, *channel, *template_, *lang, *recipient, *vars, *outbox_id;
	const char *vars_enc; /* sealed vars, base64 (a sign-in link's); NULL: none */
	int attempt;
};

/* The entries one read returned (embedded; release it after use). */
struct stream_batch {
	redisReply *replies[2];
	struct stream_job *jobs;
	size_t n;
};

/* A command as an argument vector, for stream_transact_until_done. */
struct stream_args {
	const char *v[STREAM_MAX_ARGS];
	int n;
};

/* Appends s to a (silently ignores more than STREAM_MAX_ARGS: our own
 * commands are far shorter). */
void stream_arg(struct stream_args *a, const char *s);

/* Prepares c for consumer 'consumer' (copied); connects lazily. */
void stream_conn_init(struct stream_conn *c, const struct stream_config *cfg, const char *consumer);

/* Closes the connection; c can be used again (it reconnects). */
void stream_conn_release(struct stream_conn *c);

/* Frees the context after an error, so that the next call reconnects. */
void stream_drop(struct stream_conn *c);

/* Connects when needed and makes sure the group exists on both job streams
 * (from 0: jobs relayed before any notify ran are not skipped).  Returns 0,
 * or -1 when Redis cannot be reached. */
int stream_ensure(struct stream_conn *c);

/*
 * How many entries one XAUTOCLAIM may take: as many as can be sent one after
 * another within the claim time, so that none of them goes stale again (and
 * is taken over by another instance) before its turn: claim_ms /
 * send_timeout_ms, at least 1, at most STREAM_CLAIM_MAX.
 */
long stream_claim_count(long claim_ms, long send_timeout_ms);

/*
 * Reads new entries (or, first, our own pending ones) of both job streams,
 * blocking up to block_ms, into *b.  Entries deleted while pending are
 * acknowledged here and not returned.  Returns 0 (b may be empty), or -1
 * after a Redis failure (connection dropped).
 */
int stream_read(struct stream_conn *c, int block_ms, struct stream_batch *b);

/*
 * Thread 0's chores, when due: due retries moved from the delayed ZSET to the
 * retry stream, and entries idle longer than claim_ms (their consumer died)
 * taken over, at most stream_claim_count of them per stream, into *b.
 * Returns 0 (b may be empty), or -1 after a Redis failure.
 */
int stream_chores(struct stream_conn *c, struct stream_batch *b);

/* Frees what a read returned; b is empty afterwards. */
void stream_batch_release(struct stream_batch *b);

/*
 * True when entry 'id' of 'stream' is still pending for this consumer: it was
 * not taken over by another one meanwhile.  -1 after a Redis failure.
 */
int stream_still_ours(struct stream_conn *c, const char *stream, const char *id);

/*
 * Runs the commands as one MULTI/EXEC, again and again (every 200 ms, logging
 * once) until Redis takes them or the process is stopping.  Returns 0, or -1
 * when stopping first.
 */
int stream_transact_until_done(struct stream_conn *c, struct stream_args *cmds, int ncmds);

#endif
