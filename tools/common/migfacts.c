// SPDX-License-Identifier: GPL-2.0-only
/* The summary record's "migration" object read into facts; see migverdict.h. */
#include <json-c/json.h>
#include <string.h>

#include "migverdict.h"

static unsigned long num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	int64_t n = json_object_get_int64(v);
	return n > 0 ? (unsigned long)n : 0;
}

static bool has_state(struct json_object *states, const char *name)
{
	size_t n =
	    json_object_is_type(states, json_type_array) ? json_object_array_length(states) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(states, i));
		if (s && !strcmp(s, name))
			return true;
	}
	return false;
}

void vfc_mig_facts_parse(struct json_object *summary, struct vfc_mig_facts *f)
{
	struct json_object *m = NULL, *states = NULL;

	memset(f, 0, sizeof(*f));
	if (!summary || !json_object_object_get_ex(summary, "migration", &m) ||
	    !json_object_is_type(m, json_type_object))
		return;
	f->present = true;
	f->on_iommufd = num(summary, "redirected") > 0;
	f->info_cap = num(m, "info_migration_cap");
	f->dirty_start = num(m, "dirty_start");
	f->dirty_start_errors = num(m, "dirty_start_errors");
	f->dirty_bitmap = num(m, "dirty_bitmap");
	f->dirty_bitmap_errors = num(m, "dirty_bitmap_errors");
	f->dev_migration = num(m, "device_migration");
	f->dev_migration_errors = num(m, "device_migration_errors");
	f->state_set = num(m, "mig_device_state");
	f->state_set_errors = num(m, "mig_device_state_errors");
	f->log_probe = num(m, "dma_logging_probe");
	f->log_probe_errors = num(m, "dma_logging_probe_errors");
	f->log_start = num(m, "dma_logging_start");
	f->log_start_errors = num(m, "dma_logging_start_errors");
	struct json_object *v;
	f->vmm_tracking_off = json_object_object_get_ex(m, "vmm_device_dirty_tracking", &v) &&
			      !strcmp(json_object_get_string(v), "off");
	f->vmm_force = json_object_object_get_ex(m, "vmm_enable_migration", &v) &&
		       !strcmp(json_object_get_string(v), "on");
	json_object_object_get_ex(m, "states_reached", &states);
	f->reached_stop_copy = has_state(states, "stop_copy");
	f->reached_resuming = has_state(states, "resuming");
}
