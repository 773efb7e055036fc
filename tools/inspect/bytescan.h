/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Find a few fixed byte strings in a stream fed in chunks of any size: a match
 * split across two chunks is found like any other. Pure: no I/O, no allocation.
 */
#ifndef VFC_BYTESCAN_H
#define VFC_BYTESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFC_SCAN_MAX_NEEDLES 16
#define VFC_SCAN_MAX_LEN     32

struct vfc_scan {
	const char *needle[VFC_SCAN_MAX_NEEDLES];
	size_t len[VFC_SCAN_MAX_NEEDLES];
	size_t n, maxlen;
	uint32_t found;				  /* bit i: needle i seen */
	uint64_t first[VFC_SCAN_MAX_NEEDLES];	  /* offset of its first occurrence */
	unsigned char tail[VFC_SCAN_MAX_LEN - 1]; /* last bytes fed, for split matches */
	size_t tail_len;
	uint64_t pos; /* bytes fed so far */
};

/*
 * needles: n (<= VFC_SCAN_MAX_NEEDLES) NUL-terminated strings of 1 to
 * VFC_SCAN_MAX_LEN bytes, kept by pointer. Returns -1 when they do not fit.
 */
int vfc_scan_init(struct vfc_scan *s, const char *const *needles, size_t n);
void vfc_scan_feed(struct vfc_scan *s, const void *buf, size_t len);
bool vfc_scan_found(const struct vfc_scan *s, size_t i);

#endif
