/* test-core.c: strings, buffers, times, statuses, results and options. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "launchready.h"

/* ---- strlist ---------------------------------------------------------- */

static void
assert_list(const struct strlist *sl, const char *joined)
{
	char	*s = strlist_join(sl, "|");

	assert_string_equal(s, joined);
	free(s);
}

static void
test_strlist_split(void **state)
{
	struct strlist	sl = { 0 }, copy = { 0 };

	strlist_split(&sl, "a,b , c");
	assert_list(&sl, "a|b|c");
	assert_int_equal(sl.n, 3);
	assert_null(sl.v[3]);
	strlist_clear(&sl);

	strlist_split(&sl, "");
	strlist_split(&sl, ",,, ,\t,");
	assert_int_equal(sl.n, 0);
	assert_list(&sl, "");

	strlist_split(&sl, "  app ,, api\t,admin.acme.test,");
	assert_list(&sl, "app|api|admin.acme.test");
	assert_true(strlist_has(&sl, "api"));
	assert_false(strlist_has(&sl, "ap"));
	/* Inner blanks stay: only the ends of each part are trimmed. */
	strlist_split(&sl, "a b");
	assert_list(&sl, "app|api|admin.acme.test|a b");

	strlist_copy(&copy, &sl);
	strlist_clear(&sl);
	assert_int_equal(sl.n, 0);
	assert_null(sl.v);
	assert_list(&copy, "app|api|admin.acme.test|a b");
	strlist_addf(&copy, "%s-%d", "x", 7);
	assert_string_equal(copy.v[4], "x-7");
	strlist_clear(&copy);
}

/* ---- buffers, JSON and HTML ------------------------------------------- */

static char *
json_of(const char *s)
{
	struct buf	b = { 0 };

	buf_json(&b, s);
	return b.data;
}

static void
assert_json(const char *in, const char *want)
{
	char	*got = json_of(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_buf_json(void **state)
{
	assert_json("", "\"\"");
	assert_json("plain", "\"plain\"");
	assert_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_json("l1\nl2\r\tx", "\"l1\\nl2\\r\\tx\"");
	assert_json("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* Valid UTF-8 is kept as it is. */
	assert_json("bücher ✔ 😀", "\"bücher ✔ 😀\"");
	/* Invalid bytes become U+FFFD, one per byte, never more input read. */
	assert_json("a\xff" "b", "\"a\\ufffdb\"");
	assert_json("\xc3", "\"\\ufffd\"");
	assert_json("\xc3(", "\"\\ufffd(\"");
	assert_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_json("\xe2\x9c", "\"\\ufffd\\ufffd\"");
}

static void
test_buf_html(void **state)
{
	struct buf	b = { 0 };

	buf_html(&b, "<a href=\"x\">Tom & Jerry's</a>");
	assert_string_equal(b.data,
	    "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	buf_free(&b);
	assert_null(b.data);
	buf_html(&b, "");
	assert_true(b.data == NULL || *b.data == '\0');
	buf_html(&b, "bücher");
	assert_string_equal(b.data, "bücher");
	buf_free(&b);
}

static void
test_buf_grow(void **state)
{
	struct buf	b = { 0 };
	size_t		i;

	for (i = 0; i < 10000; i++)
		buf_printf(&b, "%zu,", i % 10);
	assert_int_equal(b.len, 20000);
	assert_int_equal(strlen(b.data), 20000);
	assert_true(b.size > b.len);
	buf_add(&b, "", 0);
	assert_int_equal(b.len, 20000);
	buf_free(&b);
}

/* ---- times ------------------------------------------------------------ */

static void
test_time_iso(void **state)
{
	time_t	t;

	assert_string_equal(time_iso(0), "1970-01-01T00:00:00Z");
	assert_string_equal(time_iso(1795525500), "2026-11-24T13:05:00Z");
	assert_int_equal(time_parse_iso("2026-11-24T13:05:00Z", &t), 0);
	assert_int_equal(t, 1795525500);
	assert_int_equal(time_parse_iso(time_iso(1234567890), &t), 0);
	assert_int_equal(t, 1234567890);
	assert_int_equal(time_parse_iso("", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-24", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-24T13:05:00", &t), -1);
	assert_int_equal(time_parse_iso("2026-11-24T13:05:00Zjunk", &t), -1);
	assert_int_equal(time_parse_iso("yesterday", &t), -1);
}

/* ---- statuses and severities ------------------------------------------ */

static void
test_status_tables(void **state)
{
	static const char *const names[] = { "pending", "running", "pass",
	    "warn", "fail", "error", "done", "skipped" };
	static const char *const sevs[] = { "none", "info", "medium", "high",
	    "critical" };
	enum status	s;
	enum severity	v;
	size_t		i;

	assert_int_equal(STATUS_COUNT, nitems(names));
	for (i = 0; i < nitems(names); i++) {
		assert_string_equal(status_name(i), names[i]);
		assert_string_equal(status_label(i), names[i]);
		assert_int_equal(status_parse(names[i], &s), 0);
		assert_int_equal(s, i);
		assert_int_equal(strlen(status_glyph(i, false)), 1);
		assert_true(strlen(status_glyph(i, true)) > 1);
	}
	assert_string_equal(status_glyph(STATUS_PASS, true), "✔");
	assert_string_equal(status_glyph(STATUS_FAIL, false), "x");
	assert_string_equal(status_name(STATUS_COUNT), "?");
	assert_string_equal(status_glyph(STATUS_COUNT, true), "?");
	assert_int_equal(status_parse("passed", &s), -1);
	assert_int_equal(status_parse("", &s), -1);
	assert_true(status_is_finding(STATUS_WARN));
	assert_true(status_is_finding(STATUS_FAIL));
	assert_false(status_is_finding(STATUS_ERROR));
	assert_false(status_is_finding(STATUS_PASS));
	assert_false(status_is_finding(STATUS_SKIPPED));

	assert_int_equal(SEVERITY_COUNT, nitems(sevs));
	for (i = 0; i < nitems(sevs); i++) {
		assert_string_equal(severity_name(i), sevs[i]);
		assert_string_equal(severity_label(i), sevs[i]);
		assert_int_equal(severity_parse(sevs[i], &v), 0);
		assert_int_equal(v, i);
	}
	assert_true(SEVERITY_CRITICAL > SEVERITY_HIGH);
	assert_true(SEVERITY_HIGH > SEVERITY_MEDIUM);
	assert_true(SEVERITY_MEDIUM > SEVERITY_INFO);
	assert_int_equal(severity_parse("Critical", &v), -1);
	assert_string_equal(severity_name(SEVERITY_COUNT), "?");
}

/* ---- results ---------------------------------------------------------- */

static void
test_result_raise(void **state)
{
	struct result	r;

	result_init(&r);
	assert_int_equal(r.status, STATUS_PENDING);
	result_raise(&r, STATUS_PASS, SEVERITY_NONE, "all good");
	assert_int_equal(r.status, STATUS_PASS);
	assert_string_equal(r.summary, "all good");
	result_raise(&r, STATUS_PASS, SEVERITY_NONE, "still good");
	assert_string_equal(r.summary, "all good");
	result_raise(&r, STATUS_WARN, SEVERITY_MEDIUM, "a warning");
	assert_int_equal(r.status, STATUS_WARN);
	assert_int_equal(r.severity, SEVERITY_MEDIUM);
	assert_string_equal(r.summary, "a warning");
	result_raise(&r, STATUS_FAIL, SEVERITY_HIGH, "a failure %d", 1);
	assert_int_equal(r.status, STATUS_FAIL);
	assert_int_equal(r.severity, SEVERITY_HIGH);
	assert_string_equal(r.summary, "a failure 1");
	/* Lower ones change nothing. */
	result_raise(&r, STATUS_WARN, SEVERITY_CRITICAL, "late warning");
	result_raise(&r, STATUS_PASS, SEVERITY_NONE, "late pass");
	assert_int_equal(r.status, STATUS_FAIL);
	assert_int_equal(r.severity, SEVERITY_HIGH);
	assert_string_equal(r.summary, "a failure 1");
	/* A worse failure raises the severity. */
	result_raise(&r, STATUS_FAIL, SEVERITY_CRITICAL, "critical");
	assert_int_equal(r.severity, SEVERITY_CRITICAL);
	assert_string_equal(r.summary, "critical");
	result_set(&r, STATUS_ERROR, SEVERITY_NONE, "reset");
	assert_int_equal(r.status, STATUS_ERROR);
	assert_int_equal(r.severity, SEVERITY_NONE);
	result_set_fix(&r, "do %s", "this");
	assert_string_equal(r.fix, "do this");
	result_clear(&r);
	assert_null(r.summary);
	assert_null(r.fix);
	assert_int_equal(r.status, STATUS_PENDING);
}

static void
test_result_evidence_bounds(void **state)
{
	struct result	r, copy;
	char		line[1100];
	size_t		i;

	result_init(&r);
	for (i = 0; i < RESULT_MAX_EVIDENCE + 1; i++)
		result_evidence(&r, "line %zu", i);
	assert_int_equal(r.nevidence, RESULT_MAX_EVIDENCE);
	assert_int_equal(r.dropped, 1);
	assert_string_equal(r.evidence[199], "line 199");
	result_evidence(&r, "one more");
	assert_int_equal(r.dropped, 2);

	result_init(&copy);
	result_copy(&copy, &r);
	assert_int_equal(copy.nevidence, RESULT_MAX_EVIDENCE);
	assert_int_equal(copy.dropped, 2);
	assert_ptr_not_equal(copy.evidence[0], r.evidence[0]);
	assert_string_equal(copy.evidence[0], "line 0");
	result_clear(&r);
	result_clear(&copy);

	/* 1001 bytes: cut to 1000 and marked. */
	result_init(&r);
	memset(line, 'a', 1001);
	line[1001] = '\0';
	result_evidence(&r, "%s", line);
	assert_int_equal(strlen(r.evidence[0]), 1000 + strlen("…"));
	assert_memory_equal(r.evidence[0], line, 1000);
	assert_string_equal(r.evidence[0] + 1000, "…");
	/* Exactly 1000 bytes: kept whole. */
	line[1000] = '\0';
	result_evidence(&r, "%s", line);
	assert_int_equal(strlen(r.evidence[1]), 1000);
	/* A cut inside a character moves back to its start. */
	memset(line, 'a', 999);
	strcpy(line + 999, "é");
	result_evidence(&r, "%s", line);
	assert_int_equal(strlen(r.evidence[2]), 999 + strlen("…"));
	assert_string_equal(r.evidence[2] + 999, "…");
	result_clear(&r);
}

/* ---- options ---------------------------------------------------------- */

static void
test_port_map(void **state)
{
	struct options	 opt;
	char		*err = NULL;
	struct strlist	 many = { 0 };
	char		*s;
	int		 i;

	options_init(&opt);
	assert_int_equal(opt.timeout, OPTIONS_DEFAULT_TIMEOUT);
	assert_int_equal(opt.email, -1);
	assert_int_equal(options_parse_port_map(&opt, "80:8080,443:8443",
	    &err), 0);
	assert_int_equal(opt.nport_map, 2);
	assert_int_equal(options_port(&opt, 80), 8080);
	assert_int_equal(options_port(&opt, 443), 8443);
	assert_int_equal(options_port(&opt, 25), 25);
	assert_int_equal(options_parse_port_map(&opt, " 1:65535 ", &err), 0);
	assert_int_equal(opt.nport_map, 1);
	assert_int_equal(options_port(&opt, 1), 65535);

	assert_int_equal(options_parse_port_map(&opt, "", &err), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(options_parse_port_map(&opt, "80", &err), -1);
	assert_non_null(strstr(err, "\"80\" is not FROM:TO"));
	assert_int_equal(options_parse_port_map(&opt, "80:0", &err), -1);
	assert_int_equal(options_parse_port_map(&opt, "80:65536", &err), -1);
	assert_int_equal(options_parse_port_map(&opt, "80:8080,x:1", &err),
	    -1);
	assert_non_null(strstr(err, "\"x:1\""));
	assert_int_equal(options_parse_port_map(&opt, ":80", &err), -1);
	assert_int_equal(options_parse_port_map(&opt, "80:-1", &err), -1);
	assert_int_equal(options_parse_port_map(&opt, "80:8080:1", &err), -1);
	assert_int_equal(options_parse_port_map(&opt, "000080:1", &err), -1);
	for (i = 0; i < 17; i++)
		strlist_addf(&many, "%d:%d", i + 1, i + 1000);
	s = strlist_join(&many, ",");
	assert_int_equal(options_parse_port_map(&opt, s, &err), -1);
	assert_non_null(strstr(err, "at most 16"));
	free(s);
	strlist_clear(&many);
	free(err);
	options_clear(&opt);
}

static void
test_hosts(void **state)
{
	struct options	opt, copy;
	struct strlist	hosts = { 0 };

	options_init(&opt);
	options_hosts(&opt, &hosts);
	assert_int_equal(hosts.n, 0);
	opt.domain = xstrdup("acme.test");
	options_hosts(&opt, &hosts);
	assert_list(&hosts, "acme.test|www.acme.test");
	strlist_clear(&hosts);

	strlist_split(&opt.subdomains,
	    "app,api.acme.test,www,acme.test,xacme.test,api");
	options_hosts(&opt, &hosts);
	assert_list(&hosts, "acme.test|www.acme.test|app.acme.test|"
	    "api.acme.test|xacme.test.acme.test");
	strlist_clear(&hosts);

	options_init(&copy);
	opt.login_url = xstrdup("https://app.acme.test/login");
	strlist_add(&opt.api_urls, "https://api.acme.test/v1");
	options_copy(&copy, &opt);
	options_clear(&opt);
	assert_string_equal(copy.domain, "acme.test");
	assert_string_equal(copy.login_url, "https://app.acme.test/login");
	assert_int_equal(copy.subdomains.n, 6);
	assert_string_equal(copy.api_urls.v[0], "https://api.acme.test/v1");
	assert_null(copy.cacert);
	options_clear(&copy);
}

/* ---- memory ----------------------------------------------------------- */

static void
test_xmalloc(void **state)
{
	char	*s, *err = NULL;
	int	*p;

	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = xstrndup("ab", 10);
	assert_string_equal(s, "ab");
	free(s);
	s = xprintf("%s=%d", "n", 42);
	assert_string_equal(s, "n=42");
	free(s);
	p = xcalloc(0, 4);
	assert_non_null(p);
	p = xreallocarray(p, 1000, sizeof *p);
	p[999] = 7;
	free(p);
	assert_int_equal(set_error(NULL, "x"), -1);
	assert_int_equal(set_error(&err, "first %d", 1), -1);
	assert_int_equal(set_error(&err, "second"), -1);
	assert_string_equal(err, "second");
	free(err);
	assert_true(now_ms() > 0);
}

/* Reads a small file into a static buffer ("" when it cannot). */
static const char *
slurp_small(const char *path)
{
	static char	 buf[256];
	FILE		*f = fopen(path, "r");
	size_t		 n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* file.c: only a regular file of ours is replaced; the rest is refused. */
static void
test_file_write(void **state)
{
	char		 dir[] = "/tmp/lr-file-XXXXXX", *path, *link_, *fifo;
	char		*err = NULL;
	struct stat	 st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xprintf("%s/out", dir);
	link_ = xprintf("%s/link", dir);
	fifo = xprintf("%s/fifo", dir);

	/* New and existing files of ours: written, mode 0600, a backup. */
	assert_int_equal(file_write_atomic(path, "one", 3, true, false, &err),
	    0);
	assert_int_equal(file_write_atomic(path, "two", 3, true, false, &err),
	    -1);
	assert_non_null(strstr(err, "appeared"));
	assert_int_equal(file_write_atomic(path, "two", 3, false, true, &err),
	    0);
	assert_string_equal(slurp_small(path), "two");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(err);
	err = xprintf("%s.bak", path);
	assert_string_equal(slurp_small(err), "one");
	unlink(err);
	free(err);
	err = NULL;

	/* A link is not replaced, nor written through. */
	assert_int_equal(symlink("out", link_), 0);
	assert_int_equal(file_write_atomic(link_, "x", 1, false, false, &err),
	    -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(file_write(link_, "x", 1, &err), -1);
	assert_int_equal(lstat(link_, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(slurp_small(path), "two");

	/* A FIFO is not replaced by the atomic write. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(file_write_atomic(fifo, "x", 1, false, false, &err),
	    -1);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));

	/* A full device: the error says so, the device stays. */
	if (stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)) {
		assert_int_equal(file_write("/dev/full", "x", 1, &err), -1);
		assert_non_null(strstr(err, "/dev/full"));
		assert_int_equal(stat("/dev/full", &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
	free(err);
	unlink(fifo);
	unlink(link_);
	unlink(path);
	rmdir(dir);
	free(fifo);
	free(link_);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlist_split),
		cmocka_unit_test(test_buf_json),
		cmocka_unit_test(test_buf_html),
		cmocka_unit_test(test_buf_grow),
		cmocka_unit_test(test_time_iso),
		cmocka_unit_test(test_status_tables),
		cmocka_unit_test(test_result_raise),
		cmocka_unit_test(test_result_evidence_bounds),
		cmocka_unit_test(test_port_map),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_xmalloc),
		cmocka_unit_test(test_file_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
