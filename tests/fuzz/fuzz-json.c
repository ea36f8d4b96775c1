/* fuzz-json.c: the JSON reader and the baseline reader on arbitrary bytes. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Walks the tree: every string is NUL-free and every member has a key. */
static void
walk(const struct json *j, int depth, bool in_object)
{
	size_t	i;

	if (depth > JSON_MAX_DEPTH + 1 || (in_object && j->key == NULL))
		abort();
	if (j->type == JSON_STRING && j->str == NULL)
		abort();
	for (i = 0; i < j->n; i++)
		walk(j->v[i], depth + 1, j->type == JSON_OBJECT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json	*j;
	struct baseline	*b;
	char		*err = NULL;

	j = json_parse((const char *)data, size, &err);
	if (j == NULL) {
		/* Every refusal says where. */
		if (err == NULL || strncmp(err, "line ", 5) != 0)
			abort();
		free(err);
	} else {
		walk(j, 0, false);
		json_free(j);
	}
	err = NULL;
	b = baseline_parse((const char *)data, size, "fuzz", &err);
	if (b == NULL) {
		if (err == NULL || strncmp(err, "fuzz: ", 6) != 0)
			abort();
		free(err);
	} else {
		struct comparison cmp;

		baseline_compare(b, b, &cmp);
		if (cmp.counts[CHANGE_UNCHANGED] != b->n)
			abort();
		comparison_clear(&cmp);
		baseline_free(b);
	}
	return 0;
}
