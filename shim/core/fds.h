/* SPDX-License-Identifier: GPL-2.0-only */
/* The fd table's bookkeeping (fds.c) over its lock-free table (fdtable.h). */
#ifndef VFC_FDS_H
#define VFC_FDS_H

#include <stdbool.h>
#include <stdint.h>

#include "fdtable.h"

void vfc_fd_track(int fd, uint32_t e);		  /* a new tracked fd: entry and identity */
uint32_t vfc_fd_check(int fd, uint32_t e);	  /* e if still the same open file, else 0 */
uint32_t vfc_fd_get_checked(int fd);		  /* vfc_fd_get() then vfc_fd_check() */
void vfc_fd_copied(int from, uint32_t e, int to); /* dup*: `to` now holds what `from` held */
void vfc_fd_close(int fd);			  /* before the real close */
void vfc_fd_closing(int fd, uint32_t e);	  /* an entry was dropped: undo what it meant */
void vfc_fds_closed(unsigned first, unsigned last);
void vfc_fds_forked(void); /* fork child: the table is now this process's */

#endif
