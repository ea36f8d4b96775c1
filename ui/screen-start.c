/* screen-start.c: the start screen: saved sessions, resume, new, delete. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Reads the sessions directory again. */
static void
screen_start_reload(struct ui *ui)
{
	char	*err = NULL;

	session_info_free(ui->infos, ui->ninfos);
	ui->infos = NULL;
	ui->ninfos = 0;
	if (session_list(ui->dir, ui->checklist, &ui->infos, &ui->ninfos,
	    &err) == -1) {
		ui_message(ui, true, "%s", err);
		free(err);
	}
	if (ui->start_sel >= ui->ninfos)
		ui->start_sel = ui->ninfos > 0 ? ui->ninfos - 1 : 0;
}

static void
screen_start_enter(struct ui *ui)
{
	screen_start_reload(ui);
}

/*
 * The lab settings given on the command line (resolver, port map, CA,
 * timeout, repository) win over the saved ones, so a session can be
 * pointed at a test lab when it is resumed.
 */
static void
screen_start_overrides(struct ui *ui, struct session *s)
{
	const struct options	*o = &ui->cl->opt;
	size_t			 i;

	if (o->resolvers.n > 0) {
		strlist_clear(&s->opt.resolvers);
		strlist_copy(&s->opt.resolvers, &o->resolvers);
	}
	if (o->nport_map > 0) {
		for (i = 0; i < o->nport_map; i++)
			s->opt.port_map[i] = o->port_map[i];
		s->opt.nport_map = o->nport_map;
	}
	if (o->cacert != NULL) {
		free(s->opt.cacert);
		s->opt.cacert = xstrdup(o->cacert);
	}
	if (o->repo != NULL) {
		free(s->opt.repo);
		s->opt.repo = xstrdup(o->repo);
	}
	if (o->timeout != OPTIONS_DEFAULT_TIMEOUT)
		s->opt.timeout = o->timeout;
}

void
screen_start_open(struct ui *ui, struct session *s)
{
	char	*err = NULL;

	screen_start_overrides(ui, s);

	if (ui->sprint != NULL)
		sprint_close(ui->sprint);
	ui->sprint = sprint_open(ui, s, &err);
	if (ui->sprint == NULL) {
		ui_message(ui, true, "%s", err);
		free(err);
		ui_show(ui, &screen_start);
		return;
	}
	ui_message(ui, false, NULL);
	ui_show(ui, &screen_board);
}

/* Draws the saved sessions (or how to start one) and a damaged one's error. */
static void
screen_start_draw(struct ui *ui)
{
	int	y, w = COLS, row, top, rows;
	size_t	i;

	ui_text(ui, 0, 0, w, ui_attr(ui, COLOUR_HEADER), true,
	    _(" launchready · 48-hour launch-readiness sprint"));
	ui_text(ui, 2, 2, w - 4, ui_attr(ui, COLOUR_TITLE), false,
	    _("Saved sessions"));
	ui_textf(ui, 3, 2, w - 4, ui_attr(ui, COLOUR_DIM), "%s", ui->dir);
	if (ui->ninfos == 0) {
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
	top = ui->start_sel >= (size_t)rows ? (int)ui->start_sel - rows + 1 :
	    0;
	for (i = (size_t)top, row = 0; i < ui->ninfos && row < rows;
	    i++, row++) {
		const struct session_info *in = &ui->infos[i];
		bool sel = i == ui->start_sel;
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
	if (ui->start_sel < ui->ninfos && ui->infos[ui->start_sel].error !=
	    NULL) {
		struct ui_lines l = { 0 };
		int scroll = 0;

		ui_lines_wrap(ui, &l, ui_attr(ui, COLOUR_ERROR),
		    ui->infos[ui->start_sel].error, w - 6, 0);
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
	char	*err = NULL;

	(void)arg;
	if (!yes || ui->start_sel >= ui->ninfos) {
		ui_message(ui, false, "%s", _("Nothing deleted."));
		return;
	}
	if (session_remove(ui->infos[ui->start_sel].path, &err) == -1) {
		ui_message(ui, true, "%s", err);
		free(err);
		return;
	}
	ui_message(ui, false, _("Deleted %s."), ui->infos[ui->start_sel].name);
	screen_start_reload(ui);
}

/* Loads the selected session and opens the board on it. */
static void
screen_start_resume(struct ui *ui)
{
	struct session	*s;
	char		*err = NULL;

	if (ui->start_sel >= ui->ninfos)
		return;
	if ((s = session_load(ui->infos[ui->start_sel].path, &err)) == NULL) {
		ui_message(ui, true, "%s", err);
		free(err);
		return;
	}
	screen_start_open(ui, s);
}

/* Performs the start screen's actions of the key table. */
static void
screen_start_action(struct ui *ui, enum action a)
{
	char	*q;

	switch (a) {
	case ACTION_UP:
		if (ui->start_sel > 0)
			ui->start_sel--;
		break;
	case ACTION_DOWN:
		if (ui->start_sel + 1 < ui->ninfos)
			ui->start_sel++;
		break;
	case ACTION_RESUME:
		screen_start_resume(ui);
		break;
	case ACTION_NEW:
		screen_form_prefill(ui, NULL);
		ui_show(ui, &screen_form);
		break;
	case ACTION_DELETE:
		if (ui->start_sel >= ui->ninfos)
			break;
		q = xprintf(_("Delete the session %s for good?"),
		    ui->infos[ui->start_sel].name);
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
	.enter = screen_start_enter,
	.draw = screen_start_draw,
	.key = NULL,
	.action = screen_start_action,
};
