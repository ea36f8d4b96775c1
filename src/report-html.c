/*
 * report-html.c: the HTML backend: one self-contained printable file, no
 * external resource of any kind, every piece of text escaped.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

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
".part2{break-before:page;page-break-before:always}\n"
"@page{size:A4;margin:11mm 12mm}\n"
"@media print{body{margin:0;max-width:none;font-size:10pt;line-height:1.3}"
"h2{page-break-after:avoid}h3,h4{page-break-after:avoid}"
"table,pre{page-break-inside:avoid}"
"pre{white-space:pre-wrap}.summary{background:none}"
".part1{font-size:8.4pt;line-height:1.22}"
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
html_heading_begin(struct report *r, int level)
{
	buf_printf(r->b, "<h%d>", level + 1);
}

static void
html_heading_end(struct report *r, int level)
{
	buf_printf(r->b, "</h%d>\n", level + 1);
}

static void
html_para_begin(struct report *r, bool emphasis)
{
	buf_puts(r->b, emphasis ? "<p class=\"summary\">" : "<p>");
}

static void
html_para_end(struct report *r, bool emphasis)
{
	(void)emphasis;
	buf_puts(r->b, "</p>\n");
}

static void
html_text(struct report *r, const char *s)
{
	buf_html(r->b, s);
}

static void
html_code(struct report *r, const char *s)
{
	buf_puts(r->b, "<code>");
	buf_html(r->b, s);
	buf_puts(r->b, "</code>");
}

static void
html_strong(struct report *r, const char *s)
{
	buf_puts(r->b, "<strong>");
	buf_html(r->b, s);
	buf_puts(r->b, "</strong>");
}

/*
 * Text of several lines, read as the Markdown backend reads it: steps
 * become a list (numbered when typed so), other text keeps its breaks.
 */
static void
html_block(struct report *r, const char *text)
{
	const char	*p = text, *nl, *step;
	char		*line;
	size_t		 end = strlen(text);
	unsigned long	 num, first = 0;
	bool		 list = report_steps(text), any = false;

	/* Trailing empty lines add nothing. */
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	if (list) {
		(void)report_step(text + strspn(text, " \t\r\n"), &first);
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
		if (list && (step = report_step(line, &num)) != NULL) {
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
    size_t n, unsigned code)
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
		if (code & (1u << i))
			html_code(r, cells[i] != NULL ? cells[i] : "");
		else
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

static const struct report_ops html_ops = {
	.begin = html_begin,
	.end = html_end,
	.heading_begin = html_heading_begin,
	.heading_end = html_heading_end,
	.para_begin = html_para_begin,
	.para_end = html_para_end,
	.text = html_text,
	.code = html_code,
	.strong = html_strong,
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

/* Handover only: `audit` offers no HTML. */
const struct report_backend report_html_backend = {
	.name = "html",
	.format = FORMAT_HTML,
	.ops = &html_ops,
	.handover = report_walk_handover,
};
