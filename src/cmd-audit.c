/* cmd-audit.c: `launchready audit DOMAIN`, the checks with no terminal UI. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "json.h"

/* One audit being run from the command line. */
struct cmd_audit {
	struct cmdline		*cl;
	struct checklist	*checklist;
	struct audit		*audit;
	struct check_run	**runs;		/* in catalogue order */
	size_t			 nruns;
	time_t			 started;
	time_t			 finished;
	struct baseline		*before;	/* --baseline, or NULL */
	struct baseline		*after;		/* this audit, to compare */
	struct comparison	 cmp;
};

/* A run finished; stop the loop when all have. */
static void
cmd_audit_done(struct check_run *run, void *arg)
{
	struct cmd_audit	*ca = arg;
	const struct item	*item;

	/* The checklist sets the severity of a failure. */
	item = checklist_item(ca->checklist, run->def->id);
	if (item != NULL && run->result.status == STATUS_FAIL)
		run->result.severity = item->severity;
	if (ca->audit->running == 0)
		loop_break(ca->audit->loop);
}

/* The title of a check: the checklist's, else its id. */
static const char *
cmd_audit_title(struct cmd_audit *ca, const char *id)
{
	const struct item	*item = checklist_item(ca->checklist, id);

	return item != NULL ? item->title : id;
}

static int
cmd_audit_stage(struct cmd_audit *ca, const char *id)
{
	const struct item	*item = checklist_item(ca->checklist, id);

	return item != NULL ? item->stage : 0;
}

/* The fix text: the check's own, else the checklist's. */
static const char *
cmd_audit_fix(struct cmd_audit *ca, const struct check_run *run)
{
	const struct item	*item;

	if (run->result.fix != NULL)
		return run->result.fix;
	item = checklist_item(ca->checklist, run->def->id);
	return item != NULL ? item->fix : "";
}

/* Whether a fix is worth showing: only for findings and errors. */
static bool
cmd_audit_show_fix(const struct check_run *run)
{
	return status_is_finding(run->result.status);
}

static void
cmd_audit_json(struct cmd_audit *ca, struct buf *b)
{
	const struct options	*opt = &ca->cl->opt;
	size_t			 i, j;

	buf_puts(b, "{\"tool\": \"launchready\", \"version\": ");
	buf_json(b, PACKAGE_VERSION);
	buf_puts(b, ", \"domain\": ");
	buf_json(b, opt->domain);
	if (strcmp(opt->domain, opt->domain_unicode) != 0) {
		buf_puts(b, ", \"domain_unicode\": ");
		buf_json(b, opt->domain_unicode);
	}
	buf_puts(b, ",\n \"started\": ");
	buf_json(b, time_iso(ca->started));
	buf_puts(b, ", \"finished\": ");
	buf_json(b, time_iso(ca->finished));
	buf_puts(b, ",\n \"checks\": [");
	for (i = 0; i < ca->nruns; i++) {
		const struct check_run	*run = ca->runs[i];
		const struct result	*r = &run->result;

		buf_puts(b, i == 0 ? "\n  " : ",\n  ");
		buf_puts(b, "{\"id\": ");
		buf_json(b, run->def->id);
		buf_printf(b, ", \"stage\": %d, \"status\": ",
		    cmd_audit_stage(ca, run->def->id));
		buf_json(b, status_name(r->status));
		buf_puts(b, ", \"severity\": ");
		buf_json(b, severity_name(r->severity));
		buf_puts(b, ", \"title\": ");
		buf_json(b, cmd_audit_title(ca, run->def->id));
		buf_puts(b, ",\n   \"summary\": ");
		buf_json(b, r->summary != NULL ? r->summary : "");
		buf_puts(b, ",\n   \"evidence\": [");
		for (j = 0; j < r->nevidence; j++) {
			if (j > 0)
				buf_puts(b, ", ");
			buf_json(b, r->evidence[j]);
		}
		if (r->dropped > 0) {
			char *more = xprintf(_("(%zu more lines not kept)"),
			    r->dropped);

			buf_puts(b, r->nevidence > 0 ? ", " : "");
			buf_json(b, more);
			free(more);
		}
		buf_puts(b, "],\n   \"fix\": ");
		buf_json(b, cmd_audit_show_fix(run) ?
		    cmd_audit_fix(ca, run) : "");
		buf_printf(b, ", \"duration_ms\": %u", r->duration_ms);
		if (ca->before != NULL) {
			buf_puts(b, ", \"change\": ");
			buf_json(b, change_name(comparison_change(&ca->cmp,
			    run->def->id)));
		}
		buf_puts(b, "}");
	}
	buf_puts(b, "\n ]");
	if (ca->before != NULL) {
		buf_puts(b, ",\n \"baseline\": ");
		comparison_json(&ca->cmp, b);
	}
	buf_puts(b, "}\n");
}

/* Counts results by status. */
static void
cmd_audit_count(struct cmd_audit *ca, size_t counts[STATUS_COUNT])
{
	size_t	i;

	memset(counts, 0, STATUS_COUNT * sizeof counts[0]);
	for (i = 0; i < ca->nruns; i++)
		counts[ca->runs[i]->result.status]++;
}

static void
cmd_audit_text(struct cmd_audit *ca, struct buf *b, bool utf8)
{
	size_t	i, j, counts[STATUS_COUNT];

	buf_printf(b, _("launchready %s: audit of %s"), PACKAGE_VERSION,
	    ca->cl->opt.domain_unicode);
	if (strcmp(ca->cl->opt.domain, ca->cl->opt.domain_unicode) != 0)
		buf_printf(b, " (%s)", ca->cl->opt.domain);
	buf_printf(b, ", %s\n\n", time_iso(ca->started));
	for (i = 0; i < ca->nruns; i++) {
		const struct check_run	*run = ca->runs[i];
		const struct result	*r = &run->result;

		buf_printf(b, "%s %-7s %-8s %-22s %s",
		    status_glyph(r->status, utf8), status_name(r->status),
		    r->severity != SEVERITY_NONE ? severity_name(r->severity) :
		    "", run->def->id, cmd_audit_title(ca, run->def->id));
		if (ca->before != NULL)
			buf_printf(b, " [%s]", change_label(
			    comparison_change(&ca->cmp, run->def->id)));
		buf_puts(b, "\n");
		if (r->summary != NULL && *r->summary != '\0')
			buf_printf(b, "    %s\n", r->summary);
		for (j = 0; j < r->nevidence; j++)
			buf_printf(b, "      %s\n", r->evidence[j]);
		if (r->dropped > 0)
			buf_printf(b, "      ");
		if (r->dropped > 0)
			buf_printf(b, _("(%zu more lines not kept)"),
			    r->dropped);
		if (r->dropped > 0)
			buf_puts(b, "\n");
		if (cmd_audit_show_fix(run) && *cmd_audit_fix(ca, run) != '\0')
			buf_printf(b, _("    fix: %s\n"), cmd_audit_fix(ca, run));
	}
	cmd_audit_count(ca, counts);
	buf_printf(b, _("\n%zu checks: %zu pass, %zu warn, %zu fail, "
	    "%zu could not decide (error)\n"), ca->nruns,
	    counts[STATUS_PASS], counts[STATUS_WARN], counts[STATUS_FAIL],
	    counts[STATUS_ERROR]);
	if (ca->before != NULL)
		comparison_text(&ca->cmp, b);
}

/* Appends s with Markdown table separators escaped. */
static void
md_cell(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			buf_puts(b, "\\|");
		else if (*s == '\n')
			buf_puts(b, " ");
		else
			buf_add(b, s, 1);
	}
}

static void
cmd_audit_md(struct cmd_audit *ca, struct buf *b)
{
	size_t	i, j, counts[STATUS_COUNT];

	buf_printf(b, _("# Audit of %s\n\n"), ca->cl->opt.domain_unicode);
	buf_printf(b, _("launchready %s, %s to %s.\n\n"), PACKAGE_VERSION,
	    time_iso(ca->started), time_iso(ca->finished));
	cmd_audit_count(ca, counts);
	buf_printf(b, _("%zu checks: %zu pass, %zu warn, %zu fail, %zu could "
	    "not decide.\n\n"), ca->nruns, counts[STATUS_PASS],
	    counts[STATUS_WARN], counts[STATUS_FAIL], counts[STATUS_ERROR]);
	buf_puts(b, _("| Status | Severity | Check | Summary |\n"));
	buf_puts(b, "|---|---|---|---|\n");
	for (i = 0; i < ca->nruns; i++) {
		const struct result *r = &ca->runs[i]->result;

		buf_printf(b, "| %s | %s | `%s` ", status_name(r->status),
		    r->severity != SEVERITY_NONE ?
		    severity_name(r->severity) : "", ca->runs[i]->def->id);
		buf_puts(b, "| ");
		md_cell(b, r->summary != NULL ? r->summary : "");
		buf_puts(b, " |\n");
	}
	for (i = 0; i < ca->nruns; i++) {
		const struct check_run	*run = ca->runs[i];
		const struct result	*r = &run->result;

		if (!status_is_finding(r->status) && r->nevidence == 0)
			continue;
		buf_printf(b, "\n## %s (`%s`)\n\n",
		    cmd_audit_title(ca, run->def->id), run->def->id);
		buf_printf(b, "**%s**", status_name(r->status));
		if (r->severity != SEVERITY_NONE)
			buf_printf(b, ", %s", severity_name(r->severity));
		buf_printf(b, ": %s\n\n", r->summary != NULL ? r->summary : "");
		if (r->nevidence > 0) {
			buf_puts(b, "```\n");
			for (j = 0; j < r->nevidence; j++)
				buf_printf(b, "%s\n", r->evidence[j]);
			buf_puts(b, "```\n\n");
		}
		if (cmd_audit_show_fix(run))
			buf_printf(b, _("Fix: %s\n"), cmd_audit_fix(ca, run));
	}
	if (ca->before != NULL) {
		buf_printf(b, _("\n## Since the baseline\n\n```"));
		comparison_text(&ca->cmp, b);
		buf_puts(b, "```\n");
	}
}

/* Reads --baseline: an earlier audit of the same domain. */
static int
cmd_audit_baseline(struct cmd_audit *ca, char **err)
{
	if ((ca->before = baseline_load(ca->cl->baseline, err)) == NULL)
		return -1;
	if (strcmp(ca->before->domain, ca->cl->opt.domain) != 0)
		return set_error(err, _("--baseline %s is an audit of %s, not "
		    "of %s"), ca->cl->baseline, ca->before->domain,
		    ca->cl->opt.domain);
	return 0;
}

/* Compares this audit's results with the baseline. */
static void
cmd_audit_compare(struct cmd_audit *ca)
{
	size_t	i;

	ca->after = baseline_new(ca->cl->opt.domain, time_iso(ca->started));
	for (i = 0; i < ca->nruns; i++) {
		const struct check_run *run = ca->runs[i];

		baseline_add(ca->after, run->def->id,
		    cmd_audit_title(ca, run->def->id), run->result.status,
		    run->result.severity);
	}
	baseline_compare(ca->before, ca->after, &ca->cmp);
}

/* The exit status of SPEC.md for the results and --fail-on. */
static int
cmd_audit_status(struct cmd_audit *ca)
{
	size_t	i;
	bool	errors = false, findings = false;

	for (i = 0; i < ca->nruns; i++) {
		const struct result *r = &ca->runs[i]->result;

		if (r->status == STATUS_ERROR)
			errors = true;
		else if (status_is_finding(r->status) &&
		    r->severity >= ca->cl->fail_on)
			findings = true;
	}
	if (ca->cl->fail_on_new)
		findings = comparison_fails(&ca->cmp, ca->cl->fail_on);
	if (findings)
		return EXIT_FINDINGS;
	return errors ? EXIT_UNDECIDED : EXIT_OK;
}

void
cmd_audit_render(const struct cmdline *cl, const struct checklist *checklist,
    struct check_run **runs, size_t nruns, time_t started, time_t finished,
    enum format format, struct buf *b)
{
	struct cmd_audit	ca = { .cl = (struct cmdline *)cl,
				       .checklist = (struct checklist *)checklist,
				       .runs = runs, .nruns = nruns,
				       .started = started,
				       .finished = finished };

	if (format == FORMAT_JSON)
		cmd_audit_json(&ca, b);
	else
		cmd_audit_text(&ca, b, false);
}

int
cmd_audit(struct cmdline *cl)
{
	struct cmd_audit	 ca;
	struct loop		*loop;
	struct buf		 out = { 0 };
	char			*path, *err = NULL;
	size_t			 i;
	int			 status;
	const char		*lang;
	bool			 utf8;

	if (cl->targets != NULL)
		return portfolio_run(cl, cl->argc, cl->argv);
	memset(&ca, 0, sizeof ca);
	ca.cl = cl;
	path = data_path("checklist.cfg");
	ca.checklist = checklist_load(path, &err);
	free(path);
	if (ca.checklist == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return EXIT_FAILURE_;
	}
	for (i = 0; i < cl->only.n; i++) {
		const char *sel = cl->only.v[i];
		bool known = check_find(sel) != NULL;
		size_t k;

		for (k = 0; !known && check_ids[k] != NULL; k++) {
			if (strcmp(check_family(check_ids[k]), sel) == 0 ||
			    audit_selected(&(struct strlist){ .v =
			    (char **)&sel, .n = 1 }, check_ids[k],
			    ca.checklist))
				known = true;
		}
		if (!known) {
			fprintf(stderr, _("launchready: --only: \"%s\" is not a "
			    "check id, a family (dns, email, http, edge, perf, "
			    "mon, tls, secrets) or a stage number (1-6)\n"),
			    sel);
			checklist_free(ca.checklist);
			return EXIT_USAGE;
		}
	}

	if (cl->baseline != NULL && cmd_audit_baseline(&ca, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		checklist_free(ca.checklist);
		return EXIT_USAGE;
	}
	loop = loop_new();
	ca.audit = audit_new(&cl->opt, loop, &err);
	if (ca.audit == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		loop_free(loop);
		baseline_free(ca.before);
		checklist_free(ca.checklist);
		return EXIT_FAILURE_;
	}
	ca.started = time(NULL);
	for (i = 0; check_ids[i] != NULL; i++) {
		struct check_run *run;

		if (!audit_selected(&cl->only, check_ids[i], ca.checklist))
			continue;
		run = audit_start(ca.audit, check_ids[i], cmd_audit_done, &ca);
		ca.runs = xreallocarray(ca.runs, ca.nruns + 1,
		    sizeof *ca.runs);
		ca.runs[ca.nruns++] = run;
	}
	if (ca.audit->running > 0)
		loop_run(loop);
	ca.finished = time(NULL);
	if (ca.before != NULL)
		cmd_audit_compare(&ca);

	lang = getenv("LC_ALL");
	if (lang == NULL || *lang == '\0')
		lang = getenv("LC_CTYPE");
	if (lang == NULL || *lang == '\0')
		lang = getenv("LANG");
	utf8 = lang != NULL && (strstr(lang, "UTF-8") != NULL ||
	    strstr(lang, "utf8") != NULL);
	switch (cl->format) {
	case FORMAT_JSON:
		cmd_audit_json(&ca, &out);
		break;
	case FORMAT_MD:
		cmd_audit_md(&ca, &out);
		break;
	case FORMAT_SARIF:
		if (sarif_write(&out, ca.runs, ca.nruns, &cl->opt,
		    &err) == -1) {
			fprintf(stderr, "launchready: %s\n", err);
			free(err);
			buf_free(&out);
			free(ca.runs);
			comparison_clear(&ca.cmp);
			baseline_free(ca.before);
			baseline_free(ca.after);
			audit_free(ca.audit);
			loop_free(loop);
			checklist_free(ca.checklist);
			return EXIT_FAILURE_;
		}
		break;
	default:
		cmd_audit_text(&ca, &out, utf8);
		break;
	}
	status = cmd_audit_status(&ca);
	if (cl->output != NULL) {
		if (session_write_atomic(cl->output, out.data, out.len, false,
		    false, &err) == -1) {
			fprintf(stderr, "launchready: %s\n", err);
			free(err);
			status = EXIT_FAILURE_;
		} else
			fprintf(stderr, _("launchready: wrote %s\n"),
			    cl->output);
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, _("launchready: cannot write the results\n"));
		status = EXIT_FAILURE_;
	}
	buf_free(&out);
	free(ca.runs);
	comparison_clear(&ca.cmp);
	baseline_free(ca.before);
	baseline_free(ca.after);
	audit_free(ca.audit);
	loop_free(loop);
	checklist_free(ca.checklist);
	return status;
}
