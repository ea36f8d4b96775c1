/* json.c: a small bounded JSON reader (RFC 8259) for the audit's own files. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The reader's position and bounds. */
struct json_reader {
	const char	*p;
	const char	*end;
	const char	*start;
	size_t		 nodes;
	char		*error;
};

static struct json *json_value(struct json_reader *, int);

/* Records the first error with the line it was found on; returns NULL. */
static struct json *
json_fail(struct json_reader *r, const char *msg)
{
	const char	*q;
	size_t		 line = 1;

	if (r->error != NULL)
		return NULL;
	for (q = r->start; q < r->p && q < r->end; q++) {
		if (*q == '\n')
			line++;
	}
	r->error = xprintf(_("line %zu: %s"), line, msg);
	return NULL;
}

static void
json_space(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	    *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* A new node of type t, or NULL past the node bound. */
static struct json *
json_node(struct json_reader *r, enum json_type t)
{
	struct json	*j;

	if (++r->nodes > JSON_MAX_NODES)
		return json_fail(r, _("too many values"));
	j = xcalloc(1, sizeof *j);
	j->type = t;
	return j;
}

/* Four hex digits at p; -1 when they are not. */
static long
json_hex4(const char *p, const char *end)
{
	long	v = 0;
	int	i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Appends code point cp as UTF-8. */
static void
json_utf8(struct buf *b, unsigned long cp)
{
	unsigned char	u[4];
	size_t		n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	buf_add(b, u, n);
}

/* Reads a string literal at r->p (the opening quote) into a new string. */
static char *
json_string_lit(struct json_reader *r)
{
	struct buf	b = { 0 };
	long		cp, lo;

	r->p++;
	buf_add(&b, "", 0);
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = *r->p;

		if (c < 0x20) {
			json_fail(r, _("control character in a string"));
			goto bad;
		}
		if (b.len >= JSON_MAX_STRING) {
			json_fail(r, _("string too long"));
			goto bad;
		}
		if (c != '\\') {
			buf_add(&b, r->p++, 1);
			continue;
		}
		if (++r->p >= r->end)
			break;
		switch (*r->p) {
		case '"': case '\\': case '/':
			buf_add(&b, r->p, 1);
			break;
		case 'b': buf_add(&b, "\b", 1); break;
		case 'f': buf_add(&b, "\f", 1); break;
		case 'n': buf_add(&b, "\n", 1); break;
		case 'r': buf_add(&b, "\r", 1); break;
		case 't': buf_add(&b, "\t", 1); break;
		case 'u':
			if ((cp = json_hex4(r->p + 1, r->end)) == -1) {
				json_fail(r, _("bad \\u escape"));
				goto bad;
			}
			r->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && r->end - r->p > 6 &&
			    r->p[1] == '\\' && r->p[2] == 'u' &&
			    (lo = json_hex4(r->p + 3, r->end)) >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				r->p += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;	/* a lone surrogate */
			if (cp == 0) {
				json_fail(r, _("NUL in a string"));
				goto bad;
			}
			json_utf8(&b, cp);
			break;
		default:
			json_fail(r, _("bad escape in a string"));
			goto bad;
		}
		r->p++;
	}
	if (r->p >= r->end) {
		json_fail(r, _("unterminated string"));
		goto bad;
	}
	r->p++;
	return b.data;
bad:
	buf_free(&b);
	return NULL;
}

/* Reads a number: the RFC's grammar, converted with strtod. */
static struct json *
json_number(struct json_reader *r)
{
	const char	*s = r->p;
	char		 tmp[64];
	struct json	*j;
	size_t		 n;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9') {
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	} else
		return json_fail(r, _("bad number"));
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return json_fail(r, _("bad number"));
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return json_fail(r, _("bad number"));
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	n = r->p - s;
	if (n >= sizeof tmp)
		return json_fail(r, _("number too long"));
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if ((j = json_node(r, JSON_NUMBER)) == NULL)
		return NULL;
	j->num = strtod(tmp, NULL);
	return j;
}

/* Adds child c to the array or object j. */
static void
json_append(struct json *j, struct json *c)
{
	j->v = xreallocarray(j->v, j->n + 1, sizeof *j->v);
	j->v[j->n++] = c;
}

/* Reads an array or an object (r->p at its opening bracket). */
static struct json *
json_container(struct json_reader *r, int depth, bool object)
{
	struct json	*j, *c;
	char		*key = NULL;
	char		 close = object ? '}' : ']';

	if (depth >= JSON_MAX_DEPTH)
		return json_fail(r, _("nested too deeply"));
	if ((j = json_node(r, object ? JSON_OBJECT : JSON_ARRAY)) == NULL)
		return NULL;
	r->p++;
	json_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return j;
	}
	for (;;) {
		json_space(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"') {
				json_fail(r, _("expected a member name"));
				goto bad;
			}
			if ((key = json_string_lit(r)) == NULL)
				goto bad;
			json_space(r);
			if (r->p >= r->end || *r->p != ':') {
				json_fail(r, _("expected ':'"));
				goto bad;
			}
			r->p++;
		}
		if ((c = json_value(r, depth + 1)) == NULL)
			goto bad;
		c->key = key;
		key = NULL;
		json_append(j, c);
		json_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return j;
		}
		json_fail(r, object ? _("expected ',' or '}'") :
		    _("expected ',' or ']'"));
		goto bad;
	}
bad:
	free(key);
	json_free(j);
	return NULL;
}

/* Reads a literal word (true, false, null). */
static struct json *
json_word(struct json_reader *r, const char *word, enum json_type t, bool b)
{
	size_t		 n = strlen(word);
	struct json	*j;

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return json_fail(r, _("unexpected character"));
	r->p += n;
	if ((j = json_node(r, t)) != NULL)
		j->b = b;
	return j;
}

/* Reads any value at r->p. */
static struct json *
json_value(struct json_reader *r, int depth)
{
	struct json	*j;
	char		*s;

	json_space(r);
	if (r->p >= r->end)
		return json_fail(r, _("unexpected end of input"));
	switch (*r->p) {
	case '{':
		return json_container(r, depth, true);
	case '[':
		return json_container(r, depth, false);
	case '"':
		if ((s = json_string_lit(r)) == NULL)
			return NULL;
		if ((j = json_node(r, JSON_STRING)) == NULL) {
			free(s);
			return NULL;
		}
		j->str = s;
		return j;
	case 't':
		return json_word(r, "true", JSON_BOOL, true);
	case 'f':
		return json_word(r, "false", JSON_BOOL, false);
	case 'n':
		return json_word(r, "null", JSON_NULL, false);
	default:
		return json_number(r);
	}
}

struct json *
json_parse(const char *data, size_t len, char **err)
{
	struct json_reader	 r = { .p = data, .end = data + len,
				       .start = data };
	struct json		*j;

	if (len > JSON_MAX_SIZE) {
		set_error(err, _("larger than %d MB"), JSON_MAX_SIZE >> 20);
		return NULL;
	}
	j = json_value(&r, 0);
	if (j != NULL) {
		json_space(&r);
		if (r.p != r.end) {
			json_free(j);
			j = json_fail(&r, _("text after the value"));
		}
	}
	if (j == NULL) {
		if (err != NULL)
			*err = r.error;
		else
			free(r.error);
	}
	return j;
}

void
json_free(struct json *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++)
		json_free(j->v[i]);
	free(j->v);
	free(j->key);
	free(j->str);
	free(j);
}

const struct json *
json_get(const struct json *j, const char *key)
{
	size_t	i;

	if (j == NULL || j->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < j->n; i++) {
		if (strcmp(j->v[i]->key, key) == 0)
			return j->v[i];
	}
	return NULL;
}

const char *
json_get_string(const struct json *j, const char *key)
{
	const struct json	*v = json_get(j, key);

	return v != NULL && v->type == JSON_STRING ? v->str : NULL;
}
