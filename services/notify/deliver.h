/*
 * deliver.h - the two ways notify hands a message over: SMTP with libcurl
 * (smtp:// or smtps:// URL, STARTTLS on request, optional login) and the
 * GatewayAPI REST SMS API with libcurl (docs/sms-provider.md).
 *
 * libcurl's rules that bite: curl copies option strings, except
 * CURLOPT_POSTFIELDS, which must outlive the transfer; a handle is reused
 * between transfers so its connection is kept (one handle per thread).
 */
#ifndef TJ_DELIVER_H
#define TJ_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

struct deliver_config {
	const char *smtp_url, *smtp_user, *smtp_password;
	bool smtp_starttls;
	const char *mail_from, *mail_from_name, *mail_domain;
	const char *sms_url, *sms_token, *sms_sender;
	long timeout_ms;
};

enum deliver_outcome {
	DELIVER_OK,
	DELIVER_TEMPORARY, /* try again later */
	DELIVER_PERMANENT, /* trying again cannot help: dead-letter it */
};

struct deliver_result {
	enum deliver_outcome outcome;
	char error[300];      /* lower case, for last_error; never a recipient */
	char provider_id[64]; /* the SMS provider's message id */
};

/*
 * Refuses an SMTP login that would travel in clear (docs/security.md
 * "Messaging"): with a user or a password configured, the URL must be
 * smtps:// (TLS from the start) or smtp:// with smtp_starttls (libcurl's
 * CURLUSESSL_ALL: no TLS, no mail).  Without a login, plain smtp:// is
 * allowed (a local mail catcher).  Returns 0, or -1 with a reason in err.
 */
int deliver_check_smtp(const struct deliver_config *cfg, char *err, size_t errlen);

/* Sends the finished RFC 5322 message 'msg' to 'to' (already validated).
 * Returns the outcome, with details in *res. */
enum deliver_outcome deliver_email(CURL *curl, const struct deliver_config *cfg, const char *to,
				   const char *msg, struct deliver_result *res);

/* Sends 'text' to 'e164' ("+358..."), with the job id as userref so that a
 * provider that deduplicates drops a repeat.  Returns the outcome. */
enum deliver_outcome deliver_sms(CURL *curl, const struct deliver_config *cfg, const char *e164,
				 const char *text, const char *job_id, struct deliver_result *res);

#endif
