/*
 * data.c: the data files (each data/NAME.cfg but the checklist). One table
 * files and their parsers, one read with one error form ("PATH:LINE:
 * message"), one parsed copy per process shared read-only by the audits
 * (parsed again when the file changes), and one way for a check to report
 * a file it cannot use: error, never a pass or a fail.
 */

#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "dns.h"
#include "secrets.h"
#include "tls.h"
#include "web.h"

/* The engines' parsers and destructors, typed for the table. */
#define DATA_WRAP(name, type, parse_fn, free_fn)			\
	static void *							\
	data_parse_##name(config_t *cfg, const char *path, char **err)	\
	{								\
		return parse_fn(cfg, path, err);			\
	}								\
	static void							\
	data_free_##name(void *p)					\
	{								\
		free_fn((type *)p);					\
	}

DATA_WRAP(web, struct web_data, check_web_parse, check_web_data_free)
DATA_WRAP(tls, struct tlscert_cas, tlscert_cas_parse, tlscert_cas_free)
DATA_WRAP(secrets, struct secrets_rules, secrets_rules_config,
    secrets_rules_free)
DATA_WRAP(providers, struct dns_providers, check_dns_providers_parse,
    check_dns_providers_free)
DATA_WRAP(selectors, struct strlist, check_dns_selectors_parse,
    check_dns_selectors_free)
DATA_WRAP(origin, struct strlist, check_origin_names_parse,
    check_origin_names_free)

/* The files and their parsers, in enum data_file order. */
static const struct data_ops data_ops[DATA_COUNT] = {
	[DATA_WEB] = {
		.file = "web.cfg",
		.parse = data_parse_web,
		.free = data_free_web
	},
	[DATA_TLS] = {
		.file = "tls.cfg",
		.parse = data_parse_tls,
		.free = data_free_tls
	},
	[DATA_SECRET_RULES] = {
		.file = SECRETS_RULES_FILE,
		.parse = data_parse_secrets,
		.free = data_free_secrets
	},
	[DATA_DNS_PROVIDERS] = {
		.file = "dns-providers.cfg",
		.parse = data_parse_providers,
		.free = data_free_providers
	},
	[DATA_DKIM_SELECTORS] = {
		.file = "dkim-selectors.cfg",
		.parse = data_parse_selectors,
		.free = data_free_selectors
	},
	[DATA_ORIGIN_NAMES] = {
		.file = "origin-names.cfg",
		.parse = data_parse_origin,
		.free = data_free_origin
	},
};

const char *
data_file_name(enum data_file f)
{
	return data_ops[f].file;
}

char *
data_path(const char *file)
{
	const char	*dir = getenv("LAUNCHREADY_DATADIR");
	char		*path;
	struct stat	 sb;

	if (dir != NULL && *dir != '\0')
		return xprintf("%s/%s", dir, file);
	path = xprintf("%s/%s", PKGDATADIR, file);
	if (stat(path, &sb) == 0)
		return path;
	free(path);
	path = xprintf("%s/%s", SRCDATADIR, file);
	if (stat(path, &sb) == 0)
		return path;
	free(path);
	return xprintf("%s/%s", PKGDATADIR, file);
}

int
data_read(config_t *cfg, const char *path, char **err)
{
	FILE	*f;
	int	 ok;

	config_init(cfg);
	if ((f = fopen(path, "r")) == NULL)
		return set_error(err, _("%s: cannot read the file: %s"), path,
		    strerror(errno));
	ok = config_read(cfg, f);
	fclose(f);
	if (ok != CONFIG_TRUE && config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return set_error(err, _("%s: cannot read the file"), path);
	if (ok != CONFIG_TRUE)
		return set_error(err, "%s:%d: %s", path,
		    config_error_line(cfg), config_error_text(cfg) != NULL ?
		    config_error_text(cfg) : _("cannot be parsed"));
	return 0;
}

/*
 * One parsed file shared by the audits of the process: the cache holds
 * one reference to the newest, each audit one to the copy it got.
 */
struct data_shared {
	enum data_file		 f;
	char			*path;
	struct stat		 sb;		/* of path when read */
	bool			 have_sb;
	void			*obj;		/* NULL: cannot be used */
	char			*error;		/* why, when obj is NULL */
	unsigned		 refs;
	struct data_shared	*next;		/* every live copy */
};

static pthread_mutex_t		 data_lock = PTHREAD_MUTEX_INITIALIZER;
static struct data_shared	*data_newest[DATA_COUNT];
static struct data_shared	*data_live;

/* Reads and parses file f; NULL with *err. */
static void *
data_load(enum data_file f, const char *path, char **err)
{
	config_t	 cfg;
	void		*obj = NULL;

	if (data_read(&cfg, path, err) == 0)
		obj = data_ops[f].parse(&cfg, path, err);
	config_destroy(&cfg);
	return obj;
}

/* True when d was read from path as the file is now. */
static bool
data_fresh(const struct data_shared *d, const char *path,
    const struct stat *sb, bool have)
{
	if (strcmp(d->path, path) != 0 || d->have_sb != have)
		return false;
	if (!have)
		return false;	/* missing: look again */
	return d->sb.st_dev == sb->st_dev && d->sb.st_ino == sb->st_ino &&
	    d->sb.st_size == sb->st_size &&
	    d->sb.st_mtim.tv_sec == sb->st_mtim.tv_sec &&
	    d->sb.st_mtim.tv_nsec == sb->st_mtim.tv_nsec &&
	    d->sb.st_ctim.tv_sec == sb->st_ctim.tv_sec &&
	    d->sb.st_ctim.tv_nsec == sb->st_ctim.tv_nsec;
}

/* Drops one reference (data_lock held); frees the copy with the last. */
static void
data_unref(struct data_shared *d)
{
	struct data_shared	**pp;

	if (--d->refs > 0)
		return;
	for (pp = &data_live; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	if (d->obj != NULL)
		data_ops[d->f].free(d->obj);
	free(d->error);
	free(d->path);
	free(d);
}

/* The process's copy of f as the file is now, with a reference taken. */
static struct data_shared *
data_shared_get(enum data_file f)
{
	struct data_shared	*d;
	struct stat		 sb;
	char			*path = data_path(data_ops[f].file);
	bool			 have = stat(path, &sb) == 0;

	pthread_mutex_lock(&data_lock);
	d = data_newest[f];
	if (d == NULL || !data_fresh(d, path, &sb, have)) {
		if (d != NULL)
			data_unref(d);
		d = xcalloc(1, sizeof *d);
		d->f = f;
		d->path = xstrdup(path);
		d->have_sb = have;
		if (have)
			d->sb = sb;
		d->obj = data_load(f, path, &d->error);
		if (d->obj == NULL && d->error == NULL)
			d->error = xprintf(_("%s: cannot be used"),
			    data_ops[f].file);
		d->refs = 1;
		d->next = data_live;
		data_live = d;
		data_newest[f] = d;
	}
	d->refs++;
	pthread_mutex_unlock(&data_lock);
	free(path);
	return d;
}

const void *
data_get(struct audit *audit, enum data_file f, const char **why)
{
	struct data_shared	*d;

	if (!audit->data_tried[f]) {
		audit->data_tried[f] = true;
		d = data_shared_get(f);
		if (d->obj != NULL)
			audit->data[f] = d->obj;
		else {
			audit->data_error[f] = xstrdup(d->error);
			pthread_mutex_lock(&data_lock);
			data_unref(d);
			pthread_mutex_unlock(&data_lock);
		}
	}
	*why = audit->data_error[f];
	return audit->data[f];
}

const void *
data_need(struct check_run *run, enum data_file f)
{
	const void	*obj;
	const char	*why;

	if ((obj = data_get(run->audit, f, &why)) == NULL)
		result_set(&run->result, STATUS_ERROR, SEVERITY_NONE,
		    _("cannot load the data file %s"), why);
	return obj;
}

void
data_free_all(struct audit *audit)
{
	struct data_shared	*d;
	int			 f;

	pthread_mutex_lock(&data_lock);
	for (f = 0; f < DATA_COUNT; f++) {
		if (audit->data[f] != NULL) {
			for (d = data_live; d != NULL; d = d->next) {
				if (d->obj == audit->data[f])
					break;
			}
			if (d != NULL)
				data_unref(d);
		}
		free(audit->data_error[f]);
		audit->data[f] = NULL;
		audit->data_error[f] = NULL;
		audit->data_tried[f] = false;
	}
	pthread_mutex_unlock(&data_lock);
}

int
data_strings(config_t *cfg, const char *path, const char *name,
    bool optional, struct strlist *out, char **err)
{
	config_setting_t	*s = config_lookup(cfg, name);
	const char		*v;
	int			 i;

	if (s == NULL) {
		if (optional)
			return 0;
		return set_error(err, _("%s:%d: \"%s\" is missing"), path, 1,
		    name);
	}
	if (!config_setting_is_aggregate(s) || config_setting_is_group(s))
		return set_error(err, _("%s:%d: \"%s\" must be a list of "
		    "strings"), path, config_setting_source_line(s), name);
	for (i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if ((v = config_setting_get_string(e)) == NULL)
			return set_error(err, _("%s:%d: \"%s\" must be a list "
			    "of strings"), path, config_setting_source_line(s),
			    name);
		if (!strlist_has(out, v))
			strlist_add(out, v);
	}
	return 0;
}

int
data_group_string(config_setting_t *g, const char *path, const char *key,
    bool required, const char **v, char **err)
{
	config_setting_t	*m = config_setting_get_member(g, key);

	*v = NULL;
	if (m == NULL) {
		if (!required)
			return 0;
		return set_error(err, _("%s:%d: the entry needs \"%s\""), path,
		    config_setting_source_line(g), key);
	}
	if ((*v = config_setting_get_string(m)) == NULL)
		return set_error(err, _("%s:%d: \"%s\" must be a string"), path,
		    config_setting_source_line(m), key);
	return 0;
}
