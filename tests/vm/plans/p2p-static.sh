#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A static VMM that maps every BAR with MAP_DMA and treats a failure as fatal
# (cloud-hypervisor's vfio_p2p_dma=on default, tests/helpers/p2p-static.c):
# on plain type1 it starts, and the eBPF audit (vfiocompat audit) records
# its p2p_map and calls it not-ready; the oracle is the run on iommufd itself
# (vfiocompat run --mount-ns), where it fails to start, and starts again
# with the way out, vfio_p2p_dma=off (--no-p2p).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
. "$here/../module-load.sh"
. "$here/lib/ebpf-audit.sh"
P2P=$B/helpers/p2p-static
DEV=${VFC_IGB:?}

check "the stand-in is statically linked (LD_PRELOAD cannot reach it)" sh -c "! ldd '$P2P' >/dev/null 2>&1"
"$B/vfiocompat" inspect "$P2P" >"$T/i.out" 2>&1
CHECK_DIAG=$(cat "$T/i.out")
check "inspect: use --mount-ns (static)" grep -q 'verdict: *use --mount-ns' "$T/i.out"

unload
audit_start "$T/k" || tap_fail "vfiocompat audit did not start" "$(cat "$T/k.err")"
"$P2P" "$DEV" >"$T/plain.out" 2>&1 &
ppid=$!
wait "$ppid"; prc=$?
audit_stop
cat "$T"/k/*.jsonl >"$T/k.jsonl" 2>/dev/null
nbars=$(sed -n 's/^started: \([0-9]*\) BAR(s) mapped$/\1/p' "$T/plain.out")
CHECK_DIAG="$(cat "$T/plain.out") $(grep "\"pid\":$ppid," "$T/k.jsonl")"
check "plain type1: it starts, every mmap-able BAR mapped ($nbars)" test "$prc" = 0 -a "${nbars:-0}" -ge 1
check "audit: its p2p_map recorded" test "$("$Q" "$T/k.jsonl" feature feature pid=$ppid feature=p2p_map)" = p2p_map
check "audit: summary counts one MAP_DMA per BAR plus guest RAM ($((nbars + 1)))" \
	test "$("$Q" "$T/k.jsonl" summary ioctls.IOMMU_MAP_DMA.calls pid=$ppid)" = $((nbars + 1))
check "audit: its verdict is not-ready" test "$("$Q" "$T/k.jsonl" summary verdict pid=$ppid)" = not-ready
grep "\"pid\":$ppid," "$T/k.jsonl" >"$T/mine.jsonl"
"$B/vfiocompat" report "$T/mine.jsonl" >"$T/r.out" 2>&1; rrc=$?
CHECK_DIAG=$(cat "$T/r.out")
check "vfiocompat report: NOT READY (exit 1) naming p2p_map" test "$rrc" = 1 -a -n "$(grep p2p_map "$T/r.out")"
unload

# The oracle: the same binary on iommufd's compat.
"$B/vfiocompat" run --mount-ns --target /dev/iommu -- "$P2P" "$DEV" >"$T/ns.out" 2>&1; nrc=$?
CHECK_DIAG=$(cat "$T/ns.out")
check "on iommufd (run --mount-ns): it fails to start, MAP_DMA of a BAR refused (EFAULT)" \
	test "$nrc" = 1 -a -n "$(grep '^failed to start: MAP_DMA of BAR[0-5] .*: Bad address$' "$T/ns.out")"
"$B/vfiocompat" run --mount-ns --target /dev/iommu -- "$P2P" --no-p2p "$DEV" >"$T/ns2.out" 2>&1; nrc=$?
CHECK_DIAG=$(cat "$T/ns2.out")
check "on iommufd with vfio_p2p_dma=off (--no-p2p): it starts" \
	test "$nrc" = 0 -a -n "$(grep '^started: 0 BAR(s) mapped$' "$T/ns2.out")"
rm -rf "$T"
tap_end
