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

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

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
	const struct strlist *headers;	/* more "Name: value" lines, or NULL */
	void		*cookies;	/* a CURLSH sharing cookies between
					   requests (the smoke plan), or NULL */
	unsigned	 timeout_ms;	/* 0: --timeout */
	int		 family;	/* 0: any address; 4 or 6: only
					   IPv4 or only IPv6 addresses of the
					   host (an error when it has none) */
	const char	*address;	/* connect to this numeric address
					   instead of the host's (Host and
					   SNI stay the URL's), or NULL */
	bool		 insecure;	/* do not verify the certificate */
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
	bool		 no_family;	/* the host has no address of the
					   request's family (http_req) */
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
/* http_chain with every hop over family (4 or 6, see struct http_req). */
void http_chain_family(struct web *, const char *url, int family,
	    chain_cb cb, void *arg);
/*
 * Drops every callback still due to arg (http_fetch's and http_chain's):
 * none of them is called afterwards. The transfers themselves go on and
 * stay cached for others.
 */
void http_forget(struct web *, void *arg);
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

/* ---- check-web.c: what the web checks share ----------------------------
 *
 * The web checks live in one file per family: check-http.c (http.*),
 * check-edge.c (edge.*), check-perf.c (perf.*, mon.*). check-web.c holds
 * what they share: data/web.cfg, struct web_job (a job.c job, see
 * engine.h, with the web's slots) and the helpers below. Nothing outside
 * those four files uses this section.
 *
 * A web check's step is called with job->job.stage; a stage issues fetches
 * or redirect walks (each a slot, answered through the per-audit cache in
 * http.c) and advances job->job.stage; the step runs again once every slot
 * of the stage has answered (job.c's contract). The step finishes the
 * check with web_job_finish(). Cancelling the check (web_job_cancel) also
 * tells http.c to drop every answer still due to its slots.
 */

/* One entry of web.cfg's exposed_files, error_signatures or cdn lists. */
struct web_rule {
	char		*id;		/* rule id or file path */
	char		*what;
	pcre2_code	*re;
	bool		 publishable;
	char		*header;	/* CDN: header name */
	char		*match;		/* CDN: value substring */
};

struct web_rules {
	struct web_rule	*v;
	size_t		 n;
};

/* data/web.cfg. */
struct web_data {
	struct strlist	 staging;
	struct web_rules exposed;
	struct web_rules errors;
	struct web_rules cdn;
	struct strlist	 session_cookies;
	struct strlist	 cloudflare;
	struct strlist	 login_paths;
	struct strlist	 private_paths;
	struct strlist	 health_paths;
};

struct web_job;

/* One fetch or redirect walk of a job, owned by the job. */
struct slot {
	struct web_job		*job;
	int			 stage;		/* the stage that asked */
	int			 tag;		/* the check's meaning */
	char			*label;
	const struct http_resp	*r;		/* the (final) response */
	const struct chain	*c;		/* walks only */
};

/* A running web check (run->state): a job.c job, first. */
struct web_job {
	struct job		 job;		/* stage, pending, run... */
	void			(*step)(struct web_job *);
	struct web		*web;
	const struct web_data	*data;		/* NULL when web.cfg is bad */
	struct slot		**slots;
	size_t			  nslots;
	/* Shared between stages. */
	const struct http_resp	*landing;	/* final landing response */
	const struct chain	*landing_chain;
	char			*base;		/* landing origin URL */
	int			  counter;
	void			*extra;		/* the check's; freed */
};

/* A web check's definition: a staged job started by fn. */
#define WEB_CHECK(name, id_, fn)					\
	static const struct check_def name = {				\
		.id = id_,						\
		.start = fn,						\
		.cancel = web_job_cancel,					\
		.free = web_job_free					\
	}

#define PROBE_MAX	(64 * 1024)	/* body cap of probes */

/* Iterates the slots of stage st. */
#define WEB_SLOTS(job, st, s, i)					\
	for ((i) = 0; (i) < (job)->nslots; (i)++)			\
		if (((s) = (job)->slots[(i)])->stage == (st))

#define r_of(job) (&(job)->job.run->result)
#define OPT(job) ((job)->job.run->audit->opt)

/* Whether re matches len bytes at s; start and end get the match. */
bool check_web_match(pcre2_code *re, const char *s, size_t len,
	    size_t *start, size_t *end);

/*
 * data/web.cfg, checked: data.c's parser (struct config_t is libconfig's).
 * NULL with *err "PATH:LINE: message" on a missing list or a wrong type.
 */
struct web_data *check_web_parse(struct config_t *, const char *path,
	    char **err);
void check_web_data_free(struct web_data *);

/*
 * Starts a job for run with the given step function (the checks' .start).
 * needs is the DATA_BIT()s of the data files the check reads: when one
 * cannot be used the check ends as error naming it (data_need) and step
 * never runs. job->data is web.cfg's object, NULL when the check does not
 * need it and the file is damaged.
 */
void web_job_start(struct check_run *run, void (*step)(struct web_job *),
	    unsigned needs);
/* The checks' .cancel and .free. */
void web_job_cancel(struct check_run *run);
void web_job_free(struct check_run *run);
/* Finishes the check (once; not after cancellation). */
void web_job_finish(struct web_job *job);
/* Fetches req in the current stage. */
void web_job_fetch(struct web_job *job, const struct http_req *req, int tag,
	    const char *label);
/* Fetches url (GET, cached) in the current stage. */
void web_job_get(struct web_job *job, const char *url, int tag, const char *label);
/* Fetches url (GET, cached) with the smaller body cap of probes. */
void web_job_probe(struct web_job *job, const char *url, int tag,
	    const char *label);
/* Walks the redirects from url in the current stage. */
void web_job_chain(struct web_job *job, const char *url, int tag,
	    const char *label);
/* web_job_chain over IPv4 or IPv6 only (family 4 or 6, see http_req). */
void web_job_chain_family(struct web_job *job, const char *url, int family,
	    int tag, const char *label);

/*
 * Whether a check that repeats requests must stop starting new ones (the
 * first --timeout + 3 s only, so the audit's limit is never reached).
 */
bool web_over_budget(struct web_job *job);
/* Whether a response failed because the name does not resolve. */
bool web_unresolved(const struct http_resp *r);
/* Whether a response is a redirect. */
bool web_redirect(const struct http_resp *r);
/* The staging pattern host matches, or NULL. */
const char *web_staging(const struct web_data *d, const char *host);
/* The origin ("https://host:port") of url, newly allocated. */
char *web_origin(const char *url);
/* Whether url is on the audited site (the domain or a subdomain). */
bool web_same_site(struct web_job *job, const char *url);
/* Adds the evidence "what: reason" for a response that did not come. */
void web_no_answer(struct web_job *job, const char *what,
	    const struct http_resp *r);
/*
 * Whether the host of slot s answered: false quietly when its name does
 * not resolve (dns.* says so), false with an error raised when it did not
 * answer (over HTTPS when https).
 */
bool web_host_answered(struct web_job *job, struct slot *s, bool https);
/* Stage helper: walks https://DOMAIN/ (the landing page, tag -1). */
void web_want_landing(struct web_job *job);
/*
 * After web_want_landing's stage: sets job->landing; finishes the check
 * with an error and returns false when there is no landing page.
 */
bool web_got_landing(struct web_job *job, int stage);
/*
 * The first two stages of a check on the landing page: stage 0 asks for
 * it; stage 1 returns true once it came (false when the check finished
 * without it).
 */
bool web_landing_ready(struct web_job *job);
/* The references of the landing page (free with html_refs_free). */
void web_landing_refs(struct web_job *job, struct html_refs *refs);
/*
 * Fetches (tag 0) the same-site references of the landing page whose kind
 * is in kinds (a mask of 1 << kind), at most max of them, only the first
 * of each kind when first.
 */
void web_get_refs(struct web_job *job, unsigned kinds, size_t max, bool first);
/* Walks SCHEME://HOST/ for every host (tag: the index when tag < 0). */
void web_walk_hosts(struct web_job *job, const char *scheme, int tag);
/* Fetches SCHEME://HOST/ for every host (tag: the host's index). */
void web_want_hosts(struct web_job *job, const char *scheme);
/* Walks the login page (given, or the first login path) with tag. */
void web_want_login(struct web_job *job, int tag);
/* Whether a slot's chain ends at a real page (2xx, not the landing). */
bool web_page(struct web_job *job, const struct slot *s);

/*
 * Checks in files of their own, listed in the engines' tables:
 * check-ipv6.c's http.ipv6 (check_http_defs), check-origin.c's
 * edge.origin-exposed (check_edge_defs).
 */
extern const struct check_def check_http_ipv6, check_edge_origin_exposed;

/* check-edge.c: whether ip is in one of the CIDR ranges ("a.b.c.d/n"). */
bool check_edge_in_ranges(const struct strlist *ranges, const char *ip);
/* check-edge.c: the CDN a response passed (web.cfg's name), or NULL. */
const char *check_edge_cdn(const struct web_data *, const struct http_resp *);

/* check-origin.c: data/origin-names.cfg (data.c's parser). */
struct strlist *check_origin_names_parse(struct config_t *, const char *path,
	    char **err);
void check_origin_names_free(struct strlist *);

#endif
