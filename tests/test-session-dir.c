/* test-session-dir.c: the sessions directory must be yours alone. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "launchready.h"

static char	base[] = "/tmp/test-session-dir-XXXXXX";

/* Saves a new session in dir; returns session_save's status, *err set. */
static int
save_in(const char *dir, char **err)
{
	struct options	 opt;
	struct session	*s;
	int		 rc;

	options_init(&opt);
	opt.domain = xstrdup("example.test");
	opt.domain_unicode = xstrdup("example.test");
	s = session_new(dir, &opt);
	options_clear(&opt);
	rc = session_save(s, err);
	session_free(s);
	return rc;
}

static mode_t
mode_of(const char *path)
{
	struct stat	sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/* A new directory is made 0700; an existing 0755 one is tightened. */
static void
test_tightened(void **state)
{
	char	*dir = xprintf("%s/fresh/sessions", base);
	char	*old = xprintf("%s/old", base);
	char	*err = NULL;

	(void)state;
	assert_int_equal(save_in(dir, &err), 0);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(mkdir(old, 0755), 0);
	assert_int_equal(chmod(old, 0755), 0);
	assert_int_equal(save_in(old, &err), 0);
	assert_int_equal(mode_of(old), 0700);
	free(dir);
	free(old);
}

/* A link to a folder others can write is refused, and left as it was. */
static void
test_link_to_open_folder(void **state)
{
	char	*open = xprintf("%s/open", base);
	char	*link = xprintf("%s/link", base);
	char	*err = NULL;

	(void)state;
	assert_int_equal(mkdir(open, 0777), 0);
	assert_int_equal(chmod(open, 0777), 0);
	assert_int_equal(symlink(open, link), 0);
	assert_int_equal(save_in(link, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "others can write"));
	assert_int_equal(mode_of(open), 0777);
	free(err);
	err = NULL;
	/* So is the folder itself. */
	assert_int_equal(save_in(open, &err), -1);
	assert_non_null(strstr(err, "mode 0777"));
	free(err);
	free(open);
	free(link);
}

/* A link to a private folder of yours is fine (and not changed). */
static void
test_link_to_private_folder(void **state)
{
	char	*priv = xprintf("%s/priv", base);
	char	*link = xprintf("%s/plink", base);
	char	*err = NULL;

	(void)state;
	assert_int_equal(mkdir(priv, 0700), 0);
	assert_int_equal(symlink(priv, link), 0);
	assert_int_equal(save_in(link, &err), 0);
	assert_int_equal(mode_of(priv), 0700);
	free(priv);
	free(link);
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(base));
	return 0;
}

static int
teardown(void **state)
{
	char	*cmd = xprintf("rm -rf '%s'", base);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tightened),
		cmocka_unit_test(test_link_to_open_folder),
		cmocka_unit_test(test_link_to_private_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
