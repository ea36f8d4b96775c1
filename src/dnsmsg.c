/* dnsmsg.c: decoding DNS answer packets, with bounds checks throughout. */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

/* A read position in a packet. */
struct dnsmsg_cur {
	const unsigned char	*buf;
	size_t			 len;
	size_t			 off;
};

static int
dnsmsg_u16(struct dnsmsg_cur *c, unsigned *v)
{
	if (c->len - c->off < 2 || c->off > c->len)
		return -1;
	*v = (unsigned)c->buf[c->off] << 8 | c->buf[c->off + 1];
	c->off += 2;
	return 0;
}

static int
dnsmsg_u32(struct dnsmsg_cur *c, uint32_t *v)
{
	if (c->off > c->len || c->len - c->off < 4)
		return -1;
	*v = (uint32_t)c->buf[c->off] << 24 |
	    (uint32_t)c->buf[c->off + 1] << 16 |
	    (uint32_t)c->buf[c->off + 2] << 8 | c->buf[c->off + 3];
	c->off += 4;
	return 0;
}

/*
 * Reads a possibly compressed name at *off (advanced past it) into out
 * (lower case, dotted, no final dot, "." for the root). Pointers must go
 * backwards, which bounds the work.
 */
static int
dnsmsg_name(const unsigned char *buf, size_t len, size_t *off, char *out,
    size_t outsize)
{
	size_t	pos = *off, o = 0, limit = *off;
	bool	jumped = false;
	int	hops = 0;

	for (;;) {
		unsigned	l;

		if (pos >= len)
			return -1;
		l = buf[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t	target;

			if (pos + 1 >= len)
				return -1;
			target = (l & 0x3f) << 8 | buf[pos + 1];
			if (target >= limit || ++hops > 64)
				return -1;
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			limit = target;
			pos = target;
			continue;
		}
		if ((l & 0xc0) != 0)
			return -1;
		pos++;
		if (l == 0)
			break;
		if (pos + l > len || o + 2 > outsize)
			return -1;
		if (o > 0)
			out[o++] = '.';
		for (unsigned i = 0; i < l; i++) {
			unsigned char ch = buf[pos + i];

			/* Room for an escape and the final NUL. */
			if (o + 6 > outsize)
				return -1;
			/* Bytes outside printable ASCII and dots: escaped. */
			if (ch <= ' ' || ch >= 0x7f || ch == '.' || ch == '\\')
				o += snprintf(out + o, outsize - o, "\\%03u",
				    ch);
			else
				out[o++] = tolower(ch);
		}
		pos += l;
	}
	if (!jumped)
		*off = pos;
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return 0;
}

const char *
dnsmsg_type_name(int type)
{
	static char	other[16];

	switch (type) {
	case DNS_T_A:		return "A";
	case DNS_T_NS:		return "NS";
	case DNS_T_CNAME:	return "CNAME";
	case DNS_T_SOA:		return "SOA";
	case DNS_T_PTR:		return "PTR";
	case DNS_T_MX:		return "MX";
	case DNS_T_TXT:		return "TXT";
	case DNS_T_AAAA:	return "AAAA";
	case DNS_T_DS:		return "DS";
	case DNS_T_DNSKEY:	return "DNSKEY";
	case DNS_T_CAA:		return "CAA";
	case DNS_T_TLSA:	return "TLSA";
	}
	snprintf(other, sizeof other, "TYPE%d", type);
	return other;
}

/* Decodes the data of one record (rdata at off, rdlen bytes). */
static int
dnsmsg_rdata(struct dnsmsg_rr *rr, const unsigned char *buf, size_t len,
    size_t off, size_t rdlen, char **err)
{
	char		 name[1100];
	size_t		 p, end = off + rdlen;
	struct buf	 b = { 0 };

	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA: {
		char	text[INET6_ADDRSTRLEN];
		size_t	want = rr->type == DNS_T_A ? 4 : 16;

		if (rdlen != want)
			return set_error(err, _("%s record of %zu bytes"),
			    dnsmsg_type_name(rr->type), rdlen);
		inet_ntop(rr->type == DNS_T_A ? AF_INET : AF_INET6, buf + off,
		    text, sizeof text);
		rr->text = xstrdup(text);
		break;
	}
	case DNS_T_CNAME:
	case DNS_T_NS:
	case DNS_T_PTR:
		p = off;
		if (dnsmsg_name(buf, len, &p, name, sizeof name) != 0 ||
		    p != end)
			return set_error(err, _("bad %s target"),
			    dnsmsg_type_name(rr->type));
		rr->text = xstrdup(name);
		break;
	case DNS_T_MX:
		if (rdlen < 3)
			return set_error(err, "%s", _("short MX record"));
		rr->pref = buf[off] << 8 | buf[off + 1];
		p = off + 2;
		if (dnsmsg_name(buf, len, &p, name, sizeof name) != 0 ||
		    p != end)
			return set_error(err, "%s", _("bad MX target"));
		rr->text = xstrdup(name);
		break;
	case DNS_T_SOA: {
		struct dnsmsg_cur c;

		p = off;
		if (dnsmsg_name(buf, len, &p, name, sizeof name) != 0)
			return set_error(err, "%s", _("bad SOA record"));
		rr->text = xstrdup(name);
		{
			char rname[1100];

			if (dnsmsg_name(buf, len, &p, rname, sizeof rname) != 0)
				return set_error(err, "%s",
				    _("bad SOA record"));
		}
		c.buf = buf;
		c.len = end;
		c.off = p;
		if (p + 20 != end || dnsmsg_u32(&c, &rr->serial) != 0)
			return set_error(err, "%s", _("bad SOA record"));
		break;
	}
	case DNS_T_TXT:
		p = off;
		while (p < end) {
			size_t	l = buf[p++];

			if (p + l > end) {
				buf_free(&b);
				return set_error(err, "%s",
				    _("TXT string runs past its record"));
			}
			buf_add(&b, buf + p, l);
			rr->nstrings++;
			p += l;
		}
		rr->len = b.len;
		rr->text = b.data != NULL ? b.data : xstrdup("");
		return 0;
	case DNS_T_CAA: {
		size_t	tl;

		if (rdlen < 2 || (tl = buf[off + 1]) == 0 || 2 + tl > rdlen)
			return set_error(err, "%s", _("bad CAA record"));
		rr->pref = buf[off];
		rr->tag = xstrndup((const char *)buf + off + 2, tl);
		for (char *s = rr->tag; *s != '\0'; s++)
			*s = tolower((unsigned char)*s);
		rr->len = rdlen - 2 - tl;
		rr->text = xmalloc(rr->len + 1);
		memcpy(rr->text, buf + off + 2 + tl, rr->len);
		rr->text[rr->len] = '\0';
		return 0;
	}
	case DNS_T_DS:
		if (rdlen < 4)
			return set_error(err, "%s", _("short DS record"));
		rr->pref = buf[off] << 8 | buf[off + 1];
		rr->alg = buf[off + 2];
		rr->text = xprintf("key tag %u algorithm %u digest type %u",
		    rr->pref, rr->alg, buf[off + 3]);
		break;
	case DNS_T_DNSKEY:
		if (rdlen < 4)
			return set_error(err, "%s", _("short DNSKEY record"));
		rr->pref = buf[off] << 8 | buf[off + 1];
		rr->alg = buf[off + 3];
		rr->text = xprintf("flags %u algorithm %u (%zu-byte key)",
		    rr->pref, rr->alg, rdlen - 4);
		break;
	case DNS_T_TLSA: {
		struct buf	hex = { 0 };
		size_t		i;

		if (rdlen < 4)
			return set_error(err, "%s", _("short TLSA record"));
		buf_printf(&hex, "%u %u %u ", buf[off], buf[off + 1],
		    buf[off + 2]);
		for (i = 3; i < rdlen; i++)
			buf_printf(&hex, "%02x", buf[off + i]);
		buf_add(&hex, "", 1);
		rr->text = hex.data;
		break;
	}
	default:
		rr->text = xprintf("(%zu bytes)", rdlen);
		break;
	}
	rr->len = strlen(rr->text);
	return 0;
}

int
dnsmsg_parse(struct dnsmsg *m, const unsigned char *buf, size_t len,
    char **err)
{
	struct dnsmsg_cur	 c = { buf, len, 0 };
	unsigned		 id, flags, qd, an, ns, ar, i;
	char			 name[1100];

	memset(m, 0, sizeof *m);
	if (buf == NULL || len < 12)
		return set_error(err, "%s",
		    _("DNS message shorter than its header"));
	dnsmsg_u16(&c, &id);
	dnsmsg_u16(&c, &flags);
	dnsmsg_u16(&c, &qd);
	dnsmsg_u16(&c, &an);
	dnsmsg_u16(&c, &ns);
	dnsmsg_u16(&c, &ar);
	(void)ns;
	(void)ar;
	m->rcode = flags & 0xf;
	m->tc = (flags & 0x200) != 0;
	m->aa = (flags & 0x400) != 0;
	m->ad = (flags & 0x20) != 0;
	for (i = 0; i < qd; i++) {
		unsigned t, cl;

		if (dnsmsg_name(buf, len, &c.off, name, sizeof name) != 0 ||
		    dnsmsg_u16(&c, &t) != 0 || dnsmsg_u16(&c, &cl) != 0)
			return set_error(err, "%s", _("bad question section"));
	}
	/* Each record takes at least 11 bytes: bounds the allocation. */
	if (an > (len - c.off) / 11 + 1)
		return set_error(err, "%s",
		    _("answer count exceeds the message"));
	m->an = xcalloc(an > 0 ? an : 1, sizeof *m->an);
	for (i = 0; i < an; i++) {
		struct dnsmsg_rr	*rr = &m->an[m->nan];
		unsigned		 type, cl, rdlen;
		uint32_t		 ttl;

		if (dnsmsg_name(buf, len, &c.off, name, sizeof name) != 0 ||
		    dnsmsg_u16(&c, &type) != 0 || dnsmsg_u16(&c, &cl) != 0 ||
		    dnsmsg_u32(&c, &ttl) != 0 || dnsmsg_u16(&c, &rdlen) != 0 ||
		    c.off + rdlen > len) {
			dnsmsg_free(m);
			return set_error(err, "%s", _("bad answer record"));
		}
		rr->name = xstrdup(name);
		rr->type = type;
		rr->ttl = ttl > 0x7fffffff ? 0 : ttl;
		m->nan++;
		if (dnsmsg_rdata(rr, buf, len, c.off, rdlen, err) != 0) {
			dnsmsg_free(m);
			return -1;
		}
		c.off += rdlen;
	}
	return 0;
}

void
dnsmsg_rr_clear(struct dnsmsg_rr *rr)
{
	free(rr->name);
	free(rr->text);
	free(rr->tag);
	memset(rr, 0, sizeof *rr);
}

void
dnsmsg_rr_copy(struct dnsmsg_rr *to, const struct dnsmsg_rr *from)
{
	*to = *from;
	to->name = xstrdup(from->name);
	to->text = xmalloc(from->len + 1);
	memcpy(to->text, from->text, from->len);
	to->text[from->len] = '\0';
	to->tag = from->tag != NULL ? xstrdup(from->tag) : NULL;
}

void
dnsmsg_free(struct dnsmsg *m)
{
	size_t	i;

	for (i = 0; i < m->nan; i++)
		dnsmsg_rr_clear(&m->an[i]);
	free(m->an);
	m->an = NULL;
	m->nan = 0;
}

int
dns_tags(const char *txt, size_t len,
    int (*fn)(void *, const char *, const char *, char **), void *arg,
    char **err)
{
	char	*copy, *p, *semi, *eq, *tag, *value, *e;
	int	 rc = 0;

	if (memchr(txt, '\0', len) != NULL)
		return set_error(err, "%s", _("the record holds a NUL byte"));
	copy = xstrndup(txt, len);
	for (p = copy; p != NULL && rc == 0; p = semi) {
		if ((semi = strchr(p, ';')) != NULL)
			*semi++ = '\0';
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			rc = set_error(err, _("\"%s\" is not tag=value"), p);
			break;
		}
		*eq = '\0';
		tag = p;
		value = eq + 1;
		for (e = eq; e > tag && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		while (*value == ' ' || *value == '\t')
			value++;
		e = value + strlen(value);
		while (e > value && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r' || e[-1] == '\n'))
			*--e = '\0';
		if (*tag == '\0') {
			rc = set_error(err, "%s", _("empty tag name"));
			break;
		}
		rc = fn(arg, tag, value, err);
	}
	free(copy);
	return rc;
}
