/* test-loop.c: the poll loop with real pipes and timers, and the runner. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"

/* ---- timers ----------------------------------------------------------- */

struct trace {
	char		 order[64];
	size_t		 n;
	struct loop	*loop;
	struct timer	*to_cancel;
};

struct mark {
	struct trace	*trace;
	char		 c;
};

static void
mark_cb(void *arg)
{
	struct mark	*m = arg;

	m->trace->order[m->trace->n++] = m->c;
}

/* Timers fire by due time; equal due times keep the order they were added. */
static void
test_timer_order(void **state)
{
	struct trace	 t = { .n = 0 };
	struct loop	*loop = loop_new();
	struct mark	 m[6];
	const char	*names = "abcdef";
	unsigned	 ms[6] = { 60, 0, 30, 0, 0, 30 };
	size_t		 i;

	for (i = 0; i < 6; i++) {
		m[i].trace = &t;
		m[i].c = names[i];
		loop_timer(loop, ms[i], mark_cb, &m[i]);
	}
	assert_int_equal(loop_pending(loop), 6);
	loop_run(loop);
	assert_int_equal(t.n, 6);
	t.order[t.n] = '\0';
	assert_string_equal(t.order, "bdecfa");
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
}

/* Equal due times in one pass: many 0-ms timers keep insertion order. */
static void
test_timer_same_due(void **state)
{
	struct trace	 t = { .n = 0 };
	struct loop	*loop = loop_new();
	struct mark	 m[26];
	size_t		 i;

	for (i = 0; i < 26; i++) {
		m[i].trace = &t;
		m[i].c = 'a' + i;
		loop_timer(loop, 0, mark_cb, &m[i]);
	}
	assert_int_equal(loop_once(loop, 0), 26);
	t.order[t.n] = '\0';
	assert_string_equal(t.order, "abcdefghijklmnopqrstuvwxyz");
	assert_int_equal(loop_once(loop, 0), -1);
	loop_free(loop);
}

static void
cancel_cb(void *arg)
{
	struct mark	*m = arg;

	m->trace->order[m->trace->n++] = m->c;
	loop_timer_cancel(m->trace->loop, m->trace->to_cancel);
	m->trace->to_cancel = NULL;
}

/* A cancelled timer never fires, also when cancelled by another timer. */
static void
test_timer_cancel(void **state)
{
	struct trace	 t = { .n = 0 };
	struct loop	*loop = loop_new();
	struct mark	 a = { &t, 'a' }, b = { &t, 'b' }, c = { &t, 'c' };
	struct timer	*tb;

	t.loop = loop;
	tb = loop_timer(loop, 0, mark_cb, &b);
	loop_timer_cancel(loop, tb);
	loop_timer_cancel(loop, NULL);
	assert_int_equal(loop_pending(loop), 0);
	assert_int_equal(loop_once(loop, 0), -1);

	loop_timer(loop, 0, cancel_cb, &a);
	t.to_cancel = loop_timer(loop, 5, mark_cb, &c);
	loop_run(loop);
	t.order[t.n] = '\0';
	assert_string_equal(t.order, "a");
	loop_free(loop);
}

static void
add_cb(void *arg)
{
	struct mark	*m = arg;
	static struct mark next;

	m->trace->order[m->trace->n++] = m->c;
	next.trace = m->trace;
	next.c = 'n';
	loop_timer(m->trace->loop, 0, mark_cb, &next);
}

/* A timer added by a callback runs on the next pass, not the current one. */
static void
test_timer_added_in_callback(void **state)
{
	struct trace	 t = { .n = 0 };
	struct loop	*loop = loop_new();
	struct mark	 a = { &t, 'a' }, b = { &t, 'b' };

	t.loop = loop;
	loop_timer(loop, 0, add_cb, &a);
	loop_timer(loop, 0, mark_cb, &b);
	assert_int_equal(loop_once(loop, 0), 2);
	t.order[t.n] = '\0';
	assert_string_equal(t.order, "ab");
	assert_int_equal(loop_pending(loop), 1);
	assert_int_equal(loop_once(loop, 0), 1);
	t.order[t.n] = '\0';
	assert_string_equal(t.order, "abn");
	loop_free(loop);
}

/* loop_once returns 0 after its timeout when nothing happens. */
static void
test_once_timeout(void **state)
{
	struct loop	*loop = loop_new();
	int		 p[2];
	uint64_t	 start;

	assert_int_equal(loop_once(loop, 10), -1);
	assert_int_equal(pipe(p), 0);
	loop_fd(loop, p[0], POLLIN, NULL, NULL);
	start = now_ms();
	assert_int_equal(loop_once(loop, 50), 0);
	assert_true(now_ms() - start >= 45);
	assert_true(now_ms() - start < 1000);
	/* A later timer bounds the wait too, and a short max_ms wins. */
	loop_timer(loop, 10000, NULL, NULL);
	start = now_ms();
	assert_int_equal(loop_once(loop, 20), 0);
	assert_true(now_ms() - start < 1000);
	loop_fd(loop, p[0], 0, NULL, NULL);
	close(p[0]);
	close(p[1]);
	loop_free(loop);
}

/* ---- descriptors ------------------------------------------------------ */

struct fdtest {
	struct loop	*loop;
	int		 a[2];
	int		 b[2];
	int		 calls_a;
	int		 calls_b;
	int		 calls_b2;
	int		 revents;
	bool		 remove_b;
	bool		 readd_b;
};

static void
fd_b2_cb(int fd, int revents, void *arg)
{
	struct fdtest	*ft = arg;
	char		 c;

	ft->calls_b2++;
	if (read(fd, &c, 1) != 1)
		fail_msg("read");
}

static void
fd_b_cb(int fd, int revents, void *arg)
{
	struct fdtest	*ft = arg;
	char		 c;

	ft->calls_b++;
	if (read(fd, &c, 1) != 1)
		fail_msg("read");
}

static void
fd_a_cb(int fd, int revents, void *arg)
{
	struct fdtest	*ft = arg;
	char		 c;

	ft->calls_a++;
	ft->revents = revents;
	if ((revents & POLLIN) && read(fd, &c, 1) != 1)
		fail_msg("read");
	if (ft->remove_b)
		loop_fd(ft->loop, ft->b[0], 0, NULL, NULL);
	if (ft->readd_b)
		loop_fd(ft->loop, ft->b[0], POLLIN, fd_b2_cb, ft);
	/* Removing itself from inside its own callback is allowed. */
	loop_fd(ft->loop, fd, 0, NULL, NULL);
}

static void
fdtest_init(struct fdtest *ft)
{
	memset(ft, 0, sizeof *ft);
	ft->loop = loop_new();
	assert_int_equal(pipe(ft->a), 0);
	assert_int_equal(pipe(ft->b), 0);
}

static void
fdtest_free(struct fdtest *ft)
{
	close(ft->a[0]);
	close(ft->a[1]);
	close(ft->b[0]);
	close(ft->b[1]);
	loop_free(ft->loop);
}

/* Both readable descriptors are dispatched in one pass. */
static void
test_fd_both(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	loop_fd(ft.loop, ft.b[0], POLLIN, fd_b_cb, &ft);
	assert_int_equal(write(ft.a[1], "x", 1), 1);
	assert_int_equal(write(ft.b[1], "y", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 2);
	assert_int_equal(ft.calls_a, 1);
	assert_int_equal(ft.calls_b, 1);
	assert_true(ft.revents & POLLIN);
	/* a removed itself; b is still watched. */
	assert_int_equal(loop_pending(ft.loop), 1);
	fdtest_free(&ft);
}

/* A descriptor removed by an earlier callback of the pass is not called. */
static void
test_fd_remove_in_callback(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	ft.remove_b = true;
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	loop_fd(ft.loop, ft.b[0], POLLIN, fd_b_cb, &ft);
	assert_int_equal(write(ft.a[1], "x", 1), 1);
	assert_int_equal(write(ft.b[1], "y", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(ft.calls_a, 1);
	assert_int_equal(ft.calls_b, 0);
	assert_int_equal(loop_pending(ft.loop), 0);
	assert_int_equal(loop_once(ft.loop, 0), -1);
	fdtest_free(&ft);
}

/* Removed and re-added with a new callback: the new callback gets it. */
static void
test_fd_readd_in_callback(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	ft.remove_b = true;
	ft.readd_b = true;
	loop_fd(ft.loop, ft.b[0], POLLIN, fd_b_cb, &ft);
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	assert_int_equal(write(ft.a[1], "x", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(loop_pending(ft.loop), 1);
	assert_int_equal(write(ft.b[1], "y", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(ft.calls_b, 0);
	assert_int_equal(ft.calls_b2, 1);
	/* Re-adding the a descriptor reuses the free slot. */
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	assert_int_equal(loop_pending(ft.loop), 2);
	loop_fd(ft.loop, ft.a[0], 0, NULL, NULL);
	loop_fd(ft.loop, ft.b[0], 0, NULL, NULL);
	assert_int_equal(loop_pending(ft.loop), 0);
	fdtest_free(&ft);
}

static int	reuse_calls;
static int	reuse_fd[2];

static void
reuse_new_cb(int fd, int revents, void *arg)
{
	reuse_calls++;
}

/* Closes b, opens a pipe that reuses its number and watches that. */
static void
reuse_a_cb(int fd, int revents, void *arg)
{
	struct fdtest	*ft = arg;
	int		 old = ft->b[0];
	char		 c;

	ft->calls_a++;
	if (read(fd, &c, 1) != 1)
		fail_msg("read");
	loop_fd(ft->loop, ft->b[0], 0, NULL, NULL);
	close(ft->b[0]);
	close(ft->b[1]);
	if (pipe(reuse_fd) != 0)
		fail_msg("pipe");
	assert_int_equal(reuse_fd[0], old);
	ft->b[0] = reuse_fd[0];
	ft->b[1] = reuse_fd[1];
	loop_fd(ft->loop, ft->b[0], POLLIN, reuse_new_cb, ft);
}

/*
 * A descriptor closed and its number reused from inside a callback: the
 * events polled for the old one are not delivered to the new watch.
 */
static void
test_fd_number_reused(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	reuse_calls = 0;
	loop_fd(ft.loop, ft.a[0], POLLIN, reuse_a_cb, &ft);
	loop_fd(ft.loop, ft.b[0], POLLIN, fd_b_cb, &ft);
	assert_int_equal(write(ft.a[1], "x", 1), 1);
	assert_int_equal(write(ft.b[1], "y", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(ft.calls_a, 1);
	assert_int_equal(ft.calls_b, 0);
	assert_int_equal(reuse_calls, 0);
	/* The new pipe is empty: nothing for it on the next pass either. */
	loop_fd(ft.loop, ft.a[0], 0, NULL, NULL);
	assert_int_equal(loop_once(ft.loop, 20), 0);
	assert_int_equal(write(ft.b[1], "z", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(reuse_calls, 1);
	loop_fd(ft.loop, ft.b[0], 0, NULL, NULL);
	fdtest_free(&ft);
}

static int	narrow_calls;

static void
narrow_out_cb(int fd, int revents, void *arg)
{
	narrow_calls++;
}

/* Stops asking for POLLOUT on the write end of b. */
static void
narrow_a_cb(int fd, int revents, void *arg)
{
	struct fdtest	*ft = arg;
	char		 c;

	if (read(fd, &c, 1) != 1)
		fail_msg("read");
	loop_fd(ft->loop, ft->b[1], POLLIN, narrow_out_cb, ft);
}

/* Events a callback stopped asking for in this pass are not delivered. */
static void
test_fd_events_narrowed(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	narrow_calls = 0;
	loop_fd(ft.loop, ft.a[0], POLLIN, narrow_a_cb, &ft);
	loop_fd(ft.loop, ft.b[1], POLLOUT, narrow_out_cb, &ft);
	assert_int_equal(write(ft.a[1], "x", 1), 1);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(narrow_calls, 0);
	/* Asked for POLLOUT again, a writable pipe reports it. */
	loop_fd(ft.loop, ft.a[0], 0, NULL, NULL);
	loop_fd(ft.loop, ft.b[1], POLLOUT, narrow_out_cb, &ft);
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_int_equal(narrow_calls, 1);
	loop_fd(ft.loop, ft.b[1], 0, NULL, NULL);
	fdtest_free(&ft);
}

/* A closed writer shows as POLLHUP on the reader. */
static void
test_fd_hup(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	close(ft.a[1]);
	ft.a[1] = dup(ft.b[1]);		/* keeps fdtest_free's close valid */
	assert_int_equal(loop_once(ft.loop, 1000), 1);
	assert_true(ft.revents & POLLHUP);
	assert_int_equal(ft.calls_a, 1);
	fdtest_free(&ft);
}

static void
run_write_cb(void *arg)
{
	struct fdtest	*ft = arg;

	if (write(ft->a[1], "z", 1) != 1)
		fail_msg("write");
}

/* loop_run returns on its own once no descriptor or timer is left. */
static void
test_run_until_empty(void **state)
{
	struct fdtest	ft;

	fdtest_init(&ft);
	loop_fd(ft.loop, ft.a[0], POLLIN, fd_a_cb, &ft);
	loop_timer(ft.loop, 20, run_write_cb, &ft);
	loop_run(ft.loop);
	assert_int_equal(ft.calls_a, 1);
	assert_int_equal(loop_pending(ft.loop), 0);
	fdtest_free(&ft);
}

static void
break_cb(void *arg)
{
	loop_break(arg);
}

/* loop_break stops loop_run with work still pending. */
static void
test_run_break(void **state)
{
	struct loop	*loop = loop_new();
	int		 p[2];

	assert_int_equal(pipe(p), 0);
	loop_fd(loop, p[0], POLLIN, fd_b_cb, NULL);
	loop_timer(loop, 10, break_cb, loop);
	loop_run(loop);
	assert_int_equal(loop_pending(loop), 1);
	close(p[0]);
	close(p[1]);
	loop_free(loop);
}

/* ---- the audit runner ------------------------------------------------- */

struct fake {
	int	 done_calls;
	int	 cancel_calls;
	int	 free_calls;
	bool	 done_seen_finished;
};

static struct fake fake;

static void
fake_sync_start(struct check_run *run)
{
	result_set(&run->result, STATUS_PASS, SEVERITY_NONE, "fine");
	check_finish(run);
}

static void
fake_hang_start(struct check_run *run)
{
}

static void
fake_cancel(struct check_run *run)
{
	fake.cancel_calls++;
}

static void
fake_free(struct check_run *run)
{
	fake.free_calls++;
}

static void
fake_silent_start(struct check_run *run)
{
	check_finish(run);
}

static const struct check_def fake_sync = {
	.id = "fake.sync",
	.start = fake_sync_start,
	.free = fake_free,
};
static const struct check_def fake_hang = {
	.id = "fake.hang",
	.start = fake_hang_start,
	.cancel = fake_cancel,
	.free = fake_free,
};
static const struct check_def fake_silent = {
	.id = "fake.silent",
	.start = fake_silent_start,
};

static void
fake_done(struct check_run *run, void *arg)
{
	fake.done_calls++;
	fake.done_seen_finished = run->finished;
	if (arg != NULL)
		loop_break(arg);
}

static struct audit *
fake_audit(struct options *opt, struct loop **loop, int timeout)
{
	struct audit	*audit;
	char		*err = NULL;

	memset(&fake, 0, sizeof fake);
	options_init(opt);
	opt->timeout = timeout;
	strlist_add(&opt->resolvers, "127.0.0.1:9");
	*loop = loop_new();
	audit = audit_new(opt, *loop, &err);
	if (audit == NULL)
		fail_msg("audit_new: %s", err);
	return audit;
}

/* check_finish from inside start: done runs on the next pass, not before. */
static void
test_audit_deferred_done(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = fake_audit(&opt, &loop, 1);
	struct check_run	*run;

	run = audit_start_def(audit, &fake_sync, fake_done, NULL);
	assert_non_null(run);
	assert_true(run->finished);
	assert_int_equal(fake.done_calls, 0);
	assert_int_equal(audit->running, 1);
	assert_null(audit_find(audit, "dns.apex"));
	assert_ptr_equal(audit_find(audit, "fake.sync"), run);
	assert_true(loop_once(loop, 0) >= 1);
	assert_int_equal(fake.done_calls, 1);
	assert_true(fake.done_seen_finished);
	assert_int_equal(audit->running, 0);
	assert_int_equal(run->result.status, STATUS_PASS);
	assert_string_equal(run->result.summary, "fine");
	assert_true(run->result.when > 0);
	/* The deadline timer went with it: nothing is left on the loop. */
	assert_int_equal(loop_pending(loop), 0);

	/* A check that finishes without a verdict is an error, not a pass. */
	run = audit_start_def(audit, &fake_silent, fake_done, NULL);
	assert_int_equal(loop_once(loop, 0), 1);
	assert_int_equal(run->result.status, STATUS_ERROR);
	assert_non_null(strstr(run->result.summary, "without a verdict"));
	audit_free(audit);
	assert_int_equal(fake.free_calls, 1);
	loop_free(loop);
	options_clear(&opt);
}

/* A check that never finishes is stopped at the deadline, as an error. */
static void
test_audit_deadline(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = fake_audit(&opt, &loop, 1);
	struct check_run	*run;
	uint64_t		 start = now_ms();

	run = audit_start_def(audit, &fake_hang, fake_done, loop);
	loop_run(loop);
	assert_int_equal(fake.done_calls, 1);
	assert_int_equal(fake.cancel_calls, 1);
	assert_true(run->finished);
	assert_int_equal(run->result.status, STATUS_ERROR);
	assert_non_null(strstr(run->result.summary, "no verdict within 7 "
	    "seconds"));
	/* 2 × timeout + 5 s, give or take the loop's granularity. */
	assert_true(now_ms() - start >= 6900);
	assert_true(now_ms() - start < 9000);
	assert_true(run->result.duration_ms >= 6900);
	assert_int_equal(audit->running, 0);
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
}

/* audit_cancel: running checks become error "cancelled", done not called. */
static void
test_audit_cancel(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = fake_audit(&opt, &loop, 5);
	struct check_run	*hang, *sync;

	hang = audit_start_def(audit, &fake_hang, fake_done, NULL);
	sync = audit_start_def(audit, &fake_sync, fake_done, NULL);
	assert_int_equal(audit->running, 2);
	audit_cancel(audit);
	assert_int_equal(fake.cancel_calls, 1);
	assert_true(hang->finished);
	assert_int_equal(hang->result.status, STATUS_ERROR);
	assert_string_equal(hang->result.summary, "cancelled");
	/* The one that had finished keeps its verdict. */
	assert_int_equal(sync->result.status, STATUS_PASS);
	assert_ptr_equal(audit_find(audit, "fake.hang"), hang);
	/* Its deferred callback still runs; the cancelled one's never. */
	while (loop_once(loop, 0) > 0)
		;
	assert_int_equal(fake.done_calls, 1);
	assert_int_equal(audit->running, 0);
	assert_int_equal(loop_pending(loop), 0);
	/* audit_free with a queued callback drops it cleanly. */
	audit_start_def(audit, &fake_sync, fake_done, NULL);
	audit_free(audit);
	assert_int_equal(fake.done_calls, 1);
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
	options_clear(&opt);
}

/* The registry is the engines' tables: every id found, in order, once. */
static void
test_audit_registry(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = fake_audit(&opt, &loop, 1);
	const struct check_def	*def;
	size_t			 i, j;

	assert_null(audit_start(audit, "dns.nope", fake_done, NULL));
	assert_null(check_find("dns.nope"));
	for (i = 0; (def = check_at(i)) != NULL; i++) {
		assert_ptr_equal(check_find(def->id), def);
		for (j = 0; j < i; j++)
			assert_string_not_equal(check_at(j)->id, def->id);
	}
	assert_int_equal(i, check_count());
	assert_int_equal(i, 56);
	assert_string_equal(check_at(0)->id, "dns.apex");
	assert_string_equal(check_at(i - 1)->id, "app.api-target");
	assert_string_equal(check_family("email.spf-eval"), "email");
	assert_string_equal(check_family("mon"), "mon");
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
}

/* --only: ids, families and stage numbers (looked up in the checklist). */
static void
test_audit_selected(void **state)
{
	struct checklist	*cl;
	struct strlist		 only = { 0 };
	char			*path = data_path("checklist.cfg"), *err = NULL;
	size_t			 i, n;

	cl = checklist_load(path, &err);
	if (cl == NULL)
		fail_msg("%s", err);
	assert_true(audit_selected(NULL, "dns.apex", cl));
	assert_true(audit_selected(&only, "dns.apex", cl));

	strlist_split(&only, "dns.apex");
	assert_true(audit_selected(&only, "dns.apex", cl));
	assert_false(audit_selected(&only, "dns.www", cl));
	assert_false(audit_selected(&only, "dns.apexx", cl));
	strlist_clear(&only);

	strlist_split(&only, "email, tls.expiry");
	assert_true(audit_selected(&only, "email.spf", cl));
	assert_true(audit_selected(&only, "email.tls-rpt", cl));
	assert_true(audit_selected(&only, "tls.expiry", cl));
	assert_false(audit_selected(&only, "tls.renewal", cl));
	assert_false(audit_selected(&only, "dns.apex", cl));
	strlist_clear(&only);

	/* A family name is not a prefix match: "http" is not "http.x" + "s". */
	strlist_split(&only, "htt");
	assert_false(audit_selected(&only, "http.hsts", cl));
	strlist_clear(&only);

	for (n = 1; n <= STAGE_COUNT; n++) {
		strlist_addf(&only, "%zu", n);
		for (i = 0; i < check_count(); i++) {
			const char *id = check_at(i)->id;
			const struct item *it = checklist_item(cl, id);

			assert_int_equal(audit_selected(&only, id, cl),
			    it->stage == (int)n);
		}
		strlist_clear(&only);
	}
	strlist_split(&only, "1,6");
	assert_true(audit_selected(&only, "dns.apex", cl));
	assert_false(audit_selected(&only, "email.spf", cl));
	strlist_clear(&only);
	strlist_split(&only, "3x,0,7");
	for (i = 0; i < check_count(); i++)
		assert_false(audit_selected(&only, check_at(i)->id, cl));
	strlist_clear(&only);
	checklist_free(cl);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_same_due),
		cmocka_unit_test(test_timer_cancel),
		cmocka_unit_test(test_timer_added_in_callback),
		cmocka_unit_test(test_once_timeout),
		cmocka_unit_test(test_fd_both),
		cmocka_unit_test(test_fd_remove_in_callback),
		cmocka_unit_test(test_fd_readd_in_callback),
		cmocka_unit_test(test_fd_number_reused),
		cmocka_unit_test(test_fd_events_narrowed),
		cmocka_unit_test(test_fd_hup),
		cmocka_unit_test(test_run_until_empty),
		cmocka_unit_test(test_run_break),
		cmocka_unit_test(test_audit_deferred_done),
		cmocka_unit_test(test_audit_deadline),
		cmocka_unit_test(test_audit_cancel),
		cmocka_unit_test(test_audit_registry),
		cmocka_unit_test(test_audit_selected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
