// SPDX-License-Identifier: GPL-2.0-only
/* Statistics and wording for `vfiocompat bench`; see benchstat.h. */
#include "benchstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct vfc_spread vfc_spread_of(double *s, size_t n)
{
	struct vfc_spread r;

	qsort(s, n, sizeof(*s), cmp);
	r.min = s[0];
	r.max = s[n - 1];
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return r;
}

const char *vfc_size_name(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = {"GiB", "MiB", "KiB"};
	static const int shifts[] = {30, 20, 10};

	for (int i = 0; i < 3; i++)
		if (b >= (1ull << shifts[i]) && !(b & ((1ull << shifts[i]) - 1))) {
			snprintf(buf, len, "%llu %s", (unsigned long long)(b >> shifts[i]),
				 units[i]);
			return buf;
		}
	snprintf(buf, len, "%llu B", (unsigned long long)b);
	return buf;
}

uint64_t vfc_size_parse(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || v == 0 || v > (1ull << 30) >> shift)
		return 0;
	v <<= shift;
	return v % 4096 ? 0 : v;
}

const char *vfc_ratio_reading(const char *backend, const char *what, double ratio, char *buf,
			      size_t len)
{
	if (ratio >= 0.95 && ratio <= 1.05)
		snprintf(buf, len, "%s %s as fast as type1 here (%.2fx)", backend, what, ratio);
	else if (ratio > 1)
		snprintf(buf, len, "%s %s %.1fx slower here", backend, what, ratio);
	else
		snprintf(buf, len, "%s %s %.1fx faster here", backend, what, 1 / ratio);
	return buf;
}
