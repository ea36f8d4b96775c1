/*
 * check-web.c: the web engine's checks (http.*, edge.*, perf.*, mon.*).
 *
 * Each check is a job that runs in stages: a stage issues fetches or
 * redirect walks (shared through the per-audit cache in http.c) and the
 * next stage runs when they have all answered. The checks' data (staging
 * host patterns, exposed files, signatures, CDN markers) is data/web.cfg.
 */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <libconfig.h>
#include <pcre2.h>

#include "secrets.h"
#include "web.h"

/* ---- data/web.cfg ------------------------------------------------------- */

struct web_rule {
	char		*id;		/* rule id or file path */
	char		*what;
	pcre2_code	*re;
	bool		 publishable;
	char		*header;	/* CDN: header name */
	char		*match;		/* CDN: value substring */
};

struct web_rules {
	struct web_rule	*v;
	size_t		 n;
};

struct web_data {
	char		*error;		/* set when the file is unusable */
	struct strlist	 staging;
	struct web_rules exposed;
	struct web_rules errors;
	struct web_rules cdn;
	struct strlist	 session_cookies;
	struct strlist	 cloudflare;
	struct strlist	 login_paths;
	struct strlist	 private_paths;
	struct strlist	 health_paths;
};

static struct web_data	*check_web_data;

/* Compiles a PCRE2 pattern; NULL with *err set on failure. */
static pcre2_code *
check_web_compile(const char *pattern, char **err)
{
	pcre2_code	*re;
	int		 code;
	PCRE2_SIZE	 off;
	PCRE2_UCHAR	 msg[256];

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0,
	    &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof msg);
		*err = xprintf("\"%s\": %s at %zu", pattern, (char *)msg,
		    (size_t)off);
	}
	return re;
}

/* Reads a list of strings named name into l. */
static void
check_web_strings(config_t *cf, const char *name, struct strlist *l)
{
	config_setting_t	*s = config_lookup(cf, name);
	int			 i;

	if (s == NULL)
		return;
	for (i = 0; i < config_setting_length(s); i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (v != NULL)
			strlist_add(l, v);
	}
}

/* Reads a list of groups named name into rules; -1 with *err on error. */
static int
check_web_rules(config_t *cf, const char *name, const char *idkey,
    const char *rekey, struct web_rules *rules, char **err)
{
	config_setting_t	*s = config_lookup(cf, name), *g;
	const char		*id, *re, *what, *hdr, *match;
	int			 i, pub;
	struct web_rule		*r;

	if (s == NULL)
		return 0;
	for (i = 0; i < config_setting_length(s); i++) {
		g = config_setting_get_elem(s, i);
		id = what = re = hdr = match = NULL;
		pub = 0;
		config_setting_lookup_string(g, idkey, &id);
		config_setting_lookup_string(g, "what", &what);
		if (rekey != NULL)
			config_setting_lookup_string(g, rekey, &re);
		config_setting_lookup_string(g, "header", &hdr);
		config_setting_lookup_string(g, "match", &match);
		config_setting_lookup_bool(g, "publishable", &pub);
		if (id == NULL || (rekey != NULL && re == NULL)) {
			*err = xprintf(_("line %d: %s entry needs %s%s%s"),
			    config_setting_source_line(g), name, idkey,
			    rekey ? " and " : "", rekey ? rekey : "");
			return -1;
		}
		rules->v = xreallocarray(rules->v, rules->n + 1,
		    sizeof *rules->v);
		r = &rules->v[rules->n++];
		memset(r, 0, sizeof *r);
		r->id = xstrdup(id);
		r->what = xstrdup(what != NULL ? what : id);
		r->publishable = pub != 0;
		r->header = hdr != NULL ? xstrdup(hdr) : NULL;
		r->match = match != NULL ? xstrdup(match) : NULL;
		if (re != NULL && (r->re = check_web_compile(re, err)) == NULL)
			return -1;
	}
	return 0;
}

/* Loads data/web.cfg once per process; the result may carry an error. */
static struct web_data *
check_web_load(void)
{
	struct web_data	*d;
	config_t	 cf;
	char		*path, *err = NULL;

	if (check_web_data != NULL)
		return check_web_data;
	d = xcalloc(1, sizeof *d);
	path = data_path("web.cfg");
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		d->error = xprintf(_("cannot load %s:%d: %s"), path,
		    config_error_line(&cf), config_error_text(&cf) ?
		    config_error_text(&cf) : _("cannot read the file"));
	} else {
		check_web_strings(&cf, "staging_hosts", &d->staging);
		check_web_strings(&cf, "session_cookies", &d->session_cookies);
		check_web_strings(&cf, "cloudflare_ranges", &d->cloudflare);
		check_web_strings(&cf, "login_paths", &d->login_paths);
		check_web_strings(&cf, "private_paths", &d->private_paths);
		check_web_strings(&cf, "health_paths", &d->health_paths);
		if (check_web_rules(&cf, "exposed_files", "path", "signature",
		    &d->exposed, &err) == -1 ||
		    check_web_rules(&cf, "error_signatures", "what", "regex",
		    &d->errors, &err) == -1 ||
		    check_web_rules(&cf, "cdn", "name", NULL, &d->cdn,
		    &err) == -1) {
			d->error = xprintf("%s: %s", path, err);
			free(err);
		}
	}
	config_destroy(&cf);
	free(path);
	check_web_data = d;
	return d;
}

/* Whether re matches len bytes at s; start and end get the match. */
static bool
check_web_match(pcre2_code *re, const char *s, size_t len, size_t *start,
    size_t *end)
{
	pcre2_match_data	*md;
	int			 rc;
	PCRE2_SIZE		*ov;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	if (rc > 0 && start != NULL) {
		ov = pcre2_get_ovector_pointer(md);
		*start = ov[0];
		*end = ov[1];
	}
	pcre2_match_data_free(md);
	return rc > 0;
}

/* ---- jobs: checks in stages -------------------------------------------- */

struct job;

struct slot {
	struct job		*job;
	int			 stage;
	int			 tag;		/* the check's meaning */
	char			*label;
	const struct http_resp	*r;
	const struct chain	*c;
};

struct job {
	struct check_run	*run;
	struct web		*web;
	struct web_data		*data;
	int			 pending;
	int			 stage;
	bool			 cancelled;
	bool			 finished;
	bool			 stepping;
	void			(*step)(struct job *);
	struct slot		**slots;
	size_t			  nslots;
	/* Shared between stages. */
	const struct http_resp	*landing;	/* final landing response */
	const struct chain	*landing_chain;
	char			*base;		/* landing origin URL */
	int			  counter;
	void			*extra;
};

static void job_run(struct job *);

/* Finishes the check (once). */
static void
job_finish(struct job *job)
{
	if (job->finished || job->cancelled)
		return;
	job->finished = true;
	check_finish(job->run);
}

/* A fetch or walk of the job answered. */
static void
job_answered(struct slot *s)
{
	struct job	*job = s->job;

	job->pending--;
	if (job->pending == 0 && !job->cancelled && !job->finished)
		job_run(job);
}

static void
job_fetch_done(void *arg, const struct http_resp *r)
{
	struct slot	*s = arg;

	s->r = r;
	job_answered(s);
}

static void
job_chain_done(void *arg, const struct chain *c)
{
	struct slot	*s = arg;

	s->c = c;
	s->r = chain_final(c);
	job_answered(s);
}

/* A new slot of the current stage. */
static struct slot *
job_slot(struct job *job, int tag, const char *label)
{
	struct slot	*s;

	s = xcalloc(1, sizeof *s);
	s->job = job;
	s->stage = job->stage;
	s->tag = tag;
	s->label = label != NULL ? xstrdup(label) : NULL;
	job->slots = xreallocarray(job->slots, job->nslots + 1,
	    sizeof *job->slots);
	job->slots[job->nslots++] = s;
	job->pending++;
	return s;
}

/* Fetches req in the current stage. */
static void
job_fetch(struct job *job, const struct http_req *req, int tag,
    const char *label)
{
	http_fetch(job->web, req, job_fetch_done, job_slot(job, tag, label));
}

#define PROBE_MAX	(64 * 1024)	/* body cap of probes */

/* Fetches url (GET, cached) in the current stage. */
static void
job_get(struct job *job, const char *url, int tag, const char *label)
{
	struct http_req	req = { .url = url };

	job_fetch(job, &req, tag, label);
}

/* Fetches url (GET, cached) with the smaller body cap of probes. */
static void
job_probe(struct job *job, const char *url, int tag, const char *label)
{
	struct http_req	req = { .url = url, .max = PROBE_MAX };

	job_fetch(job, &req, tag, label);
}

/* Walks the redirects from url in the current stage. */
static void
job_chain(struct job *job, const char *url, int tag, const char *label)
{
	http_chain(job->web, url, job_chain_done, job_slot(job, tag, label));
}

/* Iterates the slots of stage st. */
#define JOB_SLOTS(job, st, s, i)					\
	for ((i) = 0; (i) < (job)->nslots; (i)++)			\
		if (((s) = (job)->slots[(i)])->stage == (st))

/* Runs stages until one waits for answers or the check finishes. */
static void
job_run(struct job *job)
{
	if (job->stepping)
		return;
	job->stepping = true;
	while (!job->finished && !job->cancelled && job->pending == 0) {
		int stage = job->stage;

		job->step(job);
		if (job->stage == stage && job->pending == 0 &&
		    !job->finished) {
			result_set(&job->run->result, STATUS_ERROR,
			    SEVERITY_NONE, "internal: stage %d stalled", stage);
			job_finish(job);
		}
	}
	job->stepping = false;
}

static void
job_cancel(struct check_run *run)
{
	struct job	*job = run->state;

	if (job != NULL)
		job->cancelled = true;
}

static void
job_free(struct check_run *run)
{
	struct job	*job = run->state;
	size_t		 i;

	if (job == NULL)
		return;
	for (i = 0; i < job->nslots; i++) {
		free(job->slots[i]->label);
		free(job->slots[i]);
	}
	free(job->slots);
	free(job->base);
	free(job->extra);
	free(job);
	run->state = NULL;
}

/* Starts a job for run with the given step function. */
static void
job_start(struct check_run *run, void (*step)(struct job *))
{
	struct job	*job;

	job = xcalloc(1, sizeof *job);
	job->run = run;
	job->step = step;
	job->data = check_web_load();
	run->state = job;
	if (job->data->error != NULL) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    job->data->error);
		job_finish(job);
		return;
	}
	job->web = web_get(run->audit);
	job_run(job);
}

#define r_of(job) (&(job)->run->result)
#define OPT(job) ((job)->run->audit->opt)

/*
 * Whether a check that repeats requests must stop starting new ones: the
 * audit stops a check at twice --timeout plus 5 s, and a new round may
 * take up to --timeout, so rounds start only in the first --timeout + 3 s.
 */
static bool
web_over_budget(struct job *job)
{
	int	t = OPT(job)->timeout > 0 ? OPT(job)->timeout :
		    OPTIONS_DEFAULT_TIMEOUT;

	return now_ms() - job->run->started > (uint64_t)t * 1000 + 3000;
}

/* ---- helpers shared by the checks -------------------------------------- */

/* Whether a response failed because the name does not resolve. */
static bool
web_unresolved(const struct http_resp *r)
{
	return r != NULL && r->status == 0 && r->error != NULL &&
	    strncmp(r->error, _("cannot resolve"),
	    strlen(_("cannot resolve"))) == 0;
}

/* Whether a response is a redirect. */
static bool
web_redirect(const struct http_resp *r)
{
	return r != NULL && r->status >= 300 && r->status <= 399 &&
	    r->location != NULL;
}

/* Whether host matches one of the staging patterns. */
static const char *
web_staging(struct web_data *d, const char *host)
{
	size_t	i;

	if (host == NULL)
		return NULL;
	for (i = 0; i < d->staging.n; i++) {
		if (fnmatch(d->staging.v[i], host, 0) == 0)
			return d->staging.v[i];
	}
	return NULL;
}

/* The origin ("https://host:port") of url, newly allocated. */
static char *
web_origin(const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 len;

	if (p == NULL)
		return xstrdup(url);
	p += 3;
	len = strcspn(p, "/?#");
	return xprintf("%.*s", (int)(p - url + (ptrdiff_t)len), url);
}

/* Whether url is on the audited site (the domain or a subdomain). */
static bool
web_same_site(struct job *job, const char *url)
{
	char	*host = url_host(url);
	bool	 same = false;
	size_t	 hl, dl;

	if (host != NULL) {
		hl = strlen(host);
		dl = strlen(OPT(job)->domain);
		same = strcmp(host, OPT(job)->domain) == 0 || (hl > dl &&
		    host[hl - dl - 1] == '.' &&
		    strcmp(host + hl - dl, OPT(job)->domain) == 0);
	}
	free(host);
	return same;
}

/* Describes a response that did not come: "host: reason". */
static void
web_no_answer(struct job *job, const char *what, const struct http_resp *r)
{
	result_evidence(r_of(job), _("%s: %s"), what, r != NULL &&
	    r->error != NULL ? r->error : _("no response"));
}

/*
 * Whether the host of slot s answered: false quietly when its name does
 * not resolve (dns.* says so), false with an error raised when it did not
 * answer (over HTTPS when https).
 */
static bool
web_host_answered(struct job *job, struct slot *s, bool https)
{
	if (web_unresolved(s->r))
		return false;
	if (s->r->status != 0)
		return true;
	if (https)
		result_raise(r_of(job), STATUS_ERROR, SEVERITY_NONE,
		    _("%s did not answer over HTTPS"), s->label);
	else
		result_raise(r_of(job), STATUS_ERROR, SEVERITY_NONE,
		    _("%s did not answer"), s->label);
	web_no_answer(job, s->label, s->r);
	return false;
}

/* Stage helper: walks https://DOMAIN/ (the landing page). */
static void
web_want_landing(struct job *job)
{
	char	*url = xprintf("https://%s/", OPT(job)->domain);

	job_chain(job, url, -1, NULL);
	free(url);
}

/*
 * After web_want_landing's stage: sets job->landing; finishes the check
 * with an error and returns false when there is no landing page.
 */
static bool
web_got_landing(struct job *job, int stage)
{
	struct slot	*s;
	size_t		 i;

	JOB_SLOTS(job, stage, s, i) {
		if (s->tag != -1)
			continue;
		job->landing_chain = s->c;
		job->landing = s->r;
	}
	if (job->landing == NULL || job->landing->status == 0 ||
	    job->landing_chain->end != CHAIN_OK) {
		char *line = job->landing_chain != NULL ?
		    chain_format(job->landing_chain) : xstrdup("");

		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
		    _("the landing page https://%s/ could not be fetched"),
		    OPT(job)->domain);
		result_evidence(r_of(job), "%s", line);
		free(line);
		job_finish(job);
		return false;
	}
	job->base = web_origin(job->landing->url);
	if (job->landing->truncated)
		result_evidence(r_of(job), _("%s: the body passed the %d MB "
		    "cap; only the first %d MB were read"), job->landing->url,
		    WEB_BODY_MAX >> 20, WEB_BODY_MAX >> 20);
	return true;
}

/*
 * The first two stages of a check on the landing page: stage 0 asks for
 * it; stage 1 returns true once it came (false when the check finished
 * without it, see web_got_landing).
 */
static bool
web_landing_ready(struct job *job)
{
	if (job->stage == 0) {
		web_want_landing(job);
		job->stage = 1;
		return false;
	}
	return web_got_landing(job, 0);
}

/* Same-site references of the landing page of the given kinds. */
static void
web_landing_refs(struct job *job, struct html_refs *refs)
{
	const struct http_resp	*r = job->landing;

	refs->v = NULL;
	refs->n = 0;
	if (r->body.data != NULL)
		html_extract(r->body.data, r->body.len, refs);
}

/*
 * Fetches (tag 0) the same-site references of the landing page whose kind
 * is in KINDS (a mask of 1 << kind), at most MAX of them, only the first
 * of each kind when FIRST.
 */
static void
web_get_refs(struct job *job, unsigned kinds, size_t max, bool first)
{
	struct html_refs refs;
	unsigned	 seen = 0, bit;
	size_t		 i, n = 0;
	char		*abs;

	web_landing_refs(job, &refs);
	for (i = 0; i < refs.n && n < max; i++) {
		bit = 1U << refs.v[i].kind;
		if ((kinds & bit) == 0 || (first && (seen & bit) != 0))
			continue;
		abs = url_resolve(job->landing->url, refs.v[i].url);
		if (abs != NULL && web_same_site(job, abs)) {
			job_get(job, abs, 0, abs);
			seen |= bit;
			n++;
		}
		free(abs);
	}
	html_refs_free(&refs);
}

/*
 * Stage 0 helper: walks the redirect chain of SCHEME://HOST/ for every
 * host (tag: the host's index when tag < 0).
 */
static void
web_walk_hosts(struct job *job, const char *scheme, int tag)
{
	struct strlist	 hosts = { 0 };
	size_t		 i;
	char		*url;

	options_hosts(OPT(job), &hosts);
	for (i = 0; i < hosts.n; i++) {
		url = xprintf("%s://%s/", scheme, hosts.v[i]);
		job_chain(job, url, tag < 0 ? (int)i : tag, hosts.v[i]);
		free(url);
	}
	strlist_clear(&hosts);
}

/* ---- http.https-redirect ----------------------------------------------- */

/* Walks http:// of every host; judges the first hop. */
static void
check_https_redirect_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, answered = 0;
	char		*line, *host;

	if (job->stage == 0) {
		web_walk_hosts(job, "http", -1);
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
	    _("every host redirects plain HTTP to HTTPS on the first hop"));
	JOB_SLOTS(job, 0, s, i) {
		const struct http_resp *first = s->c->nhops ? s->c->hops[0] :
		    NULL;

		line = chain_format(s->c);
		if (web_unresolved(first)) {
			result_evidence(r_of(job), _("%s: does not resolve "
			    "(not checked)"), s->label);
			free(line);
			continue;
		}
		if (first == NULL || first->status == 0) {
			if (first != NULL && first->error != NULL &&
			    strstr(first->error, "onnect") != NULL &&
			    !first->timed_out) {
				answered++;
				result_evidence(r_of(job), _("%s: port 80 "
				    "refused (nothing served over HTTP)"),
				    s->label);
				result_raise(r_of(job), STATUS_WARN,
				    SEVERITY_MEDIUM, _("%s refuses connections "
				    "on port 80: http:// links and typed names "
				    "fail instead of redirecting to HTTPS"),
				    s->label);
			} else {
				result_raise(r_of(job), STATUS_ERROR,
				    SEVERITY_NONE, _("%s could not be checked"),
				    s->label);
				result_evidence(r_of(job), "%s", line);
			}
			free(line);
			continue;
		}
		answered++;
		result_evidence(r_of(job), "%s", line);
		free(line);
		if (!web_redirect(first)) {
			result_raise(r_of(job), STATUS_FAIL,
			    SEVERITY_CRITICAL, _("%s serves content over plain "
			    "HTTP (status %ld, no redirect)"), s->label,
			    first->status);
			continue;
		}
		if (strcmp(url_scheme(first->location), "https") != 0) {
			const struct http_resp *fin = chain_final(s->c);

			if (fin != NULL && strcmp(url_scheme(fin->url),
			    "https") == 0 && fin->status > 0)
				result_raise(r_of(job), STATUS_WARN,
				    SEVERITY_MEDIUM, _("%s reaches HTTPS only "
				    "after a plain-HTTP redirect"), s->label);
			else
				result_raise(r_of(job), STATUS_FAIL,
				    SEVERITY_CRITICAL, _("%s never reaches "
				    "HTTPS"), s->label);
			continue;
		}
		host = url_host(first->location);
		if (host == NULL || strcmp(host, s->label) != 0)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s's first redirect leaves the host (%s), so "
			    "its own HTTPS is never enforced"), s->label,
			    host ? host : "?");
		else if (first->status != 301 && first->status != 308)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s redirects to HTTPS with a temporary %ld "
			    "(use 301 or 308)"), s->label, first->status);
		free(host);
	}
	if (answered == 0 && r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no host answered over HTTP"));
	if (r_of(job)->status == STATUS_FAIL ||
	    r_of(job)->status == STATUS_WARN)
		result_set_fix(r_of(job), "%s", _("Make port 80 answer every "
		    "request with a 301 to the same host over https:// "
		    "(e.g. nginx: return 301 https://$host$request_uri;)."));
	job_finish(job);
}

static void
check_https_redirect_start(struct check_run *run)
{
	job_start(run, check_https_redirect_step);
}

/* ---- http.canonical ----------------------------------------------------- */

/* Walks the four entry URLs; compares where they end. */
static void
check_canonical_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	const char	*first_final = NULL;
	char		*first_host = NULL, *host, *line;

	if (job->stage == 0) {
		for (i = 0; i < 4; i++) {
			char *h = i < 2 ? xstrdup(OPT(job)->domain) :
			    xprintf("www.%s", OPT(job)->domain);
			char *url = xprintf("%s://%s/", i % 2 ? "https" :
			    "http", h);

			job_chain(job, url, (int)i, h);
			free(url);
			free(h);
		}
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
	    _("every entry URL ends at one final URL"));
	JOB_SLOTS(job, 0, s, i) {
		line = chain_format(s->c);
		result_evidence(r_of(job), "%s", line);
		free(line);
		if (s->c->end == CHAIN_ERROR) {
			if (!web_unresolved(s->r))
				result_raise(r_of(job), STATUS_ERROR,
				    SEVERITY_NONE, _("%s could not be "
				    "followed to its end"), s->c->start);
			continue;
		}
		if (s->c->end != CHAIN_OK) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s never ends (see http.redirect-loop)"),
			    s->c->start);
			continue;
		}
		n++;
		host = url_host(s->r->url);
		if (first_final == NULL) {
			first_final = s->r->url;
			first_host = host;
			host = NULL;
		} else if (host != NULL && first_host != NULL &&
		    strcmp(host, first_host) != 0) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("the entry URLs end at different hosts (%s and "
			    "%s): traffic and search ranking are split"),
			    first_host, host);
		} else if (strcmp(first_final, s->r->url) != 0)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("the entry URLs end at different URLs (%s and "
			    "%s)"), first_final, s->r->url);
		free(host);
		if (chain_redirects(s->c) > 2)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s takes %zu redirects to reach %s (at most 2)"),
			    s->c->start, chain_redirects(s->c), s->r->url);
	}
	free(first_host);
	if (n == 0 && r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no entry URL could be followed"));
	else if (r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("every entry URL ends at %s"), first_final);
	job_finish(job);
}

static void
check_canonical_start(struct check_run *run)
{
	job_start(run, check_canonical_step);
}

/* ---- http.redirect-loop ------------------------------------------------ */

/* Walks http:// and https:// of every host; flags loops and long chains. */
static void
check_redirect_loop_step(struct job *job)
{
	struct strlist	 hosts = { 0 };
	struct slot	*s;
	size_t		 i, ok = 0, total = 0;
	char		*url, *line;

	if (job->stage == 0) {
		options_hosts(OPT(job), &hosts);
		for (i = 0; i < hosts.n; i++) {
			url = xprintf("http://%s/", hosts.v[i]);
			job_chain(job, url, 0, hosts.v[i]);
			free(url);
			url = xprintf("https://%s/", hosts.v[i]);
			job_chain(job, url, 1, hosts.v[i]);
			free(url);
		}
		strlist_clear(&hosts);
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		if (web_unresolved(s->r))
			continue;
		total++;
		line = chain_format(s->c);
		switch (s->c->end) {
		case CHAIN_LOOP:
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s redirects in a loop"), s->c->start);
			result_evidence(r_of(job), "%s", line);
			break;
		case CHAIN_TOO_LONG:
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s passes %d redirects"), s->c->start,
			    WEB_MAX_HOPS);
			result_evidence(r_of(job), "%s", line);
			break;
		case CHAIN_ERROR:
			result_evidence(r_of(job), "%s", line);
			if (s->c->nhops > 1)
				ok++;	/* the redirects we saw were fine */
			break;
		default:
			ok++;
			if (chain_redirects(s->c) > 0)
				result_evidence(r_of(job), "%s", line);
		}
		free(line);
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (ok == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no redirect chain could be followed"));
		else if (ok < total)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    _("%zu of %zu chains could not be followed to "
			    "their end (no loop in the other %zu)"),
			    total - ok, total, ok);
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    _("no loop in %zu chains (at most %d redirects "
			    "followed)"), total, WEB_MAX_HOPS);
	}
	job_finish(job);
}

static void
check_redirect_loop_start(struct check_run *run)
{
	job_start(run, check_redirect_loop_step);
}

/* ---- http.staging-leak ------------------------------------------------- */

/* Flags url when its host is a staging or preview host. */
static void
check_staging_url(struct job *job, const char *url, const char *where)
{
	char		*host = url_host(url);
	const char	*pat = web_staging(job->data, host);

	if (pat != NULL) {
		result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
		    _("production points to a preview/staging host: %s"),
		    host);
		char	*line = xprintf(_("%s: %s (matches %s)"), where, url,
		    pat);
		size_t	 i;

		for (i = 0; i < r_of(job)->nevidence; i++) {
			if (strcmp(r_of(job)->evidence[i], line) == 0)
				break;
		}
		if (i == r_of(job)->nevidence)
			result_evidence(r_of(job), "%s", line);
		free(line);
	}
	free(host);
}

/* Matches redirect targets, final URLs and landing links to staging hosts. */
static void
check_staging_leak_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, j, n = 0, links = 0;
	struct html_refs refs;
	char		*abs;

	if (job->stage == 0) {
		for (i = 0; i < 4; i++) {
			char *url = xprintf("%s://%s%s/", i % 2 ? "https" :
			    "http", i < 2 ? "" : "www.", OPT(job)->domain);

			job_chain(job, url, (int)i, NULL);
			free(url);
		}
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		for (j = 0; j < s->c->nhops; j++) {
			const struct http_resp *h = s->c->hops[j];

			if (j > 0)
				check_staging_url(job, h->url,
				    _("redirect target"));
			if (h->status == 0)
				continue;
			n++;
			if (web_redirect(h) && j + 1 == s->c->nhops)
				check_staging_url(job, h->location,
				    _("redirect target"));
		}
		if (s->tag != 1 || s->r == NULL || s->r->status == 0 ||
		    s->c->end != CHAIN_OK)
			continue;
		check_staging_url(job, s->r->url, _("final URL"));
		html_extract(s->r->body.data != NULL ? s->r->body.data : "",
		    s->r->body.len, &refs);
		for (j = 0; j < refs.n; j++) {
			if ((abs = url_resolve(s->r->url, refs.v[j].url)) ==
			    NULL)
				continue;
			if (strncmp(refs.v[j].url, "http", 4) == 0 ||
			    strncmp(refs.v[j].url, "//", 2) == 0) {
				links++;
				check_staging_url(job, abs,
				    refs.v[j].kind == HTML_CANONICAL ?
				    _("canonical link") : _("link on the "
				    "landing page"));
			}
			free(abs);
		}
		html_refs_free(&refs);
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (n == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no entry URL answered"));
		else {
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    "%s", _("no redirect, final URL or landing-page "
			    "link points to a preview or staging host"));
			result_evidence(r_of(job), _("%zu responses along 4 "
			    "entry chains and %zu absolute links checked "
			    "against %zu patterns"), n, links,
			    job->data->staging.n);
		}
	}
	job_finish(job);
}

static void
check_staging_leak_start(struct check_run *run)
{
	job_start(run, check_staging_leak_step);
}

/* ---- http.hsts ---------------------------------------------------------- */

/* Stage 0 helper: fetches https://HOST/ for every host (tag: index). */
static void
web_want_hosts(struct job *job, const char *scheme)
{
	struct strlist	 hosts = { 0 };
	size_t		 i;
	char		*url;

	options_hosts(OPT(job), &hosts);
	for (i = 0; i < hosts.n; i++) {
		url = xprintf("%s://%s/", scheme, hosts.v[i]);
		job_get(job, url, (int)i, hosts.v[i]);
		free(url);
	}
	strlist_clear(&hosts);
}

/* Reads Strict-Transport-Security of every host over HTTPS. */
static void
check_hsts_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	struct hsts	 h;
	const char	*v;

	if (job->stage == 0) {
		web_want_hosts(job, "https");
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		if (!web_host_answered(job, s, true))
			continue;
		n++;
		v = http_header(s->r, "Strict-Transport-Security");
		headers_hsts(v, &h);
		if (v == NULL) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s sends no Strict-Transport-Security header"),
			    s->label);
			result_evidence(r_of(job), _("%s: no HSTS header"),
			    s->label);
		} else if (!h.valid) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("%s's HSTS header cannot be parsed"), s->label);
			result_evidence(r_of(job), _("%s: unparsable: %s"),
			    s->label, v);
		} else {
			long days = h.max_age / 86400;

			result_evidence(r_of(job), ngettext("%s: max-age=%ld "
			    "(%ld day)%s%s", "%s: max-age=%ld (%ld days)%s%s",
			    (unsigned long)days), s->label, h.max_age,
			    days, h.include_subdomains ?
			    "; includeSubDomains" : "", h.preload ?
			    "; preload" : "");
			if (h.max_age < 15552000)
				result_raise(r_of(job), STATUS_WARN,
				    SEVERITY_MEDIUM, _("%s's HSTS max-age is "
				    "%ld s, shorter than 6 months (15552000)"),
				    s->label, h.max_age);
		}
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (n == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no host answered over HTTPS"));
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    ngettext("HSTS with max-age of 6 months or more "
			    "on %zu host", "HSTS with max-age of 6 months or "
			    "more on %zu hosts", n), n);
	}
	job_finish(job);
}

static void
check_hsts_start(struct check_run *run)
{
	job_start(run, check_hsts_step);
}

/* ---- http.mixed-content ------------------------------------------------- */

/* Stage helper: the login page chain (given, or the first login path). */
static void
web_want_login(struct job *job, int tag)
{
	char	*url;

	if (OPT(job)->login_url != NULL) {
		job_chain(job, OPT(job)->login_url, tag, NULL);
		return;
	}
	url = xprintf("%s%s", job->base, job->data->login_paths.n ?
	    job->data->login_paths.v[0] : "/login");
	job_chain(job, url, tag, NULL);
	free(url);
}

/* Whether a chain ends at a real page (2xx, not the landing page again). */
static bool
web_page(struct job *job, const struct slot *s)
{
	return s->c != NULL && s->c->end == CHAIN_OK && s->r != NULL &&
	    s->r->status >= 200 && s->r->status <= 299 &&
	    (s->r != job->landing || s->tag == -1);
}

/* Lists plain-HTTP references of the landing and login pages. */
static void
check_mixed_content_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, j, pages = 0, nactive = 0, npassive = 0;
	struct html_refs refs;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		job->stage = 2;
		return;
	}
	for (i = 0; i < job->nslots; i++) {
		s = job->slots[i];
		if (!web_page(job, s) || s->r->body.data == NULL)
			continue;
		if (strcmp(url_scheme(s->r->url), "https") != 0)
			continue;
		pages++;
		html_extract(s->r->body.data, s->r->body.len, &refs);
		for (j = 0; j < refs.n; j++) {
			const struct html_ref *ref = &refs.v[j];

			if (ref->kind == HTML_LINK ||
			    ref->kind == HTML_CANONICAL ||
			    strncasecmp(ref->url, "http://", 7) != 0)
				continue;
			if (html_active(ref->kind)) {
				nactive++;
				result_evidence(r_of(job), _("active: %s "
				    "loads %s"), s->r->url, ref->url);
			} else {
				npassive++;
				result_evidence(r_of(job), _("passive: %s "
				    "loads %s"), s->r->url, ref->url);
			}
		}
		html_refs_free(&refs);
	}
	if (pages == 0)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no page was served over HTTPS to inspect"));
	else if (nactive > 0)
		result_set(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
		    ngettext("%zu active resource (script, style, frame, "
		    "form) over plain HTTP: browsers block it", "%zu active "
		    "resources (scripts, styles, frames, forms) over plain "
		    "HTTP: browsers block them", nactive), nactive);
	else if (npassive > 0)
		result_set(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
		    ngettext("%zu image/media reference over plain HTTP",
		    "%zu image/media references over plain HTTP", npassive),
		    npassive);
	else
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    ngettext("no plain-HTTP resources on %zu page",
		    "no plain-HTTP resources on %zu pages", pages), pages);
	job_finish(job);
}

static void
check_mixed_content_start(struct check_run *run)
{
	job_start(run, check_mixed_content_step);
}

/* ---- http.security-headers --------------------------------------------- */

/* Judges the landing page's CSP, nosniff, framing, referrer and SRI. */
static void
check_security_headers_step(struct job *job)
{
	const struct http_resp	*r;
	const char		*csp, *v;
	char			*src, *fa;
	struct html_refs	 refs;
	size_t			 i, missing = 0;

	if (!web_landing_ready(job))
		return;
	r = job->landing;
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	result_evidence(r_of(job), _("page: %s"), r->url);
#define MISSING(...) do {						\
	missing++;							\
	result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM, __VA_ARGS__); \
	result_evidence(r_of(job), __VA_ARGS__);			\
} while (0)
	csp = http_header(r, "Content-Security-Policy");
	if (csp == NULL)
		MISSING("%s", _("no Content-Security-Policy"));
	else {
		result_evidence(r_of(job), "Content-Security-Policy: %s", csp);
		src = headers_csp_directive(csp, "script-src");
		if (src == NULL)
			src = headers_csp_directive(csp, "default-src");
		if (src != NULL && strstr(src, "'unsafe-inline'") != NULL &&
		    strstr(src, "'nonce-") == NULL &&
		    strstr(src, "'sha256-") == NULL)
			MISSING("%s", _("the CSP allows 'unsafe-inline' "
			    "scripts"));
		free(src);
	}
	v = http_header(r, "X-Content-Type-Options");
	if (v == NULL || strncasecmp(v, "nosniff", 7) != 0)
		MISSING("%s", _("no X-Content-Type-Options: nosniff"));
	fa = headers_csp_directive(csp, "frame-ancestors");
	v = http_header(r, "X-Frame-Options");
	if (fa == NULL && v == NULL)
		MISSING("%s", _("neither CSP frame-ancestors nor "
		    "X-Frame-Options (clickjacking)"));
	free(fa);
	if ((v = http_header(r, "Referrer-Policy")) == NULL)
		MISSING("%s", _("no Referrer-Policy"));
	web_landing_refs(job, &refs);
	for (i = 0; i < refs.n; i++) {
		char *abs;

		if (refs.v[i].kind != HTML_SCRIPT || refs.v[i].integrity)
			continue;
		abs = url_resolve(r->url, refs.v[i].url);
		if (abs != NULL && !web_same_site(job, abs))
			MISSING(_("external script without SRI (integrity): "
			    "%s"), abs);
		free(abs);
	}
	html_refs_free(&refs);
#undef MISSING
	if (missing > 1)
		result_set(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu security headers or protections missing on the "
		    "landing page"), missing);
	else if (missing == 0)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
		    _("CSP, nosniff, framing and referrer protections are "
		    "set"));
	job_finish(job);
}

static void
check_security_headers_start(struct check_run *run)
{
	job_start(run, check_security_headers_step);
}

/* ---- http.cookies ------------------------------------------------------- */

/* Whether a cookie name looks like a session. */
static bool
web_session_cookie(struct web_data *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->session_cookies.n; i++) {
		if (strcasestr(name, d->session_cookies.v[i]) != NULL)
			return true;
	}
	return false;
}

/* Judges every Set-Cookie along the landing and login chains. */
static void
check_cookies_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, j, k, n = 0;
	struct cookie	 c;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		job->stage = 2;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	for (i = 0; i < job->nslots; i++) {
		s = job->slots[i];
		if (s->c == NULL)
			continue;
		for (j = 0; j < s->c->nhops; j++) {
			const struct http_resp *h = s->c->hops[j];

			for (k = 0; k < h->headers.n; k++) {
				const char *line = h->headers.v[k];
				bool session;
				struct buf missing = { 0 };

				if (strncasecmp(line, "Set-Cookie:", 11) != 0)
					continue;
				if (headers_cookie(line + 11, &c) == -1)
					continue;
				n++;
				session = web_session_cookie(job->data, c.name);
				if (!c.secure)
					buf_puts(&missing, " Secure");
				if (!c.httponly && session)
					buf_puts(&missing, " HttpOnly");
				if (c.samesite == NULL)
					buf_puts(&missing, " SameSite");
				result_evidence(r_of(job), _("%s sets %s%s%s%s"),
				    h->url, c.name, session ?
				    _(" (session-like)") : "",
				    missing.len ? _(", missing:") : "",
				    missing.len ? missing.data : "");
				if (session && !c.secure)
					result_raise(r_of(job), STATUS_FAIL,
					    SEVERITY_HIGH, _("session cookie %s "
					    "is sent without Secure"), c.name);
				else if (missing.len > 0)
					result_raise(r_of(job), STATUS_WARN,
					    SEVERITY_MEDIUM, _("cookie %s is "
					    "missing%s"), c.name, missing.data);
				buf_free(&missing);
				headers_cookie_free(&c);
			}
		}
	}
	if (r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, n == 0 ?
		    _("the landing and login pages set no cookies") :
		    _("every cookie carries Secure, HttpOnly (sessions) and "
		    "SameSite"));
	job_finish(job);
}

static void
check_cookies_start(struct check_run *run)
{
	job_start(run, check_cookies_step);
}

/* ---- http.cors ---------------------------------------------------------- */

#define EVIL_ORIGIN "https://evil.example"

/* Sends a foreign Origin to each API host and reads the CORS answer. */
static void
check_cors_step(struct job *job)
{
	struct strlist	 hosts = { 0 };
	struct slot	*s;
	size_t		 i, n = 0, apis = 0;
	const char	*acao, *acac;
	struct http_req	 req = { .origin = EVIL_ORIGIN };
	char		*url;

	if (job->stage == 0) {
		for (i = 0; i < OPT(job)->api_urls.n; i++) {
			req.url = OPT(job)->api_urls.v[i];
			job_fetch(job, &req, 1, req.url);
		}
		options_hosts(OPT(job), &hosts);
		for (i = 0; i < hosts.n; i++) {
			if (strncmp(hosts.v[i], "api.", 4) != 0)
				continue;
			url = xprintf("https://%s/", hosts.v[i]);
			req.url = url;
			job_fetch(job, &req, 1, url);
			free(url);
		}
		strlist_clear(&hosts);
		if (job->pending == 0) {
			url = xprintf("https://%s/", OPT(job)->domain);
			req.url = url;
			job_fetch(job, &req, 0, url);
			free(url);
		}
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		if (!web_host_answered(job, s, false))
			continue;
		n++;
		apis += s->tag == 1;
		acao = http_header(s->r, "Access-Control-Allow-Origin");
		acac = http_header(s->r, "Access-Control-Allow-Credentials");
		result_evidence(r_of(job), _("%s with Origin: %s → "
		    "Access-Control-Allow-Origin: %s; -Credentials: %s"),
		    s->label, EVIL_ORIGIN, acao ? acao : _("(none)"),
		    acac ? acac : _("(none)"));
		if (acao == NULL)
			continue;
		if (strcmp(acao, EVIL_ORIGIN) == 0 || strcmp(acao, "null") ==
		    0)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s reflects any Origin%s: any site can read "
			    "its responses"), s->label, acac != NULL &&
			    strcasecmp(acac, "true") == 0 ?
			    _(" with credentials") : "");
		else if (strcmp(acao, "*") == 0 && acac != NULL &&
		    strcasecmp(acac, "true") == 0)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s allows * with credentials"), s->label);
		else if (strcmp(acao, "*") == 0 && s->tag == 1)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("the API %s allows any origin (*)"), s->label);
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (n == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no API host answered"));
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    apis ? _("no API reflects a foreign Origin") :
			    _("no API host given (--api-url or api.*); the "
			    "landing page does not reflect a foreign Origin"));
	}
	job_finish(job);
}

static void
check_cors_start(struct check_run *run)
{
	job_start(run, check_cors_step);
}

/* ---- http.exposed-files ------------------------------------------------ */

/* Probes the sensitive paths on every answering host; bodies must match. */
static void
check_exposed_files_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, j, hosts = 0, probes = 0;

	switch (job->stage) {
	case 0:
		web_want_hosts(job, "https");
		job->stage = 1;
		return;
	case 1:
		JOB_SLOTS(job, 0, s, i) {
			if (s->r->status == 0)
				continue;
			for (j = 0; j < job->data->exposed.n; j++) {
				char *url = xprintf("https://%s%s", s->label,
				    job->data->exposed.v[j].id);

				job_probe(job, url, (int)j, s->label);
				free(url);
			}
		}
		job->stage = 2;
		if (job->pending > 0)
			return;
		break;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		if (s->r->status != 0)
			hosts++;
	}
	JOB_SLOTS(job, 1, s, i) {
		const struct web_rule *rule = &job->data->exposed.v[s->tag];

		probes++;
		if (s->r->status < 200 || s->r->status > 299)
			continue;
		if (s->r->body.data == NULL || !check_web_match(rule->re,
		    s->r->body.data, s->r->body.len, NULL, NULL)) {
			if (s->r->status == 200 && s->tag == 0)
				result_evidence(r_of(job), _("%s: 200 but the "
				    "body does not match the signature of: %s "
				    "(a catch-all route; not counted)"), s->r->url, rule->what);
			continue;
		}
		result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
		    _("%s is served publicly"), s->r->url);
		result_evidence(r_of(job), _("%s: %ld, %zu bytes, matches "
		    "the signature of: %s"), s->r->url, s->r->status, s->r->body.len,
		    rule->what);
	}
	if (r_of(job)->status == STATUS_PASS) {
		if (hosts == 0)
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no host answered over HTTPS"));
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    ngettext("none of %zu sensitive paths is served "
			    "on %zu host", "none of %zu sensitive paths is "
			    "served on %zu hosts", hosts),
			    job->data->exposed.n, hosts);
	} else
		result_set_fix(r_of(job), "%s", _("Block dot-files and build "
		    "files at the server or CDN (nginx: location ~ /\\. { "
		    "deny all; }), remove them from the deployed folder, and "
		    "rotate every secret the files held."));
	(void)probes;
	job_finish(job);
}

static void
check_exposed_files_start(struct check_run *run)
{
	job_start(run, check_exposed_files_step);
}

/* ---- http.error-leak ---------------------------------------------------- */

/* Scans a body for secrets; returns the number found (evidence added). */
static size_t web_scan_secrets(struct job *, const char *, const char *,
    size_t, bool *);

/* Fetches a missing page and a malformed URL; scans the error pages. */
static void
check_error_leak_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, j, k;
	char		*url;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		url = xprintf("%s/launchready-missing-%08lx", job->base,
		    (unsigned long)(now_ms() & 0xffffffff));
		job_probe(job, url, 0, _("missing page"));
		free(url);
		url = xprintf("%s/%%%%ZZ%%", job->base);
		job_probe(job, url, 1, _("malformed request"));
		free(url);
		job->stage = 2;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 1, s, i) {
		const char *b = s->r->body.data != NULL ? s->r->body.data : "";
		bool pub;

		if (s->r->status == 0) {
			web_no_answer(job, s->label, s->r);
			continue;
		}
		result_evidence(r_of(job), _("%s: %s → %ld, %zu bytes"),
		    s->label, s->r->url, s->r->status, s->r->body.len);
		for (j = 0; j < job->data->errors.n; j++) {
			if (check_web_match(job->data->errors.v[j].re, b,
			    s->r->body.len, NULL, NULL)) {
				result_raise(r_of(job), STATUS_FAIL,
				    SEVERITY_HIGH, _("the %s shows a %s"),
				    s->label, job->data->errors.v[j].what);
				result_evidence(r_of(job), _("%s: contains a "
				    "%s"), s->label,
				    job->data->errors.v[j].what);
			}
		}
		if (web_scan_secrets(job, s->r->url, b, s->r->body.len,
		    &pub) > 0)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
			    _("the %s shows a secret"), s->label);
		for (k = 0; k < s->r->body.len && isspace((unsigned char)b[k]);
		    k++)
			;
		if (k == s->r->body.len)
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("the %s is a blank page"), s->label);
	}
	if (r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
		    _("error pages show no stack trace, debug page, SQL error "
		    "or secret"));
	job_finish(job);
}

static void
check_error_leak_start(struct check_run *run)
{
	job_start(run, check_error_leak_step);
}

/* ---- http.frontend-secrets ---------------------------------------------- */

static size_t
web_scan_secrets(struct job *job, const char *where, const char *body,
    size_t len, bool *publishable)
{
	const struct secrets_rules	*rules;
	struct secrets_finding		*f = NULL;
	const char			*err;
	size_t				 i, n, secrets = 0;

	*publishable = false;
	if ((rules = secrets_rules_of(job->run->audit, &err)) == NULL)
		return 0;
	n = secrets_scan_buffer(rules, NULL, body, len, &f);
	for (i = 0; i < n; i++) {
		if (f[i].allowed)
			continue;
		result_evidence(r_of(job), _("%s:%zu: %s %s (sha256:%s)%s"),
		    where, f[i].line, f[i].title, f[i].preview,
		    f[i].fingerprint, f[i].publishable ?
		    _(" (publishable: info)") : "");
		if (f[i].publishable)
			*publishable = true;
		else
			secrets++;
	}
	secrets_findings_free(f);
	return secrets;
}

/* Scans the landing page and its same-site scripts for secret keys. */
static void
check_frontend_secrets_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, secrets = 0;
	bool		 pub, anypub = false;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT, 20, false);
		job->stage = 2;
		if (job->pending > 0)
			return;
		break;
	}
	{
		const char *err;

		if (secrets_rules_of(job->run->audit, &err) == NULL) {
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    _("the secret rules cannot be loaded: %s"), err);
			job_finish(job);
			return;
		}
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	secrets += web_scan_secrets(job, job->landing->url,
	    job->landing->body.data != NULL ? job->landing->body.data : "",
	    job->landing->body.len, &pub);
	anypub |= pub;
	n = 1;
	JOB_SLOTS(job, 1, s, i) {
		if (s->r->status < 200 || s->r->status > 299) {
			result_evidence(r_of(job), _("%s: not scanned (%s)"),
			    s->label, s->r->status ? _("not a 2xx answer") :
			    s->r->error);
			continue;
		}
		n++;
		if (s->r->truncated)
			result_evidence(r_of(job), _("%s: only the first 2 MB "
			    "scanned (the size cap was reached)"), s->label);
		secrets += web_scan_secrets(job, s->label, s->r->body.data !=
		    NULL ? s->r->body.data : "", s->r->body.len, &pub);
		anypub |= pub;
	}
	if (secrets > 0) {
		result_set(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
		    ngettext("%zu secret key shipped to every visitor's "
		    "browser", "%zu secret keys shipped to every visitor's "
		    "browser", secrets), secrets);
		result_set_fix(r_of(job), "%s", _("Rotate the key now, then "
		    "move every call that needs it to the server; only "
		    "publishable keys belong in front-end code."));
	} else
		result_set(r_of(job), STATUS_PASS, anypub ? SEVERITY_INFO :
		    SEVERITY_NONE, anypub ? _("no secret key in %zu file(s); "
		    "publishable keys listed") : _("no secret key in %zu "
		    "file(s) (landing page and same-site scripts)"), n);
	job_finish(job);
}

static void
check_frontend_secrets_start(struct check_run *run)
{
	job_start(run, check_frontend_secrets_step);
}

/* ---- http.security-txt ------------------------------------------------- */

/* Reads /.well-known/security.txt: Contact and a future Expires. */
static void
check_security_txt_step(struct job *job)
{
	struct slot	*s;
	size_t		 i;
	const char	*b, *p;
	bool		 contact;
	int		 y, mo, d;
	time_t		 now = time(NULL);
	char		*url;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		url = xprintf("%s/.well-known/security.txt", job->base);
		job_probe(job, url, 0, url);
		free(url);
		job->stage = 2;
		return;
	}
	JOB_SLOTS(job, 1, s, i) {
		b = s->r->body.data != NULL ? s->r->body.data : "";
		if (s->r->status == 0) {
			result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
			    _("%s could not be fetched"), s->label);
			web_no_answer(job, s->label, s->r);
			break;
		}
		contact = strcasestr(b, "Contact:") != NULL;
		if (s->r->status != 200 || !contact) {
			result_set(r_of(job), STATUS_WARN, SEVERITY_INFO,
			    "%s", _("no security.txt: researchers have no "
			    "published way to report a vulnerability"));
			result_evidence(r_of(job), _("%s: %ld%s"), s->label,
			    s->r->status, s->r->status == 200 ?
			    _(", but no Contact: line") : "");
			break;
		}
		p = strcasestr(b, "Expires:");
		if (p == NULL || sscanf(p + 8, " %d-%d-%d", &y, &mo, &d) !=
		    3) {
			result_set(r_of(job), STATUS_WARN, SEVERITY_INFO, "%s",
			    _("security.txt has no valid Expires: line"));
			result_evidence(r_of(job), "%s", s->label);
			break;
		}
		{
			struct tm tm = { 0 };

			tm.tm_year = y - 1900;
			tm.tm_mon = mo - 1;
			tm.tm_mday = d;
			if (timegm(&tm) < now) {
				result_set(r_of(job), STATUS_WARN,
				    SEVERITY_INFO, _("security.txt expired "
				    "on %04d-%02d-%02d"), y, mo, d);
				result_evidence(r_of(job), "%s", s->label);
				break;
			}
		}
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("security.txt with Contact: and Expires: "
		    "%04d-%02d-%02d"), y, mo, d);
		result_evidence(r_of(job), "%s", s->label);
	}
	job_finish(job);
}

static void
check_security_txt_start(struct check_run *run)
{
	job_start(run, check_security_txt_step);
}

/* ---- http.compression --------------------------------------------------- */

#define COMPRESS_MIN	1024	/* bytes; smaller bodies are not judged */

/* Checks Content-Encoding of the landing page, a script and a stylesheet. */
static void
check_compression_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, judged = 0, plain = 0;
	const struct http_resp *list[3];
	size_t		 nlist = 0;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT | 1U << HTML_STYLE, 2,
		    true);
		job->stage = 2;
		if (job->pending > 0)
			return;
		break;
	}
	list[nlist++] = job->landing;
	JOB_SLOTS(job, 1, s, i) {
		if (nlist < 3)
			list[nlist++] = s->r;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	for (i = 0; i < nlist; i++) {
		const struct http_resp *r = list[i];
		const char *enc, *ct;

		if (r->status < 200 || r->status > 299)
			continue;
		enc = http_header(r, "Content-Encoding");
		ct = http_header(r, "Content-Type");
		if (r->body.len < COMPRESS_MIN) {
			result_evidence(r_of(job), _("%s: %zu bytes, too small "
			    "to matter"), r->url, r->body.len);
			continue;
		}
		judged++;
		result_evidence(r_of(job), _("%s (%s): %zu bytes, "
		    "Content-Encoding: %s"), r->url, ct ? ct : "?",
		    r->body.len, enc ? enc : _("(none)"));
		if (enc == NULL || strcasecmp(enc, "identity") == 0) {
			plain++;
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s is served uncompressed although gzip and "
			    "br were offered"), r->url);
		}
	}
	if (plain > 1)
		result_set(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu of %zu responses are served uncompressed"), plain,
		    judged);
	else if (plain == 0)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, judged ?
		    _("HTML, JS and CSS are served compressed") :
		    _("no response large enough to judge"));
	job_finish(job);
}

static void
check_compression_start(struct check_run *run)
{
	job_start(run, check_compression_step);
}

/* ---- edge.cdn ----------------------------------------------------------- */

/* Whether the address is in one of the CIDR ranges. */
static bool
web_in_ranges(const struct strlist *ranges, const char *ip)
{
	unsigned char	a[16], n[16];
	int		af, bits, i;
	size_t		k;
	char		net[64], *slash;

	if (ip == NULL)
		return false;
	af = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, ip, a) != 1)
		return false;
	for (k = 0; k < ranges->n; k++) {
		snprintf(net, sizeof net, "%s", ranges->v[k]);
		if ((slash = strchr(net, '/')) == NULL)
			continue;
		*slash = '\0';
		bits = atoi(slash + 1);
		if ((strchr(net, ':') != NULL) != (af == AF_INET6) ||
		    inet_pton(af, net, n) != 1)
			continue;
		for (i = 0; i < bits / 8; i++) {
			if (a[i] != n[i])
				break;
		}
		if (i < bits / 8)
			continue;
		if (bits % 8 != 0) {
			unsigned char mask = (unsigned char)(0xff <<
			    (8 - bits % 8));

			if ((a[i] & mask) != (n[i] & mask))
				continue;
		}
		return true;
	}
	return false;
}

/* The CDN a response passed, or NULL. */
static const char *
web_cdn(struct web_data *d, const struct http_resp *r)
{
	size_t		 i;
	const char	*v;

	for (i = 0; i < d->cdn.n; i++) {
		v = http_header(r, d->cdn.v[i].header);
		if (v != NULL && (d->cdn.v[i].match == NULL ||
		    *d->cdn.v[i].match == '\0' ||
		    strcasestr(v, d->cdn.v[i].match) != NULL))
			return d->cdn.v[i].id;
	}
	if (web_in_ranges(&d->cloudflare, r->ip))
		return "Cloudflare";
	return NULL;
}

/* Looks for CDN headers or Cloudflare addresses on every host. */
static void
check_cdn_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, with = 0;
	const char	*cdn, *server;

	if (job->stage == 0) {
		web_want_hosts(job, "https");
		job->stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 0, s, i) {
		if (s->r->status == 0)
			continue;
		n++;
		cdn = web_cdn(job->data, s->r);
		server = http_header(s->r, "Server");
		result_evidence(r_of(job), _("%s (%s): %s%s%s"), s->label,
		    s->r->ip ? s->r->ip : "?", cdn ? cdn : _("no CDN seen"),
		    server ? _(", Server: ") : "", server ? server : "");
		if (cdn != NULL)
			with++;
	}
	if (n == 0)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no host answered over HTTPS"));
	else if (with == 0)
		result_set(r_of(job), STATUS_WARN, SEVERITY_HIGH, "%s",
		    _("no CDN or WAF in front of the site: the origin takes "
		    "every request and attack directly"));
	else if (with < n)
		result_set(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu of %zu hosts bypass the CDN"), n - with, n);
	else
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("every host (%zu) is behind a CDN"), n);
	job_finish(job);
}

static void
check_cdn_start(struct check_run *run)
{
	job_start(run, check_cdn_step);
}

/* ---- edge.cache-private ------------------------------------------------- */

/* Whether a response may be stored by a shared cache. */
static bool
web_public(const struct http_resp *r)
{
	struct cache_control	cc;

	headers_cache_control(http_header(r, "Cache-Control"), &cc);
	if (cc.private_ || cc.no_store)
		return false;
	return cc.public_ || cc.s_maxage > 0;
}

/* Whether a response came from a shared cache. */
static bool
web_cache_hit(const struct http_resp *r)
{
	const char	*v;

	if ((v = http_header(r, "Age")) != NULL && atol(v) > 0)
		return true;
	if ((v = http_header(r, "X-Cache")) != NULL &&
	    strcasestr(v, "hit") != NULL)
		return true;
	if ((v = http_header(r, "CF-Cache-Status")) != NULL &&
	    strcasestr(v, "hit") != NULL)
		return true;
	return false;
}

/* Judges caching of cookie-setting and private pages, twice requested. */
static void
check_cache_private_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	char		*url;
	struct http_req	 req = { .nocache = true };

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		for (i = 0; i < job->data->private_paths.n; i++) {
			url = xprintf("%s%s", job->base,
			    job->data->private_paths.v[i]);
			job_chain(job, url, 2, NULL);
			free(url);
		}
		job->stage = 2;
		return;
	case 2:
		/* A second request: was the private page served from cache? */
		JOB_SLOTS(job, 1, s, i) {
			if (!web_page(job, s))
				continue;
			req.url = s->r->url;
			job_fetch(job, &req, s->tag, s->r->url);
		}
		job->stage = 3;
		if (job->pending > 0)
			return;
		break;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	for (i = 0; i < job->nslots; i++) {
		const struct http_resp *r;
		bool cookie;

		s = job->slots[i];
		if (s->stage == 2 || !web_page(job, s))
			continue;
		r = s->r;
		n++;
		cookie = http_header(r, "Set-Cookie") != NULL;
		result_evidence(r_of(job), _("%s: Cache-Control: %s%s"),
		    r->url, http_header(r, "Cache-Control") ?
		    http_header(r, "Cache-Control") : _("(none)"), cookie ?
		    _("; sets a cookie") : "");
		if (!web_public(r))
			continue;
		if (r != job->landing && job->landing->body.len == r->body.len &&
		    r->body.len > 0 && memcmp(r->body.data,
		    job->landing->body.data, r->body.len) == 0) {
			result_evidence(r_of(job), _("%s: the landing page "
			    "again (a catch-all route, no private content)"),
			    r->url);
			continue;
		}
		if (cookie)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s sets a cookie and is publicly cacheable: a "
			    "CDN can serve one user's session to others"),
			    r->url);
		else if (s->tag >= 1 && r != job->landing)
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("the private page %s is publicly cacheable"),
			    r->url);
	}
	JOB_SLOTS(job, 2, s, i) {
		if (s->r->status >= 200 && s->r->status <= 299 &&
		    s->r != job->landing && web_cache_hit(s->r)) {
			result_raise(r_of(job), STATUS_FAIL, SEVERITY_CRITICAL,
			    _("the private page %s was served from a shared "
			    "cache"), s->r->url);
			result_evidence(r_of(job), _("%s: second request was a "
			    "cache hit (Age/X-Cache)"), s->r->url);
		}
	}
	if (r_of(job)->status == STATUS_PASS)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("no cookie-setting or private page is publicly cacheable "
		    "(%zu checked)"), n);
	job_finish(job);
}

static void
check_cache_private_start(struct check_run *run)
{
	job_start(run, check_cache_private_step);
}

/* ---- edge.cache-static -------------------------------------------------- */

/* Judges caching of the static files the landing page loads. */
static void
check_cache_static_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, bad = 0;
	struct cache_control cc;

	switch (job->stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT | 1U << HTML_STYLE |
		    1U << HTML_IMAGE, 10, false);
		job->stage = 2;
		if (job->pending > 0)
			return;
		break;
	}
	n = 0;
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	JOB_SLOTS(job, 1, s, i) {
		const char *v = http_header(s->r, "Cache-Control");
		bool validator = http_header(s->r, "ETag") != NULL ||
		    http_header(s->r, "Last-Modified") != NULL;

		if (s->r->status < 200 || s->r->status > 299)
			continue;
		n++;
		headers_cache_control(v, &cc);
		result_evidence(r_of(job), _("%s: Cache-Control: %s%s"),
		    s->label, v ? v : _("(none)"), validator ?
		    _("; has a validator") : "");
		if (cc.no_store || (!cc.immutable && cc.max_age < 86400 &&
		    !validator)) {
			bad++;
			result_raise(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
			    _("static file %s is not cacheable (no max-age of "
			    "a day, no immutable, no validator)"), s->label);
		}
	}
	if (bad > 1)
		result_set(r_of(job), STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu of %zu static files are re-downloaded on every "
		    "visit"), bad, n);
	else if (bad == 0)
	{
		if (n > 0)
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    ngettext("%zu static file is cacheable",
			    "%zu static files are cacheable", n), n);
		else
			result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
			    "%s", _("the landing page loads no same-site "
			    "static file"));
	}
	job_finish(job);
}

static void
check_cache_static_start(struct check_run *run)
{
	job_start(run, check_cache_static_step);
}

/* ---- perf.ttfb and perf.latency ----------------------------------------- */

static int
web_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0-100) of n sorted values. */
static double
web_percentile(const double *v, size_t n, double p)
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
check_ttfb_step(struct job *job)
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
		qsort(times, k, sizeof *times, web_cmp_double);
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
check_ttfb_start(struct check_run *run)
{
	job_start(run, check_ttfb_step);
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
check_latency_free(struct latency *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].url);
	free(l->v);
}

/* Adds a route unless already there. */
static void
check_latency_add(struct latency *l, const char *url, bool api)
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
check_latency_step(struct job *job)
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
				check_latency_add(l, s->r->url, s->tag == 2);
			else
				result_evidence(r_of(job), _("%s: not "
				    "measured (%s)"), s->c->start,
				    s->c->error ? s->c->error :
				    _("redirects do not end"));
		}
		for (i = 0; i < OPT(job)->api_urls.n; i++)
			check_latency_add(l, OPT(job)->api_urls.v[i], true);
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
		qsort(times, n, sizeof *times, web_cmp_double);
		p50 = web_percentile(times, n, 50);
		p95 = web_percentile(times, n, 95);
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
	check_latency_free(l);
	free(l);
	job->extra = NULL;
	job_finish(job);
}

static void
check_latency_start(struct check_run *run)
{
	job_start(run, check_latency_step);
}

/* ---- http.rate-limit ---------------------------------------------------- */

#define RATE_POSTS	30
#define RATE_PARALLEL	3

/* Whether a response shows throttling or a challenge. */
static bool
web_throttled(const struct http_resp *r)
{
	const char	*b = r->body.data != NULL ? r->body.data : "";

	if (r->status == 429 || r->status == 503)
		return true;
	if (http_header(r, "Retry-After") != NULL ||
	    http_header(r, "cf-mitigated") != NULL)
		return true;
	return r->status == 403 && (strcasestr(b, "captcha") != NULL ||
	    strcasestr(b, "challenge") != NULL);
}

/* Opt-in: up to 30 junk login POSTs, three at a time, until throttled. */
static void
check_rate_limit_step(struct job *job)
{
	struct slot	*s;
	size_t		 i, sent = 0, errors = 0;
	bool		 hit = false;
	struct http_req	 req = { .nocache = true, .nobody = false,
			    .post = "username=launchready-probe%40example.invalid"
			    "&password=launchready-wrong-password" };
	char		*url;

	if (!OPT(job)->allow_active) {
		result_set(r_of(job), STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not run: it sends 30 login attempts with junk "
		    "credentials; run with --allow-active to allow it"));
		job_finish(job);
		return;
	}
	if (job->stage <= 1) {
		if (!web_landing_ready(job))
			return;
		free(job->extra);
		job->extra = OPT(job)->login_url != NULL ?
		    xstrdup(OPT(job)->login_url) : xprintf("%s%s", job->base,
		    job->data->login_paths.n ? job->data->login_paths.v[0] :
		    "/login");
	}
	url = job->extra;
	JOB_SLOTS(job, job->stage - 1, s, i) {
		if (s->r != NULL && s->tag == 1 && web_throttled(s->r))
			hit = true;
	}
	for (i = 0; i < job->nslots; i++) {
		if (job->slots[i]->tag == 1) {
			sent++;
			if (job->slots[i]->r->status == 0)
				errors++;
		}
	}
	if (!hit && sent < RATE_POSTS && errors == 0 &&
	    !web_over_budget(job)) {
		req.url = url;
		for (i = 0; i < RATE_PARALLEL; i++)
			job_fetch(job, &req, 1, url);
		job->stage++;
		return;
	}
	if (hit)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("throttling seen after %zu login attempts"), sent);
	else if (errors > 0)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
		    _("%s stopped answering (%zu errors) before throttling "
		    "could be judged"), url, errors);
	else
		result_set(r_of(job), STATUS_WARN, SEVERITY_HIGH,
		    _("%zu login attempts in a row were accepted without a "
		    "429 or a challenge"), sent);
	result_evidence(r_of(job), _("POST %s × %zu (junk credentials)"), url,
	    sent);
	job_finish(job);
}

static void
check_rate_limit_start(struct check_run *run)
{
	job_start(run, check_rate_limit_step);
}

/* ---- mon.health --------------------------------------------------------- */

#define HEALTH_MAX_MS	1000

/* Finds a health endpoint answering 2xx within 1 s (not a catch-all). */
static void
check_health_step(struct job *job)
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
check_health_start(struct check_run *run)
{
	job_start(run, check_health_step);
}

/* ---- the table ---------------------------------------------------------- */

#define WEB_CHECK(name, id_, fn)					\
	static const struct check_def name = {				\
		.id = id_,						\
		.start = fn,						\
		.cancel = job_cancel,					\
		.free = job_free					\
	}

WEB_CHECK(def_https_redirect, "http.https-redirect",
    check_https_redirect_start);
WEB_CHECK(def_canonical, "http.canonical", check_canonical_start);
WEB_CHECK(def_redirect_loop, "http.redirect-loop", check_redirect_loop_start);
WEB_CHECK(def_staging_leak, "http.staging-leak", check_staging_leak_start);
WEB_CHECK(def_hsts, "http.hsts", check_hsts_start);
WEB_CHECK(def_mixed_content, "http.mixed-content", check_mixed_content_start);
WEB_CHECK(def_security_headers, "http.security-headers",
    check_security_headers_start);
WEB_CHECK(def_cookies, "http.cookies", check_cookies_start);
WEB_CHECK(def_cors, "http.cors", check_cors_start);
WEB_CHECK(def_exposed_files, "http.exposed-files", check_exposed_files_start);
WEB_CHECK(def_error_leak, "http.error-leak", check_error_leak_start);
WEB_CHECK(def_frontend_secrets, "http.frontend-secrets",
    check_frontend_secrets_start);
WEB_CHECK(def_security_txt, "http.security-txt", check_security_txt_start);
WEB_CHECK(def_compression, "http.compression", check_compression_start);
WEB_CHECK(def_cdn, "edge.cdn", check_cdn_start);
WEB_CHECK(def_cache_private, "edge.cache-private", check_cache_private_start);
WEB_CHECK(def_cache_static, "edge.cache-static", check_cache_static_start);
WEB_CHECK(def_ttfb, "perf.ttfb", check_ttfb_start);
WEB_CHECK(def_latency, "perf.latency", check_latency_start);
WEB_CHECK(def_rate_limit, "http.rate-limit", check_rate_limit_start);
WEB_CHECK(def_health, "mon.health", check_health_start);

const struct check_def *const check_web_defs[] = {
	&def_https_redirect,
	&def_canonical,
	&def_redirect_loop,
	&def_staging_leak,
	&def_hsts,
	&def_mixed_content,
	&def_security_headers,
	&def_cookies,
	&def_cors,
	&def_exposed_files,
	&def_error_leak,
	&def_frontend_secrets,
	&def_security_txt,
	&def_cdn,
	&def_cache_private,
	&def_cache_static,
	&def_compression,
	&def_ttfb,
	&def_latency,
	&def_rate_limit,
	&def_health,
	NULL
};
