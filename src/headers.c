/* headers.c: parsers of HSTS, Set-Cookie, Cache-Control and CSP values. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

/* Skips blanks. */
static const char *
headers_skip(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parses a non-negative decimal number of len bytes; -1 when it is not. */
static long
headers_number(const char *p, size_t len)
{
	long	v = 0;
	size_t	i;

	if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
		p++;
		len -= 2;
	}
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		if (v > (LONG_MAX - 9) / 10)
			return LONG_MAX;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/*
 * Splits value on sep and calls cb with each directive's name and value
 * (trimmed; value may be empty).
 */
static void
headers_split(const char *value, char sep,
    void (*cb)(void *, const char *, size_t, const char *, size_t),
    void *arg)
{
	const char	*p = value, *end, *eq, *ne, *vs, *ve;

	while (*p != '\0') {
		p = headers_skip(p);
		end = strchr(p, sep);
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		ne = eq != NULL ? eq : end;
		while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		if (eq != NULL) {
			vs = headers_skip(eq + 1);
			if (vs > end)
				vs = end;
			ve = end;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
		} else
			vs = ve = end;
		if (ne > p)
			cb(arg, p, (size_t)(ne - p), vs, (size_t)(ve - vs));
		p = *end != '\0' ? end + 1 : end;
	}
}

/* Case-insensitive compare of a counted name with a literal. */
static bool
headers_is(const char *name, size_t len, const char *lit)
{
	return strlen(lit) == len && strncasecmp(name, lit, len) == 0;
}

static void
headers_hsts_one(void *arg, const char *n, size_t nl, const char *v,
    size_t vl)
{
	struct hsts	*h = arg;

	if (headers_is(n, nl, "max-age")) {
		if (h->max_age != -1)
			h->valid = false;	/* repeated directive */
		else if ((h->max_age = headers_number(v, vl)) == -1)
			h->valid = false;
	} else if (headers_is(n, nl, "includesubdomains"))
		h->include_subdomains = true;
	else if (headers_is(n, nl, "preload"))
		h->preload = true;
}

void
headers_hsts(const char *value, struct hsts *h)
{
	memset(h, 0, sizeof *h);
	h->max_age = -1;
	h->valid = true;
	if (value == NULL) {
		h->valid = false;
		return;
	}
	headers_split(value, ';', headers_hsts_one, h);
	if (h->max_age < 0)
		h->valid = false;
}

struct cookie_parse {
	struct cookie	*c;
	bool		 first;
};

static void
headers_cookie_one(void *arg, const char *n, size_t nl, const char *v,
    size_t vl)
{
	struct cookie_parse	*cp = arg;

	if (cp->first) {
		cp->first = false;
		cp->c->name = xstrndup(n, nl);
		return;
	}
	if (headers_is(n, nl, "secure"))
		cp->c->secure = true;
	else if (headers_is(n, nl, "httponly"))
		cp->c->httponly = true;
	else if (headers_is(n, nl, "samesite")) {
		free(cp->c->samesite);
		cp->c->samesite = xstrndup(v, vl);
	}
}

int
headers_cookie(const char *value, struct cookie *c)
{
	struct cookie_parse	cp = { .c = c, .first = true };
	const char		*semi, *eq;

	memset(c, 0, sizeof *c);
	if (value == NULL)
		return -1;
	semi = strchr(value, ';');
	eq = strchr(value, '=');
	if (eq == NULL || (semi != NULL && eq > semi))
		return -1;
	headers_split(value, ';', headers_cookie_one, &cp);
	if (c->name == NULL || *c->name == '\0') {
		headers_cookie_free(c);
		return -1;
	}
	return 0;
}

void
headers_cookie_free(struct cookie *c)
{
	free(c->name);
	free(c->samesite);
	memset(c, 0, sizeof *c);
}

static void
headers_cc_one(void *arg, const char *n, size_t nl, const char *v, size_t vl)
{
	struct cache_control	*cc = arg;

	if (headers_is(n, nl, "public"))
		cc->public_ = true;
	else if (headers_is(n, nl, "private"))
		cc->private_ = true;
	else if (headers_is(n, nl, "no-store"))
		cc->no_store = true;
	else if (headers_is(n, nl, "no-cache"))
		cc->no_cache = true;
	else if (headers_is(n, nl, "immutable"))
		cc->immutable = true;
	else if (headers_is(n, nl, "max-age"))
		cc->max_age = headers_number(v, vl);
	else if (headers_is(n, nl, "s-maxage"))
		cc->s_maxage = headers_number(v, vl);
}

void
headers_cache_control(const char *value, struct cache_control *cc)
{
	memset(cc, 0, sizeof *cc);
	cc->max_age = -1;
	cc->s_maxage = -1;
	if (value == NULL)
		return;
	cc->present = true;
	headers_split(value, ',', headers_cc_one, cc);
}

char *
headers_csp_directive(const char *csp, const char *name)
{
	const char	*p = csp, *end, *ne;
	size_t		 len = strlen(name);
	char		*out, *q;

	if (csp == NULL)
		return NULL;
	while (*p != '\0') {
		p = headers_skip(p);
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		ne = p;
		while (ne < end && !isspace((unsigned char)*ne))
			ne++;
		if ((size_t)(ne - p) == len && strncasecmp(p, name, len) == 0) {
			ne = headers_skip(ne);
			out = xstrndup(ne, (size_t)(end - ne));
			for (q = out; *q != '\0'; q++)
				*q = (char)tolower((unsigned char)*q);
			return out;
		}
		p = *end != '\0' ? end + 1 : end;
	}
	return NULL;
}
