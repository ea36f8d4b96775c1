/*
 * check-ipv6.c: IPv6 for the site and its mail. dns.ipv6 (a check of the
 * dns engine, struct check_dns) reads the AAAA records of the apex, www
 * and each MX host; http.ipv6 (a web check, struct web_job) walks every
 * web host's redirects once over IPv6 and once over IPv4 and compares
 * where they end. No AAAA is information; an AAAA that does not answer is
 * worse than none (visitors whose network prefers IPv6 wait, then fail).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "web.h"

/* ---- dns.ipv6 ------------------------------------------------------------ */

/* The names dns.ipv6 looks at: apex, www, then each MX host (once). */
static void
check_ipv6_names(struct check_dns *cd, struct strlist *names)
{
	const struct check_dns_look	*mx;
	size_t				 i;

	for (i = 0; i < 2 && i < cd->hosts.n; i++)
		strlist_add(names, cd->hosts.v[i]);
	mx = check_dns_find(cd, cd->opt->domain, DNS_T_MX);
	for (i = 0; mx != NULL && i < mx->nrr; i++) {
		if (strcmp(mx->rr[i].text, ".") != 0 &&
		    !strlist_has(names, mx->rr[i].text))
			strlist_add(names, mx->rr[i].text);
	}
}

/* The prefix of names->v[i] in evidence: "apex ", "" (www) or "MX ". */
static const char *
check_ipv6_role(size_t i)
{
	return i == 0 ? _("apex ") : i == 1 ? "" : "MX ";
}

/* Every AAAA is in: the verdict. */
static void
check_ipv6_dns_done(struct check_dns *cd)
{
	struct result		*r = &cd->run->result;
	const struct check_dns_look	*l, *mx;
	struct strlist		 names = { 0 }, without = { 0 };
	size_t			 i, j, have = 0;
	const char		*undecided = NULL;
	enum resolve_status	 ustatus = RESOLVE_OK;
	char			*list;

	check_ipv6_names(cd, &names);
	mx = check_dns_find(cd, cd->opt->domain, DNS_T_MX);
	for (i = 0; i < names.n; i++) {
		l = check_dns_find(cd, names.v[i], DNS_T_AAAA);
		if (l == NULL)
			continue;
		for (j = 0; j < l->chain.n; j++)
			result_evidence(r, "%s", l->chain.v[j]);
		for (j = 0; j < l->nrr; j++)
			result_evidence(r, "%s%s: %s", check_ipv6_role(i),
			    names.v[i], check_dns_rr_text(&l->rr[j]));
		if (l->nrr > 0)
			have++;
		else if (check_dns_undecided(l->status)) {
			result_evidence(r, _("%s%s: AAAA lookup: %s"),
			    check_ipv6_role(i), names.v[i],
			    resolve_status_text(l->status));
			if (undecided == NULL) {
				undecided = names.v[i];
				ustatus = l->status;
			}
		} else {
			result_evidence(r, _("%s%s: no AAAA record (%s)"),
			    check_ipv6_role(i), names.v[i],
			    resolve_status_text(l->status));
			strlist_add(&without, names.v[i]);
		}
	}
	if (mx != NULL && mx->nrr == 0) {
		if (check_dns_undecided(mx->status) && undecided == NULL) {
			undecided = cd->opt->domain;
			ustatus = mx->status;
		}
		result_evidence(r, _("MX of %s: %s (no mail host to look at)"),
		    cd->opt->domain, resolve_status_text(mx->status));
	}
	list = strlist_join(&without, ", ");
	if (undecided != NULL)
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up %s: %s"), undecided,
		    resolve_status_text(ustatus));
	else if (have == names.n)
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("%zu name has an AAAA record",
		    "every web and mail host (%zu) has an AAAA record",
		    names.n), names.n);
	else {
		if (have == 0)
			result_set(r, STATUS_WARN, SEVERITY_INFO, "%s",
			    _("no AAAA record: the site and its mail are "
			    "reachable over IPv4 only"));
		else
			result_set(r, STATUS_WARN, SEVERITY_INFO,
			    _("%zu of %zu names have an AAAA record; IPv4 "
			    "only: %s"), have, names.n, list);
		result_set_fix(r, _("Ask the host or CDN for IPv6 addresses "
		    "and add AAAA records beside the A records, once each "
		    "server answers on them (http.ipv6 tests the web hosts): "
		    "an AAAA that does not answer is worse than none."));
	}
	free(list);
	strlist_clear(&names);
	strlist_clear(&without);
	check_dns_finish(cd);
}

/* The MX answer is in: look up every MX host's AAAA. */
static void
check_ipv6_dns_mx(struct check_dns *cd)
{
	struct strlist	names = { 0 };
	size_t		i;

	check_ipv6_names(cd, &names);
	cd->next = check_ipv6_dns_done;
	for (i = 2; i < names.n; i++)
		check_dns_lookup(cd, names.v[i], DNS_T_AAAA);
	strlist_clear(&names);
	check_dns_settle(cd);
}

static void
check_ipv6_dns_start(struct check_run *run)
{
	struct check_dns	*cd = check_dns_new(run, check_ipv6_dns_mx);
	size_t			 i;

	for (i = 0; i < 2 && i < cd->hosts.n; i++)
		check_dns_lookup(cd, cd->hosts.v[i], DNS_T_AAAA);
	check_dns_lookup(cd, cd->opt->domain, DNS_T_MX);
	check_dns_settle(cd);
}

const struct check_def check_dns_ipv6 = {
	.id = "dns.ipv6",
	.start = check_ipv6_dns_start,
	.cancel = check_dns_cancel,
	.free = check_dns_free,
};

/* ---- http.ipv6 ----------------------------------------------------------- */

/* What one host's two walks say. */
enum ipv6_verdict {
	V6_NONE,	/* no AAAA: not tested */
	V6_SAME,	/* same final URL over both */
	V6_ONLY,	/* answers over IPv6, IPv4 did not */
	V6_DIFFERENT,	/* another final URL or status */
	V6_NO_TARGET,	/* sent to a host without AAAA */
	V6_BROKEN,	/* an AAAA that does not answer */
	V6_NEITHER,	/* no answer over IPv4 either */
	V6_UNDECIDED	/* the lookup itself failed */
};

/* The slot of host i over family (tag 2i for IPv4, 2i+1 for IPv6). */
static struct slot *
check_ipv6_slot(struct web_job *job, size_t i, int family)
{
	struct slot	*s;
	size_t		 k;

	WEB_SLOTS(job, 0, s, k) {
		if (s->tag == (int)(2 * i + (family == 6)))
			return s;
	}
	return NULL;
}

/* The last hop of a walk (the one that failed, when it failed). */
static const struct http_resp *
check_ipv6_last(const struct chain *c)
{
	return c != NULL && c->nhops > 0 ? c->hops[c->nhops - 1] : NULL;
}

/* Judges one host from its walks, adding its evidence. */
static enum ipv6_verdict
check_ipv6_host(struct web_job *job, const char *host, const struct slot *s4,
    const struct slot *s6)
{
	const struct http_resp	*first, *last, *f4, *f6;
	char			*l4, *l6;
	enum ipv6_verdict	 v;

	first = s6->c != NULL && s6->c->nhops > 0 ? s6->c->hops[0] : NULL;
	last = check_ipv6_last(s6->c);
	if (first == NULL || first->no_family || web_unresolved(first))
		return V6_NONE;
	if (first->status == 0 && first->ip == NULL) {
		web_no_answer(job, host, first);
		return V6_UNDECIDED;
	}
	l6 = chain_format(s6->c);
	if (s6->c->end == CHAIN_ERROR) {
		if (last->no_family) {
			result_evidence(r_of(job), _("%s over IPv6: %s; %s"),
			    host, l6, last->error);
			free(l6);
			return V6_NO_TARGET;
		}
		result_evidence(r_of(job), _("%s over IPv6 (%s): no answer: "
		    "%s"), host, last->ip ? last->ip : "?",
		    last->error ? last->error : "?");
		free(l6);
		if (s4 == NULL || s4->c == NULL || s4->c->nhops == 0 ||
		    s4->c->hops[0]->status == 0) {
			/* Not IPv6's fault: IPv4 does not answer either. */
			const struct http_resp *h4 = s4 != NULL &&
			    s4->c != NULL && s4->c->nhops > 0 ?
			    s4->c->hops[0] : NULL;

			result_evidence(r_of(job), _("%s over IPv4: no answer "
			    "either: %s"), host, h4 != NULL && h4->error ?
			    h4->error : _("no response"));
			return V6_NEITHER;
		}
		return V6_BROKEN;
	}
	f6 = chain_final(s6->c);
	f4 = s4 != NULL && s4->c != NULL && s4->c->end == CHAIN_OK ?
	    chain_final(s4->c) : NULL;
	if (f4 == NULL) {
		result_evidence(r_of(job), _("%s over IPv6 (%s): %s; over "
		    "IPv4 no final page to compare"), host,
		    first->ip ? first->ip : "?", l6);
		free(l6);
		return V6_ONLY;
	}
	l4 = chain_format(s4->c);
	if (s6->c->end == CHAIN_OK && f6->status == f4->status &&
	    strcmp(f6->url, f4->url) == 0) {
		result_evidence(r_of(job), _("%s over IPv6 (%s): %s, as over "
		    "IPv4"), host, first->ip ? first->ip : "?", l6);
		v = V6_SAME;
	} else {
		result_evidence(r_of(job), _("%s over IPv6 (%s): %s"), host,
		    first->ip ? first->ip : "?", l6);
		result_evidence(r_of(job), _("%s over IPv4 (%s): %s"), host,
		    s4->c->hops[0]->ip ? s4->c->hops[0]->ip : "?", l4);
		v = V6_DIFFERENT;
	}
	free(l4);
	free(l6);
	return v;
}

/* Walks every web host over both families, then compares. */
static void
check_ipv6_http_step(struct web_job *job)
{
	struct strlist	 hosts = { 0 }, by[V6_UNDECIDED + 1];
	struct slot	*s4, *s6;
	size_t		 i, tested;
	char		*url, *list;
	struct result	*r = r_of(job);

	options_hosts(OPT(job), &hosts);
	if (job->job.stage == 0) {
		for (i = 0; i < hosts.n; i++) {
			url = xprintf("https://%s/", hosts.v[i]);
			web_job_chain_family(job, url, 4, (int)(2 * i),
			    hosts.v[i]);
			web_job_chain_family(job, url, 6, (int)(2 * i + 1),
			    hosts.v[i]);
			free(url);
		}
		job->job.stage = 1;
		strlist_clear(&hosts);
		return;
	}
	memset(by, 0, sizeof by);
	for (i = 0; i < hosts.n; i++) {
		s4 = check_ipv6_slot(job, i, 4);
		s6 = check_ipv6_slot(job, i, 6);
		if (s6 == NULL)
			continue;
		strlist_add(&by[check_ipv6_host(job, hosts.v[i], s4, s6)],
		    hosts.v[i]);
	}
	tested = by[V6_SAME].n + by[V6_ONLY].n + by[V6_DIFFERENT].n +
	    by[V6_NO_TARGET].n + by[V6_BROKEN].n;
	if (by[V6_NONE].n > 0) {
		list = strlist_join(&by[V6_NONE], ", ");
		result_evidence(r, _("no AAAA record (not tested over IPv6): "
		    "%s"), list);
		free(list);
	}
	if (by[V6_BROKEN].n > 0) {
		list = strlist_join(&by[V6_BROKEN], ", ");
		result_set(r, STATUS_FAIL, SEVERITY_HIGH, ngettext(
		    "%s has an AAAA record but does not answer over IPv6",
		    "%s have AAAA records but do not answer over IPv6",
		    by[V6_BROKEN].n), list);
		result_set_fix(r, _("Make the server listen on the AAAA "
		    "address (nginx: listen [::]:443 ssl;) and open IPv6 in "
		    "the firewall, or remove the AAAA record until it does: "
		    "a broken AAAA is worse than none."));
		free(list);
	} else if (by[V6_DIFFERENT].n > 0) {
		list = strlist_join(&by[V6_DIFFERENT], ", ");
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, ngettext(
		    "%s ends at another page over IPv6 than over IPv4",
		    "%s end at other pages over IPv6 than over IPv4",
		    by[V6_DIFFERENT].n), list);
		result_set_fix(r, _("The AAAA record points at another server "
		    "(or another server block) than the A record: point both "
		    "at the same site, with the same redirects."));
		free(list);
	} else if (by[V6_NO_TARGET].n > 0) {
		list = strlist_join(&by[V6_NO_TARGET], ", ");
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("over IPv6 %s redirects to a host without an AAAA "
		    "record"), list);
		free(list);
	} else if (by[V6_NEITHER].n > 0) {
		list = strlist_join(&by[V6_NEITHER], ", ");
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("%s answered over neither IPv6 nor IPv4: nothing to "
		    "compare"), list);
		free(list);
	} else if (by[V6_UNDECIDED].n > 0) {
		list = strlist_join(&by[V6_UNDECIDED], ", ");
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up the addresses of %s"), list);
		free(list);
	} else if (tested == 0)
		result_set(r, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not applicable: no web host has an AAAA record, so "
		    "there is no IPv6 to test (dns.ipv6 says so)"));
	else
		result_set(r, STATUS_PASS, SEVERITY_NONE, ngettext(
		    "%zu host with an AAAA record answers over IPv6 with the "
		    "same final page as over IPv4",
		    "the %zu hosts with an AAAA record answer over IPv6 with "
		    "the same final page as over IPv4", tested), tested);
	for (i = 0; i < nitems(by); i++)
		strlist_clear(&by[i]);
	strlist_clear(&hosts);
	web_job_finish(job);
}

static void
check_ipv6_http_start(struct check_run *run)
{
	web_job_start(run, check_ipv6_http_step, 0);
}

const struct check_def check_http_ipv6 = {
	.id = "http.ipv6",
	.start = check_ipv6_http_start,
	.cancel = web_job_cancel,
	.free = web_job_free
};
