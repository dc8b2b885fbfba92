/*
 * principal.h - the principal a call carries, checked against the account
 * as the database has it now.
 *
 * A session holds the principal the directory answered at sign-in.  When an
 * account is disabled, or its role, user site or organisations change, the
 * gateway ends its sessions; should that fail (Redis away at that moment),
 * a session would go on acting with powers the account no longer has.  So
 * every call that needs a signed-in person is also checked here, one
 * primary-key query, before its handler runs.
 */
#ifndef TJ_PRINCIPAL_H
#define TJ_PRINCIPAL_H

#include "directory.h"

/*
 * Checks a call of 'type' by 'p' (authz_check has passed).  Calls whose
 * rule needs a signed-in person (except MSG_AUDIT_WRITE: recording one's
 * own sign-out needs no current account) are refused when the account is
 * gone or disabled (STATUS_UNAUTHORIZED, error_code "session_ended") or no
 * longer has the principal's role, user site or organisations
 * (STATUS_UNAUTHORIZED, "session_stale"): the user signs in again.
 * Returns 0 to go on, or -1 with 'reply' filled.
 */
int principal_current(struct worker *w, Tarjotin__MsgType type, const Tarjotin__Principal *p,
		      Tarjotin__Envelope *reply);

#endif
