/*
 * test-noleak-session.c: for tests/no-leak.sh. Runs the secrets.* checks on
 * REPO through the audit runner, records the results in a new session in
 * SESSIONDIR, saves it, loads it back, and writes the handover report in
 * every format into OUTDIR. The script then greps all of it for the
 * planted values.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "secrets.h"

/* Stops the loop when the last check is done. */
static void
noleak_done(struct check_run *run, void *arg)
{
	struct audit	*audit = arg;

	(void)run;
	if (audit->running == 0)
		loop_break(audit->loop);
}

/* Writes the report of s in format to path. */
static int
noleak_report(const struct session *s, const struct checklist *cl,
    enum format format, const char *path)
{
	FILE	*f;
	char	*err = NULL;
	int	 rc;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	rc = report_write(s, cl, format, f, &err);
	if (rc != 0)
		fprintf(stderr, "report: %s\n", err);
	free(err);
	return fclose(f) == 0 ? rc : -1;
}

int
main(int argc, char **argv)
{
	static const char *const ids[] = { "secrets.worktree",
	    "secrets.history", "secrets.env-files", "secrets.inventory" };
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit;
	struct session		*s, *back;
	struct checklist	*cl;
	char			*err = NULL, *path, *saved;
	size_t			 i;

	if (argc != 4) {
		fprintf(stderr, "usage: test-noleak-session SESSIONDIR REPO "
		    "OUTDIR\n");
		return 2;
	}
	options_init(&opt);
	opt.domain = xstrdup("brightcart.test");
	opt.domain_unicode = xstrdup("brightcart.test");
	opt.repo = xstrdup(argv[2]);
	opt.session_dir = xstrdup(argv[1]);
	path = data_path("checklist.cfg");
	if ((cl = checklist_load(path, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	free(path);
	loop = loop_new();
	if ((audit = audit_new(&opt, loop, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (i = 0; i < nitems(ids); i++)
		audit_start(audit, ids[i], noleak_done, audit);
	if (audit->running > 0)
		loop_run(loop);
	s = session_new(argv[1], &opt);
	s->client = xstrdup("Brightcart");
	for (i = 0; i < audit->nruns; i++) {
		session_record(s, audit->runs[i]->def->id,
		    &audit->runs[i]->result);
		/* The scans' secrets fill the inventory, as in the wizard. */
		(void)inventory_sync(s, check_secrets_report(audit->runs[i]),
		    time(NULL));
	}
	if (session_save(s, &err) != 0) {
		fprintf(stderr, "save: %s\n", err);
		return 1;
	}
	saved = xstrdup(s->path);
	if ((back = session_load(saved, &err)) == NULL) {
		fprintf(stderr, "load: %s\n", err);
		return 1;
	}
	path = xprintf("%s/report.md", argv[3]);
	if (noleak_report(back, cl, FORMAT_MD, path) != 0)
		return 1;
	free(path);
	path = xprintf("%s/report.html", argv[3]);
	if (noleak_report(back, cl, FORMAT_HTML, path) != 0)
		return 1;
	free(path);
	path = xprintf("%s/report.json", argv[3]);
	if (noleak_report(back, cl, FORMAT_JSON, path) != 0)
		return 1;
	free(path);
	printf("%s\n", s->name);
	session_free(back);
	session_free(s);
	free(saved);
	audit_free(audit);
	loop_free(loop);
	checklist_free(cl);
	options_clear(&opt);
	return 0;
}
