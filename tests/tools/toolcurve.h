/*
 * toolcurve.h - CURVE for the test tools, which speak to a test stack's
 * internal sockets as one of its services would (docs/security.md
 * "Internal traffic").
 *
 * TOOL_CURVE picks who the tool is:
 *   unset or "stack"  the stack's gateway: its secret key and the servers'
 *                     public keys from $TARJOTIN_STACK_DIR/keys (no CURVE
 *                     when TARJOTIN_STACK_DIR is unset)
 *   "random"          a key pair made now, which no service lists
 *   "none"            no CURVE at all
 * A tool that stands in for a server (statspull as stats) takes that
 * server's secret key and admits the gateway's public key.
 */
#ifndef TJ_TOOLCURVE_H
#define TJ_TOOLCURVE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "zap.h"
#include "zcurve.h"

/* Reads the key in $TARJOTIN_STACK_DIR/keys/<name> into out. */
static inline int toolcurve_read(const char *name, unsigned char out[32])
{
	const char *dir = getenv("TARJOTIN_STACK_DIR");
	char path[4096], text[80];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/keys/%s", dir, name);
	if (!(f = fopen(path, "r"))) {
		fprintf(stderr, "toolcurve: cannot open %s\n", path);
		return -1;
	}
	ok = fscanf(f, "%79s", text) == 1 && zcurve_key_parse(text, out) == 0;
	fclose(f);
	if (!ok)
		fprintf(stderr, "toolcurve: %s holds no key\n", path);
	return ok ? 0 : -1;
}

static inline const char *toolcurve_mode(void)
{
	const char *m = getenv("TOOL_CURVE");

	if (m && *m)
		return m;
	return getenv("TARJOTIN_STACK_DIR") ? "stack" : "none";
}

/* Makes sock a client of the stack's server 'server' ("directory", "stats"). */
static inline int toolcurve_client(void *sock, const char *server)
{
	const char *mode = toolcurve_mode();
	struct zcurve z = { .on = true };
	unsigned char srv[32];
	char name[64], err[256];

	if (!strcmp(mode, "none"))
		return 0;
	snprintf(name, sizeof(name), "%s.pub", server);
	if (toolcurve_read(name, srv))
		return -1;
	if (!strcmp(mode, "random")) {
		if (sodium_init() < 0)
			return -1;
		randombytes_buf(z.secret, sizeof(z.secret));
	} else if (toolcurve_read("gateway.key", z.secret)) {
		return -1;
	}
	crypto_scalarmult_base(z.public_key, z.secret);
	if (zcurve_client_key(sock, &z, srv, err, sizeof(err))) {
		fprintf(stderr, "toolcurve: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * Makes sock a CURVE server: as the stack's 'server' admitting its gateway
 * (mode "stack"), or with a fresh key (mode "random").  *zap receives the
 * context's handler (zap_destroy it before zmq_ctx_term); z must live as
 * long.
 */
static inline int toolcurve_server(void *ctx, void *sock, const char *server, struct zcurve *z,
				   struct zap **zap)
{
	const char *mode = toolcurve_mode();
	char name[64], err[256];

	memset(z, 0, sizeof(*z));
	*zap = NULL;
	if (!strcmp(mode, "none"))
		return 0;
	z->on = true;
	if (!strcmp(mode, "random")) {
		if (sodium_init() < 0)
			return -1;
		randombytes_buf(z->secret, sizeof(z->secret));
	} else {
		snprintf(name, sizeof(name), "%s.key", server);
		if (toolcurve_read(name, z->secret) || toolcurve_read("gateway.pub", z->clients[0]))
			return -1;
		z->n_clients = 1;
	}
	crypto_scalarmult_base(z->public_key, z->secret);
	if (!(*zap = zap_new(ctx, z, err, sizeof(err))) ||
	    zcurve_server(sock, z, *zap, err, sizeof(err))) {
		fprintf(stderr, "toolcurve: %s\n", err);
		return -1;
	}
	return 0;
}

#endif
