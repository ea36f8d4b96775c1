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

/*
 * What each suite must reach (percent): recall at least and false alarms
 * at most, over the cases not exempted below, and over all cases (so the
 * exemptions cannot grow unseen). Raise them as the rules get better.
 */
static const struct floor {
	const char	*suite;
	double		 min_recall;
	double		 max_false;
	double		 min_recall_all;
	double		 max_false_all;
} floors[] = {
	{ "gitleaks", 99.5, 1.0, 89.5, 6.2 },
	{ "secretlint", 99.5, 1.6, 55.0, 7.3 },
};

/*
 * Cases left out of the figures, each with the reason (all are printed).
 * QUIET: "secret" cases holding a placeholder the scanner stays quiet on
 * by design (the value is typed by hand or says it is an example).
 * SCOPE: "secret" cases that hold no credential at all (the peer's demo
 * or user-configured rules, file names, paths, format markers).
 * PEER: "clean" cases the peer itself reports with another of its rules,
 * or only passes with a rule option or a list of particular values.
 */
enum why { QUIET, SCOPE, PEER };

static const struct exempt {
	enum why	 why;
	const char	*suite;
	const char	*dir;		/* a case, or a group ending in "/" */
	const char	*reason;
} exempt[] = {
#define SEQ "typed run of letters or digits (abc..., 123...): a made-up value"
#define RUN "the same character six times or more: a placeholder"
#define EXAMPLE "holds EXAMPLE: a documentation value"
	/* gitleaks */
	{ QUIET, "gitleaks", "anthropic/anthropic-api-key-tp-001", SEQ },
	{ QUIET, "gitleaks", "anthropic/anthropic-admin-api-key-tp-001",
	  "holds \"fake\" and abc123xyz: a made-up value" },
	{ QUIET, "gitleaks", "aws/aws-amazon-bedrock-api-key-long-lived-tp-001",
	  EXAMPLE },
	{ SCOPE, "gitleaks", "gcp/gcp-service-account-tp-001",
	  "only the line \"type\": \"service_account\", no key: the key "
	  "file is reported by its private key and private_key_id" },
	{ QUIET, "gitleaks", "heroku/heroku-api-key-tp-001", SEQ },
	{ QUIET, "gitleaks", "hubspot/hubspot-api-key-tp-001", SEQ },
	{ QUIET, "gitleaks", "messagebird/messagebird-client-id-tp-027", SEQ },
	{ QUIET, "gitleaks", "snyk/", SEQ },
	{ QUIET, "gitleaks", "sonar/", SEQ },
	{ SCOPE, "gitleaks", "privatekey/pkcs12-file-tp-001",
	  "an empty file named .p12 holds no key: a store is recognised by "
	  "its ASN.1 structure, not its name" },
	{ SCOPE, "gitleaks", "privatekey/pkcs12-file-tp-002",
	  "an empty file named .P12 (as above)" },
	{ SCOPE, "gitleaks", "privatekey/pkcs12-file-tp-003",
	  "an empty file named .pfx (as above)" },
	{ QUIET, "gitleaks", "slack/slack-legacy-bot-token-tp-030",
	  "holds 123456789012 and \"FaKe\": a made-up value" },
	{ QUIET, "gitleaks", "slack/slack-legacy-workspace-token-tp-027", RUN },
	{ PEER, "gitleaks", "curl/curl-auth-header-fp-009",
	  "a JWT: gitleaks' own jwt rule reports it too" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-006",
	  "well-formed Google API keys that gitleaks passes by a list of "
	  "particular values (Google's sample apps); launchready keeps no "
	  "such list: allow one by fingerprint" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-007", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-008", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-009", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-011", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-012", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-013", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-014", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-015", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-016", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-017", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-018", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-019", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "gcp/gcp-api-key-fp-020", "as gcp-api-key-fp-006" },
	{ PEER, "gitleaks", "nuget/nuget-config-password-fp-005",
	  "a password gitleaks passes by a list of particular values (NuGet's "
	  "documentation)" },
	{ PEER, "gitleaks", "nuget/nuget-config-password-fp-006",
	  "as nuget-config-password-fp-005" },
	/* secretlint */
	{ QUIET, "secretlint", "basicauth/ng.basic-auth-ftp-url",
	  "user:pass@example.com: the documentation placeholder (on 210 MB "
	  "of real source the only URLs holding user:pass are docs: git's "
	  "release notes, HTTP::Tiny's manual); user:REAL-PASSWORD is found" },
	{ QUIET, "secretlint", "basicauth/ng.basic-auth-http-url",
	  "user:pass@example.com (as ng.basic-auth-ftp-url)" },
	{ QUIET, "secretlint", "basicauth/ng.basic-auth-in-markdown",
	  "user:pass@example.com (as ng.basic-auth-ftp-url)" },
	{ QUIET, "secretlint", "databricks/ng.secret",
	  "1234567890ABCDEF, 0123456789ABCDEF, FEDCBA9876543210: typed runs" },
	{ QUIET, "secretlint", "docker/ng.docker-pat",
	  "holds \"Example\" and 1234567890: a documentation value" },
	{ SCOPE, "secretlint", "example/ng.secret",
	  "secretlint's demo rule (\"THIS IS SECRET\"), not a credential" },
	{ SCOPE, "secretlint", "filter-comments/",
	  "secretlint's demo rule (\"THIS IS SECRET\") under its disable "
	  "comments, not a credential" },
	{ QUIET, "secretlint", "figma/ng.secret", SEQ },
	{ QUIET, "secretlint", "gitlab/ng.personal_access_token",
	  "aBcDeFgHiJkLmNoPqRsT: the alphabet typed in alternating case" },
	{ QUIET, "secretlint", "grafana/ng.service_account_token", SEQ },
	{ QUIET, "secretlint", "groq/ng.secret", SEQ },
	{ QUIET, "secretlint", "huggingface/ng.secret", RUN },
	{ QUIET, "secretlint", "linear/ng.secret", EXAMPLE },
	{ SCOPE, "secretlint", "no-dotenv/ng.match",
	  "a rule on the file name .env (it holds FOO=foo); a tracked .env is "
	  "the secrets.env-files check's finding, not the scanner's" },
	{ SCOPE, "secretlint", "no-homedir/",
	  "a home directory path (/Users/NAME) is not a credential" },
	{ QUIET, "secretlint", "notion/ng.secret", SEQ },
	{ QUIET, "secretlint", "npm/npmrc-_authToken", RUN },
	{ SCOPE, "secretlint", "pattern/",
	  "secretlint's user-configured pattern rule: what counts is set by "
	  "the case's own options (\"secret content\", foo-bar-baz); the "
	  "credential-shaped values in it are examples (EXAMPLE, typed runs, "
	  "user:pass in a database URL, a value naming itself a secret)" },
	{ QUIET, "secretlint", "stripe/ng.secret", RUN },
	{ QUIET, "secretlint", "tailscale/", RUN },
	{ PEER, "secretlint", "aws/ok.AWS_Access_Key_ID--enableIDScanRule-false",
	  "the same key as ng.AWS_Access_Key_ID, passed only with the rule's "
	  "ID scan switched off" },
	{ PEER, "secretlint", "aws/options.allows",
	  "passed only through the rule's allow-list option" },
	{ PEER, "secretlint", "no-k8s-kind-secret/ng.kind-secret",
	  "a base64 password in a Kubernetes Secret; secretlint's snapshot "
	  "is empty, gitleaks' kubernetes rule reports it" },
	{ PEER, "secretlint", "no-k8s-kind-secret/ng.kind-secret-multiple",
	  "as ng.kind-secret" },
	{ 0, NULL, NULL, NULL }
#undef SEQ
#undef RUN
#undef EXAMPLE
};

struct tally {
	char	*suite;
	char	*group;
	size_t	 secret, found, quiet, scope, clean, alarms, peer;
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

/* The exemption of a case, or NULL. */
static const struct exempt *
exempt_of(const char *suite, const char *dir)
{
	size_t	i, n;

	for (i = 0; exempt[i].suite != NULL; i++) {
		n = strlen(exempt[i].dir);
		if (strcmp(exempt[i].suite, suite) == 0 &&
		    (strcmp(exempt[i].dir, dir) == 0 || (n > 0 &&
		    exempt[i].dir[n - 1] == '/' &&
		    strncmp(exempt[i].dir, dir, n) == 0)))
			return &exempt[i];
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

	printf("%-12s %-28s %9s %6s %6s %9s\n", "suite", "provider", "found",
	    "quiet", "scope", "alarms");
	printf("(found: of the secret cases not exempted (quiet: placeholder; "
	    "scope: no credential); alarms: of the clean cases not the "
	    "peer's own; * marks a shortfall)\n");
	for (i = 0; i < ntallies; i++) {
		struct tally *t = &tallies[i];
		char a[32], b[32];

		snprintf(a, sizeof a, "%zu/%zu", t->found, t->secret - t->quiet -
		    t->scope);
		snprintf(b, sizeof b, "%zu/%zu", t->alarms, t->clean - t->peer);
		printf("%-12s %-28s %9s %6zu %6zu %9s%s\n", t->suite, t->group,
		    a, t->quiet, t->scope, b, (t->found < t->secret - t->quiet -
		    t->scope ||
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
			sum.scope += tallies[j].scope;
			sum.clean += tallies[j].clean;
			sum.alarms += tallies[j].alarms;
			sum.peer += tallies[j].peer;
		}
		size_t nex = 0;

		for (j = 0; exempt[j].suite != NULL; j++)
			nex += strcmp(exempt[j].suite, last) == 0;
		double recall = pct(sum.found, sum.secret - sum.quiet -
		    sum.scope);
		double raw = pct(sum.found, sum.secret);
		double fa = sum.clean > sum.peer ? pct(sum.alarms, sum.clean -
		    sum.peer) : 0;
		double rawfa = sum.clean ? pct(sum.alarms + sum.peer,
		    sum.clean) : 0;

		printf("SUITE %s: recall %zu/%zu = %.1f %% (%zu placeholders "
		    "quiet by design, %zu out of scope; %.1f %% of all %zu), "
		    "false alarms %zu/%zu = %.1f %% (%zu the peer's own; "
		    "%.1f %% of all %zu); %zu exemption entries\n", last,
		    sum.found, sum.secret - sum.quiet - sum.scope, recall,
		    sum.quiet, sum.scope, raw, sum.secret, sum.alarms,
		    sum.clean - sum.peer, fa, sum.peer, rawfa, sum.clean, nex);
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
			if (raw + 1e-9 < floors[j].min_recall_all ||
			    rawfa > floors[j].max_false_all + 1e-9) {
				printf("FAIL %s: over all cases, recall %.1f %%"
				    " (floor %.1f %%), false alarms %.1f %% "
				    "(ceiling %.1f %%)\n", last, raw,
				    floors[j].min_recall_all, rawfa,
				    floors[j].max_false_all);
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
	size_t			 ncases = 0, e;
	int			 failed;
	bool			 used[sizeof exempt / sizeof exempt[0]] = { 0 };

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
		const struct exempt	*ex;

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
		ex = exempt_of(fld[0], fld[2]);
		if (ex != NULL) {
			used[ex - exempt] = true;
			printf("%s %s/%s: %s (%s)\n", ex->why == QUIET ?
			    "QUIET BY DESIGN" : ex->why == SCOPE ?
			    "OUT OF SCOPE" : "PEER'S OWN", fld[0], fld[2],
			    ex->reason, nf > 0 ? "reported" : "not reported");
		}
		if (strcmp(fld[3], "secret") == 0) {
			t->secret++;
			if (nf > 0)
				t->found++;
			else if (ex != NULL && ex->why == QUIET)
				t->quiet++;
			else if (ex != NULL && ex->why == SCOPE)
				t->scope++;
			else if (verbose != NULL)
				printf("MISS %s/%s\n", fld[0], fld[2]);
		} else {
			t->clean++;
			if (nf > 0 && ex != NULL && ex->why == PEER)
				t->peer++;
			else if (nf > 0) {
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
	failed = report();
	/* An exemption no case needs any more is a dead entry: drop it. */
	for (e = 0; exempt[e].suite != NULL; e++) {
		if (!used[e]) {
			printf("FAIL: the exemption %s/%s matches no case\n",
			    exempt[e].suite, exempt[e].dir);
			failed++;
		}
	}
	secrets_rules_free(rs);
	free(dir);
	free(cmd);
	return failed ? 1 : 0;
}
