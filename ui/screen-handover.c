/*
 * screen-handover.c: access list, deploy and rollback notes, the launch
 * decision, alert owners, the rehearsed rollback time, QA, export; the
 * secret inventory has its panel (screen-secrets.c).
 */

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
	size_t	 alert;		/* the alert type being asked for */
	enum decision kind;	/* the decision being recorded */
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
	char				**p, *why = NULL;

	(void)arg;
	if (ui->sprint == NULL)
		return;
	h = &sprint_session(ui->sprint)->handover;
	if (d->entry >= h->naccess)
		return;
	if (text != NULL && sprint_guard(ui->sprint, text, &why) == -1) {
		/* Nothing of it is kept: the entry stays as it was. */
		ui_message(ui, true, _("Not saved: %s"), why);
		free(why);
		text = NULL;
	}
	if (text == NULL) {
		if (h->access[d->entry].account == NULL)
			handover_remove_access(h, d->entry);
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
	char	**p, *why = NULL;

	if (text == NULL || ui->sprint == NULL)
		return;
	if (sprint_guard(ui->sprint, text, &why) == -1) {
		ui_message(ui, true, _("Not saved: %s"), why);
		free(why);
		return;
	}
	p = handover_text_ptr(&sprint_session(ui->sprint)->handover,
	    (size_t)(uintptr_t)arg);
	free(*p);
	*p = *text != '\0' ? xstrdup(text) : NULL;
	(void)sprint_save(ui->sprint);
}

/* Guards typed text; on a credential says so and returns false. */
static bool
screen_handover_guard(struct ui *ui, const char *text)
{
	char	*why = NULL;

	if (sprint_guard(ui->sprint, text, &why) == 0)
		return true;
	ui_message(ui, true, _("Not saved: %s"), why);
	free(why);
	return false;
}

/* Who decided; the decision is recorded with the time. */
static void
screen_handover_who_set(struct ui *ui, const char *text, void *arg)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	struct launch_decision		*ld;

	(void)arg;
	if (text == NULL || ui->sprint == NULL ||
	    !screen_handover_guard(ui, text))
		return;
	ld = &sprint_session(ui->sprint)->handover.decision;
	ld->kind = d->kind;
	free(ld->who);
	ld->who = *text != '\0' ? xstrdup(text) : NULL;
	ld->when = time(NULL);
	(void)sprint_save(ui->sprint);
	ui_message(ui, false, _("Decision recorded: %s."),
	    decision_label(ld->kind));
}

/* The conditions (or why stop); then who decided. */
static void
screen_handover_conditions_set(struct ui *ui, const char *text, void *arg)
{
	struct launch_decision	*ld;

	(void)arg;
	if (text == NULL || ui->sprint == NULL ||
	    !screen_handover_guard(ui, text))
		return;
	ld = &sprint_session(ui->sprint)->handover.decision;
	free(ld->conditions);
	ld->conditions = *text != '\0' ? xstrdup(text) : NULL;
	ui_prompt(ui, _("Who decides (name and role)"), ld->who,
	    screen_handover_who_set, NULL);
}

/* The decision's key: s ship, c ship with conditions, x stop. */
static void
screen_handover_decision_key(struct ui *ui, int key, void *arg)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	struct launch_decision		*ld;

	(void)arg;
	if (ui->sprint == NULL)
		return;
	ld = &sprint_session(ui->sprint)->handover.decision;
	switch (key) {
	case 's':
		d->kind = DECISION_SHIP;
		free(ld->conditions);
		ld->conditions = NULL;
		ui_prompt(ui, _("Who decides (name and role)"), ld->who,
		    screen_handover_who_set, NULL);
		break;
	case 'c':
		d->kind = DECISION_CONDITIONS;
		ui_prompt(ui, _("The conditions"), ld->conditions,
		    screen_handover_conditions_set, NULL);
		break;
	case 'x':
		d->kind = DECISION_STOP;
		ui_prompt(ui, _("Why stop, and what must change"),
		    ld->conditions, screen_handover_conditions_set, NULL);
		break;
	default:
		break;
	}
}

static void screen_handover_ask_alert(struct ui *);

/* The owner of one alert type; then the next type. */
static void
screen_handover_alert_set(struct ui *ui, const char *text, void *arg)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	char				**p;

	(void)arg;
	if (text == NULL || ui->sprint == NULL || d->alert >= ALERT_COUNT ||
	    !screen_handover_guard(ui, text))
		return;
	p = &sprint_session(ui->sprint)->handover.alert_owner[d->alert];
	free(*p);
	*p = *text != '\0' ? xstrdup(text) : NULL;
	(void)sprint_save(ui->sprint);
	if (++d->alert < ALERT_COUNT)
		screen_handover_ask_alert(ui);
	else
		ui_message(ui, false, "%s", _("Alert owners saved."));
}

/* Asks who owns the current alert type. */
static void
screen_handover_ask_alert(struct ui *ui)
{
	struct screen_handover_data	*d = screen_handover_data(ui);
	char				*label;

	label = xprintf(_("Who owns the \"%s\" alert"),
	    alert_label((enum alert)d->alert));
	ui_prompt(ui, label, sprint_session(ui->sprint)->handover.
	    alert_owner[d->alert], screen_handover_alert_set, NULL);
	free(label);
}

/* The minutes a rehearsed rollback took. */
static void
screen_handover_minutes_set(struct ui *ui, const char *text, void *arg)
{
	struct handover	*h;
	char		*end;
	long		 v;

	(void)arg;
	if (text == NULL || ui->sprint == NULL)
		return;
	h = &sprint_session(ui->sprint)->handover;
	if (*text == '\0') {
		h->rollback_minutes = 0;
		(void)sprint_save(ui->sprint);
		return;
	}
	v = strtol(text, &end, 10);
	if (*end != '\0' || v < 1 || v > HANDOVER_MAX_ROLLBACK_MINUTES) {
		ui_message(ui, true, _("Not saved: give the whole minutes the "
		    "rehearsed rollback took (1 to %d)."),
		    HANDOVER_MAX_ROLLBACK_MINUTES);
		return;
	}
	h->rollback_minutes = (int)v;
	(void)sprint_save(ui->sprint);
}

/* The answer to "remove this access entry?" (arg: its index). */
static void
screen_handover_remove(struct ui *ui, bool yes, void *arg)
{
	size_t	i = (size_t)(uintptr_t)arg;

	if (!yes || ui->sprint == NULL)
		return;
	handover_remove_access(&sprint_session(ui->sprint)->handover, i);
	(void)sprint_save(ui->sprint);
	ui_message(ui, false, "%s", _("Access entry removed."));
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

/* The decision, rollback time, alert owners and secrets: two rows. */
static int
screen_handover_status(struct ui *ui, struct handover *h, int y, int lw)
{
	struct session	*s = sprint_session(ui->sprint);
	char		*line, when[32];
	size_t		 i, owned = 0;

	ui_text(ui, y, 1, lw, A_BOLD, true, _("Decision"));
	if (h->decision.kind == DECISION_NONE)
		line = xstrdup(_("not recorded (d)"));
	else {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M",
		    localtime(&h->decision.when));
		line = xprintf(_("%s · %s, %s (d)"),
		    decision_label(h->decision.kind), h->decision.who != NULL ?
		    h->decision.who : _("nobody named"), when);
	}
	ui_text(ui, y++, 1 + lw, COLS - lw - 2, h->decision.kind ==
	    DECISION_NONE ? ui_attr(ui, COLOUR_DIM) : A_NORMAL, true, line);
	free(line);
	for (i = 0; i < ALERT_COUNT; i++)
		owned += h->alert_owner[i] != NULL;
	ui_text(ui, y, 1, lw, A_BOLD, true, _("Run it"));
	if (h->rollback_minutes > 0)
		line = xprintf(_("rollback %d min (m) · alert owners %zu/%d (w) "
		    "· secrets open %zu/%zu (i)"), h->rollback_minutes, owned,
		    ALERT_COUNT, inventory_open(s), h->nsecrets);
	else
		line = xprintf(_("rollback — (m) · alert owners %zu/%d (w) · "
		    "secrets open %zu/%zu (i)"), owned, ALERT_COUNT,
		    inventory_open(s), h->nsecrets);
	ui_text(ui, y++, 1 + lw, COLS - lw - 2, A_NORMAL, true, line);
	free(line);
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
	screen_handover_budget(h, (LINES - 5) - y - 6, rows);
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
	y = screen_handover_status(ui, h, y, lw);
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
	/* How the last final QA pass ended, wrapped over the rows left. */
	if (sprint_qa_text(ui->sprint) != NULL && y < LINES - 6) {
		line = xprintf(_("Final QA: %s"), sprint_qa_text(ui->sprint));
		ui_lines_wrap(ui, &l, ui_attr(ui, COLOUR_TITLE), line, COLS - 3,
		    0);
		ui_lines_draw(ui, &l, y, LINES - 5 - y, 1, COLS - 3, &scroll);
		ui_lines_free(&l);
		memset(&l, 0, sizeof l);
		scroll = 0;
		free(line);
	}
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
	char		*line;

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
		line = xprintf(_("Remove the access entry \"%s\"?"),
		    h->access[sel].account != NULL ? h->access[sel].account :
		    "?");
		ui_confirm(ui, line, screen_handover_remove,
		    (void *)(uintptr_t)sel);
		free(line);
		break;
	case ACTION_DECISION:
		ui_choose(ui, _("Launch decision: s ship, c ship with "
		    "conditions, x stop"), "scx", _("s/c/x, Esc cancels"),
		    screen_handover_decision_key, NULL);
		break;
	case ACTION_ALERT_OWNERS:
		d->alert = 0;
		screen_handover_ask_alert(ui);
		break;
	case ACTION_ROLLBACK_TIME:
		line = h->rollback_minutes > 0 ? xprintf("%d",
		    h->rollback_minutes) : NULL;
		ui_prompt(ui, _("Minutes the rehearsed rollback took"), line,
		    screen_handover_minutes_set, NULL);
		free(line);
		break;
	case ACTION_INVENTORY:
		ui_goto(ui, SCREEN_SECRETS);
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
