/*
 * selfserv.h - the editors' routes of NGO self-service (docs/selfservice.md
 * "Editing"): an editor's or admin's organisations, an organisation's
 * profile, activities and history, and an activity's document, status,
 * "still correct" and history.  Every route needs a signed-in account; the
 * directory decides who may edit what.  Paths, If-Match and the query are
 * checked here; the documents' fields by the directory (docroute.h).
 *
 *   GET  /api/v1/editor/organizations[?q]
 *   GET  /api/v1/editor/organizations/{id}                 (ETag)
 *   PUT  /api/v1/editor/organizations/{id}                 (If-Match)
 *   GET  /api/v1/editor/organizations/{id}/activities
 *   POST /api/v1/editor/organizations/{id}/activities      (201, Location)
 *   GET  /api/v1/editor/organizations/{id}/history[?before&limit]
 *   GET  /api/v1/editor/activities/{id}                    (ETag)
 *   PUT  /api/v1/editor/activities/{id}                    (If-Match)
 *   POST /api/v1/editor/activities/{id}/status             (If-Match)
 *   POST /api/v1/editor/activities/{id}/confirm            (If-Match optional)
 *   GET  /api/v1/editor/activities/{id}/history[?before&limit]
 */
#ifndef TJ_GW_SELFSERV_H
#define TJ_GW_SELFSERV_H

#include "req.h"

unsigned selfserv_route_orgs(struct req *r, const char *url);
unsigned selfserv_route_org_get(struct req *r, const char *url);
unsigned selfserv_route_org_put(struct req *r, const char *url);
unsigned selfserv_route_org_activities(struct req *r, const char *url);
unsigned selfserv_route_activity_create(struct req *r, const char *url);
unsigned selfserv_route_org_history(struct req *r, const char *url);
unsigned selfserv_route_activity_get(struct req *r, const char *url);
unsigned selfserv_route_activity_put(struct req *r, const char *url);
unsigned selfserv_route_activity_status(struct req *r, const char *url);
unsigned selfserv_route_activity_confirm(struct req *r, const char *url);
unsigned selfserv_route_activity_history(struct req *r, const char *url);

#endif
