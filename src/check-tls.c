/* check-tls.c: the tls engine (not in this build yet). */

#include "config.h"

#include "engine.h"

const struct check_def *const check_tls_defs[] = {
	NULL
};

void
tls_peek_issuer(struct audit *audit, const char *host, tls_issuer_cb cb,
    void *arg)
{
	cb(arg, NULL, _("the TLS engine is not in this build"));
}
