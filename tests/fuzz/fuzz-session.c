/*
 * fuzz-session.c: the session loader on arbitrary files; what loads is
 * also written out as a handover report in all three formats.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launchready.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 path[64];
	static struct checklist	*cl;
	struct session		*s;
	struct buf		 b = { 0 };
	char			*err = NULL, *cl_path;
	FILE			*f;
	size_t			 plen;

	if (size > 256 * 1024)
		return 0;
	if (path[0] == '\0') {
		snprintf(path, sizeof path, "/tmp/fuzz-session-%ld.cfg",
		    (long)getpid());
		cl_path = data_path("checklist.cfg");
		if ((cl = checklist_load(cl_path, &err)) == NULL) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
		free(cl_path);
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	s = session_load(path, &err);
	if (s == NULL) {
		/* Every refusal is "PATH:LINE: message" with a line >= 1. */
		plen = strlen(path);
		if (err == NULL || strncmp(err, path, plen) != 0 ||
		    err[plen] != ':' || atoi(err + plen + 1) < 1)
			abort();
		free(err);
		return 0;
	}
	if (s->selected_stage < 1 || s->selected_stage > STAGE_COUNT ||
	    s->version != SESSION_FORMAT_VERSION || s->lock_fd != -1)
		abort();
	if (report_render(s, cl, FORMAT_JSON, &b, &err) != 0 ||
	    report_render(s, cl, FORMAT_MD, &b, &err) != 0 ||
	    report_render(s, cl, FORMAT_HTML, &b, &err) != 0)
		abort();
	buf_free(&b);
	session_free(s);
	return 0;
}
