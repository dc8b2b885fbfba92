/*
 * crsched.h - the contact requests' scheduler (docs/contactrequests.md "The
 * scheduler"): at clock time T it reminds the NGO at due_1, tells its
 * editors at due_2, the admins and the sending professional at due_3,
 * expires an untouched request at expires_at and erases the client's data
 * at purge_at; each stage once.  Every instance runs the thread (sched.h);
 * only the one holding the advisory lock CRSCHED_LOCK does a round.
 */
#ifndef TJ_CRSCHED_H
#define TJ_CRSCHED_H

#include "directory.h"

/* Any constant will do, as long as every instance uses the same one and it
 * differs from the migrations', the outbox's, the housekeeping's and the
 * review's. */
#define CRSCHED_LOCK "7305192047110140"

struct crsched;

/*
 * Starts the scheduler on 'dir' (its conninfo, clock, cr settings, data key
 * and public URL; all must outlive the thread): a first round 2 s after
 * start, then every cr.every_s, and with a test clock also within 100 ms of
 * each change of the offset.  NULL when the thread cannot be started
 * (logged).
 */
struct crsched *crsched_start(struct directory *dir);

/* Stops and joins the thread; accepts NULL; NULLs *cp. */
void crsched_stop(struct crsched **cp);

#endif
