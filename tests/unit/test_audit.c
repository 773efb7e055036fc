// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF audit's user side (tools/audit/auditproc.c): kernel events in,
 * the shim's records out, with the shim's decoder and verdict.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "unit.h"

static char dir[] = "/tmp/vfc-unit-audit.XXXXXX";
static struct vfc_audit_state st;

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	vfc_audit_state_init(&st, dir, "%e-%p.jsonl", NULL);
	st.entry_limit = 3;
}

static void teardown(void)
{
	char cmd[128];

	vfc_audit_finish(&st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/vfc-unit-audit.XXXXXX");
}

static struct vfc_ev ev;

/* One container ioctl of pid 77 (start 5e9 ns), `len` argument bytes from `arg`. */
static void call(unsigned long cmd, unsigned long argval, long ret, const void *arg, unsigned len,
		 unsigned flags)
{
	memset(&ev, 0, sizeof(ev));
	ev.kind = VFC_EV_IOCTL;
	ev.tgid = 77;
	ev.tid = 77;
	ev.cmd = (unsigned)cmd;
	ev.start_ns = 5000000000ull;
	ev.file = 0xffff888012345678ull;
	ev.arg = argval;
	ev.ret = ret;
	ev.flags = flags | (arg ? VFC_EVF_ARG : 0);
	ev.len = arg ? len : 0;
	strcpy(ev.comm, "qemu-kvm");
	if (arg)
		memcpy(ev.data, arg, len);
	vfc_audit_event(&st, &ev, VFC_EV_HEAD + ev.len);
}

static void gone(void)
{
	memset(&ev, 0, sizeof(ev));
	ev.kind = VFC_EV_EXIT;
	ev.tgid = 77;
	ev.start_ns = 5000000000ull;
	vfc_audit_event(&st, &ev, VFC_EV_HEAD);
}

static char *report(void)
{
	static char buf[16384];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/qemu-kvm-77.jsonl", dir);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

START_TEST(test_type1_v1_and_vaddr_give_the_shims_verdict)
{
	struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_VADDR};

	call(VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU, 1, NULL, 0, 0);
	call(VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU, 0, NULL, 0, 0);
	call(VFIO_IOMMU_MAP_DMA, 0x7000, -EINVAL, &m, sizeof(m), 0);
	char *r = report();
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(strstr(r, "{\"type\":\"start\",\"source\":\"ebpf\",\"pid\":77,"
					"\"starttime\":500,"));
	ck_assert_ptr_nonnull(strstr(r, "\"mode\":\"audit\",\"backend\":\"type1\""));
	ck_assert_ptr_nonnull(strstr(r, "\"feature\":\"type1_v1\",\"severity\":\"degraded\""));
	ck_assert_ptr_nonnull(strstr(r, "\"feature\":\"vaddr_map\""));
	ck_assert_ptr_nonnull(strstr(r, "\"ret\":-22,\"errno\":\"EINVAL\",\"iommufd_predicted\""));
	ck_assert_ptr_null(strstr(r, "\"type\":\"summary\""));
	gone();
	r = report();
	ck_assert_ptr_nonnull(strstr(r, "\"IOMMU_MAP_DMA\":{\"calls\":1,\"errors\":1,"
					"\"errno\":\"EINVAL\"}"));
	ck_assert_ptr_nonnull(strstr(r, "\"features\":{\"vaddr_map\":1,\"type1_v1\":1},"
					"\"verdict\":\"not-ready\"}"));
}
END_TEST

START_TEST(test_get_info_dma_avail_p2p_and_the_entry_limit)
{
	struct {
		struct vfio_iommu_type1_info i;
		struct vfio_iommu_type1_info_dma_avail a;
	} info = {.i = {.argsz = 4096, .flags = VFIO_IOMMU_INFO_CAPS, .cap_offset = sizeof(info.i)},
		  .a = {.header = {.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL}, .avail = 10}};
	struct vfio_iommu_type1_dma_map m = {.argsz = sizeof(m), .size = 4096};

	call(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU, 0, NULL, 0, 0);
	/* argsz 4096 (the caller's buffer), 2 KiB read: still found. */
	call(VFIO_IOMMU_GET_INFO, 0x7000, 0, &info, sizeof(info), 0);
	call(VFIO_IOMMU_MAP_DMA, 0x7000, 0, &m, sizeof(m), VFC_EVF_PFNMAP);
	for (int i = 0; i < 3; i++)
		call(VFIO_IOMMU_MAP_DMA, 0x7000, 0, &m, sizeof(m), 0);
	gone();
	char *r = report();
	ck_assert_ptr_nonnull(
	    strstr(r, "\"features\":{\"p2p_map\":1,\"dma_avail\":1,\"dma_entry_limit\":1}"));
	ck_assert_ptr_nonnull(strstr(r, "\"peak_live_mappings\":4,\"dma_entry_limit\":3"));
	ck_assert_ptr_nonnull(strstr(r, "\"verdict\":\"not-ready\""));
}
END_TEST

START_TEST(test_iommufd_answers_are_a_redirected_run)
{
	call(VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU, 0, NULL, 0, VFC_EVF_IOMMUFD);
	gone();
	char *r = report();
	ck_assert_ptr_nonnull(strstr(r, "\"mode\":\"redirect\",\"backend\":\"iommufd\""));
	ck_assert_ptr_nonnull(strstr(r, "\"backend\":\"iommufd\",\"ret\":0,\"errno\":\"0\","
					"\"iommufd\":"));
	ck_assert_ptr_nonnull(strstr(r, "\"containers\":1,\"redirected\":1"));
	ck_assert_ptr_nonnull(strstr(r, "\"verdict\":\"ready-with-differences\""));
}
END_TEST

static bool still_there(pid_t pid, uint64_t starttime)
{
	(void)pid;
	(void)starttime;
	return true;
}

START_TEST(test_running_at_the_stop_is_incomplete_and_comm_filters)
{
	st.alive = still_there;
	call(VFIO_GET_API_VERSION, 0, 0, NULL, 0, 0);
	vfc_audit_finish(&st);
	char *r = report();
	ck_assert_ptr_nonnull(strstr(r, "\"running\":true"));
	ck_assert_ptr_nonnull(strstr(r, "\"verdict\":\"incomplete\""));

	char path[256];
	snprintf(path, sizeof(path), "%s/qemu-kvm-77.jsonl", dir);
	unlink(path);
	st.comm = "cloud-hyperviso";
	call(VFIO_GET_API_VERSION, 0, 0, NULL, 0, 0);
	gone();
	ck_assert_ptr_null(report());
}
END_TEST

START_TEST(test_a_reused_pid_is_another_process)
{
	call(VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU, 0, NULL, 0, 0);
	memset(&ev, 0, sizeof(ev));
	ev.kind = VFC_EV_EXIT;
	ev.tgid = 77;
	ev.start_ns = 6000000000ull; /* not the one that used the container */
	vfc_audit_event(&st, &ev, VFC_EV_HEAD);
	ck_assert_ptr_null(strstr(report(), "\"type\":\"summary\""));
	gone();
	ck_assert_ptr_nonnull(strstr(report(), "\"type\":\"summary\""));
}
END_TEST

/* /proc/PID/stat's starttime (field 22) of pid, in ns as the kernel side sends it. */
static unsigned long long start_ns_of(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long t = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_int_eq(
	    sscanf(strrchr(buf, ')') + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &t),
	    1);
	return t * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/*
 * The lab's 1-in-47 qemu-io `incomplete`: a process whose exit event never
 * came (the kernel side's lost or garbled one) was written `incomplete` at
 * the stop although it had ended. A process gone by the stop gets its
 * finished summary; one still running, and a reused pid, stay incomplete.
 */
START_TEST(test_a_process_gone_without_its_exit_event_is_not_incomplete)
{
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (!child) {
		pause();
		_exit(0);
	}
	unsigned long long child_start = start_ns_of(child), self_start = start_ns_of(getpid());

	kill(child, SIGKILL);
	/*
	 * A zombie, not yet reaped, has ended too, once its last thread is gone
	 * (under qemu-user the emulator's own threads outlive the leader a while).
	 */
	for (int i = 0; i < 2000; i++) {
		char path[64], buf[512];
		long threads = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
		fclose(f);
		sscanf(strrchr(buf, ')') + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld",
		       &threads);
		if (strrchr(buf, ')')[2] == 'Z' && threads <= 1)
			break;
		usleep(1000);
	}
	ck_assert(!vfc_audit_alive(child, child_start / (1000000000ull / sysconf(_SC_CLK_TCK))));
	for (int i = 0; i < 3; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = VFC_EV_IOCTL;
		ev.cmd = VFIO_GET_API_VERSION;
		ev.tgid = (unsigned)(i == 0 ? child : getpid());
		ev.start_ns = i == 2   ? self_start + 1000000000ull
			      : i == 0 ? child_start
				       : self_start;
		strcpy(ev.comm, i == 0 ? "gone" : i == 1 ? "here" : "reused");
		vfc_audit_event(&st, &ev, VFC_EV_HEAD);
	}
	waitpid(child, NULL, 0);
	ck_assert_int_eq(vfc_audit_finish(&st), 3);
	ck_assert_int_eq(st.exits_unseen, 2);

	char path[256], buf[4096];
	struct {
		const char *name;
		pid_t pid;
		bool incomplete;
	} want[] = {{"gone", child, false}, {"here", getpid(), true}, {"reused", getpid(), false}};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s-%d.jsonl", dir, want[i].name, (int)want[i].pid);
		FILE *f = fopen(path, "r");
		ck_assert_msg(f != NULL, "%s", path);
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = 0;
		fclose(f);
		ck_assert_msg((strstr(buf, "\"verdict\":\"incomplete\"") != NULL) ==
				  want[i].incomplete,
			      "%s: %s", want[i].name, buf);
		ck_assert_ptr_nonnull(strstr(buf, "\"type\":\"summary\""));
	}
}
END_TEST

Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_type1_v1_and_vaddr_give_the_shims_verdict);
	tcase_add_test(tc, test_get_info_dma_avail_p2p_and_the_entry_limit);
	tcase_add_test(tc, test_iommufd_answers_are_a_redirected_run);
	tcase_add_test(tc, test_running_at_the_stop_is_incomplete_and_comm_filters);
	tcase_add_test(tc, test_a_reused_pid_is_another_process);
	tcase_add_test(tc, test_a_process_gone_without_its_exit_event_is_not_incomplete);
	suite_add_tcase(s, tc);
	return s;
}
