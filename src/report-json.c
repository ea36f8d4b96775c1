/*
 * report-json.c: the JSON backend: the handover report and an audit's
 * results, each in its own stable shape (documented in README.md).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "json.h"

/* "key": "value" or null. */
static void
json_member(struct buf *b, const char *key, const char *value)
{
	buf_json(b, key);
	buf_puts(b, ": ");
	if (value != NULL)
		buf_json(b, value);
	else
		buf_puts(b, "null");
}

/* "key": "2026-..." or null for 0. */
static void
json_time(struct buf *b, const char *key, time_t t)
{
	json_member(b, key, t != 0 ? time_iso(t) : NULL);
}

static void
json_strings(struct buf *b, char **v, size_t n)
{
	size_t	i;

	buf_puts(b, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(b, ", ");
		buf_json(b, v[i]);
	}
	buf_puts(b, "]");
}

static void
json_result(struct buf *b, const char *key, const struct result *res,
    bool has)
{
	buf_json(b, key);
	buf_puts(b, ": ");
	if (!has) {
		buf_puts(b, "null");
		return;
	}
	buf_puts(b, "{");
	json_member(b, "status", status_name(res->status));
	buf_puts(b, ", ");
	json_member(b, "severity", severity_name(res->severity));
	buf_puts(b, ", ");
	json_member(b, "summary", res->summary);
	buf_puts(b, ", \"evidence\": ");
	json_strings(b, res->evidence, res->nevidence);
	buf_printf(b, ", \"evidence_dropped\": %zu, ", res->dropped);
	json_member(b, "fix", res->fix);
	buf_printf(b, ", \"duration_ms\": %u, ", res->duration_ms);
	json_time(b, "checked", res->when);
	buf_puts(b, "}");
}

/* One item of the checklist with its state. */
static void
json_item(struct report *r, const struct item *item, const char *indent)
{
	const struct item_state	*is = summary_state(r->s, item->id);
	struct buf		*b = r->b;
	enum status		 st = summary_status(is);

	buf_printf(b, "%s{", indent);
	json_member(b, "id", item->id);
	buf_puts(b, ", ");
	json_member(b, "kind", item->check != NULL ? "check" : "manual");
	buf_printf(b, ", \"stage\": %d, ", item->stage);
	json_member(b, "title", item->title);
	buf_puts(b, ", ");
	json_member(b, "status", status_name(st));
	buf_puts(b, ", ");
	json_member(b, "severity", severity_name(status_is_finding(st) ?
	    summary_severity(item, is) : item->severity));
	buf_puts(b, ", ");
	json_member(b, "owner", is != NULL ? is->owner : NULL);
	buf_puts(b, ", ");
	json_member(b, "note", is != NULL ? is->note : NULL);
	buf_puts(b, ", ");
	json_member(b, "skip_reason", is != NULL && st == STATUS_SKIPPED ?
	    is->skip_reason : NULL);
	buf_puts(b, ", ");
	/* "marked": when a person confirmed (done) or skipped it; an owner
	   or a note alone is an "updated", not a confirmation. */
	json_time(b, "marked", is != NULL && (st == STATUS_DONE ||
	    st == STATUS_SKIPPED) ? is->marked : 0);
	buf_puts(b, ", ");
	json_time(b, "updated", is != NULL ? is->marked : 0);
	buf_printf(b, ", \"fixed_during_sprint\": %s,\n%s ",
	    summary_fixed(is) ? "true" : "false", indent);
	json_result(b, "first", is != NULL ? &is->first : NULL,
	    is != NULL && is->has_first);
	buf_printf(b, ",\n%s ", indent);
	json_result(b, "latest", is != NULL ? &is->latest : NULL,
	    is != NULL && is->has_latest);
	buf_puts(b, "}");
}

/* A group of checks' latest evidence, with the related manual items. */
static void
json_group(struct report *r, const struct report_group *g)
{
	const struct item_state	*is;
	struct buf		*b = r->b;
	size_t			 i, n = 0;

	buf_printf(b, ",\n \"%s\": {\"checks\": [", g->key);
	for (i = 0; g->checks[i] != NULL; i++) {
		is = summary_state(r->s, g->checks[i]);
		buf_puts(b, i > 0 ? ",\n  {" : "\n  {");
		json_member(b, "id", g->checks[i]);
		buf_puts(b, ", ");
		json_member(b, "title", report_title(r, g->checks[i]));
		buf_printf(b, ", \"checked\": %s, ", is != NULL &&
		    is->has_latest ? "true" : "false");
		json_member(b, "status", status_name(summary_status(is)));
		buf_puts(b, ", ");
		json_member(b, "summary", is != NULL && is->has_latest ?
		    is->latest.summary : NULL);
		buf_puts(b, ", \"evidence\": ");
		if (is != NULL && is->has_latest)
			json_strings(b, is->latest.evidence,
			    is->latest.nevidence);
		else
			buf_puts(b, "[]");
		buf_puts(b, ", ");
		json_time(b, "checked_at", is != NULL && is->has_latest ?
		    is->latest.when : 0);
		buf_puts(b, "}");
	}
	buf_puts(b, "],\n  \"confirmed_by\": [");
	for (i = 0; i < r->cl->nitems; i++) {
		if (!report_related(&r->cl->items[i], g))
			continue;
		buf_puts(b, n++ > 0 ? ",\n" : "\n");
		json_item(r, &r->cl->items[i], "   ");
	}
	buf_puts(b, "]}");
}

/* The handover's own stable shape (README.md). */
static int
json_handover(struct report *r, char **err)
{
	const struct session	*s = r->s;
	const struct handover	*h = &s->handover;
	struct buf		*b = r->b, text = { 0 };
	struct finding		*blockers;
	size_t			 i, j, n;
	int			 sev, hour;

	buf_puts(b, "{\"tool\": \"launchready\", ");
	json_member(b, "version", PACKAGE_VERSION);
	buf_puts(b, ", \"report\": \"handover\", \"format\": 1, ");
	json_time(b, "generated", r->generated);

	/* 1. The sprint. */
	buf_puts(b, ",\n \"sprint\": {");
	json_member(b, "session", s->name);
	buf_puts(b, ", ");
	json_member(b, "client", s->client);
	buf_puts(b, ", ");
	json_member(b, "consultant", s->consultant);
	buf_puts(b, ", ");
	json_member(b, "domain", s->opt.domain);
	buf_puts(b, ", ");
	json_member(b, "domain_unicode", s->opt.domain_unicode);
	buf_puts(b, ",\n  ");
	json_time(b, "created", s->created);
	buf_puts(b, ", ");
	json_time(b, "started", s->started);
	buf_puts(b, ", ");
	json_time(b, "saved", s->saved);
	buf_puts(b, ", ");
	json_time(b, "final_qa", h->final_qa);
	hour = session_hour(s, s->saved);
	buf_printf(b, ", \"hour_at_save\": %d, \"stage_at_save\": %d}", hour,
	    checklist_stage_at(r->cl, hour));

	/* 2. The summary and the audit list. */
	summary_write(s, r->cl, &text);
	buf_puts(b, ",\n \"summary\": {");
	json_member(b, "verdict", summary_verdict(&r->sum));
	buf_puts(b, ", ");
	json_member(b, "text", text.data);
	buf_free(&text);
	buf_printf(b, ",\n  \"settled\": %zu, \"total\": %zu, \"fixed\": %zu, "
	    "\"manual_open\": %zu, \"not_run\": %zu,\n  \"findings\": {",
	    r->sum.settled, r->sum.total, r->sum.fixed, r->sum.manual_open,
	    r->sum.not_run);
	for (sev = SEVERITY_CRITICAL, n = 0; sev >= SEVERITY_INFO; sev--)
		buf_printf(b, "%s\"%s\": %zu", n++ > 0 ? ", " : "",
		    severity_name(sev), r->sum.findings[sev]);
	buf_puts(b, "}, \"statuses\": {");
	for (i = 0; i < STATUS_COUNT; i++)
		buf_printf(b, "%s\"%s\": %zu", i > 0 ? ", " : "",
		    status_name(i), r->sum.status[i]);
	/* Every open critical and high finding, as the summary screen. */
	buf_puts(b, "},\n  \"blockers\": [");
	blockers = xcalloc(r->nfindings + 1, sizeof *blockers);
	n = summary_blockers(s, r->cl, blockers, r->nfindings);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(b, ", ");
		buf_json(b, blockers[i].item->id);
	}
	free(blockers);
	buf_puts(b, "]},\n \"findings\": [");
	for (i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];

		buf_puts(b, i > 0 ? ",\n  {" : "\n  {");
		json_member(b, "id", f->item->id);
		buf_printf(b, ", \"stage\": %d, ", f->item->stage);
		json_member(b, "title", f->item->title);
		buf_puts(b, ", ");
		json_member(b, "status", status_name(f->state->status));
		buf_puts(b, ", ");
		json_member(b, "severity", severity_name(f->severity));
		buf_puts(b, ", ");
		json_member(b, "summary", f->state->has_latest ?
		    f->state->latest.summary : NULL);
		buf_puts(b, ", ");
		json_member(b, "fix", f->state->has_latest &&
		    f->state->latest.fix != NULL ? f->state->latest.fix :
		    f->item->fix);
		buf_puts(b, "}");
	}

	/* Errors are no findings and never passes. */
	buf_puts(b, "],\n \"could_not_check\": [");
	for (i = 0, n = 0; i < r->cl->nitems; i++) {
		const struct item_state *is;

		is = summary_state(s, r->cl->items[i].id);
		if (summary_status(is) != STATUS_ERROR)
			continue;
		buf_puts(b, n++ > 0 ? ",\n  {" : "\n  {");
		json_member(b, "id", r->cl->items[i].id);
		buf_puts(b, ", ");
		json_member(b, "title", r->cl->items[i].title);
		buf_puts(b, ", ");
		json_member(b, "summary", is->has_latest ?
		    is->latest.summary : NULL);
		buf_puts(b, "}");
	}

	/* 3. What changed. */
	buf_puts(b, "],\n \"changed\": [");
	for (i = 0, n = 0; i < r->cl->nitems; i++) {
		const struct item_state *is;

		is = summary_state(s, r->cl->items[i].id);
		if (!summary_fixed(is))
			continue;
		buf_puts(b, n++ > 0 ? ",\n  {" : "\n  {");
		json_member(b, "id", r->cl->items[i].id);
		buf_puts(b, ", ");
		json_member(b, "title", r->cl->items[i].title);
		buf_puts(b, ", ");
		json_member(b, "was", is->first.summary);
		buf_puts(b, ", ");
		json_member(b, "was_status", status_name(is->first.status));
		buf_puts(b, ", ");
		json_time(b, "was_checked", is->first.when);
		buf_puts(b, ", ");
		json_member(b, "now", is->latest.summary);
		buf_puts(b, ", ");
		json_time(b, "now_checked", is->latest.when);
		buf_puts(b, "}");
	}

	/* 4. Every stage's items. */
	buf_puts(b, "],\n \"stages\": [");
	for (i = 0; i < STAGE_COUNT; i++) {
		const struct stage *st = &r->cl->stages[i];

		buf_printf(b, "%s\n  {\"number\": %d, ", i > 0 ? "," : "",
		    st->number);
		json_member(b, "name", st->name);
		buf_printf(b, ", \"hours\": [%d, %d], ", st->hour_from,
		    st->hour_to);
		json_member(b, "goal", st->goal);
		buf_puts(b, ", \"items\": [");
		for (j = st->first; j < st->first + st->nitems; j++) {
			buf_puts(b, j > st->first ? ",\n" : "\n");
			json_item(r, &r->cl->items[j], "   ");
		}
		buf_puts(b, "]}");
	}
	buf_puts(b, "]");

	/* 5 and 6. Maps, certificates, secrets, environment. */
	for (i = 0; report_groups[i] != NULL; i++)
		json_group(r, report_groups[i]);

	/* 7 and 8. The handover data. */
	buf_puts(b, ",\n \"access\": [");
	for (i = 0; i < h->naccess; i++) {
		buf_puts(b, i > 0 ? ",\n  {" : "\n  {");
		json_member(b, "account", h->access[i].account);
		buf_puts(b, ", ");
		json_member(b, "provider", h->access[i].provider);
		buf_puts(b, ", ");
		json_member(b, "owner", h->access[i].owner);
		buf_puts(b, ", ");
		json_member(b, "where", h->access[i].where);
		buf_puts(b, "}");
	}
	buf_puts(b, "],\n ");
	json_member(b, "deploy_steps", h->deploy_steps);
	buf_puts(b, ",\n ");
	json_member(b, "rollback", h->rollback);
	buf_puts(b, ",\n ");
	json_member(b, "monitoring", h->monitoring);
	buf_puts(b, ",\n ");
	json_member(b, "open_risks", h->open_risks);
	handbook_json(r);
	buf_puts(b, "}\n");
	(void)err;
	return 0;
}

/* An audit's results: the shape of SPEC.md (README.md). */
static int
json_audit(struct report *r, char **err)
{
	const struct audit_results	*a = r->audit;
	const struct options		*opt = a->opt;
	struct buf			*b = r->b;
	size_t				 i, j;

	buf_puts(b, "{\"tool\": \"launchready\", \"version\": ");
	buf_json(b, PACKAGE_VERSION);
	buf_puts(b, ", \"domain\": ");
	buf_json(b, opt->domain);
	if (strcmp(opt->domain, opt->domain_unicode) != 0) {
		buf_puts(b, ", \"domain_unicode\": ");
		buf_json(b, opt->domain_unicode);
	}
	buf_puts(b, ",\n \"started\": ");
	buf_json(b, time_iso(a->started));
	buf_puts(b, ", \"finished\": ");
	buf_json(b, time_iso(a->finished));
	buf_puts(b, ",\n \"checks\": [");
	for (i = 0; i < a->nruns; i++) {
		const struct check_run	*run = a->runs[i];
		const struct result	*res = &run->result;

		buf_puts(b, i == 0 ? "\n  " : ",\n  ");
		buf_puts(b, "{\"id\": ");
		buf_json(b, run->def->id);
		buf_printf(b, ", \"stage\": %d, \"status\": ",
		    report_audit_stage(r, run->def->id));
		buf_json(b, status_name(res->status));
		buf_puts(b, ", \"severity\": ");
		buf_json(b, severity_name(res->severity));
		buf_puts(b, ", \"title\": ");
		buf_json(b, report_title(r, run->def->id));
		buf_puts(b, ",\n   \"summary\": ");
		buf_json(b, res->summary != NULL ? res->summary : "");
		buf_puts(b, ",\n   \"evidence\": [");
		for (j = 0; j < res->nevidence; j++) {
			if (j > 0)
				buf_puts(b, ", ");
			buf_json(b, res->evidence[j]);
		}
		if (res->dropped > 0) {
			char *more = xprintf(_("(%zu more lines not kept)"),
			    res->dropped);

			buf_puts(b, res->nevidence > 0 ? ", " : "");
			buf_json(b, more);
			free(more);
		}
		buf_puts(b, "],\n   \"fix\": ");
		buf_json(b, report_audit_show_fix(run) ?
		    report_audit_fix(r, run) : "");
		buf_printf(b, ", \"duration_ms\": %u", res->duration_ms);
		if (a->comparison != NULL) {
			buf_puts(b, ", \"change\": ");
			buf_json(b, change_name(comparison_change(
			    a->comparison, run->def->id)));
		}
		buf_puts(b, "}");
	}
	buf_puts(b, "\n ]");
	if (a->comparison != NULL) {
		buf_puts(b, ",\n \"baseline\": ");
		comparison_json(a->comparison, b);
	}
	buf_puts(b, "}\n");
	(void)err;
	return 0;
}

const struct report_backend report_json_backend = {
	.name = "json",
	.format = FORMAT_JSON,
	.handover = json_handover,
	.audit = json_audit,
};
