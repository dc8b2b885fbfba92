/*
 * rpc.h - the protobuf envelope and the ZeroMQ plumbing every service shares.
 *
 * Wire format: one ZeroMQ frame holding a packed tarjotin.Envelope (see
 * proto/envelope.proto).  A DEALER on the client side, a ROUTER on the
 * server side, so that any number of servers can sit behind any number of
 * clients and a server replies to whichever client asked.
 */
#ifndef TJ_RPC_H
#define TJ_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "envelope.pb-c.h"

/* The largest frame any of our sockets accepts (ZMQ_MAXMSGSIZE). */
#define RPC_MAX_FRAME (1024 * 1024)

/* The largest document a reply's payload may carry so that the frame, with
 * the envelope around it, stays within RPC_MAX_FRAME: a larger frame makes
 * the receiving socket drop the connection and every call in flight on it,
 * so a server answers an error instead. */
#define RPC_MAX_DOCUMENT (RPC_MAX_FRAME - 4096)

/*
 * Binds or connects 'sock' to each endpoint of the comma-separated list
 * 'endpoints' (empty list: nothing to do).  Returns 0, or -1 with a message
 * in err naming the endpoint that failed.
 */
int rpc_attach(void *sock, const char *endpoints, bool bind, char *err, size_t errlen);

/*
 * Sets the options every socket of ours wants: no linger on close, the frame
 * limit, and ZMQ_IMMEDIATE on connecting sockets (queue only to peers that
 * are really there).  Returns 0 or -1.
 */
int rpc_socket_defaults(void *sock);

/*
 * Packs a protobuf message into 'out' (data malloc'ed; free(out->data)).
 * A NULL message packs to zero bytes.
 */
void rpc_pack_payload(const ProtobufCMessage *msg, ProtobufCBinaryData *out);

/*
 * Packs an envelope into a new buffer; *len receives its size.
 * Free the buffer with free().
 */
uint8_t *rpc_pack_envelope(const Tarjotin__Envelope *env, size_t *len);

/*
 * Unpacks an envelope; NULL when the bytes are not one.  Free the result
 * with tarjotin__envelope__free_unpacked(env, NULL).
 */
Tarjotin__Envelope *rpc_unpack_envelope(const void *data, size_t len);

#endif
