/*
 * render.c - see render.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mime.h"
#include "render.h"
#include "smstext.h"
#include "template.h"
#include "xalloc.h"
#include "banned.h"

void render_output_release(struct render_output *out)
{
	seal_wipe_free(out->to);
	free(out->text);
	free(out->mime);
	memset(out, 0, sizeof(*out));
}

/* The e-mail of 'in' for 'to' as a MIME message into out->mime. */
static int render_email(const struct render_config *cfg, const struct render_input *in,
			const struct template_var *tv, size_t nv, struct render_output *out,
			char *err, size_t errlen)
{
	struct mime_message m = { 0 };
	char *subject = NULL, *text = NULL, *html = NULL, terr[256];
	int rc = -1;

	subject = template_render(cfg->templates_dir, in->template_, in->lang, TEMPLATE_SUBJECT, tv,
				  nv, terr, sizeof(terr));
	text = subject ? template_render(cfg->templates_dir, in->template_, in->lang, TEMPLATE_TEXT,
					 tv, nv, terr, sizeof(terr)) :
			 NULL;
	if (!text) {
		snprintf(err, errlen, "template: %s", terr);
		goto out;
	}
	/* HTML is optional: a template without it sends text only. */
	html = template_render(cfg->templates_dir, in->template_, in->lang, TEMPLATE_HTML, tv, nv,
			       terr, sizeof(terr));
	m.from = cfg->mail_from;
	m.from_name = cfg->mail_from_name;
	m.to = out->to;
	m.subject = subject;
	m.text = text;
	m.html = html;
	m.job_id = in->job_id;
	m.domain = cfg->mail_domain;
	out->mime = mime_build(&m, terr, sizeof(terr));
	if (!out->mime) {
		snprintf(err, errlen, "message: %s", terr);
		goto out;
	}
	rc = 0;
out:
	free(subject);
	free(text);
	free(html);
	return rc;
}

int render_job(const struct render_config *cfg, const struct render_input *in,
	       struct render_output *out, char *err, size_t errlen)
{
	struct template_var *tv = NULL;
	json_t *vars = NULL, *v;
	const char *k;
	size_t nv = 0, blob_len = 0;
	uint8_t *blob = NULL;
	char terr[256], *opened = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (in->vars_enc) {
		/* A secret (a sign-in link): opened only here, wiped after use. */
		uint8_t *sealed = seal_unb64(in->vars_enc, SEAL_MAX_PLAIN + SEAL_OVERHEAD,
					     &blob_len);

		opened = sealed ? seal_job_open(&cfg->key, "vars", in->job_id, in->channel,
						in->template_, sealed, blob_len) :
				  NULL;
		free(sealed);
		if (!opened) {
			snprintf(err, errlen,
				 "the sealed vars do not open for this job, channel and template "
				 "(copied from another entry, an old format, or another "
				 "TARJOTIN_DATA_KEY)");
			goto out;
		}
	}
	vars = json_loads(opened   ? opened :
			  in->vars ? in->vars :
				     "{}",
			  JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(vars)) {
		snprintf(err, errlen, "vars are not a JSON object");
		goto out;
	}
	tv = xcalloc(json_object_size(vars) + 1, sizeof(*tv));
	json_object_foreach(vars, k, v) {
		if (json_is_string(v)) {
			if (linkcheck_is_link(k) &&
			    linkcheck_url(&cfg->links, k, json_string_value(v), err, errlen))
				goto out;
			tv[nv].key = k;
			tv[nv++].value = json_string_value(v);
		}
	}
	blob = in->recipient ?
		       seal_unb64(in->recipient, SEAL_MAX_PLAIN + SEAL_OVERHEAD, &blob_len) :
		       NULL;
	out->to = blob ? seal_job_open(&cfg->key, "recipient", in->job_id, in->channel,
				       in->template_, blob, blob_len) :
			 NULL;
	if (!out->to) {
		snprintf(err, errlen,
			 "the recipient does not open for this job, channel and template (copied "
			 "from another entry, an old format, or another TARJOTIN_DATA_KEY)");
		goto out;
	}
	if (!strcmp(in->channel, "sms")) {
		out->text = template_render(cfg->templates_dir, in->template_, in->lang,
					    TEMPLATE_SMS, tv, nv, terr, sizeof(terr));
		if (!out->text || smstext_check(out->text, terr, sizeof(terr))) {
			snprintf(err, errlen, "template: %s", terr);
			goto out;
		}
	} else if (render_email(cfg, in, tv, nv, out, err, errlen)) {
		goto out;
	}
	rc = 0;
out:
	if (rc)
		render_output_release(out);
	free(blob);
	free(tv);
	json_decref(vars);
	seal_wipe_free(opened);
	return rc;
}
