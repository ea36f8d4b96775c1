/* sprint.c: the open session behind the board: its checks and saving. */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

/* Where a finished check reports back: the sprint and the item. */
struct sprint_slot {
	struct sprint	*sp;
	size_t		 index;
};

struct sprint {
	struct ui		*ui;
	struct session		*s;
	struct checklist	*cl;
	struct audit		*audit;
	char			*audit_error;
	char			*save_error;
	struct check_run	**runs;	/* per item: in flight, or NULL */
	struct sprint_slot	*slots;
	size_t			 running;
	struct audit		**old;		/* replaced, still finishing */
	size_t			 nold;
	struct timer		*reap;
	bool			 final_qa;	/* a final QA pass is running */
	bool			 in_all;	/* inside sprint_run_all */
};

struct sprint *
sprint_open(struct ui *ui, struct session *s, char **err)
{
	struct sprint	*sp;
	const struct stage *sg;
	size_t		 i;
	char		*aerr = NULL;

	if (session_lock(s, err) == -1) {
		session_free(s);
		return NULL;
	}
	sp = xcalloc(1, sizeof *sp);
	sp->ui = ui;
	sp->s = s;
	sp->cl = ui->checklist;
	sp->runs = xcalloc(sp->cl->nitems, sizeof *sp->runs);
	sp->slots = xcalloc(sp->cl->nitems, sizeof *sp->slots);
	for (i = 0; i < sp->cl->nitems; i++) {
		sp->slots[i].sp = sp;
		sp->slots[i].index = i;
		(void)session_item(s, sp->cl->items[i].id);
	}
	if (s->selected_stage < 1 || s->selected_stage > STAGE_COUNT)
		s->selected_stage = 1;
	/* The board opens on the item the sprint was left on. */
	ui->board_sel = 0;
	sg = &sp->cl->stages[s->selected_stage - 1];
	for (i = 0; s->selected_item != NULL && i < sg->nitems; i++)
		if (strcmp(sp->cl->items[sg->first + i].id,
		    s->selected_item) == 0)
			ui->board_sel = i;
	sp->audit = audit_new(&s->opt, ui->loop, &aerr);
	if (sp->audit == NULL) {
		sp->audit_error = xprintf(_("Checks cannot run: %s"),
		    aerr != NULL ? aerr : _("the resolver could not start"));
		free(aerr);
	}
	sprint_save(sp);
	return sp;
}

void
sprint_close(struct sprint *sp)
{
	size_t	i;

	if (sp == NULL)
		return;
	loop_timer_cancel(sp->ui->loop, sp->reap);
	for (i = 0; i < sp->nold; i++)
		audit_free(sp->old[i]);
	free(sp->old);
	audit_free(sp->audit);
	sp->running = 0;
	sprint_save(sp);
	session_unlock(sp->s);
	session_free(sp->s);
	free(sp->runs);
	free(sp->slots);
	free(sp->audit_error);
	free(sp->save_error);
	free(sp);
}

struct session *
sprint_session(struct sprint *sp)
{
	return sp->s;
}

void
sprint_save(struct sprint *sp)
{
	const struct stage	*sg = &sp->cl->stages[sp->s->selected_stage - 1];
	char			*err = NULL;

	/* The board's selection, so that resuming opens on it. */
	free(sp->s->selected_item);
	sp->s->selected_item = sp->ui->board_sel < sg->nitems ?
	    xstrdup(sp->cl->items[sg->first + sp->ui->board_sel].id) : NULL;
	sp->s->saved = time(NULL);
	if (session_save(sp->s, &err) == -1) {
		free(sp->save_error);
		sp->save_error = xprintf(_("NOT SAVED: %s"), err != NULL ? err :
		    _("unknown error"));
		free(err);
	} else {
		free(sp->save_error);
		sp->save_error = NULL;
	}
	ui_dirty(sp->ui);
}

const char *
sprint_save_error(struct sprint *sp)
{
	return sp->save_error;
}

const char *
sprint_audit_error(struct sprint *sp)
{
	return sp->audit_error;
}

struct item_state *
sprint_state(struct sprint *sp, size_t i)
{
	return session_item(sp->s, sp->cl->items[i].id);
}

enum status
sprint_status(struct sprint *sp, size_t i)
{
	enum status	st;

	if (sp->runs[i] != NULL)
		return STATUS_RUNNING;
	st = sprint_state(sp, i)->status;
	return st == STATUS_RUNNING ? STATUS_PENDING : st;
}

bool
sprint_fixed(struct sprint *sp, size_t i)
{
	struct item_state	*st = sprint_state(sp, i);

	if (!st->has_first || !st->has_latest)
		return false;
	return status_is_finding(st->first.status) &&
	    st->latest.status == STATUS_PASS;
}

enum severity
sprint_severity(struct sprint *sp, size_t i)
{
	struct item_state	*st = sprint_state(sp, i);
	enum status		 status = sprint_status(sp, i);

	if (!status_is_finding(status))
		return SEVERITY_NONE;
	if (st->has_latest && st->latest.severity != SEVERITY_NONE)
		return st->latest.severity;
	return sp->cl->items[i].severity;
}

/* Frees the replaced audits whose checks have all finished. */
static void
sprint_reap(void *arg)
{
	struct sprint	*sp = arg;
	size_t		 i = 0;

	sp->reap = NULL;
	while (i < sp->nold) {
		if (sp->old[i]->running == 0) {
			audit_free(sp->old[i]);
			sp->old[i] = sp->old[--sp->nold];
		} else
			i++;
	}
}

/*
 * A re-run asked for by the user gets a new audit, so the engines' caches
 * (a TLS handshake, an HTTP response) are fresh: a fix made in the
 * meantime shows. The old audit finishes what it runs, then is freed.
 */
static void
sprint_fresh_audit(struct sprint *sp)
{
	struct audit	*audit;
	char		*err = NULL;

	if (sp->audit == NULL)
		return;
	if ((audit = audit_new(&sp->s->opt, sp->ui->loop, &err)) == NULL) {
		free(err);
		return;
	}
	if (sp->audit->running == 0)
		audit_free(sp->audit);
	else {
		sp->old = xreallocarray(sp->old, sp->nold + 1, sizeof *sp->old);
		sp->old[sp->nold++] = sp->audit;
	}
	sp->audit = audit;
}

/* A check finished: record it, save, redraw. */
static void
sprint_done(struct check_run *run, void *arg)
{
	struct sprint_slot	*slot = arg;
	struct sprint		*sp = slot->sp;
	const struct item	*item = &sp->cl->items[slot->index];
	struct item_state	*st;
	struct result		 r;

	sp->runs[slot->index] = NULL;
	sp->running--;
	result_init(&r);
	result_copy(&r, &run->result);
	if (r.status == STATUS_FAIL)
		r.severity = item->severity;
	else if (r.status == STATUS_WARN && r.severity == SEVERITY_NONE)
		r.severity = SEVERITY_INFO;
	session_record(sp->s, item->id, &r);
	st = session_item(sp->s, item->id);
	/* A person's skip (it has a reason) stands; an engine's does not. */
	st->status = st->skip_reason != NULL ? STATUS_SKIPPED : r.status;
	result_clear(&r);
	if (sp->final_qa && sp->running == 0) {
		sp->final_qa = false;
		sp->s->handover.final_qa = time(NULL);
		ui_message(sp->ui, false, "%s", _("Final QA pass finished."));
	}
	sprint_save(sp);
	ui_spinner_update(sp->ui);
	/* Not from inside the audit's own callback: on the next pass. */
	if (sp->nold > 0 && sp->reap == NULL)
		sp->reap = loop_timer(sp->ui->loop, 0, sprint_reap, sp);
}

/* Starts the check of item i. */
static void
sprint_start(struct sprint *sp, size_t i)
{
	const struct item	*item = &sp->cl->items[i];
	struct check_run	*run;

	if (item->check == NULL || sp->runs[i] != NULL)
		return;
	if (sp->audit == NULL) {
		ui_message(sp->ui, true, "%s", sp->audit_error);
		return;
	}
	run = audit_start(sp->audit, item->check, sprint_done, &sp->slots[i]);
	if (run == NULL) {
		ui_message(sp->ui, true, _("%s: unknown check"), item->check);
		return;
	}
	/* The done callback always comes from a later pass of the loop. */
	sp->runs[i] = run;
	sp->running++;
	ui_spinner_update(sp->ui);
	ui_dirty(sp->ui);
}

void
sprint_run_item(struct sprint *sp, size_t i)
{
	struct item_state	*st = sprint_state(sp, i);

	if (st->skip_reason != NULL) {
		st->status = STATUS_PENDING;
		free(st->skip_reason);
		st->skip_reason = NULL;
		sprint_save(sp);
	}
	if (sp->cl->items[i].check != NULL && sp->runs[i] == NULL)
		sprint_fresh_audit(sp);
	sprint_start(sp, i);
}

void
sprint_run_stage(struct sprint *sp, int stage, bool all)
{
	const struct stage	*sg = &sp->cl->stages[stage - 1];
	size_t			 i;

	if (all && !sp->in_all)
		sprint_fresh_audit(sp);
	for (i = sg->first; i < sg->first + sg->nitems; i++) {
		struct item_state *st = sprint_state(sp, i);

		if (st->skip_reason != NULL)
			continue;
		if (!all && st->has_latest)
			continue;
		sprint_start(sp, i);
	}
}

void
sprint_run_all(struct sprint *sp, bool final)
{
	int	stage;

	sprint_fresh_audit(sp);
	sp->in_all = true;
	for (stage = 1; stage <= STAGE_COUNT; stage++)
		sprint_run_stage(sp, stage, true);
	sp->in_all = false;
	if (final && sp->running > 0)
		sp->final_qa = true;
	else if (final) {
		sp->s->handover.final_qa = time(NULL);
		sprint_save(sp);
	}
}

size_t
sprint_running(struct sprint *sp)
{
	return sp->running;
}

void
sprint_counts(struct sprint *sp, int stage, size_t *settled,
    size_t *failing, size_t *total)
{
	size_t	i, from = 0, to = sp->cl->nitems;

	if (stage >= 1 && stage <= STAGE_COUNT) {
		from = sp->cl->stages[stage - 1].first;
		to = from + sp->cl->stages[stage - 1].nitems;
	}
	*settled = *failing = 0;
	*total = to - from;
	for (i = from; i < to; i++) {
		switch (sprint_status(sp, i)) {
		case STATUS_PASS:
		case STATUS_DONE:
		case STATUS_SKIPPED:
			(*settled)++;
			break;
		case STATUS_FAIL:
			(*failing)++;
			break;
		default:
			break;
		}
	}
}

char *
sprint_export(struct sprint *sp, enum format format, char **err)
{
	const char	*ext = format == FORMAT_HTML ? "html" :
			    format == FORMAT_JSON ? "json" : "md";
	char		*base, *path, *werr = NULL;
	struct buf	 b = { 0 };
	size_t		 len;

	base = xstrdup(sp->s->path);
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
		base[len - 4] = '\0';
	path = xprintf("%s-handover.%s", base, ext);
	free(base);
	if (report_render(sp->s, sp->cl, format, &b, &werr) == -1 ||
	    file_write_atomic(path, b.data, b.len, false, false, &werr) == -1) {
		set_error(err, "%s", werr != NULL ? werr : "?");
		free(werr);
		buf_free(&b);
		free(path);
		return NULL;
	}
	buf_free(&b);
	return path;
}

void
sprint_risk_summary(struct sprint *sp, struct buf *b)
{
	summary_write(sp->s, sp->cl, b);
}
