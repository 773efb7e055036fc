// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat libvirt ...`: execs vfiocompat-libvirt (libvirt/), the helper
 * that links libvirt, found beside this program (a build tree) or in the
 * libexec directory (an install).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef VFC_LIBEXECDIR
#define VFC_LIBEXECDIR "/usr/local/libexec/vfiocompat"
#endif

int vfc_cmd_libvirt(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	(void)argc;
	if (n > 0) {
		self[n] = '\0';
		snprintf(path, sizeof(path), "%s/vfiocompat-libvirt", dirname(self));
		if (access(path, X_OK))
			snprintf(path, sizeof(path), "%s", VFC_LIBEXECDIR "/vfiocompat-libvirt");
	} else {
		snprintf(path, sizeof(path), "%s", VFC_LIBEXECDIR "/vfiocompat-libvirt");
	}
	/* Its messages say "vfiocompat libvirt: ...", never the helper's path. */
	argv[0] = "vfiocompat libvirt";
	execv(path, argv);
	vfc_err("libvirt: cannot run %s (%s); install vfiocompat with libvirt-dev present "
		"(make install)",
		path, strerror(errno));
	return VFC_EXIT_NOT_FOUND;
}
