/*
 * num.h - whole numbers from text that arrives from outside (query
 * parameters, configuration, addresses).
 */
#ifndef TJ_NUM_H
#define TJ_NUM_H

/*
 * Parses s as a decimal integer in [min, max]: an optional '-', then digits,
 * and nothing else (no blanks, no '+', no trailing bytes).  Returns 0 and
 * sets *out, or -1 (leaving *out alone) when s is NULL, empty, not such a
 * number, or out of range.
 */
int num_parse_long(const char *s, long min, long max, long *out);

#endif
