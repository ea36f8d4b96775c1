/*
 * fuzz-dmarc.c: the DMARC record parser, report URIs and the organisational
 * domain (Public Suffix List) of arbitrary names.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record	 r;
	char			*err = NULL, *s, *d;
	const char		*org;

	if (dmarc_parse(&r, (const char *)data, size, &err) == 0)
		dmarc_record_free(&r);
	free(err);
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	org = dmarc_org_domain(s);
	if (org < s || org > s + strlen(s))
		abort();
	if ((d = dmarc_uri_domain(s)) != NULL)
		free(d);
	free(s);
	return 0;
}
