/* fuzz-dkim.c: the DKIM key record parser (and OpenSSL's key decoding). */

#include "config.h"

#include <stdlib.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkim_key	 k;
	char		*err = NULL;

	if (dkim_parse(&k, (const char *)data, size, &err) == 0)
		dkim_key_free(&k);
	free(err);
	return 0;
}
