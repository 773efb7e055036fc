/* SPDX-License-Identifier: GPL-2.0-only */
/* The container open: the redirect (redirect.c) and the memlock mode (rlimit.c). */
#ifndef VFC_OPEN_H
#define VFC_OPEN_H

#include <sys/types.h>

/* Open of a path that may be VFIO's (vfc_path_maybe_vfio said yes). */
int vfc_open_vfio(int dirfd, const char *path, int flags, mode_t mode);

/* Ask a redirected container for per-process memlock accounting. */
void vfc_set_rlimit_mode(int fd);

#endif
