/*
 * web.h: the web engine's parts. http.c runs libcurl's multi interface on
 * the audit's loop (fetches, a per-audit cache, the redirect walker);
 * headers.c parses response headers; html.c extracts links from pages.
 *
 * Everything runs on the loop's thread. Responses and chains are owned by
 * the per-audit web state (audit->engine[ENGINE_WEB]) and stay valid until
 * the audit is freed; callers never free them.
 */
#ifndef WEB_H
#define WEB_H

#include "engine.h"

#define WEB_BODY_MAX	(2 * 1024 * 1024)	/* bytes kept per response */
#define WEB_MAX_HOPS	10			/* redirects followed */

/* ---- http.c ------------------------------------------------------------ */

struct web;

/* What to fetch. Only url is required. */
struct http_req {
	const char	*url;
	const char	*method;	/* NULL: GET */
	const char	*origin;	/* sent as Origin: when set */
	const char	*post;		/* request body for POST */
	bool		 nocache;	/* always a new request */
	bool		 fresh;		/* a new connection (timing) */
	bool		 nobody;	/* do not keep the body */
	size_t		 max;		/* body cap; 0: WEB_BODY_MAX */
};

struct http_resp {
	char		*url;		/* as requested */
	long		 status;	/* 0: no response, see error */
	char		*error;		/* why there is no response */
	bool		 timed_out;
	struct strlist	 headers;	/* "Name: value" of the final response */
	struct buf	 body;		/* decoded, at most WEB_BODY_MAX */
	bool		 truncated;	/* the body passed the cap (the
					   transfer was stopped there) */
	char		*location;	/* absolute redirect target or NULL */
	char		*ip;		/* address connected to */
	double		 ttfb_ms;	/* time to first byte */
	double		 total_ms;
};

typedef void (*http_cb)(void *arg, const struct http_resp *);

/* The audit's web state, created on first use. */
struct web *web_get(struct audit *);
/*
 * Fetches req on the loop: the host is resolved through the audit's
 * resolver, ports mapped by --port-map, trust from the system store plus
 * --cacert, redirects not followed, the body capped, the whole bounded by
 * --timeout. Identical cacheable requests share one response. cb is always
 * called later from the loop, never from inside this call.
 */
void http_fetch(struct web *, const struct http_req *, http_cb, void *arg);
/* The value of header name (case-insensitive; the first one) or NULL. */
const char *http_header(const struct http_resp *, const char *name);

enum chain_end {
	CHAIN_OK,		/* ended at a non-redirect response */
	CHAIN_LOOP,		/* a URL came back */
	CHAIN_TOO_LONG,		/* more than WEB_MAX_HOPS redirects */
	CHAIN_ERROR		/* a hop had no response */
};

struct chain {
	char			 *start;
	const struct http_resp	**hops;	/* one per request */
	size_t			  nhops;
	enum chain_end		  end;
	char			 *error;	/* for CHAIN_ERROR */
};

typedef void (*chain_cb)(void *arg, const struct chain *);
/* Follows redirects from url hop by hop (each hop cached as http_fetch). */
void http_chain(struct web *, const char *url, chain_cb, void *arg);
/*
 * The redirect walker's decision (pure; http_chain uses it): appends r to
 * c, then returns true with c->end set when the chain ends there (no
 * response, not a redirect, a URL seen before, more than WEB_MAX_HOPS
 * redirects), or false with *next the URL to fetch next (r->location).
 */
bool chain_step(struct chain *c, const struct http_resp *r,
	    const char **next);
/* The final response of a chain (the last hop), or NULL. */
const struct http_resp *chain_final(const struct chain *);
/* One line: "http://a/ →301 https://a/ →200" (newly allocated). */
char *chain_format(const struct chain *);
/* Number of redirects in the chain. */
size_t chain_redirects(const struct chain *);

/* ---- url helpers (http.c) ---------------------------------------------- */

/* Resolves ref against base into a newly allocated absolute URL, or NULL. */
char *url_resolve(const char *base, const char *ref);
/* The host of an absolute URL (lower case, newly allocated) or NULL. */
char *url_host(const char *url);
/* The scheme ("http", "https") of url into a static buffer, or "". */
const char *url_scheme(const char *url);

/* ---- headers.c --------------------------------------------------------- */

struct hsts {
	bool	 valid;
	long	 max_age;		/* -1 when missing */
	bool	 include_subdomains;
	bool	 preload;
};
/* Parses a Strict-Transport-Security value (RFC 6797). */
void headers_hsts(const char *, struct hsts *);

struct cookie {
	char	*name;
	bool	 secure;
	bool	 httponly;
	char	*samesite;		/* NULL when absent */
};
/* Parses a Set-Cookie value; -1 when there is no name=value pair. */
int headers_cookie(const char *, struct cookie *);
void headers_cookie_free(struct cookie *);

struct cache_control {
	bool	 present;
	bool	 public_;
	bool	 private_;
	bool	 no_store;
	bool	 no_cache;
	bool	 immutable;
	long	 max_age;		/* -1 when missing */
	long	 s_maxage;		/* -1 when missing */
};
/* Parses Cache-Control directives (unknown ones ignored). */
void headers_cache_control(const char *, struct cache_control *);

/*
 * The source list of directive name in a CSP value (newly allocated,
 * lower case), or NULL when the directive is absent.
 */
char *headers_csp_directive(const char *csp, const char *name);

/* ---- html.c ------------------------------------------------------------ */

enum html_kind {
	HTML_SCRIPT,		/* <script src> */
	HTML_STYLE,		/* <link rel=stylesheet href> */
	HTML_IFRAME,		/* <iframe src>, <frame src> */
	HTML_FORM,		/* <form action> */
	HTML_OBJECT,		/* <object data>, <embed src> */
	HTML_IMAGE,		/* <img src>, <audio/video/source src> */
	HTML_LINK,		/* <a href> */
	HTML_CANONICAL		/* <link rel=canonical href> */
};

struct html_ref {
	enum html_kind	 kind;
	char		*url;		/* attribute value, entities decoded */
	bool		 integrity;	/* has an integrity attribute */
};

struct html_refs {
	struct html_ref	*v;
	size_t		 n;
};

#define HTML_MAX_REFS	2000

/* Extracts references from an HTML document of len bytes (bounded). */
void html_extract(const char *, size_t, struct html_refs *);
void html_refs_free(struct html_refs *);
/* True for kinds that are active content (scripts, styles, frames, forms). */
bool html_active(enum html_kind);

#endif
