/* check-secrets.c: the secrets engine (not in this build yet). */

#include "config.h"

#include "engine.h"

const struct check_def *const check_secrets_defs[] = {
	NULL
};
