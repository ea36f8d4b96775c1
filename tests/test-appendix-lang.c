/*
 * test-appendix-lang.c: the handover's appendices are read from evidence
 * lines, which the checks write in the interface's language. With the
 * German catalogue of this tree (po/de.po, compiled here) the lines are
 * written by the same calls the checks make, and the certificates table,
 * the DNS map (provider, CDN, DKIM selector, a name that does not exist)
 * must come out as in English; evidence recorded in English by an earlier
 * run is still read when the interface is German.
 */

#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "launchready.h"

static char	*localedir;

/* Records a result of check id holding the evidence lines given. */
static void
lang_record(struct session *s, const char *id, struct result *r)
{
	r->status = STATUS_PASS;
	r->when = time(NULL);
	session_record(s, id, r);
	result_clear(r);
	result_init(r);
}

/* A session with the evidence the checks write, in the current language. */
static struct session *
lang_session(time_t now)
{
	struct options	 opt;
	struct session	*s;
	struct result	 r;

	options_init(&opt);
	opt.domain = xstrdup("brightcart.test");
	s = session_new("/nonexistent", &opt);
	options_clear(&opt);
	result_init(&r);
	/* As check-tls.c writes them. */
	result_evidence(&r, _("%s: expires on %s: %ld days left; issuer %s"),
	    "www.brightcart.test", time_iso(now + 42 * 86400), 42L,
	    "Brightcart Test CA");
	result_evidence(&r, _("%s: expired on %s (%ld days ago); issuer %s"),
	    "old.brightcart.test", time_iso(now - 3 * 86400), 3L, "Old CA");
	lang_record(s, "tls.expiry", &r);
	result_evidence(&r, _("%s: issuer %s (%s): renewal %s"),
	    "www.brightcart.test", "Brightcart Test CA", "ACME test CA",
	    _("automatic (ACME)"));
	result_evidence(&r, _("%s: issuer %s%s: renewal %s: the handover must "
	    "say who renews it, how, and before %s"), "old.brightcart.test",
	    "Old CA", _(" (self-signed)"), _("manual"), "2026-11-01");
	lang_record(s, "tls.renewal", &r);
	/* check-dns.c, check-email.c, check-edge.c. */
	result_evidence(&r, _("DNS provider: %s"), "Gandi");
	lang_record(s, "dns.ns", &r);
	result_evidence(&r, "%s", "www.brightcart.test A 127.0.0.1 (TTL 300)");
	lang_record(s, "dns.www", &r);
	result_evidence(&r, "%s: %s", "staging.brightcart.test",
	    _("the name does not exist (NXDOMAIN)"));
	lang_record(s, "dns.subdomains", &r);
	result_evidence(&r, _("selector %s: %s %d bits (k=%s%s%s)"), "s1",
	    "RSA", 2048, "rsa", "", "");
	lang_record(s, "email.dkim", &r);
	result_evidence(&r, _("%s (%s): %s%s%s"), "www.brightcart.test",
	    "127.0.0.1", _("no CDN seen"), "", "");
	lang_record(s, "edge.cdn", &r);
	return s;
}

/* The row of table t whose first cell is key, or NULL. */
static const struct appendix_row *
lang_row(const struct appendix_table *t, const char *key)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->rows[i].cell[0], key) == 0)
			return &t->rows[i];
	}
	return NULL;
}

/* What the recorded evidence says, in the language it was recorded in. */
struct lang_said {
	char	*acme, *manual;
};

static void
lang_said(struct lang_said *w)
{
	w->acme = xstrdup(_("automatic (ACME)"));
	w->manual = xstrdup(_("manual"));
}

static void
lang_said_free(struct lang_said *w)
{
	free(w->acme);
	free(w->manual);
}

/* Checks the appendices of s against what the evidence said. */
static void
lang_check(struct session *s, time_t now, const struct lang_said *w)
{
	struct appendix			 a;
	const struct appendix_row	*row;
	char				 date[16];

	appendix_build(s, &a);
	row = lang_row(&a.certs, "www.brightcart.test");
	assert_non_null(row);
	assert_string_equal(row->cell[1], "Brightcart Test CA");
	snprintf(date, sizeof date, "%.10s", time_iso(now + 42 * 86400));
	assert_string_equal(row->cell[2], date);
	assert_string_equal(row->cell[3], "42");
	assert_string_equal(row->cell[4], w->acme);
	row = lang_row(&a.certs, "old.brightcart.test");
	assert_non_null(row);
	assert_string_equal(row->cell[1], "Old CA");
	assert_string_equal(row->cell[3], "-3");
	assert_string_equal(row->cell[4], w->manual);

	row = lang_row(&a.dns, "www.brightcart.test");
	assert_non_null(row);
	assert_string_equal(row->cell[1], "A");
	/* The provider, and no CDN (not "Gandi · no CDN seen"). */
	assert_string_equal(row->cell[4], "Gandi");
	row = lang_row(&a.dns, "s1._domainkey.brightcart.test");
	assert_non_null(row);
	assert_string_equal(row->cell[1], "TXT");
	row = lang_row(&a.dns, "staging.brightcart.test");
	assert_non_null(row);
	assert_string_equal(row->cell[2], _("does not exist (NXDOMAIN)"));
	appendix_clear(&a);
}

/* The interface in English (no LANGUAGE) or German (LANGUAGE=de). */
static void
lang_set(bool german)
{
	if (german)
		setenv("LANGUAGE", "de", 1);
	else
		unsetenv("LANGUAGE");
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	/* gettext forgets what it looked up in the other language. */
	textdomain(PACKAGE);
	/* The catalogue is in use, or this test would prove nothing. */
	assert_string_equal(_("manual"), german ? "manuell" : "manual");
}

static void
test_german_evidence(void **state)
{
	struct session	*s;
	struct lang_said w;
	time_t		 now = time(NULL);

	(void)state;
	lang_set(true);
	s = lang_session(now);
	lang_said(&w);
	/* The lines are German indeed. */
	assert_non_null(strstr(summary_state(s, "tls.expiry")->latest.
	    evidence[0], "läuft am"));
	assert_non_null(strstr(summary_state(s, "dns.ns")->latest.
	    evidence[0], "DNS-Anbieter: Gandi"));
	lang_check(s, now, &w);
	lang_said_free(&w);
	session_free(s);
}

static void
test_english_evidence_german_interface(void **state)
{
	struct session	*s;
	struct lang_said w;
	time_t		 now = time(NULL);

	(void)state;
	lang_set(false);
	s = lang_session(now);
	lang_said(&w);
	assert_non_null(strstr(summary_state(s, "tls.expiry")->latest.
	    evidence[0], "expires on"));
	lang_set(true);
	lang_check(s, now, &w);
	lang_said_free(&w);
	session_free(s);
}

static void
test_english(void **state)
{
	struct session	*s;
	struct lang_said w;
	time_t		 now = time(NULL);

	(void)state;
	lang_set(false);
	s = lang_session(now);
	lang_said(&w);
	lang_check(s, now, &w);
	lang_said_free(&w);
	session_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_german_evidence),
		cmocka_unit_test(test_english_evidence_german_interface),
	};
	char	*cmd, tmpl[] = "/tmp/lr-appendix-lang.XXXXXX";
	int	 rc;

	if (system("command -v msgfmt >/dev/null 2>&1") != 0) {
		printf("msgfmt missing (gettext)\n");
		return 77;
	}
	if (mkdtemp(tmpl) == NULL)
		return 1;
	localedir = xstrdup(tmpl);
	cmd = xprintf("mkdir -p '%s/de/LC_MESSAGES' && msgfmt -o "
	    "'%s/de/LC_MESSAGES/%s.mo' '%s/po/de.po'", localedir, localedir,
	    PACKAGE, TOP_SRCDIR);
	rc = system(cmd);
	free(cmd);
	if (rc != 0)
		return 1;
	bindtextdomain(PACKAGE, localedir);
	textdomain(PACKAGE);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = xprintf("rm -rf '%s'", localedir);
	(void)system(cmd);
	free(cmd);
	free(localedir);
	return rc;
}
