/*
 * test-tls.c: certificate field extraction from PEMs made here with
 * OpenSSL, days-left arithmetic, and renewal classification against
 * data/tls.cfg.
 */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tls.h"

#define DAY 86400

/* Makes a certificate for key, issued by issuer_key under issuer_name
   (self-issued when NULL), valid from nb to na (seconds from now). */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const char *issuer_o,
    const char *issuer_cn, EVP_PKEY *issuer_key, long nb, long na,
    const char *san)
{
	X509		*x = X509_new();
	X509_NAME	*subj, *iss;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_gmtime_adj(X509_getm_notBefore(x), nb);
	X509_gmtime_adj(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, key);
	subj = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	iss = X509_NAME_new();
	if (issuer_o != NULL)
		X509_NAME_add_entry_by_txt(iss, "O", MBSTRING_UTF8,
		    (const unsigned char *)issuer_o, -1, -1, 0);
	if (issuer_cn != NULL)
		X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_UTF8,
		    (const unsigned char *)issuer_cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer_o == NULL && issuer_cn == NULL ?
	    subj : iss);
	X509_NAME_free(iss);
	if (san != NULL) {
		X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
		    san);
		assert_non_null(ext);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()) > 0);
	return x;
}

/* The PEM text of x (newly allocated). */
static char *
to_pem(X509 *x, size_t *len)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*data, *out;
	long	 n;

	PEM_write_bio_X509(bio, x);
	n = BIO_get_mem_data(bio, &data);
	out = xstrndup(data, (size_t)n);
	*len = (size_t)n;
	BIO_free(bio);
	return out;
}

static void
test_rsa_fields(void **state)
{
	EVP_PKEY	*key, *ca;
	X509		*x;
	struct tlscert	 c;
	char		*pem, *err = NULL;
	size_t		 len;
	time_t		 now = time(NULL);

	(void)state;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ca = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	x = make_cert(key, "shop.test", "Let's Encrypt", "R3", ca, -DAY,
	    30L * DAY, "DNS:shop.test,DNS:www.shop.test,IP:127.0.0.1");
	pem = to_pem(x, &len);
	tlscert_init(&c);
	assert_int_equal(tlscert_from_pem(&c, pem, len, &err), 0);
	assert_string_equal(c.subject, "CN=shop.test");
	assert_string_equal(c.issuer, "CN=R3,O=Let's Encrypt");
	assert_string_equal(c.issuer_org, "Let's Encrypt");
	assert_false(c.self_issued);
	assert_int_equal(c.sans.n, 3);
	assert_string_equal(c.sans.v[0], "DNS:shop.test");
	assert_string_equal(c.sans.v[1], "DNS:www.shop.test");
	assert_string_equal(c.sans.v[2], "IP:127.0.0.1");
	assert_string_equal(c.key_type, "RSA");
	assert_int_equal(c.key_bits, 2048);
	assert_string_equal(c.sig_alg, "sha256WithRSAEncryption");
	assert_true(c.not_before >= now - DAY - 5 &&
	    c.not_before <= now - DAY + 5);
	assert_true(c.not_after >= now + 30 * DAY - 5 &&
	    c.not_after <= now + 30 * DAY + 5);
	assert_int_equal(tlscert_days_left(c.not_after, now + 60), 29);
	tlscert_clear(&c);
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca);
}

static void
test_ec_self_signed(void **state)
{
	EVP_PKEY	*key;
	X509		*x;
	struct tlscert	 c;
	char		*pem, *err = NULL;
	size_t		 len;

	(void)state;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	x = make_cert(key, "self.test", NULL, NULL, NULL, -10 * DAY, -DAY,
	    NULL);
	pem = to_pem(x, &len);
	tlscert_init(&c);
	assert_int_equal(tlscert_from_pem(&c, pem, len, &err), 0);
	assert_string_equal(c.key_type, "EC (prime256v1)");
	assert_int_equal(c.key_bits, 256);
	assert_string_equal(c.sig_alg, "ecdsa-with-SHA256");
	assert_true(c.self_issued);
	/* No O in the issuer: its CN stands in. */
	assert_string_equal(c.issuer_org, "self.test");
	assert_int_equal(c.sans.n, 0);
	assert_true(tlscert_days_left(c.not_after, time(NULL)) < 0);
	tlscert_clear(&c);
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
}

static void
test_control_chars(void **state)
{
	EVP_PKEY	*key;
	X509		*x;
	struct tlscert	 c;
	char		*pem, *err = NULL;
	size_t		 len;

	(void)state;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	x = make_cert(key, "a\nb.test", "Evil\r\nCA", NULL, NULL, 0, DAY,
	    NULL);
	pem = to_pem(x, &len);
	tlscert_init(&c);
	assert_int_equal(tlscert_from_pem(&c, pem, len, &err), 0);
	assert_null(strchr(c.subject, '\n'));
	assert_null(strchr(c.issuer_org, '\n'));
	assert_null(strchr(c.issuer_org, '\r'));
	tlscert_clear(&c);
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
}

static void
test_bad_pem(void **state)
{
	struct tlscert	 c;
	char		*err = NULL;
	const char	*junk = "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n";

	(void)state;
	tlscert_init(&c);
	assert_int_equal(tlscert_from_pem(&c, "", 0, &err), -1);
	assert_non_null(strstr(err, "no certificate could be read"));
	free(err);
	err = NULL;
	assert_int_equal(tlscert_from_pem(&c, junk, strlen(junk), &err), -1);
	assert_non_null(err);
	free(err);
	assert_null(c.subject);
}

static void
test_days_left(void **state)
{
	time_t	now = 1800000000;

	(void)state;
	assert_int_equal(tlscert_days_left(now, now), 0);
	assert_int_equal(tlscert_days_left(now + DAY - 1, now), 0);
	assert_int_equal(tlscert_days_left(now + DAY, now), 1);
	assert_int_equal(tlscert_days_left(now + 5 * DAY - 60, now), 4);
	assert_int_equal(tlscert_days_left(now + 5 * DAY + 60, now), 5);
	assert_int_equal(tlscert_days_left(now + 90 * DAY, now), 90);
	assert_int_equal(tlscert_days_left(now - 1, now), -1);
	assert_int_equal(tlscert_days_left(now - DAY, now), -1);
	assert_int_equal(tlscert_days_left(now - DAY - 1, now), -2);
}

/* Path of a data file from the source tree. */
static char *
data_file(const char *name)
{
	const char	*dir = getenv("LAUNCHREADY_DATADIR");

	return xprintf("%s/%s", dir != NULL ? dir : SRCDATADIR, name);
}

/* Classifies an issuer (O and CN). */
static const struct tlscert_ca *
classify(const struct tlscert_cas *cas, const char *o, const char *cn)
{
	struct tlscert	c;

	tlscert_init(&c);
	c.issuer_org = xstrdup(o != NULL ? o : cn);
	c.issuer = xprintf("CN=%s%s%s", cn, o != NULL ? ",O=" : "",
	    o != NULL ? o : "");
	{
		const struct tlscert_ca *ca = tlscert_classify(cas, &c);

		tlscert_clear(&c);
		return ca;
	}
}

static void
test_renewal(void **state)
{
	struct tlscert_cas	 cas;
	const struct tlscert_ca	*ca;
	char			*path = data_file("tls.cfg"), *err = NULL;

	(void)state;
	assert_int_equal(tlscert_cas_load(&cas, path, &err), 0);
	ca = classify(&cas, "Let's Encrypt", "R3");
	assert_non_null(ca);
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_ACME);
	assert_string_equal(ca->name, "Let's Encrypt");
	ca = classify(&cas, "Google Trust Services LLC", "GTS CA 1D4");
	assert_non_null(ca);
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_ACME);
	ca = classify(&cas, "ZeroSSL", "ZeroSSL RSA Domain Secure Site CA");
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_ACME);
	ca = classify(&cas, "Buypass AS-983163327", "Buypass Class 2 CA 5");
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_ACME);
	/* Case-blind, and the CN counts when the O says nothing. */
	ca = classify(&cas, "CLOUDFLARE, INC.", "Cloudflare Inc ECC CA-3");
	assert_non_null(ca);
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_CDN);
	ca = classify(&cas, NULL, "Amazon RSA 2048 M02");
	assert_int_equal(ca->renewal, TLSCERT_RENEWAL_CDN);
	/* Paid CAs are renewed by hand. */
	assert_null(classify(&cas, "DigiCert Inc", "DigiCert TLS RSA SHA256 "
	    "2020 CA1"));
	assert_null(classify(&cas, "Sectigo Limited", "Sectigo RSA Domain "
	    "Validation Secure Server CA"));
	assert_null(classify(&cas, "launchready lab", "launchready lab CA"));
	tlscert_cas_clear(&cas);
	free(path);
}

static void
test_renewal_bad_file(void **state)
{
	struct tlscert_cas	 cas;
	char			 path[] = "/tmp/test-tls-XXXXXX";
	char			*err = NULL;
	int			 fd;
	const char		*bad = "acme = (\n  { name = \"X\"; }\n);\n";
	const char		*syntax = "acme = ( { name = ";

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, strlen(bad)), (int)strlen(bad));
	close(fd);
	assert_int_equal(tlscert_cas_load(&cas, path, &err), -1);
	assert_non_null(strstr(err, ":2: CA \"X\" needs a match array"));
	assert_int_equal(cas.n, 0);
	free(err);
	err = NULL;
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, syntax, strlen(syntax)),
	    (int)strlen(syntax));
	close(fd);
	assert_int_equal(tlscert_cas_load(&cas, path, &err), -1);
	assert_non_null(strstr(err, path));
	free(err);
	err = NULL;
	unlink(path);
	assert_int_equal(tlscert_cas_load(&cas, path, &err), -1);
	assert_non_null(strstr(err, "cannot read"));
	free(err);
}

/* A host and scan for tlsgrade_rate: versions accepted by bit (1: TLS 1.0
   ... 8: TLS 1.3), one suite list for every accepted version. */
static void
grade_fixture(struct tlsprobe_host *h, struct tlsscan *scan, unsigned vers,
    struct tlsscan_suite *suites, size_t n, const char *key, int bits)
{
	int	v;

	memset(h, 0, sizeof *h);
	memset(scan, 0, sizeof *scan);
	h->name_ok = h->chain_ok = true;
	h->verify = (char *)"ok";
	h->cert.key_type = (char *)key;
	h->cert.key_bits = bits;
	scan->chain_complete = 1;
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		h->versions[v].outcome = (vers & (1u << v)) ?
		    TLSPROBE_ACCEPTED : TLSPROBE_REFUSED;
		if (vers & (1u << v)) {
			scan->versions[v].suites = suites;
			scan->versions[v].nsuites = n;
		}
	}
}

/* Whether the grade lists a cap starting with prefix. */
static bool
grade_has_cap(const struct tlsgrade *g, const char *prefix)
{
	size_t	i;

	for (i = 0; i < g->ncaps; i++) {
		if (strncmp(g->caps[i], prefix, strlen(prefix)) == 0)
			return true;
	}
	return false;
}

/* The guide's scores, letters, caps, and the T and M grades. */
static void
test_grade(void **state)
{
	struct tlsscan_suite	 strong[] = {
		{ .name = "A256", .bits = 256, .fs = true, .aead = true,
		  .kx = (char *)"ECDHE X25519", .kx_bits = 3072 },
		{ .name = "A128", .bits = 128, .fs = true, .aead = true,
		  .kx = (char *)"ECDHE X25519", .kx_bits = 3072 },
	};
	struct tlsscan_suite	 des[] = {
		{ .name = "DES-CBC3-SHA", .bits = 112, .des3 = true,
		  .cbc = true, .kx = (char *)"RSA" },
	};
	struct tlsscan_suite	 anon[] = {
		{ .name = "ADH", .bits = 128, .fs = true, .anon = true,
		  .aead = true, .kx = (char *)"DHE 2048 bits",
		  .kx_bits = 2048 },
	};
	struct tlsscan_suite	 dh[] = {
		{ .name = "DHE", .bits = 128, .fs = true, .aead = true,
		  .kx = (char *)"DHE 1024 bits", .kx_bits = 1024 },
	};
	struct tlsprobe_host	 h;
	struct tlsscan		 scan;
	struct tlsgrade		 g;

	(void)state;
	/* TLS 1.2 + 1.3, ECDHE AEAD, RSA 2048: 100, 90, 90 -> 93, A. */
	grade_fixture(&h, &scan, 4 | 8, strong, 2, "RSA", 2048);
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.protocol, 100);
	assert_int_equal(g.kx, 90);
	assert_int_equal(g.cipher, 90);
	assert_int_equal(g.score, 93);
	assert_string_equal(g.grade, "A");
	assert_int_equal(g.ncaps, 0);
	assert_string_equal(g.untrusted, "");
	tlsgrade_clear(&g);

	/* An EC P-256 key counts as 3072 bits; a chain missing its
	   intermediate caps at B. */
	grade_fixture(&h, &scan, 8, strong, 2, "EC (prime256v1)", 256);
	scan.chain_complete = 0;
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.kx, 90);
	assert_string_equal(g.letter, "A");
	assert_string_equal(g.grade, "B");
	assert_true(grade_has_cap(&g, "B: incomplete certificate chain"));
	tlsgrade_clear(&g);

	/* TLS 1.1 only with 3DES: 95, 90, 20 -> 63, C; capped at C twice
	   and at B, no forward secrecy and no AEAD. */
	grade_fixture(&h, &scan, 2, des, 1, "RSA", 2048);
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.protocol, 95);
	assert_int_equal(g.cipher, 20);
	assert_int_equal(g.score, 63);
	assert_string_equal(g.grade, "C");
	assert_true(grade_has_cap(&g, "C: 64-bit block ciphers (3DES)"));
	assert_true(grade_has_cap(&g, "C: TLS 1.2 not accepted"));
	assert_true(grade_has_cap(&g, "B: TLS 1.1 accepted"));
	assert_true(grade_has_cap(&g, "B: no suite with forward secrecy"));
	assert_true(grade_has_cap(&g, "B: no AEAD suite"));
	tlsgrade_clear(&g);

	/* Anonymous key exchange scores 0: F, whatever else. */
	grade_fixture(&h, &scan, 4, anon, 1, "RSA", 2048);
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.kx, 0);
	assert_int_equal(g.score, 0);
	assert_string_equal(g.grade, "F");
	assert_true(grade_has_cap(&g, "F: anonymous suites accepted"));
	assert_true(grade_has_cap(&g, "B: no suite with forward secrecy"));
	tlsgrade_clear(&g);

	/* A 1024-bit DH group: key exchange 80, capped at B; a 1024-bit
	   RSA key too; under 1024 is F. */
	grade_fixture(&h, &scan, 4, dh, 1, "RSA", 1024);
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.kx, 80);
	assert_string_equal(g.grade, "B");
	assert_true(grade_has_cap(&g, "B: DH parameters of 1024 bits"));
	assert_true(grade_has_cap(&g, "B: certificate key of 1024 bits"));
	tlsgrade_clear(&g);
	grade_fixture(&h, &scan, 4, dh, 1, "RSA", 768);
	tlsgrade_rate(&g, &h, &scan);
	assert_int_equal(g.kx, 40);
	assert_string_equal(g.grade, "F");
	tlsgrade_clear(&g);

	/* Trust: M for the name, T for the chain, with the grade it would
	   have had. */
	grade_fixture(&h, &scan, 4 | 8, strong, 2, "RSA", 2048);
	h.name_ok = false;
	tlsgrade_rate(&g, &h, &scan);
	assert_string_equal(g.grade, "M");
	assert_string_equal(g.untrusted, "A");
	tlsgrade_clear(&g);
	h.chain_ok = false;
	h.verify = (char *)"self-signed certificate";
	tlsgrade_rate(&g, &h, &scan);
	assert_string_equal(g.grade, "T");
	assert_string_equal(g.untrusted, "A");
	assert_true(grade_has_cap(&g,
	    "T: the certificate is not trusted (self-signed certificate)"));
	tlsgrade_clear(&g);
	assert_true(tlsgrade_rank("T") > tlsgrade_rank("F"));
	assert_int_equal(tlsgrade_equiv_bits(true, 384), 7680);
	assert_int_equal(tlsgrade_equiv_bits(false, 4096), 4096);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_fields),
		cmocka_unit_test(test_ec_self_signed),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_bad_pem),
		cmocka_unit_test(test_days_left),
		cmocka_unit_test(test_renewal),
		cmocka_unit_test(test_renewal_bad_file),
		cmocka_unit_test(test_grade),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
