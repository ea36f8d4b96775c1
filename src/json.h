/*
 * json.h: reading JSON (the audit's own output read back: baselines,
 * portfolios) and comparing two audits (baseline.c).
 */
#ifndef JSON_H
#define JSON_H

#include "launchready.h"

/* ---- json.c: a small bounded reader ----------------------------------- */

#define JSON_MAX_SIZE	(16 << 20)	/* bytes of input */
#define JSON_MAX_DEPTH	32		/* nested arrays and objects */
#define JSON_MAX_NODES	500000		/* values in one document */
#define JSON_MAX_STRING	(1 << 20)	/* bytes of one string */

enum json_type {
	JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
};

struct json {
	enum json_type	  type;
	char		 *key;	/* member name inside an object, else NULL */
	char		 *str;	/* JSON_STRING: the value, UTF-8, no NUL */
	double		  num;	/* JSON_NUMBER */
	bool		  b;	/* JSON_BOOL */
	struct json	**v;	/* JSON_ARRAY, JSON_OBJECT: the members */
	size_t		  n;
};

/*
 * Parses one JSON text of len bytes (need not be NUL-terminated). Returns
 * a tree the caller frees with json_free, or NULL with *err "line N: what"
 * when the text is not JSON or passes a bound above.
 */
struct json *json_parse(const char *, size_t len, char **err);
void json_free(struct json *);
/* The member key of an object; NULL when absent or j is not an object. */
const struct json *json_get(const struct json *, const char *key);
/* The member key when it is a string, else NULL. */
const char *json_get_string(const struct json *, const char *key);

/* ---- baseline.c: what changed between two audits ---------------------- */

/* id, name in JSON, label shown (translated) */
#define CHANGE_TABLE(X)						\
	X(NEW,       "new",       N_("new"))			\
	X(FIXED,     "fixed",     N_("fixed"))			\
	X(REGRESSED, "regressed", N_("regressed"))		\
	X(UNCHANGED, "unchanged", N_("unchanged"))

enum change {
#define X(id, name, label) CHANGE_##id,
	CHANGE_TABLE(X)
#undef X
	CHANGE_COUNT
};

const char *change_name(enum change);
const char *change_label(enum change);

#define BASELINE_MAX_CHECKS	2000	/* checks in one audit read back */

/* One check of an audit, as the comparison needs it. */
struct baseline_check {
	char		*id;
	char		*title;
	enum status	 status;
	enum severity	 severity;
};

/* An audit's checks: read from its JSON, or taken from a run. */
struct baseline {
	char			*path;		/* file read, or NULL */
	char			*domain;
	char			*started;	/* ISO time as written */
	struct baseline_check	*checks;
	size_t			 n;
};

/*
 * Reads an audit written by `launchready audit --format json` (at most
 * JSON_MAX_SIZE). NULL with *err "PATH: what is wrong" when the file
 * cannot be read, is not JSON, or is not an audit.
 */
struct baseline *baseline_load(const char *path, char **err);
/* The same from bytes; name is used in messages. */
struct baseline *baseline_parse(const char *, size_t, const char *name,
	    char **err);
/* An empty audit of domain, to fill with baseline_add. */
struct baseline *baseline_new(const char *domain, const char *started);
void baseline_add(struct baseline *, const char *id, const char *title,
	    enum status, enum severity);
void baseline_free(struct baseline *);

/* One check of the later audit against the earlier. */
struct change_entry {
	const struct baseline_check	*before;	/* NULL: not there */
	const struct baseline_check	*after;
	enum change			 change;
};

struct comparison {
	const struct baseline	*before;
	const struct baseline	*after;
	struct change_entry	*v;		/* in the later audit's order */
	size_t			 n;
	size_t			 counts[CHANGE_COUNT];
};

/*
 * Compares after with before, check by check: new (not in before), fixed
 * (a warn or fail before, pass now), regressed (a finding now that was
 * not one, or a finding now more serious: warn to fail, a higher
 * severity), else unchanged. A check that could not decide (error) on
 * either side is unchanged: nothing is known to have moved. Pointers
 * point into before and after, which must outlive the comparison.
 */
void baseline_compare(const struct baseline *before,
	    const struct baseline *after, struct comparison *);
void comparison_clear(struct comparison *);
/* The change of check id; CHANGE_NEW when the comparison lacks it. */
enum change comparison_change(const struct comparison *, const char *id);
/*
 * True when a check that is new or regressed is now a finding at or
 * above sev (what --fail-on-new fails on).
 */
bool comparison_fails(const struct comparison *, enum severity sev);
/*
 * Text: one line per check that moved, the count of those that did not,
 * and last the line "since the baseline: N regressed, M fixed".
 */
void comparison_text(const struct comparison *, struct buf *);
/*
 * JSON: the object {"file", "started", "regressed", "fixed", "new",
 * "unchanged", "checks": [{"id", "change", "before", "after"}...]}.
 */
void comparison_json(const struct comparison *, struct buf *);

#endif
