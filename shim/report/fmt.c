// SPDX-License-Identifier: GPL-2.0-only
/* Async-signal-safe formatting used by every report line and message. */
#include "fmt.h"

#include <errno.h>

void vfc_fmt_init(struct vfc_fmt *f)
{
	f->len = 0;
	f->truncated = false;
	f->buf[0] = '\0';
}

static void put(struct vfc_fmt *f, char c)
{
	if (f->len + 1 >= sizeof(f->buf)) {
		f->truncated = true;
		return;
	}
	f->buf[f->len++] = c;
	f->buf[f->len] = '\0';
}

void vfc_fmt_str(struct vfc_fmt *f, const char *s)
{
	while (s && *s)
		put(f, *s++);
}

void vfc_fmt_u64(struct vfc_fmt *f, uint64_t v)
{
	char tmp[21];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put(f, tmp[--n]);
}

void vfc_fmt_i64(struct vfc_fmt *f, int64_t v)
{
	if (v < 0) {
		put(f, '-');
		vfc_fmt_u64(f, (uint64_t)0 - (uint64_t)v);
	} else {
		vfc_fmt_u64(f, (uint64_t)v);
	}
}

void vfc_fmt_hex(struct vfc_fmt *f, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	put(f, '0');
	put(f, 'x');
	while (n)
		put(f, tmp[--n]);
}

static void put_u16(struct vfc_fmt *f, unsigned v)
{
	static const char digits[] = "0123456789abcdef";

	vfc_fmt_str(f, "\\u");
	for (int shift = 12; shift >= 0; shift -= 4)
		put(f, digits[(v >> shift) & 0xf]);
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most `avail` bytes), its
 * code point in *cp; 0 if ill-formed (overlong, surrogate, past U+10FFFF,
 * cut short), as Unicode's table 3-7 defines it.
 */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

void vfc_fmt_json_esc_n(struct vfc_fmt *f, const char *s, size_t max)
{
	static const char digits[] = "0123456789abcdef";
	size_t avail = 0;

	while (s && avail < max && s[avail])
		avail++;
	/*
	 * The output stays printable ASCII: characters past 0x7e are written as
	 * the \\u escapes of their code point (a pair beyond the BMP), so a
	 * reader gets back the same text; bytes that are not UTF-8 become U+FFFD.
	 */
	for (size_t i = 0; i < avail;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c == '"' || c == '\\') {
			put(f, '\\');
			put(f, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			vfc_fmt_str(f, "\\u00");
			put(f, digits[c >> 4]);
			put(f, digits[c & 0xf]);
		} else if (c >= 0x80) {
			n = utf8_seq((const unsigned char *)s + i, avail - i, &cp);
			if (!n) {
				/* A sequence cut by the byte limit is dropped, not half-written. */
				if (avail == max && s[avail] &&
				    utf8_seq((const unsigned char *)s + i, 4, &cp))
					break;
				put_u16(f, 0xfffd);
				i++;
				continue;
			}
			if (cp >= 0x10000) {
				put_u16(f, 0xd800 + ((cp - 0x10000) >> 10));
				put_u16(f, 0xdc00 + ((cp - 0x10000) & 0x3ff));
			} else {
				put_u16(f, cp);
			}
			i += n;
			continue;
		} else {
			put(f, (char)c);
		}
		i++;
	}
}

void vfc_fmt_json_str_n(struct vfc_fmt *f, const char *s, size_t max)
{
	put(f, '"');
	vfc_fmt_json_esc_n(f, s, max);
	put(f, '"');
}

void vfc_fmt_json_str(struct vfc_fmt *f, const char *s)
{
	vfc_fmt_json_str_n(f, s, (size_t)-1);
}

void vfc_fmt_key(struct vfc_fmt *f, const char *key)
{
	vfc_fmt_json_str(f, key);
	put(f, ':');
}

const char *vfc_errno_name(int err)
{
	switch (err) {
	case 0:
		return "0";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EIO:
		return "EIO";
	case EBADF:
		return "EBADF";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case ENOSPC:
		return "ENOSPC";
	case ERANGE:
		return "ERANGE";
	case ENOTTY:
		return "ENOTTY";
	case ENOSYS:
		return "ENOSYS";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EOVERFLOW:
		return "EOVERFLOW";
	case ENXIO:
		return "ENXIO";
	case E2BIG:
		return "E2BIG";
	/* What opening the target or the report can meet on a real host. */
	case EMFILE:
		return "EMFILE";
	case ENFILE:
		return "ENFILE";
	case EROFS:
		return "EROFS";
	case EDQUOT:
		return "EDQUOT";
	case ELOOP:
		return "ELOOP";
	case ENAMETOOLONG:
		return "ENAMETOOLONG";
	case ENOTDIR:
		return "ENOTDIR";
	case EINTR:
		return "EINTR";
	case EAGAIN:
		return "EAGAIN";
	default:
		return 0;
	}
}

void vfc_fmt_kv_str(struct vfc_fmt *f, const char *k, const char *v)
{
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	vfc_fmt_json_str(f, v);
}

void vfc_fmt_kv_int(struct vfc_fmt *f, const char *k, int64_t v)
{
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	vfc_fmt_i64(f, v);
}

void vfc_fmt_kv_hex(struct vfc_fmt *f, const char *k, uint64_t v)
{
	vfc_fmt_str(f, ",");
	vfc_fmt_key(f, k);
	vfc_fmt_str(f, "\"");
	vfc_fmt_hex(f, v);
	vfc_fmt_str(f, "\"");
}
