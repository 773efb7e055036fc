// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the container ioctl decoder and classifier over any
 * request, iommu type and argument bytes, as the shim calls them. The struct
 * is copied into a buffer of exactly the fuzzed length, so ASan sees any read
 * past what the caller's argsz promised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct {
		uint32_t request_lo, iommu_type, argsz;
		uint16_t cap_id;
		uint8_t read_arg, in_bar;
	} h;
	struct vfc_rec r;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	/* Half the inputs land in VFIO's ';' range so the switch is reached. */
	unsigned long request =
	    h.request_lo & 1 ? (h.request_lo >> 1) : (0x3b00u | (h.request_lo >> 1 & 0xff));
	/*
	 * The shim decodes a struct only after the kernel read it, and the kernel
	 * always reads the op's minimum size (at most 32 bytes, MAP_DMA's): model
	 * that, and nothing more, so a read past it is caught.
	 */
	size_t have = size < 32 ? 32 : size;
	uint8_t *arg = calloc(1, have);
	if (!arg)
		return 0;
	memcpy(arg, data, size);

	/* Value requests carry the number in the pointer; struct ones must fit the buffer. */
	const void *p = arg;
	vfc_decode(request, NULL, h.iommu_type, false, &r);
	if (r.op == VFC_OP_CHECK_EXTENSION || r.op == VFC_OP_SET_IOMMU)
		p = (const void *)(uintptr_t)h.iommu_type;
	else if (!(h.read_arg & 2))
		p = NULL;
	vfc_decode(request, p, h.iommu_type, h.read_arg & 1, &r);
	/* Facts the report relies on. */
	if (r.has_arg && (!p || !(h.read_arg & 1)))
		abort(); /* a struct the kernel never accepted was read */
	if (r.op == VFC_OP_MAP_DMA && r.argsz < 32 && (r.vaddr || r.size))
		abort(); /* fields beyond the caller's argsz were decoded */
	(void)vfc_classify(&r, h.in_bar & 1);
	(void)vfc_op_name(r.op);
	free(arg);
	/* GET_INFO's capability walk over exactly `argsz` bytes: any read past is ASan's. */
	uint32_t argsz = h.argsz % (size + 1);
	uint8_t *info = malloc(argsz ? argsz : 1);
	if (!info)
		return 0;
	memcpy(info, data, argsz);
	(void)vfc_info_has_cap(info, argsz, h.cap_id);
	free(info);
	return 0;
}
