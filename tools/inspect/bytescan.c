// SPDX-License-Identifier: GPL-2.0-only
/* Multi-string search over a chunked stream (see bytescan.h). */
#include <string.h>

#include "bytescan.h"

int vfc_scan_init(struct vfc_scan *s, const char *const *needles, size_t n)
{
	memset(s, 0, sizeof(*s));
	if (n > VFC_SCAN_MAX_NEEDLES)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(needles[i]);

		if (!l || l > VFC_SCAN_MAX_LEN)
			return -1;
		s->needle[i] = needles[i];
		s->len[i] = l;
		if (l > s->maxlen)
			s->maxlen = l;
	}
	s->n = n;
	return 0;
}

bool vfc_scan_found(const struct vfc_scan *s, size_t i)
{
	return i < s->n && (s->found >> i & 1);
}

static void hit(struct vfc_scan *s, size_t i, uint64_t off)
{
	/* Chunks are searched in order, so the first hit is the first occurrence. */
	if (!(s->found >> i & 1)) {
		s->found |= 1u << i;
		s->first[i] = off;
	}
}

void vfc_scan_feed(struct vfc_scan *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned char win[2 * VFC_SCAN_MAX_LEN];
	size_t head = len < s->maxlen - 1 ? len : s->maxlen - 1;
	size_t keep;

	if (!len || !s->n)
		return;
	/*
	 * Matches that start in the previous chunks' tail and end in this
	 * chunk: search tail+head, counting only those starting in the tail
	 * (the others are found below, in the chunk itself).
	 */
	memcpy(win, s->tail, s->tail_len);
	memcpy(win + s->tail_len, p, head);
	for (size_t i = 0; i < s->n && s->tail_len; i++) {
		const unsigned char *m;

		if (s->found >> i & 1)
			continue;
		m = memmem(win, s->tail_len + head, s->needle[i], s->len[i]);
		if (m && (size_t)(m - win) < s->tail_len)
			hit(s, i, s->pos - s->tail_len + (uint64_t)(m - win));
	}
	for (size_t i = 0; i < s->n; i++) {
		const unsigned char *m;

		if (s->found >> i & 1)
			continue;
		m = memmem(p, len, s->needle[i], s->len[i]);
		if (m)
			hit(s, i, s->pos + (uint64_t)(m - p));
	}
	/* Keep the last maxlen - 1 bytes of everything fed so far. */
	keep = s->maxlen - 1;
	if (len >= keep) {
		memcpy(s->tail, p + len - keep, keep);
		s->tail_len = keep;
	} else {
		size_t total = s->tail_len + len;
		size_t drop = total > keep ? total - keep : 0;

		memmove(s->tail, win + drop, total - drop);
		s->tail_len = total - drop;
	}
	s->pos += len;
}
