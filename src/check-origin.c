/*
 * check-origin.c: edge.origin-exposed, a web check (struct web_job, see
 * web.h). With a CDN in front of the landing page (edge.cdn's signatures,
 * data/web.cfg), the other names of the domain (data/origin-names.cfg's
 * labels, --subdomains, the apex and www, the MX hosts) are resolved;
 * every address outside the CDN (outside Cloudflare's published ranges
 * when the site is on them, else outside the landing host's own
 * addresses) is asked for the landing page with the site's Host and SNI,
 * over HTTPS (certificate not verified: an attacker does not care) and
 * plain HTTP. An answer with the CDN-served page's status and its title or
 * body fingerprint means the CDN and its WAF can be walked around.
 */

#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "dns.h"
#include "web.h"

#define ORIGIN_MAX_NAMES	64	/* names looked up */
#define ORIGIN_MAX_ADDRS	4	/* addresses kept per name */
#define ORIGIN_MAX_PROBES	16	/* addresses asked for the site */
#define ORIGIN_TITLE_MAX	120	/* bytes of a title kept */

/* One name of the domain and what it resolves to. */
struct origin_name {
	char		*name;
	const char	*why;		/* "listed", "MX", "subdomain" */
	struct strlist	 addrs;
	enum resolve_status status;	/* the A lookup's */
};

/* One address outside the CDN, asked for the site. */
struct origin_probe {
	char		*addr;
	struct strlist	 names;		/* the names that resolve to it */
};

/* The check's state (job->extra). */
struct origin {
	struct origin_name	*names;
	size_t			 nnames;
	struct origin_probe	*probes;
	size_t			 nprobes;
	struct strlist		 cdn_addrs;	/* the landing host's */
	const char		*cdn;		/* its name (web.cfg) */
	bool			 ranges;	/* Cloudflare's ranges decide */
	char			*mx_error;	/* the MX lookup failed */
	size_t			 skipped;	/* names over the bound */
};

/* A lookup in flight (dnscache frees it when the check goes away). */
struct origin_ask {
	struct web_job	*job;
	size_t		 index;		/* in names, or SIZE_MAX: MX/landing */
	int		 type;
	bool		 landing;	/* the landing host's addresses */
};

/* ---- data/origin-names.cfg -------------------------------------------------- */

struct strlist *
check_origin_names_parse(config_t *cfg, const char *path, char **err)
{
	struct strlist	*names = xcalloc(1, sizeof *names);

	if (data_strings(cfg, path, "names", false, names, err) != 0) {
		check_origin_names_free(names);
		return NULL;
	}
	return names;
}

void
check_origin_names_free(struct strlist *names)
{
	if (names != NULL) {
		strlist_clear(names);
		free(names);
	}
}

/* ---- page comparison ------------------------------------------------------ */

/* The page's <title>, whitespace collapsed, into out (empty when none). */
static void
check_origin_title(const struct http_resp *r, char *out, size_t size)
{
	const char	*b = r->body.data, *end, *p, *q;
	size_t		 n = 0;
	bool		 space = false;

	*out = '\0';
	if (b == NULL)
		return;
	end = b + r->body.len;
	for (p = b; p + 6 < end; p++) {
		if (*p == '<' && strncasecmp(p + 1, "title", 5) == 0 &&
		    (p[6] == '>' || isspace((unsigned char)p[6])))
			break;
	}
	if (p + 6 >= end || (p = memchr(p, '>', (size_t)(end - p))) == NULL)
		return;
	for (q = p + 1; q < end && *q != '<' && n + 1 < size; q++) {
		if (isspace((unsigned char)*q)) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			out[n++] = ' ';
		space = false;
		out[n++] = (unsigned char)*q < 0x20 ? '?' : *q;
	}
	out[n] = '\0';
}

/* FNV-1a (64 bits) of the body with whitespace left out. */
static uint64_t
check_origin_fingerprint(const struct http_resp *r)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; r->body.data != NULL && i < r->body.len; i++) {
		if (isspace((unsigned char)r->body.data[i]))
			continue;
		h ^= (unsigned char)r->body.data[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Whether answer r serves the same page as the CDN's landing. */
static bool
check_origin_same(const struct http_resp *landing, const struct http_resp *r)
{
	char	t1[ORIGIN_TITLE_MAX], t2[ORIGIN_TITLE_MAX];

	if (r->status != landing->status)
		return false;
	if (check_origin_fingerprint(r) == check_origin_fingerprint(landing))
		return true;
	check_origin_title(landing, t1, sizeof t1);
	check_origin_title(r, t2, sizeof t2);
	return *t1 != '\0' && strcmp(t1, t2) == 0;
}

/* "200, title "X", body 1a2b3c4d5e6f7a8b" for evidence (static buffer). */
static const char *
check_origin_describe(const struct http_resp *r)
{
	static char	 text[ORIGIN_TITLE_MAX + 80];
	char		 title[ORIGIN_TITLE_MAX];

	check_origin_title(r, title, sizeof title);
	snprintf(text, sizeof text, _("%ld, title \"%s\", body %016llx"),
	    r->status, title, (unsigned long long)
	    check_origin_fingerprint(r));
	return text;
}

/* ---- the names and their addresses ---------------------------------------- */

/* Adds name (lower case, once) unless the bound is reached. */
static void
check_origin_add_name(struct origin *o, const char *name, const char *why)
{
	size_t	i;

	for (i = 0; i < o->nnames; i++) {
		if (strcasecmp(o->names[i].name, name) == 0)
			return;
	}
	if (o->nnames >= ORIGIN_MAX_NAMES) {
		o->skipped++;
		return;
	}
	o->names = xreallocarray(o->names, o->nnames + 1, sizeof *o->names);
	memset(&o->names[o->nnames], 0, sizeof *o->names);
	o->names[o->nnames].name = xstrdup(name);
	for (char *s = o->names[o->nnames].name; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
	o->names[o->nnames].why = why;
	o->names[o->nnames].status = RESOLVE_NXDOMAIN;
	o->nnames++;
}

/* An answer came: keep its addresses (or MX targets). */
static void
check_origin_got(void *arg, const struct dns_answer *a)
{
	struct origin_ask	*ask = arg;
	struct web_job		*job = ask->job;
	struct origin		*o = job->extra;
	struct strlist		*to;
	size_t			 i;

	if (ask->type == DNS_T_MX) {
		if (check_dns_undecided(a->status))
			o->mx_error = xstrdup(resolve_status_text(a->status));
		for (i = 0; i < a->nrr; i++) {
			if (strcmp(a->rr[i].text, ".") != 0)
				check_origin_add_name(o, a->rr[i].text, "MX");
		}
	} else {
		to = ask->landing ? &o->cdn_addrs : &o->names[ask->index].addrs;
		if (!ask->landing && ask->type == DNS_T_A)
			o->names[ask->index].status = a->status;
		for (i = 0; i < a->nrr && to->n < ORIGIN_MAX_ADDRS * 2; i++) {
			if (a->rr[i].type == ask->type &&
			    !strlist_has(to, a->rr[i].text))
				strlist_add(to, a->rr[i].text);
		}
	}
	free(ask);
	job_answered(&job->job);
}

/* Looks name/type up for the job (index: the name's; landing: the CDN's). */
static void
check_origin_lookup(struct web_job *job, const char *name, int type,
    size_t index, bool landing)
{
	struct origin_ask	*ask = xcalloc(1, sizeof *ask);

	ask->job = job;
	ask->index = index;
	ask->type = type;
	ask->landing = landing;
	job_wait(&job->job);
	dnscache_lookup(job->job.run->audit, job, name, type,
	    check_origin_got, ask);
}

/* Whether addr is one of the CDN's (its ranges or the landing's). */
static bool
check_origin_in_cdn(struct web_job *job, const char *addr)
{
	struct origin	*o = job->extra;

	if (o->ranges)
		return check_edge_in_ranges(&job->data->cloudflare, addr);
	return strlist_has(&o->cdn_addrs, addr);
}

/* ---- the stages -------------------------------------------------------------- */

/* Stage 1: the landing page is in; a CDN in front of it, or skipped. */
static bool
check_origin_detect(struct web_job *job)
{
	struct origin		*o = job->extra;
	const struct strlist	*labels;
	struct strlist		 hosts = { 0 };
	const char		*why;
	char			*host, *name;
	size_t			 i;

	o->cdn = check_edge_cdn(job->data, job->landing);
	if (o->cdn == NULL) {
		result_set(r_of(job), STATUS_SKIPPED, SEVERITY_NONE,
		    _("not applicable: no CDN seen in front of %s (edge.cdn), "
		    "so there is no CDN to walk around"), job->landing->url);
		return false;
	}
	o->ranges = strcmp(o->cdn, "Cloudflare") == 0 &&
	    check_edge_in_ranges(&job->data->cloudflare, job->landing->ip);
	host = url_host(job->landing->url);
	if (job->landing->ip != NULL)
		strlist_add(&o->cdn_addrs, job->landing->ip);
	check_origin_lookup(job, host, DNS_T_A, SIZE_MAX, true);
	check_origin_lookup(job, host, DNS_T_AAAA, SIZE_MAX, true);
	free(host);
	check_origin_lookup(job, OPT(job)->domain, DNS_T_MX, SIZE_MAX, false);
	labels = data_get(job->job.run->audit, DATA_ORIGIN_NAMES, &why);
	options_hosts(OPT(job), &hosts);
	for (i = 0; i < hosts.n; i++)
		check_origin_add_name(o, hosts.v[i], i < 2 ? _("site") :
		    _("subdomain"));
	for (i = 0; labels != NULL && i < labels->n; i++) {
		name = xprintf("%s.%s", labels->v[i], OPT(job)->domain);
		check_origin_add_name(o, name, _("listed"));
		free(name);
	}
	strlist_clear(&hosts);
	return true;
}

/* Stage 2 (the MX hosts are known): every name's addresses. */
static void
check_origin_resolve(struct web_job *job)
{
	struct origin	*o = job->extra;
	size_t		 i;

	for (i = 0; i < o->nnames; i++) {
		check_origin_lookup(job, o->names[i].name, DNS_T_A, i, false);
		check_origin_lookup(job, o->names[i].name, DNS_T_AAAA, i,
		    false);
	}
}

/* Stage 3: asks every address outside the CDN for the site. */
static void
check_origin_ask(struct web_job *job)
{
	struct origin		*o = job->extra;
	struct http_req		 req = { .max = PROBE_MAX, .insecure = true };
	char			*host, *url;
	const char		*path;
	size_t			 i, j, k;

	for (i = 0; i < o->nnames; i++) {
		for (j = 0; j < o->names[i].addrs.n && j < ORIGIN_MAX_ADDRS;
		    j++) {
			const char *a = o->names[i].addrs.v[j];

			if (check_origin_in_cdn(job, a))
				continue;
			for (k = 0; k < o->nprobes; k++) {
				if (strcmp(o->probes[k].addr, a) == 0)
					break;
			}
			if (k == o->nprobes) {
				if (o->nprobes >= ORIGIN_MAX_PROBES) {
					o->skipped++;
					continue;
				}
				o->probes = xreallocarray(o->probes,
				    o->nprobes + 1, sizeof *o->probes);
				memset(&o->probes[k], 0, sizeof *o->probes);
				o->probes[k].addr = xstrdup(a);
				o->nprobes++;
			}
			strlist_add(&o->probes[k].names, o->names[i].name);
		}
	}
	host = url_host(job->landing->url);
	path = strstr(job->landing->url, "://");
	path = path != NULL ? path + 3 : job->landing->url;
	path += strcspn(path, "/");
	for (k = 0; k < o->nprobes; k++) {
		req.address = o->probes[k].addr;
		req.url = job->landing->url;
		web_job_fetch(job, &req, (int)(2 * k), host);
		/* The same path over plain HTTP (port 80, mapped). */
		url = xprintf("http://%s%s", host, *path ? path : "/");
		req.url = url;
		web_job_fetch(job, &req, (int)(2 * k + 1), host);
		free(url);
	}
	free(host);
}

/* The evidence of the names looked up and where they point. */
static void
check_origin_names_evidence(struct web_job *job)
{
	struct origin	*o = job->extra;
	char		*list;
	size_t		 i, inside = 0;

	list = strlist_join(&o->cdn_addrs, ", ");
	if (o->ranges)
		result_evidence(r_of(job), _("CDN: %s (%s, in its published "
		    "ranges)"), o->cdn, job->landing->ip);
	else
		result_evidence(r_of(job), _("CDN: %s (headers of %s; its "
		    "addresses: %s)"), o->cdn, job->landing->url, list);
	free(list);
	for (i = 0; i < o->nnames; i++) {
		size_t j, out = 0;

		for (j = 0; j < o->names[i].addrs.n; j++)
			out += !check_origin_in_cdn(job, o->names[i].addrs.v[j]);
		if (out == 0) {
			inside += o->names[i].addrs.n > 0;
			continue;
		}
		list = strlist_join(&o->names[i].addrs, ", ");
		result_evidence(r_of(job), "%s (%s): %s", o->names[i].name,
		    o->names[i].why, list);
		free(list);
	}
	result_evidence(r_of(job), _("%zu of %zu names looked up resolve to "
	    "the CDN only"), inside, o->nnames);
	if (o->mx_error != NULL)
		result_evidence(r_of(job), _("MX lookup: %s (mail hosts not "
		    "looked at)"), o->mx_error);
	if (o->skipped > 0)
		result_evidence(r_of(job), _("%zu more names or addresses over "
		    "the bound, not asked"), o->skipped);
}

/* Stage 4: the verdict. */
static void
check_origin_verdict(struct web_job *job)
{
	struct origin		*o = job->extra;
	struct strlist		 exposed = { 0 };
	struct slot		*s;
	size_t			 i, k, undecided = 0;
	char			*names, *list, *host;

	check_origin_names_evidence(job);
	for (i = 0; i < o->nnames; i++) {
		if (check_dns_undecided(o->names[i].status))
			undecided++;
	}
	result_evidence(r_of(job), _("the CDN's page %s: %s"),
	    job->landing->url, check_origin_describe(job->landing));
	WEB_SLOTS(job, 3, s, i) {
		k = (size_t)s->tag / 2;
		names = strlist_join(&o->probes[k].names, ", ");
		if (s->r->status == 0) {
			result_evidence(r_of(job), _("%s (%s): %s: no answer: "
			    "%s"), names, o->probes[k].addr, s->r->url,
			    s->r->error ? s->r->error : "?");
		} else if (check_edge_cdn(job->data, s->r) != NULL) {
			result_evidence(r_of(job), _("%s (%s): %s: %ld, through "
			    "the CDN too"), names, o->probes[k].addr,
			    s->r->url, s->r->status);
		} else if (check_origin_same(job->landing, s->r)) {
			result_evidence(r_of(job), _("%s (%s): %s with Host and "
			    "SNI %s: %s: the site, around the CDN"), names,
			    o->probes[k].addr, s->r->url, s->label,
			    check_origin_describe(s->r));
			if (!strlist_has(&exposed, names))
				strlist_add(&exposed, names);
		} else {
			result_evidence(r_of(job), _("%s (%s): %s: %s: not the "
			    "site"), names, o->probes[k].addr, s->r->url,
			    check_origin_describe(s->r));
		}
		free(names);
	}
	if (exposed.n > 0) {
		list = strlist_join(&exposed, ", ");
		host = url_host(job->landing->url);
		result_set(r_of(job), STATUS_FAIL, SEVERITY_HIGH,
		    _("the site is served around the CDN: %s answers for %s "
		    "with the same page"), list, host);
		free(host);
		free(list);
		result_set_fix(r_of(job), _("Let only the CDN reach the origin "
		    "(firewall or security group allowing its ranges, "
		    "authenticated origin pulls or a tunnel), remove or "
		    "re-point the DNS names that give the origin's address "
		    "away, and move the origin to a new address: the old one "
		    "is known."));
	} else if (o->nprobes == 0 && undecided > 0)
		result_set(r_of(job), STATUS_ERROR, SEVERITY_NONE,
		    _("%zu names could not be looked up"), undecided);
	else if (o->nprobes == 0)
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    _("no other name of the domain (%zu looked up) resolves "
		    "outside the CDN"), o->nnames);
	else
		result_set(r_of(job), STATUS_PASS, SEVERITY_NONE,
		    ngettext("%zu address outside the CDN was asked for the "
		    "site; it does not serve it",
		    "%zu addresses outside the CDN were asked for the site; "
		    "none serves it", o->nprobes), o->nprobes);
	strlist_clear(&exposed);
	web_job_finish(job);
}

/* The web job's step: landing, CDN, MX, names, probes, verdict. */
static void
check_origin_step(struct web_job *job)
{
	switch (job->job.stage) {
	case 0:
	case 1:
		if (!web_landing_ready(job))
			return;
		job->extra = xcalloc(1, sizeof(struct origin));
		if (!check_origin_detect(job)) {
			web_job_finish(job);
			return;
		}
		job->job.stage = 2;
		return;
	case 2:
		check_origin_resolve(job);
		job->job.stage = 3;
		return;
	case 3:
		check_origin_ask(job);
		job->job.stage = 4;
		return;
	default:
		check_origin_verdict(job);
		return;
	}
}

static void
check_origin_start(struct check_run *run)
{
	web_job_start(run, check_origin_step, DATA_BIT(DATA_WEB) |
	    DATA_BIT(DATA_ORIGIN_NAMES));
}

/* Drops the lookups in flight, then the web job's work. */
static void
check_origin_cancel(struct check_run *run)
{
	if (run->state != NULL)
		dnscache_forget(run->audit, run->state);
	web_job_cancel(run);
}

/* Frees the names and probes, then the web job. */
static void
check_origin_free(struct check_run *run)
{
	struct web_job	*job = run->state;
	struct origin	*o;
	size_t		 i;

	if (job != NULL && (o = job->extra) != NULL) {
		dnscache_forget(run->audit, job);
		for (i = 0; i < o->nnames; i++) {
			free(o->names[i].name);
			strlist_clear(&o->names[i].addrs);
		}
		free(o->names);
		for (i = 0; i < o->nprobes; i++) {
			free(o->probes[i].addr);
			strlist_clear(&o->probes[i].names);
		}
		free(o->probes);
		strlist_clear(&o->cdn_addrs);
		free(o->mx_error);
	}
	web_job_free(run);
}

const struct check_def check_edge_origin_exposed = {
	.id = "edge.origin-exposed",
	.start = check_origin_start,
	.cancel = check_origin_cancel,
	.free = check_origin_free
};
