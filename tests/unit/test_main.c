// SPDX-License-Identifier: GPL-2.0-only
/* Unit test runner: every suite in one SRunner; non-zero exit on any failure. */
#include <stdlib.h>

#include "config.h"
#include "fdtable.h"
#include "unit.h"

/* Defined by settings.c and fds.c in the shim, which the unit tests do not link. */
struct vfc_config vfc_cfg;
_Atomic uint32_t vfc_fd_table[VFC_FD_MAX];
_Atomic int vfc_fd_high;

int main(void)
{
	SRunner *sr = srunner_create(attach_suite());
	int failed;

	srunner_add_suite(sr, audit_suite());
	srunner_add_suite(sr, bar_suite());
	srunner_add_suite(sr, benchstat_suite());
	srunner_add_suite(sr, bytescan_suite());
	srunner_add_suite(sr, classify_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, decode_suite());
	srunner_add_suite(sr, dropin_suite());
	srunner_add_suite(sr, errmap_suite());
	srunner_add_suite(sr, exitrec_suite());
	srunner_add_suite(sr, feature_suite());
	srunner_add_suite(sr, fmt_suite());
	srunner_add_suite(sr, getinfo_pick_suite());
	srunner_add_suite(sr, inspect_suite());
	srunner_add_suite(sr, iommu_vendor_suite());
	srunner_add_suite(sr, iova_suite());
	srunner_add_suite(sr, kconfig_suite());
	srunner_add_suite(sr, libdeps_suite());
	srunner_add_suite(sr, libvirtconf_suite());
	srunner_add_suite(sr, logpath_suite());
	srunner_add_suite(sr, migfacts_suite());
	srunner_add_suite(sr, migobs_suite());
	srunner_add_suite(sr, migration_suite());
	srunner_add_suite(sr, migverdict_suite());
	srunner_add_suite(sr, native_suite());
	srunner_add_suite(sr, pci_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, report_writer_suite());
	srunner_add_suite(sr, runenv_suite());
	srunner_add_suite(sr, scratch_suite());
	srunner_add_suite(sr, stats_suite());
	srunner_add_suite(sr, strategy_suite());
	srunner_add_suite(sr, target_suite());
	srunner_add_suite(sr, text_suite());
	srunner_add_suite(sr, trial_suite());
	srunner_add_suite(sr, usercheck_suite());
	srunner_add_suite(sr, verdict_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
