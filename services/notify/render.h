/*
 * render.h - what a job turns into before it is handed over: the sealed
 * recipient opened, the links checked, the template rendered, and for e-mail the finished MIME
 * message (mime.h), for SMS the checked text (smstext.h).
 *
 * Recipients are never logged; the opened one is wiped when released.
 */
#ifndef TJ_RENDER_H
#define TJ_RENDER_H

#include <stddef.h>

#include "linkcheck.h"
#include "seal.h"

/* What rendering needs, set up once at start. */
struct render_config {
	const char *templates_dir;
	struct seal_key key; /* TARJOTIN_DATA_KEY */
	const char *mail_from, *mail_from_name, *mail_domain;
	struct linkcheck links; /* the rule for *_url variables */
};

/* One job's fields as they came off the stream (strings not owned). */
struct render_input {
	const char *job_id, *channel, *template_, *lang;
	const char *recipient; /* sealed, base64; may be NULL */
	const char *vars;      /* a JSON object of strings; NULL means {} */
	const char *vars_enc;  /* sealed vars, base64; when set it is used instead of vars */
};

/* The result; release with render_output_release. */
struct render_output {
	char *to;   /* the opened recipient: e-mail address or E.164 number */
	char *text; /* SMS: the message text; NULL for e-mail */
	char *mime; /* e-mail: the RFC 5322 message; NULL for SMS */
};

/*
 * Renders job 'in' into *out: the recipient (and sealed vars) opened only
 * with the job's own id, channel and template (seal_job_open), every link
 * variable checked (linkcheck.h).  Returns 0, or -1 with a lower-case reason
 * in err (never the recipient, never a link's path) and *out empty: such a
 * job cannot succeed later either (a template, the vars, a link, the seal),
 * so it is a permanent failure.
 */
int render_job(const struct render_config *cfg, const struct render_input *in,
	       struct render_output *out, char *err, size_t errlen);

/* Wipes the recipient and frees everything; *out is empty afterwards. */
void render_output_release(struct render_output *out);

#endif
