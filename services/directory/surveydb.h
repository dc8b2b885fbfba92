/*
 * surveydb.h - a follow-up survey as its JSON document (docs/statistics.md
 * §7), read on a worker's connection in whatever transaction it has open.
 * The admin handlers, the send and the answer page all start from it.
 */
#ifndef TJ_SURVEYDB_H
#define TJ_SURVEYDB_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "directory.h"

/* Columns of surveydb_load's row. */
enum { SURVEYDB_STATUS, SURVEYDB_DOC, SURVEYDB_AUDIENCE, SURVEYDB_ID };

/*
 * The survey 'id' (a uuid, either case) with its questions: one row of
 * status ("draft", "sent", "closed"), the document {"id","title","intro",
 * "audience","status","created_at","updated_at","sent_at","closed_at",
 * "questions":[{"id","type","text","required"}]} as JSON text, and the
 * audience and the survey's id (lower case); the survey's row locked FOR UPDATE when 'lock'.  Returns the
 * result (PQclear it), or NULL with 'reply' set: NOT_FOUND "not_found"
 * (field "id") when 'id' is no uuid or names no survey, else the
 * statement's failure.
 */
PGresult *surveydb_load(struct worker *w, const char *id, bool lock, Tarjotin__Envelope *reply);

/*
 * The same by an answer link's token hash 'hex' (64 lower-case hex
 * digits), the survey's row locked FOR SHARE when 'lock' (so that a close
 * waits for the answer): the columns above and then SURVEYDB_RECIPIENT
 * (the recipient's name) and SURVEYDB_USED ("t" when the link was used).  NOT_FOUND "link_invalid" (field "token") when no link has
 * that hash.
 */
PGresult *surveydb_by_token(struct worker *w, const char *hex, bool lock,
			    Tarjotin__Envelope *reply);

enum { SURVEYDB_RECIPIENT = SURVEYDB_ID + 1, SURVEYDB_USED };

#endif
