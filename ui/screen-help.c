/* screen-help.c: every key, read from the same table as the footer. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The screens in the order the help lists them. */
static const struct screen *const help_screens[] = {
	&screen_start,
	&screen_form,
	&screen_board,
	&screen_summary,
	&screen_handover,
	&screen_text,
	&screen_help,
};

static void
screen_help_enter(struct ui *ui)
{
	ui->help_scroll = 0;
}

/* Draws every key of every screen from the key table, current one first. */
static void
screen_help_draw(struct ui *ui)
{
	struct ui_lines	 l = { 0 };
	size_t		 j, k;
	char		*line, keys[64];

	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true,
	    _(" launchready · Keys"));
	ui_lines_wrap(ui, &l, ui_attr(ui, COLOUR_DIM), _("Every change is "
	    "saved at once. Checks run in the background: keys keep working "
	    "while they run. Ctrl-C quits cleanly too."), COLS - 4, 0);
	/* The screen help was asked from first, then the others. */
	for (k = 0; k <= nitems(help_screens); k++) {
		const struct screen *scr;

		if (k == 0)
			scr = ui->back != NULL ? ui->back : &screen_start;
		else if ((scr = help_screens[k - 1]) == ui->back)
			continue;
		ui_lines_add(&l, A_NORMAL, "");
		ui_lines_add(&l, ui_attr(ui, COLOUR_TITLE), _(scr->name));
		for (j = 0; j < ACTION_COUNT; j++) {
			const struct action_def *a = &ui_actions[j];
			int pad;

			if ((a->screens & scr->mask) == 0)
				continue;
			snprintf(keys, sizeof keys, "%s", ui_key_name(ui,
			    a->key));
			if (a->key2 != 0 && strcmp(keys, ui_key_name(ui,
			    a->key2)) != 0) {
				strncat(keys, ", ", sizeof keys - strlen(keys) -
				    1);
				strncat(keys, ui_key_name(ui, a->key2),
				    sizeof keys - strlen(keys) - 1);
			}
			pad = 16 - ui_width(ui, keys);
			line = xprintf("  %s%*s %s", keys, pad > 0 ? pad : 0,
			    "", _(a->help));
			ui_lines_add(&l, A_NORMAL, line);
			free(line);
		}
	}
	/* What the glyphs mean, from the status table. */
	ui_lines_add(&l, A_NORMAL, "");
	ui_lines_add(&l, ui_attr(ui, COLOUR_TITLE), _("Status glyphs"));
	for (j = 0; j < STATUS_COUNT; j++) {
		line = xprintf("  %s  %s", status_glyph((enum status)j,
		    ui->utf8), status_label((enum status)j));
		ui_lines_add(&l, ui_attr(ui, ui_status_colour((enum status)j)),
		    line);
		free(line);
	}
	ui_lines_draw(ui, &l, 2, LINES - 5, 2, COLS - 4, &ui->help_scroll);
	ui_lines_free(&l);
}

/* Scrolls, or goes back to the screen help was asked from. */
static void
screen_help_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACTION_UP:
		ui->help_scroll--;
		break;
	case ACTION_DOWN:
		ui->help_scroll++;
		break;
	case ACTION_PAGE_UP:
		ui->help_scroll -= LINES / 2;
		break;
	case ACTION_PAGE_DOWN:
		ui->help_scroll += LINES / 2;
		break;
	case ACTION_HELP_CLOSE:
	case ACTION_BACK:
		ui->screen = ui->back != NULL ? ui->back : &screen_start;
		ui_dirty(ui);
		break;
	default:
		break;
	}
}

const struct screen screen_help = {
	.name = N_("Help"),
	.mask = SCREEN_HELP,
	.enter = screen_help_enter,
	.draw = screen_help_draw,
	.key = NULL,
	.action = screen_help_action,
};
