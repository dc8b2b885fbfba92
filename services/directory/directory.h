/*
 * directory.h - what the directory's modules share.
 *
 * The front (front.c) owns the ROUTER socket the gateways talk to.  Cheap
 * requests (ping, health, searches from memory) it answers itself; the rest
 * go to a free worker of the pool (workers.c), each with its own PostgreSQL
 * connection, and the replies come back the same way.
 */
#ifndef TJ_DIRECTORY_H
#define TJ_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "envelope.pb-c.h"
#include "healthwatch.h"
#include "reply.h"

struct search;
struct messages;
struct simclock;

/* The review's settings (docs/selfservice.md "The review"), read and
 * checked at start by review_settings_load (review.h). */
#define REVIEW_REMINDERS_MAX 4
struct review_settings {
	int months; /* TARJOTIN_REVIEW_MONTHS: due = assured + months */
	int reminder_days[REVIEW_REMINDERS_MAX]; /* ascending */
	int n_reminders;
	int unverified_days;
	int hidden_days;
	int link_days;
	int every_s;
};

/* Contact requests' settings (docs/contactrequests.md "Configuration"),
 * read and checked at start by cr_settings_load (cr_settings.h). */
struct cr_settings {
	int escalate[3];       /* TARJOTIN_CR_ESCALATE: multiples of the promise, ascending */
	int retention_days;    /* TARJOTIN_CR_RETENTION_DAYS: erase this long after the end */
	int expiry_days;       /* TARJOTIN_CR_EXPIRY_DAYS: an untouched request expires */
	int every_s;           /* TARJOTIN_CR_EVERY_S: the scheduler's interval */
	int max_activities;    /* TARJOTIN_CR_MAX_ACTIVITIES: activities in one send (the tray) */
	bool contact_in_email; /* TARJOTIN_CR_CONTACT_IN_EMAIL: client data in the NGO's e-mail */
};

struct zcurve;

struct directory {
	const char *instance;
	const char *conninfo;
	const struct healthwatch *pg; /* PostgreSQL's health, checked by main's watch */
	struct search *search;        /* search.h: the index and its ranking cache */
	struct messages *messages;    /* messages.h: the data key and the templates */
	const char *public_url;       /* TARJOTIN_PUBLIC_URL, validated: sign-in links */
	struct simclock *clock;       /* simclock.h: the review's clock (moved in tests) */
	struct review_settings review;
	struct cr_settings cr;
	const struct zcurve *curve; /* zcurve.h: this service's CURVE keys */
};

/* One worker thread's own resources. */
struct worker {
	struct directory *dir;
	PGconn *db;          /* connected lazily, reset when it went bad */
	uint64_t pg_outages; /* PostgreSQL outages seen when db was last checked */
	uint64_t request_id; /* the call being served: its log lines name it */
	int index;
};

/*
 * A request handler: fills 'reply' (status, error, error_field) and, on
 * success, its payload (malloc'ed; freed by the caller).  Runs on a worker
 * thread.
 */
typedef void (*handler_fn)(struct worker *w, const Tarjotin__Envelope *req,
			   Tarjotin__Envelope *reply);

/* The handler for a message type, or NULL (handlers.c). */
handler_fn handlers_find(Tarjotin__MsgType type);

#endif
