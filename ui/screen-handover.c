/* screen-handover.c: access list, deploy and rollback notes, QA, export. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The free-text entries after the access list. */
enum handover_text {
	HANDOVER_DEPLOY,
	HANDOVER_ROLLBACK,
	HANDOVER_MONITORING,
	HANDOVER_RISKS,
	HANDOVER_NTEXT
};

/* One free-text entry of the handover. */
struct handover_field {
	/* Label on the screen and in the prompt. */
	const char	*label;
	/* Shown when the entry is empty. */
	const char	*empty;
	/* Offset of its char * in struct handover. */
	size_t		 offset;
};

static const struct handover_field handover_fields[HANDOVER_NTEXT] = {
	[HANDOVER_DEPLOY] = {
		.label = N_("Deploy steps"),
		.empty = N_("how a release goes out, step by step"),
		.offset = offsetof(struct handover, deploy_steps),
	},
	[HANDOVER_ROLLBACK] = {
		.label = N_("Rollback notes"),
		.empty = N_("how to go back to the last good release"),
		.offset = offsetof(struct handover, rollback),
	},
	[HANDOVER_MONITORING] = {
		.label = N_("Monitoring"),
		.empty = N_("uptime checks, alert routing, who gets paged"),
		.offset = offsetof(struct handover, monitoring),
	},
	[HANDOVER_RISKS] = {
		.label = N_("Open risks"),
		.empty = N_("what can wait until after launch"),
		.offset = offsetof(struct handover, open_risks),
	},
};

/* The prompts that fill one access list entry, in order. */
static const char *const handover_access_prompts[] = {
	N_("Account (e.g. DNS registrar)"),
	N_("Provider"),
	N_("Owner"),
	N_("Where the credentials live (never the credentials)"),
};

static char **
handover_text_ptr(struct handover *h, size_t i)
{
	return (char **)((char *)h + handover_fields[i].offset);
}

static char **
handover_access_ptr(struct access_entry *e, size_t step)
{
	switch (step) {
	case 0:
		return &e->account;
	case 1:
		return &e->provider;
	case 2:
		return &e->owner;
	default:
		return &e->where;
	}
}

/* The handover screen's own state. */
struct screen_handover_data {
	size_t	 sel;		/* the selected row */
	char	*export_path;	/* last handover written */
	size_t	 entry;		/* the access entry being filled */
	size_t	 step;		/* and the step of it */
};

static struct screen_handover_data *
screen_handover_data(struct ui *ui)
{
	return ui_data(ui, &screen_handover);
}

static void
screen_handover_free(struct ui *ui, void *data)
{
	struct screen_handover_data	*d = data;

	(void)ui;
	free(d->export_path);
}

/* Rows: access entries, "add", the text entries. */
static size_t
screen_handover_rows(struct ui *ui)
{
	return sprint_session(ui->sprint)->handover.naccess + 1 +
	    HANDOVER_NTEXT;
}

static void screen_handover_ask(struct ui *);

/* One answer of the access entry chain; then asks the next. */
static void
screen_handover_access_set(struct ui *ui, const char *text, void *arg)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	struct handover			*h;
	char				**p;

	(void)arg;
	if (ui->sprint == NULL)
		return;
	h = &sprint_session(ui->sprint)->handover;
	if (d->entry >= h->naccess)
		return;
	if (text == NULL) {
		if (h->access[d->entry].account == NULL) {
			memmove(&h->access[d->entry],
			    &h->access[d->entry + 1],
			    (h->naccess - d->entry - 1) *
			    sizeof *h->access);
			h->naccess--;
		}
		(void)sprint_save(ui->sprint);
		return;
	}
	p = handover_access_ptr(&h->access[d->entry], d->step);
	free(*p);
	*p = *text != '\0' ? xstrdup(text) : NULL;
	(void)sprint_save(ui->sprint);
	if (++d->step < nitems(handover_access_prompts))
		screen_handover_ask(ui);
	else
		ui_message(ui, false, "%s", _("Access entry saved."));
}

/* Asks for the current step of the access entry being filled. */
static void
screen_handover_ask(struct ui *ui)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	struct handover			*h = &sprint_session(ui->sprint)->handover;

	ui_prompt(ui, _(handover_access_prompts[d->step]),
	    *handover_access_ptr(&h->access[d->entry], d->step),
	    screen_handover_access_set, NULL);
}

/* The text typed for a free-text entry (arg: its index). */
static void
screen_handover_text_set(struct ui *ui, const char *text, void *arg)
{
	char	**p;

	if (text == NULL || ui->sprint == NULL)
		return;
	p = handover_text_ptr(&sprint_session(ui->sprint)->handover,
	    (size_t)(uintptr_t)arg);
	free(*p);
	*p = *text != '\0' ? xstrdup(text) : NULL;
	(void)sprint_save(ui->sprint);
}

/* Lines of text (0 for none). */
static int
screen_handover_count(const char *v)
{
	int	n = 1;

	if (v == NULL || *v == '\0')
		return 0;
	for (; *v != '\0'; v++) {
		if (*v == '\n')
			n++;
	}
	return n;
}

/*
 * Shares out avail rows between the text entries: each gets one, then
 * one more at a time while some entry has lines left to show (up to three
 * lines and a "more" line each).
 */
static void
screen_handover_budget(struct handover *h, int avail, int *rows)
{
	size_t	i;
	int	want[HANDOVER_NTEXT], left, more = 1;

	for (i = 0; i < HANDOVER_NTEXT; i++) {
		want[i] = screen_handover_count(*handover_text_ptr(h, i));
		if (want[i] > 4)
			want[i] = 4;
		rows[i] = 1;
	}
	left = avail - HANDOVER_NTEXT;
	while (left > 0 && more) {
		more = 0;
		for (i = 0; i < HANDOVER_NTEXT && left > 0; i++) {
			if (rows[i] < want[i]) {
				rows[i]++;
				left--;
				more = 1;
			}
		}
	}
}

/*
 * Draws the first lines of text v in rows rows from y, right of the label
 * column; when not all fit, the last row says how many more there are.
 * Returns the row after the last one drawn.
 */
static int
screen_handover_lines(struct ui *ui, const char *v, int y, int rows, int lw,
    attr_t a)
{
	const char	*p = v, *nl;
	char		*line, *more;
	int		 n = screen_handover_count(v), shown, k;

	shown = n <= rows ? n : rows - 1;
	for (k = 0; k < n && k < (shown > 0 ? shown : 1); k++) {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		if (shown == 0) {
			/* One row for several lines: the first, and a count. */
			more = xprintf(ngettext("%s  (+%d more line)",
			    "%s  (+%d more lines)", n - 1), line, n - 1);
			free(line);
			line = more;
		}
		ui_text(ui, y++, 1 + lw, COLS - lw - 2, a, true, line);
		free(line);
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
	if (shown > 0 && shown < n) {
		/* TRANSLATORS: %s is an ellipsis ("…", or "..." in ASCII). */
		more = xprintf(ngettext("%s %d more line", "%s %d more lines",
		    n - shown), ui->utf8 ? "…" : "...", n - shown);
		ui_text(ui, y++, 1 + lw, COLS - lw - 2, a | ui_attr(ui,
		    COLOUR_DIM), true, more);
		free(more);
	}
	return y;
}

/* Draws the access list, the text entries, what changed, QA and export. */
static void
screen_handover_draw(struct ui *ui)
{
	struct screen_handover_data *d = screen_handover_data(ui);
	struct session	*s = sprint_session(ui->sprint);
	struct handover	*h = &s->handover;
	size_t		 i, row = 0, fixed = 0;
	int		 y = 2, lw = 16;
	char		*line;
	const char	*v;
	attr_t		 a;
	struct ui_lines	 l = { 0 };
	int		 scroll = 0, rows[HANDOVER_NTEXT];

	line = xprintf(_(" Handover · %s · %s"), s->client != NULL ?
	    s->client : "", s->opt.domain_unicode != NULL ?
	    s->opt.domain_unicode : s->opt.domain);
	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true, line);
	free(line);

	ui_text(ui, y++, 1, COLS - 2, ui_attr(ui, COLOUR_TITLE), false,
	    _("Access list: account, provider, owner, where the credentials "
	    "live"));
	for (i = 0; i < h->naccess && y < LINES - 12; i++, row++) {
		const struct access_entry *e = &h->access[i];

		line = xprintf(" %-20.20s %-14.14s %-14.14s %s",
		    e->account != NULL ? e->account : "?",
		    e->provider != NULL ? e->provider : "",
		    e->owner != NULL ? e->owner : _("(no owner)"),
		    e->where != NULL ? e->where : "");
		ui_text(ui, y++, 1, COLS - 2, row == d->sel ?
		    ui_attr(ui, COLOUR_SELECTED) : A_NORMAL, true, line);
		free(line);
	}
	ui_text(ui, y++, 1, COLS - 2, row == d->sel ?
	    ui_attr(ui, COLOUR_SELECTED) : ui_attr(ui, COLOUR_DIM), true,
	    _(" + add an entry (a)"));
	row++;
	y++;
	screen_handover_budget(h, (LINES - 5) - y - 4, rows);
	for (i = 0; i < HANDOVER_NTEXT; i++, row++) {
		v = *handover_text_ptr(h, i);
		a = row == d->sel ? ui_attr(ui, COLOUR_SELECTED) :
		    A_NORMAL;
		ui_text(ui, y, 1, lw, a | A_BOLD, true, _(handover_fields[i].
		    label));
		if (v == NULL) {
			ui_text(ui, y++, 1 + lw, COLS - lw - 2, a | ui_attr(ui,
			    COLOUR_DIM), true, _(handover_fields[i].empty));
			continue;
		}
		y = screen_handover_lines(ui, v, y, rows[i], lw, a);
	}
	y++;
	ui_text(ui, y++, 1, COLS - 2, ui_attr(ui, COLOUR_TITLE), false,
	    _("What changed during the sprint"));
	for (i = 0; i < ui->checklist->nitems; i++) {
		if (!sprint_fixed(ui->sprint, i))
			continue;
		if (y < LINES - 6) {
			line = xprintf("  %s %s", status_glyph(STATUS_PASS,
			    ui->utf8), _(ui->checklist->items[i].title));
			ui_text(ui, y++, 1, COLS - 2, ui_attr(ui, COLOUR_PASS),
			    false, line);
			free(line);
		}
		fixed++;
	}
	if (fixed == 0 && y < LINES - 6)
		ui_text(ui, y++, 1, COLS - 2, ui_attr(ui, COLOUR_DIM), false,
		    _("  Nothing yet: items that failed at first and pass now "
		    "show here."));
	y = LINES - 5;
	if (sprint_running(ui->sprint) > 0)
		line = xprintf(_("Final QA: %s %zu checks running"),
		    ui_spinner(ui), sprint_running(ui->sprint));
	else
		line = xprintf(_("Final QA pass: %s (f runs every check "
		    "again)"), h->final_qa != 0 ? ui_ago(h->final_qa) :
		    _("not run yet"));
	ui_text(ui, y++, 1, COLS - 2, A_NORMAL, false, line);
	free(line);
	if (d->export_path != NULL)
		line = xprintf(_("Exported: %s"), d->export_path);
	else
		line = xstrdup(_("Export: e writes Markdown, HTML and JSON "
		    "next to the session file"));
	/* The written path in full, over two lines if need be. */
	ui_lines_wrap(ui, &l, d->export_path != NULL ? ui_attr(ui,
	    COLOUR_PASS) : A_NORMAL, line, COLS - 3, 0);
	ui_lines_draw(ui, &l, y, 2, 1, COLS - 3, &scroll);
	ui_lines_free(&l);
	free(line);
}

/* Writes the three formats and says where. */
static void
screen_handover_export(struct ui *ui)
{
	static const enum format formats[] = { FORMAT_MD, FORMAT_HTML,
	    FORMAT_JSON };
	struct screen_handover_data *d = screen_handover_data(ui);
	char	*path, *err = NULL, *first = NULL;
	size_t	 i;

	for (i = 0; i < nitems(formats); i++) {
		if ((path = sprint_export(ui->sprint, formats[i], &err)) ==
		    NULL) {
			ui_message(ui, true, _("Export failed: %s"), err);
			free(err);
			free(first);
			return;
		}
		if (first == NULL)
			first = path;
		else
			free(path);
	}
	free(d->export_path);
	d->export_path = xprintf(_("%s (and .html, .json)"), first);
	ui_message(ui, false, "%s", _("Handover written: Markdown, HTML and "
	    "JSON."));
	free(first);
}

static void
screen_handover_enter(struct ui *ui)
{
	struct screen_handover_data *d = screen_handover_data(ui);

	if (d->sel >= screen_handover_rows(ui))
		d->sel = 0;
}

/* Performs the handover's actions of the key table. */
static void
screen_handover_action(struct ui *ui, enum action a)
{
	struct screen_handover_data *d = screen_handover_data(ui);
	struct handover	*h = &sprint_session(ui->sprint)->handover;
	size_t		 sel = d->sel, i;

	switch (a) {
	case ACTION_UP:
		if (d->sel > 0)
			d->sel--;
		break;
	case ACTION_DOWN:
		if (d->sel + 1 < screen_handover_rows(ui))
			d->sel++;
		break;
	case ACTION_ADD_ACCESS:
		h->access = xreallocarray(h->access, h->naccess + 1,
		    sizeof *h->access);
		memset(&h->access[h->naccess], 0, sizeof *h->access);
		d->entry = h->naccess++;
		d->step = 0;
		d->sel = d->entry;
		screen_handover_ask(ui);
		break;
	case ACTION_EDIT:
		if (sel < h->naccess) {
			d->entry = sel;
			d->step = 0;
			screen_handover_ask(ui);
		} else if (sel == h->naccess)
			screen_handover_action(ui, ACTION_ADD_ACCESS);
		else {
			i = sel - h->naccess - 1;
			screen_text_open(ui, _(handover_fields[i].label),
			    *handover_text_ptr(h, i), screen_handover_text_set,
			    (void *)(uintptr_t)i);
		}
		break;
	case ACTION_DEL_ACCESS:
		if (sel >= h->naccess)
			break;
		free(h->access[sel].account);
		free(h->access[sel].provider);
		free(h->access[sel].owner);
		free(h->access[sel].where);
		memmove(&h->access[sel], &h->access[sel + 1],
		    (h->naccess - sel - 1) * sizeof *h->access);
		h->naccess--;
		(void)sprint_save(ui->sprint);
		break;
	case ACTION_FINAL_QA:
		sprint_run_all(ui->sprint, true);
		ui_message(ui, false, _("Final QA pass: %zu checks running."),
		    sprint_running(ui->sprint));
		break;
	case ACTION_EXPORT:
		screen_handover_export(ui);
		break;
	case ACTION_SUMMARY:
		ui_goto(ui, SCREEN_SUMMARY);
		break;
	case ACTION_BOARD:
	case ACTION_BACK:
		ui_goto(ui, SCREEN_BOARD);
		break;
	default:
		break;
	}
}

const struct screen screen_handover = {
	.name = N_("Handover"),
	.mask = SCREEN_HANDOVER,
	.data_size = sizeof(struct screen_handover_data),
	.enter = screen_handover_enter,
	.leave = NULL,
	.draw = screen_handover_draw,
	.key = NULL,
	.action = screen_handover_action,
	.free = screen_handover_free,
};
