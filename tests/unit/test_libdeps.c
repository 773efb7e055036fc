// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/inspect/libdeps.c. */
#include <limits.h>
#include <string.h>

#include "benchstat.h"
#include "kconfig.h"
#include "libdeps.h"
#include "migration.h"
#include "pci.h"
#include "runenv.h"
#include "unit.h"

/* The system's own loader cache: libc is there, where the loader maps it. */
START_TEST(test_ldcache)
{
	char p[4096];
	const char *via = "";

	ck_assert(!vfc_ldcache_lookup("/etc/ld.so.cache", "libnot-a-library.so.9", p, sizeof(p)));
	ck_assert(!vfc_ldcache_lookup("/nonexistent", "libc.so.6", p, sizeof(p)));
	ck_assert(!vfc_ldcache_lookup("/etc/passwd", "libc.so.6", p, sizeof(p)));
	if (vfc_ldcache_lookup("/etc/ld.so.cache", "libc.so.6", p, sizeof(p)))
		ck_assert(strstr(p, "/libc.so.6"));
	ck_assert(vfc_lib_resolve("libc.so.6", "/bin/true", "", "", "", p, sizeof(p), &via));
	ck_assert(strstr(p, "libc.so.6"));
	ck_assert(
	    !vfc_lib_resolve("libnot-a-library.so.9", "/bin/true", "", "", "", p, sizeof(p), &via));
}
END_TEST

Suite *libdeps_suite(void)
{
	Suite *s = suite_create("libdeps");

	TCase *tc = tcase_create("cli_cli_pure");
	tcase_add_test(tc, test_ldcache);
	suite_add_tcase(s, tc);
	return s;
}
