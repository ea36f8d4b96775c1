/*
 * cmd-export.c: `launchready export monitoring|ci NAME`: what keeps a
 * session's product launch-ready after the sprint, as files for existing
 * tools (Prometheus with blackbox_exporter; GitHub Actions or GitLab CI).
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns.h"

/* What a monitored route is, and so how it is probed and alerted on. */
#define ROUTE_TABLE(X)							\
	X(LANDING, "landing", "web")					\
	X(LOGIN,   "login",   "web")					\
	X(HEALTH,  "health",  "health")					\
	X(API,     "api",     "api")					\
	X(SMTP,    "smtp",    "smtp")					\
	X(DNS,     "dns",     "dns")

enum route_kind {
#define X(id, name, module) ROUTE_##id,
	ROUTE_TABLE(X)
#undef X
	ROUTE_COUNT
};

static const struct {
	const char	*name;		/* the route label */
	const char	*module;	/* the module family */
} route_table[] = {
#define X(id, name, module) [ROUTE_##id] = { name, module },
	ROUTE_TABLE(X)
#undef X
};

/* One probe: a route of the session. */
struct route {
	enum route_kind	 kind;
	char		*host;		/* the name probed (HTTP Host, SNI) */
	char		*url;		/* what a person reads: the URL, or
					   host:port, or the zone */
	char		*target;	/* what the exporter is given */
	char		*module;	/* the blackbox module's name */
};

/* The export being made. */
struct export_monitoring {
	struct session	*s;
	struct loop	*loop;
	struct resolver	*resolver;
	size_t		 pending;	/* lookups in flight */
	bool		 pin;		/* the session has its own resolvers:
					   write addresses, not names */
	struct strlist	 mx;		/* the apex's mail exchangers */
	struct strlist	 ns;		/* its name servers */
	struct strlist	 names;		/* names looked up for pinning */
	struct strlist	 addrs;		/* their addresses, "" when none */
	struct route	*routes;
	size_t		 nroutes;
	struct strlist	 notes;		/* said on stderr */
};

/* A lookup waiting for its answer. */
struct export_lookup {
	struct export_monitoring	*em;
	int				 type;
	size_t				 index;	/* into names, for A */
};

/* The session file of NAME (a name in the session directory or a path). */
static char *
export_session_path(const struct cmdline *cl, const char *name)
{
	struct stat	 sb;
	char		*dir, *path;

	if (strchr(name, '/') != NULL)
		return stat(name, &sb) == 0 ? xstrdup(name) : NULL;
	dir = session_dir(&cl->opt);
	path = xprintf("%s/%s.cfg", dir, name);
	free(dir);
	if (stat(path, &sb) == 0)
		return path;
	free(path);
	return NULL;
}

/* Loads session NAME; NULL after saying why on stderr (*status set). */
static struct session *
export_session(const struct cmdline *cl, const char *name, int *status)
{
	struct session	*s;
	char		*path, *dir, *err = NULL;

	if ((path = export_session_path(cl, name)) == NULL) {
		dir = session_dir(&cl->opt);
		fprintf(stderr, _("launchready: no session named \"%s\" in %s "
		    "(see `launchready list`)\n"), name, dir);
		free(dir);
		*status = EXIT_USAGE;
		return NULL;
	}
	s = session_load(path, &err);
	free(path);
	if (s == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		*status = EXIT_FAILURE_;
	}
	return s;
}

/* Creates dir (0700) when missing; -1 with *err when it cannot. */
static int
export_mkdir(const char *dir, char **err)
{
	struct stat	sb;

	if (stat(dir, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return 0;
		return set_error(err, _("%s is not a directory"), dir);
	}
	if (mkdir(dir, 0700) == -1)
		return set_error(err, _("cannot create %s: %s"), dir,
		    strerror(errno));
	return 0;
}

/* Writes b to DIR/FILE atomically (0600) and says so on stderr. */
static int
export_write(const char *dir, const char *file, const struct buf *b,
    char **err)
{
	char	*path = xprintf("%s/%s", dir, file);
	int	 r;

	r = file_write_atomic(path, b->data, b->len, false, false, err);
	if (r == 0)
		fprintf(stderr, _("launchready: wrote %s\n"), path);
	free(path);
	return r;
}

/* The lookup finished: record its answer; stop the loop after the last. */
static void
export_answer(void *arg, enum resolve_status st, const unsigned char *abuf,
    int alen)
{
	struct export_lookup		*l = arg;
	struct export_monitoring	*em = l->em;
	struct dnsmsg			 msg;
	size_t				 i;

	if (st == RESOLVE_OK && dnsmsg_parse(&msg, abuf, alen, NULL) == 0) {
		for (i = 0; i < msg.nan; i++) {
			const struct dnsmsg_rr *rr = &msg.an[i];

			if (rr->type != l->type)
				continue;
			if (l->type == DNS_T_MX && strcmp(rr->text, ".") != 0 &&
			    !strlist_has(&em->mx, rr->text))
				strlist_add(&em->mx, rr->text);
			else if (l->type == DNS_T_NS &&
			    !strlist_has(&em->ns, rr->text))
				strlist_add(&em->ns, rr->text);
			else if (l->type == DNS_T_A &&
			    *em->addrs.v[l->index] == '\0') {
				free(em->addrs.v[l->index]);
				em->addrs.v[l->index] = xstrdup(rr->text);
			}
		}
		dnsmsg_free(&msg);
	} else if (l->type != DNS_T_A)
		strlist_addf(&em->notes, _("%s lookup of %s: %s"),
		    dnsmsg_type_name(l->type), em->s->opt.domain,
		    resolve_status_text(st));
	free(l);
	if (--em->pending == 0)
		loop_break(em->loop);
}

/* Sends one lookup. */
static void
export_lookup(struct export_monitoring *em, const char *name, int type,
    size_t index)
{
	struct export_lookup	*l = xcalloc(1, sizeof *l);

	l->em = em;
	l->type = type;
	l->index = index;
	em->pending++;
	resolver_query(em->resolver, name, type, export_answer, l);
}

/* Runs the loop until every lookup sent has an answer (each is bounded). */
static void
export_wait(struct export_monitoring *em)
{
	if (em->pending > 0)
		loop_run(em->loop);
}

/* Adds name to the names to pin (when pinning), once. */
static void
export_pin(struct export_monitoring *em, const char *name)
{
	if (!em->pin || strlist_has(&em->names, name))
		return;
	strlist_add(&em->names, name);
	strlist_add(&em->addrs, "");
}

/* The address name was pinned to, or NULL (not pinned, or no answer). */
static const char *
export_addr(const struct export_monitoring *em, const char *name)
{
	size_t	i;

	for (i = 0; i < em->names.n; i++) {
		if (strcmp(em->names.v[i], name) == 0)
			return *em->addrs.v[i] != '\0' ? em->addrs.v[i] : NULL;
	}
	return NULL;
}

/* "lr_web_www_acme_test": a module name from a family and a host. */
static char *
export_module_name(const char *family, const char *host)
{
	char	*m = xprintf("lr_%s_%s", family, host), *p;

	for (p = m; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p))
			*p = '_';
		else
			*p = tolower((unsigned char)*p);
	}
	return m;
}

/*
 * Splits an http(s) URL into its host and the rest: "https://h:1/p" gives
 * host "h", port 1 (default 443 or 80) and path "/p" (default "/").
 */
static int
export_url(const char *url, char **host, int *port, char **path,
    bool *https)
{
	const char	*p, *end, *colon;

	*https = strncmp(url, "https://", 8) == 0;
	if (!*https && strncmp(url, "http://", 7) != 0)
		return -1;
	p = url + (*https ? 8 : 7);
	end = p + strcspn(p, "/?#");
	colon = memchr(p, ':', end - p);
	*host = xstrndup(p, (colon != NULL ? colon : end) - p);
	*port = colon != NULL ? atoi(colon + 1) : (*https ? 443 : 80);
	*path = xstrdup(*end == '\0' ? "/" : end);
	if (**host == '\0' || *port <= 0 || *port > 65535) {
		free(*host);
		free(*path);
		return -1;
	}
	return 0;
}

/* Adds an HTTP route for url (the session's port map and pinning applied). */
static void
export_route_url(struct export_monitoring *em, enum route_kind kind,
    const char *url)
{
	struct route	*r;
	char		*host, *path;
	const char	*addr;
	int		 port;
	bool		 https;

	if (export_url(url, &host, &port, &path, &https) == -1) {
		strlist_addf(&em->notes, _("%s is not an http(s) URL: not "
		    "monitored"), url);
		return;
	}
	em->routes = xreallocarray(em->routes, em->nroutes + 1,
	    sizeof *em->routes);
	r = &em->routes[em->nroutes++];
	r->kind = kind;
	r->host = host;
	r->url = xstrdup(url);
	addr = export_addr(em, host);
	port = options_port(&em->s->opt, port);
	r->target = xprintf("%s://%s%s%s%s:%d%s", https ? "https" : "http",
	    addr != NULL && strchr(addr, ':') != NULL ? "[" : "",
	    addr != NULL ? addr : host,
	    addr != NULL && strchr(addr, ':') != NULL ? "]" : "", "", port,
	    path);
	r->module = export_module_name(route_table[kind].module, host);
	free(path);
}

/* Adds a route that is host:port (SMTP) or a DNS server. */
static void
export_route_host(struct export_monitoring *em, enum route_kind kind,
    const char *host, const char *target, const char *url)
{
	struct route	*r;

	em->routes = xreallocarray(em->routes, em->nroutes + 1,
	    sizeof *em->routes);
	r = &em->routes[em->nroutes++];
	r->kind = kind;
	r->host = xstrdup(host);
	r->url = xstrdup(url);
	r->target = xstrdup(target);
	r->module = export_module_name(route_table[kind].module, host);
}

/* Finds the session's routes: hosts, URLs, MX and name servers. */
static void
export_routes(struct export_monitoring *em)
{
	const struct options	*opt = &em->s->opt;
	struct strlist		 hosts = { 0 };
	char			*host, *path, *t, *url;
	const char		*addr;
	int			 port;
	bool			 https;
	size_t			 i;

	options_hosts(opt, &hosts);
	export_lookup(em, opt->domain, DNS_T_MX, 0);
	if (!em->pin)
		export_lookup(em, opt->domain, DNS_T_NS, 0);
	export_wait(em);

	/* Every name probed, pinned to its address when the session asks
	   its own resolvers (a lab, split-horizon DNS). */
	for (i = 0; i < hosts.n; i++)
		export_pin(em, hosts.v[i]);
	for (i = 0; i < em->mx.n; i++)
		export_pin(em, em->mx.v[i]);
	if (opt->login_url != NULL && export_url(opt->login_url, &host, &port,
	    &path, &https) == 0) {
		export_pin(em, host);
		free(host);
		free(path);
	}
	if (opt->health_url != NULL && export_url(opt->health_url, &host,
	    &port, &path, &https) == 0) {
		export_pin(em, host);
		free(host);
		free(path);
	}
	for (i = 0; i < opt->api_urls.n; i++) {
		if (export_url(opt->api_urls.v[i], &host, &port, &path,
		    &https) == 0) {
			export_pin(em, host);
			free(host);
			free(path);
		}
	}
	for (i = 0; i < em->names.n; i++)
		export_lookup(em, em->names.v[i], DNS_T_A, i);
	export_wait(em);
	for (i = 0; i < em->names.n; i++) {
		if (*em->addrs.v[i] == '\0')
			strlist_addf(&em->notes, _("%s has no address through "
			    "the session's resolver: probed by name"),
			    em->names.v[i]);
	}

	for (i = 0; i < hosts.n; i++) {
		url = xprintf("https://%s/", hosts.v[i]);
		export_route_url(em, ROUTE_LANDING, url);
		free(url);
	}
	if (opt->login_url != NULL)
		export_route_url(em, ROUTE_LOGIN, opt->login_url);
	if (opt->health_url != NULL)
		export_route_url(em, ROUTE_HEALTH, opt->health_url);
	for (i = 0; i < opt->api_urls.n; i++)
		export_route_url(em, ROUTE_API, opt->api_urls.v[i]);
	for (i = 0; i < em->mx.n; i++) {
		addr = export_addr(em, em->mx.v[i]);
		t = xprintf("%s:%d", addr != NULL ? addr : em->mx.v[i],
		    options_port(opt, 25));
		url = xprintf("smtp://%s:25", em->mx.v[i]);
		export_route_host(em, ROUTE_SMTP, em->mx.v[i], t, url);
		free(url);
		free(t);
	}
	/* The apex's SOA, asked of the session's resolvers or of each of
	   the zone's name servers. */
	if (em->pin) {
		for (i = 0; i < opt->resolvers.n; i++) {
			url = xprintf("dns://%s/%s", opt->resolvers.v[i],
			    opt->domain);
			export_route_host(em, ROUTE_DNS, opt->domain,
			    opt->resolvers.v[i], url);
			free(url);
		}
	} else {
		for (i = 0; i < em->ns.n; i++) {
			url = xprintf("dns://%s/%s", em->ns.v[i], opt->domain);
			export_route_host(em, ROUTE_DNS, opt->domain,
			    em->ns.v[i], url);
			free(url);
		}
	}
	strlist_clear(&hosts);
}

/* Appends the blackbox_exporter module of route r (once per module). */
static void
export_module(struct export_monitoring *em, const struct route *r,
    struct buf *b)
{
	const struct options	*opt = &em->s->opt;
	int			 timeout = opt->timeout > 0 ? opt->timeout : 10;

	buf_printf(b, "  %s:\n", r->module);
	switch (r->kind) {
	case ROUTE_LANDING:
	case ROUTE_LOGIN:
	case ROUTE_HEALTH:
	case ROUTE_API:
		buf_printf(b, "    prober: http\n    timeout: %ds\n    http:\n",
		    timeout);
		buf_puts(b, "      method: GET\n"
		    "      preferred_ip_protocol: ip4\n"
		    "      ip_protocol_fallback: true\n"
		    "      follow_redirects: false\n");
		if (r->kind == ROUTE_HEALTH)
			buf_puts(b, "      valid_status_codes: [200, 201, 202, "
			    "203, 204]\n");
		else if (r->kind == ROUTE_API)
			buf_puts(b, "      valid_status_codes: [200, 201, 202, "
			    "203, 204, 401, 403]\n");
		else
			buf_puts(b, "      valid_status_codes: [200, 201, 202, "
			    "203, 204, 301, 302, 303, 307, 308]\n");
		if (strncmp(r->url, "https:", 6) == 0)
			buf_puts(b, "      fail_if_not_ssl: true\n");
		buf_puts(b, "      headers:\n        Host: ");
		buf_json(b, r->host);
		buf_puts(b, "\n      tls_config:\n        server_name: ");
		buf_json(b, r->host);
		buf_puts(b, "\n");
		if (opt->cacert != NULL) {
			buf_puts(b, "        ca_file: ");
			buf_json(b, opt->cacert);
			buf_puts(b, "\n");
		}
		break;
	case ROUTE_SMTP:
		buf_printf(b, "    prober: tcp\n    timeout: %ds\n    tcp:\n",
		    timeout);
		buf_puts(b, "      preferred_ip_protocol: ip4\n"
		    "      query_response:\n"
		    "        - expect: \"^220[ -]\"\n"
		    "        - send: \"EHLO launchready-monitor\\r\"\n"
		    "        - expect: \"^250[ -]STARTTLS\"\n"
		    "        - expect: \"^250 \"\n"
		    "        - send: \"STARTTLS\\r\"\n"
		    "        - expect: \"^220\"\n"
		    "        - starttls: true\n"
		    "        - send: \"EHLO launchready-monitor\\r\"\n"
		    "        - expect: \"^250 \"\n"
		    "        - send: \"QUIT\\r\"\n"
		    "      tls_config:\n        server_name: ");
		buf_json(b, r->host);
		buf_puts(b, "\n");
		if (opt->cacert != NULL) {
			buf_puts(b, "        ca_file: ");
			buf_json(b, opt->cacert);
			buf_puts(b, "\n");
		}
		break;
	case ROUTE_DNS:
		buf_printf(b, "    prober: dns\n    timeout: %ds\n    dns:\n",
		    timeout);
		buf_puts(b, "      query_name: ");
		buf_json(b, r->host);
		buf_puts(b, "\n      query_type: SOA\n"
		    "      transport_protocol: udp\n"
		    "      preferred_ip_protocol: ip4\n"
		    "      valid_rcodes: [NOERROR]\n"
		    "      validate_answer_rrs:\n"
		    "        fail_if_none_matches_regexp:\n"
		    "          - \"\\\\sIN\\\\s+SOA\\\\s\"\n");
		break;
	default:
		break;
	}
}

/* blackbox.yml: one module per route family and host. */
static void
export_blackbox(struct export_monitoring *em, struct buf *b)
{
	size_t	i, k;

	buf_printf(b, "# blackbox_exporter modules for %s (launchready "
	    "session %s).\n# Written by launchready %s; run the exporter with "
	    "--config.file=blackbox.yml.\nmodules:\n", em->s->opt.domain,
	    em->s->name, PACKAGE_VERSION);
	for (i = 0; i < em->nroutes; i++) {
		for (k = 0; k < i; k++) {
			if (strcmp(em->routes[k].module,
			    em->routes[i].module) == 0)
				break;
		}
		if (k == i)
			export_module(em, &em->routes[i], b);
	}
}

/* prometheus.yml: one job probing every route through the exporter. */
static void
export_prometheus(struct export_monitoring *em, struct buf *b)
{
	size_t	i;

	buf_printf(b, "# Prometheus scrape configuration for %s (launchready "
	    "session %s).\n# The blackbox_exporter is expected at "
	    "127.0.0.1:9115 (the last relabelling).\n", em->s->opt.domain,
	    em->s->name);
	buf_puts(b, "global:\n  scrape_interval: 30s\n"
	    "  evaluation_interval: 30s\nrule_files:\n  - alerts.yml\n"
	    "scrape_configs:\n  - job_name: ");
	buf_json(b, em->s->name);
	buf_puts(b, "\n    metrics_path: /probe\n    static_configs:\n");
	for (i = 0; i < em->nroutes; i++) {
		const struct route *r = &em->routes[i];

		buf_puts(b, "      - targets: [");
		buf_json(b, r->target);
		buf_puts(b, "]\n        labels:\n          module: ");
		buf_json(b, r->module);
		buf_printf(b, "\n          route: %s\n          host: ",
		    route_table[r->kind].name);
		buf_json(b, r->host);
		buf_puts(b, "\n          url: ");
		buf_json(b, r->url);
		buf_puts(b, "\n          launchready_session: ");
		buf_json(b, em->s->name);
		buf_puts(b, "\n");
	}
	buf_puts(b, "    relabel_configs:\n"
	    "      - source_labels: [__address__]\n"
	    "        target_label: __param_target\n"
	    "      - source_labels: [module]\n"
	    "        target_label: __param_module\n"
	    "      - source_labels: [url]\n"
	    "        target_label: instance\n"
	    "      - target_label: __address__\n"
	    "        replacement: 127.0.0.1:9115\n");
}

/*
 * The owner of an alert type: the handover's owner of that alert, else
 * the person the sprint gave the related checks (the first owned of ids),
 * else "unassigned".
 */
static const char *
export_owner(const struct session *s, enum alert alert,
    const char *const *ids)
{
	const struct item_state	*st;
	const char		*o = s->handover.alert_owner[alert];
	size_t			 i;

	if (o != NULL && *o != '\0')
		return o;
	for (i = 0; ids[i] != NULL; i++) {
		st = summary_state(s, ids[i]);
		if (st != NULL && st->owner != NULL && *st->owner != '\0')
			return st->owner;
	}
	return "unassigned";
}

/* One alerting rule. */
static void
export_rule(struct buf *b, const char *name, const char *expr,
    const char *for_, const char *severity, const char *type,
    const char *owner, const char *summary, const char *description)
{
	buf_printf(b, "      - alert: %s\n        expr: ", name);
	buf_json(b, expr);
	buf_printf(b, "\n        for: %s\n        labels:\n"
	    "          severity: %s\n          alert_type: %s\n"
	    "          owner: ", for_, severity, type);
	buf_json(b, owner);
	buf_puts(b, "\n        annotations:\n          summary: ");
	buf_json(b, summary);
	buf_puts(b, "\n          description: ");
	buf_json(b, description);
	buf_puts(b, "\n");
}

/* alerts.yml: the four alerts of the handover, each with its owner. */
static void
export_alerts(struct export_monitoring *em, struct buf *b)
{
	static const char *const down[] = { "mon.health", "dns.apex", NULL };
	static const char *const cert[] = { "tls.expiry", "tls.renewal",
	    "tls.certificate", NULL };
	static const char *const slow[] = { "perf.ttfb", "mon.health",
	    "perf.latency", NULL };
	static const char *const dns[] = { "dns.apex", "dns.ns", NULL };
	char	*job, *expr;

	job = xprintf("job=\"%s\"", em->s->name);
	buf_printf(b, "# Alert rules for %s (launchready session %s): load "
	    "with prometheus.yml.\ngroups:\n  - name: ", em->s->opt.domain,
	    em->s->name);
	buf_json(b, em->s->name);
	buf_puts(b, "\n    rules:\n");
	expr = xprintf("probe_success{%s, route!=\"dns\"} == 0", job);
	export_rule(b, "LaunchreadyTargetDown", expr, "2m", "critical",
	    "site_down", export_owner(em->s, ALERT_SITE_DOWN, down),
	    "{{ $labels.url }} has not answered correctly for 2 minutes",
	    "The blackbox probe of the {{ $labels.route }} route on "
	    "{{ $labels.host }} fails: visitors (or mail senders) are "
	    "likely failing too. Open the URL, then check the server, the "
	    "certificate and recent deploys.");
	free(expr);
	expr = xprintf("probe_ssl_earliest_cert_expiry{%s} - time() < "
	    "14 * 86400", job);
	export_rule(b, "LaunchreadyCertificateExpiring", expr, "10m",
	    "warning", "cert_expiring", export_owner(em->s, ALERT_CERT_EXPIRY, cert),
	    "The certificate of {{ $labels.host }} expires in "
	    "{{ $value | humanizeDuration }}",
	    "Under 14 days left: renewal has not happened. Renew the "
	    "certificate (or fix automatic renewal) before browsers and "
	    "mail servers refuse it.");
	free(expr);
	expr = xprintf("probe_duration_seconds{%s, route=\"health\"} > 0.3",
	    job);
	export_rule(b, "LaunchreadyHealthSlow", expr, "10m", "warning",
	    "health_slow", export_owner(em->s, ALERT_SITE_DOWN, slow),
	    "The health check {{ $labels.url }} has taken over 300 ms for "
	    "10 minutes",
	    "The service answers, but slowly: look at load, the database "
	    "and recent deploys before it stops answering.");
	free(expr);
	expr = xprintf("probe_success{%s, route=\"dns\"} == 0 or "
	    "probe_dns_answer_rrs{%s, route=\"dns\"} == 0", job, job);
	export_rule(b, "LaunchreadyDnsAnswerMissing", expr, "2m",
	    "critical", "dns_missing", export_owner(em->s, ALERT_SITE_DOWN, dns),
	    "{{ $labels.host }} has no SOA answer from {{ $labels.instance }}",
	    "The name server did not answer for the domain: if this "
	    "lasts, the whole domain (web and mail) disappears. Check the "
	    "DNS provider and the domain's registration.");
	free(expr);
	free(job);
}

/* `launchready export monitoring NAME [-o DIR]`. */
static int
export_monitoring(struct cmdline *cl)
{
	struct export_monitoring	 em;
	struct buf			 bb = { 0 }, bp = { 0 }, ba = { 0 };
	char				*dir, *err = NULL;
	int				 status = EXIT_OK;
	size_t				 i;

	memset(&em, 0, sizeof em);
	if ((em.s = export_session(cl, cl->arg2, &status)) == NULL)
		return status;
	if (em.s->opt.domain == NULL || *em.s->opt.domain == '\0') {
		fprintf(stderr, _("launchready: session %s has no domain\n"),
		    em.s->name);
		session_free(em.s);
		return EXIT_USAGE;
	}
	em.pin = em.s->opt.resolvers.n > 0;
	em.loop = loop_new();
	if ((em.resolver = resolver_new(em.loop, &em.s->opt, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		loop_free(em.loop);
		session_free(em.s);
		return EXIT_FAILURE_;
	}
	export_routes(&em);
	for (i = 0; i < em.notes.n; i++)
		fprintf(stderr, _("launchready: note: %s\n"), em.notes.v[i]);

	export_blackbox(&em, &bb);
	export_prometheus(&em, &bp);
	export_alerts(&em, &ba);
	dir = cl->output != NULL ? xstrdup(cl->output) :
	    xprintf("monitoring-%s", em.s->name);
	if (export_mkdir(dir, &err) == -1 ||
	    export_write(dir, "blackbox.yml", &bb, &err) == -1 ||
	    export_write(dir, "prometheus.yml", &bp, &err) == -1 ||
	    export_write(dir, "alerts.yml", &ba, &err) == -1) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		status = EXIT_FAILURE_;
	} else
		fprintf(stderr, ngettext("launchready: %zu route to probe\n",
		    "launchready: %zu routes to probe\n", em.nroutes),
		    em.nroutes);
	free(dir);
	buf_free(&bb);
	buf_free(&bp);
	buf_free(&ba);
	for (i = 0; i < em.nroutes; i++) {
		free(em.routes[i].host);
		free(em.routes[i].url);
		free(em.routes[i].target);
		free(em.routes[i].module);
	}
	free(em.routes);
	strlist_clear(&em.mx);
	strlist_clear(&em.ns);
	strlist_clear(&em.names);
	strlist_clear(&em.addrs);
	strlist_clear(&em.notes);
	resolver_free(em.resolver);
	loop_free(em.loop);
	session_free(em.s);
	return status;
}

/* Appends s quoted for a POSIX shell ('...'). */
static void
export_sh(struct buf *b, const char *s)
{
	buf_puts(b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else if (*s != '\n' && *s != '\r')
			buf_add(b, s, 1);
	}
	buf_puts(b, "'");
}

/* Appends " --option 'value'". */
static void
export_arg(struct buf *b, const char *option, const char *value)
{
	buf_printf(b, " %s ", option);
	export_sh(b, value);
}

/*
 * The audit command of the session's options, for a CI runner: the
 * repository is the checkout; lab settings (port map, CA file) stay out.
 */
static void
export_ci_command(const struct session *s, const char *indent,
    struct buf *b, struct strlist *notes)
{
	const struct options	*opt = &s->opt;
	char			*list;
	size_t			 i;

	buf_printf(b, "%slaunchready audit ", indent);
	export_sh(b, opt->domain);
	if (opt->subdomains.n > 0) {
		list = strlist_join(&opt->subdomains, ",");
		export_arg(b, "--subdomains", list);
		free(list);
	}
	if (opt->dkim_selectors.n > 0) {
		list = strlist_join(&opt->dkim_selectors, ",");
		export_arg(b, "--dkim-selectors", list);
		free(list);
	}
	if (opt->resolvers.n > 0) {
		list = strlist_join(&opt->resolvers, ",");
		export_arg(b, "--resolver", list);
		free(list);
	}
	if (opt->login_url != NULL)
		export_arg(b, "--login-url", opt->login_url);
	if (opt->health_url != NULL)
		export_arg(b, "--health-url", opt->health_url);
	for (i = 0; i < opt->api_urls.n; i++)
		export_arg(b, "--api-url", opt->api_urls.v[i]);
	if (opt->email == 0 || opt->email == 1)
		buf_printf(b, " --email %s", opt->email ? "yes" : "no");
	if (opt->sender_ip != NULL)
		export_arg(b, "--sender-ip", opt->sender_ip);
	if (opt->allow_active)
		buf_puts(b, " --allow-active");
	if (opt->timeout > 0 && opt->timeout != OPTIONS_DEFAULT_TIMEOUT)
		buf_printf(b, " --timeout %d", opt->timeout);
	if (opt->repo != NULL)
		buf_puts(b, " --repo .");
	buf_puts(b, " --fail-on high --format sarif -o launchready.sarif\n");
	if (opt->nport_map > 0)
		strlist_add(notes, _("the session's --port-map is a lab "
		    "setting: not carried into CI"));
	if (opt->cacert != NULL)
		strlist_add(notes, _("the session's --cacert is a file on "
		    "this machine: not carried into CI"));
}

/* The Debian packages that build launchready (quickstart's, less tests). */
#define EXPORT_CI_PACKAGES "build-essential autoconf automake autopoint " \
	"gettext pkg-config libncurses-dev libc-ares-dev " \
	"libcurl4-openssl-dev libssl-dev libconfig-dev libcmocka-dev " \
	"libpcre2-dev libidn2-dev libpsl-dev publicsuffix git ca-certificates"

/* The shell lines that build and install launchready from its source. */
static void
export_ci_install(struct buf *b, const char *indent, const char *sudo)
{
	buf_printf(b,
	    "%sif [ -z \"$LAUNCHREADY_SOURCE\" ]; then echo \"set the variable "
	    "LAUNCHREADY_SOURCE to the git URL of launchready's source\" >&2; "
	    "exit 1; fi\n"
	    "%s%sapt-get update -q\n"
	    "%s%sapt-get install -y -q --no-install-recommends %s\n"
	    "%sgit clone -q --depth 1 ${LAUNCHREADY_REF:+--branch "
	    "\"$LAUNCHREADY_REF\"} \"$LAUNCHREADY_SOURCE\" /tmp/launchready\n"
	    "%scd /tmp/launchready && autoreconf -fi && ./configure -q && "
	    "make -j\"$(nproc)\" && %smake install\n",
	    indent, indent, sudo, indent, sudo, EXPORT_CI_PACKAGES, indent,
	    indent, sudo);
}

/* A GitHub Actions workflow: push, pull request, daily; SARIF uploaded. */
static void
export_ci_github(const struct session *s, struct buf *b,
    struct strlist *notes)
{
	buf_printf(b, "# launchready audit of %s (session %s), written by "
	    "launchready %s.\n# Set the repository variable LAUNCHREADY_SOURCE "
	    "to launchready's git URL\n# (and LAUNCHREADY_REF to a tag or "
	    "branch to pin it).\n", s->opt.domain, s->name, PACKAGE_VERSION);
	buf_puts(b, "name: launchready\n"
	    "\"on\":\n"
	    "  push:\n"
	    "  pull_request:\n"
	    "  schedule:\n"
	    "    - cron: \"17 6 * * *\"\n"
	    "  workflow_dispatch:\n"
	    "permissions:\n"
	    "  contents: read\n"
	    "  security-events: write\n"
	    "jobs:\n"
	    "  audit:\n"
	    "    name: launch readiness\n"
	    "    runs-on: ubuntu-latest\n"
	    "    timeout-minutes: 30\n"
	    "    env:\n"
	    "      LAUNCHREADY_SOURCE: ${{ vars.LAUNCHREADY_SOURCE }}\n"
	    "      LAUNCHREADY_REF: ${{ vars.LAUNCHREADY_REF }}\n"
	    "    steps:\n"
	    "      - name: Check out the product\n"
	    "        uses: actions/checkout@v4\n"
	    "      - name: Install launchready\n"
	    "        run: |\n");
	export_ci_install(b, "          ", "sudo ");
	buf_puts(b, "      - name: Audit (fails at --fail-on high)\n"
	    "        run: |\n");
	export_ci_command(s, "          ", b, notes);
	buf_puts(b, "      - name: Upload the findings to code scanning\n"
	    "        if: always() && hashFiles('launchready.sarif') != ''\n"
	    "        uses: github/codeql-action/upload-sarif@v3\n"
	    "        with:\n"
	    "          sarif_file: launchready.sarif\n"
	    "          category: launchready\n");
}

/* A GitLab CI job: push, merge request, schedule; SARIF as artefact. */
static void
export_ci_gitlab(const struct session *s, struct buf *b,
    struct strlist *notes)
{
	buf_printf(b, "# launchready audit of %s (session %s), written by "
	    "launchready %s.\n# Include it from .gitlab-ci.yml (include: - "
	    "local: launchready.gitlab-ci.yml),\n# set the CI/CD variable "
	    "LAUNCHREADY_SOURCE to launchready's git URL, and add a daily\n"
	    "# pipeline schedule (CI/CD > Schedules): GitLab keeps schedules "
	    "out of the file.\n", s->opt.domain, s->name, PACKAGE_VERSION);
	buf_puts(b, "launchready:\n"
	    "  image: debian:bookworm\n"
	    "  rules:\n"
	    "    - if: $CI_PIPELINE_SOURCE == \"push\"\n"
	    "    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n"
	    "    - if: $CI_PIPELINE_SOURCE == \"schedule\"\n"
	    "    - if: $CI_PIPELINE_SOURCE == \"web\"\n"
	    "  timeout: 30m\n"
	    "  before_script:\n"
	    "    - |\n");
	export_ci_install(b, "      ", "");
	buf_puts(b, "  script:\n"
	    "    - cd \"$CI_PROJECT_DIR\"\n"
	    "    - >-\n");
	export_ci_command(s, "      ", b, notes);
	buf_puts(b, "  artifacts:\n"
	    "    when: always\n"
	    "    name: launchready-report\n"
	    "    paths:\n"
	    "      - launchready.sarif\n"
	    "    expire_in: 30 days\n");
}

/* `launchready export ci NAME --github|--gitlab [-o FILE]`. */
static int
export_ci(struct cmdline *cl)
{
	struct session	*s;
	struct strlist	 notes = { 0 };
	struct buf	 b = { 0 };
	const char	*path;
	char		*err = NULL;
	int		 status = EXIT_OK;
	size_t		 i;

	if (cl->ci == CI_NONE) {
		fprintf(stderr, _("launchready: export ci needs --github or "
		    "--gitlab\n"));
		return EXIT_USAGE;
	}
	if ((s = export_session(cl, cl->arg2, &status)) == NULL)
		return status;
	if (cl->ci == CI_GITHUB)
		export_ci_github(s, &b, &notes);
	else
		export_ci_gitlab(s, &b, &notes);
	for (i = 0; i < notes.n; i++)
		fprintf(stderr, _("launchready: note: %s\n"), notes.v[i]);
	if (cl->output != NULL)
		path = cl->output;
	else if (cl->ci == CI_GITHUB) {
		path = ".github/workflows/launchready.yml";
		if (export_mkdir(".github", &err) == -1 ||
		    export_mkdir(".github/workflows", &err) == -1)
			goto fail;
	} else
		path = "launchready.gitlab-ci.yml";
	/* A default path is never replaced; -o FILE is. */
	if (file_write_atomic(path, b.data, b.len, cl->output == NULL,
	    false, &err) == -1)
		goto fail;
	fprintf(stderr, _("launchready: wrote %s\n"), path);
	goto out;
fail:
	fprintf(stderr, "launchready: %s\n", err);
	free(err);
	status = EXIT_FAILURE_;
out:
	buf_free(&b);
	strlist_clear(&notes);
	session_free(s);
	return status;
}

int
cmd_export(struct cmdline *cl)
{
	if (strcmp(cl->arg, "monitoring") == 0)
		return export_monitoring(cl);
	if (strcmp(cl->arg, "ci") == 0)
		return export_ci(cl);
	fprintf(stderr, _("launchready: export %s: give monitoring or ci\n"),
	    cl->arg);
	return EXIT_USAGE;
}
