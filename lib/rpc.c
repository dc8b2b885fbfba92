#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "rpc.h"
#include "xalloc.h"
#include "banned.h"

int rpc_socket_defaults(void *sock)
{
	int zero = 0;
	int64_t max = RPC_MAX_FRAME;

	if (zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof(zero)) ||
	    zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof(max)))
		return -1;
	return 0;
}

int rpc_attach(void *sock, const char *endpoints, bool bind, char *err, size_t errlen)
{
	char *list = xstrdup(endpoints ? endpoints : "");
	char *save = NULL, *ep;
	int one = 1, rc = 0;

	if (!bind && zmq_setsockopt(sock, ZMQ_IMMEDIATE, &one, sizeof(one))) {
		snprintf(err, errlen, "cannot set ZMQ_IMMEDIATE: %s", zmq_strerror(errno));
		rc = -1;
		goto out;
	}
	for (ep = strtok_r(list, ", ", &save); ep; ep = strtok_r(NULL, ", ", &save)) {
		if ((bind ? zmq_bind(sock, ep) : zmq_connect(sock, ep)) != 0) {
			snprintf(err, errlen, "cannot %s '%s': %s", bind ? "bind" : "connect", ep,
				 zmq_strerror(errno));
			rc = -1;
			goto out;
		}
	}
out:
	free(list);
	return rc;
}

void rpc_pack_payload(const ProtobufCMessage *msg, ProtobufCBinaryData *out)
{
	out->len = msg ? protobuf_c_message_get_packed_size(msg) : 0;
	out->data = xmalloc(out->len);
	if (msg)
		protobuf_c_message_pack(msg, out->data);
}

uint8_t *rpc_pack_envelope(const Tarjotin__Envelope *env, size_t *len)
{
	uint8_t *buf;

	*len = tarjotin__envelope__get_packed_size(env);
	buf = xmalloc(*len);
	tarjotin__envelope__pack(env, buf);
	return buf;
}

Tarjotin__Envelope *rpc_unpack_envelope(const void *data, size_t len)
{
	return tarjotin__envelope__unpack(NULL, len, data);
}
