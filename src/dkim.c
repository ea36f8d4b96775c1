/* dkim.c: DKIM key records (RFC 6376 section 3.6.1), keys sized by OpenSSL. */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dns.h"

/* Parser state: the key and the raw p= value. */
struct dkim_parse {
	struct dkim_key	*key;
	char		*p;
	bool		 have_v;
	int		 ntags;
};

/* One tag of a key record. */
static int
dkim_tag(void *arg, const char *tag, const char *value, char **err)
{
	struct dkim_parse	*dp = arg;
	struct dkim_key		*k = dp->key;

	dp->ntags++;
	if (strcmp(tag, "v") == 0) {
		if (dp->ntags != 1 || strcmp(value, "DKIM1") != 0)
			return set_error(err, "%s",
			    _("v= must come first and be "
			    "DKIM1"));
		dp->have_v = true;
	} else if (strcmp(tag, "k") == 0) {
		free(k->k);
		k->k = xstrdup(value);
	} else if (strcmp(tag, "h") == 0) {
		free(k->h);
		k->h = xstrdup(value);
	} else if (strcmp(tag, "t") == 0) {
		struct strlist flags = { 0 };

		free(k->t);
		k->t = xstrdup(value);
		/* Flags are separated by ':'. */
		for (char *s = k->t; *s != '\0'; s++)
			if (*s == ':')
				*s = ',';
		strlist_split(&flags, k->t);
		k->testing = strlist_has(&flags, "y");
		strlist_clear(&flags);
		free(k->t);
		k->t = xstrdup(value);
	} else if (strcmp(tag, "p") == 0) {
		if (dp->p != NULL)
			return set_error(err, "%s", _("p= appears twice"));
		dp->p = xstrdup(value);
	}
	/* n=, s= and unknown tags are ignored (RFC 6376 3.6.1). */
	return 0;
}

int
dkim_parse(struct dkim_key *k, const char *txt, size_t len, char **err)
{
	struct dkim_parse	 dp = { .key = k };
	unsigned char		*der = NULL;
	const unsigned char	*q;
	char			*b64;
	size_t			 i, n = 0;
	int			 dl;
	EVP_PKEY		*pkey;

	memset(k, 0, sizeof *k);
	if (dns_tags(txt, len, dkim_tag, &dp, err) != 0)
		goto fail;
	if (k->k == NULL)
		k->k = xstrdup("rsa");
	if (dp.p == NULL) {
		set_error(err, "%s", _("no p= tag (the public key)"));
		goto fail;
	}
	/* Base64 with folding whitespace removed. */
	b64 = xmalloc(strlen(dp.p) + 1);
	for (i = 0; dp.p[i] != '\0'; i++) {
		if (!isspace((unsigned char)dp.p[i]))
			b64[n++] = dp.p[i];
	}
	b64[n] = '\0';
	if (n == 0) {
		free(b64);
		k->revoked = true;
		free(dp.p);
		return 0;
	}
	if (n % 4 != 0 || n > 16384) {
		free(b64);
		set_error(err, "%s", _("p= is not valid base64"));
		goto fail;
	}
	der = xmalloc(n / 4 * 3 + 1);
	dl = EVP_DecodeBlock(der, (unsigned char *)b64, (int)n);
	free(b64);
	if (dl < 0) {
		set_error(err, "%s", _("p= is not valid base64"));
		goto fail;
	}
	/* EVP_DecodeBlock counts padding bytes as data. */
	if (n >= 1 && dp.p[strlen(dp.p) - 1] == '=')
		dl--;
	if (n >= 2 && strlen(dp.p) >= 2 && dp.p[strlen(dp.p) - 2] == '=')
		dl--;
	q = der;
	pkey = d2i_PUBKEY(NULL, &q, dl);
	if (pkey == NULL && strcasecmp(k->k, "rsa") == 0) {
		/* Some publish a bare RSAPublicKey. */
		q = der;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, dl);
	}
	if (pkey == NULL && strcasecmp(k->k, "ed25519") == 0 && dl == 32)
		pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der,
		    32);
	free(der);
	der = NULL;
	if (pkey == NULL) {
		set_error(err, "%s", _("the public key in p= does not decode"));
		goto fail;
	}
	k->bits = EVP_PKEY_get_bits(pkey);
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		k->keytype = xstrdup("RSA");
		break;
	case EVP_PKEY_ED25519:
		k->keytype = xstrdup("Ed25519");
		break;
	default:
		k->keytype = xstrdup(OBJ_nid2sn(EVP_PKEY_get_base_id(pkey)));
		break;
	}
	EVP_PKEY_free(pkey);
	free(dp.p);
	return 0;

fail:
	free(der);
	free(dp.p);
	dkim_key_free(k);
	return -1;
}

void
dkim_key_free(struct dkim_key *k)
{
	free(k->k);
	free(k->h);
	free(k->t);
	free(k->keytype);
	memset(k, 0, sizeof *k);
}
