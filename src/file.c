/*
 * file.c: every file the program writes. Its own files (sessions, reports,
 * exports) are replaced atomically, and only when they are regular files
 * this user owns; an output path that is standard output, a FIFO or a
 * character device is written into, never replaced.
 */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launchready.h"

/* How long an output FIFO may wait for a reader. */
#define FILE_FIFO_WAIT_MS	10000

/* The directory part of path ("." when it has none). */
static char *
file_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/* Flushes a directory's entries to disk (after a rename). */
static void
file_sync_dir(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	fsync(fd);
	close(fd);
}

/* Writes all of data to fd; -1 with errno set (ENOSPC for a short write). */
static int
file_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Whether the existing path (lstat in *st) may be replaced: a regular file
 * this user owns. Otherwise -1 with *err saying why.
 */
static int
file_replaceable(const char *path, const struct stat *st, char **err)
{
	if (S_ISLNK(st->st_mode))
		return set_error(err, _("cannot write %s: it is a symbolic "
		    "link; give the path of the file itself"), path);
	if (!S_ISREG(st->st_mode))
		return set_error(err, _("cannot write %s: it is not a regular "
		    "file"), path);
	if (st->st_uid != geteuid())
		return set_error(err, _("cannot write %s: the file belongs to "
		    "another user; it is left as it is"), path);
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
    bool no_clobber, bool keep_backup, char **err)
{
	struct stat	 st;
	char		*tmp, *dir, *bak, *baktmp;
	int		 fd, saved_errno;
	bool		 exists;

	if (lstat(path, &st) == 0) {
		if (file_replaceable(path, &st, err) == -1)
			return -1;
		exists = true;
	} else if (errno == ENOENT)
		exists = false;
	else
		return set_error(err, _("cannot save %s: %s"), path,
		    strerror(errno));

	dir = file_dirname(path);
	tmp = xprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		set_error(err, _("cannot save %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (file_write_all(fd, data, len) == -1 || fsync(fd) == -1)
		goto fail_write;
	if (close(fd) == -1) {
		fd = -1;
		goto fail_write;
	}
	fd = -1;

	/* Keep the current file as the backup (atomically replaced). */
	if (keep_backup && exists) {
		bak = xprintf("%s.bak", path);
		baktmp = xprintf("%s.bak.tmp.%ld", path, (long)getpid());
		unlink(baktmp);
		/* Nor is a backup replaced unless it is a file of ours. */
		if ((lstat(bak, &st) == -1 ||
		    file_replaceable(bak, &st, NULL) == 0) &&
		    link(path, baktmp) == 0 && rename(baktmp, bak) == -1)
			unlink(baktmp);
		free(baktmp);
		free(bak);
	}
	if (no_clobber) {
		/* A first save never replaces a file someone else made. */
		if (link(tmp, path) == -1) {
			if (errno == EEXIST)
				set_error(err, _("cannot save %s: a file of "
				    "that name appeared; it is left as it is"),
				    path);
			else
				set_error(err, _("cannot save %s: %s"), path,
				    strerror(errno));
			goto fail;
		}
		unlink(tmp);
	} else {
		/* What is there now must still be ours to replace. */
		if (lstat(path, &st) == 0 &&
		    file_replaceable(path, &st, err) == -1)
			goto fail;
		if (rename(tmp, path) == -1) {
			set_error(err, _("cannot save %s: %s"), path,
			    strerror(errno));
			goto fail;
		}
	}
	file_sync_dir(dir);
	free(tmp);
	free(dir);
	return 0;

fail_write:
	saved_errno = errno;
	set_error(err, _("cannot save %s: %s"), path, strerror(saved_errno));
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(dir);
	return -1;
}

/* Whether a file of this type is written into rather than replaced. */
static bool
file_is_stream(mode_t mode)
{
	return S_ISFIFO(mode) || S_ISCHR(mode);
}

/*
 * Opens the FIFO or device at path for writing, following links, waiting
 * a bounded time for a FIFO's reader. -1 with *err set on failure.
 */
static int
file_open_stream(const char *path, char **err)
{
	struct stat	st;
	int		fd, flags, waited = 0;

	for (;;) {
		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd != -1 || errno != ENXIO || waited >= FILE_FIFO_WAIT_MS)
			break;
		/* A FIFO without a reader yet. */
		poll(NULL, 0, 50);
		waited += 50;
	}
	if (fd == -1) {
		if (errno == ENXIO)
			return set_error(err, _("cannot write %s: nothing "
			    "reads from it (waited %d seconds)"), path,
			    FILE_FIFO_WAIT_MS / 1000);
		return set_error(err, _("cannot write %s: %s"), path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !file_is_stream(st.st_mode)) {
		close(fd);
		return set_error(err, _("cannot write %s: it changed while "
		    "being opened"), path);
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

int
file_write(const char *path, const void *data, size_t len, char **err)
{
	struct stat	st;
	int		fd, rc = 0;

	if (strcmp(path, "-") == 0) {
		if (fflush(stdout) != 0 ||
		    file_write_all(STDOUT_FILENO, data, len) == -1)
			return set_error(err, _("cannot write to standard "
			    "output: %s"), strerror(errno));
		return 0;
	}
	/* A FIFO or a device, directly or through links: written into. */
	if (lstat(path, &st) == 0 && (file_is_stream(st.st_mode) ||
	    (S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
	    file_is_stream(st.st_mode)))) {
		if ((fd = file_open_stream(path, err)) == -1)
			return -1;
		if (file_write_all(fd, data, len) == -1)
			rc = set_error(err, _("cannot write %s: %s"), path,
			    strerror(errno));
		if (close(fd) == -1 && rc == 0)
			rc = set_error(err, _("cannot write %s: %s"), path,
			    strerror(errno));
		return rc;
	}
	/* Anything else: a regular file of ours, replaced atomically. */
	return file_write_atomic(path, data, len, false, false, err);
}
