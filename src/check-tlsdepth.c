/*
 * check-tlsdepth.c: tls.ciphers and tls.grade. Each waits for the probes
 * of every host (tlsprobe.c), then for the suite scan of each host that
 * answered (tlsscan.c, shared by the two), and reads its verdict from
 * them; tls.grade rates each host with tlsgrade.c.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tls.h"

/* Suites per evidence line (lines are bounded in length). */
#define CHECK_TLSDEPTH_PER_LINE	10

/* One tls.ciphers or tls.grade check in flight. */
struct check_tlsdepth {
	struct job		  job;		/* first */
	struct check_run	 *run;
	struct strlist		  hosts;
	struct tlsprobe_host	**probes;	/* in host order */
	struct tlsscan		**scans;	/* for the probes that are OK */
	void			(*verdict)(struct check_tlsdepth *);
	size_t			  checked;
	size_t			  undecided;
	char			 *first_undecided;
};

/* What one host's suites hold, over every version. */
struct check_tlsdepth_sum {
	size_t		 n;		/* suites over all versions */
	struct strlist	 nofs;		/* names, once each */
	struct strlist	 null, anon, export, rc4, des3;
	bool		 aead;
	int		 dh;		/* smallest DH group, 0: none */
	bool		 cbc_only_10;	/* TLS 1.0 accepted with CBC only */
};

static void
check_tlsdepth_sum_clear(struct check_tlsdepth_sum *s)
{
	strlist_clear(&s->nofs);
	strlist_clear(&s->null);
	strlist_clear(&s->anon);
	strlist_clear(&s->export);
	strlist_clear(&s->rc4);
	strlist_clear(&s->des3);
	memset(s, 0, sizeof *s);
}

static void
check_tlsdepth_add(struct strlist *l, const char *name)
{
	if (!strlist_has(l, name))
		strlist_add(l, name);
}

/* Sums up the suites of scan. */
static void
check_tlsdepth_sum(const struct tlsscan *scan, struct check_tlsdepth_sum *s)
{
	const struct tlsscan_suite	*su;
	size_t				 i, cbc10 = 0;
	int				 v;

	memset(s, 0, sizeof *s);
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		for (i = 0; i < scan->versions[v].nsuites; i++) {
			su = &scan->versions[v].suites[i];
			s->n++;
			if (!su->fs || su->anon)
				check_tlsdepth_add(&s->nofs, su->name);
			if (su->null)
				check_tlsdepth_add(&s->null, su->name);
			if (su->anon)
				check_tlsdepth_add(&s->anon, su->name);
			if (su->export)
				check_tlsdepth_add(&s->export, su->name);
			if (su->rc4)
				check_tlsdepth_add(&s->rc4, su->name);
			if (su->des3)
				check_tlsdepth_add(&s->des3, su->name);
			s->aead |= su->aead;
			if (strncmp(su->kx, "DHE ", 4) == 0 && (s->dh == 0 ||
			    su->kx_bits < s->dh))
				s->dh = su->kx_bits;
			if (v == 0 && su->cbc)
				cbc10++;
		}
	}
	s->cbc_only_10 = scan->versions[0].nsuites > 0 &&
	    cbc10 == scan->versions[0].nsuites;
}

/* Counts a host that could not be looked at, with its evidence line;
   true when the host has a finished scan. */
static bool
check_tlsdepth_usable(struct check_tlsdepth *ct, size_t i)
{
	struct result		*r = &ct->run->result;
	struct tlsprobe_host	*h = ct->probes[i];
	const char		*why;

	if (h->state == TLSPROBE_NO_NAME) {
		result_evidence(r, _("%s: not checked: %s"), h->name,
		    h->reason);
		return false;
	}
	if (h->state == TLSPROBE_OK && ct->scans[i] != NULL) {
		ct->checked++;
		return true;
	}
	why = h->state == TLSPROBE_OK ? _("the scan did not finish") :
	    h->reason;
	result_evidence(r, _("%s: could not be checked on port %d: %s"),
	    h->name, h->port, why);
	ct->undecided++;
	if (ct->first_undecided == NULL)
		ct->first_undecided = xprintf("%s: %s", h->name, why);
	return false;
}

/* Counts a host with a version not enumerated as undecided; returns that
   version's index, or -1 when every version was enumerated. */
static int
check_tlsdepth_partial(struct check_tlsdepth *ct, struct tlsprobe_host *h,
    const struct tlsscan *scan)
{
	int	v;

	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		if (scan->versions[v].state != TLSSCAN_UNDECIDED)
			continue;
		ct->checked--;
		ct->undecided++;
		if (ct->first_undecided == NULL)
			ct->first_undecided = xprintf(_("%s: %s not enumerated: "
			    "%s"), h->name, h->versions[v].name,
			    scan->versions[v].reason);
		return v;
	}
	return -1;
}

/* The error result for hosts that could not be decided, or none at all;
   false when every host was looked at. */
static bool
check_tlsdepth_undecided(struct check_tlsdepth *ct)
{
	struct result	*r = &ct->run->result;

	if (ct->undecided > 0) {
		result_raise(r, STATUS_ERROR, SEVERITY_NONE,
		    _("could not check %zu host(s): %s"), ct->undecided,
		    ct->first_undecided);
		return true;
	}
	if (ct->checked == 0) {
		result_raise(r, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no host resolves: nothing to check"));
		return true;
	}
	return false;
}

static const char *
check_tlsdepth_order_name(enum tlsscan_order o)
{
	switch (o) {
	case TLSSCAN_ORDER_SERVER:
		return _("the server's order");
	case TLSSCAN_ORDER_CLIENT:
		return _("the client's order: the server has no preference");
	case TLSSCAN_ORDER_UNKNOWN:
		return _("order not known");
	default:
		return _("one suite");
	}
}

/* The suites of each version, the key exchanges, in evidence lines. */
static void
check_tlsdepth_suites(struct result *r, struct tlsprobe_host *h,
    const struct tlsscan *scan)
{
	const struct tlsscan_version	*sv;
	struct buf			 b = { 0 };
	struct strlist			 kx = { 0 };
	size_t				 i, j;
	int				 v;

	for (v = TLSPROBE_NVERSIONS - 1; v >= 0; v--) {
		sv = &scan->versions[v];
		if (sv->state == TLSSCAN_OFF) {
			result_evidence(r, _("%s: %s: not accepted"), h->name,
			    h->versions[v].name);
			continue;
		}
		if (sv->state == TLSSCAN_UNDECIDED)
			result_evidence(r, _("%s: %s: not enumerated: %s "
			    "(%zu suite(s) found before)"), h->name,
			    h->versions[v].name, sv->reason, sv->nsuites);
		for (i = 0; i < sv->nsuites; i += CHECK_TLSDEPTH_PER_LINE) {
			b.len = 0;
			for (j = i; j < sv->nsuites &&
			    j < i + CHECK_TLSDEPTH_PER_LINE; j++)
				buf_printf(&b, "%s%s", j > i ? ", " : "",
				    sv->suites[j].name);
			if (sv->nsuites <= CHECK_TLSDEPTH_PER_LINE)
				result_evidence(r, _("%s: %s suites (%s): %s"),
				    h->name, h->versions[v].name,
				    check_tlsdepth_order_name(sv->order),
				    b.data);
			else
				result_evidence(r, _("%s: %s suites (%s, "
				    "%zu-%zu of %zu): %s"), h->name,
				    h->versions[v].name,
				    check_tlsdepth_order_name(sv->order), i + 1,
				    j, sv->nsuites, b.data);
		}
		/* Key exchanges, each with the suites that use it. */
		strlist_clear(&kx);
		for (i = 0; i < sv->nsuites; i++) {
			if (!strlist_has(&kx, sv->suites[i].kx))
				strlist_add(&kx, sv->suites[i].kx);
		}
		for (j = 0; j < kx.n; j++) {
			size_t count = 0;

			for (i = 0; i < sv->nsuites; i++)
				count += strcmp(sv->suites[i].kx, kx.v[j]) == 0;
			result_evidence(r, _("%s: %s key exchange %s: %zu "
			    "suite(s)"), h->name, h->versions[v].name, kx.v[j],
			    count);
		}
	}
	strlist_clear(&kx);
	buf_free(&b);
}

/* A weak class of suites, as an evidence line, if any. */
static void
check_tlsdepth_weak(struct result *r, const char *host, const char *what,
    const struct strlist *names)
{
	char	*list;

	if (names->n == 0)
		return;
	list = strlist_join(names, ", ");
	result_evidence(r, _("%s: weak: %s: %s"), host, what, list);
	free(list);
}

/* Stapling, key, signature and chain of a host, in evidence lines. */
static void
check_tlsdepth_cert(struct result *r, struct tlsprobe_host *h,
    const struct tlsscan *scan)
{
	size_t	i;

	if (scan->ocsp == 1)
		result_evidence(r, _("%s: OCSP stapling: yes (%s)"), h->name,
		    scan->ocsp_status);
	else if (scan->ocsp == 0)
		result_evidence(r, _("%s: OCSP stapling: no"), h->name);
	else
		result_evidence(r, _("%s: OCSP stapling: not tested"),
		    h->name);
	result_evidence(r, _("%s: key %s %d bits, signature %s"), h->name,
	    h->cert.key_type, h->cert.key_bits, h->cert.sig_alg);
	result_evidence(r, _("%s: chain: %zu certificate(s), %s, %s%s"),
	    h->name, scan->chain.n,
	    scan->chain_order == 1 ? _("in order") : scan->chain_order == 0 ?
	    _("out of order") : _("order unknown"),
	    scan->chain_complete == 1 ? _("complete") :
	    scan->chain_complete == 0 ? _("incomplete (an intermediate is "
	    "missing)") : _("completeness unknown (the last certificate's "
	    "issuer is not trusted here)"),
	    scan->chain_root ? _(", the root is sent too") : "");
	for (i = 0; i < scan->chain.n; i++)
		result_evidence(r, "%s: chain %s", h->name, scan->chain.v[i]);
}

/* tls.ciphers: accepted suites, forward secrecy, weak suites, the rest. */
static void
check_tls_ciphers(struct check_tlsdepth *ct)
{
	struct result			*r = &ct->run->result;
	struct check_tlsdepth_sum	 s;
	struct strlist			 untestable = { 0 };
	char				*list;
	size_t				 i;

	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host	*h = ct->probes[i];
		struct tlsscan		*scan = ct->scans[i];

		if (!check_tlsdepth_usable(ct, i))
			continue;
		if (scan->host != h)
			result_evidence(r, _("%s: the same server as %s (address, "
			    "port and certificate): one scan for both"),
			    h->name, scan->host->name);
		check_tlsdepth_suites(r, h, scan);
		check_tlsdepth_sum(scan, &s);
		if (s.n == 0)
			;
		else if (s.nofs.n == 0)
			result_evidence(r, _("%s: forward secrecy: all %zu "
			    "suite(s)"), h->name, s.n);
		else {
			list = strlist_join(&s.nofs, ", ");
			result_evidence(r, _("%s: forward secrecy: not with "
			    "%s"), h->name, list);
			free(list);
		}
		check_tlsdepth_weak(r, h->name, "NULL", &s.null);
		check_tlsdepth_weak(r, h->name, _("anonymous"), &s.anon);
		check_tlsdepth_weak(r, h->name, _("export"), &s.export);
		check_tlsdepth_weak(r, h->name, "RC4", &s.rc4);
		check_tlsdepth_weak(r, h->name, "3DES", &s.des3);
		if (s.cbc_only_10)
			result_evidence(r, _("%s: weak: TLS 1.0 with CBC suites "
			    "only (BEAST)"), h->name);
		if (s.dh > 0)
			result_evidence(r, _("%s: smallest DH group: %d bits"),
			    h->name, s.dh);
		check_tlsdepth_cert(r, h, scan);
		if (scan->host == h)
			result_evidence(r, _("%s: %zu handshakes in %llu ms"),
			    h->name, scan->handshakes,
			    (unsigned long long)scan->ms);
		check_tlsdepth_partial(ct, h, scan);

		if (s.null.n > 0 || s.anon.n > 0 || s.export.n > 0 ||
		    s.rc4.n > 0)
			result_raise(r, STATUS_FAIL, SEVERITY_HIGH, _("%s "
			    "accepts suites without encryption or "
			    "authentication, or broken ones (%s)"), h->name,
			    s.null.n > 0 ? "NULL" : s.anon.n > 0 ?
			    _("anonymous") : s.export.n > 0 ? _("export") :
			    "RC4");
		else if (s.des3.n > 0)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM, _("%s "
			    "accepts 64-bit block suites (3DES: Sweet32)"),
			    h->name);
		else if (s.n > 0 && s.nofs.n == s.n)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s: no suite has forward secrecy"), h->name);
		else if (s.nofs.n > 0)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s accepts %zu suite(s) without forward "
			    "secrecy"), h->name, s.nofs.n);
		else if (s.cbc_only_10)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s offers only CBC suites on TLS 1.0"), h->name);
		else if (s.dh > 0 && s.dh < 2048)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s: DH group of %d bits"), h->name, s.dh);
		else if (scan->chain_order == 0 || scan->chain_complete == 0)
			result_raise(r, STATUS_WARN, SEVERITY_MEDIUM,
			    _("%s: the certificate chain is %s"), h->name,
			    scan->chain_complete == 0 ? _("incomplete") :
			    _("out of order"));
		check_tlsdepth_sum_clear(&s);
	}
	tlsscan_untestable(&untestable);
	if (untestable.n > 0) {
		list = strlist_join(&untestable, ", ");
		result_evidence(r, _("not testable here: this OpenSSL cannot "
		    "offer %s suites (a server accepting only those is not "
		    "seen); SSL 2 and 3 are not probed"), list);
		free(list);
	}
	strlist_clear(&untestable);
	if (r->status == STATUS_FAIL || r->status == STATUS_WARN)
		result_set_fix(r, "%s", _("Offer only ECDHE suites with AES-GCM "
		    "or ChaCha20-Poly1305 on TLS 1.2, and TLS 1.3 (nginx: "
		    "ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers "
		    "ECDHE+AESGCM:ECDHE+CHACHA20;), serve the leaf then its "
		    "intermediates, and use a DH group of 2048 bits or more "
		    "if DHE stays."));
	else if (!check_tlsdepth_undecided(ct))
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("every suite has forward secrecy and none is weak "
		    "(%zu host)", "every suite has forward secrecy and none is "
		    "weak (%zu hosts)", ct->checked), ct->checked);
}

/* tls.grade: the SSL Labs grade of each host; the worst one counts. */
static void
check_tls_grade(struct check_tlsdepth *ct)
{
	struct result	*r = &ct->run->result;
	struct tlsgrade	 g;
	char		 worst[3] = "", *worst_host = NULL, *worst_why = NULL;
	size_t		 i, c;
	int		 v;

	for (i = 0; i < ct->hosts.n; i++) {
		struct tlsprobe_host *h = ct->probes[i];

		if (!check_tlsdepth_usable(ct, i))
			continue;
		if ((v = check_tlsdepth_partial(ct, h, ct->scans[i])) != -1) {
			result_evidence(r, _("%s: not rated: %s not "
			    "enumerated: %s"), h->name, h->versions[v].name,
			    ct->scans[i]->versions[v].reason);
			continue;
		}
		tlsgrade_rate(&g, h, ct->scans[i]);
		result_evidence(r, _("%s: grade %s"), h->name, g.grade);
		if (g.untrusted[0] != '\0')
			result_evidence(r, _("%s: grade if the certificate "
			    "were trusted: %s"), h->name, g.untrusted);
		result_evidence(r, _("%s: score %d (protocol %d, key exchange "
		    "%d, cipher strength %d): %s"), h->name, g.score,
		    g.protocol, g.kx, g.cipher, g.letter);
		for (c = 0; c < g.ncaps; c++)
			result_evidence(r, _("%s: capped at %s"), h->name,
			    g.caps[c]);
		if (g.ncaps == 0)
			result_evidence(r, _("%s: no cap applies"), h->name);
		if (worst[0] == '\0' || tlsgrade_rank(g.grade) >
		    tlsgrade_rank(worst)) {
			snprintf(worst, sizeof worst, "%s", g.grade);
			free(worst_host);
			free(worst_why);
			worst_host = xstrdup(h->name);
			worst_why = g.ncaps > 0 ? xstrdup(g.caps[0]) : NULL;
		}
		tlsgrade_clear(&g);
	}
	if (worst[0] != '\0' && tlsgrade_rank(worst) >= tlsgrade_rank("C")) {
		result_set(r, STATUS_FAIL, SEVERITY_HIGH, _("%s: grade %s%s%s"),
		    worst_host, worst, worst_why != NULL ? _("; capped at ") :
		    "", worst_why != NULL ? worst_why : "");
	} else if (worst[0] != '\0' && strcmp(worst, "B") == 0)
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, _("%s: grade %s%s%s"),
		    worst_host, worst, worst_why != NULL ? _("; capped at ") :
		    "", worst_why != NULL ? worst_why : "");
	if (r->status == STATUS_FAIL || r->status == STATUS_WARN)
		result_set_fix(r, "%s", _("Fix the reasons of each cap in the "
		    "evidence, worst first: a trusted certificate for the "
		    "name with its full chain, TLS 1.2 and 1.3 only, ECDHE "
		    "suites with AEAD ciphers only, a 2048-bit (or EC) key."));
	else if (!check_tlsdepth_undecided(ct))
		result_set(r, STATUS_PASS, SEVERITY_NONE, _("grade %s on every "
		    "host (%zu)"), worst, ct->checked);
	free(worst_host);
	free(worst_why);
}

/* A host's scan is done. */
static void
check_tlsdepth_scan_done(void *arg, struct tlsscan *scan)
{
	struct check_tlsdepth	*ct = arg;
	size_t			 i;

	for (i = 0; i < ct->hosts.n; i++) {
		if (ct->probes[i] != NULL && ct->probes[i]->scan == scan &&
		    ct->scans[i] == NULL) {
			ct->scans[i] = scan;
			break;
		}
	}
	job_answered(&ct->job);
}

/* A host's probes are done. */
static void
check_tlsdepth_host_done(void *arg, struct tlsprobe_host *host)
{
	struct check_tlsdepth	*ct = arg;
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

/* The stages: 0 asks for the probes, 1 for the scans, 2 judges. */
static void
check_tlsdepth_step(struct job *job)
{
	struct check_tlsdepth	*ct = (struct check_tlsdepth *)job;
	struct check_run	*run = ct->run;
	char			*err = NULL;
	size_t			 i;

	switch (job->stage) {
	case 0:
		options_hosts(run->audit->opt, &ct->hosts);
		if (ct->hosts.n == 0) {
			result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
			    "%s", _("no domain to check"));
			job_finish(job);
			return;
		}
		ct->probes = xcalloc(ct->hosts.n, sizeof *ct->probes);
		ct->scans = xcalloc(ct->hosts.n, sizeof *ct->scans);
		job->stage = 1;
		for (i = 0; i < ct->hosts.n; i++) {
			job_wait(job);
			if (tlsprobe_want(run->audit, ct->hosts.v[i],
			    check_tlsdepth_host_done, NULL, ct, &err) != 0) {
				tlsprobe_forget(run->audit, ct);
				result_set(&run->result, STATUS_ERROR,
				    SEVERITY_NONE, "%s", err);
				free(err);
				job_finish(job);
				return;
			}
		}
		return;
	case 1:
		job->stage = 2;
		for (i = 0; i < ct->hosts.n; i++) {
			if (ct->probes[i] == NULL ||
			    ct->probes[i]->state != TLSPROBE_OK)
				continue;
			job_wait(job);
			tlsscan_want(ct->probes[i], check_tlsdepth_scan_done,
			    NULL, ct);
		}
		return;
	default:
		ct->verdict(ct);
		job_finish(job);
		return;
	}
}

static void
check_tlsdepth_start(struct check_run *run,
    void (*verdict)(struct check_tlsdepth *))
{
	struct check_tlsdepth	*ct;

	ct = xcalloc(1, sizeof *ct);
	job_init(&ct->job, run, check_tlsdepth_step);
	ct->run = run;
	ct->verdict = verdict;
	run->state = ct;
	job_run(&ct->job);
}

static void
check_tlsdepth_cancel(struct check_run *run)
{
	struct check_tlsdepth	*ct = run->state;

	if (ct == NULL)
		return;
	job_cancel(&ct->job);
	tlsprobe_forget(run->audit, ct);
	tlsscan_forget(run->audit, ct);
}

static void
check_tlsdepth_free(struct check_run *run)
{
	struct check_tlsdepth	*ct = run->state;

	if (ct == NULL)
		return;
	check_tlsdepth_cancel(run);
	job_clear(&ct->job);
	strlist_clear(&ct->hosts);
	free(ct->probes);
	free(ct->scans);
	free(ct->first_undecided);
	free(ct);
	run->state = NULL;
}

static void
check_tls_ciphers_start(struct check_run *run)
{
	check_tlsdepth_start(run, check_tls_ciphers);
}

static void
check_tls_grade_start(struct check_run *run)
{
	check_tlsdepth_start(run, check_tls_grade);
}

const struct check_def check_tls_ciphers_def = {
	.id = "tls.ciphers",
	.start = check_tls_ciphers_start,
	.cancel = check_tlsdepth_cancel,
	.free = check_tlsdepth_free,
};

const struct check_def check_tls_grade_def = {
	.id = "tls.grade",
	.start = check_tls_grade_start,
	.cancel = check_tlsdepth_cancel,
	.free = check_tlsdepth_free,
};
