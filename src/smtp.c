/*
 * smtp.c: an SMTP conversation up to STARTTLS and the TLS handshake, on a
 * non-blocking socket driven by the loop.
 *
 * For each MX host: the name is resolved through the audit's resolver; the
 * addresses are tried in turn until one accepts; then the greeting is
 * read, EHLO sent, STARTTLS sent when offered, and a TLS handshake made
 * with the host name as SNI. The chain is kept (for email.dane) and
 * verified against the system store plus --cacert and the MX host name.
 * Every read is bounded (line length, lines per reply) and every stage by
 * the audit's timeout, so a silent or flooding server ends cleanly.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mail.h"

/* The shared state of one audit (audit->engine[ENGINE_MAIL]). */
struct smtp_engine {
	struct audit		*audit;
	SSL_CTX			*ctx;
	X509_STORE		*store;
	char			*error;		/* set up failed: why */
	struct smtp_probe	*probes;
	struct timer		*flush;
};

/* Where a conversation is. */
enum smtp_step {
	SMTP_STEP_LOOKUP,
	SMTP_STEP_CONNECT,
	SMTP_STEP_GREETING,
	SMTP_STEP_EHLO,
	SMTP_STEP_STARTTLS,
	SMTP_STEP_HANDSHAKE
};

/* The conversation in flight. */
struct smtp_conn {
	struct smtp_probe	*probe;
	enum smtp_step		 step;
	struct smtp_lookup	*lookup;	/* while resolving */
	struct strlist		 addrs;
	size_t			 addr;		/* index in addrs */
	char			*last_error;	/* of the last connect */
	int			 fd;
	SSL			*ssl;
	struct timer		*timer;
	uint64_t		 started;
	/* The reply being read. */
	char			 line[SMTP_MAX_LINE + 1];
	size_t			 linelen;
	size_t			 nlines;
	struct strlist		 reply;		/* its lines, cleaned */
	/* What is left to send. */
	char			*out;
	size_t			 outlen, outoff;
};

/* A lookup in flight; probe is cleared when the engine goes first. */
struct smtp_lookup {
	struct smtp_probe	*probe;
};

struct smtp_wait {
	smtp_cb			 cb;
	void			(*drop)(void *);
	void			*arg;
	struct smtp_wait	*next;
};

static void	smtp_try(struct smtp_conn *);
static void	smtp_fd(int, int, void *);

const char *
smtp_state_name(enum smtp_state s)
{
	static const char *const names[] = {
#define X(id, name) name,
		SMTP_STATE_TABLE(X)
#undef X
	};

	return (size_t)s < nitems(names) ? names[s] : "?";
}

char *
smtp_clean(const char *s, size_t len, size_t max)
{
	struct buf	b = { 0 };
	size_t		i, n = len < max ? len : max;
	char		c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
			c = '?';
		buf_add(&b, &c, 1);
	}
	if (len > max)
		buf_printf(&b, _(" (%zu bytes in all)"), len);
	buf_add(&b, "", 1);
	return b.data;
}

/* The audit's timeout in milliseconds. */
static unsigned
smtp_timeout_ms(const struct audit *audit)
{
	int	t = audit->opt->timeout;

	return (unsigned)(t > 0 ? t : OPTIONS_DEFAULT_TIMEOUT) * 1000;
}

/* Closes the socket and the TLS state of conn. */
static void
smtp_conn_close(struct smtp_conn *conn, struct loop *loop)
{
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
smtp_conn_free(struct smtp_conn *conn, struct loop *loop)
{
	if (conn == NULL)
		return;
	if (conn->lookup != NULL)
		conn->lookup->probe = NULL;
	loop_timer_cancel(loop, conn->timer);
	smtp_conn_close(conn, loop);
	strlist_clear(&conn->addrs);
	strlist_clear(&conn->reply);
	free(conn->last_error);
	free(conn->out);
	free(conn);
}

/* Calls the waiters of every finished probe (from the loop). */
static void
smtp_flush(void *arg)
{
	struct smtp_engine	*engine = arg;
	struct smtp_probe	*p;
	struct smtp_wait	*w, *next;

	engine->flush = NULL;
	for (p = engine->probes; p != NULL; p = p->next) {
		if (p->state == SMTP_RUNNING || p->waiters == NULL)
			continue;
		w = p->waiters;
		p->waiters = NULL;
		for (; w != NULL; w = next) {
			next = w->next;
			w->cb(w->arg, p);
			free(w);
		}
	}
}

static void
smtp_schedule_flush(struct smtp_engine *engine)
{
	if (engine->flush == NULL)
		engine->flush = loop_timer(engine->audit->loop, 0, smtp_flush,
		    engine);
}

/* The conversation ended in state (reason may be NULL for SMTP_TLS). */
static void
smtp_end(struct smtp_probe *p, enum smtp_state state, const char *reason)
{
	struct smtp_conn	*conn = p->conn;

	p->state = state;
	free(p->reason);
	p->reason = reason != NULL ? xstrdup(reason) : NULL;
	if (conn != NULL) {
		p->ms = (unsigned)(now_ms() - conn->started);
		if (conn->ssl != NULL && state == SMTP_TLS) {
			/* A polite close; the server's answer is not awaited. */
			SSL_shutdown(conn->ssl);
			ERR_clear_error();
		}
		smtp_conn_free(conn, p->engine->audit->loop);
		p->conn = NULL;
	}
	smtp_schedule_flush(p->engine);
}

/* Records the errors verification meets, and carries on to find them all. */
static int
smtp_verify_cb(int ok, X509_STORE_CTX *sctx)
{
	struct strlist	*errors = X509_STORE_CTX_get_app_data(sctx);
	int		 e;
	char		*line;

	if (ok)
		return 1;
	e = X509_STORE_CTX_get_error(sctx);
	if (e == X509_V_ERR_HOSTNAME_MISMATCH)
		return 1;	/* said apart, from name_ok */
	line = xprintf("%s (depth %d)", X509_verify_cert_error_string(e),
	    X509_STORE_CTX_get_error_depth(sctx));
	if (!strlist_has(errors, line))
		strlist_add(errors, line);
	free(line);
	return 1;
}

/* Verifies the probe's chain against the store and its MX host name. */
static void
smtp_verify(struct smtp_probe *p)
{
	X509_STORE_CTX	*sctx;
	X509		*leaf = sk_X509_value(p->chain, 0);
	struct strlist	 errors = { 0 };
	char		*line;

	p->name_ok = X509_check_host(leaf, p->host, 0,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
	sctx = X509_STORE_CTX_new();
	if (sctx == NULL || !X509_STORE_CTX_init(sctx, p->engine->store, leaf,
	    p->chain)) {
		X509_STORE_CTX_free(sctx);
		p->chain_ok = false;
		p->verify = xstrdup(_("verification could not run"));
		return;
	}
	X509_STORE_CTX_set_default(sctx, "ssl_server");
	X509_STORE_CTX_set_app_data(sctx, &errors);
	X509_STORE_CTX_set_verify_cb(sctx, smtp_verify_cb);
	ERR_clear_error();
	if (X509_verify_cert(sctx) <= 0 && errors.n == 0)
		strlist_add(&errors, X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
	p->chain_ok = errors.n == 0;
	if (!p->name_ok) {
		line = xprintf(_("the certificate is not for %s"), p->host);
		strlist_add(&errors, line);
		free(line);
	}
	p->verify = errors.n == 0 ? xstrdup("ok") : strlist_join(&errors,
	    "; ");
	strlist_clear(&errors);
}

/* (Re)arms the stage timer: each stage pair gets the timeout. */
static void
smtp_arm(struct smtp_conn *conn, void (*cb)(void *))
{
	struct loop	*loop = conn->probe->engine->audit->loop;

	loop_timer_cancel(loop, conn->timer);
	conn->timer = loop_timer(loop, smtp_timeout_ms(
	    conn->probe->engine->audit), cb, conn);
}

/* The stage ran out of time. */
static void
smtp_timeout(void *arg)
{
	struct smtp_conn	*conn = arg;
	struct smtp_probe	*p = conn->probe;
	unsigned		 s = smtp_timeout_ms(p->engine->audit) / 1000;
	char			*why;

	conn->timer = NULL;
	switch (conn->step) {
	case SMTP_STEP_CONNECT:
		why = xprintf(_("no connection to port %d within %u s"),
		    p->port, s);
		smtp_end(p, SMTP_UNREACHABLE, why);
		break;
	case SMTP_STEP_GREETING:
		if (conn->linelen > 0 || conn->nlines > 0)
			why = xprintf(_("port %d did not finish its greeting "
			    "within %u s"), p->port, s);
		else
			why = xprintf(_("port %d accepted the connection but "
			    "sent no greeting within %u s"), p->port, s);
		smtp_end(p, SMTP_SILENT, why);
		break;
	case SMTP_STEP_HANDSHAKE:
		why = xprintf(_("the TLS handshake did not finish within "
		    "%u s"), s);
		smtp_end(p, SMTP_HANDSHAKE, why);
		break;
	default:
		why = xprintf(_("no complete answer to %s within %u s"),
		    conn->step == SMTP_STEP_EHLO ? "EHLO" : "STARTTLS", s);
		smtp_end(p, SMTP_SILENT, why);
		break;
	}
	free(why);
}

/* Queues a command and watches for the socket to take it. */
static void
smtp_send(struct smtp_conn *conn, const char *cmd)
{
	free(conn->out);
	conn->out = xprintf("%s\r\n", cmd);
	conn->outlen = strlen(conn->out);
	conn->outoff = 0;
	conn->linelen = 0;
	conn->nlines = 0;
	strlist_clear(&conn->reply);
	loop_fd(conn->probe->engine->audit->loop, conn->fd, POLLIN | POLLOUT,
	    smtp_fd, conn);
}

/* The name this client gives in EHLO. */
static const char *
smtp_ehlo_name(void)
{
	static char	name[256];

	if (name[0] == '\0') {
		if (gethostname(name, sizeof name - 1) != 0 ||
		    strchr(name, '.') == NULL)
			snprintf(name, sizeof name, "%s", "localhost");
	}
	return name;
}

/* The reply's text for a reason: its first line, cleaned. */
static const char *
smtp_reply_text(struct smtp_conn *conn)
{
	return conn->reply.n > 0 ? conn->reply.v[0] : "";
}

/* Starts the handshake after the server's go-ahead. */
static void
smtp_handshake_start(struct smtp_conn *conn)
{
	struct smtp_probe	*p = conn->probe;

	conn->step = SMTP_STEP_HANDSHAKE;
	conn->ssl = SSL_new(p->engine->ctx);
	if (conn->ssl == NULL || !SSL_set_fd(conn->ssl, conn->fd) ||
	    !SSL_set_tlsext_host_name(conn->ssl, p->host)) {
		smtp_end(p, SMTP_HANDSHAKE,
		    _("OpenSSL could not set up the handshake"));
		return;
	}
	SSL_set_connect_state(conn->ssl);
	smtp_fd(conn->fd, POLLOUT, conn);
}

/* A whole reply with code arrived at stage conn->step. */
static void
smtp_reply(struct smtp_conn *conn, int code)
{
	struct smtp_probe	*p = conn->probe;
	char			*why;
	size_t			 i;

	switch (conn->step) {
	case SMTP_STEP_GREETING:
		p->banner = xstrdup(smtp_reply_text(conn));
		if (code != 220) {
			why = xprintf(_("the server does not take mail: its "
			    "greeting is \"%s\""), p->banner);
			smtp_end(p, SMTP_REJECTED, why);
			free(why);
			return;
		}
		conn->step = SMTP_STEP_EHLO;
		smtp_arm(conn, smtp_timeout);
		why = xprintf("EHLO %s", smtp_ehlo_name());
		smtp_send(conn, why);
		free(why);
		return;
	case SMTP_STEP_EHLO:
		if (code != 250) {
			why = xprintf(_("EHLO was refused: \"%s\""),
			    smtp_reply_text(conn));
			smtp_end(p, SMTP_REJECTED, why);
			free(why);
			return;
		}
		/* The first line is the greeting; keywords follow. */
		for (i = 1; i < conn->reply.n; i++) {
			const char *kw = conn->reply.v[i] + 4;

			if (strlen(conn->reply.v[i]) > 4)
				strlist_add(&p->ehlo, kw);
		}
		for (i = 0; i < p->ehlo.n; i++) {
			if (strcasecmp(p->ehlo.v[i], "STARTTLS") == 0)
				break;
		}
		if (i == p->ehlo.n) {
			smtp_end(p, SMTP_NO_STARTTLS, _("EHLO does not offer "
			    "STARTTLS"));
			return;
		}
		conn->step = SMTP_STEP_STARTTLS;
		smtp_send(conn, "STARTTLS");
		return;
	case SMTP_STEP_STARTTLS:
		if (code != 220) {
			why = xprintf(_("STARTTLS is offered but was refused: "
			    "\"%s\""), smtp_reply_text(conn));
			smtp_end(p, SMTP_STARTTLS_REFUSED, why);
			free(why);
			return;
		}
		if (conn->linelen > 0) {
			/* Bytes after the go-ahead would be taken as TLS. */
			smtp_end(p, SMTP_HANDSHAKE, _("the server sent more "
			    "than its STARTTLS answer before the handshake"));
			return;
		}
		smtp_handshake_start(conn);
		return;
	default:
		return;
	}
}

/*
 * Takes one complete line (CR LF stripped). Returns the reply code when
 * it ends a reply, 0 when more lines follow, -1 when the conversation
 * ended.
 */
static int
smtp_line(struct smtp_conn *conn, const char *line, size_t len)
{
	struct smtp_probe	*p = conn->probe;
	char			*clean, *why;

	clean = smtp_clean(line, len, 200);
	if (len < 3 || line[0] < '2' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
	    line[2] > '9' || (len > 3 && line[3] != ' ' && line[3] != '-')) {
		why = xprintf(_("the server's answer is not SMTP: \"%s\""),
		    clean);
		free(clean);
		smtp_end(p, SMTP_NOT_SMTP, why);
		free(why);
		return -1;
	}
	strlist_add(&conn->reply, clean);
	free(clean);
	if (++conn->nlines > SMTP_MAX_LINES && (len < 4 || line[3] == '-')) {
		why = xprintf(_("the server sent more than %d lines in one "
		    "reply; stopped reading"), SMTP_MAX_LINES);
		smtp_end(p, SMTP_FLOOD, why);
		free(why);
		return -1;
	}
	if (len > 3 && line[3] == '-')
		return 0;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* Reads what the socket has, a line at a time, and acts on replies. */
static void
smtp_read(struct smtp_conn *conn)
{
	struct smtp_probe	*p = conn->probe;
	char			 buf[4096], *why;
	ssize_t			 n;
	size_t			 i, len;
	int			 code;

	n = read(conn->fd, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		if (n == 0)
			why = xprintf(_("the server closed the connection "
			    "during %s"), conn->step == SMTP_STEP_GREETING ?
			    _("the greeting") : conn->step == SMTP_STEP_EHLO ?
			    "EHLO" : "STARTTLS");
		else
			why = xprintf(_("port %d: %s"), p->port,
			    strerror(errno));
		smtp_end(p, conn->step == SMTP_STEP_GREETING &&
		    conn->nlines == 0 && conn->linelen == 0 ? SMTP_SILENT :
		    SMTP_REJECTED, why);
		free(why);
		return;
	}
	for (i = 0; i < (size_t)n; i++) {
		if (buf[i] != '\n') {
			if (conn->linelen == SMTP_MAX_LINE) {
				why = xprintf(_("the server sent a line of "
				    "more than %d bytes; stopped reading"),
				    SMTP_MAX_LINE);
				smtp_end(p, SMTP_FLOOD, why);
				free(why);
				return;
			}
			conn->line[conn->linelen++] = buf[i];
			continue;
		}
		len = conn->linelen;
		if (len > 0 && conn->line[len - 1] == '\r')
			len--;
		conn->linelen = 0;
		code = smtp_line(conn, conn->line, len);
		if (code == -1)
			return;
		if (code > 0) {
			/* Anything after a final line is kept as pending. */
			if (i + 1 < (size_t)n) {
				len = (size_t)n - i - 1;
				if (len > SMTP_MAX_LINE)
					len = SMTP_MAX_LINE;
				memcpy(conn->line, buf + i + 1, len);
				conn->linelen = len;
			}
			smtp_reply(conn, code);
			return;
		}
	}
}

/* Moves the handshake on as far as the socket allows. */
static void
smtp_handshake_step(struct smtp_conn *conn)
{
	struct smtp_probe	*p = conn->probe;
	struct loop		*loop = p->engine->audit->loop;
	unsigned long		 e, first = 0;
	char			*why;
	int			 r, se;

	ERR_clear_error();
	errno = 0;
	r = SSL_connect(conn->ssl);
	if (r == 1) {
		p->protocol = xstrdup(SSL_get_version(conn->ssl));
		p->cipher = xstrdup(SSL_get_cipher_name(conn->ssl));
		p->chain = X509_chain_up_ref(SSL_get_peer_cert_chain(
		    conn->ssl));
		if (p->chain == NULL || sk_X509_num(p->chain) == 0) {
			smtp_end(p, SMTP_HANDSHAKE, _("the server sent no "
			    "certificate"));
			return;
		}
		tlscert_from_x509(&p->cert, sk_X509_value(p->chain, 0));
		smtp_verify(p);
		smtp_end(p, SMTP_TLS, NULL);
		return;
	}
	se = SSL_get_error(conn->ssl, r);
	switch (se) {
	case SSL_ERROR_WANT_READ:
		loop_fd(loop, conn->fd, POLLIN, smtp_fd, conn);
		return;
	case SSL_ERROR_WANT_WRITE:
		loop_fd(loop, conn->fd, POLLOUT, smtp_fd, conn);
		return;
	case SSL_ERROR_SYSCALL:
		if (errno != 0)
			why = xprintf(_("the server broke the handshake off: "
			    "%s"), strerror(errno));
		else
			why = xstrdup(_("the server closed the connection "
			    "during the handshake"));
		break;
	default:
		while ((e = ERR_get_error()) != 0) {
			if (first == 0)
				first = e;
		}
		if (first != 0 && ERR_reason_error_string(first) != NULL)
			why = xprintf(_("the handshake failed: %s"),
			    ERR_reason_error_string(first));
		else
			why = xprintf(_("the handshake failed (SSL error %d)"),
			    se);
		break;
	}
	ERR_clear_error();
	smtp_end(p, SMTP_HANDSHAKE, why);
	free(why);
}

/* Socket events for every stage. */
static void
smtp_fd(int fd, int revents, void *arg)
{
	struct smtp_conn	*conn = arg;
	struct smtp_probe	*p = conn->probe;
	struct loop		*loop = p->engine->audit->loop;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	ssize_t			 n;
	int			 err = 0;

	(void)fd;
	switch (conn->step) {
	case SMTP_STEP_CONNECT:
		if ((revents & (POLLOUT | POLLERR | POLLHUP)) == 0)
			return;
		len = sizeof err;
		if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err,
		    &len) == -1)
			err = errno;
		if (err == 0) {
			len = sizeof ss;
			if (getpeername(conn->fd, (struct sockaddr *)&ss,
			    &len) == -1)
				err = errno == ENOTCONN ? ECONNREFUSED : errno;
		}
		if (err != 0) {
			free(conn->last_error);
			conn->last_error = xprintf(_("port %d: %s"), p->port,
			    strerror(err));
			smtp_conn_close(conn, loop);
			conn->addr++;
			smtp_try(conn);
			return;
		}
		free(p->address);
		p->address = xstrdup(conn->addrs.v[conn->addr]);
		conn->step = SMTP_STEP_GREETING;
		loop_fd(loop, conn->fd, POLLIN, smtp_fd, conn);
		return;
	case SMTP_STEP_HANDSHAKE:
		smtp_handshake_step(conn);
		return;
	default:
		break;
	}
	if ((revents & POLLOUT) && conn->outoff < conn->outlen) {
		n = send(conn->fd, conn->out + conn->outoff,
		    conn->outlen - conn->outoff, MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			char *why = xprintf(_("port %d: %s"), p->port,
			    strerror(errno));

			smtp_end(p, SMTP_REJECTED, why);
			free(why);
			return;
		}
		if (n > 0)
			conn->outoff += (size_t)n;
		if (conn->outoff == conn->outlen)
			loop_fd(loop, conn->fd, POLLIN, smtp_fd, conn);
	}
	if (revents & (POLLIN | POLLERR | POLLHUP)) {
		if (conn->step == SMTP_STEP_STARTTLS &&
		    conn->outoff < conn->outlen)
			return;		/* nothing is owed before it is sent */
		smtp_read(conn);
	}
}

/* Connects to the next address, or gives up. */
static void
smtp_try(struct smtp_conn *conn)
{
	struct smtp_probe	*p = conn->probe;
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;

	for (; conn->addr < conn->addrs.n; conn->addr++) {
		const char *a = conn->addrs.v[conn->addr];

		memset(&ss, 0, sizeof ss);
		if (inet_pton(AF_INET, a, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)p->port);
			len = sizeof *sin;
		} else if (inet_pton(AF_INET6, a, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)p->port);
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
			conn->step = SMTP_STEP_CONNECT;
			loop_fd(p->engine->audit->loop, conn->fd, POLLOUT,
			    smtp_fd, conn);
			return;
		}
		free(conn->last_error);
		conn->last_error = xprintf(_("port %d: %s"), p->port,
		    strerror(errno));
		close(conn->fd);
		conn->fd = -1;
	}
	smtp_end(p, SMTP_UNREACHABLE, conn->last_error != NULL ?
	    conn->last_error : _("no usable address"));
}

/* The MX host resolved (or not): connect. */
static void
smtp_resolved(void *arg, enum resolve_status status,
    const struct strlist *addrs)
{
	struct smtp_lookup	*lookup = arg;
	struct smtp_probe	*p = lookup->probe;
	char			*why;

	free(lookup);
	if (p == NULL)
		return;
	p->conn->lookup = NULL;
	if (status != RESOLVE_OK || addrs == NULL || addrs->n == 0) {
		if (status == RESOLVE_OK || status == RESOLVE_NXDOMAIN ||
		    status == RESOLVE_NODATA)
			why = xprintf(_("the MX host does not resolve: %s"),
			    status == RESOLVE_OK ? _("it has no address") :
			    resolve_status_text(status));
		else
			why = xprintf(_("could not look up the MX host: %s"),
			    resolve_status_text(status));
		smtp_end(p, status == RESOLVE_OK || status ==
		    RESOLVE_NXDOMAIN || status == RESOLVE_NODATA ?
		    SMTP_NO_NAME : SMTP_UNREACHABLE, why);
		free(why);
		return;
	}
	strlist_copy(&p->conn->addrs, addrs);
	p->conn->step = SMTP_STEP_CONNECT;
	p->conn->started = now_ms();
	smtp_arm(p->conn, smtp_timeout);
	smtp_try(p->conn);
}

static void
smtp_probe_free(struct smtp_probe *p, struct loop *loop)
{
	struct smtp_wait	*w, *next;

	smtp_conn_free(p->conn, loop);
	for (w = p->waiters; w != NULL; w = next) {
		next = w->next;
		if (w->drop != NULL)
			w->drop(w->arg);
		free(w);
	}
	if (p->chain != NULL)
		sk_X509_pop_free(p->chain, X509_free);
	tlscert_clear(&p->cert);
	strlist_clear(&p->ehlo);
	free(p->host);
	free(p->address);
	free(p->reason);
	free(p->banner);
	free(p->protocol);
	free(p->cipher);
	free(p->verify);
	free(p);
}

/* Frees the engine state (the audit's engine_free hook). */
static void
smtp_engine_free(void *arg)
{
	struct smtp_engine	*engine = arg;
	struct smtp_probe	*p, *next;

	for (p = engine->probes; p != NULL; p = next) {
		next = p->next;
		smtp_probe_free(p, engine->audit->loop);
	}
	loop_timer_cancel(engine->audit->loop, engine->flush);
	SSL_CTX_free(engine->ctx);
	X509_STORE_free(engine->store);
	free(engine->error);
	free(engine);
}

/* The reason of the last OpenSSL error, for a set-up message. */
static const char *
smtp_ssl_reason(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : _("unknown OpenSSL error");
}

/* Sets up what every probe of the audit shares; sets engine->error. */
static void
smtp_engine_setup(struct smtp_engine *engine)
{
	const struct options	*opt = engine->audit->opt;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal: %s", strerror(errno));
	ERR_clear_error();
	engine->ctx = SSL_CTX_new(TLS_client_method());
	if (engine->ctx == NULL) {
		engine->error = xprintf(_("OpenSSL cannot set up a client: %s"),
		    smtp_ssl_reason());
		return;
	}
	/* Mail servers still run old set-ups: offer everything. */
	SSL_CTX_set_security_level(engine->ctx, 0);
	SSL_CTX_set_min_proto_version(engine->ctx, TLS1_VERSION);
	SSL_CTX_set_cipher_list(engine->ctx, "DEFAULT:@SECLEVEL=0");
	SSL_CTX_set_options(engine->ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	SSL_CTX_set_verify(engine->ctx, SSL_VERIFY_NONE, NULL);
	engine->store = trust_store(TRUST_OPENSSL, opt->cacert,
	    &engine->error);
}

/* The audit's engine state, made on first use. */
static struct smtp_engine *
smtp_engine(struct audit *audit)
{
	struct smtp_engine	*engine = audit->engine[ENGINE_MAIL];

	if (engine == NULL) {
		engine = xcalloc(1, sizeof *engine);
		engine->audit = audit;
		audit->engine[ENGINE_MAIL] = engine;
		audit->engine_free[ENGINE_MAIL] = smtp_engine_free;
		smtp_engine_setup(engine);
	}
	return engine;
}

int
smtp_want(struct audit *audit, const char *host, smtp_cb cb,
    void (*drop)(void *), void *arg, char **err)
{
	struct smtp_engine	*engine = smtp_engine(audit);
	struct smtp_probe	*p;
	struct smtp_wait	*w;
	struct smtp_lookup	*lookup;

	if (engine->error != NULL)
		return set_error(err, "%s", engine->error);
	for (p = engine->probes; p != NULL; p = p->next) {
		if (strcasecmp(p->host, host) == 0)
			break;
	}
	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	w->drop = drop;
	w->arg = arg;
	if (p != NULL) {
		w->next = p->waiters;
		p->waiters = w;
		if (p->state != SMTP_RUNNING)
			smtp_schedule_flush(engine);
		return 0;
	}
	p = xcalloc(1, sizeof *p);
	p->engine = engine;
	p->host = xstrdup(host);
	p->port = options_port(audit->opt, 25);
	p->state = SMTP_RUNNING;
	tlscert_init(&p->cert);
	p->waiters = w;
	p->next = engine->probes;
	engine->probes = p;
	p->conn = xcalloc(1, sizeof *p->conn);
	p->conn->probe = p;
	p->conn->fd = -1;
	p->conn->step = SMTP_STEP_LOOKUP;
	p->conn->started = now_ms();
	lookup = xcalloc(1, sizeof *lookup);
	lookup->probe = p;
	p->conn->lookup = lookup;
	resolver_addresses(audit->resolver, host, smtp_resolved, lookup);
	return 0;
}

void
smtp_forget(struct audit *audit, void *arg)
{
	struct smtp_engine	*engine = audit->engine[ENGINE_MAIL];
	struct smtp_probe	*p;
	struct smtp_wait	**pp, *w;

	if (engine == NULL)
		return;
	for (p = engine->probes; p != NULL; p = p->next) {
		pp = &p->waiters;
		while ((w = *pp) != NULL) {
			if (w->arg == arg) {
				*pp = w->next;
				free(w);
			} else
				pp = &w->next;
		}
	}
}
