/* Unit tests for lib/zcurve.c, lib/zap.c and config_secret_weak: keys, the
 * configuration, and a real CURVE handshake on 127.0.0.1 that the ZAP
 * handler admits for a listed key and refuses for any other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>
#include <zmq.h>

#include "config.h"
#include "zap.h"
#include "zcurve.h"

/* A key pair as tarjotin-admin curve-keypair writes it (hex). */
static void keypair_hex(char pub[65], char sec[65])
{
	unsigned char p[32], s[32];

	crypto_box_keypair(p, s);
	sodium_bin2hex(pub, 65, p, 32);
	sodium_bin2hex(sec, 65, s, 32);
}

static void test_key_parse(void **state)
{
	char z85_pub[41], z85_sec[41], hex[65];
	unsigned char a[32], b[32];

	(void)state;
	assert_int_equal(zmq_curve_keypair(z85_pub, z85_sec), 0);
	assert_int_equal(zcurve_key_parse(z85_pub, a), 0);
	sodium_bin2hex(hex, sizeof(hex), a, 32);
	assert_int_equal(zcurve_key_parse(hex, b), 0);
	assert_memory_equal(a, b, 32); /* the two spellings of one key */
	assert_int_equal(zcurve_key_parse("", a), -1);
	assert_int_equal(zcurve_key_parse("00", a), -1);
	hex[10] = 'g';
	assert_int_equal(zcurve_key_parse(hex, a), -1);
	hex[10] = '0';
	hex[63] = '\0';
	assert_int_equal(zcurve_key_parse(hex, a), -1);
}

static void test_secret_weak(void **state)
{
	(void)state;
	assert_non_null(config_secret_weak("short"));
	assert_non_null(config_secret_weak("0123456789abcdef0123456789abcde")); /* 31 */
	assert_null(config_secret_weak("0123456789abcdef0123456789abcdef"));    /* 32 */
	assert_non_null(config_secret_weak("CHANGE-ME-CHANGE-ME-CHANGE-ME-CHANGE-ME"));
	assert_non_null(config_secret_weak("please-changeme-before-deploying-this"));
	assert_non_null(config_secret_weak("this-is-a-PLACEHOLDER-secret-value!"));
	assert_non_null(config_secret_weak("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void test_init(void **state)
{
	char pub[65], sec[65], other[65], other_sec[65], clients[200];
	unsigned char want[32], key[32];
	struct zcurve z;
	char err[256];

	(void)state;
	unsetenv("TARJOTIN_CURVE_SECRET_KEY_FILE");
	setenv("TARJOTIN_CURVE", "off", 1);
	assert_int_equal(zcurve_init(&z, err, sizeof(err)), 0);
	assert_false(z.on);
	setenv("TARJOTIN_CURVE", "on", 1);
	unsetenv("TARJOTIN_CURVE_SECRET_KEY");
	assert_int_equal(zcurve_init(&z, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "TARJOTIN_CURVE_SECRET_KEY"));

	keypair_hex(pub, sec);
	keypair_hex(other, other_sec);
	setenv("TARJOTIN_CURVE_SECRET_KEY", sec, 1);
	snprintf(clients, sizeof(clients), "%s, %s", other, pub);
	setenv("TARJOTIN_CURVE_CLIENTS", clients, 1);
	assert_int_equal(zcurve_init(&z, err, sizeof(err)), 0);
	assert_true(z.on);
	zcurve_key_parse(pub, want);
	assert_memory_equal(z.public_key, want, 32); /* derived from the secret */
	assert_int_equal(z.n_clients, 2);
	assert_true(zcurve_admits(&z, want));
	zcurve_key_parse(other_sec, key);
	assert_false(zcurve_admits(&z, key));
	zcurve_release(&z);

	setenv("TARJOTIN_CURVE_CLIENTS", "not-a-key", 1);
	assert_int_equal(zcurve_init(&z, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "TARJOTIN_CURVE_CLIENTS"));
	unsetenv("TARJOTIN_CURVE_CLIENTS");
	unsetenv("TARJOTIN_CURVE_SECRET_KEY");
}

/* Sends "hi" from a client with the secret key 'client_sec' (hex) to the
 * server's endpoint; returns whether the server got it within 'ms'. */
static bool reaches(void *ctx, void *server, const char *endpoint, const char *server_pub,
		    const char *client_sec, int ms)
{
	struct zcurve cz = { .on = true };
	void *c = zmq_socket(ctx, ZMQ_DEALER);
	zmq_pollitem_t it = { .socket = server, .events = ZMQ_POLLIN };
	char buf[16], err[128];
	int zero = 0;
	bool got = false;

	zcurve_key_parse(client_sec, cz.secret);
	crypto_scalarmult_base(cz.public_key, cz.secret);
	setenv("TEST_SERVER_KEY", server_pub, 1);
	assert_int_equal(zcurve_client(c, &cz, "TEST_SERVER_KEY", err, sizeof(err)), 0);
	zmq_setsockopt(c, ZMQ_LINGER, &zero, sizeof(zero));
	assert_int_equal(zmq_connect(c, endpoint), 0);
	zmq_send(c, "hi", 2, ZMQ_DONTWAIT);
	if (zmq_poll(&it, 1, ms) == 1) {
		/* ROUTER: the peer's identity, then the frame. */
		while (zmq_recv(server, buf, sizeof(buf), ZMQ_DONTWAIT) >= 0)
			if (!memcmp(buf, "hi", 2))
				got = true;
	}
	zmq_close(c);
	return got;
}

static void test_handshake(void **state)
{
	char spub[65], ssec[65], cpub[65], csec[65], xpub[65], xsec[65], endpoint[64];
	size_t len = sizeof(endpoint);
	struct zcurve z = { .on = true };
	struct zap *zap;
	void *ctx = zmq_ctx_new(), *server;
	char err[256];
	int zero = 0;

	(void)state;
	keypair_hex(spub, ssec);
	keypair_hex(cpub, csec);
	keypair_hex(xpub, xsec);
	zcurve_key_parse(ssec, z.secret);
	crypto_scalarmult_base(z.public_key, z.secret);
	zcurve_key_parse(cpub, z.clients[0]);
	z.n_clients = 1;

	server = zmq_socket(ctx, ZMQ_ROUTER);
	/* Without its handler a CURVE server socket is refused outright. */
	assert_int_equal(zcurve_server(server, &z, NULL, err, sizeof(err)), -1);
	zap = zap_new(ctx, &z, err, sizeof(err));
	assert_non_null(zap);
	assert_int_equal(zcurve_server(server, &z, zap, err, sizeof(err)), 0);
	zmq_setsockopt(server, ZMQ_LINGER, &zero, sizeof(zero));
	assert_int_equal(zmq_bind(server, "tcp://127.0.0.1:*"), 0);
	zmq_getsockopt(server, ZMQ_LAST_ENDPOINT, endpoint, &len);

	assert_true(reaches(ctx, server, endpoint, spub, csec, 3000));
	assert_true(zap_admitted(zap) >= 1);
	/* An unlisted key completes no handshake: nothing arrives. */
	assert_false(reaches(ctx, server, endpoint, spub, xsec, 500));
	assert_true(zap_refused(zap) >= 1);
	/* A listed client that trusts another server key gets nowhere either. */
	assert_false(reaches(ctx, server, endpoint, xpub, csec, 500));

	zmq_close(server);
	zap_destroy(&zap);
	assert_null(zap);
	zmq_ctx_term(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_secret_weak),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_handshake),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
