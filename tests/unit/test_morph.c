// units: services/directory/morph.c
/*
 * Unit tests for the search's morphology (services/directory/morph.h):
 * Finnish compounds split into their parts' base forms, inflected forms
 * to base forms, Voikko's suggestions for one- and two-letter typos, and
 * Swedish and English stems, with Voikko's real Finnish dictionary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "morph.h"

struct got {
	char all[2048];
	size_t n;
	int kinds[4];
};

static void collect(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct got *g = ctx;
	size_t at = strlen(g->all);

	assert_int_equal(strlen(term), len);
	snprintf(g->all + at, sizeof(g->all) - at, "|%s", term);
	g->n++;
	g->kinds[kind]++;
}

/* The terms of w as "|a|b|...|". */
static struct got terms_of(struct morph *m, const char *w)
{
	struct got g;
	size_t n;

	memset(&g, 0, sizeof(g));
	n = morph_terms(m, w, strlen(w), collect, &g);
	assert_int_equal(n, g.n);
	strcat(g.all, "|");
	return g;
}

static bool has(const struct got *g, const char *term)
{
	char needle[80];

	snprintf(needle, sizeof(needle), "|%s|", term);
	return strstr(g->all, needle) != NULL;
}

static int setup(void **state)
{
	char err[256];

	*state = morph_new(err, sizeof(err));
	if (!*state)
		fprintf(stderr, "morph_new: %s\n", err);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	struct morph *m = *state;

	morph_free(&m);
	return 0;
}

struct splits {
	char all[1024];
	size_t n;
};

static void collect_split(void *ctx, char (*parts)[MORPH_WORD_MAX], size_t n)
{
	struct splits *sp = ctx;
	size_t at = strlen(sp->all);

	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(sp->all + at, sizeof(sp->all) - at, "%s%s", i ? "+" : "|",
				       parts[i]);
	snprintf(sp->all + at, sizeof(sp->all) - at, "|");
	sp->n++;
}

/* Each way a compound splits on its own, derivational pieces left out:
 * the query needs all parts of one way, not of every way at once. */
static void test_compound_splits(void **state)
{
	const char *w = "muistisairausryhmä";
	struct splits sp = { "", 0 };
	size_t n = morph_compounds(*state, w, strlen(w), collect_split, &sp);

	assert_int_equal(n, sp.n);
	assert_true(n >= 2);
	assert_non_null(strstr(sp.all, "|muisti+sairaus+ryhmä|"));
	assert_non_null(strstr(sp.all, "|muisti+sairas+ryhmä|")); /* sairaus = sairas + -us */
	assert_null(strstr(sp.all, "+us"));
	memset(&sp, 0, sizeof(sp));
	/* A derived word is no compound (masentuneille: masentaa + -tua + -ut). */
	assert_int_equal(morph_compounds(*state, "masentuneille", 13, collect_split, &sp), 0);
}

/* A derived word also gives the word it derives from, which relates
 * masentuneille and masennus; a Finnish word gets no Snowball stems. */
static void test_derivation_root(void **state)
{
	struct got a = terms_of(*state, "masentuneille"), b = terms_of(*state, "masennus");

	assert_true(has(&a, "masentunut"));
	assert_true(has(&a, "masentaa"));
	assert_true(has(&b, "masentaa"));
	assert_int_equal(a.kinds[MORPH_STEM], 0);
	assert_false(has(&a, "tua)") || has(&a, "ut)"));
}

static void test_compound_parts(void **state)
{
	struct got g = terms_of(*state, "vertaistukiryhmät");

	assert_true(has(&g, "vertaistukiryhmät"));
	assert_true(has(&g, "vertaistukiryhmä"));
	assert_true(has(&g, "tuki"));
	assert_true(has(&g, "ryhmä"));
	assert_true(has(&g, "vertainen"));
	assert_int_equal(g.kinds[MORPH_SURFACE], 1);
	assert_true(g.kinds[MORPH_PART] >= 3);
	/* The surface form comes first. */
	assert_int_equal(strncmp(g.all, "|vertaistukiryhmät|", 19), 0);
}

static void test_inflected_to_base(void **state)
{
	struct got g = terms_of(*state, "muistisairaille");

	assert_true(has(&g, "muistisairas"));
	assert_true(has(&g, "muisti"));
	assert_true(has(&g, "sairas"));
	g = terms_of(*state, "omaishoitajien");
	assert_true(has(&g, "omaishoitaja"));
	/* Voikko splits the derivation too: omais(omainen) + hoita(hoitaa)
	 * + ja; the suffix is shorter than three letters and left out. */
	assert_true(has(&g, "omainen"));
	assert_true(has(&g, "hoitaa"));
	assert_false(has(&g, "ja"));
	g = terms_of(*state, "syöpäpotilaille");
	assert_true(has(&g, "syöpäpotilas"));
	assert_true(has(&g, "syöpä"));
	assert_true(has(&g, "potilas"));
}

static void test_not_a_compound(void **state)
{
	struct got g = terms_of(*state, "kuoro");

	assert_true(has(&g, "kuoro"));
	assert_int_equal(g.kinds[MORPH_PART], 0);
}

static void test_upper_case_and_unknown(void **state)
{
	struct got g = terms_of(*state, "MUISTIKAHVILA");

	assert_true(has(&g, "muistikahvila"));
	assert_true(has(&g, "kahvila"));
	/* An unknown word gives itself and its stems, nothing made up. */
	g = terms_of(*state, "xqzzv");
	assert_true(has(&g, "xqzzv"));
	assert_int_equal(g.kinds[MORPH_BASE] + g.kinds[MORPH_PART], 0);
}

static void test_swedish_and_english_stems(void **state)
{
	struct got g = terms_of(*state, "anhöriga");

	assert_true(has(&g, "anhör"));
	g = terms_of(*state, "caregivers");
	assert_true(has(&g, "caregiv"));
	g = terms_of(*state, "Minnessjukdomar");
	assert_true(has(&g, "minnessjukdom"));
}

static bool suggests(struct morph *m, const char *typo, const char *want)
{
	char out[10][MORPH_WORD_MAX];
	size_t n = morph_suggest(m, typo, strlen(typo), out, 10);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i], want))
			return true;
	return false;
}

static void test_typos(void **state)
{
	struct morph *m = *state;

	assert_false(morph_known(m, "omaishoitja", strlen("omaishoitja")));
	assert_true(morph_known(m, "omaishoitaja", strlen("omaishoitaja")));
	/* One letter missing, one swapped, two letters wrong. */
	assert_true(suggests(m, "omaishoitja", "omaishoitaja"));
	assert_true(suggests(m, "masenus", "masennus"));
	assert_true(suggests(m, "muistisairsus", "muistisairaus"));
}

static void test_lower(void **state)
{
	char s[] = "ÅÄÖ ÉÜ ŠŽ Äiti ×";

	(void)state;
	morph_lower(s, strlen(s));
	assert_string_equal(s, "åäö éü šž äiti ×");
}

static void test_long_word(void **state)
{
	char w[200];
	struct got g;

	memset(w, 'a', sizeof(w) - 1);
	w[sizeof(w) - 1] = '\0';
	g = terms_of(*state, w);
	assert_int_equal(g.n, 1);
	assert_int_equal(morph_suggest(*state, w, strlen(w), NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compound_parts),
		cmocka_unit_test(test_compound_splits),
		cmocka_unit_test(test_derivation_root),
		cmocka_unit_test(test_inflected_to_base),
		cmocka_unit_test(test_not_a_compound),
		cmocka_unit_test(test_upper_case_and_unknown),
		cmocka_unit_test(test_swedish_and_english_stems),
		cmocka_unit_test(test_typos),
		cmocka_unit_test(test_lower),
		cmocka_unit_test(test_long_word),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
