/* resolver.c: c-ares driven by the loop through its socket-state callback. */

#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "dns.h"
#include "engine.h"

struct resolver {
	struct loop	*loop;
	ares_channel	 channel;
	struct timer	*timer;
	bool		 dying;
};

/* One lookup in flight: the caller's callback and the resolver. */
struct resolver_job {
	struct resolver		*res;
	resolver_cb		 cb;
	resolver_addr_cb	 addr_cb;
	void			*arg;
	/* resolver_addresses() without addresses: the CNAME walk. */
	enum resolve_status	 status;	/* what getaddrinfo said */
	char			*name;		/* as asked */
	char			*cur;		/* name being queried */
	struct strlist		 seen;		/* names on the chain */
};

static const char *const resolve_texts[] = {
#define X(id, name, text) text,
	RESOLVE_TABLE(X)
#undef X
};

const char *
resolve_status_text(enum resolve_status s)
{
	return _(resolve_texts[s]);
}

static void resolver_schedule(struct resolver *);

/* A c-ares socket is ready: let c-ares process it. */
static void
resolver_fd(int fd, int revents, void *arg)
{
	struct resolver	*res = arg;
	ares_socket_t	 r = ARES_SOCKET_BAD, w = ARES_SOCKET_BAD;

	if (revents & (POLLIN | POLLERR | POLLHUP))
		r = fd;
	if (revents & POLLOUT)
		w = fd;
	ares_process_fd(res->channel, r, w);
	resolver_schedule(res);
}

/* c-ares timeouts: process with no socket ready. */
static void
resolver_tick(void *arg)
{
	struct resolver	*res = arg;

	res->timer = NULL;
	ares_process_fd(res->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	resolver_schedule(res);
}

/* Arms the timer for c-ares' next timeout, if anything is in flight. */
static void
resolver_schedule(struct resolver *res)
{
	struct timeval	tv, *tvp;

	loop_timer_cancel(res->loop, res->timer);
	res->timer = NULL;
	if (res->dying)
		return;
	tvp = ares_timeout(res->channel, NULL, &tv);
	if (tvp != NULL) {
		unsigned ms = tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;

		res->timer = loop_timer(res->loop, ms, resolver_tick, res);
	}
}

/* c-ares opens, changes or closes a socket. */
static void
resolver_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver	*res = data;
	int		 events = 0;

	if (readable)
		events |= POLLIN;
	if (writable)
		events |= POLLOUT;
	loop_fd(res->loop, fd, events, resolver_fd, res);
}

/* Makes res->channel for opt with extra flags; -1 with *err set. */
static int
resolver_channel(struct resolver *res, const struct options *opt, int flags,
    char **err)
{
	struct ares_options	 ao;
	int			 mask, r;

	memset(&ao, 0, sizeof ao);
	ao.sock_state_cb = resolver_sock_state;
	ao.sock_state_cb_data = res;
	/*
	 * c-ares doubles the timeout on each of the 3 tries (1 + 2 + 4): a
	 * seventh per first try keeps a silent server within --timeout.
	 */
	ao.timeout = (opt->timeout > 0 ? opt->timeout :
	    OPTIONS_DEFAULT_TIMEOUT) * 1000 / 7;
	if (ao.timeout < 200)
		ao.timeout = 200;
	ao.tries = 3;
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS | flags;
	ao.ednspsz = 1232;
	ao.lookups = (char *)"b";
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ | ARES_OPT_LOOKUPS;
	if ((r = ares_init_options(&res->channel, &ao, mask)) != ARES_SUCCESS) {
		set_error(err, _("cannot start the resolver: %s"),
		    ares_strerror(r));
		return -1;
	}
	if (opt->resolvers.n > 0) {
		char *csv = strlist_join(&opt->resolvers, ",");

		r = ares_set_servers_ports_csv(res->channel, csv);
		if (r != ARES_SUCCESS) {
			set_error(err, _("--resolver %s: not a list of "
			    "ADDR[:PORT] server addresses (%s)"), csv,
			    ares_strerror(r));
			free(csv);
			ares_destroy(res->channel);
			return -1;
		}
		free(csv);
	}
	return 0;
}

/* How many servers the channel asks. */
static int
resolver_nservers(struct resolver *res)
{
	struct ares_addr_port_node	*servers = NULL, *s;
	int				 n = 0;

	if (ares_get_servers_ports(res->channel, &servers) != ARES_SUCCESS)
		return -1;
	for (s = servers; s != NULL; s = s->next)
		n++;
	ares_free_data(servers);
	return n;
}

struct resolver *
resolver_new(struct loop *loop, const struct options *opt, char **err)
{
	struct resolver		*res;
	int			 pass, r;
	static bool		 initialised;

	if (!initialised) {
		if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
			set_error(err, _("cannot start the resolver: %s"),
			    ares_strerror(r));
			return NULL;
		}
		initialised = true;
	}
	res = xcalloc(1, sizeof *res);
	res->loop = loop;
	for (pass = 0; pass < 2; pass++) {
		if (resolver_channel(res, opt, pass == 0 ? 0 :
		    ARES_FLAG_NOCHECKRESP, err) != 0) {
			free(res);
			return NULL;
		}
		/*
		 * c-ares 1.18 takes a SERVFAIL or REFUSED answer as "try the
		 * next server", and once none is left reports "could not
		 * contact". With one server there is no next: take the
		 * answer's code as it is (NOCHECKRESP), so it is reported.
		 */
		if (pass == 1 || resolver_nservers(res) != 1)
			break;
		ares_destroy(res->channel);
	}
	return res;
}

void
resolver_free(struct resolver *res)
{
	if (res == NULL)
		return;
	res->dying = true;
	loop_timer_cancel(res->loop, res->timer);
	res->timer = NULL;
	ares_destroy(res->channel);
	free(res);
}

/* Maps a c-ares status to ours. */
static enum resolve_status
resolver_status(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return RESOLVE_OK;
	case ARES_ENOTFOUND:
		return RESOLVE_NXDOMAIN;
	case ARES_ENODATA:
		return RESOLVE_NODATA;
	case ARES_ESERVFAIL:
		return RESOLVE_SERVFAIL;
	case ARES_EREFUSED:
		return RESOLVE_REFUSED;
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_ECONNREFUSED:
		return RESOLVE_TIMEOUT;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		return RESOLVE_BADRESP;
	default:
		return RESOLVE_OTHER;
	}
}

/* c-ares answered a raw query. */
static void
resolver_query_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct resolver_job	*job = arg;

	(void)timeouts;
	if (status != ARES_EDESTRUCTION && !job->res->dying)
		job->cb(job->arg, resolver_status(status), abuf, alen);
	free(job);
}

void
resolver_query(struct resolver *res, const char *name, int type,
    resolver_cb cb, void *arg)
{
	struct resolver_job	*job;

	job = xcalloc(1, sizeof *job);
	job->res = res;
	job->cb = cb;
	job->arg = arg;
	ares_query(res->channel, name, ns_c_in, type, resolver_query_done, job);
	resolver_schedule(res);
}

/* c-ares answered a query of resolver_query_ad(): the status from rcode. */
static void
resolver_ad_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct resolver_job	*job = arg;
	enum resolve_status	 st = resolver_status(status);

	(void)timeouts;
	if (status == ARES_SUCCESS && (abuf == NULL || alen < 12))
		st = RESOLVE_BADRESP;
	else if (status == ARES_SUCCESS) {
		switch (abuf[3] & 0xf) {
		case 0:
			st = RESOLVE_OK;
			break;
		case 2:
			st = RESOLVE_SERVFAIL;
			break;
		case 3:
			st = RESOLVE_NXDOMAIN;
			break;
		case 5:
			st = RESOLVE_REFUSED;
			break;
		default:
			st = RESOLVE_OTHER;
			break;
		}
	}
	if (status != ARES_EDESTRUCTION && !job->res->dying)
		job->cb(job->arg, st, status == ARES_SUCCESS ? abuf : NULL,
		    status == ARES_SUCCESS ? alen : 0);
	free(job);
}

void
resolver_query_ad(struct resolver *res, const char *name, int type,
    resolver_cb cb, void *arg)
{
	struct resolver_job	*job;
	unsigned char		*q = NULL;
	int			 qlen;

	if (ares_create_query(name, ns_c_in, type, 0, 1, &q, &qlen, 1232) !=
	    ARES_SUCCESS || qlen < 12) {
		ares_free_string(q);
		cb(arg, RESOLVE_OTHER, NULL, 0);
		return;
	}
	q[3] |= 0x20;	/* AD: asks for the validation status (RFC 6840) */
	job = xcalloc(1, sizeof *job);
	job->res = res;
	job->cb = cb;
	job->arg = arg;
	ares_send(res->channel, q, qlen, resolver_ad_done, job);
	ares_free_string(q);
	resolver_schedule(res);
}

/* Frees a job and what its CNAME walk kept. */
static void
resolver_job_free(struct resolver_job *job)
{
	free(job->name);
	free(job->cur);
	strlist_clear(&job->seen);
	free(job);
}

/* Ends an address lookup without addresses: status to the caller. */
static void
resolver_walk_end(struct resolver_job *job, enum resolve_status status)
{
	struct strlist	none = { 0 };

	job->addr_cb(job->arg, status, &none);
	resolver_job_free(job);
}

static void resolver_walk_send(struct resolver_job *);

/*
 * The CNAME walk's answer for job->cur: follow the chain through it; a name
 * met twice, or more than DNS_MAX_CHAIN hops, is a loop. A chain that goes
 * on past this answer is asked again at its current end.
 */
static void
resolver_walk_done(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct resolver_job	*job = arg;
	struct dnsmsg		 m;
	char			*err = NULL;
	bool			 advanced = false;
	size_t			 i;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || job->res->dying) {
		resolver_job_free(job);
		return;
	}
	if (abuf == NULL || alen <= 0 ||
	    dnsmsg_parse(&m, abuf, (size_t)alen, &err) != 0) {
		free(err);
		resolver_walk_end(job, job->status);
		return;
	}
	for (;;) {
		for (i = 0; i < m.nan; i++) {
			if (m.an[i].type == DNS_T_CNAME &&
			    strcasecmp(m.an[i].name, job->cur) == 0)
				break;
		}
		if (i == m.nan)
			break;
		free(job->cur);
		job->cur = xstrdup(m.an[i].text);
		if (strlist_has(&job->seen, job->cur) ||
		    job->seen.n > DNS_MAX_CHAIN) {
			dnsmsg_free(&m);
			resolver_walk_end(job, RESOLVE_LOOP);
			return;
		}
		strlist_add(&job->seen, job->cur);
		advanced = true;
	}
	dnsmsg_free(&m);
	if (advanced && (status == ARES_SUCCESS || status == ARES_ENODATA)) {
		resolver_walk_send(job);
		return;
	}
	resolver_walk_end(job, job->status);
}

/* Asks for job->cur's A records (the answer carries its CNAMEs). */
static void
resolver_walk_send(struct resolver_job *job)
{
	ares_query(job->res->channel, job->cur, ns_c_in, ns_t_a,
	    resolver_walk_done, job);
	resolver_schedule(job->res);
}

/* c-ares finished an address lookup. */
static void
resolver_addr_done(void *arg, int status, int timeouts,
    struct ares_addrinfo *ai)
{
	struct resolver_job		*job = arg;
	struct ares_addrinfo_node	*node;
	struct strlist			 addrs = { 0 };
	char				 text[INET6_ADDRSTRLEN];

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || job->res->dying) {
		ares_freeaddrinfo(ai);
		resolver_job_free(job);
		return;
	}
	if (ai != NULL) {
		for (node = ai->nodes; node != NULL; node = node->ai_next) {
			const void *a;

			if (node->ai_family == AF_INET)
				a = &((struct sockaddr_in *)
				    node->ai_addr)->sin_addr;
			else if (node->ai_family == AF_INET6)
				a = &((struct sockaddr_in6 *)
				    node->ai_addr)->sin6_addr;
			else
				continue;
			if (inet_ntop(node->ai_family, a, text,
			    sizeof text) != NULL && !strlist_has(&addrs, text))
				strlist_add(&addrs, text);
		}
	}
	if (status == ARES_SUCCESS && addrs.n == 0)
		status = ARES_ENODATA;
	if (status == ARES_SUCCESS && ai != NULL) {
		/* A chain longer than DNS_MAX_CHAIN hops does not count. */
		struct ares_addrinfo_cname	*c;
		struct strlist			 aliases = { 0 };

		for (c = ai->cnames; c != NULL; c = c->next) {
			if (c->alias != NULL && !strlist_has(&aliases,
			    c->alias))
				strlist_add(&aliases, c->alias);
		}
		if (aliases.n > DNS_MAX_CHAIN) {
			strlist_clear(&aliases);
			strlist_clear(&addrs);
			ares_freeaddrinfo(ai);
			resolver_walk_end(job, RESOLVE_LOOP);
			return;
		}
		strlist_clear(&aliases);
	}
	if (status == ARES_ENODATA) {
		/* No address: a CNAME loop says so only when walked. */
		ares_freeaddrinfo(ai);
		strlist_clear(&addrs);
		job->status = resolver_status(status);
		job->cur = xstrdup(job->name);
		strlist_add(&job->seen, job->cur);
		resolver_walk_send(job);
		return;
	}
	job->addr_cb(job->arg, resolver_status(status), &addrs);
	strlist_clear(&addrs);
	ares_freeaddrinfo(ai);
	resolver_job_free(job);
}

void
resolver_addresses(struct resolver *res, const char *name,
    resolver_addr_cb cb, void *arg)
{
	struct resolver_job		*job;
	struct ares_addrinfo_hints	 hints;

	job = xcalloc(1, sizeof *job);
	job->res = res;
	job->addr_cb = cb;
	job->arg = arg;
	job->name = xstrdup(name);
	{
		size_t len = strlen(job->name);

		if (len > 1 && job->name[len - 1] == '.')
			job->name[len - 1] = '\0';
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = ARES_AI_NOSORT;
	ares_getaddrinfo(res->channel, name, NULL, &hints, resolver_addr_done,
	    job);
	resolver_schedule(res);
}
