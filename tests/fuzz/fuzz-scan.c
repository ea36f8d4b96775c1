/*
 * fuzz-scan.c: the scanner over arbitrary bytes, with the shipped rules
 * and with rules parsed from the input itself.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct secrets_rules *fuzz_rules;

/* Counts findings and checks the redaction bounds. */
static void
fuzz_scan_cb(void *arg, const struct secrets_finding *f)
{
	size_t	*n = arg;

	if (strlen(f->preview) > SECRETS_PREVIEW_CHARS + 3 ||
	    strlen(f->fingerprint) != SECRETS_FP_HEX || f->line == 0)
		abort();
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secrets_scanner	*sc;
	struct secrets_rules	*rs;
	const uint8_t		*split;
	char			*text, *err = NULL;
	size_t			 n = 0;

	if (fuzz_rules == NULL) {
		fuzz_rules = secrets_rules_load(NULL, &err);
		if (fuzz_rules == NULL)
			abort();
	}
	sc = secrets_scanner_new(fuzz_rules);
	secrets_scan(sc, "fuzz.txt", (const char *)data, size, fuzz_scan_cb,
	    &n);
	secrets_scanner_free(sc);

	/* "RULES\0TEXT": a rule file of the input's own, then its text. */
	split = memchr(data, '\0', size);
	if (split == NULL || split - data > 4096)
		return 0;
	text = xstrndup((const char *)data, (size_t)(split - data));
	rs = secrets_rules_parse(text, &err);
	free(text);
	free(err);
	if (rs == NULL)
		return 0;
	sc = secrets_scanner_new(rs);
	secrets_scan(sc, NULL, (const char *)split + 1,
	    size - (size_t)(split - data) - 1, fuzz_scan_cb, &n);
	secrets_scanner_free(sc);
	secrets_rules_free(rs);
	return 0;
}
