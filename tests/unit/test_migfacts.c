// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tools/common/migfacts.c. */
#include <json-c/json.h>
#include <linux/vfio.h>
#include <string.h>

#include "migobs.h"
#include "migverdict.h"
#include "unit.h"

START_TEST(facts_from_a_summary)
{
	struct json_object *o = json_tokener_parse(
	    "{\"type\":\"summary\",\"redirected\":1,\"migration\":{\"device_migration\":2,"
	    "\"dma_logging_probe\":0,\"dirty_start_errors\":0,\"states_reached\":[\"stop\","
	    "\"resuming\",\"running\"],\"vmm_device_dirty_tracking\":\"off\","
	    "\"vmm_enable_migration\":\"on\"}}");
	struct vfc_mig_facts f;
	char why[512];

	vfc_mig_facts_parse(o, &f);
	ck_assert(f.present && f.on_iommufd && !f.reached_stop_copy && f.reached_resuming);
	ck_assert_uint_eq(f.dev_migration, 2);
	ck_assert(f.vmm_tracking_off && f.vmm_force);
	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_DEGRADED);
	json_object_put(o);
	/* An older report without the object: unknown, not a guess. */
	o = json_tokener_parse("{\"type\":\"summary\",\"redirected\":1}");
	vfc_mig_facts_parse(o, &f);
	ck_assert(!f.present);
	ck_assert_int_eq(vfc_migv_from_facts(&f, why, sizeof(why)), VFC_MV_UNKNOWN);
	json_object_put(o);
}
END_TEST

Suite *migfacts_suite(void)
{
	Suite *s = suite_create("migfacts");

	TCase *tc = tcase_create("core_migration");
	tcase_add_test(tc, facts_from_a_summary);
	suite_add_tcase(s, tc);
	return s;
}
