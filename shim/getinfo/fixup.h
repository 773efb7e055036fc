/* SPDX-License-Identifier: GPL-2.0-only */
/* The early GET_INFO fix-up (fixup.c): iommufd's raw answer made the enforced one. */
#ifndef VFC_FIXUP_H
#define VFC_FIXUP_H

#include <stdbool.h>
#include <stdint.h>

/* A redirected container with groups but no device open yet. */
bool vfc_fixup_no_domain_yet(int fd);
/*
 * Rewrite a successful early GET_INFO answer in `arg`; `unread` (not NULL):
 * why it must be left alone, recorded as skipped.
 */
struct vfc_probe;
void vfc_fixup_get_info(int fd, void *arg, uint32_t caller_argsz, const struct vfc_probe *probe,
			const char *unread);

#endif
