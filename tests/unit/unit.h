/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit test suites of the pure shim code, one per subject file. */
#ifndef VFC_UNIT_H
#define VFC_UNIT_H

#include <check.h>

Suite *decode_suite(void);
Suite *classify_suite(void);
Suite *config_suite(void);
Suite *fmt_suite(void);
Suite *report_suite(void);
Suite *bar_suite(void);
Suite *iova_suite(void);
Suite *attach_suite(void);
Suite *errmap_suite(void);
Suite *trial_suite(void);
Suite *cli_pure_suite(void);
Suite *inspect_suite(void);
Suite *getinfo_suite(void);
Suite *migration_suite(void);
Suite *libvirtconf_suite(void);
Suite *scratch_suite(void);
Suite *exitrec_suite(void);
Suite *native_suite(void);
Suite *verdict_suite(void);
Suite *logpath_suite(void);
Suite *text_suite(void);
Suite *audit_suite(void);
Suite *dropin_suite(void);

#endif
