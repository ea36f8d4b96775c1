/*
 * inventory.c: the secret inventory of a session, one row per distinct
 * secret value (by fingerprint, never the value), kept across re-scans.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secrets.h"

struct secret_row *
inventory_find(struct session *s, const char *fp)
{
	size_t	i;

	for (i = 0; i < s->handover.nsecrets; i++) {
		if (strcmp(s->handover.secrets[i].fingerprint, fp) == 0)
			return &s->handover.secrets[i];
	}
	return NULL;
}

size_t
inventory_open(const struct session *s)
{
	size_t	i, n = 0;

	for (i = 0; i < s->handover.nsecrets; i++)
		n += s->handover.secrets[i].status == SECRET_EXPOSED;
	return n;
}

int
inventory_set_status(struct secret_row *row, enum secret_status st,
    time_t when, const char *reason, char **err)
{
	if (st == SECRET_ALLOWED && (reason == NULL || *reason == '\0'))
		return set_error(err, "%s", _("an allowed secret needs the "
		    "reason it may stay"));
	row->status = st;
	row->rotated = st == SECRET_ROTATED ? (when != 0 ? when :
	    time(NULL)) : 0;
	free(row->reason);
	row->reason = st == SECRET_ALLOWED ? xstrdup(reason) : NULL;
	/* A person looked at it again: the flag has done its work. */
	row->reappeared = 0;
	return 0;
}

/* Adds a new row for finding g. */
static struct secret_row *
inventory_add(struct session *s, const struct gitscan_finding *g,
    time_t now)
{
	struct handover		*h = &s->handover;
	struct secret_row	*row;

	h->secrets = xreallocarray(h->secrets, h->nsecrets + 1,
	    sizeof *h->secrets);
	row = &h->secrets[h->nsecrets++];
	memset(row, 0, sizeof *row);
	memcpy(row->fingerprint, g->f.fingerprint, INVENTORY_FP_HEX);
	row->fingerprint[INVENTORY_FP_HEX] = '\0';
	row->kind = xstrdup(g->f.rule);
	row->path = xstrdup(g->path != NULL ? g->path : "");
	row->line = (unsigned)g->f.line;
	if (g->commit != NULL) {
		row->commit = xstrdup(g->commit);
		row->commit_date = g->date;
	}
	row->first_seen = now;
	if (g->f.allowed) {
		row->status = SECRET_ALLOWED;
		row->reason = xstrdup(g->allow_reason != NULL &&
		    *g->allow_reason != '\0' ? g->allow_reason :
		    _("allowed in the repository"));
	}
	return row;
}

/* Folds one finding into its row; true when a row was added or flagged. */
static bool
inventory_fold(struct session *s, const struct gitscan_finding *g,
    time_t now)
{
	struct secret_row	*row;
	const char		*path = g->path != NULL ? g->path : "";
	bool			 changed = false, new_place;

	if ((row = inventory_find(s, g->f.fingerprint)) == NULL) {
		row = inventory_add(s, g, now);
		changed = true;
	} else if (g->commit != NULL && (row->commit == NULL ||
	    (g->date != 0 && g->date < row->commit_date))) {
		/* A history scan knows the first commit better. */
		free(row->commit);
		row->commit = xstrdup(g->commit);
		row->commit_date = g->date;
	}
	new_place = !strlist_has(&row->paths, path);
	/* Back in a new place, or committed again, after its rotation. */
	if (!changed && row->status == SECRET_ROTATED && row->rotated != 0 &&
	    now >= row->rotated && ((new_place && row->paths.n > 0) ||
	    (g->commit != NULL && g->date > row->rotated))) {
		row->status = SECRET_EXPOSED;
		row->reappeared = now;
		changed = true;
	}
	if (new_place && row->paths.n < INVENTORY_MAX_PATHS)
		strlist_add(&row->paths, path);
	row->last_seen = now;
	return changed;
}

size_t
inventory_sync(struct session *s, const struct gitscan_report *rep,
    time_t now)
{
	size_t	i, n = 0;

	if (rep == NULL || rep->error != NULL)
		return 0;
	for (i = 0; i < rep->nfindings; i++) {
		if (rep->findings[i].f.publishable)
			continue;
		n += inventory_fold(s, &rep->findings[i], now);
	}
	return n;
}
