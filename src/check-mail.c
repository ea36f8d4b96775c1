/*
 * check-mail.c: the checks that talk to the mail servers themselves:
 * email.starttls (STARTTLS and its certificate on each MX) and email.dane
 * (TLSA records for each MX against the certificate it presents). Both
 * look the MX records up, wait for the shared SMTP probes (smtp.c) and
 * judge them; email.dane also fetches the TLSA records with their DNSSEC
 * status.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "mail.h"

/* MX hosts talked to; more are listed as not checked. */
#define CHECK_MAIL_MAX_MX	10

/* One email.starttls or email.dane run. */
struct check_mail {
	struct check_run	 *run;
	struct audit		 *audit;
	struct strlist		  mx;		/* MX hosts, by preference */
	struct smtp_probe	**probes;	/* per MX host, when done */
	struct check_mail_tlsa	 *tlsa;		/* per MX host (email.dane) */
	size_t			  pending;	/* probes and lookups */
	size_t			  dropped;	/* MX hosts over the bound */
	bool			  want_tlsa;
	void			(*verdict)(struct check_mail *);
};

/* A dnscache wait; freed by dnscache when dropped. */
struct check_mail_ticket {
	struct check_mail	*cm;
};

/* The TLSA answer of one MX host (email.dane). */
struct check_mail_tlsa {
	enum resolve_status	 status;
	bool			 ad;		/* the resolver validated it */
	bool			 done;
	struct dane_tlsa	*rr;
	size_t			 nrr;
	struct strlist		 bad;		/* records that did not parse */
	struct check_mail_tlsa_wait *wait;
};

/* One step is done: judge once nothing is pending. */
static void
check_mail_settle(struct check_mail *cm)
{
	if (cm->pending == 0)
		cm->verdict(cm);
}

/* The probe of one MX host is done. */
static void
check_mail_probe_done(void *arg, struct smtp_probe *p)
{
	struct check_mail	*cm = arg;
	size_t			 i;

	for (i = 0; i < cm->mx.n; i++) {
		if (cm->probes[i] == NULL &&
		    strcasecmp(cm->mx.v[i], p->host) == 0) {
			cm->probes[i] = p;
			cm->pending--;
		}
	}
	check_mail_settle(cm);
}

static void	check_mail_tlsa_want(struct check_mail *, size_t);

/* The MX records are in: talk to each host. */
static void
check_mail_mx(void *arg, const struct dns_answer *a)
{
	struct check_mail_ticket	*t = arg;
	struct check_mail		*cm = t->cm;
	struct result			*r = &cm->run->result;
	size_t				 i, j, best;
	char				*err = NULL;
	unsigned			 used[CHECK_MAIL_MAX_MX] = { 0 };

	free(t);
	if (check_dns_undecided(a->status)) {
		result_set(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up MX: %s"),
		    resolve_status_text(a->status));
		check_finish(cm->run);
		return;
	}
	if (a->nrr == 0) {
		result_set(r, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not applicable: the domain has no MX record, so no "
		    "mail server receives its mail (see email.mx)"));
		check_finish(cm->run);
		return;
	}
	if (a->nrr == 1 && strcmp(a->rr[0].text, ".") == 0) {
		result_set(r, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not applicable: null MX (0 .): the domain receives no "
		    "mail"));
		check_finish(cm->run);
		return;
	}
	/* By preference, each host once. */
	for (;;) {
		best = a->nrr;
		for (i = 0; i < a->nrr; i++) {
			if (strcmp(a->rr[i].text, ".") == 0 ||
			    strlist_has(&cm->mx, a->rr[i].text))
				continue;
			if (best == a->nrr || a->rr[i].pref < a->rr[best].pref)
				best = i;
		}
		if (best == a->nrr)
			break;
		if (cm->mx.n == CHECK_MAIL_MAX_MX) {
			cm->dropped++;
			strlist_add(&cm->mx, a->rr[best].text);
			continue;
		}
		used[cm->mx.n] = a->rr[best].pref;
		strlist_add(&cm->mx, a->rr[best].text);
	}
	if (cm->dropped > 0) {
		for (j = CHECK_MAIL_MAX_MX; j < cm->mx.n; j++)
			result_evidence(r, _("%s: not checked (more than %d "
			    "MX hosts)"), cm->mx.v[j], CHECK_MAIL_MAX_MX);
		while (cm->mx.n > CHECK_MAIL_MAX_MX)
			free(cm->mx.v[--cm->mx.n]);
	}
	for (i = 0; i < cm->mx.n; i++)
		result_evidence(r, _("MX %u %s"), used[i], cm->mx.v[i]);
	cm->probes = xcalloc(cm->mx.n, sizeof *cm->probes);
	cm->pending = cm->mx.n;
	if (cm->want_tlsa) {
		cm->tlsa = xcalloc(cm->mx.n, sizeof *cm->tlsa);
		cm->pending += cm->mx.n;
	}
	for (i = 0; i < cm->mx.n; i++) {
		if (smtp_want(cm->audit, cm->mx.v[i], check_mail_probe_done,
		    NULL, cm, &err) != 0) {
			smtp_forget(cm->audit, cm);
			result_set(r, STATUS_ERROR, SEVERITY_NONE, "%s", err);
			free(err);
			check_finish(cm->run);
			return;
		}
	}
	if (cm->want_tlsa) {
		for (i = 0; i < cm->mx.n; i++)
			check_mail_tlsa_want(cm, i);
	}
}

/* Starts a mail check: skipped when the product sends no email. */
static void
check_mail_start(struct check_run *run, void (*verdict)(struct check_mail *),
    bool want_tlsa)
{
	struct check_mail		*cm = xcalloc(1, sizeof *cm);
	struct check_mail_ticket	*t;

	cm->run = run;
	cm->audit = run->audit;
	cm->verdict = verdict;
	cm->want_tlsa = want_tlsa;
	run->state = cm;
	if (run->audit->opt->email == 0) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    _("not applicable: the product does not send email "
		    "(--email no), so this was not checked"));
		check_finish(run);
		return;
	}
	t = xmalloc(sizeof *t);
	t->cm = cm;
	dnscache_lookup(run->audit, run, run->audit->opt->domain, DNS_T_MX,
	    check_mail_mx, t);
}

static void	check_mail_tlsa_cancel(struct check_mail *);

static void
check_mail_cancel(struct check_run *run)
{
	struct check_mail	*cm = run->state;

	if (cm == NULL)
		return;
	dnscache_forget(cm->audit, run);
	smtp_forget(cm->audit, cm);
	check_mail_tlsa_cancel(cm);
}

static void
check_mail_free(struct check_run *run)
{
	struct check_mail	*cm = run->state;
	size_t			 i, j;

	if (cm == NULL)
		return;
	check_mail_cancel(run);
	if (cm->tlsa != NULL) {
		for (i = 0; i < cm->mx.n; i++) {
			for (j = 0; j < cm->tlsa[i].nrr; j++)
				dane_tlsa_clear(&cm->tlsa[i].rr[j]);
			free(cm->tlsa[i].rr);
			strlist_clear(&cm->tlsa[i].bad);
		}
		free(cm->tlsa);
	}
	strlist_clear(&cm->mx);
	free(cm->probes);
	free(cm);
	run->state = NULL;
}

/* ---- email.starttls ----------------------------------------------------- */

/* The certificate lines of a probe that made a TLS session. */
static void
check_mail_cert_evidence(struct result *r, const struct smtp_probe *p)
{
	const struct tlscert	*c = &p->cert;
	char			*sans;
	long			 days;

	result_evidence(r, _("%s: %s, %s; %d certificate(s) sent"), p->host,
	    p->protocol, p->cipher, sk_X509_num(p->chain));
	result_evidence(r, _("%s: subject: %s"), p->host, c->subject);
	sans = strlist_join(&c->sans, ", ");
	result_evidence(r, _("%s: SANs: %s"), p->host,
	    c->sans.n > 0 ? sans : _("none"));
	free(sans);
	result_evidence(r, _("%s: issuer: %s"), p->host, c->issuer);
	if (c->not_after != -1) {
		days = tlscert_days_left(c->not_after, time(NULL));
		if (days >= 0)
			result_evidence(r, _("%s: valid until %s (%ld days "
			    "left)"), p->host, time_iso(c->not_after), days);
		else
			result_evidence(r, _("%s: expired on %s"), p->host,
			    time_iso(c->not_after));
	}
	result_evidence(r, _("%s: certificate verification: %s"), p->host,
	    p->verify);
}

/* The greeting and what EHLO offered, for any probe that got so far. */
static void
check_mail_talk_evidence(struct result *r, const struct smtp_probe *p)
{
	if (p->address != NULL)
		result_evidence(r, _("%s: connected to %s port %d"), p->host,
		    p->address, p->port);
	if (p->banner != NULL)
		result_evidence(r, _("%s: greeting: %s"), p->host, p->banner);
	if (p->ehlo.n > 0) {
		char *kw = strlist_join(&p->ehlo, ", ");

		result_evidence(r, _("%s: EHLO offers: %s"), p->host, kw);
		free(kw);
	}
}

/* Judges every MX host's STARTTLS. */
static void
check_mail_starttls_verdict(struct check_mail *cm)
{
	struct result	*r = &cm->run->result;
	size_t		 i;

	for (i = 0; i < cm->mx.n; i++) {
		const struct smtp_probe *p = cm->probes[i];

		check_mail_talk_evidence(r, p);
		switch (p->state) {
		case SMTP_TLS:
			check_mail_cert_evidence(r, p);
			if (p->chain_ok && p->name_ok) {
				result_raise(r, STATUS_PASS, SEVERITY_NONE,
				    ngettext("STARTTLS with a valid "
				    "certificate on the MX host",
				    "STARTTLS with a valid certificate on "
				    "all %zu MX hosts", cm->mx.n), cm->mx.n);
				break;
			}
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s offers STARTTLS but its certificate does not "
			    "verify: %s"), p->host, p->verify);
			result_set_fix(r, _("Give %s a certificate for its own "
			    "name from a public CA (Let's Encrypt works) and "
			    "serve the whole chain: most senders deliver "
			    "anyway, but MTA-STS and DANE senders will not."),
			    p->host);
			break;
		case SMTP_NO_STARTTLS:
		case SMTP_STARTTLS_REFUSED:
		case SMTP_HANDSHAKE:
			result_evidence(r, "%s: %s", p->host, p->reason);
			if (p->state == SMTP_NO_STARTTLS)
				result_raise(r, STATUS_FAIL, SEVERITY_HIGH,
				    _("%s does not offer STARTTLS: mail to it "
				    "crosses the internet in plain text"),
				    p->host);
			else
				result_raise(r, STATUS_FAIL, SEVERITY_HIGH,
				    _("%s: STARTTLS fails, so mail to it "
				    "crosses the internet in plain text: %s"),
				    p->host, p->reason);
			result_set_fix(r, _("Turn STARTTLS on for %s with a "
			    "certificate for its name (Postfix: "
			    "smtpd_tls_security_level = may with "
			    "smtpd_tls_chain_files; Exim: "
			    "tls_advertise_hosts = * with tls_certificate), "
			    "then check the handshake with openssl s_client "
			    "-starttls smtp -connect %s:25."), p->host,
			    p->host);
			break;
		default:
			result_evidence(r, _("%s: could not be checked: %s"),
			    p->host, p->reason);
			result_raise(r, STATUS_ERROR, SEVERITY_NONE,
			    _("%s could not be checked: %s"), p->host,
			    p->reason);
			break;
		}
	}
	check_finish(cm->run);
}

static void
check_mail_starttls_start(struct check_run *run)
{
	check_mail_start(run, check_mail_starttls_verdict, false);
}

static const struct check_def check_mail_starttls_def = {
	.id = "email.starttls",
	.start = check_mail_starttls_start,
	.cancel = check_mail_cancel,
	.free = check_mail_free,
};

/* ---- email.dane ---------------------------------------------------------- */

/* A TLSA lookup in flight; cm is cleared on cancel. */
struct check_mail_tlsa_wait {
	struct check_mail	*cm;
	size_t			 index;
};

/* The TLSA answer of one MX host came. */
static void
check_mail_tlsa_got(void *arg, enum resolve_status status,
    const unsigned char *abuf, int alen)
{
	struct check_mail_tlsa_wait	*w = arg;
	struct check_mail		*cm = w->cm;
	struct check_mail_tlsa		*t;
	struct dnsmsg			 m;
	char				*err = NULL;
	size_t				 i;

	if (cm == NULL) {
		free(w);
		return;
	}
	t = &cm->tlsa[w->index];
	t->wait = NULL;
	free(w);
	t->status = status;
	t->done = true;
	if (status == RESOLVE_OK && abuf != NULL) {
		if (dnsmsg_parse(&m, abuf, (size_t)alen, &err) != 0) {
			t->status = RESOLVE_BADRESP;
			free(err);
		} else {
			t->ad = m.ad;
			t->rr = xcalloc(m.nan + 1, sizeof *t->rr);
			for (i = 0; i < m.nan; i++) {
				if (m.an[i].type != DNS_T_TLSA)
					continue;
				if (dane_tlsa_parse(&t->rr[t->nrr],
				    m.an[i].text, &err) == 0)
					t->nrr++;
				else {
					strlist_add(&t->bad, err);
					free(err);
					err = NULL;
				}
			}
			if (t->nrr == 0 && t->bad.n == 0)
				t->status = RESOLVE_NODATA;
			dnsmsg_free(&m);
		}
	}
	cm->pending--;
	check_mail_settle(cm);
}

static void
check_mail_tlsa_want(struct check_mail *cm, size_t i)
{
	struct check_mail_tlsa_wait	*w = xcalloc(1, sizeof *w);
	char				*name;

	w->cm = cm;
	w->index = i;
	cm->tlsa[i].wait = w;
	name = xprintf("_25._tcp.%s", cm->mx.v[i]);
	resolver_query_ad(cm->audit->resolver, name, DNS_T_TLSA,
	    check_mail_tlsa_got, w);
	free(name);
}

static void
check_mail_tlsa_cancel(struct check_mail *cm)
{
	size_t	i;

	if (cm->tlsa == NULL)
		return;
	for (i = 0; i < cm->mx.n; i++) {
		if (cm->tlsa[i].wait != NULL) {
			cm->tlsa[i].wait->cm = NULL;
			cm->tlsa[i].wait = NULL;
		}
	}
}

/* Judges one MX host's TLSA records against its certificate. */
static void
check_mail_dane_host(struct check_mail *cm, size_t i, size_t *with)
{
	struct result		*r = &cm->run->result;
	struct check_mail_tlsa	*t = &cm->tlsa[i];
	const struct smtp_probe	*p = cm->probes[i];
	const char		*mx = cm->mx.v[i], *what;
	size_t			 j, matched = 0, usable = 0;
	char			*text;

	if (check_dns_undecided(t->status)) {
		result_evidence(r, _("_25._tcp.%s: TLSA lookup: %s"), mx,
		    resolve_status_text(t->status));
		result_raise(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not look up the TLSA records of %s: %s (a "
		    "validating resolver also says SERVFAIL when the "
		    "signatures do not verify)"), mx,
		    resolve_status_text(t->status));
		return;
	}
	if (t->nrr == 0 && t->bad.n == 0) {
		result_evidence(r, _("_25._tcp.%s: no TLSA records (%s)"), mx,
		    resolve_status_text(t->status));
		return;
	}
	(*with)++;
	result_evidence(r, t->ad ? _("_25._tcp.%s: DNSSEC: validated (the "
	    "resolver set the AD bit)") : _("_25._tcp.%s: DNSSEC: not "
	    "validated (the resolver did not set the AD bit)"), mx);
	for (j = 0; j < t->bad.n; j++)
		result_evidence(r, "_25._tcp.%s: %s", mx, t->bad.v[j]);
	for (j = 0; j < t->nrr; j++) {
		enum dane_match dm = DANE_UNUSABLE;

		text = dane_tlsa_text(&t->rr[j]);
		if (p->state == SMTP_TLS)
			dm = dane_match(&t->rr[j], p->chain, p->chain_ok,
			    &what);
		else
			what = _("no certificate to compare");
		if (t->rr[j].usage <= 3 && t->rr[j].selector <= 1 &&
		    t->rr[j].mtype <= 2)
			usable++;
		if (dm == DANE_MATCH)
			matched++;
		result_evidence(r, "_25._tcp.%s TLSA %s (%s): %s", mx, text,
		    dane_usage_name(t->rr[j].usage), what);
		free(text);
	}
	if (p->state != SMTP_TLS && p->state != SMTP_NO_STARTTLS &&
	    p->state != SMTP_STARTTLS_REFUSED && p->state != SMTP_HANDSHAKE) {
		result_evidence(r, _("%s: could not be checked: %s"), mx,
		    p->reason);
		result_raise(r, STATUS_ERROR, SEVERITY_NONE,
		    _("%s could not be checked: %s"), mx, p->reason);
		return;
	}
	if (!t->ad) {
		result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("%s has TLSA records without DNSSEC: senders ignore "
		    "them, so DANE does not protect its mail"), mx);
		result_set_fix(r, _("Sign the zone of %s with DNSSEC (and "
		    "publish the DS at the registrar), or remove the TLSA "
		    "records that no sender can trust."), mx);
		return;
	}
	if (p->state != SMTP_TLS) {
		result_evidence(r, "%s: %s", mx, p->reason);
		result_raise(r, STATUS_FAIL, SEVERITY_HIGH,
		    _("%s publishes TLSA records but offers no working "
		    "STARTTLS: DANE senders will not deliver to it (%s)"), mx,
		    p->reason);
		result_set_fix(r, _("Turn STARTTLS on for %s with the "
		    "certificate the TLSA records name, or remove the TLSA "
		    "records until it is on."), mx);
		return;
	}
	if (matched > 0)
		return;
	if (usable == 0) {
		result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
		    _("no TLSA record of %s is usable (unknown usage, "
		    "selector or matching type): senders fall back to "
		    "unauthenticated TLS"), mx);
		return;
	}
	result_raise(r, STATUS_FAIL, SEVERITY_HIGH,
	    _("the TLSA records of %s do not match the certificate it "
	    "presents: DANE senders will not deliver mail to it"), mx);
	result_set_fix(r, _("Publish a TLSA record for the certificate %s "
	    "serves now (for a key kept across renewals: 3 1 1 and the "
	    "SHA-256 of its public key: openssl x509 -pubkey -noout | "
	    "openssl pkey -pubin -outform DER | sha256sum), and publish "
	    "the next key's record before each key change."), mx);
}

/* Judges every MX host's TLSA records. */
static void
check_mail_dane_verdict(struct check_mail *cm)
{
	struct result	*r = &cm->run->result;
	size_t		 i, with = 0;

	for (i = 0; i < cm->mx.n; i++)
		check_mail_dane_host(cm, i, &with);
	if (with == 0 && r->status != STATUS_ERROR)
		result_set(r, STATUS_PASS, SEVERITY_INFO, "%s",
		    _("no TLSA records for any MX host: DANE is not used "
		    "(optional; with DNSSEC it stops downgrade attacks on "
		    "mail)"));
	else if (with > 0 && r->summary == NULL)
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("the TLSA records match the MX host's "
		    "certificate under DNSSEC", "the TLSA records of %zu MX "
		    "hosts match their certificates under DNSSEC", with),
		    with);
	check_finish(cm->run);
}

static void
check_mail_dane_start(struct check_run *run)
{
	check_mail_start(run, check_mail_dane_verdict, true);
}

static const struct check_def check_mail_dane_def = {
	.id = "email.dane",
	.start = check_mail_dane_start,
	.cancel = check_mail_cancel,
	.free = check_mail_free,
};

const struct check_def *const check_mail_defs[] = {
	&check_mail_starttls_def,
	&check_mail_dane_def,
	NULL
};
