/*
 * guard.c: free text typed in the wizard passes the secret rules before it
 * is kept, so a credential never reaches a session file or an export.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secrets.h"

int
guard_text(const struct secrets_rules *rules, const char *text, char **why)
{
	struct secrets_finding	*v = NULL;
	size_t			 n, i;

	if (text == NULL || *text == '\0')
		return 0;
	if (rules == NULL)
		return set_error(why, "%s", _("the secret rules could not be "
		    "loaded, so this text cannot be checked and is not "
		    "kept"));
	n = secrets_scan_buffer(rules, NULL, text, strlen(text), &v);
	/* A publishable key (a site key) is no credential; a live one is. */
	for (i = 0; i < n; i++) {
		if (!v[i].publishable)
			break;
	}
	if (i == n) {
		secrets_findings_free(v);
		return 0;
	}
	set_error(why, _("%s %s is refused: store where it lives, not the "
	    "key"),
	    v[i].title, v[i].preview);
	secrets_findings_free(v);
	return -1;
}

/* Checks one field; on a match, *why names it. */
static int
guard_field(const struct secrets_rules *rules, const char *field,
    const char *text, char **why)
{
	char	*msg = NULL;

	if (guard_text(rules, text, &msg) == 0)
		return 0;
	set_error(why, "%s: %s", field, msg);
	free(msg);
	return -1;
}

int
guard_session(const struct secrets_rules *rules, const struct session *s,
    char **why)
{
	const struct handover	*h = &s->handover;
	size_t			 i;

	for (i = 0; i < s->nitems; i++) {
		const struct item_state *is = &s->items[i];

		if (guard_field(rules, is->id, is->note, why) == -1 ||
		    guard_field(rules, is->id, is->owner, why) == -1 ||
		    guard_field(rules, is->id, is->skip_reason, why) == -1)
			return -1;
	}
	for (i = 0; i < h->naccess; i++) {
		const struct access_entry *ae = &h->access[i];

		if (guard_field(rules, _("access list"), ae->account,
		    why) == -1 ||
		    guard_field(rules, _("access list"), ae->provider,
		    why) == -1 ||
		    guard_field(rules, _("access list"), ae->owner,
		    why) == -1 ||
		    guard_field(rules, _("access list"), ae->where, why) == -1)
			return -1;
	}
	if (guard_field(rules, _("Deploy steps"), h->deploy_steps,
	    why) == -1 ||
	    guard_field(rules, _("Rollback"), h->rollback, why) == -1 ||
	    guard_field(rules, _("Monitoring"), h->monitoring, why) == -1 ||
	    guard_field(rules, _("Open risks"), h->open_risks, why) == -1 ||
	    guard_field(rules, _("Launch decision"), h->decision.conditions,
	    why) == -1 ||
	    guard_field(rules, _("Launch decision"), h->decision.who,
	    why) == -1)
		return -1;
	for (i = 0; i < ALERT_COUNT; i++) {
		if (guard_field(rules, alert_label((enum alert)i),
		    h->alert_owner[i], why) == -1)
			return -1;
	}
	for (i = 0; i < h->nsecrets; i++) {
		if (guard_field(rules, _("Secret inventory"),
		    h->secrets[i].owner, why) == -1 ||
		    guard_field(rules, _("Secret inventory"),
		    h->secrets[i].reason, why) == -1)
			return -1;
	}
	return 0;
}
