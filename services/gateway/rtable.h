/*
 * rtable.h - finding a request's route in a routing table (req.h's struct
 * req_routes): the first match wins.
 */
#ifndef TJ_RTABLE_H
#define TJ_RTABLE_H

#include <stdbool.h>

#include "req.h"

/*
 * The route for method and url, or NULL (*method_mismatch: another method
 * has the path).  *cors is set when an open-data route has the path, so
 * that its 405 is open too.
 */
const struct route *rtable_match(const struct req_routes *t, const char *method, const char *url,
				 bool *method_mismatch, bool *cors);

#endif
