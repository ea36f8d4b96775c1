/* spf.c: SPF records (RFC 7208): parser and an asynchronous check_host(). */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"

#define SPF_MAX_LOOKUPS	10
#define SPF_MAX_VOID	2
#define SPF_MAX_NAMES	10	/* MX and PTR names looked at */

static const char *const spf_result_names[] = {
#define X(id, name) name,
	SPF_RESULT_TABLE(X)
#undef X
};

const char *
spf_result_name(enum spf_result r)
{
	return spf_result_names[r];
}

bool
spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 &&
	    (len == 6 || txt[6] == ' ');
}

int
spf_parse_ip(const char *s, unsigned char addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, addr) == 1)
		return 16;
	return 0;
}

static bool
spf_is_delim(int c)
{
	return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

/*
 * Checks a macro-string (RFC 7208 section 7.1) of len bytes; exp allows
 * the c, r and t letters.
 */
static int
spf_check_macros(const char *s, size_t len, bool exp, char **err)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c != '%') {
			if ((c < 0x21 && !(exp && c == ' ')) || c > 0x7e)
				return set_error(err, _("character 0x%02x in a "
				    "macro string"), c);
			continue;
		}
		if (i + 1 >= len)
			return set_error(err, "%s", _("'%' at the end"));
		c = s[++i];
		if (c == '%' || c == '_' || c == '-')
			continue;
		if (c != '{')
			return set_error(err, _("'%%%c' is not a macro"), c);
		if (++i >= len)
			return set_error(err, "%s", _("unterminated macro"));
		c = tolower((unsigned char)s[i]);
		if (strchr("slodiphv", c) == NULL &&
		    !(exp && strchr("crt", c) != NULL))
			return set_error(err, _("unknown macro letter '%c'"),
			    s[i]);
		i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i < len && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < len && spf_is_delim(s[i]))
			i++;
		if (i >= len || s[i] != '}')
			return set_error(err, "%s", _("malformed macro"));
	}
	return 0;
}

/* Checks a domain-spec: a macro-string ending in a macro or a toplabel. */
static int
spf_check_domain_spec(const char *s, size_t len, char **err)
{
	size_t		 end, start;
	bool		 alpha = false;

	if (len == 0)
		return set_error(err, "%s", _("empty domain"));
	if (spf_check_macros(s, len, false, err) != 0)
		return -1;
	if (s[len - 1] == '}')
		return 0;
	end = len;
	if (s[end - 1] == '.')
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '.')
		start--;
	if (start == end || start == 0)
		return set_error(err, _("\"%.*s\" is not a domain"), (int)len,
		    s);
	for (size_t i = start; i < end; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = true;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return set_error(err, _("\"%.*s\" is not a domain"),
			    (int)len, s);
	}
	if (!alpha || s[start] == '-' || s[end - 1] == '-')
		return set_error(err, _("\"%.*s\" does not end in a valid top "
		    "label"), (int)len, s);
	return 0;
}

/* Parses "/N" (no leading zero) up to max before end; the end or NULL. */
static const char *
spf_cidr(const char *s, const char *end, int max, int *out)
{
	int	v = 0, n = 0;

	if (s >= end || *s != '/')
		return NULL;
	s++;
	if (s + 1 < end && *s == '0' && isdigit((unsigned char)s[1]))
		return NULL;
	while (s < end && isdigit((unsigned char)*s) && n < 4) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || v > max)
		return NULL;
	*out = v;
	return s;
}

/*
 * Where the dual-cidr-length at the end of an a/mx argument starts ("/24",
 * "//64", "/24//64"), or len when there is none.
 */
static size_t
spf_cidr_start(const char *s, size_t len)
{
	size_t	end = len, p;

	p = end;
	while (p > 0 && isdigit((unsigned char)s[p - 1]))
		p--;
	if (p < end && p >= 2 && s[p - 1] == '/' && s[p - 2] == '/')
		end = p - 2;
	p = end;
	while (p > 0 && isdigit((unsigned char)s[p - 1]))
		p--;
	if (p < end && p >= 1 && s[p - 1] == '/' && (p < 2 || s[p - 2] != '/'))
		end = p - 1;
	return end;
}

/* Parses one term into t. */
static int
spf_parse_term(struct spf_term *t, const char *s, size_t len, char **err)
{
	size_t		 nl, i;
	const char	*arg = NULL;
	size_t		 alen = 0;
	char		 name[16];
	bool		 colon = false;

	memset(t, 0, sizeof *t);
	t->cidr4 = t->cidr6 = -1;
	t->qualifier = '+';
	t->text = xstrndup(s, len);
	/* A modifier: name "=" macro-string. */
	for (nl = 0; nl < len && (isalnum((unsigned char)s[nl]) ||
	    s[nl] == '-' || s[nl] == '_' || s[nl] == '.'); nl++)
		;
	if (nl > 0 && nl < len && s[nl] == '=' &&
	    isalpha((unsigned char)s[0])) {
		const char	*v = s + nl + 1;
		size_t		 vl = len - nl - 1;

		if (nl == 8 && strncasecmp(s, "redirect", 8) == 0) {
			t->kind = SPF_REDIRECT;
			if (spf_check_domain_spec(v, vl, err) != 0)
				return -1;
			t->domain = xstrndup(v, vl);
		} else if (nl == 3 && strncasecmp(s, "exp", 3) == 0) {
			t->kind = SPF_EXP;
			if (spf_check_domain_spec(v, vl, err) != 0)
				return -1;
			t->domain = xstrndup(v, vl);
		} else {
			t->kind = SPF_UNKNOWN_MOD;
			if (spf_check_macros(v, vl, false, err) != 0)
				return -1;
		}
		return 0;
	}
	if (len > 0 && strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		s++;
		len--;
	}
	for (nl = 0; nl < len && isalnum((unsigned char)s[nl]) &&
	    nl < sizeof name - 1; nl++)
		name[nl] = tolower((unsigned char)s[nl]);
	name[nl] = '\0';
	if (nl < len) {
		if (s[nl] == ':') {
			colon = true;
			arg = s + nl + 1;
			alen = len - nl - 1;
		} else if (s[nl] == '/') {
			arg = s + nl;
			alen = len - nl;
		} else
			return set_error(err, _("unknown term \"%s\""),
			    t->text);
	}
	if (strcmp(name, "all") == 0) {
		t->kind = SPF_ALL;
		if (arg != NULL)
			return set_error(err, _("\"%s\": all takes no "
			    "argument"), t->text);
	} else if (strcmp(name, "include") == 0 ||
	    strcmp(name, "exists") == 0) {
		t->kind = name[0] == 'i' ? SPF_INCLUDE : SPF_EXISTS;
		if (!colon || spf_check_domain_spec(arg, alen, err) != 0)
			return colon ? -1 : set_error(err, _("\"%s\" needs a "
			    "domain"), t->text);
		t->domain = xstrndup(arg, alen);
	} else if (strcmp(name, "a") == 0 || strcmp(name, "mx") == 0 ||
	    strcmp(name, "ptr") == 0) {
		t->kind = name[0] == 'a' ? SPF_A : name[0] == 'm' ? SPF_MX :
		    SPF_PTR;
		if (arg != NULL) {
			size_t		 c = colon ? spf_cidr_start(arg,
			    alen) : 0;
			const char	*p = arg + c, *end = arg + alen;

			if (colon) {
				if (spf_check_domain_spec(arg, c, err) != 0)
					return -1;
				t->domain = xstrndup(arg, c);
			}
			if (p < end && t->kind == SPF_PTR)
				return set_error(err, _("\"%s\": ptr takes no "
				    "prefix length"), t->text);
			if (p < end && !(p + 1 < end && p[1] == '/')) {
				p = spf_cidr(p, end, 32, &t->cidr4);
				if (p == NULL)
					goto badcidr;
			}
			if (p < end) {
				if (p + 1 >= end || p[0] != '/' ||
				    p[1] != '/' ||
				    (p = spf_cidr(p + 1, end, 128,
				    &t->cidr6)) ==
				    NULL)
					goto badcidr;
			}
			if (p != end)
				goto badcidr;
		}
	} else if (strcmp(name, "ip4") == 0 || strcmp(name, "ip6") == 0) {
		char		*ip;
		size_t		 c;
		const char	*p;
		bool		 v4 = name[2] == '4';

		t->kind = v4 ? SPF_IP4 : SPF_IP6;
		if (!colon || alen == 0)
			return set_error(err, _("\"%s\" needs an address"),
			    t->text);
		for (c = 0; c < alen && arg[c] != '/'; c++)
			;
		ip = xstrndup(arg, c);
		i = inet_pton(v4 ? AF_INET : AF_INET6, ip, t->addr);
		free(ip);
		if (i != 1)
			return set_error(err, _("\"%s\": not an IPv%c address"),
			    t->text, v4 ? '4' : '6');
		if (c < alen) {
			p = spf_cidr(arg + c, arg + alen, v4 ? 32 : 128,
			    v4 ? &t->cidr4 : &t->cidr6);
			if (p == NULL || p != arg + alen)
				goto badcidr;
		}
	} else
		return set_error(err, _("unknown mechanism \"%s\""), t->text);
	return 0;

badcidr:
	return set_error(err, _("\"%s\": bad prefix length"), t->text);
}

int
spf_parse(struct spf_record *rec, const char *txt, size_t len, char **err)
{
	size_t	i, start;

	memset(rec, 0, sizeof *rec);
	if (!spf_is_record(txt, len))
		return set_error(err, "%s", _("not an SPF record"));
	for (i = 0; i < len; i++) {
		if ((unsigned char)txt[i] < 0x20 ||
		    (unsigned char)txt[i] > 0x7e)
			return set_error(err,
			    _("the record holds a byte 0x%02x "
			    "that is not 7-bit ASCII"), (unsigned char)txt[i]);
	}
	i = 6;
	while (i < len) {
		struct spf_term	*t;

		while (i < len && txt[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && txt[i] != ' ')
			i++;
		rec->terms = xreallocarray(rec->terms, rec->nterms + 1,
		    sizeof *rec->terms);
		t = &rec->terms[rec->nterms++];
		if (spf_parse_term(t, txt + start, i - start, err) != 0) {
			spf_record_free(rec);
			return -1;
		}
	}
	for (i = 0; i < rec->nterms; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (t->kind == SPF_REDIRECT) {
			if (rec->redirect != NULL) {
				spf_record_free(rec);
				return set_error(err, "%s",
				    _("redirect= appears twice"));
			}
			rec->redirect = t;
		} else if (t->kind == SPF_EXP) {
			if (rec->exp != NULL) {
				spf_record_free(rec);
				return set_error(err, "%s",
				    _("exp= appears twice"));
			}
			rec->exp = t;
		}
	}
	return 0;
}

void
spf_record_free(struct spf_record *rec)
{
	size_t	i;

	for (i = 0; i < rec->nterms; i++) {
		free(rec->terms[i].domain);
		free(rec->terms[i].text);
	}
	free(rec->terms);
	memset(rec, 0, sizeof *rec);
}

bool
spf_term_counts(const struct spf_term *t)
{
	return t->kind == SPF_INCLUDE || t->kind == SPF_A ||
	    t->kind == SPF_MX ||
	    t->kind == SPF_PTR || t->kind == SPF_EXISTS ||
	    t->kind == SPF_REDIRECT;
}

/* ---- check_host() ------------------------------------------------------ */

enum spf_why { SPF_WHY_TOP, SPF_WHY_INCLUDE, SPF_WHY_REDIRECT };

/* One record being evaluated (the top domain, an include, a redirect). */
struct spf_frame {
	char			*domain;
	struct spf_record	 rec;
	bool			 have;
	size_t			 next;		/* next term */
	enum spf_why		 why;
	struct spf_frame	*parent;
};

enum spf_phase {
	SPF_P_START,		/* fetch the frame's record */
	SPF_P_RECORD,		/* the record's TXT arrived */
	SPF_P_TERM,		/* evaluate the next term */
	SPF_P_ADDR,		/* a/exists addresses arrived */
	SPF_P_MX,		/* MX names arrived */
	SPF_P_NAMES_ADDR,	/* addresses of MX/PTR names arrived */
	SPF_P_PTR,		/* PTR names arrived */
	SPF_P_PTR_ADDR,		/* addresses of the PTR names arrived */
	SPF_P_PMACRO,		/* PTR names for %{p} arrived */
	SPF_P_PMACRO_ADDR,
	SPF_P_EXP,		/* the exp= TXT arrived */
	SPF_P_DONE
};

/* Answer to one query, kept until the phase reads it. */
struct spf_reply {
	enum resolve_status	 status;
	struct strlist		 values;
	char			*name;
	bool			 got;
};

struct spf_eval {
	const struct spf_dns	*dns;
	unsigned char		 ip[16];
	int			 iplen;		/* 4 or 16 */
	char			*ipstr;
	char			*sender;
	char			*local;
	char			*sdomain;
	char			*helo;
	int			 lookups;
	int			 voids;
	struct spf_frame	*frame;
	enum spf_phase		 phase;
	const struct spf_term	*term;		/* term being evaluated */
	char			*target;	/* its expanded domain */
	struct spf_reply	*replies;
	size_t			 nreplies;
	size_t			 waiting;
	bool			 running;
	enum spf_phase		 resume;	/* after %{p} is known */
	char			*pvalue;	/* %{p}, once known */
	/* exp= of the frame that gave fail, and that frame's domain. */
	char			*exp_spec;
	char			*exp_domain;
	char			*explanation;
	enum spf_result		 result;
	struct strlist		 trace;
	spf_eval_cb		 cb;
	void			*arg;
	bool			*donep;		/* set when cb ran */
};

/* A query's context: which eval and which reply slot. */
struct spf_query {
	struct spf_eval	*ev;
	size_t		 slot;
};

static void spf_run(struct spf_eval *);

/* The DNS layer answered one of our queries. */
static void
spf_query_done(void *arg, enum resolve_status status,
    const struct strlist *values)
{
	struct spf_query	*q = arg;
	struct spf_eval		*ev = q->ev;
	struct spf_reply	*r = &ev->replies[q->slot];

	free(q);
	r->status = status;
	if (values != NULL)
		strlist_copy(&r->values, values);
	r->got = true;
	ev->waiting--;
	if (ev->waiting == 0 && !ev->running)
		spf_run(ev);
}

static void
spf_clear_replies(struct spf_eval *ev)
{
	size_t	i;

	for (i = 0; i < ev->nreplies; i++) {
		strlist_clear(&ev->replies[i].values);
		free(ev->replies[i].name);
	}
	free(ev->replies);
	ev->replies = NULL;
	ev->nreplies = 0;
}

/* Sends one query into a new reply slot. */
static void
spf_query(struct spf_eval *ev, const char *name, int type)
{
	struct spf_query	*q = xmalloc(sizeof *q);

	ev->replies = xreallocarray(ev->replies, ev->nreplies + 1,
	    sizeof *ev->replies);
	memset(&ev->replies[ev->nreplies], 0, sizeof *ev->replies);
	ev->replies[ev->nreplies].name = xstrdup(name);
	q->ev = ev;
	q->slot = ev->nreplies++;
	ev->waiting++;
	ev->dns->query(ev->dns->ctx, name, type, spf_query_done, q);
}

/* True for a DNS error that makes check_host() a temperror. */
static bool
spf_dns_error(enum resolve_status s)
{
	return s != RESOLVE_OK && s != RESOLVE_NXDOMAIN && s != RESOLVE_NODATA;
}

/* Appends c URL-escaped when upper is set. */
static void
spf_macro_put(struct buf *b, const char *s, bool upper)
{
	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if (upper && !isalnum(c) && strchr("-._~", c) == NULL)
			buf_printf(b, "%%%02X", c);
		else
			buf_add(b, s, 1);
	}
}

/* The "i" macro: dotted quad, or dot-separated nibbles for IPv6. */
static char *
spf_macro_ip(struct spf_eval *ev)
{
	struct buf	b = { 0 };
	int		i;

	if (ev->iplen == 4)
		return xprintf("%u.%u.%u.%u", ev->ip[0], ev->ip[1], ev->ip[2],
		    ev->ip[3]);
	for (i = 0; i < 16; i++)
		buf_printf(&b, "%s%x.%x", i == 0 ? "" : ".", ev->ip[i] >> 4,
		    ev->ip[i] & 0xf);
	return b.data;
}

/*
 * Expands a macro-string for domain (the current frame's). NULL with
 * *err on a syntax error.
 */
static char *
spf_expand(struct spf_eval *ev, const char *s, const char *domain, bool exp,
    char **err)
{
	struct buf	b = { 0 };
	size_t		len = strlen(s), i;

	if (spf_check_macros(s, len, exp, err) != 0)
		return NULL;
	buf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		char		 letter, *value, *parts[128];
		size_t		 nparts = 0, keep = 0, k;
		bool		 rev = false, upper;
		char		 delims[8] = "";
		size_t		 nd = 0;

		if (s[i] != '%') {
			buf_add(&b, s + i, 1);
			continue;
		}
		i++;
		if (s[i] == '%') {
			buf_add(&b, "%", 1);
			continue;
		}
		if (s[i] == '_') {
			buf_add(&b, " ", 1);
			continue;
		}
		if (s[i] == '-') {
			buf_add(&b, "%20", 3);
			continue;
		}
		i++;			/* '{' */
		letter = s[i++];
		upper = isupper((unsigned char)letter);
		letter = tolower((unsigned char)letter);
		while (isdigit((unsigned char)s[i])) {
			if (keep < 1000)
				keep = keep * 10 + (s[i] - '0');
			i++;
			if (keep == 0 && !isdigit((unsigned char)s[i])) {
				buf_free(&b);
				set_error(err, "%s", _("macro keeps 0 parts"));
				return NULL;
			}
		}
		if (s[i] == 'r' || s[i] == 'R') {
			rev = true;
			i++;
		}
		while (spf_is_delim(s[i]) && nd < sizeof delims - 1)
			delims[nd++] = s[i++];
		while (spf_is_delim(s[i]))
			i++;
		/* s[i] is '}' (checked above). */
		switch (letter) {
		case 's':
			value = xstrdup(ev->sender);
			break;
		case 'l':
			value = xstrdup(ev->local);
			break;
		case 'o':
			value = xstrdup(ev->sdomain);
			break;
		case 'd':
			value = xstrdup(domain);
			break;
		case 'i':
			value = spf_macro_ip(ev);
			break;
		case 'p':
			value = xstrdup(ev->pvalue != NULL ? ev->pvalue :
			    "unknown");
			break;
		case 'v':
			value = xstrdup(ev->iplen == 4 ? "in-addr" : "ip6");
			break;
		case 'h':
			value = xstrdup(ev->helo);
			break;
		case 'c':
			value = xstrdup(ev->ipstr);
			break;
		case 'r':
			value = xstrdup("unknown");
			break;
		default:	/* 't' */
			value = xprintf("%lld", (long long)time(NULL));
			break;
		}
		if (nd == 0)
			delims[nd++] = '.';
		{
			char *p = value, *q;

			while (nparts < nitems(parts)) {
				parts[nparts++] = p;
				q = strpbrk(p, delims);
				if (q == NULL)
					break;
				*q = '\0';
				p = q + 1;
			}
		}
		if (rev) {
			for (k = 0; k < nparts / 2; k++) {
				char *t = parts[k];

				parts[k] = parts[nparts - 1 - k];
				parts[nparts - 1 - k] = t;
			}
		}
		k = keep > 0 && keep < nparts ? nparts - keep : 0;
		for (; k < nparts; k++) {
			spf_macro_put(&b, parts[k], upper);
			if (k + 1 < nparts)
				buf_add(&b, ".", 1);
		}
		free(value);
	}
	return b.data;
}

/* Expands a domain-spec: trailing dot dropped, at most 253 characters. */
static char *
spf_expand_domain(struct spf_eval *ev, const char *spec, const char *domain,
    char **err)
{
	char	*out = spf_expand(ev, spec, domain, false, err), *p;
	size_t	 len;

	if (out == NULL)
		return NULL;
	len = strlen(out);
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
	p = out;
	while (strlen(p) > 253 && (p = strchr(p, '.')) != NULL)
		p++;
	if (p == NULL)
		p = out + len;
	memmove(out, p, strlen(p) + 1);
	return out;
}

/* True when domain is a usable FQDN (labels 1..63, at least two). */
static bool
spf_valid_domain(const char *d)
{
	size_t	l = 0, labels = 1;

	if (*d == '\0' || strlen(d) > 253)
		return false;
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (l == 0 && d[1] != '\0')
				return false;
			if (d[1] != '\0')
				labels++;
			l = 0;
		} else if (++l > 63)
			return false;
	}
	return labels >= 2;
}

/* True when addr (text) is in ip/cidr of the client's family. */
static bool
spf_match_ip(struct spf_eval *ev, const unsigned char *net, int cidr)
{
	int	bits = cidr < 0 ? ev->iplen * 8 : cidr, i;

	for (i = 0; i < bits / 8; i++)
		if (ev->ip[i] != net[i])
			return false;
	if (bits % 8 != 0) {
		unsigned char mask = 0xff << (8 - bits % 8);

		if ((ev->ip[i] & mask) != (net[i] & mask))
			return false;
	}
	return true;
}

/* True when one of the text addresses matches the client. */
static bool
spf_match_addrs(struct spf_eval *ev, const struct strlist *addrs,
    const struct spf_term *t)
{
	unsigned char	a[16];
	size_t		i;

	for (i = 0; i < addrs->n; i++) {
		if (spf_parse_ip(addrs->v[i], a) != ev->iplen)
			continue;
		if (spf_match_ip(ev, a, ev->iplen == 4 ? t->cidr4 : t->cidr6))
			return true;
	}
	return false;
}

static void spf_frame_return(struct spf_eval *, enum spf_result);

/* The current term matched: the frame's result is its qualifier's. */
static void
spf_matched(struct spf_eval *ev, const struct spf_term *t)
{
	enum spf_result	r;

	switch (t->qualifier) {
	case '-':
		r = SPF_FAIL;
		break;
	case '~':
		r = SPF_SOFTFAIL;
		break;
	case '?':
		r = SPF_NEUTRAL;
		break;
	default:
		r = SPF_PASS;
		break;
	}
	strlist_addf(&ev->trace, "%s: %s matched", ev->frame->domain, t->text);
	spf_frame_return(ev, r);
}

/* Ends everything with r. */
static void
spf_done(struct spf_eval *ev, enum spf_result r)
{
	ev->result = r;
	ev->phase = SPF_P_DONE;
}

/* Starts the fetch of the explanation, or finishes. */
static void
spf_finish(struct spf_eval *ev, enum spf_result r)
{
	char	*err = NULL, *name;

	ev->frame = NULL;
	if (r == SPF_FAIL && ev->exp_spec != NULL) {
		name = spf_expand_domain(ev, ev->exp_spec, ev->exp_domain,
		    &err);
		free(err);
		if (name != NULL && *name != '\0') {
			ev->result = r;
			ev->phase = SPF_P_EXP;
			spf_clear_replies(ev);
			spf_query(ev, name, DNS_T_TXT);
			free(name);
			return;
		}
		free(name);
	}
	spf_done(ev, r);
}

/*
 * The current frame's result is r: pop it and apply r to the parent's
 * include/redirect, or finish.
 */
static void
spf_frame_return(struct spf_eval *ev, enum spf_result r)
{
	struct spf_frame	*f = ev->frame, *parent = f->parent;
	enum spf_why		 why = f->why;

	/* A fail decided here explains itself with this record's exp=. */
	if (r == SPF_FAIL && why != SPF_WHY_INCLUDE && f->have &&
	    ev->exp_spec == NULL) {
		bool eligible = true;

		for (struct spf_frame *p = f; p != NULL; p = p->parent)
			if (p->why == SPF_WHY_INCLUDE)
				eligible = false;
		if (eligible && f->rec.exp != NULL) {
			ev->exp_spec = xstrdup(f->rec.exp->domain);
			ev->exp_domain = xstrdup(f->domain);
		}
	}
	free(f->domain);
	if (f->have)
		spf_record_free(&f->rec);
	free(f);
	ev->frame = parent;
	if (parent == NULL) {
		spf_finish(ev, r);
		return;
	}
	if (why == SPF_WHY_REDIRECT) {
		/* The redirect's result is the parent's. */
		spf_frame_return(ev, r == SPF_NONE ? SPF_PERMERROR : r);
		return;
	}
	/* An include. */
	switch (r) {
	case SPF_PASS:
		spf_matched(ev, &parent->rec.terms[parent->next - 1]);
		return;
	case SPF_FAIL:
	case SPF_SOFTFAIL:
	case SPF_NEUTRAL:
		ev->phase = SPF_P_TERM;
		return;
	case SPF_NONE:
		strlist_addf(&ev->trace, _("%s: included domain has no SPF "
		    "record"), parent->domain);
		spf_frame_return(ev, SPF_PERMERROR);
		return;
	default:
		spf_frame_return(ev, r);
		return;
	}
}

/* Pushes a frame for domain. */
static void
spf_push(struct spf_eval *ev, const char *domain, enum spf_why why)
{
	struct spf_frame	*f = xcalloc(1, sizeof *f);

	f->domain = xstrdup(domain);
	f->why = why;
	f->parent = ev->frame;
	ev->frame = f;
	ev->phase = SPF_P_START;
}

/* Counts one DNS-querying term; false (and permerror) past the limit. */
static bool
spf_count(struct spf_eval *ev)
{
	if (++ev->lookups > SPF_MAX_LOOKUPS) {
		strlist_addf(&ev->trace, _("more than %d DNS-querying terms"),
		    SPF_MAX_LOOKUPS);
		spf_frame_return(ev, SPF_PERMERROR);
		return false;
	}
	return true;
}

/* Counts a void lookup; false (and permerror) past the limit. */
static bool
spf_void(struct spf_eval *ev, enum resolve_status s, size_t n)
{
	if ((s == RESOLVE_NXDOMAIN || s == RESOLVE_NODATA ||
	    (s == RESOLVE_OK && n == 0)) && ++ev->voids > SPF_MAX_VOID) {
		strlist_addf(&ev->trace, _("more than %d void lookups"),
		    SPF_MAX_VOID);
		spf_frame_return(ev, SPF_PERMERROR);
		return false;
	}
	return true;
}

/* Does the term need %{p}, not yet known? */
static bool
spf_needs_p(struct spf_eval *ev, const char *s)
{
	return ev->pvalue == NULL && s != NULL &&
	    (strstr(s, "%{p") != NULL || strstr(s, "%{P") != NULL);
}

/* Starts the PTR lookup of the client address. */
static void
spf_query_ptr(struct spf_eval *ev)
{
	char		*name;
	struct buf	 b = { 0 };
	int		 i;

	if (ev->iplen == 4)
		name = xprintf("%u.%u.%u.%u.in-addr.arpa", ev->ip[3],
		    ev->ip[2], ev->ip[1], ev->ip[0]);
	else {
		for (i = 15; i >= 0; i--)
			buf_printf(&b, "%x.%x.", ev->ip[i] & 0xf,
			    ev->ip[i] >> 4);
		buf_puts(&b, "ip6.arpa");
		name = b.data;
	}
	spf_clear_replies(ev);
	spf_query(ev, name, DNS_T_PTR);
	free(name);
}

/* PTR names arrived: query the addresses of the first ten. */
static bool
spf_ptr_names(struct spf_eval *ev)
{
	struct strlist	names = { 0 };
	size_t		i;

	if (ev->replies[0].status == RESOLVE_OK)
		strlist_copy(&names, &ev->replies[0].values);
	spf_clear_replies(ev);
	for (i = 0; i < names.n && i < SPF_MAX_NAMES; i++)
		spf_query(ev, names.v[i], ev->iplen == 4 ? DNS_T_A :
		    DNS_T_AAAA);
	strlist_clear(&names);
	return i > 0;
}

/* The validated PTR names (those whose addresses include the client). */
static void
spf_validated(struct spf_eval *ev, struct strlist *out)
{
	struct spf_term	t = { .cidr4 = -1, .cidr6 = -1 };
	size_t		i;

	for (i = 0; i < ev->nreplies; i++) {
		if (ev->replies[i].status == RESOLVE_OK &&
		    spf_match_addrs(ev, &ev->replies[i].values, &t))
			strlist_add(out, ev->replies[i].name);
	}
}

/* True when name is target or under it. */
static bool
spf_under(const char *name, const char *target)
{
	size_t	nl = strlen(name), tl = strlen(target);

	if (tl > 0 && target[tl - 1] == '.')
		tl--;
	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (nl == tl)
		return strncasecmp(name, target, nl) == 0;
	return nl > tl && name[nl - tl - 1] == '.' &&
	    strncasecmp(name + nl - tl, target, tl) == 0;
}

/* Evaluates the current frame's next term, or its end. */
static void
spf_term(struct spf_eval *ev)
{
	struct spf_frame	*f = ev->frame;
	const struct spf_term	*t;
	char			*err = NULL;

	for (;;) {
		if (f->next >= f->rec.nterms) {
			if (f->rec.redirect != NULL) {
				char *d;

				ev->term = f->rec.redirect;
				if (spf_needs_p(ev, ev->term->domain)) {
					ev->resume = SPF_P_TERM;
					f->next = f->rec.nterms;
					spf_query_ptr(ev);
					ev->phase = SPF_P_PMACRO;
					return;
				}
				if (!spf_count(ev))
					return;
				d = spf_expand_domain(ev, ev->term->domain,
				    f->domain, &err);
				if (d == NULL) {
					free(err);
					spf_frame_return(ev, SPF_PERMERROR);
					return;
				}
				/* The redirect replaces this record. */
				f->rec.redirect = NULL;
				spf_push(ev, d, SPF_WHY_REDIRECT);
				free(d);
				return;
			}
			spf_frame_return(ev, SPF_NEUTRAL);
			return;
		}
		t = &f->rec.terms[f->next];
		if (t->kind == SPF_REDIRECT || t->kind == SPF_EXP ||
		    t->kind == SPF_UNKNOWN_MOD) {
			f->next++;
			continue;
		}
		if (t->kind == SPF_ALL) {
			f->next++;
			spf_matched(ev, t);
			return;
		}
		if (t->kind == SPF_IP4 || t->kind == SPF_IP6) {
			f->next++;
			if ((t->kind == SPF_IP4) == (ev->iplen == 4) &&
			    spf_match_ip(ev, t->addr, t->kind == SPF_IP4 ?
			    t->cidr4 : t->cidr6)) {
				spf_matched(ev, t);
				return;
			}
			continue;
		}
		break;
	}
	if (spf_needs_p(ev, t->domain)) {
		ev->resume = SPF_P_TERM;
		spf_query_ptr(ev);
		ev->phase = SPF_P_PMACRO;
		return;
	}
	f->next++;
	ev->term = t;
	if (!spf_count(ev))
		return;
	free(ev->target);
	ev->target = spf_expand_domain(ev, t->domain != NULL ? t->domain :
	    "%{d}", f->domain, &err);
	if (ev->target == NULL) {
		free(err);
		spf_frame_return(ev, SPF_PERMERROR);
		return;
	}
	spf_clear_replies(ev);
	switch (t->kind) {
	case SPF_INCLUDE:
		spf_push(ev, ev->target, SPF_WHY_INCLUDE);
		return;
	case SPF_A:
		spf_query(ev, ev->target, ev->iplen == 4 ? DNS_T_A :
		    DNS_T_AAAA);
		ev->phase = SPF_P_ADDR;
		return;
	case SPF_EXISTS:
		spf_query(ev, ev->target, DNS_T_A);
		ev->phase = SPF_P_ADDR;
		return;
	case SPF_MX:
		spf_query(ev, ev->target, DNS_T_MX);
		ev->phase = SPF_P_MX;
		return;
	default:	/* SPF_PTR */
		spf_query_ptr(ev);
		ev->phase = SPF_P_PTR;
		return;
	}
}

/* The frame's TXT arrived: pick the SPF record and parse it. */
static void
spf_record(struct spf_eval *ev)
{
	struct spf_frame	*f = ev->frame;
	struct spf_reply	*r = &ev->replies[0];
	const char		*txt = NULL;
	size_t			 i, n = 0;
	char			*err = NULL;

	if (spf_dns_error(r->status)) {
		strlist_addf(&ev->trace, _("%s: TXT lookup failed: %s"),
		    f->domain, resolve_status_text(r->status));
		spf_frame_return(ev, SPF_TEMPERROR);
		return;
	}
	if (f->why != SPF_WHY_TOP && !spf_void(ev, r->status, r->values.n))
		return;
	for (i = 0; i < r->values.n; i++) {
		if (spf_is_record(r->values.v[i], strlen(r->values.v[i]))) {
			txt = r->values.v[i];
			n++;
		}
	}
	if (n == 0) {
		strlist_addf(&ev->trace, _("%s: no SPF record"), f->domain);
		spf_frame_return(ev, SPF_NONE);
		return;
	}
	if (n > 1) {
		strlist_addf(&ev->trace, _("%s: %zu SPF records"), f->domain,
		    n);
		spf_frame_return(ev, SPF_PERMERROR);
		return;
	}
	if (spf_parse(&f->rec, txt, strlen(txt), &err) != 0) {
		strlist_addf(&ev->trace, "%s: %s", f->domain, err);
		free(err);
		spf_frame_return(ev, SPF_PERMERROR);
		return;
	}
	f->have = true;
	ev->phase = SPF_P_TERM;
}

/* One step of the machine, after every awaited answer arrived. */
static void
spf_step(struct spf_eval *ev)
{
	struct spf_reply	*r = ev->nreplies > 0 ? &ev->replies[0] : NULL;
	struct strlist		 names = { 0 };
	size_t			 i;

	switch (ev->phase) {
	case SPF_P_START:
		if (ev->frame->why != SPF_WHY_TOP &&
		    !spf_valid_domain(ev->frame->domain)) {
			spf_frame_return(ev, ev->frame->why ==
			    SPF_WHY_REDIRECT ? SPF_PERMERROR : SPF_NONE);
			return;
		}
		spf_clear_replies(ev);
		spf_query(ev, ev->frame->domain, DNS_T_TXT);
		ev->phase = SPF_P_RECORD;
		return;
	case SPF_P_RECORD:
		spf_record(ev);
		return;
	case SPF_P_TERM:
		spf_term(ev);
		return;
	case SPF_P_ADDR:
		ev->phase = SPF_P_TERM;
		if (spf_dns_error(r->status)) {
			spf_frame_return(ev, SPF_TEMPERROR);
			return;
		}
		if (!spf_void(ev, r->status, r->values.n))
			return;
		if (ev->term->kind == SPF_EXISTS ? r->values.n > 0 :
		    spf_match_addrs(ev, &r->values, ev->term))
			spf_matched(ev, ev->term);
		return;
	case SPF_P_MX:
		if (spf_dns_error(r->status)) {
			spf_frame_return(ev, SPF_TEMPERROR);
			return;
		}
		if (!spf_void(ev, r->status, r->values.n))
			return;
		if (r->values.n > SPF_MAX_NAMES) {
			strlist_addf(&ev->trace, _("%s: more than %d MX "
			    "names"), ev->target, SPF_MAX_NAMES);
			spf_frame_return(ev, SPF_PERMERROR);
			return;
		}
		strlist_copy(&names, &r->values);
		spf_clear_replies(ev);
		ev->phase = SPF_P_NAMES_ADDR;
		for (i = 0; i < names.n; i++) {
			if (strcmp(names.v[i], ".") != 0)
				spf_query(ev, names.v[i], ev->iplen == 4 ?
				    DNS_T_A : DNS_T_AAAA);
		}
		if (ev->nreplies == 0)
			ev->phase = SPF_P_TERM;
		strlist_clear(&names);
		return;
	case SPF_P_NAMES_ADDR:
		ev->phase = SPF_P_TERM;
		for (i = 0; i < ev->nreplies; i++) {
			if (spf_dns_error(ev->replies[i].status)) {
				spf_frame_return(ev, SPF_TEMPERROR);
				return;
			}
		}
		for (i = 0; i < ev->nreplies; i++) {
			if (spf_match_addrs(ev, &ev->replies[i].values,
			    ev->term)) {
				spf_matched(ev, ev->term);
				return;
			}
		}
		return;
	case SPF_P_PTR:
		ev->phase = SPF_P_TERM;
		if (!spf_dns_error(r->status) &&
		    !spf_void(ev, r->status, r->values.n))
			return;
		if (spf_ptr_names(ev))
			ev->phase = SPF_P_PTR_ADDR;
		return;
	case SPF_P_PMACRO:
		ev->phase = SPF_P_PMACRO_ADDR;
		if (!spf_ptr_names(ev)) {
			ev->pvalue = xstrdup("unknown");
			ev->phase = ev->resume;
		}
		return;
	case SPF_P_PMACRO_ADDR: {
		const char	*d = ev->exp_domain != NULL &&
		    ev->frame == NULL ? ev->exp_domain : ev->frame->domain;

		spf_validated(ev, &names);
		ev->pvalue = xstrdup(names.n > 0 ? names.v[0] : "unknown");
		for (i = 0; i < names.n; i++) {
			if (spf_under(names.v[i], d)) {
				free(ev->pvalue);
				ev->pvalue = xstrdup(names.v[i]);
				break;
			}
		}
		strlist_clear(&names);
		spf_clear_replies(ev);
		ev->phase = ev->resume;
		return;
	}
	case SPF_P_EXP: {
		char *err = NULL, *text;

		if (r != NULL && spf_needs_p(ev, r->values.n == 1 ?
		    r->values.v[0] : NULL)) {
			ev->resume = SPF_P_EXP;
			/* Keep the TXT: query the PTR in a fresh set. */
			strlist_copy(&names, &r->values);
			spf_query_ptr(ev);
			ev->phase = SPF_P_PMACRO;
			/* Put the TXT back once %{p} is known. */
			free(ev->explanation);
			ev->explanation = xstrdup(names.v[0]);
			strlist_clear(&names);
			return;
		}
		if (ev->explanation != NULL && ev->pvalue != NULL &&
		    r == NULL) {
			text = spf_expand(ev, ev->explanation, ev->exp_domain,
			    true, &err);
			free(ev->explanation);
			ev->explanation = text;
			free(err);
			spf_done(ev, ev->result);
			return;
		}
		if (r != NULL && r->status == RESOLVE_OK && r->values.n == 1) {
			text = spf_expand(ev, r->values.v[0], ev->exp_domain,
			    true, &err);
			free(ev->explanation);
			ev->explanation = text;
			free(err);
		}
		spf_done(ev, ev->result);
		return;
	}
	case SPF_P_DONE:
		return;
	case SPF_P_PTR_ADDR: {
		spf_validated(ev, &names);
		ev->phase = SPF_P_TERM;
		for (i = 0; i < names.n; i++) {
			if (spf_under(names.v[i], ev->target)) {
				strlist_clear(&names);
				spf_matched(ev, ev->term);
				return;
			}
		}
		strlist_clear(&names);
		return;
	}
	}
}

/* Runs steps until the machine waits for DNS or is done. */
static void
spf_run(struct spf_eval *ev)
{
	ev->running = true;
	while (ev->waiting == 0 && ev->phase != SPF_P_DONE)
		spf_step(ev);
	ev->running = false;
	if (ev->phase == SPF_P_DONE && ev->waiting == 0) {
		spf_eval_cb	 cb = ev->cb;
		void		*arg = ev->arg;
		enum spf_result	 r = ev->result;
		char		*expl = ev->explanation;
		struct strlist	 trace = ev->trace;

		ev->explanation = NULL;
		memset(&ev->trace, 0, sizeof ev->trace);
		if (ev->donep != NULL)
			*ev->donep = true;
		spf_eval_cancel(ev);
		cb(arg, r, r == SPF_FAIL ? expl : NULL, &trace);
		free(expl);
		strlist_clear(&trace);
	}
}

struct spf_eval *
spf_eval_start(const struct spf_dns *dns, const char *ip, const char *domain,
    const char *sender, const char *helo, spf_eval_cb cb, void *arg)
{
	struct spf_eval	*ev = xcalloc(1, sizeof *ev);
	const char	*at;
	char		 text[INET6_ADDRSTRLEN];
	bool		 done = false;

	ev->dns = dns;
	ev->cb = cb;
	ev->arg = arg;
	ev->helo = xstrdup(helo != NULL ? helo : domain);
	ev->iplen = spf_parse_ip(ip, ev->ip);
	/* An IPv4-mapped IPv6 address is the IPv4 client. */
	if (ev->iplen == 16 && memcmp(ev->ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff",
	    12) == 0) {
		memmove(ev->ip, ev->ip + 12, 4);
		ev->iplen = 4;
	}
	inet_ntop(ev->iplen == 4 ? AF_INET : AF_INET6, ev->ip, text,
	    sizeof text);
	ev->ipstr = xstrdup(text);
	if (sender == NULL || *sender == '\0')
		ev->sender = xprintf("postmaster@%s", ev->helo);
	else if (strchr(sender, '@') == NULL)
		ev->sender = xprintf("postmaster@%s", sender);
	else if (sender[0] == '@')
		ev->sender = xprintf("postmaster%s", sender);
	else
		ev->sender = xstrdup(sender);
	at = strrchr(ev->sender, '@');
	ev->local = xstrndup(ev->sender, at - ev->sender);
	ev->sdomain = xstrdup(at + 1);
	spf_push(ev, domain, SPF_WHY_TOP);
	{
		size_t l = strlen(ev->frame->domain);

		if (l > 1 && ev->frame->domain[l - 1] == '.')
			ev->frame->domain[l - 1] = '\0';
	}
	if (ev->iplen == 0) {
		strlist_addf(&ev->trace, _("%s is not an IP address"), ip);
		ev->frame->why = SPF_WHY_TOP;
		spf_frame_return(ev, SPF_PERMERROR);
	} else if (!spf_valid_domain(ev->frame->domain)) {
		strlist_addf(&ev->trace, _("%s is not a valid domain"),
		    ev->frame->domain);
		spf_frame_return(ev, SPF_NONE);
	}
	ev->donep = &done;
	spf_run(ev);
	if (done)
		return NULL;
	ev->donep = NULL;
	return ev;
}

void
spf_eval_cancel(struct spf_eval *ev)
{
	struct spf_frame	*f, *p;

	if (ev == NULL)
		return;
	for (f = ev->frame; f != NULL; f = p) {
		p = f->parent;
		free(f->domain);
		if (f->have)
			spf_record_free(&f->rec);
		free(f);
	}
	spf_clear_replies(ev);
	free(ev->ipstr);
	free(ev->sender);
	free(ev->local);
	free(ev->sdomain);
	free(ev->helo);
	free(ev->target);
	free(ev->pvalue);
	free(ev->exp_spec);
	free(ev->exp_domain);
	free(ev->explanation);
	strlist_clear(&ev->trace);
	free(ev);
}
