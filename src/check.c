/* check.c: the registry of checks, keyed by the ids of CHECKS.md. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

const char *const check_ids[] = {
	"dns.apex",
	"dns.www",
	"dns.subdomains",
	"dns.ns",
	"dns.dangling",
	"dns.ttl",
	"dns.caa",
	"dns.dnssec",
	"email.mx",
	"email.spf",
	"email.spf-eval",
	"email.dkim",
	"email.dmarc",
	"email.mta-sts",
	"email.tls-rpt",
	"email.starttls",
	"http.https-redirect",
	"http.canonical",
	"http.redirect-loop",
	"http.staging-leak",
	"http.hsts",
	"http.mixed-content",
	"http.security-headers",
	"http.cookies",
	"http.cors",
	"http.exposed-files",
	"http.error-leak",
	"http.frontend-secrets",
	"http.security-txt",
	"edge.cdn",
	"edge.cache-private",
	"edge.cache-static",
	"http.compression",
	"perf.ttfb",
	"perf.latency",
	"http.rate-limit",
	"mon.health",
	"tls.certificate",
	"tls.expiry",
	"tls.protocols",
	"tls.renewal",
	"secrets.worktree",
	"secrets.history",
	"secrets.env-files",
	"secrets.inventory",
	NULL
};

static const struct check_def *const *const engines[] = {
	check_dns_defs,
	check_http_defs,
	check_edge_defs,
	check_perf_defs,
	check_tls_defs,
	check_secrets_defs,
	check_mail_defs,
};

/* Reports that no engine in this build runs the check: never a pass. */
static void
check_missing_start(struct check_run *run)
{
	result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
	    _("not implemented in this build"));
	check_finish(run);
}

/* One definition per id without an engine, made on first use. */
static struct check_def missing[nitems(check_ids)];

static bool
check_known(const char *id, size_t *index)
{
	size_t	i;

	for (i = 0; check_ids[i] != NULL; i++) {
		if (strcmp(check_ids[i], id) == 0) {
			if (index != NULL)
				*index = i;
			return true;
		}
	}
	return false;
}

/* The engine's definition of id, or NULL. */
static const struct check_def *
check_engine_def(const char *id)
{
	size_t	e, i;

	for (e = 0; e < nitems(engines); e++) {
		for (i = 0; engines[e][i] != NULL; i++) {
			if (strcmp(engines[e][i]->id, id) == 0)
				return engines[e][i];
		}
	}
	return NULL;
}

const struct check_def *
check_find(const char *id)
{
	const struct check_def	*def;
	size_t			 index;

	if (!check_known(id, &index))
		return NULL;
	if ((def = check_engine_def(id)) != NULL)
		return def;
	if (missing[index].id == NULL) {
		missing[index].id = check_ids[index];
		missing[index].start = check_missing_start;
	}
	return &missing[index];
}

bool
check_implemented(const char *id)
{
	return check_known(id, NULL) && check_engine_def(id) != NULL;
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
