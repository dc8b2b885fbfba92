/*
 * registry.h - the public and admin routes of NGO self-service
 * (docs/selfservice.md): proposing an organisation, the one-click review
 * link, and the admin's registration queue, taxonomy and review report.
 * The public POSTs need the anonymous CSRF double-submit (the guard) and
 * are throttled per client IP; the admin routes need a signed-in account
 * (the directory checks the role).  Bodies go to the directory, which
 * checks every field (docroute.h).
 *
 *   POST /api/v1/registrations                      (201; TARJOTIN_REGISTER_LIMIT_IP)
 *   POST /api/v1/reviews/peek    {"token"}          (TARJOTIN_SIGNIN_LIMIT_IP)
 *   POST /api/v1/reviews/confirm {"token"}          (the same counter)
 *   GET  /api/v1/admin/registrations[?status]
 *   POST /api/v1/admin/registrations/{id}/approve   {}
 *   POST /api/v1/admin/registrations/{id}/reject    {"reason"}
 *   GET  /api/v1/admin/taxonomy
 *   POST /api/v1/admin/taxonomy                     (201, Location)
 *   PUT  /api/v1/admin/taxonomy/{id}                (If-Match optional)
 *   GET  /api/v1/admin/reviews[?county]
 */
#ifndef TJ_GW_REGISTRY_H
#define TJ_GW_REGISTRY_H

#include "req.h"

unsigned registry_route_submit(struct req *r, const char *url);
unsigned registry_route_review_peek(struct req *r, const char *url);
unsigned registry_route_review_confirm(struct req *r, const char *url);
unsigned registry_route_list(struct req *r, const char *url);
unsigned registry_route_decide(struct req *r, const char *url);
unsigned registry_route_taxonomy_list(struct req *r, const char *url);
unsigned registry_route_term_create(struct req *r, const char *url);
unsigned registry_route_term_update(struct req *r, const char *url);
unsigned registry_route_reviews(struct req *r, const char *url);

#endif
