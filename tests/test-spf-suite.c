/*
 * test-spf-suite.c: the RFC 7208 (openspf.org) conformance suite run through
 * spf_eval_start(), with each scenario's zone data served by an in-memory
 * DNS (this is a conformance test of the evaluator, not of the network).
 * The suite's YAML is read through tests/spf-suite.py. Skips (77) when the
 * suite, python3 or PyYAML is missing.
 */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns.h"

struct zrec {
	char	*name;
	char	*type;
	char	*value;
};

struct suite_test {
	char	*scenario;
	char	*name;
	char	*helo;
	char	*host;
	char	*mailfrom;
	char	*results;
	char	*explanation;
	struct zrec *zone;	/* the scenario's */
	size_t	 nzone;
};

static struct suite_test	*tests;
static size_t			 ntests;

/* Undoes the \t \n \\ escapes in place. */
static char *
unescape(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (*r == '\\' && r[1] != '\0') {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
			r++;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return s;
}

/* Splits a line on tabs into at most max fields. */
static size_t
split(char *line, char **f, size_t max)
{
	size_t	n = 0;
	char	*p = line, *t;

	while (n < max) {
		f[n++] = p;
		if ((t = strchr(p, '\t')) == NULL)
			break;
		*t = '\0';
		p = t + 1;
	}
	for (size_t i = 0; i < n; i++)
		unescape(f[i]);
	return n;
}

/* Reads the converted suite; returns 77 with a message when it cannot. */
static int
load(void)
{
	const char	*shared = getenv("SHARED_DIR");
	const char	*src = getenv("top_srcdir");
	char		*yml, *cmd, line[8192];
	FILE		*f;
	struct zrec	*zone = NULL;
	size_t		 nzone = 0;
	char		*scenario = NULL;
	int		 rc;

	yml = xprintf("%s/conformance/rfc7208-tests.yml",
	    shared != NULL ? shared : "../shared");
	if (access(yml, R_OK) != 0) {
		printf("SKIP: the RFC 7208 suite %s is absent\n", yml);
		free(yml);
		return 77;
	}
	cmd = xprintf("python3 '%s/tests/spf-suite.py' '%s'",
	    src != NULL ? src : ".", yml);
	free(yml);
	if ((f = popen(cmd, "r")) == NULL) {
		free(cmd);
		printf("SKIP: cannot run python3\n");
		return 77;
	}
	free(cmd);
	while (fgets(line, sizeof line, f) != NULL) {
		char	*fld[8];
		size_t	 n;

		line[strcspn(line, "\n")] = '\0';
		n = split(line, fld, 8);
		if (strcmp(fld[0], "S") == 0) {
			zone = NULL;
			nzone = 0;
			scenario = xstrdup(n > 1 ? fld[1] : "");
		} else if (strcmp(fld[0], "Z") == 0 && n >= 4) {
			zone = xreallocarray(zone, nzone + 1, sizeof *zone);
			zone[nzone].name = xstrdup(fld[1]);
			zone[nzone].type = xstrdup(fld[2]);
			zone[nzone].value = xstrdup(fld[3]);
			nzone++;
		} else if (strcmp(fld[0], "T") == 0 && n >= 7) {
			struct suite_test *t;

			tests = xreallocarray(tests, ntests + 1, sizeof *tests);
			t = &tests[ntests++];
			t->scenario = scenario;
			t->name = xstrdup(fld[1]);
			t->helo = xstrdup(fld[2]);
			t->host = xstrdup(fld[3]);
			t->mailfrom = xstrdup(fld[4]);
			t->results = xstrdup(fld[5]);
			t->explanation = xstrdup(fld[6]);
			/* Tests of a scenario share its zone (never freed). */
			t->zone = zone;
			t->nzone = nzone;
		}
	}
	rc = pclose(f);
	if (rc != 0 || ntests == 0) {
		printf("SKIP: could not read the suite (python3 with PyYAML "
		    "is needed; exit %d)\n", rc);
		return 77;
	}
	return 0;
}

/* Compares DNS names, ignoring case and a final dot. */
static bool
same_name(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* The in-memory DNS: answers from the current test's zone, at once. */
static void
mem_query(void *ctx, const char *name, int type, spf_dns_done done,
    void *arg)
{
	const struct suite_test	*t = ctx;
	struct strlist		 values = { 0 };
	const char		*want;
	bool			 exists = false, timeout = false, txtnone = false;
	size_t			 i, hops;
	char			*cur = xstrdup(name);

	switch (type) {
	case DNS_T_A:		want = "A"; break;
	case DNS_T_AAAA:	want = "AAAA"; break;
	case DNS_T_MX:		want = "MX"; break;
	case DNS_T_PTR:		want = "PTR"; break;
	default:		want = "TXT"; break;
	}
	for (hops = 0; hops < 10; hops++) {
		const char *cname = NULL;

		exists = timeout = txtnone = false;
		for (i = 0; i < t->nzone; i++) {
			const struct zrec *z = &t->zone[i];

			if (!same_name(z->name, cur))
				continue;
			exists = true;
			if (strcmp(z->type, "TIMEOUT") == 0)
				timeout = true;
			else if (strcmp(z->type, "TXTNONE") == 0)
				txtnone = true;
			else if (strcmp(z->type, "CNAME") == 0)
				cname = z->value;
			else if (strcmp(z->type, want) == 0) {
				if (type == DNS_T_MX)
					strlist_add(&values,
					    strchr(z->value, ' ') + 1);
				else
					strlist_add(&values, z->value);
			}
		}
		/* SPF-type data stands in for TXT unless TXT is listed. */
		if (type == DNS_T_TXT && values.n == 0 && !txtnone) {
			bool has_txt = false;

			for (i = 0; i < t->nzone; i++)
				if (same_name(t->zone[i].name, cur) &&
				    strcmp(t->zone[i].type, "TXT") == 0)
					has_txt = true;
			for (i = 0; i < t->nzone && !has_txt; i++)
				if (same_name(t->zone[i].name, cur) &&
				    strcmp(t->zone[i].type, "SPF") == 0)
					strlist_add(&values, t->zone[i].value);
		}
		if (values.n > 0 || cname == NULL)
			break;
		free(cur);
		cur = xstrdup(cname);
	}
	free(cur);
	if (values.n > 0)
		done(arg, RESOLVE_OK, &values);
	else if (timeout)
		done(arg, RESOLVE_TIMEOUT, &values);
	else
		done(arg, exists ? RESOLVE_NODATA : RESOLVE_NXDOMAIN, &values);
	strlist_clear(&values);
}

struct outcome {
	bool		 done;
	enum spf_result	 result;
	char		*explanation;
};

static void
got(void *arg, enum spf_result r, const char *expl, const struct strlist *tr)
{
	struct outcome	*o = arg;

	(void)tr;
	o->done = true;
	o->result = r;
	o->explanation = expl != NULL ? xstrdup(expl) : NULL;
}

/* Runs one case; true when the result is one of those listed. */
static bool
run_case(const struct suite_test *t, char **why)
{
	struct spf_dns	 dns = { .query = mem_query, .ctx = (void *)t };
	struct outcome	 o = { 0 };
	struct strlist	 ok = { 0 };
	const char	*mf = t->mailfrom, *at, *domain;
	bool		 pass;

	at = strrchr(mf, '@');
	domain = *mf == '\0' ? t->helo : at != NULL ? at + 1 : mf;
	spf_eval_start(&dns, t->host, domain, *mf != '\0' ? mf : NULL,
	    t->helo, got, &o);
	if (!o.done) {
		*why = xstrdup("no result (the in-memory DNS answers at once)");
		return false;
	}
	strlist_split(&ok, t->results);
	pass = strlist_has(&ok, spf_result_name(o.result));
	if (pass && o.result == SPF_FAIL && *t->explanation != '\0' &&
	    strcmp(t->explanation, "DEFAULT") != 0 &&
	    (o.explanation == NULL ||
	    strcasecmp(o.explanation, t->explanation) != 0))
		pass = false;
	if (!pass)
		*why = xprintf("got %s (explanation \"%s\"), want %s (\"%s\")",
		    spf_result_name(o.result),
		    o.explanation != NULL ? o.explanation : "",
		    t->results, t->explanation);
	strlist_clear(&ok);
	free(o.explanation);
	return pass;
}

static void
test_suite(void **state)
{
	size_t	i, passed = 0;
	char	*why;

	(void)state;
	for (i = 0; i < ntests; i++) {
		why = NULL;
		if (run_case(&tests[i], &why))
			passed++;
		else
			printf("FAIL %s / %s: %s\n", tests[i].scenario,
			    tests[i].name, why);
		free(why);
	}
	printf("RFC 7208 suite: %zu of %zu cases pass\n", passed, ntests);
	assert_int_equal(passed, ntests);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_suite),
	};
	int	rc;

	if ((rc = load()) != 0)
		return rc;
	return cmocka_run_group_tests(t, NULL, NULL);
}
