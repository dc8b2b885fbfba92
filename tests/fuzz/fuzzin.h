/*
 * fuzzin.h - a harness's view of one libFuzzer input: a selector byte and
 * NUL-separated text fields, so a seed is readable (printf '\0' between
 * fields) and every field is a C string as the code under test gets it.
 */
#ifndef TJ_FUZZIN_H
#define TJ_FUZZIN_H

#include <stddef.h>
#include <stdint.h>

struct fuzzin {
	char *buf;  /* the input copied, NUL-terminated; owned */
	size_t len; /* its length without the final NUL */
	size_t at;  /* where the next field starts */
};

/* Copies the input (any bytes) into in.  Release with fuzzin_release. */
void fuzzin_init(struct fuzzin *in, const uint8_t *data, size_t size);
void fuzzin_release(struct fuzzin *in);

/* The next byte (0 when the input is used up). */
uint8_t fuzzin_byte(struct fuzzin *in);

/* The next field: the text up to the next NUL or the end, "" when the input
 * is used up.  It points into in->buf and lives until fuzzin_release. */
const char *fuzzin_str(struct fuzzin *in);

/* What is left of the input as one buffer (may hold NULs), and its length;
 * the input is then used up. */
const char *fuzzin_rest(struct fuzzin *in, size_t *len);

/* Aborts with a message: an invariant of the code under test failed, which
 * libFuzzer reports as a crash with the input that caused it. */
void fuzzin_fail(const char *what) __attribute__((noreturn));

#endif
