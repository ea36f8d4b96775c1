/*
 * engine.h: the event loop, the check interface every engine implements,
 * the audit context that runs checks, and the few calls engines make of
 * each other.
 *
 * Threading: everything here runs on the one thread that runs the loop.
 * The only other thread is the secret scanner's worker, which talks to the
 * loop through a pipe.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <poll.h>

#include "launchready.h"

/* ---- loop.c: one poll(2) loop owning every descriptor and timer -------- */

struct loop;
struct timer;

/* Called with the poll revents (POLLIN, POLLOUT, POLLERR, POLLHUP). */
typedef void (*loop_fd_cb)(int fd, int revents, void *arg);
typedef void (*loop_timer_cb)(void *arg);

struct loop *loop_new(void);
/* Frees the loop; descriptors are not closed, pending timers are dropped. */
void loop_free(struct loop *);
/*
 * Watches fd for events (POLLIN and/or POLLOUT). Calling it again for the
 * same fd replaces the events and callback; events 0 stops watching.
 * Safe to call from inside any callback: a watch added there gets no
 * events polled before it existed (a closed descriptor's reused number),
 * and a callback only gets the events its watch still asks for.
 */
void loop_fd(struct loop *, int fd, int events, loop_fd_cb, void *arg);
/*
 * Calls cb once after ms milliseconds (0: on the next pass). The returned
 * timer is owned by the loop and valid until it fires or is cancelled.
 */
struct timer *loop_timer(struct loop *, unsigned ms, loop_timer_cb,
	    void *arg);
/* Cancels a timer that has not fired yet. NULL is ignored. */
void loop_timer_cancel(struct loop *, struct timer *);
/*
 * One pass: waits at most max_ms (-1: until something happens) for a
 * descriptor or the next timer, then dispatches. Returns the number of
 * callbacks run, 0 on timeout, -1 when there is nothing to wait for.
 */
int loop_once(struct loop *, int max_ms);
/* Runs passes until loop_break() or nothing is left to wait for. */
void loop_run(struct loop *);
void loop_break(struct loop *);
/* Number of watched descriptors and pending timers. */
size_t loop_pending(const struct loop *);

/* ---- check.c: the check interface and registry ------------------------ */

struct audit;
struct check_run;

/*
 * One check, implemented by an engine. Engines export a NULL-terminated
 * array of these (check_dns_defs and so on); the registry (check.c) is the
 * engines' tables one after the other, in the catalogue order of CHECKS.md.
 */
struct check_def {
	/* Stable id from CHECKS.md, e.g. "dns.apex". */
	const char	*id;
	/*
	 * Starts the check for run. The engine fills run->result and calls
	 * check_finish(run) exactly once when done, possibly before start
	 * returns. run->state is the engine's to use.
	 */
	void		(*start)(struct check_run *run);
	/*
	 * Stops work in flight (after the timeout, or the user went away).
	 * check_finish() must not be called afterwards. May be NULL when
	 * start always finishes synchronously.
	 */
	void		(*cancel)(struct check_run *run);
	/* Frees run->state. May be NULL. */
	void		(*free)(struct check_run *run);
	/*
	 * The check's time limit in multiples of --timeout, for a check that
	 * drives a slow tool (perf.lighthouse); 0: the usual limit of twice
	 * --timeout plus 5 s.
	 */
	unsigned	  timeout_factor;
};

struct check_run {
	const struct check_def	*def;
	struct audit		*audit;
	struct result		 result;
	void			*state;		/* engine's */
	uint64_t		 started;	/* now_ms() at start */
	bool			 finished;
	struct timer		*deadline;	/* the audit's time limit */
	struct timer		*notify;	/* queued done callback */
	void			(*done)(struct check_run *, void *);
	void			*done_arg;
};

/* Engines' tables (each defined in its engine's file). */
extern const struct check_def *const check_dns_defs[];
extern const struct check_def *const check_http_defs[];
extern const struct check_def *const check_edge_defs[];
extern const struct check_def *const check_perf_defs[];
extern const struct check_def *const check_tls_defs[];
extern const struct check_def *const check_secrets_defs[];
extern const struct check_def *const check_mail_defs[];

/* How many checks the engines implement (the registry, check.c). */
size_t check_count(void);
/* The check at index 0..check_count()-1 in catalogue order, else NULL. */
const struct check_def *check_at(size_t index);
/* The definition for id; NULL if no engine implements it. */
const struct check_def *check_find(const char *id);
/* The family of an id: "dns" for "dns.apex". Static buffer. */
const char *check_family(const char *id);
/*
 * Marks run finished: sets duration and time, and calls run->done from
 * the loop's next pass (never from inside the engine's own call).
 */
void check_finish(struct check_run *run);

/* ---- job.c: checks in stages, and calls between engines ---------------- */

/*
 * A call from one engine into another in flight (tls_peek_issuer(),
 * web_fetch()): the callee's handle, valid until its callback has run or
 * call_cancel() was called. After call_cancel() the callback never runs
 * and the handle is freed; cancelling a call whose callback already ran
 * is a bug. Callees embed struct call first and fill in cancel.
 */
struct call {
	/* Stops the call, frees the handle; the callback never runs. */
	void	(*cancel)(struct call *);
};
/* Cancels a call in flight (NULL is ignored). */
void call_cancel(struct call *);

/*
 * A check that runs in stages (every engine's checks use it; the engine
 * embeds struct job in its run->state).
 *
 * Contract: job_init() then job_run() from the check's .start. The step
 * is called with job->stage whenever nothing is pending; it starts work,
 * counting each piece with job_wait() (job_answered() when it comes back)
 * or, for a call into another engine, job_hold() (job_release() from the
 * call's callback), and/or advances job->stage, or finishes the check with
 * job_finish(). A step that does none of these is reported as an error
 * ("stage N stalled") rather than hanging until the audit's deadline.
 * Steps never run re-entrantly: an answer that arrives while a step runs
 * is taken up after it returns. After job_cancel() (the check's .cancel)
 * no step runs again, job_finish() does nothing and every held call is
 * cancelled. job_clear() (the check's .free) cancels and frees what the
 * job holds; the engine frees its own state.
 */
struct job {
	struct check_run	*run;
	void			(*step)(struct job *);
	int			 stage;		/* the step's; starts at 0 */
	size_t			 pending;	/* work started, not answered */
	bool			 cancelled;
	bool			 finished;
	bool			 stepping;	/* inside job_run's loop */
	struct call		**calls;	/* held calls in flight */
	size_t			 ncalls;
};

void job_init(struct job *, struct check_run *, void (*step)(struct job *));
/* Runs steps until one waits for answers or the check finishes. */
void job_run(struct job *);
/* One more piece of work pending. */
void job_wait(struct job *);
/* A piece came back; the step runs again when none is left. */
void job_answered(struct job *);
/* Finishes the check (check_finish) once; not after cancellation. */
void job_finish(struct job *);
/* Holds call (pending until job_release, cancelled with the job). */
void job_hold(struct job *, struct call *);
/* The held call answered (call from its callback, before using it). */
void job_release(struct job *, struct call *);
/* No step runs again; held calls are cancelled. */
void job_cancel(struct job *);
/* job_cancel() and frees what the job holds (not the job itself). */
void job_clear(struct job *);

/* ---- data.c: the data files, loaded once per audit -------------------- */

/*
 * The data files the engines read (checklist.cfg is the checklist's own,
 * see checklist_load). Each is read with libconfig and turned into the
 * engine's object by its parser, once per audit, on first use.
 */
enum data_file {
	DATA_WEB,		/* web.cfg: the web checks' lists */
	DATA_TLS,		/* tls.cfg: issuers that renew themselves */
	DATA_SECRET_RULES,	/* secret-rules.cfg: the scanner's rules */
	DATA_DNS_PROVIDERS,	/* dns-providers.cfg: DNS hosts, platforms */
	DATA_DKIM_SELECTORS,	/* dkim-selectors.cfg: selectors to probe */
	DATA_ORIGIN_NAMES,	/* origin-names.cfg: names that may bypass
				   the CDN (edge.origin-exposed) */
	DATA_COUNT
};
#define DATA_BIT(f)	(1u << (f))

struct audit;
struct check_run;
struct config_t;
struct config_setting_t;

/* How one data file becomes an object (data.c holds the table). */
struct data_ops {
	/* The file's name in the data directory. */
	const char	*file;
	/*
	 * Builds the object from the parsed file (path for messages). On a
	 * missing setting or a wrong type returns NULL with *err set to
	 * "PATH:LINE: message".
	 */
	void		*(*parse)(struct config_t *, const char *path,
			    char **err);
	/* Frees what parse returned. */
	void		 (*free)(void *);
};

/* The file name of f ("web.cfg"). */
const char *data_file_name(enum data_file f);
/*
 * Reads path with libconfig into cfg (config_init is done here; the caller
 * calls config_destroy in every case). -1 with *err set to "PATH:LINE:
 * message" on a syntax error or "PATH: cannot read the file: reason".
 */
int data_read(struct config_t *cfg, const char *path, char **err);
/*
 * The audit's object for f, loaded on first use and kept until the audit
 * is freed (a failure too: the file is read once per audit). NULL with
 * *why ("PATH:LINE: message", owned by the audit) when it cannot be used.
 */
const void *data_get(struct audit *, enum data_file f, const char **why);
/*
 * For a check that needs f: data_get(), and when the file cannot be used
 * sets run's result to error naming PATH:LINE and returns NULL. The caller
 * then finishes the run (check_finish) without a verdict of its own.
 */
const void *data_need(struct check_run *run, enum data_file f);
/* Frees the audit's data objects (audit_free calls it). */
void data_free_all(struct audit *);

/* trust.c: the CA stores that verify servers, shared by the process. */
enum trust_kind {
	TRUST_CURL,	/* libcurl's bundle and directory; --cacert as PEM */
	TRUST_OPENSSL	/* OpenSSL's default paths; --cacert as a file */
};
/*
 * The system's CA certificates plus those of cacert (NULL: none), built
 * once per process for each kind and --cacert (again when the file
 * changes: device, inode, size or times) and shared read-only. Returns a
 * store the caller owns one reference of (X509_STORE_free); never NULL.
 * When cacert cannot be used the store holds the system's certificates
 * and *err (the caller's to free) says why; else *err is NULL. Thread
 * safe.
 */
struct x509_store_st *trust_store(enum trust_kind, const char *cacert,
	    char **err);
/* Frees the cached stores (those still held by callers stay valid). */
void trust_clear(void);

/*
 * Helpers for parsers. data_strings: the setting name (an array or a list
 * of strings) appended to out; -1 with *err when it is missing (unless
 * optional) or not a list of strings. data_group_string: the string member
 * key of group g into *v; 0 when absent (*v NULL) unless required, -1 with
 * *err when required and absent or not a string.
 */
int data_strings(struct config_t *, const char *path, const char *name,
	    bool optional, struct strlist *out, char **err);
int data_group_string(struct config_setting_t *g, const char *path,
	    const char *key, bool required, const char **v, char **err);

/* ---- audit.c: running checks on the loop ------------------------------ */

/* Per-engine shared state slots (resolver, HTTP multi handle, caches). */
enum engine_slot {
	ENGINE_DNS,
	ENGINE_WEB,
	ENGINE_TLS,
	ENGINE_SECRETS,
	ENGINE_MAIL,
	ENGINE_COUNT
};

struct resolver;

struct audit {
	const struct options	*opt;
	struct loop		*loop;
	struct resolver		*resolver;	/* created by audit_new */
	void			*engine[ENGINE_COUNT];
	void			(*engine_free[ENGINE_COUNT])(void *);
	void			*data[DATA_COUNT];	/* data.c's objects */
	char			*data_error[DATA_COUNT];
	bool			 data_tried[DATA_COUNT];
	struct check_run	**runs;
	size_t			 nruns;
	size_t			 running;
};

/*
 * A context for running checks with opt (which must outlive it) on loop.
 * Returns NULL with *err set when the resolver cannot be set up (a bad
 * --resolver address, say).
 */
struct audit *audit_new(const struct options *opt, struct loop *loop,
	    char **err);
/* Cancels what is running and frees everything, engines' state included. */
void audit_free(struct audit *);
/*
 * Starts check id. done is called from the loop when it finishes (or
 * times out: after twice the options' timeout plus 5 s a check is
 * cancelled and reported as error). The run is owned by the audit.
 */
struct check_run *audit_start(struct audit *, const char *id,
	    void (*done)(struct check_run *, void *), void *arg);
/*
 * Starts the check def (not looked up in the registry: for tests and for
 * callers holding a definition). Same contract as audit_start.
 */
struct check_run *audit_start_def(struct audit *, const struct check_def *,
	    void (*done)(struct check_run *, void *), void *arg);
/* Cancels every running check; their results become error "cancelled". */
void audit_cancel(struct audit *);
/* The latest finished run of id in this audit, or NULL. */
struct check_run *audit_find(struct audit *, const char *id);

/*
 * Selection for `audit --only`: true when id is selected by list (check
 * ids, families such as "dns", or stage numbers looked up in cl).
 */
bool audit_selected(const struct strlist *only, const char *id,
	    const struct checklist *cl);

/*
 * sarif.c: appends a SARIF 2.1.0 log of the secret findings among runs
 * (`audit --format sarif`). Returns -1 with *err set when it cannot.
 */
int sarif_write(struct buf *, struct check_run **runs, size_t nruns,
	    const struct options *, char **err);

/* ---- report.c: an audit's results in every format ---------------------- */

struct comparison;

/* What `audit` found, as the writers see it. */
struct audit_results {
	const struct options	 *opt;
	const struct checklist	 *cl;
	struct check_run	**runs;		/* in catalogue order */
	size_t			  nruns;
	time_t			  started;
	time_t			  finished;
	bool			  utf8;		/* text: UTF-8 glyphs */
	const struct comparison	 *comparison;	/* --baseline (json.h), or
						   NULL */
};

/*
 * Appends the results in FORMAT_TEXT, FORMAT_JSON, FORMAT_MD or
 * FORMAT_SARIF, through the same backends as the handover report (every
 * piece of untrusted text sanitised for its format). -1 with *err set for
 * another format.
 */
int report_audit(const struct audit_results *, enum format, struct buf *,
	    char **err);

/* ---- resolver.c: c-ares on the loop ------------------------------------ */

/*
 * Outcome of a lookup, kept distinct so a check can say which happened.
 */
#define RESOLVE_TABLE(X)						\
	X(OK,       "ok",       N_("answered"))				\
	X(NXDOMAIN, "nxdomain", N_("the name does not exist (NXDOMAIN)")) \
	X(NODATA,   "nodata",   N_("the name exists but has no such record (NODATA)")) \
	X(SERVFAIL, "servfail", N_("the server failed (SERVFAIL)"))	\
	X(REFUSED,  "refused",  N_("the server refused the query (REFUSED)")) \
	X(TIMEOUT,  "timeout",  N_("no answer before the timeout"))	\
	X(BADRESP,  "badresp",  N_("the answer could not be parsed"))	\
	X(OTHER,    "other",    N_("the lookup failed"))			\
	X(LOOP,     "loop",     N_("the CNAME chain loops or is longer than 10 hops"))

enum resolve_status {
#define X(id, name, text) RESOLVE_##id,
	RESOLVE_TABLE(X)
#undef X
};
const char *resolve_status_text(enum resolve_status);

/*
 * Creates the resolver for opt->resolvers (system servers when empty) with
 * opt->timeout. NULL with *err set on a bad server address.
 */
struct resolver *resolver_new(struct loop *, const struct options *,
	    char **err);
void resolver_free(struct resolver *);
/*
 * Sends a query (class IN) for name and type (ns_t_a, ns_t_txt...). cb gets
 * the status and, for RESOLVE_OK/NODATA/NXDOMAIN, the raw answer packet,
 * valid only during the call. Truncated UDP answers are retried over TCP.
 */
typedef void (*resolver_cb)(void *arg, enum resolve_status,
	    const unsigned char *abuf, int alen);
void resolver_query(struct resolver *, const char *name, int type,
	    resolver_cb, void *arg);
/*
 * Like resolver_query, with the AD bit set in the query so that a
 * validating resolver says whether it validated the answer (RFC 6840 5.7;
 * the answer's AD bit, see dnsmsg). The status comes from the answer's
 * RCODE; abuf is NULL for statuses without an answer. A name that cannot
 * be encoded gets RESOLVE_OTHER before this returns.
 */
void resolver_query_ad(struct resolver *, const char *name, int type,
	    resolver_cb, void *arg);
/*
 * Resolves name to IPv4 and IPv6 addresses (following CNAMEs). cb gets a
 * list of numeric address strings, valid during the call. A CNAME chain
 * that loops or is longer than 10 hops gives RESOLVE_LOOP.
 */
typedef void (*resolver_addr_cb)(void *arg, enum resolve_status,
	    const struct strlist *addrs);
void resolver_addresses(struct resolver *, const char *name,
	    resolver_addr_cb, void *arg);

/* ---- calls between engines -------------------------------------------- */

/*
 * Both return a handle (struct call, see job.c) valid until cb has run;
 * call_cancel() on it stops the call and cb never runs. cb is always
 * called from the loop, never from inside the call. A job holds the
 * handle with job_hold() and releases it in cb with job_release().
 *
 * check-tls.c: the issuer of the certificate host serves on 443 (mapped),
 * for dns.caa. cb gets the issuer's organisation (or CN) or, on failure,
 * NULL and a reason.
 */
typedef void (*tls_issuer_cb)(void *arg, const char *issuer,
	    const char *error);
struct call *tls_peek_issuer(struct audit *, const char *host,
	    tls_issuer_cb, void *arg);

/*
 * http.c: fetches url (GET, no redirects followed, body capped) for other
 * engines (email.mta-sts's policy). cb gets the HTTP status, body and its
 * length, or status 0 and a reason.
 */
typedef void (*web_fetch_cb)(void *arg, long status, const char *body,
	    size_t len, const char *error);
struct call *web_fetch(struct audit *, const char *url, web_fetch_cb,
	    void *arg);

#endif
