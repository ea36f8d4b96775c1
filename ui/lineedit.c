/* lineedit.c: a one-line text editor on wide characters. */

#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "ui.h"

/* Makes room for n more characters. */
static void
lineedit_grow(struct lineedit *le, size_t n)
{
	if (le->len + n + 1 <= le->size)
		return;
	le->size = (le->len + n + 1) * 2;
	le->buf = xreallocarray(le->buf, le->size, sizeof *le->buf);
}

void
lineedit_init(struct lineedit *le, const char *text, size_t max)
{
	mbstate_t	 ps;
	const char	*p = text != NULL ? text : "";
	size_t		 n;
	wchar_t		 wc;

	memset(le, 0, sizeof *le);
	le->max = max;
	lineedit_grow(le, strlen(p) + 1);
	memset(&ps, 0, sizeof ps);
	while (*p != '\0' && le->len < max) {
		n = mbrtowc(&wc, p, strlen(p), &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		le->buf[le->len++] = wc;
		p += n;
	}
	le->buf[le->len] = L'\0';
	le->cursor = le->len;
}

void
lineedit_free(struct lineedit *le)
{
	free(le->buf);
	memset(le, 0, sizeof *le);
}

/* Deletes the character at index i. */
static void
lineedit_delete(struct lineedit *le, size_t i)
{
	if (i >= le->len)
		return;
	memmove(&le->buf[i], &le->buf[i + 1], (le->len - i) * sizeof
	    *le->buf);
	le->len--;
}

enum lineedit_result
lineedit_key(struct lineedit *le, wint_t wc, bool keycode)
{
	if (le->buf == NULL)
		lineedit_init(le, NULL, 2000);
	if (keycode) {
		switch (wc) {
		case KEY_LEFT:
			if (le->cursor > 0)
				le->cursor--;
			return LINEEDIT_CHANGED;
		case KEY_RIGHT:
			if (le->cursor < le->len)
				le->cursor++;
			return LINEEDIT_CHANGED;
		case KEY_HOME:
			le->cursor = 0;
			return LINEEDIT_CHANGED;
		case KEY_END:
			le->cursor = le->len;
			return LINEEDIT_CHANGED;
		case KEY_BACKSPACE:
			if (le->cursor > 0)
				lineedit_delete(le, --le->cursor);
			return LINEEDIT_CHANGED;
		case KEY_DC:
			lineedit_delete(le, le->cursor);
			return LINEEDIT_CHANGED;
		}
		return LINEEDIT_IGNORED;
	}
	switch (wc) {
	case 0x7f:
	case 0x08:
		if (le->cursor > 0)
			lineedit_delete(le, --le->cursor);
		return LINEEDIT_CHANGED;
	case KEY_CTRL('a'):
		le->cursor = 0;
		return LINEEDIT_CHANGED;
	case KEY_CTRL('e'):
		le->cursor = le->len;
		return LINEEDIT_CHANGED;
	case KEY_CTRL('k'):
		le->len = le->cursor;
		le->buf[le->len] = L'\0';
		return LINEEDIT_CHANGED;
	case KEY_CTRL('u'):
		memmove(le->buf, &le->buf[le->cursor], (le->len - le->cursor +
		    1) * sizeof *le->buf);
		le->len -= le->cursor;
		le->cursor = 0;
		return LINEEDIT_CHANGED;
	}
	if (wc < 0x20 || wc == 0x7f || !iswprint(wc) || le->len >= le->max)
		return LINEEDIT_IGNORED;
	lineedit_grow(le, 1);
	memmove(&le->buf[le->cursor + 1], &le->buf[le->cursor],
	    (le->len - le->cursor + 1) * sizeof *le->buf);
	le->buf[le->cursor++] = (wchar_t)wc;
	le->len++;
	return LINEEDIT_CHANGED;
}

void
lineedit_split(struct lineedit *le, struct lineedit *tail)
{
	size_t	n;

	if (le->buf == NULL)
		lineedit_init(le, NULL, 2000);
	n = le->len - le->cursor;
	lineedit_init(tail, NULL, le->max);
	lineedit_grow(tail, n);
	memcpy(tail->buf, &le->buf[le->cursor], n * sizeof *le->buf);
	tail->len = n;
	tail->buf[n] = L'\0';
	tail->cursor = 0;
	le->len = le->cursor;
	le->buf[le->len] = L'\0';
}

void
lineedit_append(struct lineedit *le, const struct lineedit *tail)
{
	if (le->buf == NULL)
		lineedit_init(le, NULL, 2000);
	le->cursor = le->len;
	if (tail->len == 0)
		return;
	lineedit_grow(le, tail->len);
	memcpy(&le->buf[le->len], tail->buf, tail->len * sizeof *le->buf);
	le->len += tail->len;
	le->buf[le->len] = L'\0';
	if (le->max < le->len)
		le->max = le->len;
}

size_t
lineedit_bytes(const struct lineedit *le)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	ps;
	size_t		i, n, total = 0;

	memset(&ps, 0, sizeof ps);
	for (i = 0; i < le->len; i++) {
		n = wcrtomb(mb, le->buf[i], &ps);
		if (n == (size_t)-1) {
			memset(&ps, 0, sizeof ps);
			n = 1;
		}
		total += n;
	}
	return total;
}

char *
lineedit_text(const struct lineedit *le)
{
	struct buf	b = { 0 };
	char		mb[MB_LEN_MAX];
	mbstate_t	ps;
	size_t		i, n;

	memset(&ps, 0, sizeof ps);
	for (i = 0; i < le->len; i++) {
		n = wcrtomb(mb, le->buf[i], &ps);
		if (n == (size_t)-1) {
			memset(&ps, 0, sizeof ps);
			mb[0] = '?';
			n = 1;
		}
		buf_add(&b, mb, n);
	}
	buf_add(&b, "", 0);
	return b.data;
}

/* Cells of buf[from..to). */
static int
lineedit_cells(const struct lineedit *le, size_t from, size_t to)
{
	int	w = 0, c;

	for (; from < to; from++) {
		c = wcwidth(le->buf[from]);
		w += c < 0 ? 1 : c;
	}
	return w;
}

void
lineedit_draw(struct lineedit *le, int y, int x, int width, bool focus)
{
	size_t	i;
	int	used = 0, c, cx = x;

	if (le->buf == NULL)
		lineedit_init(le, NULL, 2000);
	if (width < 2)
		return;
	if (le->cursor < le->scroll)
		le->scroll = le->cursor;
	while (lineedit_cells(le, le->scroll, le->cursor) > width - 1)
		le->scroll++;
	move(y, x);
	attrset(A_UNDERLINE);
	for (i = le->scroll; i < le->len; i++) {
		c = wcwidth(le->buf[i]);
		if (c < 0)
			c = 1;
		if (used + c > width)
			break;
		if (i == le->cursor)
			cx = x + used;
		addnwstr(&le->buf[i], 1);
		used += c;
	}
	if (le->cursor >= i)
		cx = x + lineedit_cells(le, le->scroll, le->cursor);
	for (; used < width; used++)
		addch(' ');
	attrset(A_NORMAL);
	if (focus) {
		move(y, cx);
		curs_set(1);
	}
}
