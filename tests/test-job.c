/*
 * test-job.c: job.c's staged checks on the real loop and audit: stages in
 * order once their work has answered, no re-entrant step, a stalled stage
 * reported, and cancellation that reaches the calls a job holds.
 */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"

/* ---- a callee: a call answered by a loop timer ------------------------- */

struct fake_call {
	struct call	 call;		/* first */
	struct loop	*loop;
	struct timer	*timer;
	void		(*cb)(void *, int);
	void		*arg;
	int		 value;
};

static int	fake_cancelled;		/* fake_call_cancel() calls */

static void
fake_call_fire(void *arg)
{
	struct fake_call	*fc = arg;

	fc->cb(fc->arg, fc->value);
	free(fc);
}

static void
fake_call_cancel(struct call *call)
{
	struct fake_call	*fc = (struct fake_call *)call;

	fake_cancelled++;
	loop_timer_cancel(fc->loop, fc->timer);
	free(fc);
}

/* Answers value after ms, like tls_peek_issuer() or web_fetch(). */
static struct call *
fake_call_start(struct loop *loop, unsigned ms, int value,
    void (*cb)(void *, int), void *arg)
{
	struct fake_call	*fc = xcalloc(1, sizeof *fc);

	fc->call.cancel = fake_call_cancel;
	fc->loop = loop;
	fc->cb = cb;
	fc->arg = arg;
	fc->value = value;
	fc->timer = loop_timer(loop, ms, fake_call_fire, fc);
	return &fc->call;
}

/* ---- a check on job.c ---------------------------------------------------- */

struct staged {
	struct job	 job;		/* first */
	char		 trace[64];	/* one letter per event */
	size_t		 n;
	int		 depth;		/* steps running now */
	int		 max_depth;
	int		 sum;		/* the answers' values */
	struct call	*held;
	int		 mode;		/* which test */
};

static struct staged	*last;
static int		 after_cancel;	/* callbacks after cancellation */

static void
staged_mark(struct staged *st, char c)
{
	if (st->n + 1 < sizeof st->trace)
		st->trace[st->n++] = c;
}

static void
staged_timer(void *arg)
{
	struct staged	*st = arg;

	staged_mark(st, 't');
	job_answered(&st->job);
}

static void
staged_answer(void *arg, int value)
{
	struct staged	*st = arg;

	if (st->job.cancelled)
		after_cancel++;
	staged_mark(st, 'c');
	st->sum += value;
	job_release(&st->job, st->held);
	st->held = NULL;
}

static void
staged_step(struct job *job)
{
	struct staged	*st = (struct staged *)job;
	struct loop	*loop = job->run->audit->loop;
	int		 i;

	st->depth++;
	if (st->depth > st->max_depth)
		st->max_depth = st->depth;
	staged_mark(st, (char)('0' + job->stage));
	switch (st->mode * 10 + job->stage) {
	case 0:		/* an answer at once, then three timers */
		job_wait(job);
		job_answered(job);	/* does not run the step inside it */
		for (i = 0; i < 3; i++) {
			job_wait(job);
			loop_timer(loop, (unsigned)(10 * (i + 1)),
			    staged_timer, st);
		}
		job->stage = 1;
		break;
	case 1:		/* a held call */
		st->held = fake_call_start(loop, 20, 42, staged_answer, st);
		job_hold(job, st->held);
		job->stage = 2;
		break;
	case 2:
		result_set(&job->run->result, STATUS_PASS, SEVERITY_NONE,
		    "sum %d", st->sum);
		job_finish(job);
		break;
	case 10:	/* a stage that forgets to do anything */
		break;
	case 20:	/* a call that will be cancelled */
		st->held = fake_call_start(loop, 5000, 1, staged_answer, st);
		job_hold(job, st->held);
		job->stage = 1;
		break;
	case 21:
		fail_msg("a cancelled job's step ran");
		break;
	}
	st->depth--;
}

static int	staged_mode;

static void
staged_start(struct check_run *run)
{
	struct staged	*st = xcalloc(1, sizeof *st);

	last = st;
	st->mode = staged_mode;
	job_init(&st->job, run, staged_step);
	run->state = st;
	job_run(&st->job);
}

static void
staged_cancel(struct check_run *run)
{
	struct staged	*st = run->state;

	if (st != NULL)
		job_cancel(&st->job);
}

static void
staged_free(struct check_run *run)
{
	struct staged	*st = run->state;

	if (st == NULL)
		return;
	job_clear(&st->job);
	free(st);
	run->state = NULL;
}

static const struct check_def staged_def = {
	.id = "fake.staged",
	.start = staged_start,
	.cancel = staged_cancel,
	.free = staged_free
};

static void
staged_done(struct check_run *run, void *arg)
{
	(void)run;
	loop_break(arg);
}

static struct audit *
job_audit(struct options *opt, struct loop **loop)
{
	struct audit	*audit;
	char		*err = NULL;

	options_init(opt);
	opt->timeout = 2;
	strlist_add(&opt->resolvers, "127.0.0.1:9");
	*loop = loop_new();
	audit = audit_new(opt, *loop, &err);
	if (audit == NULL)
		fail_msg("audit_new: %s", err);
	fake_cancelled = 0;
	after_cancel = 0;
	return audit;
}

/* Stages run in order, each once all its work answered; never nested. */
static void
test_job_stages(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = job_audit(&opt, &loop);
	struct check_run	*run;

	(void)state;
	staged_mode = 0;
	run = audit_start_def(audit, &staged_def, staged_done, loop);
	/* Stage 0 ran and waits for its three timers. */
	assert_string_equal(last->trace, "0");
	assert_int_equal(last->job.pending, 3);
	loop_run(loop);
	last->trace[last->n] = '\0';
	assert_string_equal(last->trace, "0ttt1c2");
	assert_int_equal(last->max_depth, 1);
	assert_int_equal(run->result.status, STATUS_PASS);
	assert_string_equal(run->result.summary, "sum 42");
	assert_int_equal(last->job.ncalls, 0);
	assert_int_equal(fake_cancelled, 0);
	audit_free(audit);
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
	options_clear(&opt);
}

/* A stage that starts nothing, advances nothing, finishes nothing. */
static void
test_job_stalled(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = job_audit(&opt, &loop);
	struct check_run	*run;

	(void)state;
	staged_mode = 1;
	run = audit_start_def(audit, &staged_def, staged_done, loop);
	assert_true(run->finished);
	assert_int_equal(run->result.status, STATUS_ERROR);
	assert_non_null(strstr(run->result.summary, "stage 0 stalled"));
	loop_run(loop);
	audit_free(audit);
	loop_free(loop);
	options_clear(&opt);
}

/*
 * Cancelling the check cancels the call it holds: the callee's cancel
 * runs, the callback never does, no step runs again, and nothing is left
 * on the loop (the 5 s answer is gone).
 */
static void
test_job_cancel(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = job_audit(&opt, &loop);
	struct check_run	*run;
	uint64_t		 start = now_ms();

	(void)state;
	staged_mode = 2;
	run = audit_start_def(audit, &staged_def, staged_done, loop);
	assert_int_equal(last->job.ncalls, 1);
	assert_int_equal(last->job.pending, 1);
	audit_cancel(audit);
	assert_int_equal(fake_cancelled, 1);
	assert_int_equal(last->job.ncalls, 0);
	assert_true(run->finished);
	assert_string_equal(run->result.summary, "cancelled");
	while (loop_once(loop, 0) > 0)
		;
	assert_int_equal(after_cancel, 0);
	assert_true(now_ms() - start < 1000);
	audit_free(audit);
	/* Freed, not called twice. */
	assert_int_equal(fake_cancelled, 1);
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
	options_clear(&opt);
}

/* Freeing the audit while a call is held cancels it once, quietly. */
static void
test_job_free_holding(void **state)
{
	struct options		 opt;
	struct loop		*loop;
	struct audit		*audit = job_audit(&opt, &loop);

	(void)state;
	staged_mode = 2;
	audit_start_def(audit, &staged_def, staged_done, loop);
	audit_free(audit);
	assert_int_equal(fake_cancelled, 1);
	assert_int_equal(after_cancel, 0);
	assert_int_equal(loop_pending(loop), 0);
	loop_free(loop);
	options_clear(&opt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_stages),
		cmocka_unit_test(test_job_stalled),
		cmocka_unit_test(test_job_cancel),
		cmocka_unit_test(test_job_free_holding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
