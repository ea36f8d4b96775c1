/* loop.c: the one poll(2) loop that owns every descriptor and timer. */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct watch {
	int		 fd;
	int		 events;
	loop_fd_cb	 cb;
	void		*arg;
	uint64_t	 pass;		/* the pass that created it */
};

struct timer {
	uint64_t	 due;
	uint64_t	 seq;		/* keeps equal due times in order */
	loop_timer_cb	 cb;
	void		*arg;
	struct timer	*next;		/* sorted by due, then seq */
};

struct loop {
	struct watch	*watches;
	size_t		 nwatches;
	struct timer	*timers;
	uint64_t	 seq;
	bool		 stop;
	struct pollfd	*pfds;		/* scratch for poll() */
	size_t		 npfds;
	uint64_t	 pass;		/* passes begun by loop_once */
};

struct loop *
loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void
loop_free(struct loop *loop)
{
	struct timer	*t, *next;

	if (loop == NULL)
		return;
	for (t = loop->timers; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	free(loop->watches);
	free(loop->pfds);
	free(loop);
}

void
loop_fd(struct loop *loop, int fd, int events, loop_fd_cb cb, void *arg)
{
	size_t	i;

	for (i = 0; i < loop->nwatches; i++) {
		if (loop->watches[i].fd == fd)
			break;
	}
	if (events == 0) {
		if (i < loop->nwatches) {
			/* Mark removed; dispatch skips it, compaction later. */
			loop->watches[i].fd = -1;
			loop->watches[i].events = 0;
		}
		return;
	}
	if (i == loop->nwatches) {
		for (i = 0; i < loop->nwatches; i++) {
			if (loop->watches[i].fd == -1)
				break;
		}
		if (i == loop->nwatches) {
			loop->watches = xreallocarray(loop->watches,
			    loop->nwatches + 1, sizeof *loop->watches);
			loop->nwatches++;
		}
		/*
		 * A new watch: events polled earlier in this pass belong to
		 * whatever had this descriptor number before (a socket closed
		 * and its number reused by a callback), not to it.
		 */
		loop->watches[i].pass = loop->pass;
	}
	loop->watches[i].fd = fd;
	loop->watches[i].events = events;
	loop->watches[i].cb = cb;
	loop->watches[i].arg = arg;
}

struct timer *
loop_timer(struct loop *loop, unsigned ms, loop_timer_cb cb, void *arg)
{
	struct timer	*t, **pp;

	t = xcalloc(1, sizeof *t);
	t->due = now_ms() + ms;
	t->seq = loop->seq++;
	t->cb = cb;
	t->arg = arg;
	for (pp = &loop->timers; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->due > t->due)
			break;
	}
	t->next = *pp;
	*pp = t;
	return t;
}

void
loop_timer_cancel(struct loop *loop, struct timer *t)
{
	struct timer	**pp;

	if (t == NULL)
		return;
	for (pp = &loop->timers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
	}
}

size_t
loop_pending(const struct loop *loop)
{
	const struct timer	*t;
	size_t			 n = 0, i;

	for (i = 0; i < loop->nwatches; i++) {
		if (loop->watches[i].fd != -1)
			n++;
	}
	for (t = loop->timers; t != NULL; t = t->next)
		n++;
	return n;
}

/* Runs the timers that are due; returns how many ran. */
static int
loop_run_timers(struct loop *loop)
{
	struct timer	*t;
	uint64_t	 now = now_ms(), limit = loop->seq;
	int		 n = 0;

	/* Timers added by callbacks wait for the next pass (seq >= limit). */
	while ((t = loop->timers) != NULL && t->due <= now && t->seq < limit) {
		loop->timers = t->next;
		t->cb(t->arg);
		free(t);
		n++;
		if (loop->stop)
			break;
	}
	return n;
}

int
loop_once(struct loop *loop, int max_ms)
{
	size_t	i, n = 0;
	int	timeout = max_ms, ran = 0, r;

	for (i = 0; i < loop->nwatches; i++) {
		if (loop->watches[i].fd != -1)
			n++;
	}
	if (n == 0 && loop->timers == NULL)
		return -1;
	loop->pass++;
	if (loop->timers != NULL) {
		uint64_t now = now_ms(), due = loop->timers->due;
		int wait = due <= now ? 0 : (int)(due - now);

		if (timeout < 0 || wait < timeout)
			timeout = wait;
	}
	if (loop->npfds < loop->nwatches) {
		loop->pfds = xreallocarray(loop->pfds, loop->nwatches,
		    sizeof *loop->pfds);
		loop->npfds = loop->nwatches;
	}
	n = 0;
	for (i = 0; i < loop->nwatches; i++) {
		if (loop->watches[i].fd == -1)
			continue;
		loop->pfds[n].fd = loop->watches[i].fd;
		loop->pfds[n].events = loop->watches[i].events;
		loop->pfds[n].revents = 0;
		n++;
	}
	r = poll(loop->pfds, n, timeout);
	if (r == -1 && errno != EINTR)
		fatal("poll: %s", strerror(errno));
	if (r > 0) {
		size_t	j;
		int	revents;

		for (j = 0; j < n && !loop->stop; j++) {
			struct pollfd *p = &loop->pfds[j];

			if (p->revents == 0)
				continue;
			/* Find the watch again: a callback may have removed it. */
			for (i = 0; i < loop->nwatches; i++) {
				struct watch *w = &loop->watches[i];

				if (w->fd != p->fd)
					continue;
				/* Only what it still asks for (and errors). */
				revents = p->revents & (w->events | POLLERR |
				    POLLHUP | POLLNVAL);
				if (w->pass != loop->pass && revents != 0) {
					w->cb(w->fd, revents, w->arg);
					ran++;
				}
				break;
			}
		}
	}
	if (!loop->stop)
		ran += loop_run_timers(loop);
	return ran;
}

void
loop_run(struct loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		if (loop_once(loop, -1) == -1)
			break;
	}
	loop->stop = false;
}

void
loop_break(struct loop *loop)
{
	loop->stop = true;
}
