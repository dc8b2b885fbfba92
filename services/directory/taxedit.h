/*
 * taxedit.h - the admin's taxonomy editing (docs/selfservice.md "Admin:
 * taxonomy and the review report"): every term of the three taxonomies,
 * inactive ones too (MSG_TAXONOMY_ADMIN_LIST), and creating or changing
 * one term (MSG_TAXONOMY_TERM_SAVE) with its history and audit rows.  The
 * search follows by itself: the term's change notification refreshes the
 * index, whose text index loads the taxonomies' words again.
 */
#ifndef TJ_TAXEDIT_H
#define TJ_TAXEDIT_H

#include "directory.h"

/* Worker handlers (handler_fn).  taxedit_save: DocCall id "" creates the
 * term named by the body's "id" (409 exists), else changes term id (404
 * not_found); If-Match optional (the term's updated_at in epoch
 * microseconds, 409 version_conflict); field errors all at once. */
void taxedit_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void taxedit_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
