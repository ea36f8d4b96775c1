/* test-dkim.c: DKIM key records, with keys made by OpenSSL at test time. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "dns.h"

/* A fresh key's SubjectPublicKeyInfo in base64. */
static char *
key_b64(int type, int bits)
{
	EVP_PKEY	*k = type == EVP_PKEY_RSA ? EVP_RSA_gen(bits) : NULL;
	unsigned char	*der = NULL;
	char		*b64;
	int		 n;

	if (type == EVP_PKEY_ED25519) {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);

		EVP_PKEY_keygen_init(c);
		EVP_PKEY_keygen(c, &k);
		EVP_PKEY_CTX_free(c);
	}
	assert_non_null(k);
	n = i2d_PUBKEY(k, &der);
	b64 = xmalloc(n * 2 + 4);
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	return b64;
}

static int
parse(struct dkim_key *k, const char *txt, const char *errword)
{
	char	*err = NULL;
	int	 rc = dkim_parse(k, txt, strlen(txt), &err);

	if (rc != 0) {
		if (errword != NULL)
			assert_non_null(strstr(err, errword));
		free(err);
	}
	return rc;
}

static void
test_sizes(void **state)
{
	struct dkim_key	 k;
	char		*b, *txt;
	int		 bits[] = { 1024, 2048 };

	(void)state;
	for (size_t i = 0; i < nitems(bits); i++) {
		b = key_b64(EVP_PKEY_RSA, bits[i]);
		txt = xprintf("v=DKIM1; k=rsa; t=y:s; p=%s", b);
		assert_int_equal(parse(&k, txt, NULL), 0);
		assert_int_equal(k.bits, bits[i]);
		assert_string_equal(k.keytype, "RSA");
		assert_true(k.testing);
		dkim_key_free(&k);
		free(txt);
		free(b);
	}
	b = key_b64(EVP_PKEY_ED25519, 0);
	txt = xprintf("v=DKIM1; k=ed25519; p=%s", b);
	assert_int_equal(parse(&k, txt, NULL), 0);
	assert_string_equal(k.keytype, "Ed25519");
	dkim_key_free(&k);
	free(txt);
	free(b);
}

static void
test_revoked_and_broken(void **state)
{
	struct dkim_key	k;

	(void)state;
	assert_int_equal(parse(&k, "v=DKIM1; k=rsa; p=", NULL), 0);
	assert_true(k.revoked);
	assert_int_equal(k.bits, 0);
	dkim_key_free(&k);
	assert_int_equal(parse(&k, "v=DKIM1; p=AAAA", "decode"), -1);
	assert_int_equal(parse(&k, "v=DKIM1; p=abc", "base64"), -1);
	assert_int_equal(parse(&k, "v=DKIM1; k=rsa", "p="), -1);
	assert_int_equal(parse(&k, "k=rsa; v=DKIM1; p=", "first"), -1);
	assert_int_equal(parse(&k, "v=DKIM1; p", "tag=value"), -1);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_revoked_and_broken),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
