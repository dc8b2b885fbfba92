#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sig.h"
#include "banned.h"

static volatile sig_atomic_t stopping;
static int stop_fd = -1;

static void on_signal(int signo)
{
	uint64_t one = 1;
	int saved = errno;

	(void)signo;
	stopping = 1;
	if (stop_fd >= 0 && write(stop_fd, &one, sizeof(one)) < 0) {
		/* already readable */
	}
	errno = saved;
}

int sig_install(void)
{
	struct sigaction sa;

	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (stop_fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

bool sig_stopping(void)
{
	return stopping != 0;
}

int sig_fd(void)
{
	return stop_fd;
}

void sig_request_stop(void)
{
	on_signal(0);
}
