/* gitrepo.c: a client's repository, opened so that git runs none of its
   commands; its files read without following links or blocking. */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gitrepo.h"

/* Largest loose ref, HEAD, ".git" or "commondir" file read. */
#define GITREPO_SMALL		4096
/* Largest packed-refs, shallow, info/exclude copied. */
#define GITREPO_LARGE		(256u * 1024 * 1024)
/* Bounds of the refs tree copied. */
#define GITREPO_REFS_DEPTH	64
#define GITREPO_REFS_MAX	1000000
/* Bytes read between two looks at the cancel flag. */
#define GITREPO_CHUNK		(1024 * 1024)

/*
 * The configuration git reads, the only one: everything it does not set
 * is git's default, and no default runs a command. The settings below
 * are belt and braces (fsmonitor, hooks, signatures) and bounds on git's
 * memory (blobs over 8 MB are "binary" to diff, never loaded whole).
 */
static const char gitrepo_config[] =
    "[core]\n"
    "\trepositoryformatversion = %d\n"
    "\tbare = %s\n"
    "\tfsmonitor = false\n"
    "\thooksPath = /dev/null\n"
    "\tuntrackedCache = false\n"
    "\tquotePath = false\n"
    "\tbigFileThreshold = 8m\n"
    "\tpackedGitLimit = 256m\n"
    "\tpackedGitWindowSize = 32m\n"
    "\tdeltaBaseCacheLimit = 64m\n"
    "[log]\n"
    "\tshowSignature = false\n"
    "[gc]\n"
    "\tauto = 0\n"
    "%s";

/* Opens the directory rel under fd without following links. */
static int
gitrepo_opendir_at(int fd, const char *name)
{
	return openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

/* Maps an openat() errno to a read status. */
static enum gitrepo_read_status
gitrepo_errno_status(int e)
{
	switch (e) {
	case ENOENT:
		return GITREPO_READ_MISSING;
	case ELOOP:
		return GITREPO_READ_LINK;
	case ENOTDIR:
		return GITREPO_READ_MISSING;
	case ENXIO:
	case ENODEV:
	case EISDIR:
		return GITREPO_READ_SPECIAL;
	default:
		return GITREPO_READ_DENIED;
	}
}

enum gitrepo_read_status
gitrepo_read(int rootfd, const char *rel, size_t max, const int *cancel,
    struct buf *out)
{
	enum gitrepo_read_status	 st = GITREPO_READ_OK;
	char				*copy, *p, *slash;
	struct stat			 sb;
	int				 dfd, fd, nfd;
	ssize_t				 n;
	size_t				 want;

	out->len = 0;
	if (out->data != NULL)
		out->data[0] = '\0';
	copy = xstrdup(rel);
	if ((dfd = dup(rootfd)) == -1) {
		free(copy);
		return GITREPO_READ_DENIED;
	}
	/* Every directory on the way, without following a link. */
	for (p = copy; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		if (*p == '\0' || strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			st = GITREPO_READ_LINK;
			break;
		}
		nfd = gitrepo_opendir_at(dfd, p);
		if (nfd == -1) {
			st = gitrepo_errno_status(errno);
			break;
		}
		close(dfd);
		dfd = nfd;
	}
	if (st != GITREPO_READ_OK) {
		close(dfd);
		free(copy);
		return st;
	}
	/* O_NONBLOCK: a FIFO opens at once (and is refused below). */
	fd = openat(dfd, p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	close(dfd);
	free(copy);
	if (fd == -1)
		return gitrepo_errno_status(errno);
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return GITREPO_READ_DENIED;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return GITREPO_READ_SPECIAL;
	}
	if ((uint64_t)sb.st_size > max) {
		close(fd);
		return GITREPO_READ_LARGE;
	}
	/* Read to the end (the file may have grown), at most max + 1. */
	for (;;) {
		if (cancel != NULL && __atomic_load_n(cancel,
		    __ATOMIC_RELAXED)) {
			st = GITREPO_READ_CANCELLED;
			break;
		}
		if (out->size < out->len + 2) {
			size_t grow = out->size * 2;

			if (grow < (size_t)sb.st_size + 2)
				grow = (size_t)sb.st_size + 2;

			out->size = grow < 64 ? 64 : grow;
			out->data = xreallocarray(out->data, out->size, 1);
		}
		want = out->size - out->len - 1;
		if (want > GITREPO_CHUNK)
			want = GITREPO_CHUNK;
		n = read(fd, out->data + out->len, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			st = GITREPO_READ_DENIED;
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > max) {
			st = GITREPO_READ_LARGE;
			break;
		}
	}
	close(fd);
	if (out->data != NULL)
		out->data[st == GITREPO_READ_OK ? out->len : 0] = '\0';
	if (st != GITREPO_READ_OK)
		out->len = 0;
	return st;
}

char *
gitrepo_unquote(const char *s, size_t len)
{
	struct buf	 b = { 0 };
	size_t		 i;
	char		 c;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return xstrndup(s, len);
	for (i = 1; i + 1 < len; i++) {
		c = s[i];
		if (c == '\\' && i + 2 < len) {
			c = s[++i];
			switch (c) {
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			default:
				if (c >= '0' && c <= '3' && i + 2 < len - 1 &&
				    s[i + 1] >= '0' && s[i + 1] <= '7' &&
				    s[i + 2] >= '0' && s[i + 2] <= '7') {
					c = (char)(((c - '0') << 6) |
					    ((s[i + 1] - '0') << 3) |
					    (s[i + 2] - '0'));
					i += 2;
				}
				break;	/* \" \\ and anything else: itself */
			}
		}
		buf_add(&b, &c, 1);
	}
	if (b.data == NULL)
		return xstrdup("");
	return b.data;
}

/* Reads a small file at path (absolute, its last part not a link). */
static char *
gitrepo_small(const char *dir, const char *name)
{
	struct buf	 b = { 0 };
	int		 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	if (gitrepo_read(fd, name, GITREPO_SMALL, NULL, &b) !=
	    GITREPO_READ_OK) {
		close(fd);
		buf_free(&b);
		return NULL;
	}
	close(fd);
	if (b.data == NULL)
		return xstrdup("");
	b.data[strcspn(b.data, "\r\n")] = '\0';
	return b.data;
}

/* True when path/name is a directory (links followed: git does). */
static bool
gitrepo_isdir(const char *path, const char *name)
{
	struct stat	 sb;
	char		*p = xprintf("%s/%s", path, name);
	bool		 ok = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);

	free(p);
	return ok;
}

/* Resolves rel against base (absolute when rel is). */
static char *
gitrepo_resolve(const char *base, const char *rel)
{
	char	*p, *real;

	p = *rel == '/' ? xstrdup(rel) : xprintf("%s/%s", base, rel);
	real = realpath(p, NULL);
	free(p);
	return real;
}

/*
 * True when path is a git directory as git sees one: HEAD, objects and
 * refs (the last two in the common directory of a linked worktree).
 * *common gets the common directory.
 */
static bool
gitrepo_is_gitdir(const char *path, char **common)
{
	struct stat	 sb;
	char		*head, *cd, *c;

	*common = NULL;
	head = xprintf("%s/HEAD", path);
	if (lstat(head, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		free(head);
		return false;
	}
	free(head);
	c = NULL;
	if ((cd = gitrepo_small(path, "commondir")) != NULL) {
		c = gitrepo_resolve(path, cd);
		free(cd);
		if (c == NULL)
			return false;
	} else
		c = xstrdup(path);
	if (!gitrepo_isdir(c, "objects") || !gitrepo_isdir(c, "refs")) {
		free(c);
		return false;
	}
	*common = c;
	return true;
}

/*
 * Finds the git directory at or above g->dir as git's discovery does:
 * D/.git (a directory or a "gitdir: X" file), else D itself when it is a
 * git directory (bare); then the parent, up to "/" or another file
 * system.
 */
static bool
gitrepo_discover(struct gitrepo *g)
{
	struct stat	 sb, top;
	char		*d, *p, *text, *gd, *common, *slash;
	bool		 found = false;

	if (stat(g->dir, &top) == -1)
		return false;
	d = xstrdup(g->dir);
	for (;;) {
		p = xprintf("%s/.git", strcmp(d, "/") == 0 ? "" : d);
		gd = NULL;
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			gd = realpath(p, NULL);
		else if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (text = gitrepo_small(d, ".git")) != NULL) {
			if (strncmp(text, "gitdir: ", 8) == 0)
				gd = gitrepo_resolve(d, text + 8);
			free(text);
		}
		free(p);
		if (gd != NULL && gitrepo_is_gitdir(gd, &common)) {
			g->top = xstrdup(d);
			g->gitdir = gd;
			g->common = common;
			found = true;
			break;
		}
		free(gd);
		if (gitrepo_is_gitdir(d, &common)) {
			g->gitdir = xstrdup(d);
			g->common = common;
			g->bare = true;
			found = true;
			break;
		}
		if (strcmp(d, "/") == 0)
			break;
		slash = strrchr(d, '/');
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(d, &sb) == -1 || sb.st_dev != top.st_dev)
			break;
	}
	free(d);
	return found;
}

/* Copies src (a regular file, not a link, at most max) to dst. */
static bool
gitrepo_copy(int srcdir, const char *name, int dstdir, const char *dst,
    size_t max)
{
	struct buf	 b = { 0 };
	int		 fd;
	bool		 ok;

	if (gitrepo_read(srcdir, name, max, NULL, &b) != GITREPO_READ_OK) {
		buf_free(&b);
		return false;
	}
	fd = openat(dstdir, dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	ok = fd != -1 && (b.len == 0 || write(fd, b.data, b.len) ==
	    (ssize_t)b.len);
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return ok;
}

/* Copies the refs tree under src into dst: regular files only. */
static void
gitrepo_copy_refs(int src, int dst, int depth, size_t *count)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 s2, d2, fd;

	if (depth > GITREPO_REFS_DEPTH || (fd = dup(src)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL && *count < GITREPO_REFS_MAX) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(src, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		(*count)++;
		if (S_ISREG(sb.st_mode)) {
			gitrepo_copy(src, de->d_name, dst, de->d_name,
			    GITREPO_SMALL);
		} else if (S_ISDIR(sb.st_mode)) {
			if ((s2 = gitrepo_opendir_at(src, de->d_name)) == -1)
				continue;
			if (mkdirat(dst, de->d_name, 0700) == -1 ||
			    (d2 = gitrepo_opendir_at(dst, de->d_name)) == -1) {
				close(s2);
				continue;
			}
			gitrepo_copy_refs(s2, d2, depth + 1, count);
			close(s2);
			close(d2);
		}
	}
	closedir(d);
}

/* The repository's extensions.objectFormat ("" when SHA-1). */
static char *
gitrepo_object_format(const char *common)
{
	struct buf	 b = { 0 };
	char		*line, *next, *v, *out = NULL;
	bool		 ext = false;
	int		 fd;

	if ((fd = open(common, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return xstrdup("");
	if (gitrepo_read(fd, "config", GITREPO_SMALL * 256, NULL, &b) !=
	    GITREPO_READ_OK || b.data == NULL) {
		close(fd);
		buf_free(&b);
		return xstrdup("");
	}
	close(fd);
	/* Git reads the format without includes; so do we. */
	for (line = b.data; line != NULL && out == NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (*line == '[') {
			ext = strncasecmp(line, "[extensions]", 12) == 0;
			continue;
		}
		if (!ext || strncasecmp(line, "objectformat", 12) != 0)
			continue;
		v = line + 12;
		v += strspn(v, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t\"");
		v[strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789")] = '\0';
		if (*v != '\0' && strcmp(v, "sha1") != 0)
			out = xstrdup(v);
	}
	buf_free(&b);
	return out != NULL ? out : xstrdup("");
}

/* Writes the shim's config and HEAD; copies refs and what git reads. */
static int
gitrepo_shim(struct gitrepo *g, char **err)
{
	const char	*tmp = getenv("TMPDIR");
	char		*fmt, *ext, *text;
	int		 sfd = -1, gfd = -1, cfd = -1, rs, rd, fd;
	size_t		 count = 0;
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*src, *dst;

	g->shim = xprintf("%s/launchready-git.XXXXXX", tmp != NULL &&
	    *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(g->shim) == NULL) {
		set_error(err, _("cannot make a temporary directory in %s: "
		    "%s"), tmp != NULL ? tmp : "/tmp", strerror(errno));
		free(g->shim);
		g->shim = NULL;
		return -1;
	}
	sfd = open(g->shim, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	gfd = open(g->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cfd = open(g->common, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd == -1 || gfd == -1 || cfd == -1) {
		set_error(err, _("%s: cannot open the git directory: %s"),
		    g->gitdir, strerror(errno));
		goto fail;
	}
	fmt = gitrepo_object_format(g->common);
	ext = *fmt != '\0' ? xprintf("[extensions]\n\tobjectFormat = %s\n",
	    fmt) : xstrdup("");
	text = xprintf(gitrepo_config, *fmt != '\0' ? 1 : 0, g->bare ?
	    "true" : "false", ext);
	free(fmt);
	free(ext);
	fd = openat(sfd, "config", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		set_error(err, _("cannot write %s/config: %s"), g->shim,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		free(text);
		goto fail;
	}
	close(fd);
	free(text);
	if (mkdirat(sfd, "refs", 0700) == -1 ||
	    mkdirat(sfd, "objects", 0700) == -1 ||
	    mkdirat(sfd, "info", 0700) == -1) {
		set_error(err, _("cannot write %s: %s"), g->shim,
		    strerror(errno));
		goto fail;
	}
	/* HEAD: the worktree's; a broken one becomes an unborn branch. */
	if (!gitrepo_copy(gfd, "HEAD", sfd, "HEAD", GITREPO_SMALL)) {
		fd = openat(sfd, "HEAD", O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);
		if (fd == -1 || write(fd, "ref: refs/heads/main\n", 21) != 21) {
			set_error(err, _("cannot write %s/HEAD"), g->shim);
			if (fd != -1)
				close(fd);
			goto fail;
		}
		close(fd);
	}
	gitrepo_copy(cfd, "packed-refs", sfd, "packed-refs", GITREPO_LARGE);
	gitrepo_copy(cfd, "shallow", sfd, "shallow", GITREPO_LARGE);
	gitrepo_copy(cfd, "info/exclude", sfd, "info/exclude", GITREPO_LARGE);
	gitrepo_copy(cfd, "info/attributes", sfd, "info/attributes",
	    GITREPO_LARGE);
	if ((rs = gitrepo_opendir_at(cfd, "refs")) != -1) {
		if ((rd = gitrepo_opendir_at(sfd, "refs")) != -1) {
			gitrepo_copy_refs(rs, rd, 0, &count);
			close(rd);
		}
		close(rs);
	}
	/* A split index keeps its base beside it: link each (checked). */
	if ((fd = dup(gfd)) != -1 && (d = fdopendir(fd)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "sharedindex.", 12) != 0 ||
			    fstatat(gfd, de->d_name, &sb,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode))
				continue;
			src = xprintf("%s/%s", g->gitdir, de->d_name);
			dst = xprintf("%s/%s", g->shim, de->d_name);
			if (symlink(src, dst) == -1) {
				/* Not fatal: git then says the index is bad. */
			}
			free(src);
			free(dst);
		}
		closedir(d);
	} else if (fd != -1)
		close(fd);
	close(sfd);
	close(gfd);
	close(cfd);
	return 0;
fail:
	if (sfd != -1)
		close(sfd);
	if (gfd != -1)
		close(gfd);
	if (cfd != -1)
		close(cfd);
	return -1;
}

/* Adds "NAME=VALUE" to the environment being built. */
static void
gitrepo_setenv(struct strlist *env, const char *name, const char *value)
{
	strlist_addf(env, "%s=%s", name, value);
}

/*
 * Git's environment, built from nothing: only PATH is taken from ours.
 * Nothing that names a command (GIT_SSH*, GIT_ASKPASS, SSH_ASKPASS,
 * GIT_EXTERNAL_DIFF, GIT_EDITOR, GIT_PAGER's value...) nor any
 * GIT_CONFIG_* of the caller reaches git.
 */
static void
gitrepo_env(struct gitrepo *g)
{
	struct strlist	 env = { 0 };
	const char	*path = getenv("PATH");
	struct stat	 sb;
	char		*index, cwd[PATH_MAX];
	const char	*ix;
	size_t		 i;

	gitrepo_setenv(&env, "PATH", path != NULL && *path != '\0' ? path :
	    "/usr/local/bin:/usr/bin:/bin");
	gitrepo_setenv(&env, "HOME", g->shim);
	gitrepo_setenv(&env, "XDG_CONFIG_HOME", g->shim);
	gitrepo_setenv(&env, "LC_ALL", "C");
	gitrepo_setenv(&env, "GIT_DIR", g->shim);
	if (!g->bare)
		gitrepo_setenv(&env, "GIT_WORK_TREE", g->top);
	strlist_addf(&env, "GIT_OBJECT_DIRECTORY=%s/objects", g->common);
	/*
	 * Git gives a hook the index being committed (a temporary one for
	 * "commit -a"): the caller's own GIT_INDEX_FILE, relative to where
	 * it runs, is used when set (it is the caller's, not the
	 * repository's).
	 */
	ix = getenv("GIT_INDEX_FILE");
	if (ix != NULL && *ix != '\0' && *ix != '/' &&
	    getcwd(cwd, sizeof cwd) != NULL)
		index = xprintf("%s/%s", cwd, ix);
	else if (ix != NULL && *ix != '\0')
		index = xstrdup(ix);
	else
		index = xprintf("%s/index", g->gitdir);
	if (lstat(index, &sb) == 0 && S_ISREG(sb.st_mode))
		gitrepo_setenv(&env, "GIT_INDEX_FILE", index);
	else
		strlist_addf(&env, "GIT_INDEX_FILE=%s/index", g->shim);
	free(index);
	gitrepo_setenv(&env, "GIT_CONFIG_NOSYSTEM", "1");
	gitrepo_setenv(&env, "GIT_CONFIG_SYSTEM", "/dev/null");
	gitrepo_setenv(&env, "GIT_CONFIG_GLOBAL", "/dev/null");
	gitrepo_setenv(&env, "GIT_ATTR_NOSYSTEM", "1");
	gitrepo_setenv(&env, "GIT_TERMINAL_PROMPT", "0");
	gitrepo_setenv(&env, "GIT_OPTIONAL_LOCKS", "0");
	gitrepo_setenv(&env, "GIT_NO_REPLACE_OBJECTS", "1");
	gitrepo_setenv(&env, "GIT_PAGER", "cat");
	gitrepo_setenv(&env, "PAGER", "cat");
	gitrepo_setenv(&env, "GIT_ALLOW_PROTOCOL", "file");
	gitrepo_setenv(&env, "GIT_PROTOCOL_FROM_USER", "0");
	g->env = xreallocarray(NULL, env.n + 1, sizeof *g->env);
	for (i = 0; i < env.n; i++)
		g->env[i] = env.v[i];
	g->env[env.n] = NULL;
	free(env.v);
}

int
gitrepo_open(struct gitrepo *g, const char *dir, char **err)
{
	struct stat	sb;

	memset(g, 0, sizeof *g);
	if (stat(dir, &sb) == -1 && errno == ENOENT)
		return set_error(err, _("%s: no such directory"), dir);
	if (stat(dir, &sb) == -1)
		return set_error(err, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return set_error(err, _("%s: not a directory (give the "
		    "repository's folder)"), dir);
	if ((g->dir = realpath(dir, NULL)) == NULL)
		return set_error(err, _("%s: cannot resolve the path: %s"),
		    dir, strerror(errno));
	if (!gitrepo_discover(g))
		return 0;
	if (gitrepo_shim(g, err) == -1)
		return -1;
	gitrepo_env(g);
	return 1;
}

/* Removes the directory name under fd and everything in it. */
static void
gitrepo_rmtree(int fd, const char *name)
{
	DIR		*d;
	struct dirent	*de;
	int		 sub;

	if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
		return;
	if ((sub = gitrepo_opendir_at(fd, name)) == -1)
		return;
	if ((d = fdopendir(sub)) == NULL) {
		close(sub);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			gitrepo_rmtree(dirfd(d), de->d_name);
	}
	closedir(d);
	unlinkat(fd, name, AT_REMOVEDIR);
}

void
gitrepo_close(struct gitrepo *g)
{
	size_t	i;

	if (g->shim != NULL)
		gitrepo_rmtree(AT_FDCWD, g->shim);
	for (i = 0; g->env != NULL && g->env[i] != NULL; i++)
		free(g->env[i]);
	free(g->env);
	free(g->dir);
	free(g->top);
	free(g->gitdir);
	free(g->common);
	free(g->shim);
	memset(g, 0, sizeof *g);
}
