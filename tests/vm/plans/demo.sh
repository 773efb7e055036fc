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
rm -rf "$T"
tap_end
