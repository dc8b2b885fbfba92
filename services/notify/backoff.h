/*
 * backoff.h - when to try a failed job again: exponential backoff with
 * full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the delay is uniform in [0, min(cap, base * 2^attempt)].
 */
#ifndef TJ_BACKOFF_H
#define TJ_BACKOFF_H

#include <stdint.h>

/* The delay in milliseconds before try number attempt + 1 (attempt >= 0
 * tries have failed so far; attempt 0 means the first retry).  'rnd' is a
 * uniformly random 32-bit number (randombytes_random()), so the function
 * stays pure.  Never overflows; base and cap of 0 give 0. */
int64_t backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int attempt, uint32_t rnd);

/* The upper end of the range above: min(cap, base * 2^attempt). */
int64_t backoff_ceiling_ms(int64_t base_ms, int64_t cap_ms, int attempt);

#endif
