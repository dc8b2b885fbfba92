#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "errmsg.h"
#include "healthwatch.h"
#include "log.h"
#include "sig.h"
#include "banned.h"

void healthwatch_init(struct healthwatch *hw, const char *name, int interval_ms,
		      healthwatch_check_fn *check, healthwatch_reset_fn *reset, void *ctx)
{
	memset(hw, 0, sizeof(*hw));
	hw->name = name;
	hw->interval_ms = interval_ms;
	hw->check = check;
	hw->reset = reset;
	hw->ctx = ctx;
	hw->wake_fd = -1;
	atomic_init(&hw->ok, true);
	atomic_init(&hw->checked_ms, 0);
	atomic_init(&hw->outages, 0);
	atomic_init(&hw->stop, false);
}

static void *watch_main(void *arg)
{
	struct healthwatch *hw = arg;
	bool was_ok = true;
	char err[256], down[64], back[64];

	snprintf(down, sizeof(down), "%s is down", hw->name);
	snprintf(back, sizeof(back), "%s is back", hw->name);
	while (!atomic_load(&hw->stop) && !sig_stopping()) {
		struct pollfd pfd[2] = { { .fd = sig_fd(), .events = POLLIN },
					 { .fd = hw->wake_fd, .events = POLLIN } };
		bool ok;

		err[0] = '\0';
		ok = hw->check(hw->ctx, err, sizeof(err)) == 0;
		if (!ok)
			hw->reset(hw->ctx);
		if (!ok && was_ok)
			atomic_fetch_add(&hw->outages, 1);
		atomic_store(&hw->ok, ok);
		atomic_store(&hw->checked_ms, clock_wall_ms());
		if (ok != was_ok)
			log_event(ok ? LOG_INFO : LOG_WARN, ok ? back : down, "error",
				  ok ? "" : err, NULL);
		was_ok = ok;
		poll(pfd, 2, hw->interval_ms);
	}
	return NULL;
}

int healthwatch_start(struct healthwatch *hw, char *err, size_t errlen)
{
	int e;

	hw->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (hw->wake_fd < 0)
		return errmsg(err, errlen, "cannot make the %s watch's eventfd: %s", hw->name,
			      strerror(errno));
	e = pthread_create(&hw->thread, NULL, watch_main, hw);
	if (e) {
		close(hw->wake_fd);
		hw->wake_fd = -1;
		return errmsg(err, errlen, "cannot start the %s watch: %s", hw->name, strerror(e));
	}
	hw->running = true;
	return 0;
}

bool healthwatch_ok(const struct healthwatch *hw)
{
	return atomic_load(&hw->ok);
}

uint64_t healthwatch_outages(const struct healthwatch *hw)
{
	return atomic_load(&hw->outages);
}

int64_t healthwatch_checked_ms(const struct healthwatch *hw)
{
	return atomic_load(&hw->checked_ms);
}

void healthwatch_release(struct healthwatch *hw)
{
	if (hw->running) {
		uint64_t one = 1;

		atomic_store(&hw->stop, true);
		if (write(hw->wake_fd, &one, sizeof(one)) < 0) {
			/* the thread still sees 'stop' within one interval */
		}
		pthread_join(hw->thread, NULL);
		hw->running = false;
	}
	if (hw->wake_fd >= 0) {
		close(hw->wake_fd);
		hw->wake_fd = -1;
	}
	if (hw->reset)
		hw->reset(hw->ctx);
}
