/*
 * trust.c: the trust stores that verify servers (the system's CA
 * certificates plus --cacert), parsed once per process and shared by
 * every audit and engine. Parsing the system bundle costs tens of
 * milliseconds of CPU under OpenSSL 3; a portfolio of 200 audits with
 * three engines each would parse it 600 times.
 */

#include "config.h"

#include <sys/stat.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "engine.h"

#define TRUST_CACHE_MAX		16	/* stores kept (kinds x --cacert) */
#define TRUST_CACERT_MAX	100	/* PEM certificates read (TRUST_CURL) */

/* One built store and what it was built from. */
struct trust_entry {
	enum trust_kind		 kind;
	char			*cacert;	/* NULL: none */
	struct stat		 sb;		/* of cacert when built */
	bool			 have_sb;
	X509_STORE		*store;		/* the cache's reference */
	char			*error;		/* --cacert problem, or NULL */
	struct trust_entry	*next;
};

static pthread_mutex_t		 trust_lock = PTHREAD_MUTEX_INITIALIZER;
static struct trust_entry	*trust_cache;

/* The reason of the last OpenSSL error, for a message. */
static const char *
trust_ssl_reason(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : _("unknown OpenSSL error");
}

/* libcurl's system bundle and directory plus up to 100 PEM anchors. */
static X509_STORE *
trust_build_curl(const char *path, char **err)
{
	curl_version_info_data	*vi = curl_version_info(CURLVERSION_NOW);
	X509_STORE		*store;
	BIO			*bio;
	X509			*x;
	int			 n = 0;

	if ((store = X509_STORE_new()) == NULL)
		fatal("X509_STORE_new failed");
	if (vi->cainfo != NULL && access(vi->cainfo, R_OK) == 0)
		X509_STORE_load_locations(store, vi->cainfo, NULL);
	if (vi->capath != NULL && access(vi->capath, R_OK) == 0)
		X509_STORE_load_locations(store, NULL, vi->capath);
	ERR_clear_error();
	if (path == NULL || *path == '\0')
		return store;
	if ((bio = BIO_new_file(path, "r")) == NULL) {
		*err = xprintf(_("cannot read --cacert %s"), path);
		ERR_clear_error();
		return store;
	}
	while (n < TRUST_CACERT_MAX &&
	    (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(store, x);
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (n == 0)
		*err = xprintf(_("--cacert %s holds no PEM certificate"), path);
	return store;
}

/* OpenSSL's default paths plus --cacert as OpenSSL loads a file. */
static X509_STORE *
trust_build_openssl(const char *path, char **err)
{
	X509_STORE	*store;

	if ((store = X509_STORE_new()) == NULL)
		fatal("X509_STORE_new failed");
	X509_STORE_set_default_paths(store);
	ERR_clear_error();
	if (path != NULL && !X509_STORE_load_file(store, path))
		*err = xprintf(_("--cacert %s: cannot load: %s"), path,
		    trust_ssl_reason());
	ERR_clear_error();
	return store;
}

/* True when e was built from the same --cacert file as it is now. */
static bool
trust_fresh(const struct trust_entry *e, const struct stat *sb, bool have)
{
	if (e->have_sb != have)
		return false;
	if (!have)
		return true;
	return e->sb.st_dev == sb->st_dev && e->sb.st_ino == sb->st_ino &&
	    e->sb.st_size == sb->st_size &&
	    e->sb.st_mtim.tv_sec == sb->st_mtim.tv_sec &&
	    e->sb.st_mtim.tv_nsec == sb->st_mtim.tv_nsec &&
	    e->sb.st_ctim.tv_sec == sb->st_ctim.tv_sec &&
	    e->sb.st_ctim.tv_nsec == sb->st_ctim.tv_nsec;
}

/* Drops an entry (the store lives on in the audits that hold it). */
static void
trust_entry_free(struct trust_entry *e)
{
	X509_STORE_free(e->store);
	free(e->cacert);
	free(e->error);
	free(e);
}

X509_STORE *
trust_store(enum trust_kind kind, const char *cacert, char **err)
{
	struct trust_entry	*e, **pp;
	struct stat		 sb;
	X509_STORE		*store;
	bool			 have = false;
	size_t			 n = 0;

	*err = NULL;
	if (cacert != NULL && *cacert != '\0')
		have = stat(cacert, &sb) == 0;
	pthread_mutex_lock(&trust_lock);
	for (pp = &trust_cache; (e = *pp) != NULL; pp = &e->next, n++) {
		if (e->kind != kind || (e->cacert == NULL) != (cacert == NULL) ||
		    (cacert != NULL && strcmp(e->cacert, cacert) != 0))
			continue;
		if (trust_fresh(e, &sb, have))
			break;
		/* The file changed: build again. */
		*pp = e->next;
		trust_entry_free(e);
		e = NULL;
		break;
	}
	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		e->kind = kind;
		e->cacert = cacert != NULL ? xstrdup(cacert) : NULL;
		e->have_sb = have;
		if (have)
			e->sb = sb;
		e->store = kind == TRUST_CURL ?
		    trust_build_curl(cacert, &e->error) :
		    trust_build_openssl(cacert, &e->error);
		/* Bounded: past the limit the oldest entries go. */
		if (n >= TRUST_CACHE_MAX) {
			struct trust_entry *old = trust_cache;

			trust_cache = old->next;
			trust_entry_free(old);
		}
		for (pp = &trust_cache; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = e;
	}
	store = e->store;
	X509_STORE_up_ref(store);
	if (e->error != NULL)
		*err = xstrdup(e->error);
	pthread_mutex_unlock(&trust_lock);
	return store;
}

void
trust_clear(void)
{
	struct trust_entry	*e;

	pthread_mutex_lock(&trust_lock);
	while ((e = trust_cache) != NULL) {
		trust_cache = e->next;
		trust_entry_free(e);
	}
	pthread_mutex_unlock(&trust_lock);
}
