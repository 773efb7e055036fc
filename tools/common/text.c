// SPDX-License-Identifier: GPL-2.0-only
/* Text cleaning and error lines; see text.h. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>

size_t vfc_clean_copy(char *dst, size_t size, const char *src, size_t n, unsigned how)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size && src[i]; i++)
		dst[i] = vfc_clean_byte(src[i], how);
	dst[i] = '\0';
	return i;
}

void vfc_clean_inplace(char *s, unsigned how)
{
	for (; *s; s++)
		*s = vfc_clean_byte(*s, how);
}

int vfc_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void vfc_put_prom_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}
