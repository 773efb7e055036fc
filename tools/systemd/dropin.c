// SPDX-License-Identifier: GPL-2.0-only
/* The pure half of `vfiocompat systemd`; see dropin.h. */
#include "dropin.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define CREATED_LINE "# vfiocompat-created-dir: "

bool vfc_unit_restricts_devices(const struct vfc_unit_facts *f)
{
	return f->device_policy || f->private_devices || f->device_allow > 0;
}

bool vfc_unit_name(const char *arg, char *out, size_t size, char *err, size_t errlen)
{
	const char *dot = strrchr(arg, '.');
	size_t n = strlen(arg);

	if (!n || *arg == '.' || *arg == '-')
		return vfc_fail(err, errlen,
				"'%s' is not a unit name; name a service, e.g. spdk_tgt", arg) == 0;
	for (const char *p = arg; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\@",
			    *p)) {
			char c[8];

			vfc_clean_copy(c, 2, p, 1, VFC_CLEAN_ASCII);
			return vfc_fail(err, errlen,
					"unit name with '%s': systemd unit names hold "
					"[A-Za-z0-9:_.\\@-] only (systemd-escape makes one)",
					c) == 0;
		}
	if (dot && strcmp(dot, ".service") &&
	    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz") == strlen(dot + 1))
		return vfc_fail(err, errlen,
				"%s is not a service: the trial preloads a service's processes "
				"(UNIT.service)",
				arg) == 0;
	if (snprintf(out, size, "%s%s", arg, dot && !strcmp(dot, ".service") ? "" : ".service") >=
		(int)size ||
	    strlen(out) > 255)
		return vfc_fail(err, errlen, "unit name too long (systemd: 255 bytes at most)") ==
		       0;
	if (strlen(out) >= 9 && !strcmp(out + strlen(out) - 9, "@.service"))
		return vfc_fail(err, errlen,
				"%s is a template: name an instance (NAME@INSTANCE.service)",
				out) == 0;
	return true;
}

static bool truthy(const char *v)
{
	return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") ||
	       !strcmp(v, "1");
}

bool vfc_env_value_preloads(const char *value)
{
	const char *p = value;

	while ((p = strstr(p, "LD_PRELOAD="))) {
		if (p == value || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '"' || p[-1] == '\'')
			return true;
		p++;
	}
	return false;
}

bool vfc_envfile_preloads(const char *text)
{
	const char *l = text;

	while (l && *l) {
		l += strspn(l, " \t");
		if (!strncmp(l, "export", 6) && (l[6] == ' ' || l[6] == '\t'))
			l += 6 + strspn(l + 6, " \t");
		if (!strncmp(l, "LD_PRELOAD=", 11))
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

/* One logical line (continuations joined) of a unit file's key and value. */
static void assign(struct vfc_unit_facts *f, const char *key, const char *v)
{
	if (!strcmp(key, "DevicePolicy"))
		f->device_policy = !strcmp(v, "closed") || !strcmp(v, "strict");
	else if (!strcmp(key, "PrivateDevices"))
		f->private_devices = truthy(v);
	else if (!strcmp(key, "DeviceAllow"))
		f->device_allow = *v ? f->device_allow + 1 : 0;
	else if (!strcmp(key, "Environment"))
		f->preload = *v ? f->preload || vfc_env_value_preloads(v) : false;
	else if (!strcmp(key, "EnvironmentFile")) {
		if (!*v)
			f->n_envfiles = 0;
		else if (f->n_envfiles < VFC_ENVFILES_MAX)
			snprintf(f->envfiles[f->n_envfiles++], PATH_MAX, "%s", v);
	}
}

void vfc_unit_parse(const char *text, struct vfc_unit_facts *f)
{
	char line[8192];
	bool service = false;
	const char *p = text;

	memset(f, 0, sizeof(*f));
	while (*p) {
		size_t n = 0;

		/* A logical line: a trailing backslash continues it. */
		for (;;) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);

			if (n + len >= sizeof(line))
				len = sizeof(line) - 1 - n;
			memcpy(line + n, p, len);
			n += len;
			p = e ? e + 1 : p + strlen(p);
			if (!n || line[n - 1] != '\\' || !*p)
				break;
			line[n - 1] = ' ';
		}
		line[n] = '\0';
		char *l = line + strspn(line, " \t");
		char *eq;

		if (*l == '#' || *l == ';' || !*l)
			continue;
		if (*l == '[') {
			service = !strncmp(l, "[Service]", 9);
			continue;
		}
		if (!service || !(eq = strchr(l, '=')))
			continue;
		char *k = l, *v = eq + 1, *ke = eq;

		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		*ke = '\0';
		v += strspn(v, " \t");
		for (size_t m = strlen(v);
		     m && (v[m - 1] == ' ' || v[m - 1] == '\t' || v[m - 1] == '\r'); m--)
			v[m - 1] = '\0';
		assign(f, k, v);
	}
}

void vfc_dropin_logdir(const char *unit, char *out, size_t size)
{
	size_t i, n = strlen(VFC_DROPIN_LOGBASE) + 1;

	snprintf(out, size, "%s/%s", VFC_DROPIN_LOGBASE, unit);
	/* A unit name's '\' (systemd-escape) would be an escape in Environment=. */
	for (i = n; i < size && out[i]; i++)
		if (out[i] == '\\')
			out[i] = '_';
}

int vfc_dropin_render(char *out, size_t size, const char *unit, const char *lib, const char *target,
		      bool created_dir, char *err, size_t errlen)
{
	char logdir[320], libesc[2 * PATH_MAX];
	size_t j = 0;
	int n;

	if (*lib != '/')
		return vfc_fail(err, errlen, "--lib %s: give an absolute path", lib);
	/* '%' is a specifier in unit files; quotes, spaces and '\' would split or escape it. */
	for (const char *p = lib; *p && j + 2 < sizeof(libesc); p++) {
		if ((unsigned char)*p <= ' ' || strchr("\"'\\", *p) || (unsigned char)*p == 0x7f)
			return vfc_fail(
			    err, errlen,
			    "the library's path has a space, quote, backslash or control "
			    "byte, which a unit's Environment= cannot carry; install it "
			    "elsewhere or pass --lib");
		if (*p == '%')
			libesc[j++] = '%';
		libesc[j++] = *p;
	}
	libesc[j] = '\0';
	if (target && ((unsigned char)*target != '/' || strpbrk(target, " \t\n\"'\\%")))
		return vfc_fail(err, errlen, "--target %s: give a plain absolute device path",
				target);
	vfc_dropin_logdir(unit, logdir, sizeof(logdir));
	n = snprintf(
	    out, size,
	    VFC_DROPIN_MARKER
	    "\n"
	    "# A reversible trial on iommufd: 'vfiocompat systemd disable %s' removes\n"
	    "# this file (and gives the unit back as it was). Do not edit it.\n" CREATED_LINE "%s\n"
	    "[Service]\n"
	    "Environment=LD_PRELOAD=%s\n"
	    "# The reports: /var/log/%s/PROGRAM-PID.jsonl ('%%%%' is '%%' here).\n"
	    "Environment=VFIOCOMPAT_LOG=/var/log/%s/%%%%e-%%%%p.jsonl\n"
	    "LogsDirectory=%s\n"
	    "%s%s%s",
	    unit, created_dir ? "yes" : "no", libesc, logdir, logdir, logdir,
	    target ? "# The unit restricts devices: the trial's node too.\nDeviceAllow=" : "",
	    target ? target : "", target ? " rw\n" : "");
	if (n < 0 || (size_t)n >= size)
		return vfc_fail(err, errlen, "the drop-in does not fit (a path too long)");
	return n;
}

bool vfc_dropin_is_ours(const char *text)
{
	size_t m = strlen(VFC_DROPIN_MARKER);

	return !strncmp(text, VFC_DROPIN_MARKER, m) && text[m] == '\n';
}

bool vfc_dropin_created_dir(const char *text)
{
	const char *l = strstr(text, "\n" CREATED_LINE);

	return l && !strncmp(l + 1 + strlen(CREATED_LINE), "yes\n", 4);
}
