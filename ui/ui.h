/*
 * ui.h: the ncurses front end. Includes src/ headers; src/ never includes
 * this one.
 *
 * Shape: one struct ui holds the terminal, the loop, the open sprint and
 * the current screen. Screens are named-field tables (struct screen), one
 * file per screen. Keys map to actions through one X-macro table
 * (ui/keys.h) that also feeds the footer hints and the help screen. The
 * loop (src/loop.c) watches the terminal's descriptor, a self-pipe for
 * signals and the checks' sockets; handlers change the model and call
 * ui_dirty(); ui_run redraws once per pass when dirty.
 */
#ifndef UI_H
#define UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <wchar.h>

#include "engine.h"
#include "keys.h"

/*
 * Runs the wizard for COMMAND_START, COMMAND_NEW (cl->arg: domain to
 * pre-fill) or COMMAND_RESUME (cl->arg: session name). Returns the exit
 * status: 0, EXIT_USAGE (2) with a message when standard input or output
 * is not a terminal, 128+signal after SIGINT/SIGTERM. The terminal is
 * restored on every exit path, fatal() included. screens: every screen,
 * NULL-terminated; the first is the start screen (launchready.c).
 */
struct screen;
int ui_run(struct cmdline *cl, const struct screen *const *screens);

/* ---- colours (X-macro: id, foreground, background, monochrome attr) --- */

#define COLOUR_TABLE(X)						\
	X(NORMAL,   -1,            -1,         A_NORMAL)	\
	X(HEADER,   COLOR_WHITE,   COLOR_BLUE, A_REVERSE)	\
	X(SELECTED, COLOR_BLACK,   COLOR_CYAN, A_REVERSE)	\
	X(PASS,     COLOR_GREEN,   -1,         A_NORMAL)	\
	X(WARN,     COLOR_YELLOW,  -1,         A_BOLD)		\
	X(FAIL,     COLOR_RED,     -1,         A_BOLD)		\
	X(ERROR,    COLOR_MAGENTA, -1,         A_BOLD)		\
	X(DIM,      COLOR_BLUE,    -1,         A_DIM)		\
	X(TITLE,    COLOR_CYAN,    -1,         A_BOLD)		\
	X(KEY,      COLOR_YELLOW,  -1,         A_BOLD)		\
	X(BAR,      COLOR_GREEN,   -1,         A_BOLD)		\
	X(ALERT,    COLOR_WHITE,   COLOR_RED,  A_REVERSE)

enum colour {
#define X(id, fg, bg, mono) COLOUR_##id,
	COLOUR_TABLE(X)
#undef X
	COLOUR_COUNT
};

/* ---- screens ----------------------------------------------------------- */

struct ui;

/*
 * A screen, one per file (screen-*.c). Screens never refer to each other:
 * they go to another one by its mask (ui_goto). Each keeps its own state
 * in private data that ui.c allocates (zeroed) when the screen is first
 * used and frees when the wizard ends.
 */
struct screen {
	/* Name for messages and the help screen ("Sprint board"). */
	const char	*name;
	/* Its bit in the key table's screen masks (SCREEN_BOARD...). */
	unsigned	 mask;
	/* Bytes of its private data (ui_data); 0 when it has none. */
	size_t		 data_size;
	/* Called when the screen becomes current. May be NULL. */
	void		(*enter)(struct ui *);
	/*
	 * Called when another screen (not help) becomes current, and when
	 * the wizard closes while it is current: it keeps what it must.
	 * May be NULL.
	 */
	void		(*leave)(struct ui *);
	/* Draws the body between the header row and the footer rows. */
	void		(*draw)(struct ui *);
	/*
	 * Gets a key before the action table does (text input); returns
	 * true when it used the key. May be NULL.
	 */
	bool		(*key)(struct ui *, wint_t, bool keycode);
	/* Performs an action of the key table meant for this screen. */
	void		(*action)(struct ui *, enum action);
	/* Frees what the private data holds (not the data itself), when
	   the wizard ends. May be NULL. */
	void		(*free)(struct ui *, void *data);
};

extern const struct screen screen_start;
extern const struct screen screen_form;
extern const struct screen screen_board;
extern const struct screen screen_summary;
extern const struct screen screen_handover;
extern const struct screen screen_help;
extern const struct screen screen_text;
extern const struct screen screen_secrets;

/* screen-text.c: edits text over several lines (title: the entry's name);
   cb gets the lines joined with "\n" on save (not called on cancel), then
   the current screen comes back. Refused with a message when the text is
   not ASCII outside a UTF-8 locale. */
void screen_text_open(struct ui *, const char *title, const char *text,
	    void (*cb)(struct ui *, const char *, void *), void *arg);

/* ---- lineedit.c: a one-line editor (UTF-8, cursor keys) --------------- */

struct lineedit {
	wchar_t	*buf;
	size_t	 len;
	size_t	 size;
	size_t	 cursor;	/* index into buf */
	size_t	 scroll;	/* first character shown */
	size_t	 max;		/* most characters accepted */
};

enum lineedit_result {
	LINEEDIT_IGNORED,	/* not an editing key */
	LINEEDIT_CHANGED,	/* the text or cursor changed */
};

/* Starts editing text (UTF-8, NULL: empty); max characters at most. */
void lineedit_init(struct lineedit *, const char *text, size_t max);
void lineedit_free(struct lineedit *);
/* Handles printable characters, Left/Right, Home/End, Backspace, Delete,
   Ctrl-A/E/K/U. */
enum lineedit_result lineedit_key(struct lineedit *, wint_t, bool keycode);
/* The text as newly allocated UTF-8 (or ASCII in a non-UTF-8 locale). */
char *lineedit_text(const struct lineedit *);
/* Draws in width cells at y, x and, if focus, places the cursor there. */
void lineedit_draw(struct lineedit *, int y, int x, int width, bool focus);
/* Moves the text after the cursor into tail (initialised here); the
   cursor stays at the end of what is left. */
void lineedit_split(struct lineedit *, struct lineedit *tail);
/* Appends tail's text; the cursor goes to the join. */
void lineedit_append(struct lineedit *, const struct lineedit *tail);
/* Length of the text in bytes as lineedit_text writes it. */
size_t lineedit_bytes(const struct lineedit *);

/* Called with the text entered in a prompt, or NULL when cancelled. */
typedef void (*ui_prompt_cb)(struct ui *, const char *text, void *arg);
/* Called with the answer to a yes/no question. */
typedef void (*ui_confirm_cb)(struct ui *, bool yes, void *arg);
/* Called with the key chosen among a question's keys, 0 for any other. */
typedef void (*ui_choose_cb)(struct ui *, int key, void *arg);

/* The private data of one screen (see struct screen). */
struct ui_data {
	const struct screen	*screen;
	void			*data;
};

/* What every screen shares. */
struct ui {
	struct cmdline		*cl;
	struct loop		*loop;
	struct checklist	*checklist;
	char			*dir;		/* sessions directory */

	/* Every screen; the first is the start screen. */
	const struct screen *const *screens;
	const struct screen	*screen;
	const struct screen	*back;		/* where Esc from help goes */
	struct ui_data		*data;
	size_t			 ndata;
	struct sprint		*sprint;	/* the open session, or NULL */

	bool			 utf8;
	bool			 colour;
	bool			 dirty;
	bool			 quit;
	int			 status;	/* exit status */
	int			 signal_pipe[2];
	struct timer		*spinner;
	struct timer		*clock;		/* redraws once a minute */
	unsigned		 spin;		/* spinner frame */

	char			*message;	/* one-line status message */
	bool			 message_error;

	/* A modal prompt (line editor) or confirmation, when active. */
	bool			 prompting;
	char			*prompt_label;
	struct lineedit		 prompt;
	ui_prompt_cb		 prompt_cb;
	void			*prompt_arg;
	bool			 confirming;
	char			*confirm_text;
	char			*confirm_keys;	/* ui_choose's, or NULL: y/n */
	ui_confirm_cb		 confirm_cb;
	ui_choose_cb		 choose_cb;
	void			*confirm_arg;
};

/* ui.c: plumbing the screens use. */
void ui_dirty(struct ui *);
/*
 * Makes the screen with mask the current one: the current screen's leave
 * (unless it goes to help), then the new one's enter.
 */
void ui_goto(struct ui *, unsigned mask);
/* Goes back to s (from help or the text editor) without its enter. */
void ui_return(struct ui *, const struct screen *s);
/* The private data of screen s (data_size bytes, zeroed at first). */
void *ui_data(struct ui *, const struct screen *s);
/*
 * Opens session s (takes ownership; the options given on the command line
 * win over its saved ones) and shows the board; on an error (its lock is
 * held) says so and shows the start screen.
 */
void ui_open_session(struct ui *, struct session *s);
/* Closes the open session (if any); false when its last save failed. */
bool ui_close_session(struct ui *);
/* Sets the status line message (printf-like); error shows it in red. */
void ui_message(struct ui *, bool error, const char *, ...) printflike(3, 4);
/* Asks for a line of text in a prompt over the footer. */
void ui_prompt(struct ui *, const char *label, const char *initial,
	    ui_prompt_cb, void *arg);
/* Asks a yes/no question over the footer. */
void ui_confirm(struct ui *, const char *question, ui_confirm_cb, void *arg);
/* Asks a question answered by one of keys (hint says which). */
void ui_choose(struct ui *, const char *question, const char *keys,
	    const char *hint, ui_choose_cb, void *arg);
/* The attribute of a colour (a pair or its monochrome fallback). */
attr_t ui_attr(struct ui *, enum colour);
/* The colour of a status. */
enum colour ui_status_colour(enum status);
/*
 * Prints UTF-8 text at y, x clipped to width cells (padded with blanks
 * when pad); returns the cells used. Non-ASCII is shown as '?' when the
 * locale is not UTF-8.
 */
int ui_text(struct ui *, int y, int x, int width, attr_t, bool pad,
	    const char *);
int ui_textf(struct ui *, int y, int x, int width, attr_t, const char *,
	    ...) printflike(6, 7);
/* Display width of UTF-8 text. */
int ui_width(struct ui *, const char *);
/* Word-wraps text into lines of at most width cells, appended to out. */
void ui_wrap(struct ui *, const char *text, int width, struct strlist *out);
/* Lines of text, each with its attribute (detail panes, summaries). */
struct ui_lines {
	char	**text;
	attr_t	 *attr;
	size_t	  n;
};
void ui_lines_add(struct ui_lines *, attr_t, const char *);
/* Adds text word-wrapped to width cells, indented by indent blanks. */
void ui_lines_wrap(struct ui *, struct ui_lines *, attr_t, const char *,
	    int width, int indent);
/* Draws rows lines from *scroll (clamped) at top, x; frees nothing. */
void ui_lines_draw(struct ui *, struct ui_lines *, int top, int rows,
	    int x, int width, int *scroll);
void ui_lines_free(struct ui_lines *);
/* A progress bar of width cells for done of total. */
void ui_bar(struct ui *, int y, int x, int width, size_t done, size_t total);
/* The spinner frame for running items. */
const char *ui_spinner(struct ui *);
/* Starts or stops the spinner timer as checks run. */
void ui_spinner_update(struct ui *);
/* "3 min ago", "yesterday 14:05"... in a static buffer. */
const char *ui_ago(time_t);
/* The display name of key ("Enter", "↑", "q"). Static buffer. */
const char *ui_key_name(struct ui *, int key);

#endif
