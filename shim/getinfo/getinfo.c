// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GET_INFO handler and its policy (getinfo.h). Before a redirected
 * container's first device is open, iommufd has no domain: the probe makes
 * the caller's own call see one (getinfo_probe.c), else the model rewrites
 * the answer (fixup.c); VFIOCOMPAT_FIXUPS says which (core/settings.h).
 */
#include "getinfo.h"

#include <errno.h>
#include <stdbool.h>

#include "fdtable.h"
#include "fixup.h"
#include "getinfo_probe.h"
#include "real.h"
#include "safecopy.h"
#include "settings.h"

int vfc_getinfo_call(int fd, uint32_t e, unsigned long request, void *arg)
{
	uint32_t caller_argsz = 0;
	int saved = errno;
	bool early = VFC_FD_KIND(e) == VFC_FD_REDIRECTED && arg && vfc_fixup_no_domain_yet(fd);
	/*
	 * The caller's argsz matters only to the fix-up: without it, no
	 * process_vm_readv. When that read fails (a kernel without
	 * CROSS_MEMORY_ATTACH, a seccomp filter refusing it) the answer is left
	 * alone, but still recorded as an early GET_INFO not fixed: never `ready`.
	 */
	const char *unread =
	    early && vfc_cfg.fixup_get_info &&
		    !vfc_safe_copy(&caller_argsz, arg, sizeof(caller_argsz))
		? "the caller's GET_INFO argsz could not be read (process_vm_readv failed): "
		  "answer left alone"
		: NULL;
	errno = saved; /* a failed read must not show in the caller's errno */
	/*
	 * The vendor-neutral fix-up first: the caller's own call, answered with a
	 * device of each group attached (VFIOCOMPAT_FIXUPS=get-info-model: no probe).
	 */
	struct vfc_probe probe;
	bool tried = early && !unread && vfc_cfg.fixup_get_info && vfc_cfg.fixup_probe;
	bool probing = tried && vfc_probe_begin(fd, &probe);
	int ret = vfc_real_ioctl_call(fd, request, arg);
	int err = errno;

	if (probing)
		vfc_probe_end(fd, &probe, ret);
	if (!probing && early && ret == 0)
		vfc_fixup_get_info(fd, arg, caller_argsz, tried ? &probe : NULL, unread);
	errno = err;
	return ret;
}
