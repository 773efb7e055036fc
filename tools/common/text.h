/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text from files, reports and devices on its way to a terminal or a JSON
 * record: which bytes become '?', decided once. And the one-line error
 * buffers the pure parsers fill.
 */
#ifndef VFC_TEXT_H
#define VFC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VFC_CLEAN_ASCII 1u /* bytes past 0x7e too: printable ASCII only */
#define VFC_CLEAN_JSON	2u /* '"' and '\\' too: a JSON string needs no escape */

/* c as shown: '?' for a control byte (C0, DEL) and what `how` adds. */
static inline char vfc_clean_byte(char c, unsigned how)
{
	unsigned char u = (unsigned char)c;

	if (u < 0x20 || u == 0x7f || ((how & VFC_CLEAN_ASCII) && u > 0x7e) ||
	    ((how & VFC_CLEAN_JSON) && (c == '"' || c == '\\')))
		return '?';
	return c;
}

/*
 * At most n bytes of src (up to its NUL) into dst, cleaned, NUL-terminated
 * within size (> 0). Returns the bytes of src taken.
 */
size_t vfc_clean_copy(char *dst, size_t size, const char *src, size_t n, unsigned how);

/* s cleaned in place. */
void vfc_clean_inplace(char *s, unsigned how);

/* One line into err (errlen bytes, may be 0); returns -1, for `return vfc_fail(...)`. */
int vfc_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A Prometheus label value: backslash, double quote and newline escaped. */
void vfc_put_prom_label(FILE *out, const char *s);

#endif
