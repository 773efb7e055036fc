// SPDX-License-Identifier: GPL-2.0-only
/* The `exit` record `vfiocompat run` appends to a report; see exitrec.h. */
#include "exitrec.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runenv.h"
#include "vfiocompat/report.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool vfc_exit_format(char *out, size_t size, pid_t pid, const char *program, int status)
{
	char name[64], sig[24];
	size_t n = 0;
	int len;

	/* Printable ASCII only: the record must stay valid JSON and UTF-8 for any argv[0]. */
	for (const char *s = program ? program : ""; *s && n + 1 < sizeof(name); s++)
		name[n++] = *s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\' ? '?' : *s;
	name[n] = 0;
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		if (abbrev)
			snprintf(sig, sizeof(sig), "SIG%s", abbrev);
		else
			snprintf(sig, sizeof(sig), "SIG%d", WTERMSIG(status));
		len = snprintf(out, size,
			       "{\"type\":\"" VFC_REC_EXIT "\",\"source\":\"run\",\"pid\":%ld,"
			       "\"program\":\"%s\",\"signal\":\"%s\",\"core_dumped\":%s}\n",
			       (long)pid, name, sig, WCOREDUMP(status) ? "true" : "false");
	} else {
		len = snprintf(out, size,
			       "{\"type\":\"" VFC_REC_EXIT "\",\"source\":\"run\",\"pid\":%ld,"
			       "\"program\":\"%s\",\"status\":%d}\n",
			       (long)pid, name, WEXITSTATUS(status));
	}
	return len > 0 && (size_t)len < size;
}

/* Expand a VFIOCOMPAT_LOG template: %p the pid, %e as given (NULL: a glob '*'). */
static bool expand(const char *tmpl, pid_t pid, const char *prog, bool glob_escape, char *out,
		   size_t size)
{
	size_t n = 0;

	for (const char *s = tmpl; *s; s++) {
		char buf[32];
		const char *put = buf;

		buf[0] = *s;
		buf[1] = 0;
		if (s[0] == '%' && s[1] == 'p') {
			snprintf(buf, sizeof(buf), "%ld", (long)pid);
			s++;
		} else if (s[0] == '%' && s[1] == 'e' && !prog) {
			put = "*";
			s++;
		} else if (s[0] == '%' && s[1] == 'e') {
			/* The shim's spelling: [A-Za-z0-9._-], no leading dot. */
			for (const char *p = prog; *p; p++) {
				bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					  (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
					  *p == '_';

				if (n + 1 >= size)
					return false;
				out[n++] = !ok || (p == prog && *p == '.') ? '_' : *p;
			}
			s++;
			continue;
		} else if (s[0] == '%' && s[1] == '%') {
			s++;
		} else if (glob_escape && strchr("*?[\\", *s)) {
			buf[0] = '\\';
			buf[1] = *s;
			buf[2] = 0;
		}
		if (n + strlen(put) >= size)
			return false;
		memcpy(out + n, put, strlen(put));
		n += strlen(put);
	}
	out[n] = 0;
	return true;
}

bool vfc_exit_glob(const char *tmpl, pid_t pid, char *out, size_t size)
{
	return expand(tmpl, pid, NULL, true, out, size);
}

bool vfc_exit_path(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size)
{
	return expand(tmpl, pid, prog && *prog ? prog : "unknown", false, out, size);
}

/* Does the file hold a record of pid? (A template without %p is shared.) */
static bool names_pid(const char *path, pid_t pid)
{
	char want[40], line[4096];
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "\"pid\":%ld", (long)pid);
	while (!found && fgets(line, sizeof(line), f)) {
		char *at = strstr(line, want);

		found = at && (at[strlen(want)] == ',' || at[strlen(want)] == '}');
	}
	fclose(f);
	return found;
}

static int append(const char *path, bool create, const char *line, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	int fd = open(path, flags | (create ? O_CREAT | O_EXCL : 0), 0600);
	size_t len = strlen(line);
	struct stat st;
	ssize_t w;

	if (fd < 0)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	/* Another user's file could hold a forged summary: add nothing to it. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return fail(err, errlen, "%s: not a regular file of this user; not written", path);
	}
	w = write(fd, line, len);
	if (w != (ssize_t)len) {
		int e = w < 0 ? errno : ENOSPC;

		close(fd);
		return fail(err, errlen, "%s: %s", path, strerror(e));
	}
	if (close(fd))
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	return 1;
}

int vfc_exit_append(const char *tmpl, pid_t pid, const char *program, int status, char *err,
		    size_t errlen)
{
	char pattern[8192], path[4096], line[256];
	const char *base = program ? strrchr(program, '/') : NULL;
	bool failed = !WIFEXITED(status) || WEXITSTATUS(status);
	glob_t g;
	int ret;

	base = base ? base + 1 : program;
	if (!vfc_exit_format(line, sizeof(line), pid, base, status) ||
	    !vfc_exit_glob(tmpl, pid, pattern, sizeof(pattern)))
		return fail(err, errlen, "report path too long");
	if (!glob(pattern, 0, NULL, &g)) {
		size_t pick = 0;

		for (size_t i = 0; i < g.gl_pathc; i++)
			if (names_pid(g.gl_pathv[i], pid)) {
				pick = i;
				break;
			}
		ret = append(g.gl_pathv[pick], false, line, err, errlen);
		globfree(&g);
		return ret;
	}
	if (!failed)
		return 0;
	/* No report of its own: create one only when the run left others. */
	if (!vfc_log_glob(tmpl, pattern, sizeof(pattern)))
		return fail(err, errlen, "report path too long");
	if (glob(pattern, 0, NULL, &g))
		return 0;
	globfree(&g);
	if (!vfc_exit_path(tmpl, pid, base, path, sizeof(path)))
		return fail(err, errlen, "report path too long");
	return append(path, true, line, err, errlen);
}
