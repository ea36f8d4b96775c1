/* dnscache.c: one audit's DNS lookups, shared, with CNAME chains followed. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"

/* One name/type: the lookup in flight or its answer. */
struct dnscache_entry {
	char			*name;
	int			 type;
	bool			 done;
	struct dns_answer	 ans;
	char			*cur;		/* name being queried now */
	struct strlist		 seen;		/* names on the chain so far */
	struct dnscache		*cache;
	struct dnscache_entry	*next;
};

/* Someone waiting for an entry. */
struct dnscache_wait {
	struct dnscache_entry	*entry;
	void			*owner;
	dnscache_cb		 cb;
	void			*arg;
	struct timer		*timer;		/* a cached answer's delivery */
	struct dnscache		*cache;
	struct dnscache_wait	*next;
};

struct dnscache {
	struct audit		*audit;
	struct dnscache_entry	*entries;
	struct dnscache_wait	*waits;
	FILE			*trace;		/* $LAUNCHREADY_DNS_TRACE */
	uint64_t		 started;
};

/* Frees the cache (the audit's engine slot destructor). */
static void
dnscache_free(void *arg)
{
	struct dnscache		*cache = arg;
	struct dnscache_entry	*e, *en;
	struct dnscache_wait	*w, *wn;
	size_t			 i;

	for (w = cache->waits; w != NULL; w = wn) {
		wn = w->next;
		loop_timer_cancel(cache->audit->loop, w->timer);
		free(w->arg);
		free(w);
	}
	for (e = cache->entries; e != NULL; e = en) {
		en = e->next;
		/* Queries in flight never call back: the resolver goes next. */
		free(e->name);
		free(e->cur);
		free(e->ans.final);
		strlist_clear(&e->ans.chain);
		strlist_clear(&e->seen);
		for (i = 0; i < e->ans.nrr; i++)
			dnsmsg_rr_clear(&e->ans.rr[i]);
		free(e->ans.rr);
		free(e);
	}
	if (cache->trace != NULL)
		fclose(cache->trace);
	free(cache);
}

/* The audit's cache, made on first use. */
static struct dnscache *
dnscache_get(struct audit *audit)
{
	struct dnscache	*cache = audit->engine[ENGINE_DNS];

	if (cache == NULL) {
		cache = xcalloc(1, sizeof *cache);
		cache->audit = audit;
		cache->started = now_ms();
		if (getenv("LAUNCHREADY_DNS_TRACE") != NULL)
			cache->trace = fopen(getenv("LAUNCHREADY_DNS_TRACE"),
			    "a");
		audit->engine[ENGINE_DNS] = cache;
		audit->engine_free[ENGINE_DNS] = dnscache_free;
	}
	return cache;
}

/* Unlinks and frees one waiter. */
static void
dnscache_unwait(struct dnscache *cache, struct dnscache_wait *w)
{
	struct dnscache_wait	**pp;

	for (pp = &cache->waits; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	loop_timer_cancel(cache->audit->loop, w->timer);
	free(w);
}

/* Delivers a finished entry to every waiter on it. */
static void
dnscache_deliver(struct dnscache_entry *e)
{
	struct dnscache		*cache = e->cache;
	struct dnscache_wait	*w;

	for (;;) {
		for (w = cache->waits; w != NULL; w = w->next) {
			if (w->entry == e && w->timer == NULL)
				break;
		}
		if (w == NULL)
			break;
		{
			dnscache_cb	 cb = w->cb;
			void		*arg = w->arg;

			dnscache_unwait(cache, w);
			cb(arg, &e->ans);
		}
	}
}

/* Timer: a cached answer for one waiter. */
static void
dnscache_deliver_one(void *arg)
{
	struct dnscache_wait	*w = arg;
	dnscache_cb		 cb = w->cb;
	void			*cbarg = w->arg;
	struct dnscache_entry	*e = w->entry;

	w->timer = NULL;
	dnscache_unwait(w->cache, w);
	cb(cbarg, &e->ans);
}

static void dnscache_send(struct dnscache_entry *);

/* Ends an entry's lookup with status. */
static void
dnscache_finish(struct dnscache_entry *e, enum resolve_status status)
{
	e->done = true;
	e->ans.status = status;
	e->ans.final = xstrdup(e->cur);
	dnscache_deliver(e);
}

/* A raw answer for the entry's current name: walk it, maybe go on. */
static void
dnscache_answer(void *arg, enum resolve_status status,
    const unsigned char *abuf, int alen)
{
	struct dnscache_entry	*e = arg;
	struct dnsmsg		 m;
	char			*err = NULL;
	bool			 advanced = false;
	size_t			 i;

	if (abuf == NULL || alen <= 0 || (status != RESOLVE_OK &&
	    status != RESOLVE_NXDOMAIN && status != RESOLVE_NODATA)) {
		dnscache_finish(e, status == RESOLVE_OK ? RESOLVE_BADRESP :
		    status);
		return;
	}
	if (dnsmsg_parse(&m, abuf, (size_t)alen, &err) != 0) {
		free(err);
		dnscache_finish(e, RESOLVE_BADRESP);
		return;
	}
	for (;;) {
		bool	found = false;

		for (i = 0; i < m.nan; i++) {
			if (m.an[i].type == e->type &&
			    strcmp(m.an[i].name, e->cur) == 0) {
				e->ans.rr = xreallocarray(e->ans.rr,
				    e->ans.nrr + 1, sizeof *e->ans.rr);
				dnsmsg_rr_copy(&e->ans.rr[e->ans.nrr++],
				    &m.an[i]);
				found = true;
			}
		}
		if (found) {
			dnsmsg_free(&m);
			dnscache_finish(e, RESOLVE_OK);
			return;
		}
		if (e->type == DNS_T_CNAME)
			break;
		for (i = 0; i < m.nan; i++) {
			if (m.an[i].type == DNS_T_CNAME &&
			    strcmp(m.an[i].name, e->cur) == 0)
				break;
		}
		if (i == m.nan)
			break;
		strlist_addf(&e->ans.chain, "%s CNAME %s (TTL %u)", e->cur,
		    m.an[i].text, m.an[i].ttl);
		free(e->cur);
		e->cur = xstrdup(m.an[i].text);
		if (strlist_has(&e->seen, e->cur) ||
		    e->ans.chain.n > DNS_MAX_CHAIN) {
			e->ans.loop = true;
			dnsmsg_free(&m);
			dnscache_finish(e, RESOLVE_LOOP);
			return;
		}
		strlist_add(&e->seen, e->cur);
		advanced = true;
	}
	dnsmsg_free(&m);
	if (advanced && status != RESOLVE_NXDOMAIN) {
		/* The chain left what this server put in one answer. */
		dnscache_send(e);
		return;
	}
	dnscache_finish(e, status == RESOLVE_OK ? RESOLVE_NODATA : status);
}

/* Queries the entry's current name. */
static void
dnscache_send(struct dnscache_entry *e)
{
	dnscache_trace(e->cache->audit, NULL, e->cur, e->type);
	resolver_query(e->cache->audit->resolver, e->cur, e->type,
	    dnscache_answer, e);
}

void
dnscache_lookup(struct audit *audit, void *owner, const char *name, int type,
    dnscache_cb cb, void *arg)
{
	struct dnscache		*cache = dnscache_get(audit);
	struct dnscache_entry	*e;
	struct dnscache_wait	*w;

	for (e = cache->entries; e != NULL; e = e->next) {
		if (e->type == type && strcasecmp(e->name, name) == 0)
			break;
	}
	w = xcalloc(1, sizeof *w);
	w->owner = owner;
	w->cb = cb;
	w->arg = arg;
	w->cache = cache;
	w->next = cache->waits;
	cache->waits = w;
	if (e != NULL) {
		w->entry = e;
		if (e->done)
			w->timer = loop_timer(audit->loop, 0,
			    dnscache_deliver_one, w);
		return;
	}
	e = xcalloc(1, sizeof *e);
	e->name = xstrdup(name);
	for (char *s = e->name; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
	if (strlen(e->name) > 1 && e->name[strlen(e->name) - 1] == '.')
		e->name[strlen(e->name) - 1] = '\0';
	e->type = type;
	e->cur = xstrdup(e->name);
	e->ans.name = e->name;
	e->ans.type = type;
	strlist_add(&e->seen, e->name);
	e->cache = cache;
	e->next = cache->entries;
	cache->entries = e;
	w->entry = e;
	dnscache_send(e);
}

void
dnscache_forget(struct audit *audit, void *owner)
{
	struct dnscache		*cache = audit->engine[ENGINE_DNS];
	struct dnscache_wait	*w, *wn;

	if (cache == NULL)
		return;
	for (w = cache->waits; w != NULL; w = wn) {
		wn = w->next;
		if (w->owner == owner) {
			free(w->arg);
			dnscache_unwait(cache, w);
		}
	}
}

void
dnscache_trace(struct audit *audit, const char *server, const char *name,
    int type)
{
	struct dnscache	*cache = dnscache_get(audit);

	if (cache->trace == NULL)
		return;
	fprintf(cache->trace, "%llu %s %s%s%s\n",
	    (unsigned long long)(now_ms() - cache->started), name,
	    dnsmsg_type_name(type), server != NULL ? " @" : "",
	    server != NULL ? server : "");
	fflush(cache->trace);
}
