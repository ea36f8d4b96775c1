/* screen-form.c: the new-session form, with inline validation. */

#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

enum form_index {
	FORM_CLIENT,
	FORM_DOMAIN,
	FORM_SUBDOMAINS,
	FORM_EMAIL,
	FORM_DKIM,
	FORM_SENDER_IP,
	FORM_REPO,
	FORM_LOGIN,
	FORM_ACTIVE,
	FORM_HEALTH,
	FORM_API,
	FORM_CONSULTANT,
	FORM_COUNT
};

/* One field of the form. */
struct form_field {
	/* Label shown left of the field. */
	const char	*label;
	/* What to type, shown while the field has the focus. */
	const char	*hint;
	/*
	 * A choice rather than text: the label of value v, and the value
	 * after v (Space and the arrows go round). NULL for a text field.
	 */
	const char	*(*choice)(int v);
	int		(*next)(int v);
	/* Shown in red under the fields while the choice is v (or NULL). */
	const char	*(*warning)(int v);
	/* Must not be empty. */
	bool		 required;
	/* Checks the text; -1 with *err set when it is wrong. May be NULL. */
	int		(*check)(const char *text, char **err);
};

/* The form's own state (the screen's private data). */
struct form {
	bool		 filled;	/* prefilled since last cleared */
	struct lineedit	 edit[FORM_COUNT];
	char		*error[FORM_COUNT];
	int		 value[FORM_COUNT];	/* of the choices */
	size_t		 sel;		/* FORM_COUNT: the start button */
};

/* The e-mail choice: -1 decide, 1 yes, 0 no. */
static const char *
form_email_label(int v)
{
	if (v == 1)
		return _("yes");
	if (v == 0)
		return _("no");
	return _("decide from MX/SPF");
}

static int
form_email_next(int v)
{
	return v == -1 ? 1 : v == 1 ? 0 : -1;
}

/* The active login probe: 0 no, 1 yes. */
static const char *
form_active_label(int v)
{
	return v ? _("yes, probe the login") : _("no");
}

static int
form_active_next(int v)
{
	return !v;
}

static const char *
form_active_warning(int v)
{
	return v ? _("The login probe sends up to 30 login attempts with "
	    "junk credentials: only with the owner's permission, as it can "
	    "lock accounts or raise alerts.") : NULL;
}

/* An IPv4 or IPv6 address, as --sender-ip takes. */
static int
form_check_ip(const char *text, char **err)
{
	unsigned char	addr[16];

	if (inet_pton(AF_INET, text, addr) == 1 ||
	    inet_pton(AF_INET6, text, addr) == 1)
		return 0;
	return set_error(err, _("\"%s\" is not an IPv4 or IPv6 address"),
	    text);
}

/* Checks the domain through the same rules as the command line. */
static int
form_check_domain(const char *text, char **err)
{
	char	*a = NULL, *u = NULL;

	if (domain_normalise(text, &a, &u, err) == -1)
		return -1;
	free(a);
	free(u);
	return 0;
}

/* Each comma-separated subdomain must be a label or a host name. */
static int
form_check_subdomains(const char *text, char **err)
{
	struct strlist	l = { 0 };
	size_t		i;

	strlist_split(&l, text);
	for (i = 0; i < l.n; i++) {
		/* A bare label ("app") is checked as a name under .test. */
		char *name = xprintf("%s.test", l.v[i]);
		bool ok = domain_is_hostname(name);

		free(name);
		if (!ok) {
			set_error(err, _("\"%s\" is not a host name"), l.v[i]);
			strlist_clear(&l);
			return -1;
		}
	}
	strlist_clear(&l);
	return 0;
}

/* DKIM selectors are DNS labels. */
static int
form_check_dkim(const char *text, char **err)
{
	return form_check_subdomains(text, err);
}

/* The repository path must be a directory that exists. */
static int
form_check_repo(const char *text, char **err)
{
	struct stat	sb;

	if (stat(text, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return set_error(err, _("no directory %s here"), text);
	return 0;
}

/* A URL with http:// or https:// and a host. */
static int
form_check_url(const char *text, char **err)
{
	const char	*host;

	if (strncmp(text, "https://", 8) == 0)
		host = text + 8;
	else if (strncmp(text, "http://", 7) == 0)
		host = text + 7;
	else
		return set_error(err, _("\"%s\" should start with https:// "
		    "or http://"), text);
	if (*host == '\0' || *host == '/' || *host == ':')
		return set_error(err, _("\"%s\" has no host name"), text);
	return 0;
}

/* A comma-separated list of URLs. */
static int
form_check_urls(const char *text, char **err)
{
	struct strlist	l = { 0 };
	size_t		i;
	int		r = 0;

	strlist_split(&l, text);
	for (i = 0; i < l.n && r == 0; i++)
		r = form_check_url(l.v[i], err);
	strlist_clear(&l);
	return r;
}

static const struct form_field form_fields[FORM_COUNT] = {
	[FORM_CLIENT] = {
		.label = N_("Client name"),
		.hint = N_("Who the sprint is for, e.g. Brightcart Ltd"),
		.required = true,
	},
	[FORM_DOMAIN] = {
		.label = N_("Domain"),
		.hint = N_("The product's main domain, e.g. brightcart.com "
		    "(no https://)"),
		.required = true,
		.check = form_check_domain,
	},
	[FORM_SUBDOMAINS] = {
		.label = N_("Subdomains"),
		.hint = N_("Comma-separated: app, api, admin, auth, staging, "
		    "docs..."),
		.check = form_check_subdomains,
	},
	[FORM_EMAIL] = {
		.label = N_("Sends email"),
		.hint = N_("Space changes: yes, no, or decide from the MX and "
		    "SPF records"),
		.choice = form_email_label,
		.next = form_email_next,
	},
	[FORM_DKIM] = {
		.label = N_("DKIM selectors"),
		.hint = N_("If known, comma-separated, e.g. google, s1 "
		    "(else common ones are tried)"),
		.check = form_check_dkim,
	},
	[FORM_SENDER_IP] = {
		.label = N_("Sender IP"),
		.hint = N_("An address the product sends mail from, to "
		    "evaluate SPF for it (e.g. 192.0.2.10)"),
		.check = form_check_ip,
	},
	[FORM_REPO] = {
		.label = N_("Source repository"),
		.hint = N_("Path of a local clone, for the secrets checks"),
		.check = form_check_repo,
	},
	[FORM_LOGIN] = {
		.label = N_("Login URL"),
		.hint = N_("e.g. https://app.brightcart.com/login"),
		.check = form_check_url,
	},
	[FORM_ACTIVE] = {
		.label = N_("Login probe"),
		.hint = N_("Space changes: an active rate-limit test of the "
		    "login, only with permission"),
		.choice = form_active_label,
		.next = form_active_next,
		.warning = form_active_warning,
	},
	[FORM_HEALTH] = {
		.label = N_("Health URL"),
		.hint = N_("e.g. https://api.brightcart.com/healthz"),
		.check = form_check_url,
	},
	[FORM_API] = {
		.label = N_("Key API URLs"),
		.hint = N_("Comma-separated, for the latency checks"),
		.check = form_check_urls,
	},
	[FORM_CONSULTANT] = {
		.label = N_("Consultant"),
		.hint = N_("Who runs the sprint (shown on the handover)"),
	},
};

static struct form *
screen_form_data(struct ui *ui)
{
	return ui_data(ui, &screen_form);
}

/* Frees what the form holds; it is filled again when next shown. */
static void
screen_form_free(struct ui *ui, void *data)
{
	struct form	*f = data;
	size_t		 i;

	(void)ui;
	if (!f->filled)
		return;
	for (i = 0; i < FORM_COUNT; i++) {
		lineedit_free(&f->edit[i]);
		free(f->error[i]);
	}
	memset(f, 0, sizeof *f);
}

/* Fills the form from the command line's options. */
static void
screen_form_prefill(struct ui *ui)
{
	const struct options	*o = &ui->cl->opt;
	struct form		*f = screen_form_data(ui);
	const char		*domain;
	char			*s;

	screen_form_free(ui, f);
	f->filled = true;
	domain = o->domain_unicode != NULL ? o->domain_unicode : o->domain;
	lineedit_init(&f->edit[FORM_CLIENT], NULL, 200);
	lineedit_init(&f->edit[FORM_DOMAIN], domain, 253);
	s = strlist_join(&o->subdomains, ", ");
	lineedit_init(&f->edit[FORM_SUBDOMAINS], s, 1000);
	free(s);
	lineedit_init(&f->edit[FORM_EMAIL], NULL, 1);
	s = strlist_join(&o->dkim_selectors, ", ");
	lineedit_init(&f->edit[FORM_DKIM], s, 500);
	free(s);
	lineedit_init(&f->edit[FORM_SENDER_IP], o->sender_ip, 64);
	lineedit_init(&f->edit[FORM_REPO], o->repo, 1000);
	lineedit_init(&f->edit[FORM_LOGIN], o->login_url, 1000);
	lineedit_init(&f->edit[FORM_ACTIVE], NULL, 1);
	lineedit_init(&f->edit[FORM_HEALTH], o->health_url, 1000);
	s = strlist_join(&o->api_urls, ", ");
	lineedit_init(&f->edit[FORM_API], s, 2000);
	free(s);
	lineedit_init(&f->edit[FORM_CONSULTANT], getenv("USER"), 200);
	f->value[FORM_EMAIL] = o->email;
	f->value[FORM_ACTIVE] = o->allow_active;
	f->sel = FORM_CLIENT;
}

static void
screen_form_enter(struct ui *ui)
{
	if (!screen_form_data(ui)->filled)
		screen_form_prefill(ui);
}

/* Validates field i, keeping its error; returns true when it is fine. */
static bool
screen_form_check(struct form *f, size_t i)
{
	const struct form_field	*ff = &form_fields[i];
	char			*text, *err = NULL;

	free(f->error[i]);
	f->error[i] = NULL;
	if (ff->choice)
		return true;
	text = lineedit_text(&f->edit[i]);
	if (*text == '\0') {
		if (ff->required)
			f->error[i] = xstrdup(_("needed"));
	} else if (ff->check != NULL && ff->check(text, &err) == -1)
		f->error[i] = err;
	free(text);
	return f->error[i] == NULL;
}

/* Draws the fields, the button, the focused field's hint and the errors. */
static void
screen_form_draw(struct ui *ui)
{
	struct form	*f = screen_form_data(ui);
	size_t		 i;
	int		 y, lw = 20, x, ey, scroll = 0;
	attr_t		 a;
	struct ui_lines	 errors = { 0 };

	ui_text(ui, 0, 0, COLS, ui_attr(ui, COLOUR_HEADER), true,
	    _(" launchready · New sprint"));
	ui_text(ui, 1, 2, COLS - 4, ui_attr(ui, COLOUR_DIM), false,
	    _("Answer what you know: only the client and the domain are "
	    "needed."));
	for (i = 0; i < FORM_COUNT; i++) {
		y = 3 + (int)i;
		a = f->error[i] != NULL ? ui_attr(ui, COLOUR_FAIL) :
		    i == f->sel ? ui_attr(ui, COLOUR_TITLE) : A_NORMAL;
		x = 2;
		ui_text(ui, y, x, 2, a, false, f->error[i] != NULL ?
		    status_glyph(STATUS_FAIL, ui->utf8) : i == f->sel ? ">" :
		    " ");
		ui_text(ui, y, x + 2, lw, a, true, _(form_fields[i].label));
		x += 2 + lw + 1;
		if (form_fields[i].choice) {
			ui_textf(ui, y, x, COLS - x - 2, i == f->sel ?
			    ui_attr(ui, COLOUR_SELECTED) : A_UNDERLINE,
			    "< %s >", form_fields[i].choice(f->value[i]));
			continue;
		}
		if (i != f->sel)
			lineedit_draw(&f->edit[i], y, x, COLS - x - 2, false);
	}
	y = 3 + FORM_COUNT + 1;
	ui_text(ui, y, 4 + lw + 1, COLS, f->sel == FORM_COUNT ?
	    ui_attr(ui, COLOUR_SELECTED) : A_BOLD, false,
	    _("[ Start the sprint ]"));
	if (f->sel < FORM_COUNT)
		ui_text(ui, y + 2, 2, COLS - 4, ui_attr(ui, COLOUR_DIM), false,
		    _(form_fields[f->sel].hint));
	ey = y + 3;
	for (i = 0; i < FORM_COUNT; i++) {
		if (form_fields[i].warning != NULL &&
		    form_fields[i].warning(f->value[i]) != NULL)
			ui_lines_wrap(ui, &errors, ui_attr(ui, COLOUR_WARN),
			    form_fields[i].warning(f->value[i]), COLS - 4, 0);
	}
	for (i = 0; i < FORM_COUNT; i++) {
		char *line;

		if (f->error[i] == NULL)
			continue;
		line = xprintf("%s %s: %s", status_glyph(STATUS_FAIL,
		    ui->utf8), _(form_fields[i].label), f->error[i]);
		ui_lines_wrap(ui, &errors, ui_attr(ui, COLOUR_FAIL), line,
		    COLS - 4, 0);
		free(line);
	}
	ui_lines_draw(ui, &errors, ey, LINES - 2 - ey, 2, COLS - 4, &scroll);
	ui_lines_free(&errors);
	/* The focused editor last, so the cursor stays in it. */
	if (f->sel < FORM_COUNT && !form_fields[f->sel].choice)
		lineedit_draw(&f->edit[f->sel], 3 + (int)f->sel, 4 + lw + 1,
		    COLS - (4 + lw + 1) - 2, true);
}

/* Gives typing to the focused field's editor (or the choice's arrows). */
static bool
screen_form_key(struct ui *ui, wint_t wc, bool keycode)
{
	struct form	*f = screen_form_data(ui);

	if (f->sel >= FORM_COUNT)
		return false;
	if (form_fields[f->sel].choice) {
		if (keycode && (wc == KEY_LEFT || wc == KEY_RIGHT)) {
			f->value[f->sel] = form_fields[f->sel].next(
			    f->value[f->sel]);
			return true;
		}
		return false;
	}
	if (!keycode && (wc == '\n' || wc == '\t' || wc == KEY_ESC))
		return false;
	return lineedit_key(&f->edit[f->sel], wc, keycode) !=
	    LINEEDIT_IGNORED;
}

/* Copies the text of field i into *dst (NULL when empty). */
static void
screen_form_string(struct form *f, size_t i, char **dst)
{
	char	*text = lineedit_text(&f->edit[i]);

	free(*dst);
	*dst = NULL;
	if (*text != '\0')
		*dst = text;
	else
		free(text);
}

/* Validates everything and, when fine, creates and opens the session. */
static void
screen_form_submit(struct ui *ui)
{
	struct form	*f = screen_form_data(ui);
	struct options	 opt;
	struct session	*s;
	char		*text, *err = NULL, *client = NULL, *consultant = NULL;
	size_t		 i, bad = FORM_COUNT;

	for (i = FORM_COUNT; i > 0; i--) {
		if (!screen_form_check(f, i - 1))
			bad = i - 1;
	}
	if (bad < FORM_COUNT) {
		f->sel = bad;
		ui_message(ui, true, "%s", _("Some answers need a look: see "
		    "the marked fields."));
		return;
	}
	options_init(&opt);
	options_copy(&opt, &ui->cl->opt);
	text = lineedit_text(&f->edit[FORM_DOMAIN]);
	free(opt.domain);
	free(opt.domain_unicode);
	opt.domain = opt.domain_unicode = NULL;
	if (domain_normalise(text, &opt.domain, &opt.domain_unicode, &err) ==
	    -1) {
		ui_message(ui, true, "%s", err);
		free(err);
		free(text);
		options_clear(&opt);
		return;
	}
	free(text);
	text = lineedit_text(&f->edit[FORM_SUBDOMAINS]);
	strlist_clear(&opt.subdomains);
	strlist_split(&opt.subdomains, text);
	free(text);
	text = lineedit_text(&f->edit[FORM_DKIM]);
	strlist_clear(&opt.dkim_selectors);
	strlist_split(&opt.dkim_selectors, text);
	free(text);
	text = lineedit_text(&f->edit[FORM_API]);
	strlist_clear(&opt.api_urls);
	strlist_split(&opt.api_urls, text);
	free(text);
	screen_form_string(f, FORM_REPO, &opt.repo);
	screen_form_string(f, FORM_LOGIN, &opt.login_url);
	screen_form_string(f, FORM_HEALTH, &opt.health_url);
	screen_form_string(f, FORM_SENDER_IP, &opt.sender_ip);
	opt.email = f->value[FORM_EMAIL];
	opt.allow_active = f->value[FORM_ACTIVE] != 0;
	screen_form_string(f, FORM_CLIENT, &client);
	screen_form_string(f, FORM_CONSULTANT, &consultant);

	s = session_new(ui->dir, &opt);
	options_clear(&opt);
	free(s->client);
	s->client = client;
	free(s->consultant);
	s->consultant = consultant;
	s->sends_email = f->value[FORM_EMAIL];
	screen_form_free(ui, f);
	ui_open_session(ui, s);
}

/* Moves between fields, checking each one left; submits; goes back. */
static void
screen_form_action(struct ui *ui, enum action a)
{
	struct form	*f = screen_form_data(ui);

	switch (a) {
	case ACTION_FIELD_NEXT:
		if (f->sel < FORM_COUNT) {
			screen_form_check(f, f->sel);
			f->sel++;
		}
		break;
	case ACTION_FIELD_PREV:
		if (f->sel < FORM_COUNT)
			screen_form_check(f, f->sel);
		if (f->sel > 0)
			f->sel--;
		break;
	case ACTION_FIELD_ENTER:
		if (f->sel >= FORM_COUNT) {
			screen_form_submit(ui);
			break;
		}
		screen_form_check(f, f->sel);
		f->sel++;
		break;
	case ACTION_FIELD_TOGGLE:
		if (f->sel < FORM_COUNT && form_fields[f->sel].choice)
			f->value[f->sel] = form_fields[f->sel].next(
			    f->value[f->sel]);
		break;
	case ACTION_SUBMIT:
		screen_form_submit(ui);
		break;
	case ACTION_BACK:
		screen_form_free(ui, f);
		ui_goto(ui, SCREEN_START);
		break;
	default:
		break;
	}
}

const struct screen screen_form = {
	.name = N_("New sprint"),
	.mask = SCREEN_FORM,
	.data_size = sizeof(struct form),
	.enter = screen_form_enter,
	.leave = NULL,
	.draw = screen_form_draw,
	.key = screen_form_key,
	.action = screen_form_action,
	.free = screen_form_free,
};
