/* fuzz-domain.c: domain_normalise on arbitrary bytes. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "launchready.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in, *ascii, *unicode, *err = NULL;

	if (size > 4096)
		return 0;
	in = xstrndup((const char *)data, size);
	if (domain_normalise(in, &ascii, &unicode, &err) == 0) {
		/* What is accepted is a valid host name, at most 253 bytes. */
		if (!domain_is_hostname(ascii) || strlen(ascii) > 253 ||
		    *unicode == '\0')
			abort();
		free(ascii);
		free(unicode);
	} else if (err == NULL || *err == '\0')
		abort();
	free(err);
	free(in);
	return 0;
}
