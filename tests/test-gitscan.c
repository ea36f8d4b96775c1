/* test-gitscan.c: the scan worker on the event loop: progress, done, cancel. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "secrets.h"

static struct secrets_rules	*rules;
static char			 dir[] = "/tmp/test-gitscan-XXXXXX";

/* What the callbacks saw. */
struct seen {
	unsigned		 progress;
	unsigned		 done;
	uint64_t		 last_files;
	struct gitscan_report	*report;
	struct loop		*loop;
};

static void
on_progress(void *arg, const struct gitscan_progress *p)
{
	struct seen	*s = arg;

	assert_true(p->files >= s->last_files);
	s->last_files = p->files;
	s->progress++;
}

static void
on_done(void *arg, struct gitscan_report *rep)
{
	struct seen	*s = arg;

	s->done++;
	s->report = rep;
	loop_break(s->loop);
}

/* Writes a tree of 400 files (not a git repository), one with a key. */
static int
setup(void **state)
{
	char		 path[256];
	FILE		*f;
	int		 i, j;
	char		*err = NULL;

	(void)state;
	rules = secrets_rules_load(NULL, &err);
	assert_non_null(rules);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof path, "%s/sub/f%03d.c", dir, i);
		f = fopen(path, "w");
		assert_non_null(f);
		for (j = 0; j < 2000; j++)
			fprintf(f, "static int token_%d = %d; /* line */\n", j, j);
		if (i == 123)
			fprintf(f, "const char *k = \"gh%s_%s\";\n", "p",
			    "Zq8Lm2Rx0Vt6Yw4Ns1Kp9Hc3Jd5Fb7Ga2Ue0");
		fclose(f);
	}
	/* A link out of the tree is never followed. */
	snprintf(path, sizeof path, "%s/out", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd = xprintf("rm -rf '%s'", dir);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	secrets_rules_free(rules);
	return 0;
}

/* The scan reports progress through the loop, then its findings. */
static void
test_progress_and_done(void **state)
{
	struct seen	 s;
	struct gitscan	*gs;
	uint64_t	 start = now_ms();

	(void)state;
	memset(&s, 0, sizeof s);
	s.loop = loop_new();
	gs = gitscan_start(s.loop, GITSCAN_WORKTREE, dir, rules, on_progress,
	    on_done, &s);
	/* start returns at once: the work is on the worker. */
	assert_int_equal(s.done, 0);
	while (s.done == 0 && now_ms() - start < 30000)
		loop_once(s.loop, 1000);
	assert_int_equal(s.done, 1);
	assert_true(s.progress >= 1);
	assert_non_null(s.report);
	assert_null(s.report->error);
	assert_false(s.report->is_git);
	assert_int_equal(s.report->progress.files, 400);
	assert_int_equal(s.report->skipped_symlink, 1);
	assert_int_equal(s.report->nfindings, 1);
	assert_string_equal(s.report->findings[0].f.rule, "github-pat");
	assert_string_equal(s.report->findings[0].path, "sub/f123.c");
	assert_int_equal(s.report->findings[0].f.line, 2001);
	/* The worker's descriptor is no longer watched. */
	assert_int_equal(loop_pending(s.loop), 0);
	gitscan_free(gs);
	loop_free(s.loop);
}

/* Cancelled: no callback afterwards, the worker is gone, nothing leaks. */
static void
test_cancel(void **state)
{
	struct seen	 s;
	struct gitscan	*gs;
	int		 i;

	(void)state;
	memset(&s, 0, sizeof s);
	s.loop = loop_new();
	gs = gitscan_start(s.loop, GITSCAN_WORKTREE, dir, rules, on_progress,
	    on_done, &s);
	loop_once(s.loop, 5);
	gitscan_cancel(gs);
	for (i = 0; i < 5; i++)
		loop_once(s.loop, 10);
	assert_int_equal(s.done, 0);
	assert_int_equal(loop_pending(s.loop), 0);
	gitscan_free(gs);
	loop_free(s.loop);
}

/* A directory that does not exist: an error, through the loop. */
static void
test_missing_dir(void **state)
{
	struct seen	 s;
	struct gitscan	*gs;

	(void)state;
	memset(&s, 0, sizeof s);
	s.loop = loop_new();
	gs = gitscan_start(s.loop, GITSCAN_HISTORY, "/nonexistent/repo",
	    rules, NULL, on_done, &s);
	loop_run(s.loop);
	assert_int_equal(s.done, 1);
	assert_non_null(s.report->error);
	assert_non_null(strstr(s.report->error, "no such directory"));
	gitscan_free(gs);
	loop_free(s.loop);
}

/* Through the audit runner: progress in the summary, then cancelled. */
static void
test_audit_cancel(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit;
	struct check_run	*run;
	struct gitscan_progress	 p;
	char			*err = NULL;

	(void)state;
	options_init(&opt);
	opt.repo = xstrdup(dir);
	loop = loop_new();
	audit = audit_new(&opt, loop, &err);
	assert_non_null(audit);
	run = audit_start(audit, "secrets.worktree", NULL, NULL);
	assert_non_null(run);
	assert_false(run->finished);
	assert_true(check_secrets_progress(run, &p));
	audit_cancel(audit);
	assert_true(run->finished);
	assert_int_equal(run->result.status, STATUS_ERROR);
	assert_string_equal(run->result.summary, "cancelled");
	assert_false(check_secrets_progress(run, &p));
	audit_free(audit);
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
	options_clear(&opt);
}

/* Through the audit runner to the end: the verdict and evidence. */
static void
test_audit_verdict(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit;
	struct check_run	*run;
	char			*err = NULL;

	(void)state;
	options_init(&opt);
	opt.repo = xstrdup(dir);
	loop = loop_new();
	audit = audit_new(&opt, loop, &err);
	run = audit_start(audit, "secrets.worktree", NULL, NULL);
	while (!run->finished)
		loop_once(loop, 1000);
	assert_int_equal(run->result.status, STATUS_FAIL);
	assert_int_equal(run->result.nevidence, 1);
	assert_non_null(strstr(run->result.evidence[0],
	    "github-pat sub/f123.c:2001 ghp_"));
	assert_non_null(check_secrets_report(run));
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_and_done),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_audit_cancel),
		cmocka_unit_test(test_audit_verdict),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
