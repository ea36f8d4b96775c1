/*
 * handbook.c: the handover a client keeps. Part 1, one printed page
 * (decision, "Do now", "Run it", what changed, open risks), and the
 * appendices built from the results (appendix.c), written through the
 * report's Markdown and HTML writers, and the same data as JSON.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Part 1 names at most this many fixed items; the rest are counted. */
#define HANDBOOK_MAX_CHANGED	6

void
handbook_verdict(const struct summary *sum, struct buf *b)
{
	size_t	crit = sum->findings[SEVERITY_CRITICAL];
	size_t	high = sum->findings[SEVERITY_HIGH];
	size_t	open = sum->status[STATUS_ERROR] + sum->not_run;

	if (crit > 0)
		buf_printf(b, ngettext("Not ready to launch: %zu critical "
		    "problem is open.", "Not ready to launch: %zu critical "
		    "problems are open.", crit), crit);
	else if (high > 0)
		buf_printf(b, ngettext("Launch with care: nothing critical, "
		    "but %zu high problem is open.", "Launch with care: "
		    "nothing critical, but %zu high problems are open.", high),
		    high);
	else if (open > 0)
		buf_printf(b, ngettext("Not decided yet: %zu check could not "
		    "run or has not run.", "Not decided yet: %zu checks could "
		    "not run or have not run.", open), open);
	else
		buf_puts(b, _("Ready to launch: every check passed or was "
		    "settled by a person."));
}

/* Appends "A, B and 2 more" for the titles of items whose flag is set. */
static void
handbook_titles(const struct checklist *cl, const bool *flag, size_t n,
    struct buf *b)
{
	size_t	i, shown = 0;

	for (i = 0; i < cl->nitems && shown < 3; i++) {
		if (!flag[i])
			continue;
		buf_printf(b, "%s%s", shown++ > 0 ? ", " : "",
		    cl->items[i].title);
	}
	if (n > shown)
		buf_printf(b, ngettext(" and %zu more", " and %zu more",
		    n - shown), n - shown);
}

void
handbook_qa(const struct session *s, const struct checklist *cl,
    const enum status *before, struct buf *b)
{
	struct summary		 sum;
	const struct item_state	*is;
	bool			*fixed, *worse;
	size_t			 i, nfixed = 0, nworse = 0;
	enum status		 now, was;

	summary_count(s, cl, &sum);
	handbook_verdict(&sum, b);
	fixed = xcalloc(cl->nitems + 1, sizeof *fixed);
	worse = xcalloc(cl->nitems + 1, sizeof *worse);
	for (i = 0; i < cl->nitems; i++) {
		if (cl->items[i].check == NULL)
			continue;
		is = summary_state(s, cl->items[i].id);
		now = summary_status(is);
		was = before[i];
		if ((status_is_finding(was) || was == STATUS_ERROR) &&
		    now == STATUS_PASS)
			nfixed += fixed[i] = true;
		else if (!status_is_finding(was) && status_is_finding(now))
			nworse += worse[i] = true;
	}
	if (nfixed + nworse == 0)
		buf_puts(b, _(" Nothing changed since the previous run."));
	if (nfixed > 0) {
		buf_printf(b, ngettext(" Fixed since the previous run: %zu (",
		    " Fixed since the previous run: %zu (", nfixed), nfixed);
		handbook_titles(cl, fixed, nfixed, b);
		buf_puts(b, ").");
	}
	if (nworse > 0) {
		buf_printf(b, ngettext(" New problem since the previous run: "
		    "%zu (", " New problems since the previous run: %zu (",
		    nworse), nworse);
		handbook_titles(cl, worse, nworse, b);
		buf_puts(b, ").");
	}
	free(fixed);
	free(worse);
}

/* The decision as one sentence (newly allocated). */
static char *
handbook_decision(const struct launch_decision *d)
{
	char		 t[64];
	const char	*who = report_or(d->who, _("nobody named"));
	const char	*cond = report_or(d->conditions, _("none written"));

	switch (d->kind) {
	case DECISION_SHIP:
		return xprintf(_("Ship. Decided by %s on %s."), who,
		    report_time(d->when, t, sizeof t));
	case DECISION_CONDITIONS:
		return xprintf(_("Ship with conditions: %s. Decided by %s on "
		    "%s."), cond, who, report_time(d->when, t, sizeof t));
	case DECISION_STOP:
		return xprintf(_("Stop: %s. Decided by %s on %s."), cond, who,
		    report_time(d->when, t, sizeof t));
	default:
		return xstrdup(_("Not recorded yet: the person who decides "
		    "records ship, ship with conditions or stop on the "
		    "handover screen."));
	}
}

/* "Do now": open critical and high findings, unconfirmed manual items. */
static void
handbook_do_now(struct report *r)
{
	const struct item_state	*is;
	const struct item	*item;
	char			*text;
	size_t			 i, n = 0;

	report_heading(r, 1, _("Do now"));
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->severity < SEVERITY_HIGH)
			continue;
		if (n++ == 0)
			r->ops->list_begin(r);
		text = xprintf(_("(%s) — owner: %s"), severity_label(f->severity),
		    report_or(f->state->owner, _("nobody yet")));
		r->ops->list_item(r, f->item->title, text);
		free(text);
	}
	for (i = 0; i < r->cl->nitems; i++) {
		item = &r->cl->items[i];
		if (item->check != NULL)
			continue;
		is = summary_state(r->s, item->id);
		if (is != NULL && (is->status == STATUS_DONE ||
		    is->status == STATUS_SKIPPED))
			continue;
		if (n++ == 0)
			r->ops->list_begin(r);
		text = xprintf(_("(to confirm, %s) — owner: %s"),
		    severity_label(item->severity), report_or(is != NULL ?
		    is->owner : NULL, _("nobody yet")));
		r->ops->list_item(r, item->title, text);
		free(text);
	}
	if (n > 0)
		r->ops->list_end(r);
	else
		report_para(r, _("Nothing: no critical or high problem is "
		    "open and every manual item is confirmed."), false);
}

/* A typed text, or what to say when there is none. */
static void
handbook_text(struct report *r, const char *heading, const char *text,
    const char *empty)
{
	report_heading(r, 2, heading);
	if (text != NULL && *text != '\0')
		r->ops->block(r, text);
	else
		report_para(r, empty, false);
}

/* "Run it": access, deploy, rollback with its rehearsal, alert owners. */
static void
handbook_run_it(struct report *r)
{
	const struct handover	*h = &r->s->handover;
	const char		*head[] = { _("Account"), _("Provider"),
				    _("Owner"), _("Where the credentials "
				    "live") };
	const char		*ahead[ALERT_COUNT], *arow[ALERT_COUNT];
	const char		*row[4];
	char			*line;
	size_t			 i;

	report_heading(r, 1, _("Run it"));
	report_heading(r, 2, _("Access list"));
	if (h->naccess == 0)
		report_para(r, _("No access recorded yet."), false);
	else {
		r->ops->table_begin(r, head, nitems(head));
		for (i = 0; i < h->naccess; i++) {
			row[0] = report_or(h->access[i].account, "");
			row[1] = report_or(h->access[i].provider, "");
			row[2] = report_or(h->access[i].owner,
			    _("no owner yet"));
			row[3] = report_or(h->access[i].where, "");
			r->ops->table_row(r, NULL, row, 4, 0);
		}
		r->ops->table_end(r);
	}
	handbook_text(r, _("Deploy steps"), h->deploy_steps,
	    _("No deploy steps recorded yet."));
	handbook_text(r, _("Rollback"), h->rollback,
	    _("No rollback steps recorded yet."));
	if (h->rollback_minutes > 0)
		line = xprintf(ngettext("Rehearsed rollback: %d minute "
		    "(target: under 15).", "Rehearsed rollback: %d minutes "
		    "(target: under 15).", h->rollback_minutes),
		    h->rollback_minutes);
	else
		line = xstrdup(_("Rollback not rehearsed yet (target: under "
		    "15 minutes)."));
	report_para(r, line, h->rollback_minutes > 15);
	free(line);
	report_heading(r, 2, _("Alert owners"));
	for (i = 0; i < ALERT_COUNT; i++) {
		ahead[i] = alert_label((enum alert)i);
		arow[i] = report_or(h->alert_owner[i], _("nobody yet"));
	}
	r->ops->table_begin(r, ahead, ALERT_COUNT);
	r->ops->table_row(r, NULL, arow, ALERT_COUNT, 0);
	r->ops->table_end(r);
	if (h->monitoring != NULL && *h->monitoring != '\0')
		handbook_text(r, _("Monitoring"), h->monitoring, "");
}

/* What changed, in plain words: the problems fixed during the sprint. */
static void
handbook_changed(struct report *r)
{
	const struct item_state	*is;
	char			*line;
	size_t			 i, n = 0;

	report_heading(r, 1, _("What changed during the sprint"));
	for (i = 0; i < r->cl->nitems; i++) {
		is = summary_state(r->s, r->cl->items[i].id);
		if (!summary_fixed(is))
			continue;
		if (n++ == 0)
			r->ops->list_begin(r);
		if (n <= HANDBOOK_MAX_CHANGED)
			r->ops->list_item(r, r->cl->items[i].title,
			    _("was a problem at the first check; fixed now."));
	}
	if (n > HANDBOOK_MAX_CHANGED) {
		line = xprintf(ngettext("and %zu more (appendix I).",
		    "and %zu more (appendix I).", n - HANDBOOK_MAX_CHANGED),
		    n - HANDBOOK_MAX_CHANGED);
		r->ops->list_item(r, NULL, line);
		free(line);
	}
	if (n > 0)
		r->ops->list_end(r);
	else
		report_para(r, _("Nothing yet: no problem found at the first "
		    "check passes now."), false);
}

/* Open risks: what the team accepted, and the lesser findings. */
static void
handbook_risks(struct report *r)
{
	const struct handover	*h = &r->s->handover;
	char			*text;
	size_t			 i, n = 0;

	report_heading(r, 1, _("Open risks"));
	if (h->open_risks != NULL && *h->open_risks != '\0')
		r->ops->block(r, h->open_risks);
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		if (f->severity >= SEVERITY_HIGH)
			continue;
		if (n++ == 0)
			r->ops->list_begin(r);
		text = xprintf("(%s)", severity_label(f->severity));
		r->ops->list_item(r, f->item->title, text);
		free(text);
	}
	if (n > 0)
		r->ops->list_end(r);
	else if (h->open_risks == NULL || *h->open_risks == '\0')
		report_para(r, _("None recorded."), false);
}

void
handbook_part1(struct report *r)
{
	const struct session	*s = r->s;
	struct buf		 b = { 0 };
	char			 t1[64], t2[64], t3[64], *line, *domain;

	domain = report_domain(s);
	line = xprintf(_("%s · %s · sprint %s to %s · run by %s · written %s"),
	    report_or(s->client, _("client not named")), domain,
	    report_time(s->started, t1, sizeof t1), report_time(s->saved, t2,
	    sizeof t2), report_or(s->consultant, _("not recorded")),
	    report_time(r->generated, t3, sizeof t3));
	report_para(r, line, false);
	free(line);
	free(domain);

	report_heading(r, 1, _("Launch decision"));
	line = handbook_decision(&s->handover.decision);
	report_para(r, line, true);
	free(line);
	buf_puts(&b, _("The tool's verdict: "));
	handbook_verdict(&r->sum, &b);
	report_para(r, b.data, false);
	buf_free(&b);

	handbook_do_now(r);
	handbook_run_it(r);
	handbook_changed(r);
	handbook_risks(r);
}

/* A table of the appendix, or a sentence when it has no row. */
static void
handbook_table(struct report *r, const struct appendix_table *t,
    const char **head, const char *empty)
{
	size_t	i;

	if (t->n == 0) {
		report_para(r, empty, false);
		return;
	}
	r->ops->table_begin(r, head, t->ncols);
	for (i = 0; i < t->n; i++)
		r->ops->table_row(r, NULL, (const char **)t->rows[i].cell,
		    t->ncols, 0);
	r->ops->table_end(r);
}

/* "rotated on 2026-12-04", "allowed: test fixture"... (newly allocated). */
static char *
handbook_secret_status(const struct secret_row *row)
{
	char	t1[64], t2[64];

	if (row->status == SECRET_ROTATED)
		return xprintf(_("rotated on %s"), report_time(row->rotated, t1,
		    sizeof t1));
	if (row->status == SECRET_ALLOWED)
		return xprintf(_("allowed: %s"), report_or(row->reason, ""));
	if (row->reappeared != 0)
		return xprintf(_("exposed again: found %s after its rotation "
		    "on %s"), report_time(row->reappeared, t1, sizeof t1),
		    report_time(row->rotated, t2, sizeof t2));
	return xstrdup(secret_status_label(SECRET_EXPOSED));
}

/* D. The secret inventory: one row per fingerprint. */
static void
handbook_secrets(struct report *r)
{
	const struct handover	*h = &r->s->handover;
	const char		*head[] = { _("Fingerprint"), _("Kind"),
				    _("Found in"), _("First commit"),
				    _("Owner"), _("Status") };
	const char		*row[6];
	char			*where, *commit, *status, date[16];
	size_t			 i;

	report_heading(r, 1, _("D. Secret inventory"));
	if (h->nsecrets == 0) {
		report_para(r, _("No secret found in the repository, or it "
		    "was not scanned."), false);
		return;
	}
	report_para(r, _("Values are never written: each secret is known by "
	    "its fingerprint. Owner and status are set in the wizard."),
	    false);
	r->ops->table_begin(r, head, nitems(head));
	for (i = 0; i < h->nsecrets; i++) {
		const struct secret_row *sr = &h->secrets[i];

		where = sr->line > 0 ? xprintf("%s:%u", report_or(sr->path,
		    "?"), sr->line) : xstrdup(report_or(sr->path, "?"));
		if (sr->commit != NULL) {
			strftime(date, sizeof date, "%Y-%m-%d",
			    gmtime(&sr->commit_date));
			commit = xprintf("%.12s (%s)", sr->commit, date);
		} else
			commit = xstrdup(_("work tree only"));
		status = handbook_secret_status(sr);
		row[0] = sr->fingerprint;
		row[1] = report_or(sr->kind, "");
		row[2] = where;
		row[3] = commit;
		row[4] = report_or(sr->owner, _("nobody yet"));
		row[5] = status;
		r->ops->table_row(r, sr->status == SECRET_EXPOSED ? "fail" :
		    "pass", row, nitems(head), 1u << 0);
		free(where);
		free(commit);
		free(status);
	}
	r->ops->table_end(r);
}

void
handbook_appendices(struct report *r)
{
	const struct appendix	*a = &r->app;
	const char		*dns[] = { _("Name"), _("Type"), _("Target"),
				    _("TTL"), _("Provider or CDN"),
				    _("What it is for") };
	const char		*certs[] = { _("Host"), _("Issuer"),
				    _("Expires"), _("Days left"),
				    _("Renewal") };
	const char		*routes[] = { _("Route"), _("p50 ms"),
				    _("p95 ms"), _("Against 300 ms") };
	const char		*cache[] = { _("Route"), _("Kind"),
				    _("Cache-Control") };
	const char		*env[] = { _("Variable"),
				    _("Where it is used") };
	size_t			 i, j;

	report_heading(r, 1, _("A. DNS map"));
	handbook_table(r, &a->dns, dns, _("No DNS results yet."));
	report_heading(r, 1, _("B. Redirect rules"));
	if (a->redirects.n == 0)
		report_para(r, _("No redirect results yet."), false);
	else {
		r->ops->list_begin(r);
		for (i = 0; i < a->redirects.n; i++)
			r->ops->list_item(r, NULL, a->redirects.v[i]);
		r->ops->list_end(r);
	}
	report_heading(r, 1, _("C. Certificates"));
	handbook_table(r, &a->certs, certs, _("No certificate results "
	    "yet."));
	handbook_secrets(r);
	report_heading(r, 1, _("E. Environment variables"));
	handbook_table(r, &a->env, env, _("No environment-variable "
	    "inventory yet."));
	report_heading(r, 1, _("F. Performance and caching"));
	report_heading(r, 2, _("Routes, slowest first"));
	handbook_table(r, &a->routes, routes, _("No latency results yet."));
	report_heading(r, 2, _("Cache policy by route"));
	handbook_table(r, &a->cache, cache, _("No caching results yet."));
	report_heading(r, 1, _("G. Runbooks"));
	for (i = 0; i < APPENDIX_RUNBOOKS; i++) {
		report_heading(r, 2, a->runbooks[i].title);
		r->ops->list_begin(r);
		for (j = 0; j < a->runbooks[i].steps.n; j++)
			r->ops->list_item(r, NULL, a->runbooks[i].steps.v[j]);
		r->ops->list_end(r);
	}
}

/* ---- JSON -------------------------------------------------------------- */

/* "key": "value" (or null), after sep. */
static void
handbook_jstr(struct buf *b, const char *sep, const char *key,
    const char *value)
{
	buf_puts(b, sep);
	buf_json(b, key);
	buf_puts(b, ": ");
	if (value != NULL)
		buf_json(b, value);
	else
		buf_puts(b, "null");
}

/* "key": "2026-…Z" or null. */
static void
handbook_jtime(struct buf *b, const char *sep, const char *key, time_t t)
{
	handbook_jstr(b, sep, key, t != 0 ? time_iso(t) : NULL);
}

/* A table as a list of objects with the given member names. */
static void
handbook_jtable(struct buf *b, const char *key,
    const struct appendix_table *t, const char **names)
{
	size_t	i, j;

	buf_printf(b, ",\n  \"%s\": [", key);
	for (i = 0; i < t->n; i++) {
		buf_puts(b, i > 0 ? ",\n   {" : "\n   {");
		for (j = 0; j < t->ncols; j++)
			handbook_jstr(b, j > 0 ? ", " : "", names[j],
			    t->rows[i].cell[j]);
		buf_puts(b, "}");
	}
	buf_puts(b, "]");
}

void
handbook_json(struct report *r)
{
	const struct handover	*h = &r->s->handover;
	const struct appendix	*a = &r->app;
	struct buf		*b = r->b, v = { 0 };
	const char		*dns[] = { "name", "type", "target", "ttl",
				    "provider", "purpose" };
	const char		*certs[] = { "host", "issuer", "expires",
				    "days_left", "renewal" };
	const char		*routes[] = { "route", "p50_ms", "p95_ms",
				    "against_target" };
	const char		*cache[] = { "route", "kind", "cache_control" };
	const char		*env[] = { "name", "where" };
	size_t			 i, j;

	buf_puts(b, ",\n \"decision\": {");
	handbook_jstr(b, "", "kind", decision_name(h->decision.kind));
	handbook_jstr(b, ", ", "conditions", h->decision.conditions);
	handbook_jstr(b, ", ", "who", h->decision.who);
	handbook_jtime(b, ", ", "when", h->decision.when);
	handbook_verdict(&r->sum, &v);
	handbook_jstr(b, ",\n  ", "tool_verdict", summary_verdict(&r->sum));
	handbook_jstr(b, ", ", "tool_verdict_text", v.data);
	buf_free(&v);
	buf_puts(b, "},\n \"alert_owners\": {");
	for (i = 0; i < ALERT_COUNT; i++)
		handbook_jstr(b, i > 0 ? ", " : "", alert_key((enum alert)i),
		    h->alert_owner[i]);
	buf_puts(b, "},\n ");
	if (h->rollback_minutes > 0)
		buf_printf(b, "\"rollback_minutes\": %d", h->rollback_minutes);
	else
		buf_puts(b, "\"rollback_minutes\": null");

	buf_puts(b, ",\n \"secret_inventory\": [");
	for (i = 0; i < h->nsecrets; i++) {
		const struct secret_row *sr = &h->secrets[i];

		buf_puts(b, i > 0 ? ",\n  {" : "\n  {");
		handbook_jstr(b, "", "fingerprint", sr->fingerprint);
		handbook_jstr(b, ", ", "kind", sr->kind);
		handbook_jstr(b, ", ", "path", sr->path);
		buf_printf(b, ", \"line\": %u", sr->line);
		handbook_jstr(b, ", ", "first_commit", sr->commit);
		handbook_jtime(b, ", ", "commit_date", sr->commit_date);
		buf_puts(b, ", \"paths\": [");
		for (j = 0; j < sr->paths.n; j++) {
			buf_puts(b, j > 0 ? ", " : "");
			buf_json(b, sr->paths.v[j]);
		}
		buf_puts(b, "]");
		handbook_jstr(b, ", ", "owner", sr->owner);
		handbook_jstr(b, ", ", "status", secret_status_name(sr->status));
		handbook_jtime(b, ", ", "rotated", sr->rotated);
		handbook_jstr(b, ", ", "reason", sr->reason);
		handbook_jtime(b, ", ", "first_seen", sr->first_seen);
		handbook_jtime(b, ", ", "last_seen", sr->last_seen);
		handbook_jtime(b, ", ", "reappeared", sr->reappeared);
		buf_puts(b, "}");
	}

	buf_puts(b, "],\n \"appendices\": {\"redirects\": [");
	for (i = 0; i < a->redirects.n; i++) {
		buf_puts(b, i > 0 ? ",\n   " : "\n   ");
		buf_json(b, a->redirects.v[i]);
	}
	buf_puts(b, "]");
	handbook_jtable(b, "dns_map", &a->dns, dns);
	handbook_jtable(b, "certificates", &a->certs, certs);
	handbook_jtable(b, "performance", &a->routes, routes);
	handbook_jtable(b, "cache", &a->cache, cache);
	handbook_jtable(b, "environment", &a->env, env);
	buf_puts(b, ",\n  \"runbooks\": [");
	for (i = 0; i < APPENDIX_RUNBOOKS; i++) {
		buf_puts(b, i > 0 ? ",\n   {" : "\n   {");
		handbook_jstr(b, "", "id", a->runbooks[i].key);
		handbook_jstr(b, ", ", "title", a->runbooks[i].title);
		buf_puts(b, ", \"steps\": [");
		for (j = 0; j < a->runbooks[i].steps.n; j++) {
			buf_puts(b, j > 0 ? ", " : "");
			buf_json(b, a->runbooks[i].steps.v[j]);
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]}");
}
