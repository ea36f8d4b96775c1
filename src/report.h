/*
 * report.h: between the report front end (report.c: what a handover and an
 * audit say, walked once for every document format) and the backends that
 * write each format (report-md.c, report-html.c, report-json.c,
 * report-text.c, sarif.c). Only those files include it.
 *
 * A backend is a named-field struct report_backend. A document format
 * (Markdown, HTML) gives element writers (struct report_ops) and lets the
 * front end's walks (report_walk_handover, report_walk_audit) drive them;
 * a format with a shape of its own (JSON, text, SARIF) writes the whole
 * output itself.
 */
#ifndef REPORT_H
#define REPORT_H

#include "engine.h"

/* What is being written, and where. */
struct report {
	const struct session		*s;	/* handover: the session */
	const struct audit_results	*audit;	/* audit: the results */
	const struct checklist		*cl;
	struct buf			*b;	/* the output */
	time_t				 generated;
	struct summary			 sum;	/* handover only */
	struct finding			*findings;
	size_t				 nfindings;
	const struct report_ops		*ops;
	bool				 table;	/* md: inside a table */
	bool				 bol;	/* md: at the start of a block */
	struct appendix			 app;	/* handover: Part 2, built once */
};

/*
 * The elements of a document. Text arguments are untrusted plain text:
 * each backend escapes them for its format (report-md.c through
 * buf_text's TEXT_MD, report-html.c through buf_html).
 */
struct report_ops {
	/* Starts and ends the document; title is its level-1 heading. */
	void	(*begin)(struct report *, const char *title);
	void	(*end)(struct report *);
	/* A heading of level 1..4 (1 is the document's sections). */
	void	(*heading_begin)(struct report *, int level);
	void	(*heading_end)(struct report *, int level);
	/* A paragraph; emphasis makes it stand out. */
	void	(*para_begin)(struct report *, bool emphasis);
	void	(*para_end)(struct report *, bool emphasis);
	/* Inline pieces of a heading or paragraph: text, code (a check id,
	   a value) and strong text. */
	void	(*text)(struct report *, const char *);
	void	(*code)(struct report *, const char *);
	void	(*strong)(struct report *, const char *);
	/* Text a person typed, its line breaks kept. */
	void	(*block)(struct report *, const char *text);
	/* Evidence lines, verbatim (escaped only as the format needs). */
	void	(*pre)(struct report *, char **lines, size_t n);
	/* A list of items, each a bold lead then plain text. */
	void	(*list_begin)(struct report *);
	void	(*list_item)(struct report *, const char *lead,
		    const char *text);
	void	(*list_end)(struct report *);
	/*
	 * A table; a row's class ("fail", "pass", NULL) colours it; the
	 * columns whose bit is set in code (1 << column) are shown as code.
	 */
	void	(*table_begin)(struct report *, const char **head, size_t n);
	void	(*table_row)(struct report *, const char *class,
		    const char **cells, size_t n, unsigned code);
	void	(*table_end)(struct report *);
	/* A part of the handover (class "part1", "part2"; begin may be
	   NULL); the end of Part 1 is a page break in print, a thematic
	   break in Markdown. */
	void	(*part_begin)(struct report *, const char *class);
	void	(*part_end)(struct report *);
};

/* One output format. */
struct report_backend {
	const char		*name;		/* as --format takes it */
	enum format		 format;
	/* Element writers for report_walk_*; NULL for a format of its own. */
	const struct report_ops	*ops;
	/* Writes a handover (NULL: this format has none); -1 with *err. */
	int			(*handover)(struct report *, char **err);
	/* Writes an audit's results (NULL: this format has none). */
	int			(*audit)(struct report *, char **err);
};

extern const struct report_backend report_md_backend;
extern const struct report_backend report_html_backend;
extern const struct report_backend report_json_backend;
extern const struct report_backend report_text_backend;
extern const struct report_backend report_sarif_backend;

/* The front end's walks over r->ops (report.c). */
int report_walk_handover(struct report *, char **err);
int report_walk_audit(struct report *, char **err);

/* A heading or a paragraph of plain text, through r->ops. */
void report_heading(struct report *, int level, const char *text);
void report_para(struct report *, const char *text, bool emphasis);

/* The title of a check: the checklist's, else its id. */
const char *report_title(const struct report *, const char *id);
/* A time for people ("2026-11-24 13:05 UTC"), or "never" for 0. */
const char *report_time(time_t, char *out, size_t len);
/* The domain as shown (newly allocated). */
char *report_domain(const struct session *);
/* s, or none when s is NULL or empty. */
const char *report_or(const char *s, const char *none);
/* Glyph and label of a status (newly allocated). */
char *report_status(enum status);
/* The notes cell of an item (newly allocated). */
char *report_notes(const struct item_state *);
/*
 * The text of a step of typed text ("1. Build", "2) Test", "- Deploy"):
 * the number (0 for a bullet) in *num and what follows the marker; NULL
 * when line is not a step. report_steps: every line with something on it
 * is a step (the text is then written as a list).
 */
const char *report_step(const char *line, unsigned long *num);
bool report_steps(const char *text);
/* s ending with a full stop (newly allocated). */
char *report_sentence(const char *s);

/* handbook.c: Part 1 and the appendices of the handover, through r->ops. */
void handbook_part1(struct report *);
void handbook_appendices(struct report *);
/* handbook.c: the same data as JSON members (each starting ",\n "). */
void handbook_json(struct report *);

/* A section built from the latest evidence of some checks. */
struct report_group {
	const char	*key;		/* JSON member */
	const char	*heading;	/* shown (translated) */
	const char	*checks[9];	/* NULL-terminated */
	int		 stage;		/* its manual items are related */
};
/* The groups of the handover, in the order JSON writes them. */
extern const struct report_group *const report_groups[];
/* Whether item is a manual item that helps confirm one of g's checks. */
bool report_related(const struct item *, const struct report_group *);

/* An audit's run i: its stage, fix (the check's, else the checklist's)
   and whether the fix is shown (findings only). */
int report_audit_stage(const struct report *, const char *id);
const char *report_audit_fix(const struct report *,
	    const struct check_run *);
bool report_audit_show_fix(const struct check_run *);
/* Counts an audit's results by status. */
void report_audit_count(const struct report *, size_t counts[STATUS_COUNT]);

#endif
