/*
 * mailq.h - queueing one e-mail through the messaging pipeline in the
 * caller's open transaction: the notification row (recipient sealed,
 * masked hint), its outbox row and the relay's wake-up.  Used by sign-in
 * links, registrations, the review and contact requests (SMS too).
 */
#ifndef TJ_MAILQ_H
#define TJ_MAILQ_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "seal.h"
#include "uuid.h"

/*
 * Queues template 'tmpl' in 'lang' (fi/sv/en) to 'email' (one valid
 * address) with 'vars_json' (a JSON object of strings).  The recipient is
 * sealed under 'key' bound to the new job (seal_job_box).  With
 * 'seal_vars' the vars are stored sealed too, bound the same way (vars_enc;
 * for vars that carry a token: login and review links) and erased once sent.
 * Returns 0, or -1 with err (the caller rolls back).
 */
int mailq_email(PGconn *db, const struct seal_key *key, const char *email, const char *lang,
		const char *tmpl, const char *vars_json, bool seal_vars, char *err, size_t errlen);

/*
 * The same for either channel: 'channel' "email" (to: one valid address)
 * or "sms" (to: an E.164 number, phone_normalize_fi's output).  With
 * job_out (at least 37 bytes; NULL: not wanted) the notification's job id
 * is written there (contact requests link their messages, to erase the
 * client's).  Returns 0, or -1 with err.
 */
int mailq_queue(PGconn *db, const struct seal_key *key, const char *channel, const char *to,
		const char *lang, const char *tmpl, const char *vars_json, bool seal_vars,
		char *job_out, char *err, size_t errlen);

/*
 * A fresh job id (a random version 4 uuid, lower case) into out: drawn here,
 * not by PostgreSQL, because the recipient is sealed for its job id
 * (seal_job_box) before the row is inserted.
 */
void mailq_job_id(char out[UUID_STR_SIZE]);

#endif
