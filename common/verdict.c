// SPDX-License-Identifier: GPL-2.0-only
/* The verdict model: names, the measured MAP/UNMAP errno table, the rules. */
#include "verdict.h"

#include <errno.h>
#include <string.h>

static const char *const verdict_names[VFC_V_COUNT] = {
    [VFC_V_READY] = VFC_VERDICT_READY,	       [VFC_V_CHANGES] = VFC_VERDICT_DIFFERENCES,
    [VFC_V_UNTESTED] = VFC_VERDICT_UNTESTED,   [VFC_V_INCOMPLETE] = VFC_VERDICT_INCOMPLETE,
    [VFC_V_NOT_READY] = VFC_VERDICT_NOT_READY, [VFC_V_FAILED] = VFC_VERDICT_FAILED,
};

static const char *const verdict_titles[VFC_V_COUNT] = {
    [VFC_V_READY] = "READY",	     [VFC_V_CHANGES] = "READY WITH DIFFERENCES",
    [VFC_V_UNTESTED] = "UNTESTED",   [VFC_V_INCOMPLETE] = "INCOMPLETE",
    [VFC_V_NOT_READY] = "NOT READY", [VFC_V_FAILED] = "FAILED",
};

const char *vfc_verdict_name(enum vfc_verdict v)
{
	return verdict_names[v];
}

const char *vfc_verdict_title(enum vfc_verdict v)
{
	return verdict_titles[v];
}

enum vfc_verdict vfc_verdict_parse(const char *s)
{
	for (int i = 0; i < VFC_V_COUNT; i++)
		if (s && !strcmp(s, verdict_names[i]))
			return (enum vfc_verdict)i;
	return VFC_V_UNTESTED;
}

bool vfc_verdict_known(const char *s)
{
	for (int i = 0; i < VFC_V_COUNT; i++)
		if (s && !strcmp(s, verdict_names[i]))
			return true;
	return false;
}

/*
 * The MAP_DMA / UNMAP_DMA failures iommufd compat gives, and type1's answer to
 * the same call, as measured on every lab IOMMU (docs/compat-audit.md, the
 * rows that fail on iommufd; shim/ioctl/errmap.c translates the differing ones).
 */
static const struct {
	enum vfc_dma_op op;
	int err;
	const char *name, *type1, *cases;
} dma_answers[] = {
    {VFC_DMA_MAP, EINVAL, "EINVAL", "EINVAL",
     "bad argsz, flags, alignment or size, beyond the IOVA ranges, the MSI window"},
    {VFC_DMA_MAP, EEXIST, "EEXIST", "EEXIST", "the range, or part of it, is mapped already"},
    {VFC_DMA_MAP, EOVERFLOW, "EOVERFLOW", "EOVERFLOW", "iova+size overflows"},
    {VFC_DMA_MAP, ENOMEM, "ENOMEM", "ENOMEM", "past RLIMIT_MEMLOCK"},
    {VFC_DMA_MAP, ENODEV, "ENODEV", "EINVAL", "no group attached to the container"},
    {VFC_DMA_UNMAP, EINVAL, "EINVAL", "EINVAL", "bad flags, size 0, FLAG_ALL with a size"},
    {VFC_DMA_UNMAP, ENOENT, "ENOENT", "EINVAL",
     "unaligned, or part of a mapping (TYPE1v2; TYPE1 v1 unmaps nothing and succeeds)"},
};

/* The row for an errno given by symbol, else by number; -1 when none. */
static int dma_answer(enum vfc_dma_op op, const char *name, int err)
{
	if (name && !name[0])
		name = NULL;
	if (!name && !err)
		return -1;
	for (unsigned i = 0; i < sizeof(dma_answers) / sizeof(dma_answers[0]); i++)
		if (dma_answers[i].op == op &&
		    (name ? !strcmp(dma_answers[i].name, name) : dma_answers[i].err == err))
			return (int)i;
	return -1;
}

enum vfc_dma_type1 vfc_dma_type1(enum vfc_dma_op op, const char *err, int errnum,
				 const char **type1_err, const char **cases)
{
	int i = dma_answer(op, err, errnum);

	if (type1_err)
		*type1_err = i < 0 ? NULL : dma_answers[i].type1;
	if (cases)
		*cases = i < 0 ? NULL : dma_answers[i].cases;
	if (i < 0)
		return VFC_DMA_TYPE1_UNMEASURED;
	return strcmp(dma_answers[i].name, dma_answers[i].type1) ? VFC_DMA_TYPE1_OTHER
								 : VFC_DMA_TYPE1_SAME;
}

enum vfc_dma_rule vfc_dma_rule_of(const struct vfc_verdict_facts *f, enum vfc_dma_op op)
{
	const struct vfc_verdict_dma *d = &f->dma[op];
	bool known = ((d->err && d->err[0]) || d->errnum) && !d->mixed;
	bool blocker = f->blocker || (f->unknown && f->unknown_blocker);
	bool all = d->errors >= d->calls;
	enum vfc_dma_type1 how;
	enum vfc_dma_rule r;

	/* Errors without calls: not a count to judge. */
	if (!f->redirected || !d->errors || !d->calls)
		return VFC_DMA_OK;
	how = known ? vfc_dma_type1(op, d->err, d->errnum, NULL, NULL) : VFC_DMA_TYPE1_UNMEASURED;
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

static void apply(enum vfc_verdict *v, unsigned *rules, enum vfc_verdict_rule rule,
		  enum vfc_verdict to)
{
	*rules |= 1u << rule;
	if (to > *v)
		*v = to;
}

/* The rules in docs/report-schema.md's order; each can only raise the verdict. */
enum vfc_verdict vfc_verdict_judge(const struct vfc_verdict_facts *f, unsigned *rules)
{
	static const enum vfc_verdict of_dma[] = {
	    [VFC_DMA_OK] = VFC_V_READY,
	    [VFC_DMA_NAMED] = VFC_V_READY,
	    [VFC_DMA_DIFFERENCES] = VFC_V_CHANGES,
	    [VFC_DMA_NOT_READY] = VFC_V_NOT_READY,
	    [VFC_DMA_FAILED] = VFC_V_FAILED,
	};
	enum vfc_verdict v = VFC_V_READY;
	unsigned r = 0;
	bool blocker = f->blocker || (f->unknown && f->unknown_blocker);

	if (f->blocker)
		apply(&v, &r, VFC_RULE_BLOCKER, VFC_V_NOT_READY);
	if (f->degraded)
		apply(&v, &r, VFC_RULE_DEGRADED, VFC_V_CHANGES);
	/* A newer writer's feature: at best differences, not-ready when it says blocker. */
	if (f->unknown)
		apply(&v, &r, VFC_RULE_UNKNOWN,
		      f->unknown_blocker ? VFC_V_NOT_READY : VFC_V_CHANGES);
	/* A container that stayed on type1 was not tried. */
	if (f->fallback)
		apply(&v, &r, VFC_RULE_FALLBACK, VFC_V_UNTESTED);
	/*
	 * An early GET_INFO left with iommufd's raw answer (fix-up off, or
	 * neither the probe nor a model could give the enforced one) offered
	 * IOVAs the domain may refuse: never `ready`; and if mappings then
	 * failed, the program depended on it.
	 */
	if (f->getinfo_unfixed && f->map_errors)
		apply(&v, &r, VFC_RULE_GETINFO_MAP, VFC_V_NOT_READY);
	else if (f->getinfo_unfixed)
		apply(&v, &r, VFC_RULE_GETINFO, VFC_V_CHANGES);
	/*
	 * A MAP_DMA or UNMAP_DMA that failed on iommufd is never silently
	 * ready: as type1 fails it (measured), every call failing is the
	 * program's or the setup's fault; failures type1 is not known to give
	 * are iommufd's.
	 */
	for (int op = 0; op < VFC_DMA_OPS; op++) {
		enum vfc_dma_rule d = vfc_dma_rule_of(f, (enum vfc_dma_op)op);

		if (d != VFC_DMA_OK)
			apply(&v, &r, op ? VFC_RULE_DMA_UNMAP : VFC_RULE_DMA_MAP, of_dma[d]);
	}
	/*
	 * Nothing the container was asked worked on iommufd, and no blocker
	 * explains it (a blocker fails on iommufd by definition: not-ready, as
	 * audit mode predicts from type1's answers).
	 */
	if (!blocker && f->redirected && f->ioctl_calls && f->ioctl_errors == f->ioctl_calls)
		apply(&v, &r, VFC_RULE_ALL_FAILED, VFC_V_FAILED);
	if (!f->tried)
		apply(&v, &r, VFC_RULE_NOT_TRIED, VFC_V_UNTESTED);
	if (rules)
		*rules = r;
	return v;
}
