/*
 * apply.h - counts one ingested batch in Redis (docs/statistics.md section
 * 2): one Lua script per batch sets the batch's dedupe bit and applies its
 * counters, visits and contact-request records together, so a batch counts
 * wholly or not at all, and once.
 *
 * The script refuses to count while tj:stats:epoch is absent (a Redis that
 * lost its data and is not seeded yet): counting then would make the
 * roll-up's GREATEST keep the older, larger figures and lose the new ones.
 */
#ifndef TJ_APPLY_H
#define TJ_APPLY_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "ingest.h"

enum apply_result {
	APPLY_FAILED = -1,   /* Redis failed: err says why; the context may be unusable */
	APPLY_COUNTED = 0,   /* counted */
	APPLY_DUPLICATE = 1, /* this batch (source_id, seq) was counted before */
	APPLY_NO_EPOCH = 2,  /* Redis is not seeded: nothing counted */
};

/* The script's SHA-1 once loaded into a Redis; embedded, zeroed to start. */
struct apply {
	char sha[41];
};

/*
 * Applies g in Redis with rc (EVALSHA, loading the script again when Redis
 * forgot it).  Returns an apply_result; on APPLY_FAILED the reason is in err
 * and the caller frees rc when rc->err is set.
 */
enum apply_result apply_batch(struct apply *a, redisContext *rc, const struct ingest *g, char *err,
			      size_t errlen);

#endif
