/*
 * report.c: the front end of every output: the handover checklist of a
 * session and the results of an audit. It picks the format's backend
 * (report.h) and, for document formats (Markdown, HTML), walks the
 * sections once through the backend's element writers; JSON, text and
 * SARIF write their own stable shapes.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "json.h"

static const struct report_group report_dns = {
	.key = "dns_map",
	.heading = N_("DNS map"),
	.checks = { "dns.apex", "dns.www", "dns.subdomains", "email.mx",
	    "email.spf", "email.dkim", "email.dmarc", "dns.caa", NULL },
};
static const struct report_group report_redirects = {
	.key = "redirect_map",
	.heading = N_("Redirect map"),
	.checks = { "http.canonical", "http.https-redirect", NULL },
};
static const struct report_group report_certificates = {
	.key = "certificates",
	.heading = N_("Certificates"),
	.checks = { "tls.certificate", "tls.expiry", "tls.renewal", NULL },
};
static const struct report_group report_secrets = {
	.key = "secrets",
	.heading = N_("Secrets inventory"),
	.checks = { "secrets.worktree", "secrets.history", NULL },
};
static const struct report_group report_monitoring = {
	.key = "monitoring_checks",
	.heading = N_("Monitoring checks"),
	.checks = { "mon.health", NULL },
	.stage = 5,
};
static const struct report_group report_environment = {
	.key = "environment",
	.heading = N_("Environment-variable inventory"),
	.checks = { "secrets.inventory", NULL },
};

/* The groups in the order the JSON handover writes them. */
const struct report_group *const report_groups[] = {
	&report_dns,
	&report_redirects,
	&report_certificates,
	&report_secrets,
	&report_environment,
	&report_monitoring,
	NULL
};

/* Every format, by enum format. */
static const struct report_backend *const report_backends[] = {
	&report_text_backend,
	&report_json_backend,
	&report_md_backend,
	&report_html_backend,
	&report_sarif_backend,
};

/* The report's time: SOURCE_DATE_EPOCH when set (reproducible output). */
static time_t
report_now(void)
{
	const char	*e = getenv("SOURCE_DATE_EPOCH");
	char		*end;
	long long	 v;

	if (e != NULL && *e != '\0') {
		errno = 0;
		v = strtoll(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* A time for people ("2026-11-24 13:05 UTC"), or the word for none. */
const char *
report_time(time_t t, char *out, size_t len)
{
	struct tm	tm;

	if (t == 0) {
		snprintf(out, len, "%s", _("never"));
		return out;
	}
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
	return out;
}

/* The domain as shown: Unicode form, with the ASCII one when it differs. */
char *
report_domain(const struct session *s)
{
	const char	*a = s->opt.domain, *u = s->opt.domain_unicode;

	if (a == NULL)
		return xstrdup(_("(no domain)"));
	if (u != NULL && strcmp(a, u) != 0)
		return xprintf("%s (%s)", u, a);
	return xstrdup(a);
}

const char *
report_title(const struct report *r, const char *id)
{
	const struct item	*item = checklist_item(r->cl, id);

	return item != NULL ? item->title : id;
}

/* Headings of the audit list, by severity. */
static const char *report_severity_heading[SEVERITY_COUNT] = {
	[SEVERITY_NONE] = N_("Other"),
	[SEVERITY_INFO] = N_("Info"),
	[SEVERITY_MEDIUM] = N_("Medium"),
	[SEVERITY_HIGH] = N_("High"),
	[SEVERITY_CRITICAL] = N_("Critical"),
};

/* A sentence: s with a full stop added when it has no end mark. */
char *
report_sentence(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || strchr(".!?", s[len - 1]) != NULL)
		return xstrdup(s);
	return xprintf("%s.", s);
}

/* "none" for an absent string. */
const char *
report_or(const char *s, const char *none)
{
	return s != NULL && *s != '\0' ? s : none;
}

/* The text of a status for tables: UTF-8 glyph and label. */
char *
report_status(enum status st)
{
	return xprintf("%s %s", status_glyph(st, true), status_label(st));
}

/* ---- the sections, for Markdown and HTML -------------------------------- */

/* The counts behind the summary, as one table row. */
static void
report_counts(struct report *r)
{
	const char	*head[] = { _("Critical"), _("High"), _("Medium"),
			    _("Info"), _("Could not be checked"),
			    _("Not run yet"), _("Manual items open"),
			    _("Fixed during the sprint") };
	char		*cells[nitems(head)];
	size_t		 values[nitems(head)], i;

	values[0] = r->sum.findings[SEVERITY_CRITICAL];
	values[1] = r->sum.findings[SEVERITY_HIGH];
	values[2] = r->sum.findings[SEVERITY_MEDIUM];
	values[3] = r->sum.findings[SEVERITY_INFO] +
	    r->sum.findings[SEVERITY_NONE];
	values[4] = r->sum.status[STATUS_ERROR];
	values[5] = r->sum.not_run;
	values[6] = r->sum.manual_open;
	values[7] = r->sum.fixed;
	for (i = 0; i < nitems(head); i++)
		cells[i] = xprintf("%zu", values[i]);
	r->ops->table_begin(r, head, nitems(head));
	r->ops->table_row(r, NULL, (const char **)cells, nitems(head), 0);
	r->ops->table_end(r);
	for (i = 0; i < nitems(head); i++)
		free(cells[i]);
}

/* 2. The launch-risk summary and the audit list by severity. */
static void
report_section_summary(struct report *r)
{
	struct buf	 text = { 0 };
	char		*lead, *line;
	size_t		 i, count;
	int		 sev;
	enum status	 st;

	report_heading(r, 2, _("Launch-risk summary and audit list"));
	summary_write(r->s, r->cl, &text);
	report_para(r, text.data, true);
	buf_free(&text);

	report_counts(r);
	report_heading(r, 2, _("Audit list by severity"));
	if (r->nfindings == 0)
		report_para(r, _("No open findings."), false);
	for (sev = SEVERITY_CRITICAL; sev >= SEVERITY_NONE; sev--) {
		for (i = 0, count = 0; i < r->nfindings; i++)
			count += r->findings[i].severity == (enum severity)sev;
		if (count == 0)
			continue;
		line = xprintf("%s (%zu)", _(report_severity_heading[sev]),
		    count);
		report_heading(r, 3, line);
		free(line);
		r->ops->list_begin(r);
		for (i = 0; i < r->nfindings; i++) {
			const struct finding *f = &r->findings[i];

			if (f->severity != (enum severity)sev)
				continue;
			lead = xprintf("%s:", f->item->title);
			line = xprintf("%s (%s, stage %d)%s%s",
			    status_label(f->state->status), f->item->id,
			    f->item->stage, f->state->has_latest &&
			    f->state->latest.summary != NULL ? " — " : "",
			    f->state->has_latest &&
			    f->state->latest.summary != NULL ?
			    f->state->latest.summary : "");
			r->ops->list_item(r, lead, line);
			free(lead);
			free(line);
		}
		r->ops->list_end(r);
	}
	/* Errors are not findings, and never passes: listed apart. */
	if (r->sum.status[STATUS_ERROR] > 0) {
		report_heading(r, 3, _("Could not be checked"));
		r->ops->list_begin(r);
		for (i = 0; i < r->cl->nitems; i++) {
			const struct item_state	*is;

			is = summary_state(r->s, r->cl->items[i].id);
			st = summary_status(is);
			if (st != STATUS_ERROR)
				continue;
			lead = xprintf("%s:", r->cl->items[i].title);
			line = xprintf("%s (%s)%s%s", status_label(st),
			    r->cl->items[i].id, is->has_latest &&
			    is->latest.summary != NULL ? " — " : "",
			    is->has_latest && is->latest.summary != NULL ?
			    is->latest.summary : "");
			r->ops->list_item(r, lead, line);
			free(lead);
			free(line);
		}
		r->ops->list_end(r);
	}
}

/* 3. What changed: failed or warned at the first run, passing now. */
static void
report_section_changed(struct report *r)
{
	const struct item_state	*is;
	const struct item	*item;
	char			*lead, *text, *was, *now, t1[64], t2[64];
	size_t			 i;
	bool			 any = false, worse = false;

	report_heading(r, 2, _("What changed during the sprint, in detail"));
	for (i = 0; i < r->cl->nitems; i++) {
		item = &r->cl->items[i];
		is = summary_state(r->s, item->id);
		if (!summary_fixed(is))
			continue;
		if (!any) {
			report_para(r, _("These problems were found at the "
			    "first check and are fixed now:"), false);
			r->ops->list_begin(r);
			any = true;
		}
		lead = xprintf("%s.", item->title);
		was = report_sentence(report_or(is->first.summary,
		    status_label(is->first.status)));
		now = report_sentence(report_or(is->latest.summary,
		    status_label(is->latest.status)));
		text = xprintf(_("At the first check (%s): %s Now (%s): %s"),
		    report_time(is->first.when, t1, sizeof t1), was,
		    report_time(is->latest.when, t2, sizeof t2), now);
		r->ops->list_item(r, lead, text);
		free(was);
		free(now);
		free(lead);
		free(text);
	}
	if (any)
		r->ops->list_end(r);
	else
		report_para(r, _("Nothing that failed at the first check "
		    "passes yet."), false);

	/* And the other way round, which a client must hear about too. */
	for (i = 0; i < r->cl->nitems; i++) {
		item = &r->cl->items[i];
		is = summary_state(r->s, item->id);
		if (is == NULL || !is->has_first || !is->has_latest ||
		    is->first.status != STATUS_PASS ||
		    !status_is_finding(is->latest.status))
			continue;
		if (!worse) {
			report_para(r, _("These passed at the first check and "
			    "fail now:"), false);
			r->ops->list_begin(r);
			worse = true;
		}
		lead = xprintf("%s.", item->title);
		now = report_sentence(report_or(is->latest.summary,
		    status_label(is->latest.status)));
		text = xprintf(_("Now (%s): %s"), report_time(is->latest.when,
		    t1, sizeof t1), now);
		free(now);
		r->ops->list_item(r, lead, text);
		free(lead);
		free(text);
	}
	if (worse)
		r->ops->list_end(r);
}

/* The notes column of an item: note, skip reason, when it was marked. */
char *
report_notes(const struct item_state *is)
{
	struct buf	b = { 0 };
	char		t[64];

	buf_puts(&b, "");
	if (is == NULL)
		return b.data;
	/* A person's skip gives its reason; an engine's, its summary. */
	if (is->status == STATUS_SKIPPED && is->skip_reason == NULL &&
	    is->has_latest && is->latest.summary != NULL &&
	    *is->latest.summary != '\0')
		buf_printf(&b, _("Skipped: %s"), is->latest.summary);
	else if (is->status == STATUS_SKIPPED)
		buf_printf(&b, _("Skipped: %s"), report_or(is->skip_reason,
		    _("no reason given")));
	if (is->note != NULL && *is->note != '\0')
		buf_printf(&b, "%s%s", b.len > 0 ? ". " : "", is->note);
	/* Only a done or skipped item was confirmed by its mark. */
	if (is->marked != 0 && is->status == STATUS_DONE)
		buf_printf(&b, _("%s(confirmed %s)"), b.len > 0 ? " " : "",
		    report_time(is->marked, t, sizeof t));
	else if (is->marked != 0 && is->status == STATUS_SKIPPED)
		buf_printf(&b, _("%s(skipped %s)"), b.len > 0 ? " " : "",
		    report_time(is->marked, t, sizeof t));
	else if (is->marked != 0)
		buf_printf(&b, _("%s(not confirmed; updated %s)"),
		    b.len > 0 ? " " : "", report_time(is->marked, t,
		    sizeof t));
	return b.data;
}

/* 4. Every stage's items with status, owner and notes. */
static void
report_section_stages(struct report *r)
{
	const char		*head[] = { _("Status"), _("Item"),
				    _("Severity"), _("Owner"), _("Notes") };
	const char		*row[5];
	const struct stage	*st;
	const struct item	*item;
	const struct item_state	*is;
	enum status		 status;
	char			*heading, *status_text, *notes;
	size_t			 i, j;

	report_heading(r, 1, _("H. Stage items"));
	for (i = 0; i < STAGE_COUNT; i++) {
		st = &r->cl->stages[i];
		heading = xprintf(_("Stage %d · %s (hours %d–%d)"), st->number,
		    st->name, st->hour_from, st->hour_to);
		report_heading(r, 2, heading);
		free(heading);
		report_para(r, st->goal, false);
		r->ops->table_begin(r, head, nitems(head));
		for (j = st->first; j < st->first + st->nitems; j++) {
			item = &r->cl->items[j];
			is = summary_state(r->s, item->id);
			status = summary_status(is);
			status_text = report_status(status);
			notes = report_notes(is);
			row[0] = status_text;
			row[1] = item->title;
			row[2] = severity_label(status_is_finding(status) ?
			    summary_severity(item, is) : item->severity);
			row[3] = is != NULL && is->owner != NULL ? is->owner :
			    "";
			row[4] = notes;
			r->ops->table_row(r, status_name(status), row, 5, 0);
			free(status_text);
			free(notes);
		}
		r->ops->table_end(r);
	}
}

/* One check's latest evidence, or "not checked". */
static void
report_evidence(struct report *r, const char *id)
{
	const struct item_state	*is = summary_state(r->s, id);
	char			*heading, t[64], *line;

	if (is == NULL || !is->has_latest) {
		heading = xprintf(_("%s — not checked"), report_title(r, id));
		report_heading(r, 3, heading);
		free(heading);
		return;
	}
	heading = xprintf("%s — %s", report_title(r, id),
	    status_label(is->latest.status));
	report_heading(r, 3, heading);
	free(heading);
	line = xprintf(_("%s (checked %s)"), report_or(is->latest.summary,
	    ""), report_time(is->latest.when, t, sizeof t));
	report_para(r, line, false);
	free(line);
	if (is->latest.nevidence > 0)
		r->ops->pre(r, is->latest.evidence, is->latest.nevidence);
	if (is->latest.dropped > 0) {
		line = xprintf(ngettext("(%zu more line not kept)",
		    "(%zu more lines not kept)", is->latest.dropped),
		    is->latest.dropped);
		report_para(r, line, false);
		free(line);
	}
}

/*
 * Whether item is a manual item that helps confirm one of g's checks (its
 * hint names one), or for the monitoring group, of the monitoring stage.
 */
bool
report_related(const struct item *item, const struct report_group *g)
{
	size_t	i;

	if (item->check != NULL)
		return false;
	if (g->stage != 0)
		return item->stage == g->stage;
	if (item->hint == NULL)
		return false;
	for (i = 0; g->checks[i] != NULL; i++) {
		if (strcmp(item->hint, g->checks[i]) == 0)
			return true;
	}
	return false;
}

/* The manual items related to a group: status, owner, note. */
static void
report_related_items(struct report *r, const struct report_group *g)
{
	const char		*head[] = { _("Status"), _("Confirmed by a "
				    "person"), _("Owner"), _("Notes") };
	const char		*row[4];
	const struct item_state	*is;
	char			*status_text, *notes;
	size_t			 i;
	bool			 any = false;

	for (i = 0; i < r->cl->nitems; i++) {
		if (!report_related(&r->cl->items[i], g))
			continue;
		if (!any)
			r->ops->table_begin(r, head, nitems(head));
		any = true;
		is = summary_state(r->s, r->cl->items[i].id);
		status_text = report_status(summary_status(is));
		notes = report_notes(is);
		row[0] = status_text;
		row[1] = r->cl->items[i].title;
		row[2] = is != NULL && is->owner != NULL ? is->owner :
		    _("no owner yet");
		row[3] = notes;
		r->ops->table_row(r, status_name(summary_status(is)), row, 4,
		    0);
		free(status_text);
		free(notes);
	}
	if (any)
		r->ops->table_end(r);
}

/* A section made of the latest evidence of a group's checks. */
static void
report_group(struct report *r, const struct report_group *g)
{
	size_t	i;

	report_heading(r, 2, _(g->heading));
	for (i = 0; g->checks[i] != NULL; i++)
		report_evidence(r, g->checks[i]);
	report_related_items(r, g);
}

/* 5. DNS map, redirect map, certificates. */
static void
report_section_maps(struct report *r)
{
	report_heading(r, 2, _("DNS, redirects and certificates"));
	report_group(r, &report_dns);
	report_group(r, &report_redirects);
	report_group(r, &report_certificates);
}

/* 6. Secrets and environment variables (names only, values redacted). */
static void
report_section_secrets(struct report *r)
{
	report_heading(r, 2, _("Secrets and environment variables"));
	report_para(r, _("Secret values are never written here: each "
	    "finding shows its rule, file and line, a redacted prefix and a "
	    "fingerprint. Environment variables are listed by name only."),
	    false);
	report_group(r, &report_secrets);
	report_group(r, &report_environment);
}

/*
 * Walks the handover through r->ops (Markdown, HTML): Part 1, the page
 * break, the appendices built from the results, the stage items, then
 * the full evidence.
 */
int
report_walk_handover(struct report *r, char **err)
{
	char	*title, *domain;

	domain = report_domain(r->s);
	if (r->s->client != NULL && *r->s->client != '\0')
		title = xprintf(_("Handover: %s — %s"), r->s->client, domain);
	else
		title = xprintf(_("Handover: %s"), domain);
	r->ops->begin(r, title);
	free(title);
	free(domain);
	if (r->ops->part_begin != NULL)
		r->ops->part_begin(r, "part1");
	handbook_part1(r);
	r->ops->part_end(r);
	if (r->ops->part_begin != NULL)
		r->ops->part_begin(r, "part2");
	report_heading(r, 1, _("Part 2 — Appendices"));
	handbook_appendices(r);
	report_section_stages(r);
	report_heading(r, 1, _("I. Full evidence"));
	report_section_summary(r);
	report_section_changed(r);
	report_section_maps(r);
	report_section_secrets(r);
	report_group(r, &report_monitoring);
	r->ops->part_end(r);
	r->ops->end(r);
	(void)err;
	return 0;
}

/* ---- an audit's results ------------------------------------------------- */

int
report_audit_stage(const struct report *r, const char *id)
{
	const struct item	*item = checklist_item(r->cl, id);

	return item != NULL ? item->stage : 0;
}

const char *
report_audit_fix(const struct report *r, const struct check_run *run)
{
	const struct item	*item;

	if (run->result.fix != NULL)
		return run->result.fix;
	item = checklist_item(r->cl, run->def->id);
	return item != NULL ? item->fix : "";
}

bool
report_audit_show_fix(const struct check_run *run)
{
	return status_is_finding(run->result.status);
}

void
report_audit_count(const struct report *r, size_t counts[STATUS_COUNT])
{
	size_t	i;

	memset(counts, 0, STATUS_COUNT * sizeof counts[0]);
	for (i = 0; i < r->audit->nruns; i++)
		counts[r->audit->runs[i]->result.status]++;
}

/*
 * Walks an audit's results through r->ops: the counts, one table row per
 * check, then a section for each finding or check with evidence.
 */
/* The comparison with --baseline: a heading and its text as a block. */
static void
report_audit_comparison(struct report *r, const struct comparison *cmp)
{
	struct buf	 b = { 0 };
	struct strlist	 lines = { 0 };
	char		*p, *nl;

	report_heading(r, 1, _("Since the baseline"));
	comparison_text(cmp, &b);
	for (p = b.data; p != NULL && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		if (*p != '\0')
			strlist_add(&lines, p);
	}
	r->ops->pre(r, lines.v, lines.n);
	strlist_clear(&lines);
	buf_free(&b);
}

int
report_walk_audit(struct report *r, char **err)
{
	const struct audit_results	*a = r->audit;
	const char			*head[] = { _("Status"),
					    _("Severity"), _("Check"),
					    _("Summary") }, *row[4];
	size_t				 i, counts[STATUS_COUNT];
	char				*line;

	line = xprintf(_("Audit of %s"), a->opt->domain_unicode);
	r->ops->begin(r, line);
	free(line);
	line = xprintf(_("launchready %s, %s to %s."), PACKAGE_VERSION,
	    time_iso(a->started), time_iso(a->finished));
	report_para(r, line, false);
	free(line);
	report_audit_count(r, counts);
	line = xprintf(_("%zu checks: %zu pass, %zu warn, %zu fail, %zu could "
	    "not decide."), a->nruns, counts[STATUS_PASS],
	    counts[STATUS_WARN], counts[STATUS_FAIL], counts[STATUS_ERROR]);
	report_para(r, line, false);
	free(line);
	r->ops->table_begin(r, head, nitems(head));
	for (i = 0; i < a->nruns; i++) {
		const struct result *res = &a->runs[i]->result;

		row[0] = status_name(res->status);
		row[1] = res->severity != SEVERITY_NONE ?
		    severity_name(res->severity) : "";
		row[2] = a->runs[i]->def->id;
		row[3] = res->summary != NULL ? res->summary : "";
		r->ops->table_row(r, NULL, row, 4, 1u << 2);
	}
	r->ops->table_end(r);
	for (i = 0; i < a->nruns; i++) {
		const struct check_run	*run = a->runs[i];
		const struct result	*res = &run->result;

		if (!status_is_finding(res->status) && res->nevidence == 0)
			continue;
		r->ops->heading_begin(r, 1);
		r->ops->text(r, report_title(r, run->def->id));
		r->ops->text(r, " (");
		r->ops->code(r, run->def->id);
		r->ops->text(r, ")");
		r->ops->heading_end(r, 1);
		r->ops->para_begin(r, false);
		r->ops->strong(r, status_name(res->status));
		if (res->severity != SEVERITY_NONE) {
			r->ops->text(r, ", ");
			r->ops->text(r, severity_name(res->severity));
		}
		r->ops->text(r, ": ");
		r->ops->text(r, res->summary != NULL ? res->summary : "");
		r->ops->para_end(r, false);
		if (res->nevidence > 0)
			r->ops->pre(r, res->evidence, res->nevidence);
		if (report_audit_show_fix(run)) {
			line = xprintf(_("Fix: %s"), report_audit_fix(r, run));
			report_para(r, line, false);
			free(line);
		}
	}
	if (a->comparison != NULL)
		report_audit_comparison(r, a->comparison);
	r->ops->end(r);
	(void)err;
	return 0;
}

/* ---- typed text ------------------------------------------------------- */

/*
 * The text of a step ("1. Build", "2) Test", "- Deploy", "* Check"): the
 * number (or 0 for a bullet) in *num and what follows the marker; NULL
 * when the line is not a step.
 */
const char *
report_step(const char *line, unsigned long *num)
{
	const char	*p = line;
	char		*end;

	while (*p == ' ' || *p == '\t')
		p++;
	*num = 0;
	if (*p >= '0' && *p <= '9') {
		*num = strtoul(p, &end, 10);
		if (end - p > 4 || (*end != '.' && *end != ')'))
			return NULL;
		p = end + 1;
	} else if (*p == '-' || *p == '*' || *p == '+')
		p++;
	else if (strncmp(p, "•", strlen("•")) == 0)
		p += strlen("•");
	else
		return NULL;
	if (*p != ' ' && *p != '\t')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p != '\0' ? p : NULL;
}

/* Whether every line of text with something on it is a step. */
bool
report_steps(const char *text)
{
	const char	*p = text, *nl;
	char		*line;
	unsigned long	 num;
	bool		 steps = true, any = false;

	while (steps && *p != '\0') {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, nl - p) : xstrdup(p);
		if (line[strspn(line, " \t\r")] != '\0') {
			any = true;
			steps = report_step(line, &num) != NULL;
		}
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return steps && any;
}

/* ---- the front door ----------------------------------------------------- */

void
report_heading(struct report *r, int level, const char *text)
{
	r->ops->heading_begin(r, level);
	r->ops->text(r, text);
	r->ops->heading_end(r, level);
}

void
report_para(struct report *r, const char *text, bool emphasis)
{
	r->ops->para_begin(r, emphasis);
	r->ops->text(r, text);
	r->ops->para_end(r, emphasis);
}

/* The backend of format, or NULL. */
static const struct report_backend *
report_backend(enum format format)
{
	size_t	i;

	for (i = 0; i < nitems(report_backends); i++) {
		if (report_backends[i]->format == format)
			return report_backends[i];
	}
	return NULL;
}

int
report_render(const struct session *s, const struct checklist *cl,
    enum format format, struct buf *b, char **err)
{
	const struct report_backend	*be = report_backend(format);
	struct report			 r = { .s = s, .cl = cl, .b = b };
	int				 rc;

	buf_puts(b, "");
	if (be == NULL || be->handover == NULL)
		return set_error(err, _("a report is written as md, html or "
		    "json"));
	r.ops = be->ops;
	r.generated = report_now();
	summary_count(s, cl, &r.sum);
	r.nfindings = summary_findings(s, cl, &r.findings);
	appendix_build(s, &r.app);
	rc = be->handover(&r, err);
	appendix_clear(&r.app);
	free(r.findings);
	return rc;
}

int
report_audit(const struct audit_results *a, enum format format,
    struct buf *b, char **err)
{
	const struct report_backend	*be = report_backend(format);
	struct report			 r = { .audit = a, .cl = a->cl, .b = b };

	buf_puts(b, "");
	if (be == NULL || be->audit == NULL)
		return set_error(err, _("audit results are written as text, "
		    "json, md or sarif"));
	r.ops = be->ops;
	r.generated = a->finished;
	return be->audit(&r, err);
}

int
report_write(const struct session *s, const struct checklist *cl,
    enum format format, FILE *f, char **err)
{
	struct buf	b = { 0 };
	int		rc;

	rc = report_render(s, cl, format, &b, err);
	if (rc == 0 && (fwrite(b.data, 1, b.len, f) != b.len ||
	    fflush(f) != 0 || ferror(f)))
		rc = set_error(err, _("cannot write the report: %s"),
		    strerror(errno));
	buf_free(&b);
	return rc;
}
