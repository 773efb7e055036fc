// SPDX-License-Identifier: GPL-2.0-only
/* Environment parsing: every value is hostile until checked. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "classify.h"
#include "fmt.h"
#include "target.h"
#include "vfiocompat/module.h"

const char *vfc_mode_name(enum vfc_mode m)
{
	switch (m) {
	case VFC_MODE_REDIRECT:
		return "redirect";
	case VFC_MODE_AUDIT:
		return "audit";
	case VFC_MODE_OFF:
		return "off";
	}
	return "redirect";
}

static void bad(vfc_warn_fn *warn, const char *var, const char *val, const char *accepted)
{
	struct vfc_fmt f;

	vfc_fmt_init(&f);
	vfc_fmt_str(&f, "vfiocompat: ignoring ");
	vfc_fmt_str(&f, var);
	vfc_fmt_str(&f, "=");
	/* Quote at most 64 bytes of the value, escaped, so a hostile value stays one line. */
	vfc_fmt_json_str_n(&f, val, 64);
	vfc_fmt_str(&f, ": ");
	vfc_fmt_str(&f, accepted);
	warn(f.buf);
}

/* An absolute path without control bytes that fits in PATH_MAX. */
static bool path_ok(const char *v, size_t max)
{
	size_t n = strnlen(v, max);

	if (n == 0 || n >= max || v[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

int vfc_config_parse(struct vfc_config *c, vfc_getenv_fn *get, vfc_warn_fn *warn)
{
	const char *v;
	int errors = 0;

	memset(c, 0, sizeof(*c));
	c->mode = VFC_MODE_REDIRECT;
	c->fallback = VFC_FALLBACK_PASSTHROUGH;
	strcpy(c->target, VFC_DEFAULT_TARGET);
	c->fixup_get_info = true;
	c->fixup_probe = true;
	c->rlimit_process = true;

	if ((v = get("VFIOCOMPAT_MODE"))) {
		if (!strcmp(v, "redirect"))
			c->mode = VFC_MODE_REDIRECT;
		else if (!strcmp(v, "audit"))
			c->mode = VFC_MODE_AUDIT;
		else if (!strcmp(v, "off"))
			c->mode = VFC_MODE_OFF;
		else {
			/* Observe only: the least invasive guess at what was meant. */
			c->mode = VFC_MODE_AUDIT;
			bad(warn, "VFIOCOMPAT_MODE", v, "use redirect, audit or off; using audit");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_FALLBACK"))) {
		if (!strcmp(v, "passthrough"))
			c->fallback = VFC_FALLBACK_PASSTHROUGH;
		else if (!strcmp(v, "fail"))
			c->fallback = VFC_FALLBACK_FAIL;
		else {
			bad(warn, "VFIOCOMPAT_FALLBACK", v,
			    "use passthrough or fail; using passthrough");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_TARGET"))) {
		if (path_ok(v, sizeof(c->target)))
			strcpy(c->target, v);
		else {
			bad(warn, "VFIOCOMPAT_TARGET", v,
			    "use an absolute path to an iommufd node; using /dev/iommu");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_LOG"))) {
		/* Leave room for %p and %e to expand. */
		if (path_ok(v, sizeof(c->log) - 64))
			strcpy(c->log, v);
		else {
			bad(warn, "VFIOCOMPAT_LOG", v,
			    "use an absolute file path (%p: pid, %e: program); "
			    "writing a summary to stderr instead");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_FIXUPS"))) {
		if (!strcmp(v, "all") || !strcmp(v, "get-info-ranges")) {
			c->fixup_get_info = true;
		} else if (!strcmp(v, "get-info-model")) {
			c->fixup_get_info = true;
			c->fixup_probe = false;
		} else if (!strcmp(v, "none")) {
			c->fixup_get_info = false;
		} else {
			bad(warn, "VFIOCOMPAT_FIXUPS", v,
			    "use all, none, get-info-ranges or get-info-model; using all");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_ERRNO"))) {
		if (!strcmp(v, "type1"))
			c->errno_type1 = true;
		else if (!strcmp(v, "kernel"))
			c->errno_type1 = false;
		else {
			bad(warn, "VFIOCOMPAT_ERRNO", v, "use kernel or type1; using kernel");
			errors++;
		}
	}
	if ((v = get("VFIOCOMPAT_RLIMIT"))) {
		if (!strcmp(v, "process"))
			c->rlimit_process = true;
		else if (!strcmp(v, "user"))
			c->rlimit_process = false;
		else {
			bad(warn, "VFIOCOMPAT_RLIMIT", v, "use process or user; using process");
			errors++;
		}
	}
	/* Off by default: a seccomp-filtered VMM must see no ioctl it did not issue. */
	if ((v = get("VFIOCOMPAT_QUERY"))) {
		if (!strcmp(v, "1"))
			c->query_ioas = true;
		else if (!strcmp(v, "0"))
			c->query_ioas = false;
		else {
			bad(warn, "VFIOCOMPAT_QUERY", v, "use 0 or 1; using 0");
			errors++;
		}
	}
	return errors;
}

bool vfc_config_prefer_module(struct vfc_config *c, vfc_getenv_fn *get, vfc_is_node_fn *is_node)
{
	if (get("VFIOCOMPAT_TARGET"))
		return false;
	strcpy(c->target, vfc_target_default(is_node));
	return !strcmp(c->target, VFC_MODULE_NODE);
}

bool vfc_target_is_container(const struct stat *target)
{
	return S_ISCHR(target->st_mode) &&
	       target->st_rdev == makedev(VFC_CONTAINER_MAJOR, VFC_CONTAINER_MINOR);
}
