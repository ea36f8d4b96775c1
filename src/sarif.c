/* sarif.c: SARIF 2.1.0 output of secret findings. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secrets.h"
#include "report.h"

/* Appends path as a relative URI reference, percent-encoded. */
static void
sarif_uri(struct buf *b, const char *path)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 u = { 0 };
	const unsigned char	*p;
	char			 e[3];

	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			buf_add(&u, p, 1);
		else {
			e[0] = '%';
			e[1] = hex[*p >> 4];
			e[2] = hex[*p & 15];
			buf_add(&u, e, 3);
		}
	}
	buf_json(b, u.data != NULL ? u.data : "");
	buf_free(&u);
}

/* The SARIF level of a finding. */
static const char *
sarif_level(const struct gitscan_finding *g)
{
	if (g->f.publishable || g->f.severity <= SEVERITY_INFO)
		return "note";
	if (g->f.severity == SEVERITY_MEDIUM)
		return "warning";
	return "error";
}

/* Appends one result. */
static void
sarif_result(struct buf *b, const char *check, const struct gitscan_finding *g,
    size_t rule_index, bool first)
{
	char	*msg;

	buf_puts(b, first ? "\n        " : ",\n        ");
	buf_puts(b, "{\"ruleId\": ");
	buf_json(b, g->f.rule);
	buf_printf(b, ", \"ruleIndex\": %zu, \"level\": \"%s\",\n"
	    "         \"message\": {\"text\": ", rule_index, sarif_level(g));
	if (g->f.publishable)
		msg = xprintf(_("%s (%s, fingerprint %s): publishable, listed "
		    "for review"), g->f.title, g->f.preview, g->f.fingerprint);
	else if (g->commit != NULL)
		msg = xprintf(_("%s (%s, fingerprint %s) added in commit %.12s;"
		    " rotate it"), g->f.title, g->f.preview, g->f.fingerprint,
		    g->commit);
	else
		msg = xprintf(_("%s (%s, fingerprint %s)"), g->f.kind[0] !=
		    '\0' ? g->f.kind : g->f.title, g->f.preview,
		    g->f.fingerprint);
	buf_json(b, msg);
	free(msg);
	buf_puts(b, "},\n         \"locations\": [{\"physicalLocation\": "
	    "{\"artifactLocation\": {\"uri\": ");
	sarif_uri(b, g->path);
	buf_printf(b, ", \"uriBaseId\": \"%%SRCROOT%%\"}, \"region\": "
	    "{\"startLine\": %zu, \"startColumn\": %zu}}}],\n",
	    g->f.line > 0 ? g->f.line : 1, g->f.column > 0 ? g->f.column : 1);
	buf_puts(b, "         \"partialFingerprints\": {\"launchready/v1\": ");
	buf_json(b, g->f.fingerprint);
	buf_puts(b, "},\n         \"properties\": {\"check\": ");
	buf_json(b, check);
	if (g->commit != NULL) {
		buf_puts(b, ", \"commit\": ");
		buf_json(b, g->commit);
		buf_puts(b, ", \"authorDate\": ");
		buf_json(b, time_iso(g->date));
	}
	buf_printf(b, ", \"publishable\": %s}", g->f.publishable ? "true" :
	    "false");
	if (g->f.allowed) {
		/* Inline comments are in source; the ignore file is not. */
		buf_printf(b, ",\n         \"suppressions\": [{\"kind\": "
		    "\"%s\", \"justification\": ", g->allow_reason != NULL &&
		    strstr(g->allow_reason, "launchready:allow") != NULL ?
		    "inSource" : "external");
		buf_json(b, g->allow_reason != NULL ? g->allow_reason : "");
		buf_puts(b, "}]");
	}
	buf_puts(b, "}");
}

int
sarif_write(struct buf *b, struct check_run **runs, size_t nruns,
    const struct options *opt, char **err)
{
	const struct gitscan_report	**reps;
	const char			**ids;
	size_t				 i, n = 0;

	(void)err;
	reps = xcalloc(nruns + 1, sizeof *reps);
	ids = xcalloc(nruns + 1, sizeof *ids);
	for (i = 0; i < nruns; i++) {
		if ((reps[n] = check_secrets_report(runs[i])) != NULL)
			ids[n++] = runs[i]->def->id;
	}
	sarif_write_reports(b, reps, ids, n, opt->repo);
	free(reps);
	free(ids);
	return 0;
}

void
sarif_write_reports(struct buf *b, const struct gitscan_report **reps,
    const char **ids, size_t nreps, const char *repo)
{
	const struct gitscan_report	*rep;
	struct strlist			 rules = { 0 }, titles = { 0 };
	size_t				 i, j, k;
	bool				 first = true;

	/* The rules that found something, in order of first use. */
	for (i = 0; i < nreps; i++) {
		if ((rep = reps[i]) == NULL)
			continue;
		for (j = 0; j < rep->nfindings; j++) {
			if (strlist_has(&rules, rep->findings[j].f.rule))
				continue;
			strlist_add(&rules, rep->findings[j].f.rule);
			strlist_add(&titles, rep->findings[j].f.title);
		}
	}
	buf_puts(b, "{\n  \"$schema\": \"https://json.schemastore.org/"
	    "sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n"
	    "    {\n      \"tool\": {\"driver\": {\"name\": \"launchready\", "
	    "\"version\": ");
	buf_json(b, PACKAGE_VERSION);
	buf_puts(b, ", \"rules\": [");
	for (i = 0; i < rules.n; i++) {
		buf_puts(b, i == 0 ? "\n        " : ",\n        ");
		buf_puts(b, "{\"id\": ");
		buf_json(b, rules.v[i]);
		buf_puts(b, ", \"name\": ");
		buf_json(b, rules.v[i]);
		buf_puts(b, ", \"shortDescription\": {\"text\": ");
		buf_json(b, titles.v[i]);
		buf_puts(b, "}, \"help\": {\"text\": ");
		buf_json(b, _("Rotate the secret at its provider, then remove "
		    "it from the repository; allow a false positive by its "
		    "fingerprint in .launchreadyignore."));
		buf_puts(b, "}}");
	}
	buf_puts(b, "]}},\n");
	if (repo != NULL) {
		buf_puts(b, "      \"originalUriBaseIds\": {\"%SRCROOT%\": "
		    "{\"uri\": ");
		{
			char *real = realpath(repo, NULL);
			char *u = xprintf("file://%s/", real != NULL ? real :
			    repo);

			buf_json(b, u);
			free(u);
			free(real);
		}
		buf_puts(b, "}},\n");
	}
	buf_puts(b, "      \"results\": [");
	for (i = 0; i < nreps; i++) {
		if ((rep = reps[i]) == NULL)
			continue;
		for (j = 0; j < rep->nfindings; j++) {
			for (k = 0; k < rules.n; k++) {
				if (strcmp(rules.v[k],
				    rep->findings[j].f.rule) == 0)
					break;
			}
			sarif_result(b, ids[i], &rep->findings[j], k, first);
			first = false;
		}
	}
	buf_puts(b, first ? "]\n    }\n  ]\n}\n" : "\n      ]\n    }\n  ]\n}\n");
	strlist_clear(&rules);
	strlist_clear(&titles);
}

/* The SARIF backend: audit results only. */
static int
sarif_audit(struct report *r, char **err)
{
	return sarif_write(r->b, r->audit->runs, r->audit->nruns,
	    r->audit->opt, err);
}

const struct report_backend report_sarif_backend = {
	.name = "sarif",
	.format = FORMAT_SARIF,
	.audit = sarif_audit,
};
