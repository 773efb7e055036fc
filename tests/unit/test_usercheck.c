// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/check/usercheck.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libvirtconf.h"
#include "unit.h"
#include "usercheck.h"

/* The ACL vfiocompat libvirt puts on /dev/iommu (0660 root:root) for uid 64055. */
START_TEST(test_node_rw)
{
	const struct {
		uint32_t v;
		struct {
			uint16_t tag, perm;
			uint32_t id;
		} e[5];
	} acl = {2, {{1, 6, ~0u}, {2, 6, 64055}, {4, 6, ~0u}, {16, 6, ~0u}, {32, 0, ~0u}}};
	const gid_t qg[] = {64055}, kvm[] = {64055, 993};

	ck_assert(!vfc_node_rw(0020660, 0, 0, NULL, 0, 64055, qg, 1));
	ck_assert(vfc_node_rw(0020660, 0, 0, &acl, sizeof(acl), 64055, qg, 1));
	ck_assert(!vfc_node_rw(0020660, 0, 0, &acl, sizeof(acl), 1000, qg, 1));
	ck_assert(vfc_node_rw(0020666, 0, 0, NULL, 0, 1000, qg, 1));
	ck_assert(vfc_node_rw(0020660, 0, 993, NULL, 0, 64055, kvm, 2));
	ck_assert(vfc_node_rw(0020600, 0, 0, NULL, 0, 0, NULL, 0));
	/* A short or unknown-version xattr is no ACL: the mode decides. */
	ck_assert(!vfc_node_rw(0020660, 0, 0, &acl, 3, 64055, qg, 1));
}
END_TEST

Suite *usercheck_suite(void)
{
	Suite *s = suite_create("usercheck");

	TCase *tc = tcase_create("libvirtconf_libvirtconf");
	tcase_add_test(tc, test_node_rw);
	suite_add_tcase(s, tc);
	return s;
}
