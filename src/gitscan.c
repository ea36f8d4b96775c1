/* gitscan.c: walking a repository's files and history, on a worker thread. */

#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "gitrepo.h"
#include "secrets.h"

/* Bytes of a file looked at for a NUL (as git does). */
#define GITSCAN_BINARY_PEEK	8000
/* Most findings kept (more are counted as the same). */
#define GITSCAN_MAX_FINDINGS	10000
/* Progress is posted at most this often (ms). */
#define GITSCAN_PROGRESS_MS	100

/* Scan state shared by the worker and the loop. */
struct gitscan {
	struct loop		*loop;
	enum gitscan_kind	 kind;
	char			*repo;
	char			*range;		/* GITSCAN_RANGE */
	const struct secrets_rules *rules;
	pthread_t		 thread;
	bool			 running;	/* thread not joined yet */
	int			 fds[2];	/* worker -> loop */
	pthread_mutex_t		 lock;
	struct gitscan_progress	 progress;	/* under lock */
	pid_t			 child;		/* under lock; 0: none */
	int			 cancel;	/* atomic */
	struct gitscan_report	*report;
	void			(*progress_cb)(void *,
				    const struct gitscan_progress *);
	void			(*done_cb)(void *, struct gitscan_report *);
	void			*arg;
};

/* One allow-list entry of .launchreadyignore. */
struct gitscan_allow {
	char	fp[SECRETS_FP_HEX + 1];
	char	*reason;
};

/* The worker's context. */
struct gitscan_ctx {
	struct gitscan		*gs;		/* NULL when run inline */
	enum gitscan_kind	 kind;
	const char		*repo;
	const char		*range;		/* GITSCAN_RANGE */
	struct gitrepo		 git;		/* the repository, opened */
	int			 rootfd;	/* repo, open */
	const struct secrets_rules *rules;
	struct secrets_scanner	*sc;
	struct gitscan_report	*rep;
	struct gitscan_allow	*allow;
	size_t			 nallow;
	char			*buf;		/* file contents (= file.data) */
	struct buf		 file;
	uint64_t		 last_post;
	/* The finding context. */
	const char		*cur_path;
	const char		*cur_commit;
	time_t			 cur_date;
	const size_t		*cur_lines;	/* history: line numbers */
	size_t			 cur_nlines;
};

/* True when the scan was asked to stop. */
static bool
gitscan_cancelled(struct gitscan_ctx *cx)
{
	return cx->gs != NULL && __atomic_load_n(&cx->gs->cancel,
	    __ATOMIC_RELAXED);
}

/* Posts progress to the loop, at most every GITSCAN_PROGRESS_MS. */
static void
gitscan_post(struct gitscan_ctx *cx, bool force)
{
	uint64_t	now;
	char		c = 'p';

	if (cx->gs == NULL)
		return;
	now = now_ms();
	if (!force && now - cx->last_post < GITSCAN_PROGRESS_MS)
		return;
	cx->last_post = now;
	pthread_mutex_lock(&cx->gs->lock);
	cx->gs->progress = cx->rep->progress;
	pthread_mutex_unlock(&cx->gs->lock);
	/* Non-blocking: a full pipe already has a wake-up queued. */
	if (write(cx->gs->fds[1], &c, 1) == -1 && errno != EAGAIN)
		return;
}

/*
 * Runs git with args in repo, its output on the returned descriptor
 * (stderr to /dev/null), in the environment and with the configuration
 * of gitrepo.c (none of the repository's), its address space bounded.
 * -1 when git cannot be started.
 */
static int
gitscan_git(struct gitscan_ctx *cx, const char *const *args, pid_t *pidp)
{
	static const char *const safety[] = { "-c", "core.fsmonitor=false",
	    "-c", "core.hooksPath=/dev/null", "-c", "log.showSignature=false",
	    "-c", "core.quotePath=false", "--no-pager", NULL };
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, dfl;
	const char			*argv[40];
	struct rlimit			 rl;
	int				 p[2], i = 0, n;
	pid_t				 pid;

	argv[i++] = "git";
	argv[i++] = "-C";
	argv[i++] = cx->git.dir;
	for (n = 0; safety[n] != NULL; n++)
		argv[i++] = safety[n];
	for (n = 0; args[n] != NULL && i < 39; n++)
		argv[i++] = args[n];
	argv[i] = NULL;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* The worker blocks every signal: git must not inherit that. */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	if (posix_spawnp(&pid, "git", &fa, &attr, (char *const *)argv,
	    cx->git.env) != 0) {
		posix_spawnattr_destroy(&attr);
		posix_spawn_file_actions_destroy(&fa);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	/* A bound on git's memory, whatever the repository holds. */
	rl.rlim_cur = rl.rlim_max = GITSCAN_GIT_MEMORY;
	prlimit(pid, RLIMIT_AS, &rl, NULL);
	if (cx->gs != NULL) {
		pthread_mutex_lock(&cx->gs->lock);
		cx->gs->child = pid;
		pthread_mutex_unlock(&cx->gs->lock);
	}
	*pidp = pid;
	return p[0];
}

/* Waits for git; returns its exit status (-1 when killed). */
static int
gitscan_wait(struct gitscan_ctx *cx, pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	if (cx->gs != NULL) {
		pthread_mutex_lock(&cx->gs->lock);
		cx->gs->child = 0;
		pthread_mutex_unlock(&cx->gs->lock);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs git and collects all its output into b; returns its status (-2
   when git cannot be started). */
static int
gitscan_git_output(struct gitscan_ctx *cx, const char *const *args,
    struct buf *b)
{
	char	tmp[65536];
	ssize_t	n;
	pid_t	pid;
	int	fd;

	if ((fd = gitscan_git(cx, args, &pid)) == -1)
		return -2;
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_add(b, tmp, (size_t)n);
	}
	close(fd);
	return gitscan_wait(cx, pid);
}

/*
 * Loads .launchreadyignore: "FINGERPRINT reason..." lines, # comments.
 * Read like any file of the repository: a link, FIFO or device is
 * reported, never followed or read.
 */
static void
gitscan_load_allow(struct gitscan_ctx *cx)
{
	enum gitrepo_read_status	 st;
	struct buf			 b = { 0 };
	char				*line, *next, *p, *fp;
	size_t				 n;

	st = gitrepo_read(cx->rootfd, ".launchreadyignore", GITSCAN_MAX_FILE,
	    cx->gs != NULL ? &cx->gs->cancel : NULL, &b);
	if (st != GITREPO_READ_OK) {
		if (st != GITREPO_READ_MISSING && st != GITREPO_READ_CANCELLED)
			cx->rep->ignore_error = xstrdup(
			    st == GITREPO_READ_LINK ? _("a symbolic link") :
			    st == GITREPO_READ_SPECIAL ? _("not a regular file") :
			    st == GITREPO_READ_LARGE ? _("larger than 8 MB") :
			    _("cannot be read"));
		buf_free(&b);
		return;
	}
	for (line = b.data; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\0')
			continue;
		if (strncmp(p, "fp:", 3) == 0)
			p += 3;
		fp = p;
		n = strspn(fp, "0123456789abcdefABCDEF");
		if (n < SECRETS_FP_HEX)
			continue;
		p = fp + n;
		p += strspn(p, " \t:-#");
		cx->allow = xreallocarray(cx->allow, cx->nallow + 1,
		    sizeof *cx->allow);
		memcpy(cx->allow[cx->nallow].fp, fp, SECRETS_FP_HEX);
		cx->allow[cx->nallow].fp[SECRETS_FP_HEX] = '\0';
		for (n = 0; n < SECRETS_FP_HEX; n++)
			cx->allow[cx->nallow].fp[n] |= 0x20;
		cx->allow[cx->nallow].reason = xstrndup(*p != '\0' ? p :
		    _("listed in .launchreadyignore"), 200);
		cx->nallow++;
	}
	buf_free(&b);
}

/* Records a finding of the current file or commit (history: once). */
static void
gitscan_found(void *arg, const struct secrets_finding *f)
{
	struct gitscan_ctx	*cx = arg;
	struct gitscan_report	*rep = cx->rep;
	struct gitscan_finding	*g;
	size_t			 i;

	if (cx->kind == GITSCAN_HISTORY || cx->kind == GITSCAN_RANGE) {
		for (i = 0; i < rep->nfindings; i++) {
			if (strcmp(rep->findings[i].f.fingerprint,
			    f->fingerprint) == 0 &&
			    strcmp(rep->findings[i].f.rule, f->rule) == 0)
				return;
		}
	}
	if (rep->nfindings >= GITSCAN_MAX_FINDINGS)
		return;
	rep->findings = xreallocarray(rep->findings, rep->nfindings + 1,
	    sizeof *rep->findings);
	g = &rep->findings[rep->nfindings++];
	memset(g, 0, sizeof *g);
	g->f = *f;
	if (cx->cur_lines != NULL && f->line >= 1 &&
	    f->line <= cx->cur_nlines)
		g->f.line = cx->cur_lines[f->line - 1];
	g->path = xstrdup(cx->cur_path != NULL ? cx->cur_path : "");
	if (cx->cur_commit != NULL) {
		g->commit = xstrdup(cx->cur_commit);
		g->date = cx->cur_date;
	}
	if (f->allowed)
		g->allow_reason = xstrdup(_("inline launchready:allow"));
	for (i = 0; g->allow_reason == NULL && i < cx->nallow; i++) {
		if (strcmp(cx->allow[i].fp, f->fingerprint) == 0) {
			g->allow_reason = xstrdup(cx->allow[i].reason);
			g->f.allowed = true;
		}
	}
}

/*
 * Reads path (relative to the repository) into cx->buf: never through a
 * link, never a FIFO or device, at most GITSCAN_MAX_FILE, stopping when
 * cancelled. Returns the length, or -1 when skipped (counted by why).
 */
static ssize_t
gitscan_read(struct gitscan_ctx *cx, const char *rel)
{
	enum gitrepo_read_status	st;

	st = gitrepo_read(cx->rootfd, rel, GITSCAN_MAX_FILE,
	    cx->gs != NULL ? &cx->gs->cancel : NULL, &cx->file);
	cx->buf = cx->file.data;
	switch (st) {
	case GITREPO_READ_OK:
		break;
	case GITREPO_READ_LINK:
		cx->rep->skipped_symlink++;
		return -1;
	case GITREPO_READ_SPECIAL:
		cx->rep->skipped_special++;
		return -1;
	case GITREPO_READ_LARGE:
		cx->rep->skipped_large++;
		return -1;
	case GITREPO_READ_DENIED:
		cx->rep->skipped_denied++;
		return -1;
	case GITREPO_READ_MISSING:	/* listed by git, deleted since */
	case GITREPO_READ_CANCELLED:
		return -1;
	}
	if (cx->buf == NULL) {
		buf_add(&cx->file, "", 0);
		cx->buf = cx->file.data;
	}
	if (memchr(cx->buf, '\0', cx->file.len < GITSCAN_BINARY_PEEK ?
	    cx->file.len : GITSCAN_BINARY_PEEK) != NULL &&
	    !keys_binary_candidate(cx->buf, cx->file.len)) {
		cx->rep->skipped_binary++;
		return -1;
	}
	return (ssize_t)cx->file.len;
}

/*
 * Appends the files under the directory dfd (path rel) to list; links
 * are counted, never followed; what cannot be walked (too deep, too many
 * files, permission) is counted so that the result says so.
 */
static void
gitscan_walk(struct gitscan_ctx *cx, int dfd, const char *rel,
    struct strlist *list, int depth)
{
	char		*sub;
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	int		 fd;

	if (gitscan_cancelled(cx)) {
		close(dfd);
		return;
	}
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		cx->rep->skipped_denied++;
		return;
	}
	while ((de = readdir(d)) != NULL && !gitscan_cancelled(cx)) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    -1) {
			cx->rep->skipped_denied++;
			continue;
		}
		sub = *rel == '\0' ? xstrdup(de->d_name) : xprintf("%s/%s",
		    rel, de->d_name);
		if (S_ISDIR(sb.st_mode)) {
			if (depth + 1 > GITSCAN_MAX_DEPTH)
				cx->rep->skipped_deep++;
			else if ((fd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
				cx->rep->skipped_denied++;
			else
				gitscan_walk(cx, fd, sub, list, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			if (list->n >= GITSCAN_MAX_FILES)
				cx->rep->skipped_many++;
			else
				strlist_add(list, sub);
		} else if (S_ISLNK(sb.st_mode))
			cx->rep->skipped_symlink++;
		else
			cx->rep->skipped_special++;
		free(sub);
	}
	closedir(d);
}

/* Lists the files to scan: git's view when a repository, else a walk. */
static int
gitscan_list(struct gitscan_ctx *cx, struct strlist *list, bool tracked_only)
{
	static const char *const all[] = { "ls-files", "-co",
	    "--exclude-standard", "-z", NULL };
	static const char *const tracked[] = { "ls-files", "-z", NULL };
	struct buf	 b = { 0 };
	size_t		 off = 0, n;

	int		 fd, status;

	if (!cx->rep->is_git) {
		if (tracked_only)
			return 0;
		if ((fd = dup(cx->rootfd)) == -1) {
			cx->rep->error = xprintf(_("%s: %s"), cx->repo,
			    strerror(errno));
			return -1;
		}
		gitscan_walk(cx, fd, "", list, 0);
		return 0;
	}
	if ((status = gitscan_git_output(cx, tracked_only ? tracked : all,
	    &b)) != 0) {
		buf_free(&b);
		if (gitscan_cancelled(cx))
			return -1;
		cx->rep->error = status == -2 ? xstrdup(_("git is not "
		    "installed (or not on PATH): the repository's files "
		    "cannot be listed")) : xstrdup(_("git ls-files failed: "
		    "the repository's index may be damaged"));
		return -1;
	}
	while (off < b.len) {
		n = strlen(b.data + off);
		if (n > 0 && list->n >= GITSCAN_MAX_FILES)
			cx->rep->skipped_many++;
		else if (n > 0)
			strlist_add(list, b.data + off);
		off += n + 1;
	}
	buf_free(&b);
	return 0;
}

/* The working tree: every listed file through the scanner. */
static void
gitscan_worktree(struct gitscan_ctx *cx)
{
	struct strlist	list = { 0 };
	ssize_t		len;
	size_t		i;

	if (gitscan_list(cx, &list, false) != 0)
		return;
	for (i = 0; i < list.n && !gitscan_cancelled(cx); i++) {
		if ((len = gitscan_read(cx, list.v[i])) < 0)
			continue;
		cx->rep->progress.files++;
		cx->rep->progress.bytes += (uint64_t)len;
		cx->cur_path = list.v[i];
		secrets_scan(cx->sc, list.v[i], cx->buf, (size_t)len,
		    gitscan_found, cx);
		gitscan_post(cx, false);
	}
	cx->cur_path = NULL;
	strlist_clear(&list);
}

/* The added lines of one file in one commit, being gathered. */
struct gitscan_patch {
	char	*path;
	struct buf text;
	size_t	*lines;
	size_t	 nlines;
	size_t	 alloc;
	bool	 full;
};

/* Scans the gathered added lines of a file, then empties it. */
static void
gitscan_patch_flush(struct gitscan_ctx *cx, struct gitscan_patch *p)
{
	if (p->path != NULL && p->text.len > 0) {
		cx->rep->progress.files++;
		cx->rep->progress.bytes += p->text.len;
		cx->cur_path = p->path;
		cx->cur_lines = p->lines;
		cx->cur_nlines = p->nlines;
		secrets_scan(cx->sc, p->path, p->text.data, p->text.len,
		    gitscan_found, cx);
		cx->cur_lines = NULL;
		cx->cur_path = NULL;
	}
	free(p->path);
	p->path = NULL;
	p->text.len = 0;
	if (p->text.data != NULL)
		p->text.data[0] = '\0';
	p->nlines = 0;
	p->full = false;
}

/* Adds one added line (without its '+') at file line number. */
static void
gitscan_patch_line(struct gitscan_ctx *cx, struct gitscan_patch *p,
    const char *s, size_t len, size_t lineno)
{
	if (p->path == NULL || p->full)
		return;
	if (p->text.len + len + 1 > GITSCAN_MAX_FILE) {
		p->full = true;
		cx->rep->skipped_large++;
		return;
	}
	if (p->nlines == p->alloc) {
		p->alloc = p->alloc == 0 ? 256 : p->alloc * 2;
		p->lines = xreallocarray(p->lines, p->alloc, sizeof *p->lines);
	}
	p->lines[p->nlines++] = lineno;
	buf_add(&p->text, s, len);
	buf_add(&p->text, "\n", 1);
}

/* A line reader over a descriptor, lines of any length (cut at a bound). */
struct gitscan_reader {
	int	 fd;
	char	*data;
	size_t	 size;
	size_t	 start;
	size_t	 end;
	bool	 eof;
};

/* Returns the next line (without '\n') and its length; NULL at the end. */
static char *
gitscan_readline(struct gitscan_reader *r, size_t *lenp)
{
	char	*nl;
	ssize_t	 n;

	for (;;) {
		nl = memchr(r->data + r->start, '\n', r->end - r->start);
		if (nl != NULL) {
			char *line = r->data + r->start;

			*lenp = (size_t)(nl - line);
			r->start = (size_t)(nl - r->data) + 1;
			return line;
		}
		if (r->eof) {
			if (r->start == r->end)
				return NULL;
			*lenp = r->end - r->start;
			r->start = r->end;
			return r->data + r->end - *lenp;
		}
		if (r->start > 0) {
			memmove(r->data, r->data + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->size) {
			if (r->size >= GITSCAN_MAX_FILE + 65536) {
				/* A giant line: hand out what we have. */
				*lenp = r->end;
				r->start = r->end;
				return r->data;
			}
			r->size *= 2;
			r->data = xreallocarray(r->data, r->size, 1);
		}
		n = read(r->fd, r->data + r->end, r->size - r->end);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			r->eof = true;
		else
			r->end += (size_t)n;
	}
}

/* Parses "@@ -a,b +c,d @@": c into *start, b and d into the counts. */
static bool
gitscan_hunk(const char *s, size_t *start, size_t *ndel, size_t *nadd)
{
	char	*end;

	if (strncmp(s, "@@ -", 4) != 0)
		return false;
	strtoul(s + 4, &end, 10);
	*ndel = 1;
	if (*end == ',')
		*ndel = strtoul(end + 1, &end, 10);
	if (strncmp(end, " +", 2) != 0)
		return false;
	*start = strtoul(end + 2, &end, 10);
	*nadd = 1;
	if (*end == ',')
		*nadd = strtoul(end + 1, &end, 10);
	return true;
}

/*
 * Parses a merge's combined hunk header "@@@ -a,b -c,d +e,f @@@" (one "-"
 * range per parent): e into *start, the parent count into *nparents.
 */
static bool
gitscan_combined_hunk(const char *s, size_t *start, size_t *nparents)
{
	size_t	 at = 0, n = 0;
	char	*end;

	while (s[at] == '@')
		at++;
	if (at < 3 || s[at] != ' ')
		return false;
	s += at;
	while (strncmp(s, " -", 2) == 0) {
		strtoul(s + 2, &end, 10);
		if (*end == ',')
			strtoul(end + 1, &end, 10);
		s = end;
		n++;
	}
	if (n != at - 1 || strncmp(s, " +", 2) != 0)
		return false;
	*start = strtoul(s + 2, NULL, 10);
	*nparents = n;
	return true;
}

/*
 * One line of a merge's combined hunk: a column of "+", "-" or " " per
 * parent, then the text. A line with "-" in a column is not in the
 * result; one with "+" in every column was written by the merge itself
 * (a conflict resolution, an "evil merge"): only that is scanned, as the
 * rest came from a parent and was scanned in the commit that added it.
 * Returns false at the end of the hunk.
 */
static bool
gitscan_combined_line(struct gitscan_ctx *cx, struct gitscan_patch *p,
    char *line, size_t len, size_t nparents, size_t *lineno)
{
	size_t	i, plus = 0;

	if (len < nparents)
		return false;
	for (i = 0; i < nparents; i++) {
		if (line[i] == '-')
			return true;
		if (line[i] == '+')
			plus++;
		else if (line[i] != ' ')
			return false;
	}
	if (plus == nparents)
		gitscan_patch_line(cx, p, line + nparents, len - nparents,
		    *lineno);
	(*lineno)++;
	return true;
}

/*
 * The path of a "+++ b/PATH" line (after "+++ "): git C-quotes a name
 * with a quote, backslash or control character ("b/a\"b") and ends a
 * name holding a space with a tab. NULL for /dev/null.
 */
static char *
gitscan_diff_path(const char *s, size_t len)
{
	char	*q, *path;

	if (len > 0 && s[len - 1] == '\t')
		len--;
	if (len > 0 && s[0] == '"') {
		q = gitrepo_unquote(s, len);
		path = strncmp(q, "b/", 2) == 0 ? xstrdup(q + 2) : NULL;
		free(q);
		return path;
	}
	if (len > 2 && strncmp(s, "b/", 2) == 0)
		return xstrndup(s + 2, len - 2);
	return NULL;
}

/*
 * The history: git log -p of every ref, added lines only. With --cc, a
 * merge shows a combined diff of what it changed against every parent, so
 * lines a merge wrote itself are scanned too.
 */
static void
gitscan_history(struct gitscan_ctx *cx)
{
	static const char *const all[] = { "log", "--all", "--reverse",
	    "-p", "--cc", "--no-color", "--no-ext-diff", "--no-renames",
	    "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "-U0",
	    "--format=%x01%H %at", NULL };
	static const char *const staged[] = { "diff", "--cached", "-p",
	    "--no-color", "--no-ext-diff", "--no-renames", "--no-textconv",
	    "--src-prefix=a/", "--dst-prefix=b/", "-U0", NULL };
	const char *range[] = { "log", "--reverse", "-p", "--cc",
	    "--no-color", "--no-ext-diff", "--no-renames", "--no-textconv",
	    "--src-prefix=a/", "--dst-prefix=b/", "-U0",
	    "--format=%x01%H %at", cx->range, "--", NULL };
	const char *const *args = cx->kind == GITSCAN_STAGED ? staged :
	    cx->kind == GITSCAN_RANGE ? range : all;
	struct gitscan_reader	 r;
	struct gitscan_patch	 p;
	char			 commit[65] = "", *line;
	size_t			 len, lineno = 0, ndel = 0, nadd = 0;
	size_t			 nparents = 0;
	pid_t			 pid;
	int			 status;
	enum { HEADER, HUNK, COMBINED, OTHER } state = OTHER;

	memset(&r, 0, sizeof r);
	memset(&p, 0, sizeof p);
	if ((r.fd = gitscan_git(cx, args, &pid)) == -1) {
		cx->rep->error = xstrdup(_("git is not installed (or not on "
		    "PATH): the history cannot be read"));
		return;
	}
	r.size = 1 << 16;
	r.data = xmalloc(r.size);
	while ((line = gitscan_readline(&r, &len)) != NULL) {
		if (gitscan_cancelled(cx))
			break;
		if (state == HUNK && (ndel > 0 || nadd > 0)) {
			if (len > 0 && line[0] == '+' && nadd > 0) {
				gitscan_patch_line(cx, &p, line + 1, len - 1,
				    lineno++);
				nadd--;
				continue;
			}
			if (len > 0 && line[0] == '-' && ndel > 0) {
				ndel--;
				continue;
			}
			if (len > 0 && line[0] == '\\')
				continue;
		}
		if (state == COMBINED && gitscan_combined_line(cx, &p, line,
		    len, nparents, &lineno))
			continue;
		if (len > 0 && line[0] == '\\')
			continue;
		if (len > 0 && line[0] == '\001') {
			gitscan_patch_flush(cx, &p);
			len = len - 1 < 64 ? len - 1 : 64;
			memcpy(commit, line + 1, len);
			commit[len] = '\0';
			commit[strcspn(commit, " ")] = '\0';
			cx->cur_date = (time_t)strtoll(line + 1 +
			    strlen(commit), NULL, 10);
			cx->cur_commit = commit;
			cx->rep->progress.commits++;
			state = OTHER;
			gitscan_post(cx, false);
			continue;
		}
		if ((len > 11 && strncmp(line, "diff --git ", 11) == 0) ||
		    (len > 10 && strncmp(line, "diff --cc ", 10) == 0)) {
			gitscan_patch_flush(cx, &p);
			state = HEADER;
			continue;
		}
		if (state == HEADER && len >= 4 &&
		    strncmp(line, "+++ ", 4) == 0) {
			free(p.path);
			p.path = gitscan_diff_path(line + 4, len - 4);
			continue;
		}
		if (state == HEADER && len > 13 &&
		    strncmp(line, "Binary files ", 13) == 0) {
			cx->rep->skipped_binary++;
			continue;
		}
		if (len > 4 && (strncmp(line, "@@ -", 4) == 0 ||
		    strncmp(line, "@@@", 3) == 0)) {
			char save = line[len];

			line[len] = '\0';
			if (gitscan_hunk(line, &lineno, &ndel, &nadd))
				state = HUNK;
			else if (gitscan_combined_hunk(line, &lineno,
			    &nparents))
				state = COMBINED;
			else
				state = OTHER;
			line[len] = save;
			continue;
		}
	}
	gitscan_patch_flush(cx, &p);
	cx->cur_commit = NULL;
	close(r.fd);
	if (gitscan_cancelled(cx) && cx->gs != NULL)
		kill(pid, SIGTERM);
	status = gitscan_wait(cx, pid);
	if (status != 0 && !gitscan_cancelled(cx) && cx->rep->error == NULL)
		cx->rep->error = status == -1 ? xstrdup(_("git log was "
		    "stopped (out of its 1 GB of memory?): the history was "
		    "not fully scanned")) : xprintf(_("git log failed "
		    "(status %d): the history was not fully scanned"), status);
	free(r.data);
	free(p.lines);
	buf_free(&p.text);
}

/* The environment a .env-style file is for, from its name. */
static const char *
gitscan_env_name(const char *base)
{
	const char *dot;

	if (strcmp(base, ".env") == 0)
		return "default";
	if (strncmp(base, ".env.", 5) == 0)
		return base + 5;
	if ((dot = strstr(base, ".env")) != NULL && dot[4] == '\0')
		return NULL;
	return NULL;
}

/* True for .env, .env.* and *.env file names. */
static bool
gitscan_is_envfile(const char *path)
{
	const char	*base = strrchr(path, '/');
	size_t		 n;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (strcmp(base, ".env") == 0 || strncmp(base, ".env.", 5) == 0)
		return true;
	return n > 4 && strcmp(base + n - 4, ".env") == 0;
}

/* True for .env.example and friends (names that say "template"). */
static bool
gitscan_is_template(const char *path)
{
	static const char *const words[] = { "example", "sample", "template",
	    "dist", "default", "tpl", "schema", "skel", NULL };
	size_t	i;

	for (i = 0; words[i] != NULL; i++) {
		if (strstr(path, words[i]) != NULL)
			return true;
	}
	return false;
}

/* Counts KEY=VALUE lines of buf with a real (non-placeholder) value. */
static size_t
gitscan_env_values(const char *buf, size_t len)
{
	const char	*p = buf, *e = buf + len, *nl, *eq, *v, *ve;
	size_t		 n = 0;

	for (; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if (p == nl || *p == '#')
			continue;
		if ((eq = memchr(p, '=', (size_t)(nl - p))) == NULL)
			continue;
		v = eq + 1;
		ve = nl;
		while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
		    ve[-1] == '\t'))
			ve--;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		if (ve - v >= 2 && (*v == '"' || *v == '\'') && ve[-1] == *v) {
			v++;
			ve--;
		}
		if (ve == v || secrets_placeholder(v, (size_t)(ve - v)))
			continue;
		n++;
	}
	return n;
}

/* Collects findings of buf into *count (env-files). */
static void
gitscan_count_cb(void *arg, const struct secrets_finding *f)
{
	size_t	*count = arg;

	if (!f->allowed && !f->publishable)
		(*count)++;
}

/* secrets.env-files: tracked .env files and .gitignore coverage. */
static void
gitscan_envfiles(struct gitscan_ctx *cx)
{
	static const char *const ignore[] = { "check-ignore", "-q",
	    "--no-index", ".env", NULL };
	struct strlist	 list = { 0 };
	struct buf	 b = { 0 };
	ssize_t		 len;
	size_t		 i, n, hits;

	if (!cx->rep->is_git) {
		cx->rep->error = xstrdup(_("not a git repository: nothing is "
		    "tracked, so no .env file can be"));
		return;
	}
	if (cx->rep->bare) {
		cx->rep->error = xstrdup(_("a bare repository has no working "
		    "tree: its files are checked by secrets.history"));
		return;
	}
	if (gitscan_list(cx, &list, true) != 0)
		return;
	for (i = 0; i < list.n && !gitscan_cancelled(cx); i++) {
		if (!gitscan_is_envfile(list.v[i]))
			continue;
		cx->rep->progress.files++;
		if ((len = gitscan_read(cx, list.v[i])) < 0)
			continue;
		if (gitscan_is_template(list.v[i])) {
			hits = 0;
			secrets_scan(cx->sc, list.v[i], cx->buf, (size_t)len,
			    gitscan_count_cb, &hits);
			if (hits > 0)
				strlist_add(&cx->rep->env_template_secrets,
				    list.v[i]);
			else
				strlist_add(&cx->rep->env_templates, list.v[i]);
			continue;
		}
		n = gitscan_env_values(cx->buf, (size_t)len);
		if (n > 0)
			strlist_addf(&cx->rep->env_tracked, "%s (%zu %s)",
			    list.v[i], n, n == 1 ? _("value") : _("values"));
		else
			strlist_add(&cx->rep->env_templates, list.v[i]);
	}
	strlist_clear(&list);
	cx->rep->env_ignored = gitscan_git_output(cx, ignore, &b) == 0;
	buf_free(&b);
}

/* Records variable name as used in environment env (file path). */
static void
gitscan_var(struct gitscan_ctx *cx, const char *name, size_t len,
    const char *env, const char *path)
{
	struct gitscan_report	*rep = cx->rep;
	struct gitscan_var	*v = NULL;
	size_t			 i;

	if (len == 0 || len > 100)
		return;
	for (i = 0; i < rep->nvars; i++) {
		if (strlen(rep->vars[i].name) == len &&
		    memcmp(rep->vars[i].name, name, len) == 0) {
			v = &rep->vars[i];
			break;
		}
	}
	if (v == NULL) {
		if (rep->nvars >= GITSCAN_MAX_VARS) {
			rep->vars_capped = true;
			return;
		}
		rep->vars = xreallocarray(rep->vars, rep->nvars + 1,
		    sizeof *rep->vars);
		v = &rep->vars[rep->nvars++];
		memset(v, 0, sizeof *v);
		v->name = xstrndup(name, len);
		v->first_path = xstrdup(path);
	}
	if (!strlist_has(&v->envs, env))
		strlist_add(&v->envs, env);
}

/* Compares variables by name (qsort). */
static int
gitscan_var_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gitscan_var *)a)->name,
	    ((const struct gitscan_var *)b)->name);
}

/* secrets.inventory: variable names from env files and code. */
static void
gitscan_inventory(struct gitscan_ctx *cx)
{
	static const char pattern[] =
	    "process\\.env\\.([A-Za-z_][A-Za-z0-9_]*)"
	    "|process\\.env\\[\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']"
	    "|import\\.meta\\.env\\.([A-Za-z_][A-Za-z0-9_]*)"
	    "|os\\.environ(?:\\.get)?\\s*[\\[(]\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)"
	    "|getenv\\s*\\(\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']"
	    "|ENV(?:\\.fetch)?\\s*[\\[(]\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)"
	    "|env::var\\s*\\(\\s*\"([A-Za-z_][A-Za-z0-9_]*)"
	    "|Deno\\.env\\.get\\s*\\(\\s*[\"']([A-Za-z_][A-Za-z0-9_]*)";
	static const char envline[] =
	    "(?m)^[ \\t]*(?:export[ \\t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \\t]*=";
	struct strlist		 list = { 0 };
	pcre2_code		*re, *re_env;
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov, off;
	int			 code, rc, g;
	PCRE2_SIZE		 eoff;
	ssize_t			 len;
	size_t			 i;
	const char		*base, *env;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0,
	    &code, &eoff, NULL);
	re_env = pcre2_compile((PCRE2_SPTR)envline, PCRE2_ZERO_TERMINATED, 0,
	    &code, &eoff, NULL);
	if (re == NULL || re_env == NULL)
		fatal("inventory pattern does not compile");
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	pcre2_jit_compile(re_env, PCRE2_JIT_COMPLETE);
	md = pcre2_match_data_create(16, NULL);
	if (gitscan_list(cx, &list, false) != 0)
		goto out;
	for (i = 0; i < list.n && !gitscan_cancelled(cx); i++) {
		if ((len = gitscan_read(cx, list.v[i])) < 0)
			continue;
		cx->rep->progress.files++;
		cx->rep->progress.bytes += (uint64_t)len;
		base = strrchr(list.v[i], '/');
		base = base != NULL ? base + 1 : list.v[i];
		if (gitscan_is_envfile(list.v[i])) {
			env = gitscan_env_name(base);
			if (env == NULL)
				env = base;
			for (off = 0; (rc = pcre2_match(re_env,
			    (PCRE2_SPTR)cx->buf, (size_t)len, off, 0, md,
			    NULL)) >= 2; ) {
				ov = pcre2_get_ovector_pointer(md);
				gitscan_var(cx, cx->buf + ov[2], ov[3] - ov[2],
				    env, list.v[i]);
				off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			}
			continue;
		}
		if (memmem(cx->buf, (size_t)len, "env", 3) == NULL &&
		    memmem(cx->buf, (size_t)len, "ENV", 3) == NULL)
			continue;
		for (off = 0; (rc = pcre2_match(re, (PCRE2_SPTR)cx->buf,
		    (size_t)len, off, 0, md, NULL)) >= 0; ) {
			ov = pcre2_get_ovector_pointer(md);
			for (g = 1; g < rc; g++) {
				if (ov[2 * g] != PCRE2_UNSET) {
					gitscan_var(cx, cx->buf + ov[2 * g],
					    ov[2 * g + 1] - ov[2 * g], "code",
					    list.v[i]);
					break;
				}
			}
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
		gitscan_post(cx, false);
	}
	if (cx->rep->nvars > 1)
		qsort(cx->rep->vars, cx->rep->nvars, sizeof *cx->rep->vars,
		    gitscan_var_cmp);
out:
	strlist_clear(&list);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	pcre2_code_free(re_env);
}

/* Runs the scan of cx->kind; fills cx->rep. */
static void
gitscan_do(struct gitscan_ctx *cx)
{
	size_t	i;
	int	found;

	cx->rootfd = -1;
	if ((found = gitrepo_open(&cx->git, cx->repo, &cx->rep->error)) ==
	    -1)
		goto out;
	if ((cx->rootfd = open(cx->git.dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		cx->rep->error = xprintf(_("%s: %s"), cx->repo,
		    strerror(errno));
		goto out;
	}
	cx->rep->is_git = found == 1;
	cx->rep->bare = cx->git.bare;
	cx->sc = secrets_scanner_new(cx->rules);
	gitscan_load_allow(cx);
	switch (cx->kind) {
	case GITSCAN_WORKTREE:
	case GITSCAN_INVENTORY:
		if (cx->rep->bare)
			cx->rep->error = xstrdup(_("a bare repository has no "
			    "working tree: its files are checked by "
			    "secrets.history"));
		else if (cx->kind == GITSCAN_WORKTREE)
			gitscan_worktree(cx);
		else
			gitscan_inventory(cx);
		break;
	case GITSCAN_HISTORY:
	case GITSCAN_STAGED:
	case GITSCAN_RANGE:
		if (!cx->rep->is_git)
			cx->rep->error = xstrdup(_("not a git repository: "
			    "there is no history to scan"));
		else
			gitscan_history(cx);
		break;
	case GITSCAN_ENVFILES:
		gitscan_envfiles(cx);
		break;
	}
	secrets_scanner_free(cx->sc);
out:
	for (i = 0; i < cx->nallow; i++)
		free(cx->allow[i].reason);
	free(cx->allow);
	buf_free(&cx->file);
	if (cx->rootfd != -1)
		close(cx->rootfd);
	gitrepo_close(&cx->git);
}

void
gitscan_report_free(struct gitscan_report *rep)
{
	size_t	i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->nfindings; i++) {
		free(rep->findings[i].path);
		free(rep->findings[i].commit);
		free(rep->findings[i].allow_reason);
	}
	free(rep->findings);
	for (i = 0; i < rep->nvars; i++) {
		free(rep->vars[i].name);
		free(rep->vars[i].first_path);
		strlist_clear(&rep->vars[i].envs);
	}
	free(rep->vars);
	strlist_clear(&rep->env_tracked);
	strlist_clear(&rep->env_templates);
	strlist_clear(&rep->env_template_secrets);
	free(rep->error);
	free(rep->ignore_error);
	free(rep);
}

/* The worker thread: runs the scan and tells the loop it is done. */
static void *
gitscan_thread(void *arg)
{
	struct gitscan		*gs = arg;
	struct gitscan_ctx	 cx;
	sigset_t		 set;
	char			 c = 'd';

	/* Signals are the loop thread's business. */
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	memset(&cx, 0, sizeof cx);
	cx.gs = gs;
	cx.kind = gs->kind;
	cx.repo = gs->repo;
	cx.range = gs->range;
	cx.rules = gs->rules;
	cx.rep = gs->report;
	gitscan_do(&cx);
	gitscan_post(&cx, true);
	/* Blocking write of the last byte: the loop always gets it. */
	while (write(gs->fds[1], &c, 1) == -1 && errno == EAGAIN) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* Joins the worker and closes the pipe. */
static void
gitscan_join(struct gitscan *gs)
{
	if (!gs->running)
		return;
	pthread_join(gs->thread, NULL);
	gs->running = false;
	loop_fd(gs->loop, gs->fds[0], 0, NULL, NULL);
	close(gs->fds[0]);
	close(gs->fds[1]);
}

/* The worker wrote to the pipe: progress or the end. */
static void
gitscan_readable(int fd, int revents, void *arg)
{
	struct gitscan		*gs = arg;
	struct gitscan_progress	 p;
	char			 tmp[256];
	ssize_t			 n, i;
	bool			 done = false;

	(void)revents;
	n = read(fd, tmp, sizeof tmp);
	for (i = 0; i < n; i++) {
		if (tmp[i] == 'd')
			done = true;
	}
	if (n == 0)
		done = true;
	if (done) {
		gitscan_join(gs);
		if (gs->done_cb != NULL)
			gs->done_cb(gs->arg, gs->report);
		return;
	}
	if (gs->progress_cb != NULL) {
		gitscan_get_progress(gs, &p);
		gs->progress_cb(gs->arg, &p);
	}
}

struct gitscan *
gitscan_start(struct loop *loop, enum gitscan_kind kind, const char *repo,
    const struct secrets_rules *rules,
    void (*progress_cb)(void *, const struct gitscan_progress *),
    void (*done_cb)(void *, struct gitscan_report *), void *arg)
{
	return gitscan_start_range(loop, kind, repo, NULL, rules, progress_cb,
	    done_cb, arg);
}

struct gitscan *
gitscan_start_range(struct loop *loop, enum gitscan_kind kind,
    const char *repo, const char *range, const struct secrets_rules *rules,
    void (*progress_cb)(void *, const struct gitscan_progress *),
    void (*done_cb)(void *, struct gitscan_report *), void *arg)
{
	struct gitscan	*gs;

	gs = xcalloc(1, sizeof *gs);
	gs->loop = loop;
	gs->kind = kind;
	gs->repo = xstrdup(repo);
	gs->range = range != NULL ? xstrdup(range) : NULL;
	gs->rules = rules;
	gs->progress_cb = progress_cb;
	gs->done_cb = done_cb;
	gs->arg = arg;
	gs->report = xcalloc(1, sizeof *gs->report);
	pthread_mutex_init(&gs->lock, NULL);
	if (pipe2(gs->fds, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe: %s", strerror(errno));
	loop_fd(loop, gs->fds[0], POLLIN, gitscan_readable, gs);
	if (pthread_create(&gs->thread, NULL, gitscan_thread, gs) != 0)
		fatal("pthread_create failed");
	gs->running = true;
	return gs;
}

void
gitscan_cancel(struct gitscan *gs)
{
	if (gs == NULL || !gs->running)
		return;
	__atomic_store_n(&gs->cancel, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&gs->lock);
	if (gs->child > 0)
		kill(gs->child, SIGTERM);
	pthread_mutex_unlock(&gs->lock);
	gs->done_cb = NULL;
	gs->progress_cb = NULL;
	gitscan_join(gs);
}

void
gitscan_free(struct gitscan *gs)
{
	if (gs == NULL)
		return;
	gitscan_cancel(gs);
	pthread_mutex_destroy(&gs->lock);
	gitscan_report_free(gs->report);
	free(gs->repo);
	free(gs->range);
	free(gs);
}

void
gitscan_get_progress(struct gitscan *gs, struct gitscan_progress *p)
{
	pthread_mutex_lock(&gs->lock);
	*p = gs->progress;
	pthread_mutex_unlock(&gs->lock);
}
