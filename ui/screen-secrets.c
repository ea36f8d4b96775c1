/*
 * screen-secrets.c: the secret inventory panel of the handover. One row
 * per secret the stage 3 scans found (by fingerprint, never the value);
 * a person sets who rotates it and whether it is rotated or allowed.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* The panel's own state. */
struct screen_secrets_data {
	size_t	sel;		/* the selected row */
	int	top;		/* first row shown */
};

static struct screen_secrets_data *
screen_secrets_data(struct ui *ui)
{
	return ui_data(ui, &screen_secrets);
}

/* The selected row, or NULL when the inventory is empty. */
static struct secret_row *
screen_secrets_row(struct ui *ui)
{
	struct screen_secrets_data	*d = screen_secrets_data(ui);
	struct handover			*h;

	if (ui->sprint == NULL)
		return NULL;
	h = &sprint_session(ui->sprint)->handover;
	if (h->nsecrets == 0)
		return NULL;
	if (d->sel >= h->nsecrets)
		d->sel = h->nsecrets - 1;
	return &h->secrets[d->sel];
}

/* The status of a row in a few words (newly allocated). */
static char *
screen_secrets_status(const struct secret_row *row)
{
	char	date[16];

	switch (row->status) {
	case SECRET_ROTATED:
		strftime(date, sizeof date, "%Y-%m-%d", gmtime(&row->rotated));
		return xprintf(_("rotated %s"), date);
	case SECRET_ALLOWED:
		return xprintf(_("allowed: %s"), row->reason != NULL ?
		    row->reason : "");
	default:
		if (row->reappeared != 0)
			return xstrdup(_("EXPOSED AGAIN"));
		return xstrdup(secret_status_label(SECRET_EXPOSED));
	}
}

/*
 * Draws text word-wrapped to the width: its last line on line y when up
 * is set (at most two lines), else its first line on line y.
 */
static void
screen_secrets_wrap(struct ui *ui, int y, attr_t a, const char *text,
    bool up)
{
	struct strlist	l = { 0 };
	size_t		i, n;

	ui_wrap(ui, text, COLS - 2, &l);
	n = up && l.n > 2 ? 2 : l.n;
	if (up)
		y -= (int)n - 1;
	for (i = 0; i < n; i++)
		ui_text(ui, y + (int)i, 1, COLS - 2, a, true, l.v[i]);
	strlist_clear(&l);
}

static void
screen_secrets_draw(struct ui *ui)
{
	struct screen_secrets_data	*d = screen_secrets_data(ui);
	struct session			*s = sprint_session(ui->sprint);
	struct handover			*h = &s->handover;
	struct secret_row		*sel = screen_secrets_row(ui);
	char				*line, *where, *status, date[16];
	int				 y = 4, rows = LINES - 10, i;
	attr_t				 a;

	line = xprintf(_(" Secret inventory · %s · %s"), s->client != NULL ?
	    s->client : "", s->opt.domain_unicode != NULL ?
	    s->opt.domain_unicode : s->opt.domain);
	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true, line);
	free(line);
	line = xprintf(ngettext("%zu secret, %zu still exposed. Values are "
	    "never shown: each is known by its fingerprint.", "%zu secrets, "
	    "%zu still exposed. Values are never shown: each is known by its "
	    "fingerprint.", h->nsecrets), h->nsecrets, inventory_open(s));
	/* Wrapped, ending on line 2, rather than cut at 80 columns. */
	screen_secrets_wrap(ui, 2, ui_attr(ui, COLOUR_TITLE), line, true);
	free(line);
	if (h->nsecrets == 0) {
		screen_secrets_wrap(ui, y, ui_attr(ui, COLOUR_DIM),
		    _("Nothing found yet: the secrets checks of stage 3 fill "
		    "this list (A on the board runs every check)."), false);
		return;
	}
	if ((int)d->sel < d->top)
		d->top = (int)d->sel;
	if ((int)d->sel >= d->top + rows)
		d->top = (int)d->sel - rows + 1;
	ui_textf(ui, 3, 1, COLS - 2, ui_attr(ui, COLOUR_DIM),
	    "%-16s %-20s %-20s %-12s %s", _("Fingerprint"), _("Kind"),
	    _("Found in"), _("Owner"), _("Status"));
	for (i = d->top; i < (int)h->nsecrets && i < d->top + rows; i++) {
		const struct secret_row *r = &h->secrets[i];

		where = r->line > 0 ? xprintf("%s:%u", r->path != NULL ?
		    r->path : "?", r->line) : xstrdup(r->path != NULL ?
		    r->path : "?");
		status = screen_secrets_status(r);
		line = xprintf("%-16.16s %-20.20s %-20.20s %-12.12s %s",
		    r->fingerprint, r->kind != NULL ? r->kind : "", where,
		    r->owner != NULL ? r->owner : _("nobody yet"), status);
		a = (size_t)i == d->sel ? ui_attr(ui, COLOUR_SELECTED) :
		    r->status == SECRET_EXPOSED ? ui_attr(ui, COLOUR_FAIL) :
		    ui_attr(ui, COLOUR_PASS);
		ui_text(ui, y++, 1, COLS - 2, a, true, line);
		free(line);
		free(status);
		free(where);
	}
	/* Rows past the window are said, not silently cut. */
	if (d->top > 0 || i < (int)h->nsecrets) {
		line = xprintf(_("%s rows %d-%d of %zu"), ui->utf8 ? "↕" : "<>",
		    d->top + 1, i, h->nsecrets);
		ui_text(ui, y, COLS - 22, 21, ui_attr(ui, COLOUR_DIM), false,
		    line);
		free(line);
	}
	if (sel == NULL)
		return;
	y = LINES - 5;
	if (sel->commit != NULL) {
		strftime(date, sizeof date, "%Y-%m-%d",
		    gmtime(&sel->commit_date));
		line = xprintf(_("First committed in %.12s on %s; seen in %zu "
		    "files."), sel->commit, date, sel->paths.n);
	} else
		line = xprintf(_("In the work tree only (not committed); seen "
		    "in %zu files."), sel->paths.n);
	ui_text(ui, y++, 1, COLS - 2, A_NORMAL, true, line);
	free(line);
	if (sel->reappeared != 0)
		ui_text(ui, y, 1, COLS - 2, ui_attr(ui, COLOUR_FAIL), true,
		    _("Found again after its rotation: rotate it again and "
		    "find where it came back."));
}

/* The owner typed for the selected row. */
static void
screen_secrets_owner_set(struct ui *ui, const char *text, void *arg)
{
	struct secret_row	*row = screen_secrets_row(ui);
	char			*why = NULL;

	(void)arg;
	if (text == NULL || row == NULL)
		return;
	if (sprint_guard(ui->sprint, text, &why) == -1) {
		ui_message(ui, true, _("Not saved: %s"), why);
		free(why);
		return;
	}
	free(row->owner);
	row->owner = *text != '\0' ? xstrdup(text) : NULL;
	(void)sprint_save(ui->sprint);
}

/* The reason typed for allowing the selected row. */
static void
screen_secrets_allow_set(struct ui *ui, const char *text, void *arg)
{
	struct secret_row	*row = screen_secrets_row(ui);
	char			*why = NULL;

	(void)arg;
	if (text == NULL || row == NULL)
		return;
	if (sprint_guard(ui->sprint, text, &why) == -1 ||
	    inventory_set_status(row, SECRET_ALLOWED, 0, text, &why) == -1) {
		ui_message(ui, true, _("Not saved: %s"), why);
		free(why);
		return;
	}
	(void)sprint_save(ui->sprint);
}

static void
screen_secrets_enter(struct ui *ui)
{
	(void)screen_secrets_row(ui);
}

/* Performs the panel's actions of the key table. */
static void
screen_secrets_action(struct ui *ui, enum action a)
{
	struct screen_secrets_data	*d = screen_secrets_data(ui);
	struct secret_row		*row = screen_secrets_row(ui);
	size_t				 n;

	n = ui->sprint != NULL ? sprint_session(ui->sprint)->handover.nsecrets :
	    0;
	switch (a) {
	case ACTION_UP:
		if (d->sel > 0)
			d->sel--;
		break;
	case ACTION_DOWN:
		if (d->sel + 1 < n)
			d->sel++;
		break;
	case ACTION_SECRET_OWNER:
		if (row != NULL)
			ui_prompt(ui, _("Who rotates this secret"), row->owner,
			    screen_secrets_owner_set, NULL);
		break;
	case ACTION_SECRET_ROTATED:
		if (row == NULL)
			break;
		(void)inventory_set_status(row, SECRET_ROTATED, time(NULL),
		    NULL, NULL);
		(void)sprint_save(ui->sprint);
		ui_message(ui, false, "%s", _("Marked rotated today."));
		break;
	case ACTION_SECRET_ALLOWED:
		if (row != NULL)
			ui_prompt(ui, _("Why it may stay (a test fixture, a "
			    "revoked key...)"), row->reason,
			    screen_secrets_allow_set, NULL);
		break;
	case ACTION_SECRET_EXPOSED:
		if (row == NULL)
			break;
		(void)inventory_set_status(row, SECRET_EXPOSED, 0, NULL, NULL);
		(void)sprint_save(ui->sprint);
		break;
	case ACTION_BACK:
	case ACTION_HANDOVER:
		ui_goto(ui, SCREEN_HANDOVER);
		break;
	default:
		break;
	}
}

const struct screen screen_secrets = {
	.name = N_("Secret inventory"),
	.mask = SCREEN_SECRETS,
	.data_size = sizeof(struct screen_secrets_data),
	.enter = screen_secrets_enter,
	.leave = NULL,
	.draw = screen_secrets_draw,
	.key = NULL,
	.action = screen_secrets_action,
	.free = NULL,
};
