/* test-headers.c: the HSTS, Set-Cookie, Cache-Control and CSP parsers. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

static void
test_hsts_full(void **state)
{
	struct hsts	h;

	(void)state;
	headers_hsts("max-age=31536000; includeSubDomains; preload", &h);
	assert_true(h.valid);
	assert_int_equal(h.max_age, 31536000);
	assert_true(h.include_subdomains);
	assert_true(h.preload);
}

static void
test_hsts_quoted_and_case(void **state)
{
	struct hsts	h;

	(void)state;
	headers_hsts("  MAX-AGE=\"300\" ;INCLUDESUBDOMAINS", &h);
	assert_true(h.valid);
	assert_int_equal(h.max_age, 300);
	assert_true(h.include_subdomains);
	assert_false(h.preload);
}

static void
test_hsts_invalid(void **state)
{
	struct hsts	h;

	(void)state;
	headers_hsts("includeSubDomains", &h);
	assert_false(h.valid);		/* max-age is required */
	headers_hsts("max-age=abc", &h);
	assert_false(h.valid);
	headers_hsts("max-age=1; max-age=2", &h);
	assert_false(h.valid);		/* repeated directive */
	headers_hsts("max-age=", &h);
	assert_false(h.valid);
	headers_hsts(NULL, &h);
	assert_false(h.valid);
	headers_hsts("max-age=99999999999999999999999", &h);
	assert_true(h.valid);		/* saturates, no overflow */
	assert_true(h.max_age > 15552000);
}

static void
test_cookie_flags(void **state)
{
	struct cookie	c;

	(void)state;
	assert_int_equal(headers_cookie(" session=abc; Path=/; Secure; "
	    "HttpOnly; SameSite=Lax", &c), 0);
	assert_string_equal(c.name, "session");
	assert_true(c.secure);
	assert_true(c.httponly);
	assert_string_equal(c.samesite, "Lax");
	headers_cookie_free(&c);

	assert_int_equal(headers_cookie("sid=1; path=/; httponly", &c), 0);
	assert_string_equal(c.name, "sid");
	assert_false(c.secure);
	assert_true(c.httponly);
	assert_null(c.samesite);
	headers_cookie_free(&c);

	/* An attribute name in the value does not count. */
	assert_int_equal(headers_cookie("x=Secure", &c), 0);
	assert_false(c.secure);
	headers_cookie_free(&c);
}

static void
test_cookie_invalid(void **state)
{
	struct cookie	c;

	(void)state;
	assert_int_equal(headers_cookie("novalue; Secure", &c), -1);
	assert_int_equal(headers_cookie("=abc", &c), -1);
	assert_int_equal(headers_cookie("", &c), -1);
	assert_int_equal(headers_cookie(NULL, &c), -1);
}

static void
test_cache_control(void **state)
{
	struct cache_control	cc;

	(void)state;
	headers_cache_control("public, max-age=600, s-maxage=60", &cc);
	assert_true(cc.present);
	assert_true(cc.public_);
	assert_false(cc.private_);
	assert_int_equal(cc.max_age, 600);
	assert_int_equal(cc.s_maxage, 60);

	headers_cache_control("private,no-store , max-age=0", &cc);
	assert_true(cc.private_);
	assert_true(cc.no_store);
	assert_int_equal(cc.max_age, 0);
	assert_int_equal(cc.s_maxage, -1);

	headers_cache_control("max-age=31536000, immutable", &cc);
	assert_true(cc.immutable);
	assert_false(cc.public_);

	headers_cache_control("max-age=\"120\", no-cache", &cc);
	assert_int_equal(cc.max_age, 120);
	assert_true(cc.no_cache);

	headers_cache_control(NULL, &cc);
	assert_false(cc.present);
	assert_int_equal(cc.max_age, -1);
}

static void
test_csp(void **state)
{
	char	*v;
	const char *csp = "default-src 'self'; Script-Src 'self' "
	    "'UNSAFE-INLINE' https://cdn.example; frame-ancestors 'none'";

	(void)state;
	v = headers_csp_directive(csp, "script-src");
	assert_non_null(v);
	assert_string_equal(v, "'self' 'unsafe-inline' https://cdn.example");
	free(v);
	v = headers_csp_directive(csp, "frame-ancestors");
	assert_string_equal(v, "'none'");
	free(v);
	assert_null(headers_csp_directive(csp, "style-src"));
	/* A prefix of a name is not the name. */
	assert_null(headers_csp_directive(csp, "script"));
	assert_null(headers_csp_directive(NULL, "script-src"));
	v = headers_csp_directive("upgrade-insecure-requests",
	    "upgrade-insecure-requests");
	assert_string_equal(v, "");
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hsts_full),
		cmocka_unit_test(test_hsts_quoted_and_case),
		cmocka_unit_test(test_hsts_invalid),
		cmocka_unit_test(test_cookie_flags),
		cmocka_unit_test(test_cookie_invalid),
		cmocka_unit_test(test_cache_control),
		cmocka_unit_test(test_csp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
