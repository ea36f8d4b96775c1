/*
 * appendix.c: the handover's Part 2 built from the results, never typed:
 * the DNS map, the redirects in plain English, the certificates, the
 * performance and caching tables, the environment-variable inventory and
 * the runbooks filled in with this client's names. Evidence lines are
 * read by their shape; a line that does not fit one is left to the full
 * evidence at the end of the document.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "launchready.h"

/* The latest evidence of check id, or n = 0. */
static char **
appendix_evidence(const struct session *s, const char *id, size_t *n)
{
	const struct item_state	*is = summary_state(s, id);

	*n = 0;
	if (is == NULL || !is->has_latest)
		return NULL;
	*n = is->latest.nevidence;
	return is->latest.evidence;
}

/* Adds a row of ncols cells (copied; NULL becomes ""). */
static void
appendix_add(struct appendix_table *t, const char **cells)
{
	struct appendix_row	*row;
	size_t			 i;

	t->rows = xreallocarray(t->rows, t->n + 1, sizeof *t->rows);
	row = &t->rows[t->n++];
	memset(row, 0, sizeof *row);
	for (i = 0; i < t->ncols; i++)
		row->cell[i] = xstrdup(cells[i] != NULL ? cells[i] : "");
}

/* True when t has a row whose first k cells equal cells'. */
static bool
appendix_has(const struct appendix_table *t, const char **cells, size_t k)
{
	size_t	i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < k; j++) {
			if (strcmp(t->rows[i].cell[j], cells[j] != NULL ?
			    cells[j] : "") != 0)
				break;
		}
		if (j == k)
			return true;
	}
	return false;
}

/* At most this many conversions in a format appendix_match reads. */
#define APPENDIX_MAX_ARGS	8

/*
 * Matches line from l against the printf format from f (%s, %d, %ld, %u,
 * %zu, %.1f, %%, and the %N$ forms a translation may use); true when the
 * whole line fits. Each conversion's text goes to v[its argument] (newly
 * allocated); next is the argument of an unnumbered conversion.
 */
static bool
appendix_fmt(const char *l, const char *f, char **v, size_t next)
{
	const char	*conv, *end;
	size_t		 arg = next, len, max;
	bool		 text;

	while (*f != '\0' && (*f != '%' || f[1] == '%')) {
		if (*l != *f)
			return false;
		f += *f == '%' ? 2 : 1;
		l++;
	}
	if (*f == '\0')
		return *l == '\0';
	conv = f + 1;
	if (isdigit((unsigned char)*conv) && (end = strchr(conv, '$')) !=
	    NULL && strspn(conv, "0123456789") == (size_t)(end - conv)) {
		arg = (size_t)atoi(conv) - 1;
		conv = end + 1;
	} else
		next++;
	conv += strspn(conv, "-+ #0123456789.");
	conv += strspn(conv, "hlLqjzt");
	if (*conv == '\0' || arg >= APPENDIX_MAX_ARGS)
		return false;
	text = *conv == 's';
	/* The shortest text that lets the rest match (numbers: digits). */
	max = strlen(l);
	for (len = text ? 0 : 1; len <= max; len++) {
		if (!text && strspn(l, "-+0123456789.,") < len)
			break;
		if (appendix_fmt(l + len, conv + 1, v, next)) {
			free(v[arg]);
			v[arg] = xstrndup(l, len);
			return true;
		}
	}
	return false;
}

/*
 * Matches an evidence line against the format msgid it was written with,
 * in the language of the interface (evidence is recorded in it) or in
 * English: true when it fits, the conversions in v[0..APPENDIX_MAX_ARGS)
 * (free them with appendix_free_args).
 */
static bool
appendix_match(const char *line, const char *msgid, char **v)
{
	const char	*tr = _(msgid);
	size_t		 i;

	for (i = 0; i < APPENDIX_MAX_ARGS; i++)
		v[i] = NULL;
	if (appendix_fmt(line, tr, v, 0))
		return true;
	for (i = 0; i < APPENDIX_MAX_ARGS; i++) {
		free(v[i]);
		v[i] = NULL;
	}
	return tr != msgid && strcmp(tr, msgid) != 0 &&
	    appendix_fmt(line, msgid, v, 0);
}

static void
appendix_free_args(char **v)
{
	size_t	i;

	for (i = 0; i < APPENDIX_MAX_ARGS; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/*
 * The literal text msgid starts with before its first conversion, in the
 * interface's language when english is false ("selector " or "Selektor ").
 */
static char *
appendix_lead(const char *msgid, bool english)
{
	const char	*f = english ? msgid : _(msgid);

	return xstrndup(f, strcspn(f, "%"));
}

/* The first word of s into out (at most len bytes); the rest after it. */
static const char *
appendix_word(const char *s, char *out, size_t len)
{
	size_t	n = strcspn(s, " ");

	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	s += strcspn(s, " ");
	return s + strspn(s, " ");
}

/* True for the record types the DNS map shows. */
static bool
appendix_rrtype(const char *w)
{
	static const char *types[] = { "A", "AAAA", "CNAME", "MX", "TXT",
	    "NS", "CAA", "SOA", "DS", "DNSKEY" };
	size_t	i;

	for (i = 0; i < nitems(types); i++) {
		if (strcmp(w, types[i]) == 0)
			return true;
	}
	return false;
}

/* What a DNS name is for, from its first label (translated). */
static const char *
appendix_purpose(const struct session *s, const char *name, const char *type)
{
	static const struct {
		const char	*label;
		const char	*purpose;
	} labels[] = {
		{ "www", N_("the www address") },
		{ "app", N_("the app") },
		{ "api", N_("the API") },
		{ "admin", N_("the admin area") },
		{ "auth", N_("sign-in") },
		{ "staging", N_("staging (not for customers)") },
		{ "docs", N_("documentation") },
		{ "status", N_("the status page") },
		{ "mta-sts", N_("mail transport policy") },
	};
	const char	*domain = s->opt.domain != NULL ? s->opt.domain : "";
	size_t		 i, n;

	if (strcmp(type, "MX") == 0)
		return _("incoming mail");
	if (strcmp(type, "NS") == 0)
		return _("name servers: who answers for the domain");
	if (strcmp(type, "CAA") == 0)
		return _("which authorities may issue certificates");
	if (strncmp(name, "_dmarc.", 7) == 0)
		return _("mail policy (DMARC)");
	if (strstr(name, "._domainkey.") != NULL)
		return _("mail signing key (DKIM)");
	if (strcmp(type, "TXT") == 0 && strcmp(name, domain) == 0)
		return _("who may send mail (SPF)");
	if (strcmp(name, domain) == 0)
		return _("the main site");
	for (i = 0; i < nitems(labels); i++) {
		n = strlen(labels[i].label);
		if (strncmp(name, labels[i].label, n) == 0 && name[n] == '.')
			return _(labels[i].purpose);
	}
	return _("a subdomain");
}

/* The DNS provider named by dns.ns ("" when unknown). */
static char *
appendix_dns_provider(const struct session *s)
{
	char	**ev, *v[APPENDIX_MAX_ARGS], *provider;
	size_t	  n, i;

	ev = appendix_evidence(s, "dns.ns", &n);
	for (i = 0; i < n; i++) {
		if (appendix_match(ev[i], N_("DNS provider: %s"), v)) {
			provider = v[0];
			v[0] = NULL;
			appendix_free_args(v);
			return provider;
		}
	}
	return xstrdup("");
}

/* The CDN in front of host as edge.cdn saw it, or NULL. */
static char *
appendix_cdn(const struct session *s, const char *host)
{
	char		**ev;
	size_t		  n, i, len = strlen(host);
	const char	 *p;

	ev = appendix_evidence(s, "edge.cdn", &n);
	for (i = 0; i < n; i++) {
		if (strncmp(ev[i], host, len) != 0 || (ev[i][len] != ' ' &&
		    ev[i][len] != ':'))
			continue;
		if (strstr(ev[i], "no CDN") != NULL ||
		    strstr(ev[i], _("no CDN seen")) != NULL)
			return NULL;
		if ((p = strstr(ev[i], "): ")) != NULL)
			return xstrndup(p + 3, strcspn(p + 3, ",;"));
	}
	return NULL;
}

/* Adds a DNS map row. */
static void
appendix_dns_row(struct appendix *a, const struct session *s,
    const char *name, const char *type, const char *target, const char *ttl,
    const char *provider)
{
	const char	*cells[6];
	char		*cdn, *prov;

	cdn = appendix_cdn(s, name);
	prov = cdn != NULL && *provider != '\0' ? xprintf("%s · %s", provider,
	    cdn) : xstrdup(cdn != NULL ? cdn : provider);
	cells[0] = name;
	cells[1] = type;
	cells[2] = target;
	cells[3] = ttl;
	cells[4] = prov;
	cells[5] = appendix_purpose(s, name, type);
	if (!appendix_has(&a->dns, cells, 3))
		appendix_add(&a->dns, cells);
	free(prov);
	free(cdn);
}

/* Reads one DNS evidence line; false when it has no known shape. */
static bool
appendix_dns_line(struct appendix *a, const struct session *s,
    const char *line, const char *provider)
{
	const char	*domain = s->opt.domain != NULL ? s->opt.domain : "";
	char		 name[256], type[16], ttl[16] = "", *target, *sel;
	char		*lead;
	const char	*rest, *p;
	size_t		 len;
	int		 k;

	if (*line == ' ')
		return false;		/* a detail of the line above */
	/* "selector s1: RSA 1024 bits (k=rsa)", in either language */
	for (k = 0; k < 2; k++) {
		lead = appendix_lead(N_("selector %s: %s"), k == 1);
		len = strlen(lead);
		if (len > 0 && strncmp(line, lead, len) == 0 &&
		    (p = strchr(line + len, ':')) != NULL && p > line + len &&
		    strcspn(line + len, " ") >= (size_t)(p - line - len))
			break;
		free(lead);
	}
	if (k < 2) {
		free(lead);
		snprintf(name, sizeof name, "%.*s", (int)(p - line - len),
		    line + len);
		sel = xprintf("%s._domainkey.%s", name, domain);
		p = strchr(line + len, ':') + 1;
		target = xstrndup(p + strspn(p, " "), strcspn(p +
		    strspn(p, " "), "("));
		len = strlen(target);
		while (len > 0 && target[len - 1] == ' ')
			target[--len] = '\0';
		appendix_dns_row(a, s, sel, "TXT", target, "", provider);
		free(target);
		free(sel);
		return true;
	}
	/* "NAME: the name does not exist (NXDOMAIN)", in either language */
	if ((p = strstr(line, ": the name does not exist")) != NULL ||
	    ((p = strstr(line, _("the name does not exist (NXDOMAIN)"))) !=
	    NULL && p >= line + 2 && strncmp(p - 2, ": ", 2) == 0 &&
	    (p -= 2) != NULL)) {
		snprintf(name, sizeof name, "%.*s", (int)(p - line), line);
		/* A CNAME row already says where it points. */
		for (size_t i = 0; i < a->dns.n; i++) {
			if (strcmp(a->dns.rows[i].cell[0], name) == 0)
				return true;
		}
		appendix_dns_row(a, s, name, "—", _("does not exist "
		    "(NXDOMAIN)"), "", provider);
		return true;
	}
	rest = appendix_word(line, name, sizeof name);
	if (appendix_rrtype(name)) {
		/* "MX 10 mx1.example (TTL 300)": the type comes first. */
		snprintf(type, sizeof type, "%.15s", name);
		snprintf(name, sizeof name, "%s", domain);
	} else {
		if (strcmp(name, "apex") == 0)
			snprintf(name, sizeof name, "%s", domain);
		if (*rest == '"') {
			/* SPF: 'NAME "v=spf1 ..." [3 DNS lookups]' */
			snprintf(type, sizeof type, "TXT");
		} else {
			rest = appendix_word(rest, type, sizeof type);
			if (!appendix_rrtype(type))
				return false;
		}
		if (strchr(name, '.') == NULL || strchr(name, ':') != NULL)
			return false;
	}
	target = xstrdup(rest);
	if ((p = strstr(target, " (TTL ")) != NULL) {
		snprintf(ttl, sizeof ttl, "%.*s", (int)strspn(p + 6,
		    "0123456789"), p + 6);
		target[p - target] = '\0';
	} else if (*target == '"' && (p = strstr(target + 1, "\" [")) != NULL)
		target[p - target + 1] = '\0';
	appendix_dns_row(a, s, name, type, target, ttl, provider);
	free(target);
	return true;
}

/* The DNS map: one row per name and record. */
static void
appendix_dns(struct appendix *a, const struct session *s)
{
	static const char *checks[] = { "dns.apex", "dns.www",
	    "dns.subdomains", "dns.ns", "email.mx", "email.spf",
	    "email.dkim", "email.dmarc", "dns.caa", "email.mta-sts" };
	char	**ev, *provider;
	size_t	  n, i, j;

	provider = appendix_dns_provider(s);
	for (i = 0; i < nitems(checks); i++) {
		ev = appendix_evidence(s, checks[i], &n);
		for (j = 0; j < n; j++)
			(void)appendix_dns_line(a, s, ev[j], provider);
	}
	free(provider);
}

/* "http://a/ → 301 https://b/ → 200" as a sentence; NULL if no chain. */
static char *
appendix_redirect_sentence(const char *line)
{
	char		*copy, *p, *tok, *start = NULL, *last = NULL;
	int		 hops = 0, code, final = 0;
	bool		 permanent = true, temporary = true;
	char		*sentence, *codes, num[16];
	struct strlist	 seen = { 0 };

	if (strstr(line, " → ") == NULL)
		return NULL;
	copy = xstrdup(line);
	for (p = copy; (tok = p) != NULL; ) {
		if ((p = strstr(p, " → ")) != NULL) {
			*p = '\0';
			p += strlen(" → ");
		}
		if (start == NULL) {
			/* One URL, nothing else, begins the chain. */
			if (strchr(tok, ' ') != NULL)
				break;
			start = tok;
			continue;
		}
		if (sscanf(tok, "%d", &code) != 1)
			break;
		tok += strspn(tok, "0123456789");
		tok += strspn(tok, " ");
		if (*tok == '\0') {
			final = code;	/* the last answer */
			break;
		}
		hops++;
		last = tok;
		tok[strcspn(tok, " ")] = '\0';	/* "(3 hops)" and the like */
		if (code != 301 && code != 308)
			permanent = false;
		if (code != 302 && code != 303 && code != 307)
			temporary = false;
		snprintf(num, sizeof num, "%d", code);
		if (!strlist_has(&seen, num))
			strlist_add(&seen, num);
	}
	codes = strlist_join(&seen, ", ");
	if (start == NULL || (hops == 0 && final == 0))
		sentence = NULL;
	else if (hops == 0)
		sentence = xprintf(_("%s answers directly (%d)."), start, final);
	else if (permanent)
		sentence = xprintf(ngettext("%s goes permanently (%s) to %s, "
		    "%d hop.", "%s goes permanently (%s) to %s, %d hops.",
		    hops), start, codes, last, hops);
	else if (temporary)
		sentence = xprintf(ngettext("%s goes temporarily (%s) to %s, "
		    "%d hop: search engines keep the old address.",
		    "%s goes temporarily (%s) to %s, %d hops: search engines "
		    "keep the old address.", hops), start, codes, last, hops);
	else
		sentence = xprintf(ngettext("%s goes to %s through %s, %d hop.",
		    "%s goes to %s through %s, %d hops.", hops), start, last,
		    codes, hops);
	if (sentence != NULL && final >= 400) {
		p = sentence;
		sentence = xprintf(_("%s The end answers %d: broken."), p,
		    final);
		free(p);
	}
	free(codes);
	strlist_clear(&seen);
	free(copy);
	return sentence;
}

/* The redirect rules in plain English, one per entry URL. */
static void
appendix_redirects(struct appendix *a, const struct session *s)
{
	static const char *checks[] = { "http.canonical",
	    "http.https-redirect", "http.redirect-loop" };
	struct strlist	 starts = { 0 };
	char		**ev, *sentence, *start;
	size_t		  n, i, j;

	for (i = 0; i < nitems(checks); i++) {
		ev = appendix_evidence(s, checks[i], &n);
		for (j = 0; j < n; j++) {
			if (ev[j][0] == ' ' || strstr(ev[j], " → ") == NULL)
				continue;
			start = xstrndup(ev[j], strstr(ev[j], " → ") - ev[j]);
			if (!strlist_has(&starts, start) &&
			    (sentence = appendix_redirect_sentence(ev[j])) !=
			    NULL) {
				strlist_add(&starts, start);
				strlist_add(&a->redirects, sentence);
				free(sentence);
			}
			free(start);
		}
	}
	strlist_clear(&starts);
}

/* The row of host in the certificates table, added when new. */
static struct appendix_row *
appendix_cert_row(struct appendix *a, const char *host)
{
	const char	*cells[5] = { host, "", "", "", "" };
	size_t		 i;

	for (i = 0; i < a->certs.n; i++) {
		if (strcmp(a->certs.rows[i].cell[0], host) == 0)
			return &a->certs.rows[i];
	}
	appendix_add(&a->certs, cells);
	return &a->certs.rows[a->certs.n - 1];
}

static void
appendix_set(struct appendix_row *row, size_t i, const char *v, size_t len)
{
	free(row->cell[i]);
	row->cell[i] = xstrndup(v, len);
}

/* Certificates: one row per host (issuer, expiry, days left, renewal). */
static void
appendix_certs(struct appendix *a, const struct session *s)
{
	char			**ev, *v[APPENDIX_MAX_ARGS], *days;
	size_t			  n, i;
	struct appendix_row	 *row;

	/* Read by the formats tls.expiry and tls.renewal write, in the
	   interface's language or in English. */
	ev = appendix_evidence(s, "tls.expiry", &n);
	for (i = 0; i < n; i++) {
		if (appendix_match(ev[i], N_("%s: expires on %s: %ld days "
		    "left; issuer %s"), v)) {
			row = appendix_cert_row(a, v[0]);
			appendix_set(row, 2, v[1], strcspn(v[1], "T "));
			appendix_set(row, 3, v[2], strlen(v[2]));
			appendix_set(row, 1, v[3], strlen(v[3]));
		} else if (appendix_match(ev[i], N_("%s: expired on %s (%ld "
		    "days ago); issuer %s"), v)) {
			row = appendix_cert_row(a, v[0]);
			days = xprintf("-%s", v[2]);
			appendix_set(row, 2, v[1], strcspn(v[1], "T "));
			appendix_set(row, 3, days, strlen(days));
			appendix_set(row, 1, v[3], strlen(v[3]));
			free(days);
		} else if (appendix_match(ev[i], N_("%s: not checked: %s"),
		    v) && strchr(v[0], ' ') == NULL) {
			row = appendix_cert_row(a, v[0]);
			/* "not checked: why", as written. */
			days = ev[i] + strlen(v[0]) + 2;
			appendix_set(row, 4, days, strlen(days));
		}
		appendix_free_args(v);
	}
	ev = appendix_evidence(s, "tls.renewal", &n);
	for (i = 0; i < n; i++) {
		/* The longer (manual) form first: the short one would take
		   its tail as the renewal path. */
		if (appendix_match(ev[i], N_("%s: issuer %s%s: renewal %s: the "
		    "handover must say who renews it, how, and before %s"),
		    v) || appendix_match(ev[i], N_("%s: issuer %s (%s): "
		    "renewal %s"), v)) {
			row = appendix_cert_row(a, v[0]);
			appendix_set(row, 4, v[3], strlen(v[3]));
		}
		appendix_free_args(v);
	}
}

/* Parses "p95 123.4 ms" after key in line; -1 when absent. */
static double
appendix_ms(const char *line, const char *key)
{
	const char	*p = strstr(line, key);
	double		 v;

	if (p == NULL || sscanf(p + strlen(key), "%lf", &v) != 1)
		return -1;
	return v;
}

static int
appendix_route_cmp(const void *x, const void *y)
{
	const struct appendix_row	*a = x, *b = y;
	double				 p = atof(a->cell[2]), q = atof(b->cell[2]);

	return p < q ? 1 : p > q ? -1 : strcmp(a->cell[0], b->cell[0]);
}

/* Performance (slowest first against the target) and cache policy. */
static void
appendix_perf(struct appendix *a, const struct session *s)
{
	char		**ev, *route, *p95, *p50, *verdict;
	const char	 *cells[5], *p;
	size_t		  n, i;
	double		  v95, v50;

	ev = appendix_evidence(s, "perf.latency", &n);
	for (i = 0; i < n; i++) {
		if ((v95 = appendix_ms(ev[i], "p95 ")) < 0 ||
		    (p = strstr(ev[i], ": ")) == NULL)
			continue;
		v50 = appendix_ms(ev[i], "p50 ");
		route = xstrndup(ev[i], p - ev[i]);
		p95 = xprintf("%.0f", v95);
		p50 = v50 >= 0 ? xprintf("%.0f", v50) : xstrdup("");
		verdict = v95 > APPENDIX_TARGET_MS ? xprintf(_("over by %.0f "
		    "ms"), v95 - APPENDIX_TARGET_MS) : xstrdup(_("within"));
		cells[0] = route;
		cells[1] = p50;
		cells[2] = p95;
		cells[3] = verdict;
		appendix_add(&a->routes, cells);
		free(route);
		free(p95);
		free(p50);
		free(verdict);
	}
	if (a->routes.n > 1)
		qsort(a->routes.rows, a->routes.n, sizeof *a->routes.rows,
		    appendix_route_cmp);

	ev = appendix_evidence(s, "edge.cache-static", &n);
	for (i = 0; i < n; i++) {
		if ((p = strstr(ev[i], ": Cache-Control: ")) == NULL)
			continue;
		route = xstrndup(ev[i], p - ev[i]);
		p += strlen(": Cache-Control: ");
		p95 = xstrndup(p, strcspn(p, ";"));
		cells[0] = route;
		cells[1] = _("static file");
		cells[2] = p95;
		appendix_add(&a->cache, cells);
		free(route);
		free(p95);
	}
	ev = appendix_evidence(s, "edge.cache-private", &n);
	for (i = 0; i < n; i++) {
		if ((p = strstr(ev[i], ": Cache-Control: ")) == NULL)
			continue;
		route = xstrndup(ev[i], p - ev[i]);
		p += strlen(": Cache-Control: ");
		p95 = xstrndup(p, strcspn(p, ";"));
		cells[0] = route;
		cells[1] = _("page");
		cells[2] = p95;
		appendix_add(&a->cache, cells);
		free(route);
		free(p95);
	}
}

/* The environment-variable inventory: names and where, never values. */
static void
appendix_env(struct appendix *a, const struct session *s)
{
	char		**ev, *name;
	const char	 *cells[2], *p;
	size_t		  n, i;

	ev = appendix_evidence(s, "secrets.inventory", &n);
	for (i = 0; i < n; i++) {
		if ((p = strchr(ev[i], ':')) == NULL || p == ev[i] ||
		    strchr(ev[i], ' ') < p)
			continue;
		name = xstrndup(ev[i], p - ev[i]);
		cells[0] = name;
		cells[1] = p + 1 + strspn(p + 1, " ");
		appendix_add(&a->env, cells);
		free(name);
	}
}

/* A value for a runbook, or the placeholder saying it is not known. */
static const char *
appendix_or(const char *v, const char *none)
{
	return v != NULL && *v != '\0' ? v : none;
}

/* The manual item's note (what a person wrote), or NULL. */
static const char *
appendix_note(const struct session *s, const char *id)
{
	const struct item_state	*is = summary_state(s, id);

	return is != NULL && is->note != NULL && *is->note != '\0' ?
	    is->note : NULL;
}

/* Starts runbook k with its key and title. */
static struct runbook *
appendix_runbook(struct appendix *a, size_t k, const char *key,
    const char *title)
{
	struct runbook	*rb = &a->runbooks[k];

	rb->key = key;
	rb->title = xstrdup(title);
	return rb;
}

/* The five runbooks, filled in with this client's names. */
static void
appendix_runbooks(struct appendix *a, const struct session *s)
{
	const struct handover	*h = &s->handover;
	const char		*domain = appendix_or(s->opt.domain, "?");
	const char		*nobody = _("nobody named yet");
	char			*provider, *hosts, *issuer, *renewal, *sel;
	struct strlist		 hl = { 0 };
	struct runbook		*rb;
	size_t			 i;

	for (i = 0; i < a->certs.n; i++)
		strlist_add(&hl, a->certs.rows[i].cell[0]);
	hosts = hl.n > 0 ? strlist_join(&hl, ", ") : xstrdup(domain);
	strlist_clear(&hl);
	issuer = xstrdup(a->certs.n > 0 && *a->certs.rows[0].cell[1] != '\0' ?
	    a->certs.rows[0].cell[1] : _("the certificate authority"));
	renewal = xstrdup(a->certs.n > 0 && *a->certs.rows[0].cell[4] !=
	    '\0' ? a->certs.rows[0].cell[4] : _("not known"));
	provider = appendix_dns_provider(s);
	sel = s->opt.dkim_selectors.n > 0 ? xstrdup(s->opt.dkim_selectors.v[0]) :
	    NULL;
	for (i = 0; sel == NULL && i < a->dns.n; i++) {
		const char *p = strstr(a->dns.rows[i].cell[0], "._domainkey.");

		if (p != NULL)
			sel = xstrndup(a->dns.rows[i].cell[0],
			    p - a->dns.rows[i].cell[0]);
	}

	rb = appendix_runbook(a, 0, "certificate", _("Certificate expired or "
	    "about to expire"));
	strlist_addf(&rb->steps, _("Who acts: %s (owner of the "
	    "\"certificate expiring\" alert)."),
	    appendix_or(h->alert_owner[ALERT_CERT_EXPIRY], nobody));
	strlist_addf(&rb->steps, _("See which host: openssl s_client "
	    "-connect HOST:443 -servername HOST </dev/null | openssl x509 "
	    "-noout -enddate, for %s."), hosts);
	strlist_addf(&rb->steps, _("Renew: issuer %s, renewal %s; the "
	    "certificates table in this appendix has the dates."), issuer,
	    renewal);
	strlist_addf(&rb->steps, "%s", _("After the renewal, run launchready "
	    "audit --only tls and check every host shows the new date."));

	rb = appendix_runbook(a, 1, "failed-deploy", _("Failed deploy and "
	    "rollback"));
	strlist_addf(&rb->steps, _("Who acts: %s (owner of the \"failed "
	    "deploy\" alert)."), appendix_or(h->alert_owner[ALERT_FAILED_DEPLOY],
	    nobody));
	strlist_addf(&rb->steps, _("Deploy target: %s."),
	    appendix_or(appendix_note(s, "manual.deploy-target"),
	    _("not recorded")));
	if (h->rollback_minutes > 0)
		strlist_addf(&rb->steps, ngettext("Roll back with the rollback "
		    "steps of Part 1 (rehearsed in %d minute).", "Roll back "
		    "with the rollback steps of Part 1 (rehearsed in %d "
		    "minutes).", h->rollback_minutes), h->rollback_minutes);
	else
		strlist_addf(&rb->steps, "%s", _("Roll back with the rollback "
		    "steps of Part 1 (not rehearsed yet: rehearse it)."));
	strlist_addf(&rb->steps, _("Confirm: %s answers 200, then tell the "
	    "owner of the \"site down\" alert (%s)."),
	    appendix_or(s->opt.health_url, domain),
	    appendix_or(h->alert_owner[ALERT_SITE_DOWN], nobody));

	rb = appendix_runbook(a, 2, "dns", _("DNS outage or wrong record"));
	strlist_addf(&rb->steps, _("DNS provider: %s; registrar and DNS logins "
	    "are in the access list."), appendix_or(provider, _("not known")));
	strlist_addf(&rb->steps, _("Compare what is served (dig +short NAME) "
	    "with the DNS map in this appendix, name by name (%zu records)."),
	    a->dns.n);
	strlist_addf(&rb->steps, "%s", _("Put back the record from the map; "
	    "with TTL 300 the change reaches everyone within 5 minutes."));
	strlist_addf(&rb->steps, _("Tell the owner of the \"site down\" "
	    "alert (%s)."), appendix_or(h->alert_owner[ALERT_SITE_DOWN],
	    nobody));

	rb = appendix_runbook(a, 3, "leaked-secret", _("Leaked secret"));
	strlist_addf(&rb->steps, "%s", _("Rotate it at its provider first: a "
	    "secret deleted from the code is still in the history."));
	strlist_addf(&rb->steps, _("The secret inventory names each secret's "
	    "owner and file (%zu open of %zu)."), inventory_open(s),
	    h->nsecrets);
	strlist_addf(&rb->steps, "%s", _("Move the new value to the "
	    "deployment's environment or secret store, never into a file in "
	    "the repository."));
	strlist_addf(&rb->steps, _("Run launchready audit %s --only secrets "
	    "and mark the row rotated, with the date."), domain);

	rb = appendix_runbook(a, 4, "email-spam", _("Email landing in spam"));
	strlist_addf(&rb->steps, _("Who acts: %s (owner of the \"email "
	    "bounces\" alert)."), appendix_or(h->alert_owner[ALERT_EMAIL_BOUNCES],
	    nobody));
	strlist_addf(&rb->steps, _("Check the records: SPF on %s, DKIM "
	    "selector %s, DMARC on _dmarc.%s (the DNS map has them)."),
	    domain, appendix_or(sel, _("not known")), domain);
	strlist_addf(&rb->steps, "%s", _("Send a test mail to a mailbox "
	    "outside the company and read its Authentication-Results "
	    "header: spf, dkim and dmarc must say pass."));
	strlist_addf(&rb->steps, "%s", _("Once the DMARC reports show only "
	    "your own senders, move DMARC from p=none to p=quarantine."));
	free(sel);
	free(provider);
	free(renewal);
	free(issuer);
	free(hosts);
}

void
appendix_build(const struct session *s, struct appendix *a)
{
	memset(a, 0, sizeof *a);
	a->dns.ncols = 6;
	a->certs.ncols = 5;
	a->routes.ncols = 4;
	a->cache.ncols = 3;
	a->env.ncols = 2;
	appendix_dns(a, s);
	appendix_redirects(a, s);
	appendix_certs(a, s);
	appendix_perf(a, s);
	appendix_env(a, s);
	appendix_runbooks(a, s);
}

/* Frees a table's rows. */
static void
appendix_table_clear(struct appendix_table *t)
{
	size_t	i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->ncols; j++)
			free(t->rows[i].cell[j]);
	}
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

void
appendix_clear(struct appendix *a)
{
	size_t	i;

	appendix_table_clear(&a->dns);
	appendix_table_clear(&a->certs);
	appendix_table_clear(&a->routes);
	appendix_table_clear(&a->cache);
	appendix_table_clear(&a->env);
	strlist_clear(&a->redirects);
	for (i = 0; i < APPENDIX_RUNBOOKS; i++) {
		free(a->runbooks[i].title);
		strlist_clear(&a->runbooks[i].steps);
	}
}
