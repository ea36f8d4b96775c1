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

	/* The same recording policy as the wizard's (sprint.c). */
	item = checklist_item(ca->checklist, run->def->id);
	sprint_policy(item, &run->result);
	if (ca->audit->running == 0)
		loop_break(ca->audit->loop);
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
	const struct item	*item;
	size_t			 i;

	ca->after = baseline_new(ca->cl->opt.domain, time_iso(ca->started));
	for (i = 0; i < ca->nruns; i++) {
		const struct check_run *run = ca->runs[i];

		item = checklist_item(ca->checklist, run->def->id);
		baseline_add(ca->after, run->def->id, item != NULL ?
		    item->title : run->def->id, run->result.status,
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

int
cmd_audit(struct cmdline *cl)
{
	struct cmd_audit	 ca;
	struct audit_results	 results;
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
		const struct check_def *def;
		size_t k;

		for (k = 0; !known && (def = check_at(k)) != NULL; k++) {
			if (strcmp(check_family(def->id), sel) == 0 ||
			    audit_selected(&(struct strlist){ .v =
			    (char **)&sel, .n = 1 }, def->id,
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
		baseline_free(ca.before);
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
	for (i = 0; check_at(i) != NULL; i++) {
		const char *id = check_at(i)->id;
		struct check_run *run;

		if (!audit_selected(&cl->only, id, ca.checklist))
			continue;
		run = audit_start(ca.audit, id, cmd_audit_done, &ca);
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
	results = (struct audit_results){ .opt = &cl->opt,
	    .cl = ca.checklist, .runs = ca.runs, .nruns = ca.nruns,
	    .started = ca.started, .finished = ca.finished, .utf8 = utf8,
	    .comparison = ca.before != NULL ? &ca.cmp : NULL };
	if (report_audit(&results, cl->format, &out, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		buf_free(&out);
		free(ca.runs);
		audit_free(ca.audit);
		loop_free(loop);
		checklist_free(ca.checklist);
		return EXIT_FAILURE_;
	}
	status = cmd_audit_status(&ca);
	if (file_write(cl->output != NULL ? cl->output : "-", out.data,
	    out.len, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		status = EXIT_FAILURE_;
	} else if (cl->output != NULL && strcmp(cl->output, "-") != 0)
		fprintf(stderr, _("launchready: wrote %s\n"), cl->output);
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
