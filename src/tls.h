/*
 * tls.h: the TLS engine's parts. tlscert.c reads certificates (fields, days
 * left, who renews them); tlsprobe.c runs the handshakes on the loop and
 * keeps one probe per host per audit, shared by the four tls.* checks and by
 * tls_peek_issuer(); check-tls.c turns probes into verdicts.
 */
#ifndef TLS_H
#define TLS_H

#include <openssl/x509.h>

#include "engine.h"

/* ---- tlscert.c: certificate fields and renewal classification -------- */

#define TLSCERT_MAX_SANS	100	/* kept; more are counted */

/* What a person needs to know about one certificate. Strings are UTF-8,
   with control characters escaped; all owned by the struct. */
struct tlscert {
	char		*subject;	/* RFC 2253 one-liner */
	char		*issuer;	/* RFC 2253 one-liner */
	char		*issuer_org;	/* issuer's O, else its CN, else "" */
	struct strlist	 sans;		/* "DNS:a.test", "IP:127.0.0.1" */
	size_t		 sans_dropped;	/* SANs over TLSCERT_MAX_SANS */
	time_t		 not_before;	/* -1 when unreadable */
	time_t		 not_after;	/* -1 when unreadable */
	char		*key_type;	/* "RSA", "EC (prime256v1)", "ED25519" */
	int		 key_bits;	/* 0 when unknown */
	char		*sig_alg;	/* "sha256WithRSAEncryption" */
	bool		 self_issued;	/* subject == issuer */
};

void tlscert_init(struct tlscert *);
void tlscert_clear(struct tlscert *);
/* Fills c from x (c must be initialised or cleared). */
void tlscert_from_x509(struct tlscert *c, X509 *x);
/*
 * Reads the first certificate of a PEM buffer into c. Returns -1 with *err
 * set when there is none or it does not parse.
 */
int tlscert_from_pem(struct tlscert *c, const char *pem, size_t len,
	    char **err);
/*
 * Whole days from now until t: 0..n while valid (rounded down), negative
 * once past (-1 for anything up to one day ago).
 */
long tlscert_days_left(time_t t, time_t now);

/* How a certificate gets renewed. */
enum tlscert_renewal {
	TLSCERT_RENEWAL_ACME,		/* an ACME CA: automatic */
	TLSCERT_RENEWAL_CDN,		/* issued and renewed by a CDN */
	TLSCERT_RENEWAL_MANUAL		/* someone must renew it */
};

/* One known issuer (from data/tls.cfg). */
struct tlscert_ca {
	char			*name;		/* shown to the user */
	enum tlscert_renewal	 renewal;	/* ACME or CDN */
	struct strlist		 match;		/* substrings, case-blind */
};

/* The issuer list of data/tls.cfg. */
struct tlscert_cas {
	struct tlscert_ca	*v;
	size_t			 n;
};

/*
 * Loads the CA list:
 *   acme = ( { name = "Let's Encrypt"; match = [ "Let's Encrypt", "ISRG" ]; }, ... );
 *   cdn  = ( { name = "Cloudflare"; match = [ "Cloudflare" ]; }, ... );
 * Returns -1 with *err "FILE:LINE: message" when it does not load.
 */
int tlscert_cas_load(struct tlscert_cas *, const char *path, char **err);
void tlscert_cas_clear(struct tlscert_cas *);
/* The same from a parsed file, newly allocated (data.c's parser of
   tls.cfg); NULL with *err. Free with tlscert_cas_free(). */
struct tlscert_cas *tlscert_cas_parse(struct config_t *, const char *path,
	    char **err);
void tlscert_cas_free(struct tlscert_cas *);
/*
 * Classifies a certificate by its issuer (organisation or the whole issuer
 * name): the matching CA or NULL for a manual one.
 */
const struct tlscert_ca *tlscert_classify(const struct tlscert_cas *,
	    const struct tlscert *);
const char *tlscert_renewal_name(enum tlscert_renewal);

/* ---- tlsprobe.c: handshakes on the loop, cached per audit ------------- */

/* The versions probed, oldest first. */
#define TLSPROBE_NVERSIONS 4

/* What one pinned handshake gave. */
enum tlsprobe_outcome {
	TLSPROBE_ACCEPTED,	/* the handshake completed */
	TLSPROBE_REFUSED,	/* the server said no (alert, reset, close) */
	TLSPROBE_TIMEOUT,	/* no answer in time: undecided */
	TLSPROBE_UNREACHABLE,	/* could not connect: undecided */
	TLSPROBE_LOCAL		/* this OpenSSL cannot offer it: undecided */
};

/* Where a host ended. */
enum tlsprobe_state {
	TLSPROBE_RUNNING,
	TLSPROBE_NO_NAME,	/* did not resolve (NXDOMAIN, NODATA...) */
	TLSPROBE_NO_ANSWER,	/* resolved, but no TLS answer (see reason) */
	TLSPROBE_NO_CERT,	/* TLS answered but no handshake completed */
	TLSPROBE_OK		/* at least one handshake gave a certificate */
};

struct tlsprobe_version {
	const char		*name;		/* "TLS 1.2" */
	enum tlsprobe_outcome	 outcome;
	char			*reason;	/* why refused or undecided */
};

/* One host's probe, owned by the audit's engine state. */
struct tlsprobe_host {
	char			*name;
	int			 port;		/* the port connected to */
	enum tlsprobe_state	 state;
	char			*reason;	/* for the states other than OK */
	char			*address;	/* the address used */
	struct tlsprobe_version	 versions[TLSPROBE_NVERSIONS];
	/* For TLSPROBE_OK: the leaf of the newest version accepted. */
	char			*negotiated;	/* "TLS 1.3, TLS_AES_256_GCM_SHA384" */
	struct tlscert		 cert;
	size_t			 chain_len;	/* certificates sent */
	bool			 chain_ok;	/* verifies (hostname aside) */
	bool			 name_ok;	/* a SAN matches the host */
	char			*verify;	/* "ok" or OpenSSL's reasons */

	/* Private to tlsprobe.c. */
	struct tlsprobe_engine	*engine;
	struct tlsprobe_conn	*conns[TLSPROBE_NVERSIONS];
	size_t			 pending;
	uint64_t		 done_at;	/* now_ms() when it ended */
	struct tlsprobe_lookup	*lookup;
	struct strlist		 addrs;
	struct tlsprobe_wait	*waiters;
	struct tlsprobe_host	*next;
};

typedef void (*tlsprobe_cb)(void *arg, struct tlsprobe_host *);

/* A finished probe is reused for this long; then a new one is made. */
#define TLSPROBE_FRESH_MS	30000

/*
 * Asks for the probe of host in audit, starting it unless the audit has one
 * running or finished less than TLSPROBE_FRESH_MS ago (so the four checks
 * of one run share it, and a re-run after a fix sees the server anew).
 * Probes that are replaced stay valid until the audit is freed. cb is called once from the loop (never before this returns)
 * when the host is done; arg also identifies the waiter for
 * tlsprobe_forget(). When the audit is freed first, cb is never called and
 * drop (if not NULL) gets arg instead. Returns -1 with *err set when the
 * engine cannot start (the --cacert file does not load); neither cb nor
 * drop is called then.
 */
int tlsprobe_want(struct audit *, const char *host, tlsprobe_cb,
	    void (*drop)(void *), void *arg, char **err);
/* Drops every waiter registered with arg (a cancelled check). */
void tlsprobe_forget(struct audit *, void *arg);
const char *tlsprobe_outcome_name(enum tlsprobe_outcome);

#endif
