/*
 * app.h: the application checks — does the product work for a buyer?
 * smoke.c reads and runs the smoke plan of SPEC.md ("The smoke plan");
 * check-app.c holds the checks built on it and on the web engine
 * (app.smoke, perf.cold-start, mon.request-id, app.api-target).
 *
 * Secrets: the values of the plan's secret variables and of every value a
 * step captures never leave this module unredacted. Evidence lines are
 * passed through smoke_redact before they reach a result.
 */
#ifndef APP_H
#define APP_H

#include "engine.h"

#define SMOKE_MAX_STEPS		50
#define SMOKE_MAX_SECRETS	32
#define SMOKE_MAX_EXPECT	16
#define SMOKE_MAX_HOPS		10		/* redirects followed per step */
#define SMOKE_BODY_MAX		(2 * 1024 * 1024)
#define SMOKE_SHOW_BODY		200		/* body bytes in the evidence */
#define SMOKE_PLAN_MAX		(1024 * 1024)	/* bytes of plan file */

/* One step of the plan, as written (templates not yet expanded). */
struct smoke_step {
	char		*name;
	char		*method;	/* upper case; GET, or POST with a body */
	char		*url;		/* template */
	struct strlist	 headers;	/* templates "Name: value" */
	char		*body;		/* template or NULL */
	long		 expect[SMOKE_MAX_EXPECT];	/* none: any 2xx */
	size_t		 nexpect;
	char		*expect_json;	/* dotted path that must exist */
	char		*expect_text;	/* substring of the body */
	struct strlist	 capture_names;	/* ${NAME} set by this step */
	struct strlist	 capture_paths;	/* dotted JSON paths, same order */
	long		 max_ms;	/* 0: no bound but the audit's */
	int		 line;		/* in the plan file */
};

struct smoke_plan {
	char			*path;
	struct strlist		 secrets;	/* environment variable names */
	struct smoke_step	*steps;
	size_t			 nsteps;
};

/*
 * Reads the plan at path. NULL with *err "PATH:LINE: what is wrong" when
 * the file cannot be read, does not parse, or a step is malformed (missing
 * name or url, a status out of range, a ${NAME} that is neither a secret
 * nor captured by an earlier step...). Nothing runs before this passes.
 */
struct smoke_plan *smoke_load(const char *path, char **err);
/* The same from text; name is used in messages. */
struct smoke_plan *smoke_parse(const char *text, const char *name,
	    char **err);
void smoke_free(struct smoke_plan *);
/* Loads and frees the plan: -1 with *err as smoke_load (for --smoke). */
int smoke_check_file(const char *path, char **err);

/* Variables a plan's templates use: secrets from the environment, then
   values captured by steps. Every value is a secret. */
struct smoke_vars {
	struct strlist	 names;
	struct strlist	 values;
};

/*
 * Takes the plan's secret variables from the environment. -1 with *err
 * naming the first variable that is not set (no value is ever printed).
 */
int smoke_vars_from_env(const struct smoke_plan *, struct smoke_vars *,
	    char **err);
void smoke_vars_set(struct smoke_vars *, const char *name,
	    const char *value);
void smoke_vars_clear(struct smoke_vars *);
/*
 * Expands every ${NAME} of tmpl. NULL with *err naming the variable when
 * one is unknown ("$" not followed by "{" is kept as it is).
 */
char *smoke_expand(const char *tmpl, const struct smoke_vars *, char **err);
/*
 * A copy of len bytes of text fit for evidence: every variable's value
 * (as it is, JSON-escaped and percent-encoded) replaced by ${NAME}, control
 * characters and invalid UTF-8 shown escaped, on one line.
 */
char *smoke_redact(const char *text, size_t len, const struct smoke_vars *);

/*
 * The value at a dotted path ("token", "data.user.id", "items.0") of a
 * JSON text: 0 with *out newly allocated (strings as they are, numbers,
 * booleans and null as written, objects and arrays as "{…}"/"[…]"), or -1
 * when the text is not JSON or the path does not exist.
 */
int smoke_json_path(const char *json, size_t len, const char *path,
	    char **out);

/* check-app.c's checks (lighthouse.c's among them). */
extern const struct check_def *const check_app_defs[];
extern const struct check_def check_lighthouse_def;

#endif
