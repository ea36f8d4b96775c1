/*
 * html.c: a small tolerant tag scanner that extracts the references a page
 * makes (scripts, styles, frames, forms, media, links). Not a full HTML
 * parser: comments, script bodies and quoting are handled; anything odd is
 * skipped, never fatal.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

#define HTML_MAX_ATTR	16

struct attr {
	const char	*name;
	size_t		 nlen;
	const char	*value;
	size_t		 vlen;
};

bool
html_active(enum html_kind k)
{
	return k == HTML_SCRIPT || k == HTML_STYLE || k == HTML_IFRAME ||
	    k == HTML_FORM || k == HTML_OBJECT;
}

/* Finds needle (ASCII case-insensitive) in [p, end). */
static const char *
html_find(const char *p, const char *end, const char *needle)
{
	size_t	n = strlen(needle);

	for (; p + n <= end; p++) {
		if (strncasecmp(p, needle, n) == 0)
			return p;
	}
	return NULL;
}

/* Copies a value, decoding the few entities found in URLs. */
static char *
html_decode(const char *v, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;

	while (len > 0 && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	for (i = 0; i < len; i++) {
		if (v[i] == '&') {
			if (len - i >= 5 && strncmp(v + i, "&amp;", 5) == 0) {
				*o++ = '&';
				i += 4;
				continue;
			}
			if (len - i >= 6 && strncmp(v + i, "&#x2f;", 6) == 0) {
				*o++ = '/';
				i += 5;
				continue;
			}
		}
		*o++ = v[i];
	}
	*o = '\0';
	return out;
}

/* The value of attribute name among attrs, or NULL. */
static const struct attr *
html_attr(const struct attr *a, size_t n, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < n; i++) {
		if (a[i].nlen == len && strncasecmp(a[i].name, name, len) == 0)
			return &a[i];
	}
	return NULL;
}

/* Whether a rel attribute's list holds word. */
static bool
html_rel_has(const struct attr *rel, const char *word)
{
	size_t		 len = strlen(word);
	const char	*p, *end;

	if (rel == NULL)
		return false;
	p = rel->value;
	end = rel->value + rel->vlen;
	while (p < end) {
		const char *s;

		while (p < end && isspace((unsigned char)*p))
			p++;
		s = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - s) == len && strncasecmp(s, word, len) == 0)
			return true;
	}
	return false;
}

/* Adds a reference. */
static void
html_add(struct html_refs *refs, enum html_kind kind, const struct attr *v,
    bool integrity)
{
	char	*url;

	if (v == NULL || refs->n >= HTML_MAX_REFS)
		return;
	url = html_decode(v->value, v->vlen);
	if (*url == '\0') {
		free(url);
		return;
	}
	refs->v = xreallocarray(refs->v, refs->n + 1, sizeof *refs->v);
	refs->v[refs->n].kind = kind;
	refs->v[refs->n].url = url;
	refs->v[refs->n].integrity = integrity;
	refs->n++;
}

/* Handles one start tag named name with its attributes. */
static void
html_tag(struct html_refs *refs, const char *name, size_t nlen,
    const struct attr *a, size_t na)
{
#define IS(s) (nlen == strlen(s) && strncasecmp(name, s, nlen) == 0)
	const struct attr	*rel;

	if (IS("script"))
		html_add(refs, HTML_SCRIPT, html_attr(a, na, "src"),
		    html_attr(a, na, "integrity") != NULL);
	else if (IS("link")) {
		rel = html_attr(a, na, "rel");
		if (html_rel_has(rel, "stylesheet"))
			html_add(refs, HTML_STYLE, html_attr(a, na, "href"),
			    html_attr(a, na, "integrity") != NULL);
		else if (html_rel_has(rel, "canonical"))
			html_add(refs, HTML_CANONICAL,
			    html_attr(a, na, "href"), false);
	} else if (IS("iframe") || IS("frame"))
		html_add(refs, HTML_IFRAME, html_attr(a, na, "src"), false);
	else if (IS("form"))
		html_add(refs, HTML_FORM, html_attr(a, na, "action"), false);
	else if (IS("object"))
		html_add(refs, HTML_OBJECT, html_attr(a, na, "data"), false);
	else if (IS("embed"))
		html_add(refs, HTML_OBJECT, html_attr(a, na, "src"), false);
	else if (IS("img") || IS("audio") || IS("video") || IS("source"))
		html_add(refs, HTML_IMAGE, html_attr(a, na, "src"), false);
	else if (IS("a"))
		html_add(refs, HTML_LINK, html_attr(a, na, "href"), false);
#undef IS
}

void
html_extract(const char *doc, size_t len, struct html_refs *refs)
{
	const char	*p = doc, *end = doc + len, *q;
	struct attr	 a[HTML_MAX_ATTR];
	size_t		 na;

	refs->v = NULL;
	refs->n = 0;
	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char	*name;
		size_t		 nlen;

		p++;
		if (end - p >= 3 && strncmp(p, "!--", 3) == 0) {
			q = html_find(p + 3, end, "-->");
			p = q != NULL ? q + 3 : end;
			continue;
		}
		if (p < end && (*p == '/' || *p == '!' || *p == '?'))
			continue;
		name = p;
		while (p < end && (isalnum((unsigned char)*p) || *p == '-'))
			p++;
		nlen = (size_t)(p - name);
		if (nlen == 0)
			continue;
		na = 0;
		/* Attributes until '>'. */
		while (p < end && *p != '>') {
			struct attr	*at;

			while (p < end && (isspace((unsigned char)*p) ||
			    *p == '/'))
				p++;
			if (p >= end || *p == '>')
				break;
			at = na < HTML_MAX_ATTR ? &a[na] : NULL;
			q = p;
			while (p < end && !isspace((unsigned char)*p) &&
			    *p != '=' && *p != '>' && *p != '/')
				p++;
			if (p == q) {
				p++;
				continue;
			}
			if (at != NULL) {
				at->name = q;
				at->nlen = (size_t)(p - q);
				at->value = p;
				at->vlen = 0;
			}
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && *p == '=') {
				p++;
				while (p < end && isspace((unsigned char)*p))
					p++;
				if (p < end && (*p == '"' || *p == '\'')) {
					char quote = *p++;

					q = p;
					while (p < end && *p != quote)
						p++;
					if (at != NULL) {
						at->value = q;
						at->vlen = (size_t)(p - q);
					}
					if (p < end)
						p++;
				} else {
					q = p;
					while (p < end &&
					    !isspace((unsigned char)*p) &&
					    *p != '>')
						p++;
					if (at != NULL) {
						at->value = q;
						at->vlen = (size_t)(p - q);
					}
				}
			}
			if (at != NULL)
				na++;
		}
		html_tag(refs, name, nlen, a, na);
		/* Skip raw text of script and style elements. */
		if ((nlen == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (nlen == 5 && strncasecmp(name, "style", 5) == 0)) {
			q = html_find(p, end, nlen == 6 ? "</script" :
			    "</style");
			p = q != NULL ? q : end;
		}
	}
}

void
html_refs_free(struct html_refs *refs)
{
	size_t	i;

	for (i = 0; i < refs->n; i++)
		free(refs->v[i].url);
	free(refs->v);
	refs->v = NULL;
	refs->n = 0;
}
