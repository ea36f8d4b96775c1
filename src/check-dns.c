/* check-dns.c: the dns engine (not in this build yet). */

#include "config.h"

#include "engine.h"

const struct check_def *const check_dns_defs[] = {
	NULL
};
