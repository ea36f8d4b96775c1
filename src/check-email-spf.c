/*
 * check-email-spf.c: email.spf (the record and its include tree,
 * breadth-first) and email.spf-eval (the record evaluated for the sending
 * address), on check-dns.c's staged lookups.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

#define EMAIL_SPF_MAX_NODES	60	/* records walked in one SPF tree */

/* ---- email.spf: the record and its include tree, breadth-first --------- */

/* One record of the tree. */
struct spf_node {
	char		*domain;
	char		*via;		/* "include:x" that led here, or NULL */
	int		 depth;
	int		 parent;	/* index, -1 for the top */
	bool		 have;
	struct spf_record rec;
	int		 lookups;	/* DNS-querying terms in this record */
	char		*problem;	/* what is wrong with this node */
};

struct spf_tree {
	struct spf_node	*nodes;
	size_t		 n;
	size_t		 level_start;	/* first node of the level in flight */
	int		 voids;
	struct strlist	 void_terms;
	struct strlist	 issues;	/* warnings */
	bool		 ptr, macros, loop;
	char		*all;		/* the top record's all, e.g. "~all" */
};

static void
check_email_spf_tree_free(void *arg)
{
	struct spf_tree	*t = arg;
	size_t		 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->nodes[i].domain);
		free(t->nodes[i].via);
		free(t->nodes[i].problem);
		if (t->nodes[i].have)
			spf_record_free(&t->nodes[i].rec);
	}
	free(t->nodes);
	strlist_clear(&t->void_terms);
	strlist_clear(&t->issues);
	free(t->all);
	free(t);
}

static struct spf_node *
check_email_spf_add(struct spf_tree *t, const char *domain, const char *via,
    int depth, int parent)
{
	struct spf_node	*n;

	t->nodes = xreallocarray(t->nodes, t->n + 1, sizeof *t->nodes);
	n = &t->nodes[t->n++];
	memset(n, 0, sizeof *n);
	n->domain = xstrdup(domain);
	n->via = via != NULL ? xstrdup(via) : NULL;
	n->depth = depth;
	n->parent = parent;
	return n;
}

/* True when a domain-spec has macros (cannot be followed without a sender). */
static bool
check_email_spf_macro(const char *s)
{
	return s != NULL && strchr(s, '%') != NULL;
}

static void check_email_spf_verdict(struct check_dns *);

/*
 * A level's TXT (and void-counting) lookups are in: parse its records and
 * start the next level, all of whose lookups go out at once.
 */
static void
check_email_spf_level(struct check_dns *cd)
{
	struct spf_tree	*t = cd->extra;
	size_t		 i, j, end = t->n, first = t->level_start;

	for (i = first; i < end; i++) {
		struct spf_node		*n = &t->nodes[i];
		const struct check_dns_look	*l = check_dns_find(cd,
		    n->domain, DNS_T_TXT);
		struct strlist		 recs = { 0 };
		char			*err = NULL;

		for (j = 0; l != NULL && j < l->nrr; j++)
			if (spf_is_record(l->rr[j].text, l->rr[j].len))
				strlist_add(&recs, l->rr[j].text);
		if (l != NULL && recs.n == 0 &&
		    !check_dns_undecided(l->status) &&
		    n->parent >= 0) {
			t->voids += l->nrr == 0;
			if (l->nrr == 0)
				strlist_addf(&t->void_terms, "%s", n->via);
		}
		if (l != NULL && check_dns_undecided(l->status))
			n->problem = xprintf(_("TXT lookup failed: %s"),
			    resolve_status_text(l->status));
		else if (recs.n == 0)
			n->problem = xstrdup(_("no SPF record"));
		else if (recs.n > 1)
			n->problem = xprintf(_("%zu SPF records (permerror)"),
			    recs.n);
		else if (spf_parse(&n->rec, recs.v[0], strlen(recs.v[0]),
		    &err) != 0) {
			n->problem = xprintf(_("syntax error: %s"), err);
			free(err);
		} else
			n->have = true;
		strlist_clear(&recs);
	}
	/* Queue the next level: includes and redirects of this one. */
	t->level_start = end;
	cd->next = check_email_spf_level;
	for (i = first; i < end; i++) {
		struct spf_node *n = &t->nodes[i];

		if (!n->have)
			continue;
		for (j = 0; j < n->rec.nterms; j++) {
			const struct spf_term *term = &n->rec.terms[j];

			if (spf_term_counts(term))
				n->lookups++;
			if (term->kind == SPF_PTR)
				t->ptr = true;
			if (check_email_spf_macro(term->domain)) {
				t->macros = true;
				continue;
			}
			if (term->kind == SPF_INCLUDE ||
			    term->kind == SPF_REDIRECT) {
				bool seen = false;
				int k;

				/* A loop: the target is its own ancestor. */
				for (k = (int)i; k >= 0;
				    k = t->nodes[k].parent)
					if (strcasecmp(t->nodes[k].domain,
					    term->domain) == 0)
						seen = true;
				if (seen) {
					strlist_addf(&t->issues, _("%s: %s "
					    "comes back to a record above it "
					    "(a loop)"), n->domain,
					    term->text);
					t->loop = true;
					continue;
				}
				if (t->n >= EMAIL_SPF_MAX_NODES) {
					if (!strlist_has(&t->issues,
					    _("the tree was cut at 60 records")))
						strlist_add(&t->issues,
						    _("the tree was cut at 60 "
						    "records"));
					continue;
				}
				check_email_spf_add(t, term->domain,
				    term->text, n->depth + 1, (int)i);
				n = &t->nodes[i];
				check_dns_lookup(cd, term->domain, DNS_T_TXT);
			} else if (term->kind == SPF_A ||
			    term->kind == SPF_EXISTS) {
				check_dns_lookup(cd, term->domain != NULL ?
				    term->domain : n->domain, DNS_T_A);
			} else if (term->kind == SPF_MX) {
				check_dns_lookup(cd, term->domain != NULL ?
				    term->domain : n->domain, DNS_T_MX);
			}
		}
	}
	/* No deeper level: judge once the void-counting lookups are in. */
	if (t->n == t->level_start)
		cd->next = check_email_spf_verdict;
	check_dns_settle(cd);
}

/*
 * The all term that ends evaluation, as "<qualifier>all" ("all" alone is
 * "+all"): the top record's first, else, through redirect= (which an all
 * term overrides), the target record's.
 */
static void
check_email_spf_all(struct spf_tree *t)
{
	const struct spf_node	*n = &t->nodes[0];
	const struct spf_term	*redirect;
	size_t			 i, j, hops;

	free(t->all);
	t->all = NULL;
	for (hops = 0; n != NULL && n->have && hops <= t->n; hops++) {
		for (j = 0; j < n->rec.nterms; j++) {
			if (n->rec.terms[j].kind == SPF_ALL) {
				t->all = xprintf("%call",
				    n->rec.terms[j].qualifier);
				return;
			}
		}
		redirect = n->rec.redirect;
		if (redirect == NULL || redirect->domain == NULL ||
		    check_email_spf_macro(redirect->domain))
			return;
		for (i = 1, n = NULL; i < t->n; i++) {
			if (t->nodes[i].have && strcasecmp(t->nodes[i].domain,
			    redirect->domain) == 0) {
				n = &t->nodes[i];
				break;
			}
		}
	}
}

/* Appends the tree as evidence lines, depth first in display order. */
static void
check_email_spf_show(struct check_dns *cd, struct spf_tree *t, int parent,
    int depth)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		struct spf_node	*n = &t->nodes[i];
		const struct check_dns_look *l = check_dns_find(cd, n->domain,
		    DNS_T_TXT);
		const char	*txt = NULL;
		char		*q = NULL;
		int		 lk = n->lookups;

		if (n->parent != parent || depth > 12)
			continue;
		for (size_t j = 0; l != NULL && j < l->nrr; j++)
			if (spf_is_record(l->rr[j].text, l->rr[j].len))
				txt = l->rr[j].text;
		if (txt != NULL)
			q = check_dns_txt_quote(txt, strlen(txt));
		result_evidence(&cd->run->result,
		    "%*s%s%s%s %s [%d DNS %s]%s%s",
		    depth * 2, "", n->via != NULL ? n->via : "",
		    n->via != NULL ? " → " : "", n->domain,
		    q != NULL ? q : "", lk,
		    lk == 1 ? _("lookup") : _("lookups"),
		    n->problem != NULL ? ": " : "",
		    n->problem != NULL ? n->problem : "");
		free(q);
		check_email_spf_show(cd, t, (int)i, depth + 1);
	}
}

static void
check_email_spf_verdict(struct check_dns *cd)
{
	struct spf_tree	*t = cd->extra;
	struct result	*r = &cd->run->result;
	struct spf_node	*top = &t->nodes[0];
	size_t		 i, j;
	int		 total = 0;
	const char	*problem = NULL, *where = NULL;

	/* Void lookups of a/mx/exists terms with literal domains. */
	for (i = 0; i < t->n; i++) {
		struct spf_node *n = &t->nodes[i];

		if (n->lookups > 0)
			total += n->lookups;
		if (n->problem != NULL && problem == NULL && i > 0) {
			problem = n->problem;
			where = n->domain;
		}
		for (j = 0; n->have && j < n->rec.nterms; j++) {
			const struct spf_term *term = &n->rec.terms[j];
			const struct check_dns_look *l = NULL;

			if (check_email_spf_macro(term->domain))
				continue;
			if (term->kind == SPF_A || term->kind == SPF_EXISTS)
				l = check_dns_find(cd, term->domain != NULL ?
				    term->domain : n->domain, DNS_T_A);
			else if (term->kind == SPF_MX)
				l = check_dns_find(cd, term->domain != NULL ?
				    term->domain : n->domain, DNS_T_MX);
			if (l != NULL && l->nrr == 0 &&
			    (l->status == RESOLVE_NXDOMAIN ||
			    l->status == RESOLVE_NODATA)) {
				t->voids++;
				strlist_addf(&t->void_terms, "%s: %s",
				    n->domain, term->text);
			}
		}
	}
	check_email_spf_all(t);
	check_email_spf_show(cd, t, -1, 0);
	result_evidence(r, _("DNS-querying terms in the whole tree: %d of 10"),
	    total);
	result_evidence(r, _("void lookups: %d of 2%s"), t->voids,
	    t->voids > 0 ? ":" : "");
	for (i = 0; i < t->void_terms.n; i++)
		result_evidence(r, "  %s", t->void_terms.v[i]);
	for (i = 0; i < t->issues.n; i++)
		result_evidence(r, "%s", t->issues.v[i]);
	if (t->macros)
		result_evidence(r, "%s", _("terms with macros depend on the "
		    "sender and were not followed (see email.spf-eval)"));

	if (top->problem != NULL) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("the SPF record of %s is invalid: %s"), top->domain,
		    top->problem);
		result_set_fix(r, _("Publish exactly one TXT record starting "
		    "\"v=spf1\" for %s, listing your senders and ending in "
		    "-all or ~all (merge the records if there are several)."),
		    top->domain);
	} else if (t->loop) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL, "%s",
		    _("the SPF include tree loops: evaluation never ends "
		    "within 10 lookups, receivers return permerror"));
		result_set_fix(r, _("Remove the include or redirect that "
		    "points back up the tree (listed above)."));
	} else if (total > 10) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("the SPF tree needs %d DNS lookups, over the limit of "
		    "10: receivers return permerror and SPF fails"), total);
		result_set_fix(r, _("Cut DNS-querying terms to 10 or fewer: "
		    "drop includes of services you no longer use, replace a "
		    "and mx with ip4/ip6 ranges, or flatten an include."));
	} else if (t->voids > 2) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("%d void lookups (names that do not exist), over the "
		    "limit of 2: receivers return permerror"), t->voids);
		result_set_fix(r, _("Remove the terms naming domains that do "
		    "not exist (listed above)."));
	} else if (problem != NULL) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("a record in the SPF tree is broken (%s: %s): "
		    "receivers return permerror"), where, problem);
		result_set_fix(r, _("Fix or remove the term that leads to "
		    "%s."), where);
	} else if (t->all != NULL && strcmp(t->all, "+all") == 0) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL, "%s",
		    _("SPF ends in +all: anyone may send as the domain"));
		result_set_fix(r, _("Replace +all with -all (or ~all while "
		    "you confirm every sender is listed)."));
	} else if (t->all == NULL && top->rec.redirect == NULL) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _("SPF has no all term: mail from anywhere else is "
		    "neutral, not refused"));
		result_set_fix(r, _("End the record with ~all or -all."));
	} else if (t->all != NULL && strcmp(t->all, "?all") == 0) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _("SPF ends in ?all: mail from other servers is neutral, "
		    "which protects nothing"));
		result_set_fix(r, _("Replace ?all with ~all, then -all once "
		    "DMARC reports show every sender passes."));
	} else if (t->ptr) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _("SPF uses the ptr mechanism (slow, unreliable, "
		    "discouraged by RFC 7208)"));
		result_set_fix(r, _("Replace ptr with ip4/ip6 ranges or a or "
		    "mx terms."));
	} else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("one valid SPF record, %d of 10 DNS lookups, ends in "
		    "%s"), total, t->all != NULL ? t->all : "redirect=");
	check_dns_finish(cd);
}

static void
check_email_spf_first(struct check_dns *cd)
{
	const struct check_dns_look	*l = check_dns_find(cd, cd->opt->domain,
	    DNS_T_TXT);
	struct result		*r = &cd->run->result;
	struct strlist		 recs = { 0 };
	struct spf_tree		*t;
	size_t			 i;

	check_email_spf_records(cd, &recs);
	if (recs.n == 0) {
		if (check_dns_undecided(l->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up TXT records: %s"),
			    resolve_status_text(l->status));
		else {
			result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
			    _("no SPF record on %s: anyone can send mail as "
			    "the domain"), cd->opt->domain);
			result_set_fix(r, _("Publish a TXT record "
			    "\"v=spf1 include:<your mail provider> -all\" "
			    "on %s (your provider documents the include)."),
			    cd->opt->domain);
		}
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	if (recs.n > 1) {
		for (i = 0; i < recs.n; i++) {
			char *q = check_dns_txt_quote(recs.v[i],
			    strlen(recs.v[i]));

			result_evidence(r, "%s TXT %s", cd->opt->domain, q);
			free(q);
		}
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("%zu SPF records on %s: receivers return permerror and "
		    "SPF fails"), recs.n, cd->opt->domain);
		result_set_fix(r, _("Merge the %zu v=spf1 TXT records of %s "
		    "into one (keep every include once, one all at the end)."),
		    recs.n, cd->opt->domain);
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	strlist_clear(&recs);
	t = xcalloc(1, sizeof *t);
	cd->extra = t;
	cd->extra_free = check_email_spf_tree_free;
	check_email_spf_add(t, cd->opt->domain, NULL, 0, -1);
	t->level_start = 0;
	check_email_spf_level(cd);
}

static void
check_email_spf_start(struct check_run *run)
{
	check_email_gate(run, check_email_spf_first);
}

/* ---- email.spf-eval ----------------------------------------------------- */

/* A query of the evaluator, over the audit's cache. */
struct check_email_q {
	spf_dns_done	 done;
	void		*arg;
};

static void
check_email_eval_got(void *arg, const struct dns_answer *a)
{
	struct check_email_q	*q = arg;
	struct strlist		 values = { 0 };
	size_t			 i;

	for (i = 0; i < a->nrr; i++) {
		/* A NUL byte stays visible (as 0x01) to the parser. */
		char *v = xmalloc(a->rr[i].len + 1);

		for (size_t j = 0; j < a->rr[i].len; j++)
			v[j] = a->rr[i].text[j] == '\0' ? '\x01' :
			    a->rr[i].text[j];
		v[a->rr[i].len] = '\0';
		strlist_add(&values, v);
		free(v);
	}
	q->done(q->arg, a->status == RESOLVE_LOOP ?
	    RESOLVE_SERVFAIL : a->status, &values);
	strlist_clear(&values);
	free(q);
}

static void
check_email_eval_query(void *ctx, const char *name, int type,
    spf_dns_done done, void *arg)
{
	struct check_dns		*cd = ctx;
	struct check_email_q	*q = xmalloc(sizeof *q);

	q->done = done;
	q->arg = arg;
	dnscache_lookup(cd->audit, cd->run, name, type, check_email_eval_got,
	    q);
}

static void
check_email_eval_done(void *arg, enum spf_result res, const char *expl,
    const struct strlist *trace)
{
	struct check_dns	*cd = arg;
	struct result	*r = &cd->run->result;
	const char	*ip = cd->opt->sender_ip, *d = cd->opt->domain;
	size_t		 i;

	cd->spf = NULL;
	for (i = 0; i < trace->n; i++)
		result_evidence(r, "%s", trace->v[i]);
	if (expl != NULL)
		result_evidence(r, _("explanation: %s"), expl);
	switch (res) {
	case SPF_PASS:
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("check_host(%s, %s) = pass: mail from this IP passes "
		    "SPF"), ip, d);
		break;
	case SPF_FAIL:
		result_set(r, STATUS_FAIL, SEVERITY_HIGH,
		    _("check_host(%s, %s) = fail: receivers will reject mail "
		    "from this IP"), ip, d);
		break;
	case SPF_SOFTFAIL:
		result_set(r, STATUS_WARN, SEVERITY_HIGH,
		    _("check_host(%s, %s) = softfail: mail from this IP will "
		    "likely land in spam"), ip, d);
		break;
	case SPF_NEUTRAL:
	case SPF_NONE:
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("check_host(%s, %s) = %s: SPF says nothing for this IP"),
		    ip, d, spf_result_name(res));
		break;
	case SPF_PERMERROR:
		result_set(r, STATUS_FAIL, SEVERITY_HIGH,
		    _("check_host(%s, %s) = permerror: the SPF record is "
		    "broken, receivers treat it as failing"), ip, d);
		break;
	case SPF_TEMPERROR:
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("check_host(%s, %s) = temperror: a DNS lookup failed"),
		    ip, d);
		break;
	}
	if (res != SPF_PASS && res != SPF_TEMPERROR)
		result_set_fix(r, _("If %s is one of your senders, add it to "
		    "the SPF record of %s (ip4:/ip6: or your provider's "
		    "include)."), ip, d);
	check_dns_finish(cd);
}

static const struct spf_dns *
check_email_eval_dns(struct check_dns *cd)
{
	struct spf_dns	*dns = xcalloc(1, sizeof *dns);

	dns->query = check_email_eval_query;
	dns->ctx = cd;
	cd->extra = dns;
	cd->extra_free = free;
	return dns;
}

static void
check_email_eval_real(struct check_dns *cd)
{
	char	*sender = xprintf("postmaster@%s", cd->opt->domain);

	cd->spf = spf_eval_start(check_email_eval_dns(cd),
	    cd->opt->sender_ip, cd->opt->domain, sender, cd->opt->domain,
	    check_email_eval_done, cd);
	free(sender);
}

static void
check_email_eval_start(struct check_run *run)
{
	unsigned char	addr[16];

	if (run->audit->opt->sender_ip == NULL) {
		check_dns_new(run, NULL);
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not evaluated: no sender IP given (--sender-ip IP asks "
		    "\"would mail from this IP pass SPF?\")"));
		check_finish(run);
		return;
	}
	if (spf_parse_ip(run->audit->opt->sender_ip, addr) == 0) {
		check_dns_new(run, NULL);
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("--sender-ip %s is not an IPv4 or IPv6 address"),
		    run->audit->opt->sender_ip);
		check_finish(run);
		return;
	}
	/* A sender IP says the product sends mail: no gate. */
	check_email_eval_real(check_dns_new(run, NULL));
}

CHECK_EMAIL_DEF(check_email_spf, "email.spf", check_email_spf_start);
CHECK_EMAIL_DEF(check_email_spf_eval, "email.spf-eval",
    check_email_eval_start);
