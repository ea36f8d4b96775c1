/*
 * check-web.c: what the web checks share (see web.h): data/web.cfg, the
 * staged executor (struct web_job) and the helpers that fetch the landing
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

/* Compiles a PCRE2 pattern; NULL with *err ("PATH:LINE: ...") on failure. */
static pcre2_code *
check_web_compile(const char *pattern, const char *path, int line,
    char **err)
{
	pcre2_code	*re;
	int		 code;
	PCRE2_SIZE	 off;
	PCRE2_UCHAR	 msg[256];

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0,
	    &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof msg);
		set_error(err, "%s:%d: \"%s\": %s at %zu", path, line, pattern,
		    (char *)msg, (size_t)off);
	}
	return re;
}

/*
 * Reads the list of groups name into rules: idkey (and rekey, a pattern,
 * when not NULL) required, the other members optional; -1 with *err.
 */
static int
check_web_rules(config_t *cf, const char *path, const char *name,
    const char *idkey, const char *rekey, struct web_rules *rules,
    char **err)
{
	config_setting_t	*s = config_lookup(cf, name), *g, *m;
	const char		*id, *re, *what, *hdr, *match;
	int			 i, line;
	struct web_rule		*r;

	if (s == NULL)
		return set_error(err, _("%s:%d: \"%s\" is missing"), path, 1,
		    name);
	if (!config_setting_is_list(s))
		return set_error(err, _("%s:%d: \"%s\" must be a list of "
		    "groups ( { ... }, ... )"), path,
		    config_setting_source_line(s), name);
	for (i = 0; i < config_setting_length(s); i++) {
		g = config_setting_get_elem(s, (unsigned)i);
		line = config_setting_source_line(g);
		if (!config_setting_is_group(g))
			return set_error(err, _("%s:%d: \"%s\" must be a list "
			    "of groups ( { ... }, ... )"), path, line, name);
		re = NULL;
		if (data_group_string(g, path, idkey, true, &id, err) != 0 ||
		    data_group_string(g, path, "what", false, &what,
		    err) != 0 ||
		    (rekey != NULL && data_group_string(g, path, rekey, true,
		    &re, err) != 0) ||
		    data_group_string(g, path, "header", false, &hdr,
		    err) != 0 ||
		    data_group_string(g, path, "match", false, &match,
		    err) != 0)
			return -1;
		m = config_setting_get_member(g, "publishable");
		if (m != NULL && config_setting_type(m) != CONFIG_TYPE_BOOL)
			return set_error(err, _("%s:%d: \"%s\" must be true or "
			    "false"), path, config_setting_source_line(m),
			    "publishable");
		rules->v = xreallocarray(rules->v, rules->n + 1,
		    sizeof *rules->v);
		r = &rules->v[rules->n++];
		memset(r, 0, sizeof *r);
		r->id = xstrdup(id);
		r->what = xstrdup(what != NULL ? what : id);
		r->publishable = m != NULL && config_setting_get_bool(m);
		r->header = hdr != NULL ? xstrdup(hdr) : NULL;
		r->match = match != NULL ? xstrdup(match) : NULL;
		if (re != NULL && (r->re = check_web_compile(re, path, line,
		    err)) == NULL)
			return -1;
	}
	return 0;
}

/* Frees a rule list. */
static void
check_web_rules_free(struct web_rules *rules)
{
	size_t	i;

	for (i = 0; i < rules->n; i++) {
		free(rules->v[i].id);
		free(rules->v[i].what);
		pcre2_code_free(rules->v[i].re);
		free(rules->v[i].header);
		free(rules->v[i].match);
	}
	free(rules->v);
}

struct web_data *
check_web_parse(config_t *cf, const char *path, char **err)
{
	struct web_data	*d = xcalloc(1, sizeof *d);

	if (data_strings(cf, path, "staging_hosts", false, &d->staging,
	    err) != 0 ||
	    data_strings(cf, path, "session_cookies", false,
	    &d->session_cookies, err) != 0 ||
	    data_strings(cf, path, "cloudflare_ranges", false, &d->cloudflare,
	    err) != 0 ||
	    data_strings(cf, path, "login_paths", false, &d->login_paths,
	    err) != 0 ||
	    data_strings(cf, path, "private_paths", false, &d->private_paths,
	    err) != 0 ||
	    data_strings(cf, path, "health_paths", false, &d->health_paths,
	    err) != 0 ||
	    check_web_rules(cf, path, "exposed_files", "path", "signature",
	    &d->exposed, err) != 0 ||
	    check_web_rules(cf, path, "error_signatures", "what", "regex",
	    &d->errors, err) != 0 ||
	    check_web_rules(cf, path, "cdn", "name", NULL, &d->cdn,
	    err) != 0) {
		check_web_data_free(d);
		return NULL;
	}
	return d;
}

void
check_web_data_free(struct web_data *d)
{
	if (d == NULL)
		return;
	strlist_clear(&d->staging);
	strlist_clear(&d->session_cookies);
	strlist_clear(&d->cloudflare);
	strlist_clear(&d->login_paths);
	strlist_clear(&d->private_paths);
	strlist_clear(&d->health_paths);
	check_web_rules_free(&d->exposed);
	check_web_rules_free(&d->errors);
	check_web_rules_free(&d->cdn);
	free(d);
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

/* ---- jobs: the web checks on job.c --------------------------------------- */

/* job.c's step: the web check's own. */
static void
web_job_step(struct job *j)
{
	struct web_job	*job = (struct web_job *)j;

	job->step(job);
}

void
web_job_finish(struct web_job *job)
{
	job_finish(&job->job);
}

static void
web_job_fetch_done(void *arg, const struct http_resp *r)
{
	struct slot	*s = arg;

	s->r = r;
	job_answered(&s->job->job);
}

static void
web_job_chain_done(void *arg, const struct chain *c)
{
	struct slot	*s = arg;

	s->c = c;
	s->r = chain_final(c);
	job_answered(&s->job->job);
}

/* A new slot of the current stage. */
static struct slot *
web_job_slot(struct web_job *job, int tag, const char *label)
{
	struct slot	*s;

	s = xcalloc(1, sizeof *s);
	s->job = job;
	s->stage = job->job.stage;
	s->tag = tag;
	s->label = label != NULL ? xstrdup(label) : NULL;
	job->slots = xreallocarray(job->slots, job->nslots + 1,
	    sizeof *job->slots);
	job->slots[job->nslots++] = s;
	job_wait(&job->job);
	return s;
}

void
web_job_fetch(struct web_job *job, const struct http_req *req, int tag,
    const char *label)
{
	http_fetch(job->web, req, web_job_fetch_done,
	    web_job_slot(job, tag, label));
}

void
web_job_get(struct web_job *job, const char *url, int tag,
    const char *label)
{
	struct http_req	req = { .url = url };

	web_job_fetch(job, &req, tag, label);
}

void
web_job_probe(struct web_job *job, const char *url, int tag,
    const char *label)
{
	struct http_req	req = { .url = url, .max = PROBE_MAX };

	web_job_fetch(job, &req, tag, label);
}

void
web_job_chain(struct web_job *job, const char *url, int tag,
    const char *label)
{
	http_chain(job->web, url, web_job_chain_done,
	    web_job_slot(job, tag, label));
}

void
web_job_chain_family(struct web_job *job, const char *url, int family,
    int tag, const char *label)
{
	http_chain_family(job->web, url, family, web_job_chain_done,
	    web_job_slot(job, tag, label));
}

/* Stops the job: no step runs again and no answer reaches its slots. */
void
web_job_cancel(struct check_run *run)
{
	struct web_job	*job = run->state;
	size_t		 i;

	if (job == NULL)
		return;
	job_cancel(&job->job);
	for (i = 0; i < job->nslots; i++)
		http_forget(job->web, job->slots[i]);
}

void
web_job_free(struct check_run *run)
{
	struct web_job	*job = run->state;
	size_t		 i;

	if (job == NULL)
		return;
	web_job_cancel(run);
	job_clear(&job->job);
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

void
web_job_start(struct check_run *run, void (*step)(struct web_job *),
    unsigned needs)
{
	struct web_job	*job;
	const char	*why;
	int		 f;

	for (f = 0; f < DATA_COUNT; f++) {
		if ((needs & DATA_BIT(f)) != 0 &&
		    data_need(run, (enum data_file)f) == NULL) {
			check_finish(run);
			return;
		}
	}
	job = xcalloc(1, sizeof *job);
	job_init(&job->job, run, web_job_step);
	job->step = step;
	job->data = data_get(run->audit, DATA_WEB, &why);
	job->web = web_get(run->audit);
	run->state = job;
	job_run(&job->job);
}

/*
 * Whether a check that repeats requests must stop starting new ones: the
 * audit stops a check at twice --timeout plus 5 s, and a new round may
 * take up to --timeout, so rounds start only in the first --timeout + 3 s.
 */
bool
web_over_budget(struct web_job *job)
{
	int	t = OPT(job)->timeout > 0 ? OPT(job)->timeout :
		    OPTIONS_DEFAULT_TIMEOUT;

	return now_ms() - job->job.run->started > (uint64_t)t * 1000 + 3000;
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
web_staging(const struct web_data *d, const char *host)
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
web_same_site(struct web_job *job, const char *url)
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
web_no_answer(struct web_job *job, const char *what, const struct http_resp *r)
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
web_host_answered(struct web_job *job, struct slot *s, bool https)
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
web_want_landing(struct web_job *job)
{
	char	*url = xprintf("https://%s/", OPT(job)->domain);

	web_job_chain(job, url, -1, NULL);
	free(url);
}

/*
 * After web_want_landing's stage: sets job->landing; finishes the check
 * with an error and returns false when there is no landing page.
 */
bool
web_got_landing(struct web_job *job, int stage)
{
	struct slot	*s;
	size_t		 i;

	WEB_SLOTS(job, stage, s, i) {
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
		web_job_finish(job);
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
web_landing_ready(struct web_job *job)
{
	if (job->job.stage == 0) {
		web_want_landing(job);
		job->job.stage = 1;
		return false;
	}
	return web_got_landing(job, 0);
}

/* Same-site references of the landing page of the given kinds. */
void
web_landing_refs(struct web_job *job, struct html_refs *refs)
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
web_get_refs(struct web_job *job, unsigned kinds, size_t max, bool first)
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
			web_job_get(job, abs, 0, abs);
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
web_walk_hosts(struct web_job *job, const char *scheme, int tag)
{
	struct strlist	 hosts = { 0 };
	size_t		 i;
	char		*url;

	options_hosts(OPT(job), &hosts);
	for (i = 0; i < hosts.n; i++) {
		url = xprintf("%s://%s/", scheme, hosts.v[i]);
		web_job_chain(job, url, tag < 0 ? (int)i : tag, hosts.v[i]);
		free(url);
	}
	strlist_clear(&hosts);
}


/* Stage 0 helper: fetches https://HOST/ for every host (tag: index). */
void
web_want_hosts(struct web_job *job, const char *scheme)
{
	struct strlist	 hosts = { 0 };
	size_t		 i;
	char		*url;

	options_hosts(OPT(job), &hosts);
	for (i = 0; i < hosts.n; i++) {
		url = xprintf("%s://%s/", scheme, hosts.v[i]);
		web_job_get(job, url, (int)i, hosts.v[i]);
		free(url);
	}
	strlist_clear(&hosts);
}

/* Stage helper: the login page chain (given, or the first login path). */
void
web_want_login(struct web_job *job, int tag)
{
	char	*url;

	if (OPT(job)->login_url != NULL) {
		web_job_chain(job, OPT(job)->login_url, tag, NULL);
		return;
	}
	url = xprintf("%s%s", job->base, job->data->login_paths.n ?
	    job->data->login_paths.v[0] : "/login");
	web_job_chain(job, url, tag, NULL);
	free(url);
}

/* Whether a chain ends at a real page (2xx, not the landing page again). */
bool
web_page(struct web_job *job, const struct slot *s)
{
	return s->c != NULL && s->c->end == CHAIN_OK && s->r != NULL &&
	    s->r->status >= 200 && s->r->status <= 299 &&
	    (s->r != job->landing || s->tag == -1);
}
