/* domain.c: checking and normalising the domain names users type. */

#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "launchready.h"

/* Checks the ASCII form label by label; -1 with *err saying what is wrong. */
static int
domain_check_ascii(const char *name, const char *shown, char **err)
{
	const char	*p = name, *dot = NULL;
	size_t		 len, label = 0, i;

	if (strlen(name) > 253)
		return set_error(err, _("\"%s\" is longer than 253 characters"),
		    shown);
	if (strchr(name, '.') == NULL)
		return set_error(err, _("\"%s\" has no dot: give the full "
		    "domain, such as example.com"), shown);
	while (*p != '\0') {
		label++;
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (len == 0)
			return set_error(err, _("\"%s\" has an empty label "
			    "(two dots in a row, or a leading dot)"), shown);
		if (len > 63)
			return set_error(err, _("label %zu of \"%s\" is longer "
			    "than 63 characters"), label, shown);
		for (i = 0; i < len; i++) {
			unsigned char c = p[i];

			if (!isalnum(c) && c != '-' && c != '_')
				return set_error(err, _("\"%s\" contains the "
				    "character '%c', which is not allowed in a "
				    "domain name"), shown, c);
		}
		if (p[0] == '-' || p[len - 1] == '-')
			return set_error(err, _("label %zu of \"%s\" starts or "
			    "ends with a hyphen"), label, shown);
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (dot != NULL)
		return set_error(err, _("\"%s\" ends with an empty label"),
		    shown);
	for (i = 0, p = strrchr(name, '.') + 1; p[i] != '\0'; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
	}
	return set_error(err, _("\"%s\" looks like an IP address, not a "
	    "domain name"), shown);
}

/* True when name is an IPv4 or IPv6 address, bracketed or not. */
static bool
domain_is_ip(const char *name)
{
	unsigned char	 addr[16];
	char		*copy;
	size_t		 len = strlen(name);
	bool		 ip;

	if (inet_pton(AF_INET, name, addr) == 1 ||
	    inet_pton(AF_INET6, name, addr) == 1)
		return true;
	if (len < 3 || name[0] != '[' || name[len - 1] != ']')
		return false;
	copy = xstrndup(name + 1, len - 2);
	ip = inet_pton(AF_INET6, copy, addr) == 1;
	free(copy);
	return ip;
}

bool
domain_is_hostname(const char *name)
{
	return domain_check_ascii(name, name, NULL) == 0;
}

int
domain_normalise(const char *in, char **ascii, char **unicode, char **err)
{
	char		*name, *a = NULL, *u = NULL;
	size_t		 len, i;
	bool		 plain = true;
	int		 r;

	*ascii = *unicode = NULL;
	while (*in == ' ' || *in == '\t')
		in++;
	name = xstrdup(in);
	len = strlen(name);
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t' ||
	    name[len - 1] == '\n'))
		name[--len] = '\0';
	if (len > 0 && name[len - 1] == '.' &&
	    (len < 2 || name[len - 2] != '.'))
		name[--len] = '\0';
	if (len == 0) {
		free(name);
		return set_error(err, _("the domain is empty"));
	}
	if (domain_is_ip(name)) {
		set_error(err, _("\"%s\" looks like an IP address, not a "
		    "domain name"), name);
		free(name);
		return -1;
	}
	if (strstr(name, "://") != NULL || strchr(name, '/') != NULL) {
		set_error(err, _("\"%s\" is a URL: give only the domain, such "
		    "as example.com"), name);
		free(name);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)name[i] >= 0x80)
			plain = false;
		else
			name[i] = tolower((unsigned char)name[i]);
	}
	if (plain) {
		a = xstrdup(name);
	} else {
		r = idn2_to_ascii_8z(name, &a, IDN2_NONTRANSITIONAL |
		    IDN2_NFC_INPUT);
		if (r != IDN2_OK) {
			set_error(err, _("\"%s\" is not a valid "
			    "internationalised domain name: %s"), name,
			    idn2_strerror(r));
			free(name);
			return -1;
		}
		/* libidn2 allocates with malloc: copy into our memory. */
		{
			char *copy = xstrdup(a);

			idn2_free(a);
			a = copy;
		}
	}
	if (domain_check_ascii(a, name, err) == -1) {
		free(a);
		free(name);
		return -1;
	}
	if (strstr(a, "xn--") != NULL &&
	    idn2_to_unicode_8z8z(a, &u, 0) == IDN2_OK) {
		*unicode = xstrdup(u);
		idn2_free(u);
	} else if (strstr(a, "xn--") != NULL) {
		set_error(err, _("\"%s\" holds an invalid xn-- label"), name);
		free(a);
		free(name);
		return -1;
	} else
		*unicode = xstrdup(a);
	*ascii = a;
	free(name);
	return 0;
}
