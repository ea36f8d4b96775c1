/*
 * tlsgrade.c: the grade of one host by the SSL Labs SSL Server Rating
 * Guide (version 2009q and the rules it lists since 2009): three scores
 * (protocol support, key exchange, cipher strength) weighted 30/30/40
 * give a letter, then each rule the server trips caps it, and the reason
 * of every cap is kept. Certificate trust gives the guide's T and M.
 */

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

/* The guide's protocol scores, by version index (TLS 1.0 ... 1.3). */
static const int tlsgrade_protocol_score[TLSPROBE_NVERSIONS] = {
	90, 95, 100, 100
};

static const char *const tlsgrade_ranks[] = {
	"A", "B", "C", "D", "E", "F", "M", "T"
};

int
tlsgrade_rank(const char *grade)
{
	size_t	i;

	for (i = 0; i < sizeof tlsgrade_ranks / sizeof *tlsgrade_ranks; i++) {
		if (strcmp(tlsgrade_ranks[i], grade) == 0)
			return (int)i;
	}
	return 0;
}

int
tlsgrade_equiv_bits(bool ec, int bits)
{
	if (!ec)
		return bits;
	if (bits >= 512)
		return 15360;
	if (bits >= 384)
		return 7680;
	if (bits >= 250)
		return 3072;
	if (bits >= 224)
		return 2048;
	if (bits >= 160)
		return 1024;
	return 512;
}

/* The guide's key exchange score for a strength in RSA-equivalent bits. */
static int
tlsgrade_kx_score(int bits)
{
	if (bits < 512)
		return 20;
	if (bits < 1024)
		return 40;
	if (bits < 2048)
		return 80;
	if (bits < 4096)
		return 90;
	return 100;
}

/* The guide's cipher strength score for a suite's bits. */
static int
tlsgrade_cipher_score(int bits)
{
	if (bits <= 0)
		return 0;
	if (bits < 128)
		return 20;
	if (bits < 256)
		return 80;
	return 100;
}

static void	tlsgrade_cap(struct tlsgrade *, const char *, const char *,
		    ...) printflike(3, 4);

/* Records a cap with its reason; the grade is the worst of them. */
static void
tlsgrade_cap(struct tlsgrade *g, const char *grade, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	if (g->ncaps == TLSGRADE_MAX_CAPS)
		return;
	va_start(ap, fmt);
	why = xvprintf(fmt, ap);
	va_end(ap);
	g->caps[g->ncaps++] = xprintf("%s: %s", grade, why);
	free(why);
	if (tlsgrade_rank(grade) > tlsgrade_rank(g->grade))
		snprintf(g->grade, sizeof g->grade, "%s", grade);
}

/* Whether the certificate's key is an elliptic-curve one. */
static bool
tlsgrade_cert_ec(const struct tlscert *c)
{
	return c->key_type != NULL && (strncmp(c->key_type, "EC", 2) == 0 ||
	    strncmp(c->key_type, "ED", 2) == 0);
}

void
tlsgrade_rate(struct tlsgrade *g, const struct tlsprobe_host *h,
    const struct tlsscan *scan)
{
	const struct tlsscan_suite	*su;
	int				 v, best = -1, worst = -1, kxbits;
	int				 strong = -1, weak = -1, dh = 0, cert;
	size_t				 i, nsuites = 0;
	bool				 anon = false, null = false, exp = false;
	bool				 fs = false, aead = false, rc4 = false;
	bool				 rc4_new = false, des_new = false;

	memset(g, 0, sizeof *g);
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		if (h->versions[v].outcome != TLSPROBE_ACCEPTED)
			continue;
		if (best == -1 || tlsgrade_protocol_score[v] > best)
			best = tlsgrade_protocol_score[v];
		if (worst == -1 || tlsgrade_protocol_score[v] < worst)
			worst = tlsgrade_protocol_score[v];
	}
	g->protocol = best == -1 ? 0 : (best + worst) / 2;

	cert = tlsgrade_equiv_bits(tlsgrade_cert_ec(&h->cert),
	    h->cert.key_bits);
	kxbits = cert > 0 ? cert : 0;
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		for (i = 0; i < scan->versions[v].nsuites; i++) {
			su = &scan->versions[v].suites[i];
			nsuites++;
			anon |= su->anon;
			null |= su->null;
			exp |= su->export;
			fs |= su->fs && !su->anon;
			aead |= su->aead;
			rc4 |= su->rc4;
			if (v >= 1 && su->rc4)
				rc4_new = true;
			if (v >= 1 && su->des3)
				des_new = true;
			if (su->kx_bits > 0 && (kxbits == 0 ||
			    su->kx_bits < kxbits))
				kxbits = su->kx_bits;
			if (su->kx != NULL && strncmp(su->kx, "DHE ", 4) == 0 &&
			    (dh == 0 || su->kx_bits < dh))
				dh = su->kx_bits;
			if (strong == -1 || su->bits > strong)
				strong = su->bits;
			if (weak == -1 || su->bits < weak)
				weak = su->bits;
		}
	}
	g->kx = anon ? 0 : tlsgrade_kx_score(kxbits);
	if (exp && g->kx > 40)
		g->kx = 40;	/* exportable key exchange */
	g->cipher = strong == -1 ? 0 : (tlsgrade_cipher_score(strong) +
	    tlsgrade_cipher_score(weak)) / 2;
	if (g->protocol == 0 || g->kx == 0 || g->cipher == 0)
		g->score = 0;
	else
		g->score = (g->protocol * 30 + g->kx * 30 + g->cipher * 40) /
		    100;
	snprintf(g->letter, sizeof g->letter, "%s", g->score >= 80 ? "A" :
	    g->score >= 65 ? "B" : g->score >= 50 ? "C" : g->score >= 35 ?
	    "D" : g->score >= 20 ? "E" : "F");
	snprintf(g->grade, sizeof g->grade, "%s", g->letter);

	/* The rules, worst first. */
	if (anon)
		tlsgrade_cap(g, "F", "%s", _("anonymous suites accepted (key "
		    "exchange without authentication)"));
	if (null)
		tlsgrade_cap(g, "F", "%s", _("NULL suites accepted (no "
		    "encryption)"));
	if (exp)
		tlsgrade_cap(g, "F", "%s", _("export suites accepted"));
	if (!tlsgrade_cert_ec(&h->cert) && h->cert.key_bits > 0 &&
	    h->cert.key_bits < 1024)
		tlsgrade_cap(g, "F", _("certificate key of %d bits (under "
		    "1024)"), h->cert.key_bits);
	if (dh > 0 && dh < 1024)
		tlsgrade_cap(g, "F", _("DH parameters of %d bits (under 1024: "
		    "Logjam)"), dh);
	if (scan->md5_sig)
		tlsgrade_cap(g, "F", "%s", _("a certificate signed with MD5"));
	if (rc4_new)
		tlsgrade_cap(g, "C", "%s", _("RC4 with TLS 1.1 or later"));
	if (des_new)
		tlsgrade_cap(g, "C", "%s", _("64-bit block ciphers (3DES) with "
		    "TLS 1.1 or later"));
	if (h->versions[2].outcome != TLSPROBE_ACCEPTED &&
	    h->versions[3].outcome != TLSPROBE_ACCEPTED)
		tlsgrade_cap(g, "C", "%s", _("TLS 1.2 not accepted"));
	if (h->versions[0].outcome == TLSPROBE_ACCEPTED ||
	    h->versions[1].outcome == TLSPROBE_ACCEPTED)
		tlsgrade_cap(g, "B", "%s", h->versions[0].outcome ==
		    TLSPROBE_ACCEPTED ? _("TLS 1.0 accepted") :
		    _("TLS 1.1 accepted"));
	if (rc4 && !rc4_new)
		tlsgrade_cap(g, "B", "%s", _("RC4 accepted"));
	if (!tlsgrade_cert_ec(&h->cert) && h->cert.key_bits >= 1024 &&
	    h->cert.key_bits < 2048)
		tlsgrade_cap(g, "B", _("certificate key of %d bits (under "
		    "2048)"), h->cert.key_bits);
	if (dh >= 1024 && dh < 2048)
		tlsgrade_cap(g, "B", _("DH parameters of %d bits (under "
		    "2048)"), dh);
	if (nsuites > 0 && !fs)
		tlsgrade_cap(g, "B", "%s", _("no suite with forward secrecy"));
	if (nsuites > 0 && !aead)
		tlsgrade_cap(g, "B", "%s", _("no AEAD suite (GCM, CCM, "
		    "ChaCha20-Poly1305)"));
	if (scan->chain_complete == 0)
		tlsgrade_cap(g, "B", "%s", _("incomplete certificate chain"));

	/* Trust: the guide's M and T replace the letter. */
	snprintf(g->untrusted, sizeof g->untrusted, "%s", g->grade);
	if (!h->name_ok)
		tlsgrade_cap(g, "M", "%s", _("the certificate does not match "
		    "the name"));
	if (!h->chain_ok)
		tlsgrade_cap(g, "T", _("the certificate is not trusted (%s)"),
		    h->verify != NULL ? h->verify : "?");
	if (tlsgrade_rank(g->grade) < tlsgrade_rank("M"))
		g->untrusted[0] = '\0';
}

void
tlsgrade_clear(struct tlsgrade *g)
{
	size_t	i;

	for (i = 0; i < g->ncaps; i++)
		free(g->caps[i]);
	memset(g, 0, sizeof *g);
}
