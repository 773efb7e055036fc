/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dynamic program's libraries as the loader would find them: each
 * DT_NEEDED name resolved through DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH,
 * /etc/ld.so.cache and the default directories (glibc's order), the whole
 * closure inspected, so a VFIO user whose VFIO code sits in a library
 * (DPDK's librte_eal) gets the strategy that library needs.
 */
#ifndef VFC_LIBDEPS_H
#define VFC_LIBDEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect.h"

#define VFC_DEPS_MAX 256 /* libraries followed; a large VMM needs ~150 */

struct vfc_deps {
	unsigned nlibs;		   /* libraries found and inspected */
	unsigned nmissing;	   /* DT_NEEDED names not found */
	char missing[256];	   /* the first of them, comma-separated */
	bool capped;		   /* more than VFC_DEPS_MAX */
	char vfio_lib[4096];	   /* first library referencing /dev/vfio or /dev/iommu */
	char vfio_name[128];	   /* its DT_NEEDED name */
	char vfio_via[32];	   /* how it was found: "RUNPATH", "ld.so.cache"... */
	unsigned vfio_imports;	   /* its enum vfc_import bits */
	enum vfc_strategy vfio_if; /* the strategy its build allows */
	char provider[4096];	   /* the library defining open and ioctl (libc) */
	char provider_name[128];
	char reason[1024]; /* the sentence run and inspect show */
};

/*
 * Resolve one DT_NEEDED name needed by the object at loader_path (with its
 * own RPATH/RUNPATH) in a program whose executable has exe_rpath. Writes
 * the path to out and a short name of the rule that found it to via.
 * Returns true when found.
 */
bool vfc_lib_resolve(const char *name, const char *loader_path, const char *rpath,
		     const char *runpath, const char *exe_rpath, char *out, size_t size,
		     const char **via);

/* Look name up in an ld.so.cache file (glibc's "glibc-ld.so.cache1.1"). */
bool vfc_ldcache_lookup(const char *cache, const char *name, char *out, size_t size);

/*
 * Follow the DT_NEEDED closure of the program at path (already inspected
 * into in). Returns true when a library references VFIO: then in->strategy
 * and in->reason are replaced by what that library's build allows (a
 * secure-exec program keeps the eBPF audit) and d says which library.
 */
bool vfc_deps_follow(const char *path, struct vfc_inspect *in, struct vfc_deps *d);

#endif
