/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vfiocompat report: names shared by the shim that writes it and the
 * tools and tests that read it. docs/report-schema.md describes each record;
 * its schema number and vfiocompat's version are in vfiocompat/version.h.
 */
#ifndef VFIOCOMPAT_REPORT_H
#define VFIOCOMPAT_REPORT_H

#include <stdbool.h>

#include "vfiocompat/version.h"

/* Record "type" values, one JSON object per line. */
#define VFC_REC_START	       "start"
#define VFC_REC_OPEN	       "open"
#define VFC_REC_ATTACH	       "attach"
#define VFC_REC_DETACH	       "detach"
#define VFC_REC_GET_INFO_EARLY "get_info_before_device"
#define VFC_REC_ERRNO	       "errno_translated"
#define VFC_REC_RLIMIT	       "rlimit"
#define VFC_REC_IOAS	       "ioas"
#define VFC_REC_FEATURE	       "feature"
#define VFC_REC_SUMMARY	       "summary"
#define VFC_REC_EXIT	       "exit" /* appended by `vfiocompat run` when the program ends */

/*
 * A program name (argv[0]: anyone's choice of bytes) is kept to its first
 * VFC_PROG_MAX bytes in records and in a log path's %e, so that a summary
 * always fits its line; a record says when it was cut ("program_truncated").
 */
#define VFC_PROG_MAX 64

/*
 * A process's identity (docs/report-schema.md): "pid", "starttime" (clock
 * ticks since boot, /proc/PID/stat field 22; 0 unknown) and "boot_id"
 * (/proc/sys/kernel/random/boot_id; "" unknown) in start, summary and exit
 * records. The shim and `vfiocompat run` read them alike, with these.
 */
#define VFC_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define VFC_BOOT_ID_LEN	 36

/*
 * Field 22 of a /proc/PID/stat text of LEN bytes into *OUT. The command
 * name (field 2) may hold spaces and ')': the fields are counted from the
 * last ')'. False when the text has no such field. Pure, no libc.
 */
static inline bool vfc_stat_starttime(const char *buf, unsigned long len, unsigned long long *out)
{
	unsigned long i = len;
	int field = 2;
	unsigned long long v = 0;
	bool digits = false;

	while (i && buf[i - 1] != ')')
		i--;
	if (!i)
		return false;
	for (; i < len; i++) {
		if (buf[i] == ' ') {
			if (field == 22)
				break;
			field++;
			continue;
		}
		if (field < 22)
			continue;
		if (buf[i] < '0' || buf[i] > '9' || v > (~0ull - 9) / 10)
			return false;
		v = v * 10 + (unsigned long long)(buf[i] - '0');
		digits = true;
	}
	if (field != 22 || !digits)
		return false;
	*out = v;
	return true;
}

/* A boot id as the kernel prints it: a lower-case UUID (a newline may follow). */
static inline bool vfc_boot_id_ok(const char *buf, unsigned long len)
{
	if (len == VFC_BOOT_ID_LEN + 1 && buf[VFC_BOOT_ID_LEN] == '\n')
		len = VFC_BOOT_ID_LEN;
	if (len != VFC_BOOT_ID_LEN)
		return false;
	for (unsigned long i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? buf[i] != '-'
			 : !((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f')))
			return false;
	}
	return true;
}

/* Features that differ between the type1 container and iommufd compat. */
enum vfc_feature {
#define VFC_FEATURE(id, name, sev, iommufd, hint) VFC_F_##id,
#include "vfiocompat/features.def"
	VFC_F_COUNT
};

/* How much a feature matters to a VMM after the switch. */
enum vfc_severity {
	VFC_SEV_INFO,	  /* a probe: the caller learns the answer and adapts */
	VFC_SEV_DEGRADED, /* works, with different semantics or cost */
	VFC_SEV_BLOCKER,  /* fails under iommufd */
};

/* Verdicts, best first (docs/report-schema.md, "The verdict model"). */
#define VFC_VERDICT_READY	"ready"
#define VFC_VERDICT_DIFFERENCES "ready-with-differences"
#define VFC_VERDICT_UNTESTED	"untested"
#define VFC_VERDICT_INCOMPLETE	"incomplete" /* only the report says it: no summary */
#define VFC_VERDICT_NOT_READY	"not-ready"
#define VFC_VERDICT_FAILED	"failed"

#endif
