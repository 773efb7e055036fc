/* SPDX-License-Identifier: GPL-2.0-only */
/* What `vfiocompat run` computes before it starts the command: pure helpers. */
#ifndef VFC_RUNENV_H
#define VFC_RUNENV_H

#include <stdbool.h>
#include <stddef.h>

/* LD_PRELOAD value with lib first and an existing value kept after it. */
bool vfc_preload_value(const char *lib, const char *existing, char *out, size_t size);

/* A glob(3) pattern matching every file a VFIOCOMPAT_LOG template can make. */
bool vfc_log_glob(const char *tmpl, char *out, size_t size);

/* The shim next to the command: DIR/libvfiocompat.so, DIR/../lib/..., or libdir. */
bool vfc_find_library(const char *exe_dir, const char *libdir, char *out, size_t size);

/* Resolve CMD as execvp would (PATH search when it has no '/'). */
bool vfc_which(const char *cmd, const char *path_env, char *out, size_t size);

#endif
