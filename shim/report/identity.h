/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A process's identity (report.h, struct vfc_ident): its pid, its start time
 * (/proc/self/stat) and the boot id, read with raw syscalls into a small
 * stack buffer, at start and lazily in a fork child: any record may be
 * written from a signal handler.
 */
#ifndef VFC_IDENTITY_H
#define VFC_IDENTITY_H

#include "report.h"

void vfc_report_read_identity(void); /* start time and boot id, if not read yet */
/* This process's identity; TEXT receives the boot id ("" unknown). */
struct vfc_ident vfc_identity(char text[37]);
void vfc_identity_forked(void); /* fork child: its own start time, read at its first record */

#endif
