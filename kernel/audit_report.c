// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit's report, one process at a time: JSON Lines in the shim's
 * schema (docs/report-schema.md), a start, one feature record per feature
 * used and a summary, with the texts of include/vfiocompat/features.def.
 */
#include <linux/errno.h>
#include <linux/seq_file.h>

#include "audit.h"
#include "vfiocompat.h"

/* Names as the shim writes them (common/decode.c). */
static const char *const op_names[OP_COUNT] = {
	[OP_OTHER] = "OTHER",
	[OP_GET_API_VERSION] = "GET_API_VERSION",
	[OP_CHECK_EXTENSION] = "CHECK_EXTENSION",
	[OP_SET_IOMMU] = "SET_IOMMU",
	[OP_GET_INFO] = "IOMMU_GET_INFO",
	[OP_MAP_DMA] = "IOMMU_MAP_DMA",
	[OP_UNMAP_DMA] = "IOMMU_UNMAP_DMA",
	[OP_DIRTY_PAGES] = "IOMMU_DIRTY_PAGES",
	[OP_SPAPR] = "SPAPR",
};

enum vfc_sev { SEV_INFO, SEV_DEGRADED, SEV_BLOCKER };
static const char *const sev_names[] = { "info", "degraded", "blocker" };

struct vfc_feat_info {
	const char *name;
	enum vfc_sev sev;
	const char *iommufd;
	const char *hint;
};

/*
 * The shim's table (include/vfiocompat/features.def), so one reader handles
 * both reports.
 */
static const struct vfc_feat_info feats[F_COUNT] = {
#define VFC_FEATURE(id, name, sev, iommufd, hint) \
	[F_##id] = { name, SEV_##sev, iommufd, hint },
#include "vfiocompat/features.def"
};

/* JSON string: quotes, backslashes, control and non-ASCII bytes escaped. */
static void vfc_json_str(struct seq_file *m, const char *s)
{
	seq_putc(m, '"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			seq_printf(m, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			seq_printf(m, "\\u%04x", ch);
		else
			seq_putc(m, ch);
	}
	seq_putc(m, '"');
}

static const char *vfc_errno_name(long ret)
{
	switch (ret) {
	case 0: return "0";
	case -EPERM: return "EPERM";
	case -ENOENT: return "ENOENT";
	case -EIO: return "EIO";
	case -E2BIG: return "E2BIG";
	case -EBADF: return "EBADF";
	case -ENOMEM: return "ENOMEM";
	case -EFAULT: return "EFAULT";
	case -EBUSY: return "EBUSY";
	case -EEXIST: return "EEXIST";
	case -ENODEV: return "ENODEV";
	case -EINVAL: return "EINVAL";
	case -ENOSPC: return "ENOSPC";
	case -ENOTTY: return "ENOTTY";
	case -ERANGE: return "ERANGE";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	default: return ret < 0 ? "EOTHER" : "0";
	}
}

void vfc_show_proc(struct seq_file *m, const struct vfc_audit_rec *p)
{
	enum vfc_sev worst = SEV_INFO;
	bool any_feat = false, first;
	u64 total = 0;
	int i;

	seq_printf(m, "{\"type\":\"start\",\"schema\":%d,\"version\":\"%s\",\"source\":\"kernel\",\"pid\":%d,\"program\":",
		   VFC_REPORT_SCHEMA, VFC_VERSION, p->tgid);
	vfc_json_str(m, p->comm);
	seq_puts(m, ",\"exe\":");
	vfc_json_str(m, p->exe);
	seq_puts(m, ",\"mode\":\"audit\",\"backend\":\"type1\"}\n");

	for (i = 0; i < F_COUNT; i++) {
		const struct vfc_first *fu = &p->first[i];

		if (!p->feat_count[i])
			continue;
		seq_printf(m, "{\"type\":\"feature\",\"pid\":%d,\"program\":", p->tgid);
		vfc_json_str(m, p->comm);
		seq_printf(m, ",\"feature\":\"%s\",\"severity\":\"%s\",\"ioctl\":\"%s\",\"request\":\"0x%x\",\"value\":%lld,\"flags\":\"0x%x\",\"backend\":\"type1\",\"ret\":%ld,\"errno\":\"%s\",\"count\":%llu,\"iommufd_predicted\":",
			   feats[i].name, sev_names[feats[i].sev],
			   op_names[fu->op], fu->request, fu->value, fu->flags,
			   fu->ret < 0 ? -1L : fu->ret, vfc_errno_name(fu->ret),
			   p->feat_count[i]);
		vfc_json_str(m, feats[i].iommufd);
		seq_puts(m, ",\"hint\":");
		vfc_json_str(m, feats[i].hint);
		seq_puts(m, "}\n");
		any_feat = true;
		if (feats[i].sev > worst)
			worst = feats[i].sev;
	}

	seq_printf(m, "{\"type\":\"summary\",\"source\":\"kernel\",\"pid\":%d,\"program\":",
		   p->tgid);
	vfc_json_str(m, p->comm);
	seq_puts(m, ",\"exe\":");
	vfc_json_str(m, p->exe);
	seq_puts(m, ",\"mode\":\"audit\",\"memlock\":\"type1\",\"ioctls\":{");
	first = true;
	for (i = 0; i < OP_COUNT; i++) {
		if (!p->calls[i])
			continue;
		total += p->calls[i];
		seq_printf(m, "%s\"%s\":{\"calls\":%llu,\"errors\":%llu}",
			   first ? "" : ",", op_names[i], p->calls[i],
			   p->errors[i]);
		first = false;
	}
	seq_puts(m, "},\"features\":{");
	first = true;
	for (i = 0; i < F_COUNT; i++) {
		if (!p->feat_count[i])
			continue;
		seq_printf(m, "%s\"%s\":%llu", first ? "" : ",", feats[i].name,
			   p->feat_count[i]);
		first = false;
	}
	seq_printf(m, "},\"verdict\":\"%s\"}\n",
		   !total ? "untested" :
		   !any_feat || worst == SEV_INFO ? "ready" :
		   worst == SEV_DEGRADED ? "ready-with-differences" :
		   "not-ready");
}
