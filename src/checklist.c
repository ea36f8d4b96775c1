/* checklist.c: loading the sprint from data/checklist.cfg. */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

#include "engine.h"

/* Fetches a required non-empty string member; -1 with *err when absent. */
static int
checklist_string(const char *path, config_setting_t *s, const char *name,
    char **out, char **err)
{
	const char	*v;

	if (!config_setting_lookup_string(s, name, &v) || *v == '\0')
		return set_error(err, _("%s:%d: missing \"%s\" (a non-empty "
		    "string)"), path, config_setting_source_line(s), name);
	*out = xstrdup(v);
	return 0;
}

/* Loads one item of stage into cl->items[cl->nitems]. */
static int
checklist_load_item(struct checklist *cl, const char *path,
    config_setting_t *s, int stage, char **err)
{
	struct item	*item = &cl->items[cl->nitems];
	const char	*check = NULL, *manual = NULL, *sev, *hint;
	config_setting_t *h;
	int		 line = config_setting_source_line(s);
	size_t		 i;

	memset(item, 0, sizeof *item);
	item->stage = stage;
	config_setting_lookup_string(s, "check", &check);
	config_setting_lookup_string(s, "manual", &manual);
	if ((check == NULL) == (manual == NULL))
		return set_error(err, _("%s:%d: an item needs exactly one of "
		    "\"check\" (a check id) or \"manual\" (a name)"), path,
		    line);
	if (check != NULL) {
		if (check_find(check) == NULL)
			return set_error(err, _("%s:%d: unknown check id "
			    "\"%s\""), path, line, check);
		item->id = xstrdup(check);
		item->check = xstrdup(check);
	} else {
		if (*manual == '\0' || strspn(manual,
		    "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(manual))
			return set_error(err, _("%s:%d: manual item name \"%s\" "
			    "must be lower-case letters, digits and hyphens"),
			    path, line, manual);
		item->id = xprintf("manual.%s", manual);
	}
	cl->nitems++;
	for (i = 0; i + 1 < cl->nitems; i++) {
		if (strcmp(cl->items[i].id, item->id) == 0)
			return set_error(err, _("%s:%d: duplicate item \"%s\""),
			    path, line, item->id);
	}
	if (checklist_string(path, s, "title", &item->title, err) == -1 ||
	    checklist_string(path, s, "why", &item->why, err) == -1 ||
	    checklist_string(path, s, "fix", &item->fix, err) == -1)
		return -1;
	if (!config_setting_lookup_string(s, "severity", &sev))
		return set_error(err, _("%s:%d: missing \"severity\""), path,
		    line);
	if (severity_parse(sev, &item->severity) == -1 ||
	    item->severity == SEVERITY_NONE)
		return set_error(err, _("%s:%d: severity \"%s\" is not one of "
		    "critical, high, medium, info"), path, line, sev);
	if ((h = config_setting_get_member(s, "hint")) != NULL) {
		line = config_setting_source_line(h);
		if (config_setting_type(h) != CONFIG_TYPE_STRING)
			return set_error(err, _("%s:%d: \"hint\" must be a "
			    "check id in quotes"), path, line);
		hint = config_setting_get_string(h);
		if (check != NULL)
			return set_error(err, _("%s:%d: \"hint\" is for manual "
			    "items; \"%s\" already runs a check"), path, line,
			    check);
		if (check_find(hint) == NULL)
			return set_error(err, _("%s:%d: hint: unknown check id "
			    "\"%s\""), path, line, hint);
		item->hint = xstrdup(hint);
	}
	return 0;
}

/* Loads stage number n from setting s. */
static int
checklist_load_stage(struct checklist *cl, const char *path,
    config_setting_t *s, int n, char **err)
{
	struct stage		*st = &cl->stages[n - 1];
	config_setting_t	*hours, *items;
	int			 line = config_setting_source_line(s), number, i;

	if (!config_setting_lookup_int(s, "number", &number) || number != n)
		return set_error(err, _("%s:%d: stage %d needs \"number = "
		    "%d;\" (stages are listed in order)"), path, line, n, n);
	st->number = n;
	if (checklist_string(path, s, "name", &st->name, err) == -1 ||
	    checklist_string(path, s, "goal", &st->goal, err) == -1)
		return -1;
	hours = config_setting_get_member(s, "hours");
	if (hours == NULL || config_setting_length(hours) != 2 ||
	    config_setting_type(config_setting_get_elem(hours, 0)) !=
	    CONFIG_TYPE_INT)
		return set_error(err, _("%s:%d: stage %d needs \"hours = [FROM, "
		    "TO];\""), path, line, n);
	st->hour_from = config_setting_get_int_elem(hours, 0);
	st->hour_to = config_setting_get_int_elem(hours, 1);
	if (st->hour_from < 0 || st->hour_to > 48 ||
	    st->hour_from >= st->hour_to || (n == 1 && st->hour_from != 0) ||
	    (n == STAGE_COUNT && st->hour_to != 48) ||
	    (n > 1 && st->hour_from != cl->stages[n - 2].hour_to))
		return set_error(err, _("%s:%d: stage %d's hours [%d, %d] must "
		    "follow the previous stage, from hour 0 to hour 48"), path,
		    line, n, st->hour_from, st->hour_to);
	items = config_setting_get_member(s, "items");
	if (items == NULL || !config_setting_is_list(items) ||
	    config_setting_length(items) == 0)
		return set_error(err, _("%s:%d: stage %d needs a non-empty "
		    "\"items = ( ... );\" list"), path, line, n);
	st->first = cl->nitems;
	cl->items = xreallocarray(cl->items, cl->nitems +
	    config_setting_length(items), sizeof *cl->items);
	for (i = 0; i < config_setting_length(items); i++) {
		if (checklist_load_item(cl, path,
		    config_setting_get_elem(items, i), n, err) == -1)
			return -1;
	}
	st->nitems = cl->nitems - st->first;
	return 0;
}

struct checklist *
checklist_load(const char *path, char **err)
{
	struct checklist	*cl;
	config_t		 cfg;
	config_setting_t	*stages;
	struct stat		 sb;
	int			 i;

	if (stat(path, &sb) == -1) {
		set_error(err, _("%s: cannot read the checklist: no such "
		    "file"), path);
		return NULL;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->path = xstrdup(path);
	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			set_error(err, _("%s: cannot read the checklist"), path);
		else
			set_error(err, "%s:%d: %s", path,
			    config_error_line(&cfg), config_error_text(&cfg));
		goto fail;
	}
	stages = config_lookup(&cfg, "stages");
	if (stages == NULL || !config_setting_is_list(stages) ||
	    config_setting_length(stages) != STAGE_COUNT) {
		set_error(err, _("%s:%d: needs \"stages = ( ... );\" with "
		    "exactly %d stages"), path, stages != NULL ?
		    config_setting_source_line(stages) : 1, STAGE_COUNT);
		goto fail;
	}
	for (i = 0; i < STAGE_COUNT; i++) {
		if (checklist_load_stage(cl, path,
		    config_setting_get_elem(stages, i), i + 1, err) == -1)
			goto fail;
	}
	config_destroy(&cfg);
	return cl;

fail:
	config_destroy(&cfg);
	checklist_free(cl);
	return NULL;
}

void
checklist_free(struct checklist *cl)
{
	size_t	i;

	if (cl == NULL)
		return;
	for (i = 0; i < cl->nitems; i++) {
		free(cl->items[i].id);
		free(cl->items[i].check);
		free(cl->items[i].title);
		free(cl->items[i].why);
		free(cl->items[i].fix);
		free(cl->items[i].hint);
	}
	free(cl->items);
	for (i = 0; i < STAGE_COUNT; i++) {
		free(cl->stages[i].name);
		free(cl->stages[i].goal);
	}
	free(cl->path);
	free(cl);
}

const struct item *
checklist_item(const struct checklist *cl, const char *id)
{
	size_t	i;

	if (cl == NULL)
		return NULL;
	for (i = 0; i < cl->nitems; i++) {
		if (strcmp(cl->items[i].id, id) == 0)
			return &cl->items[i];
	}
	return NULL;
}

int
checklist_stage_at(const struct checklist *cl, int hour)
{
	int	i;

	for (i = 0; i < STAGE_COUNT; i++) {
		if (hour < cl->stages[i].hour_to)
			return i + 1;
	}
	return STAGE_COUNT;
}
