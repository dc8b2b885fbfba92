/*
 * rlabel.h - the words of reports in fi, sv and en: table titles, column
 * labels, the measures of measure/value tables and the fixed row names
 * (not signed in, nationwide, none), from one static table; and the names
 * of counties, municipalities, terms, frames and user sites from the
 * coverage document's dictionaries (docs/statistics.md section 5).
 */
#ifndef TJ_RLABEL_H
#define TJ_RLABEL_H

#include <jansson.h>

/* The language index of "fi" (0), "sv" (1), "en" (2); -1 otherwise. */
int rlabel_lang(const char *lang);

/* The word for key (a table id, column id or measure) in lang; the key
 * itself when there is none.  Static strings. */
const char *rlabel_word(const char *key, const char *lang);

/*
 * The name of key in the coverage document's dictionary dict ("counties",
 * "municipalities", "terms", "frames", "user_sites"): its lang name, else
 * the Finnish one (user sites: "name"), else key.  Points into doc or key.
 */
const char *rlabel_name(const json_t *doc, const char *dict, const char *key, const char *lang);

#endif
