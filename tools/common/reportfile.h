/* SPDX-License-Identifier: GPL-2.0-only */
/* Opening a report file the shim wrote, with the checks it deserves (reportfile.c). */
#ifndef VFC_REPORTFILE_H
#define VFC_REPORTFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open report `path` for `flags` (plus O_CLOEXEC, O_NOFOLLOW, O_NOCTTY and
 * O_NONBLOCK, mode 0600 when created): never following a link, never
 * blocking (a FIFO planted at its path has no writer or reader to wait for).
 * The fd when it is a regular file and, with `owned`, one of this user with
 * one link, as the shim requires of the files it appends to; else -1 with
 * why in `err`, and *opened (when not NULL) telling whether the open itself
 * succeeded (false: the open failed, true: a check did).
 */
int vfc_report_file_open(const char *path, int flags, bool owned, bool *opened, char *err,
			 size_t errlen);

#endif
