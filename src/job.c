/*
 * job.c: a check that runs in stages (see engine.h). The step runs when
 * nothing is pending; what it starts is counted; calls into other engines
 * are held so that cancelling the job cancels them.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

void
job_init(struct job *job, struct check_run *run, void (*step)(struct job *))
{
	memset(job, 0, sizeof *job);
	job->run = run;
	job->step = step;
}

void
job_run(struct job *job)
{
	int	stage;

	if (job->stepping)
		return;
	job->stepping = true;
	while (!job->finished && !job->cancelled && job->pending == 0) {
		stage = job->stage;
		job->step(job);
		if (job->stage == stage && job->pending == 0 &&
		    !job->finished && !job->cancelled) {
			result_set(&job->run->result, STATUS_ERROR,
			    SEVERITY_NONE, "internal: stage %d stalled", stage);
			job_finish(job);
		}
	}
	job->stepping = false;
}

void
job_wait(struct job *job)
{
	job->pending++;
}

void
job_answered(struct job *job)
{
	if (job->pending == 0)
		fatal("job_answered: nothing pending");
	job->pending--;
	if (job->pending == 0 && !job->cancelled && !job->finished)
		job_run(job);
}

void
job_finish(struct job *job)
{
	if (job->finished || job->cancelled)
		return;
	job->finished = true;
	check_finish(job->run);
}

void
job_hold(struct job *job, struct call *call)
{
	job->calls = xreallocarray(job->calls, job->ncalls + 1,
	    sizeof *job->calls);
	job->calls[job->ncalls++] = call;
	job_wait(job);
}

void
job_release(struct job *job, struct call *call)
{
	size_t	i;

	for (i = 0; i < job->ncalls; i++) {
		if (job->calls[i] == call) {
			job->calls[i] = job->calls[--job->ncalls];
			job_answered(job);
			return;
		}
	}
	fatal("job_release: the call is not held");
}

void
job_cancel(struct job *job)
{
	size_t	i;

	if (job->cancelled)
		return;
	job->cancelled = true;
	for (i = 0; i < job->ncalls; i++)
		call_cancel(job->calls[i]);
	job->ncalls = 0;
}

void
job_clear(struct job *job)
{
	job_cancel(job);
	free(job->calls);
	job->calls = NULL;
}

void
call_cancel(struct call *call)
{
	if (call != NULL)
		call->cancel(call);
}
