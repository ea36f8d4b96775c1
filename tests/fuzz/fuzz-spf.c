/* fuzz-spf.c: the SPF parser, and check_host() over a DNS that answers
   every TXT query with the input and every address query with 192.0.2.1. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"

static const char	*input;

static void
fuzz_query(void *ctx, const char *name, int type, spf_dns_done done,
    void *arg)
{
	struct strlist	v = { 0 };

	(void)ctx;
	(void)name;
	if (type == DNS_T_TXT)
		strlist_add(&v, input);
	else if (type == DNS_T_A)
		strlist_add(&v, "192.0.2.1");
	else if (type == DNS_T_MX || type == DNS_T_PTR)
		strlist_add(&v, "mx.example.test");
	done(arg, v.n > 0 ? RESOLVE_OK : RESOLVE_NODATA, &v);
	strlist_clear(&v);
}

static void
fuzz_done(void *arg, enum spf_result r, const char *e, const struct strlist *t)
{
	(void)arg;
	(void)r;
	(void)e;
	(void)t;
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_record	 rec;
	struct spf_dns		 dns = { .query = fuzz_query };
	char			*err = NULL, *s;

	if (spf_parse(&rec, (const char *)data, size, &err) == 0)
		spf_record_free(&rec);
	free(err);
	s = xstrndup((const char *)data, size);
	input = s;
	spf_eval_start(&dns, "192.0.2.1", "example.test", "a@example.test",
	    "mail.example.test", fuzz_done, NULL);
	free(s);
	return 0;
}
