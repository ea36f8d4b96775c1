/*
 * report.c: the handover checklist of a session, in Markdown, one
 * self-contained printable HTML file, or JSON. Markdown and HTML share one
 * walk over the sections through a small table of writers; JSON has its
 * own, stable shape (documented in README.md).
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "launchready.h"
#include "report.h"

/* A section built from the latest evidence of some checks. */
struct report_group {
	const char	*key;		/* JSON member */
	const char	*heading;	/* shown (translated) */
	const char	*empty;		/* said when none of them ran */
	const char	*checks[9];	/* NULL-terminated */
	int		 stage;		/* its manual items are related */
};

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

/* ---- Markdown ---------------------------------------------------------- */

/* Whether c is an ASCII letter or digit. */
static bool
md_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Appends inline text, escaping only what a CommonMark renderer would
 * take as markup there: emphasis and code marks, links, HTML tags, table
 * bars, entities, and a heading, quote or list marker at the start. So
 * "a -> b" and "#alerts" stay as typed, with no backslash to read.
 */
static void
md_text(struct buf *b, const char *s)
{
	const char	*start = s;
	char		 prev = ' ';

	s += strspn(s, " ");
	if (s != start)
		buf_add(b, start, s - start);
	if (*s == '#' || *s == '>' || ((*s == '-' || *s == '+' || *s == '=') &&
	    (s[1] == ' ' || s[1] == '\0' || s[1] == *s)))
		buf_add(b, "\\", 1);
	else if (md_alnum(*s)) {
		/* "1. Build" at the start would become a numbered list. */
		const char *d = s + strspn(s, "0123456789");

		if (d != s && (*d == '.' || *d == ')') && (d[1] == ' ' ||
		    d[1] == '\0')) {
			buf_add(b, s, d - s);
			buf_add(b, "\\", 1);
			s = d;
		}
	}
	for (; *s != '\0'; prev = *s, s++) {
		switch (*s) {
		case '\\':
			/* Only before punctuation is a backslash an escape. */
			if (s[1] != '\0' && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
			    s[1]) != NULL)
				buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '_':
			/* Inside a word (snake_case) it is no emphasis. */
			if (!md_alnum(prev) || !md_alnum(s[1]))
				buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '<':
			if (md_alnum(s[1]) || s[1] == '/' || s[1] == '!' ||
			    s[1] == '?')
				buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '&':
			if (md_alnum(s[1]) || s[1] == '#')
				buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '~':
			if (s[1] == '~' || prev == '~')
				buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '`': case '*': case '[': case ']': case '|':
			buf_add(b, "\\", 1);
			buf_add(b, s, 1);
			break;
		case '\n':
		case '\r':
		case '\t':
			buf_add(b, " ", 1);
			break;
		default:
			buf_add(b, s, 1);
			break;
		}
	}
}

static void
md_begin(struct report *r, const char *title)
{
	buf_puts(r->b, "# ");
	md_text(r->b, title);
	buf_puts(r->b, "\n\n");
}

static void
md_end(struct report *r)
{
	(void)r;
}

static void
md_heading(struct report *r, int level, const char *text)
{
	buf_printf(r->b, "%.*s ", level + 1, "#####");
	md_text(r->b, text);
	buf_puts(r->b, "\n\n");
}

static void
md_para(struct report *r, const char *text, bool emphasis)
{
	if (emphasis)
		buf_puts(r->b, "**");
	md_text(r->b, text);
	buf_puts(r->b, emphasis ? "**\n\n" : "\n\n");
}

/*
 * The text of a step ("1. Build", "2) Test", "- Deploy", "* Check"): the
 * number (or 0 for a bullet) in *num and what follows the marker; NULL
 * when the line is not a step.
 */
static const char *
md_step(const char *line, unsigned long *num)
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
static bool
md_steps(const char *text)
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
			steps = md_step(line, &num) != NULL;
		}
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return steps && any;
}

/*
 * Text of several lines: steps stay a list (numbered or not, as typed),
 * any other text one paragraph a line, so no renderer joins the lines.
 */
static void
md_block(struct report *r, const char *text)
{
	const char	*p = text, *nl, *step;
	char		*line;
	unsigned long	 num;
	bool		 list = md_steps(text);

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, nl - p) : xstrdup(p);
		if (list && (step = md_step(line, &num)) != NULL) {
			if (num > 0)
				buf_printf(r->b, "%lu. ", num);
			else
				buf_puts(r->b, "- ");
			md_text(r->b, step);
			buf_puts(r->b, "\n");
		} else if (!list && line[strspn(line, " \t\r")] != '\0') {
			md_text(r->b, line);
			buf_puts(r->b, "\n\n");
		}
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (list)
		buf_puts(r->b, "\n");
}

static void
md_pre(struct report *r, char **lines, size_t n)
{
	size_t		 i, run, longest = 0;
	const char	*p;

	/* A fence longer than any run of backquotes in the lines. */
	for (i = 0; i < n; i++) {
		for (p = lines[i], run = 0; *p != '\0'; p++) {
			run = *p == '`' ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
	}
	longest = longest < 3 ? 3 : longest + 1;
	for (i = 0; i < longest; i++)
		buf_puts(r->b, "`");
	buf_puts(r->b, "\n");
	for (i = 0; i < n; i++) {
		for (p = lines[i]; *p != '\0'; p++)
			buf_add(r->b, *p == '\n' || *p == '\r' ? " " : p, 1);
		buf_puts(r->b, "\n");
	}
	for (i = 0; i < longest; i++)
		buf_puts(r->b, "`");
	buf_puts(r->b, "\n\n");
}

static void
md_list_begin(struct report *r)
{
	(void)r;
}

static void
md_list_item(struct report *r, const char *lead, const char *text)
{
	buf_puts(r->b, "- ");
	if (lead != NULL) {
		buf_puts(r->b, "**");
		md_text(r->b, lead);
		buf_puts(r->b, "**");
		if (text != NULL)
			buf_puts(r->b, " ");
	}
	if (text != NULL)
		md_text(r->b, text);
	buf_puts(r->b, "\n");
}

static void
md_list_end(struct report *r)
{
	buf_puts(r->b, "\n");
}

static void
md_table_begin(struct report *r, const char **head, size_t n)
{
	size_t	i;

	buf_puts(r->b, "|");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, " ");
		md_text(r->b, head[i]);
		buf_puts(r->b, " |");
	}
	buf_puts(r->b, "\n|");
	for (i = 0; i < n; i++)
		buf_puts(r->b, "---|");
	buf_puts(r->b, "\n");
}

static void
md_table_row(struct report *r, const char *class, const char **cells,
    size_t n)
{
	size_t	i;

	(void)class;
	buf_puts(r->b, "|");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, " ");
		md_text(r->b, cells[i] != NULL ? cells[i] : "");
		buf_puts(r->b, " |");
	}
	buf_puts(r->b, "\n");
}

static void
md_table_end(struct report *r)
{
	buf_puts(r->b, "\n");
}

/* The end of a part: a thematic break (Part 2 starts after it). */
static void
md_part_end(struct report *r)
{
	buf_puts(r->b, "* * *\n\n");
}

static const struct report_ops report_md = {
	.begin = md_begin,
	.end = md_end,
	.heading = md_heading,
	.para = md_para,
	.block = md_block,
	.pre = md_pre,
	.list_begin = md_list_begin,
	.list_item = md_list_item,
	.list_end = md_list_end,
	.table_begin = md_table_begin,
	.table_row = md_table_row,
	.table_end = md_table_end,
	.part_end = md_part_end,
};

/* ---- HTML -------------------------------------------------------------- */

/* Inline style: no external resource of any kind, printable. */
static const char html_style[] =
"body{font:15px/1.45 -apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;"
"color:#1d2330;max-width:60em;margin:2em auto;padding:0 1.2em}\n"
"h1{font-size:1.7em;border-bottom:3px solid #1d2330;padding-bottom:.2em}\n"
"h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #c8ccd4}\n"
"h3{font-size:1.1em;margin-top:1.5em}\n"
"h4{font-size:1em;margin:1.2em 0 .3em}\n"
"table{border-collapse:collapse;width:100%;margin:.5em 0 1em}\n"
"th,td{border:1px solid #c8ccd4;padding:.3em .5em;text-align:left;"
"vertical-align:top}\n"
"th{background:#eef0f4}\n"
"tr.pass td:first-child,tr.done td:first-child{color:#17733a}\n"
"tr.fail td:first-child{color:#b3261e;font-weight:bold}\n"
"tr.warn td:first-child{color:#9a6700;font-weight:bold}\n"
"tr.error td:first-child{color:#6b3fa0}\n"
"tr.skipped td:first-child,tr.pending td:first-child{color:#6a7280}\n"
"pre{background:#f5f6f8;border:1px solid #dde0e6;padding:.6em;"
"white-space:pre-wrap;word-break:break-all;font-size:.85em}\n"
".summary{font-size:1.05em;background:#fff8e6;border-left:4px solid "
"#d98e04;padding:.6em .9em}\n"
"footer{margin-top:3em;color:#6a7280;font-size:.85em}\n"
".part1 h2{font-size:1.15em;margin:1.1em 0 .3em}\n"
".part1 h3{font-size:1em;margin:.7em 0 .2em}\n"
".meta{color:#4a5262}\n"
".part2{break-before:page;page-break-before:always}\n"
"@page{size:A4;margin:11mm 12mm}\n"
"@media print{body{margin:0;max-width:none;font-size:10pt;line-height:1.3}"
"h2{page-break-after:avoid}h3,h4{page-break-after:avoid}"
"table,pre{page-break-inside:avoid}"
"pre{white-space:pre-wrap}.summary{background:none}"
".part1{font-size:8.4pt;line-height:1.22}"
".part1 h1{font-size:1.5em;margin:0 0 .2em}"
".part1 h2{font-size:1.12em;margin:.55em 0 .15em}"
".part1 h3{font-size:1em;margin:.35em 0 .1em}"
".part1 p{margin:.15em 0}.part1 table{margin:.15em 0 .3em}"
".part1 th,.part1 td{padding:.1em .35em}"
".part1 ul,.part1 ol{margin:.1em 0;padding-left:1.3em}"
".part1 ul{columns:2;column-gap:1.6em}"
".part1 li{break-inside:avoid}}\n";

static void
html_begin(struct report *r, const char *title)
{
	buf_puts(r->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_html(r->b, title);
	buf_puts(r->b, "</title>\n<style>\n");
	buf_puts(r->b, html_style);
	buf_puts(r->b, "</style>\n</head>\n<body>\n<h1>");
	buf_html(r->b, title);
	buf_puts(r->b, "</h1>\n");
}

static void
html_end(struct report *r)
{
	buf_printf(r->b, "<footer>launchready %s</footer>\n</body>\n</html>\n",
	    PACKAGE_VERSION);
}

static void
html_heading(struct report *r, int level, const char *text)
{
	buf_printf(r->b, "<h%d>", level + 1);
	buf_html(r->b, text);
	buf_printf(r->b, "</h%d>\n", level + 1);
}

static void
html_para(struct report *r, const char *text, bool emphasis)
{
	buf_puts(r->b, emphasis ? "<p class=\"summary\">" : "<p>");
	buf_html(r->b, text);
	buf_puts(r->b, "</p>\n");
}

/*
 * Text of several lines, as md_block reads it: steps become a list
 * (numbered when typed so), other text keeps its breaks as <br>.
 */
static void
html_block(struct report *r, const char *text)
{
	const char	*p = text, *nl, *step;
	char		*line;
	size_t		 end = strlen(text);
	unsigned long	 num, first = 0;
	bool		 list = md_steps(text), any = false;

	/* Trailing empty lines add nothing. */
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	if (list) {
		(void)md_step(text + strspn(text, " \t\r\n"), &first);
		if (first > 1)
			buf_printf(r->b, "<ol start=\"%lu\">\n", first);
		else
			buf_puts(r->b, first > 0 ? "<ol>\n" : "<ul>\n");
	} else
		buf_puts(r->b, "<p class=\"block\">");
	while (p < text + end) {
		nl = memchr(p, '\n', (size_t)(text + end - p));
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) :
		    (size_t)(text + end - p));
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (list && (step = md_step(line, &num)) != NULL) {
			buf_puts(r->b, "<li>");
			buf_html(r->b, step);
			buf_puts(r->b, "</li>\n");
		} else if (!list) {
			if (any)
				buf_puts(r->b, "<br>\n");
			buf_html(r->b, line);
			any = true;
		}
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (list)
		buf_puts(r->b, first > 0 ? "</ol>\n" : "</ul>\n");
	else
		buf_puts(r->b, "</p>\n");
}

static void
html_pre(struct report *r, char **lines, size_t n)
{
	size_t	i;

	buf_puts(r->b, "<pre>");
	for (i = 0; i < n; i++) {
		buf_html(r->b, lines[i]);
		buf_puts(r->b, "\n");
	}
	buf_puts(r->b, "</pre>\n");
}

static void
html_list_begin(struct report *r)
{
	buf_puts(r->b, "<ul>\n");
}

static void
html_list_item(struct report *r, const char *lead, const char *text)
{
	buf_puts(r->b, "<li>");
	if (lead != NULL) {
		buf_puts(r->b, "<strong>");
		buf_html(r->b, lead);
		buf_puts(r->b, "</strong>");
		if (text != NULL)
			buf_puts(r->b, " ");
	}
	if (text != NULL)
		buf_html(r->b, text);
	buf_puts(r->b, "</li>\n");
}

static void
html_list_end(struct report *r)
{
	buf_puts(r->b, "</ul>\n");
}

static void
html_table_begin(struct report *r, const char **head, size_t n)
{
	size_t	i;

	buf_puts(r->b, "<table>\n<tr>");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, "<th>");
		buf_html(r->b, head[i]);
		buf_puts(r->b, "</th>");
	}
	buf_puts(r->b, "</tr>\n");
}

static void
html_table_row(struct report *r, const char *class, const char **cells,
    size_t n)
{
	size_t	i;

	if (class != NULL) {
		buf_puts(r->b, "<tr class=\"");
		buf_html(r->b, class);
		buf_puts(r->b, "\">");
	} else
		buf_puts(r->b, "<tr>");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, "<td>");
		buf_html(r->b, cells[i] != NULL ? cells[i] : "");
		buf_puts(r->b, "</td>");
	}
	buf_puts(r->b, "</tr>\n");
}

static void
html_table_end(struct report *r)
{
	buf_puts(r->b, "</table>\n");
}

static void
html_part_begin(struct report *r, const char *class)
{
	buf_puts(r->b, "<section class=\"");
	buf_html(r->b, class);
	buf_puts(r->b, "\">\n");
}

static void
html_part_end(struct report *r)
{
	buf_puts(r->b, "</section>\n");
}

static const struct report_ops report_html = {
	.begin = html_begin,
	.end = html_end,
	.heading = html_heading,
	.para = html_para,
	.block = html_block,
	.pre = html_pre,
	.list_begin = html_list_begin,
	.list_item = html_list_item,
	.list_end = html_list_end,
	.table_begin = html_table_begin,
	.table_row = html_table_row,
	.table_end = html_table_end,
	.part_begin = html_part_begin,
	.part_end = html_part_end,
};

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
	r->ops->table_row(r, NULL, (const char **)cells, nitems(head));
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

	r->ops->heading(r, 2, _("Launch-risk summary and audit list"));
	summary_write(r->s, r->cl, &text);
	r->ops->para(r, text.data, true);
	buf_free(&text);

	report_counts(r);
	r->ops->heading(r, 2, _("Audit list by severity"));
	if (r->nfindings == 0)
		r->ops->para(r, _("No open findings."), false);
	for (sev = SEVERITY_CRITICAL; sev >= SEVERITY_NONE; sev--) {
		for (i = 0, count = 0; i < r->nfindings; i++)
			count += r->findings[i].severity == (enum severity)sev;
		if (count == 0)
			continue;
		line = xprintf("%s (%zu)", _(report_severity_heading[sev]),
		    count);
		r->ops->heading(r, 3, line);
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
		r->ops->heading(r, 3, _("Could not be checked"));
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

	r->ops->heading(r, 2, _("What changed during the sprint, in detail"));
	for (i = 0; i < r->cl->nitems; i++) {
		item = &r->cl->items[i];
		is = summary_state(r->s, item->id);
		if (!summary_fixed(is))
			continue;
		if (!any) {
			r->ops->para(r, _("These problems were found at the "
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
		r->ops->para(r, _("Nothing that failed at the first check "
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
			r->ops->para(r, _("These passed at the first check and "
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

	r->ops->heading(r, 1, _("H. Stage items"));
	for (i = 0; i < STAGE_COUNT; i++) {
		st = &r->cl->stages[i];
		heading = xprintf(_("Stage %d · %s (hours %d–%d)"), st->number,
		    st->name, st->hour_from, st->hour_to);
		r->ops->heading(r, 2, heading);
		free(heading);
		r->ops->para(r, st->goal, false);
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
			r->ops->table_row(r, status_name(status), row, 5);
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
		r->ops->heading(r, 3, heading);
		free(heading);
		return;
	}
	heading = xprintf("%s — %s", report_title(r, id),
	    status_label(is->latest.status));
	r->ops->heading(r, 3, heading);
	free(heading);
	line = xprintf(_("%s (checked %s)"), report_or(is->latest.summary,
	    ""), report_time(is->latest.when, t, sizeof t));
	r->ops->para(r, line, false);
	free(line);
	if (is->latest.nevidence > 0)
		r->ops->pre(r, is->latest.evidence, is->latest.nevidence);
	if (is->latest.dropped > 0) {
		line = xprintf(ngettext("(%zu more line not kept)",
		    "(%zu more lines not kept)", is->latest.dropped),
		    is->latest.dropped);
		r->ops->para(r, line, false);
		free(line);
	}
}

/*
 * Whether item is a manual item that helps confirm one of g's checks (its
 * hint names one), or for the monitoring group, of the monitoring stage.
 */
static bool
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
		r->ops->table_row(r, status_name(summary_status(is)), row, 4);
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

	r->ops->heading(r, 2, _(g->heading));
	for (i = 0; g->checks[i] != NULL; i++)
		report_evidence(r, g->checks[i]);
	report_related_items(r, g);
}

/* 5. DNS map, redirect map, certificates. */
static void
report_section_maps(struct report *r)
{
	r->ops->heading(r, 2, _("DNS, redirects and certificates"));
	report_group(r, &report_dns);
	report_group(r, &report_redirects);
	report_group(r, &report_certificates);
}

/* 6. Secrets and environment variables (names only, values redacted). */
static void
report_section_secrets(struct report *r)
{
	r->ops->heading(r, 2, _("Secrets and environment variables"));
	r->ops->para(r, _("Secret values are never written here: each "
	    "finding shows its rule, file and line, a redacted prefix and a "
	    "fingerprint. Environment variables are listed by name only."),
	    false);
	report_group(r, &report_secrets);
	report_group(r, &report_environment);
}

/* Writes Markdown or HTML: Part 1, then the appendices and evidence. */
static void
report_document(struct report *r)
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
	r->ops->heading(r, 1, _("Part 2 — Appendices"));
	handbook_appendices(r);
	report_section_stages(r);
	r->ops->heading(r, 1, _("I. Full evidence"));
	report_section_summary(r);
	report_section_changed(r);
	report_section_maps(r);
	report_section_secrets(r);
	report_group(r, &report_monitoring);
	r->ops->part_end(r);
	r->ops->end(r);
}

/* ---- JSON -------------------------------------------------------------- */

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

static void
report_json(struct report *r)
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
	json_group(r, &report_dns);
	json_group(r, &report_redirects);
	json_group(r, &report_certificates);
	json_group(r, &report_secrets);
	json_group(r, &report_environment);
	json_group(r, &report_monitoring);

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
}

int
report_render(const struct session *s, const struct checklist *cl,
    enum format format, struct buf *b, char **err)
{
	struct report	r = { .s = s, .cl = cl, .b = b };
	int		rc = 0;

	buf_puts(b, "");
	r.generated = report_now();
	summary_count(s, cl, &r.sum);
	r.nfindings = summary_findings(s, cl, &r.findings);
	appendix_build(s, &r.app);
	switch (format) {
	case FORMAT_MD:
		r.ops = &report_md;
		report_document(&r);
		break;
	case FORMAT_HTML:
		r.ops = &report_html;
		report_document(&r);
		break;
	case FORMAT_JSON:
		report_json(&r);
		break;
	default:
		rc = set_error(err, _("a report is written as md, html or "
		    "json"));
		break;
	}
	appendix_clear(&r.app);
	free(r.findings);
	return rc;
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
