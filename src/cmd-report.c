/* cmd-report.c: `launchready list` and `launchready report` (stub). */

#include "config.h"

#include <stdio.h>

#include "launchready.h"

int
cmd_list(struct cmdline *cl)
{
	fprintf(stderr, "launchready: list is not in this build yet\n");
	return EXIT_FAILURE_;
}

int
cmd_report(struct cmdline *cl)
{
	fprintf(stderr, "launchready: report is not in this build yet\n");
	return EXIT_FAILURE_;
}
