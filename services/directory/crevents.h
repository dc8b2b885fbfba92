/*
 * crevents.h - the stats relay of contact requests (docs/contactrequests.md
 * "Storage and privacy"): a thread in every directory instance that hands
 * each contact_request_events row to stats once, as anonymous usage events.
 *
 * Woken by NOTIFY tarjotin_cr_events (crstore_event) or a 1 s poll, it
 * takes up to CREVENTS_BATCH unpushed rows under FOR UPDATE SKIP LOCKED
 * (instances share the work), sends them as one UsageBatch (kind
 * CONTACT_REQUEST: the event's id, kind, activity, organisation, user site
 * and days; no request id, nothing about the client) over a ZeroMQ PUSH
 * connected to TARJOTIN_STATS_ENDPOINT (default tcp://127.0.0.1:5701) with
 * ZMQ_DONTWAIT and a bounded send queue, and marks them pushed only when
 * the send succeeded.  Stats down: rows wait, nothing else is held up.
 */
#ifndef TJ_CREVENTS_H
#define TJ_CREVENTS_H

#include "directory.h"

#define CREVENTS_BATCH 200

struct crevents;

/* Starts the thread (it connects lazily and rides out restarts of
 * PostgreSQL and stats).  Returns NULL (logged) when it cannot start. */
struct crevents *crevents_start(struct directory *dir);

/* Stops and joins the thread, frees, NULLs *cp; accepts NULL. */
void crevents_stop(struct crevents **cp);

#endif
