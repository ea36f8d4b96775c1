/*
 * lighthouse.c: perf.lighthouse. Runs the `lighthouse` command-line tool
 * (npm) with Chromium on the landing page as a child process watched by
 * the loop: its names resolved by the audit's resolver and its ports mapped
 * by --port-map (Chromium's --host-resolver-rules), its JSON read back for
 * the four category scores and the largest contentful paint.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "json.h"

#define LH_FACTOR	6		/* time limit: 6 × --timeout */
#define LH_OUT_MAX	(16 * 1024 * 1024)	/* bytes of JSON read */
#define LH_WARN		80
#define LH_FAIL_PERF	50

extern char **environ;

static const struct {
	const char	*key;		/* in the JSON's categories */
	const char	*label;
} lh_categories[] = {
	{ "performance",	N_("performance") },
	{ "accessibility",	N_("accessibility") },
	{ "best-practices",	N_("best practices") },
	{ "seo",		N_("SEO") },
};

struct lh_run {
	struct check_run	*run;
	char			*tool;
	char			*chrome;
	char			*url;
	struct strlist		 rules;		/* host resolver rules */
	unsigned		 lookups;	/* names still being resolved */
	bool			 cancelled;
	bool			 orphan;	/* freed: free on the last lookup */
	pid_t			 pid;
	int			 fd;
	struct buf		 out;
	bool			 too_big;
	struct timer		*timer;		/* the time limit */
	struct timer		*reap;		/* waiting for the exit */
	unsigned		 reaps;
};

/* The full path of an executable named name in PATH, or NULL. */
static char *
lh_which(const char *name)
{
	const char	*path = getenv("PATH");
	char		*copy, *dir, *save = NULL, *full;

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		full = xprintf("%s/%s", dir, name);
		if (access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
}

/* Stops the child and its Chromium (one process group) and reaps it. */
static void
lh_kill(struct lh_run *lr)
{
	int	status;

	if (lr->fd != -1) {
		loop_fd(lr->run->audit->loop, lr->fd, 0, NULL, NULL);
		close(lr->fd);
		lr->fd = -1;
	}
	if (lr->pid > 0) {
		kill(-lr->pid, SIGKILL);
		while (waitpid(lr->pid, &status, 0) == -1 && errno == EINTR)
			;
		lr->pid = 0;
	}
	loop_timer_cancel(lr->run->audit->loop, lr->timer);
	loop_timer_cancel(lr->run->audit->loop, lr->reap);
	lr->timer = lr->reap = NULL;
}

/* The score of category key (0 to 100), or -1 when it has none. */
static int
lh_score(const struct json *root, const char *key)
{
	const struct json	*c = json_get(root, "categories");

	if (c == NULL || (c = json_get(c, key)) == NULL ||
	    (c = json_get(c, "score")) == NULL || c->type != JSON_NUMBER)
		return -1;
	return (int)(c->num * 100 + 0.5);
}

/* Reads the report: the verdict from the four scores. */
static void
lh_judge(struct lh_run *lr)
{
	struct result		*res = &lr->run->result;
	struct json		*root;
	const struct json	*a, *err_j;
	char			*err = NULL;
	int			 score[nitems(lh_categories)];
	size_t			 i, low = 0;
	struct buf		 line = { 0 };

	if ((root = json_parse(lr->out.data != NULL ? lr->out.data : "",
	    lr->out.len, &err)) == NULL) {
		result_set(res, STATUS_ERROR, SEVERITY_NONE, _("Lighthouse "
		    "gave no report that could be read (%s)"), err);
		free(err);
		return;
	}
	if ((err_j = json_get(root, "runtimeError")) != NULL &&
	    json_get_string(err_j, "message") != NULL) {
		result_set(res, STATUS_ERROR, SEVERITY_NONE, _("Lighthouse "
		    "could not load %s: %s"), lr->url,
		    json_get_string(err_j, "message"));
		json_free(root);
		return;
	}
	for (i = 0; i < nitems(lh_categories); i++) {
		score[i] = lh_score(root, lh_categories[i].key);
		buf_printf(&line, "%s%s %s", i ? ", " : "",
		    _(lh_categories[i].label), score[i] < 0 ? "?" :
		    "");
		if (score[i] >= 0)
			buf_printf(&line, "%d", score[i]);
		if (score[i] >= 0 && score[i] < LH_WARN)
			low++;
	}
	result_evidence(res, _("%s: %s"), lr->url, line.data);
	buf_free(&line);
	if ((a = json_get(root, "audits")) != NULL &&
	    (a = json_get(a, "largest-contentful-paint")) != NULL &&
	    (a = json_get(a, "numericValue")) != NULL &&
	    a->type == JSON_NUMBER)
		result_evidence(res, _("largest contentful paint: %.1f s"),
		    a->num / 1000.0);
	if (json_get_string(root, "lighthouseVersion") != NULL)
		result_evidence(res, _("Lighthouse %s, its default mobile "
		    "emulation and throttling"),
		    json_get_string(root, "lighthouseVersion"));
	for (i = 0; i < nitems(lh_categories); i++) {
		if (score[i] < 0) {
			result_set(res, STATUS_ERROR, SEVERITY_NONE,
			    _("Lighthouse gave no %s score"),
			    _(lh_categories[i].label));
			json_free(root);
			return;
		}
	}
	if (score[0] < LH_FAIL_PERF)
		result_set(res, STATUS_FAIL, SEVERITY_HIGH, _("performance "
		    "scores %d, under %d: the landing page is slow for a "
		    "first visitor"), score[0], LH_FAIL_PERF);
	else if (low > 0)
		result_set(res, STATUS_WARN, SEVERITY_MEDIUM, ngettext(
		    "%zu Lighthouse score is under %d", "%zu Lighthouse "
		    "scores are under %d", low), low, LH_WARN);
	else
		result_set(res, STATUS_PASS, SEVERITY_NONE, _("every "
		    "Lighthouse score is %d or more"), LH_WARN);
	json_free(root);
}

/* Polls for the child's exit after its output ended (bounded). */
static void
lh_reap(void *arg)
{
	struct lh_run	*lr = arg;
	int		 status;
	pid_t		 p;

	lr->reap = NULL;
	p = waitpid(lr->pid, &status, WNOHANG);
	if (p == 0 && ++lr->reaps < 100) {
		lr->reap = loop_timer(lr->run->audit->loop, 50, lh_reap, lr);
		return;
	}
	if (p == lr->pid)
		lr->pid = 0;
	lh_kill(lr);
	if (lr->too_big)
		result_set(&lr->run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("Lighthouse's report passed %d MB"),
		    LH_OUT_MAX / (1024 * 1024));
	else
		lh_judge(lr);
	check_finish(lr->run);
}

/* The child's standard output: the JSON report. */
static void
lh_read(int fd, int revents, void *arg)
{
	struct lh_run	*lr = arg;
	char		 chunk[65536];
	ssize_t		 n;

	(void)revents;
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (lr->out.len + (size_t)n > LH_OUT_MAX)
			lr->too_big = true;
		else
			buf_add(&lr->out, chunk, (size_t)n);
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	loop_fd(lr->run->audit->loop, fd, 0, NULL, NULL);
	close(fd);
	lr->fd = -1;
	lh_reap(lr);
}

/* The time limit passed: stop Lighthouse and Chromium. */
static void
lh_timeout(void *arg)
{
	struct lh_run	*lr = arg;
	int		 t = lr->run->audit->opt->timeout > 0 ?
			    lr->run->audit->opt->timeout :
			    OPTIONS_DEFAULT_TIMEOUT;

	lr->timer = NULL;
	lh_kill(lr);
	result_set(&lr->run->result, STATUS_ERROR, SEVERITY_NONE,
	    _("Lighthouse did not finish within %d s (6 × --timeout)"),
	    t * LH_FACTOR);
	check_finish(lr->run);
}

/* Starts lighthouse with the rules gathered; its output on a pipe. */
static void
lh_spawn(struct lh_run *lr)
{
	const struct options		*opt = lr->run->audit->opt;
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	struct buf			 flags = { 0 };
	char				*rules, *flagarg, *envchrome;
	char				*argv[16];
	char				**env;
	size_t				 i, n = 0, ne;
	int				 p[2], t, rc;

	/* In a lab (--port-map), names outside it cannot answer: fail them at
	   once rather than wait for the system's DNS to time out. */
	if (opt->nport_map > 0)
		strlist_add(&lr->rules, "MAP * ~NOTFOUND");
	rules = strlist_join(&lr->rules, ",");
	buf_puts(&flags, "--chrome-flags=--headless=new --no-sandbox "
	    "--disable-gpu --disable-dev-shm-usage --no-first-run");
	if (*rules != '\0')
		buf_printf(&flags, " --host-resolver-rules='%s'", rules);
	/* Chromium keeps its own trust store: a lab's --cacert is taken as
	   accepting that lab's certificates (tls.* judges them). */
	if (opt->cacert != NULL)
		buf_puts(&flags, " --ignore-certificate-errors");
	free(rules);
	flagarg = flags.data;
	argv[n++] = lr->tool;
	argv[n++] = lr->url;
	argv[n++] = (char *)"--output=json";
	argv[n++] = (char *)"--output-path=stdout";
	argv[n++] = (char *)"--quiet";
	argv[n++] = (char *)"--only-categories=performance,accessibility,"
	    "best-practices,seo";
	argv[n++] = (char *)"--skip-audits=screenshot-thumbnails,"
	    "final-screenshot,full-page-screenshot";
	argv[n++] = flagarg;
	argv[n] = NULL;
	for (ne = 0; environ[ne] != NULL; ne++)
		;
	env = xcalloc(ne + 2, sizeof *env);
	for (i = 0, ne = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "CHROME_PATH=", 12) != 0)
			env[ne++] = environ[i];
	}
	envchrome = xprintf("CHROME_PATH=%s", lr->chrome);
	env[ne++] = envchrome;
	env[ne] = NULL;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&lr->pid, lr->tool, &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	free(envchrome);
	free(env);
	buf_free(&flags);
	if (rc != 0) {
		close(p[0]);
		lr->pid = 0;
		result_set(&lr->run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("Lighthouse could not be started: %s"), strerror(rc));
		check_finish(lr->run);
		return;
	}
	lr->fd = p[0];
	loop_fd(lr->run->audit->loop, lr->fd, POLLIN, lh_read, lr);
	t = opt->timeout > 0 ? opt->timeout : OPTIONS_DEFAULT_TIMEOUT;
	lr->timer = loop_timer(lr->run->audit->loop, (unsigned)t * 1000 *
	    LH_FACTOR, lh_timeout, lr);
}

struct lh_lookup {
	struct lh_run	*lr;
	char		*host;
};

/* A web host was resolved: map it, on both ports, to its address. */
static void
lh_resolved(void *arg, enum resolve_status status,
    const struct strlist *addrs)
{
	struct lh_lookup	*lk = arg;
	struct lh_run		*lr = lk->lr;
	const struct options	*opt;
	const char		*a = NULL;
	size_t			 i;

	lr->lookups--;
	if (lr->orphan || lr->cancelled) {
		free(lk->host);
		free(lk);
		if (lr->orphan && lr->lookups == 0)
			free(lr);
		return;
	}
	opt = lr->run->audit->opt;
	for (i = 0; status == RESOLVE_OK && addrs != NULL && i < addrs->n;
	    i++) {
		if (a == NULL || strchr(a, ':') != NULL)
			a = addrs->v[i];	/* IPv4 first */
	}
	if (a != NULL) {
		bool v6 = strchr(a, ':') != NULL;

		strlist_addf(&lr->rules, "MAP %s:443 %s%s%s:%d", lk->host,
		    v6 ? "[" : "", a, v6 ? "]" : "", options_port(opt, 443));
		strlist_addf(&lr->rules, "MAP %s:80 %s%s%s:%d", lk->host,
		    v6 ? "[" : "", a, v6 ? "]" : "", options_port(opt, 80));
	}
	free(lk->host);
	free(lk);
	if (lr->lookups == 0)
		lh_spawn(lr);
}

static void
check_lighthouse_start(struct check_run *run)
{
	const struct options	*opt = run->audit->opt;
	struct lh_run		*lr;
	struct lh_lookup	*lk;
	const char		*tool = getenv("LAUNCHREADY_LIGHTHOUSE");
	const char		*chrome = getenv("CHROME_PATH");
	char			*hosts[2];
	size_t			 i;

	lr = xcalloc(1, sizeof *lr);
	lr->run = run;
	lr->fd = -1;
	run->state = lr;
	lr->tool = lh_which(tool != NULL && *tool != '\0' ? tool :
	    "lighthouse");
	if (chrome != NULL && *chrome != '\0')
		lr->chrome = lh_which(chrome);
	for (i = 0; lr->chrome == NULL && i < 3; i++)
		lr->chrome = lh_which((const char *[]){ "chromium",
		    "chromium-browser", "google-chrome" }[i]);
	if (lr->tool == NULL || lr->chrome == NULL) {
		result_set(&run->result, STATUS_SKIPPED, SEVERITY_NONE, "%s",
		    lr->tool == NULL ? _("Lighthouse is not installed: "
		    "npm install -g lighthouse@12.2.3 (with Chromium: "
		    "apt-get install chromium), then run again") :
		    _("Chromium is not installed for Lighthouse: apt-get "
		    "install chromium (or set CHROME_PATH), then run again"));
		check_finish(run);
		return;
	}
	lr->url = xprintf("https://%s/", opt->domain);
	hosts[0] = xstrdup(opt->domain);
	hosts[1] = xprintf("www.%s", opt->domain);
	lr->lookups = 2;
	for (i = 0; i < 2; i++) {
		lk = xcalloc(1, sizeof *lk);
		lk->lr = lr;
		lk->host = hosts[i];
		resolver_addresses(run->audit->resolver, lk->host,
		    lh_resolved, lk);
	}
}

static void
check_lighthouse_cancel(struct check_run *run)
{
	struct lh_run	*lr = run->state;

	if (lr == NULL)
		return;
	lr->cancelled = true;
	lh_kill(lr);
}

static void
check_lighthouse_free(struct check_run *run)
{
	struct lh_run	*lr = run->state;

	if (lr == NULL)
		return;
	run->state = NULL;
	lh_kill(lr);
	free(lr->tool);
	free(lr->chrome);
	free(lr->url);
	strlist_clear(&lr->rules);
	buf_free(&lr->out);
	if (lr->lookups > 0)
		lr->orphan = true;
	else
		free(lr);
}

const struct check_def check_lighthouse_def = {
	.id = "perf.lighthouse",
	.start = check_lighthouse_start,
	.cancel = check_lighthouse_cancel,
	.free = check_lighthouse_free,
	.timeout_factor = LH_FACTOR
};
