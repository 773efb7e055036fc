// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loader's library search, as `vfiocompat inspect` and `run` follow it;
 * see libdeps.h. Every file it opens is a candidate library: its ELF class
 * and machine must be the host's, as the loader requires, before it counts.
 */
#include "libdeps.h"

#include <elf.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#define MULTIARCH    "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#define MULTIARCH    "aarch64-linux-gnu"
#else
#define MULTIARCH "unknown"
#endif

#define LDCACHE	    "/etc/ld.so.cache"
#define CACHE_MAGIC "glibc-ld.so.cache1.1"
#define OLD_MAGIC   "ld.so-1.7.0"

/* The loader skips files of another class or machine and keeps searching. */
static bool host_elf(const char *path)
{
	unsigned char h[20];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	bool ok;

	if (fd < 0)
		return false;
	ok = !fstat(fd, &st) && S_ISREG(st.st_mode) && pread(fd, h, sizeof(h), 0) == sizeof(h) &&
	     !memcmp(h, ELFMAG, SELFMAG) && h[EI_CLASS] == ELFCLASS64;
#ifdef HOST_MACHINE
	ok = ok && (h[18] | h[19] << 8) == HOST_MACHINE;
#endif
	close(fd);
	return ok;
}

bool vfc_ldcache_lookup(const char *cache, const char *name, char *out, size_t size)
{
	struct stat st;
	const char *m;
	size_t base = 0, len;
	uint32_t nlibs;
	bool found = false;
	int fd = open(cache, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 48 ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return false;
	}
	close(fd);
	len = (size_t)st.st_size;
	/* An old-format table may come first; the new one follows, 8-aligned. */
	if (!memcmp(m, OLD_MAGIC, strlen(OLD_MAGIC))) {
		uint32_t n;

		memcpy(&n, m + 12, 4);
		base = (16 + (size_t)n * 12 + 7) & ~(size_t)7;
	}
	if (base + 48 > len || memcmp(m + base, CACHE_MAGIC, strlen(CACHE_MAGIC)))
		goto out;
	memcpy(&nlibs, m + base + 20, 4);
	if (nlibs > (len - base - 48) / 24)
		goto out;
	for (uint32_t i = 0; i < nlibs && !found; i++) {
		const char *e = m + base + 48 + (size_t)i * 24;
		uint32_t key, value;

		memcpy(&key, e + 4, 4);
		memcpy(&value, e + 8, 4);
		/* Offsets count from the new header; strings must end inside the file. */
		if (base + key >= len || base + value >= len ||
		    !memchr(m + base + key, 0, len - base - key) ||
		    !memchr(m + base + value, 0, len - base - value))
			continue;
		if (strcmp(m + base + key, name) || !host_elf(m + base + value))
			continue;
		found = strlen(m + base + value) < size;
		if (found)
			strcpy(out, m + base + value);
	}
out:
	munmap((void *)m, len);
	return found;
}

/* One search list ("a:b:c"), $ORIGIN and $LIB expanded; true when name is found in it. */
static bool search(const char *list, const char *origin, const char *name, char *out, size_t size)
{
	const char *p = list;

	while (p && *p) {
		size_t l = strcspn(p, ":;");
		char dir[PATH_MAX] = "";
		size_t n = 0;

		for (size_t i = 0; i < l && n + 1 < sizeof(dir);) {
			const char *var = NULL;
			size_t vl = 0;

			if (p[i] == '$' && !strncmp(p + i, "$ORIGIN", 7))
				var = origin, vl = 7;
			else if (p[i] == '$' && !strncmp(p + i, "${ORIGIN}", 9))
				var = origin, vl = 9;
			else if (p[i] == '$' && !strncmp(p + i, "$LIB", 4))
				var = "lib64", vl = 4;
			else if (p[i] == '$' && !strncmp(p + i, "${LIB}", 6))
				var = "lib64", vl = 6;
			if (var) {
				n += (size_t)snprintf(dir + n, sizeof(dir) - n, "%s", var);
				i += vl;
			} else {
				dir[n++] = p[i++];
			}
		}
		if (n >= sizeof(dir))
			n = sizeof(dir) - 1;
		dir[n] = 0;
		/* An empty entry is the current directory, as for the loader. */
		if (snprintf(out, size, "%s%s%s", dir[0] ? dir : ".", "/", name) < (int)size &&
		    host_elf(out))
			return true;
		p += l + (p[l] != 0);
	}
	return false;
}

bool vfc_lib_resolve(const char *name, const char *loader_path, const char *rpath,
		     const char *runpath, const char *exe_rpath, char *out, size_t size,
		     const char **via)
{
	static const char *const defaults =
	    "/lib/" MULTIARCH ":/usr/lib/" MULTIARCH ":/lib64:/usr/lib64:/lib:/usr/lib";
	char origin[PATH_MAX], tmp[PATH_MAX];
	const char *ld = getenv("LD_LIBRARY_PATH");

	snprintf(tmp, sizeof(tmp), "%s", loader_path);
	snprintf(origin, sizeof(origin), "%s", dirname(tmp));
	if (strchr(name, '/')) {
		*via = "path in DT_NEEDED";
		return snprintf(out, size, "%s", name) < (int)size && host_elf(out);
	}
	/* DT_RPATH counts only when the object has no DT_RUNPATH (ld.so(8)). */
	if (!runpath[0] && rpath[0] && search(rpath, origin, name, out, size)) {
		*via = "RPATH";
		return true;
	}
	if (!runpath[0] && exe_rpath && exe_rpath[0] &&
	    search(exe_rpath, origin, name, out, size)) {
		*via = "the program's RPATH";
		return true;
	}
	if (ld && ld[0] && search(ld, origin, name, out, size)) {
		*via = "LD_LIBRARY_PATH";
		return true;
	}
	if (runpath[0] && search(runpath, origin, name, out, size)) {
		*via = "RUNPATH";
		return true;
	}
	if (vfc_ldcache_lookup(LDCACHE, name, out, size)) {
		*via = "ld.so.cache";
		return true;
	}
	if (search(defaults, origin, name, out, size)) {
		*via = "default directories";
		return true;
	}
	return false;
}

struct node {
	char path[PATH_MAX];
	char name[VFC_INSPECT_NAME_MAX];
	const char *via;
};

bool vfc_deps_follow(const char *path, struct vfc_inspect *in, struct vfc_deps *d)
{
	struct node *q = calloc(VFC_DEPS_MAX, sizeof(*q));
	struct vfc_inspect *li = malloc(sizeof(*li));
	char(*seen)[PATH_MAX] = calloc(VFC_DEPS_MAX, PATH_MAX);
	unsigned head = 0, tail = 0, nseen = 0;
	bool found = false;

	memset(d, 0, sizeof(*d));
	if (!q || !li || !seen || !in->dynamic)
		goto out;
	/* Breadth first, as the loader orders its search scope. */
	for (unsigned round = 0;; round++) {
		const struct vfc_inspect *from = round == 0 ? in : li;
		const char *from_path = round == 0 ? path : q[head - 1].path;

		for (unsigned i = 0; i < from->nneeded; i++) {
			char p[PATH_MAX], real[PATH_MAX];
			const char *via = "";
			bool dup = false;

			if (!vfc_lib_resolve(from->needed[i], from_path, from->rpath, from->runpath,
					     in->rpath, p, sizeof(p), &via)) {
				if (!d->nmissing++ ||
				    strlen(d->missing) + strlen(from->needed[i]) + 3 <
					sizeof(d->missing))
					snprintf(d->missing + strlen(d->missing),
						 sizeof(d->missing) - strlen(d->missing), "%s%s",
						 d->missing[0] ? ", " : "", from->needed[i]);
				continue;
			}
			if (!realpath(p, real))
				snprintf(real, sizeof(real), "%s", p);
			for (unsigned k = 0; k < nseen && !dup; k++)
				dup = !strcmp(seen[k], real);
			if (dup)
				continue;
			if (tail == VFC_DEPS_MAX) {
				d->capped = true;
				break;
			}
			snprintf(seen[nseen++], PATH_MAX, "%s", real);
			snprintf(q[tail].path, sizeof(q[tail].path), "%s", p);
			snprintf(q[tail].name, sizeof(q[tail].name), "%s", from->needed[i]);
			q[tail++].via = via;
		}
		if (head == tail)
			break;
		{
			char err[512];
			struct node *n = &q[head++];

			if (vfc_inspect_path(n->path, li, err, sizeof(err))) {
				li->nneeded = 0;
				continue;
			}
			d->nlibs++;
			if ((li->defines & VFC_IMP_IOCTL) && (li->defines & VFC_IMP_ANY_OPEN) &&
			    !d->provider[0]) {
				snprintf(d->provider, sizeof(d->provider), "%s", n->path);
				snprintf(d->provider_name, sizeof(d->provider_name), "%s", n->name);
			}
			if (!found &&
			    (li->refs_vfio_container || li->refs_iommu || li->refs_vfio_any)) {
				found = true;
				snprintf(d->vfio_lib, sizeof(d->vfio_lib), "%s", n->path);
				snprintf(d->vfio_name, sizeof(d->vfio_name), "%s", n->name);
				snprintf(d->vfio_via, sizeof(d->vfio_via), "%s", n->via);
				d->vfio_imports = li->imports;
				d->vfio_if = li->if_vfio;
				snprintf(d->reason, sizeof(d->reason),
					 "its library %.100s (%.300s, found through %s) references "
					 "/dev/vfio: %s",
					 n->name, n->path, n->via, li->if_vfio_reason);
			}
		}
	}
	if (found && in->strategy == VFC_STRAT_NOT_VFIO) {
		/* The program's own build still rules: secure exec, Go, static. */
		if (in->if_vfio == VFC_STRAT_MODULE_AUDIT || in->go) {
			in->strategy = in->if_vfio;
			snprintf(d->reason + strlen(d->reason),
				 sizeof(d->reason) - strlen(d->reason),
				 "; but the program itself: %s", in->if_vfio_reason);
		} else {
			in->strategy = d->vfio_if;
		}
		if (d->provider[0] && in->strategy == VFC_STRAT_PRELOAD)
			snprintf(d->reason + strlen(d->reason),
				 sizeof(d->reason) - strlen(d->reason),
				 "; open and ioctl come from %.100s (%.300s)", d->provider_name,
				 d->provider);
		in->reason = d->reason;
	}
out:
	free(q);
	free(li);
	free(seen);
	return found;
}
