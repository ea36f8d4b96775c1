/* test-baseline.c: the JSON reader and the comparison of two audits. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* Parses s, expecting failure with a message containing word. */
static void
refuse(const char *s, const char *word)
{
	char		*err = NULL;
	struct json	*j = json_parse(s, strlen(s), &err);

	if (j != NULL)
		fail_msg("accepted: %s", s);
	assert_non_null(err);
	if (strstr(err, word) == NULL)
		fail_msg("%s: message \"%s\" lacks \"%s\"", s, err, word);
	free(err);
}

static void
test_json_values(void **state)
{
	const char	*s = "{\"a\": [1, -2.5e2, true, false, null], "
	    "\"s\": \"x\\\"\\u00e9\\ud83d\\ude00\\n\", \"o\": {}}";
	struct json	*j;
	const struct json *a;
	char		*err = NULL;

	(void)state;
	j = json_parse(s, strlen(s), &err);
	assert_non_null(j);
	a = json_get(j, "a");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->n, 5);
	assert_true(a->v[1]->num == -250.0);
	assert_true(a->v[2]->b);
	assert_int_equal(a->v[4]->type, JSON_NULL);
	assert_string_equal(json_get_string(j, "s"),
	    "x\"\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(json_get(j, "o")->type, JSON_OBJECT);
	assert_null(json_get(j, "missing"));
	assert_null(json_get_string(j, "a"));
	json_free(j);
}

static void
test_json_refusals(void **state)
{
	char	deep[200];
	size_t	i;

	(void)state;
	refuse("", "end of input");
	refuse("{\"a\" 1}", "expected ':'");
	refuse("{\"a\": 1,}", "member name");
	refuse("[1 2]", "expected ','");
	refuse("\"abc", "unterminated");
	refuse("\"a\x01\"", "control character");
	refuse("\"\\u0000\"", "NUL");
	refuse("\"\\x\"", "bad escape");
	refuse("01", "text after");
	refuse("-", "bad number");
	refuse("1.", "bad number");
	refuse("tru", "unexpected");
	refuse("{}\n\n{}", "line 3");
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	deep[i] = '\0';
	refuse(deep, "nested too deeply");
}

/* An audit's JSON with three checks in the given states. */
static struct baseline *
audit(const char *dns, const char *tls, const char *hsts)
{
	char		*s, *err = NULL;
	struct baseline	*b;

	s = xprintf("{\"tool\": \"launchready\", \"domain\": \"acme.test\", "
	    "\"started\": \"2026-12-01T10:00:00Z\", \"checks\": ["
	    "{\"id\": \"dns.apex\", %s, \"title\": \"Apex\"},"
	    "{\"id\": \"tls.expiry\", %s},"
	    "{\"id\": \"http.hsts\", %s}]}", dns, tls, hsts);
	b = baseline_parse(s, strlen(s), "t.json", &err);
	if (b == NULL)
		fail_msg("%s", err);
	free(s);
	return b;
}

#define PASS "\"status\": \"pass\", \"severity\": \"none\""
#define WARN "\"status\": \"warn\", \"severity\": \"medium\""
#define FAILH "\"status\": \"fail\", \"severity\": \"high\""
#define FAILC "\"status\": \"fail\", \"severity\": \"critical\""
#define ERR "\"status\": \"error\", \"severity\": \"none\""

static void
test_compare(void **state)
{
	struct baseline		*before, *after;
	struct comparison	 cmp;
	struct buf		 b = { 0 };

	(void)state;
	before = audit(PASS, FAILH, WARN);
	after = audit(FAILH, PASS, WARN);
	assert_string_equal(before->checks[0].title, "Apex");
	assert_string_equal(before->checks[1].title, "tls.expiry");
	baseline_compare(before, after, &cmp);
	assert_int_equal(comparison_change(&cmp, "dns.apex"),
	    CHANGE_REGRESSED);
	assert_int_equal(comparison_change(&cmp, "tls.expiry"), CHANGE_FIXED);
	assert_int_equal(comparison_change(&cmp, "http.hsts"),
	    CHANGE_UNCHANGED);
	assert_true(comparison_fails(&cmp, SEVERITY_HIGH));
	assert_false(comparison_fails(&cmp, SEVERITY_CRITICAL));
	comparison_text(&cmp, &b);
	assert_non_null(strstr(b.data, "regressed  dns.apex"));
	assert_non_null(strstr(b.data, "pass -> fail high"));
	assert_non_null(strstr(b.data, "1 check unchanged\n"));
	/* The text ends with the count line. */
	assert_non_null(strstr(b.data,
	    "since the baseline: 1 regressed, 1 fixed\n"));
	assert_string_equal(b.data + b.len - strlen("1 fixed\n"), "1 fixed\n");
	buf_free(&b);
	comparison_json(&cmp, &b);
	assert_non_null(strstr(b.data, "\"regressed\": 1, \"unchanged\": 1"));
	assert_non_null(strstr(b.data, "{\"id\": \"tls.expiry\", \"change\": "
	    "\"fixed\", \"before\": {\"status\": \"fail\", \"severity\": "
	    "\"high\"}"));
	buf_free(&b);
	comparison_clear(&cmp);
	baseline_free(before);
	baseline_free(after);

	/* Worse severity is a regression; errors move nothing; new checks. */
	before = audit(ERR, FAILH, WARN);
	after = audit(PASS, FAILC, FAILH);
	baseline_compare(before, after, &cmp);
	assert_int_equal(comparison_change(&cmp, "dns.apex"),
	    CHANGE_UNCHANGED);
	assert_int_equal(comparison_change(&cmp, "tls.expiry"),
	    CHANGE_REGRESSED);
	assert_int_equal(comparison_change(&cmp, "http.hsts"),
	    CHANGE_REGRESSED);
	comparison_clear(&cmp);
	baseline_free(before);
	before = baseline_new("acme.test", "x");
	baseline_add(before, "dns.apex", NULL, STATUS_PASS, SEVERITY_NONE);
	baseline_compare(before, after, &cmp);
	assert_int_equal(cmp.counts[CHANGE_NEW], 2);
	assert_int_equal(comparison_change(&cmp, "tls.expiry"), CHANGE_NEW);
	assert_true(comparison_fails(&cmp, SEVERITY_CRITICAL));
	comparison_clear(&cmp);
	baseline_free(before);
	baseline_free(after);
}

static void
test_not_an_audit(void **state)
{
	const char	*bad[] = {
		"[]",
		"{\"tool\": \"other\", \"domain\": \"a.test\", \"checks\": []}",
		"{\"tool\": \"launchready\", \"domain\": \"a.test\"}",
		"{\"tool\": \"launchready\", \"domain\": \"a.test\", \"checks\": "
		    "[{\"id\": \"x\", \"status\": \"great\"}]}",
		"{\"tool\": \"launchready\", \"domain\": \"a.test\", \"checks\": "
		    "[{\"id\": \"x\", \"status\": \"pass\"}, "
		    "{\"id\": \"x\", \"status\": \"fail\"}]}",
		"{\"tool\": \"launchready\", \"domain\":",
	};
	size_t		 i;
	char		*err;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		err = NULL;
		assert_null(baseline_parse(bad[i], strlen(bad[i]), "b.json",
		    &err));
		assert_non_null(err);
		if (strncmp(err, "b.json: ", 8) != 0)
			fail_msg("%s: %s", bad[i], err);
		free(err);
	}
	err = NULL;
	assert_null(baseline_load("/nonexistent/b.json", &err));
	assert_non_null(strstr(err, "cannot read"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_refusals),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_not_an_audit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
