/*
 * screen-text.c: a multi-line text area for the handover's free-text
 * entries. Each line is a struct lineedit (lineedit.c does the editing
 * within a line); this file splits, joins, moves between and scrolls the
 * lines, and keeps the text within the bounds the session loads.
 */

#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* At most this many lines. */
#define TEXTAREA_MAX_LINES	200
/* A line holds at most this many bytes of UTF-8. */
#define TEXTAREA_MAX_LINE	500
/* The whole text, lines joined with "\n": well within the 64 KB the
   session accepts for one string on load. */
#define TEXTAREA_MAX_TEXT	(16 * 1024)

/* The text being edited. */
struct textarea {
	/* The entry's name, for the header and messages. */
	char			*title;
	struct lineedit		*lines;
	size_t			 n;
	/* The line with the cursor. */
	size_t			 cur;
	/* The first line shown. */
	size_t			 top;
	/* The column Up and Down try to keep. */
	size_t			 goal;
	/* Lines shown at the last draw (for PageUp/PageDown). */
	int			 rows;
	/* The text as it was opened (joined the same way as saved). */
	char			*orig;
	/* Called with the text on save. */
	ui_prompt_cb		 cb;
	void			*arg;
	/* The screen to go back to. */
	const struct screen	*back;
};

/* The editor's own state: the text being edited, when open. */
struct screen_text_data {
	struct textarea	*ta;
};

/* Where the open text area is kept. */
static struct textarea **
screen_text_ptr(struct ui *ui)
{
	return &((struct screen_text_data *)ui_data(ui, &screen_text))->ta;
}

/* Joins the lines with "\n", dropping trailing empty lines. */
static char *
screen_text_join(struct textarea *ta)
{
	struct buf	 b = { 0 };
	size_t		 n = ta->n, i;
	char		*line;

	while (n > 0 && ta->lines[n - 1].len == 0)
		n--;
	for (i = 0; i < n; i++) {
		line = lineedit_text(&ta->lines[i]);
		if (i > 0)
			buf_add(&b, "\n", 1);
		buf_puts(&b, line);
		free(line);
	}
	buf_add(&b, "", 0);
	return b.data;
}

/* Bytes of the whole text, lines joined with "\n". */
static size_t
screen_text_bytes(struct textarea *ta)
{
	size_t	i, total = 0;

	for (i = 0; i < ta->n; i++)
		total += lineedit_bytes(&ta->lines[i]) + (i > 0 ? 1 : 0);
	return total;
}

/* Frees the text area and forgets it. */
static void
screen_text_free(struct ui *ui)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	size_t		 i;

	if (ta == NULL)
		return;
	for (i = 0; i < ta->n; i++)
		lineedit_free(&ta->lines[i]);
	free(ta->lines);
	free(ta->title);
	free(ta->orig);
	free(ta);
	(*screen_text_ptr(ui)) = NULL;
}

/* Leaves the editor for the screen it was opened from. */
static void
screen_text_close(struct ui *ui)
{
	const struct screen	*back = (*screen_text_ptr(ui))->back;

	screen_text_free(ui);
	ui_goto(ui, back->mask);
}

void
screen_text_open(struct ui *ui, const char *title, const char *text,
    ui_prompt_cb cb, void *arg)
{
	struct textarea	*ta;
	const char	*p, *nl;
	char		*line;
	size_t		 len;

	if (text == NULL)
		text = "";
	/* Outside UTF-8 the line editor would turn what it cannot read
	   into '?' and the save would keep that. */
	if (!ui->utf8) {
		for (p = text; *p != '\0'; p++) {
			if ((unsigned char)*p >= 0x80) {
				ui_message(ui, true, _("%s holds non-ASCII "
				    "text: edit it in a UTF-8 terminal."),
				    title);
				return;
			}
		}
	}
	screen_text_free(ui);
	ta = xcalloc(1, sizeof *ta);
	ta->title = xstrdup(title);
	ta->cb = cb;
	ta->arg = arg;
	ta->back = ui->screen;
	p = text;
	for (;;) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		line = xstrndup(p, len);
		ta->lines = xreallocarray(ta->lines, ta->n + 1,
		    sizeof *ta->lines);
		/* A longer line from an older session is kept whole. */
		lineedit_init(&ta->lines[ta->n++], line,
		    len > TEXTAREA_MAX_LINE ? len : TEXTAREA_MAX_LINE);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	/* The cursor at the end of the last line with text. */
	ta->cur = ta->n - 1;
	while (ta->cur > 0 && ta->lines[ta->cur].len == 0)
		ta->cur--;
	ta->goal = ta->lines[ta->cur].cursor;
	ta->orig = screen_text_join(ta);
	(*screen_text_ptr(ui)) = ta;
	ui_goto(ui, SCREEN_TEXT);
}

/* Moves to line i at the goal column, as far as the line allows. */
static void
screen_text_goto(struct textarea *ta, size_t i)
{
	struct lineedit	*le;

	ta->cur = i;
	le = &ta->lines[i];
	le->cursor = ta->goal < le->len ? ta->goal : le->len;
}

/* Joins line a+1 onto line a; the cursor goes to the join. */
static void
screen_text_join_lines(struct ui *ui, size_t a)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	size_t		 ba, bb;

	ba = lineedit_bytes(&ta->lines[a]);
	bb = lineedit_bytes(&ta->lines[a + 1]);
	if (ba > 0 && bb > 0 && ba + bb > TEXTAREA_MAX_LINE) {
		ui_message(ui, true, _("The joined line would be longer than "
		    "%d bytes."), TEXTAREA_MAX_LINE);
		return;
	}
	lineedit_append(&ta->lines[a], &ta->lines[a + 1]);
	lineedit_free(&ta->lines[a + 1]);
	memmove(&ta->lines[a + 1], &ta->lines[a + 2], (ta->n - a - 2) *
	    sizeof *ta->lines);
	ta->n--;
	ta->cur = a;
	ta->goal = ta->lines[a].cursor;
}

/* Splits the current line at the cursor: the rest goes on a new line. */
static void
screen_text_split(struct ui *ui)
{
	struct textarea	*ta = (*screen_text_ptr(ui));

	if (ta->n >= TEXTAREA_MAX_LINES) {
		ui_message(ui, true, _("At most %d lines."),
		    TEXTAREA_MAX_LINES);
		return;
	}
	if (screen_text_bytes(ta) + 1 > TEXTAREA_MAX_TEXT) {
		ui_message(ui, true, _("The text is full: %d KB at most."),
		    TEXTAREA_MAX_TEXT / 1024);
		return;
	}
	ta->lines = xreallocarray(ta->lines, ta->n + 1, sizeof *ta->lines);
	memmove(&ta->lines[ta->cur + 2], &ta->lines[ta->cur + 1],
	    (ta->n - ta->cur - 1) * sizeof *ta->lines);
	ta->n++;
	lineedit_split(&ta->lines[ta->cur], &ta->lines[ta->cur + 1]);
	ta->cur++;
	ta->goal = 0;
}

/* Types one printable character at the cursor, within the bounds. */
static void
screen_text_insert(struct ui *ui, wint_t wc)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	struct lineedit	*le = &ta->lines[ta->cur];
	char		 mb[MB_LEN_MAX];
	mbstate_t	 ps;
	size_t		 n;

	memset(&ps, 0, sizeof ps);
	if ((n = wcrtomb(mb, (wchar_t)wc, &ps)) == (size_t)-1)
		n = 1;
	if (lineedit_bytes(le) + n > TEXTAREA_MAX_LINE) {
		ui_message(ui, true, _("A line holds at most %d bytes: Enter "
		    "starts a new one."), TEXTAREA_MAX_LINE);
		return;
	}
	if (screen_text_bytes(ta) + n > TEXTAREA_MAX_TEXT) {
		ui_message(ui, true, _("The text is full: %d KB at most."),
		    TEXTAREA_MAX_TEXT / 1024);
		return;
	}
	lineedit_key(le, wc, false);
	ta->goal = le->cursor;
}

/* After Esc: leaves without saving when the answer is yes. */
static void
screen_text_discard(struct ui *ui, bool yes, void *arg)
{
	(void)arg;
	if (yes && (*screen_text_ptr(ui)) != NULL) {
		screen_text_close(ui);
		ui_message(ui, false, "%s", _("Changes discarded."));
	}
}

/*
 * Checks the text against the secret rules: true when it may be kept;
 * false (with the reason said) when it holds a credential.
 */
static bool
screen_text_guard(struct ui *ui, const char *text)
{
	char	*why = NULL;

	if (ui->sprint == NULL || sprint_guard(ui->sprint, text, &why) == 0)
		return true;
	ui_message(ui, true, _("Not saved: %s"), why);
	free(why);
	return false;
}

/*
 * Saves through the entry's callback and goes back; text that holds a
 * credential is refused and the editor stays open on it.
 */
static void
screen_text_save(struct ui *ui)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	ui_prompt_cb	 cb = ta->cb;
	void		*arg = ta->arg;
	char		*text, *title;

	text = screen_text_join(ta);
	if (!screen_text_guard(ui, text)) {
		free(text);
		return;
	}
	title = xstrdup(ta->title);
	screen_text_close(ui);
	cb(ui, text, arg);
	ui_message(ui, false, _("%s saved."), title);
	free(title);
	free(text);
}

/* Draws a frame around the area from y0 to y1 (inclusive), x0 to x1. */
static void
screen_text_frame(struct ui *ui, int y0, int y1, int x0, int x1)
{
	const char	*h = ui->utf8 ? "─" : "-", *v = ui->utf8 ? "│" : "|";
	int		 x, y;

	ui_text(ui, y0, x0, 1, A_NORMAL, false, ui->utf8 ? "┌" : "+");
	ui_text(ui, y0, x1, 1, A_NORMAL, false, ui->utf8 ? "┐" : "+");
	ui_text(ui, y1, x0, 1, A_NORMAL, false, ui->utf8 ? "└" : "+");
	ui_text(ui, y1, x1, 1, A_NORMAL, false, ui->utf8 ? "┘" : "+");
	for (x = x0 + 1; x < x1; x++) {
		ui_text(ui, y0, x, 1, A_NORMAL, false, h);
		ui_text(ui, y1, x, 1, A_NORMAL, false, h);
	}
	for (y = y0 + 1; y < y1; y++) {
		ui_text(ui, y, x0, 1, A_NORMAL, false, v);
		ui_text(ui, y, x1, 1, A_NORMAL, false, v);
	}
}

/* Draws the lines in a frame, the current one with the line editor. */
static void
screen_text_draw(struct ui *ui)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	struct session	*s;
	char		*line;
	size_t		 i;
	int		 y0 = 2, y1 = LINES - 4, x0 = 1, x1 = COLS - 2;
	int		 rows, width, y;

	if (ta == NULL)
		return;
	s = ui->sprint != NULL ? sprint_session(ui->sprint) : NULL;
	line = xprintf(_(" Handover · %s · %s"), s != NULL && s->client !=
	    NULL ? s->client : "", ta->title);
	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true, line);
	free(line);
	ui_text(ui, 1, 1, COLS - 2, ui_attr(ui, COLOUR_DIM), false,
	    _("One step or note per line; Ctrl-S or F10 saves, Esc cancels."));

	rows = y1 - y0 - 1;
	width = x1 - x0 - 2;
	ta->rows = rows;
	if (ta->n <= (size_t)rows)
		ta->top = 0;
	else if (ta->top > ta->n - (size_t)rows)
		ta->top = ta->n - (size_t)rows;
	if (ta->cur < ta->top)
		ta->top = ta->cur;
	if (ta->cur >= ta->top + (size_t)rows)
		ta->top = ta->cur - (size_t)rows + 1;
	screen_text_frame(ui, y0, y1, x0, x1);
	line = xprintf(" %s ", ta->title);
	ui_text(ui, y0, x0 + 2, x1 - x0 - 4, ui_attr(ui, COLOUR_TITLE), false,
	    line);
	free(line);
	if (ta->top > 0)
		ui_text(ui, y0, x1 - 2, 1, A_BOLD, false, ui->utf8 ? "↑" :
		    "^");
	if (ta->top + (size_t)rows < ta->n)
		ui_text(ui, y1, x1 - 2, 1, A_BOLD, false, ui->utf8 ? "↓" :
		    "v");

	line = xprintf(_("Line %zu of %zu · %zu of %d bytes"), ta->cur + 1,
	    ta->n, screen_text_bytes(ta), TEXTAREA_MAX_TEXT);
	ui_text(ui, y1 + 1, 2, COLS - 3, ui_attr(ui, COLOUR_DIM), false,
	    line);
	free(line);

	for (i = ta->top, y = y0 + 1; i < ta->n && y < y1; i++, y++) {
		if (i == ta->cur)
			continue;
		line = lineedit_text(&ta->lines[i]);
		ui_text(ui, y, x0 + 2, width, A_NORMAL, false, line);
		free(line);
	}
	/* Last, so the terminal's cursor is the editor's. */
	lineedit_draw(&ta->lines[ta->cur], y0 + 1 + (int)(ta->cur - ta->top),
	    x0 + 2, width, !ui->confirming);
}

/* Printable characters are text; the rest goes to the key table. */
static bool
screen_text_key(struct ui *ui, wint_t wc, bool keycode)
{
	if ((*screen_text_ptr(ui)) == NULL || keycode)
		return false;
	if (wc == 0x08) {
		screen_text.action(ui, ACTION_TEXT_BACKSPACE);
		return true;
	}
	if (wc < 0x20 || wc == 0x7f)
		return false;
	screen_text_insert(ui, wc);
	return true;
}

/*
 * Leaving the editor other than by saving or cancelling (the wizard is
 * closing: Ctrl-C, SIGTERM, a hang-up): changed text is saved as Ctrl-S
 * would, since every change is.
 */
static void
screen_text_leave(struct ui *ui)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	char		*now;

	if (ta == NULL)
		return;
	now = screen_text_join(ta);
	/* A credential is not kept on the way out either. */
	if (strcmp(now, ta->orig) != 0 && screen_text_guard(ui, now))
		ta->cb(ui, now, ta->arg);
	free(now);
	screen_text_free(ui);
}

/* The wizard ends. */
static void
screen_text_free_data(struct ui *ui, void *data)
{
	(void)data;
	screen_text_free(ui);
}

/* Performs the editor's actions of the key table. */
static void
screen_text_action(struct ui *ui, enum action a)
{
	struct textarea	*ta = (*screen_text_ptr(ui));
	struct lineedit	*le;
	size_t		 step;
	char		*now;

	if (ta == NULL)
		return;
	le = &ta->lines[ta->cur];
	step = ta->rows > 1 ? (size_t)ta->rows - 1 : 1;
	switch (a) {
	case ACTION_TEXT_SAVE:
		screen_text_save(ui);
		return;
	case ACTION_TEXT_CANCEL:
		now = screen_text_join(ta);
		if (strcmp(now, ta->orig) != 0)
			ui_confirm(ui, _("Discard changes?"),
			    screen_text_discard, NULL);
		else
			screen_text_close(ui);
		free(now);
		return;
	case ACTION_TEXT_SPLIT:
		screen_text_split(ui);
		return;
	case ACTION_TEXT_BACKSPACE:
		if (le->cursor > 0)
			lineedit_key(le, KEY_BACKSPACE, true);
		else if (ta->cur > 0)
			screen_text_join_lines(ui, ta->cur - 1);
		break;
	case ACTION_TEXT_DELETE:
		if (le->cursor < le->len)
			lineedit_key(le, KEY_DC, true);
		else if (ta->cur + 1 < ta->n)
			screen_text_join_lines(ui, ta->cur);
		break;
	case ACTION_TEXT_UP:
		if (ta->cur > 0)
			screen_text_goto(ta, ta->cur - 1);
		return;
	case ACTION_TEXT_DOWN:
		if (ta->cur + 1 < ta->n)
			screen_text_goto(ta, ta->cur + 1);
		return;
	case ACTION_TEXT_PAGE_UP:
		ta->top = ta->top > step ? ta->top - step : 0;
		screen_text_goto(ta, ta->cur > step ? ta->cur - step : 0);
		return;
	case ACTION_TEXT_PAGE_DOWN:
		ta->top += step;
		screen_text_goto(ta, ta->cur + step < ta->n ? ta->cur + step :
		    ta->n - 1);
		if (ta->top > ta->cur)
			ta->top = ta->cur;
		return;
	case ACTION_TEXT_LEFT:
		if (le->cursor > 0)
			lineedit_key(le, KEY_LEFT, true);
		else if (ta->cur > 0) {
			ta->cur--;
			ta->lines[ta->cur].cursor = ta->lines[ta->cur].len;
		}
		break;
	case ACTION_TEXT_RIGHT:
		if (le->cursor < le->len)
			lineedit_key(le, KEY_RIGHT, true);
		else if (ta->cur + 1 < ta->n) {
			ta->cur++;
			ta->lines[ta->cur].cursor = 0;
		}
		break;
	case ACTION_TEXT_HOME:
		lineedit_key(le, KEY_HOME, true);
		break;
	case ACTION_TEXT_END:
		lineedit_key(le, KEY_END, true);
		break;
	case ACTION_TEXT_KILL:
		lineedit_key(le, KEY_CTRL('k'), false);
		break;
	case ACTION_TEXT_CLEAR:
		lineedit_key(le, KEY_CTRL('u'), false);
		break;
	default:
		return;
	}
	ta->goal = ta->lines[ta->cur].cursor;
}

const struct screen screen_text = {
	.name = N_("Handover text editor"),
	.mask = SCREEN_TEXT,
	.data_size = sizeof(struct screen_text_data),
	.enter = NULL,
	.leave = screen_text_leave,
	.draw = screen_text_draw,
	.key = screen_text_key,
	.action = screen_text_action,
	.free = screen_text_free_data,
};
