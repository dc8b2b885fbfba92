/*
 * zap.h - the ZAP handler (ZeroMQ RFC 27) of one ZeroMQ context: a thread
 * that answers libzmq's authentication requests for the CURVE server sockets
 * of that context, admitting a client only when its public key is listed
 * (zcurve.h).  Every other mechanism (NULL, PLAIN) is refused.
 */
#ifndef TJ_ZAP_H
#define TJ_ZAP_H

#include <stddef.h>
#include <stdint.h>

struct zcurve;
struct zap;

/*
 * Binds the handler's socket in 'zctx' and starts its thread; from then on
 * every CURVE handshake on a server socket of that context asks it.  'z'
 * must outlive the handler.  Returns NULL with a message in err.  Destroy it
 * after closing the context's other sockets and before zmq_ctx_term.
 */
struct zap *zap_new(void *zctx, const struct zcurve *z, char *err, size_t errlen);

/* Stops the thread and closes its socket; accepts NULL, NULLs *zp. */
void zap_destroy(struct zap **zp);

/* How many handshakes it admitted and refused so far (for metrics, tests). */
uint64_t zap_admitted(const struct zap *zap);
uint64_t zap_refused(const struct zap *zap);

#endif
