/*
 * sprint.c: an open session and its checks, shared by the wizard and the
 * commands: opening and closing (lock, audit, save), recording results
 * under the one policy, marking, skipping, owners and notes, the options
 * the command line overrides, finding a session by name, and the export.
 * Tells its user about changes through one callback; never draws.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "secrets.h"

/* Where a finished check reports back: the sprint and the item. */
struct sprint_slot {
	struct sprint	*sp;
	size_t		 index;
};

struct sprint {
	struct session		*s;
	const struct checklist	*cl;
	struct loop		*loop;
	sprint_notify_cb	 notify;
	void			*arg;
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
	enum status		*qa_before;	/* statuses when it began */
	char			*qa_text;	/* how the last pass ended */
	struct secrets_rules	*rules;		/* for free text, without an
						   audit */
	bool			 in_all;	/* inside sprint_run_all */
};

/* Tells the user of the sprint (the wizard) what happened. */
static void
sprint_tell(struct sprint *sp, enum sprint_event ev, const char *text)
{
	if (sp->notify != NULL)
		sp->notify(sp->arg, ev, text);
}

void
sprint_policy(const struct item *item, struct result *r)
{
	switch (r->status) {
	case STATUS_FAIL:
		/* The checklist sets the severity of a failure. */
		if (item != NULL)
			r->severity = item->severity;
		else if (r->severity == SEVERITY_NONE)
			r->severity = SEVERITY_INFO;
		break;
	case STATUS_WARN:
		if (r->severity == SEVERITY_NONE)
			r->severity = SEVERITY_INFO;
		break;
	default:
		/* A pass, an error or a skip is not a finding. */
		r->severity = SEVERITY_NONE;
		break;
	}
}

struct sprint *
sprint_open(struct session *s, const struct checklist *cl, struct loop *loop,
    sprint_notify_cb notify, void *arg, char **err)
{
	struct sprint	*sp;
	size_t		 i;
	char		*aerr = NULL;

	if (session_lock(s, err) == -1) {
		session_free(s);
		return NULL;
	}
	sp = xcalloc(1, sizeof *sp);
	sp->s = s;
	sp->cl = cl;
	sp->loop = loop;
	sp->notify = notify;
	sp->arg = arg;
	sp->runs = xcalloc(cl->nitems, sizeof *sp->runs);
	sp->slots = xcalloc(cl->nitems, sizeof *sp->slots);
	for (i = 0; i < cl->nitems; i++) {
		sp->slots[i].sp = sp;
		sp->slots[i].index = i;
		(void)session_item(s, cl->items[i].id);
	}
	if (s->selected_stage < 1 || s->selected_stage > STAGE_COUNT)
		s->selected_stage = 1;
	sp->audit = audit_new(&s->opt, loop, &aerr);
	if (sp->audit == NULL) {
		sp->audit_error = xprintf(_("Checks cannot run: %s"),
		    aerr != NULL ? aerr : _("the resolver could not start"));
		free(aerr);
	}
	(void)sprint_save(sp);
	return sp;
}

int
sprint_close(struct sprint *sp, char **err)
{
	int	r;

	if (sp == NULL)
		return 0;
	sp->running = 0;
	r = sprint_save(sp);
	if (r == -1 && err != NULL)
		*err = xstrdup(sp->save_error);
	/* Saved and unlocked before the engines stop: nothing is lost if
	   stopping them takes long. */
	session_unlock(sp->s);
	loop_timer_cancel(sp->loop, sp->reap);
	while (sp->nold > 0)
		audit_free(sp->old[--sp->nold]);
	free(sp->old);
	audit_free(sp->audit);
	secrets_rules_free(sp->rules);
	free(sp->qa_before);
	free(sp->qa_text);
	session_free(sp->s);
	free(sp->runs);
	free(sp->slots);
	free(sp->audit_error);
	free(sp->save_error);
	free(sp);
	return r;
}

struct session *
sprint_session(struct sprint *sp)
{
	return sp->s;
}

const struct checklist *
sprint_checklist(struct sprint *sp)
{
	return sp->cl;
}

int
sprint_save(struct sprint *sp)
{
	char	*err = NULL;
	int	 r;

	sp->s->saved = time(NULL);
	free(sp->save_error);
	sp->save_error = NULL;
	if ((r = session_save(sp->s, &err)) == -1) {
		sp->save_error = xprintf(_("NOT SAVED: %s"), err != NULL ? err :
		    _("unknown error"));
		free(err);
	}
	sprint_tell(sp, SPRINT_CHANGED, NULL);
	return r;
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

void
sprint_select(struct sprint *sp, int stage, size_t i)
{
	if (stage >= 1 && stage <= STAGE_COUNT)
		sp->s->selected_stage = stage;
	free(sp->s->selected_item);
	sp->s->selected_item = i < sp->cl->nitems ?
	    xstrdup(sp->cl->items[i].id) : NULL;
}

size_t
sprint_selected(struct sprint *sp)
{
	const struct stage	*sg = &sp->cl->stages[sp->s->selected_stage - 1];
	size_t			 i;

	for (i = 0; sp->s->selected_item != NULL && i < sg->nitems; i++) {
		if (strcmp(sp->cl->items[sg->first + i].id,
		    sp->s->selected_item) == 0)
			return i;
	}
	return 0;
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
	return summary_fixed(sprint_state(sp, i));
}

enum severity
sprint_severity(struct sprint *sp, size_t i)
{
	if (!status_is_finding(sprint_status(sp, i)))
		return SEVERITY_NONE;
	return summary_severity(&sp->cl->items[i], sprint_state(sp, i));
}

void
sprint_count(struct sprint *sp, int stage, struct summary *sum)
{
	size_t	i, from = 0, to = sp->cl->nitems;

	if (stage >= 1 && stage <= STAGE_COUNT) {
		from = sp->cl->stages[stage - 1].first;
		to = from + sp->cl->stages[stage - 1].nitems;
	}
	memset(sum, 0, sizeof *sum);
	for (i = from; i < to; i++)
		summary_add(sum, &sp->cl->items[i], sprint_state(sp, i),
		    sprint_status(sp, i));
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
	if ((audit = audit_new(&sp->s->opt, sp->loop, &err)) == NULL) {
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

void
sprint_record(struct sprint *sp, size_t i, const struct result *res)
{
	const struct item	*item = &sp->cl->items[i];
	struct item_state	*st;
	struct result		 r;

	result_init(&r);
	result_copy(&r, res);
	sprint_policy(item, &r);
	session_record(sp->s, item->id, &r);
	st = session_item(sp->s, item->id);
	/* A person's skip (it has a reason) stands; an engine's does not. */
	st->status = st->skip_reason != NULL ? STATUS_SKIPPED : r.status;
	result_clear(&r);
}

/* The final QA pass ended: its verdict and what changed, told. */
static void
sprint_qa_done(struct sprint *sp)
{
	struct buf	b = { 0 };
	char		*text;

	sp->final_qa = false;
	sp->s->handover.final_qa = time(NULL);
	if (sp->qa_before != NULL)
		handbook_qa(sp->s, sp->cl, sp->qa_before, &b);
	free(sp->qa_before);
	sp->qa_before = NULL;
	free(sp->qa_text);
	sp->qa_text = b.data != NULL ? b.data : xstrdup("");
	text = xprintf(_("Final QA pass finished. %s"), sp->qa_text);
	sprint_tell(sp, SPRINT_MESSAGE, text);
	free(text);
}

/* A check finished: record it, save, tell. */
static void
sprint_done(struct check_run *run, void *arg)
{
	struct sprint_slot	*slot = arg;
	struct sprint		*sp = slot->sp;

	sp->runs[slot->index] = NULL;
	sp->running--;
	sprint_record(sp, slot->index, &run->result);
	/* A repository scan's secrets join the inventory (by fingerprint). */
	if (inventory_sync(sp->s, check_secrets_report(run), time(NULL)) > 0)
		sprint_tell(sp, SPRINT_CHANGED, NULL);
	if (sp->final_qa && sp->running == 0)
		sprint_qa_done(sp);
	(void)sprint_save(sp);
	sprint_tell(sp, SPRINT_RUNNING, NULL);
	/* Not from inside the audit's own callback: on the next pass. */
	if (sp->nold > 0 && sp->reap == NULL)
		sp->reap = loop_timer(sp->loop, 0, sprint_reap, sp);
}

/* Starts the check of item i. */
static void
sprint_start(struct sprint *sp, size_t i)
{
	const struct item	*item = &sp->cl->items[i];
	struct check_run	*run;
	char			*msg;

	if (item->check == NULL || sp->runs[i] != NULL)
		return;
	if (sp->audit == NULL) {
		sprint_tell(sp, SPRINT_ERROR, sp->audit_error);
		return;
	}
	run = audit_start(sp->audit, item->check, sprint_done, &sp->slots[i]);
	if (run == NULL) {
		msg = xprintf(_("%s: unknown check"), item->check);
		sprint_tell(sp, SPRINT_ERROR, msg);
		free(msg);
		return;
	}
	/* The done callback always comes from a later pass of the loop. */
	sp->runs[i] = run;
	sp->running++;
	sprint_tell(sp, SPRINT_RUNNING, NULL);
	sprint_tell(sp, SPRINT_CHANGED, NULL);
}

int
sprint_run_item(struct sprint *sp, size_t i, char **err)
{
	struct item_state	*st = sprint_state(sp, i);

	if (sp->cl->items[i].check == NULL)
		return set_error(err, "%s", _("A manual item: Space marks it "
		    "done."));
	if (st->skip_reason != NULL) {
		st->status = STATUS_PENDING;
		free(st->skip_reason);
		st->skip_reason = NULL;
		(void)sprint_save(sp);
	}
	if (sp->runs[i] == NULL)
		sprint_fresh_audit(sp);
	sprint_start(sp, i);
	return 0;
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

	if (final) {
		/* What changed is measured against the statuses now. */
		free(sp->qa_before);
		sp->qa_before = xcalloc(sp->cl->nitems + 1,
		    sizeof *sp->qa_before);
		for (stage = 0; (size_t)stage < sp->cl->nitems; stage++)
			sp->qa_before[stage] = summary_status(summary_state(
			    sp->s, sp->cl->items[stage].id));
	}
	sprint_fresh_audit(sp);
	sp->in_all = true;
	for (stage = 1; stage <= STAGE_COUNT; stage++)
		sprint_run_stage(sp, stage, true);
	sp->in_all = false;
	if (final && sp->running > 0)
		sp->final_qa = true;
	else if (final) {
		sprint_qa_done(sp);
		(void)sprint_save(sp);
	}
}

size_t
sprint_running(struct sprint *sp)
{
	return sp->running;
}

int
sprint_mark(struct sprint *sp, size_t i, char **err)
{
	struct item_state	*st = sprint_state(sp, i);

	if (sp->cl->items[i].check != NULL)
		return set_error(err, "%s", _("This item is checked "
		    "automatically: r runs it again, s skips it."));
	if (st->status == STATUS_DONE)
		st->status = STATUS_PENDING;
	else {
		st->status = STATUS_DONE;
		free(st->skip_reason);
		st->skip_reason = NULL;
	}
	st->marked = time(NULL);
	(void)sprint_save(sp);
	return 0;
}

int
sprint_skip(struct sprint *sp, size_t i, const char *reason, char **err)
{
	struct item_state	*st = sprint_state(sp, i);

	if (reason == NULL || *reason == '\0')
		return set_error(err, "%s", _("Not skipped: a skip needs a "
		    "reason (why it does not apply)."));
	/* A skip reason is free text too: no credential in it. */
	if (sprint_guard(sp, reason, err) == -1)
		return -1;
	st->status = STATUS_SKIPPED;
	free(st->skip_reason);
	st->skip_reason = xstrdup(reason);
	st->marked = time(NULL);
	(void)sprint_save(sp);
	return 0;
}

void
sprint_unskip(struct sprint *sp, size_t i)
{
	struct item_state	*st = sprint_state(sp, i);

	free(st->skip_reason);
	st->skip_reason = NULL;
	st->status = st->has_latest ? st->latest.status : STATUS_PENDING;
	st->marked = time(NULL);
	(void)sprint_save(sp);
}

/* Replaces *dst by text (NULL or empty: none), marks and saves. */
static void
sprint_set_text(struct sprint *sp, size_t i, char **dst, const char *text)
{
	char	*why = NULL;

	/* A credential is refused: nothing of it is kept. */
	if (sprint_guard(sp, text, &why) == -1) {
		sprint_tell(sp, SPRINT_ERROR, why);
		free(why);
		return;
	}
	free(*dst);
	*dst = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	sprint_state(sp, i)->marked = time(NULL);
	(void)sprint_save(sp);
}

int
sprint_guard(struct sprint *sp, const char *text, char **why)
{
	const struct secrets_rules	*rules = NULL;
	const char			*err = NULL;
	char				*lerr = NULL;

	if (sp->audit != NULL)
		rules = secrets_rules_of(sp->audit, &err);
	if (rules == NULL && sp->rules == NULL) {
		sp->rules = secrets_rules_load(NULL, &lerr);
		free(lerr);
	}
	if (rules == NULL)
		rules = sp->rules;
	return guard_text(rules, text, why);
}

const char *
sprint_qa_text(struct sprint *sp)
{
	return sp->qa_text;
}

void
sprint_set_owner(struct sprint *sp, size_t i, const char *owner)
{
	sprint_set_text(sp, i, &sprint_state(sp, i)->owner, owner);
}

void
sprint_set_note(struct sprint *sp, size_t i, const char *note)
{
	sprint_set_text(sp, i, &sprint_state(sp, i)->note, note);
}

/* Replaces the string *dst by a copy of src. */
static void
sprint_string(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

void
sprint_overrides(struct options *saved, const struct options *o,
    unsigned given)
{
	size_t	i;

	if (given & OPTION_RESOLVERS) {
		strlist_clear(&saved->resolvers);
		strlist_copy(&saved->resolvers, &o->resolvers);
	}
	if (given & OPTION_PORT_MAP) {
		for (i = 0; i < o->nport_map; i++)
			saved->port_map[i] = o->port_map[i];
		saved->nport_map = o->nport_map;
	}
	if (given & OPTION_CACERT)
		sprint_string(&saved->cacert, o->cacert);
	if (given & OPTION_SUBDOMAINS) {
		strlist_clear(&saved->subdomains);
		strlist_copy(&saved->subdomains, &o->subdomains);
	}
	if (given & OPTION_DKIM) {
		strlist_clear(&saved->dkim_selectors);
		strlist_copy(&saved->dkim_selectors, &o->dkim_selectors);
	}
	if (given & OPTION_REPO)
		sprint_string(&saved->repo, o->repo);
	if (given & OPTION_TIMEOUT)
		saved->timeout = o->timeout;
	if (given & OPTION_LOGIN_URL)
		sprint_string(&saved->login_url, o->login_url);
	if (given & OPTION_HEALTH_URL)
		sprint_string(&saved->health_url, o->health_url);
	if (given & OPTION_API_URL) {
		strlist_clear(&saved->api_urls);
		strlist_copy(&saved->api_urls, &o->api_urls);
	}
	if (given & OPTION_EMAIL)
		saved->email = o->email;
	if (given & OPTION_SENDER_IP)
		sprint_string(&saved->sender_ip, o->sender_ip);
	if (given & OPTION_ALLOW_ACTIVE)
		saved->allow_active = o->allow_active;
}

/* True when name ends with ".cfg" (and has more before it). */
static bool
sprint_has_cfg(const char *name)
{
	size_t	len = strlen(name);

	return len > 4 && strcmp(name + len - 4, ".cfg") == 0;
}

/* True when path names a regular file. */
static bool
sprint_is_file(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *
sprint_find(const char *dir, const struct checklist *cl, const char *name,
    char **err)
{
	struct session_info	*infos = NULL;
	size_t			 n = 0, i;
	char			*path;

	if (name == NULL) {
		if (session_list(dir, cl, &infos, &n, err) == -1)
			return NULL;
		if (n == 0) {
			session_info_free(infos, n);
			set_error(err, "%s", _("No saved session yet: press n "
			    "to start one."));
			return NULL;
		}
		/* The newest that can be read, else the newest. */
		for (i = 0; i < n && infos[i].error != NULL; i++)
			;
		path = xstrdup(i < n ? infos[i].path : infos[0].path);
		session_info_free(infos, n);
		return path;
	}
	if (strchr(name, '/') != NULL) {
		if (sprint_is_file(name))
			return xstrdup(name);
	} else {
		/* NAME, or NAME.cfg as `list` shows the file. */
		path = sprint_has_cfg(name) ? xprintf("%s/%s", dir, name) :
		    xprintf("%s/%s.cfg", dir, name);
		if (sprint_is_file(path))
			return path;
		free(path);
		/* "name.cfg" given as a file in the current directory. */
		if (sprint_has_cfg(name) && sprint_is_file(name))
			return xstrdup(name);
	}
	set_error(err, _("no session named \"%s\" in %s (see `launchready "
	    "list`)"), name, dir);
	return NULL;
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
