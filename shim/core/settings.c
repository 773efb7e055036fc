// SPDX-License-Identifier: GPL-2.0-only
/* The process's settings, read once; see settings.h. */
#include "settings.h"

#include <errno.h>
#include <stdlib.h>

#include "sysfs.h"
#include "target.h"

struct vfc_config vfc_cfg;
_Atomic uint32_t vfc_type1_limit;
_Atomic int vfc_type1_nesting = -1;

static _Atomic int parsed;

static const char *env_get(const char *name)
{
	return secure_getenv(name);
}

void vfc_settings_read(void (*warn)(const char *line))
{
	if (!atomic_exchange(&parsed, 1)) {
		vfc_config_parse(&vfc_cfg, env_get, warn);
		vfc_config_prefer_module(&vfc_cfg, env_get, vfc_is_char_node);
	}
}

bool vfc_settings_were_read(void)
{
	return atomic_load(&parsed);
}

/*
 * A container opened before our constructor ran (from a DT_NEEDED library's
 * constructor, which the loader runs first) reads the limit there and then:
 * still before main, so still before any seccomp filter.
 */
uint32_t vfc_type1_limit_get(void)
{
	uint32_t v = atomic_load(&vfc_type1_limit);

	if (!v) {
		int saved = errno;
		v = vfc_type1_dma_entry_limit();
		atomic_store(&vfc_type1_limit, v);
		errno = saved;
	}
	return v;
}
