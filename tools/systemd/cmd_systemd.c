// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat systemd enable|disable|status`: a reversible trial of a
 * service. enable writes one marked drop-in (UNIT.d/90-vfiocompat.conf:
 * LD_PRELOAD, VFIOCOMPAT_LOG into the unit's own report directory, and
 * DeviceAllow= for the target node where the unit restricts devices) and
 * reloads systemd; disable removes exactly that, and UNIT.d when enable made
 * it. The unit's own files are read, never written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "dropin.h"
#include "runenv.h"
#include "target.h"
#include "unitfiles.h"

#ifndef VFC_LIBDIR
#define VFC_LIBDIR "/usr/local/lib"
#endif

#define TEXT_MAX VFC_SD_TEXT_MAX

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vfiocompat systemd enable UNIT [--lib FILE] [--target NODE] [--dry-run]\n"
		"                                      [--root DIR] [--dropin-dir DIR]\n"
		"       vfiocompat systemd disable UNIT [--root DIR] [--dropin-dir DIR]\n"
		"       vfiocompat systemd status [UNIT] [--root DIR] [--dropin-dir DIR]\n\n"
		"Trial a service on iommufd, reversibly. enable writes one marked drop-in,\n"
		"UNIT.d/" VFC_DROPIN_NAME ": LD_PRELOAD of the shim, VFIOCOMPAT_LOG into\n"
		"/var/log/vfiocompat/UNIT/ (LogsDirectory=), and DeviceAllow= for the target\n"
		"node when the unit restricts devices; then daemon-reload (restart the unit to\n"
		"start the trial). disable removes exactly what enable wrote; the reports stay.\n"
		"status lists the units with a trial drop-in. Refused: a unit that does not\n"
		"exist, already has LD_PRELOAD, or has a drop-in of that name not ours.\n"
		"  --lib FILE        the shim to preload (default: the installed one)\n"
		"  --target NODE     the node DeviceAllow= opens (default: the shim's choice,\n"
		"                    the vfiocompat module's node when loaded, else /dev/iommu)\n"
		"  --dry-run         print the drop-in, change nothing\n"
		"  --root DIR        an offline tree: its unit files, no daemon-reload\n"
		"  --dropin-dir DIR  where UNIT.d/ lives (default: /etc/systemd/system)\n\n"
		"exit: 0 done (status: enabled), 1 status: no trial for UNIT, 2 refused or\n"
		"      failed (one line says why)\n");
}

struct ctx {
	const char *root;    /* "" or an offline tree */
	char base[PATH_MAX]; /* the directory holding UNIT.d/ */
	char unit[300];
	char dir[PATH_MAX + 310];
	char file[PATH_MAX + 340];
};

/* The unit's files: `systemctl cat`, or the offline tree's. 0, or 2 with one line said. */
static int unit_text(const struct ctx *c, char *text)
{
	char err[512];
	char *argv[] = {"systemctl", "cat", "--no-pager", "--", (char *)c->unit, NULL};
	int rc;

	if (*c->root) {
		if (!vfc_sd_offline_cat(c->root, c->unit, text, TEXT_MAX))
			return 0;
		vfc_err("systemd: %s: no such unit under %s; name an installed service", c->unit,
			c->root);
		return VFC_EXIT_USAGE;
	}
	rc = vfc_sd_run(argv, text, TEXT_MAX, err, sizeof(err));
	if (rc == 0 && *text)
		return 0;
	if (strstr(err, "No files found") || strstr(err, "not found"))
		vfc_err("systemd: %s: no such unit; name an installed service (systemctl "
			"list-unit-files --type=service)",
			c->unit);
	else
		vfc_err("systemd: systemctl cat %s failed (%s); is systemd running? (--root DIR "
			"for an offline tree)",
			c->unit, *err ? err : "no output");
	return VFC_EXIT_USAGE;
}

static int reload(const struct ctx *c)
{
	char out[4096], err[512];
	char *argv[] = {"systemctl", "daemon-reload", NULL};

	if (*c->root)
		return 0;
	if (!vfc_sd_run(argv, out, sizeof(out), err, sizeof(err)))
		return 0;
	vfc_err("systemd: systemctl daemon-reload failed (%s); run it, then restart %s",
		*err ? err : "no message", c->unit);
	return VFC_EXIT_USAGE;
}

/* Does an EnvironmentFile= of the unit set LD_PRELOAD? */
static const char *envfile_preload(const struct ctx *c, const struct vfc_unit_facts *f, char *buf)
{
	for (int i = 0; i < f->n_envfiles; i++) {
		const char *p = f->envfiles[i] + (f->envfiles[i][0] == '-');
		char path[2 * PATH_MAX];

		snprintf(path, sizeof(path), "%s%s", c->root, p);
		if (vfc_sd_slurp(path, buf, TEXT_MAX) >= 0 && vfc_envfile_preloads(buf))
			return p;
	}
	return NULL;
}

static int write_dropin(const struct ctx *c, const char *text, bool created)
{
	char tmp[sizeof(c->file) + 16];
	size_t len = strlen(text);
	int fd, ok;

	/* Not named *.conf: systemd never reads it half-written. */
	snprintf(tmp, sizeof(tmp), "%s/.vfiocompat.XXXXXX", c->dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		vfc_err("systemd: cannot write in %s: %s", c->dir, strerror(errno));
		goto undo;
	}
	ok = write(fd, text, len) == (ssize_t)len && !fchmod(fd, 0644) && !fsync(fd);
	if (close(fd) || !ok || rename(tmp, c->file)) {
		vfc_err("systemd: writing %s: %s", c->file, strerror(errno));
		unlink(tmp);
		goto undo;
	}
	return 0;
undo:
	if (created)
		rmdir(c->dir);
	return VFC_EXIT_USAGE;
}

static int enable(struct ctx *c, const char *lib, const char *target, bool dry)
{
	static char text[TEXT_MAX], buf[TEXT_MAX];
	char libpath[PATH_MAX], exe[PATH_MAX], err[512], logdir[320];
	struct vfc_unit_facts f;
	struct stat st;
	bool created = stat(c->dir, &st) != 0;
	const char *ef;
	int rc, n;

	if (vfc_sd_slurp(c->file, buf, TEXT_MAX) >= 0 && !vfc_dropin_is_ours(buf)) {
		vfc_err("systemd: %s: %s exists and is not vfiocompat's; left as it is (move it "
			"away to trial the unit)",
			c->unit, c->file);
		return VFC_EXIT_USAGE;
	}
	if (!access(c->file, F_OK)) {
		printf("%s: trial already enabled (%s); 'vfiocompat systemd disable %s' first to "
		       "change it\n",
		       c->unit, c->file, c->unit);
		return VFC_EXIT_OK;
	}
	if ((rc = unit_text(c, text)))
		return rc;
	vfc_unit_parse(text, &f);
	if (f.preload || (ef = envfile_preload(c, &f, buf))) {
		vfc_err("systemd: %s already sets LD_PRELOAD (%s); trial it by hand: add the shim "
			"to that value and VFIOCOMPAT_LOG",
			c->unit, f.preload ? "Environment=" : ef);
		return VFC_EXIT_USAGE;
	}
	if (!lib) {
		n = (int)readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		if (!vfc_find_library(dirname(exe), VFC_LIBDIR, libpath, sizeof(libpath))) {
			vfc_err("systemd: libvfiocompat.so not found next to vfiocompat nor in %s; "
				"reinstall (make install) or pass --lib",
				VFC_LIBDIR);
			return VFC_EXIT_USAGE;
		}
		lib = libpath;
	}
	if (!vfc_unit_restricts_devices(&f))
		target = NULL;
	else if (!target)
		target = vfc_target_default(vfc_is_char_node);
	if (vfc_dropin_render(text, TEXT_MAX, c->unit, lib, target, created, err, sizeof(err)) <
	    0) {
		vfc_err("systemd: %s", err);
		return VFC_EXIT_USAGE;
	}
	if (dry) {
		printf("# %s (dry run: nothing written)\n%s", c->file, text);
		return VFC_EXIT_OK;
	}
	if (created && mkdir(c->dir, 0755)) {
		vfc_err("systemd: cannot create %s: %s", c->dir, strerror(errno));
		return VFC_EXIT_USAGE;
	}
	if ((rc = write_dropin(c, text, created)))
		return rc;
	rc = reload(c);
	vfc_dropin_logdir(c->unit, logdir, sizeof(logdir));
	printf("%s: trial enabled (%s)%s%s%s; restart it to start the trial (systemctl restart "
	       "%s); reports in /var/log/%s/\n",
	       c->unit, c->file, target ? "; DeviceAllow=" : "", target ? target : "",
	       target ? " (the unit restricts devices)" : "", c->unit, logdir);
	return rc;
}

static int disable(struct ctx *c)
{
	static char buf[TEXT_MAX];
	char logdir[320];
	bool created;
	int rc;

	if (vfc_sd_slurp(c->file, buf, TEXT_MAX) < 0) {
		if (errno != ENOENT) {
			vfc_err("systemd: %s: %s", c->file, strerror(errno));
			return VFC_EXIT_USAGE;
		}
		printf("%s: no trial drop-in (%s); nothing to do\n", c->unit, c->file);
		return VFC_EXIT_OK;
	}
	if (!vfc_dropin_is_ours(buf)) {
		vfc_err("systemd: %s: %s is not vfiocompat's; left as it is", c->unit, c->file);
		return VFC_EXIT_USAGE;
	}
	created = vfc_dropin_created_dir(buf);
	if (unlink(c->file)) {
		vfc_err("systemd: removing %s: %s", c->file, strerror(errno));
		return VFC_EXIT_USAGE;
	}
	/* Kept when something else was put there since. */
	if (created && rmdir(c->dir) && errno != ENOTEMPTY && errno != EEXIST)
		vfc_err("systemd: %s kept: %s", c->dir, strerror(errno));
	rc = reload(c);
	vfc_dropin_logdir(c->unit, logdir, sizeof(logdir));
	printf("%s: trial disabled (%s removed); restart it to run without the shim; reports "
	       "kept in /var/log/%s/\n",
	       c->unit, c->file, logdir);
	return rc;
}

static int reports(const struct ctx *c)
{
	char logdir[320], path[PATH_MAX + 400];
	struct dirent *de;
	DIR *d;
	int n = 0;

	vfc_dropin_logdir(c->unit, logdir, sizeof(logdir));
	snprintf(path, sizeof(path), "%s/var/log/%s", c->root, logdir);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		n += l > 6 && !strcmp(de->d_name + l - 6, ".jsonl");
	}
	closedir(d);
	return n;
}

/* One unit's line; 0 enabled, 1 not. */
static int status_one(struct ctx *c, bool quiet)
{
	static char buf[TEXT_MAX];
	char logdir[320];

	if (vfc_sd_slurp(c->file, buf, TEXT_MAX) < 0 || !vfc_dropin_is_ours(buf)) {
		if (!quiet)
			printf("%s: %s\n", c->unit,
			       access(c->file, F_OK)
				   ? "no trial"
				   : "no trial (a drop-in of that name not ours)");
		return 1;
	}
	vfc_dropin_logdir(c->unit, logdir, sizeof(logdir));
	printf("%s: trial enabled (%s); reports: %d in /var/log/%s/\n", c->unit, c->file,
	       reports(c), logdir);
	return 0;
}

static void set_unit(struct ctx *c, const char *unit)
{
	snprintf(c->unit, sizeof(c->unit), "%s", unit);
	snprintf(c->dir, sizeof(c->dir), "%s/%s.d", c->base, c->unit);
	snprintf(c->file, sizeof(c->file), "%s/" VFC_DROPIN_NAME, c->dir);
}

static int status_all(struct ctx *c)
{
	struct dirent **de;
	int n = scandir(c->base, &de, NULL, alphasort), found = 0;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(de[i]->d_name);

		if (l > 10 && !strcmp(de[i]->d_name + l - 10, ".service.d")) {
			char unit[300];

			snprintf(unit, sizeof(unit), "%.*s", (int)(l - 2), de[i]->d_name);
			set_unit(c, unit);
			found += !status_one(c, true);
		}
		free(de[i]);
	}
	free(n >= 0 ? de : NULL);
	if (!found)
		printf("no unit has a trial drop-in (in %s)\n", c->base);
	return VFC_EXIT_OK;
}

int vfc_cmd_systemd(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"lib", required_argument, NULL, 'l'},
	    {"target", required_argument, NULL, 't'},
	    {"root", required_argument, NULL, 'r'},
	    {"dropin-dir", required_argument, NULL, 'd'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static struct ctx c;
	const char *lib = NULL, *target = NULL, *dropdir = NULL, *verb, *unit = NULL;
	char err[512], name[300];
	bool dry = false;
	int o;

	c.root = "";
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return VFC_EXIT_OK;
	}
	verb = argc > 1 ? argv[1] : "";
	if (strcmp(verb, "enable") && strcmp(verb, "disable") && strcmp(verb, "status")) {
		vfc_err("systemd: %s '%s'; usage: vfiocompat systemd enable|disable|status [UNIT] "
			"(see --help)",
			*verb ? "unknown verb" : "no verb", verb);
		return VFC_EXIT_USAGE;
	}
	/* After the verb: options and UNIT in any order. */
	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc - 1, argv + 1, ":h", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			lib = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'r':
			c.root = optarg;
			break;
		case 'd':
			dropdir = optarg;
			break;
		case 'n':
			dry = true;
			break;
		case 'h':
			usage(stdout);
			return VFC_EXIT_OK;
		case ':':
			vfc_err("systemd: %s needs a value", argv[optind]);
			return VFC_EXIT_USAGE;
		default:
			vfc_err("systemd: unknown option '%s'; see vfiocompat systemd --help",
				argv[optind]);
			return VFC_EXIT_USAGE;
		}
	}
	if (optind + 1 < argc)
		unit = argv[optind + 1];
	if (optind + 2 < argc) {
		vfc_err("systemd: unexpected '%s'; one UNIT at a time", argv[optind + 2]);
		return VFC_EXIT_USAGE;
	}
	if (!unit && strcmp(verb, "status")) {
		vfc_err("systemd: %s needs a UNIT; usage: vfiocompat systemd %s UNIT", verb, verb);
		return VFC_EXIT_USAGE;
	}
	if ((lib || target || dry) && strcmp(verb, "enable")) {
		vfc_err("systemd: --lib, --target and --dry-run go with enable only");
		return VFC_EXIT_USAGE;
	}
	if (*c.root != '\0' && *c.root != '/') {
		vfc_err("systemd: --root %s: give an absolute path", c.root);
		return VFC_EXIT_USAGE;
	}
	if (dropdir)
		snprintf(c.base, sizeof(c.base), "%s", dropdir);
	else
		snprintf(c.base, sizeof(c.base), "%s/etc/systemd/system", c.root);
	if (!unit)
		return status_all(&c);
	if (!vfc_unit_name(unit, name, sizeof(name), err, sizeof(err))) {
		vfc_err("systemd: %s", err);
		return VFC_EXIT_USAGE;
	}
	set_unit(&c, name);
	if (!strcmp(verb, "status"))
		return status_one(&c, false);
	return !strcmp(verb, "enable") ? enable(&c, lib, target, dry) : disable(&c);
}
