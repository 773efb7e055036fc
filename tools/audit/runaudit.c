// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat run`'s use of the eBPF audit: a static or setuid program runs
 * in a mount namespace where /dev/vfio/vfio is iommufd, which LD_PRELOAD
 * cannot report on; the audit follows the program's process tree (every
 * descendant of `run` itself, so nothing has to wait for the fork) on both
 * container handlers and writes the reports the shim would, which `run`
 * then judges as a preloaded run's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "runaudit.h"

struct vfc_audit *vfc_run_audit_begin(char *dir, size_t dirlen, char *tmpl, size_t tmpllen,
				      char *pattern, size_t patlen)
{
	const char *tmp = getenv("TMPDIR");
	struct vfc_audit *a;
	char why[512];
	int lock_fd;

	snprintf(dir, dirlen, "%s/vfiocompat-run.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "vfiocompat run: no eBPF audit (a report directory: %s: %s)\n", dir,
			strerror(errno));
		dir[0] = 0;
		return NULL;
	}
	if (!vfc_audit_preflight(dir, &lock_fd, why, sizeof(why))) {
		fprintf(stderr,
			"vfiocompat run: no eBPF audit (%s); the mount namespace gives no "
			"per-ioctl report\n",
			why);
		rmdir(dir);
		dir[0] = 0;
		return NULL;
	}
	struct vfc_audit_opts o = {
	    .dir = dir, .tmpl = "%e-%p.jsonl", .tree = true, .root = getpid(), .iommufd = true};
	a = vfc_audit_start(&o, lock_fd, why, sizeof(why));
	if (!a || !vfc_audit_background(a)) {
		fprintf(stderr,
			"vfiocompat run: no eBPF audit (%s); the mount namespace gives no "
			"per-ioctl report\n",
			a ? "its thread could not start" : why);
		if (a)
			vfc_audit_stop(a, NULL, NULL);
		rmdir(dir);
		dir[0] = 0;
		return NULL;
	}
	snprintf(tmpl, tmpllen, "%s/%%e-%%p.jsonl", dir);
	snprintf(pattern, patlen, "%s/*.jsonl", dir);
	fprintf(stderr, "vfiocompat run: the eBPF audit follows its processes (reports in %s)\n",
		dir);
	return a;
}

void vfc_run_audit_end(struct vfc_audit *a)
{
	unsigned long lost = 0;

	if (!a)
		return;
	vfc_audit_stop(a, NULL, &lost);
	if (lost)
		fprintf(stderr,
			"vfiocompat run: the eBPF audit lost %lu events (its ring buffer was "
			"full): the counts are low\n",
			lost);
}
