/*
 * report-md.c: the Markdown backend. Every piece of untrusted text goes
 * through buf_text (TEXT_MD): controls shown escaped, metacharacters
 * escaped; code spans and fences are longer than any run of backquotes
 * inside them, so nothing a check quotes can close them.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Whether c is an ASCII letter or digit. */
static bool
md_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/*
 * Whether the metacharacter at s (prev before it) is plain text where it
 * stands, so that no backslash is written a reader would see: ">" and
 * "#" inside a line ("a -> b", "#alerts"), "_" inside a word
 * (snake_case), "<" not opening a tag, a lone "~"; a ">" after a "<"
 * stays escaped.
 */
static bool
md_plain(const char *s, char prev, bool lt)
{
	switch (*s) {
	case '>':
		/* After a "<" it may close a tag: escaped, as the "<". */
		return !lt;
	case '#':
		return true;
	case '_':
		return md_alnum(prev) && md_alnum(s[1]);
	case '<':
		return !md_alnum(s[1]) && s[1] != '/' && s[1] != '!' &&
		    s[1] != '?';
	case '~':
		return prev != '~' && s[1] != '~';
	default:
		return false;
	}
}

/* Appends s through the sanitiser, leaving plain metacharacters be. */
static void
md_inline(struct report *r, const char *s)
{
	const char	*run = s, *p;
	char		*seg, prev = ' ';
	bool		 lt = false;

	for (p = s; *p != '\0'; prev = *p, p++) {
		lt = lt || *p == '<';
		if (!md_plain(p, prev, lt))
			continue;
		seg = xstrndup(run, (size_t)(p - run));
		buf_text(r->b, seg, TEXT_MD);
		free(seg);
		buf_add(r->b, p, 1);
		run = p + 1;
	}
	buf_text(r->b, run, TEXT_MD);
}

/*
 * Appends inline text, escaped. At the start of a block, what would make
 * the line a list, a heading, a quote or indented code is escaped too.
 */
static void
md_text(struct report *r, const char *s)
{
	size_t	digits;

	if (r->bol) {
		r->bol = false;
		while (*s == ' ' || *s == '\t')
			s++;
		digits = strspn(s, "0123456789");
		if (*s == '-' || *s == '+' || *s == '=') {
			buf_add(r->b, "\\", 1);
			buf_add(r->b, s++, 1);
		} else if (digits > 0 && (s[digits] == '.' ||
		    s[digits] == ')')) {
			buf_add(r->b, s, digits);
			buf_add(r->b, "\\", 1);
			buf_add(r->b, s + digits, 1);
			s += digits + 1;
		} else if (*s == '#' || *s == '>') {
			buf_add(r->b, "\\", 1);
			buf_add(r->b, s++, 1);
		}
	}
	md_inline(r, s);
}

/* The longest run of backquotes in s. */
static size_t
md_backquotes(const char *s)
{
	size_t	run = 0, longest = 0;

	for (; *s != '\0'; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

static void
md_begin(struct report *r, const char *title)
{
	buf_puts(r->b, "# ");
	md_text(r, title);
	buf_puts(r->b, "\n\n");
}

static void
md_end(struct report *r)
{
	(void)r;
}

static void
md_heading_begin(struct report *r, int level)
{
	buf_printf(r->b, "%.*s ", level + 1, "#####");
}

static void
md_heading_end(struct report *r, int level)
{
	(void)level;
	buf_puts(r->b, "\n\n");
}

static void
md_para_begin(struct report *r, bool emphasis)
{
	if (emphasis)
		buf_puts(r->b, "**");
	else
		r->bol = true;
}

static void
md_para_end(struct report *r, bool emphasis)
{
	r->bol = false;
	buf_puts(r->b, emphasis ? "**\n\n" : "\n\n");
}

static void
md_inline_text(struct report *r, const char *s)
{
	md_text(r, s);
}

/* A code span: a fence of backquotes longer than any run inside. */
static void
md_code(struct report *r, const char *s)
{
	struct buf	 t = { 0 };
	size_t		 i, fence = md_backquotes(s) + 1;
	bool		 pad;
	const char	*p;

	r->bol = false;
	buf_text(&t, s, 0);
	buf_puts(&t, "");
	pad = t.len == 0 || t.data[0] == '`' || t.data[t.len - 1] == '`';
	for (i = 0; i < fence; i++)
		buf_add(r->b, "`", 1);
	if (pad)
		buf_add(r->b, " ", 1);
	for (p = t.data; *p != '\0'; p++) {
		/* In a table cell a pipe ends the cell, even in code. */
		if (*p == '|' && r->table)
			buf_add(r->b, "\\", 1);
		buf_add(r->b, p, 1);
	}
	if (pad)
		buf_add(r->b, " ", 1);
	for (i = 0; i < fence; i++)
		buf_add(r->b, "`", 1);
	buf_free(&t);
}

static void
md_strong(struct report *r, const char *s)
{
	r->bol = false;
	buf_puts(r->b, "**");
	md_text(r, s);
	buf_puts(r->b, "**");
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
	bool		 list = report_steps(text);

	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = nl != NULL ? xstrndup(p, nl - p) : xstrdup(p);
		if (list && (step = report_step(line, &num)) != NULL) {
			if (num > 0)
				buf_printf(r->b, "%lu. ", num);
			else
				buf_puts(r->b, "- ");
			md_text(r, step);
			buf_puts(r->b, "\n");
		} else if (!list && line[strspn(line, " \t\r")] != '\0') {
			r->bol = true;
			md_text(r, line);
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
	size_t	i, run, longest = 0;

	/* A fence longer than any run of backquotes in the lines. */
	for (i = 0; i < n; i++) {
		run = md_backquotes(lines[i]);
		if (run > longest)
			longest = run;
	}
	longest = longest < 3 ? 3 : longest + 1;
	for (i = 0; i < longest; i++)
		buf_puts(r->b, "`");
	buf_puts(r->b, "\n");
	for (i = 0; i < n; i++) {
		/* Verbatim inside the fence: only controls are escaped. */
		buf_text(r->b, lines[i], 0);
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
		md_text(r, lead);
		buf_puts(r->b, "**");
		if (text != NULL)
			buf_puts(r->b, " ");
	}
	if (text != NULL)
		md_text(r, text);
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

	r->table = true;
	buf_puts(r->b, "|");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, " ");
		md_text(r, head[i]);
		buf_puts(r->b, " |");
	}
	buf_puts(r->b, "\n|");
	for (i = 0; i < n; i++)
		buf_puts(r->b, "---|");
	buf_puts(r->b, "\n");
}

static void
md_table_row(struct report *r, const char *class, const char **cells,
    size_t n, unsigned code)
{
	size_t	i;

	(void)class;
	buf_puts(r->b, "|");
	for (i = 0; i < n; i++) {
		buf_puts(r->b, " ");
		if (code & (1u << i))
			md_code(r, cells[i] != NULL ? cells[i] : "");
		else
			md_text(r, cells[i] != NULL ? cells[i] : "");
		buf_puts(r->b, " |");
	}
	buf_puts(r->b, "\n");
}

static void
md_table_end(struct report *r)
{
	r->table = false;
	buf_puts(r->b, "\n");
}

/* The end of a part: a thematic break (Part 2 follows it). */
static void
md_part_end(struct report *r)
{
	buf_puts(r->b, "* * *\n\n");
	r->bol = true;
}

static const struct report_ops md_ops = {
	.begin = md_begin,
	.end = md_end,
	.heading_begin = md_heading_begin,
	.heading_end = md_heading_end,
	.para_begin = md_para_begin,
	.para_end = md_para_end,
	.text = md_inline_text,
	.code = md_code,
	.strong = md_strong,
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

const struct report_backend report_md_backend = {
	.name = "md",
	.format = FORMAT_MD,
	.ops = &md_ops,
	.handover = report_walk_handover,
	.audit = report_walk_audit,
};
