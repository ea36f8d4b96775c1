/*
 * test-sprint.c: the sprint controller (src/sprint.c) without a terminal:
 * the recording policy, marking and skipping, the options `resume` takes
 * over saved ones, finding a session by name, and real checks run on the
 * lab through the sprint. tests/sprint-lab.sh starts the DNS and web labs
 * and exports LAB_DNS_PORT, LAB_WEB_HTTP_PORT, LAB_WEB_HTTPS_PORT and
 * LAB_CA; without them the lab tests are skipped, the others run.
 */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"

static struct checklist	*checklist;
static char		 tmpdir[] = "/tmp/test-sprint.XXXXXX";

/* What the sprint told its user. */
struct told {
	size_t	changed;
	size_t	running;
	size_t	messages;
	size_t	errors;
};

static void
told_cb(void *arg, enum sprint_event ev, const char *text)
{
	struct told	*t = arg;

	switch (ev) {
	case SPRINT_CHANGED:
		t->changed++;
		break;
	case SPRINT_RUNNING:
		t->running++;
		break;
	case SPRINT_MESSAGE:
		assert_non_null(text);
		t->messages++;
		break;
	case SPRINT_ERROR:
		assert_non_null(text);
		t->errors++;
		break;
	}
}

/* The checklist index of id. */
static size_t
item_index(const char *id)
{
	size_t	i;

	for (i = 0; i < checklist->nitems; i++) {
		if (strcmp(checklist->items[i].id, id) == 0)
			return i;
	}
	fail_msg("no item %s", id);
	return 0;
}

/* A new session for domain in the test's directory, under name. */
static struct session *
new_session(const char *domain, const char *name)
{
	struct options	 opt;
	struct session	*s;
	char		*dir;

	options_init(&opt);
	opt.domain = xstrdup(domain);
	opt.domain_unicode = xstrdup(domain);
	dir = xprintf("%s/%s", tmpdir, name);
	s = session_new(dir, &opt);
	free(dir);
	options_clear(&opt);
	return s;
}

/* The lab's options, or false when the lab is not running. */
static bool
lab_options(struct options *opt)
{
	const char	*dns = getenv("LAB_DNS_PORT");
	const char	*http = getenv("LAB_WEB_HTTP_PORT");
	const char	*https = getenv("LAB_WEB_HTTPS_PORT");
	const char	*ca = getenv("LAB_CA");
	char		*map;

	if (dns == NULL || http == NULL || https == NULL || ca == NULL)
		return false;
	strlist_clear(&opt->resolvers);
	strlist_addf(&opt->resolvers, "127.0.0.1:%s", dns);
	map = xprintf("80:%s,443:%s", http, https);
	opt->nport_map = 0;
	assert_int_equal(options_parse_port_map(opt, map, NULL), 0);
	free(map);
	free(opt->cacert);
	opt->cacert = xstrdup(ca);
	opt->timeout = 5;
	return true;
}

/* Runs the loop until the sprint has nothing in flight (at most 60 s). */
static void
run_until_idle(struct loop *loop, struct sprint *sp)
{
	uint64_t	until = now_ms() + 60000;

	while (sprint_running(sp) > 0 && now_ms() < until)
		loop_once(loop, 200);
	assert_int_equal(sprint_running(sp), 0);
}

/* One policy for the wizard and `audit`: only findings have a severity. */
static void
test_policy(void **state)
{
	const struct item	*caa = checklist_item(checklist, "dns.caa");
	struct result		 r;

	(void)state;
	assert_non_null(caa);
	result_init(&r);
	result_set(&r, STATUS_PASS, SEVERITY_INFO, "fine");
	sprint_policy(caa, &r);
	assert_int_equal(r.severity, SEVERITY_NONE);
	result_set(&r, STATUS_ERROR, SEVERITY_HIGH, "could not");
	sprint_policy(caa, &r);
	assert_int_equal(r.severity, SEVERITY_NONE);
	result_set(&r, STATUS_FAIL, SEVERITY_INFO, "bad");
	sprint_policy(caa, &r);
	assert_int_equal(r.severity, caa->severity);
	result_set(&r, STATUS_WARN, SEVERITY_NONE, "hmm");
	sprint_policy(caa, &r);
	assert_int_equal(r.severity, SEVERITY_INFO);
	result_set(&r, STATUS_WARN, SEVERITY_MEDIUM, "hmm");
	sprint_policy(caa, &r);
	assert_int_equal(r.severity, SEVERITY_MEDIUM);
	/* A check outside the checklist keeps its own severity. */
	result_set(&r, STATUS_FAIL, SEVERITY_HIGH, "bad");
	sprint_policy(NULL, &r);
	assert_int_equal(r.severity, SEVERITY_HIGH);
	result_clear(&r);
}

/* Marking, skipping, owners and notes go through the sprint and save. */
static void
test_mark_skip(void **state)
{
	struct loop		*loop = loop_new();
	struct told		 t = { 0 };
	struct sprint		*sp;
	struct session		*back;
	struct result		 r;
	struct summary		 a, b;
	char			*err = NULL, *path;
	size_t			 manual = 0, autom = item_index("dns.caa");

	(void)state;
	while (checklist->items[manual].check != NULL)
		manual++;
	sp = sprint_open(new_session("mark.test", "mark"), checklist, loop,
	    told_cb, &t, &err);
	assert_non_null(sp);
	assert_true(t.changed > 0);
	path = xstrdup(sprint_session(sp)->path);

	assert_int_equal(sprint_mark(sp, manual, &err), 0);
	assert_int_equal(sprint_status(sp, manual), STATUS_DONE);
	assert_int_equal(sprint_mark(sp, manual, &err), 0);
	assert_int_equal(sprint_status(sp, manual), STATUS_PENDING);
	assert_int_equal(sprint_mark(sp, autom, &err), -1);
	assert_non_null(strstr(err, "checked automatically"));
	free(err);
	err = NULL;
	assert_int_equal(sprint_run_item(sp, manual, &err), -1);
	free(err);
	err = NULL;

	/* A skip needs a reason; a person's skip stands over a result. */
	assert_int_equal(sprint_skip(sp, autom, "", &err), -1);
	assert_non_null(strstr(err, "needs a reason"));
	free(err);
	err = NULL;
	assert_int_equal(sprint_skip(sp, autom, "no certificate yet", &err),
	    0);
	result_init(&r);
	result_set(&r, STATUS_FAIL, SEVERITY_INFO, "no CAA");
	sprint_record(sp, autom, &r);
	assert_int_equal(sprint_status(sp, autom), STATUS_SKIPPED);
	assert_int_equal(sprint_state(sp, autom)->latest.severity,
	    checklist->items[autom].severity);
	sprint_unskip(sp, autom);
	assert_int_equal(sprint_status(sp, autom), STATUS_FAIL);
	assert_int_equal(sprint_severity(sp, autom),
	    checklist->items[autom].severity);
	assert_false(sprint_fixed(sp, autom));
	result_set(&r, STATUS_PASS, SEVERITY_INFO, "CAA fine");
	sprint_record(sp, autom, &r);
	result_clear(&r);
	assert_true(sprint_fixed(sp, autom));
	assert_int_equal(sprint_severity(sp, autom), SEVERITY_NONE);
	assert_int_equal(sprint_state(sp, autom)->latest.severity,
	    SEVERITY_NONE);

	/* The wizard's counts are the report's. */
	sprint_count(sp, 0, &a);
	summary_count(sprint_session(sp), checklist, &b);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(a.fixed, 1);

	sprint_set_owner(sp, manual, "Ana");
	sprint_set_note(sp, manual, "Zugang geprüft");
	sprint_set_note(sp, autom, "");
	sprint_select(sp, checklist->items[autom].stage, autom);
	assert_int_equal(sprint_close(sp, &err), 0);
	loop_free(loop);

	back = session_load(path, &err);
	assert_non_null(back);
	assert_string_equal(session_item(back, checklist->items[manual].id)->
	    owner, "Ana");
	assert_string_equal(session_item(back, checklist->items[manual].id)->
	    note, "Zugang geprüft");
	assert_null(session_item(back, "dns.caa")->note);
	assert_string_equal(back->selected_item, "dns.caa");
	assert_true(summary_fixed(session_item(back, "dns.caa")));
	session_free(back);
	free(path);
}

/* `resume NAME --timeout 10` wins over a saved 5, as every option given. */
static void
test_overrides(void **state)
{
	char		*argv[] = { "launchready", "resume", "x", "--timeout",
			    "10", "--sender-ip", "192.0.2.9", "--allow-active",
			    NULL };
	char		*argv2[] = { "launchready", "resume", "x", NULL };
	struct cmdline	 cl;
	struct options	 saved;
	char		*err = NULL;

	(void)state;
	options_init(&saved);
	saved.timeout = 5;
	saved.sender_ip = xstrdup("198.51.100.1");
	saved.repo = xstrdup("/srv/repo");
	assert_int_equal(cmdline_parse(&cl, 8, argv, &err), 0);
	assert_true(cl.given & OPTION_TIMEOUT);
	assert_false(cl.given & OPTION_REPO);
	sprint_overrides(&saved, &cl.opt, cl.given);
	assert_int_equal(saved.timeout, 10);
	assert_string_equal(saved.sender_ip, "192.0.2.9");
	assert_true(saved.allow_active);
	assert_string_equal(saved.repo, "/srv/repo");
	cmdline_clear(&cl);

	/* Nothing given: the saved options stand, a saved 5 included. */
	saved.timeout = 5;
	assert_int_equal(cmdline_parse(&cl, 3, argv2, &err), 0);
	assert_int_equal(cl.given, 0);
	sprint_overrides(&saved, &cl.opt, cl.given);
	assert_int_equal(saved.timeout, 5);
	assert_string_equal(saved.sender_ip, "192.0.2.9");
	cmdline_clear(&cl);
	options_clear(&saved);
}

/* One resolver for `resume` and `report`: NAME, NAME.cfg, a path. */
static void
test_find(void **state)
{
	struct session	*s = new_session("find.test", "find");
	char		*dir, *path, *err = NULL, *cwd;

	(void)state;
	assert_int_equal(session_save(s, &err), 0);
	dir = xprintf("%s/find", tmpdir);
	path = sprint_find(dir, checklist, "find.test", &err);
	assert_non_null(path);
	assert_string_equal(path, s->path);
	free(path);
	path = sprint_find(dir, checklist, "find.test.cfg", &err);
	assert_non_null(path);
	assert_string_equal(path, s->path);
	free(path);
	path = sprint_find(dir, checklist, s->path, &err);
	assert_non_null(path);
	free(path);
	path = sprint_find(dir, checklist, NULL, &err);
	assert_non_null(path);
	assert_string_equal(path, s->path);
	free(path);
	/* NAME.cfg in the current directory. */
	cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(dir), 0);
	free(dir);
	dir = xprintf("%s/none", tmpdir);
	path = sprint_find(dir, checklist, "find.test.cfg", &err);
	assert_non_null(path);
	assert_string_equal(path, "find.test.cfg");
	free(path);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_null(sprint_find(dir, checklist, "nosuch", &err));
	assert_non_null(strstr(err, "no session named \"nosuch\""));
	free(err);
	err = NULL;
	assert_null(sprint_find(dir, checklist, NULL, &err));
	free(err);
	free(dir);
	session_free(s);
}

/* A real pass through the sprint: dns.caa on the demo has no severity. */
static void
test_lab_pass(void **state)
{
	struct loop	*loop;
	struct session	*s = new_session("brightcart.test", "pass");
	struct sprint	*sp;
	struct told	 t = { 0 };
	char		*err = NULL;
	size_t		 caa = item_index("dns.caa");

	(void)state;
	if (!lab_options(&s->opt)) {
		session_free(s);
		skip();
	}
	loop = loop_new();
	sp = sprint_open(s, checklist, loop, told_cb, &t, &err);
	assert_non_null(sp);
	assert_null(sprint_audit_error(sp));
	assert_int_equal(sprint_run_item(sp, caa, &err), 0);
	assert_int_equal(sprint_status(sp, caa), STATUS_RUNNING);
	assert_int_equal(sprint_running(sp), 1);
	run_until_idle(loop, sp);
	assert_true(t.running >= 2);
	assert_int_equal(sprint_status(sp, caa), STATUS_PASS);
	assert_int_equal(sprint_state(sp, caa)->latest.severity,
	    SEVERITY_NONE);
	assert_int_equal(sprint_severity(sp, caa), SEVERITY_NONE);
	assert_int_equal(sprint_close(sp, &err), 0);
	loop_free(loop);
}

/*
 * `resume NAME --sender-ip IP --allow-active`: the options reach the
 * checks, which run instead of being skipped.
 */
static void
test_lab_resume_active(void **state)
{
	struct loop	*loop;
	struct session	*s = new_session("brightcart.test", "resume");
	struct sprint	*sp;
	struct cmdline	 cl;
	char		*argv[] = { "launchready", "resume", "brightcart.test",
			    "--sender-ip", "192.0.2.9", "--allow-active",
			    NULL };
	char		*err = NULL, *path;
	size_t		 spf = item_index("email.spf-eval");
	size_t		 rate = item_index("http.rate-limit");

	(void)state;
	if (!lab_options(&s->opt)) {
		session_free(s);
		skip();
	}
	loop = loop_new();
	/* First without them: both are skipped by their engines. */
	sp = sprint_open(s, checklist, loop, NULL, NULL, &err);
	assert_non_null(sp);
	path = xstrdup(sprint_session(sp)->path);
	sprint_run_item(sp, spf, &err);
	sprint_run_item(sp, rate, &err);
	run_until_idle(loop, sp);
	assert_int_equal(sprint_status(sp, spf), STATUS_SKIPPED);
	assert_int_equal(sprint_status(sp, rate), STATUS_SKIPPED);
	assert_int_equal(sprint_close(sp, &err), 0);

	/* Resumed with the options: both decide. */
	assert_int_equal(cmdline_parse(&cl, 6, argv, &err), 0);
	s = session_load(path, &err);
	assert_non_null(s);
	sprint_overrides(&s->opt, &cl.opt, cl.given);
	cmdline_clear(&cl);
	sp = sprint_open(s, checklist, loop, NULL, NULL, &err);
	assert_non_null(sp);
	sprint_run_item(sp, spf, &err);
	sprint_run_item(sp, rate, &err);
	run_until_idle(loop, sp);
	assert_int_equal(sprint_status(sp, spf), STATUS_PASS);
	assert_non_null(strstr(sprint_state(sp, spf)->latest.summary,
	    "192.0.2.9"));
	assert_int_not_equal(sprint_status(sp, rate), STATUS_SKIPPED);
	assert_int_not_equal(sprint_status(sp, rate), STATUS_PENDING);
	assert_int_equal(sprint_close(sp, &err), 0);
	loop_free(loop);

	/* Saved in the session: a later plain resume keeps them. */
	s = session_load(path, &err);
	assert_non_null(s);
	assert_string_equal(s->opt.sender_ip, "192.0.2.9");
	assert_true(s->opt.allow_active);
	session_free(s);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_mark_skip),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_lab_pass),
		cmocka_unit_test(test_lab_resume_active),
	};
	char	*path, *err = NULL, *cmd;
	int	 rc;

	if (mkdtemp(tmpdir) == NULL)
		return 99;
	path = data_path("checklist.cfg");
	checklist = checklist_load(path, &err);
	free(path);
	if (checklist == NULL) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	checklist_free(checklist);
	cmd = xprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc != 0 ? rc : 99;
	free(cmd);
	return rc;
}
