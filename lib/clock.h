/* clock.h - the two clocks: wall time for deadlines that cross processes,
 * monotonic time for measuring within one. */
#ifndef TJ_CLOCK_H
#define TJ_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since the Unix epoch. */
int64_t clock_wall_ms(void);
/* Monotonic microseconds, for latencies and local timeouts. */
int64_t clock_mono_us(void);
/* The time 'ms' milliseconds from now on clock 'clock' (CLOCK_REALTIME,
 * CLOCK_MONOTONIC), as pthread_cond_timedwait wants it. */
struct timespec clock_after_ms(clockid_t clock, int64_t ms);

#endif
