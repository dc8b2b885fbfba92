/*
 * review.h - the twice-yearly review (docs/selfservice.md "The review"): its
 * settings, and the scheduler thread that asks organisations to confirm
 * their published activities, reminds them, and marks the ones nobody
 * confirmed unverified and then hidden.  Every instance runs the thread;
 * only the one holding the advisory lock REVIEW_LOCK does a round.
 */
#ifndef TJ_REVIEW_H
#define TJ_REVIEW_H

#include <stddef.h>

#include "directory.h"

/*
 * Reads TARJOTIN_REVIEW_* (docs/selfservice.md's table) into s, defaults
 * for unset ones.  Returns 0, or -1 with err naming the variable and the
 * rule it broke (the directory then refuses to start).
 */
int review_settings_load(struct review_settings *s, char *err, size_t errlen);

struct review;

/*
 * Starts the scheduler on 'dir' (its conninfo, clock, review settings,
 * data key and public URL; all must outlive the thread): a first round
 * 2 s after start, then every every_s, and with a test clock also within
 * 100 ms of each change of the offset.  NULL when the thread cannot be
 * started (logged).
 */
struct review *review_start(struct directory *dir);

/* Stops and joins the thread (it wakes at once on the stop signal or on
 * this call); accepts NULL; NULLs *rp. */
void review_stop(struct review **rp);

#endif
