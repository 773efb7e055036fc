// SPDX-License-Identifier: GPL-2.0-only
/* qemu.conf and AppArmor edits of `vfiocompat libvirt`: exact, and exactly reverted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libvirtconf.h"
#include "unit.h"
#include "usercheck.h"

static const char *const MOD[] = {"/dev/vfio/iommufd-compat", "/dev/iommu"};

/* Debian's shipped qemu.conf leaves cgroup_device_acl commented out. */
static const char DEBIAN[] = "# comment\n#cgroup_device_acl = [\n#    \"/dev/null\"\n#]\n"
			     "#user = \"libvirt-qemu\"\nstdio_handler = \"file\"\n";

START_TEST(test_unset_acl_gets_default_plus_node)
{
	char *out = vfc_conf_set_nodes(DEBIAN, MOD, 1), *list[VFC_CONF_MAX_LIST], *back;
	int first, last,
	    n = vfc_conf_list(out, "cgroup_device_acl", list, VFC_CONF_MAX_LIST, &first, &last);

	ck_assert_int_eq(n, 9);
	ck_assert_str_eq(list[0], "/dev/null");
	ck_assert_str_eq(list[7], "/dev/userfaultfd");
	ck_assert_str_eq(list[8], "/dev/vfio/iommufd-compat");
	ck_assert(!strncmp(out, DEBIAN, strlen(DEBIAN)));
	ck_assert(vfc_conf_has_block(out));
	back = vfc_conf_revert(out);
	ck_assert_str_eq(back, DEBIAN);
	ck_assert(!vfc_conf_has_block(back));
	vfc_conf_list_free(list, n);
	free(out);
	free(back);
}
END_TEST

START_TEST(test_set_acl_commented_and_restored)
{
	const char in[] = "user = \"qemu\"\ncgroup_device_acl = [ \"/dev/null\", # x\n"
			  "  \"/dev/kvm\" ]\nnamespaces = [ ]\n";
	char *out = vfc_conf_set_nodes(in, MOD, 2), *list[VFC_CONF_MAX_LIST], *back, *again;
	int first, last,
	    n = vfc_conf_list(out, "cgroup_device_acl", list, VFC_CONF_MAX_LIST, &first, &last);
	char user[32];

	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(list[1], "/dev/kvm");
	ck_assert_str_eq(list[3], "/dev/iommu");
	ck_assert(strstr(out, VFC_CONF_DISABLED "cgroup_device_acl = [ \"/dev/null\""));
	ck_assert(strstr(out, VFC_CONF_DISABLED "  \"/dev/kvm\" ]\n"));
	ck_assert(vfc_conf_string(out, "user", user, sizeof(user)));
	ck_assert_str_eq(user, "qemu");
	/* Asking again (a second domain) changes nothing; fewer nodes shrink the block. */
	again = vfc_conf_set_nodes(out, MOD, 2);
	ck_assert_str_eq(again, out);
	free(again);
	again = vfc_conf_set_nodes(out, MOD + 1, 1);
	ck_assert(!strstr(again, "iommufd-compat"));
	ck_assert(strstr(again, "\"/dev/iommu\""));
	back = vfc_conf_revert(again);
	ck_assert_str_eq(back, in);
	free(back);
	back = vfc_conf_set_nodes(out, NULL, 0);
	ck_assert_str_eq(back, in);
	vfc_conf_list_free(list, n);
	free(out);
	free(back);
	free(again);
}
END_TEST

START_TEST(test_already_allowed_is_untouched)
{
	const char in[] = "cgroup_device_acl = [\"/dev/null\", \"/dev/iommu\"]\n";
	char *out = vfc_conf_set_nodes(in, MOD + 1, 1);

	ck_assert_str_eq(out, in);
	free(out);
}
END_TEST

START_TEST(test_block_roundtrip)
{
	const char in[] = "  /dev/foo rw,";
	char *out = vfc_conf_set_block(in, "  /dev/iommu rw,\n"), *back;

	ck_assert_str_eq(out, "  /dev/foo rw,\n" VFC_CONF_BEGIN
			      ": 'vfiocompat libvirt disable' removes this block\n"
			      "  /dev/iommu rw,\n" VFC_CONF_END "\n");
	back = vfc_conf_set_block(out, NULL);
	/* The newline we added before the block is ours too, but harmless: */
	ck_assert_str_eq(back, "  /dev/foo rw,\n");
	free(out);
	free(back);
	out = vfc_conf_set_block("", NULL);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_apparmor_rules)
{
	const char prof[] = "  # the abstraction\n  /dev/vfio/vfio rw,\n"
			    "  /usr/{lib,lib64}/x86_64-linux-gnu/qemu/*.so mr,\n"
			    "  owner /var/log/vfiocompat/** rw,\n  /dev/vfio/[0-9]* rw,\n"
			    "  deny /dev/iommu rw,\n";

	ck_assert(vfc_apparmor_allows(prof, "/dev/vfio/vfio", "rw"));
	ck_assert(!vfc_apparmor_allows(prof, "/dev/vfio/vfio", "m"));
	ck_assert(!vfc_apparmor_allows(prof, "/dev/iommu", "rw"));
	ck_assert(vfc_apparmor_allows(prof, "/usr/lib64/x86_64-linux-gnu/qemu/a.so", "mr"));
	ck_assert(!vfc_apparmor_allows(prof, "/usr/lib64/x86_64-linux-gnu/qemu/d/a.so", "m"));
	ck_assert(vfc_apparmor_allows(prof, "/var/log/vfiocompat/libvirt/d/r.jsonl", "w"));
	ck_assert(!vfc_apparmor_allows(prof, "/usr/local/lib/libvfiocompat.so", "m"));
}
END_TEST

Suite *libvirtconf_suite(void)
{
	Suite *s = suite_create("libvirtconf");
	TCase *tc = tcase_create("libvirtconf");

	tcase_add_test(tc, test_unset_acl_gets_default_plus_node);
	tcase_add_test(tc, test_set_acl_commented_and_restored);
	tcase_add_test(tc, test_already_allowed_is_untouched);
	tcase_add_test(tc, test_block_roundtrip);
	tcase_add_test(tc, test_apparmor_rules);
	suite_add_tcase(s, tc);
	return s;
}
