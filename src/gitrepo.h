/*
 * gitrepo.h: a client's repository, opened so that git runs none of its
 * commands, and its files read without following links or blocking.
 *
 * gitrepo_open() finds the git directory the way git does (DIR/.git, a
 * ".git" file naming one, a bare repository, upwards from DIR) and builds
 * a private git directory (the "shim") in $TMPDIR holding a copy of HEAD
 * and the refs and a configuration written by us. Git then runs with
 * GIT_DIR at the shim, GIT_OBJECT_DIRECTORY and GIT_INDEX_FILE at the
 * repository's, and an environment built from nothing: it never reads the
 * repository's configuration (nor anything it includes), the system's or
 * the user's, so no setting that names a command can reach it, whatever
 * its name. The reasoning is in README.md ("Scanning a repository you do
 * not trust").
 */
#ifndef GITREPO_H
#define GITREPO_H

#include "launchready.h"

/* An opened repository. */
struct gitrepo {
	char	*dir;		/* realpath of the directory given */
	char	*top;		/* top of the work tree; NULL when bare */
	char	*gitdir;	/* its git directory */
	char	*common;	/* the common directory (linked worktrees) */
	char	*shim;		/* our private git directory */
	char	**env;		/* git's whole environment */
	bool	 bare;
};

/* What gitrepo_read() found. */
enum gitrepo_read_status {
	GITREPO_READ_OK,
	GITREPO_READ_MISSING,	/* no such file */
	GITREPO_READ_LINK,	/* a symbolic link (in the path or the name) */
	GITREPO_READ_SPECIAL,	/* a FIFO, device, socket or directory */
	GITREPO_READ_LARGE,	/* over the size bound */
	GITREPO_READ_DENIED,	/* permission denied or an I/O error */
	GITREPO_READ_CANCELLED	/* *cancel became non-zero */
};

/*
 * Opens the repository at or above dir. Returns 1 when found (g filled),
 * 0 when dir is a plain directory (g->dir set), -1 with *err when dir is
 * not a directory or the shim cannot be made. Close with gitrepo_close()
 * in every case.
 */
int gitrepo_open(struct gitrepo *g, const char *dir, char **err);
/* Removes the shim and frees g. */
void gitrepo_close(struct gitrepo *g);

/*
 * Reads rel (a relative path, "/"-separated) under the directory rootfd
 * into out (replacing its contents) when it is a regular file of at most
 * max bytes, without following a symbolic link anywhere in rel and
 * without blocking on a FIFO or device. Reading stops (CANCELLED) as soon
 * as *cancel (may be NULL) is non-zero.
 */
enum gitrepo_read_status gitrepo_read(int rootfd, const char *rel, size_t max,
	    const int *cancel, struct buf *out);

/* C-unquotes a path as git prints it ("a\tb" -> a<TAB>b); s without a
   leading quote is copied. Returns a new string. */
char *gitrepo_unquote(const char *s, size_t len);

#endif
