/* check-secrets.c: the secrets.* checks, scanning on a worker thread. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secrets.h"

/* One secrets.* run. */
struct check_secrets_state {
	enum gitscan_kind	 kind;
	struct gitscan		*gs;
	struct gitscan_report	*report;	/* once done, owned by gs */
	struct check_run	*run;
};

const struct secrets_rules *
secrets_rules_of(struct audit *audit, const char **why)
{
	return data_get(audit, DATA_SECRET_RULES, why);
}

/* Human size: "12.3 MB". */
static char *
check_secrets_size(uint64_t bytes)
{
	if (bytes >= 1024 * 1024)
		return xprintf("%.1f MB", (double)bytes / (1024.0 * 1024.0));
	if (bytes >= 1024)
		return xprintf("%.1f kB", (double)bytes / 1024.0);
	return xprintf("%llu B", (unsigned long long)bytes);
}

/* The worker's progress: shown as the running summary. */
static void
check_secrets_progress_cb(void *arg, const struct gitscan_progress *p)
{
	struct check_secrets_state	*st = arg;
	char				*size = check_secrets_size(p->bytes);

	if (st->kind == GITSCAN_HISTORY)
		result_set(&st->run->result, STATUS_RUNNING, SEVERITY_NONE,
		    _("scanning: %llu commits, %llu files, %s"),
		    (unsigned long long)p->commits,
		    (unsigned long long)p->files, size);
	else
		result_set(&st->run->result, STATUS_RUNNING, SEVERITY_NONE,
		    _("scanning: %llu files, %s"),
		    (unsigned long long)p->files, size);
	free(size);
}

/* What was skipped, for the summary ("" when nothing). */
static char *
check_secrets_skipped(const struct gitscan_report *rep)
{
	if (rep->skipped_binary + rep->skipped_large +
	    rep->skipped_symlink + rep->skipped_special == 0)
		return xstrdup("");
	if (rep->skipped_special == 0)
		return xprintf(_("; skipped %llu binary, %llu over %u MB, "
		    "%llu symbolic links"),
		    (unsigned long long)rep->skipped_binary,
		    (unsigned long long)rep->skipped_large,
		    GITSCAN_MAX_FILE / (1024 * 1024),
		    (unsigned long long)rep->skipped_symlink);
	return xprintf(_("; skipped %llu binary, %llu over %u MB, %llu "
	    "symbolic links, %llu FIFOs or devices"),
	    (unsigned long long)rep->skipped_binary,
	    (unsigned long long)rep->skipped_large,
	    GITSCAN_MAX_FILE / (1024 * 1024),
	    (unsigned long long)rep->skipped_symlink,
	    (unsigned long long)rep->skipped_special);
}

/*
 * What the scan could not cover, as evidence lines; true when anything
 * (then the check cannot pass).
 */
static bool
check_secrets_uncovered(struct result *r, const struct gitscan_report *rep)
{
	if (rep->ignore_error != NULL)
		result_evidence(r, _(".launchreadyignore was not read (%s): "
		    "nothing is allowed by it"), rep->ignore_error);
	if (rep->skipped_deep > 0)
		result_evidence(r, ngettext("not scanned: %llu directory "
		    "deeper than %d levels", "not scanned: %llu directories "
		    "deeper than %d levels", rep->skipped_deep),
		    (unsigned long long)rep->skipped_deep, GITSCAN_MAX_DEPTH);
	if (rep->skipped_many > 0)
		result_evidence(r, ngettext("not scanned: %llu file past the "
		    "limit of %d files", "not scanned: %llu files past the "
		    "limit of %d files", rep->skipped_many),
		    (unsigned long long)rep->skipped_many, GITSCAN_MAX_FILES);
	if (rep->skipped_denied > 0)
		result_evidence(r, ngettext("not scanned: %llu file or "
		    "directory that could not be read (permission denied or "
		    "I/O error)", "not scanned: %llu files or directories "
		    "that could not be read (permission denied or I/O error)",
		    rep->skipped_denied),
		    (unsigned long long)rep->skipped_denied);
	return rep->skipped_deep + rep->skipped_many +
	    rep->skipped_denied > 0;
}

/* Adds one evidence line for a finding. Never the value: preview only. */
static void
check_secrets_evidence(struct result *r, const struct gitscan_finding *g)
{
	char	 where[64] = "";
	char	 date[32];
	char	 kind[80] = "";

	if (g->commit != NULL) {
		strftime(date, sizeof date, "%Y-%m-%d", gmtime(&g->date));
		snprintf(where, sizeof where, _(" first in commit %.12s (%s)"),
		    g->commit, date);
	}
	/* The key's kind where known, after the fingerprint. */
	if (g->f.kind[0] != '\0')
		snprintf(kind, sizeof kind, " (%s)", g->f.kind);
	if (g->f.allowed)
		result_evidence(r, _("allowed (%s): %s %s:%zu %s fp:%s%s%s"),
		    g->allow_reason != NULL ? g->allow_reason : "",
		    g->f.rule, g->path, g->f.line, g->f.preview,
		    g->f.fingerprint, where, kind);
	else
		result_evidence(r, "%s %s %s:%zu %s fp:%s%s%s",
		    g->f.publishable ? _("info (publishable)") :
		    severity_name(g->f.severity), g->f.rule, g->path,
		    g->f.line, g->f.preview, g->f.fingerprint, where, kind);
}

/* Builds the result of a worktree or history scan. */
static void
check_secrets_findings(struct check_run *run, struct gitscan_report *rep)
{
	struct result	*r = &run->result;
	size_t		 i, live = 0, allowed = 0, pub = 0;
	struct strlist	 files = { 0 };
	char		*size, *skipped;
	bool		 history = run->def->id[8] == 'h';
	bool		 uncovered;

	for (i = 0; i < rep->nfindings; i++) {
		const struct gitscan_finding *g = &rep->findings[i];

		if (g->f.allowed)
			allowed++;
		else if (g->f.publishable)
			pub++;
		else {
			live++;
			if (!strlist_has(&files, g->path))
				strlist_add(&files, g->path);
		}
	}
	/* Live secrets first, then publishable, then allowed. */
	for (i = 0; i < rep->nfindings; i++) {
		if (!rep->findings[i].f.allowed &&
		    !rep->findings[i].f.publishable)
			check_secrets_evidence(r, &rep->findings[i]);
	}
	for (i = 0; i < rep->nfindings; i++) {
		if (!rep->findings[i].f.allowed &&
		    rep->findings[i].f.publishable)
			check_secrets_evidence(r, &rep->findings[i]);
	}
	for (i = 0; i < rep->nfindings; i++) {
		if (rep->findings[i].f.allowed)
			check_secrets_evidence(r, &rep->findings[i]);
	}
	size = check_secrets_size(rep->progress.bytes);
	skipped = check_secrets_skipped(rep);
	uncovered = check_secrets_uncovered(r, rep);
	if (live > 0 && history) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    ngettext("%zu secret in the history of %llu commits (%zu "
		    "allowed, %zu publishable): deleting a secret from HEAD "
		    "does not un-leak it, rotate it", "%zu secrets in the "
		    "history of %llu commits (%zu allowed, %zu publishable): "
		    "deleting a secret from HEAD does not un-leak it, rotate "
		    "it", live), live,
		    (unsigned long long)rep->progress.commits, allowed, pub);
		result_set_fix(r, "%s", _("Rotate every secret listed at its "
		    "provider first; then rewrite history only if you must. "
		    "Allow a false positive by adding its fingerprint and a "
		    "reason to .launchreadyignore."));
	} else if (live > 0) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    ngettext("%zu secret in %zu files (%zu allowed, %zu "
		    "publishable); %llu files, %s scanned%s", "%zu secrets in "
		    "%zu files (%zu allowed, %zu publishable); %llu files, %s "
		    "scanned%s", live), live, files.n, allowed, pub,
		    (unsigned long long)rep->progress.files, size, skipped);
		result_set_fix(r, "%s", _("Rotate each secret at its provider, "
		    "move it to the deployment's environment or secret store, "
		    "and remove it from the files. Allow a false positive by "
		    "its fingerprint in .launchreadyignore or an inline "
		    "launchready:allow comment."));
	} else if (uncovered) {
		result_set(r, STATUS_WARN, SEVERITY_HIGH,
		    _("no secret in the %llu files scanned, %s, but part of "
		    "the tree could not be scanned (see below)%s"),
		    (unsigned long long)rep->progress.files, size, skipped);
		result_set_fix(r, "%s", _("Scan a tree you can read whole: "
		    "fix the permissions, or give the repository's own folder "
		    "rather than a parent or the root."));
	} else if (history) {
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("no secret in the added lines of %llu commits on every "
		    "ref (%zu allowed, %zu publishable)%s"),
		    (unsigned long long)rep->progress.commits, allowed, pub,
		    skipped);
	} else {
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("no secret in %llu files, %s (%zu allowed, %zu "
		    "publishable)%s"), (unsigned long long)rep->progress.files,
		    size, allowed, pub, skipped);
	}
	strlist_clear(&files);
	free(size);
	free(skipped);
}

/* Builds the result of secrets.env-files. */
static void
check_secrets_envfiles(struct check_run *run, struct gitscan_report *rep)
{
	struct result	*r = &run->result;
	size_t		 i;

	for (i = 0; i < rep->env_tracked.n; i++)
		result_evidence(r, _("tracked with values: %s"),
		    rep->env_tracked.v[i]);
	for (i = 0; i < rep->env_template_secrets.n; i++)
		result_evidence(r, _("template holding a secret: %s"),
		    rep->env_template_secrets.v[i]);
	for (i = 0; i < rep->env_templates.n; i++)
		result_evidence(r, _("template, fine: %s"),
		    rep->env_templates.v[i]);
	result_evidence(r, rep->env_ignored ? _(".gitignore covers .env") :
	    _(".gitignore does not cover .env"));
	if (rep->env_tracked.n + rep->env_template_secrets.n > 0) {
		result_set(r, STATUS_FAIL, SEVERITY_CRITICAL,
		    ngettext("%zu tracked .env file holds values",
		    "%zu tracked .env files hold values", rep->env_tracked.n +
		    rep->env_template_secrets.n),
		    rep->env_tracked.n + rep->env_template_secrets.n);
		result_set_fix(r, "%s", _("git rm --cached the .env file, add "
		    ".env to .gitignore, rotate the values it held, and keep "
		    "only a .env.example with empty values in the "
		    "repository."));
	} else if (!rep->env_ignored) {
		result_set(r, STATUS_WARN, SEVERITY_MEDIUM, "%s",
		    _(".env is not in .gitignore: the next `git add .` may "
		    "commit it"));
		result_set_fix(r, "%s", _("Add the line .env (and .env.*, "
		    "then !.env.example) to .gitignore."));
	} else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    ngettext("no .env file with values is tracked; .gitignore "
		    "covers .env (%zu template)", "no .env file with values is "
		    "tracked; .gitignore covers .env (%zu templates)",
		    rep->env_templates.n), rep->env_templates.n);
}

/* Builds the inventory: names and environments, never values. */
static void
check_secrets_inventory(struct check_run *run, struct gitscan_report *rep)
{
	struct result	*r = &run->result;
	size_t		 i;
	char		*envs;

	for (i = 0; i < rep->nvars; i++) {
		envs = strlist_join(&rep->vars[i].envs, ", ");
		result_evidence(r, "%s: %s", rep->vars[i].name, envs);
		free(envs);
	}
	check_secrets_uncovered(r, rep);
	if (rep->vars_capped)
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("%zu environment variables in use (names only) across "
		    "%llu files; more were found, only the first %d (by file "
		    "order) are listed"), rep->nvars,
		    (unsigned long long)rep->progress.files, GITSCAN_MAX_VARS);
	else
		result_set(r, STATUS_PASS, SEVERITY_NONE,
		    _("%zu environment variables in use (names only) across "
		    "%llu files"), rep->nvars,
		    (unsigned long long)rep->progress.files);
}

/* The worker finished. */
static void
check_secrets_done_cb(void *arg, struct gitscan_report *rep)
{
	struct check_secrets_state	*st = arg;
	struct check_run		*run = st->run;

	st->report = rep;
	if (rep->error != NULL) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    rep->error);
		check_finish(run);
		return;
	}
	switch (st->kind) {
	case GITSCAN_WORKTREE:
	case GITSCAN_HISTORY:
	case GITSCAN_STAGED:	/* `launchready scan`, not a check */
	case GITSCAN_RANGE:
		check_secrets_findings(run, rep);
		break;
	case GITSCAN_ENVFILES:
		check_secrets_envfiles(run, rep);
		break;
	case GITSCAN_INVENTORY:
		check_secrets_inventory(run, rep);
		break;
	}
	check_finish(run);
}

/* Starts a scan of kind for run. */
static void
check_secrets_start(struct check_run *run, enum gitscan_kind kind)
{
	struct check_secrets_state	*st;
	const struct secrets_rules	*rules;
	const char			*why;
	const char			*repo = run->audit->opt->repo;

	if (repo == NULL || *repo == '\0') {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("no repository given (--repo DIR)"));
		check_finish(run);
		return;
	}
	if ((rules = secrets_rules_of(run->audit, &why)) == NULL) {
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("the secret rules cannot be loaded: %s"), why);
		check_finish(run);
		return;
	}
	st = xcalloc(1, sizeof *st);
	st->kind = kind;
	st->run = run;
	run->state = st;
	st->gs = gitscan_start(run->audit->loop, kind, repo, rules,
	    check_secrets_progress_cb, check_secrets_done_cb, st);
}

static void
check_secrets_start_worktree(struct check_run *run)
{
	check_secrets_start(run, GITSCAN_WORKTREE);
}

static void
check_secrets_start_history(struct check_run *run)
{
	check_secrets_start(run, GITSCAN_HISTORY);
}

static void
check_secrets_start_envfiles(struct check_run *run)
{
	check_secrets_start(run, GITSCAN_ENVFILES);
}

static void
check_secrets_start_inventory(struct check_run *run)
{
	check_secrets_start(run, GITSCAN_INVENTORY);
}

/* Stops the worker; no callback follows. */
static void
check_secrets_cancel(struct check_run *run)
{
	struct check_secrets_state	*st = run->state;

	if (st != NULL)
		gitscan_cancel(st->gs);
}

static void
check_secrets_free(struct check_run *run)
{
	struct check_secrets_state	*st = run->state;

	if (st == NULL)
		return;
	gitscan_free(st->gs);
	free(st);
	run->state = NULL;
}

const struct gitscan_report *
check_secrets_report(const struct check_run *run)
{
	const struct check_secrets_state	*st;

	if (run == NULL || strncmp(run->def->id, "secrets.", 8) != 0 ||
	    !run->finished || run->state == NULL)
		return NULL;
	st = run->state;
	return st->report;
}

bool
check_secrets_progress(const struct check_run *run,
    struct gitscan_progress *p)
{
	const struct check_secrets_state	*st;

	if (run == NULL || strncmp(run->def->id, "secrets.", 8) != 0 ||
	    run->finished || run->state == NULL)
		return false;
	st = run->state;
	gitscan_get_progress(st->gs, p);
	return true;
}

static const struct check_def check_secrets_worktree = {
	.id = "secrets.worktree",
	.start = check_secrets_start_worktree,
	.cancel = check_secrets_cancel,
	.free = check_secrets_free,
};

static const struct check_def check_secrets_history = {
	.id = "secrets.history",
	.start = check_secrets_start_history,
	.cancel = check_secrets_cancel,
	.free = check_secrets_free,
};

static const struct check_def check_secrets_env_files = {
	.id = "secrets.env-files",
	.start = check_secrets_start_envfiles,
	.cancel = check_secrets_cancel,
	.free = check_secrets_free,
};

static const struct check_def check_secrets_inventory_def = {
	.id = "secrets.inventory",
	.start = check_secrets_start_inventory,
	.cancel = check_secrets_cancel,
	.free = check_secrets_free,
};

const struct check_def *const check_secrets_defs[] = {
	&check_secrets_worktree,
	&check_secrets_history,
	&check_secrets_env_files,
	&check_secrets_inventory_def,
	NULL
};
