/* tlscert.c: certificate fields, days left and who renews a certificate. */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tls.h"

void
tlscert_init(struct tlscert *c)
{
	memset(c, 0, sizeof *c);
	c->not_before = -1;
	c->not_after = -1;
}

void
tlscert_clear(struct tlscert *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->issuer_org);
	strlist_clear(&c->sans);
	free(c->key_type);
	free(c->sig_alg);
	tlscert_init(c);
}

/* Copies bytes, replacing control characters so a line stays one line. */
static char *
tlscert_clean(const unsigned char *s, size_t len)
{
	char	*out;
	size_t	 i;

	out = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		out[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	out[len] = '\0';
	return out;
}

/* A name as one RFC 2253 line, UTF-8 kept, controls escaped. */
static char *
tlscert_name(const X509_NAME *name)
{
	BIO	*bio;
	char	*data, *out;
	long	 len;

	if (name == NULL)
		return xstrdup("");
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		fatal("BIO_new failed");
	X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(bio, &data);
	out = tlscert_clean((unsigned char *)data, len > 0 ? (size_t)len : 0);
	BIO_free(bio);
	return out;
}

/* The first entry of nid in name as UTF-8, or NULL. */
static char *
tlscert_name_entry(const X509_NAME *name, int nid)
{
	const X509_NAME_ENTRY	*e;
	unsigned char		*utf8;
	char			*out;
	int			 i, len;

	if (name == NULL || (i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return NULL;
	e = X509_NAME_get_entry(name, i);
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (len < 0)
		return NULL;
	out = tlscert_clean(utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

/* An ASN.1 time as time_t, -1 when it cannot be read. */
static time_t
tlscert_time(const ASN1_TIME *t)
{
	struct tm	tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	return timegm(&tm);
}

/* The subjectAltName entries a person can read. */
static void
tlscert_sans(struct tlscert *c, X509 *x)
{
	GENERAL_NAMES	*names;
	GENERAL_NAME	*gn;
	char		 ip[64];
	int		 i, n;

	names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (names == NULL)
		return;
	n = sk_GENERAL_NAME_num(names);
	for (i = 0; i < n; i++) {
		char *v = NULL;

		gn = sk_GENERAL_NAME_value(names, i);
		if (gn->type == GEN_DNS) {
			char *s = tlscert_clean(ASN1_STRING_get0_data(
			    gn->d.dNSName), (size_t)ASN1_STRING_length(
			    gn->d.dNSName));

			v = xprintf("DNS:%s", s);
			free(s);
		} else if (gn->type == GEN_IPADD) {
			const unsigned char *a = ASN1_STRING_get0_data(
			    gn->d.iPAddress);
			int alen = ASN1_STRING_length(gn->d.iPAddress);

			if (alen == 4)
				snprintf(ip, sizeof ip, "%u.%u.%u.%u", a[0],
				    a[1], a[2], a[3]);
			else if (alen == 16) {
				int j;
				size_t off = 0;

				for (j = 0; j < 16; j += 2)
					off += (size_t)snprintf(ip + off,
					    sizeof ip - off, "%s%x",
					    j == 0 ? "" : ":",
					    (unsigned)(a[j] << 8 | a[j + 1]));
			} else
				snprintf(ip, sizeof ip, "?");
			v = xprintf("IP:%s", ip);
		} else
			continue;
		if (c->sans.n < TLSCERT_MAX_SANS)
			strlist_add(&c->sans, v);
		else
			c->sans_dropped++;
		free(v);
	}
	GENERAL_NAMES_free(names);
}

/* Key type and size of the certificate's public key. */
static void
tlscert_key(struct tlscert *c, X509 *x)
{
	EVP_PKEY	*pkey;
	char		 group[80];
	size_t		 glen = 0;

	pkey = X509_get0_pubkey(x);
	if (pkey == NULL) {
		c->key_type = xstrdup(_("unreadable"));
		return;
	}
	c->key_bits = EVP_PKEY_get_bits(pkey);
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		c->key_type = xstrdup("RSA");
		break;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen))
			c->key_type = xprintf("EC (%s)", group);
		else
			c->key_type = xstrdup("EC");
		break;
	case EVP_PKEY_ED25519:
		c->key_type = xstrdup("Ed25519");
		break;
	case EVP_PKEY_ED448:
		c->key_type = xstrdup("Ed448");
		break;
	case EVP_PKEY_DSA:
		c->key_type = xstrdup("DSA");
		break;
	default:
		c->key_type = xstrdup(EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown");
		break;
	}
}

void
tlscert_from_x509(struct tlscert *c, X509 *x)
{
	int	nid;

	c->subject = tlscert_name(X509_get_subject_name(x));
	c->issuer = tlscert_name(X509_get_issuer_name(x));
	c->issuer_org = tlscert_name_entry(X509_get_issuer_name(x),
	    NID_organizationName);
	if (c->issuer_org == NULL)
		c->issuer_org = tlscert_name_entry(X509_get_issuer_name(x),
		    NID_commonName);
	if (c->issuer_org == NULL)
		c->issuer_org = xstrdup("");
	c->self_issued = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
	tlscert_sans(c, x);
	c->not_before = tlscert_time(X509_get0_notBefore(x));
	c->not_after = tlscert_time(X509_get0_notAfter(x));
	tlscert_key(c, x);
	nid = X509_get_signature_nid(x);
	c->sig_alg = xstrdup(nid != NID_undef ? OBJ_nid2ln(nid) : "unknown");
}

int
tlscert_from_pem(struct tlscert *c, const char *pem, size_t len, char **err)
{
	BIO		*bio;
	X509		*x;
	unsigned long	 e;

	if (len > INT32_MAX)
		return set_error(err, "%s", _("the PEM data is too large"));
	ERR_clear_error();
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL)
		fatal("BIO_new_mem_buf failed");
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL) {
		e = ERR_peek_last_error();
		ERR_clear_error();
		return set_error(err, _("no certificate could be read: %s"),
		    e != 0 && ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : _("no PEM certificate"));
	}
	tlscert_from_x509(c, x);
	X509_free(x);
	return 0;
}

long
tlscert_days_left(time_t t, time_t now)
{
	if (t >= now)
		return (long)((t - now) / 86400);
	return -(long)((now - t + 86399) / 86400);
}

const char *
tlscert_renewal_name(enum tlscert_renewal r)
{
	switch (r) {
	case TLSCERT_RENEWAL_ACME:
		return _("automatic (ACME)");
	case TLSCERT_RENEWAL_CDN:
		return _("automatic (managed by the CDN)");
	default:
		return _("manual");
	}
}

void
tlscert_cas_clear(struct tlscert_cas *cas)
{
	size_t	i;

	for (i = 0; i < cas->n; i++) {
		free(cas->v[i].name);
		strlist_clear(&cas->v[i].match);
	}
	free(cas->v);
	cas->v = NULL;
	cas->n = 0;
}

/* Loads one list ("acme" or "cdn") of the CA file. */
static int
tlscert_cas_list(struct tlscert_cas *cas, config_t *cfg, const char *path,
    const char *list, enum tlscert_renewal renewal, char **err)
{
	config_setting_t	*l, *s, *m;
	const char		*name, *v;
	int			 i, j, n;

	if ((l = config_lookup(cfg, list)) == NULL)
		return 0;
	if (!config_setting_is_list(l))
		return set_error(err, _("%s:%d: \"%s\" must be a list"), path,
		    config_setting_source_line(l), list);
	n = config_setting_length(l);
	for (i = 0; i < n; i++) {
		struct tlscert_ca *ca;

		s = config_setting_get_elem(l, (unsigned)i);
		if (!config_setting_is_group(s) ||
		    !config_setting_lookup_string(s, "name", &name) ||
		    *name == '\0')
			return set_error(err, _("%s:%d: each CA needs a name"),
			    path, config_setting_source_line(s));
		m = config_setting_get_member(s, "match");
		if (m == NULL || !config_setting_is_array(m) ||
		    config_setting_length(m) == 0)
			return set_error(err, _("%s:%d: CA \"%s\" needs a "
			    "match array of strings"), path,
			    config_setting_source_line(s), name);
		cas->v = xreallocarray(cas->v, cas->n + 1, sizeof *cas->v);
		ca = &cas->v[cas->n++];
		memset(ca, 0, sizeof *ca);
		ca->name = xstrdup(name);
		ca->renewal = renewal;
		for (j = 0; j < config_setting_length(m); j++) {
			v = config_setting_get_string_elem(m, (unsigned)j);
			if (v == NULL || *v == '\0')
				return set_error(err, _("%s:%d: CA \"%s\": "
				    "match entries must be non-empty strings"),
				    path, config_setting_source_line(m), name);
			strlist_add(&ca->match, v);
		}
	}
	return 0;
}

/* Loads the two lists of a parsed CA file into cas; -1 with *err. */
static int
tlscert_cas_config(struct tlscert_cas *cas, config_t *cfg, const char *path,
    char **err)
{
	memset(cas, 0, sizeof *cas);
	if (tlscert_cas_list(cas, cfg, path, "acme", TLSCERT_RENEWAL_ACME,
	    err) != 0 || tlscert_cas_list(cas, cfg, path, "cdn",
	    TLSCERT_RENEWAL_CDN, err) != 0) {
		tlscert_cas_clear(cas);
		return -1;
	}
	return 0;
}

int
tlscert_cas_load(struct tlscert_cas *cas, const char *path, char **err)
{
	config_t	cfg;
	int		rc;

	memset(cas, 0, sizeof *cas);
	if ((rc = data_read(&cfg, path, err)) == 0)
		rc = tlscert_cas_config(cas, &cfg, path, err);
	config_destroy(&cfg);
	return rc;
}

struct tlscert_cas *
tlscert_cas_parse(config_t *cfg, const char *path, char **err)
{
	struct tlscert_cas	*cas = xcalloc(1, sizeof *cas);

	if (tlscert_cas_config(cas, cfg, path, err) != 0) {
		free(cas);
		return NULL;
	}
	return cas;
}

void
tlscert_cas_free(struct tlscert_cas *cas)
{
	if (cas != NULL) {
		tlscert_cas_clear(cas);
		free(cas);
	}
}

/* Case-blind substring search. */
static bool
tlscert_contains(const char *hay, const char *needle)
{
	size_t	n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	}
	return false;
}

const struct tlscert_ca *
tlscert_classify(const struct tlscert_cas *cas, const struct tlscert *c)
{
	size_t	i, j;

	for (i = 0; i < cas->n; i++) {
		for (j = 0; j < cas->v[i].match.n; j++) {
			const char *m = cas->v[i].match.v[j];

			if ((c->issuer_org != NULL &&
			    tlscert_contains(c->issuer_org, m)) ||
			    (c->issuer != NULL &&
			    tlscert_contains(c->issuer, m)))
				return &cas->v[i];
		}
	}
	return NULL;
}
