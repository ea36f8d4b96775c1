/* fuzz-html.c: the HTML reference extractor (bytes, not a C string). */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "web.h"

int LLVMFuzzerTestOneInput(const unsigned char *, size_t);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct html_refs	refs;
	char			*copy;

	/* An exact-size copy so reads past the end are caught. */
	copy = xmalloc(size ? size : 1);
	memcpy(copy, data, size);
	html_extract(copy, size, &refs);
	html_refs_free(&refs);
	free(copy);
	return 0;
}
