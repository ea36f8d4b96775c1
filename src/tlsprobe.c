/*
 * tlsprobe.c: TLS handshakes on non-blocking sockets driven by the loop.
 *
 * For each host: the name is resolved through the audit's resolver, then
 * four handshakes run at once, each pinned to one version (TLS 1.0, 1.1,
 * 1.2, 1.3) with the connection and handshake bounded by the timeout. The
 * newest accepted handshake gives the certificate chain, which is verified
 * against the system store plus --cacert and the host name. Probes are kept
 * in the audit's TLS slot so the four checks and tls_peek_issuer() share
 * one set of handshakes per host.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* The shared state of one audit (audit->engine[ENGINE_TLS]). */
struct tlsprobe_engine {
	struct audit		*audit;
	SSL_CTX			*ctx[TLSPROBE_NVERSIONS];
	X509_STORE		*store;
	char			*error;		/* set up failed: why */
	struct tlsprobe_host	*hosts;
	struct timer		*flush;
	struct timer		*kick;		/* starts queued handshakes */
	struct tlsprobe_conn	*queue;		/* waiting for a free slot */
	unsigned		 active;	/* connections open */
	bool			 pumping;	/* in tlsprobe_pump */
};

/* One pinned handshake. */
struct tlsprobe_conn {
	struct tlsprobe_host	*host;
	int			 v;		/* index in tlsprobe_versions */
	int			 fd;
	SSL			*ssl;
	struct timer		*timer;
	size_t			 addr;		/* index in host->addrs */
	bool			 handshaking;
	bool			 queued;	/* waits for a free slot */
	bool			 active;	/* counted in engine->active */
	char			*last_error;	/* of the last connect */
	STACK_OF(X509)		*chain;		/* when accepted */
	char			*negotiated;
	struct tlsprobe_conn	*qnext;		/* in engine->queue */
	/* A handshake for tlsprobe_shake(): cb set, no version slot. */
	tlsprobe_shake_cb	 cb;
	void			(*prepare)(SSL *, void *);
	void			*arg;
};

/* A lookup in flight; host is cleared when the engine goes first. */
struct tlsprobe_lookup {
	struct tlsprobe_host	*host;
};

struct tlsprobe_wait {
	tlsprobe_cb		 cb;
	void			(*drop)(void *);
	void			*arg;
	struct tlsprobe_wait	*next;
};

static const struct {
	const char	*name;
	int		 version;
} tlsprobe_versions[TLSPROBE_NVERSIONS] = {
	{ "TLS 1.0", TLS1_VERSION },
	{ "TLS 1.1", TLS1_1_VERSION },
	{ "TLS 1.2", TLS1_2_VERSION },
	{ "TLS 1.3", TLS1_3_VERSION },
};

static void	tlsprobe_conn_try(struct tlsprobe_conn *);
static void	tlsprobe_pump(struct tlsprobe_engine *);
static void	tlsprobe_dequeue(struct tlsprobe_engine *,
		    struct tlsprobe_conn *);

/*
 * Handshakes open at once, over every host: a long --subdomains list on
 * one server must not exhaust its connections (which it answers by
 * closing some, and a closed handshake reads as a refused version).
 */
#define TLSPROBE_MAX_CONNS	32
static void	tlsprobe_conn_step(struct tlsprobe_conn *);

const char *
tlsprobe_outcome_name(enum tlsprobe_outcome o)
{
	switch (o) {
	case TLSPROBE_ACCEPTED:
		return _("accepted");
	case TLSPROBE_REFUSED:
		return _("refused");
	case TLSPROBE_TIMEOUT:
		return _("no answer");
	case TLSPROBE_UNREACHABLE:
		return _("unreachable");
	default:
		return _("not testable here");
	}
}

/* The timeout of one handshake in milliseconds. */
static unsigned
tlsprobe_timeout_ms(const struct audit *audit)
{
	int	t = audit->opt->timeout;

	return (unsigned)(t > 0 ? t : OPTIONS_DEFAULT_TIMEOUT) * 1000;
}

/* Closes the socket and frees the handshake state of conn. */
static void
tlsprobe_conn_close(struct tlsprobe_conn *conn)
{
	struct loop	*loop = conn->host->engine->audit->loop;

	loop_timer_cancel(loop, conn->timer);
	conn->timer = NULL;
	if (conn->ssl != NULL) {
		SSL_free(conn->ssl);
		conn->ssl = NULL;
	}
	if (conn->fd != -1) {
		loop_fd(loop, conn->fd, 0, NULL, NULL);
		close(conn->fd);
		conn->fd = -1;
	}
}

static void
tlsprobe_conn_free(struct tlsprobe_conn *conn)
{
	if (conn == NULL)
		return;
	tlsprobe_dequeue(conn->host->engine, conn);
	tlsprobe_conn_close(conn);
	if (conn->chain != NULL)
		sk_X509_pop_free(conn->chain, X509_free);
	free(conn->last_error);
	free(conn->negotiated);
	free(conn);
}

/* Calls the waiters of every finished host (from the loop). */
static void
tlsprobe_flush(void *arg)
{
	struct tlsprobe_engine	*engine = arg;
	struct tlsprobe_host	*host;
	struct tlsprobe_wait	*w, *next;

	engine->flush = NULL;
	for (host = engine->hosts; host != NULL; host = host->next) {
		if (host->state == TLSPROBE_RUNNING || host->waiters == NULL)
			continue;
		w = host->waiters;
		host->waiters = NULL;
		for (; w != NULL; w = next) {
			next = w->next;
			w->cb(w->arg, host);
			free(w);
		}
	}
}

static void
tlsprobe_schedule_flush(struct tlsprobe_engine *engine)
{
	if (engine->flush == NULL)
		engine->flush = loop_timer(engine->audit->loop, 0,
		    tlsprobe_flush, engine);
}

/* Records the errors verification meets, and carries on to find them all. */
static int
tlsprobe_verify_cb(int ok, X509_STORE_CTX *sctx)
{
	struct strlist	*errors = X509_STORE_CTX_get_app_data(sctx);
	int		 e;
	char		*line;

	if (ok)
		return 1;
	e = X509_STORE_CTX_get_error(sctx);
	if (e == X509_V_ERR_HOSTNAME_MISMATCH)
		line = xprintf("%s", X509_verify_cert_error_string(e));
	else
		line = xprintf("%s (depth %d)", X509_verify_cert_error_string(e),
		    X509_STORE_CTX_get_error_depth(sctx));
	if (!strlist_has(errors, line))
		strlist_add(errors, line);
	free(line);
	return 1;
}

/* Verifies the chain of conn for its host and fills the host's fields. */
static void
tlsprobe_verify(struct tlsprobe_host *host, STACK_OF(X509) *chain)
{
	X509_STORE_CTX		*sctx;
	X509_VERIFY_PARAM	*param;
	X509			*leaf = sk_X509_value(chain, 0);
	struct strlist		 errors = { 0 };
	size_t			 i;
	bool			 other = false;

	host->name_ok = X509_check_host(leaf, host->name, 0,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
	sctx = X509_STORE_CTX_new();
	if (sctx == NULL || !X509_STORE_CTX_init(sctx, host->engine->store,
	    leaf, chain)) {
		X509_STORE_CTX_free(sctx);
		host->chain_ok = false;
		host->verify = xstrdup(_("verification could not run"));
		return;
	}
	X509_STORE_CTX_set_default(sctx, "ssl_server");
	param = X509_STORE_CTX_get0_param(sctx);
	X509_VERIFY_PARAM_set1_host(param, host->name, 0);
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_STORE_CTX_set_app_data(sctx, &errors);
	X509_STORE_CTX_set_verify_cb(sctx, tlsprobe_verify_cb);
	ERR_clear_error();
	if (X509_verify_cert(sctx) <= 0 && errors.n == 0)
		strlist_add(&errors, X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
	for (i = 0; i < errors.n; i++) {
		if (strcmp(errors.v[i], X509_verify_cert_error_string(
		    X509_V_ERR_HOSTNAME_MISMATCH)) != 0)
			other = true;
	}
	if (!host->name_ok && !strlist_has(&errors,
	    X509_verify_cert_error_string(X509_V_ERR_HOSTNAME_MISMATCH)))
		strlist_add(&errors, X509_verify_cert_error_string(
		    X509_V_ERR_HOSTNAME_MISMATCH));
	host->chain_ok = !other;
	host->verify = errors.n == 0 ? xstrdup("ok") :
	    strlist_join(&errors, "; ");
	strlist_clear(&errors);
}

/* Every handshake of host is over: sum up and wake the waiters. */
static void
tlsprobe_host_complete(struct tlsprobe_host *host)
{
	struct tlsprobe_conn	*best = NULL;
	int			 v;
	bool			 answered = false;
	struct strlist		 why = { 0 };

	for (v = TLSPROBE_NVERSIONS - 1; v >= 0; v--) {
		struct tlsprobe_conn *conn = host->conns[v];

		if (best == NULL && conn->chain != NULL &&
		    sk_X509_num(conn->chain) > 0)
			best = conn;
		if (host->versions[v].outcome == TLSPROBE_ACCEPTED ||
		    host->versions[v].outcome == TLSPROBE_REFUSED)
			answered = true;
	}
	if (best != NULL) {
		host->state = TLSPROBE_OK;
		host->negotiated = xstrdup(best->negotiated);
		host->chain_len = (size_t)sk_X509_num(best->chain);
		tlscert_from_x509(&host->cert, sk_X509_value(best->chain, 0));
		tlsprobe_verify(host, best->chain);
	} else {
		/* Say the distinct reasons once each. */
		for (v = TLSPROBE_NVERSIONS - 1; v >= 0; v--) {
			const char *r = host->versions[v].reason;

			if (r != NULL && !strlist_has(&why, r))
				strlist_add(&why, r);
		}
		host->state = answered ? TLSPROBE_NO_CERT : TLSPROBE_NO_ANSWER;
		host->reason = why.n > 0 ? strlist_join(&why, "; ") :
		    xstrdup(_("no handshake completed"));
		strlist_clear(&why);
	}
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		tlsprobe_conn_free(host->conns[v]);
		host->conns[v] = NULL;
	}
	host->done_at = now_ms();
	tlsprobe_schedule_flush(host->engine);
}

/* Takes conn out of the engine's queue (when it is there). */
static void
tlsprobe_dequeue(struct tlsprobe_engine *engine, struct tlsprobe_conn *conn)
{
	struct tlsprobe_conn	**pp;

	if (!conn->queued)
		return;
	conn->queued = false;
	for (pp = &engine->queue; *pp != NULL; pp = &(*pp)->qnext) {
		if (*pp == conn) {
			*pp = conn->qnext;
			break;
		}
	}
	conn->qnext = NULL;
}

/* Puts conn at the end of the engine's queue. */
static void
tlsprobe_enqueue(struct tlsprobe_engine *engine, struct tlsprobe_conn *conn)
{
	struct tlsprobe_conn	**pp;

	for (pp = &engine->queue; *pp != NULL; pp = &(*pp)->qnext)
		;
	*pp = conn;
	conn->qnext = NULL;
	conn->queued = true;
}

/* One handshake is over with outcome. */
static void
tlsprobe_conn_finish(struct tlsprobe_conn *conn, enum tlsprobe_outcome o,
    const char *reason)
{
	struct tlsprobe_host	*host = conn->host;
	struct tlsprobe_engine	*engine = host->engine;

	if (conn->cb != NULL) {
		/* tlsprobe_shake(): the caller reads the SSL, then it goes. */
		if (conn->active) {
			conn->active = false;
			engine->active--;
		}
		tlsprobe_dequeue(engine, conn);
		conn->cb(conn->arg, o, reason, o == TLSPROBE_ACCEPTED ?
		    conn->ssl : NULL);
		tlsprobe_conn_free(conn);
		tlsprobe_pump(engine);
		return;
	}
	tlsprobe_conn_close(conn);
	if (conn->active) {
		conn->active = false;
		engine->active--;
	}
	tlsprobe_dequeue(engine, conn);
	host->versions[conn->v].outcome = o;
	host->versions[conn->v].reason = reason != NULL ? xstrdup(reason) :
	    NULL;
	if (--host->pending == 0)
		tlsprobe_host_complete(host);
	tlsprobe_pump(engine);
}

/* Starts queued handshakes while fewer than TLSPROBE_MAX_CONNS are open. */
static void
tlsprobe_pump(struct tlsprobe_engine *engine)
{
	struct tlsprobe_conn	*conn;

	if (engine->pumping)
		return;		/* a handshake finished at once: go on */
	engine->pumping = true;
	while (engine->active < TLSPROBE_MAX_CONNS &&
	    (conn = engine->queue) != NULL) {
		tlsprobe_dequeue(engine, conn);
		conn->active = true;
		engine->active++;
		tlsprobe_conn_try(conn);
	}
	engine->pumping = false;
}

/* The handshake ran out of time. */
static void
tlsprobe_conn_timeout(void *arg)
{
	struct tlsprobe_conn	*conn = arg;
	char			*why;
	unsigned		 s;

	conn->timer = NULL;
	s = tlsprobe_timeout_ms(conn->host->engine->audit) / 1000;
	if (conn->queued)
		why = xprintf(_("not started within %u s: too many "
		    "handshakes at once"), s);
	else if (conn->handshaking)
		why = xprintf(_("port %d accepted the connection but gave no "
		    "TLS answer within %u s"), conn->host->port, s);
	else
		why = xprintf(_("no connection to port %d within %u s"),
		    conn->host->port, s);
	tlsprobe_conn_finish(conn, TLSPROBE_TIMEOUT, why);
	free(why);
}

/* Socket events: the connection completed, or the handshake can move. */
static void
tlsprobe_conn_fd(int fd, int revents, void *arg)
{
	struct tlsprobe_conn	*conn = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 err = 0;

	(void)fd;
	if (conn->handshaking) {
		tlsprobe_conn_step(conn);
		return;
	}
	if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0)
		return;
	len = sizeof err;
	if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0) {
		len = sizeof ss;
		if (getpeername(conn->fd, (struct sockaddr *)&ss, &len) == -1) {
			if (errno == ENOTCONN && (revents & (POLLERR |
			    POLLHUP)) == 0)
				return;		/* not yet */
			err = errno == ENOTCONN ? ECONNREFUSED : errno;
		}
	}
	if (err != 0) {
		free(conn->last_error);
		conn->last_error = xprintf(_("port %d: %s"), conn->host->port,
		    strerror(err));
		loop_fd(conn->host->engine->audit->loop, conn->fd, 0, NULL,
		    NULL);
		close(conn->fd);
		conn->fd = -1;
		conn->addr++;
		tlsprobe_conn_try(conn);
		return;
	}
	conn->handshaking = true;
	conn->ssl = SSL_new(conn->host->engine->ctx[conn->v]);
	if (conn->ssl == NULL || !SSL_set_fd(conn->ssl, conn->fd) ||
	    !SSL_set_tlsext_host_name(conn->ssl, conn->host->name)) {
		tlsprobe_conn_finish(conn, TLSPROBE_LOCAL,
		    _("OpenSSL could not set up the handshake"));
		return;
	}
	if (conn->prepare != NULL)
		conn->prepare(conn->ssl, conn->arg);
	SSL_set_connect_state(conn->ssl);
	tlsprobe_conn_step(conn);
}

/* Whether an OpenSSL error is about what this client can offer. */
static bool
tlsprobe_local_error(unsigned long e)
{
	if (ERR_GET_LIB(e) != ERR_LIB_SSL)
		return false;
	switch (ERR_GET_REASON(e)) {
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_NO_CIPHERS_AVAILABLE:
	case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
		return true;
	default:
		return false;
	}
}

/* Moves the handshake on as far as the socket allows. */
static void
tlsprobe_conn_step(struct tlsprobe_conn *conn)
{
	struct loop	*loop = conn->host->engine->audit->loop;
	unsigned long	 e, first = 0;
	char		*why;
	int		 r, se;

	ERR_clear_error();
	errno = 0;
	r = SSL_connect(conn->ssl);
	if (r == 1 && conn->cb != NULL) {
		tlsprobe_conn_finish(conn, TLSPROBE_ACCEPTED, NULL);
		return;
	}
	if (r == 1) {
		conn->chain = X509_chain_up_ref(SSL_get_peer_cert_chain(
		    conn->ssl));
		conn->negotiated = xprintf("%s, %s", SSL_get_version(conn->ssl),
		    SSL_get_cipher_name(conn->ssl));
		SSL_shutdown(conn->ssl);
		ERR_clear_error();
		tlsprobe_conn_finish(conn, TLSPROBE_ACCEPTED, NULL);
		return;
	}
	se = SSL_get_error(conn->ssl, r);
	switch (se) {
	case SSL_ERROR_WANT_READ:
		loop_fd(loop, conn->fd, POLLIN, tlsprobe_conn_fd, conn);
		return;
	case SSL_ERROR_WANT_WRITE:
		loop_fd(loop, conn->fd, POLLOUT, tlsprobe_conn_fd, conn);
		return;
	case SSL_ERROR_SYSCALL:
		if (errno != 0)
			why = xprintf(_("the server broke the handshake off: "
			    "%s"), strerror(errno));
		else
			why = xstrdup(_("the server closed the connection "
			    "during the handshake"));
		ERR_clear_error();
		tlsprobe_conn_finish(conn, TLSPROBE_REFUSED, why);
		free(why);
		return;
	default:
		while ((e = ERR_get_error()) != 0) {
			if (first == 0)
				first = e;
		}
		if (first != 0 && ERR_GET_LIB(first) == ERR_LIB_SSL &&
		    ERR_GET_REASON(first) == SSL_R_WRONG_VERSION_NUMBER) {
			/* What came back is no TLS record at all. */
			why = xstrdup(_("the port does not speak TLS (wrong "
			    "version number)"));
			tlsprobe_conn_finish(conn, TLSPROBE_UNREACHABLE, why);
			free(why);
			return;
		}
		if (first != 0 && ERR_reason_error_string(first) != NULL)
			why = xstrdup(ERR_reason_error_string(first));
		else
			why = xprintf(_("handshake failed (SSL error %d)"), se);
		tlsprobe_conn_finish(conn, tlsprobe_local_error(first) ?
		    TLSPROBE_LOCAL : TLSPROBE_REFUSED, why);
		free(why);
		return;
	}
}

/* Starts connecting conn to its next address, or gives up. */
static void
tlsprobe_conn_try(struct tlsprobe_conn *conn)
{
	struct tlsprobe_host	*host = conn->host;
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	char			*why;

	for (; conn->addr < host->addrs.n; conn->addr++) {
		const char *a = host->addrs.v[conn->addr];

		memset(&ss, 0, sizeof ss);
		if (inet_pton(AF_INET, a, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)host->port);
			len = sizeof *sin;
		} else if (inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)host->port);
			len = sizeof *sin6;
		} else
			continue;
		conn->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (conn->fd == -1) {
			free(conn->last_error);
			conn->last_error = xprintf("socket: %s",
			    strerror(errno));
			continue;
		}
		if (connect(conn->fd, (struct sockaddr *)&ss, len) == 0 ||
		    errno == EINPROGRESS) {
			if (conn->cb == NULL && (conn->v ==
			    TLSPROBE_NVERSIONS - 1 || host->address == NULL)) {
				free(host->address);
				host->address = xstrdup(a);
			}
			loop_fd(host->engine->audit->loop, conn->fd, POLLOUT,
			    tlsprobe_conn_fd, conn);
			return;
		}
		free(conn->last_error);
		conn->last_error = xprintf(_("port %d: %s"), host->port,
		    strerror(errno));
		close(conn->fd);
		conn->fd = -1;
	}
	why = conn->last_error != NULL ? xstrdup(conn->last_error) :
	    xstrdup(_("no usable address"));
	tlsprobe_conn_finish(conn, TLSPROBE_UNREACHABLE, why);
	free(why);
}

/* The name resolved (or not): start the handshakes. */
static void
tlsprobe_resolved(void *arg, enum resolve_status status,
    const struct strlist *addrs)
{
	struct tlsprobe_lookup	*lookup = arg;
	struct tlsprobe_host	*host = lookup->host;
	struct tlsprobe_engine	*engine;
	int			 v;

	free(lookup);
	if (host == NULL)
		return;
	host->lookup = NULL;
	engine = host->engine;
	if (status != RESOLVE_OK && status != RESOLVE_NXDOMAIN &&
	    status != RESOLVE_NODATA) {
		/* A lookup that failed says nothing of the name: undecided. */
		host->state = TLSPROBE_NO_ANSWER;
		host->reason = xprintf(_("could not look up the name: %s"),
		    resolve_status_text(status));
		host->done_at = now_ms();
		tlsprobe_schedule_flush(engine);
		return;
	}
	if (status != RESOLVE_OK || addrs == NULL || addrs->n == 0) {
		host->state = TLSPROBE_NO_NAME;
		host->reason = status == RESOLVE_OK ?
		    xstrdup(_("the name has no address")) :
		    xstrdup(resolve_status_text(status));
		host->done_at = now_ms();
		tlsprobe_schedule_flush(engine);
		return;
	}
	strlist_copy(&host->addrs, addrs);
	host->pending = TLSPROBE_NVERSIONS;
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		struct tlsprobe_conn *conn = xcalloc(1, sizeof *conn);

		conn->host = host;
		conn->v = v;
		conn->fd = -1;
		host->conns[v] = conn;
	}
	/*
	 * Timers first: a connection may fail (and finish) at once. The
	 * time a handshake waits for a free slot counts: the bound holds.
	 */
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		host->conns[v]->timer = loop_timer(engine->audit->loop,
		    tlsprobe_timeout_ms(engine->audit), tlsprobe_conn_timeout,
		    host->conns[v]);
		tlsprobe_enqueue(engine, host->conns[v]);
	}
	tlsprobe_pump(engine);
}

static void
tlsprobe_host_free(struct tlsprobe_host *host)
{
	struct tlsprobe_wait	*w, *next;
	int			 v;

	if (host->lookup != NULL)
		host->lookup->host = NULL;
	if (!host->scan_shared)
		tlsscan_free(host->scan);
	host->scan = NULL;
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		tlsprobe_conn_free(host->conns[v]);
		free(host->versions[v].reason);
	}
	for (w = host->waiters; w != NULL; w = next) {
		next = w->next;
		if (w->drop != NULL)
			w->drop(w->arg);
		free(w);
	}
	strlist_clear(&host->addrs);
	tlscert_clear(&host->cert);
	free(host->name);
	free(host->reason);
	free(host->address);
	free(host->negotiated);
	free(host->verify);
	free(host);
}

/* Frees the engine state (the audit's engine_free hook). */
static void
tlsprobe_engine_free(void *arg)
{
	struct tlsprobe_engine	*engine = arg;
	struct tlsprobe_host	*host, *next;
	int			 v;

	engine->pumping = true;		/* no handshake starts now */
	for (host = engine->hosts; host != NULL; host = next) {
		next = host->next;
		tlsprobe_host_free(host);
	}
	loop_timer_cancel(engine->audit->loop, engine->flush);
	loop_timer_cancel(engine->audit->loop, engine->kick);
	for (v = 0; v < TLSPROBE_NVERSIONS; v++)
		SSL_CTX_free(engine->ctx[v]);
	X509_STORE_free(engine->store);
	free(engine->error);
	free(engine);
}

/* The reason of the last OpenSSL error, for a set-up message. */
static const char *
tlsprobe_ssl_reason(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : _("unknown OpenSSL error");
}

/* Sets up what every probe of the audit shares; sets engine->error. */
static void
tlsprobe_engine_setup(struct tlsprobe_engine *engine)
{
	const struct options	*opt = engine->audit->opt;
	int			 v;

	/* A peer closing mid-write must not kill the process. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal: %s", strerror(errno));
	ERR_clear_error();
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

		engine->ctx[v] = ctx;
		if (ctx == NULL ||
		    !SSL_CTX_set_min_proto_version(ctx,
		    tlsprobe_versions[v].version) ||
		    !SSL_CTX_set_max_proto_version(ctx,
		    tlsprobe_versions[v].version)) {
			engine->error = xprintf(_("OpenSSL cannot set up a "
			    "%s client: %s"), tlsprobe_versions[v].name,
			    tlsprobe_ssl_reason());
			return;
		}
		/* Old versions need the legacy ciphers of level 0. */
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
		SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	}
	engine->store = trust_store(TRUST_OPENSSL, opt->cacert,
	    &engine->error);
}

/* The audit's engine state, made on first use. */
static struct tlsprobe_engine *
tlsprobe_engine(struct audit *audit)
{
	struct tlsprobe_engine	*engine = audit->engine[ENGINE_TLS];

	if (engine == NULL) {
		engine = xcalloc(1, sizeof *engine);
		engine->audit = audit;
		audit->engine[ENGINE_TLS] = engine;
		audit->engine_free[ENGINE_TLS] = tlsprobe_engine_free;
		tlsprobe_engine_setup(engine);
	}
	return engine;
}

int
tlsprobe_want(struct audit *audit, const char *name, tlsprobe_cb cb,
    void (*drop)(void *), void *arg, char **err)
{
	struct tlsprobe_engine	*engine = tlsprobe_engine(audit);
	struct tlsprobe_host	*host, **pp;
	struct tlsprobe_wait	*w;
	struct tlsprobe_lookup	*lookup;
	int			 v;

	if (engine->error != NULL)
		return set_error(err, "%s", engine->error);
	/* Newest first: a running or fresh probe of the name serves. */
	for (pp = &engine->hosts; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0 &&
		    ((*pp)->state == TLSPROBE_RUNNING ||
		    now_ms() - (*pp)->done_at < TLSPROBE_FRESH_MS))
			break;
	}
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->drop = drop;
	w->arg = arg;
	if ((host = *pp) != NULL) {
		w->next = host->waiters;
		host->waiters = w;
		if (host->state != TLSPROBE_RUNNING)
			tlsprobe_schedule_flush(engine);
		return 0;
	}
	host = xcalloc(1, sizeof *host);
	host->engine = engine;
	host->name = xstrdup(name);
	host->port = options_port(audit->opt, 443);
	host->state = TLSPROBE_RUNNING;
	tlscert_init(&host->cert);
	for (v = 0; v < TLSPROBE_NVERSIONS; v++) {
		host->versions[v].name = tlsprobe_versions[v].name;
		host->versions[v].outcome = TLSPROBE_TIMEOUT;
	}
	host->waiters = w;
	host->next = engine->hosts;
	engine->hosts = host;
	lookup = xcalloc(1, sizeof *lookup);
	lookup->host = host;
	host->lookup = lookup;
	resolver_addresses(audit->resolver, name, tlsprobe_resolved, lookup);
	return 0;
}

void
tlsprobe_forget(struct audit *audit, void *arg)
{
	struct tlsprobe_engine	*engine = audit->engine[ENGINE_TLS];
	struct tlsprobe_host	*host;
	struct tlsprobe_wait	**pp, *w;

	if (engine == NULL)
		return;
	for (host = engine->hosts; host != NULL; host = host->next) {
		pp = &host->waiters;
		while ((w = *pp) != NULL) {
			if (w->arg == arg) {
				*pp = w->next;
				free(w);
			} else
				pp = &w->next;
		}
	}
}

/* Starts what waits in the queue (from the loop). */
static void
tlsprobe_kick(void *arg)
{
	struct tlsprobe_engine	*engine = arg;

	engine->kick = NULL;
	tlsprobe_pump(engine);
}

struct tlsprobe_conn *
tlsprobe_shake(struct tlsprobe_host *host, int v,
    void (*prepare)(SSL *, void *), tlsprobe_shake_cb cb, void *arg)
{
	struct tlsprobe_engine	*engine = host->engine;
	struct tlsprobe_conn	*conn;

	conn = xcalloc(1, sizeof *conn);
	conn->host = host;
	conn->v = v;
	conn->fd = -1;
	conn->cb = cb;
	conn->prepare = prepare;
	conn->arg = arg;
	conn->timer = loop_timer(engine->audit->loop,
	    tlsprobe_timeout_ms(engine->audit), tlsprobe_conn_timeout, conn);
	tlsprobe_enqueue(engine, conn);
	if (engine->kick == NULL)
		engine->kick = loop_timer(engine->audit->loop, 0, tlsprobe_kick,
		    engine);
	return conn;
}

void
tlsprobe_shake_cancel(struct tlsprobe_conn *conn)
{
	struct tlsprobe_engine	*engine;

	if (conn == NULL)
		return;
	engine = conn->host->engine;
	if (conn->active) {
		conn->active = false;
		engine->active--;
	}
	tlsprobe_dequeue(engine, conn);
	tlsprobe_conn_free(conn);
	if (engine->queue != NULL && engine->kick == NULL && !engine->pumping)
		engine->kick = loop_timer(engine->audit->loop, 0, tlsprobe_kick,
		    engine);
}

SSL_CTX *
tlsprobe_ctx(struct tlsprobe_host *host, int v)
{
	return host->engine->ctx[v];
}

int
tlsprobe_issuer_known(struct tlsprobe_host *host, X509 *cert)
{
	X509_STORE_CTX	*sctx;
	X509		*issuer = NULL;
	int		 found;

	sctx = X509_STORE_CTX_new();
	if (sctx == NULL || !X509_STORE_CTX_init(sctx, host->engine->store,
	    cert, NULL)) {
		X509_STORE_CTX_free(sctx);
		return -1;
	}
	found = X509_STORE_CTX_get1_issuer(&issuer, sctx, cert) == 1;
	X509_free(issuer);
	X509_STORE_CTX_free(sctx);
	ERR_clear_error();
	return found ? 1 : 0;
}

void
tlsprobe_each_host(struct audit *audit, void (*fn)(struct tlsprobe_host *,
    void *), void *arg)
{
	struct tlsprobe_engine	*engine = audit->engine[ENGINE_TLS];
	struct tlsprobe_host	*host;

	if (engine == NULL)
		return;
	for (host = engine->hosts; host != NULL; host = host->next)
		fn(host, arg);
}

struct audit *
tlsprobe_audit(struct tlsprobe_host *host)
{
	return host->engine->audit;
}
