// SPDX-License-Identifier: GPL-2.0-only
/* Group-to-container bookkeeping for the GET_INFO diagnosis and fix-up. */
#include "attach.h"

#include <stdatomic.h>

struct slot {
	_Atomic int container; /* fd + 1; 0: free */
	_Atomic int group;
	_Atomic int devices;
};

static struct slot slots[VFC_ATTACH_SLOTS];

void vfc_attach_add(int container_fd, int group)
{
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++) {
		int zero = 0;

		/* Claim with a placeholder so group/devices are set before the slot is seen. */
		if (atomic_compare_exchange_strong(&slots[i].container, &zero, -1)) {
			atomic_store(&slots[i].group, group);
			atomic_store(&slots[i].devices, 0);
			atomic_store(&slots[i].container, container_fd + 1);
			return;
		}
	}
	/* Full: this group's GET_INFO goes unfixed, never wrongly fixed. */
}

static void drop_where(int container_fd, int group)
{
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++) {
		int c = atomic_load(&slots[i].container);

		if (c <= 0)
			continue;
		if ((container_fd >= 0 && c == container_fd + 1) ||
		    (group >= 0 && atomic_load(&slots[i].group) == group))
			atomic_compare_exchange_strong(&slots[i].container, &c, 0);
	}
}

void vfc_attach_remove_group(int group)
{
	drop_where(-1, group);
}

void vfc_attach_forget_container(int container_fd)
{
	drop_where(container_fd, -1);
}

void vfc_attach_device_opened(int group)
{
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++)
		if (atomic_load(&slots[i].container) > 0 && atomic_load(&slots[i].group) == group)
			atomic_fetch_add(&slots[i].devices, 1);
}

int vfc_attach_groups(int container_fd, int *groups, int max, bool *device)
{
	int n = 0;

	*device = false;
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++) {
		if (atomic_load(&slots[i].container) != container_fd + 1)
			continue;
		if (atomic_load(&slots[i].devices))
			*device = true;
		if (n < max)
			groups[n++] = atomic_load(&slots[i].group);
	}
	return n;
}

void vfc_attach_reset(void)
{
	for (int i = 0; i < VFC_ATTACH_SLOTS; i++)
		atomic_store(&slots[i].container, 0);
}
