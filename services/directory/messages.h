/*
 * messages.h - the directory's side of messaging: queueing a message (the
 * notification row and its outbox row in one transaction), the admin
 * listings and re-queueing dead letters (delivery reports: dlr.h).
 */
#ifndef TJ_MESSAGES_H
#define TJ_MESSAGES_H

#include "directory.h"

#include <stdbool.h>

#include "dlrrule.h"

/* The messaging state: the data key (TARJOTIN_DATA_KEY), the templates
 * folder (TARJOTIN_TEMPLATES_DIR) and the delivery reports' window, read at
 * start.  Without a usable key
 * messaging calls answer STATUS_UNAVAILABLE (logged once here), everything
 * else works.  messages_destroy() wipes the key, frees (NULL is fine) and
 * NULLs *msp. */
struct messages *messages_new(void);
void messages_destroy(struct messages **msp);

/* The data key, or NULL when messaging is not configured. */
const struct seal_key *messages_key(const struct messages *ms);

/* The delivery reports' window (dlrrule.h), read at start. */
const struct dlrrule_window *messages_dlr_window(const struct messages *ms);

/* Worker handlers (see handler_fn); they use w->dir->messages. */
void messages_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_dead_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void messages_requeue(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
