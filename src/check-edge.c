/*
 * check-edge.c: the edge.* checks of the web engine (CDN in front, what
 * shared caches keep), each a staged job of check-web.c (see web.h).
 */

#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

/* ---- edge.cdn ----------------------------------------------------------- */

bool
check_edge_in_ranges(const struct strlist *ranges, const char *ip)
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

const char *
check_edge_cdn(const struct web_data *d, const struct http_resp *r)
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
	if (check_edge_in_ranges(&d->cloudflare, r->ip))
		return "Cloudflare";
	return NULL;
}

/* Looks for CDN headers or Cloudflare addresses on every host. */
static void
check_edge_cdn_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, with = 0;
	const char	*cdn, *server;

	if (job->job.stage == 0) {
		web_want_hosts(job, "https");
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
		if (s->r->status == 0)
			continue;
		n++;
		cdn = check_edge_cdn(job->data, s->r);
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
	web_job_finish(job);
}

static void
check_edge_cdn_start(struct check_run *run)
{
	web_job_start(run, check_edge_cdn_step, DATA_BIT(DATA_WEB));
}

/* ---- edge.cache-private ------------------------------------------------- */

/* Whether a response may be stored by a shared cache. */
static bool
check_edge_public(const struct http_resp *r)
{
	struct cache_control	cc;

	headers_cache_control(http_header(r, "Cache-Control"), &cc);
	if (cc.private_ || cc.no_store)
		return false;
	return cc.public_ || cc.s_maxage > 0;
}

/* Whether a response came from a shared cache. */
static bool
check_edge_cache_hit(const struct http_resp *r)
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
check_edge_cache_private_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	char		*url;
	struct http_req	 req = { .nocache = true };

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		for (i = 0; i < job->data->private_paths.n; i++) {
			url = xprintf("%s%s", job->base,
			    job->data->private_paths.v[i]);
			web_job_chain(job, url, 2, NULL);
			free(url);
		}
		job->job.stage = 2;
		return;
	case 2:
		/* A second request: was the private page served from cache? */
		WEB_SLOTS(job, 1, s, i) {
			if (!web_page(job, s))
				continue;
			req.url = s->r->url;
			web_job_fetch(job, &req, s->tag, s->r->url);
		}
		job->job.stage = 3;
		if (job->job.pending > 0)
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
		if (!check_edge_public(r))
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
	WEB_SLOTS(job, 2, s, i) {
		if (s->r->status >= 200 && s->r->status <= 299 &&
		    s->r != job->landing && check_edge_cache_hit(s->r)) {
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
	web_job_finish(job);
}

static void
check_edge_cache_private_start(struct check_run *run)
{
	web_job_start(run, check_edge_cache_private_step, DATA_BIT(DATA_WEB));
}

/* ---- edge.cache-static -------------------------------------------------- */

/* Judges caching of the static files the landing page loads. */
static void
check_edge_cache_static_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, bad = 0;
	struct cache_control cc;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT | 1U << HTML_STYLE |
		    1U << HTML_IMAGE, 10, false);
		job->job.stage = 2;
		if (job->job.pending > 0)
			return;
		break;
	}
	n = 0;
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 1, s, i) {
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
	web_job_finish(job);
}

static void
check_edge_cache_static_start(struct check_run *run)
{
	web_job_start(run, check_edge_cache_static_step, 0);
}

/* ---- the table ---------------------------------------------------------- */

WEB_CHECK(def_cdn, "edge.cdn", check_edge_cdn_start);
WEB_CHECK(def_cache_private, "edge.cache-private",
    check_edge_cache_private_start);
WEB_CHECK(def_cache_static, "edge.cache-static",
    check_edge_cache_static_start);

const struct check_def *const check_edge_defs[] = {
	&def_cdn,
	&check_edge_origin_exposed,
	&def_cache_private,
	&def_cache_static,
	NULL
};
