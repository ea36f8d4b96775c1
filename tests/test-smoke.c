/* test-smoke.c: the smoke plan's reader, variables, redaction, JSON paths. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"

#define GOOD								\
	"smoke = {\n"							\
	"  secrets = [ \"SMOKE_USER\", \"SMOKE_PASSWORD\" ];\n"	\
	"  steps = (\n"							\
	"    { name = \"App opens\"; url = \"https://app.example.com/\";"	\
	" expect = 200; max_ms = 3000; },\n"				\
	"    { name = \"Log in\"; method = \"post\";\n"			\
	"      url = \"https://api.example.com/v1/login\";\n"		\
	"      headers = [ \"Content-Type: application/json\" ];\n"	\
	"      body = \"{\\\"email\\\":\\\"${SMOKE_USER}\\\","		\
	"\\\"password\\\":\\\"${SMOKE_PASSWORD}\\\"}\";\n"		\
	"      expect = 200; capture = { TOKEN = \"token\"; }; },\n"	\
	"    { name = \"Dashboard\"; url = \"https://api.example.com/v1/d\";\n" \
	"      headers = [ \"Authorization: Bearer ${TOKEN}\" ];\n"	\
	"      expect = 200; expect_json = \"items\"; },\n"		\
	"    { name = \"One write\"; url = \"https://api.example.com/n\";\n" \
	"      body = \"{}\"; expect = [ 200, 201 ]; }\n"		\
	"  );\n"							\
	"};\n"

/* The plan of SPEC.md reads as written, with defaults filled in. */
static void
test_good(void **state)
{
	struct smoke_plan	*p;
	char			*err = NULL;

	(void)state;
	p = smoke_parse(GOOD, "plan.cfg", &err);
	if (p == NULL)
		fail_msg("%s", err);
	assert_int_equal(p->nsteps, 4);
	assert_int_equal(p->secrets.n, 2);
	assert_string_equal(p->steps[0].method, "GET");
	assert_int_equal(p->steps[0].max_ms, 3000);
	assert_string_equal(p->steps[1].method, "POST");
	assert_string_equal(p->steps[1].capture_names.v[0], "TOKEN");
	assert_string_equal(p->steps[1].capture_paths.v[0], "token");
	assert_string_equal(p->steps[2].expect_json, "items");
	/* A body without a method is a POST; a list of statuses is kept. */
	assert_string_equal(p->steps[3].method, "POST");
	assert_int_equal(p->steps[3].nexpect, 2);
	assert_int_equal(p->steps[3].expect[1], 201);
	assert_int_equal(p->steps[2].line, 10);
	smoke_free(p);
}

/* Each mistake is refused with the file, the line and what is wrong. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "smoke = {\n steps = ( { name = \"a\"; url = ; } );\n};\n",
		  "plan.cfg:2: syntax error" },
		{ "other = 1;\n", "plan.cfg:1: no \"smoke" },
		{ "smoke = { steps = (); };\n", "plan.cfg:1: \"steps\" must be" },
		{ "smoke = {\n steps = (\n { url = \"https://x/\"; }\n );\n};\n",
		  "plan.cfg:3: a step needs a \"name\"" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"ftp://x/\"; }"
		  "\n );\n};\n", "plan.cfg:3: step \"a\" needs a \"url\"" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"https://x/\";\n"
		  "   expect = 999; }\n );\n};\n",
		  "plan.cfg:4: 999 is not an HTTP status" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"https://x/\";\n"
		  "   expcet = 200; }\n );\n};\n",
		  "plan.cfg:4: unknown setting \"expcet\"" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = "
		  "\"https://x/${TOKEN}\"; }\n );\n};\n",
		  "plan.cfg:3: url uses ${TOKEN}, which is neither" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"https://x/\";"
		  " method = \"FETCH\"; }\n );\n};\n",
		  "plan.cfg:3: method \"FETCH\"" },
		{ "smoke = {\n secrets = [ \"1BAD\" ];\n steps = (\n { name = \"a\";"
		  " url = \"https://x/\"; }\n );\n};\n",
		  "plan.cfg:2: \"1BAD\" is not an environment variable name" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"https://x/\";\n"
		  "   headers = [ \"no colon\" ]; }\n );\n};\n",
		  "plan.cfg:4: a header must be one" },
		{ "smoke = {\n steps = (\n { name = \"a\"; url = \"https://x/\";\n"
		  "   max_ms = -5; }\n );\n};\n",
		  "plan.cfg:4: \"max_ms\" must be" },
	};
	size_t	i;
	char	*err;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		err = NULL;
		if (smoke_parse(cases[i].text, "plan.cfg", &err) != NULL)
			fail_msg("case %zu was accepted", i);
		if (err == NULL || strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
			    cases[i].want, err ? err : "(null)");
		free(err);
	}
}

/* Expansion uses known values; an unknown one is an error, not "". */
static void
test_expand(void **state)
{
	struct smoke_vars	 v = { 0 };
	char			*s, *err = NULL;

	(void)state;
	smoke_vars_set(&v, "USER", "ada@example.com");
	smoke_vars_set(&v, "TOKEN", "t0k3n-value");
	s = smoke_expand("Bearer ${TOKEN} for ${USER} costs $5", &v, &err);
	assert_string_equal(s, "Bearer t0k3n-value for ada@example.com costs $5");
	free(s);
	assert_null(smoke_expand("${NOPE}", &v, &err));
	assert_non_null(strstr(err, "${NOPE} has no value"));
	free(err);
	smoke_vars_clear(&v);
}

/* Every form of a secret value is redacted; controls are escaped. */
static void
test_redact(void **state)
{
	struct smoke_vars	 v = { 0 };
	const char		*body = "{\"user\":\"ada@example.com\","
				    "\"pw\":\"p\\\"w d\",\"q\":\"p%22w%20d\"}\x1b[31m\n";
	char			*s;

	(void)state;
	smoke_vars_set(&v, "SMOKE_USER", "ada@example.com");
	smoke_vars_set(&v, "SMOKE_PASSWORD", "p\"w d");
	s = smoke_redact(body, strlen(body), &v);
	assert_null(strstr(s, "ada@example.com"));
	assert_null(strstr(s, "w d"));
	assert_null(strstr(s, "%20d"));
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\n'));
	assert_non_null(strstr(s, "\"user\":\"${SMOKE_USER}\""));
	assert_non_null(strstr(s, "\"pw\":\"${SMOKE_PASSWORD}\""));
	assert_non_null(strstr(s, "\"q\":\"${SMOKE_PASSWORD}\""));
	assert_non_null(strstr(s, "\\x1b[31m\\n"));
	free(s);
	smoke_vars_clear(&v);
}

/* Dotted paths reach into objects and arrays. */
static void
test_json_path(void **state)
{
	const char	*j = "{\"token\":\"abc\",\"data\":{\"user\":{\"id\":42}},"
			    "\"items\":[{\"n\":\"first\"},{\"n\":\"second\"}],"
			    "\"ok\":true}";
	char		*out = NULL;

	(void)state;
	assert_int_equal(smoke_json_path(j, strlen(j), "token", &out), 0);
	assert_string_equal(out, "abc");
	free(out);
	assert_int_equal(smoke_json_path(j, strlen(j), "data.user.id", &out),
	    0);
	assert_string_equal(out, "42");
	free(out);
	assert_int_equal(smoke_json_path(j, strlen(j), "items.1.n", &out), 0);
	assert_string_equal(out, "second");
	free(out);
	assert_int_equal(smoke_json_path(j, strlen(j), "items", &out), 0);
	free(out);
	assert_int_equal(smoke_json_path(j, strlen(j), "items.2.n", &out), -1);
	assert_int_equal(smoke_json_path(j, strlen(j), "nope", &out), -1);
	assert_int_equal(smoke_json_path("<html>", 6, "token", &out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_json_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
