// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/common/pci.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "target.h"
#include "text.h"
#include "unit.h"

START_TEST(test_pci_addr)
{
	char b[16];

	ck_assert(vfc_pci_addr("0000:03:00.0", b, sizeof(b)));
	ck_assert_str_eq(b, "0000:03:00.0");
	ck_assert(vfc_pci_addr("03:00.0", b, sizeof(b)));
	ck_assert_str_eq(b, "0000:03:00.0");
	ck_assert(vfc_pci_addr("0001:AF:1F.7", b, sizeof(b)));
	ck_assert_str_eq(b, "0001:af:1f.7");
	ck_assert(!vfc_pci_addr("notabdf", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("03:00.0 ", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("3:0.0", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("03:20.0", b, sizeof(b))); /* device > 1f */
	ck_assert(!vfc_pci_addr("03:00.8", b, sizeof(b))); /* function > 7 */
	ck_assert(!vfc_pci_addr("+3:00.0", b, sizeof(b))); /* sscanf would take a sign */
	ck_assert(!vfc_pci_addr("0000:03:00.0x", b, sizeof(b)));
	ck_assert(!vfc_pci_addr("", b, sizeof(b)));
}
END_TEST

START_TEST(test_pci_addresses)
{
	char out[16];

	ck_assert(vfc_pci_addr("03:00.0", out, sizeof(out)));
	ck_assert_str_eq(out, "0000:03:00.0");
	ck_assert(vfc_pci_addr("0001:0A:1F.7", out, sizeof(out)));
	ck_assert_str_eq(out, "0001:0a:1f.7");
	ck_assert(!vfc_pci_addr("03:20.0", out, sizeof(out))); /* device past 1f */
	ck_assert(!vfc_pci_addr(" 3:00.0", out, sizeof(out)));
	ck_assert(!vfc_pci_addr("notabdf", out, sizeof(out)));
}
END_TEST

Suite *pci_suite(void)
{
	Suite *s = suite_create("pci");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_pci_addr);
	suite_add_tcase(s, tc);
	tc = tcase_create("core_text");
	tcase_add_test(tc, test_pci_addresses);
	suite_add_tcase(s, tc);
	return s;
}
