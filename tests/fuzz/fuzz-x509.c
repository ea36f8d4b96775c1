/*
 * fuzz-x509.c: the certificate reading path of the TLS engine. The input is
 * read as PEM (tlscert_from_pem) and as DER (what a server sends in its
 * Certificate message, read by tlscert_from_x509), and days left computed.
 */

#include "config.h"

#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlscert		 c;
	const unsigned char	*p = data;
	char			*err = NULL;
	X509			*x;

	tlscert_init(&c);
	if (tlscert_from_pem(&c, (const char *)data, size, &err) == 0)
		(void)tlscert_days_left(c.not_after, 1800000000);
	free(err);
	tlscert_clear(&c);

	if (size < 100000 && (x = d2i_X509(NULL, &p, (long)size)) != NULL) {
		tlscert_from_x509(&c, x);
		(void)tlscert_days_left(c.not_after, 1800000000);
		tlscert_clear(&c);
		X509_free(x);
	}
	ERR_clear_error();
	return 0;
}
