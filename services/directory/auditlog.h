/*
 * auditlog.h - the audit log's calls: events only the gateway sees
 * (MSG_AUDIT_WRITE: sign-out, sign-out everywhere) and the admin's
 * filtered listing (MSG_AUDIT_LIST).
 */
#ifndef TJ_AUDITLOG_H
#define TJ_AUDITLOG_H

#include "directory.h"

/* Worker handlers (handler_fn). */
void auditlog_write(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void auditlog_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
