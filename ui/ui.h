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
 * restored on every exit path, fatal() included.
 */
int ui_run(struct cmdline *cl);

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

/* A screen, one per file (screen-*.c). */
struct screen {
	/* Name for messages and the help screen ("Sprint board"). */
	const char	*name;
	/* Its bit in the key table's screen masks (SCREEN_BOARD...). */
	unsigned	 mask;
	/* Called when the screen becomes current. May be NULL. */
	void		(*enter)(struct ui *);
	/* Draws the body between the header row and the footer rows. */
	void		(*draw)(struct ui *);
	/*
	 * Gets a key before the action table does (text input); returns
	 * true when it used the key. May be NULL.
	 */
	bool		(*key)(struct ui *, wint_t, bool keycode);
	/* Performs an action of the key table meant for this screen. */
	void		(*action)(struct ui *, enum action);
};

extern const struct screen screen_start;
extern const struct screen screen_form;
extern const struct screen screen_board;
extern const struct screen screen_summary;
extern const struct screen screen_handover;
extern const struct screen screen_help;
extern const struct screen screen_text;

/* screen-start.c: opens the board on s (takes ownership; on a lock error
   the start screen shows it). */
void screen_start_open(struct ui *, struct session *s);
/* screen-form.c: fills the form from the command line (domain may be
   NULL), and frees its state. */
void screen_form_prefill(struct ui *, const char *domain);
void screen_form_free(struct ui *);
/* screen-text.c: edits text over several lines (title: the entry's name);
   cb gets the lines joined with "\n" on save (not called on cancel), then
   the current screen comes back. Refused with a message when the text is
   not ASCII outside a UTF-8 locale. */
struct textarea;
void screen_text_open(struct ui *, const char *title, const char *text,
	    void (*cb)(struct ui *, const char *, void *), void *arg);
void screen_text_free(struct ui *);
/* On closing the wizard: saves the open editor's text when it changed. */
void screen_text_flush(struct ui *);

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

/* ---- sprint.c: the open session, its checks and saving ---------------- */

struct sprint;
struct form;

/* Called with the text entered in a prompt, or NULL when cancelled. */
typedef void (*ui_prompt_cb)(struct ui *, const char *text, void *arg);
/* Called with the answer to a yes/no question. */
typedef void (*ui_confirm_cb)(struct ui *, bool yes, void *arg);

struct ui {
	struct cmdline		*cl;
	struct loop		*loop;
	struct checklist	*checklist;
	char			*dir;		/* sessions directory */

	const struct screen	*screen;
	const struct screen	*back;		/* where Esc from help goes */
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
	ui_confirm_cb		 confirm_cb;
	void			*confirm_arg;

	/* Per-screen state. */
	size_t			 start_sel;
	struct session_info	*infos;
	size_t			 ninfos;
	size_t			 board_sel;	/* item index in the stage */
	int			 detail_scroll;
	size_t			 handover_sel;
	struct textarea		*textarea;	/* the multi-line editor */
	struct form		*form;
	int			 help_scroll;
	int			 summary_scroll;
	char			*export_path;	/* last handover written */
};

/* ui.c: plumbing the screens use. */
void ui_dirty(struct ui *);
/* Makes s the current screen (calling its enter). */
void ui_show(struct ui *, const struct screen *);
/* Sets the status line message (printf-like); error shows it in red. */
void ui_message(struct ui *, bool error, const char *, ...) printflike(3, 4);
/* Asks for a line of text in a prompt over the footer. */
void ui_prompt(struct ui *, const char *label, const char *initial,
	    ui_prompt_cb, void *arg);
/* Asks a yes/no question over the footer. */
void ui_confirm(struct ui *, const char *question, ui_confirm_cb, void *arg);
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

/* sprint.c */
/*
 * Opens a session (loaded or new) for the board: takes its lock and sets
 * up the audit. Returns NULL with *err set (the lock's holder, a damaged
 * file); s is freed then. Takes ownership of s.
 */
struct sprint *sprint_open(struct ui *, struct session *, char **err);
/* Saves, cancels running checks, unlocks and frees. */
void sprint_close(struct sprint *);
struct session *sprint_session(struct sprint *);
/* Saves now; a failure is kept and shown until a save succeeds. */
void sprint_save(struct sprint *);
/* The last save error, or NULL. */
const char *sprint_save_error(struct sprint *);
/* The audit set-up error (bad resolver), or NULL. */
const char *sprint_audit_error(struct sprint *);
/* The state of checklist item i (never NULL). */
struct item_state *sprint_state(struct sprint *, size_t i);
/* The status shown for item i (running while its check runs). */
enum status sprint_status(struct sprint *, size_t i);
/* True when item i failed (or warned) at first and passes now. */
bool sprint_fixed(struct sprint *, size_t i);
/* Starts item i's check (no-op for a manual item or one running). */
void sprint_run_item(struct sprint *, size_t i);
/* Starts a stage's checks; only those never run unless all. */
void sprint_run_stage(struct sprint *, int stage, bool all);
/* Starts every check (the final QA pass when final is set). */
void sprint_run_all(struct sprint *, bool final);
/* Number of checks in flight. */
size_t sprint_running(struct sprint *);
/* Counts a stage's items (stage 0: all): settled, failing, total. */
void sprint_counts(struct sprint *, int stage, size_t *settled,
	    size_t *failing, size_t *total);
/* The severity of item i's current finding (NONE when not a finding). */
enum severity sprint_severity(struct sprint *, size_t i);
/*
 * Writes the handover in format next to the session file; returns the
 * newly allocated path, or NULL with *err set.
 */
char *sprint_export(struct sprint *, enum format, char **err);
/* Writes the plain-English launch-risk summary into b. */
void sprint_risk_summary(struct sprint *, struct buf *b);

#endif
