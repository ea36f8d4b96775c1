/* test-checklist.c: the sprint data file and its loader. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"

/* The manual items of CHECKS.md and the stage SPEC.md's goals put them in. */
static const struct {
	const char	*id;
	int		 stage;
	const char	*hint;
} manual_items[] = {
	{ "manual.production-env",	 1, NULL },
	{ "manual.deploy-target",	 1, "edge.cdn" },
	{ "manual.dns-registrar-access", 2, "dns.ns" },
	{ "manual.secrets-rotated",	 3, "secrets.history" },
	{ "manual.least-privilege",	 3, NULL },
	{ "manual.logs-no-tokens",	 3, NULL },
	{ "manual.background-jobs",	 4, NULL },
	{ "manual.third-party-timeouts", 4, NULL },
	{ "manual.deploy-repeatable",	 4, NULL },
	{ "manual.ai-prompt-injection",	 4, NULL },
	{ "manual.uptime-checks",	 5, "mon.health" },
	{ "manual.alerts-routed",	 5, NULL },
	{ "manual.error-tracking",	 5, NULL },
	{ "manual.request-ids",		 5, "mon.request-id" },
	{ "manual.ssl-renewal-path",	 5, "tls.renewal" },
	{ "manual.admin-access",	 6, NULL },
	{ "manual.rollback-tested",	 6, NULL },
	{ "manual.restore-tested",	 6, NULL },
};

static struct checklist *
load_real(void)
{
	struct checklist	*cl;
	char			*path = data_path("checklist.cfg"), *err = NULL;

	cl = checklist_load(path, &err);
	if (cl == NULL)
		fail_msg("%s", err);
	free(path);
	return cl;
}

/* The real data file loads, with six stages in their hour windows. */
static void
test_real_stages(void **state)
{
	static const int	 hours[STAGE_COUNT][2] = {
		{ 0, 4 }, { 4, 12 }, { 12, 20 }, { 20, 32 }, { 32, 40 },
		{ 40, 48 }
	};
	struct checklist	*cl = load_real();
	size_t			 i, total = 0;

	for (i = 0; i < STAGE_COUNT; i++) {
		const struct stage *st = &cl->stages[i];

		assert_int_equal(st->number, (int)i + 1);
		assert_int_equal(st->hour_from, hours[i][0]);
		assert_int_equal(st->hour_to, hours[i][1]);
		assert_true(st->name != NULL && *st->name != '\0');
		assert_true(st->goal != NULL && *st->goal != '\0');
		assert_true(st->nitems > 0);
		assert_int_equal(st->first, total);
		total += st->nitems;
	}
	assert_int_equal(total, cl->nitems);
	assert_string_equal(cl->stages[0].name, "Audit and triage");
	assert_string_equal(cl->stages[5].name, "Handover");
	assert_int_equal(checklist_stage_at(cl, 0), 1);
	assert_int_equal(checklist_stage_at(cl, 3), 1);
	assert_int_equal(checklist_stage_at(cl, 4), 2);
	assert_int_equal(checklist_stage_at(cl, 13), 3);
	assert_int_equal(checklist_stage_at(cl, 20), 4);
	assert_int_equal(checklist_stage_at(cl, 39), 5);
	assert_int_equal(checklist_stage_at(cl, 47), 6);
	assert_int_equal(checklist_stage_at(cl, 48), 6);
	assert_int_equal(checklist_stage_at(cl, 200), 6);
	checklist_free(cl);
}

/* Every item has real texts: no draft left, titles fit a screen line. */
static void
test_real_texts(void **state)
{
	struct checklist	*cl = load_real();
	size_t			 i;

	for (i = 0; i < cl->nitems; i++) {
		const struct item *it = &cl->items[i];

		assert_non_null(it->title);
		assert_non_null(it->why);
		assert_non_null(it->fix);
		if (strstr(it->why, "Draft") != NULL ||
		    strstr(it->fix, "Draft") != NULL ||
		    strcmp(it->title, it->id) == 0)
			fail_msg("%s still has draft texts", it->id);
		if (strlen(it->title) > 70)
			fail_msg("%s: title over 70 bytes", it->id);
		if (strlen(it->why) < 40 || strlen(it->fix) < 40)
			fail_msg("%s: why/fix too short to help", it->id);
		assert_true(it->severity > SEVERITY_NONE);
		assert_true(it->stage >= 1 && it->stage <= STAGE_COUNT);
		assert_ptr_equal(checklist_item(cl, it->id), it);
		if (it->check != NULL) {
			assert_string_equal(it->id, it->check);
			assert_null(it->hint);
		} else
			assert_int_equal(strncmp(it->id, "manual.", 7), 0);
	}
	assert_null(checklist_item(cl, "dns.nope"));
	checklist_free(cl);
}

/* Every entry of the registry is exactly one item. */
static void
test_real_registry(void **state)
{
	struct checklist	*cl = load_real();
	size_t			 i, j, n, checks = 0;

	for (i = 0; i < check_count(); i++) {
		n = 0;
		for (j = 0; j < cl->nitems; j++) {
			if (cl->items[j].check != NULL &&
			    strcmp(cl->items[j].check, check_at(i)->id) == 0)
				n++;
		}
		if (n != 1)
			fail_msg("check %s is on %zu items", check_at(i)->id,
			    n);
	}
	for (j = 0; j < cl->nitems; j++) {
		if (cl->items[j].check != NULL)
			checks++;
	}
	assert_int_equal(checks, i);
	checklist_free(cl);
}

/*
 * The default severity CHECKS.md gives in a row's last column: the first
 * "fail SEVERITY", else the first "warn SEVERITY", else info when only
 * info is named; NONE when the row names none ("result as RFC 7208...").
 */
static enum severity
catalogue_severity(const char *column)
{
	static const char *const verbs[] = { "fail ", "warn " };
	static const char *const names[] = { "critical", "high", "medium" };
	static const enum severity sevs[] = { SEVERITY_CRITICAL,
	    SEVERITY_HIGH, SEVERITY_MEDIUM };
	const char	*p;
	size_t		 v, i;

	for (v = 0; v < nitems(verbs); v++) {
		for (p = strstr(column, verbs[v]); p != NULL;
		    p = strstr(p + 1, verbs[v])) {
			for (i = 0; i < nitems(names); i++) {
				if (strncmp(p + 5, names[i],
				    strlen(names[i])) == 0)
					return sevs[i];
			}
		}
	}
	return strstr(column, "info") != NULL ? SEVERITY_INFO : SEVERITY_NONE;
}

/* Every id in the table rows of CHECKS.md is an item, with its severity. */
static void
test_real_catalogue(void **state)
{
	struct checklist	*cl;
	const char		*dir = getenv("SHARED_DIR");
	char			*path, line[1024], *column;
	FILE			*f;
	size_t			 n = 0, nsev = 0;
	enum severity		 sev;

	if (dir == NULL)
		dir = "../shared";
	path = xprintf("%s/CHECKS.md", dir);
	if ((f = fopen(path, "r")) == NULL) {
		print_message("skipped: %s is absent; the catalogue cannot be "
		    "compared\n", path);
		free(path);
		skip();
	}
	cl = load_real();
	while (fgets(line, sizeof line, f) != NULL) {
		char *id, *end;

		if (strncmp(line, "| `", 3) != 0)
			continue;
		id = line + 3;
		if ((end = strchr(id, '`')) == NULL)
			continue;
		*end = '\0';
		if (checklist_item(cl, id) == NULL)
			fail_msg("%s of CHECKS.md is not an item", id);
		assert_non_null(checklist_item(cl, id)->check);
		column = strrchr(end + 1, '|');
		*column = '\0';
		column = strrchr(end + 1, '|');
		sev = catalogue_severity(column);
		if (sev != SEVERITY_NONE &&
		    checklist_item(cl, id)->severity != sev)
			fail_msg("%s: severity %s, CHECKS.md says %s", id,
			    severity_name(checklist_item(cl, id)->severity),
			    severity_name(sev));
		if (sev != SEVERITY_NONE)
			nsev++;
		assert_non_null(check_find(id));
		n++;
	}
	fclose(f);
	free(path);
	/* The catalogue's size: a parse that finds nothing must fail. */
	assert_true(n >= 40);
	assert_true(nsev >= n - 4);
	checklist_free(cl);
}

/* Every manual item of CHECKS.md exists, in its stage, with its hint. */
static void
test_real_manual(void **state)
{
	struct checklist	*cl = load_real();
	size_t			 i, manual = 0;

	for (i = 0; i < nitems(manual_items); i++) {
		const struct item *it = checklist_item(cl, manual_items[i].id);

		if (it == NULL)
			fail_msg("manual item %s is missing", manual_items[i].id);
		assert_null(it->check);
		assert_true(*it->title != '\0' && *it->why != '\0' &&
		    *it->fix != '\0');
		if (it->stage != manual_items[i].stage)
			fail_msg("%s is in stage %d, not %d", it->id,
			    it->stage, manual_items[i].stage);
		if (manual_items[i].hint == NULL)
			assert_null(it->hint);
		else {
			assert_non_null(it->hint);
			assert_string_equal(it->hint, manual_items[i].hint);
		}
	}
	for (i = 0; i < cl->nitems; i++) {
		if (cl->items[i].check == NULL)
			manual++;
	}
	assert_int_equal(manual, nitems(manual_items));
	checklist_free(cl);
}

/*
 * A checklist with six one-item stages; item, when not NULL, is written
 * as stage 1's items (on the file's line 5 onwards).
 */
static char *
write_cfg(const char *item, const char *stage1)
{
	char	 tmpl[] = "/tmp/test-checklist-XXXXXX";
	FILE	*f;
	int	 fd, i;

	if ((fd = mkstemp(tmpl)) == -1)
		fail_msg("mkstemp failed");
	f = fdopen(fd, "w");
	fputs("version = 1;\nstages = (\n", f);
	for (i = 1; i <= STAGE_COUNT; i++) {
		fprintf(f, "{ number = %d; hours = [%d, %d]; name = \"S%d\"; "
		    "goal = \"G\";\n  items = (\n", i, (i - 1) * 8, i * 8, i);
		if (i == 1 && stage1 != NULL)
			fputs(stage1, f);
		else if (i == 1)
			fputs(item, f);
		else
			fprintf(f, "{ manual = \"m%d\"; severity = \"high\"; "
			    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", i);
		fprintf(f, "  );\n}%s\n", i < STAGE_COUNT ? "," : "");
	}
	fputs(");\n", f);
	fclose(f);
	return xstrdup(tmpl);
}

/* Loads cfg text; asserts it fails with "PATH:LINE:" and text in it. */
static void
expect_error(const char *item, const char *stage1, int line,
    const char *text)
{
	struct checklist	*cl;
	char			*path = write_cfg(item, stage1), *err = NULL;
	char			*prefix = xprintf("%s:%d: ", path, line);

	cl = checklist_load(path, &err);
	if (cl != NULL)
		fail_msg("loaded a bad checklist (%s)", text);
	assert_non_null(err);
	if (strncmp(err, prefix, strlen(prefix)) != 0 ||
	    strstr(err, text) == NULL)
		fail_msg("error \"%s\": wanted \"%s...%s\"", err, prefix, text);
	unlink(path);
	free(prefix);
	free(path);
	free(err);
}

#define OK_ITEM(extra) "{ check = \"dns.apex\"; severity = \"high\"; " \
	"title = \"T\"; why = \"W\"; fix = \"F\";" extra " }\n"

/* The generator itself makes a valid file (so the failures below mean it). */
static void
test_loader_valid(void **state)
{
	struct checklist	*cl;
	char			*path, *err = NULL;

	path = write_cfg(OK_ITEM(""), NULL);
	cl = checklist_load(path, &err);
	assert_non_null(cl);
	assert_int_equal(cl->nitems, 6);
	assert_string_equal(cl->items[0].id, "dns.apex");
	assert_string_equal(cl->items[1].id, "manual.m2");
	assert_int_equal(cl->items[0].severity, SEVERITY_HIGH);
	checklist_free(cl);
	unlink(path);
	free(path);

	path = write_cfg(NULL, "{ manual = \"x\"; severity = \"info\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; hint = \"tls.renewal\"; "
	    "}\n");
	cl = checklist_load(path, &err);
	assert_non_null(cl);
	assert_string_equal(cl->items[0].hint, "tls.renewal");
	checklist_free(cl);
	unlink(path);
	free(path);
}

static void
test_loader_errors(void **state)
{
	expect_error("{ check = \"dns.nope\"; severity = \"high\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", NULL, 5,
	    "unknown check id \"dns.nope\"");
	expect_error(NULL, "{ check = \"dns.apex\"; severity = \"high\"; title = \"T\"; "
	    "why = \"W\"; fix = \"F\"; },\n" OK_ITEM(""), 6,
	    "duplicate item \"dns.apex\"");
	expect_error(NULL, "{ manual = \"m2\"; severity = \"high\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", 10,
	    "duplicate item \"manual.m2\"");
	expect_error("{ check = \"dns.apex\"; severity = \"high\"; "
	    "why = \"W\"; fix = \"F\"; }\n", NULL, 5, "missing \"title\"");
	expect_error("{ check = \"dns.apex\"; severity = \"high\"; "
	    "title = \"T\"; fix = \"F\"; }\n", NULL, 5, "missing \"why\"");
	expect_error("{ check = \"dns.apex\"; severity = \"high\"; "
	    "title = \"T\"; why = \"\"; fix = \"F\"; }\n", NULL, 5,
	    "missing \"why\"");
	expect_error("{ check = \"dns.apex\"; severity = \"high\"; "
	    "title = \"T\"; why = \"W\"; }\n", NULL, 5, "missing \"fix\"");
	expect_error("{ check = \"dns.apex\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", NULL, 5,
	    "missing \"severity\"");
	expect_error("{ check = \"dns.apex\"; severity = \"severe\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", NULL, 5,
	    "severity \"severe\" is not one of");
	expect_error("{ check = \"dns.apex\"; severity = \"none\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", NULL, 5,
	    "severity \"none\"");
	expect_error("{ manual = \"x\"; severity = \"high\"; title = \"T\"; "
	    "why = \"W\"; fix = \"F\"; hint = \"dns.nope\"; }\n", NULL, 5,
	    "hint: unknown check id \"dns.nope\"");
	expect_error("{ manual = \"x\"; severity = \"high\"; title = \"T\"; "
	    "why = \"W\"; fix = \"F\"; hint = 3; }\n", NULL, 5,
	    "\"hint\" must be a check id");
	expect_error(OK_ITEM(" hint = \"dns.ns\";"), NULL, 5,
	    "\"hint\" is for manual items");
	expect_error("{ severity = \"high\"; title = \"T\"; why = \"W\"; "
	    "fix = \"F\"; }\n", NULL, 5, "exactly one of");
	expect_error("{ manual = \"Bad Name\"; severity = \"high\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; }\n", NULL, 5,
	    "lower-case letters");
	/* Syntax errors: libconfig's message with the file and line. */
	expect_error("{ check = \"dns.apex\"; severity = ; }\n", NULL,
	    5, "syntax error");
	expect_error(NULL, "{ manual = \"x\"; severity = \"high\"; title = \"T\"; "
	    "why = \"W\"; fix = \"F\"; },\n{ manual = = \"y\"; }\n", 6,
	    "syntax error");
}

/* Stages out of order or with broken hours are refused with their line. */
static void
test_loader_stages(void **state)
{
	struct checklist	*cl;
	char			*path, *err = NULL;
	FILE			*f;
	int			 i;

	path = xstrdup("/tmp/test-checklist-stages.cfg");
	f = fopen(path, "w");
	fputs("stages = ( { number = 1; hours = [0, 4]; name = \"A\"; "
	    "goal = \"G\"; items = ( { manual = \"a\"; severity = \"info\"; "
	    "title = \"T\"; why = \"W\"; fix = \"F\"; } ); } );\n", f);
	fclose(f);
	cl = checklist_load(path, &err);
	assert_null(cl);
	assert_non_null(strstr(err, "exactly 6 stages"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(strncmp(err + strlen(path), ":1: ", 4), 0);
	free(err);
	err = NULL;

	/* A directory cannot be read as a checklist. */
	cl = checklist_load("/tmp", &err);
	assert_null(cl);
	assert_string_equal(err, "/tmp: cannot read the checklist");
	free(err);
	err = NULL;

	/* Stage hours must run from 0 to 48 without gaps. */
	f = fopen(path, "w");
	fputs("stages = (\n", f);
	for (i = 1; i <= STAGE_COUNT; i++)
		fprintf(f, "{ number = %d; hours = [%d, %d]; name = \"A\"; "
		    "goal = \"G\"; items = ( { manual = \"a%d\"; severity = "
		    "\"info\"; title = \"T\"; why = \"W\"; fix = \"F\"; } ); }%s\n",
		    i, i == 4 ? 25 : (i - 1) * 8, i * 8, i,
		    i < STAGE_COUNT ? "," : "");
	fputs(");\n", f);
	fclose(f);
	cl = checklist_load(path, &err);
	assert_null(cl);
	assert_non_null(strstr(err, ":5: stage 4's hours [25, 32] must follow"));
	free(err);
	err = NULL;

	cl = checklist_load("/nonexistent/checklist.cfg", &err);
	assert_null(cl);
	assert_non_null(strstr(err, "/nonexistent/checklist.cfg"));
	free(err);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_stages),
		cmocka_unit_test(test_real_texts),
		cmocka_unit_test(test_real_registry),
		cmocka_unit_test(test_real_catalogue),
		cmocka_unit_test(test_real_manual),
		cmocka_unit_test(test_loader_valid),
		cmocka_unit_test(test_loader_errors),
		cmocka_unit_test(test_loader_stages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
