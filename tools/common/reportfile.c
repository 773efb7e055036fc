// SPDX-License-Identifier: GPL-2.0-only
/* Opening a report file the shim wrote; see reportfile.h. */
#include "reportfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

int vfc_report_file_open(const char *path, int flags, bool owned, bool *opened, char *err,
			 size_t errlen)
{
	struct stat st;
	int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0600);

	if (opened)
		*opened = fd >= 0;
	if (fd < 0)
		return vfc_fail(err, errlen, "%s: %s", path,
				errno == ENXIO ? "not a regular file (a FIFO or socket); not used"
					       : strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return vfc_fail(err, errlen, "%s: not a regular file; not used", path);
	}
	if (!owned)
		return fd;
	/* Another user's file, or a link to one, could hold a forged summary. */
	if (st.st_uid != geteuid()) {
		close(fd);
		return vfc_fail(err, errlen,
				"%s: not a regular file of this user (owned by uid %lu); not used",
				path, (unsigned long)st.st_uid);
	}
	if (st.st_nlink != 1) {
		close(fd);
		return vfc_fail(err, errlen, "%s: has more than one link; not used", path);
	}
	return fd;
}
