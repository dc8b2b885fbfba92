/*
 * job.h - one job from start to recorded outcome:
 *
 *   1. not a job we can do anything with -> dead letter at once;
 *   2. no longer pending for us (another consumer took it over) -> left alone;
 *   3. tj:notify:sent:<job> exists -> it was sent: XACK, done;
 *   4. SET tj:notify:sending:<job> ... GET: an old value means a consumer died
 *      between handing the message over and recording it, so this send may
 *      be a duplicate: counted (the possible-duplicates key) and logged; a job
 *      cut off TARJOTIN_NOTIFY_MAX_INTERRUPTED times is dead-lettered;
 *   5. rendered (render.h) and handed over (deliver.h);
 *   6. in one MULTI/EXEC (stream_transact_until_done): the sent record (or
 *      the delayed retry with backoff, or the dead letter), the status report
 *      on the status stream, XACK, XDEL and DEL of the marker.
 */
#ifndef TJ_JOB_H
#define TJ_JOB_H

#include <stdatomic.h>
#include <stdbool.h>

#include <curl/curl.h>

#include "deliver.h"
#include "render.h"
#include "stream.h"

/* Shared by every worker thread; the counters are only added to. */
struct job_context {
	const struct stream_names *names;
	const struct render_config *render;
	const struct deliver_config *deliver;
	long backoff_ms, backoff_cap_ms, max_attempts, max_interrupted;
	atomic_ulong sent, retried, dead, skipped, possible_dups, not_ours;
};

/*
 * Deals with job j read on connection c, sending with 'curl' (the thread's
 * handle).  'waited': j waited its turn behind others of its batch, so
 * another consumer may have taken it over meanwhile (checked with XPENDING
 * first); the first job of a batch was read or claimed just now.  Returns 0 when it was dealt with (its outcome recorded, or left
 * to the consumer that owns it now), -1 when Redis failed before anything was
 * sent (the entry stays pending and is read again) or the process is stopping
 * while an outcome waits for Redis.
 */
int job_process(struct job_context *ctx, struct stream_conn *c, CURL *curl, bool waited,
		const struct stream_job *j);

#endif
