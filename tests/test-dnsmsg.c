/* test-dnsmsg.c: the raw answer parser, fed packets built byte by byte. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

/* A packet under construction. */
struct pkt {
	unsigned char	b[8192];
	size_t		n;
};

static void
put(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void
put16(struct pkt *p, unsigned v)
{
	unsigned char b[2] = { v >> 8, v & 0xff };

	put(p, b, 2);
}

static void
put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

/* Writes a name as labels ("www.Example.test"). */
static void
putname(struct pkt *p, const char *name)
{
	const char	*s = name, *dot;

	while (*s != '\0') {
		dot = strchr(s, '.');
		size_t l = dot != NULL ? (size_t)(dot - s) : strlen(s);

		p->b[p->n++] = l;
		put(p, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	p->b[p->n++] = 0;
}

/* Header with one question (name at offset 12), an answers and rcode. */
static void
header(struct pkt *p, unsigned an, unsigned flags, const char *q, unsigned t)
{
	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8000 | flags);
	put16(p, 1);
	put16(p, an);
	put16(p, 0);
	put16(p, 0);
	putname(p, q);
	put16(p, t);
	put16(p, 1);
}

/* An answer record owned by the question name (pointer to offset 12). */
static void
rr(struct pkt *p, unsigned type, uint32_t ttl, const void *data, size_t len)
{
	put16(p, 0xc00c);
	put16(p, type);
	put16(p, 1);
	put32(p, ttl);
	put16(p, len);
	put(p, data, len);
}

static void
test_a_and_cname(void **state)
{
	struct pkt	 p;
	struct dnsmsg	 m;
	char		*err = NULL;
	unsigned char	 a[4] = { 127, 0, 0, 1 }, target[64];
	struct pkt	 t = { .n = 0 };

	(void)state;
	putname(&t, "Target.Example.test");
	memcpy(target, t.b, t.n);
	header(&p, 2, 0x400, "www.example.test", DNS_T_A);
	rr(&p, DNS_T_CNAME, 300, target, t.n);
	/* The A record's owner: a pointer to the CNAME's data. */
	put16(&p, 0xc000 | (p.n - t.n));
	put16(&p, DNS_T_A);
	put16(&p, 1);
	put32(&p, 60);
	put16(&p, 4);
	put(&p, a, 4);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), 0);
	assert_true(m.aa);
	assert_int_equal(m.nan, 2);
	assert_string_equal(m.an[0].name, "www.example.test");
	assert_int_equal(m.an[0].type, DNS_T_CNAME);
	assert_string_equal(m.an[0].text, "target.example.test");
	assert_string_equal(m.an[1].name, "target.example.test");
	assert_string_equal(m.an[1].text, "127.0.0.1");
	assert_int_equal(m.an[1].ttl, 60);
	dnsmsg_free(&m);
}

static void
test_txt_joined(void **state)
{
	struct pkt	 p;
	struct dnsmsg	 m;
	char		*err = NULL;
	unsigned char	 d[] = "\x06v=spf1\x05 -all";

	(void)state;
	header(&p, 1, 0, "example.test", DNS_T_TXT);
	rr(&p, DNS_T_TXT, 300, d, sizeof d - 1);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), 0);
	assert_string_equal(m.an[0].text, "v=spf1 -all");
	assert_int_equal(m.an[0].nstrings, 2);
	assert_int_equal(m.an[0].len, 11);
	dnsmsg_free(&m);
}

static void
test_mx_caa_soa(void **state)
{
	struct pkt	 p, t = { .n = 0 };
	struct dnsmsg	 m;
	char		*err = NULL;
	unsigned char	 caa[] = "\x00\x05issueletsencrypt.org";

	(void)state;
	header(&p, 3, 0, "example.test", DNS_T_MX);
	put16(&t, 10);
	putname(&t, "mx.example.test");
	rr(&p, DNS_T_MX, 300, t.b, t.n);
	rr(&p, DNS_T_CAA, 300, caa, sizeof caa - 1);
	t.n = 0;
	putname(&t, "ns1.example.test");
	putname(&t, "hostmaster.example.test");
	put32(&t, 2026112401);
	put32(&t, 3600);
	put32(&t, 600);
	put32(&t, 604800);
	put32(&t, 300);
	rr(&p, DNS_T_SOA, 300, t.b, t.n);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), 0);
	assert_int_equal(m.an[0].pref, 10);
	assert_string_equal(m.an[0].text, "mx.example.test");
	assert_string_equal(m.an[1].tag, "issue");
	assert_string_equal(m.an[1].text, "letsencrypt.org");
	assert_int_equal(m.an[2].serial, 2026112401u);
	assert_string_equal(m.an[2].text, "ns1.example.test");
	dnsmsg_free(&m);
}

static void
test_null_mx_root(void **state)
{
	struct pkt	 p;
	struct dnsmsg	 m;
	char		*err = NULL;
	unsigned char	 d[] = { 0, 0, 0 };

	(void)state;
	header(&p, 1, 0, "example.test", DNS_T_MX);
	rr(&p, DNS_T_MX, 300, d, 3);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), 0);
	assert_string_equal(m.an[0].text, ".");
	dnsmsg_free(&m);
}

/* Every damaged packet is an error, never a crash or an over-read. */
static void
test_hostile(void **state)
{
	struct pkt	 p;
	struct dnsmsg	 m;
	char		*err = NULL;
	unsigned char	 bad_txt[] = "\x20short";
	size_t		 cut;

	(void)state;
	/* A compression pointer that points at itself. */
	header(&p, 1, 0, "example.test", DNS_T_A);
	put16(&p, 0xc000 | p.n);
	put16(&p, 1);
	put16(&p, 1);
	put32(&p, 1);
	put16(&p, 4);
	put32(&p, 0);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), -1);
	free(err);
	err = NULL;
	/* A TXT string longer than its record. */
	header(&p, 1, 0, "example.test", DNS_T_TXT);
	rr(&p, DNS_T_TXT, 1, bad_txt, sizeof bad_txt - 1);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), -1);
	assert_non_null(strstr(err, "TXT"));
	free(err);
	err = NULL;
	err = NULL;
	/* An answer count far beyond the packet. */
	header(&p, 60000, 0, "example.test", DNS_T_A);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), -1);
	free(err);
	err = NULL;
	/* Every truncation of a good packet. */
	header(&p, 1, 0, "example.test", DNS_T_A);
	rr(&p, DNS_T_A, 1, "\x7f\0\0\x01", 4);
	for (cut = 0; cut < p.n; cut++) {
		err = NULL;
		assert_int_equal(dnsmsg_parse(&m, p.b, cut, &err), -1);
		free(err);
	}
	/* An A record of the wrong size. */
	header(&p, 1, 0, "example.test", DNS_T_A);
	rr(&p, DNS_T_A, 1, "\x7f\0\0", 3);
	err = NULL;
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), -1);
	free(err);
	err = NULL;
}

/* A 4 KB TXT record of 200-byte strings comes back joined and whole. */
static void
test_big_txt(void **state)
{
	struct pkt	 p;
	struct dnsmsg	 m;
	unsigned char	 d[4200];
	size_t		 n = 0, i;
	char		*err = NULL;

	(void)state;
	for (i = 0; i < 20; i++) {
		d[n++] = 200;
		memset(d + n, 'a' + i, 200);
		n += 200;
	}
	header(&p, 1, 0, "big.test", DNS_T_TXT);
	rr(&p, DNS_T_TXT, 300, d, n);
	assert_int_equal(dnsmsg_parse(&m, p.b, p.n, &err), 0);
	assert_int_equal(m.an[0].len, 4000);
	assert_int_equal(m.an[0].text[3999], 'a' + 19);
	dnsmsg_free(&m);
}

static int
tag_count(void *arg, const char *tag, const char *value, char **err)
{
	(void)tag;
	(void)value;
	(void)err;
	(*(int *)arg)++;
	return 0;
}

static void
test_tags(void **state)
{
	int	 n = 0;
	char	*err = NULL;

	(void)state;
	assert_int_equal(dns_tags("v=DMARC1; p=none ;; rua = x;", 28,
	    tag_count, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(dns_tags("v=DMARC1; junk", 14, tag_count, &n, &err),
	    -1);
	assert_non_null(strstr(err, "junk"));
	free(err);
	err = NULL;
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_a_and_cname),
		cmocka_unit_test(test_txt_joined),
		cmocka_unit_test(test_mx_caa_soa),
		cmocka_unit_test(test_null_mx_root),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_big_txt),
		cmocka_unit_test(test_tags),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
