/* dane.c: TLSA records (RFC 6698) and matching them against a chain. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "mail.h"

int
dane_tlsa_parse(struct dane_tlsa *t, const char *text, char **err)
{
	unsigned	 u, sel, mt;
	int		 n = 0;
	size_t		 i, hex;
	const char	*h;

	memset(t, 0, sizeof *t);
	if (sscanf(text, "%u %u %u %n", &u, &sel, &mt, &n) != 3 || n == 0 ||
	    u > 255 || sel > 255 || mt > 255)
		return set_error(err, _("not a TLSA record: %.40s"), text);
	h = text + n;
	hex = strlen(h);
	if (hex == 0 || hex % 2 != 0 || strspn(h, "0123456789abcdefABCDEF") !=
	    hex)
		return set_error(err, _("a TLSA record without its data: "
		    "%.40s"), text);
	t->usage = u;
	t->selector = sel;
	t->mtype = mt;
	t->len = hex / 2;
	t->data = xmalloc(t->len);
	for (i = 0; i < t->len; i++) {
		unsigned b;

		sscanf(h + 2 * i, "%2x", &b);
		t->data[i] = (unsigned char)b;
	}
	return 0;
}

void
dane_tlsa_clear(struct dane_tlsa *t)
{
	free(t->data);
	memset(t, 0, sizeof *t);
}

char *
dane_tlsa_text(const struct dane_tlsa *t)
{
	struct buf	b = { 0 };
	size_t		i;

	buf_printf(&b, "%u %u %u ", t->usage, t->selector, t->mtype);
	for (i = 0; i < t->len && i < 16; i++)
		buf_printf(&b, "%02x", t->data[i]);
	if (t->len > 16)
		buf_printf(&b, "...");
	buf_add(&b, "", 1);
	return b.data;
}

const char *
dane_usage_name(unsigned usage)
{
	static char	other[32];

	switch (usage) {
	case 0:
		return "PKIX-TA";
	case 1:
		return "PKIX-EE";
	case 2:
		return "DANE-TA";
	case 3:
		return "DANE-EE";
	default:
		snprintf(other, sizeof other, "usage %u", usage);
		return other;
	}
}

/*
 * The bytes a record of selector and mtype compares for x: newly
 * allocated in *out, or -1 for an unknown selector or type.
 */
static int
dane_digest(X509 *x, unsigned selector, unsigned mtype, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen;
	int		 len;
	const EVP_MD	*type;

	if (selector == 0)
		len = i2d_X509(x, &der);
	else if (selector == 1)
		len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
	else
		return -1;
	if (len <= 0)
		return -1;
	if (mtype == 0) {
		*out = xmalloc((size_t)len);
		memcpy(*out, der, (size_t)len);
		*outlen = (size_t)len;
		OPENSSL_free(der);
		return 0;
	}
	type = mtype == 1 ? EVP_sha256() : mtype == 2 ? EVP_sha512() : NULL;
	if (type == NULL || !EVP_Digest(der, (size_t)len, md, &mdlen, type,
	    NULL)) {
		OPENSSL_free(der);
		return -1;
	}
	OPENSSL_free(der);
	*out = xmalloc(mdlen);
	memcpy(*out, md, mdlen);
	*outlen = mdlen;
	return 0;
}

enum dane_match
dane_match(const struct dane_tlsa *t, STACK_OF(X509) *chain, bool chain_ok,
    const char **what)
{
	unsigned char	*d;
	size_t		 dlen;
	int		 i, from, to;
	bool		 hit = false;

	*what = "";
	if (t->usage > 3 || t->selector > 1 || t->mtype > 2) {
		*what = _("unusable parameters: ignored (RFC 7672 2.2)");
		return DANE_UNUSABLE;
	}
	if (chain == NULL || sk_X509_num(chain) == 0) {
		*what = _("no certificate to compare");
		return DANE_NO_MATCH;
	}
	/* End-entity usages take the leaf, trust-anchor usages the rest. */
	if (t->usage == 1 || t->usage == 3) {
		from = 0;
		to = 1;
	} else {
		from = 1;
		to = sk_X509_num(chain);
	}
	for (i = from; i < to && !hit; i++) {
		if (dane_digest(sk_X509_value(chain, i), t->selector, t->mtype,
		    &d, &dlen) != 0)
			continue;
		hit = dlen == t->len && memcmp(d, t->data, dlen) == 0;
		free(d);
	}
	if (!hit) {
		*what = t->usage == 1 || t->usage == 3 ?
		    (t->selector == 1 ? _("does not match the leaf's public "
		    "key") : _("does not match the leaf certificate")) :
		    _("matches no CA certificate the server sends");
		return DANE_NO_MATCH;
	}
	if ((t->usage == 0 || t->usage == 1) && !chain_ok) {
		*what = _("matches, but PKIX usages also need a chain that "
		    "verifies, and it does not");
		return DANE_NO_MATCH;
	}
	*what = t->usage == 1 || t->usage == 3 ? (t->selector == 1 ?
	    _("matches the leaf's public key") :
	    _("matches the leaf certificate")) :
	    _("matches a CA certificate the server sends");
	return DANE_MATCH;
}
