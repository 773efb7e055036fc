// SPDX-License-Identifier: GPL-2.0-only
/* Migration facts: VFIO_DEVICE_FEATURE decoding and counters; see migobs.h. */
#include "migobs.h"

#include <errno.h>
#include <linux/vfio.h>
#include <string.h>

struct vfc_mig_stats vfc_mig;

void vfc_devfeat_decode(const void *arg, uint32_t len, bool answered, struct vfc_devfeat *out)
{
	struct vfio_device_feature head;

	memset(out, 0, sizeof(*out));
	if (!arg || len < sizeof(head))
		return;
	memcpy(&head, arg, sizeof(head));
	out->flags = head.flags;
	const char *data = (const char *)arg + sizeof(head);
	uint32_t room = (head.argsz < len ? head.argsz : len) - (uint32_t)sizeof(head);
	if (head.argsz < sizeof(head))
		room = 0;
	bool probe = head.flags & VFIO_DEVICE_FEATURE_PROBE;
	bool get = head.flags & VFIO_DEVICE_FEATURE_GET;
	bool set = head.flags & VFIO_DEVICE_FEATURE_SET;

	switch (head.flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		out->op = VFC_DF_MIGRATION;
		if (answered && get && !probe &&
		    room >= sizeof(struct vfio_device_feature_migration)) {
			struct vfio_device_feature_migration m;
			memcpy(&m, data, sizeof(m));
			out->mig_flags = m.flags;
		}
		break;
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		if (probe || !set) {
			out->op = probe ? VFC_DF_OTHER : VFC_DF_STATE_GET;
			break;
		}
		out->op = VFC_DF_STATE_SET;
		if (room >= sizeof(uint32_t))
			memcpy(&out->state, data, sizeof(out->state));
		break;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		out->op = probe ? VFC_DF_LOGGING_PROBE : VFC_DF_LOGGING_START;
		break;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
		out->op = probe ? VFC_DF_OTHER : VFC_DF_LOGGING_STOP;
		break;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		out->op = probe ? VFC_DF_OTHER : VFC_DF_LOGGING_REPORT;
		break;
	default:
		break;
	}
}

int vfc_dirty_verb(uint32_t flags)
{
	switch (flags) {
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_START:
		return 0;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP:
		return 1;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP:
		return 2;
	default:
		return -1;
	}
}

static void count(_Atomic uint32_t *ok, _Atomic uint32_t *bad, int ret)
{
	atomic_fetch_add_explicit(ret < 0 ? bad : ok, 1, memory_order_relaxed);
}

void vfc_mig_observe_device(unsigned long request, void *arg, int ret, int err)
{
	struct vfc_devfeat d;

	/* EFAULT/ENOTTY: the kernel did not take the struct; nothing to learn. */
	if (request != VFIO_DEVICE_FEATURE || !arg || (ret < 0 && (err == EFAULT || err == ENOTTY)))
		return;
	/*
	 * Any other answer means the kernel read the header; a success means it
	 * also took the 8 data bytes of each feature decoded here.
	 */
	vfc_devfeat_decode(arg, (uint32_t)sizeof(struct vfio_device_feature) + (ret < 0 ? 0 : 8),
			   ret >= 0, &d);
	switch (d.op) {
	case VFC_DF_MIGRATION:
		count(&vfc_mig.mig_query, &vfc_mig.mig_query_err, ret);
		if (ret >= 0)
			atomic_fetch_or(&vfc_mig.mig_flags, d.mig_flags);
		break;
	case VFC_DF_STATE_SET:
		count(&vfc_mig.state_set, &vfc_mig.state_set_err, ret);
		if (ret >= 0 && d.state < VFC_MIG_STATES) {
			atomic_fetch_or(&vfc_mig.states_reached, 1u << d.state);
			atomic_store(&vfc_mig.last_state, d.state + 1);
		}
		break;
	case VFC_DF_LOGGING_PROBE:
		count(&vfc_mig.log_probe, &vfc_mig.log_probe_err, ret);
		break;
	case VFC_DF_LOGGING_START:
		count(&vfc_mig.log_start, &vfc_mig.log_start_err, ret);
		break;
	case VFC_DF_LOGGING_STOP:
		atomic_fetch_add(&vfc_mig.log_stop, 1);
		break;
	case VFC_DF_LOGGING_REPORT:
		count(&vfc_mig.log_report, &vfc_mig.log_report_err, ret);
		break;
	default:
		break;
	}
}

void vfc_mig_observe_dirty(uint32_t flags, int ret)
{
	int v = vfc_dirty_verb(flags);

	if (v >= 0)
		count(&vfc_mig.dirty[v], &vfc_mig.dirty_err[v], ret);
}

void vfc_mig_observe_info_cap(void)
{
	atomic_fetch_add(&vfc_mig.info_cap, 1);
}

static void kv(struct vfc_fmt *f, const char *k, uint64_t v, bool first)
{
	if (!first)
		vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	vfc_fmt_u64(f, v);
}

static const char *const state_names[VFC_MIG_STATES] = {
    "error", "stop", "running", "stop_copy", "resuming", "running_p2p", "pre_copy", "pre_copy_p2p",
};

void vfc_fmt_migration(struct vfc_fmt *f, const struct vfc_mig_stats *m)
{
	static const char *const verbs[3] = {"dirty_start", "dirty_stop", "dirty_bitmap"};
	char k[32];
	uint32_t reached = atomic_load(&m->states_reached), last = atomic_load(&m->last_state);

	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "migration");
	vfc_fmt_str(f, "{");
	kv(f, "info_migration_cap", atomic_load(&m->info_cap), true);
	for (int i = 0; i < 3; i++) {
		kv(f, verbs[i], atomic_load(&m->dirty[i]), false);
		strcpy(k, verbs[i]);
		strcat(k, "_errors");
		kv(f, k, atomic_load(&m->dirty_err[i]), false);
	}
	kv(f, "device_migration", atomic_load(&m->mig_query), false);
	kv(f, "device_migration_errors", atomic_load(&m->mig_query_err), false);
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "device_migration_flags");
	vfc_fmt_str(f, "\"");
	vfc_fmt_hex(f, atomic_load(&m->mig_flags));
	vfc_fmt_str(f, "\"");
	kv(f, "mig_device_state", atomic_load(&m->state_set), false);
	kv(f, "mig_device_state_errors", atomic_load(&m->state_set_err), false);
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "states_reached");
	vfc_fmt_str(f, "[");
	for (int s = 0, n = 0; s < VFC_MIG_STATES; s++)
		if (reached & (1u << s)) {
			vfc_fmt_str(f, n++ ? ",\"" : "\"");
			vfc_fmt_str(f, state_names[s]);
			vfc_fmt_str(f, "\"");
		}
	vfc_fmt_str(f, "]");
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "last_state");
	vfc_fmt_json_str(f, last && last <= VFC_MIG_STATES ? state_names[last - 1] : "none");
	kv(f, "dma_logging_probe", atomic_load(&m->log_probe), false);
	kv(f, "dma_logging_probe_errors", atomic_load(&m->log_probe_err), false);
	kv(f, "dma_logging_start", atomic_load(&m->log_start), false);
	kv(f, "dma_logging_start_errors", atomic_load(&m->log_start_err), false);
	kv(f, "dma_logging_stop", atomic_load(&m->log_stop), false);
	kv(f, "dma_logging_report", atomic_load(&m->log_report), false);
	kv(f, "dma_logging_report_errors", atomic_load(&m->log_report_err), false);
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "vmm_device_dirty_tracking");
	vfc_fmt_json_str(f, m->vmm_tracking_off ? "off" : "default");
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "vmm_enable_migration");
	vfc_fmt_json_str(f, m->vmm_force ? "on" : "auto");
	vfc_fmt_str(f, "}");
}

void vfc_mig_reset(void)
{
	bool off = vfc_mig.vmm_tracking_off, force = vfc_mig.vmm_force;

	/* The command line stays the process's across fork. */
	memset(&vfc_mig, 0, sizeof(vfc_mig));
	vfc_mig.vmm_tracking_off = off;
	vfc_mig.vmm_force = force;
}

/* Does `arg` set `key` to `value` (key=value, "key":"value" or "key": value)? */
static bool sets(const char *arg, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);

	for (const char *p = strstr(arg, key); p; p = strstr(p + 1, key)) {
		const char *v = p + kl;
		while (*v == '=' || *v == '"' || *v == ':' || *v == ' ')
			v++;
		if (!strncmp(v, value, vl) && strchr(",\"} ", v[vl]))
			return true;
	}
	return false;
}

void vfc_mig_scan_args(int argc, char **argv, struct vfc_mig_stats *m)
{
	for (int i = 1; argv && i < argc && argv[i]; i++) {
		if (sets(argv[i], "x-device-dirty-page-tracking", "off") ||
		    sets(argv[i], "x-device-dirty-page-tracking", "false"))
			m->vmm_tracking_off = true;
		if (sets(argv[i], "enable-migration", "on") ||
		    sets(argv[i], "enable-migration", "true"))
			m->vmm_force = true;
	}
}

/* glibc hands constructors the program's arguments: memory reads only, no syscall. */
__attribute__((constructor)) static void scan_args(int argc, char **argv)
{
	vfc_mig_scan_args(argc, argv, &vfc_mig);
}
