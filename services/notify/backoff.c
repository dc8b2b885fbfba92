#include "backoff.h"
#include "banned.h"

int64_t backoff_ceiling_ms(int64_t base_ms, int64_t cap_ms, int attempt)
{
	int64_t c = base_ms < 0 ? 0 : base_ms;

	if (cap_ms < 0)
		cap_ms = 0;
	/* Doubling stops at the cap, and never overflows on the way. */
	for (int i = 0; i < attempt && c < cap_ms; i++)
		c = c > cap_ms / 2 ? cap_ms : c * 2;
	return c < cap_ms ? c : cap_ms;
}

int64_t backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int attempt, uint32_t rnd)
{
	int64_t ceiling = backoff_ceiling_ms(base_ms, cap_ms, attempt);

	/* Uniform in [0, ceiling]; the modulo bias is below 2^-32 * ceiling. */
	return ceiling ? (int64_t)(rnd % (uint64_t)(ceiling + 1)) : 0;
}
