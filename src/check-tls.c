/*
 * check-tls.c: the tls.* checks. Each waits for the probes of every host
 * (tlsprobe.c, shared within the audit) and reads its verdict from them.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tls.h"

/* One tls.* check in flight. */
struct check_tls {
	struct job		  job;		/* first; one wait per host */
	struct check_run	 *run;
	struct strlist		  hosts;
	struct tlsprobe_host	**probes;	/* in host order, when done */
	void			(*verdict)(struct check_tls *);
};

/* Tally of the hosts a check looked at. */
struct check_tls_tally {
	size_t		 checked;	/* hosts with a certificate */
	size_t		 skipped;	/* names that do not resolve */
	size_t		 undecided;	/* resolve but could not be checked */
	char		*first_undecided;
};

/* Counts host and writes the evidence line of a host with no certificate;
   returns true when the host has one to look at. */
static bool
check_tls_usable(struct result *r, struct tlsprobe_host *h,
    struct check_tls_tally *t)
{
	switch (h->state) {
	case TLSPROBE_OK:
		t->checked++;
		return true;
	case TLSPROBE_NO_NAME:
		t->skipped++;
		result_evidence(r, _("%s: not checked: %s"), h->name,
		    h->reason);
		return false;
	default:
		t->undecided++;
		result_evidence(r, _("%s: could not be checked on port %d: %s"),
		    h->name, h->port, h->reason);
		if (t->first_undecided == NULL)
			t->first_undecided = xprintf("%s: %s", h->name,
			    h->reason);
		return false;
	}
}

/* Sets the result when nothing failed: error for undecided hosts, error
   when no host could be checked, else the pass summary given. */
static bool
check_tls_undecided(struct result *r, struct check_tls_tally *t)
{
	if (t->undecided > 0) {
		result_raise(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not check %zu host(s): %s"), t->undecided,
		    t->first_undecided);
		return true;
	}
	if (t->checked == 0) {
		result_raise(r, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no host resolves: nothing to check"));
		return true;
	}
	return false;
}

static void
check_tls_tally_clear(struct check_tls_tally *t)
{
	free(t->first_undecided);
	memset(t, 0, sizeof *t);
}

/* Certificate details of a host, one evidence line each. */
static void
check_tls_cert_evidence(struct result *r, struct tlsprobe_host *h)
{
	const struct tlscert	*c = &h->cert;
	char			*sans, from[32], to[32];
	long			 days;

	result_evidence(r, _("%s: chain verification: %s"), h->name,
	    h->verify);
	result_evidence(r, _("%s: name matches a SAN: %s"), h->name,
	    h->name_ok ? _("yes") : _("no"));
	result_evidence(r, _("%s: subject: %s"), h->name, c->subject);
	sans = strlist_join(&c->sans, ", ");
	if (c->sans_dropped > 0)
		result_evidence(r, _("%s: SANs: %s (and %zu more)"), h->name,
		    sans, c->sans_dropped);
	else
		result_evidence(r, _("%s: SANs: %s"), h->name,
		    c->sans.n > 0 ? sans : _("none"));
	free(sans);
	result_evidence(r, _("%s: issuer: %s"), h->name, c->issuer);
	if (c->not_before != -1 && c->not_after != -1) {
		snprintf(from, sizeof from, "%s", time_iso(c->not_before));
		snprintf(to, sizeof to, "%s", time_iso(c->not_after));
		days = tlscert_days_left(c->not_after, time(NULL));
		if (days >= 0)
			result_evidence(r, _("%s: valid from %s to %s "
			    "(%ld days left)"), h->name, from, to, days);
		else
			result_evidence(r, _("%s: valid from %s to %s "
			    "(expired %ld days ago)"), h->name, from, to,
			    (long)((time(NULL) - c->not_after) / 86400));
	} else
		result_evidence(r, _("%s: validity dates unreadable"),
		    h->name);
	if (c->key_bits > 0)
		result_evidence(r, _("%s: key: %s %d bits"), h->name,
		    c->key_type, c->key_bits);
	else
		result_evidence(r, _("%s: key: %s"), h->name, c->key_type);
	result_evidence(r, _("%s: signature algorithm: %s"), h->name,
	    c->sig_alg);
	result_evidence(r, _("%s: %s; %zu certificate(s) sent"), h->name,
	    h->negotiated, h->chain_len);
}

/* tls.certificate: the chain verifies and the name matches. */
static void
check_tls_certificate(struct check_tls *ct)
{
	struct result		*r = &ct->run->result;
	struct check_tls_tally	 t = { 0 };
	size_t			 i, bad = 0;
	char			*first = NULL;

	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host *h = ct->probes[i];

		if (!check_tls_usable(r, h, &t))
			continue;
		check_tls_cert_evidence(r, h);
		if ((!h->chain_ok || !h->name_ok) && bad++ == 0)
			first = xprintf(_("%s: the certificate is not valid: "
			    "%s"), h->name, h->verify);
	}
	if (bad > 0) {
		if (bad > 1)
			result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%zu hosts serve a certificate browsers reject; "
			    "%s"), bad, first);
		else
			result_set(r, STATUS_FAIL, SEVERITY_CRITICAL, "%s",
			    first);
		free(first);
		result_set_fix(r, "%s", _("Serve a certificate from a public "
		    "CA that is in date and lists every host name as a SAN, "
		    "with its full chain (the leaf, then the intermediates). "
		    "An ACME client (certbot, Caddy, the hosting platform's "
		    "own) does all three."));
	} else if (!check_tls_undecided(r, &t))
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("%zu host serves a valid certificate for its "
		    "name", "%zu hosts serve a valid certificate for their "
		    "name", t.checked), t.checked);
	check_tls_tally_clear(&t);
}

/* tls.expiry: days left on every certificate. */
static void
check_tls_expiry(struct check_tls *ct)
{
	struct result		*r = &ct->run->result;
	struct check_tls_tally	 t = { 0 };
	time_t			 now = time(NULL);
	size_t			 i;
	long			 days, least = 0;
	const char		*least_host = NULL;

	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host *h = ct->probes[i];

		if (!check_tls_usable(r, h, &t))
			continue;
		if (h->cert.not_after == -1) {
			t.checked--;
			t.undecided++;
			result_evidence(r, _("%s: the expiry date cannot be "
			    "read"), h->name);
			if (t.first_undecided == NULL)
				t.first_undecided = xprintf(_("%s: unreadable "
				    "expiry date"), h->name);
			continue;
		}
		days = tlscert_days_left(h->cert.not_after, now);
		if (least_host == NULL || days < least) {
			least = days;
			least_host = h->name;
		}
		if (days < 0) {
			result_evidence(r, _("%s: expired on %s (%ld days "
			    "ago); issuer %s"), h->name,
			    time_iso(h->cert.not_after),
			    (long)((now - h->cert.not_after) / 86400),
			    h->cert.issuer_org);
			result_raise(r, STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s: the certificate expired on %s"), h->name,
			    time_iso(h->cert.not_after));
		} else {
			result_evidence(r, _("%s: expires on %s: %ld days "
			    "left; issuer %s"), h->name,
			    time_iso(h->cert.not_after), days,
			    h->cert.issuer_org);
			if (days < 7)
				result_raise(r, STATUS_FAIL, SEVERITY_CRITICAL,
				    _("%s: the certificate expires in %ld "
				    "days"), h->name, days);
			else if (days < 21)
				result_raise(r, STATUS_WARN, SEVERITY_HIGH,
				    _("%s: the certificate expires in %ld days "
				    "(automatic renewal is failing)"), h->name,
				    days);
		}
	}
	if (r->status == STATUS_FAIL || r->status == STATUS_WARN)
		result_set_fix(r, "%s", _("Renew the certificate now, then "
		    "find out why it was not renewed on time: an ACME client "
		    "renews 30 days before expiry, so fewer than 21 days left "
		    "means the renewal job is failing (check its logs, the "
		    "DNS or HTTP challenge, and CAA records)."));
	else if (!check_tls_undecided(r, &t))
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("the nearest expiry is in %ld days (%s)"), least,
		    least_host);
	check_tls_tally_clear(&t);
}

/* tls.protocols: 1.2 or 1.3 accepted, 1.0 and 1.1 refused. */
static void
check_tls_protocols(struct check_tls *ct)
{
	struct result		*r = &ct->run->result;
	struct check_tls_tally	 t = { 0 };
	struct buf		 line = { 0 };
	size_t			 i, no13 = 0;
	int			 v;

	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host	*h = ct->probes[i];
		struct tlsprobe_version	*pv = h->versions;
		bool			 modern, legacy, undecided = false;

		if (h->state != TLSPROBE_OK && h->state != TLSPROBE_NO_CERT) {
			check_tls_usable(r, h, &t);
			continue;
		}
		t.checked++;
		line.len = 0;
		buf_printf(&line, "%s:", h->name);
		for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
			buf_printf(&line, "%s %s %s", v == 0 ? "" : ",",
			    pv[v].name, tlsprobe_outcome_name(pv[v].outcome));
			if (pv[v].outcome != TLSPROBE_ACCEPTED &&
			    pv[v].reason != NULL)
				buf_printf(&line, " (%s)", pv[v].reason);
			if (pv[v].outcome != TLSPROBE_ACCEPTED &&
			    pv[v].outcome != TLSPROBE_REFUSED)
				undecided = true;
		}
		result_evidence(r, "%s", line.data);
		/* Versions are oldest first: 1.0, 1.1, 1.2, 1.3. */
		modern = pv[2].outcome == TLSPROBE_ACCEPTED ||
		    pv[3].outcome == TLSPROBE_ACCEPTED;
		legacy = pv[0].outcome == TLSPROBE_ACCEPTED ||
		    pv[1].outcome == TLSPROBE_ACCEPTED;
		if (pv[3].outcome != TLSPROBE_ACCEPTED)
			no13++;
		if (!modern && pv[2].outcome == TLSPROBE_REFUSED &&
		    pv[3].outcome == TLSPROBE_REFUSED)
			result_raise(r, STATUS_FAIL, SEVERITY_CRITICAL,
			    _("%s accepts neither TLS 1.2 nor TLS 1.3"),
			    h->name);
		else if (undecided) {
			t.checked--;
			t.undecided++;
			if (t.first_undecided == NULL)
				t.first_undecided = xprintf(_("%s: some "
				    "versions could not be tested"), h->name);
		} else if (legacy)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s still accepts %s"), h->name,
			    pv[0].outcome == TLSPROBE_ACCEPTED &&
			    pv[1].outcome == TLSPROBE_ACCEPTED ?
			    "TLS 1.0 and 1.1" :
			    pv[0].outcome == TLSPROBE_ACCEPTED ?
			    "TLS 1.0" : "TLS 1.1");
	}
	buf_free(&line);
	if (r->status == STATUS_FAIL)
		result_set_fix(r, "%s", _("Enable TLS 1.2 and TLS 1.3 on the "
		    "server or CDN (nginx: ssl_protocols TLSv1.2 TLSv1.3;)."));
	else if (!check_tls_undecided(r, &t)) {
		if (r->status == STATUS_WARN)
			result_set_fix(r, "%s", _("Turn TLS 1.0 and 1.1 off "
			    "(nginx: ssl_protocols TLSv1.2 TLSv1.3;); every "
			    "current browser speaks TLS 1.2."));
		else if (no13 > 0)
			result_set(r, STATUS_PASS, SEVERITY_NONE,
			    ngettext("TLS 1.0/1.1 refused and TLS 1.2 "
			    "accepted on %zu host; TLS 1.3 not offered on %zu",
			    "TLS 1.0/1.1 refused and TLS 1.2 accepted on %zu "
			    "hosts; TLS 1.3 not offered on %zu", t.checked),
			    t.checked, no13);
		else
			result_set(r, STATUS_PASS, SEVERITY_NONE,
			    ngettext("TLS 1.0/1.1 refused and TLS 1.3 "
			    "accepted on %zu host", "TLS 1.0/1.1 refused and "
			    "TLS 1.3 accepted on %zu hosts", t.checked),
			    t.checked);
	}
	check_tls_tally_clear(&t);
}

/* tls.renewal: who renews each certificate. */
static void
check_tls_renewal(struct check_tls *ct)
{
	struct result		*r = &ct->run->result;
	struct check_tls_tally	 t = { 0 };
	const struct tlscert_cas *cas;
	const struct tlscert_ca	*ca;
	const char		*why;
	size_t			 i, manual = 0;
	char			*first = NULL;

	/* Loaded at start (check_tls_renewal_start). */
	cas = data_get(ct->run->audit, DATA_TLS, &why);
	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host *h = ct->probes[i];

		if (!check_tls_usable(r, h, &t))
			continue;
		ca = cas != NULL ? tlscert_classify(cas, &h->cert) : NULL;
		if (ca != NULL) {
			result_evidence(r, _("%s: issuer %s (%s): renewal %s"),
			    h->name, h->cert.issuer_org, ca->name,
			    tlscert_renewal_name(ca->renewal));
			continue;
		}
		manual++;
		result_evidence(r, _("%s: issuer %s%s: renewal %s: the "
		    "handover must say who renews it, how, and before %s"),
		    h->name, h->cert.issuer_org, h->cert.self_issued ?
		    _(" (self-signed)") : "",
		    tlscert_renewal_name(TLSCERT_RENEWAL_MANUAL),
		    h->cert.not_after != -1 ? time_iso(h->cert.not_after) :
		    "?");
		if (manual == 1)
			first = xprintf(_("%s: the certificate from %s is "
			    "renewed by hand"), h->name, h->cert.issuer_org);
	}
	if (manual > 1)
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, _("%zu hosts have "
		    "certificates renewed by hand; %s"), manual, first);
	else if (manual == 1)
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s", first);
	free(first);
	if (manual > 0)
		result_set_fix(r, "%s", _("Move to an ACME CA (Let's Encrypt, "
		    "ZeroSSL, Google Trust Services) or a CDN-managed "
		    "certificate, or write the manual renewal path in the "
		    "handover: who renews, where the key lives, and a "
		    "calendar reminder 30 days before expiry."));
	else if (!check_tls_undecided(r, &t))
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("every certificate renews automatically (%zu host(s))"),
		    t.checked);
	check_tls_tally_clear(&t);
}

/* A host's probes are done; the verdict stage runs after the last one. */
static void
check_tls_host_done(void *arg, struct tlsprobe_host *host)
{
	struct check_tls	*ct = arg;
	size_t			 i;

	for (i = 0; i < ct->hosts.n; i++) {
		if (ct->probes[i] == NULL &&
		    strcmp(ct->hosts.v[i], host->name) == 0) {
			ct->probes[i] = host;
			break;
		}
	}
	job_answered(&ct->job);
}

/* The stages: 0 asks for every host's probes, 1 judges them. */
static void
check_tls_step(struct job *job)
{
	struct check_tls	*ct = (struct check_tls *)job;
	struct check_run	*run = ct->run;
	char			*err = NULL;
	size_t			 i;

	if (job->stage == 1) {
		ct->verdict(ct);
		job_finish(job);
		return;
	}
	options_hosts(run->audit->opt, &ct->hosts);
	if (ct->hosts.n == 0) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no domain to check"));
		job_finish(job);
		return;
	}
	ct->probes = xcalloc(ct->hosts.n, sizeof *ct->probes);
	job->stage = 1;
	for (i = 0; i < ct->hosts.n; i++) {
		job_wait(job);
		if (tlsprobe_want(run->audit, ct->hosts.v[i],
		    check_tls_host_done, NULL, ct, &err) != 0) {
			tlsprobe_forget(run->audit, ct);
			result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
			    "%s", err);
			free(err);
			job_finish(job);
			return;
		}
	}
}

/* Starts a tls.* check with its verdict function. */
static void
check_tls_start(struct check_run *run, void (*verdict)(struct check_tls *))
{
	struct check_tls	*ct;

	ct = xcalloc(1, sizeof *ct);
	job_init(&ct->job, run, check_tls_step);
	ct->run = run;
	ct->verdict = verdict;
	run->state = ct;
	job_run(&ct->job);
}

static void
check_tls_cancel(struct check_run *run)
{
	struct check_tls	*ct = run->state;

	if (ct == NULL)
		return;
	job_cancel(&ct->job);
	tlsprobe_forget(run->audit, ct);
}

static void
check_tls_free(struct check_run *run)
{
	struct check_tls	*ct = run->state;

	if (ct == NULL)
		return;
	check_tls_cancel(run);
	job_clear(&ct->job);
	strlist_clear(&ct->hosts);
	free(ct->probes);
	free(ct);
	run->state = NULL;
}

static void
check_tls_certificate_start(struct check_run *run)
{
	check_tls_start(run, check_tls_certificate);
}

static void
check_tls_expiry_start(struct check_run *run)
{
	check_tls_start(run, check_tls_expiry);
}

static void
check_tls_protocols_start(struct check_run *run)
{
	check_tls_start(run, check_tls_protocols);
}

/* tls.renewal needs data/tls.cfg before it probes. */
static void
check_tls_renewal_start(struct check_run *run)
{
	if (data_need(run, DATA_TLS) == NULL) {
		check_finish(run);
		return;
	}
	check_tls_start(run, check_tls_renewal);
}

static const struct check_def check_tls_certificate_def = {
	.id = "tls.certificate",
	.start = check_tls_certificate_start,
	.cancel = check_tls_cancel,
	.free = check_tls_free,
};

static const struct check_def check_tls_expiry_def = {
	.id = "tls.expiry",
	.start = check_tls_expiry_start,
	.cancel = check_tls_cancel,
	.free = check_tls_free,
};

static const struct check_def check_tls_protocols_def = {
	.id = "tls.protocols",
	.start = check_tls_protocols_start,
	.cancel = check_tls_cancel,
	.free = check_tls_free,
};

static const struct check_def check_tls_renewal_def = {
	.id = "tls.renewal",
	.start = check_tls_renewal_start,
	.cancel = check_tls_cancel,
	.free = check_tls_free,
};

const struct check_def *const check_tls_defs[] = {
	&check_tls_certificate_def,
	&check_tls_expiry_def,
	&check_tls_protocols_def,
	&check_tls_renewal_def,
	&check_tls_ciphers_def,
	&check_tls_grade_def,
	NULL
};

/* A tls_peek_issuer() request: the caller's handle. */
struct check_tls_peek {
	struct call	 call;		/* first: the handle */
	struct audit	*audit;
	tls_issuer_cb	 cb;
	void		*arg;
	char		*error;		/* the engine could not start */
	struct timer	*timer;		/* reports error from the loop */
};

static void
check_tls_peek_done(void *arg, struct tlsprobe_host *host)
{
	struct check_tls_peek	*peek = arg;

	if (host->state == TLSPROBE_OK && host->cert.issuer_org[0] != '\0')
		peek->cb(peek->arg, host->cert.issuer_org, NULL);
	else if (host->state == TLSPROBE_OK)
		peek->cb(peek->arg, NULL, _("the certificate names no "
		    "issuer"));
	else
		peek->cb(peek->arg, NULL, host->reason);
	free(peek);
}

/* Reports a set-up error from the loop, never from inside the call. */
static void
check_tls_peek_error(void *arg)
{
	struct check_tls_peek	*peek = arg;

	peek->timer = NULL;
	peek->cb(peek->arg, NULL, peek->error);
	free(peek->error);
	free(peek);
}

/* call_cancel() of a peek: the callback never runs. */
static void
check_tls_peek_cancel(struct call *call)
{
	struct check_tls_peek	*peek = (struct check_tls_peek *)call;

	tlsprobe_forget(peek->audit, peek);
	loop_timer_cancel(peek->audit->loop, peek->timer);
	free(peek->error);
	free(peek);
}

struct call *
tls_peek_issuer(struct audit *audit, const char *host, tls_issuer_cb cb,
    void *arg)
{
	struct check_tls_peek	*peek;

	peek = xcalloc(1, sizeof *peek);
	peek->call.cancel = check_tls_peek_cancel;
	peek->audit = audit;
	peek->cb = cb;
	peek->arg = arg;
	if (tlsprobe_want(audit, host, check_tls_peek_done, free, peek,
	    &peek->error) != 0)
		peek->timer = loop_timer(audit->loop, 0, check_tls_peek_error,
		    peek);
	return &peek->call;
}
