/*
 * actdoc.h - the activity document's rules (docs/selfservice.md "The
 * activity document"): a body checked field by field into its canonical
 * form, the publication rules, and the checks that its codes exist.
 */
#ifndef TJ_ACTDOC_H
#define TJ_ACTDOC_H

#include <stdbool.h>

#include <jansson.h>

#include "directory.h"
#include "doccall.h"

/*
 * Checks the writable fields of 'body' (an object; unknown members are
 * ignored, a missing writable field takes its empty value, "name" is
 * required) and notes every broken rule into e.  'create': the body may
 * carry "status" (draft, the default, or published) and the result holds
 * it.  The publication rules apply when the result's status is published
 * or 'published' is true (a save of a published activity).  Returns a new
 * object with every writable field in canonical form (json_decref it),
 * also when errors were noted; the database checks are actdoc_check_db's.
 */
json_t *actdoc_validate(const json_t *body, bool create, bool published, struct docerr *e);

/* Notes "required_to_publish" for each publication rule the canonical
 * document 'doc' breaks (summary, how_to_join, needs, kinds, area,
 * languages). */
void actdoc_publishable(const json_t *doc, struct docerr *e);

/* Notes "unknown" for the needs, kinds, target groups, municipalities,
 * county and meeting places' municipalities of the canonical 'doc' that do
 * not exist (or are not active terms).  Returns 0, or -1 with reply filled
 * when a query failed. */
int actdoc_check_db(struct worker *w, const json_t *doc, struct docerr *e,
		    Tarjotin__Envelope *reply);

/* A new object of the writable members of a document (with "status" when
 * 'with_status'): what history compares.  json_decref it. */
json_t *actdoc_writable(const json_t *doc, bool with_status);

#endif
