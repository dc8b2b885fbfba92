// units: services/notify/linkcheck.c services/notify/deliver.c services/notify/render.c services/notify/mime.c services/directory/dlrrule.c
/*
 * Unit tests for messaging trust (issue 16 item 5, docs/security.md
 * "Messaging"): a job renders only with a recipient and vars sealed for
 * its own id, channel and template; link variables only as https to an
 * allow-listed host (http to loopback); an SMTP login only over TLS; the
 * delivery reports' window and once-only rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "deliver.h"
#include "dlrrule.h"
#include "linkcheck.h"
#include "render.h"
#include "seal.h"
#include "banned.h"

#define JOB_A "3d6f7a10-1b2c-4d3e-8f40-5a6b7c8d9e01"
#define JOB_B "3d6f7a10-1b2c-4d3e-8f40-5a6b7c8d9e02"
#define TO "someone@example.org"

/* --- links ---------------------------------------------------------------- */

static bool link_ok(const struct linkcheck *lc, const char *url)
{
	char err[256];

	return linkcheck_url(lc, "open_url", url, err, sizeof(err)) == 0;
}

static void test_link_rule(void **state)
{
	struct linkcheck lc;
	char err[256];

	(void)state;
	assert_int_equal(linkcheck_init(&lc, "", "https://Tarjotin.Example.org/", err, sizeof(err)),
			 0);
	assert_int_equal(lc.n, 1);
	assert_string_equal(lc.hosts[0], "tarjotin.example.org");
	assert_true(link_ok(&lc, "https://tarjotin.example.org/cr/open?t=abc"));
	assert_true(link_ok(&lc, "HTTPS://TARJOTIN.example.org:443/x#y"));
	assert_true(link_ok(&lc, "https://tarjotin.example.org"));
	assert_true(link_ok(&lc, "http://127.0.0.1:8080/login?t=1"));
	assert_true(link_ok(&lc, "http://localhost/x"));
	assert_true(link_ok(&lc, "http://[::1]:9000/x"));
	assert_true(link_ok(&lc, "https://127.0.0.1/x"));
	/* not TLS, not listed, tricks with the authority */
	assert_false(link_ok(&lc, "http://tarjotin.example.org/x"));
	assert_false(link_ok(&lc, "https://evil.example.net/x"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org.evil.net/x"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org@evil.net/x"));
	assert_false(link_ok(&lc, "https://evil.net\\@tarjotin.example.org/"));
	assert_false(link_ok(&lc, "https://evil.net#@tarjotin.example.org"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org:80x/"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org:/"));
	assert_false(link_ok(&lc, "https:///x"));
	assert_false(link_ok(&lc, "https://[::2]/x"));
	assert_false(link_ok(&lc, "http://127.0.0.2/x"));
	assert_false(link_ok(&lc, "javascript:alert(1)"));
	assert_false(link_ok(&lc, "//tarjotin.example.org/x"));
	assert_false(link_ok(&lc, "/relative"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org/a b"));
	assert_false(link_ok(&lc, "https://tarjotin.example.org/\r\nBcc: x"));
	assert_false(link_ok(&lc, ""));
	/* the reason names the variable and host, never the path (a token) */
	assert_int_equal(linkcheck_url(&lc, "login_url", "https://evil.net/t=SECRET", err,
				       sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "login_url"));
	assert_non_null(strstr(err, "evil.net"));
	assert_null(strstr(err, "SECRET"));
	/* which names are links */
	assert_true(linkcheck_is_link("open_url"));
	assert_true(linkcheck_is_link("_url"));
	assert_false(linkcheck_is_link("url"));
	assert_false(linkcheck_is_link("url_text"));
	assert_false(linkcheck_is_link(NULL));
}

static void test_link_hosts_config(void **state)
{
	struct linkcheck lc;
	char err[256];

	(void)state;
	/* an explicit list wins over the public URL */
	assert_int_equal(linkcheck_init(&lc, "a.example.org, B.example.org\tc.example.org",
					"https://public.example.org", err, sizeof(err)),
			 0);
	assert_int_equal(lc.n, 3);
	assert_true(link_ok(&lc, "https://b.example.org/"));
	assert_false(link_ok(&lc, "https://public.example.org/"));
	/* a loopback public URL lists nothing: only loopback links pass */
	assert_int_equal(linkcheck_init(&lc, NULL, "http://127.0.0.1:8080", err, sizeof(err)), 0);
	assert_int_equal(lc.n, 0);
	assert_true(link_ok(&lc, "http://127.0.0.1:8080/x"));
	assert_false(link_ok(&lc, "https://example.org/"));
	assert_int_equal(linkcheck_init(&lc, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(lc.n, 0);
	/* entries that are not host names are refused at start */
	assert_int_equal(linkcheck_init(&lc, "https://a.example.org", NULL, err, sizeof(err)), -1);
	assert_int_equal(linkcheck_init(&lc, "a.example.org:443", NULL, err, sizeof(err)), -1);
	assert_int_equal(linkcheck_init(&lc, "a.example.org/x", NULL, err, sizeof(err)), -1);
	assert_int_equal(linkcheck_init(&lc, "u@a.example.org", NULL, err, sizeof(err)), -1);
}

/* --- SMTP ------------------------------------------------------------------ */

static int smtp_check(const char *url, const char *user, const char *password, bool starttls)
{
	struct deliver_config dc = { .smtp_url = url,
				     .smtp_user = user,
				     .smtp_password = password,
				     .smtp_starttls = starttls };
	char err[256];

	return deliver_check_smtp(&dc, err, sizeof(err));
}

static void test_smtp_login_needs_tls(void **state)
{
	(void)state;
	/* no login: a local catcher over plain SMTP is fine */
	assert_int_equal(smtp_check("smtp://127.0.0.1:2525", "", "", false), 0);
	/* a login: only smtps:// or required STARTTLS */
	assert_int_equal(smtp_check("smtp://mail.example.org:587", "u", "p", false), -1);
	assert_int_equal(smtp_check("smtp://mail.example.org:587", "", "p", false), -1);
	assert_int_equal(smtp_check("smtp://mail.example.org:587", "u", "", false), -1);
	assert_int_equal(smtp_check("smtp://mail.example.org:587", "u", "p", true), 0);
	assert_int_equal(smtp_check("smtps://mail.example.org:465", "u", "p", false), 0);
	assert_int_equal(smtp_check("SMTPS://mail.example.org:465", "u", "p", false), 0);
	assert_int_equal(smtp_check("http://mail.example.org", "", "", false), -1);
}

/* --- rendering a job -------------------------------------------------------- */

static struct render_config cfg;

/* The base64 of 'plain' sealed as 'field' of (job, channel, tmpl). */
static char *sealed_b64(const char *field, const char *job, const char *channel, const char *tmpl,
			const char *plain)
{
	size_t n = 0;
	uint8_t *blob = seal_job_box(&cfg.key, field, job, channel, tmpl, plain, strlen(plain), &n);
	char *b64;

	assert_non_null(blob);
	b64 = seal_b64(blob, n);
	free(blob);
	return b64;
}

/* Renders job (job, channel, tmpl) with 'recipient' (base64) and vars.
 * Returns render_job's result; err gets the reason. */
static int render(const char *job, const char *channel, const char *tmpl, const char *recipient,
		  const char *vars, const char *vars_enc, char *err, size_t errlen)
{
	struct render_input in = { .job_id = job,
				   .channel = channel,
				   .template_ = tmpl,
				   .lang = "en",
				   .recipient = recipient,
				   .vars = vars,
				   .vars_enc = vars_enc };
	struct render_output out;
	int rc = render_job(&cfg, &in, &out, err, errlen);

	if (rc == 0) {
		assert_string_equal(out.to, TO);
		render_output_release(&out);
	}
	return rc;
}

static void test_render_only_for_its_own_job(void **state)
{
	const char *vars = "{\"sent_by\":\"a\",\"sent_at\":\"b\"}";
	char *to = sealed_b64("recipient", JOB_A, "email", "test", TO), err[300];

	(void)state;
	assert_int_equal(render(JOB_A, "email", "test", to, vars, NULL, err, sizeof(err)), 0);
	/* the same blob in another entry: another job, template or channel */
	assert_int_equal(render(JOB_B, "email", "test", to, vars, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not open for this job"));
	assert_null(strstr(err, "example.org"));
	assert_int_equal(render(JOB_A, "email", "login_link", to,
				"{\"login_url\":\"http://127.0.0.1/x\",\"valid_minutes\":\"5\"}",
				NULL, err, sizeof(err)),
			 -1);
	assert_int_equal(render(JOB_A, "sms", "test", to, vars, NULL, err, sizeof(err)), -1);
	free(to);
}

static void test_render_sealed_vars_bound_too(void **state)
{
	const char *lv =
		"{\"login_url\":\"https://tarjotin.example.org/l?t=T\",\"valid_minutes\":"
		"\"15\"}";
	char *to = sealed_b64("recipient", JOB_A, "email", "login_link", TO);
	char *v = sealed_b64("vars", JOB_A, "email", "login_link", lv);
	char *v_other = sealed_b64("vars", JOB_B, "email", "login_link", lv);
	char *to_as_vars = sealed_b64("vars", JOB_A, "email", "login_link", TO);
	char err[300];

	(void)state;
	assert_int_equal(render(JOB_A, "email", "login_link", to, "{}", v, err, sizeof(err)), 0);
	/* another job's sign-in link moved next to this recipient */
	assert_int_equal(render(JOB_A, "email", "login_link", to, "{}", v_other, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "sealed vars"));
	/* the recipient field used as the vars and the vars as the recipient */
	assert_int_equal(render(JOB_A, "email", "login_link", v, "{}", to_as_vars, err,
				sizeof(err)),
			 -1);
	free(to);
	free(v);
	free(v_other);
	free(to_as_vars);
}

static void test_render_refuses_foreign_links(void **state)
{
	char *to = sealed_b64("recipient", JOB_A, "email", "login_link", TO), err[300];

	(void)state;
	assert_int_equal(render(JOB_A, "email", "login_link", to,
				"{\"login_url\":\"https://tarjotin.example.org/l?t=1\","
				"\"valid_minutes\":\"15\"}",
				NULL, err, sizeof(err)),
			 0);
	assert_int_equal(render(JOB_A, "email", "login_link", to,
				"{\"login_url\":\"https://phish.example.net/l?t=1\","
				"\"valid_minutes\":\"15\"}",
				NULL, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "phish.example.net"));
	assert_int_equal(render(JOB_A, "email", "login_link", to,
				"{\"login_url\":\"http://tarjotin.example.org/l?t=1\","
				"\"valid_minutes\":\"15\"}",
				NULL, err, sizeof(err)),
			 -1);
	free(to);
}

/* --- delivery reports ------------------------------------------------------- */

static void test_dlr_window(void **state)
{
	struct dlrrule_window w = { .max_age_s = 3600, .max_future_s = 300 };
	const int64_t now = 1800000000;

	(void)state;
	assert_null(dlrrule_time_refusal(&w, now, now));
	assert_null(dlrrule_time_refusal(&w, now, now - 3600));
	assert_string_equal(dlrrule_time_refusal(&w, now, now - 3601), "stale");
	assert_null(dlrrule_time_refusal(&w, now, now + 300));
	assert_string_equal(dlrrule_time_refusal(&w, now, now + 301), "future");
	assert_string_equal(dlrrule_time_refusal(&w, now, 0), "no_time");
	assert_string_equal(dlrrule_time_refusal(&w, now, -5), "no_time");
	assert_true(dlrrule_message_in_window(&w, 0));
	assert_true(dlrrule_message_in_window(&w, 3600));
	assert_false(dlrrule_message_in_window(&w, 3601));
	assert_true(dlrrule_message_in_window(&w, -10)); /* clocks a little apart */
}

static void test_dlr_defaults(void **state)
{
	struct dlrrule_window w;

	(void)state;
	unsetenv("TARJOTIN_DLR_MAX_AGE_S");
	unsetenv("TARJOTIN_DLR_MAX_FUTURE_S");
	dlrrule_window_init(&w);
	assert_int_equal(w.max_age_s, DLRRULE_MAX_AGE_S);
	assert_int_equal(w.max_future_s, DLRRULE_MAX_FUTURE_S);
	setenv("TARJOTIN_DLR_MAX_AGE_S", "7200", 1);
	dlrrule_window_init(&w);
	assert_int_equal(w.max_age_s, 7200);
	unsetenv("TARJOTIN_DLR_MAX_AGE_S");
}

static void test_dlr_once(void **state)
{
	(void)state;
	assert_true(dlrrule_changes("sent", "delivered"));
	assert_true(dlrrule_changes("queued", "failed"));
	assert_true(dlrrule_changes("failed", "delivered"));
	/* the same report again changes nothing */
	assert_false(dlrrule_changes("delivered", "delivered"));
	assert_false(dlrrule_changes("failed", "failed"));
	/* nor undoes a delivery, nor touches a dead letter */
	assert_false(dlrrule_changes("delivered", "failed"));
	assert_false(dlrrule_changes("dead", "delivered"));
	assert_false(dlrrule_changes("sent", "sent"));
	assert_false(dlrrule_changes(NULL, "delivered"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_rule),
		cmocka_unit_test(test_link_hosts_config),
		cmocka_unit_test(test_smtp_login_needs_tls),
		cmocka_unit_test(test_render_only_for_its_own_job),
		cmocka_unit_test(test_render_sealed_vars_bound_too),
		cmocka_unit_test(test_render_refuses_foreign_links),
		cmocka_unit_test(test_dlr_window),
		cmocka_unit_test(test_dlr_defaults),
		cmocka_unit_test(test_dlr_once),
	};
	char err[256];

	if (sodium_init() < 0)
		return 1;
	randombytes_buf(cfg.key.k, sizeof(cfg.key.k));
	cfg.templates_dir = "services/notify/templates"; /* run from the repository root */
	cfg.mail_from = "tarjotin@tarjotin.example.org";
	cfg.mail_from_name = "Tarjotin";
	cfg.mail_domain = "tarjotin.example.org";
	if (linkcheck_init(&cfg.links, "", "https://tarjotin.example.org", err, sizeof(err)))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
