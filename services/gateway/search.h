/*
 * search.h - the gateway's side of the search API (docs/api-v1.md):
 * /api/v1/activities, /api/v1/activities/{id}, /api/v1/organizations/{id},
 * /api/v1/taxonomies and /api/v1/municipalities.
 *
 * Every parameter is validated here (400 naming the field); the directory
 * answers with the finished JSON document, passed through unchanged.
 */
#ifndef TJ_GW_SEARCH_H
#define TJ_GW_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "req.h"

/* Route handlers for routes.c. */
unsigned search_route_list(struct req *r, const char *url);
unsigned search_route_activity(struct req *r, const char *url);
unsigned search_route_organization(struct req *r, const char *url);
unsigned search_route_taxonomies(struct req *r, const char *url);
unsigned search_route_municipalities(struct req *r, const char *url);

/* The bridge's on_notice (bridge.h): a SnapshotNotice for the page cache
 * 'pages' (a struct pagecache). */
void search_notice(void *pages, const uint8_t *data, size_t len);

#endif
