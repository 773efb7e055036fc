/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOVA facts for the GET_INFO fix-up, all pure: range arithmetic, the
 * reserved_regions sysfs format, the Intel VT-d capability register and
 * rebuilding a VFIO_IOMMU_GET_INFO answer with corrected ranges.
 */
#ifndef VFC_IOVA_H
#define VFC_IOVA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFC_MAX_RANGES 32

struct vfc_range {
	uint64_t start;
	uint64_t last; /* inclusive: a range may end at UINT64_MAX */
};

/*
 * [0, aperture_last] minus every range in `resv` (any order, may overlap or
 * touch). Writes at most `max` holes to `out`; returns their number, or -1
 * if more than `max` would be needed.
 */
int vfc_ranges_subtract(uint64_t aperture_last, const struct vfc_range *resv, int nresv,
			struct vfc_range *out, int max);

/*
 * Parse /sys/kernel/iommu_groups/N/reserved_regions ("0xSTART 0xEND type"
 * lines) into `out`, skipping "direct-relaxable" regions as iommufd does.
 * Returns the count, or -1 on a malformed line or more than `max` regions;
 * *msi tells whether an "msi" region was listed.
 */
int vfc_parse_resv_regions(const char *text, struct vfc_range *out, int max, bool *msi);

/* What a second-stage VT-d domain will enforce, from the cap/ecap registers. */
struct vfc_iommu_facts {
	uint64_t aperture_last;
	uint64_t pgsizes;
};

/*
 * False (and `why` set) when the registers do not determine the domain: a
 * scalable-mode IOMMU may use first-stage tables, and a width the driver
 * would refuse is not guessed at.
 */
bool vfc_vtd_facts(uint64_t cap, uint64_t ecap, bool superpage_off, struct vfc_iommu_facts *out,
		   const char **why);

/*
 * Rebuild a GET_INFO answer: `kernel` is the kernel's complete answer
 * (`kernel_len` bytes, its own argsz); its IOVA_RANGE capability is replaced
 * by `ranges` and iova_pgsizes by `pgsizes`; other capabilities are kept in
 * order. The result goes to `out` (`out_size` bytes) and honours the caller's
 * `caller_argsz` exactly as the kernel would: the header always, the chain
 * only when it fits (else cap_offset 0 and argsz = the size needed).
 * Returns the bytes to copy to the caller, or -1 if `kernel` is malformed
 * or `out` too small.
 */
long vfc_info_rebuild(const void *kernel, size_t kernel_len, uint64_t pgsizes,
		      const struct vfc_range *ranges, int nranges, uint32_t caller_argsz, void *out,
		      size_t out_size);

/* Read the IOVA ranges and page sizes out of a GET_INFO answer. -1 if none. */
int vfc_info_ranges(const void *info, size_t len, struct vfc_range *out, int max,
		    uint64_t *pgsizes);

#endif
