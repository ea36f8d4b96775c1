/* options.c: the options every mode shares. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "launchready.h"

void
options_init(struct options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->timeout = OPTIONS_DEFAULT_TIMEOUT;
	opt->email = -1;
}

void
options_clear(struct options *opt)
{
	free(opt->domain);
	free(opt->domain_unicode);
	strlist_clear(&opt->resolvers);
	free(opt->cacert);
	strlist_clear(&opt->subdomains);
	strlist_clear(&opt->dkim_selectors);
	free(opt->repo);
	free(opt->session_dir);
	free(opt->login_url);
	free(opt->health_url);
	strlist_clear(&opt->api_urls);
	free(opt->sender_ip);
	free(opt->smoke);
	options_init(opt);
}

/* Copies a string that may be NULL. */
static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
options_copy(struct options *dst, const struct options *src)
{
	options_clear(dst);
	*dst = *src;
	dst->domain = dup_or_null(src->domain);
	dst->domain_unicode = dup_or_null(src->domain_unicode);
	dst->cacert = dup_or_null(src->cacert);
	dst->repo = dup_or_null(src->repo);
	dst->session_dir = dup_or_null(src->session_dir);
	dst->login_url = dup_or_null(src->login_url);
	dst->health_url = dup_or_null(src->health_url);
	dst->sender_ip = dup_or_null(src->sender_ip);
	dst->smoke = dup_or_null(src->smoke);
	memset(&dst->resolvers, 0, sizeof dst->resolvers);
	memset(&dst->subdomains, 0, sizeof dst->subdomains);
	memset(&dst->dkim_selectors, 0, sizeof dst->dkim_selectors);
	memset(&dst->api_urls, 0, sizeof dst->api_urls);
	strlist_copy(&dst->resolvers, &src->resolvers);
	strlist_copy(&dst->subdomains, &src->subdomains);
	strlist_copy(&dst->dkim_selectors, &src->dkim_selectors);
	strlist_copy(&dst->api_urls, &src->api_urls);
}

/* Parses a port number 1..65535; -1 if it is not one. */
static int
parse_port(const char *s, size_t len)
{
	int	port = 0;
	size_t	i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535 ? port : -1;
}

int
options_parse_port_map(struct options *opt, const char *in, char **err)
{
	struct strlist	parts = { 0 };
	size_t		i, j;

	strlist_split(&parts, in);
	if (parts.n == 0) {
		strlist_clear(&parts);
		return set_error(err, _("--port-map is empty: give "
		    "FROM:TO pairs such as 80:8080,443:8443"));
	}
	opt->nport_map = 0;
	for (i = 0; i < parts.n; i++) {
		const char	*p = parts.v[i], *colon = strchr(p, ':');
		int		 from, to;

		if (colon == NULL ||
		    (from = parse_port(p, colon - p)) == -1 ||
		    (to = parse_port(colon + 1, strlen(colon + 1))) == -1) {
			set_error(err, _("--port-map: \"%s\" is not FROM:TO "
			    "with two port numbers (1-65535)"), p);
			strlist_clear(&parts);
			return -1;
		}
		for (j = 0; j < opt->nport_map; j++) {
			if (opt->port_map[j].from == from)
				break;
		}
		if (j != opt->nport_map) {
			set_error(err, _("--port-map: port %d is mapped "
			    "twice"), from);
			strlist_clear(&parts);
			return -1;
		}
		if (opt->nport_map == nitems(opt->port_map)) {
			set_error(err, _("--port-map: at most %zu pairs"),
			    nitems(opt->port_map));
			strlist_clear(&parts);
			return -1;
		}
		opt->port_map[opt->nport_map].from = from;
		opt->port_map[opt->nport_map].to = to;
		opt->nport_map++;
	}
	strlist_clear(&parts);
	return 0;
}

int
options_port(const struct options *opt, int port)
{
	size_t	i;

	for (i = 0; i < opt->nport_map; i++) {
		if (opt->port_map[i].from == port)
			return opt->port_map[i].to;
	}
	return port;
}

void
options_hosts(const struct options *opt, struct strlist *hosts)
{
	size_t	i, len;
	char	*name;

	if (opt->domain == NULL)
		return;
	strlist_add(hosts, opt->domain);
	strlist_addf(hosts, "www.%s", opt->domain);
	len = strlen(opt->domain);
	for (i = 0; i < opt->subdomains.n; i++) {
		const char *s = opt->subdomains.v[i];
		size_t slen = strlen(s);

		/* A full name under the domain is kept, a label gets it. */
		if (strcmp(s, opt->domain) == 0 ||
		    (slen > len && s[slen - len - 1] == '.' &&
		    strcmp(s + slen - len, opt->domain) == 0))
			name = xstrdup(s);
		else
			name = xprintf("%s.%s", s, opt->domain);
		if (!strlist_has(hosts, name))
			strlist_add(hosts, name);
		free(name);
	}
}
