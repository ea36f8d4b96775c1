/* fuzz-dmarc.c: the DMARC record parser. */

#include "config.h"

#include <stdlib.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record	 r;
	char			*err = NULL;

	if (dmarc_parse(&r, (const char *)data, size, &err) == 0)
		dmarc_record_free(&r);
	free(err);
	return 0;
}
