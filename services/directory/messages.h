/*
 * messages.h - the directory's side of messaging: queueing a message (the
 * notification row and its outbox row in one transaction), the admin
 * listings, re-queueing dead letters and applying delivery reports.
 */
#ifndef TJ_MESSAGES_H
#define TJ_MESSAGES_H

#include "directory.h"

/* Reads TARJOTIN_DATA_KEY and TARJOTIN_TEMPLATES_DIR.  Returns 0, or -1
 * when the key is missing or bad: messaging calls then answer
 * STATUS_UNAVAILABLE, everything else works.  Call once before the workers. */
int messages_init(void);

/* Worker handlers (see handler_fn). */
void messages_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_dead_list(struct worker *w, const Tarjotin__Envelope *req,
			Tarjotin__Envelope *reply);
void messages_requeue(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_delivery_report(struct worker *w, const Tarjotin__Envelope *req,
			      Tarjotin__Envelope *reply);

#endif
