/*
 * check-perf.c: the perf.* and mon.* checks of the web engine (time to
 * first byte, latency under concurrent load, the health endpoint), each a
 * staged job of check-web.c (see web.h).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "web.h"

/* ---- perf.ttfb and perf.latency ----------------------------------------- */

static int
check_perf_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0-100) of n sorted values. */
static double
check_perf_percentile(const double *v, size_t n, double p)
{
	size_t	rank;

	if (n == 0)
		return 0;
	rank = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

#define TTFB_RUNS	5

/* Five sequential fresh-connection requests per landing page; medians. */
static void
check_perf_ttfb_step(struct job *job)
{
	struct slot	*s, *t;
	size_t		 i, j, n = 0;
	double		 worst = 0, times[TTFB_RUNS];
	struct http_req	 req = { .nocache = true, .fresh = true,
			    .nobody = true };

	if (job->stage == 0) {
		web_walk_hosts(job, "https", 0);
		job->stage = 1;
		return;
	}
	if (job->stage <= TTFB_RUNS && web_over_budget(job)) {
		result_evidence(r_of(job), _("stopped after %d round(s): the "
		    "time budget of the check was used up"), job->stage - 1);
		job->stage = TTFB_RUNS + 1;
	}
	if (job->stage <= TTFB_RUNS) {
		/* One request per host and stage: 5 in sequence. */
		JOB_SLOTS(job, 0, s, i) {
			bool dup = false, failed = false;

			if (s->c->end != CHAIN_OK || s->r->status == 0)
				continue;
			for (j = 0; j < i; j++) {
				t = job->slots[j];
				if (t->stage == 0 && t->r != NULL &&
				    t->c->end == CHAIN_OK &&
				    strcmp(t->r->url, s->r->url) == 0)
					dup = true;
			}
			for (j = 0; j < job->nslots; j++) {
				t = job->slots[j];
				if (t->stage > 0 && t->tag == (int)i &&
				    t->r->status == 0)
					failed = true;
			}
			if (dup || failed)
				continue;
			req.url = s->r->url;
			job_fetch(job, &req, (int)i, s->r->url);
		}
		job->stage++;
		if (job->pending > 0)
			return;
		job->stage = TTFB_RUNS + 1;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		size_t k = 0, errors = 0;
		double med;

		if (s->c->end != CHAIN_OK || s->r->status == 0)
			continue;
		for (j = 0; j < job->nslots; j++) {
			t = job->slots[j];
			if (t->stage == 0 || t->tag != (int)i)
				continue;
			if (t->r->status == 0)
				errors++;
			else if (k < TTFB_RUNS)
				times[k++] = t->r->ttfb_ms;
		}
		if (k == 0 && errors == 0)
			continue;	/* same final URL as another host */
		if (errors > 0 || k == 0) {
			result_raise(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    _("%s did not answer every request"), s->r->url);
			result_evidence(r_of(job), _("%s: %zu of %zu requests "
			    "failed"), s->r->url, errors, errors + k);
			continue;
		}
		n++;
		qsort(times, k, sizeof *times, check_perf_cmp_double);
		med = k % 2 ? times[k / 2] : (times[k / 2 - 1] +
		    times[k / 2]) / 2;
		result_evidence(r_of(job), _("%s: median TTFB %.0f ms over %zu "
		    "requests (min %.0f, max %.0f; new connection each)"),
		    s->r->url, med, k, times[0], times[k - 1]);
		if (med > worst)
			worst = med;
		if (med > 1800)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s takes %.0f ms to the first byte (over "
			    "1800 ms)"), s->r->url, med);
		else if (med > 800)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s takes %.0f ms to the first byte (over "
			    "800 ms)"), s->r->url, med);
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (n == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no landing page answered"));
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    ngettext("median time to first byte at most %.0f "
			    "ms (%zu landing page)", "median time to first "
			    "byte at most %.0f ms (%zu landing pages)", n),
			    worst, n);
	}
	job_finish(job);
}

static void
check_perf_ttfb_start(struct check_run *run)
{
	job_start(run, check_perf_ttfb_step, 0);
}

#define LATENCY_RUNS	20
#define LATENCY_PARALLEL 2

/* Routes of perf.latency: tag 0 page, 1 API. */
struct route {
	char	*url;
	bool	 api;
	bool	 aborted;
};

struct latency {
	struct route	*v;
	size_t		 n;
};

static void
check_perf_latency_free(struct latency *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].url);
	free(l->v);
}

/* Adds a route unless already there. */
static void
check_perf_latency_add(struct latency *l, const char *url, bool api)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].url, url) == 0)
			return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].url = xstrdup(url);
	l->v[l->n].api = api;
	l->v[l->n].aborted = false;
	l->n++;
}

/* Twenty requests per route, two at a time; p50, p95, max and errors. */
static void
check_perf_latency_step(struct job *job)
{
	struct latency	*l;
	struct slot	*s;
	size_t		 i, j, k;
	struct http_req	 req = { .nocache = true, .nobody = true };
	double		 times[LATENCY_RUNS];

	if (job->extra == NULL)
		job->extra = xcalloc(1, sizeof(struct latency));
	l = job->extra;
	switch (job->stage) {
	case 0:
		web_want_landing(job);
		if (OPT(job)->login_url != NULL)
			job_chain(job, OPT(job)->login_url, 1, NULL);
		if (OPT(job)->health_url != NULL)
			job_chain(job, OPT(job)->health_url, 2, NULL);
		job->stage = 1;
		return;
	case 1:
		JOB_SLOTS(job, 0, s, i) {
			if (s->c->end == CHAIN_OK && s->r->status > 0)
				check_perf_latency_add(l, s->r->url,
				    s->tag == 2);
			else
				result_evidence(r_of(job), _("%s: not "
				    "measured (%s)"), s->c->start,
				    s->c->error ? s->c->error :
				    _("redirects do not end"));
		}
		for (i = 0; i < OPT(job)->api_urls.n; i++)
			check_perf_latency_add(l,
			    OPT(job)->api_urls.v[i], true);
		job->stage = 2;
		break;
	}
	if (job->stage < 2 + LATENCY_RUNS / LATENCY_PARALLEL &&
	    web_over_budget(job)) {
		result_evidence(r_of(job), _("stopped after %d request(s) per "
		    "route: the time budget of the check was used up"),
		    (job->stage - 2) * LATENCY_PARALLEL);
		job->stage = 2 + LATENCY_RUNS / LATENCY_PARALLEL;
	}
	if (job->stage < 2 + LATENCY_RUNS / LATENCY_PARALLEL) {
		/* Stop a route after a timeout: the rest would time out too. */
		for (j = 0; j < job->nslots; j++) {
			s = job->slots[j];
			if (s->stage >= 2 && s->r->timed_out)
				l->v[s->tag].aborted = true;
		}
		for (i = 0; i < l->n; i++) {
			if (l->v[i].aborted)
				continue;
			req.url = l->v[i].url;
			for (k = 0; k < LATENCY_PARALLEL; k++)
				job_fetch(job, &req, (int)i, l->v[i].url);
		}
		job->stage++;
		if (job->pending > 0)
			return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	for (i = 0; i < l->n; i++) {
		size_t n = 0, errors = 0, attempts;
		double p50, p95, max, rate, limit;

		for (j = 0; j < job->nslots; j++) {
			s = job->slots[j];
			if (s->stage < 2 || s->tag != (int)i)
				continue;
			if (s->r->status == 0 || s->r->status >= 500)
				errors++;
			if (s->r->status > 0 && n < LATENCY_RUNS)
				times[n++] = s->r->total_ms;
		}
		attempts = 0;
		{
			for (j = 0; j < job->nslots; j++) {
				s = job->slots[j];
				if (s->stage >= 2 && s->tag == (int)i)
					attempts++;
			}
			if (l->v[i].aborted && attempts < LATENCY_RUNS) {
				errors += LATENCY_RUNS - attempts;
				attempts = LATENCY_RUNS;
			}
			rate = attempts ? 100.0 * (double)errors /
			    (double)attempts : 100.0;
		}
		if (n == 0) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s did not answer"), l->v[i].url);
			result_evidence(r_of(job), _("%s: no answer (%s)"),
			    l->v[i].url, l->v[i].aborted ? _("timed out") :
			    _("errors"));
			continue;
		}
		qsort(times, n, sizeof *times, check_perf_cmp_double);
		p50 = check_perf_percentile(times, n, 50);
		p95 = check_perf_percentile(times, n, 95);
		max = times[n - 1];
		result_evidence(r_of(job), _("%s (%s): p50 %.1f ms, p95 %.1f "
		    "ms, max %.1f ms, errors %zu/%zu"), l->v[i].url,
		    l->v[i].api ? _("API") : _("page"), p50, p95, max,
		    errors, attempts);
		if (errors > 0 && rate >= 1.0)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s fails %zu of %zu requests"), l->v[i].url,
			    errors, attempts);
		limit = l->v[i].api ? 300 : 2000;
		if (p95 >= limit) {
			if (l->v[i].api && p95 < 400)
				result_raise(r_of(job), STATUS_WARN,
				    SEVERITY_MEDIUM, _("API %s p95 is %.0f "
				    "ms (over 300 ms)"), l->v[i].url, p95);
			else
				result_raise(r_of(job), STATUS_FAIL,
				    SEVERITY_HIGH, _("%s p95 is %.0f ms (over "
				    "%.0f ms)"), l->v[i].url, p95,
				    l->v[i].api ? 400.0 : limit);
		}
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (l->n == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no route could be measured"));
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    ngettext("%zu route within its p95 target over %d "
			    "requests", "%zu routes within their p95 targets "
			    "over %d requests each", l->n), l->n, LATENCY_RUNS);
	}
	check_perf_latency_free(l);
	free(l);
	job->extra = NULL;
	job_finish(job);
}

static void
check_perf_latency_start(struct check_run *run)
{
	job_start(run, check_perf_latency_step, 0);
}

/* ---- mon.health --------------------------------------------------------- */

#define HEALTH_MAX_MS	1000

/* Finds a health endpoint answering 2xx within 1 s (not a catch-all). */
static void
check_perf_health_step(struct job *job)
{
	struct slot	*s;
	size_t		 i;
	char		*url;
	struct http_req	 req = { .nocache = true, .max = PROBE_MAX };

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		if (OPT(job)->health_url != NULL) {
			req.url = OPT(job)->health_url;
			job_fetch(job, &req, 0, req.url);
		} else {
			for (i = 0; i < job->data->health_paths.n; i++) {
				url = xprintf("%s%s", job->base,
				    job->data->health_paths.v[i]);
				req.url = url;
				job_fetch(job, &req, (int)i, url);
				free(url);
			}
		}
		job->stage = 2;
		return;
	}
	result_set(r_of(job), STATUS_FAIL, SEVERITY_HIGH, "%s",
	    OPT(job)->health_url != NULL ?
	    _("the health URL does not answer 2xx within 1 s") :
	    _("no health endpoint found (/health, /healthz, /api/health, "
	    "/status)"));
	JOB_SLOTS(job, 1, s, i) {
		const struct http_resp *r = s->r;
		bool spa = r->body.len > 0 && job->landing->body.len >=
		    r->body.len && memcmp(r->body.data,
		    job->landing->body.data, r->body.len) == 0;

		if (r->status == 0) {
			result_evidence(r_of(job), _("%s: %s"), s->label,
			    r->error);
			continue;
		}
		result_evidence(r_of(job), _("%s: %ld in %.0f ms%s"), s->label,
		    r->status, r->total_ms, spa ? _(" (the landing page "
		    "again: a catch-all route, not a health check)") : "");
		if (r->status < 200 || r->status > 299 || spa)
			continue;
		if (r->total_ms > HEALTH_MAX_MS) {
			result_set(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s answers but takes %.0f ms (over 1 s)"),
			    s->label, r->total_ms);
			continue;
		}
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("health endpoint %s answers %ld in %.0f ms"), s->label,
		    r->status, r->total_ms);
		break;
	}
	job_finish(job);
}

static void
check_perf_health_start(struct check_run *run)
{
	job_start(run, check_perf_health_step, DATA_BIT(DATA_WEB));
}

/* ---- the table ---------------------------------------------------------- */

WEB_CHECK(def_ttfb, "perf.ttfb", check_perf_ttfb_start);
WEB_CHECK(def_latency, "perf.latency", check_perf_latency_start);
WEB_CHECK(def_health, "mon.health", check_perf_health_start);

const struct check_def *const check_perf_defs[] = {
	&def_ttfb,
	&def_latency,
	&def_health,
	NULL
};
