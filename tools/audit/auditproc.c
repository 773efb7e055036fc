// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF audit's user side, without BPF: each container ioctl event is
 * decoded and classified by the shim's own code (common/decode.c, the feature
 * table include/vfiocompat/features.def via common/feature.c, its verdict
 * shim/ioctl/stats.c over common/verdict.c), exactly as the shim's audit
 * mode does for a preloaded program (shim/ioctl/observe.c), and written as
 * the shim's records (docs/report-schema.md): a `start` at the process's
 * first container ioctl, a `feature` at the first use of each, a `summary`
 * when it exits. One file per process; `source` is "ebpf".
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "fmt.h"
#include "stats.h"
#include "vfiocompat/report.h"

#define MAX_CONTAINERS 16

_Static_assert(sizeof(struct vfc_ev_head) == VFC_EV_HEAD, "vfc_ev_head is vfc_ev's head");

struct vfc_audit_proc {
	struct vfc_audit_proc *next;
	pid_t pid;
	uint64_t start_ns; /* the leader's start_boottime: tells a reused pid apart */
	uint64_t starttime;
	char comm[16];
	char path[PATH_MAX];
	bool skip; /* filtered out (--comm) */
	int ncontainers;
	uint64_t file[MAX_CONTAINERS];
	uint32_t iommu_type[MAX_CONTAINERS];
	bool iommufd[MAX_CONTAINERS]; /* answered by iommufd (run's mount namespace) */
	bool redirect;		      /* its first container was iommufd */
	uint32_t live, peak;
	struct vfc_stats st;
};

static void read_line(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, out, n - 1);

	if (fd >= 0)
		close(fd);
	out[r > 0 ? r : 0] = 0;
	out[strcspn(out, "\n")] = 0;
}

void vfc_audit_state_init(struct vfc_audit_state *s, const char *dir, const char *tmpl,
			  const char *comm)
{
	char buf[32];

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->tmpl = tmpl ? tmpl : "%e-%p.jsonl";
	s->comm = comm;
	read_line("/proc/sys/kernel/random/boot_id", s->boot_id, sizeof(s->boot_id));
	s->alive = vfc_audit_alive;
	s->clk_tck = sysconf(_SC_CLK_TCK);
	if (s->clk_tck <= 0)
		s->clk_tck = 100;
	/* As the shim reads it (shim/sysfs.c): 0 when type1 is not there. */
	read_line("/sys/module/vfio_iommu_type1/parameters/dma_entry_limit", buf, sizeof(buf));
	s->entry_limit = (uint32_t)strtoul(buf, NULL, 10);
}

/* dir/tmpl with %p, %e (the name, [A-Za-z0-9._-] kept, else '_') and %%. */
static bool report_path(const struct vfc_audit_state *s, const struct vfc_audit_proc *p, char *out,
			size_t n)
{
	size_t len = (size_t)snprintf(out, n, "%s/", s->dir);

	for (const char *t = s->tmpl; *t && len < n; t++) {
		char num[24];
		const char *add = NULL;

		if (t[0] == '%' && t[1] == 'p') {
			snprintf(num, sizeof(num), "%d", (int)p->pid);
			add = num;
			t++;
		} else if (t[0] == '%' && t[1] == 'e') {
			for (const char *c = p->comm; *c && len < n; c++) {
				bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
					  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
					  *c == '-';
				out[len++] = ok ? *c : '_';
			}
			t++;
			continue;
		} else if (t[0] == '%' && t[1] == '%') {
			t++;
		}
		if (add) {
			size_t a = strlen(add);
			if (len + a >= n)
				return false;
			memcpy(out + len, add, a);
			len += a;
		} else {
			out[len++] = *t;
		}
	}
	if (len >= n)
		return false;
	out[len] = 0;
	return true;
}

static void emit(struct vfc_audit_state *s, struct vfc_audit_proc *p, const struct vfc_fmt *f)
{
	int fd = open(p->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || write(fd, f->buf, f->len) != (ssize_t)f->len) {
		if (!s->write_errors++)
			snprintf(s->last_error, sizeof(s->last_error), "%s: %s", p->path,
				 strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

static void kv_errno(struct vfc_fmt *f, const char *k, int err)
{
	const char *name = vfc_errno_name(err);

	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	if (name) {
		vfc_fmt_json_str(f, name);
	} else {
		vfc_fmt_str(f, "\"E");
		vfc_fmt_u64(f, (uint64_t)err);
		vfc_fmt_str(f, "\"");
	}
}

static void begin(struct vfc_fmt *f, const char *type, const struct vfc_audit_state *s,
		  const struct vfc_audit_proc *p)
{
	vfc_fmt_init(f);
	vfc_fmt_str(f, "{");
	vfc_fmt_key(f, "type");
	vfc_fmt_json_str(f, type);
	vfc_fmt_kv_str(f, "source", "ebpf");
	vfc_fmt_kv_int(f, "pid", p->pid);
	vfc_fmt_kv_int(f, "starttime", (int64_t)p->starttime);
	vfc_fmt_kv_str(f, "boot_id", s->boot_id);
	vfc_fmt_kv_str(f, "program", p->comm);
}

static void end(struct vfc_fmt *f)
{
	vfc_fmt_str(f, "}\n");
	if (f->truncated) {
		vfc_fmt_init(f);
		vfc_fmt_str(f, "{\"type\":\"truncated\"}\n");
	}
}

static void write_start(struct vfc_audit_state *s, struct vfc_audit_proc *p)
{
	struct vfc_fmt f;
	char link[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)p->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	begin(&f, VFC_REC_START, s, p);
	vfc_fmt_kv_int(&f, "schema", VFC_REPORT_SCHEMA);
	vfc_fmt_kv_str(&f, "version", VFC_VERSION);
	vfc_fmt_kv_str(&f, "exe", exe);
	vfc_fmt_kv_str(&f, "mode", p->redirect ? "redirect" : "audit");
	vfc_fmt_kv_str(&f, "backend", p->redirect ? "iommufd" : "type1");
	end(&f);
	emit(s, p, &f);
}

/* The shim's feature record (shim/report.c), on type1. */
static void write_feature(struct vfc_audit_state *s, struct vfc_audit_proc *p, enum vfc_feature ft)
{
	const struct vfc_feature_info *info = vfc_feature(ft);
	const struct vfc_feature_seen *u = &p->st.feat[ft];
	struct vfc_fmt f;

	begin(&f, VFC_REC_FEATURE, s, p);
	vfc_fmt_kv_str(&f, "feature", info->name);
	vfc_fmt_kv_str(&f, "severity", vfc_severity_name(info->severity));
	vfc_fmt_kv_str(&f, "ioctl", vfc_op_name(u->op));
	vfc_fmt_kv_hex(&f, "request", u->request);
	vfc_fmt_kv_int(&f, "value", u->value);
	vfc_fmt_kv_hex(&f, "flags", u->flags);
	vfc_fmt_kv_str(&f, "backend", u->on_type1 ? "type1" : "iommufd");
	vfc_fmt_kv_int(&f, "ret", u->ret);
	kv_errno(&f, "errno", u->ret < 0 ? u->err : 0);
	/* On type1 the iommufd answer is a prediction, as in the shim's records. */
	vfc_fmt_kv_str(&f, u->on_type1 ? "iommufd_predicted" : "iommufd", info->iommufd);
	vfc_fmt_kv_str(&f, "hint", info->hint);
	end(&f);
	emit(s, p, &f);
}

static void write_summary(struct vfc_audit_state *s, struct vfc_audit_proc *p, bool running)
{
	const struct vfc_stats *st = &p->st;
	const char *verdict = running ? VFC_VERDICT_INCOMPLETE : vfc_verdict(st);
	uint64_t calls = 0, errors = 0;
	char list[256] = "";
	struct vfc_fmt f;
	bool first = true;

	begin(&f, VFC_REC_SUMMARY, s, p);
	bool redirected = atomic_load(&st->redirected) > 0;

	vfc_fmt_kv_str(&f, "mode", redirected ? "redirect" : "audit");
	if (running)
		vfc_fmt_str(&f, ",\"running\":true");
	vfc_fmt_kv_int(&f, "containers", atomic_load(&st->containers));
	vfc_fmt_kv_int(&f, "redirected", atomic_load(&st->redirected));
	vfc_fmt_kv_int(&f, "fallbacks", 0);
	vfc_fmt_kv_str(&f, "memlock", redirected ? "user" : "type1");
	vfc_fmt_kv_int(&f, "peak_live_mappings", atomic_load(&st->peak_mappings));
	vfc_fmt_kv_int(&f, "dma_entry_limit", atomic_load(&st->dma_entry_limit));
	vfc_fmt_str(&f, ",");
	vfc_fmt_key(&f, "ioctls");
	vfc_fmt_str(&f, "{");
	for (int op = 0; op < VFC_OP_COUNT; op++) {
		uint64_t n = atomic_load(&st->calls[op]);

		if (!n)
			continue;
		calls += n;
		errors += atomic_load(&st->errors[op]);
		if (!first)
			vfc_fmt_str(&f, ",");
		first = false;
		vfc_fmt_key(&f, vfc_op_name(op));
		vfc_fmt_str(&f, "{");
		vfc_fmt_key(&f, "calls");
		vfc_fmt_u64(&f, n);
		vfc_fmt_kv_int(&f, "errors", (int64_t)atomic_load(&st->errors[op]));
		if (atomic_load(&st->first_err[op]))
			kv_errno(&f, "errno", atomic_load(&st->first_err[op]));
		if (atomic_load(&st->err_mixed[op]))
			vfc_fmt_str(&f, ",\"errno_mixed\":true");
		vfc_fmt_str(&f, "}");
	}
	vfc_fmt_str(&f, "},");
	vfc_fmt_key(&f, "features");
	vfc_fmt_str(&f, "{");
	first = true;
	for (int ft = 0; ft < VFC_F_COUNT; ft++) {
		uint64_t n = atomic_load(&st->feat[ft].count);

		if (!n)
			continue;
		if (!first)
			vfc_fmt_str(&f, ",");
		first = false;
		vfc_fmt_key(&f, vfc_feature(ft)->name);
		vfc_fmt_u64(&f, n);
		if (strlen(list) + strlen(vfc_feature(ft)->name) + 3 < sizeof(list))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", vfc_feature(ft)->name);
	}
	vfc_fmt_str(&f, "}");
	vfc_fmt_kv_str(&f, "verdict", verdict);
	end(&f);
	emit(s, p, &f);
	if (s->notes)
		fprintf(s->notes,
			"vfiocompat audit: %s[%d]: %llu container ioctls (%llu failed), "
			"features: %s; verdict: %s%s; %s\n",
			p->comm, (int)p->pid, (unsigned long long)calls, (unsigned long long)errors,
			list[0] ? list : "none", verdict, running ? " (still running)" : "",
			p->path);
}

static struct vfc_audit_proc *find(struct vfc_audit_state *s, pid_t pid, uint64_t start,
				   struct vfc_audit_proc ***link)
{
	for (struct vfc_audit_proc **pp = &s->procs; *pp; pp = &(*pp)->next)
		if ((*pp)->pid == pid && (*pp)->start_ns == start) {
			if (link)
				*link = pp;
			return *pp;
		}
	return NULL;
}

static struct vfc_audit_proc *add(struct vfc_audit_state *s, const struct vfc_ev *e)
{
	struct vfc_audit_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->pid = (pid_t)e->tgid;
	p->start_ns = e->start_ns;
	/* /proc/PID/stat's field 22: nsec_to_clock_t(start_boottime). */
	p->starttime = e->start_ns / (1000000000ull / (uint64_t)s->clk_tck);
	memcpy(p->comm, e->comm, sizeof(p->comm) - 1);
	atomic_store(&p->st.dma_entry_limit, s->entry_limit);
	p->skip = s->comm && strncmp(s->comm, p->comm, sizeof(p->comm) - 1);
	p->next = s->procs;
	s->procs = p;
	if (p->skip)
		return p;
	s->nprocs++;
	p->redirect = e->flags & VFC_EVF_IOMMUFD;
	if (!report_path(s, p, p->path, sizeof(p->path)))
		snprintf(p->path, sizeof(p->path), "%s/%d.jsonl", s->dir, (int)p->pid);
	write_start(s, p);
	return p;
}

/* shim/observe.c's count_mapping: true the first time type1's limit is passed. */
static bool count_mapping(struct vfc_audit_proc *p, const struct vfc_rec *r)
{
	uint32_t limit = atomic_load(&p->st.dma_entry_limit);

	if (r->op == VFC_OP_UNMAP_DMA && (r->flags & VFIO_DMA_UNMAP_FLAG_ALL)) {
		p->live = 0;
	} else if (r->op == VFC_OP_UNMAP_DMA && r->has_arg && r->size) {
		if (p->live)
			p->live--;
	} else if (r->op == VFC_OP_MAP_DMA) {
		p->live++;
		if (p->live > p->peak) {
			p->peak = p->live;
			atomic_store(&p->st.peak_mappings, p->peak);
		}
		return limit && p->live == limit + 1;
	}
	return false;
}

static void feature_hit(struct vfc_audit_state *s, struct vfc_audit_proc *p, enum vfc_feature ft,
			const struct vfc_rec *r, int ret, int err, bool on_type1)
{
	struct vfc_feature_seen *u = &p->st.feat[ft];

	if (atomic_fetch_add(&u->count, 1))
		return;
	u->op = r->op;
	u->request = r->request;
	u->flags = r->flags;
	u->value = r->value;
	u->ret = ret;
	u->err = err;
	u->on_type1 = on_type1;
	write_feature(s, p, ft);
}

static void on_ioctl(struct vfc_audit_state *s, struct vfc_audit_proc *p, const struct vfc_ev *e)
{
	int ret = (int)e->ret, err = ret < 0 ? -ret : 0, c;
	struct vfc_rec r;

	for (c = 0; c < p->ncontainers && p->file[c] != e->file; c++)
		;
	bool iommufd = e->flags & VFC_EVF_IOMMUFD;

	if (c == p->ncontainers && c < MAX_CONTAINERS) {
		p->file[p->ncontainers++] = e->file;
		p->iommufd[c] = iommufd;
		atomic_fetch_add(&p->st.containers, 1);
		if (iommufd)
			atomic_fetch_add(&p->st.redirected, 1);
	}
	uint32_t iommu_type = c < MAX_CONTAINERS ? p->iommu_type[c] : 0;
	/* As observe.c: a type1 container with no SET_IOMMU yet fails without reading. */
	bool read_arg = ret >= 0 || (vfc_arg_was_read(ret, err) && (iommufd || iommu_type != 0));
	bool have = e->flags & VFC_EVF_ARG;

	unsigned nr = _IOC_NR(e->cmd);

	if (_IOC_TYPE(e->cmd) == VFIO_TYPE && (nr == VFIO_BASE + 1 || nr == VFIO_BASE + 2)) {
		/* CHECK_EXTENSION, SET_IOMMU: the argument is the value. */
		vfc_decode(e->cmd, (const void *)(uintptr_t)e->arg, iommu_type, false, &r);
	} else {
		vfc_decode(e->cmd, have ? e->data : NULL, iommu_type, have && read_arg, &r);
		if (have && !read_arg && err == EFAULT &&
		    (r.op == VFC_OP_MAP_DMA || r.op == VFC_OP_UNMAP_DMA))
			vfc_decode(e->cmd, e->data, iommu_type, true, &r);
	}
	atomic_fetch_add(&p->st.calls[r.op], 1);
	if (ret < 0) {
		atomic_fetch_add(&p->st.errors[r.op], 1);
		vfc_stats_note_error(&p->st, r.op, err);
	}
	if (r.op == VFC_OP_SET_IOMMU && ret == 0 && c < MAX_CONTAINERS)
		p->iommu_type[c] = r.value;

	bool in_bar = r.op == VFC_OP_MAP_DMA && r.has_arg && (e->flags & VFC_EVF_PFNMAP);
	uint32_t feats = vfc_classify(&r, in_bar);
	if (ret == 0 && count_mapping(p, &r))
		feats |= 1u << VFC_F_DMA_ENTRY_LIMIT;
	if (r.op == VFC_OP_GET_INFO && ret == 0 && r.has_arg && e->len >= 8) {
		/* observe.c's info_has: the answer's first 2 KiB, its argsz clamped to them. */
		static unsigned char info[VFC_EV_DATA];
		uint32_t n = e->len < VFC_EV_DATA ? e->len : VFC_EV_DATA, argsz;

		memcpy(info, e->data, n);
		memcpy(&argsz, info, sizeof(argsz));
		if (argsz > n) {
			argsz = n;
			memcpy(info, &argsz, sizeof(argsz));
		}
		if (vfc_info_has_cap(info, n, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL))
			feats |= 1u << VFC_F_DMA_AVAIL;
	}
	for (int ft = 0; feats; ft++, feats >>= 1)
		if (feats & 1)
			feature_hit(s, p, ft, &r, ret, err, !iommufd);
}

void vfc_audit_event(struct vfc_audit_state *s, const struct vfc_ev *ev, size_t len)
{
	static struct vfc_ev e;
	struct vfc_audit_proc *p, **link = NULL;

	if (len < VFC_EV_HEAD)
		return;
	/* Bytes past what the kernel side copied read as zero. */
	memset(&e, 0, sizeof(e));
	memcpy(&e, ev, len < sizeof(e) ? len : sizeof(e));
	if (e.len > len - VFC_EV_HEAD)
		e.len = (unsigned)(len - VFC_EV_HEAD);
	s->events++;
	p = find(s, (pid_t)e.tgid, e.start_ns, &link);
	if (e.kind == VFC_EV_EXIT) {
		if (!p)
			return;
		if (!p->skip)
			write_summary(s, p, false);
		*link = p->next;
		free(p);
		return;
	}
	if (e.kind != VFC_EV_IOCTL)
		return;
	if (!p && !(p = add(s, &e)))
		return;
	if (!p->skip)
		on_ioctl(s, p, &e);
}

bool vfc_audit_alive(pid_t pid, uint64_t starttime)
{
	char path[64], buf[1024], state = 0;
	unsigned long long start = 0;
	long threads = 0;
	const char *c;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	read_line(path, buf, sizeof(buf));
	/* After the name's closing parenthesis: state (3) ... num_threads (20) ... starttime (22).
	 */
	c = strrchr(buf, ')');
	if (!c || sscanf(c + 1,
			 " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld "
			 "%*d %llu",
			 &state, &threads, &start) != 3)
		return false;
	if (start != starttime)
		return false; /* the pid is another process's now */
	return !((state == 'Z' || state == 'X') && threads <= 1);
}

unsigned long vfc_audit_finish(struct vfc_audit_state *s)
{
	while (s->procs) {
		struct vfc_audit_proc *p = s->procs;

		if (!p->skip) {
			bool running = s->alive(p->pid, p->starttime);

			s->exits_unseen += !running;
			write_summary(s, p, running);
		}
		s->procs = p->next;
		free(p);
	}
	return s->nprocs;
}
