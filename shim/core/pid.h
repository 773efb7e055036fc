/* SPDX-License-Identifier: GPL-2.0-only */
/* The pid, cached: asked of the kernel once per process (and once in a fork child). */
#ifndef VFC_PID_H
#define VFC_PID_H

#include <sys/types.h>

pid_t vfc_pid(void);	    /* getpid(), cached */
pid_t vfc_pid_cached(void); /* the cached pid, 0 if none: never a syscall */
void vfc_pid_forget(void);  /* fork child: ask again at the next use */

#endif
