/* screen-board.c: the sprint board: stages, items, details, live checks. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The board's own state. */
struct screen_board_data {
	size_t	sel;		/* item index in the stage */
	int	detail_scroll;
};

static struct screen_board_data *
screen_board_data(struct ui *ui)
{
	return ui_data(ui, &screen_board);
}

/* The selected stage (1..6). */
static int
screen_board_stage(struct ui *ui)
{
	return sprint_session(ui->sprint)->selected_stage;
}

/* Index in the checklist of the selected item. */
static size_t
screen_board_item(struct ui *ui)
{
	struct screen_board_data *d = screen_board_data(ui);
	const struct stage *sg = &ui->checklist->stages[screen_board_stage(ui)
	    - 1];

	if (d->sel >= sg->nitems)
		d->sel = sg->nitems > 0 ? sg->nitems - 1 : 0;
	return sg->first + d->sel;
}

/* Keeps the selection in the session, so that resuming opens on it. */
static void
screen_board_leave(struct ui *ui)
{
	if (ui->sprint != NULL)
		sprint_select(ui->sprint, screen_board_stage(ui),
		    screen_board_item(ui));
}

/* Switches to stage n, saves the choice and runs its unrun checks. */
static void
screen_board_goto(struct ui *ui, int n)
{
	struct session	*s = sprint_session(ui->sprint);

	if (n < 1 || n > STAGE_COUNT)
		return;
	if (s->selected_stage != n) {
		screen_board_data(ui)->sel = 0;
		screen_board_data(ui)->detail_scroll = 0;
		s->selected_stage = n;
		sprint_select(ui->sprint, n, screen_board_item(ui));
		(void)sprint_save(ui->sprint);
	}
	sprint_run_stage(ui->sprint, n, false);
}

/* Entering the board enters its selected stage (running its unrun checks). */
static void
screen_board_enter(struct ui *ui)
{
	struct screen_board_data *d = screen_board_data(ui);

	/* The item the sprint was left on (the session keeps it). */
	d->sel = sprint_selected(ui->sprint);
	d->detail_scroll = 0;
	screen_board_goto(ui, screen_board_stage(ui));
}

/*
 * The header's text: client · domain · the sprint clock with its stage,
 * and, when another stage is on screen, that one beside it, in the
 * longest form that fits width cells.
 */
static char *
screen_board_clock(struct ui *ui, struct session *s, int hour, int stage,
    int shown, int width)
{
	const struct checklist	*cl = ui->checklist;
	const char		*client, *domain, *name;
	char			*line;
	int			 form;

	client = s->client != NULL ? s->client : "?";
	domain = s->opt.domain_unicode != NULL ? s->opt.domain_unicode :
	    s->opt.domain;
	name = stage >= 1 ? _(cl->stages[stage - 1].name) : "";
	if (shown == stage || shown < 1 || shown > STAGE_COUNT)
		return xprintf(_(" %s · %s · Hour %d of 48 · %s"), client,
		    domain, hour, name);
	for (form = 0;; form++) {
		switch (form) {
		case 0:
			line = xprintf(_(" %s · %s · Hour %d of 48 · %s · "
			    "on screen: %d %s"), client, domain, hour, name,
			    shown, _(cl->stages[shown - 1].name));
			break;
		case 1:
			line = xprintf(_(" %s · %s · Hour %d of 48 (stage %d) · "
			    "on screen: %d %s"), client, domain, hour, stage,
			    shown, _(cl->stages[shown - 1].name));
			break;
		default:
			return xprintf(_(" %s · %s · Hour %d of 48 (stage %d) · "
			    "on screen: stage %d"), client, domain, hour,
			    stage, shown);
		}
		if (ui_width(ui, line) <= width)
			return line;
		free(line);
	}
}

/* The header row: client · domain · Hour N of 48 · stage · progress. */
static void
screen_board_header(struct ui *ui)
{
	struct session		*s = sprint_session(ui->sprint);
	const struct checklist	*cl = ui->checklist;
	struct summary		 sum;
	size_t			 running;
	int			 hour, stage, x;
	char			*line, *right, *progress, *full;

	hour = session_hour(s, time(NULL));
	stage = checklist_stage_at(cl, hour);
	sprint_count(ui->sprint, 0, &sum);
	running = sprint_running(ui->sprint);
	right = running > 0 ? xprintf(_("%s %zu running "), ui_spinner(ui),
	    running) : xstrdup("");
	/* The running count keeps its place at the right. */
	x = COLS - ui_width(ui, right);
	line = screen_board_clock(ui, s, hour > 48 ? 48 : hour, stage,
	    screen_board_stage(ui), x - 1);
	progress = xprintf(_(" · %zu%% done"), sum.total == 0 ? (size_t)0 :
	    sum.settled * 100 / sum.total);
	/* Rather than a cut "· 4", the progress goes when it does not fit. */
	if (ui_width(ui, line) + ui_width(ui, progress) <= x - 1) {
		full = xprintf("%s%s", line, progress);
		free(line);
		line = full;
	}
	free(progress);
	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true, "");
	ui_text(ui, 0, 0, x - 1, ui_attr(ui, COLOUR_HEADER), false, line);
	ui_text(ui, 0, x, COLS - x, ui_attr(ui, COLOUR_HEADER), false, right);
	free(right);
	free(line);
}

/*
 * Draws a stage's counts from column x: "✘ 4 fail ▲ 1 warn ⚠ 2 error 1 fixed",
 * or the compact "✘4 ▲1 ⚠2 1 fixed" when the words do not fit. Returns
 * the column after them.
 */
static int
screen_board_counts(struct ui *ui, int y, int x, size_t failing,
    size_t warns, size_t errors, size_t fixed, bool compact)
{
	static const struct {
		enum status	 status;
		enum colour	 colour;
		const char	*word;
	} kinds[] = {
		{ .status = STATUS_FAIL, .colour = COLOUR_FAIL, .word = N_("fail") },
		{ .status = STATUS_WARN, .colour = COLOUR_WARN, .word = N_("warn") },
		{ .status = STATUS_ERROR, .colour = COLOUR_ERROR,
		  .word = N_("error") },
	};
	size_t	counts[nitems(kinds)] = { failing, warns, errors }, i;
	int	width = 0, start = x;
	char	*fixed_text = NULL;

	if (fixed > 0)
		fixed_text = xprintf(_("%zu fixed"), fixed);
	if (!compact) {
		/* Measure the full form: glyphs are one column wide. */
		for (i = 0; i < nitems(kinds); i++) {
			if (counts[i] > 0)
				width += snprintf(NULL, 0, "x %zu %s ",
				    counts[i], _(kinds[i].word));
		}
		if (fixed_text != NULL)
			width += (int)strlen(fixed_text);
		if (start + width > COLS) {
			free(fixed_text);
			return screen_board_counts(ui, y, x, failing, warns,
			    errors, fixed, true);
		}
	}
	for (i = 0; i < nitems(kinds); i++) {
		if (counts[i] == 0)
			continue;
		if (compact)
			x += ui_textf(ui, y, x, COLS - x, ui_attr(ui,
			    kinds[i].colour), "%s%zu ", status_glyph(
			    kinds[i].status, ui->utf8), counts[i]);
		else
			x += ui_textf(ui, y, x, COLS - x, ui_attr(ui,
			    kinds[i].colour), "%s %zu %s ", status_glyph(
			    kinds[i].status, ui->utf8), counts[i],
			    _(kinds[i].word));
	}
	if (fixed_text != NULL) {
		x += ui_textf(ui, y, x, COLS - x, ui_attr(ui, COLOUR_PASS),
		    "%s", fixed_text);
		free(fixed_text);
	}
	return x;
}

/* The six stages with hour windows, progress bars and fail counts. */
static void
screen_board_stages(struct ui *ui)
{
	const struct checklist	*cl = ui->checklist;
	int			 sel = screen_board_stage(ui), i, y, x, bw;
	struct summary		 sum;
	char			*s, hours[32];

	bw = COLS >= 120 ? 30 : 12;
	for (i = 1; i <= STAGE_COUNT; i++) {
		const struct stage *sg = &cl->stages[i - 1];
		attr_t a = i == sel ? ui_attr(ui, COLOUR_SELECTED) : A_NORMAL;

		y = i;
		sprint_count(ui->sprint, i, &sum);
		snprintf(hours, sizeof hours, "%d-%dh", sg->hour_from,
		    sg->hour_to);
		s = xprintf("%s %d  %-6s %s", i == sel ? (ui->utf8 ?
		    "▶" : ">") : " ", i, hours, _(sg->name));
		ui_text(ui, y, 0, 40, a, true, s);
		free(s);
		x = 41;
		ui_bar(ui, y, x, bw, sum.settled, sum.total);
		x += bw + 1;
		x += ui_textf(ui, y, x, 7, A_NORMAL, "%2zu/%-2zu", sum.settled,
		    sum.total) + 1;
		x = screen_board_counts(ui, y, x, sum.status[STATUS_FAIL],
		    sum.status[STATUS_WARN], sum.status[STATUS_ERROR],
		    sum.fixed, false);
	}
}

/* One item row: glyph, title, severity or "fixed". */
static void
screen_board_item_row(struct ui *ui, size_t i, int y, int width, bool sel)
{
	const struct item	*item = &ui->checklist->items[i];
	enum status		 st = sprint_status(ui->sprint, i);
	enum severity		 sev = sprint_severity(ui->sprint, i);
	const char		*glyph, *right = "";
	attr_t			 a = sel ? ui_attr(ui, COLOUR_SELECTED) :
				    A_NORMAL;
	int			 rw;

	glyph = st == STATUS_RUNNING ? ui_spinner(ui) :
	    status_glyph(st, ui->utf8);
	ui_text(ui, y, 0, width, a, true, "");
	ui_text(ui, y, 1, 2, sel ? a : ui_attr(ui, ui_status_colour(st)),
	    false, glyph);
	if (sprint_fixed(ui->sprint, i))
		right = _("fixed");
	else if (sev != SEVERITY_NONE)
		right = severity_label(sev);
	else if (item->check == NULL && st == STATUS_PENDING)
		right = _("manual");
	rw = ui_width(ui, right);
	ui_text(ui, y, 3, width - 4 - rw - 1, a, false, _(item->title));
	ui_text(ui, y, width - rw - 1, rw, sel ? a : ui_attr(ui,
	    sprint_fixed(ui->sprint, i) ? COLOUR_PASS : sev >= SEVERITY_HIGH ?
	    COLOUR_FAIL : COLOUR_DIM), false, right);
}

/* What the check a manual item names as its hint found, to help a person. */
static void
screen_board_hint(struct ui *ui, const char *check, int width,
    struct ui_lines *bl)
{
	const struct checklist	*cl = ui->checklist;
	struct item_state	*st;
	enum status		 status;
	size_t			 j;
	char			*s;

	for (j = 0; j < cl->nitems; j++) {
		if (cl->items[j].check != NULL &&
		    strcmp(cl->items[j].check, check) == 0)
			break;
	}
	if (j == cl->nitems)
		return;
	st = sprint_state(ui->sprint, j);
	status = sprint_status(ui->sprint, j);
	if (st->has_latest && status != STATUS_RUNNING)
		s = xprintf(_("Hint from the check \"%s\": %s %s. %s"),
		    _(cl->items[j].title), status_glyph(status, ui->utf8),
		    status_label(status), st->latest.summary != NULL ?
		    st->latest.summary : "");
	else
		s = xprintf(_("Hint: the check \"%s\" (stage %d) has not "
		    "run yet."), _(cl->items[j].title), cl->items[j].stage);
	ui_lines_add(bl, A_NORMAL, "");
	ui_lines_wrap(ui, bl, ui_attr(ui, COLOUR_TITLE), s, width, 0);
	free(s);
}

/* Builds the detail pane's lines for item i. */
static void
screen_board_detail(struct ui *ui, size_t i, int width,
    struct ui_lines *bl)
{
	const struct item	*item = &ui->checklist->items[i];
	struct item_state	*st = sprint_state(ui->sprint, i);
	enum status		 status = sprint_status(ui->sprint, i);
	enum severity		 sev = sprint_severity(ui->sprint, i);
	attr_t			 head = ui_attr(ui, COLOUR_TITLE);
	char			*s;
	size_t			 j;

	ui_lines_wrap(ui, bl, A_BOLD, _(item->title), width, 0);
	s = xprintf("%s %s%s%s%s", status == STATUS_RUNNING ? ui_spinner(ui) :
	    status_glyph(status, ui->utf8), status_label(status),
	    sev != SEVERITY_NONE ? " · " : "", sev != SEVERITY_NONE ?
	    severity_label(sev) : "", sprint_fixed(ui->sprint, i) ?
	    _(" · fixed during the sprint") : "");
	ui_lines_add(bl, ui_attr(ui, ui_status_colour(status)), s);
	free(s);
	if (item->check != NULL) {
		s = xprintf(_("check %s"), item->check);
		ui_lines_add(bl, ui_attr(ui, COLOUR_DIM), s);
		free(s);
	}
	if (status == STATUS_RUNNING)
		ui_lines_wrap(ui, bl, A_NORMAL, _("Running now; the result "
		    "appears here when it finishes."), width, 0);
	if (st->has_latest && status != STATUS_RUNNING) {
		ui_lines_add(bl, A_NORMAL, "");
		ui_lines_wrap(ui, bl, A_NORMAL, st->latest.summary, width,
		    0);
		if (st->latest.status == STATUS_ERROR)
			ui_lines_wrap(ui, bl, ui_attr(ui, COLOUR_ERROR),
			    _("This check could not decide, so it is not a "
			    "pass. Press r to run it again."), width, 0);
		if (st->latest.nevidence > 0) {
			ui_lines_add(bl, head, _("Evidence"));
			for (j = 0; j < st->latest.nevidence; j++)
				ui_lines_wrap(ui, bl, A_NORMAL,
				    st->latest.evidence[j], width, 2);
			if (st->latest.dropped > 0) {
				s = xprintf(_("(%zu more lines not kept)"),
				    st->latest.dropped);
				ui_lines_wrap(ui, bl, ui_attr(ui,
				    COLOUR_DIM), s, width, 2);
				free(s);
			}
		}
		s = xprintf(_("checked %s, took %u ms"),
		    ui_ago(st->latest.when), st->latest.duration_ms);
		ui_lines_add(bl, ui_attr(ui, COLOUR_DIM), s);
		free(s);
	}
	if (st->has_first && st->has_latest &&
	    st->first.status != st->latest.status) {
		s = xprintf(_("First run: %s %s. %s"), status_glyph(
		    st->first.status, ui->utf8), status_label(st->first.status),
		    st->first.summary != NULL ? st->first.summary : "");
		ui_lines_add(bl, A_NORMAL, "");
		ui_lines_wrap(ui, bl, ui_attr(ui, COLOUR_DIM), s, width, 0);
		free(s);
	}
	if (item->check == NULL && status != STATUS_DONE)
		ui_lines_wrap(ui, bl, ui_attr(ui, COLOUR_KEY), _("A person "
		    "confirms this one: press Space when it is done."), width,
		    0);
	if (item->check == NULL && item->hint != NULL)
		screen_board_hint(ui, item->hint, width, bl);
	if (status == STATUS_SKIPPED && st->skip_reason != NULL) {
		s = xprintf(_("Skipped: %s"), st->skip_reason);
		ui_lines_wrap(ui, bl, ui_attr(ui, COLOUR_WARN), s, width, 0);
		free(s);
	}
	ui_lines_add(bl, A_NORMAL, "");
	ui_lines_add(bl, head, _("Why it matters"));
	ui_lines_wrap(ui, bl, A_NORMAL, _(item->why), width, 0);
	ui_lines_add(bl, head, _("How to fix"));
	ui_lines_wrap(ui, bl, A_NORMAL, st->has_latest &&
	    st->latest.fix != NULL && status_is_finding(status) ?
	    st->latest.fix : _(item->fix), width, 0);
	ui_lines_add(bl, A_NORMAL, "");
	s = xprintf(_("Owner: %s"), st->owner != NULL ? st->owner :
	    _("(nobody yet: press o)"));
	ui_lines_wrap(ui, bl, A_NORMAL, s, width, 0);
	free(s);
	s = xprintf(_("Note: %s"), st->note != NULL ? st->note :
	    _("(none: press n)"));
	ui_lines_wrap(ui, bl, A_NORMAL, s, width, 0);
	free(s);
}

/* Draws the header, the stages, the item list and the detail pane. */
static void
screen_board_draw(struct ui *ui)
{
	struct screen_board_data *d = screen_board_data(ui);
	const struct stage	*sg;
	struct ui_lines	 bl = { 0 };
	int			 stage, lw, top, rows, y, dx, dw, k;
	size_t			 sel, i;
	const char		*err;

	screen_board_header(ui);
	screen_board_stages(ui);
	stage = screen_board_stage(ui);
	sg = &ui->checklist->stages[stage - 1];
	ui_textf(ui, 7, 0, COLS, ui_attr(ui, COLOUR_DIM), " %s",
	    _(sg->goal));
	move(8, 0);
	attrset(ui_attr(ui, COLOUR_DIM));
	hline(ui->utf8 ? ACS_HLINE : '-', COLS);
	attrset(A_NORMAL);

	lw = COLS >= 120 ? COLS * 2 / 5 : COLS * 9 / 20;
	top = 9;
	rows = LINES - 2 - top;
	sel = screen_board_item(ui);
	k = (int)d->sel >= rows ? (int)d->sel - rows + 1 : 0;
	for (i = (size_t)k, y = top; i < sg->nitems && y < top + rows;
	    i++, y++)
		screen_board_item_row(ui, sg->first + i, y, lw,
		    sg->first + i == sel);
	move(top, lw);
	attrset(ui_attr(ui, COLOUR_DIM));
	vline(ui->utf8 ? ACS_VLINE : '|', rows);
	attrset(A_NORMAL);
	/* Items above or below the visible part are pointed at. */
	if (k > 0)
		ui_text(ui, top, lw, 1, A_BOLD, false, ui->utf8 ? "↑" : "^");
	if ((size_t)k + (size_t)rows < sg->nitems)
		ui_text(ui, top + rows - 1, lw, 1, A_BOLD, false,
		    ui->utf8 ? "↓" : "v");

	dx = lw + 2;
	dw = COLS - dx - 1;
	if (sg->nitems > 0)
		screen_board_detail(ui, sel, dw, &bl);
	ui_lines_draw(ui, &bl, top, rows, dx, dw, &d->detail_scroll);
	ui_lines_free(&bl);

	err = sprint_save_error(ui->sprint);
	if (err == NULL)
		err = sprint_audit_error(ui->sprint);
	if (err != NULL && !ui->prompting && !ui->confirming)
		ui_text(ui, LINES - 2, 0, COLS, ui_attr(ui, COLOUR_ALERT),
		    true, err);
}

/* The owner, note or skip reason typed for item (arg). */
static void
screen_board_set_owner(struct ui *ui, const char *text, void *arg)
{
	if (text != NULL && ui->sprint != NULL)
		sprint_set_owner(ui->sprint, (size_t)(uintptr_t)arg, text);
}

static void
screen_board_set_note(struct ui *ui, const char *text, void *arg)
{
	if (text != NULL && ui->sprint != NULL)
		sprint_set_note(ui->sprint, (size_t)(uintptr_t)arg, text);
}

static void
screen_board_set_skip(struct ui *ui, const char *text, void *arg)
{
	char	*err = NULL;

	if (text == NULL || ui->sprint == NULL)
		return;
	if (sprint_skip(ui->sprint, (size_t)(uintptr_t)arg, text, &err) ==
	    -1) {
		ui_message(ui, true, "%s", err);
		free(err);
	}
}

/* Skips item i (asking why) or, when skipped, takes the skip back. */
static void
screen_board_skip(struct ui *ui, size_t i)
{
	if (sprint_state(ui->sprint, i)->skip_reason == NULL) {
		ui_prompt(ui, _("Why skip it"), NULL, screen_board_set_skip,
		    (void *)(uintptr_t)i);
		return;
	}
	sprint_unskip(ui->sprint, i);
	ui_message(ui, false, "%s", _("No longer skipped."));
}

/* Performs the board's actions of the key table. */
static void
screen_board_action(struct ui *ui, enum action a)
{
	struct screen_board_data *d = screen_board_data(ui);
	const struct stage	*sg;
	struct item_state	*st;
	size_t			 i;
	int			 stage = screen_board_stage(ui);
	char			*err = NULL;

	sg = &ui->checklist->stages[stage - 1];
	i = screen_board_item(ui);
	switch (a) {
	case ACTION_UP:
		if (d->sel > 0)
			d->sel--;
		d->detail_scroll = 0;
		break;
	case ACTION_DOWN:
		if (d->sel + 1 < sg->nitems)
			d->sel++;
		d->detail_scroll = 0;
		break;
	case ACTION_PAGE_UP:
		d->detail_scroll -= 5;
		break;
	case ACTION_PAGE_DOWN:
		d->detail_scroll += 5;
		break;
	case ACTION_STAGE_PREV:
		screen_board_goto(ui, stage > 1 ? stage - 1 : STAGE_COUNT);
		break;
	case ACTION_STAGE_NEXT:
		screen_board_goto(ui, stage < STAGE_COUNT ? stage + 1 : 1);
		break;
	case ACTION_STAGE_1:
	case ACTION_STAGE_2:
	case ACTION_STAGE_3:
	case ACTION_STAGE_4:
	case ACTION_STAGE_5:
	case ACTION_STAGE_6:
		screen_board_goto(ui, 1 + (int)(a - ACTION_STAGE_1));
		break;
	case ACTION_MARK:
	case ACTION_RUN_ITEM:
		if ((a == ACTION_MARK ? sprint_mark(ui->sprint, i, &err) :
		    sprint_run_item(ui->sprint, i, &err)) == -1) {
			ui_message(ui, false, "%s", err);
			free(err);
		}
		break;
	case ACTION_RUN_STAGE:
		sprint_run_stage(ui->sprint, stage, true);
		break;
	case ACTION_RUN_ALL:
		sprint_run_all(ui->sprint, false);
		break;
	case ACTION_SKIP:
		screen_board_skip(ui, i);
		break;
	case ACTION_OWNER:
		st = sprint_state(ui->sprint, i);
		ui_prompt(ui, _("Owner"), st->owner, screen_board_set_owner,
		    (void *)(uintptr_t)i);
		break;
	case ACTION_NOTE:
		st = sprint_state(ui->sprint, i);
		ui_prompt(ui, _("Note"), st->note, screen_board_set_note,
		    (void *)(uintptr_t)i);
		break;
	case ACTION_SUMMARY:
		ui_goto(ui, SCREEN_SUMMARY);
		return;
	case ACTION_HANDOVER:
		ui_goto(ui, SCREEN_HANDOVER);
		return;
	case ACTION_BACK:
		screen_board_leave(ui);
		/* Not closed while it cannot be saved: nothing is lost. */
		if (sprint_save(ui->sprint) == -1) {
			ui_message(ui, true, _("Not closed: %s"),
			    sprint_save_error(ui->sprint));
			return;
		}
		ui_close_session(ui);
		ui_goto(ui, SCREEN_START);
		return;
	default:
		break;
	}
	if (ui->sprint != NULL)
		screen_board_leave(ui);
}

const struct screen screen_board = {
	.name = N_("Sprint board"),
	.mask = SCREEN_BOARD,
	.data_size = sizeof(struct screen_board_data),
	.enter = screen_board_enter,
	.leave = screen_board_leave,
	.draw = screen_board_draw,
	.key = NULL,
	.action = screen_board_action,
	.free = NULL,
};
