// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libvirt helper's messages, path checks and file writing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "libvirtconf.h"
#include "target.h"

#include "lv.h"

const char *prog = "vfiocompat libvirt";

void lv_note(const struct opts *o, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s", prog, o->dry_run ? "would: " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int lv_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

void lv_quiet(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

const char *lverr(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

/* Safe in a single-quoted shell word, a file name and an XML attribute. */
bool lv_safe_path(const char *s)
{
	return *s == '/' && !strpbrk(s, "'\"<>&\n\\") && strlen(s) < PATH_MAX - 64;
}

bool lv_safe_name(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
			return false;
	return *s && *s != '.' && strlen(s) < 128;
}

char *lv_read_file(const char *path, bool *missing)
{
	FILE *f = fopen(path, "re");
	char *buf;

	*missing = false;
	if (!f) {
		*missing = errno == ENOENT;
		return *missing ? strdup("") : NULL;
	}
	buf = vfc_conf_read(f);
	fclose(f);
	return buf;
}

/* Replace path by text atomically, keeping the original's mode and owner. */
int lv_write_file(const char *path, const char *text, mode_t mode)
{
	char tmp[PATH_MAX + 16];
	struct stat st;
	int fd;
	size_t len = strlen(text);

	if (!stat(path, &st))
		mode = st.st_mode & 07777;
	else
		st.st_uid = 0, st.st_gid = 0;
	snprintf(tmp, sizeof(tmp), "%s.vfiocompat-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) ||
	    (fchown(fd, st.st_uid, st.st_gid) && errno != EPERM) || fsync(fd)) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return -e;
	}
	close(fd);
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

int lv_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}
