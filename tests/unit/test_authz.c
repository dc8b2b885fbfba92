// units: services/directory/authz.c services/directory/reply.c
/*
 * Unit tests for services/directory/authz.c: every message type of
 * envelope.proto has a rule (default deny would otherwise refuse it
 * silently), and each rule lets exactly the intended principals through,
 * refusing the others with the right status and error_code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "authz.h"
#include "reply.h"
#include "banned.h"

#define ACCOUNT "f0000000-0000-4000-8000-000000000001"
#define ORG_A "d0000000-0000-4000-8000-000000000006"
#define ORG_B "d0000000-0000-4000-8000-000000000012"

enum who {
	NOBODY,
	ANON,
	PRO,
	EDITOR,
	ADMIN,
	SMS,
	OTHER_SERVICE,
	BROKEN_ADMIN,
	FUNDER,
	STATS,
	N_WHO
};

static const char *const who_name[N_WHO] = {
	"no principal", "anonymous",     "professional",     "editor", "admin",
	"sms_provider", "other service", "admin without id", "funder", "stats"
};

static char *orgs[1] = { (char *)ORG_A };

/* The principal for 'w' (NULL for NOBODY). */
static const Tarjotin__Principal *principal(enum who w, Tarjotin__Principal *p)
{
	tarjotin__principal__init(p);
	switch (w) {
	case NOBODY:
		return NULL;
	case ANON:
		break;
	case PRO:
		p->role = TARJOTIN__ROLE__ROLE_PROFESSIONAL;
		p->account_id = (char *)ACCOUNT;
		p->user_site_id = (char *)"e0000000-0000-4000-8000-000000000001";
		break;
	case EDITOR:
		p->role = TARJOTIN__ROLE__ROLE_EDITOR;
		p->account_id = (char *)ACCOUNT;
		p->organization_ids = orgs;
		p->n_organization_ids = 1;
		break;
	case ADMIN:
		p->role = TARJOTIN__ROLE__ROLE_ADMIN;
		p->account_id = (char *)ACCOUNT;
		break;
	case SMS:
		p->role = TARJOTIN__ROLE__ROLE_SERVICE;
		p->account_id = (char *)"sms_provider";
		break;
	case OTHER_SERVICE:
		p->role = TARJOTIN__ROLE__ROLE_SERVICE;
		p->account_id = (char *)"mailer";
		break;
	case FUNDER:
		p->role = TARJOTIN__ROLE__ROLE_FUNDER;
		p->account_id = (char *)ACCOUNT;
		break;
	case STATS:
		p->role = TARJOTIN__ROLE__ROLE_SERVICE;
		p->account_id = (char *)"stats";
		break;
	case BROKEN_ADMIN:
		p->role = TARJOTIN__ROLE__ROLE_ADMIN;
		break;
	default:
		break;
	}
	return p;
}

/* Whether 'rule' should let 'w' through: the table of docs/identity.md. */
static bool intended(enum authz_rule rule, enum who w)
{
	switch (rule) {
	case AUTHZ_PUBLIC:
	case AUTHZ_PRESIGNIN:
		return true;
	case AUTHZ_SIGNED_IN:
		return w == PRO || w == EDITOR || w == ADMIN || w == FUNDER;
	case AUTHZ_ADMIN:
		return w == ADMIN;
	case AUTHZ_ADMIN_OR_EDITOR:
		return w == ADMIN || w == EDITOR;
	case AUTHZ_SMS_PROVIDER:
		return w == SMS;
	case AUTHZ_PROFESSIONAL:
		return w == PRO;
	case AUTHZ_EDITOR:
		return w == EDITOR;
	case AUTHZ_STATS_SERVICE:
		return w == STATS;
	default:
		return false;
	}
}

static void test_every_type_has_a_rule(void **state)
{
	const ProtobufCEnumDescriptor *d = &tarjotin__msg_type__descriptor;
	enum authz_rule rule;

	(void)state;
	assert_true(d->n_values >= 30); /* as many as envelope.proto had when written */
	for (unsigned i = 0; i < d->n_values; i++) {
		if (authz_rule_of((Tarjotin__MsgType)d->values[i].value, &rule))
			fail_msg("%s has no rule", d->values[i].name);
	}
	assert_int_equal(authz_rule_of((Tarjotin__MsgType)999, &rule), -1);
}

static void test_rules_are_the_documented_ones(void **state)
{
	static const struct {
		Tarjotin__MsgType type;
		enum authz_rule rule;
	} want[] = {
		{ TARJOTIN__MSG_TYPE__MSG_SEARCH, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_HSDS, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_PING, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_CONSUME, AUTHZ_PRESIGNIN },
		{ TARJOTIN__MSG_TYPE__MSG_AUTH_SIGNIN, AUTHZ_PRESIGNIN },
		{ TARJOTIN__MSG_TYPE__MSG_AUDIT_WRITE, AUTHZ_SIGNED_IN },
		{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_SEND, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_REQUEUE, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_UPDATE, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_AUDIT_LIST, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_USER_SITE_SAVE, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_EDITOR_REMOVE, AUTHZ_ADMIN_OR_EDITOR },
		{ TARJOTIN__MSG_TYPE__MSG_DELIVERY_REPORT, AUTHZ_SMS_PROVIDER },
		{ TARJOTIN__MSG_TYPE__MSG_CR_CONSENT, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_CR_SEND, AUTHZ_PROFESSIONAL },
		{ TARJOTIN__MSG_TYPE__MSG_CR_MINE_GET, AUTHZ_PROFESSIONAL },
		{ TARJOTIN__MSG_TYPE__MSG_CR_OPEN, AUTHZ_ADMIN_OR_EDITOR },
		{ TARJOTIN__MSG_TYPE__MSG_CR_STATUS, AUTHZ_EDITOR },
		{ TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_SMS_INCOMING, AUTHZ_SMS_PROVIDER },
		{ TARJOTIN__MSG_TYPE__MSG_SURVEY_SEND, AUTHZ_ADMIN },
		{ TARJOTIN__MSG_TYPE__MSG_SURVEY_ANSWER, AUTHZ_PUBLIC },
		{ TARJOTIN__MSG_TYPE__MSG_STATS_REPORT, AUTHZ_NEVER },
		{ TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE, AUTHZ_STATS_SERVICE },
		{ TARJOTIN__MSG_TYPE__MSG_UNKNOWN, AUTHZ_NEVER },
		{ TARJOTIN__MSG_TYPE__MSG_BATCH, AUTHZ_NEVER },
		{ TARJOTIN__MSG_TYPE__MSG_SNAPSHOT_NOTICE, AUTHZ_NEVER },
	};
	enum authz_rule rule;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(authz_rule_of(want[i].type, &rule), 0);
		assert_int_equal(rule, want[i].rule);
	}
}

/* Every type against every kind of principal: allowed exactly when the
 * rule says so; refused anonymous callers get 401 "unauthorized", others
 * 403 "forbidden". */
static void test_matrix(void **state)
{
	const ProtobufCEnumDescriptor *d = &tarjotin__msg_type__descriptor;

	(void)state;
	for (unsigned i = 0; i < d->n_values; i++) {
		Tarjotin__MsgType type = (Tarjotin__MsgType)d->values[i].value;
		enum authz_rule rule;

		assert_int_equal(authz_rule_of(type, &rule), 0);
		for (int w = 0; w < N_WHO; w++) {
			Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
			Tarjotin__Principal p;
			int rc = authz_check(type, principal((enum who)w, &p), &reply);
			bool ok = intended(rule, (enum who)w);

			if ((rc == 0) != ok)
				fail_msg("%s as %s: %s, wanted %s", d->values[i].name, who_name[w],
					 rc ? "refused" : "allowed", ok ? "allowed" : "refused");
			if (rc == 0) {
				assert_int_equal(reply.status, TARJOTIN__STATUS__STATUS_OK);
			} else if (rule != AUTHZ_NEVER &&
				   (w == NOBODY || w == ANON || w == BROKEN_ADMIN)) {
				assert_int_equal(reply.status,
						 TARJOTIN__STATUS__STATUS_UNAUTHORIZED);
				assert_string_equal(reply.error_code, "unauthorized");
			} else {
				assert_int_equal(reply.status, TARJOTIN__STATUS__STATUS_FORBIDDEN);
				assert_string_equal(reply.error_code, "forbidden");
			}
			reply_release(&reply);
		}
	}
}

static void test_org_scope(void **state)
{
	Tarjotin__Principal p;

	(void)state;
	assert_true(authz_org(principal(ADMIN, &p), ORG_B));
	assert_true(authz_org(principal(EDITOR, &p), ORG_A));
	assert_false(authz_org(principal(EDITOR, &p), ORG_B));
	assert_false(authz_org(principal(PRO, &p), ORG_A));
	assert_false(authz_org(principal(NOBODY, &p), ORG_A));
	assert_false(authz_org(principal(SMS, &p), ORG_A));
	assert_false(authz_org(principal(BROKEN_ADMIN, &p), ORG_A));
}

static void test_role_names(void **state)
{
	Tarjotin__Principal p;

	(void)state;
	assert_string_equal(authz_role_name(principal(NOBODY, &p)), "anonymous");
	assert_string_equal(authz_role_name(principal(EDITOR, &p)), "editor");
	assert_string_equal(authz_role_name(principal(SMS, &p)), "service");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_has_a_rule),
		cmocka_unit_test(test_rules_are_the_documented_ones),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_org_scope),
		cmocka_unit_test(test_role_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
