/*
 * http.c: libcurl's multi interface on the audit's loop, a per-audit cache
 * of responses, and the redirect walker.
 */

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistd.h>

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "web.h"

struct waiter {
	http_cb		 cb;
	void		*arg;
	struct waiter	*next;
};

/* One request and its response (the cache entry). */
struct entry {
	struct web		*web;
	char			*key;
	struct http_resp	 resp;
	bool			 done;
	struct waiter		*waiters;
	CURL			*easy;
	struct curl_slist	*resolve;
	struct curl_slist	*connect_to;
	struct curl_slist	*hdrs;
	char			*host;
	int			 port;
	char			*method;
	char			*origin;
	char			*post;
	bool			 fresh;
	bool			 nobody;
	void			*cookies;	/* CURLSH or NULL */
	unsigned		 timeout_ms;	/* 0: --timeout */
	int			 family;	/* 0, 4 or 6 */
	char			*address;	/* connect here, or NULL */
	bool			 insecure;	/* no certificate check */
	size_t			 max;		/* body cap */
	size_t			 received;	/* body bytes seen */
	char			 errbuf[CURL_ERROR_SIZE];
	struct entry		*next;
};

/* A callback queued for the next pass. */
struct delivery {
	struct web		*web;
	struct entry		*entry;
	http_cb			 cb;
	void			*arg;
	struct timer		*timer;
	struct delivery		*next;
};

/*
 * A host's addresses, looked up once per audit: every request to the host
 * waits on the one lookup (dozens of requests per host would otherwise
 * each ask the name servers again).
 */
struct addrs {
	struct web		*web;
	char			*host;
	bool			 done;
	enum resolve_status	 status;
	struct strlist		 list;
	struct addr_waiter	*waiters;
	struct addrs		*next;
};

/* A request waiting on its host's lookup. */
struct addr_waiter {
	struct entry		*entry;
	struct addr_waiter	*next;
};

struct walk {
	struct web	*web;
	int		 family;	/* every hop's (http_req) */
	struct chain	*chain;
	chain_cb	 cb;
	void		*arg;
	struct walk	*next;
};

struct web {
	struct audit	*audit;
	CURLM		*multi;
	struct timer	*timer;
	struct entry	*entries;
	struct delivery	*deliveries;
	struct walk	*walks;		/* chains in progress and done */
	struct addrs	*addrs;		/* looked-up hosts */
	X509_STORE	*store;		/* system store + --cacert */
	char		*ca_error;
	unsigned	 seq;
};

static void http_start(struct entry *);
static void http_read_info(struct web *);

/* libcurl wants a timer: one loop timer at a time. */
static void
http_timer_fire(void *arg)
{
	struct web	*web = arg;
	int		 running;

	web->timer = NULL;
	curl_multi_socket_action(web->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_read_info(web);
}

static int
http_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct web	*web = arg;

	(void)multi;
	loop_timer_cancel(web->audit->loop, web->timer);
	web->timer = NULL;
	if (ms >= 0)
		web->timer = loop_timer(web->audit->loop, (unsigned)ms,
		    http_timer_fire, web);
	return 0;
}

/* A libcurl socket is ready. */
static void
http_fd(int fd, int revents, void *arg)
{
	struct web	*web = arg;
	int		 flags = 0, running;

	if (revents & POLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(web->multi, fd, flags, &running);
	http_read_info(web);
}

static int
http_socket_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sp)
{
	struct web	*web = arg;
	int		 events = 0;

	(void)easy;
	(void)sp;
	switch (what) {
	case CURL_POLL_IN:
		events = POLLIN;
		break;
	case CURL_POLL_OUT:
		events = POLLOUT;
		break;
	case CURL_POLL_INOUT:
		events = POLLIN | POLLOUT;
		break;
	default:
		events = 0;
		break;
	}
	loop_fd(web->audit->loop, s, events, http_fd, web);
	return 0;
}

/* Frees a response's contents. */
static void
http_resp_clear(struct http_resp *r)
{
	free(r->url);
	free(r->error);
	strlist_clear(&r->headers);
	buf_free(&r->body);
	free(r->location);
	free(r->ip);
}

static void	web_fetch_done(void *, const struct http_resp *);

/* Frees a callback's argument that the web engine owns (web_fetch's). */
static void
web_free_arg(http_cb cb, void *arg)
{
	if (cb == web_fetch_done)
		free(arg);
}

/* Frees the web state (the audit's engine_free). */
static void
web_free(void *arg)
{
	struct web	*web = arg;
	struct entry	*e, *en;
	struct delivery	*d, *dn;
	struct walk	*w, *wn;
	struct waiter	*x, *xn;
	struct addrs	*a, *an;
	struct addr_waiter *aw, *awn;

	for (d = web->deliveries; d != NULL; d = dn) {
		dn = d->next;
		loop_timer_cancel(web->audit->loop, d->timer);
		web_free_arg(d->cb, d->arg);
		free(d);
	}
	for (e = web->entries; e != NULL; e = en) {
		en = e->next;
		if (e->easy != NULL) {
			curl_multi_remove_handle(web->multi, e->easy);
			curl_easy_cleanup(e->easy);
		}
		for (x = e->waiters; x != NULL; x = xn) {
			xn = x->next;
			web_free_arg(x->cb, x->arg);
			free(x);
		}
		curl_slist_free_all(e->resolve);
		curl_slist_free_all(e->connect_to);
		curl_slist_free_all(e->hdrs);
		http_resp_clear(&e->resp);
		free(e->key);
		free(e->host);
		free(e->method);
		free(e->origin);
		free(e->address);
		free(e->post);
		free(e);
	}
	for (w = web->walks; w != NULL; w = wn) {
		wn = w->next;
		free(w->chain->start);
		free(w->chain->error);
		free(w->chain->hops);
		free(w->chain);
		free(w);
	}
	for (a = web->addrs; a != NULL; a = an) {
		an = a->next;
		for (aw = a->waiters; aw != NULL; aw = awn) {
			awn = aw->next;
			free(aw);
		}
		strlist_clear(&a->list);
		free(a->host);
		free(a);
	}
	loop_timer_cancel(web->audit->loop, web->timer);
	curl_multi_cleanup(web->multi);
	X509_STORE_free(web->store);
	free(web->ca_error);
	free(web);
}

/*
 * The audit's trust store: the system bundle and directory libcurl was
 * built with, plus the --cacert anchors, parsed once per process
 * (trust.c). (CURLOPT_CAINFO_BLOB would replace the system bundle, and
 * loading the bundle on every connection would be counted in the timings.)
 */
static void
web_load_ca(struct web *web)
{
	web->store = trust_store(TRUST_CURL, web->audit->opt->cacert,
	    &web->ca_error);
}

/* libcurl's SSL_CTX hook: verification uses the audit's trust store. */
static CURLcode
http_ssl_ctx(CURL *easy, void *ctx, void *arg)
{
	struct web	*web = arg;

	(void)easy;
	SSL_CTX_set1_cert_store(ctx, web->store);
	return CURLE_OK;
}

struct web *
web_get(struct audit *audit)
{
	struct web	*web;
	static bool	 inited;

	if (audit->engine[ENGINE_WEB] != NULL)
		return audit->engine[ENGINE_WEB];
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = true;
	}
	web = xcalloc(1, sizeof *web);
	web->audit = audit;
	web->multi = curl_multi_init();
	if (web->multi == NULL)
		fatal("curl_multi_init failed");
	curl_multi_setopt(web->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(web->multi, CURLMOPT_SOCKETDATA, web);
	curl_multi_setopt(web->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(web->multi, CURLMOPT_TIMERDATA, web);
	curl_multi_setopt(web->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
	curl_multi_setopt(web->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 32L);
	web_load_ca(web);
	audit->engine[ENGINE_WEB] = web;
	audit->engine_free[ENGINE_WEB] = web_free;
	return web;
}

/* Runs one queued callback. */
static void
http_deliver_fire(void *arg)
{
	struct delivery	*d = arg, **pp;
	struct web	*web = d->web;

	for (pp = &web->deliveries; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	d->cb(d->arg, &d->entry->resp);
	free(d);
}

/* Queues cb for the next pass with the entry's response. */
static void
http_deliver(struct entry *e, http_cb cb, void *arg)
{
	struct delivery	*d;

	d = xcalloc(1, sizeof *d);
	d->web = e->web;
	d->entry = e;
	d->cb = cb;
	d->arg = arg;
	d->next = e->web->deliveries;
	e->web->deliveries = d;
	d->timer = loop_timer(e->web->audit->loop, 0, http_deliver_fire, d);
}

/* The entry is done: hand its response to every waiter. */
static void
http_finish(struct entry *e)
{
	struct waiter	*x, *xn;

	e->done = true;
	for (x = e->waiters; x != NULL; x = xn) {
		xn = x->next;
		http_deliver(e, x->cb, x->arg);
		free(x);
	}
	e->waiters = NULL;
}

/* Sets an error on an entry that never got a response and finishes it. */
static void
http_fail(struct entry *e, const char *fmt, ...) printflike(2, 3);
static void
http_fail(struct entry *e, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	free(e->resp.error);
	e->resp.error = xvprintf(fmt, ap);
	va_end(ap);
	e->resp.status = 0;
	http_finish(e);
}

/* Reads libcurl's completion messages for web. */
static void
http_read_info(struct web *web)
{
	CURLMsg		*msg;
	int		 left;

	while ((msg = curl_multi_info_read(web->multi, &left)) != NULL) {
		struct entry	*e = NULL;
		CURL		*easy = msg->easy_handle;
		CURLcode	 rc = msg->data.result;
		long		 code = 0;
		char		*ip = NULL, *redir = NULL;
		curl_off_t	 t;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&e);
		curl_multi_remove_handle(web->multi, easy);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
		if (curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) ==
		    CURLE_OK && ip != NULL && *ip != '\0') {
			free(e->resp.ip);
			e->resp.ip = xstrdup(ip);
		}
		if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &redir) ==
		    CURLE_OK && redir != NULL)
			e->resp.location = xstrdup(redir);
		if (curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T,
		    &t) == CURLE_OK)
			e->resp.ttfb_ms = (double)t / 1000.0;
		if (curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &t) ==
		    CURLE_OK)
			e->resp.total_ms = (double)t / 1000.0;
		curl_easy_cleanup(easy);
		e->easy = NULL;
		if (rc == CURLE_WRITE_ERROR && e->resp.truncated)
			rc = CURLE_OK;	/* we stopped it at the cap */
		if (rc != CURLE_OK) {
			if (rc == CURLE_OPERATION_TIMEDOUT) {
				e->resp.timed_out = true;
				http_fail(e, _("no complete answer within %d s "
				    "(%s)"), web->audit->opt->timeout,
				    code > 0 ? _("headers came, the body did "
				    "not end") : _("the server stayed silent"));
			} else
				http_fail(e, "%s", e->errbuf[0] != '\0' ?
				    e->errbuf : curl_easy_strerror(rc));
			continue;
		}
		e->resp.status = code;
		http_finish(e);
	}
}

/* Keeps header lines of the last header block only. */
static size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct entry	*e = arg;
	size_t		 len = size * n, l = len;

	while (l > 0 && (data[l - 1] == '\r' || data[l - 1] == '\n'))
		l--;
	if (l >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		strlist_clear(&e->resp.headers);
		return len;
	}
	if (l == 0 || e->resp.headers.n >= 200 || l > 8192)
		return len;
	{
		char *line = xstrndup(data, l);

		strlist_add(&e->resp.headers, line);
		free(line);
	}
	return len;
}

/* Keeps the body up to the cap; stops the transfer past it. */
static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct entry	*e = arg;
	size_t		 len = size * n, room;

	room = e->max - e->received;
	if (len > room) {
		if (!e->nobody)
			buf_add(&e->resp.body, data, room);
		e->received = e->max;
		e->resp.truncated = true;
		return 0;	/* CURLE_WRITE_ERROR: stop here */
	}
	if (!e->nobody)
		buf_add(&e->resp.body, data, len);
	e->received += len;
	return len;
}

/* The host name was resolved: set up the transfer. */
static void
http_resolved(void *arg, enum resolve_status status,
    const struct strlist *addrs)
{
	struct entry	*e = arg;
	struct buf	 b = { 0 };
	size_t		 i, n = 0;
	bool		 v6;

	if (status != RESOLVE_OK && status != RESOLVE_NXDOMAIN &&
	    status != RESOLVE_NODATA) {
		/* Not "does not resolve": the name could not be looked up. */
		http_fail(e, _("could not look up %s: %s"), e->host,
		    resolve_status_text(status));
		return;
	}
	if (status != RESOLVE_OK || addrs == NULL || addrs->n == 0) {
		http_fail(e, _("cannot resolve %s: %s"), e->host,
		    resolve_status_text(status == RESOLVE_OK ? RESOLVE_NODATA :
		    status));
		return;
	}
	buf_printf(&b, "%s:%d:", e->host, options_port(e->web->audit->opt,
	    e->port));
	for (i = 0; i < addrs->n && n < 8; i++) {
		v6 = strchr(addrs->v[i], ':') != NULL;
		if ((e->family == 4 && v6) || (e->family == 6 && !v6))
			continue;
		if (e->family != 0) {
			/* One address of the family, connected to as given. */
			e->address = xstrdup(addrs->v[i]);
			n++;
			break;
		}
		if (v6)
			buf_printf(&b, "%s[%s]", n ? "," : "", addrs->v[i]);
		else
			buf_printf(&b, "%s%s", n ? "," : "", addrs->v[i]);
		n++;
	}
	if (n == 0) {
		buf_free(&b);
		e->resp.no_family = true;
		http_fail(e, _("%s has no IPv%d address"), e->host, e->family);
		return;
	}
	if (e->address != NULL) {
		buf_free(&b);
		http_start(e);
		return;
	}
	e->resolve = curl_slist_append(NULL, b.data);
	buf_free(&b);
	http_start(e);
}

/* The lookup of a host finished: every request waiting on it goes on. */
static void
http_addrs_done(void *arg, enum resolve_status status,
    const struct strlist *list)
{
	struct addrs		*a = arg;
	struct addr_waiter	*aw, *next;

	a->done = true;
	a->status = status;
	if (list != NULL)
		strlist_copy(&a->list, list);
	aw = a->waiters;
	a->waiters = NULL;
	for (; aw != NULL; aw = next) {
		next = aw->next;
		http_resolved(aw->entry, a->status, &a->list);
		free(aw);
	}
}

/* Resolves the entry's host through the audit's cache of lookups. */
static void
http_lookup(struct entry *e)
{
	struct web		*web = e->web;
	struct addrs		*a;
	struct addr_waiter	*aw;

	for (a = web->addrs; a != NULL; a = a->next) {
		if (strcasecmp(a->host, e->host) == 0)
			break;
	}
	if (a != NULL && a->done) {
		http_resolved(e, a->status, &a->list);
		return;
	}
	aw = xcalloc(1, sizeof *aw);
	aw->entry = e;
	if (a != NULL) {
		aw->next = a->waiters;
		a->waiters = aw;
		return;
	}
	a = xcalloc(1, sizeof *a);
	a->web = web;
	a->host = xstrdup(e->host);
	a->waiters = aw;
	a->next = web->addrs;
	web->addrs = a;
	resolver_addresses(web->audit->resolver, e->host, http_addrs_done, a);
}

/* Creates the easy handle and adds it to the multi. */
static void
http_start(struct entry *e)
{
	struct web		*web = e->web;
	const struct options	*opt = web->audit->opt;
	CURL			*c;
	int			 mapped = options_port(opt, e->port);
	long			 timeout = opt->timeout > 0 ? opt->timeout :
				    OPTIONS_DEFAULT_TIMEOUT;
	char			*s;

	if ((c = curl_easy_init()) == NULL)
		fatal("curl_easy_init failed");
	e->easy = c;
	curl_easy_setopt(c, CURLOPT_URL, e->resp.url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, e);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->errbuf);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, e->timeout_ms > 0 ?
	    (long)e->timeout_ms : timeout * 1000);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout * 1000);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "launchready/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
	if (e->resolve != NULL)
		curl_easy_setopt(c, CURLOPT_RESOLVE, e->resolve);
	if (e->address != NULL) {
		/*
		 * Connect to the given address (not through curl's shared
		 * DNS cache, which the host's other requests use), on a
		 * connection of its own.
		 */
		s = xprintf(strchr(e->address, ':') != NULL ? "%s:%d:[%s]:%d" :
		    "%s:%d:%s:%d", e->host, e->port, e->address, mapped);
		e->connect_to = curl_slist_append(NULL, s);
		free(s);
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, e->connect_to);
		e->fresh = true;
		/* Known before connecting: an answer that never came has it. */
		free(e->resp.ip);
		e->resp.ip = xstrdup(e->address);
	} else if (mapped != e->port) {
		s = xprintf("%s:%d::%d", e->host, e->port, mapped);
		e->connect_to = curl_slist_append(NULL, s);
		free(s);
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, e->connect_to);
	}
	/* Trust: the audit's store (system plus --cacert), set per SSL_CTX. */
	curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, http_ssl_ctx);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, web);
	if (e->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (e->fresh) {
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
	if (e->origin != NULL) {
		s = xprintf("Origin: %s", e->origin);
		e->hdrs = curl_slist_append(e->hdrs, s);
		free(s);
	}
	if (e->hdrs != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, e->hdrs);
	if (e->cookies != NULL) {
		curl_easy_setopt(c, CURLOPT_SHARE, e->cookies);
		curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	}
	if (e->post != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, e->post);
	if (e->method != NULL && strcmp(e->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (e->method != NULL && strcmp(e->method, "GET") != 0 &&
	    (e->post == NULL || strcmp(e->method, "POST") != 0))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, e->method);
	curl_multi_add_handle(web->multi, c);
}

const char *
url_scheme(const char *url)
{
	static char	 scheme[16];
	size_t		 i;

	for (i = 0; url[i] != '\0' && i < sizeof scheme - 1; i++) {
		if (url[i] == ':')
			break;
		scheme[i] = (char)tolower((unsigned char)url[i]);
	}
	if (url[i] != ':' || strncmp(url + i, "://", 3) != 0)
		return "";
	scheme[i] = '\0';
	return scheme;
}

char *
url_host(const char *url)
{
	CURLU	*u;
	char	*host = NULL, *out = NULL, *p;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		out = xstrdup(host);
		for (p = out; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		curl_free(host);
	}
	curl_url_cleanup(u);
	return out;
}

char *
url_resolve(const char *base, const char *ref)
{
	CURLU	*u;
	char	*s = NULL, *out = NULL;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
		out = xstrdup(s);
		curl_free(s);
	}
	curl_url_cleanup(u);
	return out;
}

void
http_fetch(struct web *web, const struct http_req *req, http_cb cb,
    void *arg)
{
	struct entry	*e;
	struct waiter	*x;
	char		*key;
	CURLU		*u;
	char		*host = NULL, *port = NULL, *scheme = NULL;
	size_t		 i;

	if (req->nocache)
		key = xprintf("#%u", web->seq++);
	else
		key = xprintf("%s|%s|%s|%zu|%d|%s|%d|%s", req->method ?
		    req->method : "GET", req->origin ? req->origin : "",
		    req->post ? req->post : "", req->max, req->family,
		    req->address ? req->address : "", req->insecure,
		    req->url);
	for (e = web->entries; e != NULL; e = e->next) {
		if (strcmp(e->key, key) == 0)
			break;
	}
	if (e != NULL) {
		free(key);
		if (e->done)
			http_deliver(e, cb, arg);
		else {
			x = xcalloc(1, sizeof *x);
			x->cb = cb;
			x->arg = arg;
			x->next = e->waiters;
			e->waiters = x;
		}
		return;
	}
	e = xcalloc(1, sizeof *e);
	e->web = web;
	e->key = key;
	e->resp.url = xstrdup(req->url);
	e->method = req->method ? xstrdup(req->method) : NULL;
	e->origin = req->origin ? xstrdup(req->origin) : NULL;
	e->post = req->post ? xstrdup(req->post) : NULL;
	e->fresh = req->fresh;
	e->nobody = req->nobody;
	e->cookies = req->cookies;
	e->timeout_ms = req->timeout_ms;
	e->family = req->family;
	e->insecure = req->insecure;
	e->address = req->address ? xstrdup(req->address) : NULL;
	for (i = 0; req->headers != NULL && i < req->headers->n; i++)
		e->hdrs = curl_slist_append(e->hdrs, req->headers->v[i]);
	e->max = req->max > 0 && req->max < WEB_BODY_MAX ? req->max :
	    WEB_BODY_MAX;
	e->next = web->entries;
	web->entries = e;
	x = xcalloc(1, sizeof *x);
	x->cb = cb;
	x->arg = arg;
	e->waiters = x;

	if (web->ca_error != NULL) {
		http_fail(e, "%s", web->ca_error);
		return;
	}
	u = curl_url();
	if (u == NULL || curl_url_set(u, CURLUPART_URL, req->url, 0) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0)) {
		http_fail(e, _("not an http(s) URL: %s"), req->url);
		goto out;
	}
	e->host = xstrdup(host);
	e->port = atoi(port);
	if (e->address != NULL)
		http_start(e);	/* a given address: Host and SNI stay */
	else if (strchr(host, ':') != NULL || strspn(host, "0123456789.") ==
	    strlen(host))
		http_start(e);	/* an address: nothing to resolve */
	else
		http_lookup(e);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

const char *
http_header(const struct http_resp *r, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < r->headers.n; i++) {
		const char *h = r->headers.v[i];

		if (strncasecmp(h, name, len) == 0 && h[len] == ':') {
			h += len + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

/* ---- the redirect walker ----------------------------------------------- */

static void http_chain_hop(void *, const struct http_resp *);

/* Fetches the next hop of a walk. */
static void
http_chain_next(struct walk *w, const char *url)
{
	struct http_req	req = { .url = url, .family = w->family };

	http_fetch(w->web, &req, http_chain_hop, w);
}

bool
chain_step(struct chain *c, const struct http_resp *r, const char **next)
{
	size_t	i;

	*next = NULL;
	c->hops = xreallocarray(c->hops, c->nhops + 1, sizeof *c->hops);
	c->hops[c->nhops++] = r;
	if (r->status == 0) {
		c->end = CHAIN_ERROR;
		free(c->error);
		c->error = xstrdup(r->error ? r->error : _("no response"));
		return true;
	}
	if (r->status < 300 || r->status > 399 || r->location == NULL) {
		c->end = CHAIN_OK;
		return true;
	}
	for (i = 0; i < c->nhops; i++) {
		if (strcmp(c->hops[i]->url, r->location) == 0) {
			c->end = CHAIN_LOOP;
			return true;
		}
	}
	if (c->nhops > WEB_MAX_HOPS) {
		c->end = CHAIN_TOO_LONG;
		return true;
	}
	*next = r->location;
	return false;
}

/* A hop answered: record it and go on or report. */
static void
http_chain_hop(void *arg, const struct http_resp *r)
{
	struct walk	*w = arg;
	const char	*next;

	if (w->cb == NULL)
		return;		/* forgotten: nobody waits for it */
	if (chain_step(w->chain, r, &next))
		w->cb(w->arg, w->chain);
	else
		http_chain_next(w, next);
}

void
http_forget(struct web *web, void *arg)
{
	struct entry	*e;
	struct waiter	*x, **xp;
	struct delivery	*d, **dp;
	struct walk	*w;

	for (e = web->entries; e != NULL; e = e->next) {
		for (xp = &e->waiters; (x = *xp) != NULL;) {
			if (x->arg == arg) {
				*xp = x->next;
				free(x);
			} else
				xp = &x->next;
		}
	}
	for (dp = &web->deliveries; (d = *dp) != NULL;) {
		if (d->arg == arg) {
			*dp = d->next;
			loop_timer_cancel(web->audit->loop, d->timer);
			free(d);
		} else
			dp = &d->next;
	}
	for (w = web->walks; w != NULL; w = w->next) {
		if (w->arg == arg) {
			w->cb = NULL;
			w->arg = NULL;
		}
	}
}

void
http_chain(struct web *web, const char *url, chain_cb cb, void *arg)
{
	http_chain_family(web, url, 0, cb, arg);
}

void
http_chain_family(struct web *web, const char *url, int family, chain_cb cb,
    void *arg)
{
	struct walk	*w;

	w = xcalloc(1, sizeof *w);
	w->web = web;
	w->family = family;
	w->chain = xcalloc(1, sizeof *w->chain);
	w->chain->start = xstrdup(url);
	w->cb = cb;
	w->arg = arg;
	w->next = web->walks;
	web->walks = w;
	http_chain_next(w, url);
}

const struct http_resp *
chain_final(const struct chain *c)
{
	return c->nhops > 0 ? c->hops[c->nhops - 1] : NULL;
}

size_t
chain_redirects(const struct chain *c)
{
	size_t	i, n = 0;

	for (i = 0; i < c->nhops; i++) {
		if (c->hops[i]->status >= 300 && c->hops[i]->status <= 399 &&
		    c->hops[i]->location != NULL)
			n++;
	}
	return n;
}

char *
chain_format(const struct chain *c)
{
	struct buf	b = { 0 };
	size_t		i;
	char		*out;

	buf_puts(&b, c->start);
	for (i = 0; i < c->nhops; i++) {
		const struct http_resp *r = c->hops[i];

		if (r->status == 0) {
			buf_printf(&b, " → %s", r->error ? r->error :
			    _("no response"));
			break;
		}
		buf_printf(&b, " → %ld", r->status);
		if (r->location != NULL && r->status >= 300 &&
		    r->status <= 399)
			buf_printf(&b, " %s", r->location);
	}
	if (c->end == CHAIN_LOOP)
		buf_printf(&b, " %s", _("(loop)"));
	else if (c->end == CHAIN_TOO_LONG)
		buf_printf(&b, _(" (more than %d redirects)"), WEB_MAX_HOPS);
	out = xstrdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

/* ---- web_fetch for other engines ------------------------------------- */

/* A web_fetch() in flight: the caller's handle. */
struct web_fetch_ctx {
	struct call	 call;		/* first: the handle */
	struct web	*web;
	web_fetch_cb	 cb;
	void		*arg;
};

static void
web_fetch_done(void *arg, const struct http_resp *r)
{
	struct web_fetch_ctx	*ctx = arg;

	if (r->status == 0)
		ctx->cb(ctx->arg, 0, NULL, 0, r->error);
	else if (r->truncated)
		ctx->cb(ctx->arg, 0, NULL, 0,
		    _("the response is larger than 2 MB"));
	else
		ctx->cb(ctx->arg, r->status, r->body.data != NULL ?
		    r->body.data : "", r->body.len, NULL);
	free(ctx);
}

/* call_cancel() of a web_fetch(): its callback never runs. */
static void
web_fetch_cancel(struct call *call)
{
	struct web_fetch_ctx	*ctx = (struct web_fetch_ctx *)call;

	http_forget(ctx->web, ctx);
	free(ctx);
}

struct call *
web_fetch(struct audit *audit, const char *url, web_fetch_cb cb, void *arg)
{
	struct web_fetch_ctx	*ctx;
	struct http_req		 req = { .url = url };

	ctx = xcalloc(1, sizeof *ctx);
	ctx->call.cancel = web_fetch_cancel;
	ctx->web = web_get(audit);
	ctx->cb = cb;
	ctx->arg = arg;
	http_fetch(ctx->web, &req, web_fetch_done, ctx);
	return &ctx->call;
}
