/* test-redirects.c: the redirect walker's decisions and the URL helpers. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

/* A response for url with status and location. */
static struct http_resp *
resp(const char *url, long status, const char *location)
{
	struct http_resp *r = xcalloc(1, sizeof *r);

	r->url = xstrdup(url);
	r->status = status;
	r->location = location ? xstrdup(location) : NULL;
	if (status == 0)
		r->error = xstrdup("Couldn't connect to server");
	return r;
}

static void
resp_free(struct http_resp *r)
{
	free(r->url);
	free(r->location);
	free(r->error);
	free(r);
}

static void
chain_free(struct chain *c)
{
	size_t	i;

	for (i = 0; i < c->nhops; i++)
		resp_free((struct http_resp *)c->hops[i]);
	free(c->hops);
	free(c->error);
	free(c->start);
}

static void
test_apex_to_www(void **state)
{
	struct chain	 c = { .start = xstrdup("http://a.test/") };
	const char	*next;
	char		*line;

	(void)state;
	assert_false(chain_step(&c, resp("http://a.test/", 301,
	    "https://a.test/"), &next));
	assert_string_equal(next, "https://a.test/");
	assert_false(chain_step(&c, resp("https://a.test/", 308,
	    "https://www.a.test/"), &next));
	assert_true(chain_step(&c, resp("https://www.a.test/", 200, NULL),
	    &next));
	assert_null(next);
	assert_int_equal(c.end, CHAIN_OK);
	assert_int_equal(chain_redirects(&c), 2);
	assert_string_equal(chain_final(&c)->url, "https://www.a.test/");
	line = chain_format(&c);
	assert_string_equal(line, "http://a.test/ → 301 https://a.test/ → 308 "
	    "https://www.a.test/ → 200");
	free(line);
	chain_free(&c);
}

static void
test_loop(void **state)
{
	struct chain	 c = { .start = xstrdup("https://a.test/") };
	const char	*next;
	char		*line;

	(void)state;
	assert_false(chain_step(&c, resp("https://a.test/", 301,
	    "https://www.a.test/"), &next));
	assert_true(chain_step(&c, resp("https://www.a.test/", 301,
	    "https://a.test/"), &next));
	assert_int_equal(c.end, CHAIN_LOOP);
	line = chain_format(&c);
	assert_non_null(strstr(line, "(loop)"));
	free(line);
	chain_free(&c);
}

static void
test_too_long(void **state)
{
	struct chain	 c = { .start = xstrdup("https://a.test/0") };
	const char	*next;
	char		 url[64], loc[64];
	int		 i;
	bool		 ended = false;

	(void)state;
	for (i = 0; i < 50 && !ended; i++) {
		snprintf(url, sizeof url, "https://a.test/%d", i);
		snprintf(loc, sizeof loc, "https://a.test/%d", i + 1);
		ended = chain_step(&c, resp(url, 302, loc), &next);
	}
	assert_true(ended);
	assert_int_equal(c.end, CHAIN_TOO_LONG);
	assert_int_equal(c.nhops, WEB_MAX_HOPS + 1);
	chain_free(&c);
}

static void
test_error_and_redirect_without_location(void **state)
{
	struct chain	 c = { .start = xstrdup("http://a.test/") };
	struct chain	 d = { .start = xstrdup("http://b.test/") };
	const char	*next;

	(void)state;
	assert_false(chain_step(&c, resp("http://a.test/", 301,
	    "https://a.test/"), &next));
	assert_true(chain_step(&c, resp("https://a.test/", 0, NULL), &next));
	assert_int_equal(c.end, CHAIN_ERROR);
	assert_string_equal(c.error, "Couldn't connect to server");
	chain_free(&c);
	/* A 3xx without Location ends the chain there. */
	assert_true(chain_step(&d, resp("http://b.test/", 302, NULL), &next));
	assert_int_equal(d.end, CHAIN_OK);
	assert_int_equal(chain_redirects(&d), 0);
	chain_free(&d);
}

static void
test_urls(void **state)
{
	char	*s;

	(void)state;
	s = url_resolve("https://a.test/x/y", "../z?q=1");
	assert_string_equal(s, "https://a.test/z?q=1");
	free(s);
	s = url_resolve("https://a.test/x", "//cdn.test/i.png");
	assert_string_equal(s, "https://cdn.test/i.png");
	free(s);
	s = url_resolve("https://a.test/", "http://B.TEST/p");
	assert_non_null(s);
	free(s);
	s = url_host("https://WWW.A.test:8443/p");
	assert_string_equal(s, "www.a.test");
	free(s);
	assert_null(url_host("not a url"));
	assert_string_equal(url_scheme("HTTPS://a.test/"), "https");
	assert_string_equal(url_scheme("mailto:x@y"), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apex_to_www),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_error_and_redirect_without_location),
		cmocka_unit_test(test_urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
