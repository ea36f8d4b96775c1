/* buf.c: a growable byte buffer and the escapers that append to it. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "launchready.h"

void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->size) {
		size_t size = b->size == 0 ? 256 : b->size;

		while (size < b->len + len + 1)
			size *= 2;
		b->data = xreallocarray(b->data, 1, size);
		b->size = size;
	}
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_valid(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	if (n == 3 && s[0] == 0xe0 && s[1] < 0xa0)
		return 0;
	if (n == 3 && s[0] == 0xed && s[1] >= 0xa0)
		return 0;
	if (n == 4 && s[0] == 0xf0 && s[1] < 0x90)
		return 0;
	if (n == 4 && s[0] == 0xf4 && s[1] >= 0x90)
		return 0;
	return n;
}

void
buf_json(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	buf_puts(b, "\"");
	while (*p != '\0') {
		switch (*p) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				buf_printf(b, "\\u%04x", *p);
				break;
			}
			if ((n = utf8_valid(p)) == 0) {
				buf_puts(b, "\\ufffd");
				break;
			}
			buf_add(b, p, n);
			p += n - 1;
			break;
		}
		p++;
	}
	buf_puts(b, "\"");
}

void
buf_html(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_add(b, s, 1);
			break;
		}
	}
}

/* The code point of the valid n-byte UTF-8 sequence at s. */
static unsigned
utf8_decode(const unsigned char *s, size_t n)
{
	unsigned	cp;
	size_t		i;

	if (n == 1)
		return s[0];
	cp = s[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/*
 * Whether a code point must never reach a terminal raw: C1 controls, the
 * line and paragraph separators, and the bidirectional overrides that
 * reorder what a reader sees.
 */
static bool
buf_text_hidden(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Whether the ASCII character at p is special in Markdown inline text. */
static bool
buf_md_special(const unsigned char *p)
{
	if (strchr("\\`*_[]<>|#~", *p) != NULL)
		return true;
	/* &name; and &#12; would be read as character references. */
	return *p == '&' && (p[1] == '#' || (p[1] >= 'a' && p[1] <= 'z') ||
	    (p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= '0' && p[1] <= '9'));
}

void
buf_text(struct buf *b, const char *s, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*bs = (flags & TEXT_MD) ? "\\\\" : "\\";
	size_t			 n;
	unsigned		 cp;

	for (; *p != '\0'; p += n) {
		if ((n = utf8_valid(p)) == 0) {
			buf_printf(b, "%sx%02x", bs, *p);
			n = 1;
			continue;
		}
		if (n > 1) {
			cp = utf8_decode(p, n);
			if (buf_text_hidden(cp))
				buf_printf(b, "%su%04x", bs, cp);
			else
				buf_add(b, p, n);
			continue;
		}
		if (*p == '\n' && (flags & TEXT_LINES))
			buf_add(b, p, 1);
		else if (*p == '\n')
			buf_printf(b, "%sn", bs);
		else if (*p == '\r')
			buf_printf(b, "%sr", bs);
		else if (*p == '\t')
			buf_printf(b, "%st", bs);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "%sx%02x", bs, *p);
		else if ((flags & TEXT_MD) && buf_md_special(p)) {
			buf_add(b, "\\", 1);
			buf_add(b, p, 1);
		} else
			buf_add(b, p, 1);
	}
}
