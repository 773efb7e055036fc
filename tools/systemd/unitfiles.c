// SPDX-License-Identifier: GPL-2.0-only
/* How `vfiocompat systemd` reads a unit and runs systemctl; see unitfiles.h. */
#include "unitfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Read at most cap - 1 bytes of path into buf; -1 with errno on failure. */
ssize_t vfc_sd_slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -1;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return r < 0 ? -1 : (ssize_t)n;
}

/* Run argv; its stdout into out, its first stderr line into err. Exit status or -1. */
int vfc_sd_run(char *const argv[], char *out, size_t cap, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int p[2], st, rc;
	FILE *e = tmpfile();
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	*out = *err = '\0';
	if (!e || pipe2(p, O_CLOEXEC)) {
		if (e)
			fclose(e);
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fileno(e), 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		fclose(e);
		snprintf(err, errlen, "%s: %s", argv[0], strerror(rc));
		return -1;
	}
	while ((r = read(p[0], out + n, cap - 1 - n)) > 0 && n + 1 < cap)
		n += (size_t)r;
	out[n] = '\0';
	/* The rest of a text too long for us: drained, so the child is not blocked. */
	while (r > 0 && (r = read(p[0], err, errlen)) > 0)
		;
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	rewind(e);
	if (!fgets(err, (int)errlen, e))
		*err = '\0';
	err[strcspn(err, "\n")] = '\0';
	fclose(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* systemd's system unit path, less the local administrator's /usr/local. */
static const char *const unit_dirs[] = {
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
};

static int cmp_base(const void *a, const void *b)
{
	const char *x = strrchr(*(char *const *)a, '/'), *y = strrchr(*(char *const *)b, '/');

	return strcmp(x, y);
}

/* Append "# path" and the file to text (as `systemctl cat` prints it). */
static void append(char *text, size_t cap, const char *path)
{
	size_t n = strlen(text);

	if (n + strlen(path) + 4 >= cap)
		return;
	n += (size_t)sprintf(text + n, "# %s\n", path);
	if (vfc_sd_slurp(path, text + n, cap - n) < 0)
		text[n] = '\0';
	strcat(text + strlen(text), "\n");
}

/*
 * An offline tree's unit as systemctl would assemble it: the first fragment
 * found in the search path (an instance's template else), then every
 * UNIT.d/ and template drop-in, the first directory's copy of a name
 * winning, sorted by name. 0, or -1 when no fragment exists.
 */
int vfc_sd_offline_cat(const char *root, const char *unit, char *text, size_t cap)
{
	char tmpl[300], path[PATH_MAX + 400], *names[256];
	const char *at = strchr(unit, '@');
	size_t k = 0;
	int found = 0;

	snprintf(tmpl, sizeof(tmpl), "%.*s@.service", at ? (int)(at - unit) : 0, unit);
	*text = '\0';
	for (size_t i = 0; i < sizeof(unit_dirs) / sizeof(*unit_dirs) && !found; i++)
		for (int t = 0; t < 1 + !!at && !found; t++) {
			snprintf(path, sizeof(path), "%s%s/%s", root, unit_dirs[i],
				 t ? tmpl : unit);
			if (!access(path, R_OK)) {
				append(text, cap, path);
				found = 1;
			}
		}
	if (!found)
		return -1;
	for (size_t i = 0; i < sizeof(unit_dirs) / sizeof(*unit_dirs); i++)
		for (int t = 0; t < 1 + !!at; t++) {
			DIR *d;
			struct dirent *de;

			snprintf(path, sizeof(path), "%s%s/%s.d", root, unit_dirs[i],
				 t ? tmpl : unit);
			if (!(d = opendir(path)))
				continue;
			while ((de = readdir(d)) && k < 256) {
				size_t l = strlen(de->d_name), j;

				if (l < 6 || strcmp(de->d_name + l - 5, ".conf"))
					continue;
				for (j = 0; j < k && strcmp(strrchr(names[j], '/') + 1, de->d_name);
				     j++)
					;
				if (j < k)
					continue;
				if (asprintf(&names[k], "%s/%s", path, de->d_name) > 0)
					k++;
			}
			closedir(d);
		}
	qsort(names, k, sizeof(*names), cmp_base);
	for (size_t j = 0; j < k; j++) {
		append(text, cap, names[j]);
		free(names[j]);
	}
	return 0;
}
