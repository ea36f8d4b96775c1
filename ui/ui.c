/* ui.c: the wizard's terminal, loop, keys, colours, glyphs and drawing. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <wctype.h>

#include "ui.h"

const struct action_def ui_actions[ACTION_COUNT] = {
#define X(id, k, k2, scr, h, hp) { .action = ACTION_##id, .key = (k),	\
	.key2 = (k2), .screens = (scr), .hint = (h), .help = (hp) },
	ACTION_TABLE(X)
#undef X
};

static const struct {
	short	fg;
	short	bg;
	attr_t	mono;
} ui_colours[COLOUR_COUNT] = {
#define X(id, f, b, m) [COLOUR_##id] = { .fg = (f), .bg = (b), .mono = (m) },
	COLOUR_TABLE(X)
#undef X
};

/* How long closing may take before the wizard exits anyway. */
#define UI_CLOSE_SECONDS	3

/* The self-pipe's write end, for the signal handler. */
static int		 ui_signal_fd = -1;
static bool		 ui_curses_on;

/* Writes the signal's number into the self-pipe for the loop to read. */
static void
ui_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	if (ui_signal_fd != -1)
		(void)write(ui_signal_fd, &c, 1);
	errno = saved;
}

/* Restores the terminal; safe to call twice (fatal hook and exits). */
static void
ui_restore(void)
{
	if (ui_curses_on) {
		ui_curses_on = false;
		endwin();
	}
}

void
ui_dirty(struct ui *ui)
{
	ui->dirty = true;
}

void *
ui_data(struct ui *ui, const struct screen *s)
{
	size_t	i;

	for (i = 0; i < ui->ndata; i++) {
		if (ui->data[i].screen == s)
			return ui->data[i].data;
	}
	ui->data = xreallocarray(ui->data, ui->ndata + 1, sizeof *ui->data);
	ui->data[ui->ndata].screen = s;
	ui->data[ui->ndata].data = xcalloc(1, s->data_size > 0 ?
	    s->data_size : 1);
	return ui->data[ui->ndata++].data;
}

/* The screen with mask among the wizard's. */
static const struct screen *
ui_screen(struct ui *ui, unsigned mask)
{
	size_t	i;

	for (i = 0; ui->screens[i] != NULL; i++) {
		if (ui->screens[i]->mask == mask)
			return ui->screens[i];
	}
	fatal("no screen 0x%x", mask);
}

void
ui_goto(struct ui *ui, unsigned mask)
{
	const struct screen	*s = ui_screen(ui, mask);

	if (mask == SCREEN_HELP) {
		if (ui->screen->mask != SCREEN_HELP)
			ui->back = ui->screen;
	} else if (ui->screen != NULL && ui->screen != s &&
	    ui->screen->leave != NULL)
		ui->screen->leave(ui);
	ui->screen = s;
	if (s->enter != NULL)
		s->enter(ui);
	ui_dirty(ui);
}

void
ui_return(struct ui *ui, const struct screen *s)
{
	ui->screen = s != NULL ? s : ui->screens[0];
	ui_dirty(ui);
}

/* What the open sprint tells: redraw, the spinner, a message. */
static void
ui_sprint_notify(void *arg, enum sprint_event ev, const char *text)
{
	struct ui	*ui = arg;

	switch (ev) {
	case SPRINT_CHANGED:
		break;
	case SPRINT_RUNNING:
		ui_spinner_update(ui);
		break;
	case SPRINT_MESSAGE:
	case SPRINT_ERROR:
		ui_message(ui, ev == SPRINT_ERROR, "%s", text);
		break;
	}
	ui_dirty(ui);
}

void
ui_open_session(struct ui *ui, struct session *s)
{
	char	*err = NULL;

	/* A saved session resumed: what the command line gives wins (a new
	   one has the command line's options and the form's answers). */
	if (s->saved != 0) {
		sprint_overrides(&s->opt, &ui->cl->opt, ui->cl->given);
		if (ui->cl->given & OPTION_EMAIL)
			s->sends_email = s->opt.email;
	}
	ui_close_session(ui);
	ui->sprint = sprint_open(s, ui->checklist, ui->loop,
	    ui_sprint_notify, ui, &err);
	if (ui->sprint == NULL) {
		ui_message(ui, true, "%s", err);
		free(err);
		ui_goto(ui, SCREEN_START);
		return;
	}
	ui_message(ui, false, NULL);
	ui_goto(ui, SCREEN_BOARD);
}

bool
ui_close_session(struct ui *ui)
{
	int	r;

	if (ui->sprint == NULL)
		return true;
	r = sprint_close(ui->sprint, NULL);
	ui->sprint = NULL;
	ui_spinner_update(ui);
	return r == 0;
}

void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list	ap;

	free(ui->message);
	ui->message = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		ui->message = xvprintf(fmt, ap);
		va_end(ap);
	}
	ui->message_error = error;
	ui_dirty(ui);
}

void
ui_prompt(struct ui *ui, const char *label, const char *initial,
    ui_prompt_cb cb, void *arg)
{
	free(ui->prompt_label);
	ui->prompt_label = xstrdup(label);
	lineedit_free(&ui->prompt);
	lineedit_init(&ui->prompt, initial, 2000);
	ui->prompt_cb = cb;
	ui->prompt_arg = arg;
	ui->prompting = true;
	ui_dirty(ui);
}

void
ui_confirm(struct ui *ui, const char *question, ui_confirm_cb cb, void *arg)
{
	free(ui->confirm_text);
	ui->confirm_text = xstrdup(question);
	free(ui->confirm_keys);
	ui->confirm_keys = NULL;
	ui->confirm_cb = cb;
	ui->choose_cb = NULL;
	ui->confirm_arg = arg;
	ui->confirming = true;
	ui_dirty(ui);
}

void
ui_choose(struct ui *ui, const char *question, const char *keys,
    const char *hint, ui_choose_cb cb, void *arg)
{
	free(ui->confirm_text);
	ui->confirm_text = xprintf("%s %s", question, hint);
	free(ui->confirm_keys);
	ui->confirm_keys = xstrdup(keys);
	ui->confirm_cb = NULL;
	ui->choose_cb = cb;
	ui->confirm_arg = arg;
	ui->confirming = true;
	ui_dirty(ui);
}

attr_t
ui_attr(struct ui *ui, enum colour c)
{
	if (c >= COLOUR_COUNT)
		return A_NORMAL;
	if (!ui->colour)
		return ui_colours[c].mono;
	if (c == COLOUR_NORMAL)
		return A_NORMAL;
	return COLOR_PAIR(c) | ((c == COLOUR_FAIL || c == COLOUR_TITLE ||
	    c == COLOUR_KEY || c == COLOUR_HEADER) ? A_BOLD : 0);
}

enum colour
ui_status_colour(enum status s)
{
	switch (s) {
	case STATUS_PASS:
	case STATUS_DONE:
		return COLOUR_PASS;
	case STATUS_WARN:
		return COLOUR_WARN;
	case STATUS_FAIL:
		return COLOUR_FAIL;
	case STATUS_ERROR:
		return COLOUR_ERROR;
	case STATUS_RUNNING:
		return COLOUR_TITLE;
	default:
		return COLOUR_DIM;
	}
}

/* An ASCII stand-in for a character our own texts use, or '?'. */
static wchar_t
ui_ascii(unsigned long c)
{
	switch (c) {
	case 0xb7:	/* middle dot */
	case 0x2013:
	case 0x2014:
		return L'-';
	case 0x2026:
		return L'.';
	case 0x2192:
		return L'>';
	case 0x2190:
		return L'<';
	case 0x2018:
	case 0x2019:
		return L'\'';
	case 0x201c:
	case 0x201d:
		return L'"';
	}
	return L'?';
}

/*
 * Decodes one UTF-8 character of s into *wc; returns its length (>= 1).
 * When the locale is not UTF-8, characters outside ASCII become ASCII
 * stand-ins.
 */
static size_t
ui_decode(struct ui *ui, const char *s, wchar_t *wc)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 c;
	size_t			 n, i;

	if (*u < 0x80) {
		*wc = (wchar_t)*u;
		return 1;
	}
	if ((*u & 0xe0) == 0xc0) {
		n = 2;
		c = *u & 0x1f;
	} else if ((*u & 0xf0) == 0xe0) {
		n = 3;
		c = *u & 0x0f;
	} else if ((*u & 0xf8) == 0xf0) {
		n = 4;
		c = *u & 0x07;
	} else {
		*wc = ui->utf8 ? 0xfffd : L'?';
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*wc = ui->utf8 ? 0xfffd : L'?';
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	*wc = ui->utf8 ? (wchar_t)c : ui_ascii(c);
	return n;
}

/* Cells a character takes (control characters shown as one blank). */
static int
ui_cells(wchar_t wc)
{
	int	w;

	if (wc < 0x20 || wc == 0x7f)
		return 1;
	w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int
ui_width(struct ui *ui, const char *s)
{
	wchar_t	wc;
	int	w = 0;

	while (*s != '\0') {
		s += ui_decode(ui, s, &wc);
		w += ui_cells(wc);
	}
	return w;
}

int
ui_text(struct ui *ui, int y, int x, int width, attr_t attr, bool pad,
    const char *s)
{
	wchar_t	wc, one[2];
	int	used = 0, w;

	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	move(y, x);
	attrset(attr);
	while (s != NULL && *s != '\0') {
		s += ui_decode(ui, s, &wc);
		if (wc < 0x20 || wc == 0x7f)
			wc = L' ';
		w = ui_cells(wc);
		if (used + w > width)
			break;
		one[0] = wc;
		one[1] = L'\0';
		addnwstr(one, 1);
		used += w;
	}
	if (pad) {
		while (used < width) {
			addch(' ');
			used++;
		}
	}
	attrset(A_NORMAL);
	return used;
}

int
ui_textf(struct ui *ui, int y, int x, int width, attr_t attr,
    const char *fmt, ...)
{
	va_list	ap;
	char	*s;
	int	n;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	n = ui_text(ui, y, x, width, attr, false, s);
	free(s);
	return n;
}

void
ui_wrap(struct ui *ui, const char *text, int width, struct strlist *out)
{
	const char	*p = text, *line, *brk, *q;
	wchar_t		 wc;
	int		 w;
	size_t		 n;

	if (width < 4)
		width = 4;
	if (text == NULL)
		return;
	while (*p != '\0') {
		if (*p == '\n') {
			strlist_add(out, "");
			p++;
			continue;
		}
		line = p;
		brk = NULL;
		w = 0;
		q = p;
		while (*q != '\0' && *q != '\n') {
			n = ui_decode(ui, q, &wc);
			if (w + ui_cells(wc) > width)
				break;
			w += ui_cells(wc);
			if (*q == ' ')
				brk = q;
			q += n;
		}
		if (*q != '\0' && *q != '\n' && brk != NULL && brk > line)
			q = brk;
		strlist_add(out, "");
		free(out->v[out->n - 1]);
		out->v[out->n - 1] = xstrndup(line, (size_t)(q - line));
		p = q;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
}

void
ui_lines_add(struct ui_lines *bl, attr_t a, const char *s)
{
	bl->text = xreallocarray(bl->text, bl->n + 1, sizeof *bl->text);
	bl->attr = xreallocarray(bl->attr, bl->n + 1, sizeof *bl->attr);
	bl->text[bl->n] = xstrdup(s);
	bl->attr[bl->n] = a;
	bl->n++;
}

void
ui_lines_wrap(struct ui *ui, struct ui_lines *bl, attr_t a, const char *s,
    int width, int indent)
{
	struct strlist	l = { 0 };
	size_t		i;
	char		*line;

	if (s == NULL || *s == '\0')
		return;
	ui_wrap(ui, s, width - indent, &l);
	for (i = 0; i < l.n; i++) {
		line = xprintf("%*s%s", indent, "", l.v[i]);
		ui_lines_add(bl, a, line);
		free(line);
	}
	strlist_clear(&l);
}

void
ui_lines_draw(struct ui *ui, struct ui_lines *bl, int top, int rows, int x,
    int width, int *scroll)
{
	size_t	i;
	int	y;

	if (*scroll > (int)bl->n - rows)
		*scroll = (int)bl->n - rows;
	if (*scroll < 0)
		*scroll = 0;
	for (i = (size_t)*scroll, y = top; i < bl->n && y < top + rows;
	    i++, y++)
		ui_text(ui, y, x, width, bl->attr[i], false, bl->text[i]);
	if ((int)bl->n - *scroll > rows)
		ui_text(ui, top + rows - 1, x + width, 1, A_BOLD, false,
		    ui->utf8 ? "↓" : "v");
	if (*scroll > 0)
		ui_text(ui, top, x + width, 1, A_BOLD, false,
		    ui->utf8 ? "↑" : "^");
}

void
ui_lines_free(struct ui_lines *bl)
{
	size_t	i;

	for (i = 0; i < bl->n; i++)
		free(bl->text[i]);
	free(bl->text);
	free(bl->attr);
	memset(bl, 0, sizeof *bl);
}

void
ui_bar(struct ui *ui, int y, int x, int width, size_t done, size_t total)
{
	int	fill, i;

	if (width <= 0)
		return;
	fill = total == 0 ? 0 : (int)((done * (size_t)width + total / 2) /
	    total);
	move(y, x);
	attrset(ui_attr(ui, COLOUR_BAR));
	for (i = 0; i < fill; i++)
		addstr(ui->utf8 ? "█" : "#");
	attrset(ui_attr(ui, COLOUR_DIM));
	for (; i < width; i++)
		addstr(ui->utf8 ? "░" : "-");
	attrset(A_NORMAL);
}

const char *
ui_spinner(struct ui *ui)
{
	static const char *const utf8[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴",
	    "⠦", "⠧", "⠇", "⠏" };
	static const char *const ascii[] = { "|", "/", "-", "\\" };

	if (ui->utf8)
		return utf8[ui->spin % nitems(utf8)];
	return ascii[ui->spin % nitems(ascii)];
}

/* Spinner tick: advance the frame and redraw while checks run. */
static void
ui_spinner_tick(void *arg)
{
	struct ui	*ui = arg;

	ui->spinner = NULL;
	ui->spin++;
	ui_dirty(ui);
	ui_spinner_update(ui);
}

void
ui_spinner_update(struct ui *ui)
{
	bool	busy = ui->sprint != NULL && sprint_running(ui->sprint) > 0;

	if (busy && ui->spinner == NULL)
		ui->spinner = loop_timer(ui->loop, 120, ui_spinner_tick, ui);
	else if (!busy && ui->spinner != NULL) {
		loop_timer_cancel(ui->loop, ui->spinner);
		ui->spinner = NULL;
	}
}

const char *
ui_ago(time_t t)
{
	static char	buf[64];
	time_t		now = time(NULL);
	long		d = (long)(now - t);
	struct tm	tm;

	if (t == 0)
		return _("never");
	if (d < 60)
		return _("just now");
	if (d < 3600) {
		snprintf(buf, sizeof buf, _("%ld min ago"), d / 60);
		return buf;
	}
	if (d < 86400) {
		snprintf(buf, sizeof buf, _("%ld h ago"), d / 3600);
		return buf;
	}
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *
ui_key_name(struct ui *ui, int key)
{
	static char	buf[16];

	switch (key) {
	case '\n':
	case KEY_ENTER:
		return _("Enter");
	case '\t':
		return "Tab";
	case KEY_BTAB:
		return "S-Tab";
	case ' ':
		return _("Space");
	case KEY_ESC:
		return "Esc";
	case KEY_UP:
		return ui->utf8 ? "↑" : "Up";
	case KEY_DOWN:
		return ui->utf8 ? "↓" : "Down";
	case KEY_LEFT:
		return ui->utf8 ? "←" : "Left";
	case KEY_RIGHT:
		return ui->utf8 ? "→" : "Right";
	case KEY_PPAGE:
		return "PgUp";
	case KEY_NPAGE:
		return "PgDn";
	case KEY_DC:
		return "Del";
	case KEY_HOME:
		return "Home";
	case KEY_END:
		return "End";
	case KEY_BACKSPACE:
	case 0x7f:
		return "Backspace";
	}
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(buf, sizeof buf, "F%d", key - KEY_F(0));
		return buf;
	}
	if (key > 0 && key < 0x20) {
		snprintf(buf, sizeof buf, "^%c", key + '@');
		return buf;
	}
	snprintf(buf, sizeof buf, "%c", key);
	return buf;
}

/* Whether action a appears in the current screen's footer. */
static bool
ui_footer_has(struct ui *ui, const struct action_def *a)
{
	if (a->hint == NULL || (a->screens & ui->screen->mask) == 0)
		return false;
	return !(a->action == ACTION_BACK && ui->screen == ui->screens[0]);
}

/* The key shown for a: where letters are text (the form), the other one. */
static int
ui_footer_key(struct ui *ui, const struct action_def *a)
{
	if (ui->screen->key != NULL && a->key2 != 0 && a->key > ' ' &&
	    a->key < 0x7f)
		return a->key2;
	return a->key;
}

/* Draws one footer hint at x; returns the cells used (0: no room). */
static int
ui_footer_hint(struct ui *ui, int x, int limit, const struct action_def *a,
    bool dry)
{
	const char	*key = ui_key_name(ui, ui_footer_key(ui, a));
	const char	*hint = _(a->hint);
	int		 w, y = LINES - 1;

	w = ui_width(ui, key) + 1 + ui_width(ui, hint) + 2;
	if (x + w > limit)
		return 0;
	if (!dry) {
		ui_text(ui, y, x, limit - x, ui_attr(ui, COLOUR_KEY) | A_BOLD,
		    false, key);
		x += ui_width(ui, key);
		ui_text(ui, y, x + 1, limit - x - 1, A_NORMAL, false, hint);
	}
	return w;
}

/*
 * Draws the footer: the current screen's key hints from the key table;
 * help and quit always fit, on the right.
 */
static void
ui_draw_footer(struct ui *ui)
{
	const struct action_def	*help = &ui_actions[ACTION_HELP];
	const struct action_def	*quit = &ui_actions[ACTION_QUIT];
	int			 x = 0, right = 0, w;
	size_t			 i;

	move(LINES - 1, 0);
	clrtoeol();
	if (ui_footer_has(ui, help))
		right += ui_footer_hint(ui, 0, COLS, help, true);
	if (ui_footer_has(ui, quit))
		right += ui_footer_hint(ui, 0, COLS, quit, true);
	for (i = 0; i < ACTION_COUNT; i++) {
		const struct action_def *a = &ui_actions[i];

		if (a == help || a == quit || !ui_footer_has(ui, a))
			continue;
		if ((w = ui_footer_hint(ui, x, COLS - right, a, false)) == 0)
			break;
		x += w;
	}
	x = COLS - right;
	if (ui_footer_has(ui, help))
		x += ui_footer_hint(ui, x, COLS, help, false);
	if (ui_footer_has(ui, quit))
		ui_footer_hint(ui, x, COLS, quit, false);
}

/* The status block is at most this many lines (a message, two; an error
   or a question, three): the body keeps the rest. */
#define UI_STATUS_MAX_LINES	3

/*
 * Draws text word-wrapped on lines ending at line bottom, growing upwards
 * over the body (at most max lines; a longer text ends in "…"). Returns
 * the x after the text on its last line.
 */
static int
ui_draw_block(struct ui *ui, const char *text, attr_t attr, int bottom,
    int max)
{
	struct strlist	 l = { 0 };
	const char	*more;
	int		 y, n, x = 0;

	ui_wrap(ui, text, COLS, &l);
	if (l.n == 0)
		strlist_add(&l, "");
	n = l.n > (size_t)max ? max : (int)l.n;
	for (y = 0; y < n; y++) {
		move(bottom - n + 1 + y, 0);
		clrtoeol();
		if (y + 1 == n && l.n > (size_t)n) {
			/* The rest does not fit: said, not silently cut. */
			more = ui->utf8 ? "…" : "...";
			x = ui_text(ui, bottom, 0, COLS - ui_width(ui, more),
			    attr, false, l.v[y]);
			x += ui_text(ui, bottom, x, COLS - x, attr, false,
			    more);
		} else
			x = ui_text(ui, bottom - n + 1 + y, 0, COLS, attr,
			    false, l.v[y]);
	}
	strlist_clear(&l);
	return x;
}

/*
 * Draws the lines above the footer: a prompt, a question or the message,
 * wrapped rather than cut. A prompt whose label would leave the field
 * less than half the width has the label on the lines above the field.
 */
static void
ui_draw_status(struct ui *ui)
{
	int	y = LINES - 2, x;
	char	*label;

	/* With nothing to say, what the body drew there (a save error)
	   stays. */
	if (!ui->prompting && !ui->confirming && ui->message == NULL)
		return;
	move(y, 0);
	clrtoeol();
	if (ui->prompting) {
		label = xprintf("%s: ", ui->prompt_label);
		if (ui_width(ui, label) <= COLS / 2)
			x = ui_text(ui, y, 0, COLS, ui_attr(ui, COLOUR_TITLE),
			    false, label);
		else {
			ui_draw_block(ui, label, ui_attr(ui, COLOUR_TITLE),
			    y - 1, UI_STATUS_MAX_LINES - 1);
			x = ui_text(ui, y, 0, 2, ui_attr(ui, COLOUR_TITLE),
			    false, "> ");
		}
		free(label);
		lineedit_draw(&ui->prompt, y, x, COLS - x - 1, true);
		return;
	}
	if (ui->confirming) {
		label = ui->confirm_keys == NULL ? xprintf("%s%s",
		    ui->confirm_text, _(" (y/n)")) : xstrdup(ui->confirm_text);
		ui_draw_block(ui, label, ui_attr(ui, COLOUR_ALERT), y,
		    UI_STATUS_MAX_LINES);
		free(label);
		return;
	}
	if (ui->message != NULL)
		ui_draw_block(ui, ui->message, ui_attr(ui, ui->message_error ?
		    COLOUR_FAIL : COLOUR_TITLE), y, ui->message_error ?
		    UI_STATUS_MAX_LINES : UI_STATUS_MAX_LINES - 1);
}

/* True when the status line holds a message that fits on one line. */
static bool
ui_status_short(struct ui *ui)
{
	return !ui->prompting && !ui->confirming && (ui->message == NULL ||
	    ui_width(ui, ui->message) <= COLS);
}

/* Redraws everything: header row, the screen's body, status and footer. */
static void
ui_redraw(struct ui *ui)
{
	int	y, x;

	ui->dirty = false;
	curs_set(0);
	erase();
	if (LINES < 24 || COLS < 80) {
		ui_text(ui, 0, 0, COLS, A_BOLD, false,
		    _("The terminal is too small: launchready needs 80x24."));
		ui_textf(ui, 1, 0, COLS, A_NORMAL, _("It is %dx%d now."),
		    COLS, LINES);
		refresh();
		return;
	}
	ui_draw_footer(ui);
	/* A one-line message goes first: what the body draws on its line
	   (a save error) wins, as it did before messages wrapped. */
	if (ui_status_short(ui))
		ui_draw_status(ui);
	ui->screen->draw(ui);
	/* After the body, which a long message may cover; the prompt's
	   cursor is the terminal's, else the body's (a text editor) stays. */
	if (ui->prompting)
		ui_draw_status(ui);
	else if (!ui_status_short(ui)) {
		getyx(stdscr, y, x);
		ui_draw_status(ui);
		move(y, x);
	}
	refresh();
}

/* Finds the action of key on the current screen; -1 when none. */
static int
ui_find_action(struct ui *ui, int key)
{
	size_t	i;

	for (i = 0; i < ACTION_COUNT; i++) {
		const struct action_def *a = &ui_actions[i];

		if ((a->screens & ui->screen->mask) == 0)
			continue;
		if (a->key == key || (a->key2 != 0 && a->key2 == key))
			return (int)a->action;
	}
	return -1;
}

static void ui_quit(struct ui *);

/* The answer to "quit although the changes are not saved?". */
static void
ui_quit_unsaved(struct ui *ui, int choice, void *arg)
{
	(void)arg;
	switch (choice) {
	case 'r':
		ui_quit(ui);
		break;
	case 'q':
		ui->quit = true;
		break;
	default:
		ui_message(ui, true, "%s", _("Not quit: the changes are not "
		    "saved yet."));
		break;
	}
}

/*
 * q: quits when the open session is saved; when it cannot be (a full
 * disk), says so and asks whether to try again or quit anyway.
 */
static void
ui_quit(struct ui *ui)
{
	if (ui->sprint == NULL || sprint_save(ui->sprint) == 0) {
		ui->quit = true;
		return;
	}
	ui_choose(ui, _("Changes not saved!"), "rq", _("r: try again, "
	    "q: quit anyway (they are lost), Esc: stay"), ui_quit_unsaved,
	    NULL);
}

/* Handles one key from the terminal. */
static void
ui_key(struct ui *ui, wint_t wc, bool keycode)
{
	int	key, action;

	if (keycode && wc == KEY_RESIZE) {
		ui_dirty(ui);
		return;
	}
	if (!keycode && wc == '\r')
		wc = '\n';
	if (ui->confirming && ui->confirm_keys != NULL) {
		ui_choose_cb cb = ui->choose_cb;
		int choice = !keycode && wc > 0 && wc < 0x80 &&
		    strchr(ui->confirm_keys, (int)wc) != NULL ? (int)wc : 0;

		ui->confirming = false;
		ui_dirty(ui);
		cb(ui, choice, ui->confirm_arg);
		return;
	}
	if (ui->confirming) {
		bool yes = !keycode && (wc == 'y' || wc == 'Y' || wc == 'j' ||
		    wc == 'J');
		ui_confirm_cb cb = ui->confirm_cb;

		ui->confirming = false;
		ui_dirty(ui);
		cb(ui, yes, ui->confirm_arg);
		return;
	}
	if (ui->prompting) {
		if (!keycode && (wc == '\n' || wc == KEY_ESC)) {
			char *text = wc == '\n' ? lineedit_text(&ui->prompt) :
			    NULL;

			ui->prompting = false;
			ui_dirty(ui);
			ui->prompt_cb(ui, text, ui->prompt_arg);
			free(text);
			return;
		}
		if (keycode && wc == KEY_ENTER) {
			ui_key(ui, '\n', false);
			return;
		}
		if (lineedit_key(&ui->prompt, wc, keycode) != LINEEDIT_IGNORED)
			ui_dirty(ui);
		return;
	}
	if (ui->screen->key != NULL && ui->screen->key(ui, wc, keycode)) {
		ui_dirty(ui);
		return;
	}
	key = (int)wc;
	if ((action = ui_find_action(ui, key)) == -1)
		return;
	if (ui->message != NULL && !ui->message_error)
		ui_message(ui, false, NULL);
	switch (action) {
	case ACTION_HELP:
		ui_goto(ui, SCREEN_HELP);
		return;
	case ACTION_REDRAW:
		clearok(curscr, TRUE);
		ui_dirty(ui);
		return;
	case ACTION_QUIT:
		ui_quit(ui);
		return;
	}
	ui->screen->action(ui, (enum action)action);
	ui_dirty(ui);
}

/* The terminal is readable: read every key that is waiting. */
static void
ui_read_keys(int fd, int revents, void *arg)
{
	struct ui	*ui = arg;
	wint_t		 wc;
	int		 r;

	if (revents & (POLLHUP | POLLERR)) {
		ui->quit = true;
		ui->status = EXIT_FAILURE_;
		return;
	}
	while (!ui->quit && (r = get_wch(&wc)) != ERR)
		ui_key(ui, wc, r == KEY_CODE_YES);
}

/* Applies the terminal's new size after SIGWINCH. */
static void
ui_resize(struct ui *ui)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ui_dirty(ui);
}

/* A signal arrived through the self-pipe. */
static void
ui_read_signals(int fd, int revents, void *arg)
{
	struct ui	*ui = arg;
	unsigned char	 sigs[32];
	ssize_t		 n, i;

	n = read(fd, sigs, sizeof sigs);
	for (i = 0; i < n; i++) {
		if (sigs[i] == SIGWINCH)
			ui_resize(ui);
		else if (sigs[i] == SIGINT || sigs[i] == SIGTERM ||
		    sigs[i] == SIGHUP) {
			ui->quit = true;
			ui->status = 128 + sigs[i];
		}
	}
}

/* Sets up the self-pipe and the handlers of the signals we take. */
static void
ui_signals(struct ui *ui)
{
	struct sigaction	sa;
	int			i;

	if (pipe(ui->signal_pipe) == -1)
		fatal("pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(ui->signal_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(ui->signal_pipe[i], F_SETFL, O_NONBLOCK);
	}
	ui_signal_fd = ui->signal_pipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	loop_fd(ui->loop, ui->signal_pipe[0], POLLIN, ui_read_signals, ui);
}

/* Starts curses and the colours (unless --no-color or NO_COLOR). */
static void
ui_start_curses(struct ui *ui)
{
	const char	*nc = getenv("NO_COLOR");
	struct termios	 tio;
	size_t		 i;

	initscr();
	ui_curses_on = true;
	cbreak();
	/* Ctrl-S saves in the text editor: no XON/XOFF flow control. */
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag &= ~(tcflag_t)IXON;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
		def_prog_mode();
	}
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui->colour = has_colors() && !ui->cl->opt.no_color &&
	    (nc == NULL || *nc == '\0');
	if (ui->colour) {
		start_color();
		use_default_colors();
		for (i = 1; i < COLOUR_COUNT; i++)
			init_pair((short)i, ui_colours[i].fg, ui_colours[i].bg);
	}
}

/* Once a minute: the sprint clock and "3 min ago" move on. */
static void
ui_clock(void *arg)
{
	struct ui	*ui = arg;

	ui->clock = loop_timer(ui->loop, 60000, ui_clock, ui);
	ui_dirty(ui);
}

/* Opens the session the command line names, or the newest one. */
static void
ui_open_named(struct ui *ui, const char *name)
{
	struct session	*s;
	char		*err = NULL, *path;

	if ((path = sprint_find(ui->dir, ui->checklist, name, &err)) == NULL ||
	    (s = session_load(path, &err)) == NULL) {
		ui_message(ui, true, "%s", err != NULL ? err : "?");
		free(err);
		free(path);
		return;
	}
	free(path);
	ui_open_session(ui, s);
}

/* The exit status, for the watchdog. */
static volatile sig_atomic_t	ui_exit_status;

/* Closing took too long (a worker that does not stop), or a second
   signal came: the session is saved and the terminal restored already. */
static void
ui_exit_now(int sig)
{
	(void)sig;
	_exit(ui_exit_status);
}

/*
 * After the loop: restores the terminal first, saves (saying so when it
 * cannot), then stops the checks, bounded by a watchdog: a worker that
 * does not stop cannot keep the wizard from quitting.
 */
static void
ui_close(struct ui *ui)
{
	struct sigaction	sa;
	const char		*err;

	if (ui->screen->leave != NULL)
		ui->screen->leave(ui);
	ui_restore();
	fatal_set_hook(NULL);
	ui_exit_status = ui->status;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_exit_now;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (ui->sprint != NULL && sprint_save(ui->sprint) == -1 &&
	    (err = sprint_save_error(ui->sprint)) != NULL)
		fprintf(stderr, _("launchready: %s: the changes since the last "
		    "save are lost\n"), err);
	alarm(UI_CLOSE_SECONDS);
	ui_close_session(ui);
	alarm(0);
}

int
ui_run(struct cmdline *cl, const struct screen *const *screens)
{
	struct ui	 ui;
	char		*err = NULL, *path;
	const char	*cs;
	size_t		 i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "launchready: %s\n", _("the wizard needs a "
		    "terminal on standard input and output; for a run "
		    "without one use `launchready audit DOMAIN`"));
		return EXIT_USAGE;
	}
	memset(&ui, 0, sizeof ui);
	ui.cl = cl;
	ui.screens = screens;
	cs = nl_langinfo(CODESET);
	ui.utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);

	path = data_path("checklist.cfg");
	ui.checklist = checklist_load(path, &err);
	free(path);
	if (ui.checklist == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return EXIT_FAILURE_;
	}
	ui.dir = session_dir(&cl->opt);
	ui.loop = loop_new();
	fatal_set_hook(ui_restore);
	ui_signals(&ui);
	ui_start_curses(&ui);
	loop_fd(ui.loop, STDIN_FILENO, POLLIN, ui_read_keys, &ui);
	ui.clock = loop_timer(ui.loop, 60000, ui_clock, &ui);

	ui_goto(&ui, SCREEN_START);
	if (cl->command == COMMAND_NEW)
		ui_goto(&ui, SCREEN_FORM);
	else if (cl->command == COMMAND_RESUME)
		ui_open_named(&ui, cl->arg);

	ui_dirty(&ui);
	while (!ui.quit) {
		if (ui.dirty)
			ui_redraw(&ui);
		if (loop_once(ui.loop, -1) == -1)
			break;
	}

	ui_close(&ui);
	if (ui.spinner != NULL)
		loop_timer_cancel(ui.loop, ui.spinner);
	loop_timer_cancel(ui.loop, ui.clock);
	for (i = 0; i < ui.ndata; i++) {
		if (ui.data[i].screen->free != NULL)
			ui.data[i].screen->free(&ui, ui.data[i].data);
		free(ui.data[i].data);
	}
	free(ui.data);
	lineedit_free(&ui.prompt);
	free(ui.prompt_label);
	free(ui.confirm_text);
	free(ui.confirm_keys);
	free(ui.message);
	loop_fd(ui.loop, STDIN_FILENO, 0, NULL, NULL);
	loop_fd(ui.loop, ui.signal_pipe[0], 0, NULL, NULL);
	ui_signal_fd = -1;
	close(ui.signal_pipe[0]);
	close(ui.signal_pipe[1]);
	loop_free(ui.loop);
	checklist_free(ui.checklist);
	free(ui.dir);
	return ui.status;
}
