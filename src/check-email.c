/*
 * check-email.c: email.* checks: whether email applies, MX, DKIM, DMARC,
 * MTA-STS, TLS-RPT (SPF is check-email-spf.c).
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

/* ---- does email apply? -------------------------------------------------- */

/* The TXT records of name that start with prefix (case-insensitive). */
static void
check_email_txt(struct check_dns *cd, const char *name, const char *prefix,
    struct strlist *out)
{
	const struct check_dns_look	*l = check_dns_find(cd, name,
	    DNS_T_TXT);
	size_t			 i, pl = strlen(prefix);

	if (l == NULL)
		return;
	for (i = 0; i < l->nrr; i++) {
		if (l->rr[i].len >= pl &&
		    strncasecmp(l->rr[i].text, prefix, pl) == 0)
			strlist_add(out, l->rr[i].text);
	}
}

/* The SPF records among the apex TXT records. */
void
check_email_spf_records(struct check_dns *cd, struct strlist *out)
{
	const struct check_dns_look	*l = check_dns_find(cd, cd->opt->domain,
	    DNS_T_TXT);
	size_t			 i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nrr; i++) {
		if (spf_is_record(l->rr[i].text, l->rr[i].len))
			strlist_add(out, l->rr[i].text);
	}
}

/* The real first stage of each email check, run once email applies. */
static void
check_email_gate_done(struct check_dns *cd)
{
	const struct check_dns_look	*mx = check_dns_find(cd,
	    cd->opt->domain, DNS_T_MX);
	const struct check_dns_look	*txt = check_dns_find(cd,
	    cd->opt->domain,
	    DNS_T_TXT);
	struct strlist		 spf = { 0 };
	void			(*real)(struct check_dns *) = cd->gate_next;

	check_email_spf_records(cd, &spf);
	cd->gate_next = NULL;
	if (cd->opt->email == 1 || mx->nrr > 0 || spf.n > 0) {
		strlist_clear(&spf);
		real(cd);
		return;
	}
	strlist_clear(&spf);
	if (check_dns_undecided(mx->status) ||
	    check_dns_undecided(txt->status)) {
		result_set(&cd->run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("could not tell whether the domain uses email (MX/TXT "
		    "lookup: %s); give --email yes or no"),
		    resolve_status_text(check_dns_undecided(mx->status) ?
		    mx->status : txt->status));
	} else
		result_set(&cd->run->result, STATUS_SKIPPED, SEVERITY_NONE,
		    "%s", _("not applicable: the domain has no MX and no SPF "
		    "record and email use was not declared, so this was "
		    "not checked (give --email yes to check it)"));
	check_dns_finish(cd);
}

/*
 * Starts an email check: real runs at once when the product sends email,
 * after the MX/SPF lookups when undecided, never when it does not.
 */
void
check_email_gate(struct check_run *run, void (*real)(struct check_dns *))
{
	struct check_dns	*cd = check_dns_new(run, NULL);

	if (cd->opt->email == 0) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not applicable: the product does not send email "
		    "(--email no), so this was not checked"));
		check_dns_finish(cd);
		return;
	}
	cd->next = check_email_gate_done;
	cd->gate_next = real;
	check_dns_lookup(cd, cd->opt->domain, DNS_T_MX);
	check_dns_lookup(cd, cd->opt->domain, DNS_T_TXT);
}

/* ---- email.mx ------------------------------------------------------------ */

static void
check_email_mx_targets(struct check_dns *cd)
{
	const struct check_dns_look	*mx = check_dns_find(cd,
	    cd->opt->domain, DNS_T_MX);
	struct result		*r = &cd->run->result;
	struct strlist		 dead = { 0 }, cname = { 0 };
	size_t			 i, j;
	bool			 undecided = false;
	char			*list;

	for (i = 0; i < mx->nrr; i++) {
		const char *t = mx->rr[i].text;
		const struct check_dns_look *a = check_dns_find(cd, t, DNS_T_A);
		const struct check_dns_look *a6 = check_dns_find(cd, t,
		    DNS_T_AAAA);

		result_evidence(r, "%s", check_dns_rr_text(&mx->rr[i]));
		for (j = 0; j < a->chain.n; j++)
			result_evidence(r, "  %s", a->chain.v[j]);
		if (a->chain.n > 0)
			strlist_add(&cname, t);
		for (j = 0; j < a->nrr; j++)
			result_evidence(r, "  %s %s", a->final,
			    check_dns_rr_text(&a->rr[j]));
		for (j = 0; j < a6->nrr; j++)
			result_evidence(r, "  %s %s", a6->final,
			    check_dns_rr_text(&a6->rr[j]));
		if (a->nrr == 0 && a6->nrr == 0) {
			if (check_dns_undecided(a->status) && !a->loop)
				undecided = true;
			else
				strlist_add(&dead, t);
			result_evidence(r, _("  %s: no address: %s"), t,
			    resolve_status_text(a->status));
		}
	}
	if (dead.n > 0) {
		list = strlist_join(&dead, ", ");
		result_set(r, STATUS_FAIL, SEVERITY_HIGH,
		    _("MX target does not resolve: %s (mail to the domain "
		    "cannot be delivered there)"), list);
		result_set_fix(r, _("Point the MX records at mail servers that "
		    "exist (your mail provider lists them), or remove the "
		    "dead MX %s."), list);
		free(list);
	} else if (undecided)
		result_set(r, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("some MX targets could not be looked up"));
	else if (cname.n > 0) {
		list = strlist_join(&cname, ", ");
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("MX target is a CNAME: %s (RFC 5321 forbids it; some "
		    "senders will not deliver)"), list);
		result_set_fix(r, _("Point the MX record at the canonical "
		    "host name (the CNAME's target) instead of %s."), list);
		free(list);
	} else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("%zu MX record, its target resolves",
		    "%zu MX records, every target resolves", mx->nrr),
		    mx->nrr);
	strlist_clear(&dead);
	strlist_clear(&cname);
	check_dns_finish(cd);
}

static void
check_email_mx_real(struct check_dns *cd)
{
	const struct check_dns_look	*mx = check_dns_find(cd,
	    cd->opt->domain, DNS_T_MX);
	struct result		*r = &cd->run->result;
	size_t			 i;

	if (mx->nrr == 0) {
		if (check_dns_undecided(mx->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up MX: %s"),
			    resolve_status_text(mx->status));
		else {
			result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("no MX record: replies and bounces to the "
			    "domain are lost (%s)"),
			    resolve_status_text(mx->status));
			result_set_fix(r, _("Add MX records for the mailbox "
			    "provider, or a null MX (MX 0 .) to say the domain "
			    "receives no mail."));
		}
		check_dns_finish(cd);
		return;
	}
	if (mx->nrr == 1 && strcmp(mx->rr[0].text, ".") == 0) {
		result_evidence(r, "%s", check_dns_rr_text(&mx->rr[0]));
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("null MX (0 .): the domain says it receives no mail"));
		check_dns_finish(cd);
		return;
	}
	cd->next = check_email_mx_targets;
	for (i = 0; i < mx->nrr; i++) {
		check_dns_lookup(cd, mx->rr[i].text, DNS_T_A);
		check_dns_lookup(cd, mx->rr[i].text, DNS_T_AAAA);
	}
	check_dns_settle(cd);
}

static void
check_email_mx_start(struct check_run *run)
{
	check_email_gate(run, check_email_mx_real);
}

/* ---- email.dkim ---------------------------------------------------------- */

/* True when the domain's only SPF record authorises no sender at all. */
static bool
check_email_sends_nothing(struct check_dns *cd)
{
	struct strlist	spf = { 0 };
	bool		nothing;

	check_email_spf_records(cd, &spf);
	nothing = spf.n == 1 && strcasecmp(spf.v[0], "v=spf1 -all") == 0;
	strlist_clear(&spf);
	return nothing;
}

static void
check_email_dkim_done(struct check_dns *cd)
{
	struct strlist	*sels = cd->extra;
	struct result	*r = &cd->run->result;
	size_t		 i, j, found = 0, undecided = 0;
	enum status	 st = STATUS_PASS;
	enum severity	 sev = SEVERITY_NONE;
	char		*summary = NULL;

	for (i = 0; i < sels->n; i++) {
		char *name = xprintf("%s._domainkey.%s", sels->v[i],
		    cd->opt->domain);
		const struct check_dns_look *l = check_dns_find(cd, name,
		    DNS_T_TXT);

		free(name);
		if (check_dns_undecided(l->status) && !l->loop) {
			undecided++;
			continue;
		}
		for (j = 0; j < l->nrr; j++) {
			struct dkim_key	 k;
			char		*err = NULL;
			const char	*txt = l->rr[j].text;

			if (strstr(txt, "p=") == NULL && strncmp(txt, "v=DKIM1",
			    7) != 0)
				continue;
			found++;
			if (dkim_parse(&k, txt, l->rr[j].len, &err) != 0) {
				result_evidence(r, _("selector %s: %s"),
				    sels->v[i], err);
				if (st != STATUS_FAIL) {
					free(summary);
					summary = xprintf(_("DKIM key of "
					    "selector %s is broken: %s"),
					    sels->v[i], err);
				}
				st = STATUS_FAIL;
				sev = SEVERITY_HIGH;
				free(err);
				continue;
			}
			if (k.revoked) {
				result_evidence(r, _("selector %s: revoked "
				    "(empty p=)"), sels->v[i]);
			} else {
				result_evidence(r, _("selector %s: %s %d bits "
				    "(k=%s%s%s)"), sels->v[i], k.keytype,
				    k.bits,
				    k.k, k.testing ? _(", t=y testing") : "",
				    "");
				if (strcmp(k.keytype, "RSA") == 0 &&
				    k.bits < 1024) {
					st = STATUS_FAIL;
					sev = SEVERITY_HIGH;
					free(summary);
					summary = xprintf(_("DKIM key of "
					    "selector %s has only %d bits "
					    "(forgeable)"), sels->v[i], k.bits);
				} else if (st == STATUS_PASS &&
				    strcmp(k.keytype, "RSA") == 0 &&
				    k.bits < 2048) {
					st = STATUS_WARN;
					sev = SEVERITY_MEDIUM;
					free(summary);
					summary = xprintf(_("DKIM key of "
					    "selector %s has %d bits (2048 "
					    "recommended)"), sels->v[i],
					    k.bits);
				} else if (st == STATUS_PASS && k.testing) {
					st = STATUS_WARN;
					sev = SEVERITY_MEDIUM;
					free(summary);
					summary = xprintf(_("DKIM selector %s "
					    "is in testing mode (t=y): "
					    "receivers ignore failures"),
					    sels->v[i]);
				}
			}
			dkim_key_free(&k);
		}
	}
	result_evidence(r, _("selectors tried: %zu"), sels->n);
	if (found == 0 && cd->opt->email != 1 &&
	    check_email_sends_nothing(cd)) {
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("no DKIM selector found, and the SPF record (-all with "
		    "no sender) says the domain sends no mail"));
	} else if (found == 0) {
		if (undecided > 0)
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("%zu selector lookups failed, none found"),
			    undecided);
		else {
			result_set(r, STATUS_FAIL, SEVERITY_HIGH, "%s",
			    _("no DKIM selector found among those tried: mail "
			    "is not signed, or under a selector not tried "
			    "(give it with --dkim-selectors)"));
			result_set_fix(r, _("Turn on DKIM signing at your mail "
			    "provider and publish its selector record "
			    "(<selector>._domainkey.%s), then pass the "
			    "selector with --dkim-selectors."),
			    cd->opt->domain);
		}
	} else if (st == STATUS_PASS) {
		bool all_revoked = true;

		for (i = 0; i < r->nevidence; i++)
			if (strstr(r->evidence[i], "bits") != NULL)
				all_revoked = false;
		result_set(r, STATUS_PASS, all_revoked ? SEVERITY_INFO :
		    SEVERITY_NONE, all_revoked ? _("only revoked DKIM keys "
		    "(empty p=) found") : ngettext("DKIM key found and sound (%zu record)",
		    "DKIM keys found, all sound (%zu records)", found), found);
	} else {
		result_set(r, st, sev, "%s", summary);
		if (sev == SEVERITY_HIGH)
			result_set_fix(r, _("Generate a new 2048-bit DKIM key "
			    "at the mail provider, publish it under a new "
			    "selector, switch signing to it, then revoke the "
			    "old one (empty p=)."));
		else
			result_set_fix(r, _("Rotate the DKIM key to 2048 bits "
			    "(new selector, switch signing, revoke the old) and "
			    "remove t=y once signing works."));
	}
	free(summary);
	check_dns_finish(cd);
}

static void
check_email_dkim_sels_free(void *arg)
{
	strlist_clear(arg);
	free(arg);
}

static void
check_email_dkim_real(struct check_dns *cd)
{
	const struct strlist	*known;
	struct strlist		*sels;
	size_t			 i;

	/* A damaged selector list must not read as "no DKIM". */
	if ((known = data_need(cd->run, DATA_DKIM_SELECTORS)) == NULL) {
		check_dns_finish(cd);
		return;
	}
	sels = xcalloc(1, sizeof *sels);
	strlist_copy(sels, &cd->opt->dkim_selectors);
	for (i = 0; i < known->n; i++) {
		if (!strlist_has(sels, known->v[i]))
			strlist_add(sels, known->v[i]);
	}
	cd->extra = sels;
	cd->extra_free = check_email_dkim_sels_free;
	cd->next = check_email_dkim_done;
	for (i = 0; i < sels->n; i++) {
		char *name = xprintf("%s._domainkey.%s", sels->v[i],
		    cd->opt->domain);

		check_dns_lookup(cd, name, DNS_T_TXT);
		free(name);
	}
	check_dns_settle(cd);
}

static void
check_email_dkim_start(struct check_run *run)
{
	check_email_gate(run, check_email_dkim_real);
}

/* ---- email.dmarc ------------------------------------------------------ */

struct check_email_dmarc {
	char			*where;		/* _dmarc name of the record */
	struct dmarc_record	 rec;
	bool			 have;
	struct strlist		 outside;	/* authorisation names */
};

static void
check_email_dmarc_free(void *arg)
{
	struct check_email_dmarc	*d = arg;

	if (d == NULL)
		return;
	free(d->where);
	if (d->have)
		dmarc_record_free(&d->rec);
	strlist_clear(&d->outside);
	free(d);
}

static void
check_email_dmarc_verdict(struct check_dns *cd)
{
	struct check_email_dmarc	*d = cd->extra;
	struct dmarc_record		*rec = &d->rec;
	struct result			*r = &cd->run->result;
	struct strlist			 unauth = { 0 }, unknown = { 0 };
	size_t				 i;
	char				*list;

	for (i = 0; i < d->outside.n; i++) {
		struct strlist ok = { 0 };
		const struct check_dns_look *l = check_dns_find(cd,
		    d->outside.v[i], DNS_T_TXT);

		check_email_txt(cd, d->outside.v[i], "v=DMARC1", &ok);
		if (ok.n == 0 && l != NULL && check_dns_undecided(l->status)) {
			/* Not looked up: neither authorised nor not. */
			strlist_add(&unknown, d->outside.v[i]);
			result_evidence(r, _("outside report address: could "
			    "not look up %s: %s"), d->outside.v[i],
			    resolve_status_text(l->status));
		} else if (ok.n == 0) {
			strlist_add(&unauth, d->outside.v[i]);
			result_evidence(r, _("outside report address not "
			    "authorised: no v=DMARC1 TXT at %s"),
			    d->outside.v[i]);
		} else
			result_evidence(r, _("outside report address "
			    "authorised by %s"), d->outside.v[i]);
		strlist_clear(&ok);
	}
	if (dmarc_policy_rank(rec->p) == 0) {
		result_set(r, STATUS_WARN, SEVERITY_HIGH, "%s",
		    _("DMARC p=none: spoofed mail is still delivered"));
		result_set_fix(r, _("Once the aggregate reports show your own "
		    "mail passes, move to p=quarantine, then p=reject."));
		if (rec->rua.n == 0)
			result_evidence(r, "%s", _("also: no rua= address, so "
			    "nobody receives the reports needed to move on"));
	} else if (rec->rua.n == 0) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _("DMARC has no rua= address: nobody receives aggregate "
		    "reports"));
		result_set_fix(r, _("Add rua=mailto:dmarc@%s (or your DMARC "
		    "report service) to the record."), cd->opt->domain);
	} else if (rec->sp != NULL &&
	    dmarc_policy_rank(rec->sp) < dmarc_policy_rank(rec->p)) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("sp=%s is weaker than p=%s: subdomains can be spoofed"),
		    rec->sp, rec->p);
		result_set_fix(r, _("Set sp= to at least p=%s (or remove it)."),
		    rec->p);
	} else if (unauth.n > 0) {
		list = strlist_join(&unauth, ", ");
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("outside rua address not authorised (%s): its reports "
		    "are not sent"), list);
		result_set_fix(r, _("Ask the report receiver to publish "
		    "\"v=DMARC1\" at %s, or use an address in your own "
		    "domain."), list);
		free(list);
	} else if (unknown.n > 0) {
		list = strlist_join(&unknown, ", ");
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("the authorisation of an outside report address could "
		    "not be looked up (%s)"), list);
		free(list);
	} else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("DMARC p=%s with aggregate reports"), rec->p);
	strlist_clear(&unauth);
	strlist_clear(&unknown);
	check_dns_finish(cd);
}

/* The record found at name: parse it and look up outside rua domains. */
static void
check_email_dmarc_parse(struct check_dns *cd, const char *name)
{
	struct check_email_dmarc	*d = cd->extra;
	struct result			*r = &cd->run->result;
	struct strlist			 recs = { 0 };
	const char			*org =
	    dmarc_org_domain(cd->opt->domain);
	char				*err = NULL, *q;
	size_t				 i;

	check_email_txt(cd, name, "v=DMARC1", &recs);
	for (i = 0; i < recs.n; i++) {
		q = check_dns_txt_quote(recs.v[i], strlen(recs.v[i]));
		result_evidence(r, "%s TXT %s", name, q);
		free(q);
	}
	if (recs.n > 1) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("%zu DMARC records at %s: receivers ignore them all"),
		    recs.n, name);
		result_set_fix(r, _("Keep exactly one v=DMARC1 TXT record at "
		    "%s."), name);
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	if (dmarc_parse(&d->rec, recs.v[0], strlen(recs.v[0]), &err) != 0) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    _("the DMARC record is invalid: %s"), err);
		result_set_fix(r, _("Fix the record at %s: %s. A minimal valid "
		    "record is \"v=DMARC1; p=quarantine; rua=mailto:dmarc@%s\"."),
		    name, err, cd->opt->domain);
		free(err);
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	strlist_clear(&recs);
	d->have = true;
	result_evidence(r, _("tags: p=%s sp=%s np=%s pct=%d adkim=%c aspf=%c "
	    "rua=%zu ruf=%zu"), d->rec.p, d->rec.sp != NULL ? d->rec.sp : "-",
	    d->rec.np != NULL ? d->rec.np : "-", d->rec.pct, d->rec.adkim,
	    d->rec.aspf, d->rec.rua.n, d->rec.ruf.n);
	for (i = 0; i < d->rec.warnings.n; i++)
		result_evidence(r, "%s", d->rec.warnings.v[i]);
	/* rua/ruf outside the organisational domain need authorising. */
	cd->next = check_email_dmarc_verdict;
	for (i = 0; i < d->rec.rua.n + d->rec.ruf.n; i++) {
		const char *uri = i < d->rec.rua.n ? d->rec.rua.v[i] :
		    d->rec.ruf.v[i - d->rec.rua.n];
		char *dest = dmarc_uri_domain(uri), *auth;

		if (dest == NULL)
			continue;
		if (strcasecmp(dmarc_org_domain(dest), org) != 0) {
			/* RFC 7489 7.1: the domain the policy came from. */
			auth = xprintf("%s._report._dmarc.%s", name + 7, dest);
			if (!strlist_has(&d->outside, auth))
				strlist_add(&d->outside, auth);
			check_dns_lookup(cd, auth, DNS_T_TXT);
			free(auth);
		}
		free(dest);
	}
	check_dns_settle(cd);
}

static void
check_email_dmarc_org(struct check_dns *cd)
{
	struct check_email_dmarc	*d = cd->extra;
	struct strlist			 recs = { 0 };
	const struct check_dns_look		*l = check_dns_find(cd,
	    d->where, DNS_T_TXT);

	check_email_txt(cd, d->where, "v=DMARC1", &recs);
	if (recs.n == 0) {
		struct result *r = &cd->run->result;

		if (check_dns_undecided(l->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up %s: %s"), d->where,
			    resolve_status_text(l->status));
		else {
			result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
			    _("no DMARC record at %s: receivers have no policy "
			    "against spoofed mail"), d->where);
			result_set_fix(r,
			    _("Publish a TXT record at _dmarc.%s: "
			    "\"v=DMARC1; p=none; rua=mailto:dmarc@%s\" to start "
			    "collecting reports, then move to quarantine."),
			    cd->opt->domain, cd->opt->domain);
		}
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	strlist_clear(&recs);
	if (strncmp(d->where + 7, cd->opt->domain, strlen(cd->opt->domain))
	    != 0)
		result_evidence(&cd->run->result, _("no record at _dmarc.%s: "
		    "the organisational domain's applies"), cd->opt->domain);
	check_email_dmarc_parse(cd, d->where);
}

static void
check_email_dmarc_first(struct check_dns *cd)
{
	struct check_email_dmarc	*d = cd->extra;
	struct strlist			 recs = { 0 };
	const char			*org =
	    dmarc_org_domain(cd->opt->domain);
	const struct check_dns_look		*l = check_dns_find(cd,
	    d->where, DNS_T_TXT);

	check_email_txt(cd, d->where, "v=DMARC1", &recs);
	if (recs.n == 0 && !check_dns_undecided(l->status) &&
	    strcmp(org, cd->opt->domain) != 0) {
		strlist_clear(&recs);
		free(d->where);
		d->where = xprintf("_dmarc.%s", org);
		cd->next = check_email_dmarc_org;
		check_dns_lookup(cd, d->where, DNS_T_TXT);
		check_dns_settle(cd);
		return;
	}
	strlist_clear(&recs);
	check_email_dmarc_org(cd);
}

static void
check_email_dmarc_real(struct check_dns *cd)
{
	struct check_email_dmarc	*d = xcalloc(1, sizeof *d);

	d->where = xprintf("_dmarc.%s", cd->opt->domain);
	cd->extra = d;
	cd->extra_free = check_email_dmarc_free;
	cd->next = check_email_dmarc_first;
	check_dns_lookup(cd, d->where, DNS_T_TXT);
	check_dns_settle(cd);
}

static void
check_email_dmarc_start(struct check_run *run)
{
	check_email_gate(run, check_email_dmarc_real);
}

/* ---- email.mta-sts and email.tls-rpt ------------------------------------ */

/* The value of key in a "key: value" policy body, or NULL (new string). */
static char *
check_email_policy_value(const char *body, size_t len, const char *key)
{
	const char	*p = body, *end = body + len, *nl;
	size_t		 kl = strlen(key);

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > kl && strncmp(p, key, kl) == 0 &&
		    p[kl] == ':') {
			const char *v = p + kl + 1, *e = nl;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == '\r' || e[-1] == ' '))
				e--;
			return xstrndup(v, e - v);
		}
		p = nl + 1;
	}
	return NULL;
}

/* True when host matches a policy mx pattern ("mx.x.test", "*.x.test"). */
static bool
check_email_mx_match(const char *host, const char *pattern)
{
	const char	*dot;

	if (strncmp(pattern, "*.", 2) == 0)
		return (dot = strchr(host, '.')) != NULL &&
		    strcasecmp(dot + 1, pattern + 2) == 0;
	return strcasecmp(host, pattern) == 0;
}

/* The first MX host no "mx:" line of the policy covers (new), or NULL. */
static char *
check_email_mta_sts_uncovered(struct check_dns *cd, const char *body,
    size_t len)
{
	const struct check_dns_look	*mx = check_dns_find(cd,
	    cd->opt->domain, DNS_T_MX);
	struct strlist		 pats = { 0 };
	const char		*p = body, *end = body + len, *nl;
	char			*out = NULL;
	size_t			 i, j;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if (nl - p > 3 && strncmp(p, "mx:", 3) == 0) {
			const char *v = p + 3, *e = nl;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == '\r' || e[-1] == ' '))
				e--;
			{
				char *pat = xstrndup(v, e - v);

				strlist_add(&pats, pat);
				free(pat);
			}
		}
		p = nl + 1;
	}
	for (i = 0; mx != NULL && i < mx->nrr && out == NULL; i++) {
		bool ok = false;

		for (j = 0; j < pats.n; j++)
			if (check_email_mx_match(mx->rr[i].text, pats.v[j]))
				ok = true;
		if (!ok && strcmp(mx->rr[i].text, ".") != 0)
			out = xstrdup(mx->rr[i].text);
	}
	strlist_clear(&pats);
	return out;
}

static void
check_email_mta_sts_policy(void *arg, long status, const char *body,
    size_t len, const char *error)
{
	struct check_dns_ticket	*t = arg;
	struct check_dns		*cd = t->cd;
	struct result		*r;
	char			*version, *mode, *uncovered;

	if (t->dead) {
		dnscache_ticket_free(t);
		return;
	}
	dnscache_ticket_free(t);
	cd->ticket = NULL;
	r = &cd->run->result;
	if (status == 0) {
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("the MTA-STS TXT record is published, but the policy "
		    "could not be fetched (%s)"), error != NULL ? error : "");
		check_dns_finish(cd);
		return;
	}
	if (status != 200 || body == NULL) {
		result_evidence(r, _("policy: HTTP %ld"), status);
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("the TXT record announces MTA-STS but the policy answers "
		    "HTTP %ld"), status);
		result_set_fix(r, _("Serve the policy at https://mta-sts.%s/"
		    ".well-known/mta-sts.txt (version: STSv1, mode, mx, "
		    "max_age) or remove the _mta-sts TXT record."),
		    cd->opt->domain);
		check_dns_finish(cd);
		return;
	}
	version = check_email_policy_value(body, len, "version");
	mode = check_email_policy_value(body, len, "mode");
	result_evidence(r, _("policy: version=%s mode=%s"),
	    version != NULL ? version : "-", mode != NULL ? mode : "-");
	if (version == NULL || strcmp(version, "STSv1") != 0 || mode == NULL ||
	    (strcmp(mode, "enforce") != 0 && strcmp(mode, "testing") != 0 &&
	    strcmp(mode, "none") != 0)) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _("the MTA-STS TXT record and the policy disagree: the "
		    "policy is not a valid STSv1 policy"));
		result_set_fix(r, "%s", _("Fix the policy file: it needs "
		    "\"version: STSv1\", a mode, mx lines and max_age."));
	} else if ((uncovered = check_email_mta_sts_uncovered(cd, body, len))
	    != NULL) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("the MTA-STS policy (mode %s) does not list the MX host "
		    "%s: senders that enforce it will not deliver there"),
		    mode, uncovered);
		result_set_fix(r, _("Add \"mx: %s\" (or a matching *. pattern) "
		    "to the policy and change the id= in the _mta-sts TXT "
		    "record so senders fetch it again."), uncovered);
		free(uncovered);
	} else
		result_set(r, STATUS_PASS, SEVERITY_INFO,
		    strcmp(mode, "enforce") == 0 ?
		    _("MTA-STS published, mode %s, every MX host listed") :
		    _("MTA-STS published in mode %s: failures are not "
		    "enforced yet"), mode);
	free(version);
	free(mode);
	check_dns_finish(cd);
}

static void
check_email_mta_sts_done(struct check_dns *cd)
{
	char			*name = xprintf("_mta-sts.%s", cd->opt->domain);
	const struct check_dns_look	*l = check_dns_find(cd, name,
	    DNS_T_TXT);
	struct result		*r = &cd->run->result;
	struct strlist		 recs = { 0 };
	char			*url, *q;

	check_email_txt(cd, name, "v=STSv1", &recs);
	if (recs.n == 0) {
		if (check_dns_undecided(l->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up %s: %s"), name,
			    resolve_status_text(l->status));
		else
			result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
			    _("no MTA-STS: mail to the domain may be sent "
			    "without TLS (optional hardening)"));
		free(name);
		strlist_clear(&recs);
		check_dns_finish(cd);
		return;
	}
	q = check_dns_txt_quote(recs.v[0], strlen(recs.v[0]));
	result_evidence(r, "%s TXT %s", name, q);
	free(q);
	free(name);
	strlist_clear(&recs);
	url = xprintf("https://mta-sts.%s/.well-known/mta-sts.txt",
	    cd->opt->domain);
	cd->ticket = dnscache_ticket_new(cd);
	web_fetch(cd->audit, url, check_email_mta_sts_policy, cd->ticket);
	free(url);
}

static void
check_email_mta_sts_real(struct check_dns *cd)
{
	char	*name = xprintf("_mta-sts.%s", cd->opt->domain);

	cd->next = check_email_mta_sts_done;
	check_dns_lookup(cd, name, DNS_T_TXT);
	free(name);
	check_dns_settle(cd);
}

static void
check_email_mta_sts_start(struct check_run *run)
{
	check_email_gate(run, check_email_mta_sts_real);
}

static void
check_email_tls_rpt_done(struct check_dns *cd)
{
	char			*name = xprintf("_smtp._tls.%s",
	    cd->opt->domain);
	const struct check_dns_look	*l = check_dns_find(cd, name,
	    DNS_T_TXT);
	struct result		*r = &cd->run->result;
	struct strlist		 recs = { 0 };
	char			*q;

	check_email_txt(cd, name, "v=TLSRPTv1", &recs);
	if (recs.n == 0) {
		if (check_dns_undecided(l->status))
			result_set(r, STATUS_ERROR, SEVERITY_NONE,
			    _("could not look up %s: %s"), name,
			    resolve_status_text(l->status));
		else
			result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
			    _("no TLS-RPT record: no reports of mail TLS "
			    "failures (optional)"));
	} else {
		q = check_dns_txt_quote(recs.v[0], strlen(recs.v[0]));
		result_evidence(r, "%s TXT %s", name, q);
		free(q);
		/* CHECKS.md: info either way (TLS-RPT is optional). */
		if (strstr(recs.v[0], "rua=") == NULL) {
			result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
			    _("TLS-RPT record without rua=: reports go "
			    "nowhere"));
			result_set_fix(r, _("Add rua=mailto:tlsrpt@%s to the "
			    "record."), cd->opt->domain);
		} else
			result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
			    _("TLS-RPT published with a report address"));
	}
	strlist_clear(&recs);
	free(name);
	check_dns_finish(cd);
}

static void
check_email_tls_rpt_real(struct check_dns *cd)
{
	char	*name = xprintf("_smtp._tls.%s", cd->opt->domain);

	cd->next = check_email_tls_rpt_done;
	check_dns_lookup(cd, name, DNS_T_TXT);
	free(name);
	check_dns_settle(cd);
}

static void
check_email_tls_rpt_start(struct check_run *run)
{
	check_email_gate(run, check_email_tls_rpt_real);
}


CHECK_EMAIL_DEF(check_email_mx, "email.mx", check_email_mx_start);
CHECK_EMAIL_DEF(check_email_dkim, "email.dkim", check_email_dkim_start);
CHECK_EMAIL_DEF(check_email_dmarc, "email.dmarc", check_email_dmarc_start);
CHECK_EMAIL_DEF(check_email_mta_sts, "email.mta-sts",
    check_email_mta_sts_start);
CHECK_EMAIL_DEF(check_email_tls_rpt, "email.tls-rpt",
    check_email_tls_rpt_start);
