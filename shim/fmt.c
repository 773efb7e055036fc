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

void vfc_fmt_json_str_n(struct vfc_fmt *f, const char *s, size_t max)
{
	static const char digits[] = "0123456789abcdef";

	put(f, '"');
	for (size_t i = 0; s && i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			put(f, '\\');
			put(f, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			vfc_fmt_str(f, "\\u00");
			put(f, digits[c >> 4]);
			put(f, digits[c & 0xf]);
		} else if (c >= 0x80) {
			/* Not validated as UTF-8: keep the output valid JSON. */
			vfc_fmt_str(f, "\\u00");
			put(f, digits[c >> 4]);
			put(f, digits[c & 0xf]);
		} else {
			put(f, (char)c);
		}
	}
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
