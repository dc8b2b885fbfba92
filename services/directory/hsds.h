/*
 * hsds.h - the HSDS 3.0 read API (Open Referral Human Services Data
 * Specification): services, organizations, taxonomies, taxonomy terms and
 * services at locations, as finished JSON documents built by PostgreSQL.
 *
 * Only published activities of approved organisations, and approved
 * organisations, are ever part of a document.
 *
 * Identifiers: organisations, activities, contacts and locations keep their
 * own uuids.  Everything HSDS needs a uuid for that has none of its own
 * (taxonomies and terms, which have slugs; attributes, service areas,
 * languages, phones, schedules, addresses, service_at_location links) gets a
 * name-based UUID version 3 (RFC 4122 section 4.3: MD5, computed in SQL)
 * of a name such as "taxonomy_term:memory" or "attribute:<activity>:<term>"
 * in the namespace HSDS_UUID_NAMESPACE, so the same thing always has the same
 * id and anyone can recompute it.
 */
#ifndef TJ_HSDS_H
#define TJ_HSDS_H

#include "directory.h"

#define HSDS_UUID_NAMESPACE "15674117-5f49-4ade-81bf-17745ab936fd"

/*
 * The MSG_HSDS handler: decodes an HsdsRequest, runs one parameterised query
 * (two when a taxonomy or term filter must be resolved) and replies with an
 * HsdsReply holding the JSON document.  Errors: STATUS_BAD_REQUEST (an
 * undecodable request, an unknown taxonomy or term filter, with
 * error_field), STATUS_NOT_FOUND (no such item), STATUS_UNAVAILABLE
 * (PostgreSQL cannot be reached), STATUS_INTERNAL.
 */
void hsds_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
