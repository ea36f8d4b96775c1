/*
 * report.h: what the handover report's parts share (report.c writes the
 * document and its Markdown and HTML writers; handbook.c writes Part 1,
 * the appendices and their JSON). Not for the rest of the program: it
 * calls report_render() and report_write() of launchready.h.
 */
#ifndef REPORT_H
#define REPORT_H

#include "launchready.h"

struct report_ops;

/* The report being written. */
struct report {
	const struct session	*s;
	const struct checklist	*cl;
	struct buf		*b;
	time_t			 generated;
	struct summary		 sum;
	struct finding		*findings;
	size_t			 nfindings;
	const struct report_ops	*ops;
	struct appendix		 app;		/* Part 2, built once */
};

/* How Markdown and HTML write the pieces of a section. */
struct report_ops {
	/* Starts and ends the document. */
	void	(*begin)(struct report *, const char *title);
	void	(*end)(struct report *);
	/* A heading of level 1..4 (plain text). */
	void	(*heading)(struct report *, int level, const char *text);
	/* A paragraph of plain text; emphasis makes it stand out. */
	void	(*para)(struct report *, const char *text, bool emphasis);
	/* Text a person typed, its line breaks kept. */
	void	(*block)(struct report *, const char *text);
	/* Evidence lines, verbatim. */
	void	(*pre)(struct report *, char **lines, size_t n);
	/* A list of items, each a bold lead then plain text. */
	void	(*list_begin)(struct report *);
	void	(*list_item)(struct report *, const char *lead,
		    const char *text);
	void	(*list_end)(struct report *);
	/* A table; a row's class ("fail", "pass", NULL) colours it. */
	void	(*table_begin)(struct report *, const char **head, size_t n);
	void	(*table_row)(struct report *, const char *class,
		    const char **cells, size_t n);
	void	(*table_end)(struct report *);
	/* A part of the document (class "part1", "part2"; begin may be
	   NULL); the end of Part 1 is a page break in print, a rule in
	   Markdown. */
	void	(*part_begin)(struct report *, const char *class);
	void	(*part_end)(struct report *);
};


/* A time for people ("2026-11-24 13:05 UTC"), or "never" for 0. */
const char *report_time(time_t, char *out, size_t len);
/* The domain as shown (newly allocated). */
char *report_domain(const struct session *);
/* The title of item id (id when the checklist does not have it). */
const char *report_title(const struct report *, const char *id);
/* s, or none when s is NULL or empty. */
const char *report_or(const char *s, const char *none);
/* Glyph and label of a status (newly allocated). */
char *report_status(enum status);
/* The notes cell of an item (newly allocated). */
char *report_notes(const struct item_state *);
/* s ending with a full stop (newly allocated). */
char *report_sentence(const char *s);

/* handbook.c: Part 1 and the appendices, for Markdown and HTML. */
void handbook_part1(struct report *);
void handbook_appendices(struct report *);
/* handbook.c: the same data as JSON members (each starting ",\n "). */
void handbook_json(struct report *);

#endif
