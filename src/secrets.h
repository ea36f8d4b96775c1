/*
 * secrets.h: the secret scanner. Rules loaded from data/secret-rules.cfg,
 * a literal keyword pre-filter (Aho-Corasick on lower-cased bytes), PCRE2
 * patterns (JIT) run only on the lines where a rule's keyword occurs, an
 * entropy floor and placeholder suppression, and redaction: a finding
 * carries a preview of at most the first 4 characters and a fingerprint
 * (the first 16 hex digits of the SHA-256 of the value), never the value.
 *
 * Reuse (http.frontend-secrets): get the audit's rules with
 * secrets_rules_of(audit, &why) and call secrets_scan_buffer() on each
 * body; free the findings with secrets_findings_free(). Rules are
 * immutable once loaded and can be shared by threads; a struct
 * secrets_scanner belongs to one thread.
 */
#ifndef SECRETS_H
#define SECRETS_H

#include "engine.h"

#define SECRETS_PREVIEW_CHARS	4
#define SECRETS_FP_HEX		16
#define SECRETS_RULES_FILE	"secret-rules.cfg"

struct secrets_rules;
struct secrets_scanner;

/* One finding in a buffer. Holds no part of the value but the preview. */
struct secrets_finding {
	const char	*rule;		/* rule id, owned by the rules */
	const char	*title;		/* rule title, owned by the rules */
	enum severity	 severity;	/* of the rule */
	bool		 publishable;	/* a public key: info, not a leak */
	size_t		 line;		/* 1-based, in the buffer */
	size_t		 column;	/* 1-based byte column */
	char		 preview[24];	/* first <= 4 characters then "…" */
	char		 fingerprint[SECRETS_FP_HEX + 1];
	bool		 allowed;	/* inline launchready:allow on the line */
	char		 kind[64];	/* key kind, "OpenSSH private key
					   (ed25519)"; "" for other rules */
};

/*
 * Loads the rules from path (NULL: data_path(SECRETS_RULES_FILE)) and
 * compiles their patterns (JIT when available). NULL with *err set to
 * "FILE:LINE: message" when the file or a pattern is bad.
 */
struct secrets_rules *secrets_rules_load(const char *path, char **err);
/* The same from a parsed file (data.c's parser of secret-rules.cfg). */
struct secrets_rules *secrets_rules_config(struct config_t *,
	    const char *where, char **err);
/* Like secrets_rules_load() from text in memory (tests, fuzzing). */
struct secrets_rules *secrets_rules_parse(const char *text, char **err);
void secrets_rules_free(struct secrets_rules *);
/*
 * The rules of an audit (data_get(audit, DATA_SECRET_RULES)): loaded on
 * first use and shared by its engines (the secrets.* checks,
 * http.frontend-secrets, http.error-leak); freed with the audit. NULL with
 * *why ("FILE:LINE: message") when they cannot be loaded.
 */
const struct secrets_rules *secrets_rules_of(struct audit *, const char **why);
size_t secrets_rules_count(const struct secrets_rules *);
/* True when the JIT compiled every pattern. */
bool secrets_rules_jit(const struct secrets_rules *);

/* Per-thread matching state for rules (which must outlive it). */
struct secrets_scanner *secrets_scanner_new(const struct secrets_rules *);
void secrets_scanner_free(struct secrets_scanner *);

/*
 * Called for each finding. path is the name given to the scan (may be
 * NULL); the finding is valid only during the call.
 */
typedef void (*secrets_found_cb)(void *arg,
	    const struct secrets_finding *);

/*
 * Scans len bytes of buf (any bytes, NUL included). path, when given,
 * lets rules that exclude paths (lock files) skip it. Findings come in
 * buffer order per line. Returns the number of findings.
 */
size_t secrets_scan(struct secrets_scanner *, const char *path,
	    const char *buf, size_t len, secrets_found_cb, void *arg);

/*
 * One-call form for other engines: scans buf with rules and returns a
 * newly allocated array of findings in *out (NULL when none); the count
 * is returned. Free with secrets_findings_free().
 */
size_t secrets_scan_buffer(const struct secrets_rules *, const char *path,
	    const char *buf, size_t len, struct secrets_finding **out);
void secrets_findings_free(struct secrets_finding *);

/* Shannon entropy of s in bits per byte. */
double secrets_entropy(const char *s, size_t len);
/* True when value looks like a placeholder ("YOUR_KEY_HERE", "${X}"...). */
bool secrets_placeholder(const char *value, size_t len);
/* Writes the fingerprint (SECRETS_FP_HEX hex digits and a NUL) of value. */
void secrets_fingerprint(const char *value, size_t len,
	    char out[SECRETS_FP_HEX + 1]);
/* Writes the redacted preview of value into out (at least 24 bytes). */
void secrets_preview(const char *value, size_t len, char *out,
	    size_t outlen);

/* ---- keys.c: what kind of private key a finding is ------------------- */

/*
 * Describes the private key in match (the whole match: its BEGIN line or
 * PuTTY header) whose encoded body is body, e.g. "OpenSSH private key
 * (ed25519)". False when match is not a key this knows.
 */
bool keys_describe(const char *match, size_t len, const char *body,
	    size_t blen, char *out, size_t outlen);
/* True when a binary buffer may be a PKCS#12 store (worth a scan). */
bool keys_binary_candidate(const char *buf, size_t len);
/*
 * True when buf is a whole PKCS#12 store (by its ASN.1 structure) whose
 * MAC verifies with no password or a shipped default one ("notasecret",
 * "changeit", "password"): its key is readable by anyone. out gets the
 * kind, e.g. "PKCS#12 key store (RSA 2048, no password)".
 */
bool keys_pkcs12(const char *buf, size_t len, char *out, size_t outlen);

/* ---- gitscan.c: the repository walks, on the worker thread ----------- */

enum gitscan_kind {
	GITSCAN_WORKTREE,	/* tracked + untracked-not-ignored files */
	GITSCAN_HISTORY,	/* added lines of every commit on every ref */
	GITSCAN_ENVFILES,	/* tracked .env files, .gitignore coverage */
	GITSCAN_INVENTORY,	/* environment variable names in use */
	GITSCAN_STAGED,		/* added lines of `git diff --cached` */
	GITSCAN_RANGE		/* added lines of each commit of BASE..HEAD */
};

/* One finding of a repository scan (strings owned by the report). */
struct gitscan_finding {
	struct secrets_finding	 f;
	char			*path;
	char			*commit;	/* history: full hash */
	time_t			 date;		/* history: author date */
	char			*allow_reason;	/* NULL unless allowed */
};

/* An environment variable name and where it appears. */
struct gitscan_var {
	char		*name;
	struct strlist	 envs;		/* "production", "example", "code" */
	char		*first_path;	/* first file mentioning it */
};

/* Progress, updated by the worker while it runs. */
struct gitscan_progress {
	uint64_t	files;
	uint64_t	bytes;
	uint64_t	commits;
};

/* What a scan found; read only after the done callback ran. */
struct gitscan_report {
	bool			 is_git;
	char			*error;		/* set when the scan failed */
	struct gitscan_finding	*findings;
	size_t			 nfindings;
	struct gitscan_progress	 progress;	/* final counts */
	uint64_t		 skipped_binary;
	uint64_t		 skipped_large;
	uint64_t		 skipped_symlink;
	uint64_t		 skipped_special; /* FIFO, device, socket */
	/* Not covered: a pass is not possible when any is non-zero. */
	uint64_t		 skipped_denied;  /* permission, I/O error */
	uint64_t		 skipped_deep;	  /* directories past the depth */
	uint64_t		 skipped_many;	  /* files past the count */
	bool			 bare;		  /* a bare repository */
	bool			 vars_capped;	  /* inventory: more names */
	char			*ignore_error;	  /* .launchreadyignore refused */
	/* env-files */
	struct strlist		 env_tracked;	/* tracked .env with values */
	struct strlist		 env_templates;	/* tracked templates, fine */
	struct strlist		 env_template_secrets; /* templates w/ secrets */
	bool			 env_ignored;	/* .gitignore covers .env */
	/* inventory */
	struct gitscan_var	*vars;
	size_t			 nvars;
};

#define GITSCAN_MAX_FILE	(8u * 1024 * 1024)	/* larger: skipped */
#define GITSCAN_MAX_DEPTH	64	/* deeper directories: not walked */
#define GITSCAN_MAX_FILES	1000000	/* more files: not scanned */
#define GITSCAN_MAX_VARS	500	/* inventory names kept */
/* Most address space of the git child (bytes). */
#define GITSCAN_GIT_MEMORY	(1024ull * 1024 * 1024)

struct gitscan;

/*
 * Starts a scan of repo on a worker thread. progress_cb (may be NULL) is
 * called from the loop as the worker reports; done_cb is called from the
 * loop exactly once when the scan ends (not after gitscan_cancel()).
 * rules must outlive the scan.
 */
struct gitscan *gitscan_start(struct loop *, enum gitscan_kind,
	    const char *repo, const struct secrets_rules *,
	    void (*progress_cb)(void *, const struct gitscan_progress *),
	    void (*done_cb)(void *, struct gitscan_report *), void *arg);
/*
 * Like gitscan_start() with a revision range for GITSCAN_RANGE
 * ("BASE..HEAD"; the caller checks it is not an option).
 */
struct gitscan *gitscan_start_range(struct loop *, enum gitscan_kind,
	    const char *repo, const char *range, const struct secrets_rules *,
	    void (*progress_cb)(void *, const struct gitscan_progress *),
	    void (*done_cb)(void *, struct gitscan_report *), void *arg);
/* Stops the worker (killing git if running) and waits for it; no
   callback runs afterwards. */
void gitscan_cancel(struct gitscan *);
/* Frees the scan (cancelling it if still running) and its report. */
void gitscan_free(struct gitscan *);
/* The latest progress (safe from the loop while running). */
void gitscan_get_progress(struct gitscan *, struct gitscan_progress *);

void gitscan_report_free(struct gitscan_report *);

/*
 * sarif.c: appends a SARIF 2.1.0 log of the findings of nreps reports,
 * report i under the check (or scope) id ids[i]; repo, when given, is
 * the %SRCROOT% of the paths. (`audit --format sarif`, `scan`.)
 */
void sarif_write_reports(struct buf *, const struct gitscan_report **reps,
	    const char **ids, size_t nreps, const char *repo);

/* ---- check-secrets.c ---------------------------------------------------- */

/* The report behind a finished secrets.* run, or NULL (SARIF output). */
const struct gitscan_report *check_secrets_report(const struct check_run *);
/* Progress of a running secrets.worktree/history run (for the UI);
   false when run is not a running scan. */
bool check_secrets_progress(const struct check_run *,
	    struct gitscan_progress *);

#endif
