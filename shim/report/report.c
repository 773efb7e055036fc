// SPDX-License-Identifier: GPL-2.0-only
/* Report records: the pure formatters (report_writer.c writes them). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errmap.h"
#include "iova.h"
#include "logpath.h"
#include "migobs.h"

/*
 * Measured first, then written straight into `out` (untouched when it does
 * not fit): no record-sized buffer on the stack. At most VFC_FMT_SIZE - 1
 * bytes, as when it was built in a struct vfc_fmt.
 */
bool vfc_log_path(const char *tmpl, pid_t pid, const char *prog, char *out, size_t size)
{
	size_t max = size < VFC_FMT_SIZE ? size : VFC_FMT_SIZE;

	if (vfc_logpath_expand(tmpl, pid, prog, 0, NULL, max) >= max)
		return false;
	vfc_logpath_expand(tmpl, pid, prog, 0, out, max);
	return true;
}

bool vfc_parse_starttime(const char *buf, size_t len, uint64_t *out)
{
	unsigned long long v;

	if (!vfc_stat_starttime(buf, len, &v))
		return false;
	*out = v;
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool vfc_parse_boot_id(const char *buf, size_t len, uint64_t *hi, uint64_t *lo)
{
	uint64_t w[2] = {0, 0};
	int nib = 0;

	if (!vfc_boot_id_ok(buf, len))
		return false;
	for (size_t i = 0; i < VFC_BOOT_ID_LEN; i++) {
		int v = hexval(buf[i]);

		if (v < 0)
			continue; /* a dash */
		w[nib / 16] = w[nib / 16] << 4 | (uint64_t)v;
		nib++;
	}
	*hi = w[0];
	*lo = w[1];
	return true;
}

void vfc_boot_id_text(char out[37], uint64_t hi, uint64_t lo)
{
	static const char digits[] = "0123456789abcdef";
	int nib = 0;

	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			out[i] = '-';
			continue;
		}
		uint64_t w = nib < 16 ? hi : lo;
		out[i] = digits[(w >> (60 - 4 * (nib % 16))) & 0xf];
		nib++;
	}
	out[36] = 0;
}

static void kv_errno(struct vfc_fmt *f, int err)
{
	const char *name = vfc_errno_name(err);

	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "errno");
	if (name) {
		vfc_fmt_json_str(f, name);
	} else {
		vfc_fmt_str(f, "\"E");
		vfc_fmt_u64(f, (uint64_t)err);
		vfc_fmt_str(f, "\"");
	}
}

/*
 * `"pid":N,"starttime":N,"boot_id":"...","hostname":"...","timestamp":N`,
 * after a comma. The host name is uname's nodename (at most 64 bytes,
 * escaped); the timestamp is the record's wall-clock time.
 */
static void kv_ident(struct vfc_fmt *f, const struct vfc_ident *id)
{
	vfc_fmt_kv_int(f, "pid", id->pid);
	vfc_fmt_kv_int(f, "starttime", (int64_t)id->starttime);
	vfc_fmt_kv_str(f, "boot_id", id->boot_id ? id->boot_id : "");
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "hostname");
	vfc_fmt_json_str_n(f, id->hostname ? id->hostname : "", 64);
	vfc_fmt_kv_int(f, "timestamp", id->timestamp);
}

/* The program name, at most VFC_PROG_MAX bytes of it, and whether it was cut. */
static void kv_program(struct vfc_fmt *f, const char *prog)
{
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "program");
	vfc_fmt_json_str_n(f, prog ? prog : "", VFC_PROG_MAX);
	if (prog && strnlen(prog, VFC_PROG_MAX + 1) > VFC_PROG_MAX) {
		vfc_fmt_str(f, ",");
		vfc_fmt_key(f, "program_truncated");
		vfc_fmt_str(f, "true");
	}
}

static void begin(struct vfc_fmt *f, const char *type)
{
	vfc_fmt_init(f);
	vfc_fmt_str(f, "{");
	vfc_fmt_key(f, "type");
	vfc_fmt_json_str(f, type);
}

static void end(struct vfc_fmt *f)
{
	vfc_fmt_str(f, "}\n");
	/* Never emit half a record: the log must stay one JSON object per line. */
	if (f->truncated) {
		vfc_fmt_init(f);
		vfc_fmt_str(f, "{\"type\":\"truncated\"}\n");
	}
}

void vfc_fmt_start(struct vfc_fmt *f, const struct vfc_config *c, const struct vfc_ident *id,
		   const char *prog)
{
	begin(f, VFC_REC_START);
	vfc_fmt_kv_int(f, "schema", VFC_REPORT_SCHEMA);
	vfc_fmt_kv_str(f, "version", VFC_VERSION);
	kv_ident(f, id);
	kv_program(f, prog);
	vfc_fmt_kv_str(f, "mode", vfc_mode_name(c->mode));
	/*
	 * The start record must always fit (summaries and exit records are
	 * matched to it): the target, up to PATH_MAX bytes that may each take
	 * six characters escaped, is kept to its first VFC_TARGET_MAX bytes.
	 */
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "target");
	vfc_fmt_json_str_n(f, c->target, VFC_TARGET_MAX);
	if (strnlen(c->target, VFC_TARGET_MAX + 1) > VFC_TARGET_MAX)
		vfc_fmt_str(f, ",\"target_truncated\":true");
	vfc_fmt_kv_str(f, "fallback", c->fallback == VFC_FALLBACK_FAIL ? "fail" : "passthrough");
	end(f);
}

void vfc_fmt_open(struct vfc_fmt *f, int fd, const char *path, const char *node, const char *action,
		  const char *target, int err)
{
	begin(f, VFC_REC_OPEN);
	vfc_fmt_kv_int(f, "fd", fd);
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "path");
	vfc_fmt_json_str_n(f, path, 1024);
	vfc_fmt_kv_str(f, "node", node);
	vfc_fmt_kv_str(f, "action", action);
	if (target)
		vfc_fmt_kv_str(f, "target", target);
	if (err)
		kv_errno(f, err);
	end(f);
}

void vfc_fmt_attach(struct vfc_fmt *f, int group, int container_fd, int ret, int err)
{
	begin(f, VFC_REC_ATTACH);
	vfc_fmt_kv_int(f, "group", group);
	vfc_fmt_kv_int(f, "container_fd", container_fd);
	vfc_fmt_kv_int(f, "ret", ret);
	kv_errno(f, ret < 0 ? err : 0);
	end(f);
}

void vfc_fmt_detach(struct vfc_fmt *f, int group, int ret, int err)
{
	begin(f, VFC_REC_DETACH);
	vfc_fmt_kv_int(f, "group", group);
	vfc_fmt_kv_int(f, "ret", ret);
	kv_errno(f, ret < 0 ? err : 0);
	end(f);
}

void vfc_fmt_rlimit(struct vfc_fmt *f, int fd, bool process, int err)
{
	begin(f, VFC_REC_RLIMIT);
	vfc_fmt_kv_int(f, "fd", fd);
	vfc_fmt_kv_str(f, "mode", process ? "process" : "user");
	if (err) {
		kv_errno(f, err);
		vfc_fmt_kv_str(
		    f, "explain",
		    err == EPERM
			? "pinned memory counts against the user's RLIMIT_MEMLOCK, not the "
			  "process's as with type1: setting iommufd's per-process mode needs "
			  "CAP_SYS_RESOURCE (vfiocompat.ko's node gives it without)"
			: "iommufd refused its per-process rlimit mode: pinned memory counts "
			  "per user");
	}
	end(f);
}

void vfc_fmt_ioas(struct vfc_fmt *f, int container_fd, int group, int ret, int err,
		  uint32_t ioas_id)
{
	begin(f, VFC_REC_IOAS);
	vfc_fmt_kv_int(f, "container_fd", container_fd);
	vfc_fmt_kv_int(f, "group", group);
	vfc_fmt_kv_int(f, "ret", ret);
	kv_errno(f, ret < 0 ? err : 0);
	if (ret == 0)
		vfc_fmt_kv_int(f, "ioas_id", ioas_id);
	end(f);
}

void vfc_fmt_errno_translated(struct vfc_fmt *f, const struct vfc_errmap_rule *r,
			      unsigned long request)
{
	begin(f, VFC_REC_ERRNO);
	vfc_fmt_kv_str(f, "rule", r->name);
	vfc_fmt_kv_str(f, "ioctl", vfc_op_name(r->op));
	vfc_fmt_kv_hex(f, "request", request);
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "iommufd");
	vfc_fmt_json_str(f, vfc_errno_name(r->iommufd_err));
	vfc_fmt_kv_int(f, "ret", r->type1_ret);
	kv_errno(f, r->type1_ret < 0 ? r->type1_err : 0);
	vfc_fmt_kv_str(f, "why", r->why);
	end(f);
}

static void kv_ranges(struct vfc_fmt *f, const char *k, const struct vfc_range *r, int n)
{
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	vfc_fmt_str(f, "[");
	for (int i = 0; i < n; i++) {
		vfc_fmt_str(f, i ? ",[\"" : "[\"");
		vfc_fmt_hex(f, r[i].start);
		vfc_fmt_str(f, "\",\"");
		vfc_fmt_hex(f, r[i].last);
		vfc_fmt_str(f, "\"]");
	}
	vfc_fmt_str(f, "]");
}

void vfc_fmt_get_info_early(struct vfc_fmt *f, int fd, int ngroups, const char *action,
			    const char *why, uint64_t k_pgsizes, const struct vfc_range *k, int nk,
			    uint64_t f_pgsizes, const struct vfc_range *fixed, int nf,
			    const struct vfc_get_info_how *how)
{
	begin(f, VFC_REC_GET_INFO_EARLY);
	vfc_fmt_kv_int(f, "fd", fd);
	vfc_fmt_kv_int(f, "groups", ngroups);
	vfc_fmt_kv_str(f, "action", action);
	if (why)
		vfc_fmt_kv_str(f, "reason", why);
	if (how && how->method)
		vfc_fmt_kv_str(f, "method", how->method);
	if (how && how->probe_why) {
		vfc_fmt_kv_str(f, "probe_failed", how->probe_why);
		if (how->probe_err) {
			vfc_fmt_str(f, ",");
			vfc_fmt_key(f, "probe_errno");
			const char *name = vfc_errno_name(how->probe_err);
			vfc_fmt_json_str(f, name ? name : "?");
		}
	}
	if (how && how->probe_us >= 0)
		vfc_fmt_kv_int(f, "probe_us", how->probe_us);
	vfc_fmt_kv_hex(f, "iommufd_pgsizes", k_pgsizes);
	kv_ranges(f, "iommufd_ranges", k, nk > 0 ? nk : 0);
	if (fixed) {
		vfc_fmt_kv_hex(f, "fixed_pgsizes", f_pgsizes);
		kv_ranges(f, "fixed_ranges", fixed, nf);
	}
	vfc_fmt_kv_str(
	    f, "explain",
	    "iommufd attaches the IOMMU domain when the first device fd is opened, so GET_INFO "
	    "before that reports no aperture and no reserved regions; a VMM that picks IOVAs "
	    "from it (QEMU's nvme:// driver) then fails to map. Fix: open the device before "
	    "GET_INFO, or keep VFIOCOMPAT_FIXUPS on so the enforced ranges are reported");
	end(f);
}

void vfc_fmt_feature(struct vfc_fmt *f, enum vfc_feature feat, const struct vfc_feature_seen *s)
{
	const struct vfc_feature_info *info = vfc_feature(feat);
	begin(f, VFC_REC_FEATURE);
	vfc_fmt_kv_str(f, "feature", info->name);
	vfc_fmt_kv_str(f, "severity", vfc_severity_name(info->severity));
	vfc_fmt_kv_str(f, "ioctl", vfc_op_name(s->op));
	vfc_fmt_kv_hex(f, "request", s->request);
	vfc_fmt_kv_int(f, "value", s->value);
	vfc_fmt_kv_hex(f, "flags", s->flags);
	vfc_fmt_kv_str(f, "backend", s->on_type1 ? "type1" : "iommufd");
	vfc_fmt_kv_int(f, "ret", s->ret);
	kv_errno(f, s->ret < 0 ? s->err : 0);
	/* What type1 would have answered on this kernel (probed), beside iommufd's. */
	if (s->type1_known) {
		vfc_fmt_kv_int(f, "type1_ret", s->type1_ret);
		vfc_fmt_kv_str(f, "on_this_kernel",
			       s->type1_ret == s->ret
				   ? "type1 answers the same"
				   : "type1 answers otherwise: a real difference");
	}
	/* On type1 the iommufd answer is a prediction from the known differences. */
	vfc_fmt_kv_str(f, s->on_type1 ? "iommufd_predicted" : "iommufd", info->iommufd);
	vfc_fmt_kv_str(f, "hint", info->hint);
	end(f);
}

static void fmt_counters(struct vfc_fmt *f, const struct vfc_stats *s)
{
	bool first = true;

	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "ioctls");
	vfc_fmt_str(f, "{");
	for (int op = 0; op < VFC_OP_COUNT; op++) {
		uint64_t calls = atomic_load(&s->calls[op]);

		if (!calls)
			continue;
		if (!first)
			vfc_fmt_str(f, ",");
		first = false;
		vfc_fmt_key(f, vfc_op_name(op));
		vfc_fmt_str(f, "{");
		vfc_fmt_key(f, "calls");
		vfc_fmt_u64(f, calls);
		vfc_fmt_kv_int(f, "errors", (int64_t)atomic_load(&s->errors[op]));
		/* The first failure's errno (iommufd's, before any translation). */
		if (atomic_load(&s->first_err[op]))
			kv_errno(f, atomic_load(&s->first_err[op]));
		if (atomic_load(&s->err_mixed[op]))
			vfc_fmt_str(f, ",\"errno_mixed\":true");
		vfc_fmt_str(f, "}");
	}
	vfc_fmt_str(f, "}");
	first = true;
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, "features");
	vfc_fmt_str(f, "{");
	for (int ft = 0; ft < VFC_F_COUNT; ft++) {
		uint64_t n = atomic_load(&s->feat[ft].count);

		if (!n)
			continue;
		if (!first)
			vfc_fmt_str(f, ",");
		first = false;
		vfc_fmt_key(f, vfc_feature(ft)->name);
		vfc_fmt_u64(f, n);
	}
	vfc_fmt_str(f, "}");
}

void vfc_fmt_summary(struct vfc_fmt *f, const struct vfc_stats *s, enum vfc_mode mode,
		     const struct vfc_ident *id, const char *prog)
{
	begin(f, VFC_REC_SUMMARY);
	kv_ident(f, id);
	kv_program(f, prog);
	vfc_fmt_kv_str(f, "mode", vfc_mode_name(mode));
	vfc_fmt_kv_int(f, "containers", atomic_load(&s->containers));
	vfc_fmt_kv_int(f, "redirected", atomic_load(&s->redirected));
	vfc_fmt_kv_int(f, "fallbacks", atomic_load(&s->fallbacks));
	vfc_fmt_kv_int(f, "already_iommufd", atomic_load(&s->already_iommufd));
	vfc_fmt_kv_int(f, "groups", atomic_load(&s->groups));
	vfc_fmt_kv_int(f, "attaches", atomic_load(&s->attaches));
	vfc_fmt_kv_int(f, "attach_errors", atomic_load(&s->attach_errors));
	vfc_fmt_kv_int(f, "detaches", atomic_load(&s->detaches));
	vfc_fmt_kv_int(f, "get_info_before_device", atomic_load(&s->get_info_early));
	vfc_fmt_kv_int(f, "get_info_fixed", atomic_load(&s->get_info_fixed));
	vfc_fmt_kv_int(f, "errno_translated", atomic_load(&s->errno_translated));
	vfc_fmt_kv_str(f, "memlock",
		       !atomic_load(&s->redirected)	 ? "type1"
		       : atomic_load(&s->rlimit_process) ? "process"
							 : "user");
	vfc_fmt_kv_int(f, "devices", atomic_load(&s->devices));
	vfc_fmt_kv_int(f, "peak_live_mappings", atomic_load(&s->peak_mappings));
	vfc_fmt_kv_int(f, "dma_entry_limit", atomic_load(&s->dma_entry_limit));
	if (atomic_load(&s->scratch_exhausted))
		vfc_fmt_kv_int(f, "scratch_exhausted", atomic_load(&s->scratch_exhausted));
	fmt_counters(f, s);
	vfc_fmt_migration(f, &vfc_mig);
	vfc_fmt_kv_str(f, "verdict", vfc_verdict(s));
	end(f);
}

void vfc_fmt_summary_line(struct vfc_fmt *f, const struct vfc_stats *s, enum vfc_mode mode,
			  pid_t pid, const char *prog)
{
	uint64_t calls = 0, errors = 0;
	bool any = false;

	for (int op = 0; op < VFC_OP_COUNT; op++) {
		calls += atomic_load(&s->calls[op]);
		errors += atomic_load(&s->errors[op]);
	}
	vfc_fmt_init(f);
	vfc_fmt_str(f, "vfiocompat: ");
	/* Escaped as in the JSON: control bytes in argv[0] cannot forge log lines. */
	vfc_fmt_json_esc_n(f, prog ? prog : "?", VFC_PROG_MAX);
	vfc_fmt_str(f, "[");
	vfc_fmt_u64(f, (uint64_t)pid);
	vfc_fmt_str(f, "]: mode ");
	vfc_fmt_str(f, vfc_mode_name(mode));
	vfc_fmt_str(f, ", ");
	vfc_fmt_u64(f, (uint64_t)atomic_load(&s->redirected));
	vfc_fmt_str(f, "/");
	vfc_fmt_u64(f, (uint64_t)atomic_load(&s->containers));
	vfc_fmt_str(f, " containers redirected, ");
	vfc_fmt_u64(f, calls);
	vfc_fmt_str(f, " container ioctls (");
	vfc_fmt_u64(f, errors);
	vfc_fmt_str(f, " failed), features: ");
	for (int ft = 0; ft < VFC_F_COUNT; ft++) {
		if (!atomic_load(&s->feat[ft].count))
			continue;
		vfc_fmt_str(f, any ? ", " : "");
		vfc_fmt_str(f, vfc_feature(ft)->name);
		any = true;
	}
	vfc_fmt_str(f, any ? "" : "none");
	vfc_fmt_str(f, "; verdict: ");
	vfc_fmt_str(f, vfc_verdict(s));
	vfc_fmt_str(f, "\n");
}
