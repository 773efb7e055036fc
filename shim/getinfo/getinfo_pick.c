// SPDX-License-Identifier: GPL-2.0-only
/* The probe's pure part (getinfo_probe.h): which fd of the program's is the group's. */
#include "fdtable.h"
#include "getinfo_probe.h"

int vfc_probe_group_fd(const _Atomic uint32_t *table, int high, int group)
{
	uint32_t want = VFC_FD_ENTRY(VFC_FD_GROUP, (uint32_t)group + 1);

	if (group < 0)
		return -1;
	for (int fd = 0; fd <= high && fd < (int)VFC_FD_MAX; fd++)
		if (atomic_load_explicit(&table[fd], memory_order_relaxed) == want)
			return fd;
	return -1;
}
