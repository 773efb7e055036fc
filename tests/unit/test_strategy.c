// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/inspect/strategy.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytescan.h"
#include "inspect.h"
#include "unit.h"

static struct vfc_inspect dyn_vfio(unsigned imports)
{
	struct vfc_inspect in = {.is_elf = true,
				 .elf_class = 64,
				 .dynamic = true,
				 .symbols_read = true,
				 .imports = imports,
				 .refs_vfio_container = true};
	return in;
}

START_TEST(test_verdict_dynamic_with_open_and_ioctl_preloads)
{
	static const unsigned opens[] = {VFC_IMP_OPEN, VFC_IMP_OPEN64, VFC_IMP_OPENAT,
					 VFC_IMP_OPENAT64, VFC_IMP_OPEN_2};
	struct vfc_inspect in = dyn_vfio(opens[_i] | VFC_IMP_IOCTL);

	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	ck_assert_int_eq(in.if_vfio, VFC_STRAT_PRELOAD);
	ck_assert_ptr_nonnull(strstr(in.reason, "imports open and ioctl"));
	ck_assert(in.imports_ioctl);
}
END_TEST

START_TEST(test_verdict_missing_import_needs_mount_ns)
{
	static const unsigned imps[] = {0, VFC_IMP_IOCTL, VFC_IMP_OPENAT};
	struct vfc_inspect in = dyn_vfio(imps[_i]);

	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	/* The reason names what is missing. */
	ck_assert_ptr_nonnull(strstr(in.reason, _i == 2 ? "not ioctl" : "no"));
}
END_TEST

START_TEST(test_verdict_static_and_go_need_mount_ns)
{
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.dynamic = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_ptr_nonnull(strstr(in.reason, "statically linked"));
	/* Its report comes from the eBPF audit (the module's audit is gone). */
	ck_assert_ptr_nonnull(strstr(in.reason, "eBPF audit (vfiocompat audit"));
	/* Go makes raw system calls even when dynamic and importing libc's open (cgo). */
	in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);
	in.go = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
	ck_assert_ptr_nonnull(strstr(in.reason, "Go program"));
	in = dyn_vfio(0);
	in.symbols_read = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MOUNT_NS);
}
END_TEST

START_TEST(test_verdict_secure_exec_needs_module_audit)
{
	/* Before every other rule: even a static binary is audited, not bind-mounted. */
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.dynamic = _i != 0;
	in.setuid = _i == 0 || _i == 1;
	in.setgid = _i == 2;
	in.file_caps = _i == 3;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_MODULE_AUDIT);
	ck_assert_ptr_nonnull(strstr(in.reason, in.file_caps ? "file capabilities"
						: in.setgid  ? "setgid"
							     : "setuid"));
	ck_assert_ptr_nonnull(strstr(in.reason, "ignores LD_PRELOAD"));
}
END_TEST

START_TEST(test_verdict_no_reference_is_not_vfio_but_keeps_the_strategy)
{
	struct vfc_inspect in = dyn_vfio(VFC_IMP_OPEN | VFC_IMP_IOCTL);

	in.refs_vfio_container = false;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_NOT_VFIO);
	ck_assert_int_eq(in.if_vfio, VFC_STRAT_PRELOAD);
	ck_assert_ptr_nonnull(strstr(in.reason, "no reference"));
	ck_assert_ptr_nonnull(in.if_vfio_reason);
	in.scan_capped = true;
	vfc_inspect_verdict(&in);
	ck_assert_ptr_nonnull(strstr(in.reason, "256 MiB"));
	/* /dev/iommu alone, or a /dev/vfio/N group path, is VFIO use. */
	in.scan_capped = false;
	in.refs_iommu = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
	in.refs_iommu = false;
	in.refs_vfio_any = true;
	vfc_inspect_verdict(&in);
	ck_assert_int_eq(in.strategy, VFC_STRAT_PRELOAD);
}
END_TEST

Suite *strategy_suite(void)
{
	Suite *s = suite_create("strategy");

	TCase *tc = tcase_create("inspect_inspect");
	tcase_add_loop_test(tc, test_verdict_dynamic_with_open_and_ioctl_preloads, 0, 5);
	tcase_add_loop_test(tc, test_verdict_missing_import_needs_mount_ns, 0, 3);
	tcase_add_test(tc, test_verdict_static_and_go_need_mount_ns);
	tcase_add_loop_test(tc, test_verdict_secure_exec_needs_module_audit, 0, 4);
	tcase_add_test(tc, test_verdict_no_reference_is_not_vfio_but_keeps_the_strategy);
	suite_add_tcase(s, tc);
	return s;
}
