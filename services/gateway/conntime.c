/*
 * conntime.c - see conntime.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "conntime.h"
#include "errmsg.h"
#include "xalloc.h"
#include "banned.h"

#define SWEEP_MS 1000

/* What a cut connection is told before its socket is shut down. */
#define BODY_408                                                   \
	"{\"error\":{\"status\":408,\"code\":\"request_timeout\"," \
	"\"message\":\"the request did not arrive in time\"}}"
_Static_assert(sizeof(BODY_408) - 1 == 96, "Content-Length below");
static const char answer_408[] =
	"HTTP/1.1 408 Request Timeout\r\n"
	"Connection: close\r\n"
	"Content-Type: application/json; charset=utf-8\r\n"
	"Content-Length: 96\r\n"
	"\r\n" BODY_408;

struct entry {
	struct conntime *t;
	struct entry *prev, *next;
	int fd;
	int64_t deadline_us; /* 0: the clock is stopped */
};

struct conntime {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	int64_t limit_us;
	struct entry *head;
};

/* Cuts every connection past its deadline; under the lock, so that no
 * socket is closed under us (CLOSED takes the lock before libmicrohttpd
 * closes it). */
static void sweep(struct conntime *t, int64_t now)
{
	for (struct entry *e = t->head; e; e = e->next) {
		if (!e->deadline_us || e->deadline_us > now)
			continue;
		e->deadline_us = 0;
		/* Best effort: a client that reads nothing gets nothing. */
		(void)send(e->fd, answer_408, sizeof(answer_408) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		shutdown(e->fd, SHUT_RDWR);
	}
}

static void *watch_main(void *arg)
{
	struct conntime *t = arg;

	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		struct timespec until = clock_after_ms(CLOCK_MONOTONIC, SWEEP_MS);

		pthread_cond_timedwait(&t->wake, &t->lock, &until);
		if (!t->stopping)
			sweep(t, clock_mono_us());
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct conntime *conntime_new(unsigned limit_s, char *err, size_t errlen)
{
	struct conntime *t = xcalloc(1, sizeof(*t));
	pthread_condattr_t ca;
	int e;

	t->limit_us = (int64_t)limit_s * 1000000;
	if ((e = pthread_condattr_init(&ca))) {
		errmsg(err, errlen, "cannot make a condition variable: %s", strerror(e));
		free(t);
		return NULL;
	}
	if (!(e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)))
		e = pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (e) {
		errmsg(err, errlen, "cannot make a condition variable: %s", strerror(e));
		free(t);
		return NULL;
	}
	if ((e = pthread_mutex_init(&t->lock, NULL))) {
		errmsg(err, errlen, "cannot make a mutex: %s", strerror(e));
		pthread_cond_destroy(&t->wake);
		free(t);
		return NULL;
	}
	if ((e = pthread_create(&t->thread, NULL, watch_main, t))) {
		errmsg(err, errlen, "cannot start the request-time watch: %s", strerror(e));
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->wake);
		free(t);
		return NULL;
	}
	return t;
}

void conntime_destroy(struct conntime **tp)
{
	struct conntime *t = *tp;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	/* The daemon reported every connection closed before: none is left,
	 * but free what a missed notification would leave. */
	while (t->head) {
		struct entry *e = t->head;

		t->head = e->next;
		free(e);
	}
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->wake);
	free(t);
	*tp = NULL;
}

void conntime_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe)
{
	struct conntime *t = cls;
	struct entry *e = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci)
			return;
		e = xcalloc(1, sizeof(*e));
		e->t = t;
		e->fd = ci->connect_fd;
		pthread_mutex_lock(&t->lock);
		e->deadline_us = clock_mono_us() + t->limit_us;
		e->next = t->head;
		if (t->head)
			t->head->prev = e;
		t->head = e;
		pthread_mutex_unlock(&t->lock);
		*socket_context = e;
		return;
	}
	if (!e)
		return; /* refused before it started */
	pthread_mutex_lock(&t->lock);
	if (e->prev)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&t->lock);
	free(e);
	*socket_context = NULL;
}

/* The connection's entry, or NULL (a daemon without the watch). */
static struct entry *entry_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void set_deadline(struct MHD_Connection *conn, bool running)
{
	struct entry *e = entry_of(conn);

	if (!e)
		return;
	pthread_mutex_lock(&e->t->lock);
	e->deadline_us = running ? clock_mono_us() + e->t->limit_us : 0;
	pthread_mutex_unlock(&e->t->lock);
}

void conntime_arrived(struct MHD_Connection *conn)
{
	set_deadline(conn, false);
}

void conntime_done(struct MHD_Connection *conn)
{
	set_deadline(conn, true);
}

bool conntime_overdue(struct MHD_Connection *conn)
{
	struct entry *e = entry_of(conn);
	bool late;

	if (!e)
		return false;
	pthread_mutex_lock(&e->t->lock);
	late = e->deadline_us && e->deadline_us <= clock_mono_us();
	pthread_mutex_unlock(&e->t->lock);
	return late;
}
