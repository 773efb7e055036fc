// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the environment parser with a fuzz-driven getenv. The
 * input is up to eight NUL-separated values, one per VFIOCOMPAT_* variable
 * (a leading 0x01 byte makes a variable unset). Asserts what the README
 * promises: one warning line per bad value, and a config whose paths are
 * absolute, bounded and free of control bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
    "VFIOCOMPAT_MODE",	 "VFIOCOMPAT_FALLBACK", "VFIOCOMPAT_TARGET", "VFIOCOMPAT_LOG",
    "VFIOCOMPAT_FIXUPS", "VFIOCOMPAT_ERRNO",	"VFIOCOMPAT_RLIMIT", "VFIOCOMPAT_QUERY",
};
#define NVARS (sizeof(names) / sizeof(names[0]))
static char *values[NVARS];
static int warnings;

static const char *fuzz_getenv(const char *name)
{
	for (size_t i = 0; i < NVARS; i++)
		if (!strcmp(name, names[i]))
			return values[i];
	abort(); /* the parser asked for a variable nobody documented */
}

static void fuzz_warn(const char *line)
{
	size_t n = strlen(line);

	warnings++;
	if (strncmp(line, "vfiocompat: ignoring VFIOCOMPAT_", 32) || strchr(line, '\n') || n > 512)
		abort(); /* must stay one bounded, prefixed line */
}

static void path_invariant(const char *p, size_t size)
{
	size_t n = strnlen(p, size);

	if (n == size || (n && p[0] != '/'))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	struct vfc_config c;
	size_t i = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *s = copy; i < NVARS; i++) {
		values[i] = s < copy + size + 1 && *s != 1 ? s : NULL;
		s += strlen(s) + 1;
		if (s > copy + size)
			s = copy + size; /* the rest read as "" */
	}
	warnings = 0;
	int errors = vfc_config_parse(&c, fuzz_getenv, fuzz_warn);
	if (errors != warnings || errors < 0 || errors > (int)NVARS)
		abort();
	if ((unsigned)c.mode > VFC_MODE_OFF || (unsigned)c.fallback > VFC_FALLBACK_FAIL)
		abort();
	path_invariant(c.target, sizeof(c.target));
	if (!c.target[0])
		abort();
	path_invariant(c.log, sizeof(c.log));
	/* A value accepted is used verbatim. */
	if (values[2] && strcmp(c.target, values[2]) && strcmp(c.target, VFC_DEFAULT_TARGET))
		abort();
	free(copy);
	return 0;
}
