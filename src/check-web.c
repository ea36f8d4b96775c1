/* check-web.c: the web engine (not in this build yet). */

#include "config.h"

#include "engine.h"

const struct check_def *const check_web_defs[] = {
	NULL
};

void
web_fetch(struct audit *audit, const char *url, web_fetch_cb cb, void *arg)
{
	cb(arg, 0, NULL, 0, _("the web engine is not in this build"));
}
