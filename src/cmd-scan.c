/*
 * cmd-scan.c: `launchready scan [PATH]`, the secret scanner alone (no
 * domain): the working tree, the staged changes, a range of commits or
 * the whole history, as text, JSON or SARIF. Exit 0 clean, 1 findings,
 * 2 usage, 3 the scan could not run. The allow-list (.launchreadyignore,
 * inline launchready:allow) and the fingerprints are the audit's.
 */

#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "launchready.h"
#include "secrets.h"

/* What `scan` was asked to do. */
struct scan_cmd {
	const char		*path;
	enum gitscan_kind	 kind;
	const char		*range;
	enum format		 format;
	const char		*output;
	struct gitscan_report	*report;	/* set by the done callback */
	struct loop		*loop;
};

/* The scope's name in the output. */
static const char *
scan_scope(enum gitscan_kind kind)
{
	switch (kind) {
	case GITSCAN_STAGED:
		return "staged";
	case GITSCAN_RANGE:
		return "range";
	case GITSCAN_HISTORY:
		return "history";
	default:
		return "worktree";
	}
}

const char *
cmd_scan_usage(void)
{
	return _(
"Usage: launchready scan [PATH] [--staged | --range BASE..HEAD | --history]\n"
"                        [--format text|json|sarif] [-o FILE]\n"
"  PATH                   the repository or directory (default: .)\n"
"  --staged               what `git commit` would record (git diff --cached)\n"
"  --range BASE..HEAD     the lines added by each commit of the range\n"
"  --history              the lines added by every commit on every ref\n"
"  --format FMT           text (default), json or sarif\n"
"  -o FILE                write the results to FILE\n"
"Exit status: 0 nothing found, 1 secrets found (allowed ones do not\n"
"count), 2 usage error, 3 the scan could not run.\n"
"Allow a false alarm by its fingerprint in PATH/.launchreadyignore\n"
"(\"FINGERPRINT reason\") or with launchready:allow on its line.\n");
}

/* True when a range is BASE..HEAD or BASE...HEAD and no option. */
static bool
scan_range_ok(const char *r)
{
	const char	*dots = strstr(r, "..");
	size_t		 i;

	if (r[0] == '-' || dots == NULL || dots == r)
		return false;
	for (i = 0; r[i] != '\0'; i++) {
		if (r[i] == ' ' || r[i] == '\t' || r[i] == '\n' ||
		    (unsigned char)r[i] < 0x20)
			return false;
	}
	dots += dots[2] == '.' ? 3 : 2;
	return *dots != '\0' && *dots != '-';
}

/* Parses the arguments after "scan"; EXIT_USAGE with *err. */
static int
scan_parse(struct scan_cmd *sc, int argc, char **argv, char **err)
{
	enum { OPT_STAGED = 256, OPT_RANGE, OPT_HISTORY, OPT_FORMAT,
	    OPT_HELP };
	static const struct option opts[] = {
		{ "staged",	no_argument,	   NULL, OPT_STAGED },
		{ "range",	required_argument, NULL, OPT_RANGE },
		{ "history",	no_argument,	   NULL, OPT_HISTORY },
		{ "format",	required_argument, NULL, OPT_FORMAT },
		{ "output",	required_argument, NULL, 'o' },
		{ "help",	no_argument,	   NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int	c, modes = 0;

	sc->path = ".";
	sc->kind = GITSCAN_WORKTREE;
	sc->format = FORMAT_TEXT;
	optind = 0;
	opterr = 0;
	/* argv[0] is "scan". */
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_STAGED:
			sc->kind = GITSCAN_STAGED;
			modes++;
			break;
		case OPT_RANGE:
			if (!scan_range_ok(optarg)) {
				set_error(err, _("scan --range: give "
				    "BASE..HEAD, such as main..HEAD"));
				return EXIT_USAGE;
			}
			sc->kind = GITSCAN_RANGE;
			sc->range = optarg;
			modes++;
			break;
		case OPT_HISTORY:
			sc->kind = GITSCAN_HISTORY;
			modes++;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				sc->format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				sc->format = FORMAT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				sc->format = FORMAT_SARIF;
			else {
				set_error(err, _("scan --format: give text, "
				    "json or sarif"));
				return EXIT_USAGE;
			}
			break;
		case 'o':
			sc->output = optarg;
			break;
		case OPT_HELP:
			fputs(cmd_scan_usage(), stdout);
			return -1;
		case ':':
			set_error(err, _("option %s needs a value"),
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			set_error(err, _("unknown option %s (see launchready "
			    "scan --help)"), argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (modes > 1) {
		set_error(err, _("scan: give one of --staged, --range and "
		    "--history"));
		return EXIT_USAGE;
	}
	if (optind < argc)
		sc->path = argv[optind++];
	if (optind < argc) {
		set_error(err, _("unexpected argument \"%s\" (see launchready "
		    "scan --help)"), argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* The scan ended: keep its report and stop the loop. */
static void
scan_done(void *arg, struct gitscan_report *rep)
{
	struct scan_cmd	*sc = arg;

	sc->report = rep;
	loop_break(sc->loop);
}

/* The finding's description: the key's kind, else the rule's title. */
static const char *
scan_what(const struct gitscan_finding *g)
{
	return g->f.kind[0] != '\0' ? g->f.kind : g->f.title;
}

/* Appends the text form: one line per finding, then what to do. */
static void
scan_text(struct buf *b, const struct scan_cmd *sc,
    const struct gitscan_report *rep, size_t live, size_t allowed)
{
	const struct gitscan_finding	*g;
	char				 date[32];
	size_t				 i;

	if (live > 0 && sc->kind == GITSCAN_STAGED)
		buf_puts(b, _("launchready: the commit is blocked: the staged "
		    "changes add secrets.\n"));
	for (i = 0; i < rep->nfindings; i++) {
		g = &rep->findings[i];
		if (g->f.allowed)
			buf_printf(b, _("%s:%zu: allowed (%s): %s %s fp:%s\n"),
			    g->path, g->f.line, g->allow_reason != NULL ?
			    g->allow_reason : "", g->f.rule, g->f.preview,
			    g->f.fingerprint);
		else
			buf_printf(b, "%s:%zu: %s %s: %s %s fp:%s\n", g->path,
			    g->f.line, g->f.publishable ?
			    _("info (publishable)") :
			    severity_name(g->f.severity), g->f.rule,
			    scan_what(g), g->f.preview, g->f.fingerprint);
		if (g->commit != NULL && *g->commit != '\0') {
			strftime(date, sizeof date, "%Y-%m-%d",
			    gmtime(&g->date));
			buf_printf(b, _("    added in commit %.12s (%s)\n"),
			    g->commit, date);
		}
	}
	if (live == 0) {
		buf_printf(b, ngettext("No secrets found (%zu allowed).\n",
		    "No secrets found (%zu allowed).\n", allowed), allowed);
		return;
	}
	buf_printf(b, ngettext("%zu secret found", "%zu secrets found",
	    live), live);
	buf_printf(b, ngettext(" (%zu allowed) in the %s scan of %s.\n",
	    " (%zu allowed) in the %s scan of %s.\n", allowed), allowed,
	    scan_scope(sc->kind), sc->path);
	buf_puts(b, _("Rotate a real secret at its provider and remove it. "
	    "A false alarm:\nadd its fingerprint to .launchreadyignore "
	    "(\"FINGERPRINT reason\"), or put\nlaunchready:allow on its "
	    "line.\n"));
}

/* Appends the JSON form. */
static void
scan_json(struct buf *b, const struct scan_cmd *sc,
    const struct gitscan_report *rep, size_t live, size_t allowed)
{
	const struct gitscan_finding	*g;
	size_t				 i;

	buf_puts(b, "{\n  \"tool\": \"launchready\",\n  \"version\": ");
	buf_json(b, PACKAGE_VERSION);
	buf_puts(b, ",\n  \"scope\": ");
	buf_json(b, scan_scope(sc->kind));
	buf_puts(b, ",\n  \"path\": ");
	buf_json(b, sc->path);
	if (sc->range != NULL) {
		buf_puts(b, ",\n  \"range\": ");
		buf_json(b, sc->range);
	}
	buf_printf(b, ",\n  \"found\": %zu,\n  \"allowed\": %zu,\n"
	    "  \"findings\": [", live, allowed);
	for (i = 0; i < rep->nfindings; i++) {
		g = &rep->findings[i];
		buf_puts(b, i == 0 ? "\n    {" : ",\n    {");
		buf_puts(b, "\"path\": ");
		buf_json(b, g->path);
		buf_printf(b, ", \"line\": %zu, \"column\": %zu, \"rule\": ",
		    g->f.line, g->f.column);
		buf_json(b, g->f.rule);
		buf_puts(b, ", \"title\": ");
		buf_json(b, scan_what(g));
		buf_puts(b, ", \"severity\": ");
		buf_json(b, g->f.publishable ? "info" :
		    severity_name(g->f.severity));
		buf_printf(b, ", \"publishable\": %s, \"preview\": ",
		    g->f.publishable ? "true" : "false");
		buf_json(b, g->f.preview);
		buf_puts(b, ", \"fingerprint\": ");
		buf_json(b, g->f.fingerprint);
		if (g->commit != NULL && *g->commit != '\0') {
			buf_puts(b, ", \"commit\": ");
			buf_json(b, g->commit);
		}
		buf_printf(b, ", \"allowed\": %s", g->f.allowed ? "true" :
		    "false");
		if (g->allow_reason != NULL) {
			buf_puts(b, ", \"allow_reason\": ");
			buf_json(b, g->allow_reason);
		}
		buf_puts(b, "}");
	}
	buf_puts(b, rep->nfindings > 0 ? "\n  ]\n}\n" : "]\n}\n");
}

int
cmd_scan(struct cmdline *cl)
{
	struct scan_cmd		 sc;
	struct secrets_rules	*rules;
	struct gitscan		*gs;
	struct buf		 b = { 0 };
	char			*err = NULL;
	const char		*id;
	size_t			 i, live = 0, allowed = 0;
	int			 r, status;

	memset(&sc, 0, sizeof sc);
	if ((r = scan_parse(&sc, cl->rest_argc, cl->rest_argv, &err)) != 0) {
		if (r == -1)
			return EXIT_OK;
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return r;
	}
	if ((rules = secrets_rules_load(NULL, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return EXIT_FAILURE_;
	}
	sc.loop = loop_new();
	gs = gitscan_start_range(sc.loop, sc.kind, sc.path, sc.range, rules,
	    NULL, scan_done, &sc);
	loop_run(sc.loop);
	if (sc.report == NULL || sc.report->error != NULL) {
		fprintf(stderr, "launchready: scan: %s\n", sc.report != NULL ?
		    sc.report->error : _("the scan did not finish"));
		gitscan_free(gs);
		loop_free(sc.loop);
		secrets_rules_free(rules);
		return EXIT_FAILURE_;
	}
	for (i = 0; i < sc.report->nfindings; i++) {
		if (sc.report->findings[i].f.allowed)
			allowed++;
		else if (!sc.report->findings[i].f.publishable)
			live++;
	}
	switch (sc.format) {
	case FORMAT_JSON:
		scan_json(&b, &sc, sc.report, live, allowed);
		break;
	case FORMAT_SARIF:
		id = scan_scope(sc.kind);
		sarif_write_reports(&b, (const struct gitscan_report **)
		    &sc.report, &id, 1, sc.path);
		break;
	default:
		scan_text(&b, &sc, sc.report, live, allowed);
		break;
	}
	status = live > 0 ? EXIT_FINDINGS : EXIT_OK;
	if (sc.output != NULL) {
		if (file_write(sc.output, b.data != NULL ? b.data : "", b.len,
		    &err) != 0) {
			fprintf(stderr, "launchready: %s\n", err);
			free(err);
			status = EXIT_FAILURE_;
		}
	} else if (b.len > 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	gitscan_free(gs);
	loop_free(sc.loop);
	secrets_rules_free(rules);
	return status;
}
