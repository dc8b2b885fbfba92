/*
 * registrations.h - proposing an organisation and the admin's decision
 * (docs/selfservice.md "Registration and approval"): the public
 * submission (MSG_REGISTRATION_SUBMIT), the admin's queue with likely
 * duplicates (MSG_REGISTRATION_LIST) and approving or rejecting one
 * (MSG_REGISTRATION_DECIDE).
 */
#ifndef TJ_REGISTRATIONS_H
#define TJ_REGISTRATIONS_H

#include "directory.h"

/*
 * Worker handlers (handler_fn).
 *
 * registrations_submit: the registration document; every field error at
 * once (BAD_REQUEST invalid_fields), nothing stored then; else one
 * transaction (the pending organisation, its municipalities, contact
 * person, maintainers, audit row and the registration_received e-mail)
 * and {"id","status":"pending"}.  UNAVAILABLE without a data key.
 *
 * registrations_list: body {"status"?} pending (default) | approved |
 * rejected; {"items":[...]} oldest first, at most 200, each with its
 * likely duplicates.
 *
 * registrations_decide: id the organisation, body {"decision":"approve"|
 * "reject","reason"?}; NOT_FOUND, CONFLICT not_pending, CONFLICT
 * role_mismatch (a maintainer's address belongs to a professional or an
 * admin: nothing changes); answers the item as registrations_list shows
 * it, and the existing editors who gained the organisation in
 * revoke_sessions_of.
 */
void registrations_submit(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply);
void registrations_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void registrations_decide(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply);

#endif
