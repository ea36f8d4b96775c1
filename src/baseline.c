/* baseline.c: what changed between two audits (--baseline, diff). */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const struct {
	const char	*name;
	const char	*label;
} change_table[] = {
#define X(id, name, label) [CHANGE_##id] = { name, label },
	CHANGE_TABLE(X)
#undef X
};

const char *
change_name(enum change c)
{
	return c < CHANGE_COUNT ? change_table[c].name : "?";
}

const char *
change_label(enum change c)
{
	return c < CHANGE_COUNT ? _(change_table[c].label) : "?";
}

struct baseline *
baseline_new(const char *domain, const char *started)
{
	struct baseline	*b = xcalloc(1, sizeof *b);

	b->domain = xstrdup(domain != NULL ? domain : "");
	b->started = xstrdup(started != NULL ? started : "");
	return b;
}

void
baseline_add(struct baseline *b, const char *id, const char *title,
    enum status status, enum severity severity)
{
	struct baseline_check	*c;

	b->checks = xreallocarray(b->checks, b->n + 1, sizeof *b->checks);
	c = &b->checks[b->n++];
	c->id = xstrdup(id);
	c->title = xstrdup(title != NULL ? title : id);
	c->status = status;
	c->severity = severity;
}

void
baseline_free(struct baseline *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->checks[i].id);
		free(b->checks[i].title);
	}
	free(b->checks);
	free(b->path);
	free(b->domain);
	free(b->started);
	free(b);
}

/* Reads the audit of the JSON tree; NULL with *err naming what is wrong. */
static struct baseline *
baseline_of(const struct json *j, const char *name, char **err)
{
	const struct json	*checks;
	const char		*tool, *domain;
	struct baseline		*b;
	size_t			 i, k;

	tool = json_get_string(j, "tool");
	domain = json_get_string(j, "domain");
	checks = json_get(j, "checks");
	if (tool == NULL || strcmp(tool, "launchready") != 0 ||
	    domain == NULL || checks == NULL || checks->type != JSON_ARRAY) {
		set_error(err, _("%s: not an audit written by `launchready "
		    "audit --format json`"), name);
		return NULL;
	}
	if (checks->n > BASELINE_MAX_CHECKS) {
		set_error(err, _("%s: %zu checks; an audit has at most %d"),
		    name, checks->n, BASELINE_MAX_CHECKS);
		return NULL;
	}
	b = baseline_new(domain, json_get_string(j, "started"));
	for (i = 0; i < checks->n; i++) {
		const struct json	*c = checks->v[i];
		const char		*id, *st, *sev, *title;
		enum status		 status;
		enum severity		 severity = SEVERITY_NONE;

		id = json_get_string(c, "id");
		st = json_get_string(c, "status");
		sev = json_get_string(c, "severity");
		title = json_get_string(c, "title");
		if (id == NULL || *id == '\0' || st == NULL ||
		    status_parse(st, &status) == -1 ||
		    (sev != NULL && severity_parse(sev, &severity) == -1)) {
			set_error(err, _("%s: check %zu has no id or an unknown "
			    "status or severity"), name, i + 1);
			baseline_free(b);
			return NULL;
		}
		for (k = 0; k < b->n; k++) {
			if (strcmp(b->checks[k].id, id) == 0) {
				set_error(err, _("%s: check %s is listed twice"),
				    name, id);
				baseline_free(b);
				return NULL;
			}
		}
		baseline_add(b, id, title, status, severity);
	}
	return b;
}

struct baseline *
baseline_parse(const char *data, size_t len, const char *name, char **err)
{
	struct json	*j;
	struct baseline	*b;
	char		*jerr = NULL;

	if ((j = json_parse(data, len, &jerr)) == NULL) {
		set_error(err, _("%s: not JSON: %s"), name, jerr);
		free(jerr);
		return NULL;
	}
	b = baseline_of(j, name, err);
	json_free(j);
	return b;
}

struct baseline *
baseline_load(const char *path, char **err)
{
	FILE		*f;
	char		*data;
	size_t		 len = 0, n;
	struct baseline	*b;

	if ((f = fopen(path, "r")) == NULL) {
		set_error(err, _("%s: cannot read: %s"), path, strerror(errno));
		return NULL;
	}
	data = xmalloc(JSON_MAX_SIZE + 1);
	while ((n = fread(data + len, 1, JSON_MAX_SIZE + 1 - len, f)) > 0) {
		len += n;
		if (len > JSON_MAX_SIZE)
			break;
	}
	if (ferror(f)) {
		set_error(err, _("%s: cannot read: %s"), path, strerror(errno));
		b = NULL;
	} else if (len > JSON_MAX_SIZE) {
		set_error(err, _("%s: larger than %d MB; an audit is smaller"),
		    path, JSON_MAX_SIZE >> 20);
		b = NULL;
	} else if ((b = baseline_parse(data, len, path, err)) != NULL)
		b->path = xstrdup(path);
	fclose(f);
	free(data);
	return b;
}

/* How bad a status is for the comparison: 0 nothing found, 1 warn, 2 fail. */
static int
baseline_rank(enum status s)
{
	return s == STATUS_FAIL ? 2 : s == STATUS_WARN ? 1 : 0;
}

/* The change from before (NULL: absent) to after. */
static enum change
baseline_change(const struct baseline_check *before,
    const struct baseline_check *after)
{
	int	rb, ra;

	if (before == NULL)
		return CHANGE_NEW;
	if (before->status == STATUS_ERROR || after->status == STATUS_ERROR)
		return CHANGE_UNCHANGED;
	rb = baseline_rank(before->status);
	ra = baseline_rank(after->status);
	if (rb > 0 && ra == 0)
		return CHANGE_FIXED;
	if (ra > rb || (ra > 0 && rb > 0 && after->severity > before->severity))
		return CHANGE_REGRESSED;
	return CHANGE_UNCHANGED;
}

void
baseline_compare(const struct baseline *before, const struct baseline *after,
    struct comparison *cmp)
{
	size_t	i, k;

	memset(cmp, 0, sizeof *cmp);
	cmp->before = before;
	cmp->after = after;
	cmp->v = xcalloc(after->n > 0 ? after->n : 1, sizeof *cmp->v);
	for (i = 0; i < after->n; i++) {
		struct change_entry *e = &cmp->v[cmp->n++];

		e->after = &after->checks[i];
		for (k = 0; k < before->n; k++) {
			if (strcmp(before->checks[k].id, e->after->id) == 0) {
				e->before = &before->checks[k];
				break;
			}
		}
		e->change = baseline_change(e->before, e->after);
		cmp->counts[e->change]++;
	}
}

void
comparison_clear(struct comparison *cmp)
{
	free(cmp->v);
	memset(cmp, 0, sizeof *cmp);
}

enum change
comparison_change(const struct comparison *cmp, const char *id)
{
	size_t	i;

	for (i = 0; i < cmp->n; i++) {
		if (strcmp(cmp->v[i].after->id, id) == 0)
			return cmp->v[i].change;
	}
	return CHANGE_NEW;
}

bool
comparison_fails(const struct comparison *cmp, enum severity sev)
{
	size_t	i;

	for (i = 0; i < cmp->n; i++) {
		const struct change_entry *e = &cmp->v[i];

		if ((e->change == CHANGE_NEW || e->change == CHANGE_REGRESSED) &&
		    status_is_finding(e->after->status) &&
		    e->after->severity >= sev)
			return true;
	}
	return false;
}

/* "fail high" or "pass": a status with its severity when it has one. */
static void
comparison_state(struct buf *b, const struct baseline_check *c)
{
	if (c == NULL) {
		buf_puts(b, _("absent"));
		return;
	}
	buf_puts(b, status_name(c->status));
	if (status_is_finding(c->status) && c->severity != SEVERITY_NONE)
		buf_printf(b, " %s", severity_name(c->severity));
}

void
comparison_text(const struct comparison *cmp, struct buf *b)
{
	const struct baseline	*before = cmp->before;
	size_t			 i;

	char			*line;

	/* Every string read from a file goes through the sanitiser. */
	buf_puts(b, "\n");
	if (before->path != NULL)
		line = xprintf(_("Against the baseline %s (audit of %s, %s):"),
		    before->path, before->domain, before->started);
	else
		line = xprintf(_("Against the earlier audit of %s (%s):"),
		    before->domain, before->started);
	buf_text(b, line, 0);
	buf_puts(b, "\n");
	free(line);
	for (i = 0; i < cmp->n; i++) {
		const struct change_entry *e = &cmp->v[i];

		if (e->change == CHANGE_UNCHANGED)
			continue;
		line = xprintf("  %-10s %-22s ", change_label(e->change),
		    e->after->id);
		buf_text(b, line, 0);
		free(line);
		comparison_state(b, e->before);
		buf_puts(b, " -> ");
		comparison_state(b, e->after);
		buf_puts(b, "  ");
		buf_text(b, e->after->title, 0);
		buf_puts(b, "\n");
	}
	buf_printf(b, ngettext("  %zu check unchanged\n",
	    "  %zu checks unchanged\n", cmp->counts[CHANGE_UNCHANGED]),
	    cmp->counts[CHANGE_UNCHANGED]);
	buf_printf(b, _("since the baseline: %zu regressed, %zu fixed\n"),
	    cmp->counts[CHANGE_REGRESSED], cmp->counts[CHANGE_FIXED]);
}

/* Appends a check's state as a JSON object, or null. */
static void
comparison_state_json(struct buf *b, const struct baseline_check *c)
{
	if (c == NULL) {
		buf_puts(b, "null");
		return;
	}
	buf_puts(b, "{\"status\": ");
	buf_json(b, status_name(c->status));
	buf_puts(b, ", \"severity\": ");
	buf_json(b, severity_name(c->severity));
	buf_puts(b, "}");
}

void
comparison_json(const struct comparison *cmp, struct buf *b)
{
	size_t	i;

	buf_puts(b, "{\"file\": ");
	if (cmp->before->path != NULL)
		buf_json(b, cmp->before->path);
	else
		buf_puts(b, "null");
	buf_puts(b, ", \"domain\": ");
	buf_json(b, cmp->before->domain);
	buf_puts(b, ", \"started\": ");
	buf_json(b, cmp->before->started);
	for (i = 0; i < CHANGE_COUNT; i++)
		buf_printf(b, ", \"%s\": %zu", change_name(i), cmp->counts[i]);
	buf_puts(b, ",\n  \"checks\": [");
	for (i = 0; i < cmp->n; i++) {
		const struct change_entry *e = &cmp->v[i];

		buf_puts(b, i == 0 ? "\n   " : ",\n   ");
		buf_puts(b, "{\"id\": ");
		buf_json(b, e->after->id);
		buf_puts(b, ", \"change\": ");
		buf_json(b, change_name(e->change));
		buf_puts(b, ", \"before\": ");
		comparison_state_json(b, e->before);
		buf_puts(b, ", \"after\": ");
		comparison_state_json(b, e->after);
		buf_puts(b, "}");
	}
	buf_puts(b, "\n  ]}");
}
