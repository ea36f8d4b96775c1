/* screen-start.c: the start screen: saved sessions, resume, new, delete. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The start screen's own state. */
struct screen_start_data {
	size_t			 sel;
	struct session_info	*infos;
	size_t			 ninfos;
};

static struct screen_start_data *
screen_start_data(struct ui *ui)
{
	return ui_data(ui, &screen_start);
}

/* Reads the sessions directory again. */
static void
screen_start_reload(struct ui *ui)
{
	struct screen_start_data	*d = screen_start_data(ui);
	char				*err = NULL;

	session_info_free(d->infos, d->ninfos);
	d->infos = NULL;
	d->ninfos = 0;
	if (session_list(ui->dir, ui->checklist, &d->infos, &d->ninfos,
	    &err) == -1) {
		ui_message(ui, true, "%s", err);
		free(err);
	}
	if (d->sel >= d->ninfos)
		d->sel = d->ninfos > 0 ? d->ninfos - 1 : 0;
}

static void
screen_start_enter(struct ui *ui)
{
	screen_start_reload(ui);
}

static void
screen_start_free(struct ui *ui, void *data)
{
	struct screen_start_data	*d = data;

	(void)ui;
	session_info_free(d->infos, d->ninfos);
}

/* Draws the saved sessions (or how to start one) and a damaged one's error. */
static void
screen_start_draw(struct ui *ui)
{
	struct screen_start_data	*d = screen_start_data(ui);
	int				 y, w = COLS, row, top, rows;
	size_t				 i;

	ui_text(ui, 0, 0, w, ui_attr(ui, COLOUR_HEADER), true,
	    _(" launchready · 48-hour launch-readiness sprint"));
	ui_text(ui, 2, 2, w - 4, ui_attr(ui, COLOUR_TITLE), false,
	    _("Saved sessions"));
	ui_textf(ui, 3, 2, w - 4, ui_attr(ui, COLOUR_DIM), "%s", ui->dir);
	if (d->ninfos == 0) {
		ui_text(ui, 5, 4, w - 8, A_NORMAL, false,
		    _("No saved session yet."));
		struct ui_lines l = { 0 };
		int scroll = 0;

		ui_lines_wrap(ui, &l, A_NORMAL, _("Press n to start a new "
		    "sprint: the form asks for the client, the domain and "
		    "where things live, then the board runs the first stage's "
		    "checks."), w - 8, 0);
		ui_lines_draw(ui, &l, 7, 4, 4, w - 8, &scroll);
		ui_lines_free(&l);
		return;
	}
	y = 5;
	ui_textf(ui, y, 2, w - 4, A_BOLD, "  %-18.18s %-22.22s %-9s %-6s %s",
	    _("Client"), _("Domain"), _("Progress"), _("Hour"),
	    _("Last saved"));
	rows = LINES - 2 - (y + 1) - 1;
	top = d->sel >= (size_t)rows ? (int)d->sel - rows + 1 :
	    0;
	for (i = (size_t)top, row = 0; i < d->ninfos && row < rows;
	    i++, row++) {
		const struct session_info *in = &d->infos[i];
		bool sel = i == d->sel;
		attr_t a = sel ? ui_attr(ui, COLOUR_SELECTED) : A_NORMAL;
		char pct[32], hour[32], *line;

		y = 6 + row;
		if (in->error != NULL) {
			line = xprintf("%s %-18.18s %s", sel ? ">" : " ",
			    in->name, _("damaged: it cannot be opened"));
			ui_text(ui, y, 2, w - 4, sel ? a : ui_attr(ui,
			    COLOUR_ERROR), true, line);
			free(line);
			continue;
		}
		snprintf(pct, sizeof pct, "%3zu%%", in->total == 0 ? 0 :
		    in->settled * 100 / in->total);
		snprintf(hour, sizeof hour, "%ld/48",
		    (long)((time(NULL) - in->started) / 3600));
		line = xprintf("%s %-18.18s %-22.22s %-9s %-6s %s",
		    sel ? ">" : " ", in->client != NULL ? in->client : "",
		    in->domain != NULL ? in->domain : "", pct, hour,
		    ui_ago(in->saved));
		ui_text(ui, y, 2, w - 4, a, true, line);
		free(line);
	}
	/* Why the selected file cannot be opened, in full (path and line). */
	if (d->sel < d->ninfos && d->infos[d->sel].error !=
	    NULL) {
		struct ui_lines l = { 0 };
		int scroll = 0;

		ui_lines_wrap(ui, &l, ui_attr(ui, COLOUR_ERROR),
		    d->infos[d->sel].error, w - 6, 0);
		ui_lines_wrap(ui, &l, ui_attr(ui, COLOUR_DIM), _("The file is "
		    "left as it is; fix it by hand or delete it (d)."), w - 6,
		    0);
		y = 6 + row + 1;
		ui_lines_draw(ui, &l, y, LINES - 2 - y, 4, w - 6, &scroll);
		ui_lines_free(&l);
	}
}

/* The answer to "delete this session?". */
static void
screen_start_deleted(struct ui *ui, bool yes, void *arg)
{
	struct screen_start_data	*d = screen_start_data(ui);
	char				*err = NULL;

	(void)arg;
	if (!yes || d->sel >= d->ninfos) {
		ui_message(ui, false, "%s", _("Nothing deleted."));
		return;
	}
	if (session_remove(d->infos[d->sel].path, &err) == -1) {
		ui_message(ui, true, "%s", err);
		free(err);
		return;
	}
	ui_message(ui, false, _("Deleted %s."), d->infos[d->sel].name);
	screen_start_reload(ui);
}

/* Loads the selected session and opens the board on it. */
static void
screen_start_resume(struct ui *ui)
{
	struct screen_start_data	*d = screen_start_data(ui);
	struct session			*s;
	char				*err = NULL;

	if (d->sel >= d->ninfos)
		return;
	if ((s = session_load(d->infos[d->sel].path, &err)) == NULL) {
		ui_message(ui, true, "%s", err);
		free(err);
		return;
	}
	ui_open_session(ui, s);
}

/* Performs the start screen's actions of the key table. */
static void
screen_start_action(struct ui *ui, enum action a)
{
	struct screen_start_data	*d = screen_start_data(ui);
	char				*q;

	switch (a) {
	case ACTION_UP:
		if (d->sel > 0)
			d->sel--;
		break;
	case ACTION_DOWN:
		if (d->sel + 1 < d->ninfos)
			d->sel++;
		break;
	case ACTION_RESUME:
		screen_start_resume(ui);
		break;
	case ACTION_NEW:
		ui_goto(ui, SCREEN_FORM);
		break;
	case ACTION_DELETE:
		if (d->sel >= d->ninfos)
			break;
		q = xprintf(_("Delete the session %s for good?"),
		    d->infos[d->sel].name);
		ui_confirm(ui, q, screen_start_deleted, NULL);
		free(q);
		break;
	case ACTION_BACK:
		break;
	default:
		break;
	}
}

const struct screen screen_start = {
	.name = N_("Sessions"),
	.mask = SCREEN_START,
	.data_size = sizeof(struct screen_start_data),
	.enter = screen_start_enter,
	.leave = NULL,
	.draw = screen_start_draw,
	.key = NULL,
	.action = screen_start_action,
	.free = screen_start_free,
};
