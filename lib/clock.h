/* clock.h - the two clocks: wall time for deadlines that cross processes,
 * monotonic time for measuring within one. */
#ifndef TJ_CLOCK_H
#define TJ_CLOCK_H

#include <stdint.h>

/* Milliseconds since the Unix epoch. */
int64_t clock_wall_ms(void);
/* Monotonic microseconds, for latencies and local timeouts. */
int64_t clock_mono_us(void);

#endif
