/*
 * check-app.c: does the product work for a buyer? app.smoke runs the smoke
 * plan; perf.cold-start times the first request against warm ones;
 * mon.request-id looks for a request id on API and health responses;
 * app.api-target reads the repository's production build and environment
 * files for an API that is not production.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <libconfig.h>

#include "app.h"
#include "json.h"
#include "web.h"

#define APP_DATA_FILE	"app.cfg"
#define APP_FILE_MAX	(1024 * 1024)	/* bytes read of one config file */
#define APP_MAX_FILES	200
#define COLD_WARM	5		/* warm requests after the first */
#define COLD_RATIO	3.0
#define COLD_MIN_MS	1000.0

/*
 * A request whose callback may arrive after the check was cancelled: the
 * state stays until then (http_fetch cannot be called back off).
 */
struct app_state {
	struct check_run	*run;
	bool			 cancelled;
	bool			 orphan;	/* freed by the check: free on
						   the callback */
	unsigned		 inflight;
};

/* ---- data/app.cfg ------------------------------------------------------- */

struct app_data {
	struct strlist	 request_ids;	/* header names */
	struct strlist	 target_files;	/* glob patterns, relative */
	struct strlist	 ignore;	/* URL prefixes that are not APIs */
	struct strlist	 staging;	/* web.cfg's staging_hosts globs */
};

static void
app_data_free(struct app_data *d)
{
	strlist_clear(&d->request_ids);
	strlist_clear(&d->target_files);
	strlist_clear(&d->ignore);
	strlist_clear(&d->staging);
}

/* Reads list name of cfg into out; -1 with *err "FILE:LINE: …". */
static int
app_data_list(config_t *cfg, const char *path, const char *name,
    struct strlist *out, char **err)
{
	config_setting_t	*s = config_lookup(cfg, name);
	const char		*v;
	int			 i, n;

	if (s == NULL || (!config_setting_is_array(s) &&
	    !config_setting_is_list(s)) || (n = config_setting_length(s)) == 0)
		return set_error(err, _("%s:%d: \"%s\" must be a non-empty list "
		    "of strings"), path, s != NULL ?
		    config_setting_source_line(s) : 1, name);
	for (i = 0; i < n; i++) {
		v = config_setting_get_string(config_setting_get_elem(s,
		    (unsigned)i));
		if (v == NULL || *v == '\0')
			return set_error(err, _("%s:%d: \"%s\" must hold "
			    "non-empty strings"), path,
			    config_setting_source_line(s), name);
		strlist_add(out, v);
	}
	return 0;
}

/* The error of a file libconfig could not read, as FILE:LINE: what. */
static int
app_data_error(config_t *cfg, const char *path, char **err)
{
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return set_error(err, "%s: %s", path, strerror(errno));
	return set_error(err, "%s:%d: %s", path, config_error_line(cfg),
	    config_error_text(cfg));
}

/* Loads data/app.cfg and web.cfg's staging hosts; -1 with *err naming
   FILE:LINE. */
static int
app_data_load(struct app_data *d, char **err)
{
	config_t	 cfg;
	char		*path;
	int		 rc = 0;

	memset(d, 0, sizeof *d);
	config_init(&cfg);
	path = data_path(APP_DATA_FILE);
	if (config_read_file(&cfg, path) != CONFIG_TRUE)
		rc = app_data_error(&cfg, path, err);
	else if (app_data_list(&cfg, path, "request_id_headers",
	    &d->request_ids, err) == -1 ||
	    app_data_list(&cfg, path, "api_target_files", &d->target_files,
	    err) == -1 ||
	    app_data_list(&cfg, path, "api_target_ignore", &d->ignore,
	    err) == -1)
		rc = -1;
	config_destroy(&cfg);
	free(path);
	/* The staging hosts are http.staging-leak's list, kept once. */
	config_init(&cfg);
	path = data_path("web.cfg");
	if (rc == 0 && config_read_file(&cfg, path) != CONFIG_TRUE)
		rc = app_data_error(&cfg, path, err);
	else if (rc == 0 && app_data_list(&cfg, path, "staging_hosts",
	    &d->staging, err) == -1)
		rc = -1;
	config_destroy(&cfg);
	free(path);
	if (rc == -1)
		app_data_free(d);
	return rc;
}

/* Sets the run's result to the data file's error; true when there was one. */
static bool
app_data_failed(struct check_run *run, struct app_data *d)
{
	char	*err = NULL;

	if (app_data_load(d, &err) == 0)
		return false;
	result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
	    _("the data file could not be read: %s"), err);
	free(err);
	return true;
}

/* ---- shared: requests that outlive a cancelled check --------------------- */

/* Called first by every callback: false when the check has gone. */
static bool
app_alive(struct app_state *st)
{
	st->inflight--;
	if (st->orphan) {
		if (st->inflight == 0)
			free(st);	/* the owner freed everything else */
		return false;
	}
	return !st->cancelled;
}

static void
app_cancel(struct check_run *run)
{
	struct app_state	*st = run->state;

	if (st != NULL)
		st->cancelled = true;
}

/* ---- app.smoke ---------------------------------------------------------- */

struct smoke_run {
	struct app_state	 st;		/* first: freed as one */
	struct smoke_plan	*plan;
	struct smoke_vars	 vars;
	CURLSH			*share;
	size_t			 step;
	unsigned		 hops;
	char			*url;		/* this hop, expanded */
	char			*method;
	char			*body;
	struct strlist		 headers;
	uint64_t		 t0;
	uint64_t		 slowest_ms;
	size_t			 slowest;
};

/* Frees what a smoke run holds besides its state header. */
static void
smoke_run_release(struct smoke_run *sr)
{
	free(sr->url);
	free(sr->method);
	if (sr->body != NULL)
		explicit_bzero(sr->body, strlen(sr->body));
	free(sr->body);
	strlist_clear(&sr->headers);
	smoke_vars_clear(&sr->vars);
	smoke_free(sr->plan);
	if (sr->share != NULL)
		curl_share_cleanup(sr->share);
	sr->url = sr->method = sr->body = NULL;
	sr->plan = NULL;
	sr->share = NULL;
}

static void	smoke_send(struct smoke_run *);

/* Adds the redacted first bytes of a body to the evidence. */
static void
smoke_show_body(struct smoke_run *sr, const struct http_resp *r)
{
	char	*shown;
	size_t	 n = r->body.len < SMOKE_SHOW_BODY ? r->body.len :
		    SMOKE_SHOW_BODY;

	if (n == 0) {
		result_evidence(&sr->st.run->result, "%s",
		    _("   body: (empty)"));
		return;
	}
	shown = smoke_redact(r->body.data, n, &sr->vars);
	result_evidence(&sr->st.run->result, _("   body: %s%s"), shown,
	    r->body.len > n ? "…" : "");
	free(shown);
}

/* The step's line of evidence: name, method, URL, status, time. */
static void
smoke_step_line(struct smoke_run *sr, const struct http_resp *r,
    uint64_t ms)
{
	const struct smoke_step	*s = &sr->plan->steps[sr->step];
	char			*url = smoke_redact(sr->url, strlen(sr->url),
				    &sr->vars);
	char			 hops[64] = "";

	if (sr->hops > 0)
		snprintf(hops, sizeof hops, ngettext(" (%u redirect)",
		    " (%u redirects)", sr->hops), sr->hops);
	if (r != NULL && r->status != 0)
		result_evidence(&sr->st.run->result, _("%zu. %s: %s %s → %ld "
		    "in %llu ms%s"), sr->step + 1, s->name, s->method, url,
		    r->status, (unsigned long long)ms, hops);
	else
		result_evidence(&sr->st.run->result, _("%zu. %s: %s %s → no "
		    "response after %llu ms%s"), sr->step + 1, s->name,
		    s->method, url, (unsigned long long)ms, hops);
	free(url);
}

/* Ends the plan at the current step with why (already redacted). */
static void
smoke_fail(struct smoke_run *sr, const struct http_resp *r, const char *why)
{
	const struct smoke_step	*s = &sr->plan->steps[sr->step];
	char			*shown = smoke_redact(why, strlen(why),
				    &sr->vars);

	result_set(&sr->st.run->result, STATUS_FAIL, SEVERITY_CRITICAL,
	    _("step %zu of %zu, \"%s\", failed: %s"), sr->step + 1,
	    sr->plan->nsteps, s->name, shown);
	free(shown);
	if (r != NULL && r->status != 0)
		smoke_show_body(sr, r);
	if (sr->step + 1 < sr->plan->nsteps)
		result_evidence(&sr->st.run->result, ngettext(
		    "(%zu later step not run: the plan stops at the first "
		    "failure)", "(%zu later steps not run: the plan stops at "
		    "the first failure)", sr->plan->nsteps - sr->step - 1),
		    sr->plan->nsteps - sr->step - 1);
	smoke_run_release(sr);
	check_finish(sr->st.run);
}

/* True when status is one the step expects (any 2xx when none listed). */
static bool
smoke_expected(const struct smoke_step *s, long status)
{
	size_t	i;

	if (s->nexpect == 0)
		return status >= 200 && status <= 299;
	for (i = 0; i < s->nexpect; i++) {
		if (s->expect[i] == status)
			return true;
	}
	return false;
}

/* Lists the statuses a step expects, for a message. */
static char *
smoke_expect_text(const struct smoke_step *s)
{
	struct buf	b = { 0 };
	size_t		i;

	if (s->nexpect == 0)
		return xstrdup("2xx");
	for (i = 0; i < s->nexpect; i++)
		buf_printf(&b, "%s%ld", i ? _(" or ") : "", s->expect[i]);
	return b.data;
}

/* Judges a step's final response; false when the plan ended there. */
static bool
smoke_judge(struct smoke_run *sr, const struct http_resp *r, uint64_t ms)
{
	const struct smoke_step	*s = &sr->plan->steps[sr->step];
	char			*want, *why, *value = NULL;
	size_t			 i;

	if (!smoke_expected(s, r->status)) {
		want = smoke_expect_text(s);
		why = xprintf(_("status %ld, expected %s"), r->status, want);
		smoke_fail(sr, r, why);
		free(why);
		free(want);
		return false;
	}
	if (r->truncated) {
		why = xprintf(_("the body passed %d MB and was not read to "
		    "the end"), SMOKE_BODY_MAX / (1024 * 1024));
		smoke_fail(sr, r, why);
		free(why);
		return false;
	}
	if (s->max_ms > 0 && ms > (uint64_t)s->max_ms) {
		why = xprintf(_("took %llu ms, over its limit of %ld ms"),
		    (unsigned long long)ms, s->max_ms);
		smoke_fail(sr, r, why);
		free(why);
		return false;
	}
	if (s->expect_text != NULL && (r->body.data == NULL ||
	    memmem(r->body.data, r->body.len, s->expect_text,
	    strlen(s->expect_text)) == NULL)) {
		why = xprintf(_("the body does not contain \"%s\""),
		    s->expect_text);
		smoke_fail(sr, r, why);
		free(why);
		return false;
	}
	if (s->expect_json != NULL) {
		if (smoke_json_path(r->body.data != NULL ? r->body.data : "",
		    r->body.len, s->expect_json, &value) == -1) {
			why = xprintf(_("the body is not JSON holding \"%s\""),
			    s->expect_json);
			smoke_fail(sr, r, why);
			free(why);
			return false;
		}
		explicit_bzero(value, strlen(value));
		free(value);
	}
	for (i = 0; i < s->capture_names.n; i++) {
		if (smoke_json_path(r->body.data != NULL ? r->body.data : "",
		    r->body.len, s->capture_paths.v[i], &value) == -1 ||
		    *value == '\0') {
			free(value);
			why = xprintf(_("nothing to capture as %s: the body is "
			    "not JSON holding \"%s\""), s->capture_names.v[i],
			    s->capture_paths.v[i]);
			smoke_fail(sr, r, why);
			free(why);
			return false;
		}
		smoke_vars_set(&sr->vars, s->capture_names.v[i], value);
		explicit_bzero(value, strlen(value));
		free(value);
	}
	return true;
}

/* Sets up the request of step sr->step from its templates. */
static bool
smoke_prepare(struct smoke_run *sr)
{
	const struct smoke_step	*s = &sr->plan->steps[sr->step];
	char			*err = NULL, *h;
	size_t			 i;

	free(sr->url);
	free(sr->method);
	free(sr->body);
	sr->body = NULL;
	strlist_clear(&sr->headers);
	sr->hops = 0;
	sr->method = xstrdup(s->method);
	if ((sr->url = smoke_expand(s->url, &sr->vars, &err)) == NULL)
		goto fail;
	if (s->body != NULL &&
	    (sr->body = smoke_expand(s->body, &sr->vars, &err)) == NULL)
		goto fail;
	for (i = 0; i < s->headers.n; i++) {
		if ((h = smoke_expand(s->headers.v[i], &sr->vars, &err)) ==
		    NULL)
			goto fail;
		strlist_add(&sr->headers, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	return true;
fail:
	sr->url = sr->url != NULL ? sr->url : xstrdup(s->url);
	smoke_fail(sr, NULL, err);
	free(err);
	return false;
}

/* One hop's response arrived. */
static void
smoke_got(void *arg, const struct http_resp *r)
{
	struct smoke_run	*sr = arg;
	uint64_t		 ms;
	char			*why;

	if (sr->st.orphan && sr->share != NULL) {
		/* The transfer that used the share is over. */
		curl_share_cleanup(sr->share);
		sr->share = NULL;
	}
	if (!app_alive(&sr->st))
		return;
	ms = now_ms() - sr->t0;
	if (r->status == 0) {
		smoke_step_line(sr, r, ms);
		why = xprintf(_("no response: %s"), r->error != NULL ?
		    r->error : _("unknown error"));
		smoke_fail(sr, r, why);
		free(why);
		return;
	}
	if (r->status >= 300 && r->status <= 399 && r->location != NULL) {
		if (sr->hops >= SMOKE_MAX_HOPS) {
			smoke_step_line(sr, r, ms);
			why = xprintf(_("more than %d redirects (last to %s)"),
			    SMOKE_MAX_HOPS, r->location);
			smoke_fail(sr, r, why);
			free(why);
			return;
		}
		sr->hops++;
		free(sr->url);
		sr->url = xstrdup(r->location);
		/* As browsers do: 303, and 301/302 after a POST, become GET. */
		if (r->status == 303 || ((r->status == 301 ||
		    r->status == 302) && strcmp(sr->method, "POST") == 0)) {
			free(sr->method);
			sr->method = xstrdup("GET");
			free(sr->body);
			sr->body = NULL;
		}
		smoke_send(sr);
		return;
	}
	smoke_step_line(sr, r, ms);
	if (!smoke_judge(sr, r, ms))
		return;
	if (ms >= sr->slowest_ms) {
		sr->slowest_ms = ms;
		sr->slowest = sr->step;
	}
	if (++sr->step < sr->plan->nsteps) {
		if (smoke_prepare(sr)) {
			sr->t0 = now_ms();
			smoke_send(sr);
		}
		return;
	}
	result_set(&sr->st.run->result, STATUS_PASS, SEVERITY_NONE,
	    ngettext("the %zu step of the smoke plan passed (slowest: \"%s\", "
	    "%llu ms)", "all %zu steps of the smoke plan passed (slowest: "
	    "\"%s\", %llu ms)", sr->plan->nsteps), sr->plan->nsteps,
	    sr->plan->steps[sr->slowest].name,
	    (unsigned long long)sr->slowest_ms);
	smoke_run_release(sr);
	check_finish(sr->st.run);
}

/* Sends the current hop: never retried, never cached, cookies shared. */
static void
smoke_send(struct smoke_run *sr)
{
	const struct smoke_step	*s = &sr->plan->steps[sr->step];
	const struct options	*opt = sr->st.run->audit->opt;
	uint64_t		 spent = now_ms() - sr->t0;
	unsigned		 budget;
	struct http_req		 req = {
		.url = sr->url,
		.method = sr->method,
		.post = sr->body,
		.nocache = true,
		.max = SMOKE_BODY_MAX,
		.headers = &sr->headers,
		.cookies = sr->share,
	};

	/* A step's own limit bounds the transfer too, with a margin so the
	   time over the limit is reported, not an error. */
	budget = (unsigned)(opt->timeout > 0 ? opt->timeout :
	    OPTIONS_DEFAULT_TIMEOUT) * 1000;
	if (s->max_ms > 0 && (unsigned)s->max_ms + 1000 < budget)
		budget = (unsigned)s->max_ms + 1000;
	req.timeout_ms = spent < budget ? budget - (unsigned)spent : 1;
	sr->st.inflight++;
	http_fetch(web_get(sr->st.run->audit), &req, smoke_got, sr);
}

static void
check_smoke_start(struct check_run *run)
{
	const struct options	*opt = run->audit->opt;
	struct smoke_run	*sr;
	char			*err = NULL;

	if (opt->smoke == NULL) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("no smoke plan given (--smoke FILE, or the form's "
		    "smoke plan field)"));
		check_finish(run);
		return;
	}
	sr = xcalloc(1, sizeof *sr);
	sr->st.run = run;
	run->state = sr;
	if ((sr->plan = smoke_load(opt->smoke, &err)) == NULL ||
	    smoke_vars_from_env(sr->plan, &sr->vars, &err) == -1) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("the smoke plan cannot run: %s"), err);
		free(err);
		smoke_run_release(sr);
		check_finish(run);
		return;
	}
	if ((sr->share = curl_share_init()) == NULL)
		fatal("curl_share_init failed");
	curl_share_setopt(sr->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
	result_evidence(&run->result, _("plan %s: %zu steps"), opt->smoke,
	    sr->plan->nsteps);
	if (smoke_prepare(sr)) {
		sr->t0 = now_ms();
		smoke_send(sr);
	}
}

static void
check_smoke_free(struct check_run *run)
{
	struct smoke_run	*sr = run->state;

	if (sr == NULL)
		return;
	run->state = NULL;
	if (sr->st.inflight > 0) {
		/* The response will still arrive: keep the header only. The
		   share stays too, as the transfer may use it. */
		CURLSH *share = sr->share;

		sr->share = NULL;
		smoke_run_release(sr);
		sr->share = share;
		sr->st.orphan = true;
		return;
	}
	smoke_run_release(sr);
	free(sr);
}

/* ---- the target of requests: health URL or landing page ------------------ */

/* The route the first-request and request-id checks use first. */
static char *
app_route(const struct options *opt)
{
	if (opt->health_url != NULL)
		return xstrdup(opt->health_url);
	return xprintf("https://%s/", opt->domain);
}

/* ---- perf.cold-start ---------------------------------------------------- */

struct cold_run {
	struct app_state	 st;
	char			*url;
	unsigned		 hops;
	double			 first_ms;
	long			 first_status;
	double			 warm[COLD_WARM];
	size_t			 nwarm;
};

static void	cold_send(struct cold_run *);

static int
cold_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Judges the first request against the median of the warm ones. */
static void
cold_judge(struct cold_run *cr)
{
	struct result	*res = &cr->st.run->result;
	double		 sorted[COLD_WARM], median;
	size_t		 i;

	memcpy(sorted, cr->warm, sizeof sorted);
	qsort(sorted, cr->nwarm, sizeof sorted[0], cold_cmp);
	median = sorted[cr->nwarm / 2];
	result_evidence(res, _("first request to %s: %.0f ms (status %ld)"),
	    cr->url, cr->first_ms, cr->first_status);
	result_evidence(res, _("next %zu requests: median %.0f ms"), cr->nwarm,
	    median);
	for (i = 0; i < cr->nwarm; i++)
		result_evidence(res, _("  request %zu: %.0f ms"), i + 2,
		    cr->warm[i]);
	if (cr->first_ms > COLD_RATIO * median && cr->first_ms > COLD_MIN_MS)
		result_set(res, STATUS_WARN, SEVERITY_MEDIUM, _("the first "
		    "request took %.0f ms, %.1f× the warm median of %.0f ms: "
		    "a cold start a demo will feel"), cr->first_ms,
		    median > 0 ? cr->first_ms / median : 0.0, median);
	else
		result_set(res, STATUS_PASS, SEVERITY_NONE, _("the first "
		    "request took %.0f ms against a warm median of %.0f ms"),
		    cr->first_ms, median);
	free(cr->url);
	cr->url = NULL;
	check_finish(cr->st.run);
}

static void
cold_got(void *arg, const struct http_resp *r)
{
	struct cold_run	*cr = arg;

	if (!app_alive(&cr->st))
		return;
	if (r->status == 0) {
		result_set(&cr->st.run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("%s did not answer: %s"), cr->url, r->error);
		free(cr->url);
		cr->url = NULL;
		check_finish(cr->st.run);
		return;
	}
	/* Follow redirects first: the route's own first answer counts. */
	if (cr->first_status == 0 && r->status >= 300 && r->status <= 399 &&
	    r->location != NULL && cr->hops < 5) {
		cr->hops++;
		free(cr->url);
		cr->url = xstrdup(r->location);
		cold_send(cr);
		return;
	}
	if (cr->first_status == 0) {
		cr->first_status = r->status;
		cr->first_ms = r->total_ms;
	} else
		cr->warm[cr->nwarm++] = r->total_ms;
	if (cr->nwarm < COLD_WARM)
		cold_send(cr);
	else
		cold_judge(cr);
}

/* One request on a new connection, one after another (never at once). */
static void
cold_send(struct cold_run *cr)
{
	struct http_req	req = {
		.url = cr->url, .nocache = true, .fresh = true,
		.max = 256 * 1024,
	};

	cr->st.inflight++;
	http_fetch(web_get(cr->st.run->audit), &req, cold_got, cr);
}

static void
check_cold_start(struct check_run *run)
{
	struct cold_run	*cr = xcalloc(1, sizeof *cr);

	cr->st.run = run;
	run->state = cr;
	cr->url = app_route(run->audit->opt);
	cold_send(cr);
}

/* ---- mon.request-id ----------------------------------------------------- */

struct reqid_run {
	struct app_state	 st;
	struct app_data		 data;
	struct strlist		 urls;
	size_t			 done;
	size_t			 with;		/* responses carrying one */
	size_t			 answered;
};

/* The request id header r carries, or NULL. */
static const char *
reqid_header(const struct reqid_run *rr, const struct http_resp *r)
{
	size_t	i;

	for (i = 0; i < rr->data.request_ids.n; i++) {
		if (http_header(r, rr->data.request_ids.v[i]) != NULL)
			return rr->data.request_ids.v[i];
	}
	return NULL;
}

static void
reqid_got(void *arg, const struct http_resp *r)
{
	struct reqid_run	*rr = arg;
	struct result		*res;
	const char		*h;

	if (!app_alive(&rr->st))
		return;
	res = &rr->st.run->result;
	if (r->status == 0)
		result_evidence(res, _("%s: no response (%s)"), r->url,
		    r->error);
	else if ((h = reqid_header(rr, r)) != NULL) {
		result_evidence(res, _("%s: %ld with %s"), r->url, r->status,
		    h);
		rr->with++;
		rr->answered++;
	} else {
		result_evidence(res, _("%s: %ld with no request id header"),
		    r->url, r->status);
		rr->answered++;
	}
	if (++rr->done < rr->urls.n)
		return;
	if (rr->answered == 0)
		result_set(res, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no API or health route answered"));
	else if (rr->with == rr->answered)
		result_set(res, STATUS_PASS, SEVERITY_NONE, ngettext(
		    "the route answered with a request id",
		    "all %zu routes answered with a request id",
		    rr->answered), rr->answered);
	else
		result_set(res, STATUS_WARN, SEVERITY_INFO, _("%zu of %zu "
		    "routes answered without a request id header (%s…): "
		    "a support ticket cannot be matched to its log lines"),
		    rr->answered - rr->with, rr->answered,
		    rr->data.request_ids.v[0]);
	app_data_free(&rr->data);
	strlist_clear(&rr->urls);
	check_finish(rr->st.run);
}

static void
check_reqid_start(struct check_run *run)
{
	const struct options	*opt = run->audit->opt;
	struct reqid_run	*rr = xcalloc(1, sizeof *rr);
	struct http_req		 req = { .max = 256 * 1024 };
	size_t			 i, n;

	rr->st.run = run;
	run->state = rr;
	if (app_data_failed(run, &rr->data)) {
		check_finish(run);
		return;
	}
	if (opt->health_url != NULL)
		strlist_add(&rr->urls, opt->health_url);
	for (i = 0; i < opt->api_urls.n; i++)
		strlist_add(&rr->urls, opt->api_urls.v[i]);
	if (rr->urls.n == 0) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("no health or API URL given (--health-url, --api-url)"));
		app_data_free(&rr->data);
		check_finish(run);
		return;
	}
	n = rr->urls.n;
	for (i = 0; i < n; i++) {
		req.url = rr->urls.v[i];
		rr->st.inflight++;
		http_fetch(web_get(run->audit), &req, reqid_got, rr);
	}
}

/* ---- app.api-target ----------------------------------------------------- */

/*
 * Reads a file of the repository without following links, only when it
 * is a regular file of at most APP_FILE_MAX bytes. NULL with *why set.
 */
static char *
app_read(const char *path, size_t *len, const char **why)
{
	struct stat	 st;
	struct buf	 b = { 0 };
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		*why = errno == ELOOP ? _("a symbolic link (not followed)") :
		    strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = _("not a regular file");
		return NULL;
	}
	if (st.st_size > APP_FILE_MAX) {
		close(fd);
		*why = _("larger than 1 MB");
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 &&
	    b.len <= APP_FILE_MAX)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	*len = b.len;
	return b.data;
}

/* True for an IPv4 or IPv6 literal in a private, loopback or local range. */
static bool
app_private_host(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	uint32_t	 a;
	char		*h = xstrdup(host), *p;
	bool		 yes = false;

	if (h[0] == '[' && (p = strchr(h, ']')) != NULL) {
		*p = '\0';
		memmove(h, h + 1, strlen(h));
	}
	if (strcasecmp(h, "localhost") == 0 ||
	    (strlen(h) > 10 && strcasecmp(h + strlen(h) - 10, ".localhost") ==
	    0) || (strlen(h) > 6 && strcasecmp(h + strlen(h) - 6, ".local") ==
	    0) || strcmp(h, "0.0.0.0") == 0)
		yes = true;
	else if (inet_pton(AF_INET, h, &a4) == 1) {
		a = ntohl(a4.s_addr);
		yes = (a >> 24) == 10 || (a >> 24) == 127 ||
		    (a >> 20) == (172 << 4 | 1) || (a >> 16) == (192 << 8 | 168) ||
		    (a >> 16) == (169 << 8 | 254);
	} else if (inet_pton(AF_INET6, h, &a6) == 1)
		yes = IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		    (a6.s6_addr[0] & 0xfe) == 0xfc;
	free(h);
	return yes;
}

/* True when host matches one of web.cfg's staging host patterns. */
static bool
app_staging_host(const struct app_data *d, const char *host)
{
	size_t	i;

	for (i = 0; i < d->staging.n; i++) {
		if (fnmatch(d->staging.v[i], host, FNM_CASEFOLD) == 0)
			return true;
	}
	return false;
}

/*
 * Why url is not a production API target, or NULL when it may be one:
 * plain http://, localhost or a private address, a staging host.
 */
static const char *
app_bad_target(const struct app_data *d, const char *url)
{
	char		*host;
	const char	*why = NULL;
	size_t		 i;

	for (i = 0; i < d->ignore.n; i++) {
		if (strncasecmp(url, d->ignore.v[i], strlen(d->ignore.v[i])) ==
		    0)
			return NULL;
	}
	if ((host = url_host(url)) == NULL)
		return NULL;
	if (app_private_host(host))
		why = _("localhost or a private address");
	else if (app_staging_host(d, host))
		why = _("a staging or preview host");
	else if (strncasecmp(url, "http://", 7) == 0)
		why = _("plain http://");
	free(host);
	return why;
}

struct api_scan {
	struct check_run	*run;
	const struct app_data	*data;
	size_t			 files;
	size_t			 urls;
	size_t			 bad;
};

/* True when line (of a Gradle file) opens a debug build type block. */
static bool
app_gradle_debug(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return strncmp(line, "debug", 5) == 0 && strchr(line, '{') != NULL;
}

/*
 * Looks at every http(s) URL on each line of a production file. In Gradle
 * files, debug { } blocks are passed over (only release builds matter); in
 * eas.json, only the build profiles named production.
 */
static void
app_scan_text(struct api_scan *sc, const char *rel, const char *text,
    size_t len)
{
	const char	*line = text, *end, *p, *q;
	int		 lineno = 0, skip_depth = -1, depth = 0;
	bool		 gradle = strstr(rel, ".gradle") != NULL;
	const char	*why;
	char		*url;
	size_t		 n;

	for (; line < text + len; line = end + 1) {
		lineno++;
		if ((end = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			end = text + len;
		n = (size_t)(end - line);
		if (gradle) {
			char *l = xstrndup(line, n);

			if (skip_depth < 0 && app_gradle_debug(l))
				skip_depth = depth;
			for (p = l; *p != '\0'; p++)
				depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
			free(l);
			if (skip_depth >= 0) {
				if (depth <= skip_depth)
					skip_depth = -1;
				continue;
			}
		}
		for (p = line; p < end; p = q) {
			const char *h = memmem(p, (size_t)(end - p), "http", 4);

			if (h == NULL)
				break;
			q = h + 4;
			if (!(end - h > 7 && strncasecmp(h, "http://", 7) == 0) &&
			    !(end - h > 8 && strncasecmp(h, "https://", 8) == 0))
				continue;
			for (q = h; q < end && !isspace((unsigned char)*q) &&
			    strchr("\"'`<>,;)\\", *q) == NULL; q++)
				;
			url = xstrndup(h, (size_t)(q - h));
			sc->urls++;
			if ((why = app_bad_target(sc->data, url)) != NULL) {
				sc->bad++;
				result_evidence(&sc->run->result, _("%s:%d: %s "
				    "(%s)"), rel, lineno, url, why);
			}
			free(url);
		}
	}
}

/* eas.json: the URLs in the build profiles whose name holds "prod". */
static void
app_scan_eas(struct api_scan *sc, const char *rel, const char *text,
    size_t len)
{
	struct json		*root;
	const struct json	*build, *profile;
	char			*err = NULL;
	size_t			 i, k;
	const char		*why;

	if ((root = json_parse(text, len, &err)) == NULL) {
		result_evidence(&sc->run->result, _("%s: not JSON (%s)"), rel,
		    err);
		free(err);
		return;
	}
	if ((build = json_get(root, "build")) != NULL &&
	    build->type == JSON_OBJECT) {
		for (i = 0; i < build->n; i++) {
			profile = build->v[i];
			if (strstr(profile->key, "prod") == NULL ||
			    (profile = json_get(profile, "env")) == NULL ||
			    profile->type != JSON_OBJECT)
				continue;
			for (k = 0; k < profile->n; k++) {
				const struct json *v = profile->v[k];

				if (v->type != JSON_STRING ||
				    strncasecmp(v->str, "http", 4) != 0)
					continue;
				sc->urls++;
				if ((why = app_bad_target(sc->data, v->str)) ==
				    NULL)
					continue;
				sc->bad++;
				result_evidence(&sc->run->result, _("%s: build."
				    "%s.env.%s = %s (%s)"), rel, build->v[i]->key,
				    v->key, v->str, why);
			}
		}
	}
	json_free(root);
}

static void
check_api_target_start(struct check_run *run)
{
	const struct options	*opt = run->audit->opt;
	struct app_data		 data;
	struct api_scan		 sc = { .run = run, .data = &data };
	glob_t			 g;
	size_t			 i, k, len, skipped = 0;
	const char		*why, *rel;
	char			*pattern, *text;

	if (opt->repo == NULL) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("no repository given (--repo DIR)"));
		check_finish(run);
		return;
	}
	if (app_data_failed(run, &data)) {
		check_finish(run);
		return;
	}
	for (i = 0; i < data.target_files.n && sc.files < APP_MAX_FILES;
	    i++) {
		pattern = xprintf("%s/%s", opt->repo, data.target_files.v[i]);
		memset(&g, 0, sizeof g);
		if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
			for (k = 0; k < g.gl_pathc && sc.files < APP_MAX_FILES;
			    k++) {
				rel = g.gl_pathv[k] + strlen(opt->repo) + 1;
				if ((text = app_read(g.gl_pathv[k], &len,
				    &why)) == NULL) {
					result_evidence(&run->result,
					    _("%s: not read: %s"), rel, why);
					skipped++;
					continue;
				}
				sc.files++;
				if (strcmp(rel, "eas.json") == 0 ||
				    (strlen(rel) > 9 && strcmp(rel +
				    strlen(rel) - 9, "/eas.json") == 0))
					app_scan_eas(&sc, rel, text, len);
				else
					app_scan_text(&sc, rel, text, len);
				free(text);
			}
		}
		globfree(&g);
		free(pattern);
	}
	if (sc.bad > 0)
		result_set(&run->result, STATUS_FAIL, SEVERITY_HIGH, ngettext(
		    "%zu production setting points the app at an API that is "
		    "not production", "%zu production settings point the app "
		    "at an API that is not production", sc.bad), sc.bad);
	else if (sc.files == 0 && skipped > 0)
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, ngettext(
		    "the %zu production file found could not be read",
		    "none of the %zu production files found could be read",
		    skipped), skipped);
	else if (sc.files == 0)
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("no production build or environment file in the "
		    "repository (.env.production, eas.json, app.json, "
		    "capacitor, next, vite, Gradle, Info.plist)"));
	else
		result_set(&run->result, STATUS_PASS, SEVERITY_NONE, ngettext(
		    "%zu URL in %zu production file, none local, private, "
		    "staging or plain http", "%zu URLs in %zu production files, "
		    "none local, private, staging or plain http", sc.urls),
		    sc.urls, sc.files);
	app_data_free(&data);
	check_finish(run);
}

/* ---- the table ---------------------------------------------------------- */

static void
app_free(struct check_run *run)
{
	struct app_state	*st = run->state;

	if (st == NULL)
		return;
	run->state = NULL;
	if (st->inflight > 0)
		st->orphan = true;
	else
		free(st);
}

static void
check_reqid_free(struct check_run *run)
{
	struct reqid_run	*rr = run->state;

	if (rr != NULL) {
		app_data_free(&rr->data);
		strlist_clear(&rr->urls);
	}
	app_free(run);
}

static void
check_cold_free(struct check_run *run)
{
	struct cold_run	*cr = run->state;

	if (cr != NULL) {
		free(cr->url);
		cr->url = NULL;
	}
	app_free(run);
}

static const struct check_def def_smoke = {
	.id = "app.smoke",
	.start = check_smoke_start,
	.cancel = app_cancel,
	.free = check_smoke_free
};
static const struct check_def def_cold_start = {
	.id = "perf.cold-start",
	.start = check_cold_start,
	.cancel = app_cancel,
	.free = check_cold_free
};
static const struct check_def def_request_id = {
	.id = "mon.request-id",
	.start = check_reqid_start,
	.cancel = app_cancel,
	.free = check_reqid_free
};
static const struct check_def def_api_target = {
	.id = "app.api-target",
	.start = check_api_target_start
};

const struct check_def *const check_app_defs[] = {
	&def_smoke,
	&def_cold_start,
	&check_lighthouse_def,
	&def_request_id,
	&def_api_target,
	NULL
};
