/* test-html.c: the HTML reference extractor. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

/* Extracts from a literal. */
static void
extract(const char *doc, struct html_refs *refs)
{
	html_extract(doc, strlen(doc), refs);
}

static void
test_kinds(void **state)
{
	struct html_refs	r;

	(void)state;
	extract("<html><head>"
	    "<link rel=\"stylesheet\" href=\"/a.css\">"
	    "<link rel='canonical' href='https://x.test/'>"
	    "<LINK REL=\"preload stylesheet\" HREF=/b.css>"
	    "<script src=\"/app.js\" integrity=\"sha384-x\"></script>"
	    "</head><body>"
	    "<img src=http://cdn.test/i.png alt=x>"
	    "<iframe src=\"http://f.test/\"></iframe>"
	    "<form action=\"/login\" method=post></form>"
	    "<a href=\"https://docs.test/?a=1&amp;b=2\">docs</a>"
	    "<video src=\"/v.mp4\"></video><embed src=\"/e.swf\">"
	    "</body></html>", &r);
	assert_int_equal(r.n, 10);
	assert_int_equal(r.v[0].kind, HTML_STYLE);
	assert_string_equal(r.v[0].url, "/a.css");
	assert_int_equal(r.v[1].kind, HTML_CANONICAL);
	assert_string_equal(r.v[1].url, "https://x.test/");
	assert_int_equal(r.v[2].kind, HTML_STYLE);
	assert_string_equal(r.v[2].url, "/b.css");
	assert_int_equal(r.v[3].kind, HTML_SCRIPT);
	assert_true(r.v[3].integrity);
	assert_int_equal(r.v[4].kind, HTML_IMAGE);
	assert_string_equal(r.v[4].url, "http://cdn.test/i.png");
	assert_int_equal(r.v[5].kind, HTML_IFRAME);
	assert_int_equal(r.v[6].kind, HTML_FORM);
	assert_int_equal(r.v[7].kind, HTML_LINK);
	assert_string_equal(r.v[7].url, "https://docs.test/?a=1&b=2");
	assert_int_equal(r.v[8].kind, HTML_IMAGE);
	assert_int_equal(r.v[9].kind, HTML_OBJECT);
	assert_true(html_active(HTML_SCRIPT));
	assert_true(html_active(HTML_FORM));
	assert_false(html_active(HTML_IMAGE));
	assert_false(html_active(HTML_LINK));
	html_refs_free(&r);
}

static void
test_comments_and_script_bodies(void **state)
{
	struct html_refs	r;

	(void)state;
	extract("<!-- <script src=\"http://old.test/x.js\"></script> -->"
	    "<script>var s = '<script src=\"http://fake.test/y.js\">';"
	    "</script>"
	    "<style>a { background: url(<img src=x>) }</style>"
	    "<script src=\"/real.js\"></script>", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].url, "/real.js");
	html_refs_free(&r);
}

static void
test_broken_input(void **state)
{
	struct html_refs	r;

	(void)state;
	extract("<script src=\"/unterminated.js", &r);
	assert_int_equal(r.n, 1);	/* the value runs to the end */
	html_refs_free(&r);
	extract("<<<>>> <img src=> <a href=\"\"> <!-- never closed", &r);
	assert_int_equal(r.n, 0);
	html_refs_free(&r);
	extract("<img", &r);
	assert_int_equal(r.n, 0);
	html_refs_free(&r);
	html_extract("", 0, &r);
	assert_int_equal(r.n, 0);
	html_refs_free(&r);
}

static void
test_bounded(void **state)
{
	struct html_refs	r;
	struct buf		b = { 0 };
	int			i;

	(void)state;
	for (i = 0; i < HTML_MAX_REFS + 500; i++)
		buf_printf(&b, "<img src=\"/i%d.png\">", i);
	html_extract(b.data, b.len, &r);
	assert_int_equal(r.n, HTML_MAX_REFS);
	html_refs_free(&r);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_comments_and_script_bodies),
		cmocka_unit_test(test_broken_input),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
