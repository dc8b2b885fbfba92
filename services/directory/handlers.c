/*
 * handlers.c - the table from message type to worker handler.  Each feature
 * adds its handlers here; ping and health are answered by the front.
 */
#include <stddef.h>

#include "accounts.h"
#include "actedit.h"
#include "auditlog.h"
#include "crinbox.h"
#include "crmine.h"
#include "crsend.h"
#include "coverage.h"
#include "crwithdraw.h"
#include "directory.h"
#include "dlr.h"
#include "editors.h"
#include "edorgs.h"
#include "history.h"
#include "hsds.h"
#include "logins.h"
#include "messages.h"
#include "orgprofile.h"
#include "registrations.h"
#include "reviewlink.h"
#include "reviewreport.h"
#include "search.h"
#include "signin.h"
#include "survey.h"
#include "surveyans.h"
#include "surveysend.h"
#include "taxedit.h"
#include "usersites.h"
#include "banned.h"

static const struct {
	Tarjotin__MsgType type;
	handler_fn fn;
} table[] = {
	{ TARJOTIN__MSG_TYPE__MSG_UNKNOWN, NULL },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_SEND, messages_send },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_LIST, messages_list },
	{ TARJOTIN__MSG_TYPE__MSG_MESSAGE_GET, messages_get },
	{ TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_LIST, messages_dead_list },
	{ TARJOTIN__MSG_TYPE__MSG_DEAD_LETTER_REQUEUE, messages_requeue },
	{ TARJOTIN__MSG_TYPE__MSG_DELIVERY_REPORT, dlr_handle },
	{ TARJOTIN__MSG_TYPE__MSG_HSDS, hsds_handle },
	{ TARJOTIN__MSG_TYPE__MSG_SEARCH, search_handle_search },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_GET, search_handle_activity },
	{ TARJOTIN__MSG_TYPE__MSG_ORGANIZATION_GET, search_handle_organization },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_LIST, search_handle_taxonomies },
	{ TARJOTIN__MSG_TYPE__MSG_MUNICIPALITY_LIST, search_handle_municipalities },
	{ TARJOTIN__MSG_TYPE__MSG_AUTH_SIGNIN, signin_oidc },
	{ TARJOTIN__MSG_TYPE__MSG_AUTH_FAILED, signin_failed },
	{ TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_REQUEST, logins_request },
	{ TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_CONSUME, logins_consume },
	{ TARJOTIN__MSG_TYPE__MSG_AUDIT_WRITE, auditlog_write },
	{ TARJOTIN__MSG_TYPE__MSG_AUDIT_LIST, auditlog_list },
	{ TARJOTIN__MSG_TYPE__MSG_USER_SITE_LIST, usersites_list },
	{ TARJOTIN__MSG_TYPE__MSG_USER_SITE_SAVE, usersites_save },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_LIST, accounts_list },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_INVITE, accounts_invite },
	{ TARJOTIN__MSG_TYPE__MSG_ACCOUNT_UPDATE, accounts_update },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_LIST, editors_list },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_ADD, editors_add },
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_REMOVE, editors_remove },
	/* Issue 13, the review (review links): */
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_PEEK, reviewlink_peek },
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_CONFIRM, reviewlink_confirm },

	/* Issue 13, editing activities (activities, history, editor lists): */
	{ TARJOTIN__MSG_TYPE__MSG_EDITOR_ORGANIZATIONS, edorgs_list },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_ACTIVITIES, edorgs_activities },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CREATE, actedit_create },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_EDIT_GET, actedit_get },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_SAVE, actedit_save },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_STATUS, actedit_status },
	{ TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CONFIRM, actedit_confirm },
	{ TARJOTIN__MSG_TYPE__MSG_HISTORY_LIST, history_list },

	/* Issue 13, registrations, organisation profiles, taxonomy, report: */
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_SUBMIT, registrations_submit },
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_LIST, registrations_list },
	{ TARJOTIN__MSG_TYPE__MSG_REGISTRATION_DECIDE, registrations_decide },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_GET, orgprofile_get },
	{ TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_SAVE, orgprofile_save },
	{ TARJOTIN__MSG_TYPE__MSG_REVIEW_REPORT, reviewreport_get },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_ADMIN_LIST, taxedit_list },
	{ TARJOTIN__MSG_TYPE__MSG_TAXONOMY_TERM_SAVE, taxedit_save },

	/* Issue 14, contact requests: the send and the client's withdrawal: */
	{ TARJOTIN__MSG_TYPE__MSG_CR_CONSENT, crsend_consent },
	{ TARJOTIN__MSG_TYPE__MSG_CR_SEND, crsend_send },
	{ TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW_PEEK, crwithdraw_peek },
	{ TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW, crwithdraw_withdraw },
	{ TARJOTIN__MSG_TYPE__MSG_SMS_INCOMING, crwithdraw_sms },

	/* Issue 14, contact requests: my requests, the NGO's inbox: */
	{ TARJOTIN__MSG_TYPE__MSG_CR_MINE, crmine_list },
	{ TARJOTIN__MSG_TYPE__MSG_CR_MINE_GET, crmine_get },
	{ TARJOTIN__MSG_TYPE__MSG_CR_INBOX, crinbox_list },
	{ TARJOTIN__MSG_TYPE__MSG_CR_OPEN, crinbox_open },
	{ TARJOTIN__MSG_TYPE__MSG_CR_STATUS, crinbox_status },

	/* Issue 15, follow-up surveys (docs/statistics.md §7): */
	{ TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE, coverage_get },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_LIST, survey_list },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_SAVE, survey_save },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_GET, survey_get },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_SEND, surveysend_send },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_CLOSE, survey_close },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_PEEK, surveyans_peek },
	{ TARJOTIN__MSG_TYPE__MSG_SURVEY_ANSWER, surveyans_answer },

};

handler_fn handlers_find(Tarjotin__MsgType type)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].type == type)
			return table[i].fn;
	return NULL;
}
