/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed-size, async-signal-safe text builder: no malloc, no stdio, no
 * locale. Output past the buffer is dropped and flagged, never overrun.
 */
#ifndef VFC_FMT_H
#define VFC_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFC_FMT_SIZE 4096

struct vfc_fmt {
	char buf[VFC_FMT_SIZE];
	size_t len;
	bool truncated;
};

void vfc_fmt_init(struct vfc_fmt *f);
void vfc_fmt_str(struct vfc_fmt *f, const char *s);
void vfc_fmt_u64(struct vfc_fmt *f, uint64_t v);
void vfc_fmt_i64(struct vfc_fmt *f, int64_t v);
void vfc_fmt_hex(struct vfc_fmt *f, uint64_t v);
/*
 * The inside of a JSON string literal (no quotes) of at most `max` source
 * bytes: printable ASCII only, so also safe on a terminal or in a log line.
 */
void vfc_fmt_json_esc_n(struct vfc_fmt *f, const char *s, size_t max);
/* A JSON string literal (quotes included) of at most `max` source bytes. */
void vfc_fmt_json_str_n(struct vfc_fmt *f, const char *s, size_t max);
void vfc_fmt_json_str(struct vfc_fmt *f, const char *s);
/* `"key":` */
void vfc_fmt_key(struct vfc_fmt *f, const char *key);

/* `,"key":"value"` (value JSON-escaped), `,"key":N`, `,"key":"0xHEX"`: a record's fields. */
void vfc_fmt_kv_str(struct vfc_fmt *f, const char *k, const char *v);
void vfc_fmt_kv_int(struct vfc_fmt *f, const char *k, int64_t v);
void vfc_fmt_kv_hex(struct vfc_fmt *f, const char *k, uint64_t v);

/* Errno symbol ("EINVAL") or NULL when not one vfiocompat names. */
const char *vfc_errno_name(int err);

#endif
