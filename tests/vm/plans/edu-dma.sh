#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real DMA with QEMU's edu device through the container: plainly (type1) and
# under the shim (iommufd), where the process must hold /dev/iommu only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/tap.sh"
Q=$here/../../integration/report-query
EDU=$B/examples/vfio-dma-edu
SHIM=$B/libvfiocompat.so
BDF=${VFC_EDU:?edu not bound}
T=$(mktemp -d)

for v in "" --v1; do
	name="type1${v:+ v1}"
	out=$("$EDU" $v --list-fds "$BDF" 2>&1); rc=$?
	CHECK_DIAG=$out
	check "edu DMA round trip, plain $name" test "$rc" = 0
	check "plain $name holds /dev/vfio/vfio" grep -Eq 'fd [0-9]+ -> /dev/vfio/vfio( |$)' <<<"$out"
	rm -f "$T/r.jsonl"
	out=$(VFIOCOMPAT_LOG=$T/r.jsonl LD_PRELOAD=$SHIM "$EDU" $v --list-fds "$BDF" 2>&1); rc=$?
	CHECK_DIAG=$out
	check "edu DMA round trip under the shim, $name on iommufd" test "$rc" = 0
	check "under the shim the process holds /dev/iommu" grep -Eq 'fd [0-9]+ -> /dev/iommu( |$)' <<<"$out"
	check "under the shim the process holds no /dev/vfio/vfio" test -z "$(grep -E 'fd [0-9]+ -> /dev/vfio/vfio( |$)' <<<"$out")"
	CHECK_DIAG=$(cat "$T/r.jsonl" 2>/dev/null)
	check "report records the redirect ($name)" test "$("$Q" "$T/r.jsonl" open action node=container)" = redirected
	check "report records the attach ($name)" test "$("$Q" "$T/r.jsonl" attach ret)" = 0
	check "report records the detach ($name)" test "$("$Q" "$T/r.jsonl" detach ret)/$("$Q" "$T/r.jsonl" summary detaches)" = 0/1
	check "report counts MAP_DMA ($name)" test "$("$Q" "$T/r.jsonl" summary ioctls.IOMMU_MAP_DMA.calls)" -ge 1
	want=ready
	[ -n "$v" ] && want=ready-with-differences
	check "verdict $want ($name)" test "$("$Q" "$T/r.jsonl" summary verdict)" = "$want"
	CHECK_DIAG=
done

# Mixing the APIs on one IOAS: VFIO MAP_DMA for the source, iommufd's own
# IOMMU_IOAS_MAP (on the compat IOAS found with IOMMU_VFIO_IOAS) for the
# destination, and the DMA round trip through both.
out=$(VFIOCOMPAT_QUERY=1 VFIOCOMPAT_LOG=$T/m.jsonl LD_PRELOAD=$SHIM "$EDU" --native-map "$BDF" 2>&1); rc=$?
CHECK_DIAG="$out $(cat "$T/m.jsonl" 2>/dev/null)"
check "edu DMA with MAP_DMA and IOMMU_IOAS_MAP mixed on one IOAS (shim)" test "$rc" = 0
ioas=$(sed -n 's/.*on compat IOAS \([0-9]*\)$/\1/p' <<<"$out")
check "VFIOCOMPAT_QUERY=1 records the compat IOAS, the one the example used ($ioas)" \
	test -n "$ioas" -a "$("$Q" "$T/m.jsonl" ioas ioas_id)" = "$ioas"
rm -f "$T/m.jsonl"
VFIOCOMPAT_LOG=$T/m.jsonl LD_PRELOAD=$SHIM "$EDU" "$BDF" >/dev/null 2>&1
check "without VFIOCOMPAT_QUERY no IOMMU_VFIO_IOAS is issued (no ioas record)" \
	test "$("$Q" "$T/m.jsonl" ioas ioas_id)/$("$Q" "$T/m.jsonl" summary ioctls.IOMMU_VFIO_IOAS)" = MISSING/MISSING
out=$("$EDU" --native-map "$BDF" 2>&1); rc=$?
CHECK_DIAG=$out
check "plain type1 --native-map fails with one clear line" \
	test "$rc" != 0 -a -n "$(grep -F 'IOMMU_VFIO_IOAS GET (--native-map needs iommufd behind the container)' <<<"$out")"
rm -rf "$T"
tap_end
