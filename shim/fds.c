// SPDX-License-Identifier: GPL-2.0-only
/* Descriptor bookkeeping: what a close of a tracked fd undoes. */
#include "core.h"

#include "attach.h"

void vfc_fd_closing(int fd, uint32_t e)
{
	enum vfc_fd_kind k = VFC_FD_KIND(e);

	if (k == VFC_FD_REDIRECTED || k == VFC_FD_TYPE1 || k == VFC_FD_IOMMUFD)
		vfc_attach_forget_container(fd);
}

void vfc_fds_closed(unsigned first, unsigned last)
{
	int high = atomic_load_explicit(&vfc_fd_high, memory_order_relaxed);

	if (last > (unsigned)high)
		last = (unsigned)high;
	/* As close() does for each: a container's attach bookkeeping goes too. */
	for (unsigned fd = first; fd <= last && fd < VFC_FD_MAX; fd++) {
		uint32_t e = atomic_exchange_explicit(&vfc_fd_table[fd], 0, memory_order_relaxed);
		if (e)
			vfc_fd_closing((int)fd, e);
	}
}
