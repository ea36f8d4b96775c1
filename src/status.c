/* status.c: names, labels and glyphs of statuses and severities. */

#include "config.h"

#include <string.h>

#include "launchready.h"

static const struct {
	const char	*name;
	const char	*label;
	const char	*ascii;
	const char	*utf8;
} statuses[] = {
#define X(id, name, label, ascii, utf8) { name, label, ascii, utf8 },
	STATUS_TABLE(X)
#undef X
};

static const struct {
	const char	*name;
	const char	*label;
} severities[] = {
#define X(id, name, label) { name, label },
	SEVERITY_TABLE(X)
#undef X
};

const char *
status_name(enum status s)
{
	return s < STATUS_COUNT ? statuses[s].name : "?";
}

const char *
status_label(enum status s)
{
	return s < STATUS_COUNT ? _(statuses[s].label) : "?";
}

const char *
status_glyph(enum status s, bool utf8)
{
	if (s >= STATUS_COUNT)
		return "?";
	return utf8 ? statuses[s].utf8 : statuses[s].ascii;
}

int
status_parse(const char *name, enum status *out)
{
	size_t	i;

	for (i = 0; i < STATUS_COUNT; i++) {
		if (strcmp(statuses[i].name, name) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

const char *
severity_name(enum severity s)
{
	return s < SEVERITY_COUNT ? severities[s].name : "?";
}

const char *
severity_label(enum severity s)
{
	return s < SEVERITY_COUNT ? _(severities[s].label) : "?";
}

int
severity_parse(const char *name, enum severity *out)
{
	size_t	i;

	for (i = 0; i < SEVERITY_COUNT; i++) {
		if (strcmp(severities[i].name, name) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

bool
status_is_finding(enum status s)
{
	return s == STATUS_WARN || s == STATUS_FAIL;
}
