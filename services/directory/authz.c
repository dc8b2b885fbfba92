/*
 * authz.c - see authz.h.
 */
#include <stddef.h>
#include <string.h>

#include "authz.h"
#include "reply.h"
#include "uuid.h"
#include "banned.h"

#define SMS_PROVIDER "sms_provider"
#define STATS_SERVICE "stats" /* the principal stats sends (docs/statistics.md section 5) */

static const struct {
	Tarjotin__MsgType type;
	enum authz_rule rule;
} rules[] = {
	{ TARJOTIN__MSG_TYPE__MSG_UNKNOWN, AUTHZ_NEVER },
	{ TARJOTIN__MSG_TYPE__MSG_BATCH, AUTHZ_NEVER },
	{ TARJOTIN__MSG_TYPE__MSG_SNAPSHOT_NOTICE, AUTHZ_NEVER }, /* the directory sends it */
	{ TARJOTIN__MSG_TYPE__MSG_PING, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_HEALTH, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_SEARCH, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_GET, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_ORGANIZATION_GET, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_LIST, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_MUNICIPALITY_LIST, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_HSDS, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_SEND, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_GET, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_REQUEUE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_DELIVERY_REPORT, AUTHZ_SMS_PROVIDER },
	{ TARJOTIN__MSG_TYPE__MSG_AUTH_SIGNIN, AUTHZ_PRESIGNIN },
	{ TARJOTIN__MSG_TYPE__MSG_AUTH_FAILED, AUTHZ_PRESIGNIN },
	{ TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_REQUEST, AUTHZ_PRESIGNIN },
	{ TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_CONSUME, AUTHZ_PRESIGNIN },
	{ TARJOTIN__MSG_TYPE__MSG_AUDIT_WRITE, AUTHZ_SIGNED_IN },
	{ TARJOTIN__MSG_TYPE__MSG_USER_SITE_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_USER_SITE_SAVE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_INVITE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_UPDATE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_AUDIT_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_LIST, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_ADD, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_REMOVE, AUTHZ_ADMIN_OR_EDITOR },
	/* Issue 13 (docs/selfservice.md): organisation-scoped calls check the
	 * organisation in their handlers with authz_org. */
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_SUBMIT, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_DECIDE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_ORGANIZATIONS, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_GET, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_SAVE, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_ACTIVITIES, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CREATE, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_EDIT_GET, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_SAVE, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_STATUS, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CONFIRM, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_HISTORY_LIST, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_PEEK, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_CONFIRM, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_REPORT, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_ADMIN_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_TERM_SAVE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_CR_CONSENT, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_CR_SEND, AUTHZ_PROFESSIONAL },
	{ TARJOTIN__MSG_TYPE__MSG_CR_MINE, AUTHZ_PROFESSIONAL },
	{ TARJOTIN__MSG_TYPE__MSG_CR_MINE_GET, AUTHZ_PROFESSIONAL },
	{ TARJOTIN__MSG_TYPE__MSG_CR_INBOX, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_CR_OPEN, AUTHZ_ADMIN_OR_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_CR_STATUS, AUTHZ_EDITOR },
	{ TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW_PEEK, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_SMS_INCOMING, AUTHZ_SMS_PROVIDER },
	/* Issue 15 (docs/statistics.md). */
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_LIST, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_SAVE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_GET, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_SEND, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_CLOSE, AUTHZ_ADMIN },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_PEEK, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_ANSWER, AUTHZ_PUBLIC },
	{ TARJOTIN__MSG_TYPE__MSG_STATS_REPORT, AUTHZ_NEVER }, /* stats answers it, not we */
	{ TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE, AUTHZ_STATS_SERVICE },
};

int authz_rule_of(Tarjotin__MsgType type, enum authz_rule *rule)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].type == type) {
			*rule = rules[i].rule;
			return 0;
		}
	return -1;
}

/* A person signed in: a known human role with an account id. */
static bool person(const Tarjotin__Principal *p)
{
	if (!p || !uuid_valid(p->account_id))
		return false;
	return p->role == TARJOTIN__ROLE__ROLE_PROFESSIONAL ||
	       p->role == TARJOTIN__ROLE__ROLE_EDITOR || p->role == TARJOTIN__ROLE__ROLE_ADMIN ||
	       p->role == TARJOTIN__ROLE__ROLE_FUNDER;
}

static bool anonymous(const Tarjotin__Principal *p)
{
	if (!p || p->role == TARJOTIN__ROLE__ROLE_ANONYMOUS)
		return true;
	if (p->role == TARJOTIN__ROLE__ROLE_SERVICE)
		return !*p->account_id;
	return !person(p); /* a malformed principal counts as nobody */
}

const char *authz_role_name(const Tarjotin__Principal *p)
{
	if (!p)
		return "anonymous";
	switch (p->role) {
	case TARJOTIN__ROLE__ROLE_PROFESSIONAL:
		return "professional";
	case TARJOTIN__ROLE__ROLE_EDITOR:
		return "editor";
	case TARJOTIN__ROLE__ROLE_ADMIN:
		return "admin";
	case TARJOTIN__ROLE__ROLE_FUNDER:
		return "funder";
	case TARJOTIN__ROLE__ROLE_SERVICE:
		return "service";
	default:
		return "anonymous";
	}
}

static bool allowed(enum authz_rule rule, const Tarjotin__Principal *p)
{
	switch (rule) {
	case AUTHZ_PUBLIC:
	case AUTHZ_PRESIGNIN:
		return true;
	case AUTHZ_SIGNED_IN:
		return person(p);
	case AUTHZ_ADMIN:
		return person(p) && p->role == TARJOTIN__ROLE__ROLE_ADMIN;
	case AUTHZ_ADMIN_OR_EDITOR:
		return person(p) && (p->role == TARJOTIN__ROLE__ROLE_ADMIN ||
				     p->role == TARJOTIN__ROLE__ROLE_EDITOR);
	case AUTHZ_PROFESSIONAL:
		return person(p) && p->role == TARJOTIN__ROLE__ROLE_PROFESSIONAL &&
		       uuid_valid(p->user_site_id);
	case AUTHZ_EDITOR:
		return person(p) && p->role == TARJOTIN__ROLE__ROLE_EDITOR;
	case AUTHZ_SMS_PROVIDER:
		return p && p->role == TARJOTIN__ROLE__ROLE_SERVICE &&
		       !strcmp(p->account_id, SMS_PROVIDER);
	case AUTHZ_STATS_SERVICE:
		return p && p->role == TARJOTIN__ROLE__ROLE_SERVICE &&
		       !strcmp(p->account_id, STATS_SERVICE);
	case AUTHZ_NEVER:
	default:
		return false;
	}
}

int authz_check(Tarjotin__MsgType type, const Tarjotin__Principal *p, Tarjotin__Envelope *reply)
{
	enum authz_rule rule;

	if (authz_rule_of(type, &rule) || rule == AUTHZ_NEVER) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "forbidden", "type",
			       "no call of type %d is allowed", (int)type);
		return -1;
	}
	if (allowed(rule, p))
		return 0;
	if (anonymous(p))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAUTHORIZED, "unauthorized", NULL,
			       "sign in first");
	else
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "forbidden", NULL,
			       "not allowed for this account");
	return -1;
}

bool authz_org(const Tarjotin__Principal *p, const char *org_id)
{
	if (!person(p))
		return false;
	if (p->role == TARJOTIN__ROLE__ROLE_ADMIN)
		return true;
	if (p->role != TARJOTIN__ROLE__ROLE_EDITOR || !org_id)
		return false;
	for (size_t i = 0; i < p->n_organization_ids; i++)
		if (!strcmp(p->organization_ids[i], org_id))
			return true;
	return false;
}
