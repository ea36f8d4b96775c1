/* screen-help.c: every key, read from the same table as the footer. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The help's own state. */
struct screen_help_data {
	int	scroll;
};

/* Its scroll position. */
static int *
screen_help_scroll(struct ui *ui)
{
	return &((struct screen_help_data *)ui_data(ui, &screen_help))->scroll;
}

static void
screen_help_enter(struct ui *ui)
{
	*screen_help_scroll(ui) = 0;
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
	for (k = 0; k == 0 || ui->screens[k - 1] != NULL; k++) {
		const struct screen *scr;

		if (k == 0)
			scr = ui->back != NULL ? ui->back : ui->screens[0];
		else if ((scr = ui->screens[k - 1]) == ui->back)
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
	ui_lines_draw(ui, &l, 2, LINES - 5, 2, COLS - 4,
	    screen_help_scroll(ui));
	ui_lines_free(&l);
}

/* Scrolls, or goes back to the screen help was asked from. */
static void
screen_help_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACTION_UP:
		(*screen_help_scroll(ui))--;
		break;
	case ACTION_DOWN:
		(*screen_help_scroll(ui))++;
		break;
	case ACTION_PAGE_UP:
		*screen_help_scroll(ui) -= LINES / 2;
		break;
	case ACTION_PAGE_DOWN:
		*screen_help_scroll(ui) += LINES / 2;
		break;
	case ACTION_HELP_CLOSE:
	case ACTION_BACK:
		ui_return(ui, ui->back);
		break;
	default:
		break;
	}
}

const struct screen screen_help = {
	.name = N_("Help"),
	.mask = SCREEN_HELP,
	.data_size = sizeof(struct screen_help_data),
	.enter = screen_help_enter,
	.leave = NULL,
	.draw = screen_help_draw,
	.key = NULL,
	.action = screen_help_action,
	.free = NULL,
};
