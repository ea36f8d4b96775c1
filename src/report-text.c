/*
 * report-text.c: the plain-text backend (`audit --format text`), for a
 * terminal: every piece of text a check brought back goes through
 * buf_text, so no control character, escape sequence or newline of a
 * header, record or file name reaches the terminal raw.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "json.h"

/* Appends an indented line of untrusted text. */
static void
text_line(struct buf *b, const char *indent, const char *s)
{
	buf_puts(b, indent);
	buf_text(b, s, 0);
	buf_puts(b, "\n");
}

/* One line per check, its summary, evidence and fix; then the counts. */
static int
text_audit(struct report *r, char **err)
{
	const struct audit_results	*a = r->audit;
	struct buf			*b = r->b;
	size_t				 i, j, counts[STATUS_COUNT];
	char				*line;
	struct summary			 sum = { 0 };
	struct buf			 verdict = { 0 };

	line = xprintf(_("launchready %s: audit of %s"), PACKAGE_VERSION,
	    a->opt->domain_unicode);
	buf_text(b, line, 0);
	free(line);
	if (strcmp(a->opt->domain, a->opt->domain_unicode) != 0)
		buf_printf(b, " (%s)", a->opt->domain);
	buf_printf(b, ", %s\n\n", time_iso(a->started));
	for (i = 0; i < a->nruns; i++) {
		const struct check_run	*run = a->runs[i];
		const struct result	*res = &run->result;

		buf_printf(b, "%s %-7s %-8s %-22s ",
		    status_glyph(res->status, a->utf8),
		    status_name(res->status),
		    res->severity != SEVERITY_NONE ?
		    severity_name(res->severity) : "", run->def->id);
		buf_text(b, report_title(r, run->def->id), 0);
		if (a->comparison != NULL)
			buf_printf(b, " [%s]", change_label(comparison_change(
			    a->comparison, run->def->id)));
		buf_puts(b, "\n");
		if (res->summary != NULL && *res->summary != '\0')
			text_line(b, "    ", res->summary);
		for (j = 0; j < res->nevidence; j++)
			text_line(b, "      ", res->evidence[j]);
		if (res->dropped > 0) {
			buf_puts(b, "      ");
			buf_printf(b, _("(%zu more lines not kept)"),
			    res->dropped);
			buf_puts(b, "\n");
		}
		if (report_audit_show_fix(run) &&
		    *report_audit_fix(r, run) != '\0') {
			struct buf fix = { 0 };

			buf_text(&fix, report_audit_fix(r, run), 0);
			buf_printf(b, _("    fix: %s\n"), fix.data);
			buf_free(&fix);
		}
	}
	report_audit_count(r, counts);
	buf_printf(b, ngettext("\n%zu check: %zu pass, %zu warn, %zu fail, "
	    "%zu could not decide (error)\n", "\n%zu checks: %zu pass, %zu "
	    "warn, %zu fail, %zu could not decide (error)\n", a->nruns),
	    a->nruns, counts[STATUS_PASS], counts[STATUS_WARN],
	    counts[STATUS_FAIL], counts[STATUS_ERROR]);
	/* The verdict in one sentence, as the handover says it. */
	for (i = 0; i < a->nruns; i++) {
		if (status_is_finding(a->runs[i]->result.status))
			sum.findings[a->runs[i]->result.severity]++;
	}
	sum.status[STATUS_ERROR] = counts[STATUS_ERROR];
	handbook_verdict(&sum, &verdict);
	buf_printf(b, "%s\n", verdict.data);
	buf_free(&verdict);
	if (a->comparison != NULL)
		comparison_text(a->comparison, b);
	(void)err;
	return 0;
}

const struct report_backend report_text_backend = {
	.name = "text",
	.format = FORMAT_TEXT,
	.audit = text_audit,
};
