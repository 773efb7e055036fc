/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The version of vfiocompat (library, command and module alike) and of its
 * report schema (docs/report-schema.md: bump it on any incompatible change to
 * a record). Plain defines: the kernel module includes this file too.
 */
#ifndef VFIOCOMPAT_VERSION_H
#define VFIOCOMPAT_VERSION_H

#define VFC_VERSION	  "0.1.0"
#define VFC_REPORT_SCHEMA 1

#endif
