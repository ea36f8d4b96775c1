/* test-spf.c: SPF parsing and check_host() over a small in-memory zone. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

static void
test_is_record(void **state)
{
	(void)state;
	assert_true(spf_is_record("v=spf1 -all", 11));
	assert_true(spf_is_record("V=SPF1", 6));
	assert_false(spf_is_record("v=spf10 -all", 12));
	assert_false(spf_is_record("v=DMARC1", 8));
}

/* Parses and returns 0, or -1 with the error checked for a word. */
static int
parse(const char *txt, const char *errword)
{
	struct spf_record	 r;
	char			*err = NULL;
	int			 rc = spf_parse(&r, txt, strlen(txt), &err);

	if (rc == 0)
		spf_record_free(&r);
	else {
		if (errword != NULL)
			assert_non_null(strstr(err, errword));
		free(err);
	}
	return rc;
}

static void
test_parse(void **state)
{
	struct spf_record	 r;
	char			*err = NULL;
	const char		*txt = "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 "
	    "a mx:mail.example.test/28//64 include:_spf.example.test "
	    "exists:%{i}.x.example.test ?ptr ~all exp=why.example.test";

	(void)state;
	assert_int_equal(spf_parse(&r, txt, strlen(txt), &err), 0);
	assert_int_equal(r.nterms, 9);
	assert_int_equal(r.terms[0].kind, SPF_IP4);
	assert_int_equal(r.terms[0].cidr4, 24);
	assert_int_equal(r.terms[1].cidr6, 32);
	assert_int_equal(r.terms[3].kind, SPF_MX);
	assert_string_equal(r.terms[3].domain, "mail.example.test");
	assert_int_equal(r.terms[3].cidr4, 28);
	assert_int_equal(r.terms[3].cidr6, 64);
	assert_int_equal(r.terms[6].qualifier, '?');
	assert_int_equal(r.terms[7].qualifier, '~');
	assert_non_null(r.exp);
	assert_null(r.redirect);
	assert_true(spf_term_counts(&r.terms[4]));
	assert_false(spf_term_counts(&r.terms[0]));
	spf_record_free(&r);

	assert_int_equal(parse("v=spf1 ip4:192.0.2.300", "IPv4"), -1);
	assert_int_equal(parse("v=spf1 a:111.222.33.44", "top label"), -1);
	assert_int_equal(parse("v=spf1 include:", NULL), -1);
	assert_int_equal(parse("v=spf1 foo:bar", "unknown"), -1);
	assert_int_equal(parse("v=spf1 ip4:1.2.3.4/33", "prefix"), -1);
	assert_int_equal(parse("v=spf1 a:x.test/024", "prefix"), -1);
	assert_int_equal(parse("v=spf1 redirect=a.test redirect=b.test",
	    "twice"), -1);
	assert_int_equal(parse("v=spf1 exists:%{q}.test", "macro"), -1);
	assert_int_equal(parse("v=spf1 -all\x01", "ASCII"), -1);
	assert_int_equal(parse("v=spf1 all:x", "argument"), -1);
	/* Unknown modifiers are fine; c/r/t only in exp text. */
	assert_int_equal(parse("v=spf1 moo=%{d} -all", NULL), 0);
	assert_int_equal(parse("v=spf1 exists:%{c}.test", "macro"), -1);
}

/* The zone the evaluator sees. */
static const char *const zone[][3] = {
	{ "example.test", "TXT", "v=spf1 include:_spf.example.test "
	    "mx -all exp=exp.example.test" },
	{ "example.test", "MX", "mail.example.test" },
	{ "mail.example.test", "A", "198.51.100.25" },
	{ "_spf.example.test", "TXT", "v=spf1 ip4:192.0.2.0/24 "
	    "exists:%{ir}.allow.example.test ~all" },
	{ "9.9.9.9.allow.example.test", "A", "127.0.0.2" },
	{ "exp.example.test", "TXT", "%{i} is not one of %{d}'s senders" },
	{ "deep.test", "TXT", "v=spf1 a:a1.test a:a2.test a:a3.test "
	    "a:a4.test a:a5.test a:a6.test a:a7.test a:a8.test a:a9.test "
	    "a:a10.test a:a11.test -all" },
	{ "a1.test", "A", "10.0.0.1" }, { "a2.test", "A", "10.0.0.1" },
	{ "a3.test", "A", "10.0.0.1" }, { "a4.test", "A", "10.0.0.1" },
	{ "a5.test", "A", "10.0.0.1" }, { "a6.test", "A", "10.0.0.1" },
	{ "a7.test", "A", "10.0.0.1" }, { "a8.test", "A", "10.0.0.1" },
	{ "a9.test", "A", "10.0.0.1" }, { "a10.test", "A", "10.0.0.1" },
	{ "a11.test", "A", "10.0.0.9" },
	{ "void.test", "TXT", "v=spf1 a:n1.test a:n2.test a:n3.test +all" },
	{ "loop.test", "TXT", "v=spf1 include:loop.test -all" },
	{ "slow.test", "TXT", "v=spf1 a:timeout.test -all" },
};

static void
mem_query(void *ctx, const char *name, int type, spf_dns_done done,
    void *arg)
{
	struct strlist	 v = { 0 };
	const char	*t = type == DNS_T_A ? "A" : type == DNS_T_MX ? "MX" :
	    type == DNS_T_TXT ? "TXT" : "?";
	bool		 exists = false;
	size_t		 i;

	(void)ctx;
	if (strcmp(name, "timeout.test") == 0) {
		done(arg, RESOLVE_TIMEOUT, &v);
		return;
	}
	for (i = 0; i < nitems(zone); i++) {
		if (strcasecmp(zone[i][0], name) != 0)
			continue;
		exists = true;
		if (strcmp(zone[i][1], t) == 0)
			strlist_add(&v, zone[i][2]);
	}
	done(arg, v.n > 0 ? RESOLVE_OK : exists ? RESOLVE_NODATA :
	    RESOLVE_NXDOMAIN, &v);
	strlist_clear(&v);
}

struct outcome {
	enum spf_result	 r;
	char		*expl;
	int		 calls;
};

static void
got(void *arg, enum spf_result r, const char *expl, const struct strlist *tr)
{
	struct outcome	*o = arg;

	(void)tr;
	o->r = r;
	o->expl = expl != NULL ? xstrdup(expl) : NULL;
	o->calls++;
}

static enum spf_result
eval(const char *ip, const char *domain, char **expl)
{
	struct spf_dns	dns = { .query = mem_query };
	struct outcome	o = { 0 };

	assert_null(spf_eval_start(&dns, ip, domain, "user@example.test",
	    "mail.example.test", got, &o));
	assert_int_equal(o.calls, 1);
	if (expl != NULL)
		*expl = o.expl;
	else
		free(o.expl);
	return o.r;
}

static void
test_eval(void **state)
{
	char	*expl = NULL;

	(void)state;
	assert_int_equal(eval("192.0.2.7", "example.test", NULL), SPF_PASS);
	assert_int_equal(eval("198.51.100.25", "example.test", NULL),
	    SPF_PASS);
	/* exists: with a reversed-IP macro. */
	assert_int_equal(eval("9.9.9.9", "example.test", NULL), SPF_PASS);
	assert_int_equal(eval("203.0.113.9", "example.test", &expl), SPF_FAIL);
	assert_string_equal(expl, "203.0.113.9 is not one of example.test's "
	    "senders");
	free(expl);
	assert_int_equal(eval("10.0.0.9", "deep.test", NULL), SPF_PERMERROR);
	assert_int_equal(eval("10.0.0.1", "deep.test", NULL), SPF_PASS);
	assert_int_equal(eval("10.0.0.1", "void.test", NULL), SPF_PERMERROR);
	assert_int_equal(eval("10.0.0.1", "loop.test", NULL), SPF_PERMERROR);
	assert_int_equal(eval("10.0.0.1", "slow.test", NULL), SPF_TEMPERROR);
	assert_int_equal(eval("10.0.0.1", "nothing.test", NULL), SPF_NONE);
	assert_int_equal(eval("not-an-ip", "example.test", NULL),
	    SPF_PERMERROR);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_is_record),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
