/*
 * hook.c: `launchready hook install|uninstall [--repo DIR] [--force]`, a
 * git pre-commit hook that runs `launchready scan --staged` and so
 * refuses a commit adding a secret. The hook carries a marker line: an
 * existing hook without it is never overwritten (unless --force) nor
 * removed.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launchready.h"

#define HOOK_MARKER	"# launchready-hook: pre-commit secret scan"
#define HOOK_GIT_WAIT_MS	30000	/* git rev-parse is quick */

/* Runs `git -C dir rev-parse --git-path hooks/pre-commit`: the path. */
static char *
hook_path(const char *dir, char **err)
{
	int		 fds[2], status = 0;
	pid_t		 pid;
	char		 out[PATH_MAX + 2];
	size_t		 n = 0;
	ssize_t		 r;
	struct pollfd	 pfd;
	struct timespec	 t0, t1;
	long		 left;

	if (pipe(fds) == -1) {
		set_error(err, "pipe: %s", strerror(errno));
		return NULL;
	}
	if ((pid = fork()) == -1) {
		set_error(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fds[1], 1);
		if (null != -1) {
			dup2(null, 0);
			dup2(null, 2);
		}
		close(fds[0]);
		execlp("git", "git", "-C", dir, "rev-parse", "--git-path",
		    "hooks/pre-commit", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = HOOK_GIT_WAIT_MS - ((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			kill(pid, SIGKILL);
			break;
		}
		r = read(fds[0], out + n, sizeof out - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof out - 1)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out[0] == '\0') {
		set_error(err, _("%s is not a git repository (or git is "
		    "missing)"), dir);
		return NULL;
	}
	/* A relative answer is relative to dir. */
	if (out[0] == '/')
		return xstrdup(out);
	return xprintf("%s/%s", dir, out);
}

/* True when the file at path is a hook this program wrote. */
static bool
hook_is_ours(const char *path)
{
	char	 line[256];
	FILE	*f;
	bool	 ours = false;
	int	 i;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	for (i = 0; i < 5 && fgets(line, sizeof line, f) != NULL; i++) {
		if (strncmp(line, HOOK_MARKER, strlen(HOOK_MARKER)) == 0)
			ours = true;
	}
	fclose(f);
	return ours;
}

/* The hook's text, calling the program at self (PATH's when moved). */
static char *
hook_text(const char *self)
{
	return xprintf(
"#!/bin/sh\n"
HOOK_MARKER "\n"
"# Installed by `launchready hook install`; `launchready hook uninstall`\n"
"# removes it. Blocks a commit whose staged changes add a secret.\n"
"# A false alarm: add its fingerprint to .launchreadyignore.\n"
"lr='%s'\n"
"[ -x \"$lr\" ] || lr=launchready\n"
"exec \"$lr\" scan --staged \"$(git rev-parse --show-toplevel)\"\n",
	    self);
}

/* Writes the hook at path (mode 0755), atomically. */
static int
hook_write(const char *path, char **err)
{
	char	 self[PATH_MAX];
	char	*text, *tmp, *dir;
	ssize_t	 n;
	int	 fd, r = 0;
	size_t	 len;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || strchr(self, '\'') != NULL)
		strcpy(self, "launchready");
	else
		self[n] = '\0';
	dir = xstrdup(path);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	free(dir);
	text = hook_text(self);
	len = strlen(text);
	tmp = xprintf("%s.launchready-tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd == -1 || write(fd, text, len) != (ssize_t)len ||
	    fchmod(fd, 0755) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		r = set_error(err, _("cannot write %s: %s"), path,
		    strerror(errno));
		if (fd != -1)
			unlink(tmp);
	}
	free(tmp);
	free(text);
	return r;
}

int
cmd_hook(struct cmdline *cl)
{
	enum { OPT_REPO = 256, OPT_FORCE, OPT_HELP };
	static const struct option opts[] = {
		{ "repo",	required_argument, NULL, OPT_REPO },
		{ "force",	no_argument,	   NULL, OPT_FORCE },
		{ "help",	no_argument,	   NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char	*repo = ".", *action = NULL;
	char		*path, *err = NULL;
	bool		 force = false;
	struct stat	 sb;
	int		 c, status = EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(cl->rest_argc, cl->rest_argv, ":", opts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_REPO:
			repo = optarg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_HELP:
			fputs(_("Usage: launchready hook install [--repo DIR] "
			    "[--force]\n       launchready hook uninstall "
			    "[--repo DIR]\n"), stdout);
			return EXIT_OK;
		case ':':
			fprintf(stderr, _("launchready: option %s needs a "
			    "value\n"), cl->rest_argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, _("launchready: unknown option %s (see "
			    "launchready hook --help)\n"),
			    cl->rest_argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < cl->rest_argc)
		action = cl->rest_argv[optind++];
	if (action == NULL || optind < cl->rest_argc ||
	    (strcmp(action, "install") != 0 &&
	    strcmp(action, "uninstall") != 0)) {
		fprintf(stderr, _("launchready: hook: give install or "
		    "uninstall (see launchready hook --help)\n"));
		return EXIT_USAGE;
	}
	if ((path = hook_path(repo, &err)) == NULL) {
		fprintf(stderr, "launchready: %s\n", err);
		free(err);
		return EXIT_FAILURE_;
	}
	if (strcmp(action, "install") == 0) {
		if (lstat(path, &sb) == 0 && !hook_is_ours(path) && !force) {
			fprintf(stderr, _("launchready: %s exists and is not "
			    "launchready's; left as it is (--force replaces "
			    "it)\n"), path);
			status = EXIT_FINDINGS;
		} else if (hook_write(path, &err) != 0) {
			fprintf(stderr, "launchready: %s\n", err);
			free(err);
			status = EXIT_FAILURE_;
		} else
			printf(_("Installed %s: a commit adding a secret is "
			    "refused.\n"), path);
	} else {
		if (lstat(path, &sb) == -1)
			printf(_("No pre-commit hook at %s.\n"), path);
		else if (!hook_is_ours(path)) {
			fprintf(stderr, _("launchready: %s is not "
			    "launchready's; left as it is\n"), path);
			status = EXIT_FINDINGS;
		} else if (unlink(path) == -1) {
			fprintf(stderr, _("launchready: cannot remove %s: %s\n"),
			    path, strerror(errno));
			status = EXIT_FAILURE_;
		} else
			printf(_("Removed %s.\n"), path);
	}
	free(path);
	return status;
}
