/* launchready.c: the program's entry: parses the command line, dispatches. */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui.h"

/* The wizard's screens, in the order the help lists them; start first. */
static const struct screen *const launchready_screens[] = {
	&screen_start,
	&screen_form,
	&screen_board,
	&screen_summary,
	&screen_handover,
	&screen_secrets,
	&screen_text,
	&screen_help,
	NULL,
};

int
main(int argc, char **argv)
{
	struct cmdline	 cl;
	char		*err = NULL;
	const char	*localedir;
	int		 status;

	/* A peer closing a socket mid-write must not kill the program. */
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_ALL, "");
	/* LAUNCHREADY_LOCALEDIR: an uninstalled build's catalogues. */
	localedir = getenv("LAUNCHREADY_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir != NULL && *localedir != '\0' ?
	    localedir : LOCALEDIR);
	textdomain(PACKAGE);

	if ((status = cmdline_parse(&cl, argc, argv, &err)) != 0) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		cmdline_clear(&cl);
		return status;
	}
	switch (cl.command) {
	case COMMAND_HELP:
		fputs(cmdline_usage(), stdout);
		fputs(cmdline_usage_after(), stdout);
		status = EXIT_OK;
		break;
	case COMMAND_VERSION:
		printf("launchready %s\n", PACKAGE_VERSION);
		status = EXIT_OK;
		break;
	case COMMAND_AUDIT:
		status = cmd_audit(&cl);
		break;
	case COMMAND_LIST:
		status = cmd_list(&cl);
		break;
	case COMMAND_REPORT:
		status = cmd_report(&cl);
		break;
	case COMMAND_DIFF:
		status = cmd_diff(&cl);
		break;
	case COMMAND_EXPORT:
		status = cmd_export(&cl);
		break;
	case COMMAND_SCAN:
		status = cmd_scan(&cl);
		break;
	case COMMAND_HOOK:
		status = cmd_hook(&cl);
		break;
	default:
		status = ui_run(&cl, launchready_screens);
		break;
	}
	cmdline_clear(&cl);
	return status;
}
