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

/* The launch decision a person records: id, name in files, label. */
#define DECISION_TABLE(X)						\
	X(NONE,       "none",            N_("not recorded"))		\
	X(SHIP,       "ship",            N_("ship"))			\
	X(CONDITIONS, "ship-conditions", N_("ship with conditions"))	\
	X(STOP,       "stop",            N_("stop"))

enum decision {
#define X(id, name, label) DECISION_##id,
	DECISION_TABLE(X)
#undef X
	DECISION_COUNT
};

struct launch_decision {
	enum decision	 kind;
	char		*conditions;	/* what must hold (ship with conditions) */
	char		*who;		/* who decided */
	time_t		 when;		/* when it was recorded, 0: never */
};

/* The alert types whose owner the handover names: id, key, label. */
#define ALERT_TABLE(X)							\
	X(SITE_DOWN,     "site_down",     N_("Site down"))		\
	X(CERT_EXPIRY,   "cert_expiring", N_("Certificate expiring"))	\
	X(ERROR_RATE,    "error_rate",    N_("Error rate"))		\
	X(EMAIL_BOUNCES, "email_bounces", N_("Email bounces"))		\
	X(FAILED_DEPLOY, "failed_deploy", N_("Failed deploy"))

enum alert {
#define X(id, key, label) ALERT_##id,
	ALERT_TABLE(X)
#undef X
	ALERT_COUNT
};

/* What became of a secret found in the repository. */
#define SECRET_STATUS_TABLE(X)					\
	X(EXPOSED, "exposed", N_("exposed"))			\
	X(ROTATED, "rotated", N_("rotated"))			\
	X(ALLOWED, "allowed", N_("allowed"))

enum secret_status {
#define X(id, name, label) SECRET_##id,
	SECRET_STATUS_TABLE(X)
#undef X
	SECRET_STATUS_COUNT
};

#define INVENTORY_FP_HEX	16	/* as secrets.h's SECRETS_FP_HEX */
#define INVENTORY_MAX_PATHS	32	/* places kept per secret */

/* One row of the secret inventory: a distinct value, by fingerprint. */
struct secret_row {
	char		 fingerprint[INVENTORY_FP_HEX + 1];
	char		*kind;		/* the rule that found it */
	char		*path;		/* file where first found */
	unsigned	 line;		/* its line there (0: unknown) */
	char		*commit;	/* first commit holding it, or NULL */
	time_t		 commit_date;
	struct strlist	 paths;		/* every file it was seen in */
	char		*owner;		/* who rotates it */
	enum secret_status status;
	time_t		 rotated;	/* ROTATED: when */
	char		*reason;	/* ALLOWED: why */
	time_t		 first_seen;	/* first scan that found it */
	time_t		 last_seen;	/* latest scan that found it */
	time_t		 reappeared;	/* found again after its rotation in a
					   new place: flagged, 0 when not */
};

struct handover {
	struct access_entry	*access;
	size_t			 naccess;
	char			*deploy_steps;
	char			*rollback;
	int			 rollback_minutes;/* rehearsed rollback time,
						    0: not rehearsed */
	char			*monitoring;	/* monitoring and alert routing */
	char			*open_risks;
	time_t			 final_qa;	/* last final QA run, 0: never */
	struct launch_decision	 decision;
	char			*alert_owner[ALERT_COUNT];
	struct secret_row	*secrets;	/* the secret inventory */
	size_t			 nsecrets;
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
/* ---- handover.c: the handover data in a session ---------------------- */

#define HANDOVER_MAX_ROLLBACK_MINUTES	(7 * 24 * 60)

const char *decision_name(enum decision);	/* "ship-conditions" */
const char *decision_label(enum decision);	/* translated */
int decision_parse(const char *, enum decision *);	/* 0 or -1 */
const char *alert_key(enum alert);		/* "site_down" */
const char *alert_label(enum alert);		/* translated */
const char *secret_status_name(enum secret_status);
const char *secret_status_label(enum secret_status);
int secret_status_parse(const char *, enum secret_status *);
/* Frees what a handover holds and zeroes it. */
void handover_clear(struct handover *);
/* Removes access entry i (the caller asked the user first). */
void handover_remove_access(struct handover *, size_t i);

/*
 * The "handover" group of a session file. handover_build adds its members
 * to g (a libconfig group); handover_read reads them from g, with path
 * for messages: -1 with *err "PATH:LINE: message" on a bad value.
 */
struct config_setting_t;
void handover_build(struct config_setting_t *g, const struct handover *);
int handover_read(struct config_setting_t *g, struct handover *,
	    const char *path, char **err);

/* ---- guard.c: free text never holds a credential ---------------------- */

struct secrets_rules;
/*
 * Checks text a person typed (a note, an access entry, a handover text)
 * against the secret rules. Returns 0 when it holds nothing that looks
 * like a credential; -1 with *why set (translated, naming the kind of
 * secret and saying "store where it lives, not the key") when it does,
 * or when rules is NULL (nothing can be checked, so nothing is taken).
 */
int guard_text(const struct secrets_rules *rules, const char *text,
	    char **why);
/*
 * Checks every free text of a session (notes, owners, skip reasons, the
 * handover's texts, access list, decision, alert owners, inventory rows).
 * 0 when clean; -1 with *why naming the first field that holds one.
 */
int guard_session(const struct secrets_rules *rules, const struct session *,
	    char **why);

/* ---- inventory.c: the secret inventory -------------------------------- */

struct gitscan_report;
/*
 * Folds a finished secrets.worktree or secrets.history scan into the
 * session's secret inventory: one row per distinct fingerprint (the
 * publishable keys are left out). A new fingerprint gets a row (exposed,
 * or allowed with the ignore file's reason); a known one keeps its owner
 * and status, gains the new places; a rotated one found after its
 * rotation in a place not seen before (or in a commit made after it) is
 * exposed again with reappeared set. Rows a scan no longer finds stay.
 * Returns how many rows were added or flagged again.
 */
size_t inventory_sync(struct session *, const struct gitscan_report *,
	    time_t now);
/* The row of a fingerprint, or NULL. */
struct secret_row *inventory_find(struct session *, const char *fp);
/* Rows still to act on: exposed (including those flagged again). */
size_t inventory_open(const struct session *);
/*
 * Sets a row's status: ROTATED on when (now when 0); ALLOWED needs a
 * reason (-1 with *err without one); EXPOSED clears both.
 */
int inventory_set_status(struct secret_row *, enum secret_status,
	    time_t when, const char *reason, char **err);

/* ---- appendix.c: Part 2 of the handover, built from the results ------ */

#define APPENDIX_TARGET_MS	300	/* p95 target of a route */
#define APPENDIX_MAX_COLS	6
#define APPENDIX_RUNBOOKS	5

struct appendix_row {
	char	*cell[APPENDIX_MAX_COLS];
};

/* A table of ncols columns; rows own their cells. */
struct appendix_table {
	size_t			 ncols;
	struct appendix_row	*rows;
	size_t			 n;
};

/* A runbook: what to do, filled in with this client's names. */
struct runbook {
	const char	*key;		/* "certificate", "dns"... (JSON) */
	char		*title;
	struct strlist	 steps;
};

struct appendix {
	struct appendix_table	 dns;	/* name, type, target, TTL,
					   provider or CDN, purpose */
	struct strlist		 redirects; /* one sentence per entry URL */
	struct appendix_table	 certs;	/* host, issuer, expiry (date), days
					   left, renewal path */
	struct appendix_table	 routes;/* route, p50 ms, p95 ms, against the
					   target; slowest first */
	struct appendix_table	 cache;	/* route, kind, Cache-Control */
	struct appendix_table	 env;	/* variable, where it is used */
	struct runbook		 runbooks[APPENDIX_RUNBOOKS];
};

/*
 * Builds the appendices from the session's latest results (evidence
 * lines read by their shape; what does not fit stays in the full
 * evidence). Free with appendix_clear.
 */
void appendix_build(const struct session *, struct appendix *);
void appendix_clear(struct appendix *);

/* ---- handbook.c: the handover document's own parts ------------------- */

struct summary;
/* Appends the tool's verdict as one sentence (translated). */
void handbook_verdict(const struct summary *, struct buf *);
struct checklist;
/*
 * The end of a final QA pass: the verdict, then what changed against
 * before (the status of each checklist item, by index, when the pass
 * began): the checks fixed since and the new problems, named.
 */
void handbook_qa(const struct session *, const struct checklist *,
	    const enum status *before, struct buf *);

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
 * Adds one item to sum, with status st (the session's, or the wizard's
 * "running"): the one place that says what is settled, a finding of which
 * severity, a manual item still open, not run yet, or fixed.
 */
void summary_add(struct summary *, const struct item *,
	    const struct item_state *, enum status st);
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

/* ---- sprint.c: an open session and its checks ------------------------ */

/*
 * The sprint controller the wizard (and the tests) drive: it owns the
 * session while open (its lock, its saves), runs the checklist's checks
 * on the loop and records their results under sprint_policy. It never
 * draws: it tells its user through notify.
 */
struct sprint;
struct loop;

enum sprint_event {
	SPRINT_CHANGED,		/* the model changed (redraw) */
	SPRINT_RUNNING,		/* the number of checks in flight changed */
	SPRINT_MESSAGE,		/* text is news for the user */
	SPRINT_ERROR,		/* text is an error for the user */
};
/* text is NULL for SPRINT_CHANGED and SPRINT_RUNNING. */
typedef void (*sprint_notify_cb)(void *arg, enum sprint_event,
	    const char *text);

/*
 * The recording policy, for the wizard and `audit` alike: a failure takes
 * the checklist item's severity (item may be NULL: a check outside the
 * checklist); a warning without one is info; a pass, an error or a skip
 * has none.
 */
void sprint_policy(const struct item *, struct result *);
/*
 * Opens session s (takes ownership) for checklist cl (which must outlive
 * the sprint): takes its lock, sets up the audit on loop and saves. NULL
 * with *err set when the lock is held elsewhere (s is freed then). An
 * audit that cannot start (a bad resolver) is not an error here: see
 * sprint_audit_error.
 */
struct sprint *sprint_open(struct session *s, const struct checklist *cl,
	    struct loop *loop, sprint_notify_cb notify, void *arg, char **err);
/*
 * Saves, unlocks, then cancels running checks and frees everything.
 * Returns -1 (with *err set when err is not NULL) when the last save
 * failed: the changes since the last good save are lost.
 */
int sprint_close(struct sprint *, char **err);
struct session *sprint_session(struct sprint *);
const struct checklist *sprint_checklist(struct sprint *);
/* Saves now; -1 when it failed (the error is kept until a save works). */
int sprint_save(struct sprint *);
/* The last save's error ("NOT SAVED: ..."), or NULL when it worked. */
const char *sprint_save_error(struct sprint *);
/* The audit set-up error (bad resolver), or NULL. */
const char *sprint_audit_error(struct sprint *);
/* Remembers the selected stage and item i (checklist index; not saved
   until the next save). */
void sprint_select(struct sprint *, int stage, size_t i);
/* The index within the selected stage of the selected item (0: none). */
size_t sprint_selected(struct sprint *);
/* The state of checklist item i (never NULL). */
struct item_state *sprint_state(struct sprint *, size_t i);
/* The status shown for item i (running while its check runs). */
enum status sprint_status(struct sprint *, size_t i);
/* True when item i failed (or warned) at first and passes now. */
bool sprint_fixed(struct sprint *, size_t i);
/* The severity of item i's current finding (NONE when not a finding). */
enum severity sprint_severity(struct sprint *, size_t i);
/* Counts a stage's items (stage 0: all) as the summary does. */
void sprint_count(struct sprint *, int stage, struct summary *);
/* Records a result of item i's check under sprint_policy (not saved). */
void sprint_record(struct sprint *, size_t i, const struct result *);
/* Starts item i's check (a skip is taken back); -1 for a manual item. */
int sprint_run_item(struct sprint *, size_t i, char **err);
/* Starts a stage's checks; only those never run unless all. */
void sprint_run_stage(struct sprint *, int stage, bool all);
/* Starts every check (the final QA pass when final is set). */
void sprint_run_all(struct sprint *, bool final);
/* Number of checks in flight. */
size_t sprint_running(struct sprint *);
/* Marks manual item i done, or not done again; -1 for an automated one. */
int sprint_mark(struct sprint *, size_t i, char **err);
/* Skips item i for reason (-1 when there is none), or takes it back. */
int sprint_skip(struct sprint *, size_t i, const char *reason, char **err);
void sprint_unskip(struct sprint *, size_t i);
/*
 * Checks text a person typed against the secret rules (guard_text):
 * 0 when it may be kept; -1 with *why when it holds a credential.
 */
int sprint_guard(struct sprint *, const char *text, char **why);
/* How the last final QA pass ended (verdict, what changed), or NULL. */
const char *sprint_qa_text(struct sprint *);
/* Sets item i's owner or note (NULL or empty: none) and saves; text that
   holds a credential is refused (told as SPRINT_ERROR), nothing kept. */
void sprint_set_owner(struct sprint *, size_t i, const char *);
void sprint_set_note(struct sprint *, size_t i, const char *);
/*
 * The options given on the command line (given: OPTION_* bits of
 * struct cmdline) win over a resumed session's saved ones.
 */
void sprint_overrides(struct options *saved, const struct options *,
	    unsigned given);
/*
 * The file of the session name in dir: NAME, NAME.cfg, a path (with a
 * '/'), or NAME.cfg in the current directory; name NULL: the newest
 * session that can be read. Newly allocated, or NULL with *err set
 * ("no session named ..."). `resume` and `report` both use it.
 */
char *sprint_find(const char *dir, const struct checklist *,
	    const char *name, char **err);
/*
 * Writes the handover in format next to the session file; returns the
 * newly allocated path, or NULL with *err set.
 */
char *sprint_export(struct sprint *, enum format, char **err);

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
	COMMAND_DIFF,		/* diff A.json B.json */
	COMMAND_EXPORT,		/* export monitoring|ci NAME */
	COMMAND_HELP,
	COMMAND_VERSION,
	COMMAND_SCAN,		/* launchready scan: parsed by cmd-scan.c */
	COMMAND_HOOK		/* launchready hook: parsed by hook.c */
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
	char		*arg2;		/* diff: the second file; export: NAME */
	char		*baseline;	/* audit --baseline FILE */
	bool		 fail_on_new;	/* audit --fail-on-new */
	enum { CI_NONE, CI_GITHUB, CI_GITLAB } ci;	/* export ci */
	char		*targets;	/* audit --targets FILE */
	int		 jobs;		/* --jobs N audits at once (8) */
	int		 shard_k;	/* --shard K/N: 1..N; 0: no shard */
	int		 shard_n;
	int		 argc;		/* the words parsed (not owned): */
	char		**argv;		/* --targets applies them to each */
	unsigned	 given;		/* OPTION_* bits: options given */
	int		 rest_argc;	/* scan, hook: their own arguments */
	char		**rest_argv;	/* (argv[0] is the command) */
};

/* Which options the command line gave (for resume's overrides). */
#define OPTION_RESOLVERS	0x0001u
#define OPTION_PORT_MAP		0x0002u
#define OPTION_CACERT		0x0004u
#define OPTION_SUBDOMAINS	0x0008u
#define OPTION_DKIM		0x0010u
#define OPTION_REPO		0x0020u
#define OPTION_TIMEOUT		0x0040u
#define OPTION_LOGIN_URL	0x0080u
#define OPTION_HEALTH_URL	0x0100u
#define OPTION_API_URL		0x0200u
#define OPTION_EMAIL		0x0400u
#define OPTION_SENDER_IP	0x0800u
#define OPTION_ALLOW_ACTIVE	0x1000u

/*
 * Parses the command line. Returns 0, or EXIT_USAGE with *err set to a
 * message naming the bad argument. A DOMAIN argument is normalised.
 */
int cmdline_parse(struct cmdline *, int argc, char **argv, char **err);
void cmdline_clear(struct cmdline *);
/* The usage text (for --help). */
const char *cmdline_usage(void);
/* The usage of the commands used after the sprint (printed after it). */
const char *cmdline_usage_after(void);

/* cmd-audit.c: `launchready audit`; returns the exit status. */
int cmd_audit(struct cmdline *);
/* portfolio.c: `launchready audit --targets FILE` (argv: see cmdline). */
int portfolio_run(struct cmdline *, int argc, char **argv);
/* cmd-report.c: `launchready list` and `launchready report`. */
int cmd_list(struct cmdline *);
int cmd_report(struct cmdline *);
/* cmd-diff.c: `launchready diff A.json B.json`. */
int cmd_diff(struct cmdline *);
/* cmd-export.c: `launchready export monitoring|ci NAME`. */
int cmd_export(struct cmdline *);
/* cmd-scan.c: `launchready scan`; its usage text. */
int cmd_scan(struct cmdline *);
const char *cmd_scan_usage(void);
/* hook.c: `launchready hook install|uninstall`. */
int cmd_hook(struct cmdline *);

#endif
