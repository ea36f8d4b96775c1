/*
 * test-secrets-conformance.c: the secret scanner run over the peers' own
 * rule test cases (secretlint's fixtures, gitleaks' literal tp/fp strings)
 * in $SHARED_DIR/conformance/secrets. A "secret" case is found when the
 * scanner reports anything in its file; a "clean" case is a false alarm
 * when it does. Prints the per-suite and per-provider table and asserts
 * each suite's recall and false-alarm floors (raise them, never lower
 * them). The manifests are read through tests/secrets-conformance.py.
 * Skips (77) when the suites or python3 are absent.
 * CONFORMANCE_VERBOSE=1 also lists every miss and false alarm by case.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secrets.h"

/* What each suite must reach: recall at least, false alarms at most. */
static const struct floor {
	const char	*suite;
	double		 min_recall;	/* percent of "secret" cases found */
	double		 max_false;	/* percent of "clean" cases reported */
} floors[] = {
	{ "gitleaks", 0, 100 },
	{ "secretlint", 0, 100 },
};

/*
 * "secret" cases the scanner stays quiet on by design, with the reason.
 * They are counted apart and left out of the recall figure.
 */
static const struct quiet {
	const char	*suite;
	const char	*dir;
	const char	*reason;
} quiet[] = {
	{ NULL, NULL, NULL }
};

struct tally {
	char	*suite;
	char	*group;
	size_t	 secret, found, quiet, clean, alarms;
};

static struct tally	*tallies;
static size_t		 ntallies;

/* The tally of suite/group, created on first use. */
static struct tally *
tally_of(const char *suite, const char *group)
{
	size_t	i;

	for (i = 0; i < ntallies; i++) {
		if (strcmp(tallies[i].suite, suite) == 0 &&
		    strcmp(tallies[i].group, group) == 0)
			return &tallies[i];
	}
	tallies = xreallocarray(tallies, ntallies + 1, sizeof *tallies);
	memset(&tallies[ntallies], 0, sizeof *tallies);
	tallies[ntallies].suite = xstrdup(suite);
	tallies[ntallies].group = xstrdup(group);
	return &tallies[ntallies++];
}

/* The reason a case is quiet by design, or NULL. */
static const char *
quiet_reason(const char *suite, const char *dir)
{
	size_t	i;

	for (i = 0; quiet[i].suite != NULL; i++) {
		if (strcmp(quiet[i].suite, suite) == 0 &&
		    strcmp(quiet[i].dir, dir) == 0)
			return quiet[i].reason;
	}
	return NULL;
}

/* Reads a whole file; NULL when it cannot. */
static char *
slurp_file(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf = NULL;
	size_t	 n = 0, cap = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = xreallocarray(buf, cap, 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* Percent of a in b (100 when b is 0). */
static double
pct(size_t a, size_t b)
{
	return b == 0 ? 100.0 : 100.0 * (double)a / (double)b;
}

/* Prints the table and checks the floors; the number of failed floors. */
static int
report(void)
{
	size_t		 i, j;
	int		 failed = 0;
	const char	*last = "";

	printf("%-12s %-28s %9s %6s %9s\n", "suite", "provider", "found",
	    "quiet", "alarms");
	for (i = 0; i < ntallies; i++) {
		struct tally *t = &tallies[i];
		char a[32], b[32];

		snprintf(a, sizeof a, "%zu/%zu", t->found, t->secret - t->quiet);
		snprintf(b, sizeof b, "%zu/%zu", t->alarms, t->clean);
		printf("%-12s %-28s %9s %6zu %9s%s\n", t->suite, t->group, a,
		    t->quiet, b, (t->found < t->secret - t->quiet ||
		    t->alarms > 0) ? "  *" : "");
	}
	for (i = 0; i < ntallies; i++) {
		struct tally sum = { 0 };

		if (strcmp(tallies[i].suite, last) == 0)
			continue;
		last = tallies[i].suite;
		for (j = 0; j < ntallies; j++) {
			if (strcmp(tallies[j].suite, last) != 0)
				continue;
			sum.secret += tallies[j].secret;
			sum.found += tallies[j].found;
			sum.quiet += tallies[j].quiet;
			sum.clean += tallies[j].clean;
			sum.alarms += tallies[j].alarms;
		}
		double recall = pct(sum.found, sum.secret - sum.quiet);
		double raw = pct(sum.found, sum.secret);
		double fa = sum.clean ? pct(sum.alarms, sum.clean) : 0;

		printf("SUITE %s: recall %zu/%zu = %.1f %% (%zu quiet by "
		    "design; %.1f %% of all %zu), false alarms %zu/%zu = "
		    "%.1f %%\n", last, sum.found, sum.secret - sum.quiet,
		    recall, sum.quiet, raw, sum.secret, sum.alarms, sum.clean,
		    fa);
		for (j = 0; j < sizeof floors / sizeof floors[0]; j++) {
			if (strcmp(floors[j].suite, last) != 0)
				continue;
			if (recall + 1e-9 < floors[j].min_recall) {
				printf("FAIL %s: recall %.1f %% < floor "
				    "%.1f %%\n", last, recall,
				    floors[j].min_recall);
				failed++;
			}
			if (fa > floors[j].max_false + 1e-9) {
				printf("FAIL %s: false alarms %.1f %% > "
				    "ceiling %.1f %%\n", last, fa,
				    floors[j].max_false);
				failed++;
			}
		}
	}
	return failed;
}

int
main(void)
{
	const char		*shared = getenv("SHARED_DIR");
	const char		*src = getenv("top_srcdir");
	const char		*verbose = getenv("CONFORMANCE_VERBOSE");
	struct secrets_rules	*rs;
	char			*dir, *cmd, *err = NULL, line[8192];
	FILE			*f;
	size_t			 ncases = 0;
	int			 failed;

	dir = xprintf("%s/conformance/secrets",
	    shared != NULL ? shared : "../shared");
	cmd = xprintf("%s/secretlint/manifest.json", dir);
	if (access(cmd, R_OK) != 0) {
		printf("SKIP: the peers' secret-rule suites (%s) are absent\n",
		    dir);
		return 77;
	}
	free(cmd);
	if ((rs = secrets_rules_load(NULL, &err)) == NULL) {
		printf("FAIL: %s\n", err);
		return 1;
	}
	cmd = xprintf("python3 '%s/tests/secrets-conformance.py' '%s'",
	    src != NULL ? src : ".", dir);
	if ((f = popen(cmd, "r")) == NULL) {
		printf("SKIP: cannot run python3\n");
		return 77;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char			*fld[5], *p = line, *buf;
		struct secrets_finding	*v = NULL;
		struct tally		*t;
		size_t			 n = 0, len, nf, i;
		const char		*why;

		line[strcspn(line, "\n")] = '\0';
		while (n < 5) {
			fld[n++] = p;
			if ((p = strchr(p, '\t')) == NULL)
				break;
			*p++ = '\0';
		}
		if (n < 5)
			continue;
		if ((buf = slurp_file(fld[4], &len)) == NULL) {
			printf("FAIL: cannot read %s\n", fld[4]);
			return 1;
		}
		ncases++;
		nf = secrets_scan_buffer(rs, fld[4], buf, len, &v);
		free(buf);
		t = tally_of(fld[0], fld[1]);
		why = quiet_reason(fld[0], fld[2]);
		if (strcmp(fld[3], "secret") == 0) {
			t->secret++;
			if (nf > 0)
				t->found++;
			else if (why != NULL)
				t->quiet++;
			else if (verbose != NULL)
				printf("MISS %s/%s\n", fld[0], fld[2]);
		} else {
			t->clean++;
			if (nf > 0) {
				t->alarms++;
				if (verbose != NULL) {
					printf("ALARM %s/%s:", fld[0], fld[2]);
					for (i = 0; i < nf; i++)
						printf(" %s", v[i].rule);
					printf("\n");
				}
			}
		}
		secrets_findings_free(v);
	}
	if (pclose(f) != 0 || ncases == 0) {
		printf("SKIP: could not read the manifests with python3\n");
		return 77;
	}
	for (size_t i = 0; quiet[i].suite != NULL; i++)
		printf("QUIET BY DESIGN %s/%s: %s\n", quiet[i].suite,
		    quiet[i].dir, quiet[i].reason);
	failed = report();
	secrets_rules_free(rs);
	free(dir);
	free(cmd);
	return failed ? 1 : 0;
}
