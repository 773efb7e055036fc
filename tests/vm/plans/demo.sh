#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: an unchanged type1 program (real DMA with edu, then a DPDK-like
# TYPE1 v1 user, then a live-update probe) trialled on iommufd, with the
# operator-facing output shown as TAP comments.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
SHIM=$B/libvfiocompat.so
T=$(mktemp -d)
show() { sed 's/^/#   /'; }

echo "# 0. is this host ready? (vfiocompat check, with the lab kernel's config)"
"$B/vfiocompat" check --config "$VFC_KSRC/.config" >"$T/check" 2>&1
rc=$?
grep -E '^  (PASS|FAIL|WARN)|passed,' "$T/check" | show
check "vfiocompat check: the lab host passes" test "$rc" = 0
echo "# 1. edu DMA, plain type1:"
"$B/examples/vfio-dma-edu" "$VFC_EDU" 2>&1 | show
check "edu DMA works on type1" test "${PIPESTATUS[0]}" = 0
echo "# 2. the same binary under LD_PRELOAD=libvfiocompat.so (redirected to /dev/iommu):"
LD_PRELOAD=$SHIM "$B/examples/vfio-dma-edu" "$VFC_EDU" 2>&1 | show
check "edu DMA works on iommufd through the shim" test "${PIPESTATUS[0]}" = 0
echo "# 3. TYPE1 v1 (as DPDK uses it), with a JSON Lines report:"
VFIOCOMPAT_LOG=$T/v1.jsonl LD_PRELOAD=$SHIM "$B/examples/vfio-dma-edu" --v1 "$VFC_EDU" 2>&1 | show
show <"$T/v1.jsonl"
check "TYPE1 v1 reported as huge IOPTEs disabled" grep -q 'huge IOPTEs disabled' "$T/v1.jsonl"
echo "# 4. live update (VADDR) probe on igb, audit mode on type1, then redirected:"
VFIOCOMPAT_MODE=audit LD_PRELOAD=$SHIM "$B/examples/vfio-feature-probe" vaddr_map "$VFC_IGB" 2>&1 | show
LD_PRELOAD=$SHIM "$B/examples/vfio-feature-probe" vaddr_map "$VFC_IGB" 2>"$T/err" | show
show <"$T/err"
check "VADDR use gives verdict not-ready" grep -q 'verdict: not-ready' "$T/err"
VFIOCOMPAT_LOG=$T/vaddr.jsonl LD_PRELOAD=$SHIM "$B/examples/vfio-feature-probe" vaddr_map "$VFC_IGB" >/dev/null 2>&1
echo "# 5. QEMU with the e1000e assigned, through examples/qemu-trial.sh:"
VFIOCOMPAT_SHIM=$SHIM VFIOCOMPAT_LOG=$T/qemu.jsonl "$here/../../../scripts/demo-qemu-trial" "$VFC_E1000E" >"$T/q" 2>&1
rc=$?
show <"$T/q"
check "QEMU trial exits 0 and shows the assigned device" test "$rc" = 0 -a -n "$(grep 'query-pci: dev 8086:10d3' "$T/q")"
check "QEMU trial prints its verdict" grep -q 'qemu-trial: exit 0; verdict: ready' "$T/q"
echo "# 6. the fleet view: vfiocompat report over every trial above"
"$B/vfiocompat" report "$T"/*.jsonl >"$T/report" 2>&1
rc=$?
show <"$T/report"
check "vfiocompat report: NOT READY (the live-update user), exit 1" test "$rc" = 1 -a -n "$(grep '^verdict: NOT READY' "$T/report")"
rm -rf "$T"
tap_end
