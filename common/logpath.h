/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIOCOMPAT_LOG templates: %p the pid, %e the program, %% a '%' (any other
 * '%' stays as it is). The shim expands them to write its report; `run`
 * expands them to find the reports (as globs) and to append exit records.
 * The program is spelt as a path component may be: [A-Za-z0-9._-] (other
 * bytes '_'), no leading dot, at most VFC_PROG_MAX bytes.
 * Pure and async-signal-safe: no libc call but strlen, no allocation.
 */
#ifndef VFC_LOGPATH_H
#define VFC_LOGPATH_H

#include <stddef.h>

#define VFC_LOGPATH_GLOB_PID	1u /* %p becomes '*' */
#define VFC_LOGPATH_GLOB_PROG	2u /* %e becomes '*' */
#define VFC_LOGPATH_GLOB_ESCAPE 4u /* a literal * ? [ \ is escaped with '\' */

/*
 * Expand `tmpl` into out (NULL: only measure), writing at most size - 1
 * bytes and a NUL. Returns the expansion's length, which is `size` or more
 * when it does not fit (the work stops there). prog may be NULL (%e: nothing).
 */
size_t vfc_logpath_expand(const char *tmpl, long pid, const char *prog, unsigned flags, char *out,
			  size_t size);

#endif
