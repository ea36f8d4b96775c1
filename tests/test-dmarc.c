/* test-dmarc.c: DMARC record parsing. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

static int
parse(struct dmarc_record *r, const char *txt, const char *errword)
{
	char	*err = NULL;
	int	 rc = dmarc_parse(r, txt, strlen(txt), &err);

	if (rc != 0) {
		if (errword != NULL)
			assert_non_null(strstr(err, errword));
		free(err);
	}
	return rc;
}

static void
test_full(void **state)
{
	struct dmarc_record	r;

	(void)state;
	assert_int_equal(parse(&r, "v=DMARC1; p=Reject; sp=quarantine; "
	    "np=reject; pct=50; adkim=s; aspf=r; fo=0:d; rf=afrf; ri=3600; "
	    "rua=mailto:a@example.test,mailto:b@vendor.test!10m; "
	    "ruf=mailto:f@example.test", NULL), 0);
	assert_string_equal(r.p, "reject");
	assert_string_equal(r.sp, "quarantine");
	assert_string_equal(r.np, "reject");
	assert_int_equal(r.pct, 50);
	assert_int_equal(r.adkim, 's');
	assert_int_equal(r.rua.n, 2);
	assert_int_equal(r.ruf.n, 1);
	assert_int_equal(r.ri, 3600);
	dmarc_record_free(&r);
}

static void
test_defaults_and_errors(void **state)
{
	struct dmarc_record	r;

	(void)state;
	assert_int_equal(parse(&r, "v=DMARC1; p=none", NULL), 0);
	assert_int_equal(r.pct, 100);
	assert_int_equal(r.aspf, 'r');
	assert_int_equal(r.rua.n, 0);
	dmarc_record_free(&r);
	assert_int_equal(parse(&r, "v=DMARC1; p=strict", "policy"), -1);
	assert_int_equal(parse(&r, "v=DMARC1; p=none; pct=150", "pct"), -1);
	assert_int_equal(parse(&r, "v=DMARC1; p=none; rua=https://x.test",
	    "mailto"), -1);
	assert_int_equal(parse(&r, "v=DMARC1; p=none; adkim=x", "adkim"), -1);
	assert_int_equal(parse(&r, "v=DMARC1; p=none; foo=bar", "foo"), -1);
	assert_int_equal(parse(&r, "v=DMARC1", "p="), -1);
	assert_int_equal(parse(&r, "v=DMARC2; p=none", "v=DMARC1"), -1);
	assert_int_equal(parse(&r, "v=DMARC1; p=none; p=reject", "twice"), -1);
	/* No p= but rua: treated as p=none with a warning. */
	assert_int_equal(parse(&r, "v=DMARC1; rua=mailto:a@x.test", NULL), 0);
	assert_string_equal(r.p, "none");
	assert_int_equal(r.warnings.n, 1);
	dmarc_record_free(&r);
}

static void
test_helpers(void **state)
{
	char	*d;

	(void)state;
	assert_true(dmarc_is_record("v=DMARC1;p=none", 15));
	assert_true(dmarc_is_record("v=DMARC1", 8));
	assert_false(dmarc_is_record("v=DMARC10", 9));
	assert_false(dmarc_is_record("v=dmarc1; p=none", 16));
	assert_true(dmarc_policy_rank("reject") > dmarc_policy_rank("none"));
	d = dmarc_uri_domain("mailto:Reports@Vendor.Test!10m");
	assert_string_equal(d, "vendor.test");
	free(d);
	assert_null(dmarc_uri_domain("https://vendor.test"));
	assert_string_equal(dmarc_org_domain("a.b.example.test"),
	    "example.test");
	assert_string_equal(dmarc_org_domain("example.test"), "example.test");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults_and_errors),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
