/* fuzz-checklist.c: the checklist loader on arbitrary files. */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 path[64];
	struct checklist	*cl;
	char			*err = NULL;
	FILE			*f;
	size_t			 i;

	if (size > 65536)
		return 0;
	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz-checklist-%ld.cfg",
		    (long)getpid());
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	cl = checklist_load(path, &err);
	if (cl == NULL) {
		/* Every refusal names the file. */
		if (err == NULL || strncmp(err, path, strlen(path)) != 0)
			abort();
		free(err);
		return 0;
	}
	for (i = 0; i < cl->nitems; i++) {
		const struct item *it = &cl->items[i];

		if (it->title == NULL || it->why == NULL || it->fix == NULL ||
		    it->stage < 1 || it->stage > STAGE_COUNT ||
		    checklist_item(cl, it->id) != it)
			abort();
		if (it->hint != NULL && check_find(it->hint) == NULL)
			abort();
	}
	checklist_stage_at(cl, 13);
	checklist_free(cl);
	return 0;
}
