/*
 * test-tls-peek.c: runs tls_peek_issuer() (what dns.caa calls) and the four
 * tls.* checks of the probe (with "deep": tls.ciphers and tls.grade too) in
 * one audit on the loop, for tests/tls-lab.sh and tests/tls-grade-lab.sh.
 *
 * usage: test-tls-peek DOMAIN RESOLVER PORT CACERT TIMEOUT [deep] [cancel]
 * Prints "issuer: NAME" or "error: REASON", then "check ID STATUS" lines.
 * With "cancel", frees the audit 300 ms in, handshakes in flight, and
 * prints "cancelled with N checks running" (run it under the sanitizers).
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int	peek_waiting;

/* The issuer arrived (or the reason it did not). */
static void
peek_issuer(void *arg, const char *issuer, const char *error)
{
	struct loop	*loop = arg;

	if (issuer != NULL)
		printf("issuer: %s\n", issuer);
	else
		printf("error: %s\n", error);
	if (--peek_waiting == 0)
		loop_break(loop);
}

static void
peek_check(struct check_run *run, void *arg)
{
	struct loop	*loop = arg;

	printf("check %s %s\n", run->def->id,
	    status_name(run->result.status));
	if (--peek_waiting == 0)
		loop_break(loop);
}

int
main(int argc, char **argv)
{
	static const char *const ids[] = { "tls.certificate", "tls.expiry",
	    "tls.protocols", "tls.renewal", "tls.ciphers", "tls.grade" };
	struct options	 opt;
	struct loop	*loop;
	struct audit	*audit;
	char		*err = NULL;
	size_t		 i, nids = 4;
	bool		 cancel = false;

	setlocale(LC_ALL, "");
	for (i = 6; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "cancel") == 0)
			cancel = true;
		else if (strcmp(argv[i], "deep") == 0)
			nids = nitems(ids);
		else
			break;
	}
	if (argc < 6 || i != (size_t)argc) {
		fprintf(stderr, "usage: test-tls-peek DOMAIN RESOLVER PORT CACERT "
		    "TIMEOUT [deep] [cancel]\n");
		return 2;
	}
	options_init(&opt);
	opt.domain = xstrdup(argv[1]);
	opt.domain_unicode = xstrdup(argv[1]);
	strlist_add(&opt.resolvers, argv[2]);
	if (options_parse_port_map(&opt, argv[3], &err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	opt.cacert = xstrdup(argv[4]);
	opt.timeout = atoi(argv[5]);
	loop = loop_new();
	if ((audit = audit_new(&opt, loop, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	/* The peek first, then the checks: all share one probe. */
	peek_waiting = 1 + (int)nids;
	tls_peek_issuer(audit, argv[1], peek_issuer, loop);
	for (i = 0; i < nids; i++)
		audit_start(audit, ids[i], peek_check, loop);
	if (cancel) {
		uint64_t end = now_ms() + 300;

		while (now_ms() < end && peek_waiting > 0)
			loop_once(loop, (int)(end - now_ms()));
		printf("cancelled with %zu checks running\n", audit->running);
		audit_free(audit);
		loop_free(loop);
		options_clear(&opt);
		return 0;
	}
	loop_run(loop);
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
	return peek_waiting == 0 ? 0 : 1;
}
