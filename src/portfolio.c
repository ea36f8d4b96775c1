/*
 * portfolio.c: `launchready audit --targets FILE`: a consultant's clients
 * audited concurrently on the one loop, --jobs at a time, as JSON Lines
 * and a closing table; --shard K/N splits a portfolio between runners.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define PORTFOLIO_MAX_LINE	4096	/* bytes of one target line */
#define PORTFOLIO_MAX_TARGETS	100000
#define PORTFOLIO_MAX_WORDS	256

/* One client of the portfolio. */
struct portfolio_target {
	struct portfolio	*pf;
	size_t			 line;		/* in the targets file */
	struct cmdline		 cl;		/* its options */
	struct audit		*audit;		/* while it runs */
	struct check_run	**runs;
	size_t			 nruns;
	time_t			 started;
	time_t			 finished;
	struct timer		*reap;		/* pending reap, or NULL */
	bool			 done;

	/* The closing table's row. */
	int			 status;	/* exit status of this audit */
	const char		*verdict;
	size_t			 critical;
	size_t			 high;
	char			*slowest;	/* "id (ms)" */
	char			*error;		/* could not run: why */
};

struct portfolio {
	const struct cmdline	*cl;
	struct checklist	*checklist;
	struct loop		*loop;
	struct portfolio_target	*t;
	size_t			 n;
	size_t			 next;		/* next to start */
	size_t			 running;
	size_t			 finished;
	struct buf		 out;		/* -o FILE: the lines */
	bool			 write_error;
};

/*
 * Splits a target line into words: blanks separate, '...' and "..." quote
 * (no escapes inside single quotes; \" and \\ inside double quotes).
 * Returns -1 with *err on an open quote or too many words.
 */
static int
portfolio_words(const char *line, struct strlist *words, char **err)
{
	struct buf	 w = { 0 };
	const char	*p = line;
	char		 q;
	bool		 in = false;

	for (;;) {
		if (*p == '\0' || isspace((unsigned char)*p)) {
			if (in) {
				buf_add(&w, "", 1);
				strlist_add(words, w.data);
				w.len = 0;
				in = false;
				if (words->n > PORTFOLIO_MAX_WORDS) {
					buf_free(&w);
					return set_error(err, _("more than %d "
					    "words"), PORTFOLIO_MAX_WORDS);
				}
			}
			if (*p == '\0')
				break;
			p++;
			continue;
		}
		in = true;
		if (*p == '\'' || *p == '"') {
			q = *p++;
			while (*p != '\0' && *p != q) {
				if (q == '"' && *p == '\\' &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				buf_add(&w, p++, 1);
			}
			if (*p != q) {
				buf_free(&w);
				return set_error(err, _("a quote is not closed"));
			}
			p++;
			continue;
		}
		buf_add(&w, p++, 1);
	}
	buf_free(&w);
	return 0;
}

/*
 * The options of the command line that apply to every target: all words
 * but the command and the portfolio's own (--targets, --jobs, --shard,
 * -o, --format, --baseline and their values).
 */
static void
portfolio_global(int argc, char **argv, struct strlist *out)
{
	static const char *const own[] = { "--targets", "--jobs", "--shard",
	    "-o", "--output", "--format", "--baseline", NULL };
	size_t	k;
	int	i;
	bool	command = false;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!command && strcmp(a, "audit") == 0) {
			command = true;
			continue;
		}
		for (k = 0; own[k] != NULL; k++) {
			size_t len = strlen(own[k]);

			if (strcmp(a, own[k]) == 0) {
				i++;
				break;
			}
			if (strncmp(a, own[k], len) == 0 && a[len] == '=')
				break;
		}
		if (own[k] == NULL)
			strlist_add(out, a);
	}
}

/* Reads the targets file: each line parsed like `launchready audit LINE`. */
static int
portfolio_load(struct portfolio *pf, int argc, char **argv, char **err)
{
	FILE		*f;
	char		*line = NULL, *perr = NULL;
	size_t		 size = 0, lineno = 0, index = 0;
	ssize_t		 len;
	struct strlist	 global = { 0 }, words = { 0 };
	const struct cmdline *cl = pf->cl;
	int		 r = 0;

	if (strcmp(cl->targets, "-") == 0)
		f = stdin;
	else if ((f = fopen(cl->targets, "r")) == NULL)
		return set_error(err, _("--targets %s: %s"), cl->targets,
		    strerror(errno));
	portfolio_global(argc, argv, &global);
	while ((len = getline(&line, &size, f)) != -1) {
		struct portfolio_target	*t;
		char			**av, *p;
		size_t			 i, ac;

		lineno++;
		if (len > PORTFOLIO_MAX_LINE) {
			r = set_error(err, _("%s:%zu: the line is longer than "
			    "%d bytes"), cl->targets, lineno,
			    PORTFOLIO_MAX_LINE);
			break;
		}
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		strlist_clear(&words);
		if (portfolio_words(p, &words, &perr) == -1) {
			r = set_error(err, "%s:%zu: %s", cl->targets, lineno,
			    perr);
			free(perr);
			break;
		}
		/* Every N-th target, counted over the whole file. */
		if (cl->shard_n > 0 &&
		    index++ % (size_t)cl->shard_n != (size_t)cl->shard_k - 1)
			continue;
		if (pf->n >= PORTFOLIO_MAX_TARGETS) {
			r = set_error(err, _("%s: more than %d targets"),
			    cl->targets, PORTFOLIO_MAX_TARGETS);
			break;
		}
		ac = 2 + global.n + words.n;
		av = xcalloc(ac + 1, sizeof *av);
		av[0] = (char *)"launchready";
		av[1] = (char *)"audit";
		for (i = 0; i < global.n; i++)
			av[2 + i] = global.v[i];
		for (i = 0; i < words.n; i++)
			av[2 + global.n + i] = words.v[i];
		pf->t = xreallocarray(pf->t, pf->n + 1, sizeof *pf->t);
		t = &pf->t[pf->n];
		memset(t, 0, sizeof *t);
		if (cmdline_parse(&t->cl, (int)ac, av, &perr) != 0 ||
		    t->cl.targets != NULL) {
			r = set_error(err, "%s:%zu: %s", cl->targets, lineno,
			    perr != NULL ? perr : _("--targets inside a "
			    "targets file"));
			free(perr);
			cmdline_clear(&t->cl);
			free(av);
			break;
		}
		free(av);
		t->pf = pf;
		t->line = lineno;
		pf->n++;
	}
	if (r == 0 && ferror(f))
		r = set_error(err, _("--targets %s: %s"), cl->targets,
		    strerror(errno));
	if (f != stdin)
		fclose(f);
	free(line);
	strlist_clear(&global);
	strlist_clear(&words);
	return r;
}

static void portfolio_start_next(struct portfolio *);

/* Writes one finished audit as a JSON line; fills its table row. */
static void
portfolio_emit(struct portfolio *pf, struct portfolio_target *t)
{
	struct audit_results	 res = { .opt = &t->cl.opt,
				    .cl = pf->checklist, .runs = t->runs,
				    .nruns = t->nruns, .started = t->started,
				    .finished = t->finished };
	struct buf		 b = { 0 }, line = { 0 };
	size_t			 i, slow = 0;
	bool			 errors = false, findings = false;
	bool			 warnings = false;
	unsigned		 most = 0;
	char			*err = NULL;

	if (report_audit(&res, FORMAT_JSON, &b, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		pf->write_error = true;
	}
	/* One line: the writer's newlines are layout, never inside strings. */
	for (i = 0; i < b.len; i++) {
		if (b.data[i] != '\n')
			buf_add(&line, &b.data[i], 1);
	}
	buf_add(&line, "\n", 1);
	if (pf->cl->output != NULL)
		buf_add(&pf->out, line.data, line.len);
	else if (fwrite(line.data, 1, line.len, stdout) != line.len ||
	    fflush(stdout) != 0)
		pf->write_error = true;
	buf_free(&b);
	buf_free(&line);

	for (i = 0; i < t->nruns; i++) {
		const struct result *r = &t->runs[i]->result;

		if (r->status == STATUS_ERROR)
			errors = true;
		else if (status_is_finding(r->status)) {
			warnings = true;
			if (r->severity >= t->cl.fail_on)
				findings = true;
			if (r->severity == SEVERITY_CRITICAL)
				t->critical++;
			else if (r->severity == SEVERITY_HIGH)
				t->high++;
		}
		if (r->duration_ms >= most) {
			most = r->duration_ms;
			slow = i;
		}
	}
	t->status = findings ? EXIT_FINDINGS : errors ? EXIT_UNDECIDED :
	    EXIT_OK;
	t->verdict = t->critical + t->high > 0 ? "not-ready" :
	    errors ? "incomplete" : warnings ? "launch-with-care" : "ready";
	if (t->nruns > 0)
		t->slowest = xprintf("%s (%u ms)", t->runs[slow]->def->id,
		    most);
}

/* Frees a finished audit (from a timer: never inside its own callback). */
static void
portfolio_reap(void *arg)
{
	struct portfolio_target	*t = arg;
	struct portfolio	*pf = t->pf;

	t->reap = NULL;
	t->finished = time(NULL);
	portfolio_emit(pf, t);
	free(t->runs);
	t->runs = NULL;
	audit_free(t->audit);
	t->audit = NULL;
	pf->running--;
	pf->finished++;
	portfolio_start_next(pf);
	if (pf->finished == pf->n)
		loop_break(pf->loop);
}

/* A check finished: its checklist severity; reap the audit after the last. */
static void
portfolio_done(struct check_run *run, void *arg)
{
	struct portfolio_target	*t = arg;
	const struct item	*item;

	item = checklist_item(t->pf->checklist, run->def->id);
	if (item != NULL && run->result.status == STATUS_FAIL)
		run->result.severity = item->severity;
	if (t->audit->running == 0 && !t->done && t->reap == NULL) {
		t->done = true;
		t->reap = loop_timer(t->pf->loop, 0, portfolio_reap, t);
	}
}

/* Starts targets until --jobs are running. */
static void
portfolio_start_next(struct portfolio *pf)
{
	const struct check_def	*def;
	struct portfolio_target	*t;
	char			*err = NULL;
	size_t			 i;

	while (pf->running < (size_t)pf->cl->jobs && pf->next < pf->n) {
		t = &pf->t[pf->next++];
		t->started = time(NULL);
		t->audit = audit_new(&t->cl.opt, pf->loop, &err);
		if (t->audit == NULL) {
			t->error = err;
			err = NULL;
			t->status = EXIT_FAILURE_;
			t->verdict = "could-not-run";
			fprintf(stderr, "launchready: %s: %s\n",
			    t->cl.opt.domain, t->error);
			pf->finished++;
			continue;
		}
		pf->running++;
		for (i = 0; (def = check_at(i)) != NULL; i++) {
			if (!audit_selected(&t->cl.only, def->id,
			    pf->checklist))
				continue;
			t->runs = xreallocarray(t->runs, t->nruns + 1,
			    sizeof *t->runs);
			t->runs[t->nruns++] = audit_start(t->audit, def->id,
			    portfolio_done, t);
		}
		if (t->nruns == 0 || t->audit->running == 0) {
			t->done = true;
			t->reap = loop_timer(pf->loop, 0, portfolio_reap, t);
		}
	}
}

/* The closing table, on standard error (standard output is JSON Lines). */
static void
portfolio_table(struct portfolio *pf)
{
	size_t	i, w = strlen(_("DOMAIN"));

	for (i = 0; i < pf->n; i++) {
		if (strlen(pf->t[i].cl.opt.domain) > w)
			w = strlen(pf->t[i].cl.opt.domain);
	}
	fprintf(stderr, "%-*s  %-16s %8s %5s  %s\n", (int)w, _("DOMAIN"),
	    _("VERDICT"), _("CRITICAL"), _("HIGH"), _("SLOWEST CHECK"));
	for (i = 0; i < pf->n; i++) {
		const struct portfolio_target *t = &pf->t[i];

		fprintf(stderr, "%-*s  %-16s %8zu %5zu  %s\n", (int)w,
		    t->cl.opt.domain, t->verdict != NULL ? t->verdict : "?",
		    t->critical, t->high, t->slowest != NULL ? t->slowest :
		    (t->error != NULL ? t->error : "-"));
	}
}

int
portfolio_run(struct cmdline *cl, int argc, char **argv)
{
	struct portfolio	 pf;
	char			*path, *err = NULL;
	size_t			 i;
	int			 status = EXIT_OK;
	bool			 findings = false, undecided = false;
	bool			 failed = false;

	memset(&pf, 0, sizeof pf);
	pf.cl = cl;
	if (cl->format != FORMAT_JSON && cl->format_set) {
		fprintf(stderr, _("launchready: audit --targets writes JSON "
		    "Lines: --format json or no --format\n"));
		return EXIT_USAGE;
	}
	path = data_path("checklist.cfg");
	pf.checklist = checklist_load(path, &err);
	free(path);
	if (pf.checklist == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return EXIT_FAILURE_;
	}
	if (portfolio_load(&pf, argc, argv, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		status = EXIT_USAGE;
		goto out;
	}
	pf.loop = loop_new();
	portfolio_start_next(&pf);
	if (pf.finished < pf.n)
		loop_run(pf.loop);
	for (i = 0; i < pf.n; i++) {
		findings |= pf.t[i].status == EXIT_FINDINGS;
		undecided |= pf.t[i].status == EXIT_UNDECIDED;
		failed |= pf.t[i].status == EXIT_FAILURE_;
	}
	portfolio_table(&pf);
	status = failed ? EXIT_FAILURE_ : findings ? EXIT_FINDINGS :
	    undecided ? EXIT_UNDECIDED : EXIT_OK;
	if (cl->output != NULL) {
		if (file_write_atomic(cl->output, pf.out.data, pf.out.len,
		    false, false, &err) == -1) {
			fprintf(stderr, "launchready: %s\n", err);
			free(err);
			status = EXIT_FAILURE_;
		} else
			fprintf(stderr, _("launchready: wrote %s\n"),
			    cl->output);
	} else if (pf.write_error) {
		fprintf(stderr, _("launchready: cannot write the results\n"));
		status = EXIT_FAILURE_;
	}
	loop_free(pf.loop);
out:
	for (i = 0; i < pf.n; i++) {
		free(pf.t[i].slowest);
		free(pf.t[i].error);
		cmdline_clear(&pf.t[i].cl);
	}
	free(pf.t);
	buf_free(&pf.out);
	checklist_free(pf.checklist);
	return status;
}
