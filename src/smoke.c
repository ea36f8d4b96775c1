/*
 * smoke.c: the smoke plan — reading it (libconfig, every mistake reported
 * with FILE:LINE before anything runs), its ${NAME} variables, redaction of
 * their values, and dotted paths into JSON bodies.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "app.h"
#include "json.h"

static const char *const smoke_methods[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"
};

static const char *const smoke_members[] = {
	"name", "method", "url", "headers", "body", "expect", "expect_json",
	"expect_text", "capture", "max_ms"
};

/* True when s is a variable name: [A-Za-z_][A-Za-z0-9_]*. */
static bool
smoke_name_ok(const char *s)
{
	size_t	i;

	if (s == NULL || (!isalpha((unsigned char)s[0]) && s[0] != '_'))
		return false;
	for (i = 1; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	}
	return i <= 64;
}

/*
 * Checks that every ${NAME} in tmpl is known (a secret or captured by an
 * earlier step); -1 with *err otherwise.
 */
static int
smoke_check_refs(const char *tmpl, const struct strlist *known,
    const char *path, int line, const char *what, char **err)
{
	const char	*p, *end;
	char		*name;
	int		 rc = 0;

	for (p = tmpl; (p = strstr(p, "${")) != NULL; p = end + 1) {
		if ((end = strchr(p + 2, '}')) == NULL)
			return set_error(err, _("%s:%d: %s has \"${\" without "
			    "a closing \"}\""), path, line, what);
		name = xstrndup(p + 2, (size_t)(end - p - 2));
		if (!smoke_name_ok(name))
			rc = set_error(err, _("%s:%d: %s uses \"${%s}\", which "
			    "is not a variable name"), path, line, what, name);
		else if (!strlist_has(known, name))
			rc = set_error(err, _("%s:%d: %s uses ${%s}, which is "
			    "neither listed in secrets nor captured by an "
			    "earlier step"), path, line, what, name);
		free(name);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Reads the optional string member name of s into *out. */
static int
smoke_string(config_setting_t *s, const char *name, char **out,
    const char *path, char **err)
{
	config_setting_t	*m;

	if ((m = config_setting_get_member(s, name)) == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return set_error(err, _("%s:%d: \"%s\" must be a string"), path,
		    config_setting_source_line(m), name);
	*out = xstrdup(config_setting_get_string(m));
	return 0;
}

/* Reads expect: one status or a list of them. */
static int
smoke_expect(config_setting_t *s, struct smoke_step *st, const char *path,
    char **err)
{
	config_setting_t	*m, *e;
	int			 i, n, line;
	long			 v;

	if ((m = config_setting_get_member(s, "expect")) == NULL)
		return 0;
	line = config_setting_source_line(m);
	if (config_setting_type(m) == CONFIG_TYPE_INT) {
		n = 1;
		e = m;
	} else if (config_setting_is_array(m) || config_setting_is_list(m)) {
		n = config_setting_length(m);
		e = NULL;
		if (n == 0 || n > SMOKE_MAX_EXPECT)
			return set_error(err, _("%s:%d: \"expect\" lists 1 to "
			    "%d statuses"), path, line, SMOKE_MAX_EXPECT);
	} else
		return set_error(err, _("%s:%d: \"expect\" must be a status "
		    "(200) or a list of statuses ([200, 201])"), path, line);
	for (i = 0; i < n; i++) {
		config_setting_t *x = e != NULL ? e :
		    config_setting_get_elem(m, (unsigned)i);

		if (config_setting_type(x) != CONFIG_TYPE_INT)
			return set_error(err, _("%s:%d: \"expect\" must hold "
			    "whole numbers"), path, line);
		v = config_setting_get_int(x);
		if (v < 100 || v > 599)
			return set_error(err, _("%s:%d: %ld is not an HTTP "
			    "status (100 to 599)"), path, line, v);
		st->expect[st->nexpect++] = v;
	}
	return 0;
}

/* Reads capture = { NAME = "dotted.path"; ... }. */
static int
smoke_capture(config_setting_t *s, struct smoke_step *st, const char *path,
    char **err)
{
	config_setting_t	*m, *c;
	int			 i, n;

	if ((m = config_setting_get_member(s, "capture")) == NULL)
		return 0;
	if (!config_setting_is_group(m))
		return set_error(err, _("%s:%d: \"capture\" must be a group: "
		    "capture = { TOKEN = \"token\"; }"), path,
		    config_setting_source_line(m));
	n = config_setting_length(m);
	for (i = 0; i < n; i++) {
		c = config_setting_get_elem(m, (unsigned)i);
		if (config_setting_type(c) != CONFIG_TYPE_STRING ||
		    *config_setting_get_string(c) == '\0')
			return set_error(err, _("%s:%d: capture %s must name a "
			    "JSON path as a string"), path,
			    config_setting_source_line(c),
			    config_setting_name(c));
		if (!smoke_name_ok(config_setting_name(c)))
			return set_error(err, _("%s:%d: \"%s\" is not a "
			    "variable name"), path,
			    config_setting_source_line(c),
			    config_setting_name(c));
		strlist_add(&st->capture_names, config_setting_name(c));
		strlist_add(&st->capture_paths, config_setting_get_string(c));
	}
	return 0;
}

/* Reads and checks one step; known holds the variables defined so far. */
static int
smoke_step(config_setting_t *s, struct smoke_step *st, struct strlist *known,
    const char *path, char **err)
{
	config_setting_t	*m;
	int			 line = config_setting_source_line(s);
	int			 i, n;
	size_t			 k;
	int			 ms;
	bool			 ok;

	st->line = line;
	if (!config_setting_is_group(s))
		return set_error(err, _("%s:%d: a step must be a group "
		    "{ name = ...; url = ...; }"), path, line);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const char *name = config_setting_name(
		    config_setting_get_elem(s, (unsigned)i));

		for (k = 0, ok = false; k < nitems(smoke_members); k++)
			ok = ok || strcmp(smoke_members[k], name) == 0;
		if (!ok)
			return set_error(err, _("%s:%d: unknown setting \"%s\" "
			    "in a step"), path, config_setting_source_line(
			    config_setting_get_elem(s, (unsigned)i)), name);
	}
	if (smoke_string(s, "name", &st->name, path, err) == -1 ||
	    smoke_string(s, "url", &st->url, path, err) == -1 ||
	    smoke_string(s, "method", &st->method, path, err) == -1 ||
	    smoke_string(s, "body", &st->body, path, err) == -1 ||
	    smoke_string(s, "expect_json", &st->expect_json, path,
	    err) == -1 ||
	    smoke_string(s, "expect_text", &st->expect_text, path, err) == -1)
		return -1;
	if (st->name == NULL || *st->name == '\0')
		return set_error(err, _("%s:%d: a step needs a \"name\""), path,
		    line);
	if (st->url == NULL || (strncmp(st->url, "http://", 7) != 0 &&
	    strncmp(st->url, "https://", 8) != 0 &&
	    strncmp(st->url, "${", 2) != 0))
		return set_error(err, _("%s:%d: step \"%s\" needs a \"url\" "
		    "starting with http:// or https://"), path, line,
		    st->name);
	if (st->method == NULL)
		st->method = xstrdup(st->body != NULL ? "POST" : "GET");
	for (k = 0; st->method[k] != '\0'; k++)
		st->method[k] = (char)toupper((unsigned char)st->method[k]);
	for (k = 0, ok = false; k < nitems(smoke_methods); k++)
		ok = ok || strcmp(smoke_methods[k], st->method) == 0;
	if (!ok)
		return set_error(err, _("%s:%d: method \"%s\" is not one of GET, "
		    "POST, PUT, PATCH, DELETE, HEAD, OPTIONS"), path, line,
		    st->method);
	if ((m = config_setting_get_member(s, "headers")) != NULL) {
		if (!config_setting_is_array(m) && !config_setting_is_list(m))
			return set_error(err, _("%s:%d: \"headers\" must be a "
			    "list of \"Name: value\" strings"), path,
			    config_setting_source_line(m));
		n = config_setting_length(m);
		for (i = 0; i < n; i++) {
			config_setting_t *h = config_setting_get_elem(m,
			    (unsigned)i);
			const char *v = config_setting_get_string(h);

			if (v == NULL || strchr(v, ':') == NULL || *v == ':' ||
			    strpbrk(v, "\r\n") != NULL)
				return set_error(err, _("%s:%d: a header must "
				    "be one \"Name: value\" line"), path,
				    config_setting_source_line(m));
			strlist_add(&st->headers, v);
		}
	}
	if (smoke_expect(s, st, path, err) == -1)
		return -1;
	if ((m = config_setting_get_member(s, "max_ms")) != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_INT ||
		    (ms = config_setting_get_int(m)) <= 0 || ms > 600000)
			return set_error(err, _("%s:%d: \"max_ms\" must be a "
			    "number of milliseconds from 1 to 600000"), path,
			    config_setting_source_line(m));
		st->max_ms = ms;
	}
	if (smoke_check_refs(st->url, known, path, line, "url", err) == -1)
		return -1;
	for (k = 0; k < st->headers.n; k++) {
		if (smoke_check_refs(st->headers.v[k], known, path, line,
		    _("a header"), err) == -1)
			return -1;
	}
	if (st->body != NULL && smoke_check_refs(st->body, known, path, line,
	    "body", err) == -1)
		return -1;
	if (smoke_capture(s, st, path, err) == -1)
		return -1;
	for (k = 0; k < st->capture_names.n; k++) {
		if (!strlist_has(known, st->capture_names.v[k]))
			strlist_add(known, st->capture_names.v[k]);
	}
	return 0;
}

/* Reads the plan from a parsed configuration. */
static struct smoke_plan *
smoke_from_config(config_t *cfg, const char *path, char **err)
{
	struct smoke_plan	*plan;
	config_setting_t	*root, *m, *steps;
	struct strlist		 known = { 0 };
	int			 i, n;

	plan = xcalloc(1, sizeof *plan);
	plan->path = xstrdup(path);
	if ((root = config_lookup(cfg, "smoke")) == NULL ||
	    !config_setting_is_group(root)) {
		set_error(err, _("%s:1: no \"smoke = { ... };\" group"), path);
		goto fail;
	}
	if ((m = config_setting_get_member(root, "secrets")) != NULL) {
		if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
			set_error(err, _("%s:%d: \"secrets\" must be a list of "
			    "environment variable names"), path,
			    config_setting_source_line(m));
			goto fail;
		}
		n = config_setting_length(m);
		if (n > SMOKE_MAX_SECRETS) {
			set_error(err, _("%s:%d: at most %d secrets"), path,
			    config_setting_source_line(m), SMOKE_MAX_SECRETS);
			goto fail;
		}
		for (i = 0; i < n; i++) {
			const char *v = config_setting_get_string(
			    config_setting_get_elem(m, (unsigned)i));

			if (!smoke_name_ok(v)) {
				set_error(err, _("%s:%d: \"%s\" is not an "
				    "environment variable name"), path,
				    config_setting_source_line(m),
				    v != NULL ? v : "");
				goto fail;
			}
			strlist_add(&plan->secrets, v);
			strlist_add(&known, v);
		}
	}
	steps = config_setting_get_member(root, "steps");
	if (steps == NULL || !config_setting_is_list(steps) ||
	    (n = config_setting_length(steps)) == 0) {
		set_error(err, _("%s:%d: \"steps\" must be a list of at least "
		    "one step: steps = ( { ... } );"), path,
		    steps != NULL ? config_setting_source_line(steps) :
		    config_setting_source_line(root));
		goto fail;
	}
	if (n > SMOKE_MAX_STEPS) {
		set_error(err, _("%s:%d: at most %d steps"), path,
		    config_setting_source_line(steps), SMOKE_MAX_STEPS);
		goto fail;
	}
	plan->steps = xcalloc((size_t)n, sizeof *plan->steps);
	for (i = 0; i < n; i++) {
		plan->nsteps++;
		if (smoke_step(config_setting_get_elem(steps, (unsigned)i),
		    &plan->steps[i], &known, path, err) == -1)
			goto fail;
	}
	strlist_clear(&known);
	return plan;
fail:
	strlist_clear(&known);
	smoke_free(plan);
	return NULL;
}

struct smoke_plan *
smoke_parse(const char *text, const char *name, char **err)
{
	config_t		 cfg;
	struct smoke_plan	*plan;

	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		set_error(err, "%s:%d: %s", name, config_error_line(&cfg),
		    config_error_text(&cfg));
		config_destroy(&cfg);
		return NULL;
	}
	plan = smoke_from_config(&cfg, name, err);
	config_destroy(&cfg);
	return plan;
}

struct smoke_plan *
smoke_load(const char *path, char **err)
{
	struct stat		 st;
	struct buf		 b = { 0 };
	struct smoke_plan	*plan;
	char			 chunk[8192];
	ssize_t			 n;
	int			 fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		set_error(err, _("%s: %s"), path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		set_error(err, _("%s: not a regular file"), path);
		return NULL;
	}
	if (st.st_size > SMOKE_PLAN_MAX) {
		close(fd);
		set_error(err, _("%s: larger than %d bytes: not a smoke plan"),
		    path, SMOKE_PLAN_MAX);
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 &&
	    b.len < SMOKE_PLAN_MAX)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n == -1) {
		set_error(err, _("%s: %s"), path, strerror(errno));
		buf_free(&b);
		return NULL;
	}
	if (b.data == NULL)
		buf_add(&b, "", 0);
	if (memchr(b.data, '\0', b.len) != NULL) {
		set_error(err, _("%s: holds a NUL byte: not a smoke plan"),
		    path);
		buf_free(&b);
		return NULL;
	}
	plan = smoke_parse(b.data, path, err);
	buf_free(&b);
	return plan;
}

int
smoke_check_file(const char *path, char **err)
{
	struct smoke_plan	*plan;

	if ((plan = smoke_load(path, err)) == NULL)
		return -1;
	smoke_free(plan);
	return 0;
}

void
smoke_free(struct smoke_plan *plan)
{
	size_t	i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nsteps; i++) {
		struct smoke_step *st = &plan->steps[i];

		free(st->name);
		free(st->method);
		free(st->url);
		strlist_clear(&st->headers);
		free(st->body);
		free(st->expect_json);
		free(st->expect_text);
		strlist_clear(&st->capture_names);
		strlist_clear(&st->capture_paths);
	}
	free(plan->steps);
	strlist_clear(&plan->secrets);
	free(plan->path);
	free(plan);
}

int
smoke_vars_from_env(const struct smoke_plan *plan, struct smoke_vars *vars,
    char **err)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < plan->secrets.n; i++) {
		if ((v = getenv(plan->secrets.v[i])) == NULL)
			return set_error(err, _("the environment variable %s "
			    "that the smoke plan needs is not set"),
			    plan->secrets.v[i]);
		smoke_vars_set(vars, plan->secrets.v[i], v);
	}
	return 0;
}

void
smoke_vars_set(struct smoke_vars *vars, const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < vars->names.n; i++) {
		if (strcmp(vars->names.v[i], name) == 0) {
			free(vars->values.v[i]);
			vars->values.v[i] = xstrdup(value);
			return;
		}
	}
	strlist_add(&vars->names, name);
	strlist_add(&vars->values, value);
}

void
smoke_vars_clear(struct smoke_vars *vars)
{
	size_t	i;

	/* Values are secrets: wipe them before they go back to malloc. */
	for (i = 0; i < vars->values.n; i++)
		explicit_bzero(vars->values.v[i], strlen(vars->values.v[i]));
	strlist_clear(&vars->names);
	strlist_clear(&vars->values);
}

char *
smoke_expand(const char *tmpl, const struct smoke_vars *vars, char **err)
{
	struct buf	 b = { 0 };
	const char	*p = tmpl, *start, *end;
	size_t		 i, len;

	while ((start = strstr(p, "${")) != NULL) {
		buf_add(&b, p, (size_t)(start - p));
		if ((end = strchr(start + 2, '}')) == NULL)
			break;
		len = (size_t)(end - start - 2);
		for (i = 0; i < vars->names.n; i++) {
			if (strlen(vars->names.v[i]) == len &&
			    strncmp(vars->names.v[i], start + 2, len) == 0)
				break;
		}
		if (i == vars->names.n) {
			set_error(err, _("${%.*s} has no value"), (int)len,
			    start + 2);
			buf_free(&b);
			return NULL;
		}
		buf_puts(&b, vars->values.v[i]);
		p = end + 1;
	}
	buf_puts(&b, p);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	return b.data;
}

/* The forms a value may take in a body or URL: as it is, JSON-escaped,
   percent-encoded. */
static void
smoke_forms(const char *value, struct strlist *forms)
{
	struct buf	 b = { 0 };
	const unsigned char *p;

	strlist_add(forms, value);
	buf_json(&b, value);
	if (b.len >= 2) {
		b.data[b.len - 1] = '\0';
		if (strcmp(b.data + 1, value) != 0)
			strlist_add(forms, b.data + 1);
	}
	buf_free(&b);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (isalnum(*p) || strchr("-._~", *p) != NULL)
			buf_add(&b, p, 1);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	if (b.data != NULL && strcmp(b.data, value) != 0)
		strlist_add(forms, b.data);
	buf_free(&b);
}

char *
smoke_redact(const char *text, size_t len, const struct smoke_vars *vars)
{
	struct strlist	 forms = { 0 }, owner = { 0 };
	struct buf	 b = { 0 };
	size_t		 i, j, best, blen, n, flen;

	for (i = 0; vars != NULL && i < vars->values.n; i++) {
		if (vars->values.v[i][0] == '\0')
			continue;
		n = forms.n;
		smoke_forms(vars->values.v[i], &forms);
		for (j = n; j < forms.n; j++)
			strlist_add(&owner, vars->names.v[i]);
	}
	for (i = 0; i < len;) {
		/* The longest secret form starting here wins. */
		best = forms.n;
		blen = 0;
		for (j = 0; j < forms.n; j++) {
			flen = strlen(forms.v[j]);
			if (flen > blen && flen <= len - i &&
			    memcmp(text + i, forms.v[j], flen) == 0) {
				best = j;
				blen = flen;
			}
		}
		if (best < forms.n) {
			buf_printf(&b, "${%s}", owner.v[best]);
			i += blen;
			continue;
		}
		unsigned char c = (unsigned char)text[i];

		if (c == '\n')
			buf_puts(&b, "\\n");
		else if (c == '\r')
			buf_puts(&b, "\\r");
		else if (c == '\t')
			buf_puts(&b, "\\t");
		else if (c < 0x20 || c == 0x7f || c >= 0x80)
			buf_printf(&b, "\\x%02x", c);
		else
			buf_add(&b, &text[i], 1);
		i++;
	}
	strlist_clear(&forms);
	strlist_clear(&owner);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	return b.data;
}

/* Formats a JSON value as a capture or existence check sees it. */
static char *
smoke_json_value(const struct json *j)
{
	switch (j->type) {
	case JSON_STRING:
		return xstrdup(j->str);
	case JSON_NUMBER:
		if (j->num == (double)(long long)j->num)
			return xprintf("%lld", (long long)j->num);
		return xprintf("%g", j->num);
	case JSON_BOOL:
		return xstrdup(j->b ? "true" : "false");
	case JSON_NULL:
		return xstrdup("null");
	case JSON_ARRAY:
		return xstrdup("[…]");
	case JSON_OBJECT:
		return xstrdup("{…}");
	}
	return xstrdup("");
}

int
smoke_json_path(const char *text, size_t len, const char *path, char **out)
{
	struct json		*root;
	const struct json	*j;
	char			*copy, *part, *save = NULL, *end, *err = NULL;
	unsigned long		 idx;

	if ((root = json_parse(text, len, &err)) == NULL) {
		free(err);
		return -1;
	}
	j = root;
	copy = xstrdup(path);
	for (part = strtok_r(copy, ".", &save); part != NULL && j != NULL;
	    part = strtok_r(NULL, ".", &save)) {
		if (j->type == JSON_ARRAY) {
			errno = 0;
			idx = strtoul(part, &end, 10);
			j = (*part != '\0' && *end == '\0' && errno == 0 &&
			    idx < j->n) ? j->v[idx] : NULL;
		} else
			j = json_get(j, part);
	}
	free(copy);
	if (j != NULL)
		*out = smoke_json_value(j);
	json_free(root);
	return j != NULL ? 0 : -1;
}
