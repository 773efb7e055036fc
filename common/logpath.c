// SPDX-License-Identifier: GPL-2.0-only
/* VFIOCOMPAT_LOG template expansion; see logpath.h. */
#include "logpath.h"

#include <stdbool.h>
#include <string.h>

#include "vfiocompat/report.h"

static void put(char *out, size_t size, size_t *len, char c)
{
	if (out && *len + 1 < size)
		out[*len] = c;
	(*len)++;
}

static void put_pid(char *out, size_t size, size_t *len, long pid)
{
	char d[24], *q = d + sizeof(d);
	unsigned long v = pid < 0 ? 0UL - (unsigned long)pid : (unsigned long)pid;

	do
		*--q = (char)('0' + v % 10);
	while (v /= 10);
	if (pid < 0)
		*--q = '-';
	while (q < d + sizeof(d))
		put(out, size, len, *q++);
}

/* A program name is not trusted as a path component ("..", "a/b"). */
static void put_prog(char *out, size_t size, size_t *len, const char *prog)
{
	for (const char *p = prog; p && *p && p - prog < VFC_PROG_MAX; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';

		put(out, size, len, !ok || (p == prog && *p == '.') ? '_' : *p);
	}
}

size_t vfc_logpath_expand(const char *tmpl, long pid, const char *prog, unsigned flags, char *out,
			  size_t size)
{
	size_t len = 0;

	for (const char *s = tmpl; *s && len < size; s++) {
		if (s[0] == '%' && s[1] == 'p') {
			if (flags & VFC_LOGPATH_GLOB_PID)
				put(out, size, &len, '*');
			else
				put_pid(out, size, &len, pid);
			s++;
		} else if (s[0] == '%' && s[1] == 'e') {
			if (flags & VFC_LOGPATH_GLOB_PROG)
				put(out, size, &len, '*');
			else
				put_prog(out, size, &len, prog);
			s++;
		} else if (s[0] == '%' && s[1] == '%') {
			put(out, size, &len, '%');
			s++;
		} else {
			if ((flags & VFC_LOGPATH_GLOB_ESCAPE) && strchr("*?[\\", *s))
				put(out, size, &len, '\\');
			put(out, size, &len, *s);
		}
	}
	if (out && size)
		out[len < size ? len : size - 1] = '\0';
	return len;
}
