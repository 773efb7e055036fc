// SPDX-License-Identifier: GPL-2.0-only
/* Counters and the verdict derived from them. */
#include "stats.h"

#include <errno.h>
#include <string.h>

struct vfc_stats vfc_stats;

void vfc_stats_reset(struct vfc_stats *s)
{
	/* Only called single-threaded (fork child, tests). */
	memset(s, 0, sizeof(*s));
}

/*
 * The MAP_DMA / UNMAP_DMA failures iommufd compat gives, and type1's answer to
 * the same call, as measured on every lab IOMMU (docs/compat-audit.md, the
 * rows that fail on iommufd; shim/errmap.c translates the differing ones).
 */
static const struct {
	enum vfc_op op;
	int err;
	const char *name, *type1, *cases;
} dma_answers[] = {
    {VFC_OP_MAP_DMA, EINVAL, "EINVAL", "EINVAL",
     "bad argsz, flags, alignment or size, beyond the IOVA ranges, the MSI window"},
    {VFC_OP_MAP_DMA, EEXIST, "EEXIST", "EEXIST", "the range, or part of it, is mapped already"},
    {VFC_OP_MAP_DMA, EOVERFLOW, "EOVERFLOW", "EOVERFLOW", "iova+size overflows"},
    {VFC_OP_MAP_DMA, ENOMEM, "ENOMEM", "ENOMEM", "past RLIMIT_MEMLOCK"},
    {VFC_OP_MAP_DMA, ENODEV, "ENODEV", "EINVAL", "no group attached to the container"},
    {VFC_OP_UNMAP_DMA, EINVAL, "EINVAL", "EINVAL", "bad flags, size 0, FLAG_ALL with a size"},
    {VFC_OP_UNMAP_DMA, ENOENT, "ENOENT", "EINVAL",
     "unaligned, or part of a mapping (TYPE1v2; TYPE1 v1 unmaps nothing and succeeds)"},
};

static int dma_answer(enum vfc_op op, int err, const char *name)
{
	for (unsigned i = 0; i < sizeof(dma_answers) / sizeof(dma_answers[0]); i++)
		if (dma_answers[i].op == op &&
		    (name ? !strcmp(dma_answers[i].name, name) : dma_answers[i].err == err))
			return (int)i;
	return -1;
}

static enum vfc_dma_type1 dma_type1_of(int i)
{
	if (i < 0)
		return VFC_DMA_TYPE1_UNMEASURED;
	return strcmp(dma_answers[i].name, dma_answers[i].type1) ? VFC_DMA_TYPE1_OTHER
								 : VFC_DMA_TYPE1_SAME;
}

enum vfc_dma_type1 vfc_dma_type1(enum vfc_op op, const char *err, const char **type1_err,
				 const char **cases)
{
	int i = err ? dma_answer(op, 0, err) : -1;

	if (type1_err)
		*type1_err = i < 0 ? NULL : dma_answers[i].type1;
	if (cases)
		*cases = i < 0 ? NULL : dma_answers[i].cases;
	return dma_type1_of(i);
}

static enum vfc_dma_rule dma_rule(enum vfc_dma_type1 how, bool known, uint64_t calls,
				  uint64_t errors, bool blocker)
{
	bool all = errors >= calls;
	enum vfc_dma_rule r;

	if (!errors || !calls) /* errors without calls: not a count to judge */
		return VFC_DMA_OK;
	if (!known)
		r = all ? VFC_DMA_NOT_READY : VFC_DMA_DIFFERENCES;
	else if (how == VFC_DMA_TYPE1_UNMEASURED)
		r = VFC_DMA_NOT_READY;
	else if (all)
		r = VFC_DMA_FAILED;
	else
		r = how == VFC_DMA_TYPE1_SAME ? VFC_DMA_NAMED : VFC_DMA_DIFFERENCES;
	/* A blocker fails on iommufd by definition: it explains the failures. */
	return blocker && r == VFC_DMA_FAILED ? VFC_DMA_NOT_READY : r;
}

enum vfc_dma_rule vfc_dma_rule(enum vfc_op op, uint64_t calls, uint64_t errors, const char *err,
			       bool mixed, bool blocker)
{
	bool known = err && err[0] && !mixed;

	return dma_rule(vfc_dma_type1(op, known ? err : NULL, NULL, NULL), known, calls, errors,
			blocker);
}

/*
 * The report's rules (docs/report-schema.md, "The verdict model") as far as
 * the process itself can know them, worst first.
 */
const char *vfc_verdict(const struct vfc_stats *s)
{
	bool degraded = false, blocker = false;
	uint64_t calls = 0, errors = 0;

	for (int op = 0; op < VFC_OP_COUNT; op++) {
		calls += atomic_load(&s->calls[op]);
		errors += atomic_load(&s->errors[op]);
	}
	for (int f = 0; f < VFC_F_COUNT; f++) {
		if (!atomic_load(&s->feat[f].count))
			continue;
		enum vfc_severity sev = vfc_feature(f)->severity;
		blocker |= sev == VFC_SEV_BLOCKER;
		degraded |= sev == VFC_SEV_DEGRADED;
	}
	/*
	 * An early GET_INFO left with iommufd's raw answer (fix-up off, or
	 * neither the probe nor a model could give the enforced one) offered
	 * IOVAs the domain may refuse: never `ready`; and if mappings then
	 * failed, the program depended on it.
	 */
	/*
	 * Nothing the container was asked worked on iommufd, and no blocker
	 * explains it (a blocker fails on iommufd by definition: not-ready, as
	 * audit mode predicts from type1's answers).
	 */
	if (!blocker && atomic_load(&s->redirected) && calls && errors == calls)
		return VFC_VERDICT_FAILED;
	/*
	 * A MAP_DMA or UNMAP_DMA that failed on iommufd is never silently
	 * ready: as type1 fails it (measured), every call failing is the
	 * program's or the setup's fault; failures type1 is not known to give
	 * are iommufd's.
	 */
	enum vfc_dma_rule dma = VFC_DMA_OK;
	for (int op = VFC_OP_MAP_DMA; op <= VFC_OP_UNMAP_DMA && atomic_load(&s->redirected); op++) {
		int err = atomic_load(&s->first_err[op]);
		enum vfc_dma_rule r =
		    dma_rule(dma_type1_of(dma_answer(op, err, NULL)),
			     err != 0 && !atomic_load(&s->err_mixed[op]),
			     atomic_load(&s->calls[op]), atomic_load(&s->errors[op]), blocker);
		if (r > dma)
			dma = r;
	}
	if (dma == VFC_DMA_FAILED)
		return VFC_VERDICT_FAILED;
	bool unfixed = atomic_load(&s->get_info_early) > atomic_load(&s->get_info_fixed);
	if (blocker || dma == VFC_DMA_NOT_READY ||
	    (unfixed && atomic_load(&s->errors[VFC_OP_MAP_DMA])))
		return VFC_VERDICT_NOT_READY;
	degraded |= unfixed || dma == VFC_DMA_DIFFERENCES;
	/* A container that stayed on type1 in redirect mode was not tried. */
	if (atomic_load(&s->fallbacks))
		return VFC_VERDICT_UNTESTED;
	if (!atomic_load(&s->containers))
		return VFC_VERDICT_UNTESTED;
	return degraded ? VFC_VERDICT_DIFFERENCES : VFC_VERDICT_READY;
}
