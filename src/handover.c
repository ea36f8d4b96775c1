/*
 * handover.c: the handover data of a session (access list, texts, the
 * launch decision, alert owners, the secret inventory) and its "handover"
 * group in the session file.
 */

#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "launchready.h"

/* Bounds on what the group may hold. */
#define HANDOVER_MAX_ACCESS	500
#define HANDOVER_MAX_SECRETS	5000
#define HANDOVER_MAX_TEXT	(64 * 1024)

static const char *decision_names[] = {
#define X(id, name, label) name,
	DECISION_TABLE(X)
#undef X
};
static const char *decision_labels[] = {
#define X(id, name, label) label,
	DECISION_TABLE(X)
#undef X
};
static const char *alert_keys[] = {
#define X(id, key, label) key,
	ALERT_TABLE(X)
#undef X
};
static const char *alert_labels[] = {
#define X(id, key, label) label,
	ALERT_TABLE(X)
#undef X
};
static const char *secret_status_names[] = {
#define X(id, name, label) name,
	SECRET_STATUS_TABLE(X)
#undef X
};
static const char *secret_status_labels[] = {
#define X(id, name, label) label,
	SECRET_STATUS_TABLE(X)
#undef X
};

const char *
decision_name(enum decision d)
{
	return d < DECISION_COUNT ? decision_names[d] : "none";
}

const char *
decision_label(enum decision d)
{
	return _(d < DECISION_COUNT ? decision_labels[d] : decision_labels[0]);
}

int
decision_parse(const char *s, enum decision *out)
{
	size_t	i;

	for (i = 0; i < DECISION_COUNT; i++) {
		if (strcmp(s, decision_names[i]) == 0) {
			*out = (enum decision)i;
			return 0;
		}
	}
	return -1;
}

const char *
alert_key(enum alert a)
{
	return alert_keys[a];
}

const char *
alert_label(enum alert a)
{
	return _(alert_labels[a]);
}

const char *
secret_status_name(enum secret_status st)
{
	return secret_status_names[st];
}

const char *
secret_status_label(enum secret_status st)
{
	return _(secret_status_labels[st]);
}

int
secret_status_parse(const char *s, enum secret_status *out)
{
	size_t	i;

	for (i = 0; i < SECRET_STATUS_COUNT; i++) {
		if (strcmp(s, secret_status_names[i]) == 0) {
			*out = (enum secret_status)i;
			return 0;
		}
	}
	return -1;
}

/* Frees one inventory row's strings. */
static void
handover_row_clear(struct secret_row *row)
{
	free(row->kind);
	free(row->path);
	free(row->commit);
	strlist_clear(&row->paths);
	free(row->owner);
	free(row->reason);
}

void
handover_clear(struct handover *h)
{
	size_t	i;

	for (i = 0; i < h->naccess; i++) {
		free(h->access[i].account);
		free(h->access[i].provider);
		free(h->access[i].owner);
		free(h->access[i].where);
	}
	free(h->access);
	free(h->deploy_steps);
	free(h->rollback);
	free(h->monitoring);
	free(h->open_risks);
	free(h->decision.conditions);
	free(h->decision.who);
	for (i = 0; i < ALERT_COUNT; i++)
		free(h->alert_owner[i]);
	for (i = 0; i < h->nsecrets; i++)
		handover_row_clear(&h->secrets[i]);
	free(h->secrets);
	memset(h, 0, sizeof *h);
}

void
handover_remove_access(struct handover *h, size_t i)
{
	struct access_entry	*ae;

	if (i >= h->naccess)
		return;
	ae = &h->access[i];
	free(ae->account);
	free(ae->provider);
	free(ae->owner);
	free(ae->where);
	memmove(ae, ae + 1, (h->naccess - i - 1) * sizeof *ae);
	h->naccess--;
}

/* ---- writing ----------------------------------------------------------- */

/* Adds a string member unless value is NULL. */
static void
handover_put_string(config_setting_t *g, const char *name, const char *v)
{
	if (v != NULL)
		config_setting_set_string(config_setting_add(g, name,
		    CONFIG_TYPE_STRING), v);
}

/* Adds a time as an ISO string unless it is 0. */
static void
handover_put_time(config_setting_t *g, const char *name, time_t t)
{
	if (t != 0)
		handover_put_string(g, name, time_iso(t));
}

/* Adds one row of the secret inventory to list l. */
static void
handover_put_row(config_setting_t *l, const struct secret_row *row)
{
	config_setting_t	*e, *a;
	size_t			 i;

	e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
	handover_put_string(e, "fingerprint", row->fingerprint);
	handover_put_string(e, "kind", row->kind);
	handover_put_string(e, "path", row->path);
	if (row->line > 0)
		config_setting_set_int(config_setting_add(e, "line",
		    CONFIG_TYPE_INT), row->line > INT_MAX ? INT_MAX :
		    (int)row->line);
	handover_put_string(e, "commit", row->commit);
	handover_put_time(e, "commit_date", row->commit_date);
	if (row->paths.n > 0) {
		a = config_setting_add(e, "paths", CONFIG_TYPE_ARRAY);
		for (i = 0; i < row->paths.n; i++)
			config_setting_set_string_elem(a, -1, row->paths.v[i]);
	}
	handover_put_string(e, "owner", row->owner);
	handover_put_string(e, "status", secret_status_name(row->status));
	handover_put_time(e, "rotated", row->rotated);
	handover_put_string(e, "reason", row->reason);
	handover_put_time(e, "first_seen", row->first_seen);
	handover_put_time(e, "last_seen", row->last_seen);
	handover_put_time(e, "reappeared", row->reappeared);
}

void
handover_build(struct config_setting_t *g, const struct handover *h)
{
	config_setting_t	*l, *e;
	size_t			 i;

	l = config_setting_add(g, "access", CONFIG_TYPE_LIST);
	for (i = 0; i < h->naccess; i++) {
		const struct access_entry *ae = &h->access[i];

		e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
		handover_put_string(e, "account", ae->account);
		handover_put_string(e, "provider", ae->provider);
		handover_put_string(e, "owner", ae->owner);
		handover_put_string(e, "where", ae->where);
	}
	handover_put_string(g, "deploy_steps", h->deploy_steps);
	handover_put_string(g, "rollback", h->rollback);
	if (h->rollback_minutes > 0)
		config_setting_set_int(config_setting_add(g,
		    "rollback_minutes", CONFIG_TYPE_INT), h->rollback_minutes);
	handover_put_string(g, "monitoring", h->monitoring);
	handover_put_string(g, "open_risks", h->open_risks);
	handover_put_time(g, "final_qa", h->final_qa);

	if (h->decision.kind != DECISION_NONE ||
	    h->decision.conditions != NULL || h->decision.who != NULL) {
		e = config_setting_add(g, "decision", CONFIG_TYPE_GROUP);
		handover_put_string(e, "kind", decision_name(h->decision.kind));
		handover_put_string(e, "conditions", h->decision.conditions);
		handover_put_string(e, "who", h->decision.who);
		handover_put_time(e, "when", h->decision.when);
	}
	e = config_setting_add(g, "alert_owners", CONFIG_TYPE_GROUP);
	for (i = 0; i < ALERT_COUNT; i++)
		handover_put_string(e, alert_keys[i], h->alert_owner[i]);
	l = config_setting_add(g, "secrets", CONFIG_TYPE_LIST);
	for (i = 0; i < h->nsecrets; i++)
		handover_put_row(l, &h->secrets[i]);
}

/* ---- reading ----------------------------------------------------------- */

/* Sets *err to "PATH:LINE: message" for setting at; returns -1. */
static int printflike(4, 5)
handover_fail(const char *path, char **err, config_setting_t *at,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvprintf(fmt, ap);
	va_end(ap);
	set_error(err, "%s:%d: %s", path, config_setting_source_line(at), msg);
	free(msg);
	return -1;
}

/* What a read is working on. */
struct handover_reader {
	const char	*path;
	char		**err;
};

/* An optional string member into *out (NULL when absent). */
static int
handover_get_string(struct handover_reader *r, config_setting_t *g,
    const char *name, char **out)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	const char		*v;

	free(*out);
	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL)
		return handover_fail(r->path, r->err, s,
		    _("\"%s\" must be a string"), name);
	if (strlen(v) > HANDOVER_MAX_TEXT)
		return handover_fail(r->path, r->err, s,
		    _("\"%s\" is longer than %zu bytes"), name,
		    (size_t)HANDOVER_MAX_TEXT);
	*out = xstrdup(v);
	return 0;
}

/* An optional time member. */
static int
handover_get_time(struct handover_reader *r, config_setting_t *g,
    const char *name, time_t *out)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	const char		*v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL ||
	    time_parse_iso(v, out) == -1)
		return handover_fail(r->path, r->err, s, _("\"%s\" is not a "
		    "time like 2026-11-24T13:05:00Z"), name);
	return 0;
}

/* An optional whole number within [min, max]. */
static int
handover_get_int(struct handover_reader *r, config_setting_t *g,
    const char *name, int *out, int min, int max)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	int			 v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return handover_fail(r->path, r->err, s,
		    _("\"%s\" must be a whole number"), name);
	v = config_setting_get_int(s);
	if (v < min || v > max)
		return handover_fail(r->path, r->err, s, _("\"%s\" is %d, out "
		    "of range (%d to %d)"), name, v, min, max);
	*out = v;
	return 0;
}

/* An optional list of groups, at most max long; *n its length. */
static int
handover_get_groups(struct handover_reader *r, config_setting_t *g,
    const char *name, config_setting_t **out, int *n, int max)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	int			 i;

	*out = NULL;
	*n = 0;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(s) == CONFIG_TYPE_ARRAY &&
	    config_setting_length(s) == 0))
		return handover_fail(r->path, r->err, s,
		    _("\"%s\" must be a list ( ... )"), name);
	*n = config_setting_length(s);
	if (*n > max)
		return handover_fail(r->path, r->err, s, _("\"%s\" has %d "
		    "entries; at most %d are allowed"), name, *n, max);
	for (i = 0; i < *n; i++) {
		if (config_setting_type(config_setting_get_elem(s, i)) !=
		    CONFIG_TYPE_GROUP)
			return handover_fail(r->path, r->err,
			    config_setting_get_elem(s, i), _("each entry of "
			    "\"%s\" must be a group { ... }"), name);
	}
	*out = s;
	return 0;
}

/* An optional group member. */
static int
handover_get_group(struct handover_reader *r, config_setting_t *g,
    const char *name, config_setting_t **out)
{
	config_setting_t	*s = config_setting_get_member(g, name);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return handover_fail(r->path, r->err, s,
		    _("\"%s\" must be a group { ... }"), name);
	*out = s;
	return 0;
}

/* True when s is exactly n lower-case hex digits. */
static bool
handover_is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[n] == '\0';
}

/* Reads one row of the secret inventory. */
static int
handover_get_row(struct handover_reader *r, config_setting_t *e,
    struct handover *h, struct secret_row *row)
{
	char			*fp = NULL, *st = NULL;
	config_setting_t	*a, *v;
	int			 line = 0, i, n;
	size_t			 j;

	if (handover_get_string(r, e, "fingerprint", &fp) == -1)
		return -1;
	if (fp == NULL || !handover_is_hex(fp, INVENTORY_FP_HEX)) {
		free(fp);
		return handover_fail(r->path, r->err, e, _("a secret needs a "
		    "\"fingerprint\" of %d hex digits"), INVENTORY_FP_HEX);
	}
	for (j = 0; j < h->nsecrets; j++) {
		if (strcmp(h->secrets[j].fingerprint, fp) == 0) {
			handover_fail(r->path, r->err, e, _("secret %s is "
			    "listed twice"), fp);
			free(fp);
			return -1;
		}
	}
	memcpy(row->fingerprint, fp, INVENTORY_FP_HEX + 1);
	free(fp);
	if (handover_get_string(r, e, "kind", &row->kind) == -1 ||
	    handover_get_string(r, e, "path", &row->path) == -1 ||
	    handover_get_int(r, e, "line", &line, 0, INT_MAX) == -1 ||
	    handover_get_string(r, e, "commit", &row->commit) == -1 ||
	    handover_get_time(r, e, "commit_date", &row->commit_date) == -1 ||
	    handover_get_string(r, e, "owner", &row->owner) == -1 ||
	    handover_get_string(r, e, "status", &st) == -1 ||
	    handover_get_time(r, e, "rotated", &row->rotated) == -1 ||
	    handover_get_string(r, e, "reason", &row->reason) == -1 ||
	    handover_get_time(r, e, "first_seen", &row->first_seen) == -1 ||
	    handover_get_time(r, e, "last_seen", &row->last_seen) == -1 ||
	    handover_get_time(r, e, "reappeared", &row->reappeared) == -1) {
		free(st);
		return -1;
	}
	row->line = (unsigned)line;
	row->status = SECRET_EXPOSED;
	if (st != NULL && secret_status_parse(st, &row->status) == -1) {
		handover_fail(r->path, r->err, config_setting_get_member(e,
		    "status"), _("unknown secret status \"%s\""), st);
		free(st);
		return -1;
	}
	free(st);
	if ((a = config_setting_get_member(e, "paths")) == NULL)
		return 0;
	if (config_setting_type(a) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(a) != CONFIG_TYPE_LIST)
		return handover_fail(r->path, r->err, a, _("\"%s\" must be a "
		    "list of strings [\"a\", \"b\"]"), "paths");
	n = config_setting_length(a);
	if (n > INVENTORY_MAX_PATHS)
		return handover_fail(r->path, r->err, a, _("\"%s\" has %d "
		    "entries; at most %d are allowed"), "paths", n,
		    INVENTORY_MAX_PATHS);
	for (i = 0; i < n; i++) {
		v = config_setting_get_elem(a, i);
		if (config_setting_type(v) != CONFIG_TYPE_STRING ||
		    strlen(config_setting_get_string(v)) > PATH_MAX)
			return handover_fail(r->path, r->err, v, _("\"%s\" "
			    "must be a list of strings"), "paths");
		strlist_add(&row->paths, config_setting_get_string(v));
	}
	return 0;
}

/* Reads the decision and the alert owners. */
static int
handover_get_decision(struct handover_reader *r, config_setting_t *g,
    struct handover *h)
{
	config_setting_t	*d;
	char			*kind = NULL;
	size_t			 i;

	if (handover_get_group(r, g, "decision", &d) == -1)
		return -1;
	if (d != NULL) {
		if (handover_get_string(r, d, "kind", &kind) == -1)
			return -1;
		if (kind != NULL && decision_parse(kind,
		    &h->decision.kind) == -1) {
			handover_fail(r->path, r->err, config_setting_get_member(d,
			    "kind"), _("unknown decision \"%s\" (ship, "
			    "ship-conditions or stop)"), kind);
			free(kind);
			return -1;
		}
		free(kind);
		if (handover_get_string(r, d, "conditions",
		    &h->decision.conditions) == -1 ||
		    handover_get_string(r, d, "who", &h->decision.who) == -1 ||
		    handover_get_time(r, d, "when", &h->decision.when) == -1)
			return -1;
	}
	if (handover_get_group(r, g, "alert_owners", &d) == -1)
		return -1;
	for (i = 0; d != NULL && i < ALERT_COUNT; i++) {
		if (handover_get_string(r, d, alert_keys[i],
		    &h->alert_owner[i]) == -1)
			return -1;
	}
	return 0;
}

int
handover_read(struct config_setting_t *g, struct handover *h,
    const char *path, char **err)
{
	struct handover_reader	 r = { .path = path, .err = err };
	config_setting_t	*list, *e;
	int			 n, i;

	if (handover_get_groups(&r, g, "access", &list, &n,
	    HANDOVER_MAX_ACCESS) == -1)
		return -1;
	h->access = n > 0 ? xcalloc(n, sizeof *h->access) : NULL;
	for (i = 0; i < n; i++) {
		struct access_entry *ae = &h->access[h->naccess++];

		e = config_setting_get_elem(list, i);
		if (handover_get_string(&r, e, "account", &ae->account) == -1 ||
		    handover_get_string(&r, e, "provider", &ae->provider) == -1 ||
		    handover_get_string(&r, e, "owner", &ae->owner) == -1 ||
		    handover_get_string(&r, e, "where", &ae->where) == -1)
			return -1;
	}
	if (handover_get_string(&r, g, "deploy_steps", &h->deploy_steps) == -1 ||
	    handover_get_string(&r, g, "rollback", &h->rollback) == -1 ||
	    handover_get_int(&r, g, "rollback_minutes", &h->rollback_minutes,
	    1, HANDOVER_MAX_ROLLBACK_MINUTES) == -1 ||
	    handover_get_string(&r, g, "monitoring", &h->monitoring) == -1 ||
	    handover_get_string(&r, g, "open_risks", &h->open_risks) == -1 ||
	    handover_get_time(&r, g, "final_qa", &h->final_qa) == -1 ||
	    handover_get_decision(&r, g, h) == -1)
		return -1;
	if (handover_get_groups(&r, g, "secrets", &list, &n,
	    HANDOVER_MAX_SECRETS) == -1)
		return -1;
	h->secrets = n > 0 ? xcalloc(n, sizeof *h->secrets) : NULL;
	for (i = 0; i < n; i++) {
		if (handover_get_row(&r, config_setting_get_elem(list, i), h,
		    &h->secrets[h->nsecrets]) == -1) {
			/* Counted so that its strings are freed. */
			h->nsecrets++;
			return -1;
		}
		h->nsecrets++;
	}
	return 0;
}
