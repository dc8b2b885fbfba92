/*
 * history.h - field-level change history (docs/selfservice.md "Editing",
 * change_history of migration 0040): written by every save in its own
 * transaction, read by MSG_HISTORY_LIST.
 */
#ifndef TJ_HISTORY_H
#define TJ_HISTORY_H

#include <jansson.h>

#include "directory.h"

/*
 * Appends one change_history row of 'type' ("activity", "organization",
 * "taxonomy_term") and 'id' for each top-level member of new_doc whose
 * JSON value differs from old_doc's (a member old_doc lacks counts as
 * null); old_doc NULL (a create): one row for each member that is not
 * empty (null, "", [], {} or false), old null.  By principal 'p' (NULL:
 * anonymous), 'version' the version the save made, in the transaction the
 * caller has open.  Member names must match [a-z_]{1,40}.  When 'changed'
 * is not NULL it gets a new array of the changed members' names (the
 * caller json_decrefs it).  Returns the number of rows written, or -1
 * with reply filled (the caller rolls back).
 */
int history_write(struct worker *w, const Tarjotin__Principal *p, const char *type, const char *id,
		  int version, json_t *old_doc, json_t *new_doc, json_t **changed,
		  Tarjotin__Envelope *reply);

/*
 * Whether 'p' may read and edit the record 'id' of 'type' ("activity" or
 * "organization"): an admin always, an editor when the record (an
 * activity: its organisation) is theirs.  The organisation's id goes into
 * org (UUID_STR_SIZE bytes) when not NULL.  Returns 0, or -1 with reply
 * filled: NOT_FOUND "not_found" (field "id") when the id names nothing,
 * FORBIDDEN "forbidden" when it names another organisation's record.
 */
int history_target_check(struct worker *w, const Tarjotin__Principal *p, const char *type,
			 const char *id, char *org, Tarjotin__Envelope *reply);

/*
 * MSG_HISTORY_LIST: DocCall id = the activity or organisation, body
 * {"type":"activity"|"organization","before"?,"limit"? 1..200 (50)}.
 * Answers {"items":[{"id","at","target_type","target_id","version","actor":
 * {"id","name","email","role"}|null,"field","old","new"}],"next_before"}
 * newest first; an organisation's history holds its activities' rows too.  An
 * editor sees the history of their organisations and their activities only
 * (FORBIDDEN), NOT_FOUND when the id names nothing.
 */
void history_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
