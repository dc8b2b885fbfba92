// units: tests/fuzz/fuzzin.c services/notify/mime.c services/notify/render.c services/notify/linkcheck.c
/*
 * fuzz_mime - what notify turns a job into (services/notify/render.c):
 * the sealed recipient and vars opened, the real templates of
 * services/notify/templates (under FUZZ_TOP, default .) rendered (lib/template.c) and the e-mail built
 * (services/notify/mime.c) or the SMS text checked; then mime_build and
 * mime_encode_subject on their own with every field from the input, and
 * template_render on a template file the input writes.  Checks: a built
 * message has CRLF line ends only, no NUL, no line over 998 bytes, and an
 * encoded subject no line over 78.  Input: a selector byte, then
 * NUL-separated fields.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "file.h"
#include "seal.h"
#include "services/notify/mime.h"
#include "services/notify/render.h"
#include "template.h"
#include "tests/fuzz/fuzzin.h"
#include "xalloc.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TEMPLATES 64

static struct render_config cfg;
static char templates[4096];       /* services/notify/templates under FUZZ_TOP (or .) */
static char *names[MAX_TEMPLATES]; /* the real templates' names */
static size_t n_names;
static char tmpdir[] = "/tmp/tarjotin-fuzz-XXXXXX"; /* template_render's own files */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void remove_tmp(void)
{
	static const char *const ext[] = { "subject", "txt", "html", "sms" };
	char path[128];

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/t/fi.%s", tmpdir, ext[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/t", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
}

/* libFuzzer's: once at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *top = getenv("FUZZ_TOP");
	DIR *d;
	struct dirent *e;
	char path[128];

	(void)argc;
	(void)argv;
	snprintf(templates, sizeof(templates), "%s/services/notify/templates", top ? top : ".");
	if (!(d = opendir(templates)) || sodium_init() < 0 || !mkdtemp(tmpdir)) {
		fprintf(stderr, "fuzz_mime: no %s or no temporary folder (set FUZZ_TOP)\n",
			templates);
		exit(1);
	}
	while ((e = readdir(d)) && n_names < MAX_TEMPLATES)
		if (e->d_name[0] != '.' && template_name_valid(e->d_name))
			names[n_names++] = xstrdup(e->d_name);
	closedir(d);
	qsort(names, n_names, sizeof(names[0]), by_name); /* the selector byte's meaning */
	snprintf(path, sizeof(path), "%s/t", tmpdir);
	if (mkdir(path, 0700)) {
		perror("fuzz_mime: mkdir");
		exit(1);
	}
	atexit(remove_tmp);
	cfg.templates_dir = templates;
	randombytes_buf(cfg.key.k, sizeof(cfg.key.k));
	cfg.mail_from = "noreply@tarjotin.example";
	cfg.mail_from_name = "Tarjotin – palvelut";
	cfg.mail_domain = "tarjotin.example";
	return 0;
}

/* What a built message must be: CRLF lines of at most 998 bytes. */
static void check_message(const char *m, size_t max_line, const char *what)
{
	size_t line = 0;

	for (const char *p = m; *p; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				fuzzin_fail(what);
			line = 0;
			p++;
		} else if (*p == '\n') {
			fuzzin_fail(what);
		} else if (++line > max_line) {
			fuzzin_fail(what);
		}
	}
}

/* A copy of s sealed for the job (field, ri's job, channel and template) as
 * base64 (free()), or s itself copied when raw.  A job id, channel or
 * template that seal_job_ad refuses seals nothing (""), as the directory
 * would never queue it. */
static char *sealed(const char *s, bool raw, const char *field, const struct render_input *ri)
{
	size_t n;
	uint8_t *blob;
	char *b64;

	if (raw || strlen(s) > SEAL_MAX_PLAIN)
		return xstrdup(s);
	blob = seal_job_box(&cfg.key, field, ri->job_id, ri->channel, ri->template_, s, strlen(s),
			    &n);
	b64 = blob ? seal_b64(blob, n) : xstrdup("");
	free(blob);
	return b64;
}

static void job(struct fuzzin *in, uint8_t flags)
{
	struct render_input ri = { 0 };
	struct render_output ro = { 0 };
	char err[256], *rcpt, *vars = NULL;
	uint8_t which = fuzzin_byte(in);

	/* A well-formed job id (flag 128), so that the sealed fields open and
	 * the rendering behind them is reached, or the input's own. */
	ri.job_id = flags & 128 ? "00000000-0000-4000-8000-000000000001" : fuzzin_str(in);
	ri.channel = flags & 1 ? "sms" : flags & 2 ? "email" : fuzzin_str(in);
	ri.template_ = n_names && !(flags & 4) ? names[which % n_names] : fuzzin_str(in);
	ri.lang = fuzzin_str(in);
	rcpt = sealed(fuzzin_str(in), flags & 8, "recipient", &ri);
	ri.recipient = flags & 16 ? NULL : rcpt;
	if (flags & 32)
		ri.vars_enc = vars = sealed(fuzzin_str(in), flags & 64, "vars", &ri);
	else
		ri.vars = fuzzin_str(in);
	if (render_job(&cfg, &ri, &ro, err, sizeof(err)) == 0) {
		if (ro.mime)
			check_message(ro.mime, 998, "render_job: a bad e-mail message");
		if (!ro.to || (!ro.mime && !ro.text))
			fuzzin_fail("render_job: succeeded without a result");
	}
	render_output_release(&ro);
	free(rcpt);
	free(vars);
}

static void mime(struct fuzzin *in)
{
	struct mime_message m = { 0 };
	char err[256], *msg, *subj;

	m.from = fuzzin_str(in);
	m.from_name = fuzzin_str(in);
	m.to = fuzzin_str(in);
	m.to_name = fuzzin_str(in);
	m.subject = fuzzin_str(in);
	m.job_id = fuzzin_str(in);
	m.domain = fuzzin_str(in);
	m.date = 1700000000 + fuzzin_byte(in) * 86400;
	m.text = fuzzin_str(in);
	m.html = fuzzin_byte(in) & 1 ? fuzzin_str(in) : NULL;
	if ((msg = mime_build(&m, err, sizeof(err))))
		check_message(msg, 998, "mime_build: a bad message");
	free(msg);
	if ((subj = mime_encode_subject(m.subject))) {
		size_t first = strcspn(subj, "\r");

		if (first + strlen("Subject: ") > 78)
			fuzzin_fail("mime_encode_subject: the first line is too long");
		check_message(subj, 78, "mime_encode_subject: a bad folded value");
	}
	free(subj);
}

static void template(struct fuzzin *in, uint8_t flags)
{
	static const char *const ext[] = { "subject", "txt", "html", "sms" };
	struct template_var vars[4];
	enum template_part part = (enum template_part)(flags % 4);
	char path[128], err[256], *out;
	size_t len, nv = 0;
	const char *src = fuzzin_str(in);
	FILE *f;

	for (; nv < 4 && in->at < in->len; nv++) {
		vars[nv].key = fuzzin_str(in);
		vars[nv].value = fuzzin_str(in);
	}
	len = strlen(src);
	snprintf(path, sizeof(path), "%s/t/fi.%s", tmpdir, ext[part]);
	if (!(f = fopen(path, "w")) || fwrite(src, 1, len, f) != len || fclose(f))
		fuzzin_fail("template: cannot write the template file");
	out = template_render(tmpdir, "t", "sv", part, vars, nv, err, sizeof(err));
	free(out);
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	switch (sel % 3) {
	case 0:
		job(&in, (uint8_t)(sel / 3));
		break;
	case 1:
		mime(&in);
		break;
	default:
		template(&in, (uint8_t)(sel / 3));
		break;
	}
	fuzzin_release(&in);
	return 0;
}
