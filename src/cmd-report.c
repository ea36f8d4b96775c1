/* cmd-report.c: `launchready list` and `launchready report`. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "launchready.h"

/* Display width of a UTF-8 string (bytes when it is not valid). */
static size_t
cmd_report_width(const char *s)
{
	mbstate_t	ps;
	wchar_t		wc;
	size_t		n, width = 0;
	int		w;

	memset(&ps, 0, sizeof ps);
	while (*s != '\0') {
		n = mbrtowc(&wc, s, MB_CUR_MAX, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			n = 1;
			w = 1;
		} else if ((w = wcwidth(wc)) < 0)
			w = 1;
		width += w;
		s += n;
	}
	return width;
}

/* Prints s padded to width columns. */
static void
cmd_report_cell(const char *s, size_t width, bool last)
{
	size_t	w = cmd_report_width(s);

	fputs(s, stdout);
	if (last)
		return;
	for (; w < width + 2; w++)
		putchar(' ');
}

/* A string for a table cell: control characters shown as spaces. */
static char *
cmd_report_clean(const char *s)
{
	char	*c = xstrdup(s != NULL ? s : "-"), *p;

	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return c;
}

/* Loads the checklist; NULL (progress counts the session's items). */
static struct checklist *
cmd_report_checklist(bool needed)
{
	struct checklist	*cl;
	char			*path = data_path("checklist.cfg"), *err = NULL;

	cl = checklist_load(path, &err);
	if (cl == NULL && needed)
		fprintf(stderr, "launchready: %s\n", err);
	free(err);
	free(path);
	return cl;
}

int
cmd_list(struct cmdline *cmd)
{
	struct checklist	*cl;
	struct session_info	*v;
	const char		*head[] = { _("NAME"), _("CLIENT"),
				    _("DOMAIN"), _("PROGRESS"), _("HOUR"),
				    _("LAST SAVED") };
	char			*dir, *err = NULL, ***cells, t[64];
	size_t			 n, i, j, width[6];
	struct tm		 tm;
	int			 hour;

	dir = session_dir(&cmd->opt);
	cl = cmd_report_checklist(false);
	if (session_list(dir, cl, &v, &n, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		free(dir);
		checklist_free(cl);
		return EXIT_FAILURE_;
	}
	if (n == 0) {
		printf(_("No saved sessions in %s yet. Start one with "
		    "`launchready new DOMAIN`.\n"), dir);
		free(dir);
		checklist_free(cl);
		return EXIT_OK;
	}

	/* The cells first, to size the columns. */
	cells = xcalloc(n, sizeof *cells);
	for (j = 0; j < 6; j++)
		width[j] = cmd_report_width(head[j]);
	for (i = 0; i < n; i++) {
		cells[i] = xcalloc(6, sizeof **cells);
		cells[i][0] = cmd_report_clean(v[i].name);
		if (v[i].error != NULL) {
			cells[i][1] = xprintf(_("damaged: %s"), v[i].error);
			width[0] = cmd_report_width(cells[i][0]) > width[0] ?
			    cmd_report_width(cells[i][0]) : width[0];
			continue;
		}
		cells[i][1] = cmd_report_clean(v[i].client);
		cells[i][2] = cmd_report_clean(v[i].domain);
		cells[i][3] = xprintf("%zu/%zu", v[i].settled, v[i].total);
		hour = v[i].saved > v[i].started ?
		    (int)((v[i].saved - v[i].started) / 3600) : 0;
		cells[i][4] = xprintf("%d", hour);
		gmtime_r(&v[i].saved, &tm);
		strftime(t, sizeof t, "%Y-%m-%d %H:%M UTC", &tm);
		cells[i][5] = xstrdup(t);
		for (j = 0; j < 6; j++) {
			if (cmd_report_width(cells[i][j]) > width[j])
				width[j] = cmd_report_width(cells[i][j]);
		}
	}
	for (j = 0; j < 6; j++)
		cmd_report_cell(head[j], width[j], j == 5);
	putchar('\n');
	for (i = 0; i < n; i++) {
		for (j = 0; j < 6 && cells[i][j] != NULL; j++)
			cmd_report_cell(cells[i][j], width[j], j == 5 ||
			    cells[i][j + 1] == NULL);
		putchar('\n');
		for (j = 0; j < 6; j++)
			free(cells[i][j]);
		free(cells[i]);
	}
	free(cells);
	session_info_free(v, n);
	free(dir);
	checklist_free(cl);
	return EXIT_OK;
}

int
cmd_report(struct cmdline *cmd)
{
	struct checklist	*cl;
	struct session		*s;
	struct buf		 b = { 0 };
	char			*dir, *path, *err = NULL;
	int			 status = EXIT_OK;

	dir = session_dir(&cmd->opt);
	/* The same resolver as `resume` (sprint.c). */
	if ((path = sprint_find(dir, NULL, cmd->arg, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		free(dir);
		return EXIT_USAGE;
	}
	free(dir);
	if ((s = session_load(path, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		free(path);
		return EXIT_FAILURE_;
	}
	free(path);
	if ((cl = cmd_report_checklist(true)) == NULL) {
		session_free(s);
		return EXIT_FAILURE_;
	}
	if (report_render(s, cl, cmd->format, &b, &err) == -1)
		status = EXIT_FAILURE_;
	else if (file_write(cmd->output != NULL ? cmd->output : "-",
	    b.data, b.len, &err) == -1)
		status = EXIT_FAILURE_;
	else if (cmd->output != NULL && strcmp(cmd->output, "-") != 0)
		fprintf(stderr, _("launchready: wrote %s\n"), cmd->output);
	if (status != EXIT_OK)
		fprintf(stderr, "launchready: %s\n", err);
	free(err);
	buf_free(&b);
	checklist_free(cl);
	session_free(s);
	return status;
}
