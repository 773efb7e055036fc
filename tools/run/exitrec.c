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
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "logpath.h"
#include "reportfile.h"
#include "runenv.h"
#include "text.h"
#include "vfiocompat/report.h"

bool vfc_exit_read_id(pid_t pid, struct vfc_exit_id *id)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;

	struct utsname u;

	memset(id, 0, sizeof(*id));
	id->pid = pid;
	if (!uname(&u))
		snprintf(id->hostname, sizeof(id->hostname), "%s", u.nodename);
	id->timestamp = (long long)time(NULL);
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || !vfc_stat_starttime(buf, (unsigned long)n, &id->starttime))
		return false;
	fd = open(VFC_BOOT_ID_PATH, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		n = read(fd, buf, 64);
		close(fd);
		if (n > 0 && vfc_boot_id_ok(buf, (unsigned long)n)) {
			memcpy(id->boot_id, buf, VFC_BOOT_ID_LEN);
			id->boot_id[VFC_BOOT_ID_LEN] = 0;
		}
	}
	id->known = true;
	return true;
}

bool vfc_exit_format_id(char *out, size_t size, const struct vfc_exit_id *id, const char *program,
			int status)
{
	char name[VFC_PROG_MAX + 1], sig[24], ident[320] = "", host[65];
	const char *s = program ? program : "";
	int len;

	/* Printable ASCII only: the record must stay valid JSON and UTF-8 for any argv[0]. */
	s += vfc_clean_copy(name, sizeof(name), s, sizeof(name), VFC_CLEAN_ASCII | VFC_CLEAN_JSON);
	/* The shared identity (pid, starttime, boot_id), when it was read. */
	if (id->known)
		snprintf(ident, sizeof(ident), ",\"starttime\":%llu,\"boot_id\":\"%s\"",
			 id->starttime, id->boot_id);
	/* Which host and when: printable ASCII, as the name. */
	if (id->hostname[0] || id->timestamp) {
		vfc_clean_copy(host, sizeof(host), id->hostname, sizeof(host) - 1,
			       VFC_CLEAN_ASCII | VFC_CLEAN_JSON);
		snprintf(ident + strlen(ident), sizeof(ident) - strlen(ident),
			 ",\"hostname\":\"%s\",\"timestamp\":%lld", host, id->timestamp);
	}
	if (*s)
		snprintf(ident + strlen(ident), sizeof(ident) - strlen(ident), "%s",
			 ",\"program_truncated\":true");
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		if (abbrev)
			snprintf(sig, sizeof(sig), "SIG%s", abbrev);
		else
			snprintf(sig, sizeof(sig), "SIG%d", WTERMSIG(status));
		len =
		    snprintf(out, size,
			     "{\"type\":\"" VFC_REC_EXIT "\",\"source\":\"run\",\"pid\":%ld,"
			     "\"program\":\"%s\"%s,\"signal\":\"%s\",\"core_dumped\":%s}\n",
			     (long)id->pid, name, ident, sig, WCOREDUMP(status) ? "true" : "false");
	} else {
		len = snprintf(out, size,
			       "{\"type\":\"" VFC_REC_EXIT "\",\"source\":\"run\",\"pid\":%ld,"
			       "\"program\":\"%s\"%s,\"status\":%d}\n",
			       (long)id->pid, name, ident, WEXITSTATUS(status));
	}
	return len > 0 && (size_t)len < size;
}

bool vfc_exit_format(char *out, size_t size, pid_t pid, const char *program, int status)
{
	struct vfc_exit_id id = {.pid = pid};

	return vfc_exit_format_id(out, size, &id, program, status);
}

bool vfc_exit_glob(const char *tmpl, pid_t pid, char *out, size_t size)
{
	return vfc_logpath_expand(tmpl, pid, NULL, VFC_LOGPATH_GLOB_PROG | VFC_LOGPATH_GLOB_ESCAPE,
				  out, size) < size;
}

bool vfc_exit_path(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size)
{
	return vfc_logpath_expand(tmpl, pid, prog && *prog ? prog : "unknown", 0, out, size) < size;
}

/*
 * Does the file hold the start of the process? By pid, starttime and boot id
 * when known (a file shared by processes of one pid in two namespaces), else
 * by pid. (A template without %p is shared.)
 */
static bool names_proc(const char *path, const struct vfc_exit_id *id, bool by_start)
{
	char want[128], line[4096], why[256];
	bool found = false;
	int fd = vfc_report_file_open(path, O_RDONLY, true, NULL, why, sizeof(why));
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");

	if (!f) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (by_start)
		snprintf(want, sizeof(want), "\"pid\":%ld,\"starttime\":%llu,\"boot_id\":\"%s\"",
			 (long)id->pid, id->starttime, id->boot_id);
	else
		snprintf(want, sizeof(want), "\"pid\":%ld", (long)id->pid);
	while (!found && fgets(line, sizeof(line), f)) {
		char *at = strstr(line, want);
		char next = at ? at[strlen(want)] : 0;

		found = at && (by_start || next == ',' || next == '}');
	}
	fclose(f);
	return found;
}

static int append(const char *path, bool create, const char *line, char *err, size_t errlen)
{
	int fd =
	    create
		? open(path,
		       O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_CREAT | O_EXCL,
		       0600)
		: vfc_report_file_open(path, O_WRONLY | O_APPEND, true, NULL, err, errlen);
	size_t len = strlen(line);
	ssize_t w;

	if (fd < 0 && create)
		return vfc_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fd < 0)
		return -1;
	w = write(fd, line, len);
	if (w != (ssize_t)len) {
		int e = w < 0 ? errno : ENOSPC;

		close(fd);
		return vfc_fail(err, errlen, "%s: %s", path, strerror(e));
	}
	if (close(fd))
		return vfc_fail(err, errlen, "%s: %s", path, strerror(errno));
	return 1;
}

int vfc_exit_append(const char *tmpl, pid_t pid, const char *program, int status, char *err,
		    size_t errlen)
{
	struct vfc_exit_id id = {.pid = pid};

	return vfc_exit_append_id(tmpl, &id, program, status, err, errlen);
}

int vfc_exit_append_id(const char *tmpl, const struct vfc_exit_id *id, const char *program,
		       int status, char *err, size_t errlen)
{
	pid_t pid = id->pid;
	char pattern[8192], path[4096], line[512];
	const char *base = program ? strrchr(program, '/') : NULL;
	bool failed = !WIFEXITED(status) || WEXITSTATUS(status);
	/*
	 * The identity goes into the record only where a start record names the
	 * same process: a reader takes an exit record whose identity matches no
	 * start as a bad record, and one without it by pid (an older shim's
	 * report, or a report made for a wrapper that wrote none).
	 */
	struct vfc_exit_id by_pid = {.pid = pid, .timestamp = id->timestamp};
	glob_t g;
	int ret;

	memcpy(by_pid.hostname, id->hostname, sizeof(by_pid.hostname));
	base = base ? base + 1 : program;
	if (!vfc_exit_format_id(line, sizeof(line), id, base, status) ||
	    !vfc_exit_glob(tmpl, pid, pattern, sizeof(pattern)))
		return vfc_fail(err, errlen, "report path too long");
	if (!glob(pattern, 0, NULL, &g)) {
		size_t pick = g.gl_pathc;
		bool matched = false;

		/* Its start record by identity; else (an older shim's report) by pid. */
		for (int by_start = id->known; pick == g.gl_pathc && by_start >= 0; by_start--)
			for (size_t i = 0; i < g.gl_pathc; i++)
				if (names_proc(g.gl_pathv[i], id, by_start)) {
					pick = i;
					matched = by_start;
					break;
				}
		if (pick == g.gl_pathc)
			pick = 0;
		if (!matched)
			vfc_exit_format_id(line, sizeof(line), &by_pid, base, status);
		ret = append(g.gl_pathv[pick], false, line, err, errlen);
		globfree(&g);
		return ret;
	}
	if (!failed)
		return 0;
	/* No report of its own: create one only when the run left others. */
	if (!vfc_log_glob(tmpl, pattern, sizeof(pattern)))
		return vfc_fail(err, errlen, "report path too long");
	if (glob(pattern, 0, NULL, &g))
		return 0;
	globfree(&g);
	if (!vfc_exit_path(tmpl, pid, base, path, sizeof(path)) ||
	    !vfc_exit_format_id(line, sizeof(line), &by_pid, base, status))
		return vfc_fail(err, errlen, "report path too long");
	return append(path, true, line, err, errlen);
}
