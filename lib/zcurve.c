#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "config.h"
#include "errmsg.h"
#include "log.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

int zcurve_key_parse(const char *s, unsigned char out[ZCURVE_KEY_BYTES])
{
	size_t n = s ? strlen(s) : 0, got = 0;
	const char *end = NULL;

	if (n == 40)
		return zmq_z85_decode(out, s) ? 0 : -1;
	if (n != 2 * ZCURVE_KEY_BYTES ||
	    sodium_hex2bin(out, ZCURVE_KEY_BYTES, s, n, NULL, &got, &end) ||
	    got != ZCURVE_KEY_BYTES || *end)
		return -1;
	return 0;
}

/* Adds each key of the comma-separated list to z's clients. */
static int add_clients(struct zcurve *z, const char *list, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL, *key;
	int rc = 0;

	for (key = strtok_r(copy, ", \n", &save); key; key = strtok_r(NULL, ", \n", &save)) {
		if (z->n_clients == ZCURVE_MAX_CLIENTS) {
			errmsg(err, errlen, "TARJOTIN_CURVE_CLIENTS: more than %d keys",
			       ZCURVE_MAX_CLIENTS);
			rc = -1;
			break;
		}
		if (zcurve_key_parse(key, z->clients[z->n_clients])) {
			errmsg(err, errlen, "TARJOTIN_CURVE_CLIENTS: '%.12s...' is no public key",
			       key);
			rc = -1;
			break;
		}
		z->n_clients++;
	}
	free(copy);
	return rc;
}

int zcurve_init(struct zcurve *z, char *err, size_t errlen)
{
	const char *secret;

	memset(z, 0, sizeof(*z));
	z->on = config_bool("TARJOTIN_CURVE", true);
	if (!z->on) {
		log_warn("internal traffic is not authenticated (TARJOTIN_CURVE=off)", NULL);
		return 0;
	}
	/* config_secret refuses a placeholder or a short value; only the key's
	 * form is left to check. */
	secret = config_secret("TARJOTIN_CURVE_SECRET_KEY");
	if (!*secret)
		return errmsg(err, errlen,
			      "no CURVE key: set TARJOTIN_CURVE_SECRET_KEY or "
			      "TARJOTIN_CURVE_SECRET_KEY_FILE (or TARJOTIN_CURVE=off)");
	if (zcurve_key_parse(secret, z->secret))
		return errmsg(err, errlen,
			      "TARJOTIN_CURVE_SECRET_KEY is no key (64 hex digits or 40 Z85)");
	/* CURVE is Curve25519: the public key is the base point times the
	 * secret, as zmq_curve_public computes it. */
	if (crypto_scalarmult_base(z->public_key, z->secret)) {
		zcurve_release(z);
		return errmsg(err, errlen, "cannot derive the CURVE public key");
	}
	if (add_clients(z, config_str("TARJOTIN_CURVE_CLIENTS", ""), err, errlen)) {
		zcurve_release(z);
		return -1;
	}
	return 0;
}

void zcurve_release(struct zcurve *z)
{
	sodium_memzero(z->secret, sizeof(z->secret));
}

bool zcurve_admits(const struct zcurve *z, const unsigned char key[32])
{
	for (int i = 0; i < z->n_clients; i++)
		if (sodium_memcmp(z->clients[i], key, 32) == 0)
			return true;
	return false;
}

int zcurve_server(void *sock, const struct zcurve *z, const struct zap *zap, char *err,
		  size_t errlen)
{
	int one = 1;

	if (!z || !z->on)
		return 0;
	if (!zap)
		return errmsg(err, errlen, "a CURVE server socket needs its context's ZAP handler");
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, z->secret, ZCURVE_KEY_BYTES) ||
	    zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "tarjotin", 8))
		return errmsg(err, errlen, "cannot make a CURVE server socket: %s",
			      zmq_strerror(errno));
	return 0;
}

int zcurve_client(void *sock, const struct zcurve *z, const char *server_var, char *err,
		  size_t errlen)
{
	unsigned char server[ZCURVE_KEY_BYTES];

	if (!z || !z->on)
		return 0;
	if (zcurve_key_parse(config_str(server_var, ""), server))
		return errmsg(err, errlen, "%s must be the server's public key", server_var);
	return zcurve_client_key(sock, z, server, err, errlen);
}

int zcurve_client_key(void *sock, const struct zcurve *z,
		      const unsigned char server[ZCURVE_KEY_BYTES], char *err, size_t errlen)
{
	if (!z || !z->on)
		return 0;
	if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server, ZCURVE_KEY_BYTES) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, z->public_key, ZCURVE_KEY_BYTES) ||
	    zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, z->secret, ZCURVE_KEY_BYTES))
		return errmsg(err, errlen, "cannot make a CURVE client socket: %s",
			      zmq_strerror(errno));
	return 0;
}
