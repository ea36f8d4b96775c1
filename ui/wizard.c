/* wizard.c: the wizard (stub until the ncurses front end lands). */

#include "config.h"

#include <stdio.h>

#include "ui.h"

int
ui_run(struct cmdline *cl)
{
	fprintf(stderr, "launchready: the wizard is not in this build yet; "
	    "use `launchready audit DOMAIN`\n");
	return EXIT_FAILURE_;
}
