/* dmarc.c: DMARC policy records (RFC 7489, np of RFC 9091). */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

bool
dmarc_is_record(const char *txt, size_t len)
{
	size_t	i = 8;

	if (len < 8 || strncmp(txt, "v=DMARC1", 8) != 0)
		return false;
	while (i < len && (txt[i] == ' ' || txt[i] == '\t'))
		i++;
	return i == len || txt[i] == ';';
}

int
dmarc_policy_rank(const char *p)
{
	if (p == NULL)
		return -1;
	if (strcasecmp(p, "none") == 0)
		return 0;
	if (strcasecmp(p, "quarantine") == 0)
		return 1;
	if (strcasecmp(p, "reject") == 0)
		return 2;
	return -1;
}

char *
dmarc_uri_domain(const char *uri)
{
	const char	*at, *end;

	if (strncasecmp(uri, "mailto:", 7) != 0)
		return NULL;
	if ((at = strrchr(uri + 7, '@')) == NULL || at == uri + 7)
		return NULL;
	at++;
	end = at + strcspn(at, "!?> ");
	if (end == at)
		return NULL;
	{
		char *d = xstrndup(at, end - at);

		for (char *s = d; *s != '\0'; s++)
			*s = tolower((unsigned char)*s);
		return d;
	}
}

const char *
dmarc_org_domain(const char *domain)
{
	const char	*p = domain + strlen(domain), *last = NULL;
	int		 dots = 0;

	while (p > domain) {
		p--;
		if (*p == '.') {
			if (++dots == 2)
				return p + 1;
			last = p;
		}
	}
	(void)last;
	return domain;
}

/* Splits a comma list of report URIs, each a valid mailto:. */
static int
dmarc_uris(struct strlist *out, const char *tag, const char *value, char **err)
{
	struct strlist	 parts = { 0 };
	size_t		 i;
	char		*d;

	strlist_split(&parts, value);
	if (parts.n == 0) {
		strlist_clear(&parts);
		return set_error(err, _("%s= is empty"), tag);
	}
	for (i = 0; i < parts.n; i++) {
		if ((d = dmarc_uri_domain(parts.v[i])) == NULL) {
			set_error(err, _("%s=%s is not a mailto: address"), tag,
			    parts.v[i]);
			strlist_clear(&parts);
			return -1;
		}
		free(d);
		strlist_add(out, parts.v[i]);
	}
	strlist_clear(&parts);
	return 0;
}

/* One tag of a DMARC record. */
static int
dmarc_tag(void *arg, const char *tag, const char *value, char **err)
{
	struct dmarc_record	*r = arg;
	char			*end;
	long			 n;

	if (strcmp(tag, "v") == 0)
		return 0;
	if (strcmp(tag, "p") == 0 || strcmp(tag, "sp") == 0 ||
	    strcmp(tag, "np") == 0) {
		char **slot = tag[0] == 'p' ? &r->p : tag[0] == 's' ? &r->sp :
		    &r->np;

		if (dmarc_policy_rank(value) < 0)
			return set_error(err,
			    _("%s=%s: the policy must be none, "
			    "quarantine or reject"), tag, value);
		if (*slot != NULL)
			return set_error(err, _("%s= appears twice"), tag);
		*slot = xstrdup(value);
		for (char *s = *slot; *s != '\0'; s++)
			*s = tolower((unsigned char)*s);
		return 0;
	}
	if (strcmp(tag, "pct") == 0) {
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n < 0 || n > 100)
			return set_error(err, _("pct=%s: give 0 to 100"),
			    value);
		r->pct = n;
		return 0;
	}
	if (strcmp(tag, "adkim") == 0 || strcmp(tag, "aspf") == 0) {
		if ((value[0] != 'r' && value[0] != 's') || value[1] != '\0')
			return set_error(err, _("%s=%s: give r or s"), tag,
			    value);
		if (tag[1] == 'd')
			r->adkim = value[0];
		else
			r->aspf = value[0];
		return 0;
	}
	if (strcmp(tag, "rua") == 0)
		return dmarc_uris(&r->rua, tag, value, err);
	if (strcmp(tag, "ruf") == 0)
		return dmarc_uris(&r->ruf, tag, value, err);
	if (strcmp(tag, "fo") == 0) {
		for (const char *s = value; *s != '\0'; s++) {
			if (strchr("01ds:", *s) == NULL)
				return set_error(err, _("fo=%s: options are 0, "
				    "1, d and s separated by ':'"), value);
		}
		free(r->fo);
		r->fo = xstrdup(value);
		return 0;
	}
	if (strcmp(tag, "rf") == 0) {
		if (strcasecmp(value, "afrf") != 0)
			return set_error(err, _("rf=%s: only afrf is defined"),
			    value);
		free(r->rf);
		r->rf = xstrdup(value);
		return 0;
	}
	if (strcmp(tag, "ri") == 0) {
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n < 0)
			return set_error(err,
			    _("ri=%s: not a number of seconds"),
			    value);
		r->ri = n;
		return 0;
	}
	return set_error(err, _("unknown tag \"%s\""), tag);
}

int
dmarc_parse(struct dmarc_record *r, const char *txt, size_t len, char **err)
{
	memset(r, 0, sizeof *r);
	r->pct = 100;
	r->adkim = r->aspf = 'r';
	r->ri = 86400;
	if (!dmarc_is_record(txt, len))
		return set_error(err, "%s", _("the record does not start with "
		    "v=DMARC1"));
	if (dns_tags(txt, len, dmarc_tag, r, err) != 0) {
		dmarc_record_free(r);
		return -1;
	}
	if (r->p == NULL) {
		/* RFC 7489 6.6.3: with rua, treat as p=none; else invalid. */
		if (r->rua.n == 0) {
			dmarc_record_free(r);
			return set_error(err, "%s", _("no p= policy tag"));
		}
		strlist_add(&r->warnings, _("no p= tag: receivers treat it as "
		    "p=none"));
		r->p = xstrdup("none");
	}
	return 0;
}

void
dmarc_record_free(struct dmarc_record *r)
{
	free(r->p);
	free(r->sp);
	free(r->np);
	free(r->fo);
	free(r->rf);
	strlist_clear(&r->rua);
	strlist_clear(&r->ruf);
	strlist_clear(&r->warnings);
	memset(r, 0, sizeof *r);
}
