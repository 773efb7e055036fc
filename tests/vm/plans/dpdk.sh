#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# DPDK's testpmd on the guest's igb, plainly and under the shim. DPDK's EAL
# opens the container with TYPE1 (v1): the report must say huge IOPTEs are
# disabled under iommufd, and the port must start and count its tx burst.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$B/helpers/report-query
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

# fds_of FDS: testpmd's fds into FDS once its device fd is open (the container
# and group are then set up). Polled, not read from its output: testpmd's
# stdout is a file, so its lines only come out when it exits.
fds_of() {
	local i p
	for ((i = 0; i < 300; i++)); do
		if p=$(pgrep -n -x dpdk-testpmd) && ls -l "/proc/$p/fd" >"$1.tmp" 2>/dev/null &&
			grep -q 'vfio-device' "$1.tmp"; then
			mv "$1.tmp" "$1"
			return 0
		fi
		sleep 0.2
	done
	mv "$1.tmp" "$1" 2>/dev/null
	return 1
}
# tx OUT: the TX-packets of testpmd's final (accumulated) statistics.
tx() { sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p' "$1" | tail -n1; }

# One vCPU: two lcores on CPU 0, else "No cores defined for forwarding".
# Interactive, as examples/dpdk-trial.sh: the burst follows the port's start
# however slow initialisation is, and "quit" ends testpmd with status 0.
pmd() {
	tmo 90 dpdk-testpmd --lcores 0@0,1@0 -n 1 -m 256 -a "$BDF" --file-prefix "vfc$$" -- \
		-i --nb-cores=1 --total-num-mbufs=2048 \
		< <(echo "start tx_first"; sleep 3; echo stop; echo quit) >"$T/$1.out" 2>&1 &
	local pid=$!
	fds_of "$T/$1.fds"
	wait_for "$pid" 120 "testpmd ($1)"
	echo $? >"$T/$1.rc"
}

pmd plain
CHECK_DIAG=$(tail -n 30 "$T/plain.out")
check "plain testpmd started the igb port" grep -q 'Port 0: .*' "$T/plain.out"
# tx_first: one burst of testpmd's default 32 packets on the one stream; the
# igb has no peer, so nothing comes back to forward.
check "plain testpmd counted its tx-first burst: 32 packets ($(tx "$T/plain.out"))" test "$(tx "$T/plain.out")" = 32
check "plain testpmd quit with status 0 (rc $(cat "$T/plain.rc"))" test "$(cat "$T/plain.rc")" = 0
check "plain testpmd closed its port on quit" grep -q 'Bye' "$T/plain.out"
CHECK_DIAG=$(cat "$T/plain.fds" 2>/dev/null)
check "plain testpmd held /dev/vfio/vfio while running" grep -q ' -> /dev/vfio/vfio$' "$T/plain.fds"

VFIOCOMPAT_SHIM=$SHIM VFIOCOMPAT_LOG=$T/r.jsonl tmo 90 "$here/../../../examples/dpdk-trial.sh" "$BDF" 3 \
	--lcores 0@0,1@0 -n 1 -m 256 --file-prefix "vfc$$" >"$T/shim.out" 2>&1 &
spid=$!
fds_of "$T/shim.fds"
wait_for "$spid" 120 "dpdk-trial.sh"
echo $? >"$T/shim.rc"
CHECK_DIAG="$(tail -n 30 "$T/shim.out"; cat "$T/r.jsonl" 2>/dev/null)"
check "examples/dpdk-trial.sh exits 0 and prints the verdict" \
	test "$(cat "$T/shim.rc")" = 0 -a -n "$(grep 'dpdk-trial: exit .*verdict: ready-with-differences' "$T/shim.out")"
check "testpmd under the shim started the igb port" grep -q 'Port 0: .*' "$T/shim.out"
check "testpmd under the shim sent as many packets as plain ($(tx "$T/shim.out") vs $(tx "$T/plain.out"))" \
	test -n "$(tx "$T/shim.out")" -a "$(tx "$T/shim.out")" = "$(tx "$T/plain.out")"
check "testpmd under the shim closed its port on quit" grep -q 'Bye' "$T/shim.out"
CHECK_DIAG=$(cat "$T/shim.fds" 2>/dev/null)
check "testpmd under the shim held /dev/iommu while running" grep -q ' -> /dev/iommu$' "$T/shim.fds"
check "testpmd under the shim held no /dev/vfio/vfio" sh -c "test -s '$T/shim.fds' && ! grep -q ' -> /dev/vfio/vfio\$' '$T/shim.fds'"
CHECK_DIAG="$(tail -n 30 "$T/shim.out"; cat "$T/r.jsonl" 2>/dev/null)"
check "report: DPDK's container was redirected" test "$("$Q" "$T/r.jsonl" open action node=container)" = redirected
check "report: TYPE1 v1 recorded as huge IOPTEs disabled" \
	grep -q '"feature":"type1_v1".*huge IOPTEs disabled' "$T/r.jsonl"
check "report: hugepage memory mapped through the container, no MAP_DMA failed" \
	test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.calls | sed 's/MISSING/0/')" -gt 0 -a \
	"$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.errors)" = 0
check "report: DPDK's SPAPR probe is not a blocker: verdict ready-with-differences" \
	test "$("$Q" "$T/r.jsonl" summary verdict)" = ready-with-differences
echo "# DPDK verdict: $("$Q" "$T/r.jsonl" summary verdict); features: $("$Q" "$T/r.jsonl" summary features)"
rm -rf "$T"
tap_end
