/* scan.c: secret rules, the keyword pre-filter, matching and redaction. */

#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <libconfig.h>
#include <openssl/evp.h>

#include "secrets.h"

/* How far past its line a multi-line rule (PEM keys) may match. */
#define SCAN_MULTILINE_WINDOW	(16 * 1024)
/* Values longer than this are cut before the checks (never reported). */
#define SCAN_MAX_VALUE		4096

struct scan_rule {
	char		*id;
	char		*title;
	pcre2_code	*re;
	pcre2_code	*only_path;	/* NULL: every path */
	pcre2_code	*exclude_path;	/* NULL: none */
	pcre2_code	*exclude_value;	/* NULL: none */
	double		 entropy;	/* floor in bits per byte, 0: none */
	enum severity	 severity;
	bool		 publishable;
	bool		 multiline;
	bool		 require_digit;	/* value needs a digit and a letter */
	bool		 no_placeholder_check;
	bool		 fallback;	/* loses to any other rule on a span */
	bool		 key_kind;	/* describe the key (keys.c) */
	bool		 pkcs12;	/* structure rule: whole PKCS#12 files */
};

/* A state of the keyword automaton: a dense transition row and outputs. */
struct scan_state {
	int		 next[256];
	int		*rules;		/* rule indexes whose keyword ends here */
	size_t		 nrules;
};

struct secrets_rules {
	struct scan_rule	*rules;
	size_t			 nrules;
	struct scan_state	*states;
	size_t			 nstates;
	bool			 jit;
};

struct secrets_scanner {
	const struct secrets_rules	*rules;
	pcre2_match_data		*md;
	pcre2_match_data		*md_small;
	const char			**done_line;	/* per rule */
};

static unsigned char scan_lower[256];

/* Fills the lower-case table. */
static void
scan_fill_tables(void)
{
	int	i;

	for (i = 0; i < 256; i++)
		scan_lower[i] = (i >= 'A' && i <= 'Z') ? (unsigned char)(i + 32) :
		    (unsigned char)i;
}

/* Fills the tables once, whichever thread comes first. */
static void
scan_init_tables(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, scan_fill_tables);
}

double
secrets_entropy(const char *s, size_t len)
{
	size_t	counts[256] = { 0 }, i;
	double	h = 0, p;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i] == 0)
			continue;
		p = (double)counts[i] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

/* Case-insensitive search for a literal in s. */
static bool
scan_has(const char *s, size_t len, const char *word)
{
	size_t	wl = strlen(word), i, j;

	for (i = 0; i + wl <= len; i++) {
		for (j = 0; j < wl; j++) {
			if (scan_lower[(unsigned char)s[i + j]] !=
			    (unsigned char)word[j])
				break;
		}
		if (j == wl)
			return true;
	}
	return false;
}

/*
 * True when v holds seven characters in alphabetical or counting order,
 * up or down ("abcdefg", "1234567", "zyxwvut"), ignoring case: typed by
 * hand, never drawn at random.
 */
static bool
scan_sequence(const char *v, size_t len)
{
	size_t	i, up = 1, down = 1;
	int	a, b;

	for (i = 1; i < len; i++) {
		a = scan_lower[(unsigned char)v[i - 1]];
		b = scan_lower[(unsigned char)v[i]];
		if (!((a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z') ||
		    (a >= '0' && a <= '9' && b >= '0' && b <= '9'))) {
			up = down = 1;
			continue;
		}
		up = b == a + 1 ? up + 1 : 1;
		down = b == a - 1 ? down + 1 : 1;
		if (up >= 7 || down >= 7)
			return true;
	}
	return false;
}

bool
secrets_placeholder(const char *v, size_t len)
{
	static const char *const words[] = {
		"example", "changeme", "change_me", "change-me", "placeholder",
		"your_", "your-", "yourkey", "yourtoken", "yoursecret",
		"_here", "-here", "dummy", "sample", "redacted", "xxxx",
		"****", "....", "${", "{{", "<", "%s", "%(", "insert", "replace",
		"fake", "lorem", "1234567890", "abcdef1234", "notasecret",
		"not_a_secret", "secret_key_base", "process.env", "os.environ",
		"getenv", "env(", "env.", NULL
	};
	size_t	i, run = 1, inruns = 0;

	scan_init_tables();
	for (i = 0; words[i] != NULL; i++) {
		if (scan_has(v, len, words[i]))
			return true;
	}
	/*
	 * Six times the same character ("000000", "aaaaaa") in a short
	 * value, or such runs making up a quarter of a long one (encoded
	 * keys hold runs of "A" from their zero length bytes).
	 */
	for (i = 1; i < len; i++) {
		run = (v[i] == v[i - 1]) ? run + 1 : 1;
		if (run == 6)
			inruns += 6;
		else if (run > 6)
			inruns++;
		if (run >= 6 && len < 64)
			return true;
	}
	if (inruns * 4 >= len && len > 0)
		return true;
	return scan_sequence(v, len);
}

void
secrets_fingerprint(const char *value, size_t len,
    char out[SECRETS_FP_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	size_t			 i;

	if (EVP_Digest(value, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < SECRETS_FP_HEX / 2)
		fatal("SHA-256 is not available");
	for (i = 0; i < SECRETS_FP_HEX / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[SECRETS_FP_HEX] = '\0';
	OPENSSL_cleanse(md, sizeof md);
}

void
secrets_preview(const char *value, size_t len, char *out, size_t outlen)
{
	size_t	i, n = 0;

	/* Printable ASCII only, at most 4 characters, never the whole. */
	for (i = 0; i < len && n < SECRETS_PREVIEW_CHARS && i + 1 < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c < 0x21 || c > 0x7e)
			break;
		if (len <= 8 && n >= len / 2)
			break;
		if (n + 4 >= outlen)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (outlen > n + 4)
		memcpy(out + n, "\xe2\x80\xa6", 4);
}

/* Compiles pattern; NULL with *err. */
static pcre2_code *
scan_compile(const char *where, int line, const char *pattern, bool *jit,
    char **err)
{
	pcre2_code	*re;
	int		 code;
	PCRE2_SIZE	 off;
	PCRE2_UCHAR	 msg[256];

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0,
	    &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof msg);
		set_error(err, _("%s:%d: bad pattern at offset %zu: %s"), where,
		    line, (size_t)off, (char *)msg);
		return NULL;
	}
	if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
		*jit = false;
	return re;
}

/* Adds keyword (lower-cased) for rule r to the trie. */
static void
scan_add_keyword(struct secrets_rules *rs, const char *kw, int r)
{
	int	s = 0;
	size_t	i;

	for (i = 0; kw[i] != '\0'; i++) {
		unsigned char c = scan_lower[(unsigned char)kw[i]];

		if (rs->states[s].next[c] == 0) {
			rs->states = xreallocarray(rs->states, rs->nstates + 1,
			    sizeof *rs->states);
			memset(&rs->states[rs->nstates], 0,
			    sizeof rs->states[0]);
			rs->states[s].next[c] = (int)rs->nstates++;
		}
		s = rs->states[s].next[c];
	}
	for (i = 0; i < rs->states[s].nrules; i++) {
		if (rs->states[s].rules[i] == r)
			return;
	}
	rs->states[s].rules = xreallocarray(rs->states[s].rules,
	    rs->states[s].nrules + 1, sizeof (int));
	rs->states[s].rules[rs->states[s].nrules++] = r;
}

/* Merges the outputs of state f into state s. */
static void
scan_merge_outputs(struct scan_state *s, const struct scan_state *f)
{
	size_t	i, j;

	for (i = 0; i < f->nrules; i++) {
		for (j = 0; j < s->nrules; j++) {
			if (s->rules[j] == f->rules[i])
				break;
		}
		if (j < s->nrules)
			continue;
		s->rules = xreallocarray(s->rules, s->nrules + 1, sizeof (int));
		s->rules[s->nrules++] = f->rules[i];
	}
}

/* Turns the trie into a dense Aho-Corasick automaton (BFS fail links). */
static void
scan_build_automaton(struct secrets_rules *rs)
{
	int	*queue, *fail;
	size_t	 head = 0, tail = 0;
	int	 c, s, t;

	queue = xcalloc(rs->nstates, sizeof *queue);
	fail = xcalloc(rs->nstates, sizeof *fail);
	for (c = 0; c < 256; c++) {
		if ((t = rs->states[0].next[c]) != 0) {
			fail[t] = 0;
			queue[tail++] = t;
		}
	}
	while (head < tail) {
		s = queue[head++];
		scan_merge_outputs(&rs->states[s], &rs->states[fail[s]]);
		for (c = 0; c < 256; c++) {
			t = rs->states[s].next[c];
			if (t != 0) {
				fail[t] = rs->states[fail[s]].next[c];
				queue[tail++] = t;
			} else
				rs->states[s].next[c] =
				    rs->states[fail[s]].next[c];
		}
	}
	free(queue);
	free(fail);
}

/* Loads one rule from setting s into rs->rules[rs->nrules]. */
static int
scan_load_rule(struct secrets_rules *rs, const char *where,
    config_setting_t *s, char **err)
{
	struct scan_rule	*r = &rs->rules[rs->nrules];
	config_setting_t	*kw;
	const char		*id, *title, *pattern, *sev, *xp, *xv, *op;
	const char		*st = NULL;
	int			 line = config_setting_source_line(s), b, i;
	double			 e;

	memset(r, 0, sizeof *r);
	if (config_setting_lookup_string(s, "structure", &st) &&
	    strcmp(st, "pkcs12") != 0)
		return set_error(err, _("%s:%d: unknown structure \"%s\""),
		    where, line, st);
	if (st != NULL && !config_setting_lookup_string(s, "pattern",
	    &pattern))
		pattern = "(?!)";
	if (!config_setting_lookup_string(s, "id", &id) || *id == '\0' ||
	    (st == NULL && !config_setting_lookup_string(s, "pattern",
	    &pattern)) || !config_setting_lookup_string(s, "severity", &sev))
		return set_error(err, _("%s:%d: a rule needs \"id\", "
		    "\"pattern\" and \"severity\""), where, line);
	if (!config_setting_lookup_string(s, "title", &title))
		title = id;
	if (severity_parse(sev, &r->severity) != 0)
		return set_error(err, _("%s:%d: unknown severity \"%s\""),
		    where, line, sev);
	kw = config_setting_get_member(s, "keywords");
	if (st == NULL && (kw == NULL || config_setting_length(kw) == 0))
		return set_error(err, _("%s:%d: rule %s needs \"keywords\" "
		    "(at least one literal)"), where, line, id);
	r->id = xstrdup(id);
	r->title = xstrdup(title);
	r->pkcs12 = st != NULL;
	rs->nrules++;
	if ((r->re = scan_compile(where, line, pattern, &rs->jit, err)) ==
	    NULL)
		return -1;
	if (config_setting_lookup_string(s, "exclude_paths", &xp) &&
	    (r->exclude_path = scan_compile(where, line, xp, &rs->jit,
	    err)) == NULL)
		return -1;
	if (config_setting_lookup_string(s, "paths", &op) &&
	    (r->only_path = scan_compile(where, line, op, &rs->jit,
	    err)) == NULL)
		return -1;
	if (config_setting_lookup_string(s, "exclude_values", &xv) &&
	    (r->exclude_value = scan_compile(where, line, xv, &rs->jit,
	    err)) == NULL)
		return -1;
	if (config_setting_lookup_float(s, "entropy", &e))
		r->entropy = e;
	if (config_setting_lookup_bool(s, "publishable", &b))
		r->publishable = b;
	if (config_setting_lookup_bool(s, "multiline", &b))
		r->multiline = b;
	if (config_setting_lookup_bool(s, "require_digit", &b))
		r->require_digit = b;
	if (config_setting_lookup_bool(s, "fallback", &b))
		r->fallback = b;
	if (config_setting_lookup_bool(s, "keep_placeholders", &b))
		r->no_placeholder_check = b;
	if (config_setting_lookup_bool(s, "key_kind", &b))
		r->key_kind = b;
	for (i = 0; kw != NULL && i < config_setting_length(kw); i++) {
		const char *k = config_setting_get_string_elem(kw, i);

		if (k == NULL || *k == '\0')
			return set_error(err, _("%s:%d: rule %s: keywords must "
			    "be non-empty strings"), where, line, id);
		scan_add_keyword(rs, k, (int)rs->nrules - 1);
	}
	return 0;
}

struct secrets_rules *
secrets_rules_config(config_t *cfg, const char *where, char **err)
{
	struct secrets_rules	*rs;
	config_setting_t	*list;
	int			 i, n;
	size_t			 j;

	scan_init_tables();
	list = config_lookup(cfg, "rules");
	if (list == NULL || !config_setting_is_list(list) ||
	    (n = config_setting_length(list)) == 0) {
		set_error(err, _("%s: no \"rules\" list"), where);
		return NULL;
	}
	rs = xcalloc(1, sizeof *rs);
	rs->jit = true;
	rs->rules = xcalloc((size_t)n, sizeof *rs->rules);
	rs->states = xcalloc(1, sizeof *rs->states);
	rs->nstates = 1;
	for (i = 0; i < n; i++) {
		if (scan_load_rule(rs, where, config_setting_get_elem(list,
		    (unsigned)i), err) != 0) {
			secrets_rules_free(rs);
			return NULL;
		}
		for (j = 0; j + 1 < rs->nrules; j++) {
			if (strcmp(rs->rules[j].id, rs->rules[i].id) == 0) {
				set_error(err, _("%s: duplicate rule id \"%s\""),
				    where, rs->rules[i].id);
				secrets_rules_free(rs);
				return NULL;
			}
		}
	}
	scan_build_automaton(rs);
	return rs;
}

struct secrets_rules *
secrets_rules_load(const char *path, char **err)
{
	config_t		 cfg;
	struct secrets_rules	*rs;
	char			*p;

	p = path != NULL ? xstrdup(path) : data_path(SECRETS_RULES_FILE);
	if (data_read(&cfg, p, err) != 0) {
		config_destroy(&cfg);
		free(p);
		return NULL;
	}
	rs = secrets_rules_config(&cfg, p, err);
	config_destroy(&cfg);
	free(p);
	return rs;
}

struct secrets_rules *
secrets_rules_parse(const char *text, char **err)
{
	config_t		 cfg;
	struct secrets_rules	*rs;

	config_init(&cfg);
	if (!config_read_string(&cfg, text)) {
		set_error(err, "rules:%d: %s", config_error_line(&cfg),
		    config_error_text(&cfg) != NULL ?
		    config_error_text(&cfg) : "parse error");
		config_destroy(&cfg);
		return NULL;
	}
	rs = secrets_rules_config(&cfg, "rules", err);
	config_destroy(&cfg);
	return rs;
}

void
secrets_rules_free(struct secrets_rules *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++) {
		free(rs->rules[i].id);
		free(rs->rules[i].title);
		pcre2_code_free(rs->rules[i].re);
		pcre2_code_free(rs->rules[i].only_path);
		pcre2_code_free(rs->rules[i].exclude_path);
		pcre2_code_free(rs->rules[i].exclude_value);
	}
	for (i = 0; i < rs->nstates; i++)
		free(rs->states[i].rules);
	free(rs->states);
	free(rs->rules);
	free(rs);
}

size_t
secrets_rules_count(const struct secrets_rules *rs)
{
	return rs->nrules;
}

bool
secrets_rules_jit(const struct secrets_rules *rs)
{
	return rs->jit;
}

struct secrets_scanner *
secrets_scanner_new(const struct secrets_rules *rs)
{
	struct secrets_scanner	*sc;

	sc = xcalloc(1, sizeof *sc);
	sc->rules = rs;
	sc->md = pcre2_match_data_create(16, NULL);
	sc->md_small = pcre2_match_data_create(1, NULL);
	if (sc->md == NULL || sc->md_small == NULL)
		fatal("out of memory");
	sc->done_line = xcalloc(rs->nrules, sizeof *sc->done_line);
	return sc;
}

void
secrets_scanner_free(struct secrets_scanner *sc)
{
	if (sc == NULL)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_data_free(sc->md_small);
	free(sc->done_line);
	free(sc);
}

/* True when re matches the subject anywhere. */
static bool
scan_matches(struct secrets_scanner *sc, const pcre2_code *re,
    const char *s, size_t len)
{
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, sc->md_small,
	    NULL) >= 0;
}

/* Whether value passes rule r's filters (entropy, placeholders...). */
static bool
scan_accept(struct secrets_scanner *sc, const struct scan_rule *r,
    const char *v, size_t len)
{
	size_t	i;
	bool	digit = false, alpha = false;

	if (len == 0)
		return false;
	if (r->entropy > 0 && secrets_entropy(v, len) < r->entropy)
		return false;
	if (!r->no_placeholder_check && secrets_placeholder(v, len))
		return false;
	if (r->require_digit) {
		for (i = 0; i < len; i++) {
			if (v[i] >= '0' && v[i] <= '9')
				digit = true;
			else if ((v[i] | 32) >= 'a' && (v[i] | 32) <= 'z')
				alpha = true;
		}
		if (!digit || !alpha)
			return false;
	}
	if (r->exclude_value != NULL && scan_matches(sc, r->exclude_value, v,
	    len))
		return false;
	return true;
}

/* A finding held until its line is done, with the value's span. */
struct scan_pending {
	struct secrets_finding	 f;
	const char		*start;
	const char		*end;
	bool			 fallback;
	int			 ri;		/* rule index: earlier wins ties */
};

/* Per-buffer state for line bookkeeping. */
struct scan_ctx {
	struct scan_pending	*pending;
	size_t			 npending;
	struct secrets_scanner	*sc;
	const char		*path;
	const char		*buf;
	size_t			 len;
	const char		*line_start;	/* of the current hit's line */
	const char		*line_end;
	const char		*seen_to;	/* newlines searched up to */
	const char		*counted_to;	/* newlines counted up to */
	size_t			 line_no;	/* of counted_to */
	size_t			 found;
	secrets_found_cb	 cb;
	void			*arg;
	bool			*path_excluded;	/* per rule, cached */
	bool			*path_checked;
};

/* The 1-based line number of p, at or after the current line start. */
static size_t
scan_line_of(struct scan_ctx *cx, const char *p)
{
	const char	*q, *from = cx->line_start;
	size_t		 n;

	/* Line starts only move forward: count up to the current one. */
	while (cx->counted_to < cx->line_start && (q = memchr(cx->counted_to,
	    '\n', (size_t)(cx->line_start - cx->counted_to))) != NULL) {
		cx->line_no++;
		cx->counted_to = q + 1;
	}
	cx->counted_to = cx->line_start;
	n = cx->line_no;
	while (from < p && (q = memchr(from, '\n', (size_t)(p - from))) !=
	    NULL) {
		n++;
		from = q + 1;
	}
	return n;
}

/* Holds f; a span found twice is kept once, a fallback rule's loses. */
static void
scan_add_pending(struct scan_ctx *cx, const struct secrets_finding *f,
    const char *start, const char *end, bool fallback, int ri)
{
	struct scan_pending	*q;
	size_t			 i;

	for (i = 0; i < cx->npending; i++) {
		q = &cx->pending[i];
		if (start >= q->end || end <= q->start)
			continue;
		/* A fallback rule loses; of two, the one listed first wins. */
		if ((q->fallback && !fallback) || (q->fallback && fallback &&
		    ri < q->ri)) {
			q->f = *f;
			q->start = start;
			q->end = end;
			q->fallback = fallback;
			q->ri = ri;
		}
		return;
	}
	cx->pending = xreallocarray(cx->pending, cx->npending + 1,
	    sizeof *cx->pending);
	q = &cx->pending[cx->npending++];
	q->f = *f;
	q->start = start;
	q->end = end;
	q->fallback = fallback;
	q->ri = ri;
}

/* Reports the held findings in buffer order. */
static void
scan_flush(struct scan_ctx *cx)
{
	size_t	i, j;

	/* Few per line: an insertion sort by position. */
	for (i = 1; i < cx->npending; i++) {
		struct scan_pending t = cx->pending[i];

		for (j = i; j > 0 && cx->pending[j - 1].start > t.start; j--)
			cx->pending[j] = cx->pending[j - 1];
		cx->pending[j] = t;
	}
	for (i = 0; i < cx->npending; i++) {
		cx->found++;
		if (cx->cb != NULL)
			cx->cb(cx->arg, &cx->pending[i].f);
	}
	cx->npending = 0;
}

/* Runs rule ri over the current line (or window) and reports matches. */
static void
scan_run_rule(struct scan_ctx *cx, int ri)
{
	const struct scan_rule	*r = &cx->sc->rules->rules[ri];
	const char		*subj = cx->line_start, *end = cx->line_end;
	PCRE2_SIZE		*ov, off = 0, vs, ve;
	struct secrets_finding	 f;
	const char		*v, *ls, *q;
	int			 rc, g;

	if (r->only_path != NULL && cx->path == NULL)
		return;
	if ((r->exclude_path != NULL || r->only_path != NULL) &&
	    cx->path != NULL) {
		if (!cx->path_checked[ri]) {
			cx->path_checked[ri] = true;
			cx->path_excluded[ri] = (r->exclude_path != NULL &&
			    scan_matches(cx->sc, r->exclude_path, cx->path,
			    strlen(cx->path))) || (r->only_path != NULL &&
			    !scan_matches(cx->sc, r->only_path, cx->path,
			    strlen(cx->path)));
		}
		if (cx->path_excluded[ri])
			return;
	}
	if (r->multiline) {
		end = subj + SCAN_MULTILINE_WINDOW;
		if (end > cx->buf + cx->len)
			end = cx->buf + cx->len;
	}
	while (off < (PCRE2_SIZE)(end - subj)) {
		rc = pcre2_match(r->re, (PCRE2_SPTR)subj,
		    (PCRE2_SIZE)(end - subj), off, 0, cx->sc->md, NULL);
		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(cx->sc->md);
		/* The value: the first group that matched, else the match. */
		vs = ov[0];
		ve = ov[1];
		for (g = 1; g < rc; g++) {
			if (ov[2 * g] != PCRE2_UNSET) {
				vs = ov[2 * g];
				ve = ov[2 * g + 1];
				break;
			}
		}
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		v = subj + vs;
		if (ve - vs > SCAN_MAX_VALUE || !scan_accept(cx->sc, r, v,
		    ve - vs))
			continue;
		memset(&f, 0, sizeof f);
		f.rule = r->id;
		f.title = r->title;
		f.severity = r->severity;
		f.publishable = r->publishable;
		f.line = scan_line_of(cx, v);
		ls = cx->line_start;
		if (r->multiline && (q = memrchr(ls, '\n', (size_t)(v - ls))) !=
		    NULL)
			ls = q + 1;
		f.column = (size_t)(v - ls) + 1;
		{
			const char *le = memchr(v, '\n', (size_t)(cx->buf +
			    cx->len - v));

			if (le == NULL)
				le = cx->buf + cx->len;
			f.allowed = memmem(ls, (size_t)(le - ls),
			    "launchready:allow", 17) != NULL;
		}
		if (r->key_kind)
			keys_describe(subj + ov[0], ov[1] - ov[0], v, ve - vs,
			    f.kind, sizeof f.kind);
		secrets_fingerprint(v, ve - vs, f.fingerprint);
		secrets_preview(v, ve - vs, f.preview, sizeof f.preview);
		scan_add_pending(cx, &f, v, v + (ve - vs), r->fallback, ri);
	}
}

/* A keyword of some rules ends at p: run those rules on p's line once. */
static void
scan_hit(struct scan_ctx *cx, const struct scan_state *st, const char *p)
{
	const char	*q;
	size_t		 i;
	int		 ri;

	if (p >= cx->line_end) {
		scan_flush(cx);
		/* A new line: find its start from what was already seen. */
		q = NULL;
		if (cx->seen_to < p)
			q = memrchr(cx->seen_to, '\n', (size_t)(p -
			    cx->seen_to));
		if (q != NULL)
			cx->line_start = q + 1;
		else if (cx->line_end > cx->line_start &&
		    cx->line_end <= p)
			cx->line_start = cx->line_end + 1;
		cx->seen_to = p;
		q = memchr(p, '\n', (size_t)(cx->buf + cx->len - p));
		cx->line_end = q != NULL ? q : cx->buf + cx->len;
		if (cx->line_start > p)
			cx->line_start = p;
	}
	for (i = 0; i < st->nrules; i++) {
		ri = st->rules[i];
		if (cx->sc->done_line[ri] == cx->line_start)
			continue;
		cx->sc->done_line[ri] = cx->line_start;
		scan_run_rule(cx, ri);
	}
}

/* Runs the structure rules (PKCS#12) on the whole buffer. */
static void
scan_structures(struct scan_ctx *cx)
{
	const struct secrets_rules	*rs = cx->sc->rules;
	struct secrets_finding		 f;
	size_t				 i;

	if (!keys_binary_candidate(cx->buf, cx->len))
		return;
	for (i = 0; i < rs->nrules; i++) {
		if (!rs->rules[i].pkcs12)
			continue;
		memset(&f, 0, sizeof f);
		if (!keys_pkcs12(cx->buf, cx->len, f.kind, sizeof f.kind))
			return;
		f.rule = rs->rules[i].id;
		f.title = rs->rules[i].title;
		f.severity = rs->rules[i].severity;
		f.line = 1;
		f.column = 1;
		secrets_fingerprint(cx->buf, cx->len, f.fingerprint);
		f.preview[0] = '\0';
		memcpy(f.preview, "\xe2\x80\xa6", 4);
		cx->found++;
		if (cx->cb != NULL)
			cx->cb(cx->arg, &f);
		return;
	}
}

size_t
secrets_scan(struct secrets_scanner *sc, const char *path, const char *buf,
    size_t len, secrets_found_cb cb, void *arg)
{
	const struct secrets_rules	*rs = sc->rules;
	const struct scan_state		*states = rs->states;
	struct scan_ctx			 cx;
	const unsigned char		*p, *e;
	int				 s = 0;
	bool				 small[64];
	bool				 small2[64];

	memset(&cx, 0, sizeof cx);
	cx.sc = sc;
	cx.path = path;
	cx.buf = buf;
	cx.len = len;
	cx.line_start = buf;
	cx.line_end = buf;
	cx.seen_to = buf;
	cx.counted_to = buf;
	cx.line_no = 1;
	cx.cb = cb;
	cx.arg = arg;
	if (rs->nrules <= 64) {
		cx.path_excluded = small;
		cx.path_checked = small2;
	} else {
		cx.path_excluded = xcalloc(rs->nrules, sizeof (bool));
		cx.path_checked = xcalloc(rs->nrules, sizeof (bool));
	}
	memset(cx.path_checked, 0, rs->nrules <= 64 ? sizeof small2 :
	    rs->nrules * sizeof (bool));
	memset(sc->done_line, 0, rs->nrules * sizeof *sc->done_line);
	scan_structures(&cx);
	p = (const unsigned char *)buf;
	e = p + len;
	for (; p < e; p++) {
		s = states[s].next[scan_lower[*p]];
		if (states[s].nrules != 0)
			scan_hit(&cx, &states[s], (const char *)p);
	}
	scan_flush(&cx);
	free(cx.pending);
	if (rs->nrules > 64) {
		free(cx.path_excluded);
		free(cx.path_checked);
	}
	return cx.found;
}

/* Collects findings into a growing array. */
struct scan_collect {
	struct secrets_finding	*v;
	size_t			 n;
};

static void
scan_collect_cb(void *arg, const struct secrets_finding *f)
{
	struct scan_collect	*c = arg;

	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	c->v[c->n++] = *f;
}

size_t
secrets_scan_buffer(const struct secrets_rules *rs, const char *path,
    const char *buf, size_t len, struct secrets_finding **out)
{
	struct secrets_scanner	*sc = secrets_scanner_new(rs);
	struct scan_collect	 c = { NULL, 0 };

	secrets_scan(sc, path, buf, len, scan_collect_cb, &c);
	secrets_scanner_free(sc);
	*out = c.v;
	return c.n;
}

void
secrets_findings_free(struct secrets_finding *v)
{
	free(v);
}
