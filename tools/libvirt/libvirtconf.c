// SPDX-License-Identifier: GPL-2.0-only
/* qemu.conf / AppArmor text edits and reads for the libvirt trial (libvirtconf.h). */
#include "libvirtconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vfc_libvirt_default_acl[] = {
    "/dev/null", "/dev/full", "/dev/zero",	  "/dev/random", "/dev/urandom",
    "/dev/ptmx", "/dev/kvm",  "/dev/userfaultfd", NULL,
};

/* A growing string; on allocation failure it stays NULL and so does the result. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *s;

		while (cap < b->len + n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static char *sb_done(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		sb_add(b, "", 0);
	return b->oom ? NULL : b->s;
}

static bool starts(const char *line, const char *prefix)
{
	return !strncmp(line, prefix, strlen(prefix));
}

/* The line at p ends at the returned pointer (its '\n' or the final NUL). */
static const char *line_end(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? e : p + strlen(p);
}

/* Does the line (after blanks) assign KEY? Returns what follows '=' or NULL. */
static const char *assigns(const char *line, const char *end, const char *key)
{
	size_t k = strlen(key);

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if ((size_t)(end - line) <= k || strncmp(line, key, k))
		return NULL;
	line += k;
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	return line < end && *line == '=' ? line + 1 : NULL;
}

int vfc_conf_list(const char *text, const char *key, char **out, int max, int *first, int *last)
{
	const char *p = text, *v = NULL;
	int line = 0, n = 0;
	bool open = false, inq = false;
	const char *q0 = NULL;

	for (; *p; line++) {
		const char *e = line_end(p);

		if (!open && (v = assigns(p, e, key))) {
			open = true;
			*first = line;
		} else if (open) {
			v = p;
		} else {
			v = NULL;
		}
		for (; open && v && v < e; v++) {
			if (inq) {
				if (*v == '"') {
					inq = false;
					if (n < max && out) {
						size_t len = (size_t)(v - q0);
						char *s = malloc(len + 1);

						if (!s) {
							vfc_conf_list_free(out, n);
							return -1;
						}
						memcpy(s, q0, len);
						s[len] = '\0';
						out[n] = s;
					}
					n++;
				}
			} else if (*v == '"') {
				inq = true;
				q0 = v + 1;
			} else if (*v == '#') {
				break;
			} else if (*v == ']') {
				*last = line;
				return n < max ? n : max;
			}
		}
		inq = false;
		p = *e ? e + 1 : e;
	}
	if (out)
		vfc_conf_list_free(out, n < max ? n : max);
	return -1;
}

void vfc_conf_list_free(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
}

bool vfc_conf_string(const char *text, const char *key, char *buf, size_t len)
{
	for (const char *p = text; *p;) {
		const char *e = line_end(p), *v = assigns(p, e, key);

		if (v) {
			const char *q = memchr(v, '"', (size_t)(e - v)), *r;

			if (q && (r = memchr(q + 1, '"', (size_t)(e - q - 1))) &&
			    (size_t)(r - q - 1) < len) {
				memcpy(buf, q + 1, (size_t)(r - q - 1));
				buf[r - q - 1] = '\0';
				return true;
			}
		}
		p = *e ? e + 1 : e;
	}
	return false;
}

bool vfc_conf_has_block(const char *text)
{
	for (const char *p = text; *p;) {
		const char *e = line_end(p);

		if (starts(p, VFC_CONF_BEGIN))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

char *vfc_conf_revert(const char *text)
{
	struct sbuf b = {0};
	bool in = false;

	for (const char *p = text; *p;) {
		const char *e = line_end(p), *next = *e ? e + 1 : e;

		if (!in && starts(p, VFC_CONF_BEGIN))
			in = true;
		else if (in && starts(p, VFC_CONF_END))
			in = false;
		else if (!in && starts(p, VFC_CONF_DISABLED))
			sb_add(&b, p + strlen(VFC_CONF_DISABLED),
			       (size_t)(next - p) - strlen(VFC_CONF_DISABLED));
		else if (!in)
			sb_add(&b, p, (size_t)(next - p));
		p = next;
	}
	return sb_done(&b);
}

static bool in_list(char **list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* Ends text with a newline so an appended block starts on its own line. */
static void sb_text_nl(struct sbuf *b, const char *text)
{
	sb_str(b, text);
	if (*text && text[strlen(text) - 1] != '\n')
		sb_str(b, "\n");
}

char *vfc_conf_set_nodes(const char *text, const char *const *nodes, int n)
{
	char *orig = vfc_conf_revert(text), *list[VFC_CONF_MAX_LIST];
	int first = -1, last = -1, len, missing = 0;
	struct sbuf b = {0};

	if (!orig || n == 0)
		return orig;
	len = vfc_conf_list(orig, "cgroup_device_acl", list, VFC_CONF_MAX_LIST, &first, &last);
	if (len < 0) {
		len = 0;
		for (const char *const *d = vfc_libvirt_default_acl; *d; d++) {
			list[len] = strdup(*d);
			if (!list[len]) {
				vfc_conf_list_free(list, len);
				free(orig);
				return NULL;
			}
			len++;
		}
	}
	for (int i = 0; i < n; i++)
		missing += !in_list(list, len, nodes[i]);
	if (!missing) {
		vfc_conf_list_free(list, len);
		return orig;
	}
	{
		int line = 0;

		for (const char *p = orig; *p; line++) {
			const char *e = line_end(p), *next = *e ? e + 1 : e;

			if (line >= first && line <= last)
				sb_str(&b, VFC_CONF_DISABLED);
			sb_add(&b, p, (size_t)(next - p));
			p = next;
		}
		if (b.len && b.s[b.len - 1] != '\n')
			sb_str(&b, "\n");
	}
	sb_str(&b, VFC_CONF_BEGIN
	       ": 'vfiocompat libvirt disable' removes this block and restores "
	       "any line marked " VFC_CONF_DISABLED "\n"
	       "# The iommufd node a trialled QEMU opens in place of /dev/vfio/vfio, added to\n"
	       "# the devices libvirt puts in the domain's private /dev and device cgroup.\n"
	       "cgroup_device_acl = [\n");
	for (int i = 0; i < len; i++) {
		sb_str(&b, "    \"");
		sb_str(&b, list[i]);
		sb_str(&b, "\",\n");
	}
	for (int i = 0, k = 0; i < n; i++) {
		if (in_list(list, len, nodes[i]))
			continue;
		sb_str(&b, "    \"");
		sb_str(&b, nodes[i]);
		sb_str(&b, ++k < missing ? "\",\n" : "\"\n");
	}
	sb_str(&b, "]\n" VFC_CONF_END "\n");
	vfc_conf_list_free(list, len);
	free(orig);
	return sb_done(&b);
}

char *vfc_conf_set_block(const char *text, const char *body)
{
	char *orig = vfc_conf_revert(text);
	struct sbuf b = {0};

	if (!orig || !body)
		return orig;
	sb_text_nl(&b, orig);
	free(orig);
	sb_str(&b, VFC_CONF_BEGIN ": 'vfiocompat libvirt disable' removes this block\n");
	sb_text_nl(&b, body);
	sb_str(&b, VFC_CONF_END "\n");
	return sb_done(&b);
}

/* AppArmor globbing: '*' within a path component, '**' across, '?', {a,b}. */
static bool glob(const char *pat, const char *pe, const char *s)
{
	while (pat < pe) {
		if (*pat == '{') {
			const char *close = pat + 1, *alt = pat + 1;
			int depth = 1;

			for (; close < pe && depth; close++)
				depth += *close == '{' ? 1 : *close == '}' ? -1 : 0;
			if (depth)
				return false;
			/* close is one past '}': try each alternative followed by the rest. */
			for (const char *c = alt; c < close; c++) {
				if (*c == ',' || c == close - 1) {
					size_t al = (size_t)(c - alt), rl = (size_t)(pe - close);
					char tmp[512];

					if (al + rl >= sizeof(tmp))
						return false;
					memcpy(tmp, alt, al);
					memcpy(tmp + al, close, rl);
					if (glob(tmp, tmp + al + rl, s))
						return true;
					alt = c + 1;
				}
			}
			return false;
		}
		if (*pat == '*') {
			bool any = pat + 1 < pe && pat[1] == '*';
			const char *rest = pat + (any ? 2 : 1);

			for (const char *t = s;; t++) {
				if (glob(rest, pe, t))
					return true;
				if (!*t || (!any && *t == '/'))
					return false;
			}
		}
		if (!*s || (*pat == '?' ? *s == '/' : *pat != *s))
			return false;
		pat++;
		s++;
	}
	return !*s;
}

bool vfc_apparmor_allows(const char *text, const char *path, const char *perms)
{
	for (const char *p = text; *p;) {
		const char *e = line_end(p), *next = *e ? e + 1 : e, *q = p, *pe, *r;
		bool ok = true;

		while (q < e && isspace((unsigned char)*q))
			q++;
		while (starts(q, "allow ") || starts(q, "audit ") || starts(q, "owner ")) {
			q = strchr(q, ' ');
			while (q < e && *q == ' ')
				q++;
		}
		if (q < e && (*q == '/' || *q == '"')) {
			bool quoted = *q == '"';

			if (quoted)
				q++;
			pe = q;
			while (pe < e && (quoted ? *pe != '"' : !isspace((unsigned char)*pe)))
				pe++;
			r = pe + (quoted && pe < e);
			while (r < e && isspace((unsigned char)*r))
				r++;
			for (const char *w = perms; *w && ok; w++) {
				const char *c = r;

				while (c < e && *c != ',' && *c != *w)
					c++;
				ok = c < e && *c == *w;
			}
			if (ok && glob(q, pe, path))
				return true;
		}
		p = next;
	}
	return false;
}

char *vfc_conf_read(FILE *f)
{
	char *buf = NULL, chunk[4096];
	size_t len = 0, n;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	return buf;
}
