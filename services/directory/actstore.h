/*
 * actstore.h - the activity document in the tables: read as one document
 * (activity_edit_doc of migration 0041), written from a validated one
 * (activities, the join rows, contacts, meeting places), and the stamps of
 * a save (version, status, the review's assured date).  Everything runs in
 * the transaction the caller has open.
 */
#ifndef TJ_ACTSTORE_H
#define TJ_ACTSTORE_H

#include <stdbool.h>

#include <jansson.h>

#include "directory.h"

/* The review period in months (TARJOTIN_REVIEW_MONTHS; 6 when the
 * settings hold none): due_date = assured_date + this. */
int actstore_months(const struct worker *w);

/*
 * Locks the activity 'id' (SELECT ... FOR UPDATE) when 'lock', and reads
 * its document into *doc (a new object; json_decref it).  Returns 1, 0
 * when there is no such activity (*doc NULL), or -1 with reply filled.
 */
int actstore_load(struct worker *w, const char *id, bool lock, json_t **doc,
		  Tarjotin__Envelope *reply);

/*
 * Inserts a new activity of organisation 'org' with the name and status of
 * the validated document 'doc' and writes the rest of it (actstore_write);
 * its id goes into id (UUID_STR_SIZE bytes).  Returns 0, or -1 with reply
 * filled.
 */
int actstore_create(struct worker *w, const char *org, const json_t *doc, char *id,
		    Tarjotin__Envelope *reply);

/*
 * Writes the writable fields of the validated document 'doc' into the
 * activity 'id': its row, its needs, kinds, target groups, municipalities
 * and languages, its contacts (replaced), and its meeting places (the
 * organisation's locations: an equal one is reused, a new one made; a
 * location no activity links any more after the save is deleted).  The
 * version and the status stay.  Returns 0, or -1 with reply filled.
 */
int actstore_write(struct worker *w, const char *id, const json_t *doc, Tarjotin__Envelope *reply);

/*
 * The stamps of a save of activity 'id': the version goes up by 'bump'
 * (0 or 1); the status becomes 'status' (NULL: stays); when the status is
 * then published, published_at is set if it was not, and the save is a
 * verification: assured_date := the Finnish date of the clock's time
 * 'now_iso', assurer := the e-mail of account 'account', freshness :=
 * 'current'.  Returns 0, or -1 with reply filled.
 */
int actstore_stamp(struct worker *w, const char *id, int bump, const char *status,
		   const char *now_iso, const char *account, Tarjotin__Envelope *reply);

#endif
