/*
 * crmine.h - the professional's own contact requests
 * (docs/contactrequests.md "A request as the lists and pages show it"):
 * the list with each request's history, and one request with the client's
 * data opened (audited).  Only the sender sees a request: another's is
 * NOT_FOUND, so that ids tell nothing.
 */
#ifndef TJ_CRMINE_H
#define TJ_CRMINE_H

#include "directory.h"

/* MSG_CR_MINE (82): json {"page","per_page"}: {"items","total","page",
 * "per_page"} of the principal's requests, newest first, with history;
 * no client data opened. */
void crmine_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_CR_MINE_GET (83): DocCall id the request: the request with "client"
 * (opened, the audit row contact_request.open written) and "history". */
void crmine_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
