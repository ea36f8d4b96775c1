/* screen-summary.c: counts by severity, the launch-risk summary, blockers. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The summary's own state. */
struct screen_summary_data {
	int	scroll;
};

/* Its scroll position. */
static int *
screen_summary_scroll(struct ui *ui)
{
	return &((struct screen_summary_data *)ui_data(ui,
	    &screen_summary))->scroll;
}

/* Names the manual items still to be confirmed, with stage and owner. */
static void
screen_summary_manual(struct ui *ui, int width, struct ui_lines *l)
{
	struct sprint		*sp = ui->sprint;
	const struct checklist	*cl = ui->checklist;
	struct item_state	*is;
	enum status		 status;
	size_t			 i, open = 0;
	char			*line;

	for (i = 0; i < cl->nitems; i++) {
		status = sprint_status(sp, i);
		if (cl->items[i].check == NULL && status != STATUS_DONE &&
		    status != STATUS_SKIPPED)
			open++;
	}
	ui_lines_add(l, A_NORMAL, "");
	line = xprintf(ngettext("%zu manual item to confirm (Space marks "
	    "it done on the board)", "%zu manual items to confirm (Space "
	    "marks one done on the board)", open), open);
	ui_lines_add(l, ui_attr(ui, COLOUR_TITLE), line);
	free(line);
	if (open == 0) {
		ui_lines_add(l, A_NORMAL, _("  Every manual item is confirmed "
		    "or skipped."));
		return;
	}
	for (i = 0; i < cl->nitems; i++) {
		status = sprint_status(sp, i);
		if (cl->items[i].check != NULL || status == STATUS_DONE ||
		    status == STATUS_SKIPPED)
			continue;
		is = sprint_state(sp, i);
		if (is->owner != NULL)
			line = xprintf(_("%s %s (stage %d) · owner: %s"),
			    status_glyph(status, ui->utf8),
			    _(cl->items[i].title), cl->items[i].stage,
			    is->owner);
		else
			line = xprintf(_("%s %s (stage %d) · no owner yet"),
			    status_glyph(status, ui->utf8),
			    _(cl->items[i].title), cl->items[i].stage);
		ui_lines_wrap(ui, l, A_NORMAL, line, width, 2);
		free(line);
	}
}

/* Builds the summary's lines for width cells. */
static void
screen_summary_lines(struct ui *ui, int width, struct ui_lines *l)
{
	struct sprint	*sp = ui->sprint;
	const struct checklist *cl = ui->checklist;
	struct summary	 sum;
	size_t		*sev = sum.findings, *st = sum.status;
	size_t		 i, fixed, shown = 0;
	int		 s;
	struct buf	 b = { 0 };
	char		*line;

	sprint_count(sp, 0, &sum);
	fixed = sum.fixed;
	ui_lines_add(l, ui_attr(ui, COLOUR_TITLE), _("Findings by severity"));
	for (s = SEVERITY_CRITICAL; s >= SEVERITY_INFO; s--) {
		line = xprintf("  %-12s %3zu", severity_label((enum severity)s),
		    sev[s]);
		ui_lines_add(l, sev[s] > 0 && s >= SEVERITY_HIGH ?
		    ui_attr(ui, COLOUR_FAIL) : A_NORMAL, line);
		free(line);
	}
	line = xprintf(_("%zu passed or done, %zu skipped, %zu could not "
	    "decide, %zu still open, %zu fixed during the sprint"),
	    st[STATUS_PASS] + st[STATUS_DONE], st[STATUS_SKIPPED],
	    st[STATUS_ERROR], st[STATUS_PENDING] + st[STATUS_RUNNING], fixed);
	ui_lines_wrap(ui, l, ui_attr(ui, COLOUR_DIM), line, width, 2);
	free(line);
	ui_lines_add(l, A_NORMAL, "");

	ui_lines_add(l, ui_attr(ui, COLOUR_TITLE), _("Launch risk"));
	summary_write(sprint_session(sp), cl, &b);
	ui_lines_wrap(ui, l, A_NORMAL, b.data, width, 2);
	buf_free(&b);
	ui_lines_add(l, A_NORMAL, "");

	ui_lines_add(l, ui_attr(ui, COLOUR_TITLE), _("Top blockers"));
	for (s = SEVERITY_CRITICAL; s >= SEVERITY_HIGH; s--) {
		for (i = 0; i < cl->nitems; i++) {
			struct item_state *is;
			enum status status = sprint_status(sp, i);

			if (!status_is_finding(status) ||
			    sprint_severity(sp, i) != (enum severity)s)
				continue;
			is = sprint_state(sp, i);
			line = xprintf(_("%s %-8s %s (stage %d)%s%s"),
			    status_glyph(status, ui->utf8),
			    severity_label((enum severity)s),
			    _(cl->items[i].title), cl->items[i].stage,
			    is->has_latest && is->latest.summary != NULL ?
			    ": " : "", is->has_latest &&
			    is->latest.summary != NULL ? is->latest.summary :
			    "");
			ui_lines_wrap(ui, l, ui_attr(ui, s ==
			    SEVERITY_CRITICAL ? COLOUR_FAIL : COLOUR_WARN),
			    line, width, 2);
			free(line);
			shown++;
		}
	}
	if (shown == 0)
		ui_lines_add(l, A_NORMAL,
		    _("  None open at critical or high."));
	screen_summary_manual(ui, width, l);
	if (st[STATUS_ERROR] == 0)
		return;
	ui_lines_add(l, A_NORMAL, "");
	ui_lines_add(l, ui_attr(ui, COLOUR_TITLE), _("Could not decide "
	    "(not counted as passing; r re-runs them on the board)"));
	for (i = 0; i < cl->nitems; i++) {
		struct item_state *is;

		if (sprint_status(sp, i) != STATUS_ERROR)
			continue;
		is = sprint_state(sp, i);
		line = xprintf("%s %s: %s", status_glyph(STATUS_ERROR,
		    ui->utf8), _(cl->items[i].title), is->has_latest &&
		    is->latest.summary != NULL ? is->latest.summary : "");
		ui_lines_wrap(ui, l, ui_attr(ui, COLOUR_ERROR), line, width, 2);
		free(line);
	}
}

/* Draws the summary, scrolled. */
static void
screen_summary_draw(struct ui *ui)
{
	struct session	*s = sprint_session(ui->sprint);
	struct ui_lines	 l = { 0 };
	char		*line;

	line = xprintf(_(" Launch-risk summary · %s · %s"),
	    s->client != NULL ? s->client : "", s->opt.domain_unicode != NULL ?
	    s->opt.domain_unicode : s->opt.domain);
	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true, line);
	free(line);
	screen_summary_lines(ui, COLS - 4, &l);
	ui_lines_draw(ui, &l, 2, LINES - 5, 2, COLS - 4,
	    screen_summary_scroll(ui));
	ui_lines_free(&l);
}

static void
screen_summary_enter(struct ui *ui)
{
	*screen_summary_scroll(ui) = 0;
}

/* Scrolls, or leaves for the handover or the board. */
static void
screen_summary_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACTION_UP:
		(*screen_summary_scroll(ui))--;
		break;
	case ACTION_DOWN:
		(*screen_summary_scroll(ui))++;
		break;
	case ACTION_PAGE_UP:
		*screen_summary_scroll(ui) -= LINES / 2;
		break;
	case ACTION_PAGE_DOWN:
		*screen_summary_scroll(ui) += LINES / 2;
		break;
	case ACTION_HANDOVER:
		ui_goto(ui, SCREEN_HANDOVER);
		break;
	case ACTION_BOARD:
	case ACTION_BACK:
		ui_goto(ui, SCREEN_BOARD);
		break;
	default:
		break;
	}
}

const struct screen screen_summary = {
	.name = N_("Summary"),
	.mask = SCREEN_SUMMARY,
	.data_size = sizeof(struct screen_summary_data),
	.enter = screen_summary_enter,
	.leave = NULL,
	.draw = screen_summary_draw,
	.key = NULL,
	.action = screen_summary_action,
	.free = NULL,
};
