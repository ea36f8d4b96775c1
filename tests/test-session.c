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
#include "secrets.h"
#include "testutil.h"

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
	"invalid UTF-8 \xff\xfe\xc3 and DEL \x7f kept as bytes",
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

/* A session with every field set, odd strings everywhere, n items. */
static struct session *
some_session(const char *dir, size_t n)
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
	s->selected_item = xstrdup("http.cors");
	s->client = xstrdup(odd[5]);
	s->consultant = xstrdup(odd[2]);
	s->sends_email = 0;

	for (i = 0; i < n; i++) {
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
	s->handover.rollback_minutes = 12;
	s->handover.decision.kind = DECISION_CONDITIONS;
	s->handover.decision.conditions = xstrdup(odd[3]);
	s->handover.decision.who = xstrdup(odd[5]);
	s->handover.decision.when = 1795171000;
	s->handover.alert_owner[ALERT_SITE_DOWN] = xstrdup(odd[5]);
	s->handover.alert_owner[ALERT_FAILED_DEPLOY] = xstrdup(odd[2]);
	s->handover.nsecrets = 2;
	s->handover.secrets = xcalloc(2, sizeof *s->handover.secrets);
	strcpy(s->handover.secrets[0].fingerprint, "0123456789abcdef");
	s->handover.secrets[0].kind = xstrdup("stripe-secret-live");
	s->handover.secrets[0].path = xstrdup(odd[9]);
	s->handover.secrets[0].line = 7;
	s->handover.secrets[0].commit = xstrdup("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
	s->handover.secrets[0].commit_date = 1794000000;
	strlist_add(&s->handover.secrets[0].paths, odd[9]);
	strlist_add(&s->handover.secrets[0].paths, "config/app.py");
	s->handover.secrets[0].owner = xstrdup(odd[5]);
	s->handover.secrets[0].status = SECRET_ROTATED;
	s->handover.secrets[0].rotated = 1795172000;
	s->handover.secrets[0].first_seen = 1795001000;
	s->handover.secrets[0].last_seen = 1795002000;
	s->handover.secrets[0].reappeared = 1795003000;
	strcpy(s->handover.secrets[1].fingerprint, "fedcba9876543210");
	s->handover.secrets[1].status = SECRET_ALLOWED;
	s->handover.secrets[1].reason = xstrdup(odd[2]);
	return s;
}

/* The same with an item for each odd string. */
static struct session *
full_session(const char *dir)
{
	return some_session(dir, nitems(odd));
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
	assert_str(a->selected_item, b->selected_item);
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
	assert_int_equal(a->handover.rollback_minutes,
	    b->handover.rollback_minutes);
	assert_int_equal(a->handover.decision.kind, b->handover.decision.kind);
	assert_str(a->handover.decision.conditions,
	    b->handover.decision.conditions);
	assert_str(a->handover.decision.who, b->handover.decision.who);
	assert_int_equal(a->handover.decision.when, b->handover.decision.when);
	for (i = 0; i < ALERT_COUNT; i++)
		assert_str(a->handover.alert_owner[i],
		    b->handover.alert_owner[i]);
	assert_int_equal(a->handover.nsecrets, b->handover.nsecrets);
	for (i = 0; i < a->handover.nsecrets; i++) {
		const struct secret_row *x = &a->handover.secrets[i];
		const struct secret_row *y = &b->handover.secrets[i];

		assert_string_equal(x->fingerprint, y->fingerprint);
		assert_str(x->kind, y->kind);
		assert_str(x->path, y->path);
		assert_int_equal(x->line, y->line);
		assert_str(x->commit, y->commit);
		assert_int_equal(x->commit_date, y->commit_date);
		assert_list(&x->paths, &y->paths);
		assert_str(x->owner, y->owner);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->rotated, y->rotated);
		assert_str(x->reason, y->reason);
		assert_int_equal(x->first_seen, y->first_seen);
		assert_int_equal(x->last_seen, y->last_seen);
		assert_int_equal(x->reappeared, y->reappeared);
	}
}

/* Every field but the name and path is equal. */
static void
assert_sessions_content(const struct session *a, const struct session *b)
{
	struct session	x = *b;

	x.name = a->name;
	x.path = a->path;
	assert_sessions(a, &x);
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
	/* Three items keep it quick; every kind of field is still there. */
	s = some_session(tmpdir, 3);
	assert_int_equal(session_save(s, &err), 0);
	data = slurp(s->path, &len);
	assert_true(len > 1000);
	cut = xprintf("%s/cut.cfg", tmpdir);
	prefix = xprintf("%s:", cut);
	/*
	 * Cut from the end with truncate(2): cheaper than rewriting the file
	 * each time (ext4 flushes a file rewritten after truncation to 0).
	 */
	spit(cut, data, len);
	for (i = len + 1; i-- > 0; ) {
		assert_int_equal(truncate(cut, i), 0);
		err = NULL;
		t = session_load(cut, &err);
		if (t != NULL) {
			/* What loads lost nothing (only a final ";" or blank). */
			assert_null(err);
			assert_sessions_content(s, t);
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
			err = NULL;
		}
		back = slurp(cut, NULL);
		assert_memory_equal(back, data, i);
		free(back);
	}
	/* The whole file loads; most cuts do not. */
	print_message("%zu cuts of a %zu-byte session: %zu load with nothing "
	    "lost, %zu are refused with PATH:LINE\n", len + 1, len, loaded,
	    failed);
	assert_true(loaded >= 1);
	assert_true(failed > len / 2);
	spit(cut, data, len);
	t = session_load(cut, &err);
	assert_non_null(t);
	assert_sessions_content(s, t);
	session_free(t);
	free(prefix);
	free(cut);
	free(data);
	session_free(s);
}

/* Saves a session, failing the test with the message when it fails. */
static void
save_ok(struct session *s)
{
	char	*err = NULL;

	if (session_save(s, &err) != 0)
		fail_msg("save: %s", err);
}

/* Counts leftover temporary files in dir. */
static int
count_tmp(const char *dir)
{
	char	*cmd;
	FILE	*p;
	int	 n = -1;

	cmd = xprintf("ls -a %s | grep -c '\\.tmp\\.' ", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

/* Reads what a child wrote to a pipe until it closes. */
static char *
read_pipe(int fd)
{
	struct buf	b = { 0 };
	char		chunk[512];
	ssize_t		n;

	buf_puts(&b, "");
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(&b, chunk, n);
	close(fd);
	return b.data;
}

/* Makes dir read-only even for root; returns how, or NULL when it cannot. */
static const char *
make_read_only(const char *dir)
{
	int	fd, flags;

	if (geteuid() != 0) {
		if (chmod(dir, 0500) == 0)
			return "chmod 0500";
		return NULL;
	}
	/* Root ignores modes: a read-only bind mount in a private namespace. */
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	    mount(dir, dir, NULL, MS_BIND, NULL) == 0 &&
	    mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0)
		return "read-only bind mount";
	/* Or the immutable flag (ext4, xfs, btrfs; needs CAP_LINUX_IMMUTABLE). */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
			flags |= FS_IMMUTABLE_FL;
			if (ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0) {
				close(fd);
				return "immutable directory";
			}
		}
		close(fd);
	}
	return NULL;
}

/* Clears the immutable flag make_read_only may have set. */
static void
undo_read_only(const char *dir)
{
	int	fd, flags;

	chmod(dir, 0700);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
	    (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

/*
 * A save into a read-only place fails with the path and the reason, and
 * leaves the old file as it was (the save runs in a child process, which
 * may make the place read-only in its own mount namespace).
 */
static void
test_save_read_only(void **state)
{
	struct session	*s;
	char		*before, *after, *msg, *how;
	int		 p[2], status;
	pid_t		 pid;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	before = slurp(s->path, NULL);
	free(s->client);
	s->client = xstrdup("changed after the first save");

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		const char	*ro;
		char		*err = NULL;
		int		 rc;

		close(p[0]);
		if ((ro = make_read_only(tmpdir)) == NULL)
			_exit(77);
		dprintf(p[1], "%s\n", ro);
		rc = session_save(s, &err);
		dprintf(p[1], "%s", err != NULL ? err : "(no message)");
		undo_read_only(tmpdir);
		_exit(rc == -1 ? 0 : 1);
	}
	close(p[1]);
	msg = read_pipe(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		free(msg);
		free(before);
		session_free(s);
		skip();	/* not reached */
	}
	how = msg;
	msg = strchr(msg, '\n');
	assert_non_null(msg);
	*msg++ = '\0';
	print_message("read-only by %s: %s\n", how, msg);
	if (WEXITSTATUS(status) != 0)
		fail_msg("save into a read-only place did not fail: %s", msg);
	assert_non_null(strstr(msg, s->path));
	assert_true(strstr(msg, "Read-only file system") != NULL ||
	    strstr(msg, "Permission denied") != NULL ||
	    strstr(msg, "Operation not permitted") != NULL);
	after = slurp(s->path, NULL);
	assert_string_equal(before, after);
	assert_int_equal(count_tmp(tmpdir), 0);
	/* Once writable again, the same session saves. */
	save_ok(s);
	free(after);
	after = slurp(s->path, NULL);
	assert_non_null(strstr(after, "changed after the first save"));
	free(after);
	free(before);
	free(how);
	session_free(s);
}

/*
 * Where the temporary file cannot be made (a directory squats its name,
 * which stops root too): the save fails naming the path, the old file and
 * the squatter stay as they were. Runs everywhere, unlike the mount.
 */
static void
test_save_tmp_blocked(void **state)
{
	struct session	*s;
	char		*before, *after, *tmp, *err = NULL;
	struct stat	 sb;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	before = slurp(s->path, NULL);
	tmp = xprintf("%s.tmp.%ld", s->path, (long)getpid());
	assert_int_equal(mkdir(tmp, 0700), 0);
	free(s->client);
	s->client = xstrdup("not saved");
	assert_int_equal(session_save(s, &err), -1);
	assert_non_null(strstr(err, s->path));
	assert_non_null(strstr(err, "Is a directory"));
	after = slurp(s->path, NULL);
	assert_string_equal(before, after);
	assert_int_equal(stat(tmp, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(rmdir(tmp), 0);
	free(err);
	free(tmp);
	free(after);
	free(before);
	session_free(s);
}

/*
 * A full disk: the file size limit (RLIMIT_FSIZE with SIGXFSZ ignored) makes
 * writes fail with EFBIG; the old file stays, the message names the path.
 */
static void
test_save_file_too_large(void **state)
{
	struct session	*s;
	char		*before, *after, *msg;
	int		 p[2], status;
	pid_t		 pid;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	before = slurp(s->path, NULL);
	free(s->consultant);
	s->consultant = xstrdup("someone else");

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct rlimit	 rl = { .rlim_cur = 4096, .rlim_max = 4096 };
		char		*err = NULL;
		int		 rc;

		close(p[0]);
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		rc = session_save(s, &err);
		dprintf(p[1], "%s", err != NULL ? err : "(no message)");
		_exit(rc == -1 ? 0 : 1);
	}
	close(p[1]);
	msg = read_pipe(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("save over the size limit did not fail: %s", msg);
	assert_non_null(strstr(msg, s->path));
	assert_non_null(strstr(msg, "File too large"));
	after = slurp(s->path, NULL);
	assert_string_equal(before, after);
	assert_int_equal(count_tmp(tmpdir), 0);
	free(after);
	free(before);
	free(msg);
	session_free(s);
}

/*
 * A really full disk: a 64 KB tmpfs in a private mount namespace, filled
 * up; the save fails with ENOSPC and the old file is intact. Skipped where
 * mounts are not permitted (the RLIMIT_FSIZE test covers the code path).
 */
static void
test_save_disk_full(void **state)
{
	char	*msg, *dir;
	int	 p[2], status;
	pid_t	 pid;

	(void)state;
	dir = xprintf("%s/tiny", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct session	*s;
		char		*err = NULL, *before, *after, *fill;
		int		 fd, rc;
		static char	 junk[4096];

		close(p[0]);
		if (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
		    mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") == -1)
			_exit(77);
		s = full_session(dir);
		if (session_save(s, &err) != 0) {
			dprintf(p[1], "first save: %s", err);
			_exit(1);
		}
		before = slurp(s->path, NULL);
		fill = xprintf("%s/filler", dir);
		fd = open(fill, O_WRONLY | O_CREAT, 0600);
		while (write(fd, junk, sizeof junk) > 0)
			;
		while (write(fd, junk, 1) > 0)
			;
		close(fd);
		free(s->client);
		s->client = xstrdup("a change that does not fit");
		rc = session_save(s, &err);
		after = slurp(s->path, NULL);
		if (rc != -1 || after == NULL || strcmp(before, after) != 0) {
			dprintf(p[1], "save on a full disk: rc %d, file %s",
			    rc, after == NULL ? "gone" : strcmp(before, after) ?
			    "changed" : "same");
			_exit(1);
		}
		if (count_tmp(dir) != 0) {
			dprintf(p[1], "a temporary file was left");
			_exit(1);
		}
		dprintf(p[1], "%s\n%s", s->path, err);
		_exit(0);
	}
	close(p[1]);
	msg = read_pipe(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		free(msg);
		free(dir);
		skip();
	}
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s", msg);
	print_message("disk full: %s\n", strchr(msg, '\n') + 1);
	*strchr(msg, '\n') = '\0';
	assert_non_null(strstr(msg + strlen(msg) + 1, msg));
	assert_non_null(strstr(msg + strlen(msg) + 1,
	    "No space left on device"));
	free(msg);
	free(dir);
}

/*
 * kill -9 at any moment of a save loses at most that change: the file
 * always loads, as the old or the new version. The next lock clears the
 * temporary files a killed save left.
 */
static void
test_kill_during_save(void **state)
{
	struct session	*s, *t;
	char		*err = NULL;
	int		 round, status;
	pid_t		 pid;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	for (round = 0; round < 20; round++) {
		if ((pid = fork()) == 0) {
			int	k;

			for (k = 0; ; k++) {
				free(s->client);
				s->client = xprintf("version %d", k);
				if (session_save(s, NULL) != 0)
					_exit(1);
			}
		}
		usleep(1000 + (round * 1777) % 15000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		t = session_load(s->path, &err);
		if (t == NULL)
			fail_msg("round %d: %s", round, err);
		assert_true(strcmp(t->client, odd[5]) == 0 ||
		    strncmp(t->client, "version ", 8) == 0);
		assert_int_equal(t->nitems, s->nitems);
		session_free(t);
	}
	assert_int_equal(session_lock(s, &err), 0);
	assert_int_equal(count_tmp(tmpdir), 0);
	session_free(s);
}

/* Loads path expecting failure; returns the message. */
static char *
load_fails(const char *path)
{
	struct session	*t;
	char		*err = NULL;

	t = session_load(path, &err);
	if (t != NULL)
		fail_msg("%s loaded but should not", path);
	assert_non_null(err);
	return err;
}

/* The 1-based line of the first occurrence of needle in path. */
static int
line_of(const char *path, const char *needle)
{
	char		*data = slurp(path, NULL), *at;
	const char	*p;
	int		 line = 1;

	at = strstr(data, needle);
	assert_non_null(at);
	for (p = data; p < at; p++)
		line += *p == '\n';
	free(data);
	return line;
}

/* Replaces the first occurrence of from with to in a file. */
static void
edit(const char *path, const char *from, const char *to)
{
	char	*data = slurp(path, NULL), *at;
	struct buf b = { 0 };

	at = strstr(data, from);
	assert_non_null(at);
	buf_add(&b, data, at - data);
	buf_puts(&b, to);
	buf_puts(&b, at + strlen(from));
	spit(path, b.data, b.len);
	buf_free(&b);
	free(data);
}

/*
 * Hand-damaged files: refused with the line, left as they are, the backup
 * named; semantic errors too; a newer format version is refused.
 */
static void
test_damaged(void **state)
{
	struct session	*s, *t;
	char		*err, *want, *before, *after, *bak;
	int		 line;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	s->saved = 1;	/* a second save: the first becomes the backup */
	save_ok(s);
	bak = xprintf("%s.bak", s->path);
	assert_non_null(after = slurp(bak, NULL));
	free(after);

	/* A syntax error: its line, the file untouched, the backup named. */
	line = line_of(s->path, "selected_stage");
	edit(s->path, "selected_stage = 4;", "selected_stage = = 4;");
	before = slurp(s->path, NULL);
	err = load_fails(s->path);
	want = xprintf("%s:%d: ", s->path, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("\"%s\" does not start \"%s\"", err, want);
	assert_non_null(strstr(err, bak));
	after = slurp(s->path, NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(want);
	free(err);
	err = NULL;
	/* The backup is a good copy. */
	t = session_load(bak, &err);
	assert_non_null(t);
	assert_string_equal(t->client, s->client);
	session_free(t);
	edit(s->path, "selected_stage = = 4;", "selected_stage = 4;");

	/* An unknown status, with its line. */
	line = line_of(s->path, "status = \"pass\"");
	edit(s->path, "status = \"pass\"", "status = \"passed\"");
	err = load_fails(s->path);
	want = xprintf("%s:%d: unknown status \"passed\"", s->path, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("\"%s\" does not start \"%s\"", err, want);
	free(want);
	free(err);
	err = NULL;
	edit(s->path, "status = \"passed\"", "status = \"pass\"");

	/* A bad time. */
	line = line_of(s->path, "marked = ");
	edit(s->path, "marked = \"2026-", "marked = \"2026/");
	err = load_fails(s->path);
	want = xprintf("%s:%d: \"marked\" is not a time", s->path, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("\"%s\" does not start \"%s\"", err, want);
	free(want);
	free(err);
	err = NULL;
	edit(s->path, "marked = \"2026/", "marked = \"2026-");

	/* A wrong type. */
	edit(s->path, "timeout = 7;", "timeout = \"7\";");
	err = load_fails(s->path);
	assert_non_null(strstr(err, "\"timeout\" must be a whole number"));
	free(err);
	err = NULL;
	edit(s->path, "timeout = \"7\";", "timeout = 7;");

	/* A newer format. */
	edit(s->path, "version = 1;", "version = 2;");
	err = load_fails(s->path);
	assert_non_null(strstr(err, ":1: written by a newer launchready "
	    "(session format 2; this one reads format 1)"));
	free(err);
	err = NULL;
	edit(s->path, "version = 2;", "version = 1;");

	/* @include and NUL bytes are refused before parsing. */
	edit(s->path, "version = 1;", "@include \"/dev/zero\"\nversion = 1;");
	err = load_fails(s->path);
	assert_non_null(strstr(err, ":1: @include is not allowed"));
	free(err);
	err = NULL;
	edit(s->path, "@include \"/dev/zero\"\n", "");
	edit(s->path, "selected_stage", "selected\\x00_stage");
	before = slurp(s->path, NULL);
	*strstr(before, "\\x00") = '\0';
	spit(s->path, before, strlen(before) + 1 + strlen(before +
	    strlen(before) + 1));
	free(before);
	err = load_fails(s->path);
	assert_non_null(strstr(err, "NUL byte"));
	free(err);
	err = NULL;

	/* Still good after all of this: the original loads again. */
	save_ok(s);
	t = session_load(s->path, &err);
	assert_non_null(t);
	session_free(t);
	free(bak);
	session_free(s);
}

/* Size and count bounds are refused with a clear message. */
static void
test_bounds(void **state)
{
	struct session	*s;
	char		*err, *path;
	struct buf	 b = { 0 };
	int		 fd, i;

	(void)state;
	path = xprintf("%s/huge.cfg", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(ftruncate(fd, 17 * 1024 * 1024), 0);
	close(fd);
	err = load_fails(path);
	assert_non_null(strstr(err, "a session file is at most 16 MB"));
	free(err);
	err = NULL;

	s = full_session(tmpdir);
	save_ok(s);
	buf_puts(&b, "evidence = [ ");
	for (i = 0; i < RESULT_MAX_EVIDENCE + 1; i++)
		buf_printf(&b, "%s\"line %d\"", i > 0 ? ", " : "", i);
	buf_puts(&b, " ];\n summary");
	edit(s->path, "evidence = [", "evidenc = [");
	edit(s->path, "summary", b.data);
	err = load_fails(s->path);
	assert_non_null(strstr(err, "\"evidence\" has 201 entries; at most "
	    "200 are allowed"));
	free(err);
	err = NULL;
	buf_free(&b);
	free(path);
	session_free(s);
}

/* A new session never takes the name of an existing (damaged) file. */
static void
test_never_overwrite(void **state)
{
	struct options	 opt;
	struct session	*a, *b;
	char		*err = NULL, *path, *data;

	(void)state;
	options_init(&opt);
	opt.domain = xstrdup("brightcart.test");
	path = xprintf("%s/brightcart.test.cfg", tmpdir);
	spit(path, "version = 1; garbage", 20);
	a = session_new(tmpdir, &opt);
	assert_string_equal(a->name, "brightcart.test-2");
	b = session_new(tmpdir, &opt);
	assert_string_equal(b->name, "brightcart.test-2");
	save_ok(a);
	/* b's first save finds a's file: it refuses instead of replacing. */
	assert_int_equal(session_save(b, &err), -1);
	assert_non_null(strstr(err, "a file of that name appeared"));
	free(err);
	err = NULL;
	data = slurp(path, NULL);
	assert_string_equal(data, "version = 1; garbage");
	free(data);
	assert_int_equal(count_tmp(tmpdir), 0);
	free(path);
	options_clear(&opt);
	session_free(a);
	session_free(b);
}

/*
 * The lock: a second process is refused with the holder named; a lock
 * whose holder died (kill -9) is taken over; a lock file left with a dead
 * pid is no obstacle.
 */
static void
test_lock(void **state)
{
	struct session	*s, *t;
	char		*err = NULL, *want, *lock, *msg;
	int		 ready[2], go[2], status;
	pid_t		 pid;
	char		 c;

	(void)state;
	s = full_session(tmpdir);
	save_ok(s);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	if ((pid = fork()) == 0) {
		struct session *u;

		close(ready[0]);
		close(go[1]);
		u = session_load(s->path, &err);
		if (u == NULL || session_lock(u, &err) != 0)
			_exit(1);
		assert_int_equal(write(ready[1], "L", 1), 1);
		/* Hold the lock until told, then die without unlocking. */
		(void)read(go[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);

	t = session_load(s->path, &err);
	assert_non_null(t);
	assert_int_equal(session_lock(t, &err), -1);
	want = xprintf("session %s is open in another launchready (pid %ld, "
	    "user ", s->name, (long)pid);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("\"%s\" does not start \"%s\"", err, want);
	assert_non_null(strstr(err, " on host "));
	assert_non_null(strstr(err, ", since 20"));
	print_message("%s\n", err);
	free(err);
	err = NULL;
	free(want);
	/* Deleting it is refused while it is open. */
	assert_int_equal(session_remove(s->path, &err), -1);
	assert_non_null(strstr(err, "is open in another launchready"));
	free(err);
	err = NULL;

	/* The holder dies (kill -9): the lock is taken over. */
	kill(pid, SIGKILL);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (session_lock(t, &err) != 0)
		fail_msg("stale lock not taken over: %s", err);
	lock = xprintf("%s.lock", s->path);
	msg = slurp(lock, NULL);
	want = xprintf("%ld ", (long)getpid());
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	free(want);
	free(msg);
	/* Locking twice from one session is a no-op; another object fails. */
	assert_int_equal(session_lock(t, &err), 0);
	assert_int_equal(session_lock(s, &err), -1);
	free(err);
	err = NULL;
	session_unlock(t);
	assert_int_equal(access(lock, F_OK), -1);

	/* A lock file left by a dead process (pid 2^22+1 is never alive). */
	spit(lock, "4194305 ana otherhost 2026-11-20T10:00:00Z\n", 43);
	if (session_lock(s, &err) != 0)
		fail_msg("left-over lock file not taken over: %s", err);
	session_free(s);	/* unlocks */
	assert_int_equal(access(lock, F_OK), -1);
	free(lock);
	session_free(t);
}

/* Rewrites the saved time of a session file. */
static void
set_saved(const char *path, const char *when)
{
	char	*data = slurp(path, NULL), *at, *to;

	at = strstr(data, "saved = \"");
	assert_non_null(at);
	to = xprintf("saved = \"%s\"", when);
	memcpy(at, to, strlen(to));
	spit(path, data, strlen(data));
	free(to);
	free(data);
}

/* Lists sessions newest first with progress; damaged ones with errors. */
static void
test_list_remove(void **state)
{
	struct checklist	*cl;
	struct session_info	*v;
	struct session		*a, *b;
	struct options		 opt;
	struct result		 r;
	char			*err = NULL, *path, *dir, *bak;
	size_t			 n;

	(void)state;
	path = data_path("checklist.cfg");
	cl = checklist_load(path, &err);
	if (cl == NULL)
		fail_msg("%s", err);
	free(path);
	dir = xprintf("%s/sessions", tmpdir);

	/* An empty or missing directory lists nothing. */
	assert_int_equal(session_list(dir, cl, &v, &n, &err), 0);
	assert_int_equal(n, 0);

	options_init(&opt);
	opt.domain = xstrdup("old.test");
	a = session_new(dir, &opt);
	a->client = xstrdup("Old Client");
	result_init(&r);
	result_set(&r, STATUS_PASS, SEVERITY_NONE, "ok");
	session_record(a, "dns.apex", &r);
	result_set(&r, STATUS_FAIL, SEVERITY_HIGH, "no");
	session_record(a, "dns.www", &r);
	session_item(a, cl->items[cl->nitems - 1].id)->status = STATUS_DONE;
	session_item(a, "not.in.checklist")->status = STATUS_PASS;
	result_clear(&r);
	save_ok(a);
	save_ok(a);	/* makes a .bak, which is not listed */
	set_saved(a->path, "2026-11-20T10:00:00Z");
	free(opt.domain);
	opt.domain = xstrdup("new.test");
	b = session_new(dir, &opt);
	save_ok(b);
	set_saved(b->path, "2026-11-22T10:00:00Z");
	path = xprintf("%s/broken.cfg", dir);
	spit(path, "version = 1;\nform = {\n", 22);
	options_clear(&opt);

	assert_int_equal(session_list(dir, cl, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	/* The damaged file has the newest mtime; it comes first. */
	assert_string_equal(v[0].name, "broken");
	assert_non_null(v[0].error);
	assert_non_null(strstr(v[0].error, "broken.cfg:3:"));
	assert_string_equal(v[1].name, "new.test");
	assert_null(v[1].error);
	assert_int_equal(v[1].settled, 0);
	assert_string_equal(v[2].name, "old.test");
	assert_string_equal(v[2].client, "Old Client");
	assert_string_equal(v[2].domain, "old.test");
	assert_int_equal(v[2].settled, 2);
	assert_int_equal(v[2].total, cl->nitems);
	session_info_free(v, n);

	/* Remove: the file and its backup go; a missing one is an error. */
	bak = xprintf("%s.bak", a->path);
	assert_int_equal(access(bak, F_OK), 0);
	assert_int_equal(session_remove(a->path, &err), 0);
	assert_int_equal(access(a->path, F_OK), -1);
	assert_int_equal(access(bak, F_OK), -1);
	assert_int_equal(session_remove(a->path, &err), -1);
	assert_non_null(strstr(err, "no such session"));
	free(err);
	err = NULL;
	assert_int_equal(session_list(dir, cl, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	session_info_free(v, n);

	free(bak);
	free(path);
	free(dir);
	session_free(a);
	session_free(b);
	checklist_free(cl);
}

/* session_dir: the option, then XDG_DATA_HOME, then HOME. */
static void
test_dir(void **state)
{
	struct options	 opt;
	char		*d;

	(void)state;
	options_init(&opt);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/ana", 1);
	d = session_dir(&opt);
	assert_string_equal(d, "/x/data/launchready/sessions");
	free(d);
	unsetenv("XDG_DATA_HOME");
	d = session_dir(&opt);
	assert_string_equal(d, "/home/ana/.local/share/launchready/sessions");
	free(d);
	opt.session_dir = xstrdup("/elsewhere");
	d = session_dir(&opt);
	assert_string_equal(d, "/elsewhere");
	free(d);
	options_clear(&opt);
}

/* The sprint clock and recording first versus latest results. */
static void
test_record(void **state)
{
	struct session		*s;
	struct item_state	*is;
	struct result		 r;

	(void)state;
	s = session_new(tmpdir, NULL);
	assert_string_equal(s->name, "session");
	s->started = 1000000;
	assert_int_equal(session_hour(s, 1000000 + 3599), 0);
	assert_int_equal(session_hour(s, 1000000 + 13 * 3600 + 5), 13);
	assert_int_equal(session_hour(s, 1000000 + 60 * 3600), 60);
	assert_int_equal(session_hour(s, 10), 0);

	result_init(&r);
	result_set(&r, STATUS_FAIL, SEVERITY_CRITICAL, "first");
	session_record(s, "email.spf", &r);
	result_set(&r, STATUS_WARN, SEVERITY_MEDIUM, "second");
	session_record(s, "email.spf", &r);
	result_set(&r, STATUS_PASS, SEVERITY_NONE, "third");
	session_record(s, "email.spf", &r);
	is = session_item(s, "email.spf");
	assert_string_equal(is->first.summary, "first");
	assert_string_equal(is->latest.summary, "third");
	assert_int_equal(is->status, STATUS_PASS);
	/* A skipped item keeps its skip when re-run. */
	is->status = STATUS_SKIPPED;
	result_set(&r, STATUS_FAIL, SEVERITY_CRITICAL, "fourth");
	session_record(s, "email.spf", &r);
	is = session_item(s, "email.spf");
	assert_int_equal(is->status, STATUS_SKIPPED);
	assert_string_equal(is->latest.summary, "fourth");
	assert_int_equal(s->nitems, 1);
	result_clear(&r);
	session_free(s);
}

/* A finding of a scan report at path, in commit (NULL: work tree). */
static void
add_finding(struct gitscan_report *rep, const char *fp, const char *path,
    const char *commit, time_t date)
{
	struct gitscan_finding	*g;

	rep->findings = xreallocarray(rep->findings, rep->nfindings + 1,
	    sizeof *rep->findings);
	g = &rep->findings[rep->nfindings++];
	memset(g, 0, sizeof *g);
	g->f.rule = "stripe-secret-live";
	g->f.title = "Stripe live secret key";
	g->f.severity = SEVERITY_CRITICAL;
	g->f.line = 3;
	strcpy(g->f.preview, "sk_l…");
	strcpy(g->f.fingerprint, fp);
	g->path = xstrdup(path);
	g->commit = commit != NULL ? xstrdup(commit) : NULL;
	g->date = date;
}

static void
free_report(struct gitscan_report *rep)
{
	size_t	i;

	for (i = 0; i < rep->nfindings; i++) {
		free(rep->findings[i].path);
		free(rep->findings[i].commit);
		free(rep->findings[i].allow_reason);
	}
	free(rep->findings);
	memset(rep, 0, sizeof *rep);
}

/*
 * The secret inventory: one row per fingerprint across the work tree and
 * the history, owner and status survive a save, a load and re-scans, and
 * a rotated secret found again in a new place is flagged again.
 */
static void
test_inventory(void **state)
{
	struct gitscan_report	 rep = { 0 };
	struct session		*s, *t;
	struct secret_row	*row;
	char			*err = NULL;
	time_t			 t0 = 1795000000;

	(void)state;
	s = some_session(tmpdir, 1);
	handover_clear(&s->handover);
	add_finding(&rep, "1111111111111111", "config/app.py", NULL, 0);
	add_finding(&rep, "2222222222222222", ".env", NULL, 0);
	add_finding(&rep, "1111111111111111", "config/app.py", NULL, 0);
	rep.findings[1].f.allowed = true;
	rep.findings[1].allow_reason = xstrdup("test fixture");
	add_finding(&rep, "3333333333333333", "static/site.js", NULL, 0);
	rep.findings[3].f.publishable = true;
	assert_int_equal(inventory_sync(s, &rep, t0), 2);
	free_report(&rep);
	assert_int_equal(s->handover.nsecrets, 2);
	assert_null(inventory_find(s, "3333333333333333"));
	row = inventory_find(s, "2222222222222222");
	assert_int_equal(row->status, SECRET_ALLOWED);
	assert_string_equal(row->reason, "test fixture");
	assert_int_equal(inventory_open(s), 1);

	/* The history scan knows the first commit; no new row. */
	add_finding(&rep, "1111111111111111", "config/app.py",
	    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", t0 - 86400);
	assert_int_equal(inventory_sync(s, &rep, t0 + 60), 0);
	free_report(&rep);
	row = inventory_find(s, "1111111111111111");
	assert_string_equal(row->commit,
	    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
	assert_int_equal(row->commit_date, t0 - 86400);
	assert_string_equal(row->path, "config/app.py");

	/* A person sets owner and status; they survive save and load. */
	row->owner = xstrdup("Dana (CTO)");
	assert_int_equal(inventory_set_status(row, SECRET_ALLOWED, 0, "",
	    &err), -1);
	assert_non_null(strstr(err, "reason"));
	free(err);
	err = NULL;
	assert_int_equal(inventory_set_status(row, SECRET_ROTATED, t0 + 3600,
	    NULL, &err), 0);
	assert_int_equal(inventory_open(s), 0);
	assert_int_equal(session_save(s, &err), 0);
	t = session_load(s->path, &err);
	assert_non_null(t);
	assert_sessions(s, t);
	session_free(s);
	s = t;

	/* A re-scan after the rotation, same places: still rotated. */
	add_finding(&rep, "1111111111111111", "config/app.py", NULL, 0);
	add_finding(&rep, "1111111111111111", "config/app.py",
	    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", t0 - 86400);
	assert_int_equal(inventory_sync(s, &rep, t0 + 7200), 0);
	free_report(&rep);
	row = inventory_find(s, "1111111111111111");
	assert_int_equal(row->status, SECRET_ROTATED);
	assert_string_equal(row->owner, "Dana (CTO)");
	assert_int_equal(row->last_seen, t0 + 7200);

	/* The rotated value is pasted into a new file: flagged again. */
	add_finding(&rep, "1111111111111111", "deploy/prod.yml", NULL, 0);
	assert_int_equal(inventory_sync(s, &rep, t0 + 9000), 1);
	free_report(&rep);
	row = inventory_find(s, "1111111111111111");
	assert_int_equal(row->status, SECRET_EXPOSED);
	assert_int_equal(row->reappeared, t0 + 9000);
	assert_int_equal(row->rotated, t0 + 3600);
	assert_string_equal(row->owner, "Dana (CTO)");
	assert_int_equal(inventory_open(s), 1);

	/* Committed again after a new rotation: flagged again too. */
	assert_int_equal(inventory_set_status(row, SECRET_ROTATED, t0 + 10000,
	    NULL, &err), 0);
	add_finding(&rep, "1111111111111111", "config/app.py",
	    "b94a8fe5ccb19ba61c4c0873d391e987982fbbd3", t0 + 20000);
	assert_int_equal(inventory_sync(s, &rep, t0 + 30000), 1);
	free_report(&rep);
	assert_int_equal(row->status, SECRET_EXPOSED);
	assert_int_equal(s->handover.nsecrets, 2);
	assert_int_equal(session_save(s, &err), 0);
	session_free(s);
}

/* Damaged handover data is refused with its line. */
static void
test_handover_damaged(void **state)
{
	static const struct {
		const char	*group;
		const char	*want;
	} cases[] = {
		{ "decision = { kind = \"maybe\"; };", "unknown decision" },
		{ "rollback_minutes = 0;", "out of range" },
		{ "secrets = ( { fingerprint = \"xyz\"; } );", "fingerprint" },
		{ "secrets = ( { fingerprint = \"0123456789abcdef\"; }, "
		  "{ fingerprint = \"0123456789abcdef\"; } );", "twice" },
		{ "secrets = ( { fingerprint = \"0123456789abcdef\"; "
		  "status = \"gone\"; } );", "unknown secret status" },
		{ "secrets = ( { fingerprint = \"0123456789abcdef\"; "
		  "paths = [ 1 ]; } );", "paths" },
		{ "alert_owners = 3;", "alert_owners" },
	};
	char	*path, *text, *err;
	size_t	 i;

	(void)state;
	path = xprintf("%s/damaged.cfg", tmpdir);
	for (i = 0; i < nitems(cases); i++) {
		text = xprintf("version = 1;\ncreated = \"2026-11-24T13:05:00Z\";\n"
		    "started = \"2026-11-24T13:05:00Z\";\n"
		    "saved = \"2026-11-24T13:05:00Z\";\nform = { };\n"
		    "items = ( );\nhandover = {\n  %s\n};\n", cases[i].group);
		spit(path, text, strlen(text));
		err = NULL;
		assert_null(session_load(path, &err));
		assert_non_null(err);
		if (strstr(err, cases[i].want) == NULL ||
		    strstr(err, ":8:") == NULL)
			fail_msg("case %zu: %s", i, err);
		free(err);
		free(text);
	}
	free(path);
}

/* A random alphanumeric tail, so no credential is written in the source. */
static char *
fake_key(const char *prefix, size_t n)
{
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	char	*v = xmalloc(strlen(prefix) + n + 1);
	size_t	 i, len = strlen(prefix);

	memcpy(v, prefix, len);
	for (i = 0; i < n; i++)
		v[len + i] = set[(i * 7 + (size_t)rand()) % (sizeof set - 1)];
	v[len + n] = '\0';
	return v;
}

/* Free text that holds a credential is refused, with the reason. */
static void
test_guard(void **state)
{
	struct secrets_rules	*rules;
	struct session		*s;
	char			*err = NULL, *key, *text;

	(void)state;
	rules = secrets_rules_load(NULL, &err);
	assert_non_null(rules);
	assert_int_equal(guard_text(rules, "1Password vault \"Ops\", item "
	    "Registrar", &err), 0);
	assert_int_equal(guard_text(rules, NULL, &err), 0);
	assert_int_equal(guard_text(rules, "", &err), 0);

	key = fake_key("sk_live_", 32);
	text = xprintf("Stripe dashboard, key is %s", key);
	assert_int_equal(guard_text(rules, text, &err), -1);
	assert_non_null(strstr(err, "store where it lives, not the key"));
	assert_non_null(strstr(err, "Stripe"));
	assert_null(strstr(err, key + 8));
	free(err);
	err = NULL;
	assert_int_equal(guard_text(NULL, "anything", &err), -1);
	free(err);
	err = NULL;

	s = some_session(tmpdir, 2);
	assert_int_equal(guard_session(rules, s, &err), 0);
	s->handover.alert_owner[ALERT_ERROR_RATE] = xstrdup(text);
	assert_int_equal(guard_session(rules, s, &err), -1);
	assert_non_null(strstr(err, "Error rate"));
	free(err);
	err = NULL;
	free(s->handover.alert_owner[ALERT_ERROR_RATE]);
	s->handover.alert_owner[ALERT_ERROR_RATE] = NULL;
	free(s->handover.access[1].where);
	s->handover.access[1].where = xstrdup(text);
	assert_int_equal(guard_session(rules, s, &err), -1);
	free(err);
	session_free(s);
	free(text);
	free(key);
	secrets_rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_read_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_tmp_blocked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_file_too_large, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kill_during_save, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_overwrite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_remove, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_handover_damaged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_guard, setup, teardown),
	};

	/* TEST_FILTER=test_truncated runs one test (under valgrind, say). */
	if (getenv("TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
