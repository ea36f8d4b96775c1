/*
 * session.c: resumable sessions. One libconfig file per session, saved
 * atomically, loaded with bounds, locked against a second editor.
 */

#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "launchready.h"

/* Bounds on what a session file may hold. */
#define SESSION_MAX_FILE	(16 * 1024 * 1024)
#define SESSION_MAX_ITEMS	2000
#define SESSION_MAX_LIST	256	/* subdomains, selectors, URLs... */
#define SESSION_MAX_TEXT	(64 * 1024)	/* one string */
#define SESSION_MAX_EVLINE	(RESULT_MAX_LINE + 8)

/* What a load is working on, for messages. */
struct session_reader {
	const char	*path;
	char		**err;
	int		  last_line;	/* for what is missing at the end */
};

char *
session_dir(const struct options *opt)
{
	const char	*xdg, *home;
	struct passwd	*pw;

	if (opt != NULL && opt->session_dir != NULL && *opt->session_dir != '\0')
		return xstrdup(opt->session_dir);
	xdg = getenv("XDG_DATA_HOME");
	if (xdg != NULL && *xdg == '/')
		return xprintf("%s/launchready/sessions", xdg);
	home = getenv("HOME");
	if ((home == NULL || *home == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || *home == '\0')
		home = ".";
	return xprintf("%s/.local/share/launchready/sessions", home);
}

/*
 * The sessions directory must be yours and writable by you alone: one that
 * is (or a link leads to) a directory of another user or one others can
 * write is refused; yours with group or other read access is tightened to
 * 0700 (never through a link).
 */
static int
session_dir_safe(const char *dir, char **err)
{
	struct stat	sb, lsb;

	if (lstat(dir, &lsb) == -1 || stat(dir, &sb) == -1)
		return set_error(err, "%s: %s", dir, strerror(errno));
	if (sb.st_uid != geteuid())
		return set_error(err, _("%s: the sessions directory belongs "
		    "to another user; give one of yours (--session-dir)"),
		    dir);
	if ((sb.st_mode & (S_IWGRP | S_IWOTH | S_ISVTX)) != 0)
		return set_error(err, _("%s: others can write to the sessions "
		    "directory (mode %04o); make it 0700 or give another "
		    "(--session-dir)"), dir, (unsigned)(sb.st_mode & 07777));
	if (S_ISLNK(lsb.st_mode) || (sb.st_mode & 077) == 0)
		return 0;
	if (chmod(dir, 0700) == -1)
		return set_error(err, _("%s: cannot make the sessions directory "
		    "private (0700): %s"), dir, strerror(errno));
	return 0;
}

/* Creates dir and its missing parents with mode 0700. */
static int
session_mkdir(const char *dir, char **err)
{
	char		*copy, *p;
	struct stat	 sb;

	if (*dir == '\0')
		return set_error(err, _("the sessions directory is empty"));
	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return set_error(err, _("%s: not a directory"), dir);
		return session_dir_safe(dir, err);
	}
	copy = xstrdup(dir);
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, 0700) == -1 && errno != EEXIST) {
				set_error(err, _("cannot create the sessions "
				    "directory %s: %s"), copy, strerror(errno));
				free(copy);
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	free(copy);
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return set_error(err, _("%s: not a directory"), dir);
	return session_dir_safe(dir, err);
}

/* The directory part of path (newly allocated). */
static char *
session_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/* The session name of a path: its base name without ".cfg". */
static char *
session_name_of(const char *path)
{
	const char	*base = strrchr(path, '/');
	size_t		 len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
		len -= 4;
	return xstrndup(base, len);
}

/* Whether a file exists at path (any type). */
static bool
session_exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

struct session *
session_new(const char *dir, const struct options *opt)
{
	struct session	*s;
	char		*base, *p, *cfg, *lock;
	int		 n;

	s = xcalloc(1, sizeof *s);
	s->version = SESSION_FORMAT_VERSION;
	s->created = s->started = time(NULL);
	s->selected_stage = 1;
	s->lock_fd = -1;
	options_init(&s->opt);
	if (opt != NULL)
		options_copy(&s->opt, opt);
	free(s->opt.session_dir);
	s->opt.session_dir = NULL;
	s->sends_email = s->opt.email;

	/* Name it after the domain, keeping only safe characters. */
	base = xstrdup(opt != NULL && opt->domain != NULL && *opt->domain != '\0' ?
	    opt->domain : "session");
	for (p = base; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-' || *p == '_'))
			*p = '-';
	}
	if (*base == '.')
		*base = '_';
	for (n = 1; ; n++) {
		free(s->name);
		s->name = n == 1 ? xstrdup(base) : xprintf("%s-%d", base, n);
		cfg = xprintf("%s/%s.cfg", dir, s->name);
		lock = xprintf("%s.lock", cfg);
		if (!session_exists(cfg) && !session_exists(lock)) {
			free(lock);
			s->path = cfg;
			break;
		}
		free(lock);
		free(cfg);
	}
	free(base);
	return s;
}

void
session_free(struct session *s)
{
	size_t	i;

	if (s == NULL)
		return;
	session_unlock(s);
	for (i = 0; i < s->nitems; i++) {
		struct item_state *is = &s->items[i];

		free(is->id);
		result_clear(&is->first);
		result_clear(&is->latest);
		free(is->owner);
		free(is->note);
		free(is->skip_reason);
	}
	free(s->items);
	free(s->selected_item);
	handover_clear(&s->handover);
	free(s->client);
	free(s->consultant);
	options_clear(&s->opt);
	free(s->name);
	free(s->path);
	free(s);
}

struct item_state *
session_item(struct session *s, const char *id)
{
	struct item_state	*is;
	size_t			 i;

	for (i = 0; i < s->nitems; i++) {
		if (strcmp(s->items[i].id, id) == 0)
			return &s->items[i];
	}
	s->items = xreallocarray(s->items, s->nitems + 1, sizeof *s->items);
	is = &s->items[s->nitems++];
	memset(is, 0, sizeof *is);
	is->id = xstrdup(id);
	is->status = STATUS_PENDING;
	result_init(&is->first);
	result_init(&is->latest);
	return is;
}

void
session_record(struct session *s, const char *id, const struct result *r)
{
	struct item_state	*is = session_item(s, id);

	result_copy(&is->latest, r);
	is->has_latest = true;
	if (!is->has_first) {
		result_copy(&is->first, r);
		is->has_first = true;
	}
	if (is->status != STATUS_SKIPPED)
		is->status = r->status;
}

int
session_hour(const struct session *s, time_t now)
{
	if (now <= s->started)
		return 0;
	return (int)((now - s->started) / 3600);
}

/* ---- writing ----------------------------------------------------------- */

/* Adds a string member unless value is NULL. */
static void
session_put_string(config_setting_t *parent, const char *name,
    const char *value)
{
	if (value != NULL)
		config_setting_set_string(config_setting_add(parent, name,
		    CONFIG_TYPE_STRING), value);
}

static void
session_put_int(config_setting_t *parent, const char *name, int value)
{
	config_setting_set_int(config_setting_add(parent, name,
	    CONFIG_TYPE_INT), value);
}

/* Adds a time as an ISO string unless it is 0. */
static void
session_put_time(config_setting_t *parent, const char *name, time_t t)
{
	if (t != 0)
		session_put_string(parent, name, time_iso(t));
}

static void
session_put_list(config_setting_t *parent, const char *name,
    const struct strlist *sl)
{
	config_setting_t	*a;
	size_t			 i;

	if (sl->n == 0)
		return;
	a = config_setting_add(parent, name, CONFIG_TYPE_ARRAY);
	for (i = 0; i < sl->n; i++)
		config_setting_set_string_elem(a, -1, sl->v[i]);
}

static void
session_put_result(config_setting_t *parent, const char *name,
    const struct result *r)
{
	config_setting_t	*g, *a;
	size_t			 i;

	g = config_setting_add(parent, name, CONFIG_TYPE_GROUP);
	session_put_string(g, "status", status_name(r->status));
	session_put_string(g, "severity", severity_name(r->severity));
	session_put_string(g, "summary", r->summary);
	if (r->nevidence > 0) {
		a = config_setting_add(g, "evidence", CONFIG_TYPE_ARRAY);
		for (i = 0; i < r->nevidence; i++)
			config_setting_set_string_elem(a, -1, r->evidence[i]);
	}
	if (r->dropped > 0)
		session_put_int(g, "dropped", (int)(r->dropped > INT_MAX ?
		    INT_MAX : r->dropped));
	session_put_string(g, "fix", r->fix);
	session_put_int(g, "duration_ms", (int)(r->duration_ms > INT_MAX ?
	    INT_MAX : r->duration_ms));
	session_put_time(g, "when", r->when);
}

/* Builds the configuration tree of a session, with saved as its time. */
static void
session_build(const struct session *s, config_t *cfg, time_t saved)
{
	config_setting_t	*root = config_root_setting(cfg), *g, *l, *e;
	const struct options	*opt = &s->opt;
	size_t			 i;

	session_put_int(root, "version", SESSION_FORMAT_VERSION);
	session_put_time(root, "created", s->created);
	session_put_time(root, "started", s->started);
	session_put_time(root, "saved", saved);
	session_put_int(root, "selected_stage", s->selected_stage);
	session_put_string(root, "selected_item", s->selected_item);

	g = config_setting_add(root, "form", CONFIG_TYPE_GROUP);
	session_put_string(g, "client", s->client);
	session_put_string(g, "consultant", s->consultant);
	session_put_int(g, "sends_email", s->sends_email);
	session_put_string(g, "domain", opt->domain);
	session_put_string(g, "domain_unicode", opt->domain_unicode);
	session_put_list(g, "subdomains", &opt->subdomains);
	session_put_list(g, "dkim_selectors", &opt->dkim_selectors);
	session_put_string(g, "repo", opt->repo);
	session_put_string(g, "login_url", opt->login_url);
	session_put_string(g, "health_url", opt->health_url);
	session_put_list(g, "api_urls", &opt->api_urls);
	session_put_int(g, "email", opt->email);
	session_put_string(g, "sender_ip", opt->sender_ip);
	session_put_string(g, "smoke", opt->smoke);
	config_setting_set_bool(config_setting_add(g, "allow_active",
	    CONFIG_TYPE_BOOL), opt->allow_active);
	session_put_list(g, "resolvers", &opt->resolvers);
	if (opt->nport_map > 0) {
		l = config_setting_add(g, "port_map", CONFIG_TYPE_LIST);
		for (i = 0; i < opt->nport_map; i++) {
			e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
			session_put_int(e, "from", opt->port_map[i].from);
			session_put_int(e, "to", opt->port_map[i].to);
		}
	}
	session_put_string(g, "cacert", opt->cacert);
	session_put_int(g, "timeout", opt->timeout);

	l = config_setting_add(root, "items", CONFIG_TYPE_LIST);
	for (i = 0; i < s->nitems; i++) {
		const struct item_state *is = &s->items[i];

		e = config_setting_add(l, NULL, CONFIG_TYPE_GROUP);
		session_put_string(e, "id", is->id);
		session_put_string(e, "status", status_name(is->status));
		session_put_string(e, "owner", is->owner);
		session_put_string(e, "note", is->note);
		session_put_string(e, "skip_reason", is->skip_reason);
		session_put_time(e, "marked", is->marked);
		if (is->has_first)
			session_put_result(e, "first", &is->first);
		if (is->has_latest)
			session_put_result(e, "latest", &is->latest);
	}

	g = config_setting_add(root, "handover", CONFIG_TYPE_GROUP);
	handover_build(g, &s->handover);
}

int
session_save(struct session *s, char **err)
{
	config_t	 cfg;
	char		*dir, *data = NULL;
	size_t		 len = 0;
	FILE		*f;
	time_t		 now = time(NULL);
	int		 rc;

	if (s->path == NULL)
		return set_error(err, _("the session has no file name"));
	dir = session_dirname(s->path);
	if (session_mkdir(dir, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);

	config_init(&cfg);
	session_build(s, &cfg, now);
	if ((f = open_memstream(&data, &len)) == NULL)
		fatal("open_memstream: %s", strerror(errno));
	config_write(&cfg, f);
	if (fclose(f) != 0)
		fatal("open_memstream: %s", strerror(errno));
	config_destroy(&cfg);

	rc = file_write_atomic(s->path, data, len, s->saved == 0, true, err);
	free(data);
	if (rc == 0)
		s->saved = now;
	return rc;
}

/* ---- reading ----------------------------------------------------------- */

/* Sets *r->err to "PATH:LINE: message"; returns -1. */
static int printflike(3, 4)
session_fail(struct session_reader *r, config_setting_t *at,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	int	 line = at != NULL ? config_setting_source_line(at) : 0;

	/* The root has no line: what it lacks, the file lacks at its end. */
	if (line <= 0)
		line = r->last_line;
	va_start(ap, fmt);
	msg = xvprintf(fmt, ap);
	va_end(ap);
	set_error(r->err, "%s:%d: %s", r->path, line, msg);
	free(msg);
	return -1;
}

/*
 * Fetches an optional string member of g into *out (left NULL when
 * absent); -1 with a message when it is not a string or too long.
 */
static int
session_get_string(struct session_reader *r, config_setting_t *g,
    const char *name, char **out, size_t max)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	const char		*v;

	free(*out);
	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL)
		return session_fail(r, s, _("\"%s\" must be a string"), name);
	if (strlen(v) > max)
		return session_fail(r, s, _("\"%s\" is longer than %zu bytes"),
		    name, max);
	*out = xstrdup(v);
	return 0;
}

/* Fetches a required string member. */
static int
session_need_string(struct session_reader *r, config_setting_t *g,
    const char *name, char **out, size_t max)
{
	if (session_get_string(r, g, name, out, max) == -1)
		return -1;
	if (*out == NULL)
		return session_fail(r, g, _("missing \"%s\""), name);
	return 0;
}

/* Fetches an optional integer member within [min, max]. */
static int
session_get_int(struct session_reader *r, config_setting_t *g,
    const char *name, int *out, int min, int max)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	int			 v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return session_fail(r, s, _("\"%s\" must be a whole number"),
		    name);
	v = config_setting_get_int(s);
	if (v < min || v > max)
		return session_fail(r, s, _("\"%s\" is %d, out of range "
		    "(%d to %d)"), name, v, min, max);
	*out = v;
	return 0;
}

/* Fetches an optional time member ("2026-11-24T13:05:00Z"). */
static int
session_get_time(struct session_reader *r, config_setting_t *g,
    const char *name, time_t *out, bool required)
{
	config_setting_t	*s = config_setting_get_member(g, name);
	const char		*v;

	if (s == NULL) {
		if (required)
			return session_fail(r, g, _("missing \"%s\""), name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL ||
	    time_parse_iso(v, out) == -1)
		return session_fail(r, s, _("\"%s\" is not a time like "
		    "2026-11-24T13:05:00Z"), name);
	return 0;
}

/* Fetches an optional array of strings into sl. */
static int
session_get_list(struct session_reader *r, config_setting_t *g,
    const char *name, struct strlist *sl, size_t maxn, size_t maxlen)
{
	config_setting_t	*s = config_setting_get_member(g, name), *e;
	const char		*v;
	int			 i, n;

	strlist_clear(sl);
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return session_fail(r, s, _("\"%s\" must be a list of strings "
		    "[\"a\", \"b\"]"), name);
	n = config_setting_length(s);
	if ((size_t)n > maxn)
		return session_fail(r, s, _("\"%s\" has %d entries; at most "
		    "%zu are allowed"), name, n, maxn);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    (v = config_setting_get_string(e)) == NULL)
			return session_fail(r, s, _("\"%s\" must be a list of "
			    "strings"), name);
		if (strlen(v) > maxlen)
			return session_fail(r, e, _("an entry of \"%s\" is "
			    "longer than %zu bytes"), name, maxlen);
		strlist_add(sl, v);
	}
	return 0;
}

/* Fetches an optional group member; -1 when present but not a group. */
static int
session_get_group(struct session_reader *r, config_setting_t *g,
    const char *name, config_setting_t **out)
{
	config_setting_t	*s = config_setting_get_member(g, name);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return session_fail(r, s, _("\"%s\" must be a group { ... }"),
		    name);
	*out = s;
	return 0;
}

/* Fetches an optional list of groups; *n is its length. */
static int
session_get_groups(struct session_reader *r, config_setting_t *g,
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
		return session_fail(r, s, _("\"%s\" must be a list ( ... )"),
		    name);
	*n = config_setting_length(s);
	if (*n > max)
		return session_fail(r, s, _("\"%s\" has %d entries; at most %d "
		    "are allowed"), name, *n, max);
	for (i = 0; i < *n; i++) {
		if (config_setting_type(config_setting_get_elem(s, i)) !=
		    CONFIG_TYPE_GROUP)
			return session_fail(r, config_setting_get_elem(s, i),
			    _("each entry of \"%s\" must be a group { ... }"),
			    name);
	}
	*out = s;
	return 0;
}

/* Parses a status member. */
static int
session_get_status(struct session_reader *r, config_setting_t *g,
    enum status *out)
{
	char	*v = NULL;

	if (session_need_string(r, g, "status", &v, 64) == -1)
		return -1;
	if (status_parse(v, out) == -1) {
		session_fail(r, config_setting_get_member(g, "status"),
		    _("unknown status \"%s\""), v);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

/* Reads a result group. */
static int
session_get_result(struct session_reader *r, config_setting_t *g,
    struct result *res)
{
	char			*sev = NULL;
	struct strlist		 lines = { 0 };
	int			 dropped = 0, duration = 0;

	result_init(res);
	if (session_get_status(r, g, &res->status) == -1)
		return -1;
	if (session_get_string(r, g, "severity", &sev, 64) == -1)
		return -1;
	if (sev != NULL && severity_parse(sev, &res->severity) == -1) {
		session_fail(r, config_setting_get_member(g, "severity"),
		    _("unknown severity \"%s\""), sev);
		free(sev);
		return -1;
	}
	free(sev);
	if (session_get_string(r, g, "summary", &res->summary,
	    SESSION_MAX_TEXT) == -1 ||
	    session_get_string(r, g, "fix", &res->fix, SESSION_MAX_TEXT) == -1 ||
	    session_get_int(r, g, "dropped", &dropped, 0, INT_MAX) == -1 ||
	    session_get_int(r, g, "duration_ms", &duration, 0, INT_MAX) == -1 ||
	    session_get_time(r, g, "when", &res->when, false) == -1)
		return -1;
	res->dropped = dropped;
	res->duration_ms = duration;
	if (session_get_list(r, g, "evidence", &lines, RESULT_MAX_EVIDENCE,
	    SESSION_MAX_EVLINE) == -1) {
		strlist_clear(&lines);
		return -1;
	}
	res->evidence = lines.v;
	res->nevidence = lines.n;
	return 0;
}

/* Reads the form group. */
static int
session_get_form(struct session_reader *r, config_setting_t *g,
    struct session *s)
{
	struct options		*opt = &s->opt;
	config_setting_t	*pm, *e;
	int			 allow, n, i;

	if (session_get_string(r, g, "client", &s->client,
	    SESSION_MAX_TEXT) == -1 ||
	    session_get_string(r, g, "consultant", &s->consultant,
	    SESSION_MAX_TEXT) == -1 ||
	    session_get_int(r, g, "sends_email", &s->sends_email, -1, 1) == -1 ||
	    session_get_string(r, g, "domain", &opt->domain, 1024) == -1 ||
	    session_get_string(r, g, "domain_unicode", &opt->domain_unicode,
	    4096) == -1 ||
	    session_get_list(r, g, "subdomains", &opt->subdomains,
	    SESSION_MAX_LIST, 1024) == -1 ||
	    session_get_list(r, g, "dkim_selectors", &opt->dkim_selectors,
	    SESSION_MAX_LIST, 1024) == -1 ||
	    session_get_string(r, g, "repo", &opt->repo, PATH_MAX) == -1 ||
	    session_get_string(r, g, "login_url", &opt->login_url,
	    8192) == -1 ||
	    session_get_string(r, g, "health_url", &opt->health_url,
	    8192) == -1 ||
	    session_get_list(r, g, "api_urls", &opt->api_urls,
	    SESSION_MAX_LIST, 8192) == -1 ||
	    session_get_int(r, g, "email", &opt->email, -1, 1) == -1 ||
	    session_get_string(r, g, "sender_ip", &opt->sender_ip, 256) == -1 ||
	    session_get_string(r, g, "smoke", &opt->smoke, PATH_MAX) == -1 ||
	    session_get_list(r, g, "resolvers", &opt->resolvers,
	    SESSION_MAX_LIST, 256) == -1 ||
	    session_get_string(r, g, "cacert", &opt->cacert, PATH_MAX) == -1 ||
	    session_get_int(r, g, "timeout", &opt->timeout, 1, 3600) == -1)
		return -1;
	e = config_setting_get_member(g, "allow_active");
	if (e != NULL) {
		if (config_setting_type(e) != CONFIG_TYPE_BOOL)
			return session_fail(r, e, _("\"allow_active\" must be "
			    "true or false"));
		allow = config_setting_get_bool(e);
		opt->allow_active = allow != 0;
	}
	if (session_get_groups(r, g, "port_map", &pm, &n,
	    (int)nitems(opt->port_map)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(pm, i);
		opt->port_map[i].from = opt->port_map[i].to = 0;
		if (session_get_int(r, e, "from", &opt->port_map[i].from, 1,
		    65535) == -1 ||
		    session_get_int(r, e, "to", &opt->port_map[i].to, 1,
		    65535) == -1)
			return -1;
		if (opt->port_map[i].from == 0 || opt->port_map[i].to == 0)
			return session_fail(r, e, _("a port_map entry needs "
			    "\"from\" and \"to\""));
		opt->nport_map++;
	}
	return 0;
}

/* Reads the items list. */
static int
session_get_items(struct session_reader *r, config_setting_t *root,
    struct session *s)
{
	config_setting_t	*list, *e, *g;
	struct item_state	*is;
	char			*id = NULL;
	int			 n, i;
	size_t			 j;

	if (session_get_groups(r, root, "items", &list, &n,
	    SESSION_MAX_ITEMS) == -1)
		return -1;
	/* Always written: without it the file was cut short. */
	if (list == NULL)
		return session_fail(r, NULL, _("missing \"items\": the file "
		    "is incomplete"));
	s->items = n > 0 ? xcalloc(n, sizeof *s->items) : NULL;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(list, i);
		if (session_need_string(r, e, "id", &id, 256) == -1)
			return -1;
		if (*id == '\0') {
			free(id);
			return session_fail(r, e, _("an item has an empty "
			    "\"id\""));
		}
		for (j = 0; j < s->nitems; j++) {
			if (strcmp(s->items[j].id, id) == 0) {
				session_fail(r, e, _("item \"%s\" is listed "
				    "twice"), id);
				free(id);
				return -1;
			}
		}
		is = &s->items[s->nitems++];
		is->id = id;
		id = NULL;
		result_init(&is->first);
		result_init(&is->latest);
		if (session_get_status(r, e, &is->status) == -1 ||
		    session_get_string(r, e, "owner", &is->owner,
		    SESSION_MAX_TEXT) == -1 ||
		    session_get_string(r, e, "note", &is->note,
		    SESSION_MAX_TEXT) == -1 ||
		    session_get_string(r, e, "skip_reason", &is->skip_reason,
		    SESSION_MAX_TEXT) == -1 ||
		    session_get_time(r, e, "marked", &is->marked, false) == -1)
			return -1;
		if (session_get_group(r, e, "first", &g) == -1)
			return -1;
		if (g != NULL) {
			is->has_first = true;
			if (session_get_result(r, g, &is->first) == -1)
				return -1;
		}
		if (session_get_group(r, e, "latest", &g) == -1)
			return -1;
		if (g != NULL) {
			is->has_latest = true;
			if (session_get_result(r, g, &is->latest) == -1)
				return -1;
		}
		/* A check in flight when the session was saved did not end. */
		if (is->status == STATUS_RUNNING)
			is->status = is->has_latest ? is->latest.status :
			    STATUS_PENDING;
	}
	return 0;
}

/* Reads the handover group (handover.c knows its members). */
static int
session_get_handover(struct session_reader *r, config_setting_t *root,
    struct session *s)
{
	config_setting_t	*g;

	if (session_get_group(r, root, "handover", &g) == -1)
		return -1;
	/* Written last: without it the file was cut short. */
	if (g == NULL)
		return session_fail(r, NULL, _("missing \"handover\": the "
		    "file is incomplete"));
	return handover_read(g, &s->handover, r->path, r->err);
}

/* Reads the whole file into memory, bounded; -1 with *err set. */
static char *
session_slurp(const char *path, size_t *lenp, char **err)
{
	struct stat	 sb;
	char		*data;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		set_error(err, _("%s: cannot read: %s"), path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		set_error(err, _("%s: not a regular file"), path);
		close(fd);
		return NULL;
	}
	if (sb.st_size > SESSION_MAX_FILE) {
		set_error(err, _("%s: the file is %lld bytes; a session file is "
		    "at most %d MB"), path, (long long)sb.st_size,
		    SESSION_MAX_FILE / (1024 * 1024));
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	for (;;) {
		if (len == (size_t)sb.st_size) {
			char c;

			/* The file grew while being read: it is over. */
			if (read(fd, &c, 1) == 1) {
				set_error(err, _("%s: the file changed while "
				    "being read"), path);
				goto fail;
			}
			break;
		}
		n = read(fd, data + len, sb.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			set_error(err, _("%s: cannot read: %s"), path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	data[len] = '\0';
	*lenp = len;
	return data;

fail:
	close(fd);
	free(data);
	return NULL;
}

/* Refuses NUL bytes and @include directives; -1 with "PATH:LINE:" set. */
static int
session_screen(const char *path, const char *data, size_t len, char **err)
{
	size_t		 i;
	int		 line = 1;
	const char	*p;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n')
			line++;
		else if (data[i] == '\0')
			return set_error(err, _("%s:%d: a NUL byte: this is not "
			    "a session file"), path, line);
	}
	line = 1;
	for (p = data; p != NULL && *p != '\0'; line++) {
		p += strspn(p, " \t\r");
		if (strncmp(p, "@include", 8) == 0)
			return set_error(err, _("%s:%d: @include is not allowed "
			    "in a session file"), path, line);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* Loads without the backup hint. */
static struct session *
session_load1(const char *path, char **err)
{
	struct session_reader	 r = { .path = path, .err = err };
	struct session		*s;
	config_t		 cfg;
	config_setting_t	*root, *form, *v;
	char			*data;
	const char		*p;
	size_t			 len;
	int			 version;

	if ((data = session_slurp(path, &len, err)) == NULL)
		return NULL;
	if (session_screen(path, data, len, err) == -1) {
		free(data);
		return NULL;
	}
	r.last_line = 1;
	for (p = data; *p != '\0'; p++) {
		if (*p == '\n' && p[1] != '\0')
			r.last_line++;
	}
	config_init(&cfg);
	if (!config_read_string(&cfg, data)) {
		set_error(err, "%s:%d: %s", path, config_error_line(&cfg),
		    config_error_text(&cfg));
		config_destroy(&cfg);
		free(data);
		return NULL;
	}
	free(data);

	s = xcalloc(1, sizeof *s);
	s->lock_fd = -1;
	s->path = xstrdup(path);
	s->name = session_name_of(path);
	s->selected_stage = 1;
	s->sends_email = -1;
	options_init(&s->opt);
	root = config_root_setting(&cfg);

	v = config_setting_get_member(root, "version");
	if (v == NULL) {
		session_fail(&r, NULL, _("no \"version = %d;\": this is not a "
		    "launchready session file"), SESSION_FORMAT_VERSION);
		goto fail;
	}
	if (config_setting_type(v) != CONFIG_TYPE_INT ||
	    (version = config_setting_get_int(v)) < 1) {
		session_fail(&r, v, _("\"version\" must be a positive whole "
		    "number"));
		goto fail;
	}
	if (version > SESSION_FORMAT_VERSION) {
		session_fail(&r, v, _("written by a newer launchready (session "
		    "format %d; this one reads format %d): open it with that "
		    "version"), version, SESSION_FORMAT_VERSION);
		goto fail;
	}
	s->version = version;
	if (session_get_time(&r, root, "created", &s->created, true) == -1 ||
	    session_get_time(&r, root, "started", &s->started, true) == -1 ||
	    session_get_time(&r, root, "saved", &s->saved, true) == -1 ||
	    session_get_int(&r, root, "selected_stage", &s->selected_stage, 1,
	    STAGE_COUNT) == -1 ||
	    session_get_string(&r, root, "selected_item", &s->selected_item,
	    64) == -1)
		goto fail;
	if (session_get_group(&r, root, "form", &form) == -1)
		goto fail;
	if (form == NULL) {
		session_fail(&r, NULL, _("missing the \"form\" group"));
		goto fail;
	}
	if (session_get_form(&r, form, s) == -1 ||
	    session_get_items(&r, root, s) == -1 ||
	    session_get_handover(&r, root, s) == -1)
		goto fail;
	config_destroy(&cfg);
	return s;

fail:
	config_destroy(&cfg);
	session_free(s);
	return NULL;
}

struct session *
session_load(const char *path, char **err)
{
	struct session	*s;
	char		*msg = NULL, *bak;

	if ((s = session_load1(path, &msg)) != NULL)
		return s;
	bak = xprintf("%s.bak", path);
	if (session_exists(bak) && session_exists(path))
		set_error(err, _("%s (the file is left as it is; the previous "
		    "good version is kept at %s)"), msg, bak);
	else
		set_error(err, "%s", msg);
	free(bak);
	free(msg);
	return NULL;
}

/* ---- locking ----------------------------------------------------------- */

/*
 * The lock is flock(2) on PATH.lock, a file that also holds "pid user host
 * time" for the message a second process shows. The kernel drops the lock
 * when its holder dies, so a stale lock (kill -9, crash) is taken over
 * without guessing from pids.
 */

/* Describes the holder written in a lock file, for messages. */
static char *
session_lock_holder(int fd)
{
	char		 buf[512], user[128], host[256], when[64];
	ssize_t		 n;
	long		 pid;
	time_t		 t;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return xstrdup(_("holder unknown"));
	buf[n] = '\0';
	if (sscanf(buf, "%ld %127s %255s %63s", &pid, user, host, when) != 4)
		return xstrdup(_("holder unknown"));
	if (time_parse_iso(when, &t) == -1)
		return xprintf(_("pid %ld, user %s on host %s"), pid, user,
		    host);
	return xprintf(_("pid %ld, user %s on host %s, since %s"), pid, user,
	    host, when);
}

/* Takes the lock of a session file; the descriptor, or -1 with *err. */
static int
session_lock_path(const char *path, const char *name, char **err)
{
	char		*lock, *holder, host[256], info[512];
	struct stat	 sb1, sb2;
	struct passwd	*pw;
	const char	*user;
	int		 fd, tries;

	lock = xprintf("%s.lock", path);
	for (tries = 0; tries < 10; tries++) {
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd == -1) {
			set_error(err, _("cannot lock %s: %s"), lock,
			    strerror(errno));
			free(lock);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno != EWOULDBLOCK) {
				set_error(err, _("cannot lock %s: %s"), lock,
				    strerror(errno));
				close(fd);
				free(lock);
				return -1;
			}
			holder = session_lock_holder(fd);
			set_error(err, _("session %s is open in another "
			    "launchready (%s)"), name, holder);
			free(holder);
			close(fd);
			free(lock);
			return -1;
		}
		/* The file may have been removed by its last holder. */
		if (fstat(fd, &sb1) == 0 && stat(lock, &sb2) == 0 &&
		    sb1.st_dev == sb2.st_dev && sb1.st_ino == sb2.st_ino)
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		set_error(err, _("cannot lock %s: it keeps changing"), lock);
		free(lock);
		return -1;
	}
	if (gethostname(host, sizeof host) == -1)
		strcpy(host, "unknown");
	host[sizeof host - 1] = '\0';
	pw = getpwuid(geteuid());
	user = pw != NULL ? pw->pw_name : getenv("USER");
	if (user == NULL)
		user = "unknown";
	snprintf(info, sizeof info, "%ld %s %s %s\n", (long)getpid(), user,
	    host, time_iso(time(NULL)));
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, info, strlen(info), 0) != (ssize_t)strlen(info)) {
		/* The lock holds even if its description could not be kept. */
	}
	free(lock);
	return fd;
}

/* Releases a lock taken by session_lock_path. */
static void
session_unlock_path(const char *path, int fd)
{
	char	*lock = xprintf("%s.lock", path);

	unlink(lock);
	close(fd);
	free(lock);
}

/*
 * Removes temporary files a crashed save left (PATH.tmp.PID and
 * PATH.bak.tmp.PID). Only called with the lock held: no save is running.
 */
static void
session_clean_tmp(const char *path)
{
	char		*dir, *base, *prefix, *bakprefix, *p;
	DIR		*d;
	struct dirent	*de;

	dir = session_dirname(path);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
	    (char *)path;
	prefix = xprintf("%s.tmp.", base);
	bakprefix = xprintf("%s.bak.tmp.", base);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 &&
			    strncmp(de->d_name, bakprefix,
			    strlen(bakprefix)) != 0)
				continue;
			p = xprintf("%s/%s", dir, de->d_name);
			unlink(p);
			free(p);
		}
		closedir(d);
	}
	free(bakprefix);
	free(prefix);
	free(dir);
}

int
session_lock(struct session *s, char **err)
{
	char	*dir;
	int	 fd;

	if (s->lock_fd != -1)
		return 0;
	dir = session_dirname(s->path);
	if (session_mkdir(dir, err) == -1) {
		free(dir);
		return -1;
	}
	free(dir);
	if ((fd = session_lock_path(s->path, s->name, err)) == -1)
		return -1;
	s->lock_fd = fd;
	session_clean_tmp(s->path);
	return 0;
}

void
session_unlock(struct session *s)
{
	if (s == NULL || s->lock_fd == -1)
		return;
	session_unlock_path(s->path, s->lock_fd);
	s->lock_fd = -1;
}

/* ---- the directory ----------------------------------------------------- */

/* Counts a session's settled items against the checklist. */
static void
session_progress(const struct session *s, const struct checklist *cl,
    size_t *settled, size_t *total)
{
	const struct item_state	*is;
	size_t			 i, j;

	*settled = *total = 0;
	if (cl == NULL) {
		*total = s->nitems;
		for (i = 0; i < s->nitems; i++)
			*settled += session_settled(s->items[i].status);
		return;
	}
	*total = cl->nitems;
	for (i = 0; i < cl->nitems; i++) {
		for (j = 0; j < s->nitems; j++) {
			is = &s->items[j];
			if (strcmp(is->id, cl->items[i].id) == 0) {
				*settled += session_settled(is->status);
				break;
			}
		}
	}
}

bool
session_settled(enum status st)
{
	return st == STATUS_PASS || st == STATUS_DONE || st == STATUS_SKIPPED;
}

/* Newest first; damaged files after by their modification time. */
static int
session_info_cmp(const void *a, const void *b)
{
	const struct session_info	*x = a, *y = b;

	if (x->saved != y->saved)
		return x->saved > y->saved ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
session_list(const char *dir, const struct checklist *cl,
    struct session_info **out, size_t *nout, char **err)
{
	DIR			*d;
	struct dirent		*de;
	struct session_info	*v = NULL, *si;
	struct session		*s;
	struct stat		 sb;
	size_t			 n = 0, len;
	char			*path, *msg;

	*out = NULL;
	*nout = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return set_error(err, _("cannot read %s: %s"), dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 4 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 4, ".cfg") != 0)
			continue;
		path = xprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		si = &v[n++];
		memset(si, 0, sizeof *si);
		si->path = path;
		si->name = session_name_of(path);
		msg = NULL;
		if ((s = session_load(path, &msg)) == NULL) {
			si->error = msg;
			si->saved = sb.st_mtime;
			continue;
		}
		si->client = s->client != NULL ? xstrdup(s->client) : NULL;
		si->domain = s->opt.domain_unicode != NULL ?
		    xstrdup(s->opt.domain_unicode) : s->opt.domain != NULL ?
		    xstrdup(s->opt.domain) : NULL;
		si->started = s->started;
		si->saved = s->saved;
		session_progress(s, cl, &si->settled, &si->total);
		session_free(s);
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, session_info_cmp);
	*out = v;
	*nout = n;
	return 0;
}

void
session_info_free(struct session_info *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		free(v[i].client);
		free(v[i].domain);
		free(v[i].error);
	}
	free(v);
}

int
session_remove(const char *path, char **err)
{
	char	*name, *bak;
	int	 fd, rc = 0;

	if (!session_exists(path))
		return set_error(err, _("%s: no such session"), path);
	name = session_name_of(path);
	fd = session_lock_path(path, name, err);
	free(name);
	if (fd == -1)
		return -1;
	if (unlink(path) == -1)
		rc = set_error(err, _("cannot delete %s: %s"), path,
		    strerror(errno));
	else {
		bak = xprintf("%s.bak", path);
		unlink(bak);
		free(bak);
	}
	session_unlock_path(path, fd);
	return rc;
}
