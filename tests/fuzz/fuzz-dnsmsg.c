/* fuzz-dnsmsg.c: the raw DNS answer parser. */

#include "config.h"

#include <stdlib.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsmsg	 m;
	char		*err = NULL;

	if (dnsmsg_parse(&m, data, size, &err) == 0)
		dnsmsg_free(&m);
	free(err);
	return 0;
}
