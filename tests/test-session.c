/* test-session.c: the session store (round trips, damage, saves, locks). */

#include "config.h"

#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/fs.h>

#include <cmocka.h>

#include "launchready.h"

/* Strings that must survive a round trip byte for byte. */
static const char *odd[] = {
	"plain",
	"",
	"quote \" and backslash \\ and \\\" both",
	"line one\nline two\n\nline four",
	"tab\there, cr\r, bell\a, escape \x1b[31m",
	"Ünïcödé ✔ 日本語 🚀 and a ZWJ 👩‍💻",
	"trailing backslash \\",
	"looks like libconfig: a = \"b\"; c = ( { } );",
	"# not a comment // nor this /* nor this */",
	"\\x41 is not A, \\n is not a newline",
	"@include \"/etc/passwd\"",
};

static char *tmpdir;

/* Runs a shell command; fails the test when it fails. */
static void
run(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;

	va_start(ap, fmt);
	cmd = xvprintf(fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/test-session.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	tmpdir = xstrdup(tmpl);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	/* Undo an immutable flag a test may have left on a failure. */
	run("chattr -R -i %s 2>/dev/null; rm -rf %s", tmpdir, tmpdir);
	free(tmpdir);
	return 0;
}

/* Reads a whole file (NULL when absent). */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f = fopen(path, "rb");
	char	*data;
	long	 len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = xmalloc(len + 1);
	assert_int_equal(fread(data, 1, len, f), (size_t)len);
	data[len] = '\0';
	fclose(f);
	if (lenp != NULL)
		*lenp = len;
	return data;
}

static void
spit(const char *path, const char *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Fills a result with every field set. */
static void
fill_result(struct result *r, enum status st, enum severity sev, int k)
{
	size_t	i;

	result_init(r);
	result_set(r, st, sev, "summary %d: %s", k, odd[k % nitems(odd)]);
	for (i = 0; i < nitems(odd); i++)
		result_evidence(r, "%zu %s", i, odd[(i + k) % nitems(odd)]);
	result_set_fix(r, "fix %d %s", k, odd[(k + 3) % nitems(odd)]);
	r->dropped = k;
	r->duration_ms = 1234 + k;
	r->when = 1795000000 + k * 60;
}

/* A session with every field set, odd strings everywhere. */
static struct session *
full_session(const char *dir)
{
	struct options		 opt;
	struct session		*s;
	struct item_state	*is;
	struct result		 r;
	size_t			 i;
	char			*e;

	options_init(&opt);
	opt.domain = xstrdup("xn--bcher-kva.test");
	opt.domain_unicode = xstrdup("bücher.test");
	strlist_split(&opt.subdomains, "app,api,admin,staging,docs");
	strlist_split(&opt.dkim_selectors, "s1,google");
	strlist_split(&opt.resolvers, "127.0.0.1:5353,[::1]:53");
	opt.repo = xstrdup("/srv/repo with spaces/\"quoted\"");
	opt.login_url = xstrdup("https://app.bücher.test/login?a=1&b=\"2\"");
	opt.health_url = xstrdup("https://api.bücher.test/healthz");
	strlist_add(&opt.api_urls, "https://api.bücher.test/v1/me");
	strlist_add(&opt.api_urls, odd[3]);
	assert_int_equal(options_parse_port_map(&opt, "80:8080,443:8443",
	    &e), 0);
	opt.cacert = xstrdup("/tmp/lab ca/ca.pem");
	opt.timeout = 7;
	opt.sender_ip = xstrdup("192.0.2.10");
	opt.allow_active = true;
	opt.email = 1;
	opt.session_dir = xstrdup(dir);

	s = session_new(dir, &opt);
	options_clear(&opt);
	s->created = 1795000000;
	s->started = 1795000060;
	s->selected_stage = 4;
	s->client = xstrdup(odd[5]);
	s->consultant = xstrdup(odd[2]);
	s->sends_email = 0;

	for (i = 0; i < nitems(odd); i++) {
		char *id = xprintf("check.%zu", i);

		fill_result(&r, STATUS_FAIL, SEVERITY_CRITICAL, (int)i);
		session_record(s, id, &r);
		result_clear(&r);
		if (i % 2 == 0) {
			fill_result(&r, STATUS_PASS, SEVERITY_NONE, (int)i + 1);
			session_record(s, id, &r);
			result_clear(&r);
		}
		is = session_item(s, id);
		is->owner = xstrdup(odd[i]);
		is->note = xstrdup(odd[(i + 1) % nitems(odd)]);
		is->marked = 1795003600 + i;
		free(id);
	}
	is = session_item(s, "manual.rollback-plan");
	is->status = STATUS_SKIPPED;
	is->skip_reason = xstrdup(odd[3]);
	is = session_item(s, "manual.deploy-target");
	is->status = STATUS_DONE;
	is = session_item(s, "tls.expiry");
	is->status = STATUS_ERROR;
	session_item(s, "dns.ttl");

	s->handover.naccess = 2;
	s->handover.access = xcalloc(2, sizeof *s->handover.access);
	s->handover.access[0].account = xstrdup("registrar");
	s->handover.access[0].provider = xstrdup(odd[2]);
	s->handover.access[0].owner = xstrdup(odd[5]);
	s->handover.access[0].where = xstrdup(odd[3]);
	s->handover.access[1].account = xstrdup("");
	s->handover.deploy_steps = xstrdup(odd[3]);
	s->handover.rollback = xstrdup(odd[4]);
	s->handover.monitoring = xstrdup(odd[7]);
	s->handover.open_risks = xstrdup(odd[10]);
	s->handover.final_qa = 1795170000;
	return s;
}

/* NULL-aware string equality. */
static void
assert_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_string_equal(a, b);
}

static void
assert_list(const struct strlist *a, const struct strlist *b)
{
	size_t	i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

static void
assert_result(const struct result *a, const struct result *b)
{
	size_t	i;

	assert_int_equal(a->status, b->status);
	assert_int_equal(a->severity, b->severity);
	assert_str(a->summary, b->summary);
	assert_int_equal(a->nevidence, b->nevidence);
	for (i = 0; i < a->nevidence; i++)
		assert_string_equal(a->evidence[i], b->evidence[i]);
	assert_int_equal(a->dropped, b->dropped);
	assert_str(a->fix, b->fix);
	assert_int_equal(a->duration_ms, b->duration_ms);
	assert_int_equal(a->when, b->when);
}

/* Every field of two sessions is equal. */
static void
assert_sessions(const struct session *a, const struct session *b)
{
	size_t	i;

	assert_str(a->name, b->name);
	assert_str(a->path, b->path);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->started, b->started);
	assert_int_equal(a->saved, b->saved);
	assert_int_equal(a->selected_stage, b->selected_stage);
	assert_str(a->client, b->client);
	assert_str(a->consultant, b->consultant);
	assert_int_equal(a->sends_email, b->sends_email);
	assert_str(a->opt.domain, b->opt.domain);
	assert_str(a->opt.domain_unicode, b->opt.domain_unicode);
	assert_list(&a->opt.resolvers, &b->opt.resolvers);
	assert_int_equal(a->opt.nport_map, b->opt.nport_map);
	for (i = 0; i < a->opt.nport_map; i++) {
		assert_int_equal(a->opt.port_map[i].from,
		    b->opt.port_map[i].from);
		assert_int_equal(a->opt.port_map[i].to, b->opt.port_map[i].to);
	}
	assert_str(a->opt.cacert, b->opt.cacert);
	assert_list(&a->opt.subdomains, &b->opt.subdomains);
	assert_list(&a->opt.dkim_selectors, &b->opt.dkim_selectors);
	assert_str(a->opt.repo, b->opt.repo);
	assert_int_equal(a->opt.timeout, b->opt.timeout);
	assert_str(a->opt.login_url, b->opt.login_url);
	assert_str(a->opt.health_url, b->opt.health_url);
	assert_list(&a->opt.api_urls, &b->opt.api_urls);
	assert_int_equal(a->opt.email, b->opt.email);
	assert_str(a->opt.sender_ip, b->opt.sender_ip);
	assert_int_equal(a->opt.allow_active, b->opt.allow_active);

	assert_int_equal(a->nitems, b->nitems);
	for (i = 0; i < a->nitems; i++) {
		const struct item_state *x = &a->items[i], *y = &b->items[i];

		assert_string_equal(x->id, y->id);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->has_first, y->has_first);
		assert_int_equal(x->has_latest, y->has_latest);
		if (x->has_first)
			assert_result(&x->first, &y->first);
		if (x->has_latest)
			assert_result(&x->latest, &y->latest);
		assert_str(x->owner, y->owner);
		assert_str(x->note, y->note);
		assert_str(x->skip_reason, y->skip_reason);
		assert_int_equal(x->marked, y->marked);
	}
	assert_int_equal(a->handover.naccess, b->handover.naccess);
	for (i = 0; i < a->handover.naccess; i++) {
		assert_str(a->handover.access[i].account,
		    b->handover.access[i].account);
		assert_str(a->handover.access[i].provider,
		    b->handover.access[i].provider);
		assert_str(a->handover.access[i].owner,
		    b->handover.access[i].owner);
		assert_str(a->handover.access[i].where,
		    b->handover.access[i].where);
	}
	assert_str(a->handover.deploy_steps, b->handover.deploy_steps);
	assert_str(a->handover.rollback, b->handover.rollback);
	assert_str(a->handover.monitoring, b->handover.monitoring);
	assert_str(a->handover.open_risks, b->handover.open_risks);
	assert_int_equal(a->handover.final_qa, b->handover.final_qa);
}

/* Save, load, compare every field; save again: the same bytes. */
static void
test_round_trip(void **state)
{
	struct session	*s, *t;
	char		*err = NULL, *dir, *a, *b;
	struct stat	 sb;

	(void)state;
	dir = xprintf("%s/deep/er/sessions", tmpdir);
	s = full_session(dir);
	assert_string_equal(s->name, "xn--bcher-kva.test");
	assert_int_equal(s->saved, 0);
	if (session_save(s, &err) != 0)
		fail_msg("save: %s", err);
	assert_int_not_equal(s->saved, 0);

	t = session_load(s->path, &err);
	if (t == NULL)
		fail_msg("load: %s", err);
	assert_sessions(s, t);
	/* The first result stays the first; the latest moved on. */
	assert_int_equal(t->items[0].first.status, STATUS_FAIL);
	assert_int_equal(t->items[0].latest.status, STATUS_PASS);
	assert_int_equal(t->items[0].status, STATUS_PASS);
	assert_int_equal(t->items[1].latest.status, STATUS_FAIL);

	/* A second save of the loaded copy writes the same bytes. */
	a = slurp(s->path, NULL);
	t->saved = s->saved;
	assert_int_equal(session_save(t, &err), 0);
	b = slurp(s->path, NULL);
	if (t->saved == s->saved)
		assert_string_equal(a, b);
	free(a);
	free(b);

	/* Modes: file 0600, directory (and the parents made) 0700. */
	assert_int_equal(stat(s->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(dir);
	dir = xprintf("%s/deep", tmpdir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(dir);

	session_free(s);
	session_free(t);
}

/*
 * A real saved session cut at every byte offset loads cleanly or fails
 * cleanly with "PATH:LINE: message"; the damaged file is left as it is.
 */
static void
test_truncated(void **state)
{
	struct session	*s, *t;
	char		*err = NULL, *data, *cut, *back, *prefix;
	size_t		 len, i, loaded = 0, failed = 0;

	(void)state;
	s = full_session(tmpdir);
	assert_int_equal(session_save(s, &err), 0);
	data = slurp(s->path, &len);
	assert_true(len > 1000);
	cut = xprintf("%s/cut.cfg", tmpdir);
	prefix = xprintf("%s:", cut);
	for (i = 0; i <= len; i++) {
		spit(cut, data, i);
		err = NULL;
		t = session_load(cut, &err);
		if (t != NULL) {
			assert_null(err);
			loaded++;
			session_free(t);
		} else {
			assert_non_null(err);
			/* "PATH:LINE: message" with a line number >= 1 */
			if (strncmp(err, prefix, strlen(prefix)) != 0 ||
			    atoi(err + strlen(prefix)) < 1)
				fail_msg("offset %zu: \"%s\"", i, err);
			failed++;
			free(err);
		}
		back = slurp(cut, NULL);
		assert_memory_equal(back, data, i);
		free(back);
	}
	/* The whole file loads; most cuts do not. */
	assert_true(loaded >= 1);
	assert_true(failed > len / 2);
	t = session_load(cut, &err);
	assert_non_null(t);
	session_free(t);
	free(prefix);
	free(cut);
	free(data);
	session_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
