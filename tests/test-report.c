/*
 * test-report.c: the handover report (golden files for all three formats
 * from a fixed session and checklist), the launch-risk summary, escaping,
 * and that the JSON parses and the HTML loads nothing from outside.
 *
 * LAUNCHREADY_UPDATE_GOLDEN=1 rewrites tests/golden/ instead of comparing.
 */

#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "launchready.h"
#include "testutil.h"

#define GOLDEN_EPOCH "1795507200"	/* 2026-11-24T08:00:00Z */

static struct checklist	*cl;
static struct session	*brightcart;

/* A file of the source tree. */
static char *
srcpath(const char *rel)
{
	const char	*top = getenv("top_srcdir");

	return xprintf("%s/%s", top != NULL ? top : ".", rel);
}

static int
setup(void **state)
{
	char	*path, *err = NULL;

	(void)state;
	setenv("SOURCE_DATE_EPOCH", GOLDEN_EPOCH, 1);
	path = srcpath("tests/data/checklist-golden.cfg");
	if ((cl = checklist_load(path, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	free(path);
	path = srcpath("tests/data/session-brightcart.cfg");
	if ((brightcart = session_load(path, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	free(path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	session_free(brightcart);
	checklist_free(cl);
	return 0;
}

/* Renders a report, failing the test on error. */
static char *
render(const struct session *s, enum format format)
{
	struct buf	 b = { 0 };
	char		*err = NULL;

	if (report_render(s, cl, format, &b, &err) != 0)
		fail_msg("report: %s", err);
	return b.data;
}

/* ---- a small JSON validator (RFC 8259 grammar) -------------------------- */

static const char *json_value(const char *);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
json_string(const char *p)
{
	int	i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++) {
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				}
				p += 4;
			} else if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static const char *
json_number(const char *p)
{
	const char	*start = p;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	if (*p == '0' && isdigit((unsigned char)p[1]))
		return NULL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > start ? p : NULL;
}

static const char *
json_value(const char *p)
{
	p = json_ws(p);
	switch (*p) {
	case '{':
		p = json_ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			if ((p = json_string(json_ws(p))) == NULL)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
			if ((p = json_value(p)) == NULL)
				return NULL;
			p = json_ws(p);
			if (*p == '}')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '[':
		p = json_ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			if ((p = json_value(p)) == NULL)
				return NULL;
			p = json_ws(p);
			if (*p == ']')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_number(p);
	}
}

/* The whole text is one JSON value. */
static bool
json_valid(const char *text)
{
	const char	*end = json_value(text);

	return end != NULL && *json_ws(end) == '\0';
}

/* ---- HTML: only known tags and attributes, nothing loaded ------------- */

/*
 * Every tag is one of the few the report writes, with no attribute that
 * could load or run anything; the style has no url() or @import.
 */
static void
assert_html_self_contained(const char *html)
{
	static const char *tags[] = { "!DOCTYPE", "html", "head", "meta",
	    "title", "style", "body", "h1", "h2", "h3", "h4", "h5", "p", "ul",
	    "li", "strong", "table", "tr", "th", "td", "pre", "footer", "br",
	    "section", "ol", "code" };
	static const char *attrs[] = { "lang", "charset", "name", "content",
	    "class", "html", "start" };
	const char	*p = html, *end, *a;
	char		 name[32];
	size_t		 i, len;
	bool		 ok;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		if (*p == '/')
			p++;
		len = strcspn(p, " >");
		assert_true(len < sizeof name);
		memcpy(name, p, len);
		name[len] = '\0';
		for (i = 0, ok = false; i < nitems(tags); i++)
			ok = ok || strcmp(name, tags[i]) == 0;
		if (!ok)
			fail_msg("unexpected tag <%s>", name);
		end = strchr(p, '>');
		assert_non_null(end);
		/* Attributes: name="value" pairs of known names only. */
		for (a = p + len; a < end; ) {
			a += strspn(a, " ");
			if (a >= end)
				break;
			len = strcspn(a, "=> ");
			for (i = 0, ok = false; i < nitems(attrs); i++)
				ok = ok || (strlen(attrs[i]) == len &&
				    strncmp(a, attrs[i], len) == 0);
			if (!ok)
				fail_msg("unexpected attribute in <%s>: %.*s",
				    name, (int)len, a);
			a += len;
			if (*a == '=') {
				assert_int_equal(a[1], '"');
				a = strchr(a + 2, '"');
				assert_non_null(a);
				a++;
			}
		}
		p = end + 1;
	}
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<img"));
	assert_non_null(strstr(html, "@media print"));
}

/* ---- the golden files ---------------------------------------------------- */

/* Replaces the first occurrence of from in *s with to. */
static void
replace(char **s, const char *from, const char *to)
{
	char	*at = strstr(*s, from), *n;

	if (at == NULL)
		return;
	n = xprintf("%.*s%s%s", (int)(at - *s), *s, to, at + strlen(from));
	free(*s);
	*s = n;
}

/* Compares a report with its golden file (or rewrites it). */
static void
golden(enum format format, const char *file)
{
	char	*path, *want, *got;
	FILE	*f;

	/* The golden files hold no version number. */
	got = render(brightcart, format);
	replace(&got, "\"version\": \"" PACKAGE_VERSION "\"",
	    "\"version\": \"VERSION\"");
	replace(&got, "launchready " PACKAGE_VERSION "</footer>",
	    "launchready VERSION</footer>");
	want = xprintf("tests/golden/%s", file);
	path = srcpath(want);
	free(want);
	if (getenv("LAUNCHREADY_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path, NULL);
	if (want == NULL)
		fail_msg("%s is missing (LAUNCHREADY_UPDATE_GOLDEN=1 makes it)",
		    path);
	if (strcmp(want, got) != 0) {
		char *out = xprintf("%s.out", file);

		f = fopen(out, "w");
		if (f != NULL) {
			fputs(got, f);
			fclose(f);
		}
		fail_msg("%s differs from the golden file; the report is in "
		    "%s (diff them)", file, out);
	}
	free(want);
	free(got);
	free(path);
}

static void
test_golden_md(void **state)
{
	(void)state;
	golden(FORMAT_MD, "handover.md");
}

static void
test_golden_html(void **state)
{
	char	*html;

	(void)state;
	golden(FORMAT_HTML, "handover.html");
	html = render(brightcart, FORMAT_HTML);
	assert_html_self_contained(html);
	free(html);
}

static void
test_golden_json(void **state)
{
	char	*json;

	(void)state;
	golden(FORMAT_JSON, "handover.json");
	json = render(brightcart, FORMAT_JSON);
	assert_true(json_valid(json));
	/* The validator does reject broken JSON. */
	assert_false(json_valid("{\"a\": [1, 2,]}"));
	assert_false(json_valid("{\"a\": \"\n\"}"));
	assert_false(json_valid("{\"a\": 1} x"));
	free(json);
}

/* What a reader of the brightcart report must find in it. */
static void
test_content(void **state)
{
	char	*md;
	const char *sec[] = { "# Handover: Brightcart — brightcart.test",
	    "## Launch decision", "## Do now", "## Run it",
	    "### Access list", "### Deploy steps", "### Rollback",
	    "### Alert owners", "## What changed during the sprint",
	    "## Open risks", "* * *", "## Part 2 — Appendices",
	    "## A. DNS map", "## B. Redirect rules", "## C. Certificates",
	    "## D. Secret inventory", "## E. Environment variables",
	    "## F. Performance and caching", "## G. Runbooks",
	    "## H. Stage items", "## I. Full evidence" };
	const char *at, *prev;
	size_t	i;

	(void)state;
	md = render(brightcart, FORMAT_MD);
	/* Part 1, the break, then the appendices, in order. */
	for (i = 0, prev = md; i < nitems(sec); i++) {
		at = strstr(md, sec[i]);
		if (at == NULL || at < prev)
			fail_msg("section \"%s\" missing or out of order",
			    sec[i]);
		prev = at;
	}
	/* The verdict and the blockers by title. */
	assert_non_null(strstr(md, "Not ready to launch yet: brightcart.test "
	    "has 4 critical problems"));
	assert_non_null(strstr(md, "“No secrets in the source code”"));
	/* The decision beside the tool's verdict; Do now names owners. */
	assert_non_null(strstr(md, "**Ship with conditions: the Stripe key is "
	    "rotated and SPF fixed -> before Monday's launch. Decided by "
	    "Maya Lindqvist (CEO) on 2026-11-23 22:05 UTC.**"));
	assert_non_null(strstr(md, "The tool's verdict: Not ready to launch: 4 "
	    "critical problems are open."));
	assert_non_null(strstr(md, "- **No secrets in the source code** "
	    "(critical) — owner: Maya Lindqvist\n"));
	assert_non_null(strstr(md, "- **Least-privilege access** (to confirm, "
	    "high) — owner: nobody yet\n"));
	assert_non_null(strstr(md, "Rehearsed rollback: 9 minutes (target: "
	    "under 15)."));
	assert_non_null(strstr(md, "| Sam Okafor | Sam Okafor | Sam Okafor | "
	    "Maya Lindqvist | nobody yet |"));
	/* Appendices from the results, one row per certificate host. */
	assert_non_null(strstr(md, "| brightcart.test | TXT | \"v=spf1"));
	assert_non_null(strstr(md, "- http://brightcart.test/ goes "
	    "permanently (301) to https://www.brightcart.test/, 2 hops."));
	assert_non_null(strstr(md, "| `91b0e7aa00000000` | aws-access-key | "
	    "scripts/upload.sh:4 | 1c77a0900000 (2026-07-15) | Sam Okafor | "
	    "rotated on 2026-11-23 15:00 UTC |"));
	assert_non_null(strstr(md, "allowed: a local development database"));
	assert_non_null(strstr(md, "### Leaked secret"));
	assert_non_null(strstr(md, "| api.brightcart.test | launchready test "
	    "CA | 2027-01-18 | 56 | automatic (ACME) |"));
	/* No escape a reader would see where nothing needed one. */
	assert_null(strstr(md, "-\\>"));
	assert_null(strstr(md, "\\#"));
	/* What changed: www failed at first and passes now, by title. */
	at = strstr(md, "## What changed during the sprint, in detail");
	assert_non_null(strstr(at, "- **www resolves.** At the first check "
	    "(2026-11-23 09:06 UTC): www.brightcart.test does not exist"));
	/* SPF failed first and still fails: not in "what changed". */
	prev = strstr(md, "## DNS, redirects and certificates");
	at = strstr(at, "SPF record is present and valid");
	assert_true(at == NULL || at > prev);
	/* Skip reasons and owners in the stage tables. */
	assert_non_null(strstr(md, "| ⊘ skipped | Your sending server passes "
	    "SPF | high |  | Skipped: No dedicated sending IP"));
	/* Absent evidence says so. */
	assert_non_null(strstr(md, "#### A health endpoint answers — not "
	    "checked"));
	/* The rotation status of the secrets. */
	at = strstr(md, "## H. Stage items");
	assert_non_null(strstr(at, "| · pending | Secrets rotated where "
	    "exposed | Maya Lindqvist |"));
	/* An owner and a note alone do not read as confirmed. */
	at = strstr(at, "| · pending | Secrets rotated where exposed");
	assert_non_null(strstr(at, "(not confirmed; updated 2026-11-23 16:20 "
	    "UTC)"));
	assert_true(strstr(at, "(confirmed") == NULL ||
	    strstr(at, "(confirmed") > strchr(at, '\n'));
	free(md);
	md = render(brightcart, FORMAT_JSON);
	at = strstr(md, "{\"id\": \"manual.secrets-rotated\"");
	assert_non_null(at);
	assert_non_null(strstr(at, "\"marked\": null, \"updated\": "
	    "\"2026-11-23T16:20:00Z\""));
	/* The blockers are every open critical and high finding. */
	assert_non_null(strstr(md, "\"blockers\": [\"secrets.worktree\", "
	    "\"secrets.history\", \"email.spf\", \"http.cors\", "
	    "\"dns.subdomains\", \"http.staging-leak\", \"http.hsts\", "
	    "\"edge.cdn\", \"email.dmarc\"]"));
	free(md);
}

/* ---- the summary on made-up sessions ------------------------------------ */

/* A session where every item has the given status. */
static struct session *
all(enum status st)
{
	struct session	*s = session_new("/nonexistent", NULL);
	struct result	 r;
	size_t		 i;

	result_init(&r);
	for (i = 0; i < cl->nitems; i++) {
		if (cl->items[i].check == NULL) {
			session_item(s, cl->items[i].id)->status =
			    st == STATUS_PASS ? STATUS_DONE : st;
			continue;
		}
		result_set(&r, st, SEVERITY_NONE, "result of %s",
		    cl->items[i].id);
		session_record(s, cl->items[i].id, &r);
	}
	result_clear(&r);
	return s;
}

static void
test_summary(void **state)
{
	struct session	*s;
	struct summary	 sum;
	struct finding	 top[3];
	struct result	 r;
	struct buf	 b = { 0 };

	(void)state;
	/* Everything passes: ready. */
	s = all(STATUS_PASS);
	summary_count(s, cl, &sum);
	assert_int_equal(sum.settled, cl->nitems);
	assert_string_equal(summary_verdict(&sum), "ready");
	summary_write(s, cl, &b);
	assert_non_null(strstr(b.data, "Ready to launch"));
	assert_int_equal(summary_blockers(s, cl, top, 3), 0);
	buf_free(&b);

	/* A medium warning and an error: no blocker, but not settled. */
	result_init(&r);
	result_set(&r, STATUS_WARN, SEVERITY_MEDIUM, "slow-ish");
	session_record(s, "perf.ttfb", &r);
	result_set(&r, STATUS_ERROR, SEVERITY_NONE, "timed out");
	session_record(s, "mon.health", &r);
	summary_count(s, cl, &sum);
	assert_string_equal(summary_verdict(&sum), "incomplete");
	summary_write(s, cl, &b);
	assert_non_null(strstr(b.data, "1 lesser finding (medium or info) "
	    "can wait"));
	assert_non_null(strstr(b.data, "1 check could not be run"));
	buf_free(&b);

	/* A high warning then a critical failure, ordered. */
	result_set(&r, STATUS_WARN, SEVERITY_HIGH, "no cdn");
	session_record(s, "edge.cdn", &r);
	summary_count(s, cl, &sum);
	assert_string_equal(summary_verdict(&sum), "launch-with-care");
	result_set(&r, STATUS_FAIL, SEVERITY_CRITICAL, "+all");
	session_record(s, "email.spf", &r);
	result_set(&r, STATUS_FAIL, SEVERITY_HIGH, "no hsts");
	session_record(s, "http.hsts", &r);
	summary_count(s, cl, &sum);
	assert_string_equal(summary_verdict(&sum), "not-ready");
	assert_int_equal(summary_blockers(s, cl, top, 3), 3);
	assert_string_equal(top[0].item->id, "email.spf");
	assert_string_equal(top[1].item->id, "http.hsts");	/* fail */
	assert_string_equal(top[2].item->id, "edge.cdn");	/* warn */
	assert_int_equal(summary_blockers(s, cl, top, 1), 1);
	summary_write(s, cl, &b);
	assert_non_null(strstr(b.data, "Not ready to launch yet: the product "
	    "has 1 critical problem that would hurt customers or the "
	    "business on launch day: “SPF record is present and valid”. Fix "
	    "these first. 2 high-severity issues should also be fixed before "
	    "launch: “Browsers are told to always use HTTPS (HSTS)” and "
	    "“Traffic passes through a CDN / firewall”."));
	buf_free(&b);

	/* Fixed: the SPF failure now passes. */
	assert_int_equal(sum.fixed, 0);
	result_set(&r, STATUS_PASS, SEVERITY_NONE, "fixed");
	session_record(s, "email.spf", &r);
	summary_count(s, cl, &sum);
	/* It passed first in all(), so this is not a "fixed" one. */
	assert_int_equal(sum.fixed, 0);
	result_clear(&r);
	session_free(s);

	/* Nothing run yet. */
	s = session_new("/nonexistent", NULL);
	summary_count(s, cl, &sum);
	assert_int_equal(sum.settled, 0);
	assert_int_equal(sum.not_run + sum.manual_open, cl->nitems);
	assert_string_equal(summary_verdict(&sum), "incomplete");
	session_free(s);
}

/* Hostile strings are escaped in every format; nothing is lost. */
static void
test_escaping(void **state)
{
	struct session	*s = session_new("/nonexistent", NULL);
	struct result	 r;
	char		*out;

	(void)state;
	s->client = xstrdup("<script>alert('x')</script> & \"co\"");
	s->consultant = xstrdup("line\nbreak\ttab\x01");
	result_init(&r);
	result_set(&r, STATUS_FAIL, SEVERITY_HIGH, "```` fence | pipe");
	result_evidence(&r, "```` four backquotes");
	result_evidence(&r, "<img src=\"http://evil.example/x.png\">");
	result_evidence(&r, "bad utf-8 \xff\xfe end");
	session_record(s, "dns.apex", &r);
	result_clear(&r);
	s->handover.open_risks = xstrdup("# not a heading\n<b>bold?</b>");

	out = render(s, FORMAT_HTML);
	assert_html_self_contained(out);
	assert_non_null(strstr(out, "&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt; &amp; &quot;co&quot;"));
	assert_non_null(strstr(out, "&lt;img src=&quot;http://evil.example"));
	free(out);

	out = render(s, FORMAT_JSON);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"line\\nbreak\\ttab\\u0001\""));
	assert_non_null(strstr(out, "bad utf-8 \\ufffd\\ufffd end"));
	free(out);

	out = render(s, FORMAT_MD);
	/* A fence longer than the evidence's own backquotes. */
	assert_non_null(strstr(out, "\n`````\n```` four backquotes\n"));
	assert_non_null(strstr(out, "\\<script\\>"));
	assert_non_null(strstr(out, "\\# not a heading"));
	assert_null(strstr(out, "\n# not a heading"));
	free(out);
	session_free(s);
}

/*
 * Handover entries of several lines (as the wizard's text editor saves
 * them): steps stay a list in Markdown, other text keeps one paragraph a
 * line; HTML escapes each line and keeps the breaks; JSON keeps "\n".
 */
static void
test_multiline(void **state)
{
	struct session	*s = session_new("/nonexistent", NULL);
	char		*out;

	(void)state;
	s->handover.deploy_steps = xstrdup("1. Build the <release> & tag it\n"
	    "2. Deploy *web*\n\n3. Check /healthz");
	s->handover.rollback = xstrdup("Revert the release\nRestore the "
	    "snapshot if a migration ran\n");
	s->handover.monitoring = xstrdup("- uptime every minute\n* pager: "
	    "Ana");

	out = render(s, FORMAT_MD);
	assert_non_null(strstr(out, "### Deploy steps\n\n"
	    "1. Build the \\<release\\> & tag it\n"
	    "2. Deploy \\*web\\*\n"
	    "3. Check /healthz\n\n###"));
	assert_non_null(strstr(out, "### Rollback\n\n"
	    "Revert the release\n\n"
	    "Restore the snapshot if a migration ran\n\n"));
	assert_non_null(strstr(out, "### Monitoring\n\n"
	    "- uptime every minute\n- pager: Ana\n\n"));
	free(out);

	/* The same lists in HTML: steps are list items, not <br> lines. */
	out = render(s, FORMAT_HTML);
	assert_html_self_contained(out);
	assert_non_null(strstr(out, "<ol>\n<li>Build the &lt;release&gt; "
	    "&amp; tag it</li>\n<li>Deploy *web*</li>\n<li>Check /healthz"
	    "</li>\n</ol>\n"));
	assert_non_null(strstr(out, "<ul>\n<li>uptime every minute</li>\n"
	    "<li>pager: Ana</li>\n</ul>\n"));
	assert_non_null(strstr(out, "<p class=\"block\">Revert the release"
	    "<br>\nRestore the snapshot if a migration ran</p>\n"));
	free(out);

	out = render(s, FORMAT_JSON);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"deploy_steps\": \"1. Build the "
	    "<release> & tag it\\n2. Deploy *web*\\n\\n3. Check "
	    "/healthz\""));
	free(out);
	session_free(s);
}

/* An engine's skip (no person's reason) is settled and shows its summary. */
static void
test_engine_skip(void **state)
{
	struct session	*s = session_new("/nonexistent", NULL);
	struct summary	 sum;
	struct result	 r;
	char		*out;
	size_t		 i;

	(void)state;
	result_init(&r);
	result_set(&r, STATUS_SKIPPED, SEVERITY_NONE, "not applicable: the "
	    "domain has no MX and no SPF record");
	session_record(s, "email.spf", &r);
	result_clear(&r);
	summary_count(s, cl, &sum);
	assert_int_equal(sum.settled, 1);
	assert_int_equal(sum.status[STATUS_SKIPPED], 1);
	for (i = 0; i < SEVERITY_COUNT; i++)
		assert_int_equal(sum.findings[i], 0);

	out = render(s, FORMAT_MD);
	assert_non_null(strstr(out, "Skipped: not applicable: the domain "
	    "has no MX and no SPF record"));
	assert_null(strstr(out, "no reason given"));
	free(out);

	/* A person's reason stands over the engine's summary. */
	session_item(s, "email.spf")->skip_reason = xstrdup("No mail yet.");
	out = render(s, FORMAT_MD);
	assert_non_null(strstr(out, "Skipped: No mail yet."));
	free(out);
	session_free(s);
}

/* The end of a final QA pass: the verdict and what changed, named. */
static void
test_final_qa(void **state)
{
	struct session	*s = all(STATUS_PASS);
	enum status	*before;
	struct buf	 b = { 0 };
	struct result	 r;
	size_t		 i, fixed = SIZE_MAX, worse = SIZE_MAX;

	(void)state;
	before = xcalloc(cl->nitems, sizeof *before);
	for (i = 0; i < cl->nitems; i++)
		before[i] = summary_status(summary_state(s, cl->items[i].id));
	handbook_qa(s, cl, before, &b);
	assert_non_null(strstr(b.data, "Nothing changed since the previous "
	    "run."));
	buf_free(&b);

	/* One check fails now; another failed before and passes now. */
	for (i = 0; i < cl->nitems && (fixed == SIZE_MAX || worse ==
	    SIZE_MAX); i++) {
		if (cl->items[i].check == NULL)
			continue;
		if (worse == SIZE_MAX)
			worse = i;
		else
			fixed = i;
	}
	before[fixed] = STATUS_FAIL;
	result_init(&r);
	result_set(&r, STATUS_FAIL, SEVERITY_CRITICAL, "now broken");
	session_record(s, cl->items[worse].id, &r);
	result_clear(&r);
	handbook_qa(s, cl, before, &b);
	assert_non_null(strstr(b.data, "Not ready to launch: 1 critical "
	    "problem is open."));
	assert_non_null(strstr(b.data, "Fixed since the previous run: 1 ("));
	assert_non_null(strstr(b.data, cl->items[fixed].title));
	assert_non_null(strstr(b.data, "New problem since the previous run: "
	    "1 ("));
	assert_non_null(strstr(b.data, cl->items[worse].title));
	buf_free(&b);
	free(before);
	session_free(s);
}

/* ---- hostile text: the one sanitiser on every terminal and Markdown path - */

/* Fails when out holds a raw control, a C1 control, a bidirectional
   override or a byte that is not valid UTF-8 (newlines are fine). */
static void
assert_clean(const char *out)
{
	const unsigned char	*p = (const unsigned char *)out;
	unsigned		 cp;
	size_t			 n, i;

	for (; *p != '\0'; p += n) {
		n = 1;
		if (*p == '\n')
			continue;
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw control 0x%02x at offset %zu: %.40s", *p,
			    (size_t)(p - (const unsigned char *)out),
			    (const char *)p);
		if (*p < 0x80)
			continue;
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else
			fail_msg("invalid UTF-8 byte 0x%02x", *p);
		cp = *p & (0xff >> (n + 1));
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				fail_msg("invalid UTF-8 after 0x%02x", *p);
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a &&
		    cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			fail_msg("raw U+%04X", cp);
	}
}

/* Lines of s that start with prefix. */
static size_t
count_lines(const char *s, const char *prefix)
{
	size_t		 n = 0, len = strlen(prefix);
	const char	*p = s;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, prefix, len) == 0)
			n++;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return n;
}

/*
 * The Markdown md with the contents of its fenced blocks left out (the
 * fence lines kept): what a renderer reads as structure.
 */
static char *
unfenced(const char *md)
{
	struct buf	 b = { 0 };
	const char	*p = md, *nl;
	size_t		 len, fence = 0, run;

	buf_puts(&b, "");
	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		run = strspn(p, "`");
		if (fence == 0 && run >= 3)
			fence = run;
		else if (fence > 0 && run >= fence && run == len)
			fence = 0;
		else if (fence > 0) {
			p += len + (nl != NULL);
			continue;
		}
		buf_add(&b, p, len);
		buf_puts(&b, "\n");
		p += len + (nl != NULL);
	}
	assert_int_equal(fence, 0);	/* every fence closed */
	return b.data;
}

/* Lines of s in all. */
static size_t
count_all_lines(const char *s)
{
	return count_lines(s, "");
}

/* Appends s through the sanitiser into a new string. */
static char *
sanitised(const char *s, int flags)
{
	struct buf	b = { 0 };

	buf_puts(&b, "");
	buf_text(&b, s, flags);
	return b.data;
}

/* The sanitiser itself: every kind of hostile byte, shown escaped. */
static void
test_sanitiser(void **state)
{
	char	*out;

	(void)state;
#define SAN(in, flags, want) do {					\
	out = sanitised(in, flags);					\
	assert_string_equal(out, want);					\
	free(out);							\
} while (0)
	SAN("plain ASCII, é ✔", 0, "plain ASCII, é ✔");
	SAN("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
	SAN("title\x1b]0;owned\x07", 0, "title\\x1b]0;owned\\x07");
	SAN("del\x7f nul-free \x01", 0, "del\\x7f nul-free \\x01");
	SAN("raw C1 \x85 and \x9b[2J", 0, "raw C1 \\x85 and \\x9b[2J");
	SAN("UTF-8 C1 \xc2\x85 \xc2\x9b", 0, "UTF-8 C1 \\u0085 \\u009b");
	SAN("bidi \xe2\x80\xae gnp.exe", 0, "bidi \\u202e gnp.exe");
	SAN("bad \xff\xfe \xe2\x80", 0, "bad \\xff\\xfe \\xe2\\x80");
	SAN("one\nline\r\twith", 0, "one\\nline\\r\\twith");
	SAN("two\nlines\x1b", TEXT_LINES, "two\nlines\\x1b");
	SAN("<script>a_b*c*[d](e) `f` | # ~g~ &amp; & h\\", TEXT_MD,
	    "\\<script\\>a\\_b\\*c\\*\\[d\\](e) \\`f\\` \\| \\# \\~g\\~ "
	    "\\&amp; & h\\\\");
	SAN("esc\x1b in md\n", TEXT_MD, "esc\\\\x1b in md\\\\n");
#undef SAN
}

/* The hostile strings the writers are fed, and a benign twin of each. */
static const char *const hostile[] = {
	"\x1b[2J\x1b]0;owned\x07 ESC sequences in a header value",
	"raw C1 \x85 and \x9b" "31m bytes, UTF-8 C1 \xc2\x85\xc2\x9b",
	"file\nname.env with a newline\n```\n# Injected heading\n<h1>x</h1>",
	"v=DKIM1; p=<script>alert(1)</script>",
	"- list? 1. list? | cell | `code` ```` fence ****",
};
static const char *const benign[] = {
	"plain value one",
	"plain value two",
	"plain\nvalue\nthree\nin\nlines",
	"plain value four",
	"plain value five",
};

/* A session whose every free-text field and result carries s[]. */
static struct session *
hostile_session(const char *const *s)
{
	struct session		*ss = session_new("/nonexistent", NULL);
	struct result		 r;
	struct item_state	*is;
	size_t			 i;

	ss->client = xstrdup(s[0]);
	ss->consultant = xstrdup(s[1]);
	result_init(&r);
	result_set(&r, STATUS_FAIL, SEVERITY_HIGH, "%s", s[3]);
	for (i = 0; i < nitems(hostile); i++)
		result_evidence(&r, "%s", s[i]);
	result_set_fix(&r, "%s", s[0]);
	session_record(ss, "email.dkim", &r);
	session_record(ss, "secrets.worktree", &r);
	result_clear(&r);
	is = session_item(ss, "dns.apex");
	is->owner = xstrdup(s[4]);
	is->note = xstrdup(s[2]);
	ss->handover.open_risks = xstrdup(s[2]);
	ss->handover.deploy_steps = xstrdup(s[1]);
	ss->handover.access = xcalloc(1, sizeof *ss->handover.access);
	ss->handover.naccess = 1;
	ss->handover.access[0].account = xstrdup(s[4]);
	ss->handover.access[0].where = xstrdup(s[0]);
	return ss;
}

/* The handover Markdown: no raw control, the same structure as benign. */
static void
test_hostile_handover(void **state)
{
	struct session	*h = hostile_session(hostile);
	struct session	*b = hostile_session(benign);
	char		*ho, *bo, *hu, *bu;

	(void)state;
	ho = render(h, FORMAT_MD);
	bo = render(b, FORMAT_MD);
	assert_clean(ho);
	assert_int_equal(count_all_lines(ho), count_all_lines(bo));
	hu = unfenced(ho);
	bu = unfenced(bo);
	assert_int_equal(count_all_lines(hu), count_all_lines(bu));
	assert_int_equal(count_lines(hu, "#"), count_lines(bu, "#"));
	assert_int_equal(count_lines(hu, "```"), count_lines(bu, "```"));
	assert_int_equal(count_lines(hu, "|"), count_lines(bu, "|"));
	assert_int_equal(count_lines(hu, "- "), count_lines(bu, "- "));
	assert_null(strstr(hu, "<script>"));
	assert_null(strstr(hu, "<h1>"));
	free(hu);
	free(bu);
	assert_non_null(strstr(ho, "\\\\x1b\\[2J"));	/* shown, escaped */
	assert_non_null(strstr(ho, "\\\\u0085"));
	/* In the evidence fence: escaped once, fence longer than ````. */
	assert_non_null(strstr(ho, "\n`````\n\\x1b[2J"));
	assert_non_null(strstr(ho, "raw C1 \\x85 and \\x9b31m"));
	free(ho);
	free(bo);
	session_free(h);
	session_free(b);
}

/* An audit's results with s[] in every field a site controls. */
static char *
hostile_audit(const char *const *s, enum format format)
{
	static const struct check_def	 defs[] = {
		{ .id = "dns.apex" }, { .id = "email.dkim" },
		{ .id = "secrets.worktree" },
	};
	struct check_run		 runs[nitems(defs)], *rp[nitems(defs)];
	struct options			 opt;
	struct audit_results		 a;
	struct buf			 b = { 0 };
	char				*err = NULL;
	size_t				 i, j;

	options_init(&opt);
	opt.domain = xstrdup("acme.test");
	opt.domain_unicode = xstrdup("acme.test");
	memset(runs, 0, sizeof runs);
	for (i = 0; i < nitems(defs); i++) {
		runs[i].def = &defs[i];
		rp[i] = &runs[i];
		result_init(&runs[i].result);
		result_set(&runs[i].result, i == 0 ? STATUS_PASS :
		    STATUS_FAIL, i == 0 ? SEVERITY_NONE : SEVERITY_HIGH, "%s",
		    s[(i + 2) % nitems(hostile)]);
		for (j = 0; j < nitems(hostile); j++)
			result_evidence(&runs[i].result, "%s", s[j]);
		result_set_fix(&runs[i].result, "%s", s[0]);
	}
	a = (struct audit_results){ .opt = &opt, .cl = cl, .runs = rp,
	    .nruns = nitems(defs), .started = 1795507200,
	    .finished = 1795507203 };
	if (report_audit(&a, format, &b, &err) != 0)
		fail_msg("audit: %s", err);
	for (i = 0; i < nitems(defs); i++)
		result_clear(&runs[i].result);
	options_clear(&opt);
	return b.data;
}

/* audit --format text and md: no raw control, the structure of benign. */
static void
test_hostile_audit(void **state)
{
	char	*ho, *bo, *hu, *bu;

	(void)state;
	ho = hostile_audit(hostile, FORMAT_TEXT);
	bo = hostile_audit(benign, FORMAT_TEXT);
	assert_clean(ho);
	assert_int_equal(count_all_lines(ho), count_all_lines(bo));
	assert_int_equal(count_lines(ho, "      "), count_lines(bo, "      "));
	assert_non_null(strstr(ho, "\n      file\\nname.env with a newline"
	    "\\n```\\n# Injected heading\\n<h1>x</h1>\n"));
	assert_non_null(strstr(ho, "\n    fix: \\x1b[2J\\x1b]0;owned\\x07 "));
	free(ho);
	free(bo);

	ho = hostile_audit(hostile, FORMAT_MD);
	bo = hostile_audit(benign, FORMAT_MD);
	assert_clean(ho);
	assert_int_equal(count_all_lines(ho), count_all_lines(bo));
	hu = unfenced(ho);
	bu = unfenced(bo);
	assert_int_equal(count_all_lines(hu), count_all_lines(bu));
	assert_int_equal(count_lines(hu, "#"), count_lines(bu, "#"));
	assert_int_equal(count_lines(hu, "## "), 3);
	assert_int_equal(count_lines(hu, "```"), count_lines(bu, "```"));
	assert_int_equal(count_lines(hu, "|"), count_lines(bu, "|"));
	assert_null(strstr(hu, "<script>"));
	free(hu);
	free(bu);
	assert_non_null(strstr(ho, "| fail | high | `email.dkim` | v=DKIM1; "
	    "p=\\<script\\>alert(1)\\</script\\> |\n"));
	free(ho);
	free(bo);

	/* JSON keeps the values, escaped by its own rules. */
	ho = hostile_audit(hostile, FORMAT_JSON);
	assert_true(json_valid(ho));
	assert_non_null(strstr(ho, "\\u001b[2J"));
	free(ho);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_md),
		cmocka_unit_test(test_golden_html),
		cmocka_unit_test(test_golden_json),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_engine_skip),
		cmocka_unit_test(test_final_qa),
		cmocka_unit_test(test_sanitiser),
		cmocka_unit_test(test_hostile_handover),
		cmocka_unit_test(test_hostile_audit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
