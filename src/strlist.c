/* strlist.c: a growable list of owned strings. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "launchready.h"

void
strlist_add(struct strlist *sl, const char *s)
{
	sl->v = xreallocarray(sl->v, sl->n + 2, sizeof *sl->v);
	sl->v[sl->n++] = xstrdup(s);
	sl->v[sl->n] = NULL;
}

void
strlist_addf(struct strlist *sl, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvprintf(fmt, ap);
	va_end(ap);
	strlist_add(sl, s);
	free(s);
}

void
strlist_split(struct strlist *sl, const char *in)
{
	const char	*p = in, *end;
	size_t		 len;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		end = p + strcspn(p, ",");
		len = end - p;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len > 0) {
			char *s = xstrndup(p, len);

			strlist_add(sl, s);
			free(s);
		}
		p = end;
	}
}

bool
strlist_has(const struct strlist *sl, const char *s)
{
	size_t	i;

	for (i = 0; i < sl->n; i++) {
		if (strcmp(sl->v[i], s) == 0)
			return true;
	}
	return false;
}

void
strlist_copy(struct strlist *dst, const struct strlist *src)
{
	size_t	i;

	for (i = 0; i < src->n; i++)
		strlist_add(dst, src->v[i]);
}

char *
strlist_join(const struct strlist *sl, const char *sep)
{
	struct buf	b = { 0 };
	size_t		i;

	buf_puts(&b, "");
	for (i = 0; i < sl->n; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, sl->v[i]);
	}
	return b.data;
}

void
strlist_clear(struct strlist *sl)
{
	size_t	i;

	for (i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}
