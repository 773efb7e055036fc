/* SPDX-License-Identifier: GPL-2.0-only */
/* The running kernel's build configuration, as `vfiocompat check` reads it. */
#ifndef VFC_KCONFIG_H
#define VFC_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define VFC_KCONFIG_MAX (8u << 20) /* a .config is ~300 KiB; refuse absurd input */

/* 'y', 'm', or 'n' (explicitly not set, or absent) for CONFIG_<sym> in text. */
char vfc_kconfig_value(const char *text, size_t len, const char *sym);

/*
 * Read one kernel config file, gzip or plain, up to VFC_KCONFIG_MAX. Returns
 * malloc'd text (NUL-terminated, *len bytes), or NULL when it cannot be read.
 */
char *vfc_kconfig_read(const char *path, size_t *len);

/*
 * Load /proc/config.gz, else /boot/config-<release> (gzip or plain). Returns
 * malloc'd text (NUL-terminated, *len bytes) and where it came from in
 * source, or NULL when neither is readable.
 */
char *vfc_kconfig_load(const char *release, char *source, size_t source_size, size_t *len);

/*
 * Is text a kernel .config? It must assign or unset at least one CONFIG_
 * symbol at the start of a line ("CONFIG_X=..." or "# CONFIG_X is not set").
 */
bool vfc_kconfig_plausible(const char *text, size_t len);

/*
 * The kernel release the file was generated for, from its header comment
 * ("# Linux/x86 6.8.0 Kernel Configuration"); false when it has none.
 */
bool vfc_kconfig_release(const char *text, size_t len, char *out, size_t size);

/* The kernels the lab measured (docs/compat-audit.md, docs/vm-lab.md). */
#define VFC_MEASURED_KERNELS "6.12.118 and 7.3.4"

/*
 * Where `release` ("6.12.118-amd64") sits among the kernels the lab
 * measured: -1 older than all, 1 newer than all, 0 measured, of a measured
 * series or between them (2 when the release cannot be read). `out` gets
 * one phrase saying which.
 */
int vfc_kernel_measured(const char *release, char *out, size_t size);

/*
 * What type1 on `release` answers to CHECK_EXTENSION(TYPE1_NESTING), as the
 * lab measured it for its series: 1 (6.12), 0 (7.3), -1 not measured.
 */
int vfc_kernel_type1_nesting(const char *release);

/*
 * Can `release`'s iommufd put an Intel VT-d paging domain on first-stage
 * tables? 1 from 6.13 (its domain_alloc_user takes the stage the hardware
 * has), 0 before (second stage only: a scalable-mode VT-d without SLTS
 * refuses every iommufd attach, measured on 6.12.118), -1 unreadable.
 */
int vfc_kernel_vtd_iommufd_first_stage(const char *release);

/*
 * Why path cannot serve as a kernel config, in one phrase ("no such file",
 * "a directory", "empty"...), or NULL when it can be read.
 */
const char *vfc_kconfig_unreadable(const char *path, char *buf, size_t size);

#endif
