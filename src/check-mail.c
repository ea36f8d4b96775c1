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

static void
check_mail_tlsa_want(struct check_mail *cm, size_t i)
{
	(void)cm;
	(void)i;
}

static void
check_mail_tlsa_cancel(struct check_mail *cm)
{
	(void)cm;
}

const struct check_def *const check_mail_defs[] = {
	&check_mail_starttls_def,
	NULL
};
