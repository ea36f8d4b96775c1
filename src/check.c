/* check.c: the registry of checks, keyed by the ids of CHECKS.md. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "app.h"

/*
 * The engines' tables, in catalogue order: the registry is their
 * concatenation, so an id exists exactly when an engine implements it.
 */
static const struct check_def *const *const engines[] = {
	check_dns_defs,
	check_mail_defs,
	check_http_defs,
	check_edge_defs,
	check_perf_defs,
	check_tls_defs,
	check_secrets_defs,
	check_app_defs,
};

size_t
check_count(void)
{
	size_t	e, i, n = 0;

	for (e = 0; e < nitems(engines); e++) {
		for (i = 0; engines[e][i] != NULL; i++)
			n++;
	}
	return n;
}

const struct check_def *
check_at(size_t index)
{
	size_t	e, i;

	for (e = 0; e < nitems(engines); e++) {
		for (i = 0; engines[e][i] != NULL; i++) {
			if (index-- == 0)
				return engines[e][i];
		}
	}
	return NULL;
}

const struct check_def *
check_find(const char *id)
{
	const struct check_def	*def;
	size_t			 i;

	for (i = 0; (def = check_at(i)) != NULL; i++) {
		if (strcmp(def->id, id) == 0)
			return def;
	}
	return NULL;
}

const char *
check_family(const char *id)
{
	static char	family[32];
	size_t		len = strcspn(id, ".");

	if (len >= sizeof family)
		len = sizeof family - 1;
	memcpy(family, id, len);
	family[len] = '\0';
	return family;
}

/* Runs the done callback of a finished run (deferred to the loop). */
static void
check_finish_cb(void *arg)
{
	struct check_run	*run = arg;

	run->notify = NULL;
	if (run->done != NULL)
		run->done(run, run->done_arg);
}

void
check_finish(struct check_run *run)
{
	if (run->finished)
		fatal("check %s finished twice", run->def->id);
	run->finished = true;
	run->result.duration_ms = (unsigned)(now_ms() - run->started);
	run->result.when = time(NULL);
	if (run->result.status == STATUS_PENDING ||
	    run->result.status == STATUS_RUNNING) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("the check ended without a verdict"));
	}
	run->notify = loop_timer(run->audit->loop, 0, check_finish_cb, run);
}
