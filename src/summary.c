/*
 * summary.c: the launch-risk summary in plain English and the top
 * blockers, shared by the handover report and the wizard's summary screen.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "launchready.h"

const struct item_state *
summary_state(const struct session *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nitems; i++) {
		if (strcmp(s->items[i].id, id) == 0)
			return &s->items[i];
	}
	return NULL;
}

enum status
summary_status(const struct item_state *is)
{
	return is != NULL ? is->status : STATUS_PENDING;
}

enum severity
summary_severity(const struct item *item, const struct item_state *is)
{
	if (is != NULL && is->has_latest &&
	    status_is_finding(is->latest.status) &&
	    is->latest.severity != SEVERITY_NONE)
		return is->latest.severity;
	return item->severity;
}

bool
summary_fixed(const struct item_state *is)
{
	return is != NULL && is->has_first && is->has_latest &&
	    status_is_finding(is->first.status) &&
	    is->latest.status == STATUS_PASS;
}

void
summary_add(struct summary *sum, const struct item *item,
    const struct item_state *is, enum status st)
{
	sum->total++;
	sum->status[st]++;
	if (session_settled(st))
		sum->settled++;
	if (status_is_finding(st))
		sum->findings[summary_severity(item, is)]++;
	if (item->check == NULL && st != STATUS_DONE && st != STATUS_SKIPPED)
		sum->manual_open++;
	if (item->check != NULL && (st == STATUS_PENDING ||
	    st == STATUS_RUNNING))
		sum->not_run++;
	if (summary_fixed(is))
		sum->fixed++;
}

void
summary_count(const struct session *s, const struct checklist *cl,
    struct summary *sum)
{
	const struct item_state	*is;
	size_t			 i;

	memset(sum, 0, sizeof *sum);
	for (i = 0; i < cl->nitems; i++) {
		is = summary_state(s, cl->items[i].id);
		summary_add(sum, &cl->items[i], is, summary_status(is));
	}
}

/* Most serious first: severity, then fail before warn, then order. */
static int
summary_finding_cmp(const void *a, const void *b)
{
	const struct finding	*x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->state->status != y->state->status)
		return x->state->status == STATUS_FAIL ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

size_t
summary_findings(const struct session *s, const struct checklist *cl,
    struct finding **out)
{
	const struct item_state	*is;
	struct finding		*v = NULL;
	size_t			 i, n = 0;

	for (i = 0; i < cl->nitems; i++) {
		is = summary_state(s, cl->items[i].id);
		if (is == NULL || !status_is_finding(is->status))
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].item = &cl->items[i];
		v[n].state = is;
		v[n].severity = summary_severity(&cl->items[i], is);
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, summary_finding_cmp);
	*out = v;
	return n;
}

size_t
summary_blockers(const struct session *s, const struct checklist *cl,
    struct finding *out, size_t max)
{
	struct finding	*v;
	size_t		 n, i, k = 0;

	n = summary_findings(s, cl, &v);
	for (i = 0; i < n && k < max; i++) {
		if (v[i].severity >= SEVERITY_HIGH)
			out[k++] = v[i];
	}
	free(v);
	return k;
}

const char *
summary_verdict(const struct summary *sum)
{
	if (sum->findings[SEVERITY_CRITICAL] > 0)
		return "not-ready";
	if (sum->findings[SEVERITY_HIGH] > 0)
		return "launch-with-care";
	if (sum->settled < sum->total)
		return "incomplete";
	return "ready";
}

/* Appends "“A”, “B” and 2 more" for up to three findings of severity. */
static void
summary_titles(struct buf *b, const struct finding *v, size_t n,
    enum severity sev)
{
	size_t	i, shown = 0, count = 0;

	for (i = 0; i < n; i++)
		count += v[i].severity == sev;
	for (i = 0; i < n && shown < 3; i++) {
		if (v[i].severity != sev)
			continue;
		if (shown > 0)
			buf_puts(b, shown + 1 == count ? _(" and ") : ", ");
		buf_printf(b, "“%s”", v[i].item->title);
		shown++;
	}
	if (count > shown)
		buf_printf(b, ngettext(" and %zu more", " and %zu more",
		    count - shown), count - shown);
}

void
summary_write(const struct session *s, const struct checklist *cl,
    struct buf *b)
{
	struct summary	 sum;
	struct finding	*v;
	size_t		 n, later;
	const char	*domain;

	summary_count(s, cl, &sum);
	n = summary_findings(s, cl, &v);
	domain = s->opt.domain_unicode != NULL ? s->opt.domain_unicode :
	    s->opt.domain != NULL ? s->opt.domain : _("the product");

	if (sum.findings[SEVERITY_CRITICAL] > 0) {
		buf_printf(b, ngettext("Not ready to launch yet: %s has %zu "
		    "critical problem that would hurt customers or the "
		    "business on launch day: ", "Not ready to launch yet: %s "
		    "has %zu critical problems that would hurt customers or "
		    "the business on launch day: ",
		    sum.findings[SEVERITY_CRITICAL]), domain,
		    sum.findings[SEVERITY_CRITICAL]);
		summary_titles(b, v, n, SEVERITY_CRITICAL);
		buf_puts(b, _(". Fix these first."));
		if (sum.findings[SEVERITY_HIGH] > 0) {
			buf_printf(b, ngettext(" %zu high-severity issue "
			    "should also be fixed before launch: ", " %zu "
			    "high-severity issues should also be fixed before "
			    "launch: ", sum.findings[SEVERITY_HIGH]),
			    sum.findings[SEVERITY_HIGH]);
			summary_titles(b, v, n, SEVERITY_HIGH);
			buf_puts(b, ".");
		}
	} else if (sum.findings[SEVERITY_HIGH] > 0) {
		buf_printf(b, ngettext("Launch with care: %s has no critical "
		    "problem left, but %zu high-severity issue should be "
		    "fixed before launch: ", "Launch with care: %s has no "
		    "critical problem left, but %zu high-severity issues "
		    "should be fixed before launch: ",
		    sum.findings[SEVERITY_HIGH]), domain,
		    sum.findings[SEVERITY_HIGH]);
		summary_titles(b, v, n, SEVERITY_HIGH);
		buf_puts(b, ".");
	} else if (sum.settled < sum.total) {
		buf_printf(b, _("No serious problem found so far for %s, but "
		    "the sprint is not finished: the launch is safe to "
		    "call only when every item is settled."), domain);
	} else {
		buf_printf(b, _("Ready to launch: every check on %s passes "
		    "and every manual item is confirmed or set aside with a "
		    "reason."), domain);
	}

	later = sum.findings[SEVERITY_MEDIUM] + sum.findings[SEVERITY_INFO] +
	    sum.findings[SEVERITY_NONE];
	if (later > 0)
		buf_printf(b, ngettext(" %zu lesser finding (medium or info) "
		    "can wait until after launch.", " %zu lesser findings "
		    "(medium or info) can wait until after launch.", later),
		    later);
	if (sum.status[STATUS_ERROR] > 0)
		buf_printf(b, ngettext(" %zu check could not be run, so it "
		    "is not counted as passing.", " %zu checks could not be "
		    "run, so they are not counted as passing.",
		    sum.status[STATUS_ERROR]), sum.status[STATUS_ERROR]);
	if (sum.not_run > 0)
		buf_printf(b, ngettext(" %zu check has not run yet.",
		    " %zu checks have not run yet.", sum.not_run), sum.not_run);
	if (sum.manual_open > 0)
		buf_printf(b, ngettext(" %zu manual item is still to be "
		    "confirmed by a person.", " %zu manual items are still "
		    "to be confirmed by a person.", sum.manual_open),
		    sum.manual_open);
	buf_printf(b, _(" Progress: %zu of %zu items settled"), sum.settled,
	    sum.total);
	if (sum.fixed > 0)
		buf_printf(b, ngettext("; %zu problem was fixed during the "
		    "sprint.", "; %zu problems were fixed during the sprint.",
		    sum.fixed), sum.fixed);
	else
		buf_puts(b, ".");
	free(v);
}
