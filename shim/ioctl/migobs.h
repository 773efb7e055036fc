/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Migration facts of this process: type1's dirty tracking on the container
 * (GET_INFO's migration capability, VFIO_IOMMU_DIRTY_PAGES) and the device's
 * own migration on device fds (VFIO_DEVICE_FEATURE, the same request number
 * as DIRTY_PAGES). Counters only, lock-free; decoding is pure.
 */
#ifndef VFC_MIGOBS_H
#define VFC_MIGOBS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"

/* What one VFIO_DEVICE_FEATURE call asked (and, for a GET, was answered). */
enum vfc_devfeat_op {
	VFC_DF_OTHER,
	VFC_DF_MIGRATION,     /* GET or PROBE of VFIO_DEVICE_FEATURE_MIGRATION */
	VFC_DF_STATE_SET,     /* SET of MIG_DEVICE_STATE */
	VFC_DF_STATE_GET,     /* GET of MIG_DEVICE_STATE */
	VFC_DF_LOGGING_PROBE, /* PROBE of DMA_LOGGING_START */
	VFC_DF_LOGGING_START,
	VFC_DF_LOGGING_STOP,
	VFC_DF_LOGGING_REPORT,
};

struct vfc_devfeat {
	enum vfc_devfeat_op op;
	uint32_t flags;	    /* the feature struct's flags */
	uint32_t state;	    /* STATE_SET: the state asked for */
	uint64_t mig_flags; /* MIGRATION GET answered: VFIO_MIGRATION_* */
};

/*
 * Decode a VFIO_DEVICE_FEATURE argument the kernel has accepted (`answered`:
 * the call succeeded, so a GET's data is the kernel's). `len` bytes of `arg`
 * are readable. Pure.
 */
void vfc_devfeat_decode(const void *arg, uint32_t len, bool answered, struct vfc_devfeat *out);

/* VFIO_IOMMU_DIRTY_PAGES flags to its verb: 0 start, 1 stop, 2 get-bitmap, -1 other. */
int vfc_dirty_verb(uint32_t flags);

#define VFC_MIG_STATES 8 /* VFIO_DEVICE_STATE_ERROR .. PRE_COPY_P2P */

struct vfc_mig_stats {
	_Atomic uint32_t info_cap;		   /* GET_INFO answers carrying CAP_MIGRATION */
	_Atomic uint32_t dirty[3], dirty_err[3];   /* DIRTY_PAGES start, stop, get-bitmap */
	_Atomic uint32_t mig_query, mig_query_err; /* FEATURE_MIGRATION GET/PROBE */
	_Atomic uint64_t mig_flags;		   /* union of the answers */
	_Atomic uint32_t state_set, state_set_err;
	_Atomic uint32_t states_reached; /* bit per state a SET succeeded to */
	_Atomic uint32_t last_state;	 /* the last state a SET succeeded to, +1 */
	_Atomic uint32_t log_probe, log_probe_err;
	_Atomic uint32_t log_start, log_start_err;
	_Atomic uint32_t log_stop, log_report, log_report_err;
	/* QEMU's vfio-pci settings, from the command line at start. */
	bool vmm_tracking_off; /* x-device-dirty-page-tracking=off */
	bool vmm_force;	       /* enable-migration=on */
};

extern struct vfc_mig_stats vfc_mig;

/* A device fd's ioctl, after the real call; `ret` and `err` are its answer. */
void vfc_mig_observe_device(unsigned long request, void *arg, int ret, int err);

/* A container's DIRTY_PAGES (flags read from its struct) or GET_INFO answer. */
void vfc_mig_observe_dirty(uint32_t flags, int ret);
void vfc_mig_observe_info_cap(void);

/* The summary's "migration" object, appended to f. */
void vfc_fmt_migration(struct vfc_fmt *f, const struct vfc_mig_stats *m);

void vfc_mig_reset(void);

/*
 * Note QEMU's dirty-tracking settings from its arguments (key=value or the
 * JSON -device form): they decide what QEMU does with the device's
 * capabilities, and a process that never migrates shows nothing else. Pure.
 */
void vfc_mig_scan_args(int argc, char **argv, struct vfc_mig_stats *m);

#endif
