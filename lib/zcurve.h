/*
 * zcurve.h - ZeroMQ CURVE on every internal socket (docs/security.md
 * "Internal traffic").
 *
 * Each service (gateway, directory, stats) has one key pair; every instance
 * of a service holds the same secret key.  A socket that others dial or
 * that answers requests is a CURVE server (the directory's ROUTER, stats'
 * PULL and report ROUTER), whichever side binds: its context runs a ZAP
 * handler (zap.h) that admits only the public keys listed in
 * TARJOTIN_CURVE_CLIENTS.  A socket that sends requests or events is a CURVE
 * client and knows its server's public key, so a peer that lacks the
 * server's secret key cannot complete the handshake and gets nothing.
 *
 * Configuration (read by zcurve_init):
 *   TARJOTIN_CURVE              on (default) | off (development only: no
 *                               authentication and no encryption, logged)
 * A key is 32 bytes written as 64 hex digits (what `tarjotin-admin
 * curve-keypair` prints, safe in any shell or YAML) or as ZeroMQ's Z85 (40
 * characters).
 *
 *   TARJOTIN_CURVE_SECRET_KEY   this service's secret key,
 *                               or TARJOTIN_CURVE_SECRET_KEY_FILE naming a
 *                               file that holds it (a Kubernetes Secret)
 *   TARJOTIN_CURVE_CLIENTS      comma-separated public keys a server
 *                               socket of this service admits
 *   TARJOTIN_<PEER>_PUBLIC_KEY  the public key of a server this service
 *                               dials (DIRECTORY, STATS)
 */
#ifndef TJ_ZCURVE_H
#define TJ_ZCURVE_H

#include <stdbool.h>
#include <stddef.h>

#define ZCURVE_KEY_BYTES 32
#define ZCURVE_MAX_CLIENTS 32

struct zap;

struct zcurve {
	bool on;
	unsigned char secret[ZCURVE_KEY_BYTES];
	unsigned char public_key[ZCURVE_KEY_BYTES];
	int n_clients;
	unsigned char clients[ZCURVE_MAX_CLIENTS][ZCURVE_KEY_BYTES];
};

/*
 * Reads the configuration above into z.  Returns 0, or -1 with a message in
 * err (a missing or malformed key, a placeholder, an unreadable file).  With
 * TARJOTIN_CURVE=off, z->on is false, a warning is logged and nothing else
 * is read.
 */
int zcurve_init(struct zcurve *z, char *err, size_t errlen);

/* Zeroes the secret key. */
void zcurve_release(struct zcurve *z);

/* Whether the 32-byte public key 'key' is one of z's clients. */
bool zcurve_admits(const struct zcurve *z, const unsigned char key[32]);

/*
 * Makes 'sock' a CURVE server with z's secret key, authenticated by 'zap'
 * (which must be running in the socket's context: without a handler libzmq
 * would admit every key).  Call before binding or connecting.  Returns 0, or
 * -1 with a message in err.  Nothing to do (0) when z is off or NULL.
 */
int zcurve_server(void *sock, const struct zcurve *z, const struct zap *zap, char *err,
		  size_t errlen);

/*
 * Makes 'sock' a CURVE client of the server whose public key is in the
 * variable 'server_var' (e.g. "TARJOTIN_DIRECTORY_PUBLIC_KEY").  Call before
 * connecting or binding.  Returns 0, or -1 with a message in err (the
 * variable unset or not a key).  Nothing to do (0) when z is off or NULL.
 */
int zcurve_client(void *sock, const struct zcurve *z, const char *server_var, char *err,
		  size_t errlen);

/* zcurve_client with the server's public key given (32 bytes). */
int zcurve_client_key(void *sock, const struct zcurve *z,
		      const unsigned char server[ZCURVE_KEY_BYTES], char *err, size_t errlen);

/* Decodes a key written as 64 hex digits or 40 Z85 characters into out;
 * returns 0, or -1 when 's' is neither. */
int zcurve_key_parse(const char *s, unsigned char out[ZCURVE_KEY_BYTES]);

#endif
