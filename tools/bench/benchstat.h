/* SPDX-License-Identifier: GPL-2.0-only */
/* Statistics and wording for `vfiocompat bench`: pure, unit-tested. */
#ifndef VFC_BENCHSTAT_H
#define VFC_BENCHSTAT_H

#include <stddef.h>
#include <stdint.h>

struct vfc_spread {
	double median, min, max;
};

/* Median, min and max of n samples (n > 0); the samples are sorted in place. */
struct vfc_spread vfc_spread_of(double *samples, size_t n);

/* "4 KiB", "2 MiB", "1 GiB", or bytes when not a whole unit. */
const char *vfc_size_name(uint64_t bytes, char *buf, size_t len);

/* Parse "4K", "2M", "1G", "65536" (page-multiple, 4 KiB..1 GiB); 0 on error. */
uint64_t vfc_size_parse(const char *s);

/*
 * One plain sentence for a ratio of iommufd's time over type1's for `what`
 * ("maps 2 MiB chunks"): "iommufd maps 2 MiB chunks 1.9x slower here".
 */
const char *vfc_ratio_reading(const char *backend, const char *what, double ratio, char *buf,
			      size_t len);

#endif
