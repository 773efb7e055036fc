// SPDX-License-Identifier: GPL-2.0-only
/* Pure helpers of `vfiocompat run`; see runenv.h. */
#include "runenv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logpath.h"

bool vfc_preload_value(const char *lib, const char *existing, char *out, size_t size)
{
	int n;

	/* ld.so takes space- or colon-separated lists; ours goes first. */
	if (existing && *existing && !strstr(existing, lib))
		n = snprintf(out, size, "%s %s", lib, existing);
	else if (existing && *existing)
		n = snprintf(out, size, "%s", existing);
	else
		n = snprintf(out, size, "%s", lib);
	return n >= 0 && (size_t)n < size;
}

bool vfc_log_glob(const char *tmpl, char *out, size_t size)
{
	return vfc_logpath_expand(tmpl, 0, NULL,
				  VFC_LOGPATH_GLOB_PID | VFC_LOGPATH_GLOB_PROG |
				      VFC_LOGPATH_GLOB_ESCAPE,
				  out, size) < size;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

bool vfc_find_library(const char *exe_dir, const char *libdir, char *out, size_t size)
{
	const char *fmts[] = {"%s/libvfiocompat.so", "%s/../lib/libvfiocompat.so"};
	char path[4096], real[4096];

	for (size_t i = 0; i < 2 + (libdir != NULL); i++) {
		int n = i < 2 ? snprintf(path, sizeof(path), fmts[i], exe_dir)
			      : snprintf(path, sizeof(path), "%s/libvfiocompat.so", libdir);

		if (n < 0 || (size_t)n >= sizeof(path) || !is_file(path) || !realpath(path, real))
			continue;
		if (strlen(real) >= size)
			return false;
		strcpy(out, real);
		return true;
	}
	return false;
}

bool vfc_which(const char *cmd, const char *path_env, char *out, size_t size)
{
	const char *p = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";

	if (strchr(cmd, '/')) {
		int n = snprintf(out, size, "%s", cmd);

		return n >= 0 && (size_t)n < size && access(cmd, F_OK) == 0;
	}
	while (*p) {
		size_t l = strcspn(p, ":");
		int n = snprintf(out, size, "%.*s%s%s", (int)l, p, l ? "/" : "", cmd);

		if (n >= 0 && (size_t)n < size && is_file(out) && !access(out, X_OK))
			return true;
		p += l + (p[l] == ':');
	}
	return false;
}
