/* cmdline.c: the command line of every mode. */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launchready.h"
#include "app.h"

enum {
	OPT_RESOLVER = 256, OPT_PORT_MAP, OPT_CACERT, OPT_SUBDOMAINS,
	OPT_DKIM, OPT_REPO, OPT_TIMEOUT, OPT_SESSION_DIR, OPT_NO_COLOR,
	OPT_LOGIN_URL, OPT_HEALTH_URL, OPT_API_URL, OPT_EMAIL, OPT_SENDER_IP,
	OPT_ALLOW_ACTIVE, OPT_FORMAT, OPT_ONLY, OPT_FAIL_ON, OPT_HELP,
	OPT_VERSION, OPT_BASELINE, OPT_FAIL_ON_NEW, OPT_GITHUB, OPT_GITLAB,
	OPT_TARGETS, OPT_JOBS, OPT_SHARD, OPT_SMOKE
};

static const struct option long_options[] = {
	{ "resolver",		required_argument, NULL, OPT_RESOLVER },
	{ "port-map",		required_argument, NULL, OPT_PORT_MAP },
	{ "cacert",		required_argument, NULL, OPT_CACERT },
	{ "subdomains",		required_argument, NULL, OPT_SUBDOMAINS },
	{ "dkim-selectors",	required_argument, NULL, OPT_DKIM },
	{ "repo",		required_argument, NULL, OPT_REPO },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "session-dir",	required_argument, NULL, OPT_SESSION_DIR },
	{ "no-color",		no_argument,	   NULL, OPT_NO_COLOR },
	{ "login-url",		required_argument, NULL, OPT_LOGIN_URL },
	{ "health-url",		required_argument, NULL, OPT_HEALTH_URL },
	{ "api-url",		required_argument, NULL, OPT_API_URL },
	{ "email",		required_argument, NULL, OPT_EMAIL },
	{ "sender-ip",		required_argument, NULL, OPT_SENDER_IP },
	{ "allow-active",	no_argument,	   NULL, OPT_ALLOW_ACTIVE },
	{ "smoke",		required_argument, NULL, OPT_SMOKE },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "only",		required_argument, NULL, OPT_ONLY },
	{ "fail-on",		required_argument, NULL, OPT_FAIL_ON },
	{ "output",		required_argument, NULL, 'o' },
	{ "baseline",		required_argument, NULL, OPT_BASELINE },
	{ "fail-on-new",	no_argument,	   NULL, OPT_FAIL_ON_NEW },
	{ "github",		no_argument,	   NULL, OPT_GITHUB },
	{ "gitlab",		no_argument,	   NULL, OPT_GITLAB },
	{ "targets",		required_argument, NULL, OPT_TARGETS },
	{ "jobs",		required_argument, NULL, OPT_JOBS },
	{ "shard",		required_argument, NULL, OPT_SHARD },
	{ "help",		no_argument,	   NULL, OPT_HELP },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static const struct {
	const char	*name;
	enum command	 command;
} commands[] = {
	{ "new",	COMMAND_NEW },
	{ "resume",	COMMAND_RESUME },
	{ "list",	COMMAND_LIST },
	{ "audit",	COMMAND_AUDIT },
	{ "report",	COMMAND_REPORT },
	{ "diff",	COMMAND_DIFF },
	{ "export",	COMMAND_EXPORT },
	{ "help",	COMMAND_HELP },
};

const char *
cmdline_usage_after(void)
{
	return _(
"\n"
"After the sprint:\n"
"  launchready audit DOMAIN --baseline PREVIOUS.json [--fail-on-new]\n"
"                      mark each check new, fixed, regressed or unchanged;\n"
"                      --fail-on-new: --fail-on counts new and regressed only\n"
"  launchready diff BEFORE.json AFTER.json [--format text|json]\n"
"                      the same comparison of two saved audits\n"
"  launchready export monitoring NAME [-o DIR]\n"
"                      blackbox_exporter modules, Prometheus scrape\n"
"                      configuration and alert rules for the session's routes\n"
"  launchready export ci NAME --github|--gitlab [-o FILE]\n"
"                      a CI workflow running the session's audit\n"
"  launchready audit --targets FILE [--jobs N] [--shard K/N] [opts]\n"
"                      one audit per line of FILE (DOMAIN and its options),\n"
"                      N at once (default 8), as JSON Lines; a table on\n"
"                      standard error; --shard: every N-th line from the K-th\n");
}

const char *
cmdline_usage(void)
{
	return _(
"Usage:\n"
"  launchready                         start screen (new or resume)\n"
"  launchready new [DOMAIN]            new session, form pre-filled\n"
"  launchready resume [NAME]           resume a saved session\n"
"  launchready list                    saved sessions, one per line\n"
"  launchready audit DOMAIN [opts]     run checks with no terminal UI\n"
"  launchready report NAME [--format md|html|json] [-o FILE]\n"
"  launchready scan [PATH] [opts]      the secret scanner alone (scan --help)\n"
"  launchready hook install|uninstall [--repo DIR] [--force]\n"
"                                      a pre-commit hook running scan --staged\n"
"  launchready --help | --version\n"
"\n"
"Options for every mode:\n"
"  --resolver ADDR[:PORT][,...]  DNS servers to ask (default: the system's)\n"
"  --port-map 80:8080,443:8443   connect to other ports (local test labs)\n"
"  --cacert FILE                 an extra trust anchor (PEM)\n"
"  --subdomains LIST             subdomains to check (app,api,admin...)\n"
"  --dkim-selectors LIST         DKIM selectors to look up\n"
"  --repo DIR                    the source repository to scan\n"
"  --timeout SECS                per network operation (default 10)\n"
"  --session-dir DIR             where sessions are kept\n"
"  --no-color                    no colour (NO_COLOR is honoured too)\n"
"  --login-url URL  --health-url URL  --api-url URL (repeatable)\n"
"  --email yes|no                the product sends email (default: from MX/SPF)\n"
"  --sender-ip IP                evaluate SPF for this sending address\n"
"  --allow-active                opt in to the login rate-limit probe\n"
"  --smoke FILE                  the smoke plan (checked before anything runs)\n"
"\n"
"audit:\n"
"  --format text|json|md|sarif   output format (default text)\n"
"  --only LIST                   check ids, families (dns, email...) or stages\n"
"  --fail-on critical|high|medium  exit 1 at or above this (default high)\n"
"  -o FILE                       write the results to FILE (atomically)\n"
"\n"
"report:\n"
"  --format md|html|json         (default md)   -o FILE  (default stdout)\n"
"\n"
"Exit status: 0 all decided and nothing at or above --fail-on; 1 findings\n"
"at or above it; 2 usage error; 3 the audit could not run; 4 nothing at\n"
"the level, but some checks could not decide.\n");
}

/* Replaces *dst with a copy of src. */
static void
set_string(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

/* Checks a URL option: http(s) with a host. */
static int
check_url(const char *option, const char *url, char **err)
{
	const char	*host;

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return set_error(err, _("%s: \"%s\" is not an http:// or "
		    "https:// URL"), option, url);
	if (*host == '\0' || *host == '/' || *host == ':')
		return set_error(err, _("%s: \"%s\" has no host"), option, url);
	return 0;
}

/* True when s is a numeric IPv4 or IPv6 address. */
static bool
is_ip(const char *s)
{
	unsigned char	addr[16];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

/* Checks one --resolver entry: IPv4[:PORT], IPv6 or [IPv6][:PORT]. */
static int
check_resolver(const char *entry, char **err)
{
	char		*host, *port = NULL, *end;
	const char	*close;
	long		 n;
	int		 r = 0;

	if (entry[0] == '[') {
		if ((close = strchr(entry, ']')) == NULL)
			goto bad;
		host = xstrndup(entry + 1, close - entry - 1);
		if (close[1] == ':')
			port = xstrdup(close + 2);
		else if (close[1] != '\0') {
			free(host);
			goto bad;
		}
	} else if (strchr(entry, ':') != strrchr(entry, ':')) {
		host = xstrdup(entry);		/* bare IPv6 */
	} else if ((close = strchr(entry, ':')) != NULL) {
		host = xstrndup(entry, close - entry);
		port = xstrdup(close + 1);
	} else
		host = xstrdup(entry);
	if (!is_ip(host))
		r = -1;
	if (port != NULL) {
		n = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || n < 1 || n > 65535)
			r = -1;
	}
	free(host);
	free(port);
	if (r == 0)
		return 0;
bad:
	return set_error(err, _("--resolver \"%s\": give an IP address with "
	    "an optional port (192.0.2.53, 127.0.0.1:5353, [::1]:53)"), entry);
}

/*
 * Adds the comma-separated host labels or names of arg to list, lower-cased;
 * -1 with *err naming the first one that is not a valid host name.
 */
static int
check_names(const char *option, const char *arg, struct strlist *list,
    char **err)
{
	struct strlist	 parts = { 0 };
	char		*name, *p;
	size_t		 i;
	bool		 ok;

	strlist_split(&parts, arg);
	for (i = 0; i < parts.n; i++) {
		for (p = parts.v[i]; *p != '\0'; p++)
			*p = tolower((unsigned char)*p);
		name = xprintf("%s.test", parts.v[i]);
		ok = domain_is_hostname(name);
		free(name);
		if (!ok) {
			set_error(err, _("%s: \"%s\" is not a host name (letters, "
			    "digits and hyphens, such as app or api.example.com)"),
			    option, parts.v[i]);
			strlist_clear(&parts);
			return -1;
		}
	}
	for (i = 0; i < parts.n; i++)
		strlist_add(list, parts.v[i]);
	strlist_clear(&parts);
	return 0;
}

/* Parses one option into cl; EXIT_USAGE with *err on a bad value. */
/* Checks that --cacert names a readable regular file. */
static int
cmdline_cacert(const char *arg, char **err)
{
	struct stat	sb;
	int		fd;

	if (stat(arg, &sb) == -1)
		return set_error(err, errno == ENOENT ? _("--cacert %s: no "
		    "such file") : _("--cacert %s: cannot be read: %s"), arg,
		    strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return set_error(err, _("--cacert %s: a directory; give a PEM "
		    "file"), arg);
	if (!S_ISREG(sb.st_mode))
		return set_error(err, _("--cacert %s: not a regular file; "
		    "give a PEM file"), arg);
	if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) == -1)
		return set_error(err, _("--cacert %s: cannot be read: %s"),
		    arg, strerror(errno));
	close(fd);
	return 0;
}

static int
cmdline_option(struct cmdline *cl, int c, const char *arg, char **err)
{
	struct options	*opt = &cl->opt;
	char		*end;
	long		 n;
	struct stat	 sb;
	size_t		 i;

	switch (c) {
	case OPT_RESOLVER:
		cl->given |= OPTION_RESOLVERS;
		strlist_clear(&opt->resolvers);
		strlist_split(&opt->resolvers, arg);
		if (opt->resolvers.n == 0) {
			set_error(err, _("--resolver needs ADDR[:PORT]"));
			return EXIT_USAGE;
		}
		for (i = 0; i < opt->resolvers.n; i++) {
			if (check_resolver(opt->resolvers.v[i], err) == -1)
				return EXIT_USAGE;
		}
		break;
	case OPT_PORT_MAP:
		cl->given |= OPTION_PORT_MAP;
		if (options_parse_port_map(opt, arg, err) == -1)
			return EXIT_USAGE;
		break;
	case OPT_CACERT:
		cl->given |= OPTION_CACERT;
		if (cmdline_cacert(arg, err) == -1)
			return EXIT_USAGE;
		set_string(&opt->cacert, arg);
		break;
	case OPT_SUBDOMAINS:
		cl->given |= OPTION_SUBDOMAINS;
		if (check_names("--subdomains", arg, &opt->subdomains,
		    err) == -1)
			return EXIT_USAGE;
		break;
	case OPT_DKIM:
		cl->given |= OPTION_DKIM;
		strlist_split(&opt->dkim_selectors, arg);
		break;
	case OPT_REPO:
		cl->given |= OPTION_REPO;
		if (stat(arg, &sb) == -1) {
			set_error(err, errno == ENOENT ? _("--repo %s: no such "
			    "directory") : _("--repo %s: cannot be read"), arg);
			return EXIT_USAGE;
		}
		if (!S_ISDIR(sb.st_mode)) {
			set_error(err, _("--repo %s: not a directory (give the "
			    "repository's folder)"), arg);
			return EXIT_USAGE;
		}
		set_string(&opt->repo, arg);
		break;
	case OPT_TIMEOUT:
		cl->given |= OPTION_TIMEOUT;
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || n < 1 || n > 600) {
			set_error(err, _("--timeout %s: give a number of "
			    "seconds from 1 to 600"), arg);
			return EXIT_USAGE;
		}
		opt->timeout = (int)n;
		break;
	case OPT_SESSION_DIR:
		set_string(&opt->session_dir, arg);
		break;
	case OPT_NO_COLOR:
		opt->no_color = true;
		break;
	case OPT_LOGIN_URL:
		cl->given |= OPTION_LOGIN_URL;
		if (check_url("--login-url", arg, err) == -1)
			return EXIT_USAGE;
		set_string(&opt->login_url, arg);
		break;
	case OPT_HEALTH_URL:
		cl->given |= OPTION_HEALTH_URL;
		if (check_url("--health-url", arg, err) == -1)
			return EXIT_USAGE;
		set_string(&opt->health_url, arg);
		break;
	case OPT_API_URL:
		cl->given |= OPTION_API_URL;
		if (check_url("--api-url", arg, err) == -1)
			return EXIT_USAGE;
		strlist_add(&opt->api_urls, arg);
		break;
	case OPT_EMAIL:
		cl->given |= OPTION_EMAIL;
		if (strcmp(arg, "yes") == 0)
			opt->email = 1;
		else if (strcmp(arg, "no") == 0)
			opt->email = 0;
		else {
			set_error(err, _("--email %s: give yes or no"), arg);
			return EXIT_USAGE;
		}
		break;
	case OPT_SENDER_IP:
		cl->given |= OPTION_SENDER_IP;
		if (!is_ip(arg)) {
			set_error(err, _("--sender-ip %s: give an IPv4 or IPv6 "
			    "address"), arg);
			return EXIT_USAGE;
		}
		set_string(&opt->sender_ip, arg);
		break;
	case OPT_ALLOW_ACTIVE:
		cl->given |= OPTION_ALLOW_ACTIVE;
		opt->allow_active = true;
		break;
	case OPT_SMOKE:
		if (smoke_check_file(arg, err) == -1)
			return EXIT_USAGE;
		set_string(&opt->smoke, arg);
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			cl->format = FORMAT_TEXT;
		else if (strcmp(arg, "json") == 0)
			cl->format = FORMAT_JSON;
		else if (strcmp(arg, "md") == 0)
			cl->format = FORMAT_MD;
		else if (strcmp(arg, "html") == 0)
			cl->format = FORMAT_HTML;
		else if (strcmp(arg, "sarif") == 0)
			cl->format = FORMAT_SARIF;
		else {
			set_error(err, cl->command == COMMAND_AUDIT ?
			    _("--format %s: give text, json, md or sarif") :
			    cl->command == COMMAND_REPORT ? _("--format %s: "
			    "give md, html or json") : _("--format %s: give "
			    "text, json, md, html or sarif"), arg);
			return EXIT_USAGE;
		}
		cl->format_set = true;
		break;
	case OPT_ONLY:
		i = cl->only.n;
		strlist_split(&cl->only, arg);
		if (cl->only.n == i) {
			set_error(err, _("--only needs check ids, families or "
			    "stage numbers, such as --only dns,tls.expiry,1"));
			return EXIT_USAGE;
		}
		break;
	case OPT_FAIL_ON:
		if (severity_parse(arg, &cl->fail_on) == -1 ||
		    cl->fail_on < SEVERITY_MEDIUM) {
			set_error(err, _("--fail-on %s: give critical, high or "
			    "medium"), arg);
			return EXIT_USAGE;
		}
		break;
	case 'o':
		if (*arg == '\0') {
			set_error(err, "%s", _("-o needs a file name"));
			return EXIT_USAGE;
		}
		set_string(&cl->output, arg);
		break;
	case OPT_BASELINE:
		if (*arg == '\0') {
			set_error(err, "%s", _("--baseline needs the JSON file "
			    "of an earlier audit"));
			return EXIT_USAGE;
		}
		set_string(&cl->baseline, arg);
		break;
	case OPT_FAIL_ON_NEW:
		cl->fail_on_new = true;
		break;
	case OPT_GITHUB:
	case OPT_GITLAB:
		cl->ci = c == OPT_GITHUB ? CI_GITHUB : CI_GITLAB;
		break;
	case OPT_TARGETS:
		if (*arg == '\0') {
			set_error(err, "%s", _("--targets needs a file, one "
			    "client per line"));
			return EXIT_USAGE;
		}
		set_string(&cl->targets, arg);
		break;
	case OPT_JOBS:
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || n < 1 || n > 64) {
			set_error(err, _("--jobs %s: give a number of audits "
			    "at once from 1 to 64"), arg);
			return EXIT_USAGE;
		}
		cl->jobs = (int)n;
		break;
	case OPT_SHARD:
		if (sscanf(arg, "%d/%d%c", &cl->shard_k, &cl->shard_n,
		    &(char){ 0 }) != 2 || cl->shard_n < 1 ||
		    cl->shard_n > 10000 || cl->shard_k < 1 ||
		    cl->shard_k > cl->shard_n) {
			set_error(err, _("--shard %s: give K/N with 1 <= K <= "
			    "N, such as --shard 2/4"), arg);
			return EXIT_USAGE;
		}
		break;
	case OPT_HELP:
		cl->command = COMMAND_HELP;
		break;
	case OPT_VERSION:
		cl->command = COMMAND_VERSION;
		break;
	default:
		set_error(err, _("unknown option (see launchready --help)"));
		return EXIT_USAGE;
	}
	return 0;
}

int
cmdline_parse(struct cmdline *cl, int argc, char **argv, char **err)
{
	int		 c, r, first = 1;
	size_t		 i;
	enum command	 command = COMMAND_START;
	bool		 help = false, version = false;

	memset(cl, 0, sizeof *cl);
	options_init(&cl->opt);
	cl->fail_on = SEVERITY_HIGH;
	cl->jobs = 8;
	cl->argc = argc;
	cl->argv = argv;
	cl->command = COMMAND_START;
	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		cl->opt.no_color = true;

	/* scan and hook parse their own arguments (cmd-scan.c, hook.c). */
	if (argc > 1 && (strcmp(argv[1], "scan") == 0 ||
	    strcmp(argv[1], "hook") == 0)) {
		cl->command = argv[1][0] == 's' ? COMMAND_SCAN : COMMAND_HOOK;
		cl->rest_argc = argc - 1;
		cl->rest_argv = argv + 1;
		return 0;
	}
	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < nitems(commands); i++) {
			if (strcmp(argv[1], commands[i].name) == 0)
				break;
		}
		if (i == nitems(commands)) {
			set_error(err, _("unknown command \"%s\" (see "
			    "launchready --help)"), argv[1]);
			return EXIT_USAGE;
		}
		command = commands[i].command;
		first = 2;
	}
	/*
	 * Scan from the word before the options (the command or the program
	 * name) with optind 0, which makes getopt start afresh: its internal
	 * state from an earlier call must not leak into this one.
	 */
	argc -= first - 1;
	argv += first - 1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", long_options, NULL)) != -1) {
		/* optopt names a short option (getopt may still be inside
		   its word, so argv[optind - 1] is not it). */
		if (c == '?' && optopt != 0) {
			set_error(err, _("unknown option -%c (see launchready "
			    "--help)"), optopt);
			return EXIT_USAGE;
		}
		if (c == '?') {
			set_error(err, _("unknown option %s (see launchready "
			    "--help)"), argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (c == ':' && optopt > 0 && optopt < 256) {
			set_error(err, _("option -%c needs a value"), optopt);
			return EXIT_USAGE;
		}
		if (c == ':') {
			set_error(err, _("option %s needs a value"),
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
		cl->command = command;
		if ((r = cmdline_option(cl, c, optarg, err)) != 0)
			return r;
		help = help || cl->command == COMMAND_HELP;
		version = version || cl->command == COMMAND_VERSION;
	}
	/* Options before the command: "launchready --timeout 5 audit x". */
	if (first == 1 && optind < argc) {
		for (i = 0; i < nitems(commands); i++) {
			if (strcmp(argv[optind], commands[i].name) == 0) {
				command = commands[i].command;
				optind++;
				break;
			}
		}
	}
	cl->command = help ? COMMAND_HELP : version ? COMMAND_VERSION : command;
	if (cl->command == COMMAND_HELP || cl->command == COMMAND_VERSION)
		return 0;
	if (optind < argc)
		cl->arg = xstrdup(argv[optind++]);
	if (optind < argc && (cl->command == COMMAND_DIFF ||
	    cl->command == COMMAND_EXPORT))
		cl->arg2 = xstrdup(argv[optind++]);
	if (optind < argc) {
		set_error(err, _("unexpected argument \"%s\" (see launchready "
		    "--help)"), argv[optind]);
		return EXIT_USAGE;
	}
	switch (cl->command) {
	case COMMAND_START:
	case COMMAND_LIST:
		if (cl->arg != NULL) {
			set_error(err, _("unexpected argument \"%s\" (see "
			    "launchready --help)"), cl->arg);
			return EXIT_USAGE;
		}
		break;
	case COMMAND_AUDIT:
		if (cl->targets != NULL && cl->arg != NULL) {
			set_error(err, _("audit takes a DOMAIN or --targets "
			    "FILE, not both"));
			return EXIT_USAGE;
		}
		if (cl->targets != NULL)
			break;
		if (cl->arg == NULL) {
			set_error(err, _("audit needs a DOMAIN, such as "
			    "`launchready audit example.com`"));
			return EXIT_USAGE;
		}
		/* FALLTHROUGH */
	case COMMAND_NEW:
		if (cl->arg == NULL)
			break;
		if (domain_normalise(cl->arg, &cl->opt.domain,
		    &cl->opt.domain_unicode, err) == -1)
			return EXIT_USAGE;
		break;
	case COMMAND_REPORT:
		if (cl->arg == NULL) {
			set_error(err, _("report needs a session NAME (see "
			    "`launchready list`)"));
			return EXIT_USAGE;
		}
		if (!cl->format_set)
			cl->format = FORMAT_MD;
		if (cl->format != FORMAT_MD && cl->format != FORMAT_HTML &&
		    cl->format != FORMAT_JSON) {
			set_error(err, _("report --format: give md, html or "
			    "json"));
			return EXIT_USAGE;
		}
		break;
	case COMMAND_DIFF:
		if (cl->arg2 == NULL) {
			set_error(err, _("diff needs two audits, such as "
			    "`launchready diff before.json after.json`"));
			return EXIT_USAGE;
		}
		if (cl->format != FORMAT_TEXT && cl->format != FORMAT_JSON) {
			set_error(err, _("diff --format: give text or json"));
			return EXIT_USAGE;
		}
		break;
	case COMMAND_EXPORT:
		if (cl->arg == NULL || cl->arg2 == NULL) {
			set_error(err, _("export needs what and a session, such "
			    "as `launchready export monitoring NAME`"));
			return EXIT_USAGE;
		}
		break;
	default:
		break;
	}
	if (cl->fail_on_new && cl->baseline == NULL &&
	    cl->command == COMMAND_AUDIT) {
		set_error(err, _("--fail-on-new needs --baseline FILE (the "
		    "audit to compare with)"));
		return EXIT_USAGE;
	}
	if (cl->command == COMMAND_AUDIT && cl->format == FORMAT_HTML) {
		set_error(err, _("audit --format: give text, json, md or "
		    "sarif"));
		return EXIT_USAGE;
	}
	return 0;
}

void
cmdline_clear(struct cmdline *cl)
{
	free(cl->arg);
	free(cl->arg2);
	free(cl->baseline);
	free(cl->targets);
	options_clear(&cl->opt);
	strlist_clear(&cl->only);
	free(cl->output);
	memset(cl, 0, sizeof *cl);
}
