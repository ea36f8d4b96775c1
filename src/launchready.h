/*
 * launchready.h: the model. Statuses and severities, check results, the
 * sprint checklist, sessions, the command-line options every mode shares,
 * and the small helpers (memory, strings, messages) the whole core uses.
 *
 * Nothing here includes ncurses; ui/ includes this header, never the reverse.
 */
#ifndef LAUNCHREADY_H
#define LAUNCHREADY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <libintl.h>

#define printflike(a, b) __attribute__((format(printf, a, b)))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#define _(s) gettext(s)
#define N_(s) (s)

/* ---- xmalloc.c: memory that never fails, and fatal errors ------------- */

/* These print a message and exit(3) on failure, after the fatal hook ran. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string. */
char *xprintf(const char *, ...) printflike(1, 2);
char *xvprintf(const char *, va_list) printflike(1, 0);

/*
 * fatal() is for programmer and system errors only (out of memory, a broken
 * invariant): it runs the hook (the UI sets one that calls endwin()), prints
 * "launchready: message" and exits with status 3. Anything the network, the
 * disk or the user can cause is a returned status with a message instead.
 */
void fatal(const char *, ...) printflike(1, 2) __attribute__((noreturn));
void fatal_set_hook(void (*)(void));

/* ---- util.c: returned errors and clock times --------------------------- */

/* Sets *err (if err is not NULL) to a newly allocated message; returns -1. */
int set_error(char **err, const char *, ...) printflike(2, 3);

/* Milliseconds on the monotonic clock. */
uint64_t now_ms(void);
/* Formats t as "2026-11-24T13:05:00Z" into a static buffer. */
const char *time_iso(time_t);
/* Parses the format above; returns -1 when it is not one. */
int time_parse_iso(const char *, time_t *);

/* ---- strlist.c: a growable list of owned strings ----------------------- */

struct strlist {
	char	**v;
	size_t	  n;
};
void strlist_add(struct strlist *, const char *);
void strlist_addf(struct strlist *, const char *, ...) printflike(2, 3);
/* Splits "a,b , c" on commas, trimming blanks, dropping empty parts. */
void strlist_split(struct strlist *, const char *);
bool strlist_has(const struct strlist *, const char *);
void strlist_copy(struct strlist *, const struct strlist *);
/* Joins with sep into a new string ("" when empty). */
char *strlist_join(const struct strlist *, const char *sep);
void strlist_clear(struct strlist *);

/* ---- buf.c: a growable byte buffer and its escapers -------------------- */

/* Always NUL-terminated once anything was added. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
};
void buf_add(struct buf *, const void *, size_t);
void buf_puts(struct buf *, const char *);
void buf_printf(struct buf *, const char *, ...) printflike(2, 3);
void buf_free(struct buf *);
/* Appends s as a JSON string literal, quotes included (invalid UTF-8 bytes
   become U+FFFD). */
void buf_json(struct buf *, const char *s);
/* Appends s with &, <, >, " and ' escaped for HTML. */
void buf_html(struct buf *, const char *s);
/*
 * The one sanitiser for untrusted text shown on a terminal or written in
 * Markdown (audit text and md, the handover Markdown). Appends s with C0
 * controls, DEL, C1 controls, line separators, bidirectional overrides
 * and bytes that are not valid UTF-8 shown escaped ("\x1b", "\u0085",
 * "\xff", "\n", "\t"); newlines are kept with TEXT_LINES. TEXT_MD also
 * escapes Markdown's inline metacharacters (\ ` * _ [ ] < > | # ~ and a
 * character reference's &) and doubles the backslash of the escapes
 * above, so the rendered text shows them. Not for code spans or fenced
 * blocks, where a backslash is literal: use flags 0 (or TEXT_LINES) there.
 */
#define TEXT_LINES	0x1
#define TEXT_MD		0x2
void buf_text(struct buf *, const char *s, int flags);

/* ---- file.c: every file the program writes ----------------------------- */

/*
 * Writes len bytes to path atomically: PATH.tmp.<pid> in the same
 * directory (0600), fsync, rename over path, directory fsync. Only a
 * regular file this user owns is replaced: a symbolic link, anything that
 * is not a regular file, or a file of another user is refused (-1, *err
 * says which) and left as it is. no_clobber: fail instead of replacing an
 * existing file. keep_backup: keep the file being replaced as PATH.bak. On
 * error the temporary file is removed, the old file is untouched and -1 is
 * returned with *err naming path and why.
 */
int file_write_atomic(const char *path, const void *, size_t,
	    bool no_clobber, bool keep_backup, char **err);
/*
 * Writes an output the user asked for (report -o, audit -o, an export):
 * "-" is standard output; a FIFO or a character device (directly or at
 * the end of symbolic links) is opened and written into, waiting at
 * most 10 s for a FIFO's reader; anything else goes through
 * file_write_atomic (so a link to a regular file is refused). -1 with
 * *err set when the data could not all be written (ENOSPC from /dev/full).
 */
int file_write(const char *path, const void *, size_t, char **err);

/* ---- status.c: statuses and severities (X-macro tables) --------------- */

/* id, name in files and JSON, label shown to the user, ASCII glyph, UTF-8 glyph */
#define STATUS_TABLE(X)							\
	X(PENDING, "pending", N_("pending"), ".", "·")			\
	X(RUNNING, "running", N_("running"), "~", "◌")			\
	X(PASS,    "pass",    N_("pass"),    "+", "✔")			\
	X(WARN,    "warn",    N_("warn"),    "!", "▲")			\
	X(FAIL,    "fail",    N_("fail"),    "x", "✘")			\
	X(ERROR,   "error",   N_("error"),   "?", "⚠")			\
	X(DONE,    "done",    N_("done"),    "*", "☑")			\
	X(SKIPPED, "skipped", N_("skipped"), "-", "⊘")

enum status {
#define X(id, name, label, ascii, utf8) STATUS_##id,
	STATUS_TABLE(X)
#undef X
	STATUS_COUNT
};

/* Ordered from the least to the most serious. */
#define SEVERITY_TABLE(X)					\
	X(NONE,     "none",     N_("none"))			\
	X(INFO,     "info",     N_("info"))			\
	X(MEDIUM,   "medium",   N_("medium"))		\
	X(HIGH,     "high",     N_("high"))			\
	X(CRITICAL, "critical", N_("critical"))

enum severity {
#define X(id, name, label) SEVERITY_##id,
	SEVERITY_TABLE(X)
#undef X
	SEVERITY_COUNT
};

const char *status_name(enum status);		/* "pass" */
const char *status_label(enum status);		/* translated */
const char *status_glyph(enum status, bool utf8);
int status_parse(const char *, enum status *);	/* 0 or -1 */
const char *severity_name(enum severity);
const char *severity_label(enum severity);
int severity_parse(const char *, enum severity *);
/* A status that counts as a finding (warn or fail). */
bool status_is_finding(enum status);

/* ---- result.c: what a check found ------------------------------------- */

#define RESULT_MAX_EVIDENCE	200	/* lines; more are counted, not kept */
#define RESULT_MAX_LINE		1000	/* bytes per evidence line */

struct result {
	enum status	 status;	/* PASS, WARN, FAIL or ERROR once done */
	enum severity	 severity;	/* of the finding; NONE for pass/error */
	char		*summary;	/* one line, plain English */
	char		**evidence;	/* lines a person can act on */
	size_t		 nevidence;
	size_t		 dropped;	/* evidence lines over the bound */
	char		*fix;		/* specific fix, or NULL: the item's */
	unsigned	 duration_ms;
	time_t		 when;		/* when the check finished */
};

void result_init(struct result *);
void result_clear(struct result *);
void result_copy(struct result *, const struct result *);
/* Sets status, severity and summary (replacing any earlier ones). */
void result_set(struct result *, enum status, enum severity,
	    const char *, ...) printflike(4, 5);
/*
 * Raises status and severity to at least the given ones (fail beats warn
 * beats pass; a higher severity wins) and, if it changed anything or no
 * summary is set, replaces the summary.
 */
void result_raise(struct result *, enum status, enum severity,
	    const char *, ...) printflike(4, 5);
/* Appends one evidence line; lines over the bound are cut with "…". */
void result_evidence(struct result *, const char *, ...) printflike(2, 3);
void result_set_fix(struct result *, const char *, ...) printflike(2, 3);

/* ---- checklist.c: the sprint as data (data/checklist.cfg) ------------- */

#define STAGE_COUNT 6

struct item {
	char		*id;		/* check id for automated items,
					   "manual.<name>" for manual ones */
	char		*check;		/* check id, NULL for a manual item */
	int		 stage;		/* 1..6 */
	char		*title;
	char		*why;		/* why it matters, for a non-engineer */
	char		*fix;		/* how to fix */
	enum severity	 severity;	/* default severity of a finding */
	char		*hint;		/* manual items: a check id whose
					   result helps confirm it, or NULL */
};

struct stage {
	int		 number;	/* 1..6 */
	int		 hour_from;
	int		 hour_to;
	char		*name;
	char		*goal;
	size_t		 first;		/* index of its first item */
	size_t		 nitems;	/* items are stored stage by stage */
};

struct checklist {
	char		*path;
	struct stage	 stages[STAGE_COUNT];
	struct item	*items;
	size_t		 nitems;
};

/*
 * Loads and validates a checklist. On error returns NULL with *err set to
 * "FILE:LINE: message" (unknown check id, duplicate id, missing field...).
 */
struct checklist *checklist_load(const char *path, char **err);
void checklist_free(struct checklist *);
const struct item *checklist_item(const struct checklist *, const char *id);
/* The stage whose hour window holds hour (0..48; past 48: 6). */
int checklist_stage_at(const struct checklist *, int hour);
/*
 * Where data files live: $LAUNCHREADY_DATADIR if set, else the installed
 * data directory, else the source tree's data/ (for an uninstalled build).
 * Returns a newly allocated path of the named file.
 */
char *data_path(const char *file);

/* ---- options: what every mode shares (set by the command line or form) - */

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MD, FORMAT_HTML, FORMAT_SARIF };

struct port_map {
	int	from;
	int	to;
};

struct options {
	char		*domain;	/* ASCII (A-label) form, lower case */
	char		*domain_unicode;/* U-label form for display */
	struct strlist	 resolvers;	/* "ADDR[:PORT]" */
	struct port_map	 port_map[16];
	size_t		 nport_map;
	char		*cacert;
	struct strlist	 subdomains;	/* labels ("app") or full names */
	struct strlist	 dkim_selectors;
	char		*repo;
	int		 timeout;	/* seconds per network operation */
	char		*session_dir;
	bool		 no_color;
	char		*login_url;
	char		*health_url;
	struct strlist	 api_urls;
	int		 email;		/* -1 decide from MX/SPF, 0 no, 1 yes */
	char		*sender_ip;
	char		*smoke;		/* smoke plan file or NULL */
	bool		 allow_active;
};

#define OPTIONS_DEFAULT_TIMEOUT 10

void options_init(struct options *);
void options_clear(struct options *);
void options_copy(struct options *, const struct options *);
/* Parses "80:8080,443:8443"; returns -1 with *err set when malformed. */
int options_parse_port_map(struct options *, const char *, char **err);
/* The port to connect to for port (the map applied). */
int options_port(const struct options *, int port);
/* The full host names the audit covers: apex, www, then each subdomain. */
void options_hosts(const struct options *, struct strlist *);

/* ---- domain.c: domain names ------------------------------------------- */

/*
 * Validates a domain the user typed: trims a trailing dot, lower-cases,
 * converts an internationalised name to its A-label (xn--) form (IDNA2008
 * with UTS #46 mapping, through libidn2). Returns 0
 * with *ascii and *unicode newly allocated, or -1 with *err saying what is
 * wrong ("label 2 is longer than 63 characters").
 */
int domain_normalise(const char *in, char **ascii, char **unicode, char **err);
/* True when name is a syntactically valid ASCII host name (LDH labels). */
bool domain_is_hostname(const char *name);

/* ---- session.c: resumable sessions ------------------------------------ */

#define SESSION_FORMAT_VERSION 1

struct item_state {
	char		*id;
	enum status	 status;	/* current status shown on the board */
	bool		 has_first;
	struct result	 first;		/* first automated result */
	bool		 has_latest;
	struct result	 latest;	/* latest automated result */
	char		*owner;
	char		*note;
	char		*skip_reason;	/* set when status is SKIPPED */
	time_t		 marked;	/* when a person last marked it */
};

struct access_entry {
	char	*account;
	char	*provider;
	char	*owner;
	char	*where;		/* where the credentials live, never them */
};

struct handover {
	struct access_entry	*access;
	size_t			 naccess;
	char			*deploy_steps;
	char			*rollback;
	char			*monitoring;	/* monitoring and alert routing */
	char			*open_risks;
	time_t			 final_qa;	/* last final QA run, 0: never */
};

struct session {
	char		*name;		/* file name without ".cfg" */
	char		*path;		/* full path of the file */
	int		 version;
	time_t		 created;
	time_t		 started;	/* sprint clock origin */
	time_t		 saved;
	int		 selected_stage;/* 1..6, restored on resume */
	char		*selected_item;	/* its selected item id, or NULL */

	/* The form's answers. */
	char		*client;
	char		*consultant;
	int		 sends_email;	/* -1 unknown, 0 no, 1 yes */
	struct options	 opt;		/* domain, subdomains, URLs, lab settings */

	struct item_state *items;
	size_t		 nitems;
	struct handover	 handover;

	int		 lock_fd;	/* -1 when not locked */
};

/*
 * The sessions directory: opt->session_dir when set, else
 * $XDG_DATA_HOME/launchready/sessions, else ~/.local/share/launchready/
 * sessions. Newly allocated; not created.
 */
char *session_dir(const struct options *);
/*
 * A new session in dir for the given form answers (opt is copied), named
 * after the domain (made unique in dir). Not saved until session_save().
 */
struct session *session_new(const char *dir, const struct options *opt);
/*
 * Loads a session file. NULL with *err "PATH:LINE: message" when the file
 * is damaged (syntax, unknown status, bad time, a newer format version,
 * over a bound: 16 MB, 2000 items, 200 evidence lines...); the file is
 * left as it is, and the message names PATH.bak when a previous good
 * version is kept there. The session is not locked. A file that failed
 * to load must not be saved over: there is no session to save.
 */
struct session *session_load(const char *path, char **err);
/*
 * Saves atomically (temporary file in the same directory, fsync, rename,
 * directory fsync), creating the directory 0700 and the file 0600. The
 * previous good version is kept as PATH.bak. On error (read-only place,
 * full disk) the old file is untouched and -1 is returned with *err set.
 * The first save of a new session (saved == 0) never replaces an existing
 * file: it fails instead. On success s->saved is the time written.
 */
int session_save(struct session *, char **err);
void session_free(struct session *);
/*
 * Takes the session's lock: flock(2) on PATH.lock, which also holds "pid
 * user host time" for the message. Returns -1 with *err naming the holder
 * ("session NAME is open in another launchready (pid 123, user ana on
 * host x, since ...)") when another open file holds it, even in this
 * process. A holder that died releases it (stale locks are taken over).
 * Locking a session already locked is a no-op; session_free unlocks.
 */
int session_lock(struct session *, char **err);
void session_unlock(struct session *);
/* The state of item id, added (pending) when absent. */
struct item_state *session_item(struct session *, const char *id);
/*
 * Records an automated result: latest always, first only the first time;
 * the item's status becomes the result's unless a person skipped it.
 * session_load turns a saved "running" status back into the latest
 * result's status (or pending): a check in flight did not finish.
 */
void session_record(struct session *, const char *id, const struct result *);
/* Hour of the sprint (0-based; may pass 48) at time now. */
int session_hour(const struct session *, time_t now);

struct session_info {
	char	*name;
	char	*path;
	char	*client;
	char	*domain;
	time_t	 started;
	time_t	 saved;
	size_t	 settled;	/* items passed, done or skipped */
	size_t	 total;		/* items in the checklist */
	char	*error;		/* set when the file could not be read */
};
/*
 * Lists the sessions (NAME.cfg files) in dir, newest saved first; a
 * damaged file is listed with error set (its mtime as saved). A missing
 * dir lists nothing. cl may be NULL (total is then the session's items).
 */
int session_list(const char *dir, const struct checklist *,
	    struct session_info **, size_t *, char **err);
void session_info_free(struct session_info *, size_t);
/*
 * Deletes a session file (and its backup); -1 with *err on failure or
 * when the session is locked (unlock your own session before).
 */
int session_remove(const char *path, char **err);
/* A status that counts as settled for progress: pass, done or skipped. */
bool session_settled(enum status);
/* ---- summary.c: the launch-risk summary (report and summary screen) --- */

struct summary {
	size_t	total;			/* items in the checklist */
	size_t	settled;		/* pass, done or skipped */
	size_t	status[STATUS_COUNT];	/* items by current status */
	size_t	findings[SEVERITY_COUNT];/* warn/fail items by severity */
	size_t	manual_open;		/* manual items neither done nor
					   skipped */
	size_t	not_run;		/* automated items pending/running */
	size_t	fixed;			/* first result warn/fail, latest
					   pass */
};

/* A finding: a checklist item whose status is warn or fail now. */
struct finding {
	const struct item	 *item;
	const struct item_state	 *state;
	enum severity		  severity;	/* see summary_severity */
};

/* The state of item id in the session, NULL when it has none (pending). */
const struct item_state *summary_state(const struct session *,
	    const char *id);
/* The status of a state that may be NULL (pending). */
enum status summary_status(const struct item_state *);
/* A finding's severity: its latest result's, else the checklist's. */
enum severity summary_severity(const struct item *,
	    const struct item_state *);
/* Fixed during the sprint: first result warn or fail, latest pass. */
bool summary_fixed(const struct item_state *);
/* Counts the checklist's items in the session's states. */
void summary_count(const struct session *, const struct checklist *,
	    struct summary *);
/*
 * Every finding, most serious first (severity, fail before warn, then
 * checklist order). *out is newly allocated (NULL when there is none);
 * its pointers point into the session and the checklist.
 */
size_t summary_findings(const struct session *, const struct checklist *,
	    struct finding **out);
/* The top blockers (critical and high findings), at most max, into out. */
size_t summary_blockers(const struct session *, const struct checklist *,
	    struct finding *out, size_t max);
/* "not-ready", "launch-with-care", "incomplete" or "ready". */
const char *summary_verdict(const struct summary *);
/*
 * Appends the launch-risk summary in plain English: one paragraph, no
 * markup, no trailing newline (translated).
 */
void summary_write(const struct session *, const struct checklist *,
	    struct buf *);

/* ---- report.c: the handover checklist --------------------------------- */

/*
 * Writes the handover report of a session in FORMAT_MD, FORMAT_HTML (one
 * self-contained printable file) or FORMAT_JSON. Returns -1 with *err set
 * when writing fails.
 */
int report_write(const struct session *, const struct checklist *,
	    enum format, FILE *, char **err);
/*
 * The same report appended to a buffer (for an atomic write with
 * file_write, or a screen). The report's "generated" time is
 * $SOURCE_DATE_EPOCH when set, so output can be reproduced.
 */
int report_render(const struct session *, const struct checklist *,
	    enum format, struct buf *, char **err);

/* ---- cmdline.c and cmd-*.c: the commands ------------------------------ */

enum command {
	COMMAND_START,		/* the start screen */
	COMMAND_NEW,
	COMMAND_RESUME,
	COMMAND_LIST,
	COMMAND_AUDIT,
	COMMAND_REPORT,
	COMMAND_HELP,
	COMMAND_VERSION
};

/* Exit statuses of SPEC.md. */
#define EXIT_OK		0	/* decided, nothing at or above --fail-on */
#define EXIT_FINDINGS	1	/* findings at or above --fail-on */
#define EXIT_USAGE	2
#define EXIT_FAILURE_	3	/* the audit itself could not run */
#define EXIT_UNDECIDED	4	/* nothing at the level, but some errors */

struct cmdline {
	enum command	 command;
	char		*arg;		/* DOMAIN or NAME, may be NULL */
	struct options	 opt;
	enum format	 format;
	bool		 format_set;
	struct strlist	 only;		/* audit --only */
	enum severity	 fail_on;	/* default SEVERITY_HIGH */
	char		*output;	/* report -o FILE */
};

/*
 * Parses the command line. Returns 0, or EXIT_USAGE with *err set to a
 * message naming the bad argument. A DOMAIN argument is normalised.
 */
int cmdline_parse(struct cmdline *, int argc, char **argv, char **err);
void cmdline_clear(struct cmdline *);
/* The usage text (for --help). */
const char *cmdline_usage(void);

/* cmd-audit.c: `launchready audit`; returns the exit status. */
int cmd_audit(struct cmdline *);
/* cmd-report.c: `launchready list` and `launchready report`. */
int cmd_list(struct cmdline *);
int cmd_report(struct cmdline *);

#endif
