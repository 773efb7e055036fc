// SPDX-License-Identifier: GPL-2.0-only
/*
 * `vfiocompat bench`: what switching costs this host's DMA mapping. MAP_DMA
 * and UNMAP_DMA timed per chunk size on the type1 container and on iommufd's
 * compat (and the vfiocompat module's node when loaded), each set up as a VMM
 * does, with the device fd open: before that iommufd has no domain and pins
 * nothing, so a benchmark without it measures nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "benchstat.h"
#include "cli.h"
#include "pci.h"
#include "vfiocompat/module.h"

#define IOVA	  (1ull << 32) /* above the x86 MSI window, 1 GiB aligned */
#define MAX_SIZES 12

static const struct backend {
	const char *name, *path;
} backends[] = {
    {"type1", "/dev/vfio/vfio"},
    {"iommufd", "/dev/iommu"},
    {"module", VFC_MODULE_NODE},
};
#define NB (sizeof(backends) / sizeof(backends[0]))

struct run {
	const char *bdf;
	char group[PATH_MAX];
	uint64_t sizes[MAX_SIZES];
	int nsizes, reps, rounds;
	bool want[NB], have[NB];
	double *map_ns[NB][MAX_SIZES], *unmap_ns[NB][MAX_SIZES];
	int n[NB][MAX_SIZES];
	uint8_t *buf;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vfiocompat bench [--device BDF] [--backend NAME]... [--sizes LIST]\n"
	    "                        [--reps N] [--rounds N] [--json]\n\n"
	    "Time VFIO_IOMMU_MAP_DMA and UNMAP_DMA per chunk size on the type1 container and\n"
	    "on iommufd's compat (and the vfiocompat module's node when loaded), with the\n"
	    "device open as a VMM has it, and print iommufd's cost relative to type1's.\n"
	    "The device must be bound to vfio-pci and idle (no VM using it).\n\n"
	    "  --device BDF    the device whose group is used (default: the first idle\n"
	    "                  vfio-pci device)\n"
	    "  --backend NAME  type1, iommufd or module (repeatable; default: every one present)\n"
	    "  --sizes LIST    chunk sizes, e.g. 4K,64K,2M,64M (default), up to 1G\n"
	    "  --reps N        timed map+unmap pairs per size and round (default 20)\n"
	    "  --rounds N      rounds, back ends alternating (default 3)\n"
	    "  --json          one JSON object\n\n"
	    "exit: 0 measured, 1 a back end failed, 2 bad arguments or no usable device\n");
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* /dev/vfio/N of a device, or "" with a reason. */
static bool group_of(const char *bdf, char *out, size_t size, char *why, size_t wlen)
{
	char name[64];
	const char *drv;

	if (!vfc_pci_group(bdf, name, sizeof(name))) {
		snprintf(why, wlen, "%s has no IOMMU group (no such device, or no IOMMU)", bdf);
		return false;
	}
	snprintf(out, size, "/dev/vfio/%.32s", name);
	drv = vfc_pci_driver(bdf, name, sizeof(name));
	if (!drv || strcmp(drv, "vfio-pci")) {
		snprintf(why, wlen, "%s is not bound to vfio-pci; bind it first", bdf);
		return false;
	}
	return true;
}

/* Open the group as a check: busy or forbidden groups are refused up front. */
static bool group_usable(const char *path, const char *bdf, char *why, size_t wlen)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (errno == EBUSY)
		snprintf(
		    why, wlen,
		    "%.64s is in use (%.200s is open in another process): stop the VM using it",
		    bdf, path);
	else
		snprintf(why, wlen,
			 "cannot open %.200s for %.64s: %s; run as root or as the group's owner",
			 path, bdf, strerror(errno));
	return false;
}

static const char *pick_device(char *out, size_t size, char *group, size_t gsize, char *why,
			       size_t wlen)
{
	DIR *d = opendir("/sys/bus/pci/drivers/vfio-pci");
	struct dirent *e;
	const char *found = NULL;

	snprintf(why, wlen,
		 "no device is bound to vfio-pci: bind one (driverctl set-override BDF "
		 "vfio-pci) or give --device");
	while (d && (e = readdir(d)) && !found) {
		if (!strchr(e->d_name, ':'))
			continue;
		if (group_of(e->d_name, group, gsize, why, wlen) &&
		    group_usable(group, e->d_name, why, wlen)) {
			snprintf(out, size, "%.32s", e->d_name);
			found = out;
		}
	}
	if (d)
		closedir(d);
	return found;
}

struct setup {
	int c, g, dev;
};

static void teardown(struct setup *s)
{
	if (s->dev >= 0)
		close(s->dev);
	if (s->g >= 0)
		close(s->g);
	if (s->c >= 0)
		close(s->c);
	s->c = s->g = s->dev = -1;
}

static int setup_backend(struct run *r, int b, struct setup *s, char *why, size_t wlen)
{
	const char *step;

	s->c = s->g = s->dev = -1;
	step = "open";
	s->c = open(backends[b].path, O_RDWR | O_CLOEXEC);
	if (s->c < 0)
		goto fail;
	s->g = open(r->group, O_RDWR | O_CLOEXEC);
	step = "open the group";
	if (s->g < 0)
		goto fail;
	step = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(s->g, VFIO_GROUP_SET_CONTAINER, &s->c))
		goto fail;
	step = "VFIO_SET_IOMMU(TYPE1v2)";
	if (ioctl(s->c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto fail;
	step = "VFIO_GROUP_GET_DEVICE_FD";
	s->dev = ioctl(s->g, VFIO_GROUP_GET_DEVICE_FD, r->bdf);
	if (s->dev < 0)
		goto fail;
	return 0;
fail:
	snprintf(why, wlen, "%s (%s): %s failed: %s", backends[b].name, backends[b].path, step,
		 strerror(errno));
	teardown(s);
	return -1;
}

static int map_unmap(int c, uint8_t *buf, uint64_t size, double *map_ns, double *unmap_ns)
{
	struct vfio_iommu_type1_dma_map m = {
	    .argsz = sizeof(m),
	    .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	    .vaddr = (uintptr_t)buf,
	    .iova = IOVA,
	    .size = size,
	};
	struct vfio_iommu_type1_dma_unmap u = {.argsz = sizeof(u), .iova = IOVA, .size = size};
	int64_t t0 = now_ns(), t1, t2;

	if (ioctl(c, VFIO_IOMMU_MAP_DMA, &m))
		return -1;
	t1 = now_ns();
	if (ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u))
		return -1;
	t2 = now_ns();
	if (map_ns) {
		*map_ns = (double)(t1 - t0);
		*unmap_ns = (double)(t2 - t1);
	}
	return 0;
}

static int measure(struct run *r, int b, char *why, size_t wlen)
{
	struct setup s;

	if (setup_backend(r, b, &s, why, wlen))
		return -1;
	for (int k = 0; k < r->nsizes; k++) {
		/* One untimed pair: the first map after the device open attaches state. */
		if (map_unmap(s.c, r->buf, r->sizes[k], NULL, NULL))
			goto fail;
		for (int i = 0; i < r->reps; i++) {
			int at = r->n[b][k]++;

			if (map_unmap(s.c, r->buf, r->sizes[k], &r->map_ns[b][k][at],
				      &r->unmap_ns[b][k][at]))
				goto fail;
		}
	}
	teardown(&s);
	return 0;
fail:
	snprintf(why, wlen, "%s: MAP/UNMAP_DMA failed: %s%s", backends[b].name, strerror(errno),
		 errno == ENOMEM ? " (RLIMIT_MEMLOCK too low for the largest size? raise it or "
				   "pass smaller --sizes)"
				 : "");
	teardown(&s);
	return -1;
}

static bool parse_sizes(struct run *r, const char *list)
{
	char buf[256], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	r->nsizes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (r->nsizes == MAX_SIZES || !(r->sizes[r->nsizes++] = vfc_size_parse(tok))) {
			vfc_err(
			    "bench: --sizes: '%s' is not a size of 4K..1G in whole pages (at most "
			    "%d sizes)",
			    tok, MAX_SIZES);
			return false;
		}
	}
	return r->nsizes > 0;
}

static void print(struct run *r, bool json)
{
	struct json_object *o = json_object_new_object(), *res = json_object_new_array(),
			   *rat = json_object_new_array();
	char sz[32], line[256];
	struct vfc_spread sp[NB][MAX_SIZES][2];

	for (size_t b = 0; b < NB; b++)
		for (int k = 0; r->have[b] && k < r->nsizes; k++) {
			sp[b][k][0] = vfc_spread_of(r->map_ns[b][k], (size_t)r->n[b][k]);
			sp[b][k][1] = vfc_spread_of(r->unmap_ns[b][k], (size_t)r->n[b][k]);
		}
	if (!json)
		printf("vfiocompat bench: MAP_DMA and UNMAP_DMA on %s (%s), device open, "
		       "%d rounds x %d reps; median (min-max) in microseconds\n\n"
		       "%-9s %-8s %-24s %-24s\n",
		       r->bdf, r->group, r->rounds, r->reps, "SIZE", "BACKEND", "MAP", "UNMAP");
	for (int k = 0; k < r->nsizes; k++)
		for (size_t b = 0; b < NB; b++) {
			struct vfc_spread *m = &sp[b][k][0], *u = &sp[b][k][1];

			if (!r->have[b])
				continue;
			if (!json) {
				char a[32], c[32];

				snprintf(a, sizeof(a), "%.1f (%.1f-%.1f)", m->median / 1e3,
					 m->min / 1e3, m->max / 1e3);
				snprintf(c, sizeof(c), "%.1f (%.1f-%.1f)", u->median / 1e3,
					 u->min / 1e3, u->max / 1e3);
				printf("%-9s %-8s %-24s %-24s\n",
				       vfc_size_name(r->sizes[k], sz, sizeof(sz)), backends[b].name,
				       a, c);
				continue;
			}
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "size",
					       json_object_new_int64((int64_t)r->sizes[k]));
			json_object_object_add(e, "backend",
					       json_object_new_string(backends[b].name));
			json_object_object_add(e, "samples", json_object_new_int(r->n[b][k]));
			for (int w = 0; w < 2; w++) {
				struct json_object *x = json_object_new_object();

				json_object_object_add(x, "median",
						       json_object_new_double(sp[b][k][w].median));
				json_object_object_add(x, "min",
						       json_object_new_double(sp[b][k][w].min));
				json_object_object_add(x, "max",
						       json_object_new_double(sp[b][k][w].max));
				json_object_object_add(e, w ? "unmap_ns" : "map_ns", x);
			}
			json_object_array_add(res, e);
		}
	if (!json)
		printf("\n");
	for (size_t b = 1; r->have[0] && b < NB; b++)
		for (int k = 0; r->have[b] && k < r->nsizes; k++) {
			double mr = sp[b][k][0].median / sp[0][k][0].median;
			double ur = sp[b][k][1].median / sp[0][k][1].median;
			char what[64];

			snprintf(what, sizeof(what), "maps %s chunks",
				 vfc_size_name(r->sizes[k], sz, sizeof(sz)));
			vfc_ratio_reading(backends[b].name, what, mr, line, sizeof(line));
			if (!json) {
				printf("%s; ", line);
				snprintf(what, sizeof(what), "unmaps them");
				printf("%s\n",
				       vfc_ratio_reading("it", what, ur, line, sizeof(line)));
				continue;
			}
			struct json_object *e = json_object_new_object();

			json_object_object_add(e, "size",
					       json_object_new_int64((int64_t)r->sizes[k]));
			json_object_object_add(e, "backend",
					       json_object_new_string(backends[b].name));
			json_object_object_add(e, "map_ratio", json_object_new_double(mr));
			json_object_object_add(e, "unmap_ratio", json_object_new_double(ur));
			json_object_object_add(e, "reading", json_object_new_string(line));
			json_object_array_add(rat, e);
		}
	/* One tree, freed as one, whether it is printed or not. */
	json_object_object_add(o, "device", json_object_new_string(r->bdf));
	json_object_object_add(o, "rounds", json_object_new_int(r->rounds));
	json_object_object_add(o, "reps", json_object_new_int(r->reps));
	json_object_object_add(o, "results", res);
	json_object_object_add(o, "ratios_vs_type1", rat);
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(
				   o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (!r->have[0]) {
		printf("No type1 container here: no ratio to give.\n");
	}
	json_object_put(o);
}

int vfc_cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"device", required_argument, 0, 'd'}, {"backend", required_argument, 0, 'b'},
	    {"sizes", required_argument, 0, 's'},  {"reps", required_argument, 0, 'r'},
	    {"rounds", required_argument, 0, 'R'}, {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},	   {0, 0, 0, 0},
	};
	static struct run r;
	char bdf[64], why[512];
	bool json = false, chosen = false;
	uint64_t largest = 0;
	int c, exit_code, rc = VFC_EXIT_OK, nhave = 0;

	memset(&r, 0, sizeof(r));
	r.reps = 20;
	r.rounds = 3;
	parse_sizes(&r, "4K,64K,2M,64M");
	optind = 1;
	while ((c = vfc_getopt(argc, argv, "+h", opts, usage, &exit_code)) != -1) {
		switch (c) {
		case 'd':
			/* As check --migration reads it: BB:DD.F is in domain 0000. */
			if (!vfc_pci_addr(optarg, bdf, sizeof(bdf))) {
				vfc_err("bench: --device '%.64s' is not a PCI address; give "
					"DDDD:BB:DD.F or BB:DD.F (as lspci -D shows it)",
					optarg);
				return VFC_EXIT_USAGE;
			}
			r.bdf = bdf;
			break;
		case 'b':
			for (size_t b = 0; b < NB; b++)
				if (!strcmp(optarg, backends[b].name))
					r.want[b] = chosen = true;
			if (!chosen) {
				vfc_err("bench: --backend '%s': use type1, iommufd or module",
					optarg);
				return VFC_EXIT_USAGE;
			}
			break;
		case 's':
			if (!parse_sizes(&r, optarg))
				return VFC_EXIT_USAGE;
			break;
		case 'r':
		case 'R':
			if ((c == 'r' ? (r.reps = atoi(optarg)) : (r.rounds = atoi(optarg))) < 1 ||
			    atoi(optarg) > 10000) {
				vfc_err("bench: --%s '%s': give a count of 1..10000",
					c == 'r' ? "reps" : "rounds", optarg);
				return VFC_EXIT_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case VFC_OPT_EXIT:
			return exit_code;
		}
	}
	if (optind != argc) {
		vfc_err("bench: unexpected argument '%s'; see 'vfiocompat bench --help'",
			argv[optind]);
		return VFC_EXIT_USAGE;
	}
	if (r.bdf ? !group_of(r.bdf, r.group, sizeof(r.group), why, sizeof(why)) ||
			!group_usable(r.group, r.bdf, why, sizeof(why))
		  : !(r.bdf = pick_device(bdf, sizeof(bdf), r.group, sizeof(r.group), why,
					  sizeof(why)))) {
		vfc_err("bench: %s", why);
		return VFC_EXIT_USAGE;
	}
	for (size_t b = 0; b < NB; b++) {
		struct stat st;

		r.have[b] = (chosen ? r.want[b] : true) && !stat(backends[b].path, &st) &&
			    S_ISCHR(st.st_mode);
		if (chosen && r.want[b] && !r.have[b]) {
			vfc_err("bench: %s: %s is not there", backends[b].name, backends[b].path);
			return VFC_EXIT_USAGE;
		}
		nhave += r.have[b];
	}
	if (!nhave) {
		vfc_err(
		    "bench: neither /dev/vfio/vfio nor /dev/iommu exists: load vfio and iommufd");
		return VFC_EXIT_USAGE;
	}
	for (int k = 0; k < r.nsizes; k++)
		if (r.sizes[k] > largest)
			largest = r.sizes[k];
	r.buf = mmap(NULL, largest, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r.buf == MAP_FAILED) {
		vfc_err("bench: cannot allocate %llu bytes to map: %s; pass smaller --sizes",
			(unsigned long long)largest, strerror(errno));
		return VFC_EXIT_USAGE;
	}
	memset(r.buf, 0x5a, largest); /* faulted in: the timing is pinning, not page faults */
	for (size_t b = 0; b < NB; b++)
		for (int k = 0; r.have[b] && k < r.nsizes; k++) {
			r.map_ns[b][k] = calloc((size_t)(r.reps * r.rounds), sizeof(double));
			r.unmap_ns[b][k] = calloc((size_t)(r.reps * r.rounds), sizeof(double));
			if (!r.map_ns[b][k] || !r.unmap_ns[b][k]) {
				vfc_err("bench: out of memory");
				return VFC_EXIT_USAGE;
			}
		}
	for (int round = 0; round < r.rounds; round++)
		for (size_t b = 0; b < NB; b++)
			if (r.have[b] && measure(&r, (int)b, why, sizeof(why))) {
				vfc_err("bench: %s", why);
				r.have[b] = false;
				rc = VFC_EXIT_FAIL;
			}
	print(&r, json);
	for (size_t b = 0; b < NB; b++)
		for (int k = 0; k < r.nsizes; k++) {
			free(r.map_ns[b][k]);
			free(r.unmap_ns[b][k]);
		}
	munmap(r.buf, largest);
	return rc;
}
