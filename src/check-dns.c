/* check-dns.c: the dns.* checks, and what they share with check-email.c. */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "dns.h"

#define CD_TTL_MAX	86400
#define CD_LIST_MAX	5	/* names named in a summary */

/* One lookup's slot: the check and the index of its kept answer. */
struct check_dns_slot {
	struct check_dns	*cd;
	size_t		 index;
};

/* job.c's step: the stage the check set last. */
static void
check_dns_step(struct job *job)
{
	struct check_dns	*cd = (struct check_dns *)job;
	void			(*next)(struct check_dns *) = cd->next;

	if (next == NULL)
		return;		/* job.c reports the stall */
	cd->next = NULL;
	job->stage++;
	next(cd);
}

struct check_dns *
check_dns_new(struct check_run *run, void (*first)(struct check_dns *))
{
	struct check_dns	*cd = xcalloc(1, sizeof *cd);

	job_init(&cd->job, run, check_dns_step);
	cd->run = run;
	cd->audit = run->audit;
	cd->opt = run->audit->opt;
	cd->next = first;
	options_hosts(cd->opt, &cd->hosts);
	run->state = cd;
	return cd;
}

/* An answer arrived: keep a copy, and run the stage when all are in. */
static void
check_dns_got(void *arg, const struct dns_answer *a)
{
	struct check_dns_slot	*slot = arg;
	struct check_dns	*cd = slot->cd;
	struct check_dns_look	*l = cd->looks[slot->index];
	size_t		 i;

	free(slot);
	l->status = a->status;
	l->final = xstrdup(a->final != NULL ? a->final : a->name);
	strlist_copy(&l->chain, &a->chain);
	l->loop = a->loop;
	l->rr = xcalloc(a->nrr > 0 ? a->nrr : 1, sizeof *l->rr);
	for (i = 0; i < a->nrr; i++)
		dnsmsg_rr_copy(&l->rr[i], &a->rr[i]);
	l->nrr = a->nrr;
	job_answered(&cd->job);
}

void
check_dns_lookup(struct check_dns *cd, const char *name, int type)
{
	struct check_dns_slot	*slot;

	if (check_dns_find(cd, name, type) != NULL)
		return;
	cd->looks = xreallocarray(cd->looks, cd->nlooks + 1,
	    sizeof *cd->looks);
	cd->looks[cd->nlooks] = xcalloc(1, sizeof **cd->looks);
	cd->looks[cd->nlooks]->name = xstrdup(name);
	cd->looks[cd->nlooks]->type = type;
	cd->looks[cd->nlooks]->status = RESOLVE_TIMEOUT;
	slot = xmalloc(sizeof *slot);
	slot->cd = cd;
	slot->index = cd->nlooks++;
	job_wait(&cd->job);
	dnscache_lookup(cd->audit, cd->run, name, type, check_dns_got, slot);
}

void
check_dns_settle(struct check_dns *cd)
{
	job_run(&cd->job);
}

const struct check_dns_look *
check_dns_find(struct check_dns *cd, const char *name, int type)
{
	size_t	i;

	for (i = 0; i < cd->nlooks; i++) {
		if (cd->looks[i]->type == type &&
		    strcasecmp(cd->looks[i]->name, name) == 0)
			return cd->looks[i];
	}
	return NULL;
}

const char *
check_dns_rr_text(const struct dnsmsg_rr *rr)
{
	static char	 text[600];
	char		*q;

	switch (rr->type) {
	case DNS_T_MX:
		snprintf(text, sizeof text, "MX %u %s (TTL %u)", rr->pref,
		    rr->text, rr->ttl);
		break;
	case DNS_T_TXT:
		q = check_dns_txt_quote(rr->text, rr->len);
		snprintf(text, sizeof text, "TXT %s (TTL %u)", q, rr->ttl);
		free(q);
		break;
	case DNS_T_CAA:
		q = check_dns_txt_quote(rr->text, rr->len);
		snprintf(text, sizeof text, "CAA %u %s %s (TTL %u)", rr->pref,
		    rr->tag, q, rr->ttl);
		free(q);
		break;
	case DNS_T_SOA:
		snprintf(text, sizeof text, "SOA %s serial %u (TTL %u)",
		    rr->text, rr->serial, rr->ttl);
		break;
	default:
		snprintf(text, sizeof text, "%s %s (TTL %u)",
		    dnsmsg_type_name(rr->type), rr->text, rr->ttl);
		break;
	}
	return text;
}

char *
check_dns_txt_quote(const char *s, size_t len)
{
	struct buf	b = { 0 };
	size_t		i, max = 300;

	buf_add(&b, "\"", 1);
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_printf(&b, "\\%03u", c);
		else
			buf_add(&b, &s[i], 1);
	}
	buf_add(&b, "\"", 1);
	if (len > max)
		buf_printf(&b, _(" (%zu bytes in all)"), len);
	return b.data;
}

bool
check_dns_undecided(enum resolve_status s)
{
	return s != RESOLVE_OK && s != RESOLVE_NXDOMAIN && s != RESOLVE_NODATA;
}

void
check_dns_finish(struct check_dns *cd)
{
	job_finish(&cd->job);
}

void
check_dns_cancel(struct check_run *run)
{
	struct check_dns	*cd = run->state;
	size_t		 i;

	if (cd == NULL)
		return;
	job_cancel(&cd->job);
	cd->call = NULL;
	dnscache_forget(cd->audit, run);
	spf_eval_cancel(cd->spf);
	cd->spf = NULL;
	for (i = 0; i < cd->nservers; i++)
		resolver_free(cd->servers[i]);
	cd->nservers = 0;
}

void
check_dns_free(struct check_run *run)
{
	struct check_dns	*cd = run->state;
	size_t		 i, j;

	if (cd == NULL)
		return;
	check_dns_cancel(run);
	job_clear(&cd->job);
	free(cd->reply.text);
	free(cd->reply.error);
	for (i = 0; i < cd->nlooks; i++) {
		struct check_dns_look *l = cd->looks[i];

		free(l->name);
		free(l->final);
		strlist_clear(&l->chain);
		for (j = 0; j < l->nrr; j++)
			dnsmsg_rr_clear(&l->rr[j]);
		free(l->rr);
		free(l);
	}
	free(cd->looks);
	free(cd->servers);
	strlist_clear(&cd->hosts);
	if (cd->extra_free != NULL)
		cd->extra_free(cd->extra);
	free(cd);
	run->state = NULL;
}

/* Reads the list of groups {key; value} name into keys and values. */
static int
check_dns_pairs(config_t *cfg, const char *path, const char *name,
    const char *key, const char *value, struct strlist *keys,
    struct strlist *values, char **err)
{
	config_setting_t	*s = config_lookup(cfg, name), *g;
	const char		*k, *v;
	int			 i;

	if (s == NULL)
		return set_error(err, _("%s:%d: \"%s\" is missing"), path, 1,
		    name);
	if (!config_setting_is_list(s))
		return set_error(err, _("%s:%d: \"%s\" must be a list of "
		    "groups ( { ... }, ... )"), path,
		    config_setting_source_line(s), name);
	for (i = 0; i < config_setting_length(s); i++) {
		g = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(g))
			return set_error(err, _("%s:%d: \"%s\" must be a list "
			    "of groups ( { ... }, ... )"), path,
			    config_setting_source_line(g), name);
		if (data_group_string(g, path, key, true, &k, err) != 0 ||
		    data_group_string(g, path, value, true, &v, err) != 0)
			return -1;
		strlist_add(keys, k);
		strlist_add(values, v);
	}
	return 0;
}

struct dns_providers *
check_dns_providers_parse(config_t *cfg, const char *path, char **err)
{
	struct dns_providers	*p = xcalloc(1, sizeof *p);

	if (check_dns_pairs(cfg, path, "providers", "suffix", "name",
	    &p->suffixes, &p->names, err) != 0 ||
	    data_strings(cfg, path, "platforms", false, &p->platforms,
	    err) != 0 ||
	    check_dns_pairs(cfg, path, "authorities", "issuer", "caa",
	    &p->issuers, &p->caa, err) != 0) {
		check_dns_providers_free(p);
		return NULL;
	}
	return p;
}

void
check_dns_providers_free(struct dns_providers *p)
{
	if (p == NULL)
		return;
	strlist_clear(&p->suffixes);
	strlist_clear(&p->names);
	strlist_clear(&p->platforms);
	strlist_clear(&p->issuers);
	strlist_clear(&p->caa);
	free(p);
}

struct strlist *
check_dns_selectors_parse(config_t *cfg, const char *path, char **err)
{
	struct strlist	*sels = xcalloc(1, sizeof *sels);

	if (data_strings(cfg, path, "selectors", false, sels, err) != 0) {
		check_dns_selectors_free(sels);
		return NULL;
	}
	return sels;
}

void
check_dns_selectors_free(struct strlist *sels)
{
	if (sels != NULL) {
		strlist_clear(sels);
		free(sels);
	}
}

/*
 * The audit's dns-providers.cfg, once the check made sure it loads
 * (check_dns_have, data_need): never NULL then.
 */
static const struct dns_providers *
check_dns_providers(struct check_dns *cd)
{
	const char	*why;

	return data_get(cd->audit, DATA_DNS_PROVIDERS, &why);
}

/* False, with the run finished as error, when data file f is unusable. */
static bool
check_dns_have(struct check_run *run, enum data_file f)
{
	if (data_need(run, f) != NULL)
		return true;
	check_finish(run);
	return false;
}

/* True when name is suffix or ends in "." suffix. */
static bool
check_dns_under(const char *name, const char *suffix)
{
	size_t	nl = strlen(name), sl = strlen(suffix);

	if (nl == sl)
		return strcasecmp(name, suffix) == 0;
	return nl > sl && name[nl - sl - 1] == '.' &&
	    strcasecmp(name + nl - sl, suffix) == 0;
}

/* ---- address checks: dns.apex, dns.www, dns.subdomains, dns.ttl ------- */

/* Looks up A and AAAA of the hosts from index first to last. */
static void
check_dns_lookup_hosts(struct check_dns *cd, size_t first, size_t last)
{
	size_t	i;

	for (i = first; i < last && i < cd->hosts.n; i++) {
		check_dns_lookup(cd, cd->hosts.v[i], DNS_T_A);
		check_dns_lookup(cd, cd->hosts.v[i], DNS_T_AAAA);
	}
	check_dns_settle(cd);
}

/*
 * Adds the evidence of a host's address lookups. Returns the status that
 * decides: OK when it has an address, NXDOMAIN/NODATA when it has none,
 * else the error that left it undecided.
 */
static enum resolve_status
check_dns_host_evidence(struct check_dns *cd, const char *host,
    const char *label)
{
	const struct check_dns_look	*l4 = check_dns_find(cd, host, DNS_T_A);
	const struct check_dns_look	*l6 = check_dns_find(cd, host,
	    DNS_T_AAAA);
	const struct check_dns_look	*ls[2] = { l4, l6 };
	size_t			 i, j, n = 0;

	if (l4 != NULL)
		for (i = 0; i < l4->chain.n; i++)
			result_evidence(&cd->run->result, "%s", l4->chain.v[i]);
	for (i = 0; i < 2; i++) {
		if (ls[i] == NULL)
			continue;
		for (j = 0; j < ls[i]->nrr; j++, n++)
			result_evidence(&cd->run->result, "%s %s", label,
			    check_dns_rr_text(&ls[i]->rr[j]));
	}
	if (n > 0)
		return RESOLVE_OK;
	if (l4 == NULL || l6 == NULL)
		return RESOLVE_OTHER;
	if (l4->loop) {
		result_evidence(&cd->run->result, _("%s: the CNAME chain loops "
		    "or is longer than %d hops"), label, DNS_MAX_CHAIN);
		return RESOLVE_NXDOMAIN;
	}
	if (check_dns_undecided(l4->status) ||
	    check_dns_undecided(l6->status)) {
		enum resolve_status s =
		    check_dns_undecided(l4->status) ? l4->status :
		    l6->status;

		result_evidence(&cd->run->result, "%s: %s", label,
		    resolve_status_text(s));
		return s;
	}
	result_evidence(&cd->run->result, "%s: %s", label,
	    resolve_status_text(l4->status == RESOLVE_NXDOMAIN ?
	    RESOLVE_NXDOMAIN : l6->status));
	return l4->status == RESOLVE_NXDOMAIN ? RESOLVE_NXDOMAIN :
	    RESOLVE_NODATA;
}

/* dns.apex / dns.www: the verdict for one host. */
static void
check_dns_one_host(struct check_dns *cd, size_t index, enum severity sev)
{
	const char		*host = cd->hosts.v[index];
	const struct check_dns_look	*l;
	enum resolve_status	 s;

	s = check_dns_host_evidence(cd, host, index == 0 ? "apex" : host);
	l = check_dns_find(cd, host, DNS_T_A);
	if (s != RESOLVE_OK && l != NULL && l->loop) {
		result_set(&cd->run->result, STATUS_FAIL, sev,
		    _("%s has no address: its CNAME chain loops or is longer "
		    "than %d hops"), host, DNS_MAX_CHAIN);
		result_set_fix(&cd->run->result, _("Break the CNAME loop or "
		    "shorten the chain: make one name in it an A record or "
		    "point it at a live host."));
	} else if (s == RESOLVE_OK)
		result_set(&cd->run->result, STATUS_PASS, SEVERITY_NONE,
		    _("%s resolves"), host);
	else if (s == RESOLVE_NXDOMAIN || s == RESOLVE_NODATA) {
		result_set(&cd->run->result, STATUS_FAIL, sev,
		    _("%s has no address: %s"), host, resolve_status_text(s));
		result_set_fix(&cd->run->result, _("Add an A (and AAAA) "
		    "record for %s at your DNS provider, pointing at the "
		    "server or platform that serves the site."), host);
	} else
		result_set(&cd->run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up %s: %s"), host,
		    resolve_status_text(s));
	check_dns_finish(cd);
}

static void
check_dns_apex_done(struct check_dns *cd)
{
	check_dns_one_host(cd, 0, SEVERITY_CRITICAL);
}

static void
check_dns_apex_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_dns_apex_done);

	check_dns_lookup_hosts(cd, 0, 1);
}

static void
check_dns_www_done(struct check_dns *cd)
{
	check_dns_one_host(cd, 1, SEVERITY_HIGH);
}

static void
check_dns_www_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_dns_www_done);

	check_dns_lookup_hosts(cd, 1, 2);
}

/* The first CD_LIST_MAX names of l, then "and N more" for the rest. */
static char *
check_dns_short_list(const struct strlist *l)
{
	struct strlist	 head = { .v = l->v, .n = CD_LIST_MAX };
	char		*list, *more, *s;

	if (l->n <= CD_LIST_MAX)
		return strlist_join(l, ", ");
	list = strlist_join(&head, ", ");
	more = xprintf(ngettext(" and %zu more", " and %zu more",
	    l->n - CD_LIST_MAX), l->n - CD_LIST_MAX);
	s = xprintf("%s%s", list, more);
	free(more);
	free(list);
	return s;
}

static void
check_dns_subdomains_done(struct check_dns *cd)
{
	struct result		*r = &cd->run->result;
	struct strlist		 missing = { 0 };
	enum resolve_status	 s, undecided = RESOLVE_OK;
	size_t			 i;
	char			*list;

	for (i = 2; i < cd->hosts.n; i++) {
		s = check_dns_host_evidence(cd, cd->hosts.v[i],
		    cd->hosts.v[i]);
		if (s == RESOLVE_NXDOMAIN || s == RESOLVE_NODATA)
			strlist_add(&missing, cd->hosts.v[i]);
		else if (s != RESOLVE_OK)
			undecided = s;
	}
	if (missing.n > 0) {
		list = check_dns_short_list(&missing);
		result_set(r, STATUS_FAIL, SEVERITY_HIGH,
		    ngettext("%zu of %zu subdomains does not resolve: %s",
		    "%zu of %zu subdomains do not resolve: %s", missing.n),
		    missing.n, cd->hosts.n - 2, list);
		result_set_fix(r, _("Add the missing records (%s) or remove "
		    "the names from the launch list if they are not used."),
		    list);
		free(list);
	} else if (undecided != RESOLVE_OK)
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("some subdomains could not be looked up: %s"),
		    resolve_status_text(undecided));
	else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("all %zu subdomains resolve"), cd->hosts.n - 2);
	strlist_clear(&missing);
	check_dns_finish(cd);
}

static void
check_dns_subdomains_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run,
	    check_dns_subdomains_done);

	if (cd->hosts.n <= 2) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("nothing to check: no subdomains listed (give them "
		    "with --subdomains)"));
		cd->next = NULL;
		check_dns_finish(cd);
		return;
	}
	check_dns_lookup_hosts(cd, 2, cd->hosts.n);
}

static void
check_dns_ttl_done(struct check_dns *cd)
{
	struct result	*r = &cd->run->result;
	size_t		 i, j, high = 0, seen = 0;
	unsigned	 max = 0;
	bool		 undecided = false;

	for (i = 0; i < cd->nlooks; i++) {
		const struct check_dns_look *l = cd->looks[i];

		if (check_dns_undecided(l->status) && !l->loop)
			undecided = true;
		for (j = 0; j < l->nrr; j++) {
			const struct dnsmsg_rr *rr = &l->rr[j];

			seen++;
			if (rr->ttl > max)
				max = rr->ttl;
			if (rr->ttl > CD_TTL_MAX) {
				high++;
				result_evidence(r,
				    _("%s %s: %u s is %.1f days"),
				    l->name, check_dns_rr_text(rr), rr->ttl,
				    rr->ttl / 86400.0);
			} else
				result_evidence(r, "%s %s", l->name,
				    check_dns_rr_text(rr));
		}
	}
	if (high > 0) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu address records have a TTL above %d s (longest "
		    "%u s): a change would take that long to reach everyone"),
		    high, CD_TTL_MAX, max);
		result_set_fix(r, _("Lower the TTL of the address records to "
		    "3600 s or less (300 s during the launch week) so an "
		    "emergency change spreads quickly."));
	} else if (seen == 0 && undecided)
		result_set(r, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no address record could be looked up"));
	else if (seen == 0)
		result_set(r, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("no address records to judge (see dns.apex)"));
	else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("all %zu address records have TTLs of at most %u s"),
		    seen, max);
	check_dns_finish(cd);
}

static void
check_dns_ttl_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_dns_ttl_done);

	check_dns_lookup_hosts(cd, 0, cd->hosts.n);
}

/* ---- dns.dangling ------------------------------------------------------ */

static void
check_dns_dangling_done(struct check_dns *cd)
{
	struct result	*r = &cd->run->result;
	const struct strlist *platforms = &check_dns_providers(cd)->platforms;
	struct strlist	 dead = { 0 };
	size_t		 i, j, chains = 0;
	bool		 undecided = false;
	char		*list;

	for (i = 0; i < cd->hosts.n; i++) {
		const struct check_dns_look *l = check_dns_find(cd,
		    cd->hosts.v[i], DNS_T_A);
		const struct check_dns_look *l6 = check_dns_find(cd,
		    cd->hosts.v[i],
		    DNS_T_AAAA);
		const char *platform = NULL;

		if (l == NULL)
			continue;
		if (l->chain.n == 0) {
			if (check_dns_undecided(l->status) && !l->loop) {
				result_evidence(r, _("%s: %s"), cd->hosts.v[i],
				    resolve_status_text(l->status));
				undecided = true;
			}
			continue;
		}
		chains++;
		for (j = 0; j < l->chain.n; j++)
			result_evidence(r, "%s", l->chain.v[j]);
		for (j = 0; j < platforms->n; j++)
			if (check_dns_under(l->final, platforms->v[j]))
				platform = platforms->v[j];
		if (l->loop) {
			result_evidence(r,
			    _("%s: the chain loops (or passes %d "
			    "hops)"), cd->hosts.v[i], DNS_MAX_CHAIN);
			strlist_add(&dead, cd->hosts.v[i]);
		} else if (l->nrr > 0 || (l6 != NULL && l6->nrr > 0))
			result_evidence(r, _("%s: ends at %s, which resolves"),
			    cd->hosts.v[i], l->final);
		else if (l->status == RESOLVE_NXDOMAIN) {
			result_evidence(r, _("%s: ends at %s, which does not "
			    "exist (NXDOMAIN)%s%s%s"), cd->hosts.v[i], l->final,
			    platform != NULL ? _(" — a name on ") : "",
			    platform != NULL ? platform : "",
			    platform != NULL ? _(": anyone who registers it "
			    "there takes over the subdomain") : "");
			strlist_add(&dead, cd->hosts.v[i]);
		} else if (check_dns_undecided(l->status)) {
			result_evidence(r, _("%s: %s could not be looked up: "
			    "%s"), cd->hosts.v[i], l->final,
			    resolve_status_text(l->status));
			undecided = true;
		} else {
			/* NODATA: the chain ends at a name with no address. */
			result_evidence(r, _("%s: ends at %s, which exists but "
			    "has no address"), cd->hosts.v[i], l->final);
			strlist_add(&dead, cd->hosts.v[i]);
		}
	}
	if (dead.n > 0) {
		list = strlist_join(&dead, ", ");
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("dangling CNAME: %s points at a name that does not "
		    "resolve (subdomain takeover risk)"), list);
		result_set_fix(r, _("Delete the CNAME record of %s now (or "
		    "point it at a live target you control); if the target "
		    "was a hosting platform, do not leave the name pointing "
		    "at an unclaimed app."), list);
		free(list);
	} else if (undecided)
		result_set(r, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("some hosts or CNAME targets could not be looked up"));
	else if (chains == 0)
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("no CNAMEs among the %zu hosts"), cd->hosts.n);
	else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("all %zu CNAME chains end at names that resolve"),
		    chains);
	strlist_clear(&dead);
	check_dns_finish(cd);
}

static void
check_dns_dangling_start(struct check_run *run)
{
	struct check_dns	*cd;

	if (!check_dns_have(run, DATA_DNS_PROVIDERS))
		return;
	cd = check_dns_new(run, check_dns_dangling_done);
	check_dns_lookup_hosts(cd, 0, cd->hosts.n);
}

/* ---- dns.ns ------------------------------------------------------------ */

/* Slot of a direct SOA query. */
struct check_dns_ns_slot {
	struct check_dns	*cd;
	size_t		 index;
};

/* dns.ns's per-server answers. */
struct check_dns_ns {
	struct strlist	 servers;	/* "ns1.x (127.0.0.1)" */
	struct check_dns_ns_slot *slots; /* owned here: a cancel drops them */
	uint32_t	*serial;
	enum resolve_status *status;
	size_t		 n;
};

static void
check_dns_ns_extra_free(void *arg)
{
	struct check_dns_ns	*ns = arg;

	if (ns == NULL)
		return;
	strlist_clear(&ns->servers);
	free(ns->slots);
	free(ns->serial);
	free(ns->status);
	free(ns);
}

static void check_dns_ns_verdict(struct check_dns *);

/* A name server answered (or not) the SOA query sent straight to it. */
static void
check_dns_ns_soa(void *arg, enum resolve_status status,
    const unsigned char *abuf, int alen)
{
	struct check_dns_ns_slot	*slot = arg;
	struct check_dns			*cd = slot->cd;
	struct check_dns_ns		*ns = cd->extra;
	struct dnsmsg			 m;
	char				*err = NULL;
	size_t				 i;

	ns->status[slot->index] = status;
	if (status == RESOLVE_OK && abuf != NULL &&
	    dnsmsg_parse(&m, abuf, alen, &err) == 0) {
		ns->status[slot->index] = RESOLVE_NODATA;
		for (i = 0; i < m.nan; i++) {
			if (m.an[i].type == DNS_T_SOA) {
				ns->serial[slot->index] = m.an[i].serial;
				ns->status[slot->index] = RESOLVE_OK;
			}
		}
		dnsmsg_free(&m);
	}
	free(err);
	job_answered(&cd->job);
}

/* The port name servers are asked on: the --resolver one, else 53. */
static int
check_dns_ns_port(const struct options *opt)
{
	const char	*s, *colon;

	if (opt->resolvers.n == 0)
		return 53;
	s = opt->resolvers.v[0];
	if (s[0] == '[') {
		if ((s = strchr(s, ']')) == NULL || s[1] != ':')
			return 53;
		return atoi(s + 2);
	}
	colon = strchr(s, ':');
	if (colon == NULL || strchr(colon + 1, ':') != NULL)
		return 53;
	return atoi(colon + 1);
}

/* NS names and their addresses are in: ask each server for the SOA. */
static void
check_dns_ns_servers(struct check_dns *cd)
{
	const struct check_dns_look	*l = check_dns_find(cd, cd->opt->domain,
	    DNS_T_NS);
	struct check_dns_ns	*ns = xcalloc(1, sizeof *ns);
	size_t			 i, j;
	int			 port = check_dns_ns_port(cd->opt);

	cd->extra = ns;
	cd->extra_free = check_dns_ns_extra_free;
	ns->serial = xcalloc(l->nrr * 2 + 1, sizeof *ns->serial);
	ns->status = xcalloc(l->nrr * 2 + 1, sizeof *ns->status);
	ns->slots = xcalloc(l->nrr * 2 + 1, sizeof *ns->slots);
	cd->servers = xcalloc(l->nrr * 2 + 1, sizeof *cd->servers);
	for (i = 0; i < l->nrr; i++) {
		const struct check_dns_look *a = check_dns_find(cd,
		    l->rr[i].text, DNS_T_A);

		if (a == NULL || a->nrr == 0) {
			strlist_addf(&ns->servers, "%s", l->rr[i].text);
			ns->status[ns->n++] = a != NULL && a->status !=
			    RESOLVE_OK ? a->status : RESOLVE_NODATA;
			continue;
		}
		for (j = 0; j < a->nrr && j < 2; j++) {
			struct options			 o;
			struct resolver			*res;
			struct check_dns_ns_slot	*slot;
			char				*err = NULL;

			options_init(&o);
			o.timeout = cd->opt->timeout;
			strlist_addf(&o.resolvers, "%s:%d", a->rr[j].text,
			    port);
			strlist_addf(&ns->servers, "%s (%s)", l->rr[i].text,
			    a->rr[j].text);
			res = resolver_new(cd->audit->loop, &o, &err);
			options_clear(&o);
			if (res == NULL) {
				free(err);
				ns->status[ns->n++] = RESOLVE_OTHER;
				continue;
			}
			cd->servers[cd->nservers++] = res;
			slot = &ns->slots[ns->n];
			slot->cd = cd;
			slot->index = ns->n++;
			job_wait(&cd->job);
			{
				char *srv = xprintf("%s:%d", a->rr[j].text,
				    port);

				dnscache_trace(cd->audit, srv, cd->opt->domain,
				    DNS_T_SOA);
				free(srv);
			}
			resolver_query(res, cd->opt->domain, DNS_T_SOA,
			    check_dns_ns_soa, slot);
		}
	}
	cd->next = check_dns_ns_verdict;
}

/* The provider of a name server host, or NULL. */
static const char *
check_dns_provider(const char *host, const struct strlist *suffixes,
    const struct strlist *names)
{
	size_t	i;

	for (i = 0; i < suffixes->n; i++) {
		if (check_dns_under(host, suffixes->v[i]))
			return names->v[i];
	}
	return NULL;
}

static void
check_dns_ns_verdict(struct check_dns *cd)
{
	const struct check_dns_look	*l = check_dns_find(cd, cd->opt->domain,
	    DNS_T_NS);
	struct check_dns_ns	*ns = cd->extra;
	struct result		*r = &cd->run->result;
	const struct dns_providers	*dp = check_dns_providers(cd);
	struct strlist		 provs = { 0 };
	size_t			 i, silent = 0, answered = 0;
	bool			 disagree = false;
	uint32_t		 serial = 0;
	char			*plist;

	for (i = 0; i < l->nrr; i++) {
		const char *p = check_dns_provider(l->rr[i].text,
		    &dp->suffixes, &dp->names);

		result_evidence(r, "%s", check_dns_rr_text(&l->rr[i]));
		if (p != NULL && !strlist_has(&provs, p))
			strlist_add(&provs, p);
	}
	for (i = 0; i < ns->n; i++) {
		if (ns->status[i] == RESOLVE_OK) {
			result_evidence(r, _("%s answers: SOA serial %u"),
			    ns->servers.v[i], ns->serial[i]);
			if (answered++ > 0 && ns->serial[i] != serial)
				disagree = true;
			serial = ns->serial[i];
		} else {
			result_evidence(r, _("%s does not answer for %s: %s"),
			    ns->servers.v[i], cd->opt->domain,
			    resolve_status_text(ns->status[i]));
			silent++;
		}
	}
	plist = provs.n > 0 ? strlist_join(&provs, ", ") :
	    xstrdup(_("provider not recognised"));
	result_evidence(r, _("DNS provider: %s"), plist);
	if (l->nrr < 2) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("only one name server (%s): if it fails, the domain "
		    "goes dark"), plist);
		result_set_fix(r, _("Add a second name server (most DNS "
		    "providers give two or four) at the registrar."));
	} else if (silent > 0) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("%zu of %zu name servers do not answer for the zone "
		    "(%s)"), silent, ns->n, plist);
		result_set_fix(r, _("Make every NS record name a server that "
		    "serves the zone (a lame delegation slows or breaks "
		    "resolution), or remove it at the registrar."));
	} else if (disagree) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("the name servers disagree on the SOA serial (%s)"),
		    plist);
		result_set_fix(r, _("Check the zone transfer between your name "
		    "servers: they do not all serve the same version."));
	} else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("%zu name servers, all answering for the zone (%s)"),
		    l->nrr, plist);
	free(plist);
	strlist_clear(&provs);
	check_dns_finish(cd);
}

/* The NS records are in: look their addresses up. */
static void
check_dns_ns_names(struct check_dns *cd)
{
	const struct check_dns_look	*l = check_dns_find(cd, cd->opt->domain,
	    DNS_T_NS);
	struct result		*r = &cd->run->result;
	size_t			 i;

	if (l->nrr == 0) {
		if (check_dns_undecided(l->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up the name servers of %s: %s"),
			    cd->opt->domain, resolve_status_text(l->status));
		else {
			result_set(r, STATUS_FAIL, SEVERITY_HIGH,
			    _("%s has no NS records: %s"), cd->opt->domain,
			    resolve_status_text(l->status));
			result_set_fix(r, _("Set the name servers of the "
			    "domain at the registrar."));
		}
		check_dns_finish(cd);
		return;
	}
	cd->next = check_dns_ns_servers;
	for (i = 0; i < l->nrr; i++)
		check_dns_lookup(cd, l->rr[i].text, DNS_T_A);
	check_dns_settle(cd);
}

static void
check_dns_ns_start(struct check_run *run)
{
	struct check_dns	*cd;

	if (!check_dns_have(run, DATA_DNS_PROVIDERS))
		return;
	cd = check_dns_new(run, check_dns_ns_names);
	check_dns_lookup(cd, cd->opt->domain, DNS_T_NS);
}

/* ---- dns.caa ----------------------------------------------------------- */

/* The parent of name while it keeps two labels, or NULL. */
static const char *
check_dns_caa_parent(const char *name)
{
	const char	*dot = strchr(name, '.');

	if (dot == NULL || strchr(dot + 1, '.') == NULL)
		return NULL;
	return dot + 1;
}

/* The CAA set that applies: the closest name's with records, or NULL. */
static const struct check_dns_look *
check_dns_caa_set(struct check_dns *cd)
{
	const char		*name;
	const struct check_dns_look	*l;

	for (name = cd->opt->domain; name != NULL;
	    name = check_dns_caa_parent(name)) {
		l = check_dns_find(cd, name, DNS_T_CAA);
		if (l != NULL && l->nrr > 0)
			return l;
		if (l == NULL || check_dns_undecided(l->status))
			return NULL;
	}
	return NULL;
}

/* The CAA domains that mean issuer (from the data file), into out. */
static void
check_dns_caa_domains(struct check_dns *cd, const char *issuer,
    struct strlist *out)
{
	const struct dns_providers	*dp = check_dns_providers(cd);
	size_t				 i;

	for (i = 0; i < dp->issuers.n; i++) {
		if (strcasestr(issuer, dp->issuers.v[i]) != NULL)
			strlist_split(out, dp->caa.v[i]);
	}
}

static void	check_dns_caa_judge(struct check_dns *);

/* tls_peek_issuer() answered: kept for check_dns_caa_judge. */
static void
check_dns_caa_issuer(void *arg, const char *issuer, const char *error)
{
	struct check_dns	*cd = arg;

	cd->reply.text = issuer != NULL ? xstrdup(issuer) : NULL;
	cd->reply.error = xstrdup(error != NULL ? error : "");
	cd->next = check_dns_caa_judge;
	job_release(&cd->job, cd->call);
	cd->call = NULL;
}

/* The certificate's issuer is known (or not): judge the CAA set. */
static void
check_dns_caa_judge(struct check_dns *cd)
{
	const char		*issuer = cd->reply.text;
	const char		*error = cd->reply.error;
	const struct check_dns_look	*l;
	struct result		*r;
	struct strlist		 allowed = { 0 }, mine = { 0 };
	size_t			 i, j;
	bool			 ok = false;
	char			*list, *mlist;

	/* Matching the issuer to CAA domains needs dns-providers.cfg. */
	if (issuer != NULL &&
	    data_need(cd->run, DATA_DNS_PROVIDERS) == NULL) {
		check_dns_finish(cd);
		return;
	}
	r = &cd->run->result;
	l = check_dns_caa_set(cd);
	for (i = 0; i < l->nrr; i++) {
		if (strcmp(l->rr[i].tag, "issue") == 0) {
			char *v = xstrndup(l->rr[i].text,
			    strcspn(l->rr[i].text, ";"));

			for (char *e = v + strlen(v); e > v && e[-1] == ' ';)
				*--e = '\0';
			strlist_add(&allowed, *v != '\0' ? v : _("(nobody)"));
			free(v);
		}
	}
	list = strlist_join(&allowed, ", ");
	if (issuer == NULL) {
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("CAA allows %s, but the certificate's issuer could not "
		    "be read (%s): the cross-check was not done"),
		    allowed.n > 0 ? list : _("any CA (no issue tag)"), error);
	} else {
		check_dns_caa_domains(cd, issuer, &mine);
		mlist = mine.n > 0 ? strlist_join(&mine, ", ") :
		    xstrdup(_("unknown"));
		result_evidence(r, _("certificate issuer: %s (CAA domain: %s)"),
		    issuer, mlist);
		for (i = 0; i < allowed.n; i++)
			for (j = 0; j < mine.n; j++)
				if (strcasecmp(allowed.v[i], mine.v[j]) == 0)
					ok = true;
		if (allowed.n == 0 || ok)
			result_set(r, STATUS_PASS, SEVERITY_NONE,
			    _("CAA allows the current issuer (%s)"), issuer);
		else if (mine.n == 0)
			result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("CAA allows %s; the issuer %s is not in the list "
			    "of known CAs, so check by hand that it is one of "
			    "them"), list, issuer);
		else {
			result_set(r, STATUS_FAIL, SEVERITY_HIGH,
			    _("CAA allows only %s, not the current issuer %s: "
			    "the next renewal will fail"), list, issuer);
			result_set_fix(r, _("Add a CAA record "
			    "'0 issue \"%s\"' for %s (or move to a CA that is "
			    "allowed) before the certificate renews."),
			    mine.v[0], cd->opt->domain);
		}
		free(mlist);
	}
	free(list);
	strlist_clear(&allowed);
	strlist_clear(&mine);
	check_dns_finish(cd);
}

static void
check_dns_caa_done(struct check_dns *cd)
{
	const struct check_dns_look	*l = check_dns_caa_set(cd);
	struct result		*r = &cd->run->result;
	const char		*name;
	size_t			 i;

	for (name = cd->opt->domain; l == NULL && name != NULL;
	    name = check_dns_caa_parent(name)) {
		const struct check_dns_look *u = check_dns_find(cd, name,
		    DNS_T_CAA);

		if (u != NULL && check_dns_undecided(u->status)) {
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up the CAA records of %s: %s"),
			    name, resolve_status_text(u->status));
			check_dns_finish(cd);
			return;
		}
	}
	if (l == NULL) {
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("no CAA records (here or on a parent domain): any CA "
		    "may issue for the domain"));
		check_dns_finish(cd);
		return;
	}
	for (i = 0; i < l->nrr; i++)
		result_evidence(r, "%s %s", l->name,
		    check_dns_rr_text(&l->rr[i]));
	cd->call = tls_peek_issuer(cd->audit, cd->opt->domain,
	    check_dns_caa_issuer, cd);
	job_hold(&cd->job, cd->call);
}

static void
check_dns_caa_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_dns_caa_done);
	const char	*name;

	/* RFC 8659: the closest name up the tree with CAA records rules. */
	for (name = cd->opt->domain; name != NULL;
	    name = check_dns_caa_parent(name))
		check_dns_lookup(cd, name, DNS_T_CAA);
}

/* ---- dns.dnssec -------------------------------------------------------- */

static void
check_dns_dnssec_done(struct check_dns *cd)
{
	const struct check_dns_look	*ds = check_dns_find(cd,
	    cd->opt->domain, DNS_T_DS);
	const struct check_dns_look	*key = check_dns_find(cd,
	    cd->opt->domain,
	    DNS_T_DNSKEY);
	struct result		*r = &cd->run->result;
	size_t			 i;

	for (i = 0; i < ds->nrr; i++)
		result_evidence(r, "%s", check_dns_rr_text(&ds->rr[i]));
	for (i = 0; i < key->nrr; i++)
		result_evidence(r, "%s", check_dns_rr_text(&key->rr[i]));
	if ((ds->nrr == 0 && check_dns_undecided(ds->status)) ||
	    (key->nrr == 0 && check_dns_undecided(key->status)))
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up DS/DNSKEY: %s"),
		    resolve_status_text(check_dns_undecided(ds->status) ?
		    ds->status : key->status));
	else if (ds->nrr > 0 && key->nrr > 0)
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("the zone is signed (DS at the parent, DNSKEY present)"));
	else if (key->nrr > 0)
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("DNSKEY present but no DS at the parent: the signatures "
		    "are not anchored, so DNSSEC is not in effect"));
	else if (ds->nrr > 0)
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("DS at the parent but no DNSKEY: validating resolvers "
		    "will fail to resolve the domain"));
	else
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("the zone is not signed (no DS, no DNSKEY)"));
	check_dns_finish(cd);
}

static void
check_dns_dnssec_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_dns_dnssec_done);

	check_dns_lookup(cd, cd->opt->domain, DNS_T_DS);
	check_dns_lookup(cd, cd->opt->domain, DNS_T_DNSKEY);
}

/* ---- the table --------------------------------------------------------- */

#define CHECK_DNS_DEF(name, id_, fn)				\
	static const struct check_def name = {			\
		.id = id_,					\
		.start = fn,					\
		.cancel = check_dns_cancel,				\
		.free = check_dns_free,				\
	}

CHECK_DNS_DEF(check_dns_apex, "dns.apex", check_dns_apex_start);
CHECK_DNS_DEF(check_dns_www, "dns.www", check_dns_www_start);
CHECK_DNS_DEF(check_dns_subdomains, "dns.subdomains",
    check_dns_subdomains_start);
CHECK_DNS_DEF(check_dns_ns, "dns.ns", check_dns_ns_start);
CHECK_DNS_DEF(check_dns_dangling, "dns.dangling", check_dns_dangling_start);
CHECK_DNS_DEF(check_dns_ttl, "dns.ttl", check_dns_ttl_start);
CHECK_DNS_DEF(check_dns_caa, "dns.caa", check_dns_caa_start);
CHECK_DNS_DEF(check_dns_dnssec, "dns.dnssec", check_dns_dnssec_start);

const struct check_def *const check_dns_defs[] = {
	&check_dns_apex,
	&check_dns_www,
	&check_dns_subdomains,
	&check_dns_ns,
	&check_dns_dangling,
	&check_dns_ttl,
	&check_dns_caa,
	&check_dns_dnssec,
	&check_dns_ipv6,
	&check_email_mx,
	&check_email_spf,
	&check_email_spf_eval,
	&check_email_dkim,
	&check_email_dmarc,
	&check_email_mta_sts,
	&check_email_tls_rpt,
	NULL
};
