/*
 * tls.h: the TLS engine's parts. tlscert.c reads certificates (fields, days
 * left, who renews them); tlsprobe.c runs the handshakes on the loop and
 * keeps one probe per host per audit, shared by the four tls.* checks and by
 * tls_peek_issuer(); check-tls.c turns probes into verdicts.
 */
#ifndef TLS_H
#define TLS_H

#include <openssl/ssl.h>
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
	struct tlsscan		*scan;		/* tlsscan.c's, freed with
						   the host; NULL until asked */
	bool			 scan_shared;	/* scan is another host's */

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

/*
 * One more handshake with a finished host (state TLSPROBE_OK), pinned to
 * version index v (0: TLS 1.0 ... 3: TLS 1.3), on the same loop, slots
 * and --timeout bound as the probe's own. prepare (may be NULL) can set
 * up the SSL before it connects (cipher lists, status request). cb is
 * called once from the loop, never from inside this call, with the
 * outcome, a reason when not accepted, and for an accepted handshake the
 * SSL (valid during the call only). The handle is valid until cb has run
 * or tlsprobe_shake_cancel(); cb must not cancel its own handshake.
 */
typedef void (*tlsprobe_shake_cb)(void *arg, enum tlsprobe_outcome,
	    const char *reason, SSL *ssl);
struct tlsprobe_conn *tlsprobe_shake(struct tlsprobe_host *, int v,
	    void (*prepare)(SSL *, void *), tlsprobe_shake_cb, void *arg);
/* Stops a handshake of tlsprobe_shake(); its cb never runs. NULL is ok. */
void tlsprobe_shake_cancel(struct tlsprobe_conn *);
/* The audit a probe host belongs to. */
struct audit *tlsprobe_audit(struct tlsprobe_host *);
/* The client context of version index v (level 0, pinned; not owned). */
SSL_CTX *tlsprobe_ctx(struct tlsprobe_host *, int v);
/* 1 when the trust store (system plus --cacert) holds the issuer of
   cert, 0 when not, -1 when it could not be looked up. */
int tlsprobe_issuer_known(struct tlsprobe_host *, X509 *cert);

/* ---- tlsscan.c: the suites each version accepts, stapling, the chain -- */

/* Who picks the suite. */
enum tlsscan_order {
	TLSSCAN_ORDER_NONE,	/* fewer than two suites: no order to see */
	TLSSCAN_ORDER_SERVER,	/* the server's preference wins */
	TLSSCAN_ORDER_CLIENT,	/* the client's order wins */
	TLSSCAN_ORDER_UNKNOWN	/* the test handshake did not complete */
};

/* Where the enumeration of one version ended. */
enum tlsscan_state {
	TLSSCAN_OFF,		/* the probe did not see the version accepted */
	TLSSCAN_RUNNING,
	TLSSCAN_DONE,		/* every offered suite tried */
	TLSSCAN_UNDECIDED	/* a handshake timed out or failed to connect */
};

/* One accepted suite. */
struct tlsscan_suite {
	const char	*name;		/* OpenSSL's name (static) */
	const char	*iana;		/* the RFC name (static) */
	int		 bits;		/* symmetric strength: 0, 112, 128, 256 */
	bool		 fs;		/* ephemeral key exchange */
	bool		 aead;		/* GCM, CCM, ChaCha20-Poly1305 */
	bool		 cbc;
	bool		 anon;		/* no authentication */
	bool		 null;		/* no encryption */
	bool		 rc4;
	bool		 des3;		/* 64-bit block: 3DES, DES, IDEA */
	bool		 export;
	char		*kx;		/* "ECDHE X25519", "DHE 1024 bits",
					   "RSA" */
	int		 kx_bits;	/* RSA-equivalent strength of the
					   ephemeral key, 0 when there is none */
};

struct tlsscan_version {
	enum tlsscan_state	 state;
	char			*reason;	/* for TLSSCAN_UNDECIDED */
	struct tlsscan_suite	*suites;	/* in the order found */
	size_t			 nsuites;
	size_t			 offered;	/* suites this client offers */
	enum tlsscan_order	 order;

	/* Private to tlsscan.c. */
	struct tlsscan		*scan;
	int			 v;
	struct strlist		 offer;		/* still to offer */
	bool			 order_test;
	struct tlsprobe_conn	*conn;
};

/* What the scan of one host found. */
struct tlsscan {
	struct tlsprobe_host	*host;
	struct tlsscan_version	 versions[TLSPROBE_NVERSIONS];
	bool			 done;
	size_t			 handshakes;	/* made by the scan */
	uint64_t		 ms;		/* how long it took */
	int			 ocsp;		/* 1 stapled, 0 not, -1 unknown */
	char			*ocsp_status;	/* the stapled response's */
	struct strlist		 chain;		/* one line per certificate */
	int			 chain_order;	/* 1 each signs the one before,
						   0 not, -1 unknown */
	int			 chain_complete; /* 1 ends at a trusted issuer
						   or a root, 0 not, -1 unknown */
	bool			 chain_root;	/* a self-signed root was sent */
	bool			 md5_sig;	/* a sent certificate is signed
						   with MD5 */

	/* Private to tlsscan.c. */
	int			 extras_v;	/* version whose first handshake
						   keeps the chain and OCSP */
	bool			 extras_done;
	struct tlsscan_wait	*waiters;
	struct timer		*flush;
	struct timer		*deadline;
	uint64_t		 started;
	size_t			 pending;	/* versions running */
};

typedef void (*tlsscan_cb)(void *arg, struct tlsscan *);

/*
 * Asks for the scan of host (state TLSPROBE_OK), starting it on first
 * use: for each version the probe saw accepted, the full list of suites
 * this OpenSSL can offer, then again without the suite the server chose,
 * until it refuses (one handshake per accepted suite plus one), then one
 * handshake with the accepted suites reversed to see whose order wins.
 * The first handshake of the newest version asks for OCSP stapling and
 * keeps the chain. Bounded by twice --timeout. Hosts probed at the same
 * address and port that serve the same certificate share one scan (the
 * first host's, whose name is the SNI sent). cb gets the scan (whose
 * host may be that other one). cb is called once from the
 * loop when the scan is done; when the host is freed first, drop (if not
 * NULL) gets arg instead.
 */
void tlsscan_want(struct tlsprobe_host *, tlsscan_cb, void (*drop)(void *),
	    void *arg);
/* Drops every waiter registered with arg on any host of the audit. */
void tlsscan_forget(struct audit *, void *arg);
/* Frees a scan (tlsprobe.c, with its host); NULL is ignored. */
void tlsscan_free(struct tlsscan *);
/* The classes of weak suites this OpenSSL cannot offer at all (so a
   server that accepts only those is not seen): "RC4", "3DES", "export".
   Appended to out. */
void tlsscan_untestable(struct strlist *out);
/* Calls fn for every host of the audit with a scan (tlsscan_forget). */
void tlsprobe_each_host(struct audit *, void (*fn)(struct tlsprobe_host *,
	    void *), void *arg);

/* ---- tlsgrade.c: the SSL Labs rating of one scanned host -------------- */

#define TLSGRADE_MAX_CAPS	16

struct tlsgrade {
	int		 protocol;	/* the three scores, 0..100 */
	int		 kx;
	int		 cipher;
	int		 score;		/* 0.3, 0.3, 0.4 of them */
	char		 letter[3];	/* from the score: "A".."F" */
	char		 grade[3];	/* after the caps; "T", "M" for trust */
	char		 untrusted[3];	/* for T and M: the grade otherwise */
	char		*caps[TLSGRADE_MAX_CAPS];	/* "B: TLS 1.0 accepted" */
	size_t		 ncaps;
};

/* Rates h from its probe and scan (both done). */
void tlsgrade_rate(struct tlsgrade *, const struct tlsprobe_host *h,
	    const struct tlsscan *);
void tlsgrade_clear(struct tlsgrade *);
/* RSA-equivalent strength of a key of bits (NIST SP 800-57): elliptic
   curve keys (ec) map 256 to 3072 and so on; RSA, DSA and DH are as is. */
int tlsgrade_equiv_bits(bool ec, int bits);
/* The rank of a grade for "worse than": A 0 ... F 5, M 6, T 7. */
int tlsgrade_rank(const char *grade);

/* ---- check-tlsdepth.c: tls.ciphers and tls.grade ---------------------- */

extern const struct check_def check_tls_ciphers_def;
extern const struct check_def check_tls_grade_def;

#endif
