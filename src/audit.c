/* audit.c: running checks concurrently on the loop. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct audit *
audit_new(const struct options *opt, struct loop *loop, char **err)
{
	struct audit	*audit;

	audit = xcalloc(1, sizeof *audit);
	audit->opt = opt;
	audit->loop = loop;
	audit->resolver = resolver_new(loop, opt, err);
	if (audit->resolver == NULL) {
		free(audit);
		return NULL;
	}
	return audit;
}

/* Frees one run (it must not be running). */
static void
audit_free_run(struct check_run *run)
{
	if (run->notify != NULL) {
		loop_timer_cancel(run->audit->loop, run->notify);
		free(run->done_arg);
		run->audit->running--;
	}
	loop_timer_cancel(run->audit->loop, run->deadline);
	if (run->def->free != NULL)
		run->def->free(run);
	result_clear(&run->result);
	free(run);
}

void
audit_free(struct audit *audit)
{
	size_t	i;

	if (audit == NULL)
		return;
	audit_cancel(audit);
	/* Deferred done callbacks may still be queued: drop them. */
	for (i = 0; i < audit->nruns; i++)
		audit_free_run(audit->runs[i]);
	free(audit->runs);
	for (i = 0; i < ENGINE_COUNT; i++) {
		if (audit->engine[i] != NULL && audit->engine_free[i] != NULL)
			audit->engine_free[i](audit->engine[i]);
	}
	data_free_all(audit);
	resolver_free(audit->resolver);
	free(audit);
}

/* Called when a run finishes: bookkeeping, then the caller's callback. */
static void
audit_run_done(struct check_run *run, void *arg)
{
	struct audit	*audit = run->audit;

	(void)arg;
	loop_timer_cancel(audit->loop, run->deadline);
	run->deadline = NULL;
	audit->running--;
}

/* The caller's done callback, kept apart from the bookkeeping. */
struct audit_done {
	void	(*done)(struct check_run *, void *);
	void	*arg;
};

static void
audit_dispatch(struct check_run *run, void *arg)
{
	struct audit_done	*d = arg;
	void			(*done)(struct check_run *, void *) = d->done;
	void			*done_arg = d->arg;

	free(d);
	run->done = NULL;
	run->done_arg = NULL;
	audit_run_done(run, NULL);
	if (done != NULL)
		done(run, done_arg);
}

/*
 * A check's deadline: twice the network timeout plus 5 seconds, or its
 * own multiple of the timeout (plus 5 s) when it asks for one.
 */
static unsigned
audit_limit_ms(const struct audit *audit, const struct check_def *def)
{
	unsigned	t = (unsigned)(audit->opt->timeout > 0 ?
			    audit->opt->timeout : OPTIONS_DEFAULT_TIMEOUT);

	return t * 1000 * (def->timeout_factor > 0 ? def->timeout_factor :
	    2) + 5000;
}

/* The check overran its deadline: cancel it and report why. */
static void
audit_deadline(void *arg)
{
	struct check_run	*run = arg;

	run->deadline = NULL;
	if (run->finished)
		return;
	if (run->def->cancel != NULL)
		run->def->cancel(run);
	result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
	    _("no verdict within %u seconds: the check was stopped"),
	    audit_limit_ms(run->audit, run->def) / 1000);
	check_finish(run);
}

struct check_run *
audit_start(struct audit *audit, const char *id,
    void (*done)(struct check_run *, void *), void *arg)
{
	const struct check_def	*def;

	if ((def = check_find(id)) == NULL)
		return NULL;
	return audit_start_def(audit, def, done, arg);
}

struct check_run *
audit_start_def(struct audit *audit, const struct check_def *def,
    void (*done)(struct check_run *, void *), void *arg)
{
	struct check_run	*run;
	struct audit_done	*d;

	run = xcalloc(1, sizeof *run);
	run->def = def;
	run->audit = audit;
	result_init(&run->result);
	run->result.status = STATUS_RUNNING;
	run->started = now_ms();
	d = xmalloc(sizeof *d);
	d->done = done;
	d->arg = arg;
	run->done = audit_dispatch;
	run->done_arg = d;
	audit->runs = xreallocarray(audit->runs, audit->nruns + 1,
	    sizeof *audit->runs);
	audit->runs[audit->nruns++] = run;
	audit->running++;
	run->deadline = loop_timer(audit->loop, audit_limit_ms(audit, def),
	    audit_deadline, run);
	def->start(run);
	return run;
}

void
audit_cancel(struct audit *audit)
{
	size_t	i;

	for (i = 0; i < audit->nruns; i++) {
		struct check_run *run = audit->runs[i];

		if (run->finished)
			continue;
		if (run->def->cancel != NULL)
			run->def->cancel(run);
		loop_timer_cancel(audit->loop, run->deadline);
		run->deadline = NULL;
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE, "%s",
		    _("cancelled"));
		run->finished = true;
		run->result.duration_ms = (unsigned)(now_ms() - run->started);
		run->result.when = time(NULL);
		free(run->done_arg);
		run->done = NULL;
		run->done_arg = NULL;
		audit->running--;
	}
}

struct check_run *
audit_find(struct audit *audit, const char *id)
{
	size_t	i;

	for (i = audit->nruns; i > 0; i--) {
		struct check_run *run = audit->runs[i - 1];

		if (run->finished && strcmp(run->def->id, id) == 0)
			return run;
	}
	return NULL;
}

bool
audit_selected(const struct strlist *only, const char *id,
    const struct checklist *cl)
{
	const struct item	*item;
	size_t			 i;
	char			*end;
	long			 stage;

	if (only == NULL || only->n == 0)
		return true;
	for (i = 0; i < only->n; i++) {
		const char *sel = only->v[i];

		if (strcmp(sel, id) == 0 || strcmp(sel, check_family(id)) == 0)
			return true;
		stage = strtol(sel, &end, 10);
		if (*end == '\0' && end != sel && cl != NULL) {
			item = checklist_item(cl, id);
			if (item != NULL && item->stage == stage)
				return true;
		}
	}
	return false;
}
