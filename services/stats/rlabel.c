#include <string.h>

#include "rlabel.h"
#include "banned.h"

struct word {
	const char *key, *w[3];
};

static const struct word words[] = {
	{ "coverage_totals", { "Kattavuus yhteensä", "Täckning totalt", "Coverage totals" } },
	{ "coverage_by_frame",
	  { "Järjestöt muodon mukaan", "Organisationer efter form", "Organisations by form" } },
	{ "coverage_by_county",
	  { "Kattavuus hyvinvointialueittain", "Täckning per välfärdsområde",
	    "Coverage by county" } },
	{ "coverage_by_municipality",
	  { "Kattavuus kunnittain", "Täckning per kommun", "Coverage by municipality" } },
	{ "coverage_by_need",
	  { "Toiminnot tarpeen mukaan", "Verksamheter efter behov", "Activities by need" } },
	{ "coverage_by_kind",
	  { "Toiminnot lajin mukaan", "Verksamheter efter slag", "Activities by kind" } },
	{ "coverage_over_time",
	  { "Kattavuus ajan mittaan", "Täckning över tid", "Coverage over time" } },
	{ "usage_by_month",
	  { "Istunnot ja sivunäytöt kuukausittain", "Sessioner och sidvisningar per månad",
	    "Sessions and page views by month" } },
	{ "usage_by_site",
	  { "Käyttö käyttäjäpaikoittain", "Användning per användarenhet", "Usage by user site" } },
	{ "searches_by_month",
	  { "Haut kuukausittain", "Sökningar per månad", "Searches by month" } },
	{ "cr_by_month",
	  { "Yhteydenottopyynnöt kuukausittain", "Kontaktbegäranden per månad",
	    "Contact requests by month" } },
	{ "cr_by_county_kind",
	  { "Lähetetyt pyynnöt alueittain ja lajeittain", "Skickade begäranden per område och slag",
	    "Requests sent by county and kind" } },
	{ "cr_reaction", { "Reagointiajat", "Reaktionstider", "Reaction times" } },
	{ "freshness_by_county",
	  { "Tietojen ajantasaisuus alueittain", "Uppgifternas aktualitet per område",
	    "Freshness by county" } },
	{ "gaps", { "Tuloksettomat haut", "Sökningar utan resultat", "Searches without results" } },
	{ "gap_words",
	  { "Tuloksettomien hakujen sanat", "Ord i sökningar utan resultat",
	    "Words of searches without results" } },
	/* columns */
	{ "measure", { "Mittari", "Mått", "Measure" } },
	{ "value", { "Arvo", "Värde", "Value" } },
	{ "frame", { "Muoto", "Form", "Form" } },
	{ "organizations", { "Järjestöt", "Organisationer", "Organisations" } },
	{ "activities", { "Toiminnot", "Verksamheter", "Activities" } },
	{ "county", { "Hyvinvointialue", "Välfärdsområde", "County" } },
	{ "municipality", { "Kunta", "Kommun", "Municipality" } },
	{ "population", { "Väkiluku", "Folkmängd", "Population" } },
	{ "organizations_per_10000",
	  { "Järjestöt / 10 000 as.", "Organisationer / 10 000 inv.",
	    "Organisations per 10,000" } },
	{ "activities_per_10000",
	  { "Toiminnot / 10 000 as.", "Verksamheter / 10 000 inv.", "Activities per 10,000" } },
	{ "need", { "Tarve", "Behov", "Need" } },
	{ "kind", { "Toiminnan laji", "Slag av verksamhet", "Kind of activity" } },
	{ "month", { "Kuukausi", "Månad", "Month" } },
	{ "sessions", { "Istunnot", "Sessioner", "Sessions" } },
	{ "page_views", { "Sivunäytöt", "Sidvisningar", "Page views" } },
	{ "user_site", { "Käyttäjäpaikka", "Användarenhet", "User site" } },
	{ "searches", { "Haut", "Sökningar", "Searches" } },
	{ "zero_results", { "Tuloksettomat", "Utan resultat", "Zero results" } },
	{ "zero_share",
	  { "Tuloksettomien osuus %", "Andel utan resultat %", "Zero-result share %" } },
	{ "sent", { "Lähetetyt", "Skickade", "Sent" } },
	{ "opened", { "Avatut", "Öppnade", "Opened" } },
	{ "contacted", { "Yhteydessä", "Kontaktade", "Contacted" } },
	{ "unreachable", { "Ei tavoitettu", "Inte nådda", "Unreachable" } },
	{ "declined", { "Hylätyt", "Avböjda", "Declined" } },
	{ "withdrawn", { "Perutut", "Återkallade", "Withdrawn" } },
	{ "expired", { "Vanhentuneet", "Utgångna", "Expired" } },
	{ "reached_share", { "Tavoitettujen osuus %", "Andel nådda %", "Reached share %" } },
	{ "published", { "Julkaistut", "Publicerade", "Published" } },
	{ "verified_6m",
	  { "Tarkistettu 6 kk sisällä", "Kontrollerade inom 6 mån", "Verified within 6 months" } },
	{ "verified_share",
	  { "Tarkistettujen osuus %", "Andel kontrollerade %", "Verified share %" } },
	{ "word", { "Sana", "Ord", "Word" } },
	/* measures */
	{ "activities_nationwide",
	  { "Valtakunnalliset toiminnot", "Riksomfattande verksamheter",
	    "Nationwide activities" } },
	{ "activities_online",
	  { "Verkkotoiminnot", "Verksamheter på nätet", "Online activities" } },
	{ "first_reactions", { "Ensimmäiset reaktiot", "Första reaktioner", "First reactions" } },
	{ "median_hours", { "Mediaani, tuntia", "Median, timmar", "Median, hours" } },
	{ "p90_hours",
	  { "90. persentiili, tuntia", "90:e percentil, timmar", "90th percentile, hours" } },
	{ "median_working_days",
	  { "Mediaani, työpäivää", "Median, arbetsdagar", "Median, working days" } },
	{ "p90_working_days",
	  { "90. persentiili, työpäivää", "90:e percentil, arbetsdagar",
	    "90th percentile, working days" } },
	/* fixed rows */
	{ "not_signed_in", { "Ei kirjautunut", "Ej inloggad", "Not signed in" } },
	{ "nationwide", { "Valtakunnallinen", "Riksomfattande", "Nationwide" } },
	{ "none", { "—", "—", "—" } },
};

int rlabel_lang(const char *lang)
{
	if (!lang)
		return -1;
	if (!strcmp(lang, "fi"))
		return 0;
	if (!strcmp(lang, "sv"))
		return 1;
	if (!strcmp(lang, "en"))
		return 2;
	return -1;
}

const char *rlabel_word(const char *key, const char *lang)
{
	int l = rlabel_lang(lang);

	if (l < 0)
		l = 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].key, key))
			return words[i].w[l];
	return key;
}

static const char *str_of(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s && *s ? s : NULL;
}

const char *rlabel_name(const json_t *doc, const char *dict, const char *key, const char *lang)
{
	const json_t *e = json_object_get(json_object_get(doc, dict), key);
	const char *s;

	if (!json_is_object(e))
		return key;
	if ((s = str_of(e, lang)) || (s = str_of(e, "fi")) || (s = str_of(e, "name")))
		return s;
	return key;
}
