/* result.c: building and copying check results. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "launchready.h"

void
result_init(struct result *r)
{
	memset(r, 0, sizeof *r);
	r->status = STATUS_PENDING;
	r->severity = SEVERITY_NONE;
}

void
result_clear(struct result *r)
{
	size_t	i;

	free(r->summary);
	for (i = 0; i < r->nevidence; i++)
		free(r->evidence[i]);
	free(r->evidence);
	free(r->fix);
	result_init(r);
}

void
result_copy(struct result *dst, const struct result *src)
{
	size_t	i;

	result_clear(dst);
	*dst = *src;
	dst->summary = src->summary != NULL ? xstrdup(src->summary) : NULL;
	dst->fix = src->fix != NULL ? xstrdup(src->fix) : NULL;
	dst->evidence = NULL;
	if (src->nevidence > 0) {
		dst->evidence = xcalloc(src->nevidence, sizeof *dst->evidence);
		for (i = 0; i < src->nevidence; i++)
			dst->evidence[i] = xstrdup(src->evidence[i]);
	}
}

void
result_set(struct result *r, enum status status, enum severity severity,
    const char *fmt, ...)
{
	va_list	ap;

	r->status = status;
	r->severity = severity;
	free(r->summary);
	va_start(ap, fmt);
	r->summary = xvprintf(fmt, ap);
	va_end(ap);
}

/* How bad a status is, for result_raise. */
static int
status_rank(enum status s)
{
	switch (s) {
	case STATUS_FAIL:
		return 4;
	case STATUS_ERROR:
		return 3;
	case STATUS_WARN:
		return 2;
	case STATUS_PASS:
		return 1;
	default:
		return 0;
	}
}

void
result_raise(struct result *r, enum status status, enum severity severity,
    const char *fmt, ...)
{
	va_list	ap;
	bool	changed = false;

	if (status_rank(status) > status_rank(r->status)) {
		r->status = status;
		changed = true;
	}
	if (severity > r->severity &&
	    status_rank(status) >= status_rank(r->status)) {
		r->severity = severity;
		changed = true;
	}
	if (changed || r->summary == NULL) {
		free(r->summary);
		va_start(ap, fmt);
		r->summary = xvprintf(fmt, ap);
		va_end(ap);
	}
}

void
result_evidence(struct result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;
	size_t	 len;

	if (r->nevidence >= RESULT_MAX_EVIDENCE) {
		r->dropped++;
		return;
	}
	va_start(ap, fmt);
	line = xvprintf(fmt, ap);
	va_end(ap);
	len = strlen(line);
	if (len > RESULT_MAX_LINE) {
		/* Cut on a UTF-8 character boundary and mark the cut. */
		len = RESULT_MAX_LINE;
		while (len > 0 && ((unsigned char)line[len] & 0xc0) == 0x80)
			len--;
		line[len] = '\0';
		line = xreallocarray(line, 1, len + 4);
		strcat(line, "…");
	}
	r->evidence = xreallocarray(r->evidence, r->nevidence + 1,
	    sizeof *r->evidence);
	r->evidence[r->nevidence++] = line;
}

void
result_set_fix(struct result *r, const char *fmt, ...)
{
	va_list	ap;

	free(r->fix);
	va_start(ap, fmt);
	r->fix = xvprintf(fmt, ap);
	va_end(ap);
}
