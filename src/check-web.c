/*
 * check-web.c: what the web checks share (see web.h): data/web.cfg, the
 * staged executor (struct job) and the helpers that fetch the landing
 * page, the hosts and the login page. The checks themselves are in
 * check-http.c, check-edge.c and check-perf.c.
 */

#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "web.h"

/* ---- data/web.cfg ------------------------------------------------------- */

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
bool
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

static void job_run(struct job *);

/* Finishes the check (once). */
void
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
void
job_fetch(struct job *job, const struct http_req *req, int tag,
    const char *label)
{
	http_fetch(job->web, req, job_fetch_done, job_slot(job, tag, label));
}

/* Fetches url (GET, cached) in the current stage. */
void
job_get(struct job *job, const char *url, int tag, const char *label)
{
	struct http_req	req = { .url = url };

	job_fetch(job, &req, tag, label);
}

/* Fetches url (GET, cached) with the smaller body cap of probes. */
void
job_probe(struct job *job, const char *url, int tag, const char *label)
{
	struct http_req	req = { .url = url, .max = PROBE_MAX };

	job_fetch(job, &req, tag, label);
}

/* Walks the redirects from url in the current stage. */
void
job_chain(struct job *job, const char *url, int tag, const char *label)
{
	http_chain(job->web, url, job_chain_done, job_slot(job, tag, label));
}

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

void
job_cancel(struct check_run *run)
{
	struct job	*job = run->state;

	if (job != NULL)
		job->cancelled = true;
}

void
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
void
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

/*
 * Whether a check that repeats requests must stop starting new ones: the
 * audit stops a check at twice --timeout plus 5 s, and a new round may
 * take up to --timeout, so rounds start only in the first --timeout + 3 s.
 */
bool
web_over_budget(struct job *job)
{
	int	t = OPT(job)->timeout > 0 ? OPT(job)->timeout :
		    OPTIONS_DEFAULT_TIMEOUT;

	return now_ms() - job->run->started > (uint64_t)t * 1000 + 3000;
}

/* ---- helpers shared by the checks -------------------------------------- */

/* Whether a response failed because the name does not resolve. */
bool
web_unresolved(const struct http_resp *r)
{
	return r != NULL && r->status == 0 && r->error != NULL &&
	    strncmp(r->error, _("cannot resolve"),
	    strlen(_("cannot resolve"))) == 0;
}

/* Whether a response is a redirect. */
bool
web_redirect(const struct http_resp *r)
{
	return r != NULL && r->status >= 300 && r->status <= 399 &&
	    r->location != NULL;
}

/* Whether host matches one of the staging patterns. */
const char *
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
char *
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
bool
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
void
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
bool
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
void
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
bool
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
bool
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
void
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
void
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
void
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


/* Stage 0 helper: fetches https://HOST/ for every host (tag: index). */
void
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

/* Stage helper: the login page chain (given, or the first login path). */
void
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
bool
web_page(struct job *job, const struct slot *s)
{
	return s->c != NULL && s->c->end == CHAIN_OK && s->r != NULL &&
	    s->r->status >= 200 && s->r->status <= 299 &&
	    (s->r != job->landing || s->tag == -1);
}
