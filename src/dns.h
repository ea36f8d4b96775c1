/*
 * dns.h: the dns and email engines' parts: raw DNS answer parsing
 * (dnsmsg.c), the per-audit lookup cache that follows CNAME chains
 * (dnscache.c), and the SPF (spf.c), DMARC (dmarc.c) and DKIM (dkim.c)
 * parsers and evaluators.
 *
 * Parsers take untrusted bytes with a length and never read past it; they
 * return -1 with *err set (newly allocated) on anything malformed.
 */
#ifndef DNS_H
#define DNS_H

#include "engine.h"

/* Record types by number (arpa/nameser.h lacks CAA on some systems). */
#define DNS_T_A		1
#define DNS_T_NS	2
#define DNS_T_CNAME	5
#define DNS_T_SOA	6
#define DNS_T_PTR	12
#define DNS_T_MX	15
#define DNS_T_TXT	16
#define DNS_T_AAAA	28
#define DNS_T_DS	43
#define DNS_T_DNSKEY	48
#define DNS_T_TLSA	52
#define DNS_T_CAA	257

/* Largest TXT record data kept (joined strings); longer is an error. */
#define DNS_MAX_TXT	65535
/* CNAME hops followed before a chain counts as a loop. */
#define DNS_MAX_CHAIN	10

/* ---- dnsmsg.c: one answer packet --------------------------------------- */

/* One resource record of the answer section, decoded. */
struct dnsmsg_rr {
	char		*name;		/* owner, lower case, no final dot */
	int		 type;
	unsigned	 ttl;
	/*
	 * A/AAAA: the address; CNAME/NS/PTR/MX: the target (lower case, "."
	 * for the root); TXT: the strings joined (may hold NUL bytes: see
	 * len); CAA: the value; SOA: the primary server; DS/DNSKEY: a short
	 * presentation ("key tag 123 algorithm 13"); TLSA: "usage selector
	 * type HEX".
	 */
	char		*text;
	size_t		 len;		/* bytes in text */
	unsigned	 pref;		/* MX preference, CAA flags, DNSKEY
					   flags, DS key tag */
	unsigned	 alg;		/* DS/DNSKEY algorithm */
	char		*tag;		/* CAA tag (lower case) */
	uint32_t	 serial;	/* SOA serial */
	size_t		 nstrings;	/* TXT character-strings */
};

struct dnsmsg {
	int		 rcode;
	bool		 tc;		/* truncated */
	bool		 aa;
	bool		 ad;		/* authentic data: validated */
	struct dnsmsg_rr *an;		/* answer section */
	size_t		 nan;
};

/* Parses a whole DNS message; 0, or -1 with *err set. */
int dnsmsg_parse(struct dnsmsg *, const unsigned char *, size_t, char **err);
void dnsmsg_free(struct dnsmsg *);
/* "A", "TXT", ... or "TYPE123" (static buffer for the latter). */
const char *dnsmsg_type_name(int type);
/* Copies one record (deep). */
void dnsmsg_rr_copy(struct dnsmsg_rr *, const struct dnsmsg_rr *);
void dnsmsg_rr_clear(struct dnsmsg_rr *);

/* ---- dnscache.c: lookups for one audit -------------------------------- */

/*
 * The answer to name/type after following CNAMEs: status is the final
 * name's (OK when records of the type were found), chain holds one line
 * per hop ("a.test CNAME b.test (TTL 300)"), loop is set when the chain
 * came back on itself or passed DNS_MAX_CHAIN hops (status is then
 * RESOLVE_LOOP).
 */
struct dns_answer {
	const char		*name;
	int			 type;
	enum resolve_status	 status;
	char			*final;		/* the chain's last name */
	struct strlist		 chain;
	bool			 loop;
	struct dnsmsg_rr	*rr;		/* records of type at final */
	size_t			 nrr;
};

/*
 * Called from the loop (never from inside dnscache_lookup) with an answer
 * valid only during the call.
 */
typedef void (*dnscache_cb)(void *arg, const struct dns_answer *);

/*
 * Looks name/type up through the audit's resolver, sharing answers (and
 * queries in flight) between checks. owner tags the request so that
 * dnscache_forget(owner) drops its pending callbacks (on cancel). arg is
 * NULL or the caller's allocation: when a wait is dropped without calling
 * cb (dnscache_forget, or the audit freed), arg is freed with free().
 */
void dnscache_lookup(struct audit *, void *owner, const char *name, int type,
	    dnscache_cb, void *arg);
void dnscache_forget(struct audit *, void *owner);
/*
 * For measurements: when $LAUNCHREADY_DNS_TRACE names a file, each query
 * sent is appended to it as "MS NAME TYPE [@SERVER]" (milliseconds since
 * the audit's first lookup). Never holds anything secret.
 */
void dnscache_trace(struct audit *, const char *server, const char *name,
	    int type);

/* ---- spf.c: RFC 7208 --------------------------------------------------- */

#define SPF_RESULT_TABLE(X)			\
	X(NONE,      "none")			\
	X(NEUTRAL,   "neutral")			\
	X(PASS,      "pass")			\
	X(FAIL,      "fail")			\
	X(SOFTFAIL,  "softfail")		\
	X(TEMPERROR, "temperror")		\
	X(PERMERROR, "permerror")

enum spf_result {
#define X(id, name) SPF_##id,
	SPF_RESULT_TABLE(X)
#undef X
};
const char *spf_result_name(enum spf_result);

enum spf_kind {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6,
	SPF_EXISTS, SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN_MOD
};

/* One term of a record. */
struct spf_term {
	enum spf_kind	 kind;
	char		 qualifier;	/* '+', '-', '~', '?' */
	char		*domain;	/* domain-spec, or NULL */
	unsigned char	 addr[16];	/* ip4/ip6 network */
	int		 cidr4;		/* -1 when absent */
	int		 cidr6;
	char		*text;		/* the term as written */
};

struct spf_record {
	struct spf_term	*terms;
	size_t		 nterms;
	const struct spf_term *redirect;	/* or NULL */
	const struct spf_term *exp;		/* or NULL */
};

/* True when a TXT string is an SPF record ("v=spf1" then space or end). */
bool spf_is_record(const char *txt, size_t len);
/*
 * Parses a record (RFC 7208 section 4.6 and 12). Returns 0 or -1 with
 * *err naming the bad term (a permerror).
 */
int spf_parse(struct spf_record *, const char *txt, size_t len, char **err);
void spf_record_free(struct spf_record *);
/* True when the term makes a DNS query that counts toward the limit. */
bool spf_term_counts(const struct spf_term *);

/*
 * The DNS the evaluator sees. query() looks name/type up and calls
 * done(arg, status, values) later or at once, where values are the TXT
 * strings joined, the A/AAAA addresses, the MX or PTR targets.
 */
typedef void (*spf_dns_done)(void *arg, enum resolve_status,
	    const struct strlist *values);
struct spf_dns {
	/* Starts one lookup. */
	void	(*query)(void *ctx, const char *name, int type,
		    spf_dns_done done, void *arg);
	void	*ctx;
};

struct spf_eval;
/* Gets the verdict; explanation (fail only) and trace may be NULL. */
typedef void (*spf_eval_cb)(void *arg, enum spf_result,
	    const char *explanation, const struct strlist *trace);
/*
 * check_host(ip, domain, sender) with helo for %{h}. Calls cb exactly
 * once (possibly before returning, and then NULL is returned). The
 * returned handle is valid until cb runs; spf_eval_cancel() stops it
 * without calling cb (the DNS layer must then not call back either).
 */
struct spf_eval *spf_eval_start(const struct spf_dns *, const char *ip,
	    const char *domain, const char *sender, const char *helo,
	    spf_eval_cb, void *arg);
void spf_eval_cancel(struct spf_eval *);
/* Parses an IPv4 or IPv6 address: 4 or 16 into addr, 0 if not one. */
int spf_parse_ip(const char *, unsigned char addr[16]);

/* ---- dmarc.c: RFC 7489 (+ np of RFC 9091) ------------------------------ */

struct dmarc_record {
	char		*p;		/* none, quarantine, reject */
	char		*sp;		/* or NULL */
	char		*np;		/* or NULL */
	int		 pct;		/* 100 when absent */
	char		 adkim;		/* 'r' or 's' */
	char		 aspf;
	char		*fo;
	char		*rf;
	unsigned	 ri;
	struct strlist	 rua;		/* URIs as written */
	struct strlist	 ruf;
	struct strlist	 warnings;	/* tolerated oddities */
};

/* True when txt starts "v=DMARC1" (then ';', space or end). */
bool dmarc_is_record(const char *txt, size_t len);
/* Parses a DMARC record; -1 with *err on an invalid one. */
int dmarc_parse(struct dmarc_record *, const char *txt, size_t len,
	    char **err);
void dmarc_record_free(struct dmarc_record *);
/* Strength of a policy: none 0, quarantine 1, reject 2, unknown -1. */
int dmarc_policy_rank(const char *);
/* The domain of a "mailto:user@host!10m" URI (newly allocated) or NULL. */
char *dmarc_uri_domain(const char *uri);
/*
 * The organisational domain (RFC 7489 3.2) by the Public Suffix List
 * (libpsl; LAUNCHREADY_PSL_FILE names another list): a pointer into domain,
 * domain itself when it is a public suffix.
 */
const char *dmarc_org_domain(const char *domain);

/* ---- dkim.c: RFC 6376 key records --------------------------------------- */

struct dkim_key {
	char		*k;		/* key type, "rsa" default */
	char		*h;		/* or NULL */
	char		*t;		/* flags, or NULL */
	bool		 testing;	/* t=y */
	bool		 revoked;	/* empty p= */
	int		 bits;		/* key size, 0 when revoked */
	char		*keytype;	/* "RSA", "ED25519"... from OpenSSL */
};

/*
 * Parses a DKIM key record and decodes p= through OpenSSL. -1 with *err
 * when the record is malformed or the key does not decode.
 */
int dkim_parse(struct dkim_key *, const char *txt, size_t len, char **err);
void dkim_key_free(struct dkim_key *);

/* ---- check-dns.c: what the dns and email checks share ----------------- */

/* A copy of one answer kept by a check. */
struct check_dns_look {
	char			*name;
	int			 type;
	enum resolve_status	 status;
	char			*final;
	struct strlist		 chain;
	bool			 loop;
	struct dnsmsg_rr	*rr;
	size_t			 nrr;
};

/*
 * One dns/email check's state (run->state), a job.c job (see engine.h).
 * Lookups started with check_dns_lookup(), SOA queries, an SPF evaluation
 * and calls into other engines are pending work of the job; when none is
 * left, cd->next runs (the check's next stage), which starts more work,
 * sets the next stage, or finishes the run. A call's answer is kept in
 * cd->reply for the stage that judges it.
 */
struct check_dns {
	struct job		 job;		/* first */
	struct check_run	*run;
	struct audit		*audit;
	const struct options	*opt;
	void			(*next)(struct check_dns *);
	/* The email checks' real first stage, after the gate. */
	void			(*gate_next)(struct check_dns *);
	struct check_dns_look		**looks;	/* stable pointers */
	size_t			 nlooks;
	struct strlist		 hosts;		/* apex, www, subdomains */
	struct resolver		**servers;	/* dns.ns: per-server */
	size_t			 nservers;
	struct call		*call;		/* web/TLS call in flight */
	struct {
		long		 status;	/* web_fetch: HTTP status */
		char		*text;		/* the issuer, the body */
		size_t		 len;
		char		*error;
	} reply;				/* the call's answer */
	struct spf_eval		*spf;
	void			*extra;		/* the check's own */
	void			(*extra_free)(void *);
	int			 step;
};

/* Makes run->state for a check whose first stage is first. */
struct check_dns *check_dns_new(struct check_run *,
    void (*first)(struct check_dns *));
/* Starts one lookup; stage cd->next runs once all lookups answered. */
void check_dns_lookup(struct check_dns *, const char *name, int type);
/* Runs cd->next once nothing is pending (a stage that looked nothing up). */
void check_dns_settle(struct check_dns *);
/* The kept answer for name/type, or NULL. */
const struct check_dns_look *check_dns_find(struct check_dns *,
    const char *name, int type);
/* "A 127.0.0.1 (TTL 300)" for a record (static buffer). */
const char *check_dns_rr_text(const struct dnsmsg_rr *);
/* Finishes the run. */
void check_dns_finish(struct check_dns *);
/* The lookup failed in a way that decides nothing (timeout, SERVFAIL...). */
bool check_dns_undecided(enum resolve_status);
/* check_def callbacks for every dns/email check. */
void check_dns_cancel(struct check_run *);
void check_dns_free(struct check_run *);

/* data/dns-providers.cfg. */
struct dns_providers {
	struct strlist	 suffixes;	/* providers: name server suffix */
	struct strlist	 names;		/* ... and the provider's name */
	struct strlist	 platforms;	/* hosting platforms' CNAME targets */
	struct strlist	 issuers;	/* authorities: issuer substring */
	struct strlist	 caa;		/* ... and its CAA domains */
};
/*
 * data.c's parsers (struct config_t is libconfig's): dns-providers.cfg and
 * dkim-selectors.cfg (a list of selectors). NULL with *err "PATH:LINE:
 * message" on a missing list or a wrong type.
 */
struct dns_providers *check_dns_providers_parse(struct config_t *,
	    const char *path, char **err);
void check_dns_providers_free(struct dns_providers *);
struct strlist *check_dns_selectors_parse(struct config_t *,
	    const char *path, char **err);
void check_dns_selectors_free(struct strlist *);
/* A TXT value for evidence: quoted, bounded. */
char *check_dns_txt_quote(const char *, size_t);

/* An email check's definition (check-email.c, check-email-spf.c). */
#define CHECK_EMAIL_DEF(name, id_, fn)				\
	const struct check_def name = {				\
		.id = id_,					\
		.start = fn,					\
		.cancel = check_dns_cancel,				\
		.free = check_dns_free,				\
	}

/*
 * check-email.c: starts an email check: real runs at once when the product
 * sends email, after the MX/SPF lookups when undecided, never when it does
 * not (skipped).
 */
void check_email_gate(struct check_run *, void (*real)(struct check_dns *));
/* The SPF records among the domain's TXT answer, into out. */
void check_email_spf_records(struct check_dns *, struct strlist *out);

/* check-email.c's table (merged into check_dns_defs). */
extern const struct check_def check_email_mx, check_email_spf,
	check_email_spf_eval, check_email_dkim, check_email_dmarc,
	check_email_mta_sts, check_email_tls_rpt;
/* check-ipv6.c's dns.ipv6 (in check_dns_defs). */
extern const struct check_def check_dns_ipv6;

/* ---- small shared helpers (dnsmsg.c) ------------------------------------ */

/* Tag=value list splitting for DMARC/DKIM/MTA-STS/TLS-RPT: calls fn per
   pair (trimmed); returns -1 with *err on a malformed list. */
int dns_tags(const char *txt, size_t len,
	    int (*fn)(void *, const char *tag, const char *value, char **),
	    void *arg, char **err);

#endif
