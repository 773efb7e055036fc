#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# DPDK's testpmd on the guest's igb, plainly and under the shim. DPDK's EAL
# opens the container with TYPE1 (v1): the report must say huge IOPTEs are
# disabled under iommufd, and the port must start and count its tx burst.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$here/../../integration/report-query
SHIM=$B/libvfiocompat.so
BDF=${VFC_IGB:?igb not bound}
T=$(mktemp -d)
if ! command -v dpdk-testpmd >/dev/null; then
	tap_fail "dpdk-testpmd is not installed (Debian package dpdk; scripts/install-deps vm)"
	tap_end
	exit
fi
echo 256 >/proc/sys/vm/nr_hugepages
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs none /dev/hugepages

# One vCPU: two lcores on CPU 0, else "No cores defined for forwarding".
pmd() {
	timeout -s INT 20 dpdk-testpmd --lcores 0@0,1@0 -n 1 -m 256 -a "$BDF" --file-prefix "vfc$$" -- \
		--tx-first --stats-period 5 --nb-cores=1 --total-num-mbufs=2048 </dev/null >"$T/$1.out" 2>&1
	echo $? >"$T/$1.rc"
}

pmd plain
CHECK_DIAG=$(tail -n 30 "$T/plain.out")
check "plain testpmd started the igb port" grep -q 'Port 0: .*' "$T/plain.out"
check "plain testpmd counted its tx-first burst" grep -Eq 'TX-packets: *[1-9]' "$T/plain.out"
check "plain testpmd exited through its signal handler" grep -q 'Bye' "$T/plain.out"

VFIOCOMPAT_SHIM=$SHIM VFIOCOMPAT_LOG=$T/r.jsonl "$here/../../../examples/dpdk-trial.sh" "$BDF" 20 \
	--lcores 0@0,1@0 -n 1 -m 256 --file-prefix "vfc$$" >"$T/shim.out" 2>&1
echo $? >"$T/shim.rc"
CHECK_DIAG="$(tail -n 30 "$T/shim.out"; cat "$T/r.jsonl" 2>/dev/null)"
check "examples/dpdk-trial.sh exits 0 and prints the verdict" \
	test "$(cat "$T/shim.rc")" = 0 -a -n "$(grep 'dpdk-trial: exit .*verdict: ready-with-differences' "$T/shim.out")"
check "testpmd under the shim started the igb port" grep -q 'Port 0: .*' "$T/shim.out"
check "testpmd under the shim counted its tx-first burst" grep -Eq 'TX-packets: *[1-9]' "$T/shim.out"
check "testpmd under the shim exited through its signal handler" grep -q 'Bye' "$T/shim.out"
check "report: DPDK's container was redirected" test "$("$Q" "$T/r.jsonl" open action node=container)" = redirected
check "report: TYPE1 v1 recorded as huge IOPTEs disabled" \
	grep -q '"feature":"type1_v1".*huge IOPTEs disabled' "$T/r.jsonl"
check "report: hugepage memory mapped through the container" \
	test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.calls | sed 's/MISSING/0/')" -gt 0
check "report: DPDK's SPAPR probe is not a blocker: verdict ready-with-differences" \
	test "$("$Q" "$T/r.jsonl" summary verdict)" = ready-with-differences
echo "# DPDK verdict: $("$Q" "$T/r.jsonl" summary verdict); features: $("$Q" "$T/r.jsonl" summary features)"
rm -rf "$T"
tap_end
