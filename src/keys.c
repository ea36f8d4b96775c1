/*
 * keys.c: what kind of private key a finding is. OpenSSH keys are read
 * from their "openssh-key-v1" structure, PuTTY keys from their header,
 * PEM keys from their label (PKCS#8 from its algorithm), and PKCS#12
 * stores from their ASN.1 structure (OpenSSL's d2i_PKCS12).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "secrets.h"

/* The passwords PKCS#12 stores are shipped with (empty, Google's, Java's). */
static const char *const keys_default_passwords[] = {
	"", "notasecret", "changeit", "password", NULL
};

/* A MAC with more rounds than this is not tried (a decoy costs time). */
#define KEYS_MAX_MAC_ITER	1000000L

/* Decodes the base64 in s (whitespace and "\n" escapes skipped). */
static unsigned char *
keys_unbase64(const char *s, size_t len, size_t *outlen)
{
	char		*clean;
	unsigned char	*out;
	size_t		 i, n = 0;
	int		 got;

	clean = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 'n' ||
		    s[i + 1] == 'r')) {
			i++;
			continue;
		}
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '+' || s[i] == '/' || s[i] == '=')
			clean[n++] = s[i];
	}
	n -= n % 4;
	out = xmalloc(n / 4 * 3 + 1);
	got = n > 0 ? EVP_DecodeBlock(out, (unsigned char *)clean, (int)n) :
	    -1;
	free(clean);
	if (got < 0) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)got;
	return out;
}

/* Reads an SSH string at *p; false when it runs past end. */
static bool
keys_ssh_string(const unsigned char **p, const unsigned char *end,
    const unsigned char **s, size_t *len)
{
	uint32_t	n;

	if (end - *p < 4)
		return false;
	n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	if ((size_t)(end - *p) < n)
		return false;
	*s = *p;
	*len = n;
	*p += n;
	return true;
}

/* Describes an OpenSSH key from its decoded body. */
static bool
keys_openssh(const unsigned char *d, size_t len, char *out, size_t outlen)
{
	static const char	 magic[] = "openssh-key-v1";
	const unsigned char	*p = d, *end = d + len, *s, *cipher, *pub;
	const unsigned char	*q, *t;
	size_t			 sl, cl, pl, tl;
	char			 type[64], extra[32] = "";

	if (len < sizeof magic || memcmp(d, magic, sizeof magic) != 0)
		return false;
	p += sizeof magic;
	if (!keys_ssh_string(&p, end, &cipher, &cl) ||
	    !keys_ssh_string(&p, end, &s, &sl) ||	/* kdf */
	    !keys_ssh_string(&p, end, &s, &sl) ||	/* kdf options */
	    end - p < 4)
		return false;
	p += 4;						/* number of keys */
	if (!keys_ssh_string(&p, end, &pub, &pl))
		return false;
	q = pub;
	if (!keys_ssh_string(&q, pub + pl, &t, &tl) || tl == 0 ||
	    tl >= sizeof type)
		return false;
	memcpy(type, t, tl);
	type[tl] = '\0';
	if (strcmp(type, "ssh-rsa") == 0) {
		const unsigned char *e, *n;
		size_t el, nl;

		if (keys_ssh_string(&q, pub + pl, &e, &el) &&
		    keys_ssh_string(&q, pub + pl, &n, &nl)) {
			while (nl > 0 && *n == 0) {
				n++;
				nl--;
			}
			snprintf(extra, sizeof extra, " %zu", nl * 8);
		}
		snprintf(type, sizeof type, "rsa");
	} else if (strcmp(type, "ssh-ed25519") == 0)
		snprintf(type, sizeof type, "ed25519");
	else if (strncmp(type, "ecdsa-sha2-nistp", 16) == 0)
		snprintf(type, sizeof type, "ecdsa P-%.8s", (char *)t + 16);
	else if (strcmp(type, "ssh-dss") == 0)
		snprintf(type, sizeof type, "dsa");
	snprintf(out, outlen, "%s%s%s", type, extra, cl == 4 &&
	    memcmp(cipher, "none", 4) == 0 ? "" : _(", passphrase-protected"));
	return true;
}

/* The algorithm of a PKCS#8 key, from its DER. */
static bool
keys_pkcs8(const unsigned char *d, size_t len, char *out, size_t outlen)
{
	const unsigned char	*p = d;
	PKCS8_PRIV_KEY_INFO	*p8;
	const ASN1_OBJECT	*alg = NULL;
	char			 name[64];

	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len)) == NULL)
		return false;
	if (PKCS8_pkey_get0(&alg, NULL, NULL, NULL, p8) != 1 ||
	    alg == NULL) {
		PKCS8_PRIV_KEY_INFO_free(p8);
		return false;
	}
	if (OBJ_obj2nid(alg) == NID_rsaEncryption)
		snprintf(name, sizeof name, "rsa");
	else if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey)
		snprintf(name, sizeof name, "ec");
	else
		OBJ_obj2txt(name, sizeof name, alg, 0);
	snprintf(out, outlen, "%s", name);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return true;
}

bool
keys_describe(const char *match, size_t len, const char *body,
    size_t blen, char *out, size_t outlen)
{
	unsigned char	*d;
	size_t		 dl = 0, i;
	char		 kind[48] = "", label[40] = "";
	const char	*b, *e;
	bool		 ok = false;

	if (len > 22 && memcmp(match, "PuTTY-User-Key-File-", 20) == 0) {
		b = match + 22;
		while (b < match + len && (*b == ' ' || *b == ':'))
			b++;
		for (i = 0; b + i < match + len && i + 1 < sizeof kind &&
		    b[i] != '\r' && b[i] != '\n' && b[i] != ' '; i++)
			kind[i] = b[i];
		kind[i] = '\0';
		snprintf(out, outlen, _("PuTTY private key (%s%s)"), kind,
		    memmem(match, len, "Encryption: none", 16) != NULL ? "" :
		    _(", passphrase-protected"));
		return true;
	}
	if (len < 11 || memcmp(match, "-----BEGIN ", 11) != 0)
		return false;
	b = match + 11;
	e = memmem(b, len - 11, "PRIVATE KEY", 11);
	if (e == NULL)
		return false;
	snprintf(label, sizeof label, "%.*s", (int)(e - b), b);
	if ((d = keys_unbase64(body, blen, &dl)) == NULL)
		dl = 0;
	if (strcmp(label, "OPENSSH ") == 0) {
		if (d != NULL && keys_openssh(d, dl, kind, sizeof kind))
			snprintf(out, outlen, _("OpenSSH private key (%s)"),
			    kind);
		else
			snprintf(out, outlen, _("OpenSSH private key"));
		ok = true;
	} else if (strcmp(label, "ENCRYPTED ") == 0) {
		snprintf(out, outlen, _("PKCS#8 private key (encrypted)"));
		ok = true;
	} else if (label[0] == '\0') {
		if (d != NULL && keys_pkcs8(d, dl, kind, sizeof kind))
			snprintf(out, outlen, _("PKCS#8 private key (%s)"),
			    kind);
		else
			snprintf(out, outlen, _("PKCS#8 private key"));
		ok = true;
	} else {
		/* "RSA ", "EC ", "DSA ", "PGP "...: the label says it. */
		for (i = 0; label[i] != '\0'; i++)
			label[i] = label[i] == ' ' ? '\0' : label[i];
		snprintf(out, outlen, _("%s private key"), label);
		ok = true;
	}
	if (d != NULL)
		OPENSSL_cleanse(d, dl);
	free(d);
	return ok;
}

bool
keys_binary_candidate(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;

	/* A DER SEQUENCE with a long-form length, as every store starts. */
	return len >= 64 && p[0] == 0x30 && (p[1] == 0x80 || (p[1] > 0x80 &&
	    p[1] <= 0x84));
}

bool
keys_pkcs12(const char *buf, size_t len, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)buf;
	const ASN1_INTEGER	*iter = NULL;
	PKCS12			*p12;
	EVP_PKEY		*pkey = NULL;
	X509			*cert = NULL;
	const char		*pass = NULL;
	char			 kind[48] = "";
	size_t			 i;

	if (!keys_binary_candidate(buf, len))
		return false;
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (p12 == NULL)
		return false;
	/* Only a whole store, with a MAC of bounded cost. */
	if ((size_t)(p - (const unsigned char *)buf) != len ||
	    !PKCS12_mac_present(p12)) {
		PKCS12_free(p12);
		return false;
	}
	PKCS12_get0_mac(NULL, NULL, NULL, &iter, p12);
	if (iter != NULL && ASN1_INTEGER_get(iter) > KEYS_MAX_MAC_ITER) {
		PKCS12_free(p12);
		return false;
	}
	for (i = 0; keys_default_passwords[i] != NULL; i++) {
		if (PKCS12_verify_mac(p12, keys_default_passwords[i], -1) ==
		    1 || (i == 0 && PKCS12_verify_mac(p12, NULL, 0) == 1)) {
			pass = keys_default_passwords[i];
			break;
		}
	}
	if (pass == NULL) {
		PKCS12_free(p12);
		return false;
	}
	if (PKCS12_parse(p12, pass, &pkey, &cert, NULL) == 1 &&
	    pkey != NULL) {
		const char *t = EVP_PKEY_get0_type_name(pkey);

		snprintf(kind, sizeof kind, "%s %d, ", t != NULL ? t : "?",
		    EVP_PKEY_get_bits(pkey));
	}
	snprintf(out, outlen, *pass == '\0' ?
	    _("PKCS#12 key store (%sno password)") :
	    _("PKCS#12 key store (%sdefault password)"), kind);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	PKCS12_free(p12);
	return true;
}
