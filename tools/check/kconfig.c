// SPDX-License-Identifier: GPL-2.0-only
/* Kernel .config lookup; zlib reads /proc/config.gz and plain files alike. */
#include "kconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

char vfc_kconfig_value(const char *text, size_t len, const char *sym)
{
	size_t n = strlen(sym);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((eol ? eol : end) - p);

		/* "CONFIG_SYM=v" with v y or m; anything else reads as off. */
		if (l >= 7 + n + 2 && !memcmp(p, "CONFIG_", 7) && !memcmp(p + 7, sym, n) &&
		    p[7 + n] == '=')
			return (l == 7 + n + 2 && (p[8 + n] == 'y' || p[8 + n] == 'm')) ? p[8 + n]
											: 'n';
		p += l + 1;
	}
	return 'n';
}

char *vfc_kconfig_read(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!gz)
		return NULL;
	buf = malloc(cap + 1);
	while (buf) {
		int r = gzread(gz, buf + n, (unsigned)(cap - n));

		if (r < 0 || (r == 0 && n == 0)) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			char *nb = cap >= VFC_KCONFIG_MAX ? NULL : realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(gz);
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

char *vfc_kconfig_load(const char *release, char *source, size_t source_size, size_t *len)
{
	char path[512];
	char *text = vfc_kconfig_read("/proc/config.gz", len);

	if (text) {
		snprintf(source, source_size, "/proc/config.gz");
		return text;
	}
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	text = vfc_kconfig_read(path, len);
	if (text)
		snprintf(source, source_size, "%s", path);
	return text;
}

bool vfc_kconfig_plausible(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((eol ? eol : end) - p);

		if ((l > 8 && !memcmp(p, "CONFIG_", 7) && memchr(p, '=', l)) ||
		    (l > 20 && !memcmp(p, "# CONFIG_", 9) && l > 11 &&
		     !memcmp(p + l - 11, " is not set", 11)))
			return true;
		p += l + 1;
	}
	return false;
}

bool vfc_kconfig_release(const char *text, size_t len, char *out, size_t size)
{
	const char *p = text, *end = text + len;

	/* The header is within the first lines: "#\n# Automatically generated file; ...\n#
	 * Linux/ARCH VERSION Kernel Configuration" */
	for (int lines = 0; p < end && lines < 8; lines++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((eol ? eol : end) - p);
		char arch[32], rel[128], word[32];

		if (l < 200 && l > 8 && !memcmp(p, "# Linux/", 8)) {
			char line[200];

			memcpy(line, p, l);
			line[l] = 0;
			if (sscanf(line, "# Linux/%31s %127s %31s", arch, rel, word) == 3 &&
			    !strcmp(word, "Kernel") && strlen(rel) < size) {
				strcpy(out, rel);
				return true;
			}
		}
		p += l + 1;
	}
	return false;
}

const char *vfc_kconfig_unreadable(const char *path, char *buf, size_t size)
{
	struct stat st;
	int fd;

	if (stat(path, &st)) {
		snprintf(buf, size, "%s", strerror(errno));
		return buf;
	}
	if (S_ISDIR(st.st_mode))
		return "a directory, not a file";
	if (!S_ISREG(st.st_mode))
		return S_ISCHR(st.st_mode) ? "a character device, not a file"
					   : "not a regular file";
	if (!st.st_size)
		return "empty (0 bytes)";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, size, "%s", strerror(errno));
		return buf;
	}
	close(fd);
	return NULL;
}

/* major.minor.patch as one number; false when release does not start so. */
static bool kver(const char *release, unsigned long *v)
{
	unsigned a = 0, b = 0, c = 0;
	int n = sscanf(release, "%u.%u.%u", &a, &b, &c);

	if (n < 2 || a > 255 || b > 255 || c > 65535)
		return false;
	*v = (unsigned long)a << 24 | (unsigned long)b << 16 | c;
	return true;
}

static const unsigned long measured[] = {6ul << 24 | 12ul << 16 | 118, 7ul << 24 | 3ul << 16 | 4};
#define NMEASURED (sizeof(measured) / sizeof(measured[0]))

int vfc_kernel_measured(const char *release, char *out, size_t size)
{
	unsigned long v;

	if (!kver(release, &v)) {
		snprintf(out, size, "Linux %s: version not understood; the lab measured %s",
			 release, VFC_MEASURED_KERNELS);
		return 2;
	}
	for (size_t i = 0; i < NMEASURED; i++) {
		if (v == measured[i]) {
			snprintf(out, size,
				 "Linux %s was measured in the lab (docs/compat-audit.md)",
				 release);
			return 0;
		}
		if (v >> 16 == measured[i] >> 16) {
			snprintf(out, size,
				 "Linux %s: the lab measured this series at %lu.%lu.%lu; answers "
				 "should match docs/compat-audit.md",
				 release, measured[i] >> 24, measured[i] >> 16 & 255,
				 measured[i] & 65535);
			return 0;
		}
	}
	if (v < measured[0]) {
		snprintf(out, size,
			 "Linux %s is older than any kernel the lab measured (%s): its answers may "
			 "differ from docs/compat-audit.md",
			 release, VFC_MEASURED_KERNELS);
		return -1;
	}
	if (v > measured[NMEASURED - 1]) {
		snprintf(out, size,
			 "Linux %s is newer than any kernel the lab measured (%s): its answers may "
			 "differ from docs/compat-audit.md",
			 release, VFC_MEASURED_KERNELS);
		return 1;
	}
	snprintf(out, size,
		 "Linux %s was not measured: it lies between the lab's %s; its answers may differ "
		 "from docs/compat-audit.md",
		 release, VFC_MEASURED_KERNELS);
	return 0;
}

int vfc_kernel_type1_nesting(const char *release)
{
	unsigned long v;

	if (!kver(release, &v))
		return -1;
	if (v >> 16 == measured[0] >> 16)
		return 1;
	if (v >> 16 == measured[1] >> 16)
		return 0;
	return -1;
}

int vfc_kernel_vtd_iommufd_first_stage(const char *release)
{
	unsigned long v;

	if (!kver(release, &v))
		return -1;
	return v >= (6ul << 24 | 13ul << 16);
}
