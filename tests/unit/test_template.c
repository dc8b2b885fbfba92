// units: services/notify/mime.c
/*
 * Unit tests for services/notify/template.c, run against the real
 * templates (TEMPLATE_DIR, relative to the repository root by default).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mime.h"
#include "smstext.h"
#include "template.h"
#include "xalloc.h"
#include "banned.h"

#ifndef TEMPLATE_DIR
#define TEMPLATE_DIR "services/notify/templates"
#endif

/* Typical values, on the long side, for every placeholder in use. */
static const struct template_var vars[] = {
	{ "sent_by", "Anna Admin" },
	{ "sent_at", "14.11.2023 klo 22.13" },
	{ "organization_name", "Pohjois-Savon Muistiyhdistys ry" },
	{ "activity_name", "Muistikahvila" },
	{ "open_url", "https://tarjotin.example.fi/y/8f3a9c2e" },
	{ "response_days", "3" },
	{ "withdraw_url",
	  "https://tarjotin.pohjois-savo.example.fi/w#Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg" },
	{ "site_name", "Kuopion kaupungin terveysasema, Petosen toimipiste" },
	{ "organizations",
	  "Pohjois-Savon Muistiyhdistys ry, Kuopion Seudun Omaishoitajat ry ja Savon Mielenterveysseura ry" },
	{ "sent_date", "24.11.2026" },
	{ "client_text",
	  "Aino\n+358401234567\naino@example.org\nSoittakaa mieluiten aamupäivisin." },
	{ "assured_date", "3.5.2023" },
	{ "due_date", "3.11.2023" },
	{ "confirm_url",
	  "https://tarjotin.example.fi/confirm.html#Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg" },
	{ "edit_url",
	  "https://tarjotin.example.fi/activity-edit.html?id=6f1c0d2e-0000-4000-8000-000000000001" },
	{ "valid_days", "60" },
	{ "count", "2" },
	{ "activities",
	  "Muistikahvila — Pohjois-Savon Muistiyhdistys ry\nVertaisryhmä — Kuopion Omaiset ry\n" },
	{ "report_url", "https://tarjotin.example.fi/admin-reviews.html" },
	{ "reason", "Järjestö on jo rekisteröity Tarjottimeen." },
	{ "login_url", "https://tarjotin.example.fi/kirjaudu/3e9b0c71a4" },
	{ "valid_minutes", "15" },
	{ "survey_url",
	  "https://tarjotin.example.fi/survey.html#t=Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg" },
	{ "survey_title", "Tarjottimen seurantakysely syksyllä 2026" },
	{ "recipient_name", "Pohjois-Savon Muistiyhdistys ry" },
};
#define NVARS (sizeof(vars) / sizeof(vars[0]))

static const char *const names[] = { "test",
				     "contact_request",
				     "contact_receipt",
				     "contact_request_data",
				     "contact_withdrawn",
				     "contact_withdrawn_client",
				     "review_request",
				     "review_reminder",
				     "review_hidden",
				     "registration_received",
				     "registration_rejected",
				     "login_link",
				     "survey_invitation" };
static const char *const langs[] = { "fi", "sv", "en" };

static int exists(const char *name, const char *lang, const char *ext)
{
	char *p = xasprintf("%s/%s/%s.%s", TEMPLATE_DIR, name, lang, ext);
	struct stat st;
	int r = stat(p, &st) == 0;

	free(p);
	return r;
}

static void test_every_template_renders_as_mail(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0; j < 3; j++) {
			char err[200] = "", *subject, *text, *html, *msg;
			struct mime_message m = { 0 };

			/* every template has all three e-mail parts in all languages */
			assert_true(exists(names[i], langs[j], "subject"));
			assert_true(exists(names[i], langs[j], "txt"));
			assert_true(exists(names[i], langs[j], "html"));
			subject = template_render(TEMPLATE_DIR, names[i], langs[j],
						  TEMPLATE_SUBJECT, vars, NVARS, err, sizeof(err));
			if (!subject)
				fail_msg("%s/%s subject: %s", names[i], langs[j], err);
			text = template_render(TEMPLATE_DIR, names[i], langs[j], TEMPLATE_TEXT,
					       vars, NVARS, err, sizeof(err));
			if (!text)
				fail_msg("%s/%s text: %s", names[i], langs[j], err);
			html = template_render(TEMPLATE_DIR, names[i], langs[j], TEMPLATE_HTML,
					       vars, NVARS, err, sizeof(err));
			if (!html)
				fail_msg("%s/%s html: %s", names[i], langs[j], err);
			assert_null(strstr(subject, "{{"));
			assert_null(strchr(subject, '\n'));
			assert_null(strstr(text, "{{"));
			assert_null(strstr(html, "{{"));
			assert_non_null(strstr(html, "<html lang=\""));
			m.from = "noreply@tarjotin.example.fi";
			m.from_name = "Tarjotin";
			m.to = "info@example.fi";
			m.subject = subject;
			m.text = text;
			m.html = html;
			m.job_id = "job-1";
			m.domain = "tarjotin.example.fi";
			m.date = 1700000000;
			msg = mime_build(&m, err, sizeof(err));
			if (!msg)
				fail_msg("%s/%s mime: %s", names[i], langs[j], err);
			free(msg);
			free(subject);
			free(text);
			free(html);
		}
	}
}

static void test_sms_templates_are_gsm7_and_short(void **state)
{
	static const char *const sms[] = { "test", "contact_receipt", "contact_withdrawn_client" };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(sms) / sizeof(sms[0]); i++) {
		for (j = 0; j < 3; j++) {
			char err[200] = "", *t;
			struct smstext_info info;

			t = template_render(TEMPLATE_DIR, sms[i], langs[j], TEMPLATE_SMS, vars,
					    NVARS, err, sizeof(err));
			if (!t)
				fail_msg("%s/%s sms: %s", sms[i], langs[j], err);
			assert_int_equal(smstext_analyze(t, &info), 0);
			if (info.encoding != SMSTEXT_GSM7)
				fail_msg("%s/%s sms is not GSM-7: %s", sms[i], langs[j], t);
			if (info.parts > 2)
				fail_msg("%s/%s sms needs %zu parts", sms[i], langs[j], info.parts);
			free(t);
		}
	}
}

static void test_contact_request_carries_no_client_data(void **state)
{
	static const char *const ext[] = { "subject", "txt", "html" };
	size_t j, k;

	(void)state;
	/* the NGO e-mail has no placeholder for anything about the client */
	for (j = 0; j < 3; j++)
		for (k = 0; k < 3; k++) {
			char *path = xasprintf("%s/contact_request/%s.%s", TEMPLATE_DIR, langs[j],
					       ext[k]);
			FILE *f = fopen(path, "r");
			char line[1024];

			assert_non_null(f);
			while (fgets(line, sizeof(line), f)) {
				const char *p = line;

				while ((p = strstr(p, "{{"))) {
					assert_true(!strncmp(p, "{{organization_name}}", 21) ||
						    !strncmp(p, "{{activity_name}}", 17) ||
						    !strncmp(p, "{{open_url}}", 12) ||
						    !strncmp(p, "{{due_date}}", 12) ||
						    !strncmp(p, "{{response_days}}", 17));
					p += 2;
				}
			}
			fclose(f);
			free(path);
		}
}

static void test_substitution_and_escaping(void **state)
{
	static const struct template_var evil[] = {
		{ "sent_by", "<script>alert('x')</script> & \"co\"" },
		{ "sent_at", "now" },
	};
	char err[200], *t;

	(void)state;
	t = template_render(TEMPLATE_DIR, "test", "en", TEMPLATE_HTML, evil, 2, err, sizeof(err));
	assert_non_null(t);
	assert_null(strstr(t, "<script>"));
	assert_non_null(strstr(t,
			       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
			       "&quot;co&quot;"));
	free(t);
	/* plain text is not escaped */
	t = template_render(TEMPLATE_DIR, "test", "en", TEMPLATE_TEXT, evil, 2, err, sizeof(err));
	assert_non_null(t);
	assert_non_null(strstr(t, "<script>alert('x')</script> & \"co\""));
	free(t);
	/* a line break in a subject value is refused */
	{
		static const struct template_var nl[] = {
			{ "activity_name", "Muistikahvila\r\nBcc: x@example.com" },
		};

		t = template_render(TEMPLATE_DIR, "contact_request", "fi", TEMPLATE_SUBJECT, nl, 1,
				    err, sizeof(err));
		assert_null(t);
		assert_non_null(strstr(err, "line break"));
	}
	/* subject: exact result, trailing newline removed */
	{
		static const struct template_var a[] = { { "activity_name", "Muistikahvila" } };

		t = template_render(TEMPLATE_DIR, "contact_request", "fi", TEMPLATE_SUBJECT, a, 1,
				    err, sizeof(err));
		assert_non_null(t);
		assert_string_equal(t, "Uusi yhteydenottopyyntö: Muistikahvila");
		free(t);
	}
}

static void test_errors_and_fallback(void **state)
{
	char err[200], *t;

	(void)state;
	/* missing value */
	t = template_render(TEMPLATE_DIR, "login_link", "fi", TEMPLATE_TEXT, vars, 0, err,
			    sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "needs a value for 'login_url'"));
	/* names that could escape the directory or are not ours */
	assert_null(template_render(TEMPLATE_DIR, "../etc", "fi", TEMPLATE_TEXT, vars, NVARS, err,
				    sizeof(err)));
	assert_non_null(strstr(err, "template name"));
	assert_null(template_render(TEMPLATE_DIR, "Test", "fi", TEMPLATE_TEXT, vars, NVARS, err,
				    sizeof(err)));
	assert_null(template_render(TEMPLATE_DIR, "", "fi", TEMPLATE_TEXT, vars, NVARS, err,
				    sizeof(err)));
	assert_null(template_render(TEMPLATE_DIR, NULL, "fi", TEMPLATE_TEXT, vars, NVARS, err,
				    sizeof(err)));
	assert_int_equal(template_name_valid("review_reminder"), 1);
	assert_int_equal(template_name_valid("a/b"), 0);
	/* a template that does not exist, and a part a template lacks */
	t = template_render(TEMPLATE_DIR, "no_such_template", "fi", TEMPLATE_TEXT, vars, NVARS, err,
			    sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "has no txt part"));
	t = template_render(TEMPLATE_DIR, "login_link", "fi", TEMPLATE_SMS, vars, NVARS, err,
			    sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "'login_link' has no sms part"));
	/* unknown language falls back to Finnish */
	t = template_render(TEMPLATE_DIR, "login_link", "de", TEMPLATE_SUBJECT, vars, NVARS, err,
			    sizeof(err));
	assert_non_null(t);
	assert_string_equal(t, "Kirjautumislinkki Tarjottimeen");
	free(t);
	t = template_render(TEMPLATE_DIR, "login_link", NULL, TEMPLATE_SUBJECT, vars, NVARS, err,
			    sizeof(err));
	assert_non_null(t);
	assert_string_equal(t, "Kirjautumislinkki Tarjottimeen");
	free(t);
}

static void test_malformed_placeholder(void **state)
{
	char dir[] = "/tmp/tj_template_XXXXXX", *sub, *file, err[200], *t;
	FILE *f;
	static const struct template_var v[] = { { "x", "1" } };

	(void)state;
	assert_non_null(mkdtemp(dir));
	sub = xasprintf("%s/bad", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	file = xasprintf("%s/fi.txt", sub);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("Hei {{x} ja {{ x }}\n", f);
	fclose(f);
	t = template_render(dir, "bad", "sv", TEMPLATE_TEXT, v, 1, err, sizeof(err));
	assert_null(t);
	assert_non_null(strstr(err, "malformed placeholder"));
	unlink(file);
	rmdir(sub);
	rmdir(dir);
	free(file);
	free(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_template_renders_as_mail),
		cmocka_unit_test(test_sms_templates_are_gsm7_and_short),
		cmocka_unit_test(test_contact_request_carries_no_client_data),
		cmocka_unit_test(test_substitution_and_escaping),
		cmocka_unit_test(test_errors_and_fallback),
		cmocka_unit_test(test_malformed_placeholder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
