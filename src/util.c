/*
 * util.c: the small helpers with no noun of their own, used everywhere:
 * returned error messages (set_error) and clock times (now_ms, time_*).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "launchready.h"

int
set_error(char **err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	free(*err);
	va_start(ap, fmt);
	*err = xvprintf(fmt, ap);
	va_end(ap);
	return -1;
}

uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
time_iso(time_t t)
{
	static char	buf[32];
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int
time_parse_iso(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}
