// SPDX-License-Identifier: GPL-2.0-only
/* Linked with libctoropen.so: prints what its constructor saw, maps once. */
#include <linux/vfio.h>
#include <stdio.h>
#include <sys/ioctl.h>

extern int ctor_container_fd, ctor_enosys, ctor_unredirected;

int main(void)
{
	printf("container_fd=%d enosys=%d unredirected=%d api=%d\n", ctor_container_fd,
	       ctor_enosys, ctor_unredirected, ioctl(ctor_container_fd, VFIO_GET_API_VERSION));
	return 0;
}
