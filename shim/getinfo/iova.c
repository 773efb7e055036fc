// SPDX-License-Identifier: GPL-2.0-only
/* IOVA range arithmetic and GET_INFO rebuilding for the fix-up (pure). */
#include "iova.h"

#include <linux/vfio.h>
#include <string.h>

static void sort_ranges(struct vfc_range *r, int n)
{
	for (int i = 1; i < n; i++) {
		struct vfc_range k = r[i];
		int j = i - 1;

		while (j >= 0 && r[j].start > k.start) {
			r[j + 1] = r[j];
			j--;
		}
		r[j + 1] = k;
	}
}

int vfc_ranges_subtract(uint64_t aperture_last, const struct vfc_range *resv, int nresv,
			struct vfc_range *out, int max)
{
	struct vfc_range r[VFC_MAX_RANGES];
	int n = 0;
	uint64_t next = 0; /* first address not yet covered */
	bool done = false; /* everything up to UINT64_MAX is covered */

	if (nresv > VFC_MAX_RANGES)
		return -1;
	if (nresv > 0)
		memcpy(r, resv, (size_t)nresv * sizeof(*r));
	sort_ranges(r, nresv);
	for (int i = 0; i < nresv && !done && next <= aperture_last; i++) {
		if (r[i].last < next || r[i].start > r[i].last)
			continue;
		if (r[i].start > next) {
			uint64_t last =
			    r[i].start - 1 < aperture_last ? r[i].start - 1 : aperture_last;
			if (n == max)
				return -1;
			out[n++] = (struct vfc_range){next, last};
		}
		if (r[i].last == UINT64_MAX)
			done = true;
		else
			next = r[i].last + 1;
	}
	if (!done && next <= aperture_last) {
		if (n == max)
			return -1;
		out[n++] = (struct vfc_range){next, aperture_last};
	}
	return n;
}

static bool parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits == 16)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	if (!digits)
		return false;
	*v = x;
	*p = s;
	return true;
}

int vfc_parse_resv_regions(const char *text, struct vfc_range *out, int max, bool *msi)
{
	int n = 0;
	const char *p = text;

	*msi = false;

	while (*p) {
		uint64_t start, end;
		const char *type;
		size_t tlen;

		if (*p == '\n') {
			p++;
			continue;
		}
		if (!parse_hex(&p, &start) || *p++ != ' ' || !parse_hex(&p, &end) || *p++ != ' ' ||
		    end < start)
			return -1;
		type = p;
		while (*p && *p != '\n')
			p++;
		tlen = (size_t)(p - type);
		if (tlen == 16 && !memcmp(type, "direct-relaxable", 16))
			continue;
		if (tlen == 3 && !memcmp(type, "msi", 3))
			*msi = true;
		if (n == max)
			return -1;
		out[n++] = (struct vfc_range){start, end};
	}
	return n;
}

bool vfc_vtd_facts(uint64_t cap, uint64_t ecap, bool superpage_off, struct vfc_iommu_facts *out,
		   const char **why)
{
	unsigned sagaw = (cap >> 8) & 0x1f;
	unsigned mgaw = ((cap >> 16) & 0x3f) + 1;
	unsigned sslps = (cap >> 34) & 0xf;
	unsigned width;

	/*
	 * Scalable mode (ecap SMTS): the kernel picks first-stage tables when
	 * FLTS is set (drivers/iommu/intel first_level_by_default), else second
	 * stage, computed as in legacy mode. First stage is not modelled.
	 */
	if ((ecap >> 43) & 1) {
		if ((ecap >> 47) & 1) {
			*why = "scalable-mode VT-d with first-stage tables (ecap FLTS): not "
			       "modelled, only the probe answers";
			return false;
		}
		if (!((ecap >> 46) & 1)) {
			*why = "scalable-mode VT-d without second-stage tables (ecap SLTS clear)";
			return false;
		}
	}
	/* The driver's second-stage choice: largest table both MGAW and SAGAW allow. */
	if (mgaw > 48 && sagaw >= (1u << 3))
		width = mgaw < 57 ? mgaw : 57;
	else if (mgaw > 39 && sagaw >= (1u << 2))
		width = mgaw < 48 ? mgaw : 48;
	else if (mgaw > 30 && sagaw >= (1u << 1))
		width = mgaw < 39 ? mgaw : 39;
	else {
		*why = "VT-d capability register gives no usable address width";
		return false;
	}
	out->aperture_last = width >= 64 ? UINT64_MAX : (1ull << width) - 1;
	out->pgsizes = 4096;
	if (!superpage_off) {
		if (sslps & 1)
			out->pgsizes |= 1ull << 21;
		if (sslps & 2)
			out->pgsizes |= 1ull << 30;
	}
	return true;
}

struct cap_hdr {
	uint16_t id;
	uint16_t version;
	uint32_t next;
};

/* Walk `info`'s chain: calls back with each cap's offset and size. */
static bool walk_caps(const void *info, size_t len,
		      bool (*fn)(const struct cap_hdr *, size_t off, size_t size, void *ctx),
		      void *ctx)
{
	struct vfio_iommu_type1_info h;
	const char *base = info;

	if (len < sizeof(h))
		return false;
	memcpy(&h, info, sizeof(h));
	if (h.argsz > len || h.argsz < sizeof(h))
		return false;
	if (!(h.flags & VFIO_IOMMU_INFO_CAPS) || !h.cap_offset)
		return true;
	size_t off = h.cap_offset;
	for (int hops = 0; off; hops++) {
		struct cap_hdr c;

		if (hops == 16 || off < sizeof(h) || off + sizeof(c) > h.argsz)
			return false;
		memcpy(&c, base + off, sizeof(c));
		size_t end = c.next ? c.next : h.argsz;
		if (c.next && c.next <= off)
			return false;
		if (end > h.argsz)
			return false;
		if (!fn(&c, off, end - off, ctx))
			return false;
		off = c.next;
	}
	return true;
}

struct rebuild {
	const char *kernel;
	char *out;
	size_t out_size;
	size_t len;	  /* bytes built so far */
	size_t last_next; /* offset of the previous cap's next field, 0 none */
	uint64_t pgsizes;
	const struct vfc_range *ranges;
	int nranges;
	bool ok;
};

static bool append_cap(struct rebuild *r, const void *cap, size_t size)
{
	size_t padded = (size + 7) & ~(size_t)7;

	if (r->len + padded > r->out_size)
		return r->ok = false;
	memset(r->out + r->len, 0, padded);
	memcpy(r->out + r->len, cap, size);
	if (r->last_next) {
		uint32_t off = (uint32_t)r->len;
		memcpy(r->out + r->last_next, &off, sizeof(off));
	}
	/* This cap is last until another follows. */
	memset(r->out + r->len + offsetof(struct cap_hdr, next), 0, sizeof(uint32_t));
	r->last_next = r->len + offsetof(struct cap_hdr, next);
	r->len += padded;
	return true;
}

static bool copy_cap(const struct cap_hdr *c, size_t off, size_t size, void *ctx)
{
	struct rebuild *r = ctx;

	if (c->id != VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
		return append_cap(r, r->kernel + off, size);
	char buf[sizeof(struct vfio_iommu_type1_info_cap_iova_range) +
		 VFC_MAX_RANGES * sizeof(struct vfio_iova_range)];
	struct vfio_iommu_type1_info_cap_iova_range cap = {
	    .header = {.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = c->version},
	    .nr_iovas = (uint32_t)r->nranges,
	};
	memcpy(buf, &cap, sizeof(cap));
	for (int i = 0; i < r->nranges; i++) {
		struct vfio_iova_range v = {.start = r->ranges[i].start, .end = r->ranges[i].last};
		memcpy(buf + sizeof(cap) + (size_t)i * sizeof(v), &v, sizeof(v));
	}
	return append_cap(r, buf,
			  sizeof(cap) + (size_t)r->nranges * sizeof(struct vfio_iova_range));
}

long vfc_info_rebuild(const void *kernel, size_t kernel_len, uint64_t pgsizes,
		      const struct vfc_range *ranges, int nranges, uint32_t caller_argsz, void *out,
		      size_t out_size)
{
	struct vfio_iommu_type1_info h;
	struct rebuild r = {.kernel = kernel,
			    .out = out,
			    .out_size = out_size,
			    .len = sizeof(h),
			    .pgsizes = pgsizes,
			    .ranges = ranges,
			    .nranges = nranges,
			    .ok = true};

	if (nranges < 0 || nranges > VFC_MAX_RANGES || kernel_len < sizeof(h) ||
	    out_size < sizeof(h))
		return -1;
	memcpy(&h, kernel, sizeof(h));
	if (!walk_caps(kernel, kernel_len, copy_cap, &r) || !r.ok)
		return -1;
	h.argsz = (uint32_t)r.len;
	h.iova_pgsizes = pgsizes;
	h.flags |= VFIO_IOMMU_INFO_PGSIZES;
	h.cap_offset = r.len > sizeof(h) && caller_argsz >= r.len ? sizeof(h) : 0;
	memcpy(out, &h, sizeof(h));
	/* Like the kernel: the caller gets at most its argsz, the chain only whole. */
	if (caller_argsz >= r.len)
		return (long)r.len;
	return (long)(caller_argsz < sizeof(h) ? caller_argsz : sizeof(h));
}

struct collect {
	const char *info;
	struct vfc_range *out;
	int max;
	int n;
};

static bool collect_ranges(const struct cap_hdr *c, size_t off, size_t size, void *ctx)
{
	struct collect *k = ctx;
	struct vfio_iommu_type1_info_cap_iova_range cap;

	if (c->id != VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
		return true;
	if (size < sizeof(cap))
		return false;
	memcpy(&cap, k->info + off, sizeof(cap));
	if (cap.nr_iovas > (uint32_t)k->max ||
	    sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range) > size)
		return false;
	for (uint32_t i = 0; i < cap.nr_iovas; i++) {
		struct vfio_iova_range v;
		memcpy(&v, k->info + off + sizeof(cap) + i * sizeof(v), sizeof(v));
		k->out[i] = (struct vfc_range){v.start, v.end};
	}
	k->n = (int)cap.nr_iovas;
	return true;
}

int vfc_info_ranges(const void *info, size_t len, struct vfc_range *out, int max, uint64_t *pgsizes)
{
	struct collect k = {.info = info, .out = out, .max = max, .n = -1};
	struct vfio_iommu_type1_info h;

	if (len < sizeof(h) || !walk_caps(info, len, collect_ranges, &k))
		return -1;
	memcpy(&h, info, sizeof(h));
	*pgsizes = h.iova_pgsizes;
	return k.n;
}
