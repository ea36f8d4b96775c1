/* test-cmdline.c: domain names and the command line. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "launchready.h"

/* ---- domain_normalise ------------------------------------------------- */

static void
assert_domain(const char *in, const char *ascii, const char *unicode)
{
	char	*a, *u, *err = NULL;

	if (domain_normalise(in, &a, &u, &err) != 0)
		fail_msg("\"%s\" refused: %s", in, err);
	assert_string_equal(a, ascii);
	assert_string_equal(u, unicode);
	assert_true(domain_is_hostname(a));
	free(a);
	free(u);
}

static void
assert_bad_domain(const char *in, const char *message)
{
	char	*a = (char *)"x", *u = (char *)"x", *err = NULL;

	if (domain_normalise(in, &a, &u, &err) != -1)
		fail_msg("\"%s\" accepted as %s", in, a);
	assert_null(a);
	assert_null(u);
	assert_non_null(err);
	if (strstr(err, message) == NULL)
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", in, err,
		    message);
	free(err);
}

/* A name of n bytes made of labels of at most 63. */
static char *
long_name(size_t n)
{
	char	*s = xmalloc(n + 1);
	size_t	 i;

	for (i = 0; i < n; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	s[n] = '\0';
	if (s[n - 1] == '.')
		s[n - 1] = 'b';
	return s;
}

static void
test_domain_good(void **state)
{
	char	*name, *label;

	assert_domain("example.com", "example.com", "example.com");
	assert_domain("Example.COM", "example.com", "example.com");
	assert_domain("example.com.", "example.com", "example.com");
	assert_domain("  acme.test \n", "acme.test", "acme.test");
	assert_domain("a-b.c0.test", "a-b.c0.test", "a-b.c0.test");
	assert_domain("bücher.example", "xn--bcher-kva.example",
	    "bücher.example");
	assert_domain("xn--bcher-kva.example", "xn--bcher-kva.example",
	    "bücher.example");
	assert_domain("XN--BCHER-KVA.example", "xn--bcher-kva.example",
	    "bücher.example");
	assert_domain("BÜCHER.example", "xn--bcher-kva.example",
	    "bücher.example");
	assert_domain("bücher.example.", "xn--bcher-kva.example",
	    "bücher.example");
	/* Labels of 63 and names of 253 are the limits, inclusive. */
	label = long_name(63);
	name = xprintf("%s.test", label);
	assert_domain(name, name, name);
	free(name);
	free(label);
	name = long_name(253);
	assert_domain(name, name, name);
	free(name);
}

static void
test_domain_bad(void **state)
{
	char	*name, *label;

	assert_bad_domain("", "empty");
	assert_bad_domain("   ", "empty");
	assert_bad_domain(".", "empty");
	assert_bad_domain("a..b.test", "empty label");
	assert_bad_domain(".acme.test", "empty label");
	assert_bad_domain("acme.test..", "empty label");
	assert_bad_domain("localhost", "no dot");
	label = long_name(64);
	label[63] = 'a';
	name = xprintf("www.%s.test", label);
	assert_bad_domain(name, "label 2 of");
	assert_bad_domain(name, "longer than 63");
	free(name);
	free(label);
	name = long_name(254);
	assert_bad_domain(name, "longer than 253");
	free(name);
	assert_bad_domain("exa mple.com", "character ' '");
	assert_bad_domain("ex!ample.com", "character '!'");
	assert_bad_domain("ex@mple.com", "character '@'");
	assert_bad_domain("-acme.test", "hyphen");
	assert_bad_domain("acme-.test", "hyphen");
	assert_bad_domain("https://acme.test/", "is a URL");
	assert_bad_domain("http://acme.test", "is a URL");
	assert_bad_domain("acme.test/login", "is a URL");
	assert_bad_domain("192.168.1.10", "IP address");
	assert_bad_domain("10.0.0.1.", "IP address");
	assert_bad_domain("2001:db8::1", "IP address");
	assert_bad_domain("[::1]", "IP address");
	assert_bad_domain("xn--zz-.test", "xn--");
	assert_bad_domain("b\xfc" "cher.example", "internationalised");
	/* A long IDN: the ASCII form is what counts against 63. */
	assert_bad_domain("ü"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test",
	    "");
}

/* ---- cmdline_parse ---------------------------------------------------- */

/* Parses a NULL-terminated argument list (argv[0] is added). */
static int
parse(struct cmdline *cl, char **err, ...)
{
	char	*argv[64];
	int	 argc = 0, r;
	va_list	 ap;
	char	*a;

	argv[argc++] = xstrdup("launchready");
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) != NULL)
		argv[argc++] = xstrdup(a);
	va_end(ap);
	argv[argc] = NULL;
	r = cmdline_parse(cl, argc, argv, err);
	while (argc > 0)
		free(argv[--argc]);
	return r;
}

/* Asserts a usage error whose message holds text. */
#define BAD(text, ...) do {						\
	struct cmdline	 bad_cl;					\
	char		*bad_err = NULL;				\
									\
	assert_int_equal(parse(&bad_cl, &bad_err, __VA_ARGS__, NULL),	\
	    EXIT_USAGE);						\
	assert_non_null(bad_err);					\
	if (strstr(bad_err, text) == NULL)				\
		fail_msg("message \"%s\" lacks \"%s\"", bad_err, text);	\
	free(bad_err);							\
	cmdline_clear(&bad_cl);						\
} while (0)

static void
test_cmdline_commands(void **state)
{
	struct cmdline	 cl;
	char		*err = NULL;

	unsetenv("NO_COLOR");
	assert_int_equal(parse(&cl, &err, NULL), 0);
	assert_int_equal(cl.command, COMMAND_START);
	assert_null(cl.arg);
	assert_int_equal(cl.fail_on, SEVERITY_HIGH);
	assert_int_equal(cl.format, FORMAT_TEXT);
	assert_false(cl.opt.no_color);
	assert_int_equal(cl.opt.timeout, OPTIONS_DEFAULT_TIMEOUT);
	cmdline_clear(&cl);

	assert_int_equal(parse(&cl, &err, "--help", NULL), 0);
	assert_int_equal(cl.command, COMMAND_HELP);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "audit", "--version", NULL), 0);
	assert_int_equal(cl.command, COMMAND_VERSION);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "help", NULL), 0);
	assert_int_equal(cl.command, COMMAND_HELP);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "list", NULL), 0);
	assert_int_equal(cl.command, COMMAND_LIST);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "new", NULL), 0);
	assert_int_equal(cl.command, COMMAND_NEW);
	assert_null(cl.opt.domain);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "new", "Bücher.Example", NULL), 0);
	assert_string_equal(cl.opt.domain, "xn--bcher-kva.example");
	assert_string_equal(cl.opt.domain_unicode, "bücher.example");
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "resume", "acme-test", NULL), 0);
	assert_int_equal(cl.command, COMMAND_RESUME);
	assert_string_equal(cl.arg, "acme-test");
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "resume", NULL), 0);
	assert_null(cl.arg);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "report", "acme-test", NULL), 0);
	assert_int_equal(cl.command, COMMAND_REPORT);
	assert_int_equal(cl.format, FORMAT_MD);
	assert_null(cl.output);
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "report", "acme-test", "--format",
	    "html", "-o", "out.html", NULL), 0);
	assert_int_equal(cl.format, FORMAT_HTML);
	assert_string_equal(cl.output, "out.html");
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "report", "--output=r.json", "x",
	    "--format=json", NULL), 0);
	assert_int_equal(cl.format, FORMAT_JSON);
	assert_string_equal(cl.output, "r.json");
	assert_string_equal(cl.arg, "x");
	cmdline_clear(&cl);

	setenv("NO_COLOR", "1", 1);
	assert_int_equal(parse(&cl, &err, "list", NULL), 0);
	assert_true(cl.opt.no_color);
	cmdline_clear(&cl);
	setenv("NO_COLOR", "", 1);
	assert_int_equal(parse(&cl, &err, "list", NULL), 0);
	assert_false(cl.opt.no_color);
	cmdline_clear(&cl);
	unsetenv("NO_COLOR");
	assert_null(err);
	assert_non_null(strstr(cmdline_usage(), "--fail-on"));
}

static void
test_cmdline_audit_options(void **state)
{
	struct cmdline	 cl;
	char		*err = NULL;

	assert_int_equal(parse(&cl, &err, "audit", "ACME.test.",
	    "--resolver", "127.0.0.1:5353, [::1]:53", "--port-map",
	    "80:8080,443:8443", "--cacert", "/dev/null", "--subdomains",
	    "app,api", "--subdomains", "admin", "--dkim-selectors", "s1,s2",
	    "--repo", ".", "--timeout", "3", "--session-dir", "/tmp/sess",
	    "--no-color", "--login-url", "https://app.acme.test/login",
	    "--health-url", "http://acme.test/health", "--api-url",
	    "https://api.acme.test/v1", "--api-url",
	    "https://api.acme.test/v2", "--email", "yes", "--sender-ip",
	    "192.0.2.1", "--allow-active", "--format", "json", "--only",
	    "dns,1", "--only", "tls.expiry", "--fail-on", "critical", NULL),
	    EXIT_USAGE);
	/* /dev/null is not a regular file: --cacert refuses it. */
	assert_non_null(strstr(err, "--cacert /dev/null"));
	free(err);
	err = NULL;
	cmdline_clear(&cl);

	assert_int_equal(parse(&cl, &err, "audit", "ACME.test.",
	    "--resolver", "127.0.0.1:5353, [::1]:53", "--port-map",
	    "80:8080,443:8443", "--cacert", TOP_SRCDIR "/configure.ac",
	    "--subdomains", "app,api", "--subdomains", "admin",
	    "--dkim-selectors", "s1,s2", "--repo", ".", "--timeout", "3",
	    "--session-dir", "/tmp/sess", "--no-color", "--login-url",
	    "https://app.acme.test/login", "--health-url",
	    "http://acme.test/health", "--api-url",
	    "https://api.acme.test/v1", "--api-url",
	    "https://api.acme.test/v2", "--email", "yes", "--sender-ip",
	    "192.0.2.1", "--allow-active", "--format", "json", "--only",
	    "dns,1", "--only", "tls.expiry", "--fail-on", "critical", NULL),
	    0);
	assert_int_equal(cl.command, COMMAND_AUDIT);
	assert_string_equal(cl.opt.domain, "acme.test");
	assert_int_equal(cl.opt.resolvers.n, 2);
	assert_string_equal(cl.opt.resolvers.v[1], "[::1]:53");
	assert_int_equal(cl.opt.nport_map, 2);
	assert_int_equal(options_port(&cl.opt, 443), 8443);
	assert_string_equal(cl.opt.cacert, TOP_SRCDIR "/configure.ac");
	assert_int_equal(cl.opt.subdomains.n, 3);
	assert_string_equal(cl.opt.subdomains.v[2], "admin");
	assert_int_equal(cl.opt.dkim_selectors.n, 2);
	assert_string_equal(cl.opt.repo, ".");
	assert_int_equal(cl.opt.timeout, 3);
	assert_string_equal(cl.opt.session_dir, "/tmp/sess");
	assert_true(cl.opt.no_color);
	assert_string_equal(cl.opt.login_url, "https://app.acme.test/login");
	assert_string_equal(cl.opt.health_url, "http://acme.test/health");
	assert_int_equal(cl.opt.api_urls.n, 2);
	assert_int_equal(cl.opt.email, 1);
	assert_string_equal(cl.opt.sender_ip, "192.0.2.1");
	assert_true(cl.opt.allow_active);
	assert_int_equal(cl.format, FORMAT_JSON);
	assert_int_equal(cl.only.n, 3);
	assert_string_equal(cl.only.v[2], "tls.expiry");
	assert_int_equal(cl.fail_on, SEVERITY_CRITICAL);
	cmdline_clear(&cl);

	assert_int_equal(parse(&cl, &err, "audit", "acme.test", "--email",
	    "no", "--format", "sarif", "--fail-on", "medium", "--sender-ip",
	    "2001:db8::25", "--resolver", "::1", NULL), 0);
	assert_int_equal(cl.opt.email, 0);
	assert_int_equal(cl.format, FORMAT_SARIF);
	assert_int_equal(cl.fail_on, SEVERITY_MEDIUM);
	cmdline_clear(&cl);
	/* Options may come before the command. */
	assert_int_equal(parse(&cl, &err, "--timeout", "5", "audit",
	    "acme.test", "--subdomains", "App, API.acme.test", NULL), 0);
	assert_int_equal(cl.command, COMMAND_AUDIT);
	assert_string_equal(cl.arg, "acme.test");
	assert_string_equal(cl.opt.domain, "acme.test");
	assert_int_equal(cl.opt.timeout, 5);
	assert_string_equal(cl.opt.subdomains.v[0], "app");
	assert_string_equal(cl.opt.subdomains.v[1], "api.acme.test");
	cmdline_clear(&cl);
	assert_int_equal(parse(&cl, &err, "audit", "acme.test", "--format",
	    "md", NULL), 0);
	assert_int_equal(cl.format, FORMAT_MD);
	cmdline_clear(&cl);
	assert_null(err);
}

static void
test_cmdline_bad(void **state)
{
	BAD("unknown command \"frobnicate\"", "frobnicate");
	BAD("unknown option --frob", "audit", "acme.test", "--frob");
	BAD("unknown option", "-x");
	BAD("option --timeout needs a value", "audit", "acme.test",
	    "--timeout");
	BAD("audit needs a DOMAIN", "audit");
	BAD("audit needs a DOMAIN", "audit", "--format", "json");
	BAD("report needs a session NAME", "report");
	BAD("unexpected argument \"b.test\"", "audit", "a.test", "b.test");
	BAD("unexpected argument \"x\"", "list", "x");
	BAD("unknown command \"acme.test\"", "acme.test");
	BAD("is a URL", "audit", "https://acme.test/");
	BAD("empty label", "new", "a..test");
	BAD("--timeout 0: give a number of seconds from 1 to 600", "audit",
	    "acme.test", "--timeout", "0");
	BAD("--timeout 601", "audit", "acme.test", "--timeout", "601");
	BAD("--timeout 5s", "audit", "acme.test", "--timeout", "5s");
	BAD("--timeout : give", "audit", "acme.test", "--timeout", "");
	BAD("--email maybe: give yes or no", "audit", "acme.test", "--email",
	    "maybe");
	BAD("-o needs a file name", "audit", "acme.test", "-o", "");
	BAD("--format xml: give text, json, md", "audit", "acme.test",
	    "--format", "xml");
	BAD("audit --format: give text, json, md or sarif", "audit",
	    "acme.test", "--format", "html");
	BAD("report --format: give md, html or json", "report", "x",
	    "--format", "sarif");
	BAD("report --format: give md, html or json", "report", "x",
	    "--format", "text");
	BAD("--fail-on low: give critical, high or medium", "audit",
	    "acme.test", "--fail-on", "low");
	BAD("--fail-on info", "audit", "acme.test", "--fail-on", "info");
	BAD("--fail-on none", "audit", "acme.test", "--fail-on", "none");
	BAD("--port-map: \"80\" is not FROM:TO", "audit", "acme.test",
	    "--port-map", "80");
	BAD("--port-map is empty", "audit", "acme.test", "--port-map", ",");
	BAD("--port-map: port 80 is mapped twice", "audit", "acme.test",
	    "--port-map", "80:80,443:8443,80:8080");
	BAD("--cacert /nonexistent/ca.pem: no such file", "audit",
	    "acme.test", "--cacert", "/nonexistent/ca.pem");
	BAD("--repo /nonexistent: no such directory", "audit", "acme.test",
	    "--repo", "/nonexistent");
	BAD("--repo " TOP_SRCDIR "/configure.ac: not a directory", "audit",
	    "acme.test", "--repo", TOP_SRCDIR "/configure.ac");
	BAD("--login-url: \"app.acme.test/login\" is not an http:// or "
	    "https:// URL", "audit", "acme.test", "--login-url",
	    "app.acme.test/login");
	BAD("--health-url: \"https:///health\" has no host", "audit",
	    "acme.test", "--health-url", "https:///health");
	BAD("--api-url: \"ftp://x.test\" is not", "audit", "acme.test",
	    "--api-url", "ftp://x.test");
	BAD("--resolver needs ADDR[:PORT]", "audit", "acme.test",
	    "--resolver", " , ");
	BAD("--resolver \"dns.example\": give an IP address", "audit",
	    "acme.test", "--resolver", "dns.example");
	BAD("--resolver \"127.0.0.1:99999\"", "audit", "acme.test",
	    "--resolver", "127.0.0.1:99999");
	BAD("--resolver \"127.0.0.1:\"", "audit", "acme.test",
	    "--resolver", "127.0.0.1:");
	BAD("--resolver \"[::1\"", "audit", "acme.test", "--resolver",
	    "[::1");
	BAD("--subdomains: \"a b\" is not a host name", "audit", "acme.test",
	    "--subdomains", "app,a b");
	BAD("--subdomains: \"-x\"", "new", "--subdomains", "-x");
	BAD("--subdomains: \"a..b\"", "new", "--subdomains", "a..b");
	BAD("--only needs check ids", "audit", "acme.test", "--only", "");
	BAD("--only needs check ids", "audit", "acme.test", "--only", " , ");
	BAD("--sender-ip mail.acme.test: give an IPv4 or IPv6 address",
	    "audit", "acme.test", "--sender-ip", "mail.acme.test");
	BAD("--sender-ip 300.1.1.1", "audit", "acme.test", "--sender-ip",
	    "300.1.1.1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_good),
		cmocka_unit_test(test_domain_bad),
		cmocka_unit_test(test_cmdline_commands),
		cmocka_unit_test(test_cmdline_audit_options),
		cmocka_unit_test(test_cmdline_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
