/*
 * authz.h - who may make which call: one rule per message type
 * (docs/identity.md "Authorization").  A type without a rule is refused
 * (default deny).  workers.c checks every request here before its handler
 * runs; handlers of organisation-scoped calls check the organisation with
 * authz_org.
 */
#ifndef TJ_AUTHZ_H
#define TJ_AUTHZ_H

#include <stdbool.h>

#include "envelope.pb-c.h"

enum authz_rule {
	AUTHZ_NEVER,           /* not a request (MSG_UNKNOWN, MSG_BATCH) */
	AUTHZ_PUBLIC,          /* anyone */
	AUTHZ_PRESIGNIN,       /* anyone: the gateway is the authenticator */
	AUTHZ_SIGNED_IN,       /* any signed-in person */
	AUTHZ_ADMIN,           /* admins */
	AUTHZ_ADMIN_OR_EDITOR, /* admins, and editors (the handler checks the organisation) */
	AUTHZ_SMS_PROVIDER,    /* the service "sms_provider" */
	AUTHZ_PROFESSIONAL,    /* professionals (the handler checks the record is theirs) */
	AUTHZ_EDITOR,          /* editors (the handler checks the organisation) */
	AUTHZ_STATS_SERVICE,   /* the service "stats" (coverage for the reports) */
};

/* The rule of 'type' into *rule.  Returns 0, or -1 when the type has none. */
int authz_rule_of(Tarjotin__MsgType type, enum authz_rule *rule);

/* The audit log's name of the principal's role: "anonymous",
 * "professional", "editor", "admin" or "service" (a static string). */
const char *authz_role_name(const Tarjotin__Principal *p);

/*
 * Whether 'p' (NULL: anonymous) may make a call of 'type'.  Returns 0, or
 * -1 with 'reply' filled: STATUS_UNAUTHORIZED with error_code
 * "unauthorized" when nobody (or a malformed principal) is signed in,
 * STATUS_FORBIDDEN with "forbidden" otherwise.
 */
int authz_check(Tarjotin__MsgType type, const Tarjotin__Principal *p, Tarjotin__Envelope *reply);

/* Whether 'p' may act for the organisation 'org_id': an admin always, an
 * editor when p->organization_ids holds it. */
bool authz_org(const Tarjotin__Principal *p, const char *org_id);

#endif
