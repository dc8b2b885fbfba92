/*
 * hsds.h - the gateway's side of the HSDS 3.0 read API under /hsds/.
 */
#ifndef TJ_GW_HSDS_H
#define TJ_GW_HSDS_H

#include "gateway.h"

/*
 * The route handler for GET /hsds and everything under /hsds/: answers the
 * API's meta document itself, validates the path and the query (400 naming
 * the parameter, 404 for an unknown path), and forwards one HsdsRequest to
 * the directory, whose JSON document it passes through unchanged.
 */
unsigned hsds_route(struct req *r, const char *url);

#endif
