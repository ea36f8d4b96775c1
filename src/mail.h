/*
 * mail.h: the mail-server engine. smtp.c talks to each MX host on port 25
 * (mapped) on the loop: greeting, EHLO, STARTTLS, the TLS handshake and
 * the certificate chain, one probe per host per audit shared by
 * email.starttls and email.dane. dane.c matches TLSA records against a
 * chain. check-mail.c turns probes into verdicts.
 */
#ifndef MAIL_H
#define MAIL_H

#include <openssl/x509.h>

#include "tls.h"

/* ---- smtp.c: one SMTP conversation up to TLS, on the loop ------------- */

/* Bytes of one reply line kept; a longer line ends the conversation. */
#define SMTP_MAX_LINE		1000
/* Lines of one (multi-line) reply; more end the conversation. */
#define SMTP_MAX_LINES		100

/* Where a conversation ended. */
#define SMTP_STATE_TABLE(X)						\
	X(RUNNING,      "running")					\
	X(NO_NAME,      "no-name")	/* the host does not resolve */	\
	X(UNREACHABLE,  "unreachable")	/* no connection (closed port) */ \
	X(SILENT,       "silent")	/* connected, no reply in time */ \
	X(FLOOD,        "flood")	/* the server sent past a bound */ \
	X(NOT_SMTP,     "not-smtp")	/* what came back is not SMTP */ \
	X(REJECTED,     "rejected")	/* greeting or EHLO refused */	\
	X(NO_STARTTLS,  "no-starttls")	/* EHLO does not offer it */	\
	X(STARTTLS_REFUSED, "starttls-refused") /* offered, then refused */ \
	X(HANDSHAKE,    "handshake")	/* the TLS handshake failed */	\
	X(TLS,          "tls")		/* a TLS session was set up */

enum smtp_state {
#define X(id, name) SMTP_##id,
	SMTP_STATE_TABLE(X)
#undef X
};

/* One MX host's conversation, owned by the audit's mail state. */
struct smtp_probe {
	char		*host;		/* the MX host name */
	int		 port;		/* the port connected to */
	char		*address;	/* the address used, or NULL */
	enum smtp_state	 state;
	char		*reason;	/* why, for every state but TLS */
	char		*banner;	/* greeting's first line, cleaned */
	struct strlist	 ehlo;		/* EHLO keywords ("STARTTLS"...) */
	/* For SMTP_TLS: */
	char		*protocol;	/* "TLSv1.3" */
	char		*cipher;	/* "TLS_AES_256_GCM_SHA384" */
	STACK_OF(X509)	*chain;		/* as sent, leaf first */
	struct tlscert	 cert;		/* the leaf */
	bool		 chain_ok;	/* verifies (host name aside) */
	bool		 name_ok;	/* a SAN matches the MX host */
	char		*verify;	/* "ok" or OpenSSL's reasons */
	unsigned	 ms;		/* how long the conversation took */

	/* Private to smtp.c. */
	struct smtp_engine	*engine;
	struct smtp_conn	*conn;
	struct smtp_wait	*waiters;
	struct smtp_probe	*next;
};

typedef void (*smtp_cb)(void *arg, struct smtp_probe *);

/*
 * Asks for the probe of MX host in audit, starting it unless the audit
 * has one (running or done): email.starttls and email.dane share it. cb
 * is called once from the loop (never before this returns); arg also
 * identifies the waiter for smtp_forget(). When the audit is freed first,
 * cb is never called and drop (if not NULL) gets arg. Returns -1 with *err
 * set when the engine cannot start (the --cacert file does not load).
 *
 * Bounds: connecting and the greeting take at most the audit's timeout,
 * EHLO, STARTTLS and the handshake at most as long again; a reply line
 * over SMTP_MAX_LINE bytes or a reply over SMTP_MAX_LINES lines ends the
 * conversation (SMTP_FLOOD), so a server that talks forever cannot hold it.
 */
int smtp_want(struct audit *, const char *host, smtp_cb,
	    void (*drop)(void *), void *arg, char **err);
/* Drops every waiter registered with arg (a cancelled check). */
void smtp_forget(struct audit *, void *arg);
/* "no-starttls" and so on. */
const char *smtp_state_name(enum smtp_state);
/*
 * Copies up to max bytes of server text for evidence: control characters
 * and bytes over 0x7e become '?', " (N bytes in all)" is added when cut.
 * Newly allocated.
 */
char *smtp_clean(const char *s, size_t len, size_t max);

/* ---- dane.c: TLSA records (RFC 6698, RFC 7672) ------------------------ */

/* One TLSA record. */
struct dane_tlsa {
	unsigned	 usage;		/* 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA,
					   3 DANE-EE */
	unsigned	 selector;	/* 0 full certificate, 1 SPKI */
	unsigned	 mtype;		/* 0 exact, 1 SHA-256, 2 SHA-512 */
	unsigned char	*data;
	size_t		 len;
};

/*
 * Reads a TLSA record in presentation form ("3 1 1 0a1b...", as dnsmsg
 * gives it). -1 with *err set when it is not one.
 */
int dane_tlsa_parse(struct dane_tlsa *, const char *text, char **err);
void dane_tlsa_clear(struct dane_tlsa *);
/* "3 1 1 0a1b..." (the data cut after 32 hex digits). Newly allocated. */
char *dane_tlsa_text(const struct dane_tlsa *);
/* "DANE-EE", "DANE-TA", "PKIX-EE", "PKIX-TA" or "usage N". */
const char *dane_usage_name(unsigned);

/* How one record fares against a chain. */
enum dane_match {
	DANE_MATCH,		/* the record matches */
	DANE_NO_MATCH,		/* it could match, and does not */
	DANE_UNUSABLE		/* unknown usage, selector or type (RFC 7672
				   2.2: ignored) */
};

/*
 * Matches one record against chain (leaf first, as sent): usages 1 and 3
 * against the leaf, 0 and 2 against the certificates after it. For the
 * PKIX usages the chain must also verify (chain_ok). *what is set to a
 * short phrase for the evidence ("matches the leaf's public key").
 */
enum dane_match dane_match(const struct dane_tlsa *, STACK_OF(X509) *chain,
	    bool chain_ok, const char **what);

#endif
