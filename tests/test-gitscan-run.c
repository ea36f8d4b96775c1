/*
 * test-gitscan-run.c: runs the scan engine (as the wizard and the audit
 * do, through gitscan_start on an event loop) of every kind on one
 * directory and prints "secrets.KIND STATUS" lines with the counts.
 * A helper of tests/git-safety.sh and tests/scan-limits.sh.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

static const struct {
	enum gitscan_kind	 kind;
	const char		*id;
} kinds[] = {
	{ GITSCAN_WORKTREE, "secrets.worktree" },
	{ GITSCAN_HISTORY, "secrets.history" },
	{ GITSCAN_ENVFILES, "secrets.env-files" },
	{ GITSCAN_INVENTORY, "secrets.inventory" },
};

struct seen {
	struct gitscan_report	*report;
	struct loop		*loop;
};

static void
on_done(void *arg, struct gitscan_report *rep)
{
	struct seen	*s = arg;

	s->report = rep;
	loop_break(s->loop);
}

int
main(int argc, char **argv)
{
	struct secrets_rules	*rules;
	struct seen		 s;
	struct gitscan		*gs;
	char			*err = NULL;
	size_t			 i, j, live;
	uint64_t		 start;

	if (argc != 2) {
		fprintf(stderr, "usage: test-gitscan-run DIR\n");
		return 2;
	}
	if ((rules = secrets_rules_load(NULL, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		memset(&s, 0, sizeof s);
		s.loop = loop_new();
		start = now_ms();
		gs = gitscan_start(s.loop, kinds[i].kind, argv[1], rules, NULL,
		    on_done, &s);
		while (s.report == NULL && now_ms() - start < 60000)
			loop_once(s.loop, 1000);
		if (s.report == NULL) {
			printf("%s timeout\n", kinds[i].id);
			gitscan_free(gs);
			loop_free(s.loop);
			return 1;
		}
		for (live = 0, j = 0; j < s.report->nfindings; j++)
			if (!s.report->findings[j].f.allowed &&
			    !s.report->findings[j].f.publishable)
				live++;
		printf("%s %s files=%llu commits=%llu binary=%llu large=%llu "
		    "symlink=%llu special=%llu denied=%llu deep=%llu "
		    "many=%llu git=%d bare=%d%s%s\n", kinds[i].id,
		    s.report->error != NULL ? "error" : live > 0 ? "fail" :
		    "pass", (unsigned long long)s.report->progress.files,
		    (unsigned long long)s.report->progress.commits,
		    (unsigned long long)s.report->skipped_binary,
		    (unsigned long long)s.report->skipped_large,
		    (unsigned long long)s.report->skipped_symlink,
		    (unsigned long long)s.report->skipped_special,
		    (unsigned long long)s.report->skipped_denied,
		    (unsigned long long)s.report->skipped_deep,
		    (unsigned long long)s.report->skipped_many,
		    s.report->is_git, s.report->bare,
		    s.report->error != NULL ? " error=" : "",
		    s.report->error != NULL ? s.report->error : "");
		for (j = 0; j < s.report->nfindings; j++)
			printf("  %s %s:%zu\n", s.report->findings[j].f.rule,
			    s.report->findings[j].path,
			    s.report->findings[j].f.line);
		gitscan_free(gs);
		loop_free(s.loop);
	}
	secrets_rules_free(rules);
	return 0;
}
