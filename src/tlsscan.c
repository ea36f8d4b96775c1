/*
 * tlsscan.c: the cipher suites a host accepts, per version, with the
 * fewest handshakes. Each version the probe saw accepted is offered every
 * suite this OpenSSL can offer at that version; the suite the server picks
 * is noted and taken out, and the rest offered again, until the server
 * refuses. One more handshake with the accepted suites reversed shows
 * whose order wins. The first handshake of the newest version also asks
 * for a stapled OCSP response and keeps the chain. Every handshake goes
 * through tlsprobe_shake() (the probe's loop, slots and --timeout); the
 * scan lives with its probe host, so tls.ciphers and tls.grade share it.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"

struct tlsscan_wait {
	tlsscan_cb		 cb;
	void			(*drop)(void *);
	void			*arg;
	struct tlsscan_wait	*next;
};

/* Every TLS 1.3 suite, the CCM ones too (OpenSSL leaves them out). */
static const char tlsscan_tls13[] = "TLS_AES_256_GCM_SHA384:"
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
/* Everything up to TLS 1.2 this OpenSSL has, NULL and anonymous too. */
static const char tlsscan_legacy[] = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

static void	tlsscan_start_shake(struct tlsscan_version *);

/* The timeout of one handshake in milliseconds. */
static unsigned
tlsscan_timeout_ms(struct tlsscan *scan)
{
	int	t = tlsprobe_audit(scan->host)->opt->timeout;

	return (unsigned)(t > 0 ? t : OPTIONS_DEFAULT_TIMEOUT) * 1000;
}

/* Calls the waiters of a finished scan (from the loop). */
static void
tlsscan_flush(void *arg)
{
	struct tlsscan		*scan = arg;
	struct tlsscan_wait	*w, *next;

	scan->flush = NULL;
	w = scan->waiters;
	scan->waiters = NULL;
	for (; w != NULL; w = next) {
		next = w->next;
		w->cb(w->arg, scan);
		free(w);
	}
}

static void
tlsscan_schedule_flush(struct tlsscan *scan)
{
	if (scan->flush == NULL)
		scan->flush = loop_timer(tlsprobe_audit(scan->host)->loop, 0,
		    tlsscan_flush, scan);
}

/* One version is over; the scan is done after the last. */
static void
tlsscan_version_done(struct tlsscan_version *sv)
{
	struct tlsscan	*scan = sv->scan;

	if (sv->state == TLSSCAN_RUNNING)
		sv->state = TLSSCAN_DONE;
	if (--scan->pending > 0)
		return;
	scan->done = true;
	scan->ms = now_ms() - scan->started;
	loop_timer_cancel(tlsprobe_audit(scan->host)->loop, scan->deadline);
	scan->deadline = NULL;
	tlsscan_schedule_flush(scan);
}

/* Sets the offer of one handshake on ssl (tlsprobe_shake's prepare). */
static void
tlsscan_prepare(SSL *ssl, void *arg)
{
	struct tlsscan_version	*sv = arg;
	struct strlist		 rev = { 0 };
	char			*list, *legacy;
	size_t			 i;

	if (sv->order_test) {
		for (i = sv->nsuites; i > 0; i--)
			strlist_add(&rev, sv->suites[i - 1].name);
		list = strlist_join(&rev, ":");
		strlist_clear(&rev);
	} else
		list = strlist_join(&sv->offer, ":");
	if (sv->v == TLSPROBE_NVERSIONS - 1)
		SSL_set_ciphersuites(ssl, list);
	else {
		legacy = xprintf("%s:@SECLEVEL=0", list);
		SSL_set_cipher_list(ssl, legacy);
		free(legacy);
	}
	free(list);
	ERR_clear_error();
	if (sv->v == sv->scan->extras_v && !sv->scan->extras_done)
		SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
}

/* What kind of key exchange suite su made on ssl. */
static void
tlsscan_suite_fill(struct tlsscan_suite *su, SSL *ssl)
{
	const SSL_CIPHER	*c = SSL_get_current_cipher(ssl);
	EVP_PKEY		*pk = NULL;
	int			 kx = SSL_CIPHER_get_kx_nid(c);
	int			 enc = SSL_CIPHER_get_cipher_nid(c);
	const char		*sn = enc != NID_undef ? OBJ_nid2sn(enc) : "";
	char			 group[64];
	size_t			 glen = 0;
	int			 id, bits;

	su->name = SSL_CIPHER_get_name(c);
	su->iana = SSL_CIPHER_standard_name(c);
	su->bits = SSL_CIPHER_get_bits(c, NULL);
	su->fs = kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_any ||
	    kx == NID_kx_ecdhe_psk || kx == NID_kx_dhe_psk;
	su->aead = SSL_CIPHER_is_aead(c);
	su->anon = SSL_CIPHER_get_auth_nid(c) == NID_auth_null;
	su->null = enc == NID_undef;
	su->rc4 = enc == NID_rc4 || enc == NID_rc4_40 ||
	    strstr(su->name, "RC4") != NULL;
	su->des3 = enc == NID_des_ede3_cbc || enc == NID_des_cbc ||
	    enc == NID_idea_cbc || enc == NID_rc2_cbc;
	su->cbc = !su->aead && !su->null && (strstr(sn, "CBC") != NULL ||
	    strstr(sn, "cbc") != NULL);
	su->export = strstr(su->name, "EXP") != NULL;
	if (SSL_get_peer_tmp_key(ssl, &pk) == 1 && pk != NULL) {
		id = EVP_PKEY_get_base_id(pk);
		bits = EVP_PKEY_get_bits(pk);
		if (id == EVP_PKEY_DH) {
			su->kx = xprintf("DHE %d bits", bits);
			su->kx_bits = tlsgrade_equiv_bits(false, bits);
		} else if (id == EVP_PKEY_EC) {
			if (!EVP_PKEY_get_group_name(pk, group, sizeof group,
			    &glen))
				snprintf(group, sizeof group, "EC");
			su->kx = xprintf("ECDHE %s (%d bits)", group, bits);
			su->kx_bits = tlsgrade_equiv_bits(true, bits);
		} else if (id == EVP_PKEY_X25519 || id == EVP_PKEY_X448) {
			su->kx = xprintf("ECDHE %s", id == EVP_PKEY_X25519 ?
			    "X25519" : "X448");
			su->kx_bits = tlsgrade_equiv_bits(true,
			    id == EVP_PKEY_X25519 ? 256 : 448);
		} else
			su->kx = xprintf("%s %d bits", OBJ_nid2sn(id), bits);
		EVP_PKEY_free(pk);
	} else if (kx == NID_kx_rsa)
		su->kx = xstrdup("RSA");
	else
		su->kx = xstrdup(kx != NID_undef ? OBJ_nid2sn(kx) : "?");
	ERR_clear_error();
}

/* Whether x says where its issuer's certificate is (AIA caIssuers). */
static bool
tlsscan_names_issuer(X509 *x)
{
	AUTHORITY_INFO_ACCESS	*aia;
	ACCESS_DESCRIPTION	*ad;
	bool			 found = false;
	int			 i;

	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (OBJ_obj2nid(ad->method) == NID_ad_ca_issuers)
			found = true;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return found;
}

/* The chain and the stapled OCSP response of the first handshake. */
static void
tlsscan_extras(struct tlsscan *scan, SSL *ssl)
{
	STACK_OF(X509)		*chain = SSL_get_peer_cert_chain(ssl);
	const unsigned char	*p = NULL;
	OCSP_RESPONSE		*resp;
	OCSP_BASICRESP		*basic;
	OCSP_SINGLERESP		*single;
	X509			*cur, *x;
	long			 len;
	int			 n, i, j, steps, status;
	char			 subject[256], issuer[256];

	scan->extras_done = true;
	len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
	if (len > 0 && p != NULL) {
		scan->ocsp = 1;
		resp = d2i_OCSP_RESPONSE(NULL, &p, len);
		if (resp == NULL)
			scan->ocsp_status = xstrdup(_("unreadable"));
		else {
			status = OCSP_response_status(resp);
			basic = OCSP_response_get1_basic(resp);
			single = basic != NULL ? OCSP_resp_get0(basic, 0) :
			    NULL;
			if (single != NULL)
				scan->ocsp_status = xprintf("%s, %s",
				    OCSP_response_status_str(status),
				    OCSP_cert_status_str(OCSP_single_get0_status(
				    single, NULL, NULL, NULL, NULL)));
			else
				scan->ocsp_status = xstrdup(
				    OCSP_response_status_str(status));
			OCSP_BASICRESP_free(basic);
			OCSP_RESPONSE_free(resp);
		}
	} else
		scan->ocsp = 0;
	n = chain != NULL ? sk_X509_num(chain) : 0;
	if (n == 0) {
		ERR_clear_error();
		return;
	}
	for (i = 0; i < n; i++) {
		x = sk_X509_value(chain, i);
		X509_NAME_oneline(X509_get_subject_name(x), subject,
		    sizeof subject);
		X509_NAME_oneline(X509_get_issuer_name(x), issuer,
		    sizeof issuer);
		strlist_addf(&scan->chain, _("#%d %s, issued by %s"), i,
		    subject, issuer);
		if (X509_get_signature_nid(x) == NID_md5WithRSAEncryption)
			scan->md5_sig = true;
	}
	scan->chain_order = 1;
	for (i = 0; i + 1 < n; i++) {
		if (X509_check_issued(sk_X509_value(chain, i + 1),
		    sk_X509_value(chain, i)) != X509_V_OK)
			scan->chain_order = 0;
	}
	for (i = 1; i < n; i++) {
		x = sk_X509_value(chain, i);
		if (X509_check_issued(x, x) == X509_V_OK)
			scan->chain_root = true;
	}
	/* Follow issuers among the sent certificates, in any order. */
	cur = sk_X509_value(chain, 0);
	scan->chain_complete = -1;
	for (steps = 0; steps <= n && scan->chain_complete == -1; steps++) {
		if (X509_check_issued(cur, cur) == X509_V_OK) {
			scan->chain_complete = 1;
			break;
		}
		for (j = 0; j < n; j++) {
			x = sk_X509_value(chain, j);
			if (x != cur && X509_check_issued(x, cur) == X509_V_OK)
				break;
		}
		if (j < n) {
			cur = sk_X509_value(chain, j);
			continue;
		}
		/*
		 * The issuer was not sent. Known to the store: complete. Else
		 * a certificate that names where its issuer is published
		 * (AIA caIssuers, as every public CA's do) lacks it; one that
		 * does not may come from a CA unknown here (tls.certificate).
		 */
		scan->chain_complete = tlsprobe_issuer_known(scan->host, cur);
		if (scan->chain_complete == 0 && !tlsscan_names_issuer(cur))
			scan->chain_complete = -1;
	}
	ERR_clear_error();
}

/* Where one handshake of a version's enumeration ended. */
static void
tlsscan_answer(void *arg, enum tlsprobe_outcome o, const char *reason,
    SSL *ssl)
{
	struct tlsscan_version	*sv = arg;
	struct tlsscan		*scan = sv->scan;
	struct tlsscan_suite	*su;
	const char		*name;
	struct strlist		 rest = { 0 };
	size_t			 i;
	bool			 found = false;

	sv->conn = NULL;
	scan->handshakes++;
	if (sv->order_test) {
		if (o != TLSPROBE_ACCEPTED)
			sv->order = TLSSCAN_ORDER_UNKNOWN;
		else {
			name = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
			sv->order = strcmp(name, sv->suites[sv->nsuites -
			    1].name) == 0 ? TLSSCAN_ORDER_CLIENT :
			    TLSSCAN_ORDER_SERVER;
		}
		tlsscan_version_done(sv);
		return;
	}
	if (o == TLSPROBE_TIMEOUT || o == TLSPROBE_UNREACHABLE ||
	    (o != TLSPROBE_ACCEPTED && sv->nsuites == 0)) {
		sv->state = TLSSCAN_UNDECIDED;
		if (o == TLSPROBE_TIMEOUT || o == TLSPROBE_UNREACHABLE)
			sv->reason = xstrdup(reason != NULL ? reason : "?");
		else
			sv->reason = xprintf(_("the server refused every suite "
			    "offered, though the probe's handshake was "
			    "accepted: %s"), reason != NULL ? reason : "?");
		tlsscan_version_done(sv);
		return;
	}
	if (o == TLSPROBE_ACCEPTED) {
		if (sv->v == scan->extras_v && !scan->extras_done)
			tlsscan_extras(scan, ssl);
		name = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
		for (i = 0; i < sv->offer.n; i++) {
			if (strcmp(sv->offer.v[i], name) == 0)
				found = true;
			else
				strlist_add(&rest, sv->offer.v[i]);
		}
		if (!found) {
			strlist_clear(&rest);
			sv->state = TLSSCAN_UNDECIDED;
			sv->reason = xprintf(_("the server chose %s, which was "
			    "not offered"), name);
			tlsscan_version_done(sv);
			return;
		}
		strlist_clear(&sv->offer);
		sv->offer = rest;
		sv->suites = xreallocarray(sv->suites, sv->nsuites + 1,
		    sizeof *sv->suites);
		su = &sv->suites[sv->nsuites++];
		memset(su, 0, sizeof *su);
		tlsscan_suite_fill(su, ssl);
		if (sv->offer.n > 0) {
			tlsscan_start_shake(sv);
			return;
		}
	}
	/* Refused (or nothing left to offer): the list is complete. */
	if (sv->nsuites < 2) {
		sv->order = TLSSCAN_ORDER_NONE;
		tlsscan_version_done(sv);
		return;
	}
	sv->order_test = true;
	tlsscan_start_shake(sv);
}

static void
tlsscan_start_shake(struct tlsscan_version *sv)
{
	sv->conn = tlsprobe_shake(sv->scan->host, sv->v, tlsscan_prepare,
	    tlsscan_answer, sv);
}

/* The scan ran out of time: what is still running is undecided. */
static void
tlsscan_deadline(void *arg)
{
	struct tlsscan		*scan = arg;
	struct tlsscan_version	*sv;
	int			 v;

	scan->deadline = NULL;
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		sv = &scan->versions[v];
		if (sv->state != TLSSCAN_RUNNING)
			continue;
		tlsprobe_shake_cancel(sv->conn);
		sv->conn = NULL;
		if (sv->order_test)
			sv->order = TLSSCAN_ORDER_UNKNOWN;
		else {
			sv->state = TLSSCAN_UNDECIDED;
			sv->reason = xprintf(_("the scan was stopped after %u s "
			    "(twice --timeout)"), tlsscan_timeout_ms(scan) *
			    2 / 1000);
		}
		tlsscan_version_done(sv);
	}
}

/* The suites this OpenSSL can offer at version index v, in its order. */
static void
tlsscan_offerable(struct tlsprobe_host *host, int v, struct strlist *out)
{
	SSL			*ssl = SSL_new(tlsprobe_ctx(host, v));
	STACK_OF(SSL_CIPHER)	*sk;
	int			 i;

	if (ssl == NULL)
		return;
	if (v == TLSPROBE_NVERSIONS - 1)
		SSL_set_ciphersuites(ssl, tlsscan_tls13);
	else
		SSL_set_cipher_list(ssl, tlsscan_legacy);
	sk = SSL_get1_supported_ciphers(ssl);
	for (i = 0; sk != NULL && i < sk_SSL_CIPHER_num(sk); i++)
		strlist_add(out, SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk,
		    i)));
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	ERR_clear_error();
}

/* Starts the scan of host. */
static struct tlsscan *
tlsscan_new(struct tlsprobe_host *host)
{
	struct tlsscan		*scan = xcalloc(1, sizeof *scan);
	struct tlsscan_version	*sv;
	int			 v;

	scan->host = host;
	scan->ocsp = -1;
	scan->chain_order = -1;
	scan->chain_complete = -1;
	scan->extras_v = -1;
	scan->started = now_ms();
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		sv = &scan->versions[v];
		sv->scan = scan;
		sv->v = v;
		if (host->versions[v].outcome != TLSPROBE_ACCEPTED)
			continue;
		tlsscan_offerable(host, v, &sv->offer);
		sv->offered = sv->offer.n;
		if (sv->offer.n == 0) {
			sv->state = TLSSCAN_UNDECIDED;
			sv->reason = xstrdup(_("this OpenSSL has no suite to "
			    "offer at this version"));
			continue;
		}
		sv->state = TLSSCAN_RUNNING;
		scan->extras_v = v;
		scan->pending++;
	}
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		if (scan->versions[v].state == TLSSCAN_RUNNING)
			tlsscan_start_shake(&scan->versions[v]);
	}
	if (scan->pending == 0) {
		scan->done = true;
		tlsscan_schedule_flush(scan);
	} else
		scan->deadline = loop_timer(tlsprobe_audit(host)->loop,
		    tlsscan_timeout_ms(scan) * 2, tlsscan_deadline, scan);
	return scan;
}

/* What makes two probed hosts one server: address, port, certificate. */
static bool
tlsscan_same_server(const struct tlsprobe_host *a,
    const struct tlsprobe_host *b)
{
	const struct tlscert	*x = &a->cert, *y = &b->cert;
	size_t			 i;

	if (a->address == NULL || b->address == NULL || a->port != b->port ||
	    strcmp(a->address, b->address) != 0 ||
	    strcmp(x->subject, y->subject) != 0 ||
	    strcmp(x->issuer, y->issuer) != 0 ||
	    x->not_before != y->not_before || x->not_after != y->not_after ||
	    x->sans.n != y->sans.n)
		return false;
	for (i = 0; i < x->sans.n; i++) {
		if (strcmp(x->sans.v[i], y->sans.v[i]) != 0)
			return false;
	}
	return true;
}

/* A fresh scan of another host that is the same server, for sharing. */
struct tlsscan_find {
	struct tlsprobe_host	*host;
	struct tlsscan		*found;
};

static void
tlsscan_find_host(struct tlsprobe_host *other, void *arg)
{
	struct tlsscan_find	*f = arg;

	if (f->found != NULL || other == f->host || other->scan == NULL ||
	    other->scan_shared || other->state != TLSPROBE_OK ||
	    now_ms() - other->done_at >= TLSPROBE_FRESH_MS ||
	    !tlsscan_same_server(other, f->host))
		return;
	f->found = other->scan;
}

void
tlsscan_want(struct tlsprobe_host *host, tlsscan_cb cb, void (*drop)(void *),
    void *arg)
{
	struct tlsscan_wait	*w = xcalloc(1, sizeof *w);
	struct tlsscan_find	 f = { .host = host, .found = NULL };

	w->cb = cb;
	w->drop = drop;
	w->arg = arg;
	if (host->scan == NULL) {
		tlsprobe_each_host(tlsprobe_audit(host), tlsscan_find_host, &f);
		if (f.found != NULL) {
			host->scan = f.found;
			host->scan_shared = true;
		} else
			host->scan = tlsscan_new(host);
	}
	w->next = host->scan->waiters;
	host->scan->waiters = w;
	if (host->scan->done)
		tlsscan_schedule_flush(host->scan);
}

/* Drops the waiters of one host's scan registered with arg. */
static void
tlsscan_forget_host(struct tlsprobe_host *host, void *arg)
{
	struct tlsscan_wait	**pp, *w;

	if (host->scan == NULL)
		return;
	pp = &host->scan->waiters;
	while ((w = *pp) != NULL) {
		if (w->arg == arg) {
			*pp = w->next;
			free(w);
		} else
			pp = &w->next;
	}
}

void
tlsscan_forget(struct audit *audit, void *arg)
{
	tlsprobe_each_host(audit, tlsscan_forget_host, arg);
}

void
tlsscan_free(struct tlsscan *scan)
{
	struct tlsscan_wait	*w, *next;
	struct tlsscan_version	*sv;
	struct loop		*loop;
	size_t			 i;
	int			 v;

	if (scan == NULL)
		return;
	loop = tlsprobe_audit(scan->host)->loop;
	loop_timer_cancel(loop, scan->flush);
	loop_timer_cancel(loop, scan->deadline);
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		sv = &scan->versions[v];
		tlsprobe_shake_cancel(sv->conn);
		for (i = 0; i < sv->nsuites; i++)
			free(sv->suites[i].kx);
		free(sv->suites);
		free(sv->reason);
		strlist_clear(&sv->offer);
	}
	for (w = scan->waiters; w != NULL; w = next) {
		next = w->next;
		if (w->drop != NULL)
			w->drop(w->arg);
		free(w);
	}
	strlist_clear(&scan->chain);
	free(scan->ocsp_status);
	free(scan);
}

void
tlsscan_untestable(struct strlist *out)
{
	static const struct {
		const char	*name;
		const char	*rule;
	} classes[] = {
		{ "RC4", "RC4:@SECLEVEL=0" },
		{ "3DES", "3DES:DES:IDEA:RC2:@SECLEVEL=0" },
		{ "export", "EXP:@SECLEVEL=0" },
	};
	SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());
	size_t	 i;

	for (i = 0; i < sizeof classes / sizeof *classes; i++) {
		if (ctx == NULL || !SSL_CTX_set_cipher_list(ctx,
		    classes[i].rule))
			strlist_add(out, classes[i].name);
	}
	SSL_CTX_free(ctx);
	ERR_clear_error();
}
