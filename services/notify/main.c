/*
 * tarjotin-notify - sends what the directory's outbox puts on the Redis
 * Stream: e-mail over SMTP and SMS over an HTTP SMS provider.
 *
 * The foundation only joins the consumer group and waits; the messaging
 * issue fills in the sending.  It never acknowledges a job it did not send.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "redisx.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

int main(void)
{
	char *instance_buf = xasprintf("notify-%d", (int)getpid());
	const char *instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	const char *redis_addr, *stream;
	redisContext *rc = NULL;
	char err[256];
	bool was_ok = true;

	log_init("notify", instance);
	redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	stream = config_str("TARJOTIN_NOTIFY_STREAM", "tj:notify");
	if (sig_install()) {
		log_fatal("cannot install signal handlers", NULL);
		free(instance_buf);
		return 1;
	}
	log_info("serving", "redis", redis_addr, "stream", stream, NULL);
	while (!sig_stopping()) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };
		bool ok;

		if (!rc)
			rc = redisx_connect(redis_addr, 500, err, sizeof(err));
		ok = rc && redisx_ping(rc) == 0;
		if (!ok && rc) {
			redisFree(rc);
			rc = NULL;
		}
		if (ok != was_ok)
			log_event(ok ? LOG_INFO : LOG_WARN, ok ? "redis is back" : "redis is down",
				  NULL);
		was_ok = ok;
		poll(&pfd, 1, 1000);
	}
	if (rc)
		redisFree(rc);
	log_info("stopped", NULL);
	free(instance_buf);
	return 0;
}
