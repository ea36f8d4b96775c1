/*
 * test-dns-cancel.c: dns/email checks cancelled mid-flight (audit_cancel,
 * or audit_free alone) leave nothing allocated behind.
 *
 * The server is real: a UDP and a TCP socket of this process on loopback
 * that read nothing and never answer (the lab's silent server). When
 * LAB_DNS_PORT is set (tests/dns-lab.sh runs this program with the lab up),
 * the same is done against the lab's NSD, cancelling at several moments so
 * that checks are caught in their later stages too. Memory in use is taken
 * from mallinfo2() around each audit, after a warm-up run of the same case
 * has made the libraries' one-time allocations. The program runs itself
 * again with glibc's thread cache off (see main); under valgrind, where
 * mallinfo2() reads 0 and leaks are found by valgrind itself, set
 * GLIBC_TUNABLES=glibc.malloc.tcache_count=0 beforehand.
 */

#include "config.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"

struct fixture {
	int	udp;
	int	tcp;
	int	port;
};

/* Memory in use now (bytes; 0 where the allocator is replaced). */
static size_t
in_use(void)
{
	struct mallinfo2	mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Bytes gained since before (0 when memory went down). */
static size_t
gained(size_t before)
{
	size_t	now = in_use();

	return now > before ? now - before : 0;
}

/* A UDP and a TCP socket on one loopback port that never answer. */
static int
silent_open(void **state)
{
	struct fixture		*f = calloc(1, sizeof *f);
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 tries;

	for (tries = 0; tries < 20; tries++) {
		f->udp = socket(AF_INET, SOCK_DGRAM, 0);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(f->udp, (struct sockaddr *)&sin, sizeof sin) != 0)
			return -1;
		getsockname(f->udp, (struct sockaddr *)&sin, &len);
		f->tcp = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(f->tcp, (struct sockaddr *)&sin, sizeof sin) == 0 &&
		    listen(f->tcp, 16) == 0)
			break;
		close(f->udp);
		close(f->tcp);
		f->udp = f->tcp = -1;
	}
	if (f->udp == -1)
		return -1;
	f->port = ntohs(sin.sin_port);
	*state = f;
	return 0;
}

static int
silent_close(void **state)
{
	struct fixture	*f = *state;

	close(f->udp);
	close(f->tcp);
	free(f);
	return 0;
}

static void
count_done(struct check_run *run, void *arg)
{
	size_t	*n = arg;

	(void)run;
	(*n)++;
}

/*
 * Audits domain's dns/email checks against 127.0.0.1:port and stops after
 * ms milliseconds (-1: runs to the end): audit_cancel then audit_free, or
 * audit_free alone. Returns how many checks finished on their own.
 */
static size_t
run_case(int port, const char *domain, int ms, bool cancel)
{
	struct options	 opt;
	struct loop	*loop = loop_new();
	struct audit	*audit;
	char		*err = NULL;
	size_t		 i, done = 0;
	uint64_t	 until;

	options_init(&opt);
	opt.domain = xstrdup(domain);
	opt.domain_unicode = xstrdup(domain);
	strlist_addf(&opt.resolvers, "127.0.0.1:%d", port);
	strlist_add(&opt.subdomains, "app");
	strlist_add(&opt.subdomains, "staging");
	strlist_add(&opt.dkim_selectors, "lr1");
	strlist_add(&opt.dkim_selectors, "s1");
	opt.email = 1;
	opt.sender_ip = xstrdup("192.0.2.9");
	opt.timeout = 1;
	audit = audit_new(&opt, loop, &err);
	assert_non_null(audit);
	for (i = 0; check_dns_defs[i] != NULL; i++) {
		audit_start_def(audit, check_dns_defs[i], count_done, &done);
	}
	until = now_ms() + (ms < 0 ? 20000 : (unsigned)ms);
	while (now_ms() < until && (ms >= 0 || audit->running > 0)) {
		if (loop_once(loop, (int)(until - now_ms())) < 0)
			break;
	}
	if (cancel)
		audit_cancel(audit);
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
	return done;
}

/* Against a server that never answers: every check is caught waiting. */
static void
test_cancel_silent(void **state)
{
	struct fixture	*f = *state;
	size_t		 before, leaked = 0;
	int		 ms[] = { 0, 30, 200 };
	size_t		 i;

	run_case(f->port, "brightcart.test", 30, true);
	for (i = 0; i < 3; i++) {
		before = in_use();
		assert_int_equal(run_case(f->port, "brightcart.test", ms[i],
		    true), 0);
		leaked += gained(before);
		before = in_use();
		run_case(f->port, "brightcart.test", ms[i], false);
		leaked += gained(before);
	}
	assert_int_equal(leaked, 0);
}

/* Against the lab's NSD: cancelled at moments through the checks' stages. */
static void
test_cancel_lab(void **state)
{
	const char	*env = getenv("LAB_DNS_PORT");
	const char	*domains[] = { "brightcart.test", "clean.test",
			    "spf-eleven.test", "cname-loop.test", "lame.test",
			    "dkim-2048.test", "dmarc-outside.test" };
	int		 ms[] = { 0, 1, 3, 6, 10, 20, 40, 80 };
	size_t		 before, leaked, i, j;

	(void)state;
	if (env == NULL)
		skip();
	for (i = 0; i < sizeof domains / sizeof *domains; i++) {
		/* Warm-up: the whole audit, every library's first use. */
		run_case(atoi(env), domains[i], -1, true);
		leaked = 0;
		for (j = 0; j < sizeof ms / sizeof *ms; j++) {
			before = in_use();
			run_case(atoi(env), domains[i], ms[j], j % 2 == 0);
			leaked += gained(before);
		}
		if (leaked != 0)
			fail_msg("%s: %zu bytes left after cancelled audits",
			    domains[i], leaked);
	}
}

int
main(int argc, char **argv)
{
	const char		*tune = getenv("GLIBC_TUNABLES");
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_cancel_silent,
		    silent_open, silent_close),
		cmocka_unit_test(test_cancel_lab),
	};

	/*
	 * mallinfo2() counts blocks parked in glibc's per-thread cache as in
	 * use: run again without that cache so the counts are exact.
	 */
	(void)argc;
	if (tune == NULL || strstr(tune, "tcache_count=0") == NULL) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
	}
	return cmocka_run_group_tests(t, NULL, NULL);
}
