/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit test suites, one per source file tested: tests/unit/test_X.c tests X.c. */
#ifndef VFC_UNIT_H
#define VFC_UNIT_H

#include <check.h>

Suite *attach_suite(void);
Suite *audit_suite(void);
Suite *bar_suite(void);
Suite *benchstat_suite(void);
Suite *bytescan_suite(void);
Suite *classify_suite(void);
Suite *config_suite(void);
Suite *decode_suite(void);
Suite *dropin_suite(void);
Suite *errmap_suite(void);
Suite *exitrec_suite(void);
Suite *feature_suite(void);
Suite *fmt_suite(void);
Suite *getinfo_pick_suite(void);
Suite *inspect_suite(void);
Suite *iommu_vendor_suite(void);
Suite *iova_suite(void);
Suite *kconfig_suite(void);
Suite *libdeps_suite(void);
Suite *libvirtconf_suite(void);
Suite *logpath_suite(void);
Suite *migfacts_suite(void);
Suite *migobs_suite(void);
Suite *migration_suite(void);
Suite *migverdict_suite(void);
Suite *native_suite(void);
Suite *pci_suite(void);
Suite *report_suite(void);
Suite *report_writer_suite(void);
Suite *runenv_suite(void);
Suite *scratch_suite(void);
Suite *stats_suite(void);
Suite *strategy_suite(void);
Suite *target_suite(void);
Suite *text_suite(void);
Suite *trial_suite(void);
Suite *usercheck_suite(void);
Suite *verdict_suite(void);

#endif
