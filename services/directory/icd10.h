/*
 * icd10.h - the ICD-10 crosswalk of the search (data/icd10.tsv): from a
 * code to the condition terms activities use for it, in Finnish, Swedish
 * and English (F32 -> masennus, depressio, depression).
 *
 * A code is a category (G20), a subcategory (F32.1, also F321) or a range
 * (F30-F39) in the file; a lookup gives the terms of the subcategory, of
 * its category and, when neither is in the file, of the narrowest range
 * that holds the category.
 */
#ifndef TJ_ICD10_H
#define TJ_ICD10_H

#include <stdbool.h>
#include <stddef.h>

struct icd10;

/* Reads the crosswalk (code<TAB>fi<TAB>sv<TAB>en, terms |-separated,
 * # comments).  NULL with err when the file is missing or a line is
 * malformed (its number in the message).  icd10_destroy() frees it. */
struct icd10 *icd10_load(const char *path, char *err, size_t errlen);
void icd10_destroy(struct icd10 **cp);

/*
 * Normalises a word to a code: "f32", "F32.1", "f321" -> "F32" / "F32.1"
 * into out (8 bytes).  False when the word is not an ICD-10 code.
 */
bool icd10_code(const char *word, size_t len, char out[8]);

/* Calls fn for every condition term (UTF-8, lower case, may hold spaces)
 * of the normalised code; returns how many.  c may be NULL (none). */
size_t icd10_terms(const struct icd10 *c, const char *code, void (*fn)(void *ctx, const char *term),
		   void *ctx);

/* The same for a range of categories lo..hi ("F30", "F39"): the terms of
 * the range's own entry or, when it has none, of the categories inside. */
size_t icd10_range_terms(const struct icd10 *c, const char *lo, const char *hi,
			 void (*fn)(void *ctx, const char *term), void *ctx);

/* True when the categories lo..hi and a range of taxonomy_terms.icd10
 * ("F30-F39" or "F99") have a category in common. */
bool icd10_overlaps(const char *lo, const char *hi, const char *range);

/* Calls fn for every Swedish or English condition term of the crosswalk
 * with each Finnish term of its code ("stroke" with aivohalvaus and with
 * aivoverenkiertohäiriö): what the search translates a Swedish or English
 * word with. */
void icd10_translations(const struct icd10 *c,
			void (*fn)(void *ctx, const char *term, const char *fi), void *ctx);

/* True when the code's category lies in 'range' (a category "F99" or a
 * range "F30-F39", as taxonomy_terms.icd10 holds them). */
bool icd10_in_range(const char *code, const char *range);

#endif
