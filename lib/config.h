/*
 * config.h - configuration from the environment (12-factor).
 *
 * Every variable a service reads is named TARJOTIN_* and has a safe default;
 * README.md lists them all.  A value that does not parse is a start-up error,
 * reported and fatal: a service never runs on a half-understood config.
 */
#ifndef TJ_CONFIG_H
#define TJ_CONFIG_H

#include <stdbool.h>

/* The value of 'name', or 'def' when it is unset.  Set but empty is empty
 * (for lists: none).  Not copied. */
const char *config_str(const char *name, const char *def);

/* The integer value of 'name' within [min, max]; 'def' when unset.  Exits
 * the process with a logged error when the value is not such a number. */
long config_int(const char *name, long def, long min, long max);

/* "1", "true", "yes", "on" are true; "0", "false", "no", "off" false. */
bool config_bool(const char *name, bool def);

/*
 * A secret (docs/security.md "Secrets"): the value of 'name', or the content
 * of the file named by 'name'_FILE (a mounted Kubernetes Secret; trailing
 * blanks and newlines dropped), or "" when neither is set (the caller
 * decides whether it is required).  A secret shorter than
 * CONFIG_SECRET_MIN bytes or a placeholder (config_secret_weak) exits the
 * process with a logged error naming the variable, never the value.  The
 * string lives as long as the process.
 */
#define CONFIG_SECRET_MIN 32
const char *config_secret(const char *name);

/* Why 'value' is no usable secret ("shorter than 32 bytes", "a
 * placeholder"), or NULL when it is one. */
const char *config_secret_weak(const char *value);

#endif
