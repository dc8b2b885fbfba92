/*
 * identity.h - the admin and organisation-editor routes (docs/identity.md
 * "HTTP API"): user sites, accounts, the audit log and an organisation's
 * editors.  Every field is checked here by the field rules (fields.h) and
 * passed on as canonical JSON in an IdentityCall; the directory authorizes
 * and checks what only the data can tell.  After a successful reply the
 * sessions of every account in revoke_sessions_of are ended.
 *
 *   GET    /api/v1/admin/user-sites
 *   POST   /api/v1/admin/user-sites                (201)
 *   PUT    /api/v1/admin/user-sites/{id}
 *   GET    /api/v1/admin/accounts[?role&q&limit]
 *   POST   /api/v1/admin/accounts                  (201)
 *   PUT    /api/v1/admin/accounts/{id}
 *   GET    /api/v1/admin/audit[?actor&action&target&from&to&before&limit]
 *   GET    /api/v1/organizations/{id}/editors
 *   POST   /api/v1/organizations/{id}/editors      (201)
 *   DELETE /api/v1/organizations/{id}/editors/{account}  (204)
 */
#ifndef TJ_GW_IDENTITY_H
#define TJ_GW_IDENTITY_H

#include "req.h"

unsigned identity_route_user_sites_list(struct req *r, const char *url);
unsigned identity_route_user_sites_create(struct req *r, const char *url);
unsigned identity_route_user_sites_update(struct req *r, const char *url);
unsigned identity_route_accounts_list(struct req *r, const char *url);
unsigned identity_route_accounts_invite(struct req *r, const char *url);
unsigned identity_route_accounts_update(struct req *r, const char *url);
unsigned identity_route_audit(struct req *r, const char *url);
unsigned identity_route_editors_list(struct req *r, const char *url);
unsigned identity_route_editors_add(struct req *r, const char *url);
unsigned identity_route_editors_remove(struct req *r, const char *url);

#endif
