# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the plans that compare two reports of the same program
# (audit-parity.sh, ebpf-audit.sh): the lab's audit-parity clients, one list.
# parity_clients runs the sourcing plan's `pair NAME CMD...` for each: the
# edu example (type1v2 and type1 v1), a large GET_INFO buffer, the feature
# probes, QEMU with an assigned device, qemu-io on nvme://, dpdk-testpmd.
# After each pair it calls `after_pair NAME` (the plan's, if it has one: to
# keep a report or check a client's own output). Needs B, T, VFC_EDU, VFC_IGB,
# VFC_E1000E (VFC_NVME optional).
# shellcheck shell=bash

# QEMU with an assigned device, up to QMP and quit.
qemu_vm() {
	local sock=$T/q.sock
	rm -f "$sock"
	qemu-system-x86_64 -M q35 -accel tcg -m 128M -nodefaults -display none -S \
		-device vfio-pci,host="${VFC_E1000E:?e1000e not bound}" \
		-qmp unix:"$sock",server=on,wait=off &
	local pid=$!
	for _ in $(seq 240); do [ -S "$sock" ] && break; sleep 0.5; done
	env -u LD_PRELOAD "$B/helpers/qmp-query-pci" "$sock" 120 >/dev/null 2>&1
	wait "$pid"
}

# qemu-io on nvme://, the emulated NVMe re-armed before each run (getinfo.sh).
nvme_io() {
	env -u LD_PRELOAD "$(dirname "${BASH_SOURCE[0]}")/../../nvme-rearm" "$VFC_NVME" >/dev/null 2>&1
	timeout -k 5 90 qemu-io -f raw -c 'write -P 0x5a 0 1M' -c 'read -P 0x5a 0 1M' \
		"nvme://$VFC_NVME/1"
}

# DPDK's testpmd on the igb, sending its tx-first burst once its port is up
# (interactive: its commands are read after initialisation), then quitting.
testpmd() {
	timeout -k 5 90 dpdk-testpmd --lcores 0@0,1@0 -n 1 -m 256 -a "$VFC_IGB" \
		--file-prefix "vfcpc$$" -- -i --nb-cores=1 --total-num-mbufs=2048 \
		< <(echo "start tx_first"; sleep 1; echo stop; echo quit)
}

parity_clients() {
	local p
	declare -F after_pair >/dev/null || after_pair() { :; }
	pair "edu type1v2" "$B/examples/vfio-dma-edu" "${VFC_EDU:?edu not bound}"
	after_pair "edu type1v2"
	pair "edu type1 v1" "$B/examples/vfio-dma-edu" --v1 "$VFC_EDU"
	after_pair "edu type1 v1"
	pair "GET_INFO into a large buffer" "$B/helpers/bigbuf" "$VFC_EDU"
	after_pair "GET_INFO into a large buffer"
	for p in vaddr_map vaddr_unmap update_vaddr_ext nesting_ext nesting_set spapr \
		dirty_pages dirty_bitmap_unmap type1_v1 p2p_map; do
		pair "probe $p" "$B/examples/vfio-feature-probe" "$p" "${VFC_IGB:?igb not bound}"
		after_pair "probe $p"
	done
	if command -v qemu-system-x86_64 >/dev/null; then
		pair "qemu -device vfio-pci" qemu_vm
		after_pair "qemu -device vfio-pci"
	else
		tap_fail "qemu-system-x86_64 is not installed (scripts/install-deps vm)"
	fi
	if command -v qemu-io >/dev/null && [ -n "${VFC_NVME:-}" ]; then
		pair "qemu-io nvme://" nvme_io
		after_pair "qemu-io nvme://"
	fi
	if command -v dpdk-testpmd >/dev/null; then
		echo 256 >/proc/sys/vm/nr_hugepages
		mkdir -p /dev/hugepages
		mountpoint -q /dev/hugepages || mount -t hugetlbfs none /dev/hugepages
		pair "dpdk-testpmd" testpmd
		after_pair "dpdk-testpmd"
	else
		tap_fail "dpdk-testpmd is not installed (Debian package dpdk; scripts/install-deps vm)"
	fi
}
