/*
 * check-http.c: the http.* checks of the web engine (redirects, HSTS,
 * headers, cookies, CORS, exposed files, leaks, security.txt, compression,
 * rate limiting), each a staged job of check-web.c (see web.h).
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "secrets.h"
#include "web.h"

/* ---- http.https-redirect ----------------------------------------------- */

/* Walks http:// of every host; judges the first hop. */
static void
check_http_https_redirect_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, answered = 0;
	char		*line, *host;

	if (job->job.stage == 0) {
		web_walk_hosts(job, "http", -1);
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
	    _("every host redirects plain HTTP to HTTPS on the first hop"));
	WEB_SLOTS(job, 0, s, i) {
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
	web_job_finish(job);
}

static void
check_http_https_redirect_start(struct check_run *run)
{
	web_job_start(run, check_http_https_redirect_step, 0);
}

/* ---- http.canonical ----------------------------------------------------- */

/* Walks the four entry URLs; compares where they end. */
static void
check_http_canonical_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	const char	*first_final = NULL;
	char		*first_host = NULL, *host, *line;

	if (job->job.stage == 0) {
		for (i = 0; i < 4; i++) {
			char *h = i < 2 ? xstrdup(OPT(job)->domain) :
			    xprintf("www.%s", OPT(job)->domain);
			char *url = xprintf("%s://%s/", i % 2 ? "https" :
			    "http", h);

			web_job_chain(job, url, (int)i, h);
			free(url);
			free(h);
		}
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s",
	    _("every entry URL ends at one final URL"));
	WEB_SLOTS(job, 0, s, i) {
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
	web_job_finish(job);
}

static void
check_http_canonical_start(struct check_run *run)
{
	web_job_start(run, check_http_canonical_step, 0);
}

/* ---- http.redirect-loop ------------------------------------------------ */

/* Walks http:// and https:// of every host; flags loops and long chains. */
static void
check_http_redirect_loop_step(struct web_job *job)
{
	struct strlist	 hosts = { 0 };
	struct slot	*s;
	size_t		 i, ok = 0, total = 0;
	char		*url, *line;

	if (job->job.stage == 0) {
		options_hosts(OPT(job), &hosts);
		for (i = 0; i < hosts.n; i++) {
			url = xprintf("http://%s/", hosts.v[i]);
			web_job_chain(job, url, 0, hosts.v[i]);
			free(url);
			url = xprintf("https://%s/", hosts.v[i]);
			web_job_chain(job, url, 1, hosts.v[i]);
			free(url);
		}
		strlist_clear(&hosts);
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
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
	web_job_finish(job);
}

static void
check_http_redirect_loop_start(struct check_run *run)
{
	web_job_start(run, check_http_redirect_loop_step, 0);
}

/* ---- http.staging-leak ------------------------------------------------- */

/* Flags url when its host is a staging or preview host. */
static void
check_http_staging_url(struct web_job *job, const char *url, const char *where)
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
check_http_staging_leak_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, j, n = 0, links = 0;
	struct html_refs refs;
	char		*abs;

	if (job->job.stage == 0) {
		for (i = 0; i < 4; i++) {
			char *url = xprintf("%s://%s%s/", i % 2 ? "https" :
			    "http", i < 2 ? "" : "www.", OPT(job)->domain);

			web_job_chain(job, url, (int)i, NULL);
			free(url);
		}
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
		for (j = 0; j < s->c->nhops; j++) {
			const struct http_resp *h = s->c->hops[j];

			if (j > 0)
				check_http_staging_url(job, h->url,
				    _("redirect target"));
			if (h->status == 0)
				continue;
			n++;
			if (web_redirect(h) && j + 1 == s->c->nhops)
				check_http_staging_url(job, h->location,
				    _("redirect target"));
		}
		if (s->tag != 1 || s->r == NULL || s->r->status == 0 ||
		    s->c->end != CHAIN_OK)
			continue;
		check_http_staging_url(job, s->r->url, _("final URL"));
		html_extract(s->r->body.data != NULL ? s->r->body.data : "",
		    s->r->body.len, &refs);
		for (j = 0; j < refs.n; j++) {
			if ((abs = url_resolve(s->r->url, refs.v[j].url)) ==
			    NULL)
				continue;
			if (strncmp(refs.v[j].url, "http", 4) == 0 ||
			    strncmp(refs.v[j].url, "//", 2) == 0) {
				links++;
				check_http_staging_url(job, abs,
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
	web_job_finish(job);
}

static void
check_http_staging_leak_start(struct check_run *run)
{
	web_job_start(run, check_http_staging_leak_step, DATA_BIT(DATA_WEB));
}

/* ---- http.hsts ---------------------------------------------------------- */

/* Reads Strict-Transport-Security of every host over HTTPS. */
static void
check_http_hsts_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0;
	struct hsts	 h;
	const char	*v;

	if (job->job.stage == 0) {
		web_want_hosts(job, "https");
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
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
	web_job_finish(job);
}

static void
check_http_hsts_start(struct check_run *run)
{
	web_job_start(run, check_http_hsts_step, 0);
}

/* ---- http.mixed-content ------------------------------------------------- */

/* Lists plain-HTTP references of the landing and login pages. */
static void
check_http_mixed_content_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, j, pages = 0, nactive = 0, npassive = 0;
	struct html_refs refs;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		job->job.stage = 2;
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
	web_job_finish(job);
}

static void
check_http_mixed_content_start(struct check_run *run)
{
	web_job_start(run, check_http_mixed_content_step, DATA_BIT(DATA_WEB));
}

/* ---- http.security-headers --------------------------------------------- */

/* Judges the landing page's CSP, nosniff, framing, referrer and SRI. */
static void
check_http_security_headers_step(struct web_job *job)
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
	web_job_finish(job);
}

static void
check_http_security_headers_start(struct check_run *run)
{
	web_job_start(run, check_http_security_headers_step, 0);
}

/* ---- http.cookies ------------------------------------------------------- */

/* Whether a cookie name looks like a session. */
static bool
check_http_session_cookie(const struct web_data *d, const char *name)
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
check_http_cookies_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, j, k, n = 0;
	struct cookie	 c;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_want_login(job, 1);
		job->job.stage = 2;
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
				session = check_http_session_cookie(job->data,
				    c.name);
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
	web_job_finish(job);
}

static void
check_http_cookies_start(struct check_run *run)
{
	web_job_start(run, check_http_cookies_step, DATA_BIT(DATA_WEB));
}

/* ---- http.cors ---------------------------------------------------------- */

#define EVIL_ORIGIN "https://evil.example"

/* Sends a foreign Origin to each API host and reads the CORS answer. */
static void
check_http_cors_step(struct web_job *job)
{
	struct strlist	 hosts = { 0 };
	struct slot	*s;
	size_t		 i, n = 0, apis = 0;
	const char	*acao, *acac;
	struct http_req	 req = { .origin = EVIL_ORIGIN };
	char		*url;

	if (job->job.stage == 0) {
		for (i = 0; i < OPT(job)->api_urls.n; i++) {
			req.url = OPT(job)->api_urls.v[i];
			web_job_fetch(job, &req, 1, req.url);
		}
		options_hosts(OPT(job), &hosts);
		for (i = 0; i < hosts.n; i++) {
			if (strncmp(hosts.v[i], "api.", 4) != 0)
				continue;
			url = xprintf("https://%s/", hosts.v[i]);
			req.url = url;
			web_job_fetch(job, &req, 1, url);
			free(url);
		}
		strlist_clear(&hosts);
		if (job->job.pending == 0) {
			url = xprintf("https://%s/", OPT(job)->domain);
			req.url = url;
			web_job_fetch(job, &req, 0, url);
			free(url);
		}
		job->job.stage = 1;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
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
	web_job_finish(job);
}

static void
check_http_cors_start(struct check_run *run)
{
	web_job_start(run, check_http_cors_step, 0);
}

/* ---- http.exposed-files ------------------------------------------------ */

/* Probes the sensitive paths on every answering host; bodies must match. */
static void
check_http_exposed_files_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, j, hosts = 0, probes = 0;

	switch (job->job.stage) {
	case 0:
		web_want_hosts(job, "https");
		job->job.stage = 1;
		return;
	case 1:
		WEB_SLOTS(job, 0, s, i) {
			if (s->r->status == 0)
				continue;
			for (j = 0; j < job->data->exposed.n; j++) {
				char *url = xprintf("https://%s%s", s->label,
				    job->data->exposed.v[j].id);

				web_job_probe(job, url, (int)j, s->label);
				free(url);
			}
		}
		job->job.stage = 2;
		if (job->job.pending > 0)
			return;
		break;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 0, s, i) {
		if (s->r->status != 0)
			hosts++;
	}
	WEB_SLOTS(job, 1, s, i) {
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
	web_job_finish(job);
}

static void
check_http_exposed_files_start(struct check_run *run)
{
	web_job_start(run, check_http_exposed_files_step, DATA_BIT(DATA_WEB));
}

/* ---- http.error-leak ---------------------------------------------------- */

/* Scans a body for secrets; returns the number found (evidence added). */
static size_t check_http_scan_secrets(struct web_job *, const char *, const char *,
    size_t, bool *);

/* Fetches a missing page and a malformed URL; scans the error pages. */
static void
check_http_error_leak_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, j, k;
	char		*url;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		url = xprintf("%s/launchready-missing-%08lx", job->base,
		    (unsigned long)(now_ms() & 0xffffffff));
		web_job_probe(job, url, 0, _("missing page"));
		free(url);
		url = xprintf("%s/%%%%ZZ%%", job->base);
		web_job_probe(job, url, 1, _("malformed request"));
		free(url);
		job->job.stage = 2;
		return;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	WEB_SLOTS(job, 1, s, i) {
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
		if (check_http_scan_secrets(job, s->r->url, b, s->r->body.len,
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
	web_job_finish(job);
}

static void
check_http_error_leak_start(struct check_run *run)
{
	web_job_start(run, check_http_error_leak_step,
	    DATA_BIT(DATA_WEB) |
	    DATA_BIT(DATA_SECRET_RULES));
}

/* ---- http.frontend-secrets ---------------------------------------------- */

static size_t
check_http_scan_secrets(struct web_job *job, const char *where, const char *body,
    size_t len, bool *publishable)
{
	const struct secrets_rules	*rules;
	struct secrets_finding		*f = NULL;
	const char			*err;
	size_t				 i, n, secrets = 0;

	*publishable = false;
	if ((rules = secrets_rules_of(job->job.run->audit, &err)) == NULL)
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
check_http_frontend_secrets_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, n = 0, secrets = 0;
	bool		 pub, anypub = false;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT, 20, false);
		job->job.stage = 2;
		if (job->job.pending > 0)
			return;
		break;
	}
	result_set(r_of(job), STATUS_PASS, SEVERITY_NONE, "%s", "");
	secrets += check_http_scan_secrets(job, job->landing->url,
	    job->landing->body.data != NULL ? job->landing->body.data : "",
	    job->landing->body.len, &pub);
	anypub |= pub;
	n = 1;
	WEB_SLOTS(job, 1, s, i) {
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
		secrets += check_http_scan_secrets(job, s->label,
		    s->r->body.data != NULL ? s->r->body.data : "",
		    s->r->body.len, &pub);
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
	web_job_finish(job);
}

static void
check_http_frontend_secrets_start(struct check_run *run)
{
	web_job_start(run, check_http_frontend_secrets_step,
	    DATA_BIT(DATA_SECRET_RULES));
}

/* ---- http.security-txt ------------------------------------------------- */

/* Reads /.well-known/security.txt: Contact and a future Expires. */
static void
check_http_security_txt_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i;
	const char	*b, *p;
	bool		 contact;
	int		 y, mo, d;
	time_t		 now = time(NULL);
	char		*url;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		url = xprintf("%s/.well-known/security.txt", job->base);
		web_job_probe(job, url, 0, url);
		free(url);
		job->job.stage = 2;
		return;
	}
	WEB_SLOTS(job, 1, s, i) {
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
	web_job_finish(job);
}

static void
check_http_security_txt_start(struct check_run *run)
{
	web_job_start(run, check_http_security_txt_step, 0);
}

/* ---- http.compression --------------------------------------------------- */

#define COMPRESS_MIN	1024	/* bytes; smaller bodies are not judged */

/* Checks Content-Encoding of the landing page, a script and a stylesheet. */
static void
check_http_compression_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, judged = 0, plain = 0;
	const struct http_resp *list[3];
	size_t		 nlist = 0;

	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		web_get_refs(job, 1U << HTML_SCRIPT | 1U << HTML_STYLE, 2,
		    true);
		job->job.stage = 2;
		if (job->job.pending > 0)
			return;
		break;
	}
	list[nlist++] = job->landing;
	WEB_SLOTS(job, 1, s, i) {
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
	web_job_finish(job);
}

static void
check_http_compression_start(struct check_run *run)
{
	web_job_start(run, check_http_compression_step, 0);
}

/* ---- http.rate-limit ---------------------------------------------------- */

#define RATE_POSTS	30
#define RATE_PARALLEL	3

/* Whether a response shows throttling or a challenge. */
static bool
check_http_throttled(const struct http_resp *r)
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
check_http_rate_limit_step(struct web_job *job)
{
	struct slot	*s;
	size_t		 i, sent = 0, errors = 0;
	bool		 hit = false;
	struct http_req	 req = { .nocache = true, .nobody = false,
			    .post = "username=launchready-probe%40example.invalid"
			    "&password=launchready-wrong-password" };
	char		*url;

	if (job->job.stage <= 1) {
		if (!web_landing_ready(job))
			return;
		free(job->extra);
		job->extra = OPT(job)->login_url != NULL ?
		    xstrdup(OPT(job)->login_url) : xprintf("%s%s", job->base,
		    job->data->login_paths.n ? job->data->login_paths.v[0] :
		    "/login");
	}
	url = job->extra;
	WEB_SLOTS(job, job->job.stage - 1, s, i) {
		if (s->r != NULL && s->tag == 1 && check_http_throttled(s->r))
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
			web_job_fetch(job, &req, 1, url);
		job->job.stage++;
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
	web_job_finish(job);
}

static void
check_http_rate_limit_start(struct check_run *run)
{
	if (!run->audit->opt->allow_active) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not run: it sends 30 login attempts with junk "
		    "credentials; run with --allow-active to allow it"));
		check_finish(run);
		return;
	}
	web_job_start(run, check_http_rate_limit_step, DATA_BIT(DATA_WEB));
}

/* ---- the table ---------------------------------------------------------- */

WEB_CHECK(def_https_redirect, "http.https-redirect",
    check_http_https_redirect_start);
WEB_CHECK(def_canonical, "http.canonical", check_http_canonical_start);
WEB_CHECK(def_redirect_loop, "http.redirect-loop",
    check_http_redirect_loop_start);
WEB_CHECK(def_staging_leak, "http.staging-leak",
    check_http_staging_leak_start);
WEB_CHECK(def_hsts, "http.hsts", check_http_hsts_start);
WEB_CHECK(def_mixed_content, "http.mixed-content",
    check_http_mixed_content_start);
WEB_CHECK(def_security_headers, "http.security-headers",
    check_http_security_headers_start);
WEB_CHECK(def_cookies, "http.cookies", check_http_cookies_start);
WEB_CHECK(def_cors, "http.cors", check_http_cors_start);
WEB_CHECK(def_exposed_files, "http.exposed-files",
    check_http_exposed_files_start);
WEB_CHECK(def_error_leak, "http.error-leak",
    check_http_error_leak_start);
WEB_CHECK(def_frontend_secrets, "http.frontend-secrets",
    check_http_frontend_secrets_start);
WEB_CHECK(def_security_txt, "http.security-txt",
    check_http_security_txt_start);
WEB_CHECK(def_compression, "http.compression",
    check_http_compression_start);
WEB_CHECK(def_rate_limit, "http.rate-limit",
    check_http_rate_limit_start);

const struct check_def *const check_http_defs[] = {
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
	&def_compression,
	&def_rate_limit,
	&check_http_ipv6,
	NULL
};
